#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "fragindex.h"
#include "render.h"

/* Text report for people: a plain-language summary first, then per zone a
 * table with one row per order (fits 80 columns for any order count). */

#define C_RESET "\033[0m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_RED "\033[31m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"

struct tctx {
	FILE *out;
	bool color;
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
	/* As the kernel prints it, without the trailing space. */
	int n = fs_kfmt_value(buf, size, FS_KFMT_UNUSABLE, v);
	if (n > 0 && buf[n - 1] == ' ')
		buf[n - 1] = '\0';
}

static void header(struct tctx *t)
{
	const struct fs_report *r = t->r;
	const struct fs_snapshot *s = r->snap;
	char ps[32];
	human(ps, sizeof ps, s->page_size);
	fprintf(t->out, "%sfragstat%s: %s%s%s\n", col(t, C_BOLD), col(t, C_RESET),
		fs_kind_name(s->kind), s->path ? " " : "", s->path ? s->path : "");
	fprintf(t->out, "kernel %s, %s pages%s, %u orders, pageblock order ",
		s->kernel ? s->kernel : "unknown", ps, s->page_size_assumed ? " (assumed)" : "",
		r->orders);
	if (s->pageblock_order >= 0)
		fprintf(t->out, "%d\n", s->pageblock_order);
	else
		fprintf(t->out, "unknown\n");

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

static void zone_list(struct tctx *t, enum fs_verdict_kind kind, const char *label)
{
	const struct fs_report *r = t->r;
	int k = r->focus_order;
	bool first = true;
	for (size_t i = 0; i < r->nnodes; i++)
		for (unsigned z = 0; z < r->nodes[i].nzones; z++) {
			const struct fs_zone_report *zr = &r->nodes[i].zones[z];
			if (!zr->has_verdicts || zr->verdicts[k].kind != kind)
				continue;
			const struct fs_verdict *v = &zr->verdicts[k];
			if (first)
				fprintf(t->out, "  %s%s%s\n", col(t, verdict_color(kind)), label, col(t, C_RESET));
			first = false;
			fprintf(t->out, "    node %d %s: ", zr->node, zr->zone->name);
			switch (kind) {
			case FS_VERDICT_OK:
				fprintf(t->out, "a block of order >= %d is free and\n"
					"      free %" PRIu64 " > low %" PRIu64 " + reserve %" PRId64 "\n", k,
					v->free - v->highatomic, v->mark, v->reserve);
				break;
			case FS_VERDICT_COMPACT:
				if (v->costly) {
					char fi[16];
					kidx(fi, sizeof fi, v->fragidx);
					fprintf(t->out, "no free block of order >= %d (fragindex %s > %d.%03d)\n",
						k, fi, r->extfrag_threshold / 1000, r->extfrag_threshold % 1000);
				} else {
					fprintf(t->out, "no free block of order >= %d\n", k);
				}
				fprintf(t->out, "      free %" PRIu64 " > %s %" PRIu64 " + gap %" PRIu64
					" + reserve %" PRId64 "\n", v->free - v->highatomic,
					v->costly ? "low" : "min", v->order0_mark, v->gap, v->reserve);
				break;
			case FS_VERDICT_RECLAIM:
				if (!v->gap_ok || k == 0) {
					fprintf(t->out, "too little free memory\n"
						"      free %" PRIu64 " <= %s %" PRIu64 " + gap %" PRIu64
						" + reserve %" PRId64 "\n", v->free - v->highatomic,
						v->costly ? "low" : "min", v->order0_mark, k ? v->gap : 0,
						v->reserve);
				} else if (v->fragidx > 500) {
					/* index toward 1000: fragmentation, which a threshold
					 * above the kernel default keeps from being compacted */
					char fi[16];
					kidx(fi, sizeof fi, v->fragidx);
					fprintf(t->out, "fragmented, but the threshold stops compaction\n"
						"      fragmentation index %s <= threshold %d.%03d: lower\n"
						"      vm.extfrag_threshold or compact by hand\n", fi,
						r->extfrag_threshold / 1000, r->extfrag_threshold % 1000);
				} else {
					char fi[16];
					kidx(fi, sizeof fi, v->fragidx);
					fprintf(t->out, "lack of memory, not fragmentation\n"
						"      fragmentation index %s <= threshold %d.%03d\n", fi,
						r->extfrag_threshold / 1000, r->extfrag_threshold % 1000);
				}
				break;
			case FS_VERDICT_OK_AFTER_KSWAPD:
				fprintf(t->out, "below its low watermark, above min: served after\n"
					"      waking kswapd; free %" PRIu64 " - %" PRIu64 " <= low %" PRIu64
					" + reserve %" PRId64 "\n", v->free - v->highatomic, v->order_sub,
					v->mark, v->reserve);
				break;
			case FS_VERDICT_RESERVED:
				fprintf(t->out, "kept for higher zones' requests by its lowmem reserve\n"
					"      free %" PRIu64 " - %" PRIu64 " <= low %" PRIu64 " + reserve %"
					PRId64 "\n", v->free - v->highatomic, v->order_sub, v->mark, v->reserve);
				break;
			case FS_VERDICT_UNKNOWN:
				fprintf(t->out, "no watermarks (zoneinfo not read)\n");
				break;
			}
		}
}

static void summary(struct tctx *t)
{
	const struct fs_report *r = t->r;
	const struct fs_snapshot *s = r->snap;
	char sz[32];
	int k = r->focus_order;
	human(sz, sizeof sz, s->page_size << k);
	fprintf(t->out, "\n%sOrder %d (%s) for a movable allocation:%s\n", col(t, C_BOLD), k, sz,
		col(t, C_RESET));
	zone_list(t, FS_VERDICT_OK, "can allocate now:");
	zone_list(t, FS_VERDICT_OK_AFTER_KSWAPD, "can allocate at the min watermark:");
	zone_list(t, FS_VERDICT_COMPACT, "would need compaction:");
	zone_list(t, FS_VERDICT_RECLAIM, "would reclaim (compaction skipped or not suitable):");
	zone_list(t, FS_VERDICT_UNKNOWN, "cannot tell:");
	zone_list(t, FS_VERDICT_RESERVED, "kept by lowmem reserve (not trouble):");
	bool unknown = false;
	for (size_t i = 0; i < r->nnodes; i++)
		for (unsigned z = 0; z < r->nodes[i].nzones; z++)
			if (!r->nodes[i].zones[z].has_verdicts)
				unknown = true;
	if (unknown)
		fprintf(t->out, "  no verdict for zones without zoneinfo watermarks\n");
	fprintf(t->out, "  extfrag_threshold %d%s\n", r->extfrag_threshold,
		r->extfrag_threshold_default ? " (the kernel default; the setting was not read)" : "");

	human(sz, sizeof sz, s->page_size << r->hpage_order);
	fprintf(t->out, "\n%sHuge pages%s (order %d, %s%s):\n", col(t, C_BOLD), col(t, C_RESET),
		r->hpage_order, sz, r->hpage_order_assumed ? "; order assumed, pageblock order unknown" : "");
	for (size_t i = 0; i < r->nnodes; i++) {
		const struct fs_node_report *nr = &r->nodes[i];
		fprintf(t->out, "  node %d: %" PRIu64 " free now, at most %" PRIu64
			" after ideal compaction\n", nr->node, nr->huge_now, nr->huge_max);
	}
	bool any_pro = false;
	for (size_t i = 0; i < r->nnodes; i++)
		any_pro |= r->nodes[i].has_proactive;
	if (any_pro)
		fprintf(t->out, "%sProactive compaction%s (compaction_proactiveness %d%s):\n",
			col(t, C_BOLD), col(t, C_RESET), r->proactiveness,
			r->proactiveness_default ? ", the default" : "");
	for (size_t i = 0; i < r->nnodes; i++) {
		const struct fs_node_report *nr = &r->nodes[i];
		if (nr->has_proactive)
			fprintf(t->out, "  node %d: score %u, low %u, high %u: %s%s%s\n", nr->node,
				nr->score, nr->wmark_low, nr->wmark_high,
				col(t, nr->would_compact ? C_YELLOW : C_GREEN),
				nr->would_compact ? "kcompactd would compact now" : "kcompactd idle",
				col(t, C_RESET));
	}
	if (r->kcheck_available)
		fprintf(t->out, "%sKernel cross-check%s: %s%s%s, %u values compared with debugfs%s\n",
			col(t, C_BOLD), col(t, C_RESET), col(t, r->kcheck_mismatches ? C_RED : C_GREEN),
			r->kcheck_mismatches ? "DISAGREES" : "agrees", col(t, C_RESET), r->kcheck_compared,
			s->kind == FS_KIND_LIVE && !s->kcheck_stable ? " (buddyinfo kept changing)" : "");
}

static void zone_table(struct tctx *t, const struct fs_zone_report *zr)
{
	const struct fs_report *r = t->r;
	const struct fs_snapshot *s = r->snap;
	const struct fs_zone *z = zr->zone;
	char sz[32], a[16], b[16];

	human(sz, sizeof sz, zr->free_pages * s->page_size);
	fprintf(t->out, "\n%sNode %d, zone %s%s: %" PRIu64 " free pages (%s)", col(t, C_BOLD), zr->node,
		z->name, col(t, C_RESET), zr->free_pages, sz);
	fputc('\n', t->out);
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
		fprintf(t->out, "%s%c %5u %6s %12" PRIu64 " %12" PRIu64, focus ? col(t, C_BOLD) : "",
			focus ? '>' : ' ', k, sz, z->free[k], k < 64 ? z->free[k] << k : 0);
		if (zr->indices_ok) {
			kidx(a, sizeof a, zr->unusable[k]);
			kidx(b, sizeof b, zr->fragidx[k]);
			fprintf(t->out, " %8s %8s", a, b);
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
				snprintf(cell, sizeof cell, "%s%" PRIu64, z->capped[ty][k] ? ">" : "",
					 z->free_by_type[ty][k]);
				fprintf(t->out, " %8s", cell);
			}
			fputc('\n', t->out);
		}
		if (z->has_blocks) {
			uint64_t total = 0, unmov = 0;
			fprintf(t->out, "  %19s", "pageblocks");
			for (unsigned ty = 0; ty < s->nmt; ty++) {
				fprintf(t->out, " %8" PRIu64, z->blocks[ty]);
				total += z->blocks[ty];
				if (!strcmp(s->mt_names[ty], "Unmovable") || !strcmp(s->mt_names[ty], "Reclaimable"))
					unmov += z->blocks[ty];
			}
			fputc('\n', t->out);
			if (total)
				fprintf(t->out, "  unmovable and reclaimable pageblocks: %" PRIu64 ".%" PRIu64 "%%\n",
					unmov * 100 / total, unmov * 1000 / total % 10);
		}
		bool capped = false;
		for (unsigned ty = 0; z->has_types && ty < s->nmt; ty++)
			for (unsigned k = 0; k < r->orders; k++)
				capped |= z->capped[ty][k];
		if (capped)
			fprintf(t->out, "  (\">\": the kernel stops counting a list at 100000)\n");
	}
}

int fs_render_table(FILE *out, const struct fs_report *r, const struct fs_render_opts *o)
{
	struct tctx t = { .out = out, .color = o && o->color, .r = r,
			  .width = o && o->width >= 40 ? o->width : 80 };
	header(&t);
	summary(&t);
	for (size_t i = 0; i < r->nnodes; i++)
		for (unsigned z = 0; z < r->nodes[i].nzones; z++)
			zone_table(&t, &r->nodes[i].zones[z]);
	return ferror(out) ? -EIO : 0;
}
