#include "config.h"

/* test_decide.c - the decision engine against the hand-worked cases in
 * tests/cases/decide.cases (format at the top of that file), plus the gfp
 * name parser and the era inference. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "decide.h"
#include "report.h"
#include "snapshot.h"

#define pass(...) ok(1, __VA_ARGS__)
#define fail(...) ok(0, __VA_ARGS__)

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

static unsigned parse_list_u64(const char *s, uint64_t *out, unsigned max)
{
	unsigned n = 0;
	while (*s && n < max) {
		char *end;
		out[n++] = strtoull(s, &end, 10);
		if (*end != ',')
			break;
		s = end + 1;
	}
	return n;
}

static unsigned parse_list_i64(const char *s, int64_t *out, unsigned max)
{
	unsigned n = 0;
	while (*s && n < max) {
		char *end;
		out[n++] = strtoll(s, &end, 10);
		if (*end != ',')
			break;
		s = end + 1;
	}
	return n;
}

/* "zone NODE NAME key=value ..." */
static void add_zone(struct fs_snapshot *s, char *args)
{
	char *save;
	int node = atoi(strtok_r(args, " \t", &save));
	const char *name = strtok_r(NULL, " \t", &save);
	struct fs_node *n = fs_snapshot_node_get(s, node);
	struct fs_zone *z = fs_node_zone_get(n, name);
	z->has_zoneinfo = true;
	z->zi_index = (int)(z - n->zones);
	z->zi_have = FS_ZI_MANAGED | FS_ZI_PRESENT;
	z->managed = z->present = 1000000;
	for (char *kv; (kv = strtok_r(NULL, " \t", &save));) {
		char *v = strchr(kv, '=');
		if (!v)
			continue;
		*v++ = '\0';
		if (!strcmp(kv, "free")) {
			z->pages_free = strtoull(v, NULL, 10);
			z->zi_have |= FS_ZI_FREE;
		} else if (!strcmp(kv, "min")) {
			z->min = strtoull(v, NULL, 10);
			z->zi_have |= FS_ZI_MIN;
		} else if (!strcmp(kv, "low")) {
			z->low = strtoull(v, NULL, 10);
			z->zi_have |= FS_ZI_LOW;
		} else if (!strcmp(kv, "high")) {
			z->high = strtoull(v, NULL, 10);
			z->zi_have |= FS_ZI_HIGH;
		} else if (!strcmp(kv, "boost")) {
			z->boost = strtoull(v, NULL, 10);
			z->zi_have |= FS_ZI_BOOST;
		} else if (!strcmp(kv, "managed")) {
			z->managed = z->present = strtoull(v, NULL, 10);
		} else if (!strcmp(kv, "prot")) {
			z->nprotection = parse_list_i64(v, z->protection, FS_MAX_ZONES);
			z->zi_have |= FS_ZI_PROTECTION;
		} else if (!strcmp(kv, "buddy")) {
			z->has_buddy = true;
			unsigned k = parse_list_u64(v, z->free, FS_MAX_ORDERS);
			if (k > s->orders)
				s->orders = k;
		} else if (!strcmp(kv, "cma")) {
			fs_kv_set(&z->zone_stats, "nr_free_cma", strtoull(v, NULL, 10));
		} else {
			diag("unknown zone key %s", kv);
		}
	}
	if (!z->has_buddy)
		z->has_zoneinfo = z->has_zoneinfo; /* buddyinfo-less zone: unpopulated in tests */
}

/* "types NODE ZONE TYPE c0,c1,..." and "blocks NODE ZONE TYPE N" */
static void add_types(struct fs_snapshot *s, char *args, bool blocks)
{
	char *save;
	int node = atoi(strtok_r(args, " \t", &save));
	const char *zname = strtok_r(NULL, " \t", &save);
	const char *type = strtok_r(NULL, " \t", &save);
	const char *v = strtok_r(NULL, " \t", &save);
	struct fs_zone *z = fs_node_zone(fs_snapshot_node(s, node), zname);
	if (!z || !type || !v) {
		diag("bad types line");
		return;
	}
	/* the usual names first, so every zone has the same columns */
	static const char *const std[] = { "Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate" };
	for (unsigned i = 0; i < 6; i++)
		fs_snapshot_mt_index(s, std[i]);
	int t = fs_snapshot_mt_index(s, type);
	if (blocks) {
		z->has_blocks = true;
		z->blocks[t] = strtoull(v, NULL, 10);
		s->pageblock_order = 9;
		s->pages_per_block = 512;
	} else {
		z->has_types = true;
		parse_list_u64(v, z->free_by_type[t], FS_MAX_ORDERS);
	}
}

static bool check_field(const struct fs_decision *d, const char *key, const char *want, const char *name)
{
	char got[1024];
	if (!strcmp(key, "outcome"))
		snprintf(got, sizeof got, "%s", d->decided ? fs_outcome_name(d->outcome) : "none");
	else if (!strcmp(key, "zone"))
		snprintf(got, sizeof got, "%s", d->zone[0] ? d->zone : "-");
	else if (!strcmp(key, "zone_node"))
		snprintf(got, sizeof got, "%d", d->zone_node);
	else if (!strcmp(key, "rule"))
		snprintf(got, sizeof got, "%s", fs_rule_name(d->rule));
	else if (!strcmp(key, "mark"))
		snprintf(got, sizeof got, "%lld", (long long)d->check.mark);
	else if (!strcmp(key, "reserve"))
		snprintf(got, sizeof got, "%lld", (long long)d->check.reserve);
	else if (!strcmp(key, "sub_ha"))
		snprintf(got, sizeof got, "%lld", (long long)d->check.sub_highatomic);
	else if (!strcmp(key, "sub_cma"))
		snprintf(got, sizeof got, "%lld", (long long)d->check.sub_cma);
	else if (!strcmp(key, "fragidx"))
		snprintf(got, sizeof got, "%d", d->fragidx);
	else if (!strcmp(key, "gate_mark"))
		snprintf(got, sizeof got, "%lld", (long long)d->gate_mark);
	else if (!strcmp(key, "zone0")) /* the first zone's fast-path result */
		snprintf(got, sizeof got, "%s",
			 d->nzones == 0 ? "-" :
			 d->zones[0].fast.result == FS_ZR_PASS ? "pass" :
			 d->zones[0].fast.result == FS_ZR_FAIL_FREE ? "fail_free" :
			 d->zones[0].fast.result == FS_ZR_FAIL_RESERVE ? "fail_reserve" :
			 d->zones[0].fast.result == FS_ZR_FAIL_BLOCK ? "fail_block" : "not_checked");
	else {
		fail("%s: unknown expectation key %s", name, key);
		return false;
	}
	if (strcmp(got, want) != 0) {
		fail("%s: %s = %s", name, key, want);
		diag("  got %s", got);
		return false;
	}
	pass("%s: %s = %s", name, key, want);
	return true;
}

/* "decide KIND ORDER NODE [gfp=NAMES] -> key=value ... [reason~TEXT]" */
static void run_decide(const struct fs_snapshot *s, const char *cname, char *args, unsigned lineno)
{
	char *arrow = strstr(args, "->");
	if (!arrow) {
		fail("line %u: decide without ->", lineno);
		return;
	}
	*arrow = '\0';
	char *want = trim(arrow + 2);
	char *reason = strstr(want, "reason~");
	if (reason) {
		*reason = '\0';
		reason = trim(reason + 7);
	}
	char *save;
	const char *kind = strtok_r(args, " \t", &save);
	unsigned order = (unsigned)atoi(strtok_r(NULL, " \t", &save));
	int node = atoi(strtok_r(NULL, " \t", &save));
	const char *gfp = strtok_r(NULL, " \t", &save);
	enum fs_alloc_kind k;
	if (fs_alloc_kind_parse(kind, &k)) {
		fail("line %u: unknown kind %s", lineno, kind);
		return;
	}
	struct fs_kernel_era era;
	fs_kernel_era(s, &era);
	struct fs_alloc_req req;
	fs_alloc_req_for_kind(s, &era, k, order, &req);
	if (gfp && !strncmp(gfp, "gfp=", 4)) {
		struct fs_gfp_unknown u;
		if (fs_gfp_parse_names(gfp + 4, strlen(gfp + 4), &era, &req.gfp, &u) != 0)
			fail("line %u: gfp %s has unknown name %s", lineno, gfp + 4, u.first);
	}
	struct fs_decision *d = malloc(sizeof *d);
	char name[160];
	snprintf(name, sizeof name, "%s: %s order %u node %d", cname, kind, order, node);
	int r = fs_decide_era(s, &era, &req, node, d);
	if (r) {
		fail("%s: fs_decide returned %d", name, r);
		free(d);
		return;
	}
	for (char *kv; (kv = strtok_r(want, " \t", &save)); want = NULL) {
		char *v = strchr(kv, '=');
		if (!v)
			continue;
		*v++ = '\0';
		check_field(d, kv, v, name);
	}
	char why[2048];
	fs_decision_reason(d, why, sizeof why);
	if (reason) {
		ok(strstr(why, reason) != NULL, "%s: reason says \"%s\"", name, reason);
		if (!strstr(why, reason))
			diag("  reason: %s", why);
	}
	free(d);
}

/* "zoneline KIND ORDER NODE I TEXT": the detail line of zonelist entry I */
static void run_zoneline(const struct fs_snapshot *s, const char *cname, char *args)
{
	char *save;
	const char *kind = strtok_r(args, " \t", &save);
	unsigned order = (unsigned)atoi(strtok_r(NULL, " \t", &save));
	int node = atoi(strtok_r(NULL, " \t", &save));
	unsigned i = (unsigned)atoi(strtok_r(NULL, " \t", &save));
	char *want = trim(save);
	enum fs_alloc_kind k;
	if (fs_alloc_kind_parse(kind, &k)) {
		fail("%s: unknown kind %s", cname, kind);
		return;
	}
	struct fs_alloc_req req;
	fs_alloc_req_for_kind(s, NULL, k, order, &req);
	struct fs_decision *d = malloc(sizeof *d);
	char got[1024] = "";
	if (fs_decide(s, &req, node, d) == 0)
		fs_zone_decision_line(d, i, got, sizeof got);
	is_str(got, want, "%s: %s order %u zone line %u", cname, kind, order, i);
	free(d);
}

static void run_report(const struct fs_snapshot *s, const char *cname, char *args)
{
	struct fs_report_opts o = { .focus_order = -1, .node_filter = -1 };
	struct fs_report *r = fs_report_new(s, &o);
	char *save;
	const char *what = strtok_r(args, " \t", &save);
	const char *v = strtok_r(NULL, " \t", &save);
	if (!r || !what || !v) {
		fail("%s: report", cname);
		fs_report_free(r);
		return;
	}
	if (!strcmp(what, "proactive")) {
		bool want = !strcmp(v, "yes");
		ok(r->nnodes && r->nodes[0].has_proactive == want, "%s: proactive output %s", cname, v);
	} else if (!strcmp(what, "verdict")) {
		/* verdict ZONE ORDER NAME */
		const char *zone = v;
		unsigned k = (unsigned)atoi(strtok_r(NULL, " \t", &save));
		const char *vn = strtok_r(NULL, " \t", &save);
		const char *got = "absent";
		for (unsigned i = 0; r->nnodes && i < r->nodes[0].nzones; i++)
			if (!strcmp(r->nodes[0].zones[i].zone->name, zone) && r->nodes[0].zones[i].has_verdicts)
				got = fs_verdict_name(r->nodes[0].zones[i].verdicts[k].kind);
		ok(vn && !strcmp(got, vn), "%s: zone %s order %u verdict %s", cname, zone, k, vn ? vn : "?");
		if (!vn || strcmp(got, vn))
			diag("  got %s", got);
	} else {
		fail("%s: unknown report check %s", cname, what);
	}
	fs_report_free(r);
}

static void cases(void)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/cases/decide.cases", top ? top : ".");
	FILE *f = fopen(path, "r");
	if (!f) {
		fail("open %s", path);
		return;
	}
	char line[4096], cname[96] = "";
	struct fs_snapshot *s = NULL;
	unsigned lineno = 0, ncases = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *l = trim(line);
		if (!*l || *l == '#')
			continue;
		char *sp = l + strcspn(l, " \t");
		char *args = *sp ? trim(sp + 1) : sp;
		*sp = '\0';
		if (!strcmp(l, "case")) {
			fs_snapshot_free(s);
			s = fs_snapshot_new();
			snprintf(cname, sizeof cname, "%s", args);
			ncases++;
			continue;
		}
		if (!s) {
			fail("line %u: %s before any case", lineno, l);
			continue;
		}
		if (!strcmp(l, "kernel")) {
			free(s->kernel);
			s->kernel = strdup(args);
		} else if (!strcmp(l, "threshold")) {
			s->extfrag_threshold.present = true;
			s->extfrag_threshold.value = atoi(args);
			s->src[FS_SRC_EXTFRAG_THRESHOLD] = FS_ST_OK;
		} else if (!strcmp(l, "proactiveness")) {
			s->compaction_proactiveness.present = true;
			s->compaction_proactiveness.value = atoi(args);
			s->src[FS_SRC_COMPACTION_PROACTIVENESS] = FS_ST_OK;
		} else if (!strcmp(l, "thp_defrag")) {
			s->thp_defrag.present = true;
			snprintf(s->thp_defrag.choice, sizeof s->thp_defrag.choice, "%s", args);
		} else if (!strcmp(l, "zone")) {
			add_zone(s, args);
		} else if (!strcmp(l, "types")) {
			add_types(s, args, false);
		} else if (!strcmp(l, "blocks")) {
			add_types(s, args, true);
		} else if (!strcmp(l, "decide")) {
			run_decide(s, cname, args, lineno);
		} else if (!strcmp(l, "zoneline")) {
			run_zoneline(s, cname, args);
		} else if (!strcmp(l, "report")) {
			run_report(s, cname, args);
		} else {
			fail("line %u: unknown directive %s", lineno, l);
		}
	}
	fclose(f);
	fs_snapshot_free(s);
	ok(ncases >= 12, "%u hand-worked cases read", ncases);
}

static void gfp_names(void)
{
	struct fs_kernel_era e618 = { .version = 618, .lo = 618, .hi = 618, .known = true };
	struct fs_kernel_era e601 = { .version = 601, .lo = 601, .hi = 601, .known = true };
	uint64_t b;
	struct fs_gfp_unknown u;
	const char *s = "GFP_KERNEL|__GFP_COMP|__GFP_NOWARN";
	is_int(fs_gfp_parse_names(s, strlen(s), &e618, &b, &u), 0, "GFP_KERNEL|__GFP_COMP|__GFP_NOWARN parses");
	ok(b == (FS_GFP_RECLAIM | FS_GFP_IO | FS_GFP_FS | FS_GFP_COMP | FS_GFP_NOWARN), "its bits");
	s = "GFP_ATOMIC";
	fs_gfp_parse_names(s, strlen(s), &e601, &b, NULL);
	ok(b == (FS_GFP_HIGH | FS_GFP_KSWAPD_RECLAIM | FS_GFP_ATOMIC), "6.1 GFP_ATOMIC has __GFP_ATOMIC");
	fs_gfp_parse_names(s, strlen(s), &e618, &b, NULL);
	ok(b == (FS_GFP_HIGH | FS_GFP_KSWAPD_RECLAIM), "6.18 GFP_ATOMIC has no __GFP_ATOMIC");
	s = "GFP_NOWAIT";
	fs_gfp_parse_names(s, strlen(s), &e601, &b, NULL);
	ok(b == FS_GFP_KSWAPD_RECLAIM, "6.1 GFP_NOWAIT = __GFP_KSWAPD_RECLAIM");
	fs_gfp_parse_names(s, strlen(s), &e618, &b, NULL);
	ok(b == (FS_GFP_KSWAPD_RECLAIM | FS_GFP_NOWARN), "6.18 GFP_NOWAIT adds __GFP_NOWARN");
	s = "GFP_TRANSHUGE|__GFP_THISNODE";
	fs_gfp_parse_names(s, strlen(s), &e618, &b, NULL);
	ok((b & FS_GFP_DIRECT_RECLAIM) && !(b & FS_GFP_KSWAPD_RECLAIM) && (b & FS_GFP_NOMEMALLOC) &&
	   (b & FS_GFP_MOVABLE) && (b & FS_GFP_THISNODE), "GFP_TRANSHUGE: direct reclaim, no kswapd, movable");
	s = "GFP_KERNEL|__GFP_BOGUS|0x400";
	is_int(fs_gfp_parse_names(s, strlen(s), &e618, &b, &u), -EINVAL, "unknown names are reported");
	is_int((int)u.count, 2, "two unknown names");
	is_str(u.first, "__GFP_BOGUS", "the first one named");
	is_int((int)u.offset, 11, "at its offset");
	ok(b == (FS_GFP_RECLAIM | FS_GFP_IO | FS_GFP_FS), "known names still stored");
	is_int(fs_gfp_parse_names("none", 4, &e618, &b, NULL), 0, "\"none\" is 0");
	ok(b == 0, "none: no bits");
	char buf[256];
	fs_gfp_format(FS_GFP_IO | FS_GFP_FS, buf, sizeof buf);
	is_str(buf, "__GFP_IO|__GFP_FS", "format");
}

static void era(void)
{
	struct fs_snapshot *s = fs_snapshot_new();
	struct fs_kernel_era e;
	s->kernel = strdup("5.4.0-97-generic");
	fs_kernel_era(s, &e);
	ok(e.known && e.version == 504, "release 5.4.0-97-generic is 5.4");
	is_int(fs_era_has(&e, FS_FEAT_PROACTIVE), FS_NO, "5.4 has no proactive compaction");
	is_int(fs_era_has(&e, FS_FEAT_WATERMARK_BOOST), FS_YES, "5.4 has watermark boost");
	free(s->kernel);
	s->kernel = NULL;
	struct fs_zone *z = fs_node_zone_get(fs_snapshot_node_get(s, 0), "Normal");
	z->has_zoneinfo = true;
	z->zi_have = FS_ZI_MIN | FS_ZI_LOW | FS_ZI_FREE;
	fs_kernel_era(s, &e);
	ok(!e.known && e.inferred && e.hi == 515, "no boost line: before 5.16");
	ok(strstr(e.basis, "boost") != NULL, "and says so");
	is_int(fs_era_has(&e, FS_FEAT_PROACTIVE), FS_MAYBE, "proactive compaction uncertain");
	z->zi_have |= FS_ZI_BOOST;
	s->src[FS_SRC_COMPACTION_PROACTIVENESS] = FS_ST_OK;
	fs_kernel_era(s, &e);
	ok(e.lo == 516 && e.hi == FS_KVER_MAX, "boost line: 5.16 or later");
	is_int(fs_era_has(&e, FS_FEAT_PROACTIVE), FS_YES, "then proactive compaction exists");
	fs_snapshot_free(s);
	is_int(fs_kver_parse("6.18.2"), 618, "6.18.2");
	is_int(fs_kver_parse("2.6.32-754.el6"), 206, "2.6.32");
	is_int(fs_kver_parse("junk"), 0, "junk");
}

int main(void)
{
	gfp_names();
	era();
	cases();
	return done_testing();
}
