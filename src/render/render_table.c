#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "fragindex.h"
#include "kvocab.h"
#include "pagemap.h"
#include "render.h"
#include "render_map.h"

/* Text report for people (fits 80 columns for any order count). By default
 * one screen for a 3-zone host: the bottom line per node from the decision
 * engine (or, without watermarks, from the fragmentation index), what
 * deserves attention, the evidence, one row per zone and the free blocks
 * per order. --detail adds every zone's check for every kind and per zone
 * the per-order table with the per-migratetype grids. */

#define C_RESET "\033[0m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_RED "\033[31m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"

struct tctx {
	FILE *out;
	bool color;
	bool detail;
	unsigned width;
	const struct fs_report *r;
};

static const char *col(const struct tctx *t, const char *c)
{
	return t->color ? c : "";
}

static const char *verdict_color(enum fs_verdict_kind k)
{
	switch (k) {
	case FS_VERDICT_OK: return C_GREEN;
	case FS_VERDICT_COMPACT: return C_YELLOW;
	case FS_VERDICT_RECLAIM: return C_RED;
	case FS_VERDICT_OK_AFTER_KSWAPD: return C_YELLOW;
	case FS_VERDICT_RESERVED:
	case FS_VERDICT_UNKNOWN: break;
	}
	return "";
}

/* Human size of `bytes`: 4K, 2M, 1.5G ... (binary units). */
static void human(char *buf, size_t size, uint64_t bytes)
{
	static const char units[] = "BKMGTPE";
	unsigned u = 0;
	uint64_t whole = bytes, rem = 0;
	while (whole >= 1024 && u < sizeof units - 2) {
		rem = whole % 1024;
		whole /= 1024;
		u++;
	}
	if (u == 0 || rem == 0 || whole >= 100)
		snprintf(buf, size, "%" PRIu64 "%c", whole, units[u]);
	else
		snprintf(buf, size, "%" PRIu64 ".%" PRIu64 "%c", whole, rem * 10 / 1024, units[u]);
}

/* Column heading for a migratetype, at most 8 characters. */
static const char *mt_short(const char *name)
{
	static const char *const map[][2] = {
		{ "Unmovable", "Unmov" }, { "Reclaimable", "Reclaim" }, { "HighAtomic", "HighAtom" },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(name, map[i][0]) == 0)
			return map[i][1];
	return name;
}

static void kidx(char *buf, size_t size, int v)
{
	fs_index_format(buf, size, v, false);
}

static void wrap(struct tctx *t, unsigned first, unsigned indent, const char *text);

static void header(struct tctx *t)
{
	const struct fs_report *r = t->r;
	const struct fs_snapshot *s = r->snap;
	char ps[32], path[1024];
	human(ps, sizeof ps, s->page_size);
	/* The path is the user's or a JSON input's: escaped (no raw control
	 * bytes on a terminal); the kernel release is a checked token. */
	fprintf(t->out, "%sfragstat%s: %s%s%s\n", col(t, C_BOLD), col(t, C_RESET),
		fs_kind_name(s->kind), s->path ? " " : "", s->path ? fs_escape(path, sizeof path, s->path) : "");
	static const char *const from[] = {
		[FS_PS_ASSUMED] = " (assumed)", [FS_PS_LIVE] = "", [FS_PS_CAPTURE] = " (capture note)",
		[FS_PS_MEMINFO] = " (from meminfo)", [FS_PS_JSON] = "", [FS_PS_OPTION] = " (--page-size)",
		[FS_PS_SIMULATED] = "", [FS_PS_LOG] = " (from the log)",
	};
	const char *pf = (unsigned)s->page_size_from < sizeof from / sizeof from[0] &&
			 from[s->page_size_from] ? from[s->page_size_from] : "";
	if (s->page_size_assumed && s->page_size_from != FS_PS_ASSUMED)
		pf = " (assumed)";
	char kern[64];
	if (s->kernel)
		snprintf(kern, sizeof kern, "%s", s->kernel);
	else if (r->era.inferred && r->era.lo > 0)
		snprintf(kern, sizeof kern, "unknown (%d.%d+ from its files)", r->era.lo / 100, r->era.lo % 100);
	else
		snprintf(kern, sizeof kern, "unknown");
	char line[300], pbo[16] = "unknown";
	if (s->pageblock_order >= 0)
		snprintf(pbo, sizeof pbo, "%d", s->pageblock_order);
	snprintf(line, sizeof line, "kernel %s, %s pages%s, %u orders, pageblock order %s", kern, ps, pf,
		 r->orders, pbo);
	wrap(t, 0, 2, line);
	/* arm64 with 64 KiB pages prints 14 orders (kernel-facts section 0):
	 * a hint, not a guess. */
	if (s->page_size_from == FS_PS_ASSUMED && r->orders == 14)
		fprintf(t->out, "14 orders is what arm64 kernels with 64K pages print: if this is one,\n"
			"add --page-size 64K\n");
	bool from_types = false;
	for (size_t i = 0; i < s->nnodes; i++)
		for (unsigned z = 0; z < s->nodes[i].nzones; z++)
			from_types |= s->nodes[i].zones[z].free_from_types;
	if (from_types)
		fprintf(t->out, "free blocks summed from pagetypeinfo (no buddyinfo); \""
			FS_CAPPED_MARK "\": a lower bound\n");

	/* Sources that could not be read, wrapped to the width. */
	unsigned used = 0;
	for (int i = 0; i < FS_SRC_COUNT; i++) {
		enum fs_src_status st = s->src[i];
		char item[64];
		if (st == FS_ST_OK || st == FS_ST_UNREAD)
			continue;
		/* The decision engine's optional inputs: absence is a caveat of
		 * the decision, not worth a line here. */
		if (i >= FS_SRC_THP_ENABLED && st == FS_ST_MISSING)
			continue;
		int n = snprintf(item, sizeof item, "%s %s %s", used ? "," : "not read:",
				 fs_src_name(i), fs_src_status_name(st));
		if (used && used + (unsigned)n > t->width) {
			fputs(",\n ", t->out);
			used = 1;
			n = fprintf(t->out, "%s", item + 1);
		} else {
			fputs(item, t->out);
		}
		used += (unsigned)n;
	}
	if (used)
		fputc('\n', t->out);
}

/* 1234567 -> "1,234,567". */
static const char *grp(char *buf, size_t size, uint64_t v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof tmp, "%" PRIu64, v);
	size_t o = 0;
	for (int i = 0; i < n && o + 2 < size; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
	return buf;
}

/* Print text wrapped to the width: the first line after `first` columns
 * already used, continuation lines indented by `indent`. */
static void wrap(struct tctx *t, unsigned first, unsigned indent, const char *text)
{
	unsigned used = first;
	const char *p = text;
	bool line_start = true;
	while (*p) {
		while (*p == ' ')
			p++;
		size_t w = strcspn(p, " ");
		if (!w)
			break;
		/* Visible width: colour escapes take no column. */
		size_t vis = 0;
		for (size_t i = 0; i < w; i++) {
			if (p[i] == '\033') {
				while (i < w && p[i] != 'm')
					i++;
				continue;
			}
			vis++;
		}
		if (!line_start && used + 1 + vis > t->width) {
			fprintf(t->out, "\n%*s", (int)indent, "");
			used = indent;
			line_start = true;
		}
		if (!line_start) {
			fputc(' ', t->out);
			used++;
		}
		fprintf(t->out, "%.*s", (int)w, p);
		used += (unsigned)vis;
		line_start = false;
		p += w;
	}
	fputc('\n', t->out);
}

/* The kind the bottom line is about: a THP fault at the huge page order,
 * a movable user page at any other order. */
static enum fs_alloc_kind focus_kind(const struct fs_report *r)
{
	return r->focus_order == r->hpage_order ? FS_AK_THP : FS_AK_MOVABLE;
}

/* Kinds shown: a THP fault and a hugetlb pool page only at the huge page
 * order (the PMD size; smaller THP orders exist only with mTHP, 6.8+, and
 * the hugetlb pool allocates at its huge page size). */
static bool kind_shown(const struct fs_report *r, int k)
{
	return (k != FS_AK_THP && k != FS_AK_HUGETLB) || r->focus_order == r->hpage_order;
}

#define NKINDS FS_AK_GFP   /* the named kinds, without raw gfp */

/* The engine's decisions (report.c), per reported node and kind, at the
 * focus order; a node without them gets an undecided placeholder. */
struct decisions {
	size_t nnodes;
	const struct fs_decision **d;  /* nnodes * NKINDS */
	bool any_decided;
};

static const struct fs_decision *dec(const struct decisions *ds, size_t node, enum fs_alloc_kind k)
{
	return ds->d[node * NKINDS + (size_t)k];
}

static int decide_all(struct tctx *t, struct decisions *ds)
{
	static const struct fs_decision none = { .decided = false, .rule = FS_RULE_NO_DATA };
	const struct fs_report *r = t->r;
	ds->nnodes = r->nnodes;
	ds->any_decided = false;
	ds->d = r->nnodes ? calloc(r->nnodes * NKINDS, sizeof *ds->d) : NULL;
	if (r->nnodes && !ds->d)
		return -ENOMEM;
	for (size_t i = 0; i < r->nnodes; i++)
		for (int k = 0; k < NKINDS; k++) {
			const struct fs_decision *d = r->nodes[i].has_decisions ? &r->nodes[i].decisions[k] : &none;
			ds->d[i * NKINDS + (size_t)k] = d;
			ds->any_decided |= d->decided;
		}
	return 0;
}

/* Order-k chunks free now (S of fill_contig_page_info) and after ideal
 * compaction (free pages >> k), summed over a node's zones; *lower when a
 * count is a lower bound (capped pagetypeinfo list). */
static void node_capacity(const struct fs_report *r, const struct fs_node_report *nr,
			  uint64_t *now, uint64_t *max, bool *lower)
{
	*now = *max = 0;
	*lower = false;
	for (unsigned z = 0; z < nr->nzones; z++) {
		const struct fs_zone_report *zr = &nr->zones[z];
		struct fs_contig_info info;
		if (!zr->indices_ok ||
		    fs_fill_contig(zr->zone->free, r->orders, (unsigned)r->focus_order, &info))
			continue;
		*now += info.free_blocks_suitable;
		*max += info.free_pages >> r->focus_order;
		*lower |= zr->lower_bound;
	}
}

static void capacity_text(char *buf, size_t size, const struct fs_report *r,
			  const struct fs_node_report *nr)
{
	uint64_t now, max;
	bool lower;
	char a[32], b[32];
	node_capacity(r, nr, &now, &max, &lower);
	/* With the page layout, the huge page order's bound is the ceiling
	 * (report.c: free + movable pageblocks), not free memory alone. */
	bool layout = false;
	for (unsigned z = 0; z < nr->nzones; z++)
		layout |= nr->zones[z].huge_max_pages != 0;
	if (layout && r->focus_order == r->hpage_order && !lower)
		max = nr->huge_max;
	if (r->focus_order == 0)   /* every free page is an order-0 block */
		snprintf(buf, size, "%s%s free now", lower ? "at least " : "", grp(a, sizeof a, now));
	else if (lower)
		snprintf(buf, size, "at least %s free now; ideal compaction could make at least %s "
			 "(a count is capped at " FS_PAGETYPE_COUNT_CAP_TEXT ")", grp(a, sizeof a, now),
			 grp(b, sizeof b, max));
	else
		snprintf(buf, size, "%s free now, at most %s after compaction%s", grp(a, sizeof a, now),
			 grp(b, sizeof b, max),
			 layout && r->focus_order == r->hpage_order ? " (page layout bound)" : "");
}

/* The bottom line from the engine: per node, the focus kind's decision. */
static void bottom_line(struct tctx *t, const struct decisions *ds)
{
	const struct fs_report *r = t->r;
	enum fs_alloc_kind fk = focus_kind(r);
	char sz[32];
	human(sz, sizeof sz, r->snap->page_size << r->focus_order);
	fprintf(t->out, "\n%sOrder %d (%s), %s:%s\n", col(t, C_BOLD), r->focus_order, sz,
		fs_alloc_kind_title(fk), col(t, C_RESET));
	for (size_t i = 0; i < r->nnodes; i++) {
		const struct fs_decision *d = dec(ds, i, fk);
		char reason[1024], cap[160], head[1400];
		fs_decision_reason(d, reason, sizeof reason);
		capacity_text(cap, sizeof cap, r, &r->nodes[i]);
		/* "ok from Normal (fast path): free ... > ...": the part before
		 * the first ": " is the outcome, the rest the check behind it. */
		const char *why = strstr(reason, ": ");
		size_t hl = why && (size_t)(why - reason) <= 60 ? (size_t)(why - reason) : strlen(reason);
		int hn = snprintf(head, sizeof head, "node %d: %s%.*s%s; %s", r->nodes[i].node,
				  col(t, d->outcome == FS_OUT_OK ? C_GREEN
					 : d->outcome == FS_OUT_OK_AFTER_KSWAPD || d->outcome == FS_OUT_COMPACT ? C_YELLOW
					 : C_RED), (int)hl, reason, col(t, C_RESET), cap);
		(void)hn;
		fputs("  ", t->out);
		wrap(t, 2, 4, head);
		if (hl < strlen(reason)) {
			fputs("    ", t->out);
			wrap(t, 4, 4, reason + hl + 2);
		}
		/* The other kinds at a glance; their reasons are under Attention
		 * when they are not ok, and in --detail. */
		char others[256];
		size_t o = 0;
		for (int k = 0; k < NKINDS; k++) {
			if (k == (int)fk || !kind_shown(r, k))
				continue;
			const struct fs_decision *dk = dec(ds, i, (enum fs_alloc_kind)k);
			o += (size_t)snprintf(others + o, sizeof others - o, "%s%s %s", o ? ", " : "",
					      fs_alloc_kind_name((enum fs_alloc_kind)k),
					      fs_outcome_name(dk->outcome));
			if (o >= sizeof others)
				break;
		}
		fputs("    other kinds: ", t->out);
		wrap(t, 17, 6, others);
	}
}

/* Without watermarks (buddyinfo or pagetypeinfo only): the fragmentation
 * index alone tells fragmentation from lack of memory (mm/vmstat.c
 * __fragmentation_index; the kernel's threshold rule in
 * compaction_suitable() is the same comparison), and the capacity is
 * that of ideal compaction. Not the kernel's decision: that needs
 * watermarks. */
static void index_diagnosis(struct tctx *t)
{
	const struct fs_report *r = t->r;
	int k = r->focus_order;
	char sz[32], fi[16], th[16], a[32];
	human(sz, sizeof sz, r->snap->page_size << k);
	fprintf(t->out, "\n%sOrder %d (%s), from the fragmentation index alone%s\n", col(t, C_BOLD), k, sz,
		col(t, C_RESET));
	fprintf(t->out, "  (no zoneinfo watermarks: not the kernel's whole decision)\n");
	kidx(th, sizeof th, r->extfrag_threshold);
	for (size_t i = 0; i < r->nnodes; i++) {
		const struct fs_node_report *nr = &r->nodes[i];
		char cap[160];
		capacity_text(cap, sizeof cap, r, nr);
		char nl[200];
		snprintf(nl, sizeof nl, "node %d: %s", nr->node, cap);
		fputs("  ", t->out);
		wrap(t, 2, 4, nl);
		for (unsigned z = 0; z < nr->nzones; z++) {
			const struct fs_zone_report *zr = &nr->zones[z];
			struct fs_contig_info info;
			char line[400];
			if (!zr->indices_ok ||
			    fs_fill_contig(zr->zone->free, r->orders, (unsigned)k, &info)) {
				fprintf(t->out, "    %s: counts too large for the kernel's arithmetic\n",
					zr->zone->name);
				continue;
			}
			kidx(fi, sizeof fi, zr->fragidx[k]);
			if (info.free_pages == 0)
				snprintf(line, sizeof line, "%s: no free memory", zr->zone->name);
			else if (info.free_blocks_suitable)
				snprintf(line, sizeof line, "%s: room for %s%s order-%d allocation%s in its "
					 "free blocks of order >= %d", zr->zone->name,
					 zr->lower_bound ? "at least " : "",
					 grp(a, sizeof a, info.free_blocks_suitable), k,
					 info.free_blocks_suitable == 1 ? "" : "s", k);
			else if (!zr->fragidx_exact[k])
				snprintf(line, sizeof line, "%s: no free block of order >= %d; the index is "
					 "not known (a count is capped at " FS_PAGETYPE_COUNT_CAP_TEXT ")",
					 zr->zone->name, k);
			else if (zr->fragidx[k] > r->extfrag_threshold && (info.free_pages >> k) == 0)
				snprintf(line, sizeof line, "%s: no free block of order >= %d; fragmentation "
					 "index %s > %s%s, but its %s free pages are fewer than one "
					 "order-%d block", zr->zone->name, k, fi, th,
					 r->extfrag_threshold_default ? " (default threshold)" : "",
					 grp(a, sizeof a, info.free_pages), k);
			else if (zr->fragidx[k] > r->extfrag_threshold)
				snprintf(line, sizeof line, "%s: no free block of order >= %d; fragmentation "
					 "index %s > %s%s: fragmented, compaction could make up to %s",
					 zr->zone->name, k, fi, th,
					 r->extfrag_threshold_default ? " (default threshold)" : "",
					 grp(a, sizeof a, info.free_pages >> k));
			else
				snprintf(line, sizeof line, "%s: no free block of order >= %d; fragmentation "
					 "index %s <= %s%s: too little free memory, not fragmentation",
					 zr->zone->name, k, fi, th,
					 r->extfrag_threshold_default ? " (default threshold)" : "");
			fputs("    ", t->out);
			wrap(t, 4, 6, line);
		}
	}
}

/* What deserves attention: kinds that do not get their pages at once,
 * kcompactd about to work, disagreement with the kernel, broken inputs. */
static void attention(struct tctx *t, const struct decisions *ds)
{
	const struct fs_report *r = t->r;
	const struct fs_snapshot *s = r->snap;
	unsigned n = 0;
	fprintf(t->out, "\n%sAttention:%s\n", col(t, C_BOLD), col(t, C_RESET));
	/* Kinds other than the bottom line's that are not served on the fast
	 * path; kinds with the same reason share one entry. */
	enum fs_alloc_kind fk = focus_kind(r);
	for (size_t i = 0; ds->any_decided && i < r->nnodes; i++) {
		bool done[NKINDS] = { false };
		for (int k = 0; k < NKINDS; k++) {
			const struct fs_decision *d = dec(ds, i, (enum fs_alloc_kind)k);
			if (done[k] || k == (int)fk || !kind_shown(r, k) || !d->decided ||
			    d->outcome == FS_OUT_OK)
				continue;
			char reason[1024], other[1024], kinds[256], line[1400];
			fs_decision_reason(d, reason, sizeof reason);
			size_t kl = (size_t)snprintf(kinds, sizeof kinds, "%s",
						     fs_alloc_kind_title((enum fs_alloc_kind)k));
			for (int j = k + 1; j < NKINDS; j++) {
				const struct fs_decision *dj = dec(ds, i, (enum fs_alloc_kind)j);
				if (j == (int)fk || done[j] || !kind_shown(r, j) || !dj->decided ||
				    dj->outcome != d->outcome)
					continue;
				fs_decision_reason(dj, other, sizeof other);
				if (strcmp(other, reason) || kl >= sizeof kinds)
					continue;
				done[j] = true;
				kl += (size_t)snprintf(kinds + kl, sizeof kinds - kl, ", %s",
						       fs_alloc_kind_title((enum fs_alloc_kind)j));
			}
			snprintf(line, sizeof line, "node %d, %s: %s%s%s", r->nodes[i].node, kinds,
				 col(t, d->outcome == FS_OUT_OK_AFTER_KSWAPD || d->outcome == FS_OUT_COMPACT
					 ? C_YELLOW : C_RED), reason, col(t, C_RESET));
			fputs("  ", t->out);
			wrap(t, 2, 4, line);
			n++;
		}
	}
	/* has_proactive only where the era has proactive compaction (5.9+). */
	for (size_t i = 0; i < r->nnodes; i++) {
		const struct fs_node_report *nr = &r->nodes[i];
		if (!nr->has_proactive || !nr->would_compact)
			continue;
		char line[300];
		snprintf(line, sizeof line, "node %d: fragmentation score %u > high %u: kcompactd would "
			 "compact proactively now", nr->node, nr->score, nr->wmark_high);
		fputs("  ", t->out);
		wrap(t, 2, 4, line);
		n++;
	}
	if (r->kcheck_available && r->kcheck_mismatches) {
		fprintf(t->out, "  %sthe kernel's debugfs indices differ from fragstat's in %u values%s\n",
			col(t, C_RED), r->kcheck_mismatches, col(t, C_RESET));
		n++;
	}
	for (int i = 0; i < FS_SRC_COUNT; i++)
		if (s->src[i] == FS_ST_MALFORMED) {
			fprintf(t->out, "  %s could not be parsed; the report uses what could\n",
				fs_src_name((enum fs_src)i));
			n++;
		}
	if (!n) {
		if (ds->any_decided)
			fprintf(t->out, "  nothing else: the other kinds are served on the fast path%s\n",
				r->nnodes > 1 ? " on every node" : "");
		else
			fprintf(t->out, "  nothing else fragstat can judge without watermarks\n");
	}
}

/* The evidence an SRE looks at first, where the data has it. */
static void evidence(struct tctx *t)
{
	const struct fs_report *r = t->r;
	const struct fs_snapshot *s = r->snap;
	char a[32], b[32], c[32], line[400];
	uint64_t st, fa, su, fb, v1, v2;
	bool any = false;
#define EVIDENCE_HEAD() do { if (!any) fprintf(t->out, "\n%sEvidence:%s\n", col(t, C_BOLD), col(t, C_RESET)); any = true; } while (0)
	if (fs_vm_get(s, FS_VM_COMPACT_STALL, &st) && fs_vm_get(s, FS_VM_COMPACT_FAIL, &fa) &&
	    fs_vm_get(s, FS_VM_COMPACT_SUCCESS, &su)) {
		int n = snprintf(line, sizeof line, "compaction since boot: stalls %s, failed %s, succeeded %s",
				 grp(a, sizeof a, st), grp(b, sizeof b, fa), grp(c, sizeof c, su));
		if (fs_vm_get(s, FS_VM_THP_FAULT_FALLBACK, &fb) && n > 0 && (size_t)n < sizeof line)
			snprintf(line + n, sizeof line - (size_t)n, "; THP fault fallbacks %s", grp(a, sizeof a, fb));
		EVIDENCE_HEAD();
		fputs("  ", t->out);
		wrap(t, 2, 4, line);
	}
	if (s->thp_enabled.present || s->thp_defrag.present) {
		EVIDENCE_HEAD();
		fprintf(t->out, "  THP enabled %s, defrag %s\n",
			s->thp_enabled.present ? s->thp_enabled.choice : "(not read)",
			s->thp_defrag.present ? s->thp_defrag.choice : "(not read)");
	}
	/* MemAvailable and the hugetlb pool (meminfo, kB), on one line. */
	size_t ml = 0;
	line[0] = '\0';
	if (fs_mi_get(s, FS_MI_MEM_AVAILABLE, &v1) && fs_mi_get(s, FS_MI_MEM_TOTAL, &v2) &&
	    v1 <= UINT64_MAX / 1024 && v2 <= UINT64_MAX / 1024) {
		human(a, sizeof a, v1 * 1024);
		human(b, sizeof b, v2 * 1024);
		ml += (size_t)snprintf(line, sizeof line, "MemAvailable %s of %s", a, b);
	}
	if (fs_mi_get(s, FS_MI_MEM_HUGE_TOTAL, &v1) && fs_mi_get(s, FS_MI_MEM_HUGE_FREE, &v2)) {
		uint64_t hps, rs = 0, sp = 0;
		char hz[32] = "?";
		if (fs_mi_get(s, FS_MI_MEM_HUGE_SIZE, &hps) && hps <= UINT64_MAX / 1024)
			human(hz, sizeof hz, hps * 1024);
		fs_mi_get(s, FS_MI_MEM_HUGE_RSVD, &rs);
		fs_mi_get(s, FS_MI_MEM_HUGE_SURPLUS, &sp);
		if (ml < sizeof line)
			ml += (size_t)snprintf(line + ml, sizeof line - ml, "%shugetlb pool %s x %s (%s free, %"
					       PRIu64 " reserved, %" PRIu64 " surplus)", ml ? "; " : "",
					       grp(a, sizeof a, v1), hz, grp(b, sizeof b, v2), rs, sp);
	}
	if (ml) {
		EVIDENCE_HEAD();
		fputs("  ", t->out);
		wrap(t, 2, 4, line);
	}
	for (size_t i = 0; i < r->nnodes; i++) {
		const struct fs_node_report *nr = &r->nodes[i];
		if (!nr->has_proactive)
			continue;
		EVIDENCE_HEAD();
		char pv[48] = "";
		if (r->proactiveness != 20 || r->proactiveness_default)
			snprintf(pv, sizeof pv, ", proactiveness %d%s", r->proactiveness,
				 r->proactiveness_default ? " assumed" : "");
		snprintf(line, sizeof line, "proactive compaction: node %d score %u (low %u, high %u%s): %s",
			 nr->node, nr->score,
			 nr->wmark_low, nr->wmark_high, pv,
			 nr->would_compact ? "kcompactd would compact now" : "kcompactd idle");
		fputs("  ", t->out);
		wrap(t, 2, 4, line);
	}
	if (r->kcheck_available) {
		EVIDENCE_HEAD();
		fprintf(t->out, "  kernel cross-check: %s%s%s, %u values compared with debugfs%s\n",
			col(t, r->kcheck_mismatches ? C_RED : C_GREEN),
			r->kcheck_mismatches ? "DISAGREES" : "agrees", col(t, C_RESET), r->kcheck_compared,
			s->kind == FS_KIND_LIVE && !s->kcheck_stable ? " (buddyinfo kept changing)" : "");
	}
#undef EVIDENCE_HEAD
}

/* Words for one zone's check at the low watermark for the focus kind. */
static const char *zone_check_words(const struct fs_decision *d, const char *zone, bool *found)
{
	*found = false;
	for (unsigned i = 0; i < d->nzones; i++) {
		if (strcmp(d->zones[i].zone, zone) != 0 || d->zones[i].node != d->node)
			continue;
		*found = true;
		switch (d->zones[i].fast.result) {
		case FS_ZR_PASS: return "passes";
		case FS_ZR_FAIL_RESERVE: return "lowmem reserve";
		case FS_ZR_FAIL_FREE: return "below low";
		case FS_ZR_FAIL_BLOCK: return "no free block";
		case FS_ZR_NOT_CHECKED: return "not checked";
		}
	}
	return "not used";
}

/* One row per zone at the focus order. */
static void zones_overview(struct tctx *t, const struct decisions *ds)
{
	const struct fs_report *r = t->r;
	const struct fs_snapshot *s = r->snap;
	int k = r->focus_order;
	char h[24], sz[32], a[32], fi[16], lw[32];
	snprintf(h, sizeof h, "free o%d", k);
	fprintf(t->out, "\n%s%-16s %7s %10s %8s %8s %9s  %s%s\n", col(t, C_BOLD), "Zones", "free", h,
		"unusable", "fragidx", "low", ds->any_decided ? "check at low" : "", col(t, C_RESET));
	for (size_t i = 0; i < r->nnodes; i++)
		for (unsigned z = 0; z < r->nodes[i].nzones; z++) {
			const struct fs_zone_report *zr = &r->nodes[i].zones[z];
			char name[40];
			struct fs_contig_info info = { 0 };
			snprintf(name, sizeof name, "node %d %s", zr->node, zr->zone->name);
			human(sz, sizeof sz, zr->free_pages * s->page_size);
			bool ok = zr->indices_ok &&
				  fs_fill_contig(zr->zone->free, r->orders, (unsigned)k, &info) == 0;
			fs_count_cell(a, sizeof a, info.free_blocks_suitable, zr->lower_bound);
			char un[16] = "-";
			if (ok && zr->unusable_exact[k])
				kidx(un, sizeof un, zr->unusable[k]);
			if (ok && zr->fragidx_exact[k])
				kidx(fi, sizeof fi, zr->fragidx[k]);
			else
				snprintf(fi, sizeof fi, "-");
			if (zr->zone->zi_have & FS_ZI_LOW)
				grp(lw, sizeof lw, zr->zone->low);
			else
				snprintf(lw, sizeof lw, "-");
			fprintf(t->out, "%-16s %6s%s %10s %8s %8s %9s", name, sz, zr->lower_bound ? "+" : " ",
				ok ? a : "-", un, fi, lw);
			if (ds->any_decided) {
				bool found;
				const struct fs_decision *d = dec(ds, i, focus_kind(r));
				fprintf(t->out, "  %s", zone_check_words(d, zr->zone->name, &found));
			}
			fputc('\n', t->out);
		}
}

/* Free blocks per order, one column per zone (several tables when the
 * zones do not fit the width). */
static void order_matrix(struct tctx *t)
{
	const struct fs_report *r = t->r;
	const struct fs_snapshot *s = r->snap;
	const struct fs_zone_report *zs[FS_MAX_ZONES * 4];
	size_t nz = 0, total = 0;
	for (size_t i = 0; i < r->nnodes; i++)
		total += r->nodes[i].nzones;
	unsigned per = (t->width - 12) / 10;
	if (per < 1)
		per = 1;
	if (per > sizeof zs / sizeof zs[0])
		per = sizeof zs / sizeof zs[0];
	size_t done = 0;
	size_t ni = 0, zi = 0;
	while (done < total) {
		nz = 0;
		while (nz < per && ni < r->nnodes) {
			if (zi >= r->nodes[ni].nzones) {
				ni++;
				zi = 0;
				continue;
			}
			zs[nz++] = &r->nodes[ni].zones[zi++];
		}
		if (!nz)
			break;
		done += nz;
		fprintf(t->out, "\n%s%-12s", col(t, C_BOLD), "Free blocks");
		for (size_t j = 0; j < nz; j++) {
			char hd[64];
			snprintf(hd, sizeof hd, "%d:%s", zs[j]->node, zs[j]->zone->name);
			fprintf(t->out, " %9.9s", hd);
		}
		fprintf(t->out, "%s\n", col(t, C_RESET));
		for (unsigned k = 0; k < r->orders; k++) {
			char sz[32];
			bool focus = (int)k == r->focus_order;
			human(sz, sizeof sz, s->page_size << k);
			fprintf(t->out, "%s%c%4u %6s", focus ? col(t, C_BOLD) : "", focus ? '>' : ' ', k, sz);
			for (size_t j = 0; j < nz; j++) {
				char cell[32];
				fs_count_cell(cell, sizeof cell, zs[j]->zone->free[k],
					      fs_zone_free_lower_bound(s, zs[j]->zone, k));
				fprintf(t->out, " %9s", cell);
			}
			fprintf(t->out, "%s\n", focus ? col(t, C_RESET) : "");
		}
	}
}

/* --detail: every zone of the zonelist for each kind. */
static void decisions_detail(struct tctx *t, const struct decisions *ds)
{
	const struct fs_report *r = t->r;
	for (size_t i = 0; i < r->nnodes; i++)
		for (int k = 0; k < NKINDS; k++) {
			if (!kind_shown(r, k))
				continue;
			const struct fs_decision *d = dec(ds, i, (enum fs_alloc_kind)k);
			char buf[1024];
			fprintf(t->out, "\n%snode %d, order %d %s%s: %s%s\n", col(t, C_BOLD), r->nodes[i].node,
				r->focus_order, fs_alloc_kind_title((enum fs_alloc_kind)k), col(t, C_RESET),
				fs_outcome_name(d->outcome), d->decided ? "" : " (no decision)");
			fs_decision_reason(d, buf, sizeof buf);
			fputs("  ", t->out);
			wrap(t, 2, 4, buf);
			/* Each zone's check for the focus kind, and for any kind
			 * whose outcome or deciding zone differs from it. */
			const struct fs_decision *f = dec(ds, i, focus_kind(r));
			if (k != (int)focus_kind(r) && d->outcome == f->outcome && !strcmp(d->zone, f->zone))
				continue;
			for (unsigned z = 0; z < d->nzones; z++) {
				fs_zone_decision_line(d, z, buf, sizeof buf);
				fputs("    ", t->out);
				wrap(t, 4, 6, buf);
			}
		}
}

/* With the page layout (--pages): what limits huge pages, per zone. */
static void map_limits(struct tctx *t)
{
	const struct fs_report *r = t->r;
	bool heading = false;
	for (size_t i = 0; i < r->nnodes; i++)
		for (unsigned z = 0; z < r->nodes[i].nzones; z++) {
			const struct fs_zone_report *zr = &r->nodes[i].zones[z];
			char line[1024], lead[96];
			if (!zr->pm)
				continue;
			if (!heading) {
				fprintf(t->out, "\n%sPage layout%s (kpageflags):\n", col(t, C_BOLD),
					col(t, C_RESET));
				heading = true;
			}
			fs_map_limit_sentence(line, sizeof line, r, zr);
			snprintf(lead, sizeof lead, "  %s: ", zr->zone->name);
			fs_map_wrap(t->out, lead, 4, t->width, line);
		}
}

static void summary(struct tctx *t, const struct decisions *ds)
{
	if (ds->any_decided) {
		bottom_line(t, ds);
	} else {
		index_diagnosis(t);
	}
	attention(t, ds);
	map_limits(t);
	evidence(t);
	zones_overview(t, ds);
	order_matrix(t);
	if (t->detail && ds->any_decided)
		decisions_detail(t, ds);
}
static void zone_table(struct tctx *t, const struct fs_zone_report *zr)
{
	const struct fs_report *r = t->r;
	const struct fs_snapshot *s = r->snap;
	const struct fs_zone *z = zr->zone;
	char sz[32], a[16], b[16];

	human(sz, sizeof sz, zr->free_pages * s->page_size);
	fprintf(t->out, "\n%sNode %d, zone %s%s: %s%" PRIu64 " free pages (%s)", col(t, C_BOLD), zr->node,
		z->name, col(t, C_RESET), zr->lower_bound ? "at least " : "", zr->free_pages, sz);
	fputc('\n', t->out);
	if (zr->lower_bound)
		fprintf(t->out, "  \"" FS_CAPPED_MARK "\": a lower bound; \"-\": an index the capped count leaves unknown\n");
	if ((z->zi_have & (FS_ZI_MIN | FS_ZI_LOW | FS_ZI_HIGH)) == (FS_ZI_MIN | FS_ZI_LOW | FS_ZI_HIGH)) {
		fprintf(t->out, "  watermarks min %" PRIu64 " low %" PRIu64 " high %" PRIu64, z->min,
			z->low, z->high);
		if (z->zi_have & FS_ZI_BOOST && z->boost)
			fprintf(t->out, " (boost %" PRIu64 ")", z->boost);
		fputc('\n', t->out);
	}
	if (z->zi_have & FS_ZI_MANAGED)
		fprintf(t->out, "  managed %" PRIu64 ", present %" PRIu64 ", spanned %" PRIu64
			" pages; zoneinfo free %" PRIu64 "\n", z->managed, z->present, z->spanned,
			z->pages_free);
	fprintf(t->out, "  %5s %6s %12s %12s %8s %8s %s\n", "order", "size", "free blocks",
		"free pages", "unusable", "fragidx", zr->has_verdicts ? "verdict" : "");
	for (unsigned k = 0; k < r->orders; k++) {
		human(sz, sizeof sz, s->page_size << k);
		bool focus = (int)k == r->focus_order;
		bool lb = fs_zone_free_lower_bound(s, z, k);
		char fb[32], fp[32];
		fs_count_cell(fb, sizeof fb, z->free[k], lb);
		fs_count_cell(fp, sizeof fp, k < 64 ? z->free[k] << k : 0, lb);
		fprintf(t->out, "%s%c %5u %6s %12s %12s", focus ? col(t, C_BOLD) : "",
			focus ? '>' : ' ', k, sz, fb, fp);
		if (zr->indices_ok) {
			kidx(a, sizeof a, zr->unusable[k]);
			kidx(b, sizeof b, zr->fragidx[k]);
			fprintf(t->out, " %8s %8s", zr->unusable_exact[k] ? a : "-", zr->fragidx_exact[k] ? b : "-");
		} else {
			fprintf(t->out, " %8s %8s", "overflow", "overflow");
		}
		if (zr->has_verdicts) {
			enum fs_verdict_kind vk = zr->verdicts[k].kind;
			fprintf(t->out, " %s%s%s", col(t, verdict_color(vk)), fs_verdict_name(vk),
				col(t, focus ? C_RESET C_BOLD : C_RESET));
		}
		if ((z->has_kextfrag && z->kextfrag[k] != zr->fragidx[k]) ||
		    (z->has_kunusable && z->kunusable[k] != zr->unusable[k]))
			fprintf(t->out, " %s*%s", col(t, C_RED), col(t, C_RESET));
		fprintf(t->out, "%s\n", focus ? col(t, C_RESET) : "");
	}
	if (zr->kcheck_mismatch)
		fprintf(t->out, "  * the kernel's debugfs index differs from this row's\n");
	if (zr->pm) {
		const struct fs_pm_zone *pz = zr->pm;
		char line[1024], n1[32];
		size_t o = 0;
		o += (size_t)snprintf(line, sizeof line, "pageblock content (kpageflags):");
		for (int c = 0; c < FS_BC_COUNT && o < sizeof line; c++)
			o += (size_t)snprintf(line + o, sizeof line - o, "%s %s %s", c ? "," : "",
					      fs_bclass_name(c), fs_map_grouped(n1, sizeof n1, pz->blocks[c]));
		if (pz->partial_blocks && o < sizeof line)
			snprintf(line + o, sizeof line - o, "; %" PRIu64 " cut by the zone span", pz->partial_blocks);
		fs_map_wrap(t->out, "  ", 4, t->width, line);
		o = (size_t)snprintf(line, sizeof line, "pages by class:");
		for (int c = 0; c < FS_PC_COUNT && o < sizeof line; c++)
			o += (size_t)snprintf(line + o, sizeof line - o, "%s %s %s", c ? "," : "",
					      fs_pclass_name(c), fs_map_grouped(n1, sizeof n1, pz->pages[c]));
		fs_map_wrap(t->out, "  ", 4, t->width, line);
		fs_map_unused_sentence(line, sizeof line, r, zr);
		if (*line)
			fs_map_wrap(t->out, "  ", 4, t->width, line);
	}
	if (z->has_types || z->has_blocks) {
		/* One column per migratetype (names cut to 8), one row per order,
		 * then the pageblocks: fits 80 columns with 8 types. */
		fprintf(t->out, "  by migratetype %5s", "order");
		for (unsigned ty = 0; ty < s->nmt; ty++)
			fprintf(t->out, " %8.8s", mt_short(s->mt_names[ty]));
		fputc('\n', t->out);
		for (unsigned k = 0; z->has_types && k < r->orders; k++) {
			fprintf(t->out, "  %13s %5u", "", k);
			for (unsigned ty = 0; ty < s->nmt; ty++) {
				char cell[24];
				fs_count_cell(cell, sizeof cell, z->free_by_type[ty][k], z->capped[ty][k]);
				fprintf(t->out, " %8s", cell);
			}
			fputc('\n', t->out);
		}
		if (z->has_blocks) {
			fprintf(t->out, "  %19s", "pageblocks");
			for (unsigned ty = 0; ty < s->nmt; ty++)
				fprintf(t->out, " %8" PRIu64, z->blocks[ty]);
			fputc('\n', t->out);
			if (zr->has_pollution)
				fprintf(t->out, "  unmovable and reclaimable pageblocks: %u.%u%%\n",
					zr->polluted_permille / 10, zr->polluted_permille % 10);
		}
		bool capped = false;
		for (unsigned ty = 0; z->has_types && ty < s->nmt; ty++)
			for (unsigned k = 0; k < r->orders; k++)
				capped |= z->capped[ty][k];
		if (capped)
			fprintf(t->out, "  (\"" FS_CAPPED_MARK "\": the kernel stops counting a list at "
				FS_PAGETYPE_COUNT_CAP_TEXT ")\n");
	}
}

int fs_render_table(FILE *out, const struct fs_report *r, const struct fs_render_opts *o)
{
	struct tctx t = { .out = out, .color = o && o->color, .detail = o && o->detail, .r = r,
			  .width = o && o->width >= 40 ? o->width : 80 };
	struct decisions ds = { 0 };
	if (decide_all(&t, &ds))
		return -ENOMEM;
	header(&t);
	summary(&t, &ds);
	if (t.detail)
		for (size_t i = 0; i < r->nnodes; i++)
			for (unsigned z = 0; z < r->nodes[i].nzones; z++)
				zone_table(&t, &r->nodes[i].zones[z]);
	else
		fprintf(out, "\n(--detail: every zone's check, per-order and per-migratetype tables)\n");
	free((void *)ds.d);
	return ferror(out) ? -EIO : 0;
}
