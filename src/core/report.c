#include "config.h"

#include "report.h"

#include "pagemap.h"

#include <stdlib.h>
#include <string.h>

#include "fragindex.h"

#define PAGE_ALLOC_COSTLY_ORDER 3
#define EXTFRAG_THRESHOLD_DEFAULT 500
#define PROACTIVENESS_DEFAULT 20

const char *fs_verdict_name(enum fs_verdict_kind k)
{
	switch (k) {
	case FS_VERDICT_OK: return "ok";
	case FS_VERDICT_COMPACT: return "compact";
	case FS_VERDICT_RECLAIM: return "reclaim";
	case FS_VERDICT_UNKNOWN: break;
	}
	return "unknown";
}

/* "6.18.44-fc" -> 618; 0 when it cannot be read. */
static int kernel_version(const char *rel)
{
	if (!rel)
		return 0;
	char *end;
	long maj = strtol(rel, &end, 10);
	if (end == rel || *end != '.' || maj < 2 || maj > 99)
		return 0;
	const char *p = end + 1;
	long min = strtol(p, &end, 10);
	if (end == p || min < 0 || min > 99)
		return 0;
	return (int)(maj * 100 + min);
}

/* COMPACTION_HPAGE_ORDER: the pageblock order when pagetypeinfo gave it,
 * otherwise the PMD order of a 64-bit kernel (log2(page_size / 8)): 9 on
 * x86_64 with 4 KiB pages, 13 with 64 KiB pages. */
static int hpage_order(const struct fs_snapshot *s, bool *assumed)
{
	int h;
	*assumed = s->pageblock_order < 0;
	if (s->pageblock_order >= 0)
		h = s->pageblock_order;
	else {
		uint64_t ptrs = s->page_size / 8;
		h = 0;
		while (ptrs > 1) {
			ptrs >>= 1;
			h++;
		}
	}
	if (s->orders && h > (int)s->orders - 1)
		h = (int)s->orders - 1;
	return h;
}

/* Index of the allocation's highest zone (ZONE_MOVABLE for a movable user
 * allocation) in the protection array: the zone named Movable when zoneinfo
 * lists it, else the largest entry (lowmem_reserve grows toward it). */
static int64_t lowmem_reserve(const struct fs_node *n, const struct fs_zone *z)
{
	if (!(z->zi_have & FS_ZI_PROTECTION) || z->nprotection == 0)
		return 0;
	for (unsigned i = 0; i < n->nzones; i++)
		if (strcmp(n->zones[i].name, "Movable") == 0 && n->zones[i].zi_index >= 0 &&
		    (unsigned)n->zones[i].zi_index < z->nprotection)
			return z->protection[n->zones[i].zi_index];
	int64_t m = 0;
	for (unsigned i = 0; i < z->nprotection; i++)
		if (z->protection[i] > m)
			m = z->protection[i];
	return m;
}

static bool mt_allowed(const char *name)
{
	/* __zone_watermark_ok for a movable user allocation (ALLOC_CMA, no
	 * reserve rights): the three PCP types and CMA, not HighAtomic/Isolate. */
	return strcmp(name, "Unmovable") == 0 || strcmp(name, "Movable") == 0 ||
	       strcmp(name, "Reclaimable") == 0 || strcmp(name, "CMA") == 0;
}

static uint64_t highatomic_free(const struct fs_snapshot *s, const struct fs_zone *z)
{
	uint64_t sum = 0;
	if (!z->has_types)
		return 0;
	for (unsigned t = 0; t < s->nmt; t++)
		if (strcmp(s->mt_names[t], "HighAtomic") == 0)
			for (unsigned o = 0; o < s->orders && o < 64; o++)
				sum += z->free_by_type[t][o] << o;
	return sum;
}

static bool block_available(const struct fs_snapshot *s, const struct fs_zone *z, unsigned k)
{
	for (unsigned o = k; o < s->orders; o++) {
		if (z->has_types) {
			for (unsigned t = 0; t < s->nmt; t++)
				if (mt_allowed(s->mt_names[t]) && z->free_by_type[t][o])
					return true;
		} else if (z->free[o]) {
			return true;
		}
	}
	return false;
}

/* free > mark + reserve, in signed arithmetic wide enough for any input. */
static bool above(uint64_t free, uint64_t sub, uint64_t mark, int64_t reserve)
{
	__int128 f = (__int128)free - (__int128)sub;
	return f > (__int128)mark + reserve;
}

static void verdicts(const struct fs_report *r, const struct fs_node *n, struct fs_zone_report *zr)
{
	const struct fs_snapshot *s = r->snap;
	const struct fs_zone *z = zr->zone;
	const unsigned need = FS_ZI_FREE | FS_ZI_MIN | FS_ZI_LOW;
	if (!z->has_zoneinfo || (z->zi_have & need) != need)
		return;
	zr->has_verdicts = true;
	int64_t reserve = lowmem_reserve(n, z);
	uint64_t ha = highatomic_free(s, z);
	for (unsigned k = 0; k < r->orders; k++) {
		struct fs_verdict *v = &zr->verdicts[k];
		v->free = z->pages_free;
		v->highatomic = ha;
		v->mark = z->low;
		v->reserve = reserve;
		v->costly = k > PAGE_ALLOC_COSTLY_ORDER;
		v->gap = k < 62 ? 2ULL << k : 0;
		v->order0_mark = v->costly ? z->low : z->min;
		v->fragidx = zr->fragidx[k];
		uint64_t minus = (k < 64 ? (1ULL << k) : 0) - 1 + ha;
		v->wmark_ok = above(v->free, minus, v->mark, reserve);
		v->block_ok = k == 0 || block_available(s, z, k);
		v->gap_ok = above(v->free, ha, v->order0_mark + v->gap, reserve);
		v->fragidx_rules = v->costly && v->fragidx >= 0 && v->fragidx <= r->extfrag_threshold;
		if (v->wmark_ok && v->block_ok)
			v->kind = FS_VERDICT_OK;
		else if (k == 0 || !v->gap_ok || v->fragidx_rules)
			v->kind = FS_VERDICT_RECLAIM;
		else
			v->kind = FS_VERDICT_COMPACT;
	}
}

static void kcheck(struct fs_report *r, struct fs_zone_report *zr)
{
	const struct fs_zone *z = zr->zone;
	if (!zr->indices_ok)
		return;
	for (unsigned k = 0; k < r->orders; k++) {
		if (z->has_kextfrag) {
			r->kcheck_compared++;
			if (z->kextfrag[k] != zr->fragidx[k])
				zr->kcheck_mismatch++;
		}
		if (z->has_kunusable) {
			r->kcheck_compared++;
			if (z->kunusable[k] != zr->unusable[k])
				zr->kcheck_mismatch++;
		}
	}
	zr->kcheck_extfrag = z->has_kextfrag;
	zr->kcheck_unusable = z->has_kunusable;
	if (z->has_kextfrag || z->has_kunusable)
		r->kcheck_available = true;
	r->kcheck_mismatches += zr->kcheck_mismatch;
}

static void proactive(const struct fs_report *r, struct fs_node_report *nr)
{
	uint64_t node_present = 0;
	for (unsigned i = 0; i < nr->nzones; i++) {
		const struct fs_zone *z = nr->zones[i].zone;
		if (!(z->zi_have & FS_ZI_PRESENT))
			return;
	}
	/* node_present_pages counts every zone of the node, populated or not,
	 * including zones buddyinfo does not list (they add 0). */
	const struct fs_node *n = NULL;
	for (size_t i = 0; i < r->snap->nnodes; i++)
		if (r->snap->nodes[i].id == nr->node)
			n = &r->snap->nodes[i];
	if (!n)
		return;
	for (unsigned i = 0; i < n->nzones; i++)
		if (n->zones[i].zi_have & FS_ZI_PRESENT)
			node_present += n->zones[i].present;
	if (!nr->nzones)
		return;
	uint64_t score = 0;
	for (unsigned i = 0; i < nr->nzones; i++) {
		const struct fs_zone_report *zr = &nr->zones[i];
		if (!zr->indices_ok)
			return;
		if (zr->zone->present == 0)
			continue;
		unsigned pct = zr->extfrag_pct[r->hpage_order];
		__int128 w = (__int128)zr->zone->present * pct / ((__int128)node_present + 1);
		score += (uint64_t)w;
	}
	int p = r->proactiveness;
	int ver = kernel_version(r->snap->kernel);
	int wl, wh;
	if (ver && ver < 616) {
		wl = 100 - p < 5 ? 5 : 100 - p;
		wh = wl + 10 > 100 ? 100 : wl + 10;
	} else {
		wl = 100 - p;
		int leeway = wl / 2 < 10 ? wl / 2 : 10;
		wh = wl + leeway > 100 ? 100 : wl + leeway;
	}
	nr->has_proactive = true;
	nr->node_present = node_present;
	nr->score = (unsigned)score;
	nr->wmark_low = (unsigned)wl;
	nr->wmark_high = (unsigned)wh;
	nr->would_compact = p != 0 && score > (uint64_t)wh;
}

static bool zone_selected(const struct fs_report_opts *o, int node, const char *zone)
{
	if (o && o->node_filter >= 0 && node != o->node_filter)
		return false;
	if (o && o->zone_filter && strcasecmp(zone, o->zone_filter) != 0)
		return false;
	return true;
}

struct fs_report *fs_report_new(const struct fs_snapshot *s, const struct fs_report_opts *o)
{
	struct fs_report *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->snap = s;
	r->orders = s->orders;
	r->hpage_order = hpage_order(s, &r->hpage_order_assumed);
	r->focus_order = o && o->focus_order >= 0 ? o->focus_order : r->hpage_order;
	if (r->orders && r->focus_order > (int)r->orders - 1)
		r->focus_order = (int)r->orders - 1;
	r->extfrag_threshold_default = !s->extfrag_threshold.present;
	r->extfrag_threshold = s->extfrag_threshold.present ? (int)s->extfrag_threshold.value
							    : EXTFRAG_THRESHOLD_DEFAULT;
	r->proactiveness_default = !s->compaction_proactiveness.present;
	r->proactiveness = s->compaction_proactiveness.present ? (int)s->compaction_proactiveness.value
								 : PROACTIVENESS_DEFAULT;
	if (s->nnodes) {
		r->nodes = calloc(s->nnodes, sizeof *r->nodes);
		if (!r->nodes) {
			free(r);
			return NULL;
		}
	}
	for (size_t i = 0; i < s->nnodes; i++) {
		const struct fs_node *n = &s->nodes[i];
		struct fs_node_report *nr = &r->nodes[r->nnodes];
		nr->node = n->id;
		for (unsigned zi = 0; zi < n->nzones; zi++) {
			const struct fs_zone *z = &n->zones[zi];
			if (!z->has_buddy || !zone_selected(o, n->id, z->name))
				continue;
			struct fs_zone_report *zr = &nr->zones[nr->nzones++];
			zr->zone = z;
			zr->node = n->id;
			struct fs_contig_info info;
			zr->indices_ok = fs_indices(z->free, r->orders, zr->unusable, zr->fragidx,
						    zr->extfrag_pct) == 0 &&
					 fs_fill_contig(z->free, r->orders, 0, &info) == 0;
			if (zr->indices_ok) {
				zr->free_pages = info.free_pages;
				fs_fill_contig(z->free, r->orders, (unsigned)r->hpage_order, &info);
				zr->huge_now = info.free_blocks_suitable;
				zr->huge_max = info.free_pages >> r->hpage_order;
				zr->huge_max_free = zr->huge_max;
				zr->pm = fs_pm_zone_find(s->pagemap, n->id, z->name);
				/* With the page layout the bound is the compaction ceiling:
				 * min(free + movable pageblocks, free pages >> pageblock_order). */
				if (zr->pm && s->pagemap->pageblock_order == r->hpage_order) {
					zr->huge_max = fs_pm_ceiling(s->pagemap, zr->pm, info.free_pages);
					zr->huge_max_pages = true;
				}
				nr->huge_now += zr->huge_now;
				nr->huge_max += zr->huge_max;
			}
			verdicts(r, n, zr);
			kcheck(r, zr);
		}
		if (nr->nzones == 0)
			continue;
		proactive(r, nr);
		r->nnodes++;
	}
	return r;
}

void fs_report_free(struct fs_report *r)
{
	if (!r)
		return;
	free(r->nodes);
	free(r);
}
