/* fuzz_common.c - what every fuzz target (and tests/fuzz/replay) does with
 * one input.
 *
 * 1. Parse the input alone into a fresh snapshot (the order count then
 *    comes from the input itself).
 * 2. Parse it the way fs_collect() does: after a fixed, valid buddyinfo, so
 *    that zone names, node ids and order counts from the input meet data
 *    already there. When that parses, compute a report and render it as a
 *    table, JSON and the kernel's debugfs format into a memory stream.
 * 3. Check invariants on the snapshot, the report and the output; a broken
 *    one calls abort() with a message on stderr (libFuzzer reports a crash,
 *    the replay dies with SIGABRT).
 *
 * The input is copied into a buffer of exactly `size` bytes with no NUL
 * after it, so a parser that reads past `len` is caught by ASan.
 */
#include "config.h"

#include "fuzz_common.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "collect.h"
#include "fragindex.h"
#include "load_json.h"
#include "readers.h"
#include "render.h"
#include "render_json.h"
#include "report.h"
#include "snapshot.h"

#include "klog.h"
#include "klog_cause.h"
#include "render_klog.h"
#include "sim_buddy.h"
#include "sim_workload.h"

#include "pagemap.h"
#include "rd_kpage.h"
#include "sim_layout.h"
#include "render_map.h"

static const char *const target_names[FZ_COUNT] = {
	[FZ_BUDDYINFO] = "buddyinfo",
	[FZ_PAGETYPEINFO] = "pagetypeinfo",
	[FZ_ZONEINFO] = "zoneinfo",
	[FZ_VMSTAT] = "vmstat",
	[FZ_MEMINFO] = "meminfo",
	[FZ_EXTFRAG] = "extfrag",
	[FZ_SYSCTL] = "sysctl",
	[FZ_JSON] = "json",
	[FZ_TRACE] = "trace",
	[FZ_NOTE] = "note",
	[FZ_KPAGE] = "kpage",
	[FZ_KLOG] = "klog",
};
_Static_assert(sizeof target_names / sizeof target_names[0] == FZ_COUNT, "one name per target");

/* Two nodes, three zones, 11 orders: what fs_collect() has parsed before
 * any other file. Zone names match what the seeds use. */
static const char base_buddyinfo[] =
	"Node 0, zone      DMA      1      1      1      0      2      1      1      0      1      1      3 \n"
	"Node 0, zone    DMA32   1234    567    289    101     45     12      7      3      1      0    420 \n"
	"Node 0, zone   Normal  38012  21034   9021   2310    410     33      2      0      0      0      0 \n"
	"Node 1, zone   Normal  12000   8000   4000   1000    300     80     20      4      1      1      2 \n";

const char *fuzz_target_name(enum fuzz_target t)
{
	return (unsigned)t < FZ_COUNT ? target_names[t] : "?";
}

int fuzz_target_available(enum fuzz_target t)
{
	return (unsigned)t < FZ_COUNT;
}

static __attribute__((noreturn, format(printf, 2, 3))) void broken(enum fuzz_target t, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "fuzz %s: invariant broken: ", fuzz_target_name(t));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

#define CHECK(t, cond, ...) \
	do { \
		if (!(cond)) \
			broken((t), __VA_ARGS__); \
	} while (0)

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

/* A parser's result: 0, or -EINVAL/-ERANGE with the diagnostic filled, or
 * -ENOMEM. Anything else is a contract violation. */
static void check_result(enum fuzz_target t, int r, const struct fs_diag *d, const char *file)
{
	if (r == 0 || r == -ENOMEM)
		return;
	CHECK(t, r == -EINVAL || r == -ERANGE, "parser returned %d (not 0, -EINVAL, -ERANGE, -ENOMEM)", r);
	CHECK(t, terminated(d->msg, sizeof d->msg) && d->msg[0], "error %d without a message", r);
	CHECK(t, d->file && strcmp(d->file, file) == 0, "diagnostic names another file (%s)",
	      d->file ? d->file : "(null)");
}

static void check_kvlist(enum fuzz_target t, const struct fs_kvlist *l, const char *what)
{
	CHECK(t, l->n <= l->cap, "%s: n %zu > cap %zu", what, l->n, l->cap);
	CHECK(t, l->n == 0 || l->items, "%s: items NULL with n %zu", what, l->n);
	for (size_t i = 0; i < l->n; i++) {
		CHECK(t, terminated(l->items[i].name, FS_NAME_MAX), "%s[%zu]: name not terminated", what, i);
		CHECK(t, l->items[i].name[0], "%s[%zu]: empty name", what, i);
	}
}

static void check_snapshot(enum fuzz_target t, const struct fs_snapshot *s)
{
	CHECK(t, s->orders <= FS_MAX_ORDERS, "orders %u > %d", s->orders, FS_MAX_ORDERS);
	CHECK(t, s->nmt <= FS_MAX_MT, "nmt %u > %d", s->nmt, FS_MAX_MT);
	CHECK(t, s->nnodes <= FS_MAX_NODES, "nnodes %zu > %d", s->nnodes, FS_MAX_NODES);
	CHECK(t, s->nnodes == 0 || s->nodes, "nodes NULL with nnodes %zu", s->nnodes);
	CHECK(t, s->pageblock_order >= -1 && s->pageblock_order < 64, "pageblock_order %d", s->pageblock_order);
	if (s->pageblock_order >= 0 && s->pages_per_block)
		CHECK(t, s->pages_per_block == (uint64_t)1 << s->pageblock_order,
		      "pages_per_block %llu but pageblock_order %d",
		      (unsigned long long)s->pages_per_block, s->pageblock_order);
	for (unsigned m = 0; m < s->nmt; m++) {
		CHECK(t, terminated(s->mt_names[m], FS_NAME_MAX) && s->mt_names[m][0],
		      "migratetype %u: bad name", m);
		for (unsigned m2 = 0; m2 < m; m2++)
			CHECK(t, strcmp(s->mt_names[m], s->mt_names[m2]) != 0,
			      "migratetype %s twice", s->mt_names[m]);
	}
	for (int i = 0; i < FS_SRC_COUNT; i++)
		CHECK(t, s->src[i] <= FS_ST_ERROR, "src[%d] status %d", i, (int)s->src[i]);
	check_kvlist(t, &s->vmstat, "vmstat");
	check_kvlist(t, &s->meminfo, "meminfo");
	for (size_t i = 0; i < s->nnodes; i++) {
		const struct fs_node *n = &s->nodes[i];
		CHECK(t, n->id >= 0, "node id %d", n->id);
		CHECK(t, n->nzones <= FS_MAX_ZONES, "node %d: nzones %u", n->id, n->nzones);
		for (size_t j = 0; j < i; j++)
			CHECK(t, s->nodes[j].id != n->id, "node %d twice", n->id);
		check_kvlist(t, &n->node_stats, "node_stats");
		for (unsigned zi = 0; zi < n->nzones; zi++) {
			const struct fs_zone *z = &n->zones[zi];
			CHECK(t, terminated(z->name, FS_NAME_MAX) && z->name[0], "node %d zone %u: bad name", n->id, zi);
			for (unsigned z2 = 0; z2 < zi; z2++)
				CHECK(t, strcmp(n->zones[z2].name, z->name) != 0, "node %d: zone %s twice", n->id, z->name);
			/* Columns past the order count stay zero. */
			for (unsigned o = s->orders; o < FS_MAX_ORDERS; o++) {
				CHECK(t, z->free[o] == 0, "node %d zone %s: free[%u] set past %u orders",
				      n->id, z->name, o, s->orders);
				for (unsigned m = 0; m < FS_MAX_MT; m++)
					CHECK(t, z->free_by_type[m][o] == 0,
					      "node %d zone %s: free_by_type[%u][%u] set past %u orders",
					      n->id, z->name, m, o, s->orders);
			}
			for (unsigned m = s->nmt; m < FS_MAX_MT; m++)
				CHECK(t, z->blocks[m] == 0, "node %d zone %s: blocks[%u] set past %u types",
				      n->id, z->name, m, s->nmt);
			CHECK(t, !z->has_buddy || s->orders > 0, "zone with buddyinfo but no order count");
			CHECK(t, z->nprotection <= FS_MAX_ZONES, "nprotection %u", z->nprotection);
			CHECK(t, z->zi_index >= -1, "zi_index %d", z->zi_index);
			check_kvlist(t, &z->zone_stats, "zone_stats");
			if (z->has_kextfrag)
				for (unsigned o = 0; o < s->orders; o++)
					CHECK(t, z->kextfrag[o] >= -1000 && z->kextfrag[o] <= 1000,
					      "kextfrag[%u] = %d", o, z->kextfrag[o]);
			if (z->has_kunusable)
				for (unsigned o = 0; o < s->orders; o++)
					CHECK(t, z->kunusable[o] >= 0 && z->kunusable[o] <= 1000,
					      "kunusable[%u] = %d", o, z->kunusable[o]);
		}
	}
}

/* Sum of free[o] << o, or false when it does not fit 64 bits. */
static bool free_pages(const uint64_t *free, unsigned orders, uint64_t *out)
{
	uint64_t sum = 0;
	for (unsigned o = 0; o < orders; o++) {
		if (free[o] && (o >= 64 || free[o] > (UINT64_MAX >> o)))
			return false;
		uint64_t v = free[o] << o;
		if (sum > UINT64_MAX - v)
			return false;
		sum += v;
	}
	*out = sum;
	return true;
}

static void check_report(enum fuzz_target t, const struct fs_snapshot *s, const struct fs_report *r)
{
	CHECK(t, r->snap == s, "report of another snapshot");
	CHECK(t, r->orders == s->orders, "report orders %u, snapshot %u", r->orders, s->orders);
	CHECK(t, r->nnodes <= s->nnodes, "report nodes %zu > snapshot %zu", r->nnodes, s->nnodes);
	if (r->orders) {
		CHECK(t, r->hpage_order >= 0 && r->hpage_order < (int)r->orders,
		      "hpage_order %d of %u orders", r->hpage_order, r->orders);
		CHECK(t, r->focus_order >= 0 && r->focus_order < (int)r->orders,
		      "focus_order %d of %u orders", r->focus_order, r->orders);
	}
	unsigned mismatches = 0;
	for (size_t i = 0; i < r->nnodes; i++) {
		const struct fs_node_report *nr = &r->nodes[i];
		CHECK(t, nr->nzones >= 1 && nr->nzones <= FS_MAX_ZONES, "node report with %u zones", nr->nzones);
		uint64_t hn = 0, hm = 0;
		bool all_ok = true;
		for (unsigned zi = 0; zi < nr->nzones; zi++) {
			const struct fs_zone_report *zr = &nr->zones[zi];
			const struct fs_node *n = NULL;
			for (size_t j = 0; j < s->nnodes; j++)
				if (s->nodes[j].id == zr->node)
					n = &s->nodes[j];
			CHECK(t, n != NULL, "zone report of a node (%d) not in the snapshot", zr->node);
			CHECK(t, zr->node == nr->node, "zone of node %d under node %d", zr->node, nr->node);
			CHECK(t, zr->zone >= n->zones && zr->zone < n->zones + n->nzones,
			      "zone pointer outside node %d", zr->node);
			CHECK(t, zr->zone->has_buddy, "zone report for a zone without buddyinfo");
			uint64_t fp;
			bool fits = free_pages(zr->zone->free, r->orders, &fp);
			mismatches += zr->kcheck_mismatch;
			if (!zr->indices_ok) {
				all_ok = false;
				continue;
			}
			CHECK(t, fits, "indices_ok although the free pages overflow 64 bits");
			CHECK(t, zr->free_pages == fp, "free_pages %llu, sum of blocks %llu",
			      (unsigned long long)zr->free_pages, (unsigned long long)fp);
			for (unsigned o = 0; o < r->orders; o++) {
				CHECK(t, zr->unusable[o] >= 0 && zr->unusable[o] <= 1000, "unusable[%u] = %d", o, zr->unusable[o]);
				CHECK(t, zr->fragidx[o] >= -1000 && zr->fragidx[o] <= 1000, "fragidx[%u] = %d", o, zr->fragidx[o]);
				CHECK(t, zr->extfrag_pct[o] <= 100, "extfrag_pct[%u] = %u", o, zr->extfrag_pct[o]);
				/* The kernel: no free memory is all unusable, extfrag 0. */
				if (fp == 0)
					CHECK(t, zr->unusable[o] == 1000 && zr->extfrag_pct[o] == 0,
					      "empty zone with unusable %d / extfrag %u", zr->unusable[o], zr->extfrag_pct[o]);
			}
			if (fp)
				CHECK(t, zr->unusable[0] == 0, "order-0 unusable index %d (every free page is usable)",
				      zr->unusable[0]);
			CHECK(t, zr->huge_now <= zr->huge_max, "huge_now %llu > huge_max %llu",
			      (unsigned long long)zr->huge_now, (unsigned long long)zr->huge_max);
			CHECK(t, zr->huge_max == fp >> r->hpage_order, "huge_max %llu, free pages >> %d = %llu",
			      (unsigned long long)zr->huge_max, r->hpage_order,
			      (unsigned long long)(fp >> r->hpage_order));
			hn += zr->huge_now;
			hm += zr->huge_max;
			if (zr->has_verdicts)
				for (unsigned o = 0; o < r->orders; o++)
					CHECK(t, zr->verdicts[o].kind >= FS_VERDICT_OK && zr->verdicts[o].kind <= FS_VERDICT_RESERVED,
					      "verdict %u: kind %d", o, (int)zr->verdicts[o].kind);
		}
		/* Decisions: valid ids, a sentence, and the inequality the
		 * sentence states holds for the check that decided. */
		if (nr->has_decisions)
			for (int kind = 0; kind < FS_AK_GFP; kind++) {
				const struct fs_decision *d = &nr->decisions[kind];
				char why[1024];
				CHECK(t, fs_decision_reason(d, why, sizeof why) > 0, "decision without a reason");
				CHECK(t, (unsigned)d->rule < FS_RULE_COUNT, "rule %d", (int)d->rule);
				if (!d->decided)
					continue;
				CHECK(t, (unsigned)d->outcome < FS_OUT_COUNT, "outcome %d", (int)d->outcome);
				const struct fs_wmark_check *c = &d->check;
				__int128 left = (__int128)c->free - c->sub_order - c->sub_highatomic - c->sub_cma;
				__int128 right = (__int128)c->mark + c->reserve;
				if (d->rule == FS_RULE_FAST || d->rule == FS_RULE_MIN_KSWAPD || d->rule == FS_RULE_MIN_NOWAKE)
					CHECK(t, c->result == FS_ZR_PASS && left > right &&
						 (d->order == 0 || c->block_order >= (int)d->order),
					      "%s: a passing check that does not pass", fs_rule_name(d->rule));
				else
					CHECK(t, c->result != FS_ZR_PASS, "%s: the deciding check passes",
					      fs_rule_name(d->rule));
				if (c->result == FS_ZR_FAIL_FREE)
					CHECK(t, left <= c->mark, "fail_free but above the mark");
				if (c->result == FS_ZR_FAIL_RESERVE)
					CHECK(t, left > c->mark && left <= right, "fail_reserve inconsistent");
			}
		if (all_ok)
			CHECK(t, nr->huge_now == hn && nr->huge_max == hm, "node huge pages are not the zones' sum");
		if (nr->has_proactive) {
			CHECK(t, nr->score <= 100, "proactive score %u", nr->score);
			CHECK(t, nr->wmark_low <= nr->wmark_high && nr->wmark_high <= 100,
			      "proactive watermarks %u..%u", nr->wmark_low, nr->wmark_high);
		}
	}
	CHECK(t, mismatches == r->kcheck_mismatches, "kcheck mismatches %u, zones say %u",
	      r->kcheck_mismatches, mismatches);
	CHECK(t, r->kcheck_mismatches <= r->kcheck_compared, "more mismatches than values compared");
}

/* Render into memory; returns the text (caller frees) or NULL. */
static char *render(enum fuzz_target t, const struct fs_report *r, int which, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	if (!f)
		return NULL;
	struct fs_render_opts o = { .format = FS_FMT_TABLE, .width = 80 };
	int rc;
	if (which == 0) {
		rc = fs_render(f, r, &o);
	} else if (which == 1) {
		o.format = FS_FMT_JSON;
		rc = fs_render(f, r, &o);
	} else if (which == 2) {
		o.format = FS_FMT_TABLE;
		o.color = true;
		o.width = 200;
		rc = fs_render(f, r, &o);
	} else {
		rc = fs_render_kernel_format(f, r, FS_SRC_EXTFRAG_INDEX);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	CHECK(t, rc == 0 || rc == -ENOMEM || rc == -ERANGE, "renderer %d returned %d", which, rc);
	if (rc) {
		free(buf);
		return NULL;
	}
	CHECK(t, n > 0 || r->nnodes == 0, "renderer %d wrote nothing", which);
	CHECK(t, strlen(buf) == n, "renderer %d wrote a NUL byte", which);
	*len = n;
	return buf;
}

/* The kernel-format output parses back into the same integers. */
static void check_kernel_roundtrip(enum fuzz_target t, const struct fs_report *r, const char *text, size_t len)
{
	struct fs_snapshot *s2 = fs_snapshot_new();
	struct fs_diag d = { 0 };
	if (!s2)
		return;
	const struct fs_snapshot *s = r->snap;
	/* Rebuild the zones the report covers (same order count) and read the
	 * kernel file we printed on top. */
	s2->orders = s->orders;
	for (size_t i = 0; i < r->nnodes; i++)
		for (unsigned zi = 0; zi < r->nodes[i].nzones; zi++) {
			const struct fs_zone_report *zr = &r->nodes[i].zones[zi];
			struct fs_node *n = fs_snapshot_node_get(s2, zr->node);
			struct fs_zone *z = n ? fs_node_zone_get(n, zr->zone->name) : NULL;
			if (!z)
				goto out;
			z->has_buddy = true;
			memcpy(z->free, zr->zone->free, sizeof z->free);
		}
	int nf = -1;
	int rc = rd_extfrag_parse(s2, FS_SRC_EXTFRAG_INDEX, "roundtrip", text, len, &nf, &d);
	if (rc == -ENOMEM)
		goto out;
	CHECK(t, rc == 0, "our own extfrag_index output does not parse: %u:%u: %s", d.line, d.col, d.msg);
	for (size_t i = 0; i < r->nnodes; i++)
		for (unsigned zi = 0; zi < r->nodes[i].nzones; zi++) {
			const struct fs_zone_report *zr = &r->nodes[i].zones[zi];
			struct fs_node *n = fs_snapshot_node(s2, zr->node);
			struct fs_zone *z = n ? fs_node_zone(n, zr->zone->name) : NULL;
			CHECK(t, z && z->has_kextfrag, "node %d zone %s lost in the extfrag round trip",
			      zr->node, zr->zone->name);
			for (unsigned o = 0; o < r->orders; o++)
				CHECK(t, z->kextfrag[o] == zr->fragidx[o],
				      "node %d zone %s order %u: printed %d, read back %d",
				      zr->node, zr->zone->name, o, zr->fragidx[o], z->kextfrag[o]);
		}
out:
	fs_snapshot_free(s2);
}

static void check_json_text(enum fuzz_target t, const char *text, size_t len)
{
	json_error_t err;
	/* Counters above INT64_MAX are printed as exact integers, which plain
	 * jansson refuses: fs_json_loadb() is the reader of fragstat's JSON.
	 * No 64-bit marker may leak into the text as a string. */
	/* A marker dumps as a quote then "\u0000"; a name holding a literal
	 * backslash dumps as "\\..." and is no marker. */
	CHECK(t, !memmem(text, len, "\"\\u0000", 7), "a 64-bit marker leaked into the JSON text");
	json_t *j = fs_json_loadb(text, len, &err);
	CHECK(t, j != NULL || strstr(err.text, "memory") != NULL,
	      "our JSON output does not parse: %d:%d: %s", err.line, err.column, err.text);
	json_decref(j);
}

/* Report and render a parsed snapshot; returns the JSON text or NULL. */
static char *pipeline(enum fuzz_target t, const struct fs_snapshot *s, bool kernel_roundtrip, size_t *jlen)
{
	check_snapshot(t, s);
	if (s->orders == 0)
		return NULL;   /* fs_collect() always has buddyinfo: no report */
	struct fs_report_opts ro = { .focus_order = -1, .node_filter = -1 };
	struct fs_report *r = fs_report_new(s, &ro);
	if (!r)
		return NULL;
	check_report(t, s, r);
	char *json = NULL;
	for (int which = 0; which < 4; which++) {
		size_t len = 0;
		char *text = render(t, r, which, &len);
		if (!text)
			continue;
		if (which == 1) {
			check_json_text(t, text, len);
			json = text;
			*jlen = len;
			continue;
		}
		if (which == 3 && kernel_roundtrip)
			check_kernel_roundtrip(t, r, text, len);
		free(text);
	}
	/* A focused order and a filter exercise the other paths. */
	fs_report_free(r);
	ro.focus_order = 0;
	ro.node_filter = s->nnodes ? s->nodes[s->nnodes - 1].id : 0;
	ro.zone_filter = "Normal";
	if ((r = fs_report_new(s, &ro))) {
		check_report(t, s, r);
		size_t len;
		free(render(t, r, 0, &len));
		fs_report_free(r);
	}
	return json;
}

/* Parse `data` as target t into s. */
static int parse(enum fuzz_target t, struct fs_snapshot *s, const char *data, size_t len,
		 int variant, struct fs_diag *d)
{
	static const char file[] = "fuzz-input";
	int r;
	switch (t) {
	case FZ_BUDDYINFO: r = rd_buddyinfo_parse(s, file, data, len, d); break;
	case FZ_PAGETYPEINFO: r = rd_pagetypeinfo_parse(s, file, data, len, d); break;
	case FZ_ZONEINFO: r = rd_zoneinfo_parse(s, file, data, len, d); break;
	case FZ_VMSTAT: r = rd_vmstat_parse(s, file, data, len, d); break;
	case FZ_MEMINFO: r = rd_meminfo_parse(s, file, data, len, d); break;
	case FZ_EXTFRAG: {
		int nf = -1;
		r = rd_extfrag_parse(s, variant ? FS_SRC_UNUSABLE_INDEX : FS_SRC_EXTFRAG_INDEX,
				     file, data, len, &nf, d);
		if (r == 0)
			CHECK(t, nf == 0 || nf == 1, "new_format %d", nf);
		break;
	}
	case FZ_SYSCTL: {
		struct fs_setting set = { 0 };
		r = rd_sysctl_parse(&set, file, data, len, d);
		if (r == 0) {
			CHECK(t, set.present, "parsed sysctl not marked present");
			/* Feed it where the report reads settings from. */
			if (variant)
				s->compaction_proactiveness = set;
			else
				s->extfrag_threshold = set;
		} else {
			CHECK(t, !set.present, "failed sysctl parse wrote its output");
		}
		/* The same bytes as a sysfs choice file (THP enabled/defrag),
		 * fed to the decision engine's THP kind, and as printed gfp
		 * names (the kernel-log parser's input to fs_gfp_parse_names). */
		struct fs_choice ch = { 0 };
		struct fs_diag cd = { 0 };
		int rc = rd_choice_parse(&ch, file, data, len, &cd);
		if (rc == 0) {
			CHECK(t, ch.present && ch.noptions >= 1 && ch.choice[0], "choice parsed without a choice");
			bool offered = false;
			for (unsigned i = 0; i < ch.noptions; i++)
				offered |= strcmp(ch.options[i], ch.choice) == 0;
			CHECK(t, offered, "choice %s is not among the options", ch.choice);
			if (variant)
				s->thp_defrag = ch;
		} else {
			CHECK(t, !ch.present && cd.line >= 1, "failed choice parse: output written or no line");
		}
		uint64_t gb = 0;
		struct fs_gfp_unknown gu;
		int rg = fs_gfp_parse_names(data, len, NULL, &gb, &gu);
		CHECK(t, rg == 0 || rg == -EINVAL || rg == -E2BIG, "gfp parse returned %d", rg);
		if (rg == -EINVAL)
			CHECK(t, gu.count > 0 && strlen(gu.first) < sizeof gu.first && gu.offset <= len,
			      "unknown gfp name report inconsistent");
		break;
	}
	default: return -EINVAL;
	}
	check_result(t, r, d, file);
	return r;
}

static bool sampled(const char *buf, size_t size);

/* pagetypeinfo standing in for buddyinfo: every zone with free lists gets
 * counts no smaller than any one list, flagged as lower bounds exactly
 * where a list was capped. */
static void check_types_sum(enum fuzz_target t, struct fs_snapshot *s)
{
	int r = fs_snapshot_free_from_types(s);
	CHECK(t, r == 0 || r == -ERANGE, "fs_snapshot_free_from_types returned %d", r);
	if (r)
		return;
	for (size_t i = 0; i < s->nnodes; i++)
		for (unsigned zi = 0; zi < s->nodes[i].nzones; zi++) {
			const struct fs_zone *z = &s->nodes[i].zones[zi];
			if (!z->has_types)
				continue;
			CHECK(t, z->has_buddy && z->free_from_types, "zone with free lists has no counts");
			for (unsigned k = 0; k < s->orders && k < FS_MAX_ORDERS; k++) {
				bool capped = false;
				for (unsigned m = 0; m < s->nmt; m++) {
					CHECK(t, z->free[k] >= z->free_by_type[m][k], "sum below one list");
					capped |= z->capped[m][k];
				}
				CHECK(t, fs_zone_free_lower_bound(s, z, k) == capped, "lower bound flag wrong");
			}
		}
}

static void run_json(const char *data, size_t len)
{
	const enum fuzz_target t = FZ_JSON;
	struct fs_snapshot *s = NULL;
	struct fs_diag d = { 0 };
	int r = fs_json_load_snapshot("fuzz-input", data, len, &s, &d);
	check_result(t, r, &d, "fuzz-input");
	if (r) {
		CHECK(t, s == NULL, "failed load returned a snapshot");
		return;
	}
	CHECK(t, s != NULL, "load succeeded without a snapshot");
	size_t jlen = 0;
	char *json = sampled(data, len) ? pipeline(t, s, false, &jlen) : NULL;
	/* What we wrote we must read back, and writing it again gives the
	 * same bytes: no number changes on the way. */
	if (json) {
		struct fs_snapshot *s2 = NULL;
		r = fs_json_load_snapshot("fuzz-input", json, jlen, &s2, &d);
		CHECK(t, r == 0 || r == -ENOMEM, "our own JSON does not load back: %u:%u: %s", d.line, d.col, d.msg);
		if (r == 0) {
			size_t jlen2 = 0;
			char *json2 = pipeline(t, s2, false, &jlen2);
			if (json2)
				CHECK(t, jlen2 == jlen && memcmp(json, json2, jlen) == 0,
				      "JSON changes on a load/render round trip");
			free(json2);
		}
		fs_snapshot_free(s2);
	}
	free(json);
	fs_snapshot_free(s);
}

/* The simulator's trace format: parse onto a small machine, replay at most
 * 20000 operations, free everything; the machine's counts stay sane. */
/* A capture note: never a time beyond FS_TIME_MAX, never a page size
 * that is not a power of two in range, the same answer twice. */
static void run_note(const char *data, size_t len)
{
	const enum fuzz_target t = FZ_NOTE;
	struct fs_capture_note n, n2;
	fs_capture_note_parse(data, len, &n);
	CHECK(t, n.present, "a parsed note is not marked present");
	if (n.has_time) {
		CHECK(t, n.time_sec >= 0 && n.time_sec <= FS_TIME_MAX, "time %lld out of range", (long long)n.time_sec);
		CHECK(t, n.time_nsec >= 0 && n.time_nsec < 1000000000, "nsec %d out of range", (int)n.time_nsec);
	} else {
		CHECK(t, n.time_sec == 0 && n.time_nsec == 0, "a time without has_time");
	}
	CHECK(t, n.page_size == 0 || (n.page_size >= 512 && n.page_size <= (1u << 24) &&
				      (n.page_size & (n.page_size - 1)) == 0),
	      "page size %llu", (unsigned long long)n.page_size);
	fs_capture_note_parse(data, len, &n2);
	CHECK(t, memcmp(&n, &n2, sizeof n) == 0, "two parses of one note differ");
}

static void run_trace(const char *data, size_t len)
{
	const enum fuzz_target t = FZ_TRACE;
	struct sim_config c;
	struct sim_machine *m = NULL;
	struct sim_wl *w = NULL;
	struct fs_diag d = { 0 };
	sim_config_default(&c);
	c.zones[0].pages = 1u << 14;      /* 64 MiB: quick to build */
	if (sim_machine_new(&c, &m) != 0)
		return;
	int r = sim_wl_trace("fuzz-input", data, len, m, &w, &d);
	check_result(t, r, &d, "fuzz-input");
	if (r == 0) {
		uint64_t ops = sim_wl_trace_ops(w);
		uint64_t steps = 0;
		for (; steps < 20000; steps++) {
			int st = sim_wl_step(w);
			CHECK(t, st <= 1, "sim_wl_step returned %d", st);
			if (st != 0)
				break;
			CHECK(t, sim_wl_used_pages(w) <= c.zones[0].pages, "used pages %llu of %llu",
			      (unsigned long long)sim_wl_used_pages(w), (unsigned long long)c.zones[0].pages);
		}
		CHECK(t, steps <= ops, "%llu steps from a trace of %llu operations",
		      (unsigned long long)steps, (unsigned long long)ops);
		int fr = sim_wl_free_all(w);
		CHECK(t, fr == 0 || fr == -ENOMEM, "sim_wl_free_all returned %d", fr);
		if (fr == 0)
			CHECK(t, sim_wl_used_pages(w) == 0 && sim_wl_live(w) == 0,
			      "pages still used after freeing everything");
	} else {
		CHECK(t, w == NULL, "failed trace parse returned a driver");
	}
	sim_wl_free(w);
	sim_machine_free(m);
}

/* simulate --from a layout (sim_layout.c) over the same sources: every
 * zone of node 0 seeded page by page; the machine's invariants hold and
 * its free pages are the layout's free pages. */
struct fz_seed {
	struct sim_machine *m;
	struct sim_layout *L;
	int map[FS_MAX_ZONES];
	int cur;
	uint64_t spanned[FS_MAX_ZONES];
	struct sim_layout_stats st[FS_MAX_ZONES];
};

static int fz_seed_zone(void *ctx, const struct fs_pagemap *pm, unsigned idx, uint64_t start,
			uint64_t spanned)
{
	struct fz_seed *f = ctx;
	if (idx >= FS_MAX_ZONES || f->map[idx] < 0)
		return 1;
	if (!f->L && !(f->L = sim_layout_new(f->m, pm)))
		return -ENOMEM;
	f->cur = f->map[idx];
	f->spanned[f->cur] = spanned;
	return sim_layout_zone_begin(f->L, (unsigned)f->cur, start, spanned);
}

static int fz_seed_feed(void *ctx, const uint64_t *fl, const uint64_t *ct, size_t n)
{
	struct fz_seed *f = ctx;
	return sim_layout_feed(f->L, fl, ct, n);
}

static int fz_seed_end(void *ctx)
{
	struct fz_seed *f = ctx;
	return sim_layout_zone_end(f->L, NULL, &f->st[f->cur]);
}

static void seed_layout(const struct fs_pagemap *pm, struct fs_snapshot *s, struct rd_kpage_src *fs,
			struct rd_kpage_src *cs)
{
	const enum fuzz_target t = FZ_KPAGE;
	struct fs_node *n = fs_snapshot_node(s, 0);
	struct sim_config c;
	struct fz_seed f;
	struct fs_diag d = { 0 };
	if (!n)
		return;
	memset(&f, 0, sizeof f);
	sim_config_default(&c);
	c.pageblock_order = (unsigned)pm->pageblock_order;
	c.no_watermarks = true;
	c.nzones = 0;
	for (unsigned i = 0; i < FS_MAX_ZONES; i++)
		f.map[i] = -1;
	for (unsigned i = 0; i < n->nzones; i++) {
		const struct fs_zone *z = &n->zones[i];
		if ((z->zi_have & (FS_ZI_START_PFN | FS_ZI_SPANNED)) != (FS_ZI_START_PFN | FS_ZI_SPANNED) ||
		    !z->spanned)
			continue;
		snprintf(c.zones[c.nzones].name, sizeof c.zones[c.nzones].name, "%s", z->name);
		c.zones[c.nzones].pages = sim_layout_zone_pages(c.orders, z->start_pfn, z->spanned);
		f.map[i] = (int)c.nzones++;
	}
	if (!c.nzones || sim_machine_new(&c, &f.m))
		return;
	struct rd_kpage_sink sink = { .ctx = &f, .zone = fz_seed_zone, .feed = fz_seed_feed,
				      .zone_end = fz_seed_end };
	int r = rd_kpage_stream_src(pm, s, 0, fs, cs, &sink, &d);
	CHECK(t, r == 0 || r == -ENOMEM || (r == -EINVAL && d.msg[0]),
	      "seeding from the layout returned %d (%s)", r, d.msg);
	if (r == 0) {
		char msg[256];
		CHECK(t, sim_check(f.m, msg, sizeof msg) == 0, "seeded machine broken: %s", msg);
		for (unsigned i = 0; i < c.nzones; i++) {
			uint64_t pages = 0;
			for (int k = 0; k < FS_PC_COUNT; k++)
				pages += f.st[i].pages[k];
			CHECK(t, pages == f.spanned[i], "zone %u: %llu pages classified of %llu", i,
			      (unsigned long long)pages, (unsigned long long)f.spanned[i]);
			CHECK(t, sim_zone_free_pages(f.m, i) == f.st[i].pages[FS_PC_FREE],
			      "zone %u: %llu free pages seeded, the layout has %llu", i,
			      (unsigned long long)sim_zone_free_pages(f.m, i),
			      (unsigned long long)f.st[i].pages[FS_PC_FREE]);
		}
	}
	sim_layout_free(f.L);
	sim_machine_free(f.m);
}

/* FZ_KPAGE input: byte 0 chooses the kernel era (bits 0-1: 6.1, 6.12,
 * 6.18, unknown), compact_unevictable_allowed (bit 2) and the pageblock
 * order (bit 3: 3, else 2); bytes 1-8 two zones' start pfn and span (u16
 * each, little-endian; span 0 leaves the zone out); bytes 9-10 the length
 * of an iomem text that follows; the rest is split in two halves,
 * kpageflags then kpagecount (lengths need not be multiples of 8). */
static void run_kpage(const char *data, size_t len)
{
	const enum fuzz_target t = FZ_KPAGE;
	const unsigned char *u = (const unsigned char *)data;
	if (len < 11)
		return;
	static const int kv[4] = { 601, 612, 618, 0 };
	size_t ilen = (size_t)u[9] | (size_t)u[10] << 8;
	if (ilen > len - 11)
		ilen = len - 11;
	const char *io = data + 11;
	size_t rest = len - 11 - ilen, fl = rest - rest / 2;
	struct fs_snapshot *s = fs_snapshot_new();
	struct fs_diag d = { 0 };
	if (!s)
		return;
	int r = rd_buddyinfo_parse(s, "base", base_buddyinfo, sizeof base_buddyinfo - 1, &d);
	CHECK(t, r == 0 || r == -ENOMEM, "the base buddyinfo does not parse: %s", d.msg);
	static const char *const names[2] = { "DMA", "Normal" };
	for (int i = 0; r == 0 && i < 2; i++) {
		struct fs_zone *z = fs_node_zone(fs_snapshot_node(s, 0), names[i]);
		z->start_pfn = (uint64_t)u[1 + 4 * i] | (uint64_t)u[2 + 4 * i] << 8;
		z->spanned = (uint64_t)u[3 + 4 * i] | (uint64_t)u[4 + 4 * i] << 8;
		z->zi_have |= FS_ZI_START_PFN | FS_ZI_SPANNED;
	}
	struct fs_pagemap *pm = r ? NULL : fs_pagemap_new(u[0] & 8 ? 3 : 2, false);
	if (!pm) {
		fs_snapshot_free(s);
		return;
	}
	pm->kver = kv[u[0] & 3];
	pm->unevictable_movable = (u[0] & 4) != 0;
	r = rd_iomem_parse("iomem", io, ilen, 4096, &pm->ram, &pm->nram, &d);
	check_result(t, r, &d, "iomem");
	for (size_t i = 1; r == 0 && i < pm->nram; i++)
		CHECK(t, pm->ram[i - 1].start <= pm->ram[i].start, "iomem ranges not sorted");
	struct rd_kpage_src fs = { .path = "kpageflags", .fd = -1,
				   .mem = u + 11 + ilen, .len = fl };
	struct rd_kpage_src cs = { .path = "kpagecount", .fd = -1,
				   .mem = u + 11 + ilen + fl, .len = rest - fl };
	if (r == 0 && (u[0] & 16)) {
		/* Bit 4: the rest is a kpage.rle text instead of raw values. */
		FILE *a = fmemopen((void *)(uintptr_t)(u + 11 + ilen), rest ? rest : 1, "r");
		FILE *b = fmemopen((void *)(uintptr_t)(u + 11 + ilen), rest ? rest : 1, "r");
		if (!a || !b || !rest) {
			if (a)
				fclose(a);
			if (b)
				fclose(b);
			fs_pagemap_free(pm);
			fs_snapshot_free(s);
			return;
		}
		r = rd_kpage_rle_src(&fs, a, 0, "kpage.rle", &d);
		int r2 = rd_kpage_rle_src(&cs, b, 1, "kpage.rle", &d);
		CHECK(t, r == r2, "the two rle sources disagree on the header");
		if (r) {
			CHECK(t, r == -EINVAL && d.msg[0], "rle header error %d without a message", r);
			rd_kpage_close(&fs);
			rd_kpage_close(&cs);
			fs_pagemap_free(pm);
			fs_snapshot_free(s);
			return;
		}
	}
	if (r == 0) {
		r = rd_kpage_scan(pm, s, &fs, &cs, &d);
		CHECK(t, r == 0 || r == -EINVAL || r == -ENOMEM, "rd_kpage_scan returned %d", r);
		if (r == 0)
			seed_layout(pm, s, &fs, &cs);
		if (r == -EINVAL)
			CHECK(t, d.msg[0] && d.file && (strcmp(d.file, "kpageflags") == 0 ||
							strcmp(d.file, "kpagecount") == 0 ||
							strcmp(d.file, "kpage.rle") == 0),
			      "scan error without a message or file");
	}
	rd_kpage_close(&fs);
	rd_kpage_close(&cs);
	for (size_t i = 0; r == 0 && i < pm->nzones; i++) {
		const struct fs_pm_zone *z = &pm->zones[i];
		uint64_t pages = 0, blocks = z->partial_blocks, stuck = 0;
		for (int c = 0; c < FS_PC_COUNT; c++) {
			pages += z->pages[c];
			stuck += z->blocker_pages[c];
		}
		for (int c = 0; c < FS_BC_COUNT; c++)
			blocks += z->blocks[c];
		CHECK(t, pages == z->end_pfn - z->start_pfn, "zone %s: %llu pages by class for a span of %llu",
		      z->name, (unsigned long long)pages, (unsigned long long)(z->end_pfn - z->start_pfn));
		CHECK(t, blocks == z->nblocks, "zone %s: %llu blocks classified of %llu", z->name,
		      (unsigned long long)blocks, (unsigned long long)z->nblocks);
		CHECK(t, z->partial_blocks <= 2, "zone %s: %llu partial blocks", z->name,
		      (unsigned long long)z->partial_blocks);
		CHECK(t, stuck == (z->blocks[FS_BC_MIXED] + z->blocks[FS_BC_UNMOVABLE]) << pm->pageblock_order,
		      "zone %s: blocker pages do not fill the mixed and unmovable blocks", z->name);
		for (uint64_t b = 0; b < z->nblocks; b++)
			CHECK(t, z->block[b] <= FS_BC_PARTIAL, "zone %s: block class %u", z->name, z->block[b]);
		uint64_t ceil = fs_pm_ceiling(pm, z, 1000000);
		CHECK(t, ceil <= z->blocks[FS_BC_FREE] + z->blocks[FS_BC_MOVABLE], "ceiling above free + movable blocks");
	}
	if (r == 0 && sampled(data, len)) {
		s->pagemap = pm;
		pm = NULL;
		struct fs_report *rep = fs_report_new(s, NULL);
		for (int which = 0; rep && which < 3; which++) {
			char *buf = NULL;
			size_t n = 0;
			FILE *f = open_memstream(&buf, &n);
			if (!f)
				break;
			struct fs_map_opts mo = { .color = which == 1, .width = which == 1 ? 200 : 80 };
			int rc = which == 2 ? fs_render_map_json(f, rep) : fs_render_map(f, rep, &mo);
			if (fclose(f) == 0)
				CHECK(t, rc == 0 || rc == -ENOMEM, "map renderer %d returned %d", which, rc);
			if (rc == 0 && buf)
				CHECK(t, strlen(buf) == n, "map renderer %d wrote a NUL byte", which);
			if (which == 2 && rc == 0 && buf) {
				json_error_t je;
				json_t *j = fs_json_loadb(buf, n, &je);
				CHECK(t, j != NULL, "map JSON does not parse: %s", je.text);
				json_decref(j);
			}
			free(buf);
		}
		static const enum fs_format fmts[3] = { FS_FMT_TABLE, FS_FMT_JSON, FS_FMT_PROMETHEUS };
		for (int i = 0; rep && i < 3; i++) {
			struct fs_render_opts o = { .format = fmts[i], .width = 80 };
			char *buf = NULL;
			size_t n = 0;
			FILE *f = open_memstream(&buf, &n);
			if (!f)
				break;
			int rc = fs_render(f, rep, &o);
			fclose(f);
			CHECK(t, rc == 0 || rc == -ENOMEM || rc == -ERANGE, "renderer %d with a map returned %d", i, rc);
			free(buf);
		}
		fs_report_free(rep);
	}
	fs_pagemap_free(pm);
	fs_snapshot_free(s);
}

/* Long fuzzing runs may set FRAGSTAT_FUZZ_SAMPLE=N: the report and the
 * renderers (the slow part) then run for one input in N, chosen by a hash
 * of the input so that a crash reproduces; parsing and its checks run for
 * every input. Unset (the replay in make check): every input. */
static bool sampled(const char *buf, size_t size)
{
	static long every = -1;
	if (every < 0) {
		const char *e = getenv("FRAGSTAT_FUZZ_SAMPLE");
		every = e ? strtol(e, NULL, 10) : 1;
		if (every < 1)
			every = 1;
	}
	if (every == 1)
		return true;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < size; i++)
		h = (h ^ (unsigned char)buf[i]) * 16777619u;
	return h % (uint32_t)every == 0;
}

static bool printable(const char *s, size_t n, bool newlines)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && !(newlines && c == '\n')) || c == 0x7f)
			return false;
	}
	return true;
}

/* A kernel log: scan, parse, analyse, render both formats; the parsed
 * numbers agree with each other and no control byte reaches the output. */
static void run_klog(const char *data, size_t len)
{
	const enum fuzz_target t = FZ_KLOG;
	struct fs_klog *log = NULL;
	struct fs_diag d = { 0 };
	int r = fs_klog_parse("fuzz-input", data, len, &log, &d);
	CHECK(t, r == 0 || r == -ENOMEM || r == -EFBIG, "fs_klog_parse returned %d", r);
	if (r)
		return;
	struct fs_klog_analysis *an = calloc(log->n ? log->n : 1, sizeof *an);
	if (!an) {
		fs_klog_free(log);
		return;
	}
	for (size_t i = 0; i < log->n; i++) {
		const struct fs_klog_report *rp = &log->reports[i];
		bool any = false;
		CHECK(t, printable(rp->task, strlen(rp->task), false) && printable(rp->gfp, strlen(rp->gfp), false) &&
			 printable(rp->time, strlen(rp->time), false) && printable(rp->cpuset, strlen(rp->cpuset), false),
		      "report %zu keeps a control byte", i);
		CHECK(t, rp->page_size >= 1024 && !(rp->page_size & (rp->page_size - 1)), "page size %llu",
		      (unsigned long long)rp->page_size);
		for (size_t z = 0; z < rp->nzones; z++) {
			const struct fs_klog_zone *kz = &rp->zones[z];
			any |= kz->buddy_complete;
			CHECK(t, !kz->buddy_complete || kz->buddy_empty || kz->orders <= FS_MAX_ORDERS,
			      "orders %u", kz->orders);
			if (kz->buddy_complete && !kz->buddy_empty) {
				__int128 sum = 0;
				for (unsigned o = 0; o < kz->orders; o++)
					sum += (__int128)kz->count[o] * (kz->page_kb << o);
				CHECK(t, sum == (__int128)kz->sum_kb, "buddy sum %llu vs recomputed",
				      (unsigned long long)kz->sum_kb);
			}
		}
		CHECK(t, rp->analysable == any, "analysable %d but whole buddy lines %d", rp->analysable, any);
		CHECK(t, !rp->complete || rp->analysable, "complete without a whole buddy line");
		fs_klog_analyse(rp, &an[i]);
		CHECK(t, printable(an[i].line, strlen(an[i].line), false), "cause with a control byte");
		CHECK(t, an[i].n <= FS_KLOG_MAX_CHECKS, "checks %u", an[i].n);
	}
	if (sampled(data, len) && log->n) {
		for (int fmt = 0; fmt < 2; fmt++) {
			char *out = NULL;
			size_t olen = 0;
			FILE *f = open_memstream(&out, &olen);
			if (!f)
				break;
			int rr = fmt ? fs_render_klog_json(f, log, an, false) : fs_render_klog(f, log, an);
			fclose(f);
			CHECK(t, rr == 0 || rr == -ENOMEM, "render %d returned %d", fmt, rr);
			if (rr == 0) {
				CHECK(t, printable(out, olen, true), "control byte in the %s output",
				      fmt ? "JSON" : "table");
				if (fmt) {
					json_error_t je;
					json_t *j = fs_json_loadb(out, olen, &je);
					CHECK(t, j != NULL, "JSON output does not parse: %s", je.text);
					json_decref(j);
				}
			}
			free(out);
		}
	}
	for (size_t i = 0; i < log->n; i++)
		fs_klog_analysis_release(&an[i]);
	free(an);
	fs_klog_free(log);
}

int fuzz_run(enum fuzz_target t, const uint8_t *data, size_t size)
{
	/* Exactly `size` bytes, no terminating NUL: reads past len are bugs. */
	char *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	if (size)
		memcpy(buf, data, size);

	if (t == FZ_JSON) {
		run_json(buf, size);
		free(buf);
		return 0;
	}
	if (t == FZ_TRACE) {
		run_trace(buf, size);
		free(buf);
		return 0;
	}
	if (t == FZ_NOTE) {
		run_note(buf, size);
		free(buf);
		return 0;
	}
	if (t == FZ_KPAGE) {
		run_kpage(buf, size);
		free(buf);
		return 0;
	}
	if (t == FZ_KLOG) {
		run_klog(buf, size);
		free(buf);
		return 0;
	}
	int variants = (t == FZ_EXTFRAG || t == FZ_SYSCTL) ? 2 : 1;
	for (int v = 0; v < variants; v++) {
		struct fs_diag d = { 0 };
		size_t jlen;
		/* Alone: the input decides the order count. */
		struct fs_snapshot *s = fs_snapshot_new();
		if (!s)
			break;
		int pr = parse(t, s, buf, size, v, &d);
		if (pr == 0 && t == FZ_PAGETYPEINFO)
			check_types_sum(t, s);   /* fs_collect() without buddyinfo */
		if (pr == 0 && sampled(buf, size))
			free(pipeline(t, s, t == FZ_BUDDYINFO, &jlen));
		fs_snapshot_free(s);

		if (t == FZ_BUDDYINFO)
			continue;
		/* After a valid buddyinfo, as fs_collect() reads them. */
		if (!(s = fs_snapshot_new()))
			break;
		int r = rd_buddyinfo_parse(s, "base", base_buddyinfo, sizeof base_buddyinfo - 1, &d);
		CHECK(t, r == 0 || r == -ENOMEM, "the base buddyinfo does not parse: %s", d.msg);
		if (r == 0 && parse(t, s, buf, size, v, &d) == 0 && sampled(buf, size))
			free(pipeline(t, s, false, &jlen));
		fs_snapshot_free(s);
	}
	free(buf);
	return 0;
}
