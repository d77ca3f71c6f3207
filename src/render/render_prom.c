/* render_prom.c - the Prometheus text exposition format (version 0.0.4).
 *
 * One family per quantity, every family named fragstat_..., a HELP and a
 * TYPE line before its samples, base units (bytes, ratios), _total for
 * counters. Labels: node, zone, order; migratetype only on the per-type
 * families (left out with prom_no_migratetype); watermark and source where
 * they name what a series is. The order label is the buddy order, which
 * node_exporter's buddyinfo collector calls "size" (node_buddyinfo_blocks);
 * fragstat says "order" because that is what the kernel and the rest of
 * fragstat's output call it.
 *
 * A family is written only when it has at least one sample, and a value
 * that cannot be computed (indices past 64-bit arithmetic, a missing
 * source) is left out: nothing is ever NaN or infinite.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "diff.h"
#include "kvocab.h"
#include "pagemap.h"
#include "render.h"

struct prom {
	FILE *out;
	const struct fs_report *r;
	bool no_mt;
};

/* A family: its header is written before the first sample. */
struct fam {
	const char *name, *type, *help;
	bool started;
};

/* Labels of one sample, already escaped, as `a="x",b="y"`. */
struct labels {
	char buf[512];
	size_t len;
};

static void lbl_reset(struct labels *l)
{
	l->len = 0;
	l->buf[0] = '\0';
}

/* Append key="value" with the value escaped as the format requires
 * (backslash, double quote and newline). Values longer than the buffer are
 * cut, which cannot happen for kernel zone and migratetype names. */
static void lbl_add(struct labels *l, const char *key, const char *val)
{
	size_t cap = sizeof l->buf;
	int n = snprintf(l->buf + l->len, cap - l->len, "%s%s=\"", l->len ? "," : "", key);
	if (n < 0 || (size_t)n >= cap - l->len)
		return;
	l->len += (size_t)n;
	for (const char *p = val; *p && l->len + 3 < cap; p++) {
		if (*p == '\\' || *p == '"') {
			l->buf[l->len++] = '\\';
			l->buf[l->len++] = *p;
		} else if (*p == '\n') {
			l->buf[l->len++] = '\\';
			l->buf[l->len++] = 'n';
		} else {
			l->buf[l->len++] = *p;
		}
	}
	if (l->len + 2 <= cap)
		l->buf[l->len++] = '"';
	l->buf[l->len] = '\0';
}

static void lbl_add_int(struct labels *l, const char *key, long long v)
{
	char b[32];
	snprintf(b, sizeof b, "%lld", v);
	lbl_add(l, key, b);
}

static void lbl_zone(struct labels *l, const struct fs_zone_report *zr)
{
	lbl_reset(l);
	lbl_add_int(l, "node", zr->node);
	lbl_add(l, "zone", zr->zone->name);
}

/* HELP text: backslash and newline escaped. */
static void put_help(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
}

static void head(struct prom *p, struct fam *f)
{
	if (f->started)
		return;
	f->started = true;
	fprintf(p->out, "# HELP %s ", f->name);
	put_help(p->out, f->help);
	fprintf(p->out, "\n# TYPE %s %s\n", f->name, f->type);
}

static void name_labels(struct prom *p, struct fam *f, const struct labels *l)
{
	head(p, f);
	fputs(f->name, p->out);
	if (l && l->len)
		fprintf(p->out, "{%s}", l->buf);
	fputc(' ', p->out);
}

static void s_u64(struct prom *p, struct fam *f, const struct labels *l, uint64_t v)
{
	name_labels(p, f, l);
	fprintf(p->out, "%" PRIu64 "\n", v);
}

static void s_i64(struct prom *p, struct fam *f, const struct labels *l, int64_t v)
{
	name_labels(p, f, l);
	fprintf(p->out, "%" PRId64 "\n", v);
}

/* a * b as an exact integer when it fits, else as a float (still finite). */
static void s_mul(struct prom *p, struct fam *f, const struct labels *l, uint64_t a, uint64_t b)
{
	uint64_t v;
	name_labels(p, f, l);
	if (__builtin_mul_overflow(a, b, &v))
		fprintf(p->out, "%.17g\n", (double)a * (double)b);
	else
		fprintf(p->out, "%" PRIu64 "\n", v);
}

/* v / 1000 written exactly: the kernel's integers become 0.979, -1, 1. */
static void s_milli(struct prom *p, struct fam *f, const struct labels *l, long long v)
{
	name_labels(p, f, l);
	unsigned long long a = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	unsigned long long ip = a / 1000, fp = a % 1000;
	const char *sign = v < 0 ? "-" : "";
	if (fp == 0)
		fprintf(p->out, "%s%llu\n", sign, ip);
	else if (fp % 100 == 0)
		fprintf(p->out, "%s%llu.%llu\n", sign, ip, fp / 100);
	else if (fp % 10 == 0)
		fprintf(p->out, "%s%llu.%02llu\n", sign, ip, fp / 10);
	else
		fprintf(p->out, "%s%llu.%03llu\n", sign, ip, fp);
}

/* ---- source, settings -------------------------------------------------- */

static void general(struct prom *p)
{
	const struct fs_report *r = p->r;
	const struct fs_snapshot *s = r->snap;
	struct labels l;

	struct fam info = { "fragstat_info", "gauge",
		"Always 1; labels name the fragstat version, the kernel release and the kind of source read.", false };
	lbl_reset(&l);
	lbl_add(&l, "version", PACKAGE_VERSION);
	lbl_add(&l, "kernel", s->kernel ? s->kernel : "unknown");
	lbl_add(&l, "kind", fs_kind_name(s->kind));
	s_u64(p, &info, &l, 1);

	/* Only when the source says when it was read (never the time of
	 * converting a tree). */
	struct fam ts = { "fragstat_snapshot_timestamp_seconds", "gauge",
		"When the kernel's files were read, in seconds since the Unix epoch.", false };
	if (s->time_known) {
		name_labels(p, &ts, NULL);
		fprintf(p->out, "%" PRId64 ".%09d\n", s->time_sec,
			s->time_nsec >= 0 && s->time_nsec < 1000000000 ? (int)s->time_nsec : 0);
	}

	struct fam ps = { "fragstat_page_size_bytes", "gauge",
		"Size of a base page in bytes.", false };
	s_u64(p, &ps, NULL, s->page_size);

	struct fam ord = { "fragstat_buddy_orders", "gauge",
		"Number of buddy allocator orders the kernel prints (MAX_PAGE_ORDER + 1).", false };
	s_u64(p, &ord, NULL, r->orders);

	struct fam ho = { "fragstat_huge_page_order", "gauge",
		"The order compaction works for (the pageblock order), used for huge page capacity and the proactive score.", false };
	s_i64(p, &ho, NULL, r->hpage_order);

	struct fam hb = { "fragstat_huge_page_size_bytes", "gauge",
		"Size in bytes of a block of the huge page order.", false };
	if (r->hpage_order >= 0 && r->hpage_order < 63)
		s_mul(p, &hb, NULL, s->page_size, 1ULL << r->hpage_order);

	struct fam up = { "fragstat_source_up", "gauge",
		"1 when the source file was read and parsed, 0 when it was missing, denied, malformed or not read.", false };
	for (int i = 0; i < FS_SRC_COUNT; i++) {
		lbl_reset(&l);
		lbl_add(&l, "source", fs_src_name(i));
		s_u64(p, &up, &l, s->src[i] == FS_ST_OK);
	}

	struct fam th = { "fragstat_extfrag_threshold", "gauge",
		"vm.extfrag_threshold divided by 1000, comparable with fragstat_fragmentation_index (the kernel default 500 when not read).", false };
	s_milli(p, &th, NULL, r->extfrag_threshold);

	struct fam pro = { "fragstat_compaction_proactiveness_ratio", "gauge",
		"vm.compaction_proactiveness divided by 100 (the kernel default 20 when not read).", false };
	s_milli(p, &pro, NULL, (long long)r->proactiveness * 10);

	struct fam wsf = { "fragstat_watermark_scale_factor_ratio", "gauge",
		"vm.watermark_scale_factor divided by 10000 (fraction of memory between watermarks).", false };
	if (s->watermark_scale_factor.present && s->watermark_scale_factor.value >= 0 &&
	    s->watermark_scale_factor.value < 1000000000) {
		name_labels(p, &wsf, NULL);
		fprintf(p->out, "%" PRId64 ".%04" PRId64 "\n", s->watermark_scale_factor.value / 10000,
			s->watermark_scale_factor.value % 10000);
	}

	struct fam mfk = { "fragstat_min_free_bytes", "gauge",
		"vm.min_free_kbytes in bytes.", false };
	if (s->min_free_kbytes.present && s->min_free_kbytes.value >= 0)
		s_mul(p, &mfk, NULL, (uint64_t)s->min_free_kbytes.value, 1024);
}

/* ---- per zone and order ------------------------------------------------ */

#define FOR_ZONES(p, zr) \
	for (size_t ni_ = 0; ni_ < (p)->r->nnodes; ni_++) \
		for (unsigned zi_ = 0; zi_ < (p)->r->nodes[ni_].nzones; zi_++) \
			for (const struct fs_zone_report *zr = &(p)->r->nodes[ni_].zones[zi_]; zr; zr = NULL)

static void lbl_order(struct labels *l, const struct fs_zone_report *zr, unsigned k)
{
	lbl_zone(l, zr);
	lbl_add_int(l, "order", k);
}

static void per_order(struct prom *p)
{
	const struct fs_report *r = p->r;
	const struct fs_snapshot *s = r->snap;
	unsigned n = r->orders;
	struct labels l;

	struct fam fb = { "fragstat_free_blocks", "gauge",
		"Free blocks of 2^order pages on the buddy free lists (/proc/buddyinfo).", false };
	FOR_ZONES(p, zr)
		for (unsigned k = 0; k < n; k++) {
			/* A count summed over a capped pagetypeinfo list is only a
			 * lower bound: no series rather than a wrong one. */
			if (fs_zone_free_lower_bound(s, zr->zone, k))
				continue;
			lbl_order(&l, zr, k);
			s_u64(p, &fb, &l, zr->zone->free[k]);
		}

	struct fam fby = { "fragstat_free_bytes", "gauge",
		"Free memory in bytes held in free blocks of this order (blocks x 2^order x page size).", false };
	FOR_ZONES(p, zr)
		for (unsigned k = 0; k < n; k++) {
			uint64_t per = k < 63 ? (1ULL << k) : 0;
			uint64_t bs;
			if (__builtin_mul_overflow(per, s->page_size, &bs) ||
			    fs_zone_free_lower_bound(s, zr->zone, k))
				continue;
			lbl_order(&l, zr, k);
			s_mul(p, &fby, &l, zr->zone->free[k], bs);
		}

	struct fam zf = { "fragstat_zone_free_bytes", "gauge",
		"Free memory in bytes on the zone's buddy free lists, all orders.", false };
	FOR_ZONES(p, zr)
		if (zr->indices_ok && !zr->lower_bound) {
			lbl_zone(&l, zr);
			s_mul(p, &zf, &l, zr->free_pages, s->page_size);
		}

	struct fam ui = { "fragstat_unusable_index", "gauge",
		"Unusable free space index for an allocation of this order (kernel unusable_index / 1000): 0 all free memory usable, 1 none.", false };
	FOR_ZONES(p, zr)
		if (zr->indices_ok)
			for (unsigned k = 0; k < n; k++) {
				if (!zr->unusable_exact[k])
					continue;
				lbl_order(&l, zr, k);
				s_milli(p, &ui, &l, zr->unusable[k]);
			}

	struct fam fi = { "fragstat_fragmentation_index", "gauge",
		"Fragmentation index for this order (kernel extfrag_index / 1000): towards 0 failure from low memory, towards 1 from fragmentation, -1 an allocation would succeed.", false };
	FOR_ZONES(p, zr)
		if (zr->indices_ok)
			for (unsigned k = 0; k < n; k++) {
				if (!zr->fragidx_exact[k])
					continue;
				lbl_order(&l, zr, k);
				s_milli(p, &fi, &l, zr->fragidx[k]);
			}

	struct fam ef = { "fragstat_external_fragmentation_ratio", "gauge",
		"Share of free memory in blocks smaller than this order (the kernel's extfrag_for_order / 100), the input of the proactive score.", false };
	FOR_ZONES(p, zr)
		if (zr->indices_ok)
			for (unsigned k = 0; k < n; k++) {
				if (zr->lower_bound)
					continue;
				lbl_order(&l, zr, k);
				s_milli(p, &ef, &l, (long long)zr->extfrag_pct[k] * 10);
			}

	struct fam vd = { "fragstat_verdict", "gauge",
		"What this zone alone would do with a movable allocation of this order (detail; alert on fragstat_node_verdict): 0 ok (at low, or at min after waking kswapd), 1 compact, 2 reclaim, -1 unknown (no zoneinfo), -2 kept by its lowmem reserve for this request (not trouble).", false };
	FOR_ZONES(p, zr)
		for (unsigned k = 0; k < n; k++) {
			int v = -1;
			if (zr->has_verdicts) {
				switch (zr->verdicts[k].kind) {
				case FS_VERDICT_OK:
				case FS_VERDICT_OK_AFTER_KSWAPD: v = 0; break;
				case FS_VERDICT_RESERVED: v = -2; break;
				case FS_VERDICT_COMPACT: v = 1; break;
				case FS_VERDICT_RECLAIM: v = 2; break;
				case FS_VERDICT_UNKNOWN: v = -1; break;
				}
			}
			lbl_order(&l, zr, k);
			s_i64(p, &vd, &l, v);
		}

	struct fam hn = { "fragstat_huge_page_blocks_free", "gauge",
		"Huge-page-order blocks that could be handed out now (free blocks of order >= the huge page order, counted in huge pages).", false };
	FOR_ZONES(p, zr)
		if (zr->indices_ok && !zr->huge_now_lower_bound) {
			lbl_zone(&l, zr);
			s_u64(p, &hn, &l, zr->huge_now);
		}
	struct fam hm = { "fragstat_huge_page_blocks_after_compaction", "gauge",
		"Huge-page-order blocks the free memory would make after perfect compaction (free pages / pages per huge page).", false };
	FOR_ZONES(p, zr)
		if (zr->indices_ok && !zr->lower_bound) {
			lbl_zone(&l, zr);
			s_u64(p, &hm, &l, zr->huge_max_free);
		}
}

/* --pages: pageblocks by content and the compaction ceiling (pagemap.h). */
static void per_zone_pages(struct prom *p)
{
	struct labels l;
	struct fam pb = { "fragstat_pageblocks_by_content", "gauge",
		"Pageblocks wholly inside the zone by what their pages are (/proc/kpageflags): free, movable, mixed, unmovable, hugetlb, reserved.", false };
	FOR_ZONES(p, zr)
		if (zr->pm)
			for (int c = 0; c < FS_BC_COUNT; c++) {
				lbl_zone(&l, zr);
				lbl_add(&l, "content", fs_bclass_name(c));
				s_u64(p, &pb, &l, zr->pm->blocks[c]);
			}
	struct fam cc = { "fragstat_compaction_ceiling_blocks", "gauge",
		"Pageblocks compaction could free at most: min(free + movable pageblocks, free pages >> pageblock order).", false };
	FOR_ZONES(p, zr)
		if (zr->pm) {
			lbl_zone(&l, zr);
			s_u64(p, &cc, &l, fs_pm_ceiling(p->r->snap->pagemap, zr->pm, zr->free_pages));
		}
}

static void per_type(struct prom *p)
{
	const struct fs_snapshot *s = p->r->snap;
	unsigned n = p->r->orders;
	struct labels l;

	struct fam ft = { "fragstat_free_blocks_by_migratetype", "gauge",
		"Free blocks of 2^order pages per migratetype (/proc/pagetypeinfo); a capped count ("
		FS_CAPPED_MARK FS_PAGETYPE_COUNT_CAP_TEXT ") is its lower bound.", false };
	FOR_ZONES(p, zr)
		if (zr->zone->has_types)
			for (unsigned t = 0; t < s->nmt; t++)
				for (unsigned k = 0; k < n; k++) {
					lbl_zone(&l, zr);
					lbl_add(&l, "migratetype", s->mt_names[t]);
					lbl_add_int(&l, "order", k);
					s_u64(p, &ft, &l, zr->zone->free_by_type[t][k]);
				}

	struct fam cap = { "fragstat_free_lists_capped", "gauge",
		"Free lists of the zone (migratetype x order) the kernel printed as "
		FS_CAPPED_MARK FS_PAGETYPE_COUNT_CAP_TEXT ": their counts are lower bounds.", false };
	FOR_ZONES(p, zr)
		if (zr->zone->has_types) {
			uint64_t c = 0;
			for (unsigned t = 0; t < s->nmt; t++)
				for (unsigned k = 0; k < n; k++)
					c += zr->zone->capped[t][k];
			lbl_zone(&l, zr);
			s_u64(p, &cap, &l, c);
		}

	struct fam pb = { "fragstat_pageblocks", "gauge",
		"Pageblocks per migratetype (/proc/pagetypeinfo, Number of blocks type).", false };
	FOR_ZONES(p, zr)
		if (zr->zone->has_blocks)
			for (unsigned t = 0; t < s->nmt; t++) {
				lbl_zone(&l, zr);
				lbl_add(&l, "migratetype", s->mt_names[t]);
				s_u64(p, &pb, &l, zr->zone->blocks[t]);
			}
}

static void per_zone(struct prom *p)
{
	const struct fs_snapshot *s = p->r->snap;
	struct labels l;
	struct fam wp = { "fragstat_watermark_pages", "gauge",
		"Zone watermark in pages (/proc/zoneinfo; boost is the current watermark boost).", false };
	struct fam wb = { "fragstat_watermark_bytes", "gauge",
		"Zone watermark in bytes.", false };
	/* The watermark fields of kvocab.h, in its (the JSON's) order. */
	for (int pass = 0; pass < 2; pass++)
		FOR_ZONES(p, zr)
			for (size_t i = 0; i < FS_ZF_COUNT; i++) {
				const struct fs_zi_field *f = &fs_zi_fields[i];
				if (!f->watermark || !(zr->zone->zi_have & f->bit))
					continue;
				lbl_zone(&l, zr);
				lbl_add(&l, "watermark", f->key);
				if (pass == 0)
					s_u64(p, &wp, &l, fs_zi_get(zr->zone, f));
				else
					s_mul(p, &wb, &l, fs_zi_get(zr->zone, f), s->page_size);
			}

	static const struct { enum fs_zf field; const char *pages, *bytes, *what; } zf[] = {
		{ FS_ZF_MANAGED, "fragstat_zone_managed_pages", "fragstat_zone_managed_bytes",
		  "memory the buddy allocator manages in the zone" },
		{ FS_ZF_PRESENT, "fragstat_zone_present_pages", "fragstat_zone_present_bytes",
		  "physical memory present in the zone" },
		{ FS_ZF_SPANNED, "fragstat_zone_spanned_pages", NULL,
		  "page frames the zone spans, holes included" },
	};
	char help[2][160];
	for (size_t i = 0; i < sizeof zf / sizeof zf[0]; i++) {
		const struct fs_zi_field *f = &fs_zi_fields[zf[i].field];
		snprintf(help[0], sizeof help[0], "Pages of %s (/proc/zoneinfo).", zf[i].what);
		snprintf(help[1], sizeof help[1], "Bytes of %s (/proc/zoneinfo).", zf[i].what);
		struct fam fp = { zf[i].pages, "gauge", help[0], false };
		struct fam fbt = { zf[i].bytes, "gauge", help[1], false };
		FOR_ZONES(p, zr)
			if (zr->zone->zi_have & f->bit) {
				lbl_zone(&l, zr);
				s_u64(p, &fp, &l, fs_zi_get(zr->zone, f));
			}
		if (zf[i].bytes)
			FOR_ZONES(p, zr)
				if (zr->zone->zi_have & f->bit) {
					lbl_zone(&l, zr);
					s_mul(p, &fbt, &l, fs_zi_get(zr->zone, f), s->page_size);
				}
	}
}

/* Outcome encoding shared with fragstat_verdict: 0 served without
 * compaction or reclaim (ok, ok_after_kswapd), 1 compact, 2 reclaim,
 * 3 fail, -1 no decision (no zoneinfo watermarks). */
static int node_level(bool decided, enum fs_outcome o)
{
	return decided ? fs_outcome_level(o) : -1;
}

static void node_verdicts(struct prom *p)
{
	const struct fs_report *r = p->r;
	struct labels l;
	struct fam nv = { "fragstat_node_verdict", "gauge",
		"What the kernel's allocator does with a request of this order and kind from a task on this node (the decision engine): 0 served without compaction or reclaim (fast path, or at min after waking kswapd), 1 direct compaction, 2 reclaim (compaction skipped or not suitable), 3 fails (the request cannot wait or gives up; a THP fault falls back to small pages), -1 no decision (no zoneinfo). Kinds movable and thp for every order, the others at the focus order.", false };
	for (size_t i = 0; i < r->nnodes; i++) {
		const struct fs_node_report *nr = &r->nodes[i];
		if (!nr->has_decisions)
			continue;
		for (int kind = 0; kind < FS_AK_GFP; kind++) {
			int ki = kind == FS_AK_MOVABLE ? 0 : kind == FS_AK_THP ? 1 : -1;
			for (unsigned k = 0; k < r->orders && k < FS_MAX_ORDERS; k++) {
				int v;
				if (ki >= 0)
					v = node_level(nr->by_order[ki][k].decided, nr->by_order[ki][k].outcome);
				else if ((int)k == r->focus_order)
					v = node_level(nr->decisions[kind].decided, nr->decisions[kind].outcome);
				else
					continue;
				lbl_reset(&l);
				lbl_add_int(&l, "node", nr->node);
				lbl_add_int(&l, "order", k);
				lbl_add(&l, "kind", fs_alloc_kind_name((enum fs_alloc_kind)kind));
				s_i64(p, &nv, &l, v);
			}
		}
	}
}

static void per_node(struct prom *p)
{
	const struct fs_report *r = p->r;
	struct labels l;
	node_verdicts(p);
	struct fam sc = { "fragstat_proactive_score_ratio", "gauge",
		"The node's fragmentation score as kcompactd computes it, divided by 100.", false };
	struct fam wl = { "fragstat_proactive_wmark_low_ratio", "gauge",
		"Score below which proactive compaction stops, divided by 100.", false };
	struct fam wh = { "fragstat_proactive_wmark_high_ratio", "gauge",
		"Score above which kcompactd starts proactive compaction, divided by 100.", false };
	struct fam wc = { "fragstat_proactive_would_compact", "gauge",
		"1 when the score is above the high watermark and proactiveness is not 0: kcompactd would compact this node.", false };
	struct fam *fams[] = { &sc, &wl, &wh, &wc };
	for (size_t f = 0; f < sizeof fams / sizeof fams[0]; f++)
		for (size_t i = 0; i < r->nnodes; i++) {
			const struct fs_node_report *nr = &r->nodes[i];
			if (!nr->has_proactive)
				continue;
			lbl_reset(&l);
			lbl_add_int(&l, "node", nr->node);
			switch (f) {
			case 0: s_milli(p, fams[f], &l, (long long)nr->score * 10); break;
			case 1: s_milli(p, fams[f], &l, (long long)nr->wmark_low * 10); break;
			case 2: s_milli(p, fams[f], &l, (long long)nr->wmark_high * 10); break;
			default: s_u64(p, fams[f], &l, nr->would_compact); break;
			}
		}
}

/* ---- vmstat counters --------------------------------------------------- */

static void vmstat(struct prom *p)
{
	const struct fs_kvlist *v = &p->r->snap->vmstat;
	char name[FS_NAME_MAX + 32], help[200];
	for (size_t i = 0; i < v->n; i++) {
		const char *k = v->items[i].name;
		if (!fs_vmstat_tracked(k))
			continue;
		size_t j = 0;
		j += (size_t)snprintf(name, sizeof name, "fragstat_vmstat_");
		for (const char *c = k; *c && j + 7 < sizeof name; c++) {
			bool okc = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
				   (*c >= '0' && *c <= '9') || *c == '_';
			name[j++] = okc ? *c : '_';
		}
		memcpy(name + j, "_total", 7);
		const char *h = fs_vm_what((enum fs_vm)fs_vm_find(k));
		if (!h) {
			snprintf(help, sizeof help, "The kernel's %s event counter (/proc/vmstat), since boot.", k);
			h = help;
		}
		struct fam f = { name, "counter", h, false };
		s_u64(p, &f, NULL, v->items[i].value);
	}
}

static void kernel_check(struct prom *p)
{
	const struct fs_report *r = p->r;
	const struct fs_snapshot *s = r->snap;
	struct fam av = { "fragstat_kernel_check_available", "gauge",
		"1 when the kernel's own indices (debugfs extfrag/) were read to compare with fragstat's.", false };
	s_u64(p, &av, NULL, r->kcheck_available);
	struct fam cmp = { "fragstat_kernel_check_compared_values", "gauge",
		"Index values compared with the kernel's debugfs values.", false };
	s_u64(p, &cmp, NULL, r->kcheck_compared);
	struct fam mm = { "fragstat_kernel_check_mismatched_values", "gauge",
		"Index values where fragstat and the kernel's debugfs disagree.", false };
	s_u64(p, &mm, NULL, r->kcheck_mismatches);
	struct fam ag = { "fragstat_kernel_check_agree", "gauge",
		"1 when every compared index equals the kernel's, 0 when one differs (only when the kernel's values were read).", false };
	if (r->kcheck_available)
		s_u64(p, &ag, NULL, r->kcheck_mismatches == 0);
	struct fam st = { "fragstat_kernel_check_buddyinfo_stable", "gauge",
		"1 when /proc/buddyinfo read the same before and after debugfs, so the kernel's indices describe the same state.", false };
	if (s->kcheck_attempts > 0)
		s_u64(p, &st, NULL, s->kcheck_stable);
}

int fs_render_prometheus(FILE *out, const struct fs_report *r, const struct fs_render_opts *o)
{
	struct prom p = { .out = out, .r = r, .no_mt = o && o->prom_no_migratetype };
	bool detail = o && o->prom_detail;
	general(&p);
	/* The per-zone, per-order and per-migratetype families (about 400
	 * series on a 3-zone host) only on request; the node verdicts say
	 * what matters by default. */
	if (detail)
		per_order(&p);
	if (detail && !p.no_mt)
		per_type(&p);
	per_zone(&p);
	per_zone_pages(&p);
	per_node(&p);
	vmstat(&p);
	kernel_check(&p);
	return ferror(out) ? -EIO : 0;
}
