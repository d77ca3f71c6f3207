#include "config.h"

#include "report.h"

#include "pagemap.h"

#include <stdlib.h>
#include <string.h>

#include "fragindex.h"
#include "kpolicy.h"
#include "kvocab.h"

const char *fs_verdict_name(enum fs_verdict_kind k)
{
	switch (k) {
	case FS_VERDICT_OK: return "ok";
	case FS_VERDICT_COMPACT: return "compact";
	case FS_VERDICT_RECLAIM: return "reclaim";
	case FS_VERDICT_OK_AFTER_KSWAPD: return "ok_after_kswapd";
	case FS_VERDICT_RESERVED: return "reserved";
	case FS_VERDICT_UNKNOWN: break;
	}
	return "unknown";
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

/* Per-zone verdicts: the decision engine with the zonelist cut to this
 * zone (fs_decide_zone), for a movable user allocation of every order, so
 * the detail agrees with the node decision (KFD §A.9). */
static void verdicts(const struct fs_report *r, const struct fs_node *n, struct fs_zone_report *zr)
{
	const struct fs_snapshot *s = r->snap;
	const struct fs_zone *z = zr->zone;
	const unsigned need = FS_ZI_FREE | FS_ZI_MIN | FS_ZI_LOW;
	if (!z->has_zoneinfo || (z->zi_have & need) != need)
		return;
	struct fs_decision *d = malloc(sizeof *d);
	if (!d)
		return;
	for (unsigned k = 0; k < r->orders && k < FS_MAX_ORDERS; k++) {
		struct fs_alloc_req req;
		fs_alloc_req_for_kind(s, &r->era, FS_AK_MOVABLE, k, &req);
		if (fs_decide_zone(s, &r->era, &req, n->id, z->name, d) != 0 || !d->decided ||
		    d->nzones != 1)
			continue;
		const struct fs_zone_decision *zd = &d->zones[0];
		struct fs_verdict *v = &zr->verdicts[k];
		zr->has_verdicts = true;
		v->rule = d->rule;
		v->free = z->pages_free;
		v->highatomic = (uint64_t)zd->fast.sub_highatomic;
		v->order_sub = (uint64_t)zd->fast.sub_order;
		v->mark = z->low;
		v->reserve = zd->fast.reserve;
		v->costly = k > PAGE_ALLOC_COSTLY_ORDER;
		v->gap = k < 62 ? 2ULL << k : 0;
		v->order0_mark = v->costly ? z->low : z->min;
		v->fragidx = zr->fragidx[k];
		v->wmark_ok = zd->fast.result == FS_ZR_PASS || zd->fast.result == FS_ZR_FAIL_BLOCK;
		v->block_ok = k == 0 || zd->fast.block_order >= 0;
		/* __compaction_suitable's order-0 check (ALLOC_CMA: highatomic
		 * subtracted, CMA not), whether or not the engine got that far. */
		__int128 left = (__int128)v->free - v->highatomic;
		v->gap_ok = left > (__int128)v->order0_mark + v->gap + v->reserve;
		v->fragidx_rules = v->costly && v->fragidx >= 0 && v->fragidx <= r->extfrag_threshold;
		if (zd->fast.result == FS_ZR_PASS)
			v->kind = FS_VERDICT_OK;
		else if (zd->fast.result == FS_ZR_FAIL_RESERVE)
			v->kind = FS_VERDICT_RESERVED;
		else if (d->outcome == FS_OUT_OK_AFTER_KSWAPD)
			v->kind = FS_VERDICT_OK_AFTER_KSWAPD;
		else if (d->outcome == FS_OUT_COMPACT)
			v->kind = FS_VERDICT_COMPACT;
		else
			v->kind = FS_VERDICT_RECLAIM;
	}
	free(d);
}

/* Node decisions: every kind at the focus order, and the outcome per
 * order for the movable and THP kinds. */
static void decisions(const struct fs_report *r, struct fs_node_report *nr)
{
	const struct fs_snapshot *s = r->snap;
	if (!r->orders)
		return;
	for (int kind = 0; kind < FS_AK_GFP; kind++) {
		struct fs_alloc_req req;
		fs_alloc_req_for_kind(s, &r->era, (enum fs_alloc_kind)kind, (unsigned)r->focus_order, &req);
		if (fs_decide_era(s, &r->era, &req, nr->node, &nr->decisions[kind]) == 0)
			nr->has_decisions = true;
	}
	if (!nr->has_decisions)
		return;
	struct fs_decision *d = malloc(sizeof *d);
	if (!d)
		return;
	static const enum fs_alloc_kind kinds[2] = { FS_AK_MOVABLE, FS_AK_THP };
	for (int i = 0; i < 2; i++)
		for (unsigned k = 0; k < r->orders && k < FS_MAX_ORDERS; k++) {
			struct fs_alloc_req req;
			fs_alloc_req_for_kind(s, &r->era, kinds[i], k, &req);
			if (fs_decide_era(s, &r->era, &req, nr->node, d) != 0)
				continue;
			nr->by_order[i][k].decided = d->decided;
			nr->by_order[i][k].outcome = d->outcome;
			nr->by_order[i][k].rule = d->rule;
		}
	free(d);
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
	/* Proactive compaction exists since 5.9 (KFD §B): nothing is said
	 * where the era does not have it for certain. */
	if (r->proactive_exists != FS_YES)
		return;
	int p = r->proactiveness;
	int ver = r->era.known ? r->era.version : r->era.hi;
	unsigned wl, wh;
	fs_proactive_wmarks(p, ver, &wl, &wh);
	nr->has_proactive = true;
	nr->node_present = node_present;
	nr->score = (unsigned)score;
	nr->wmark_low = wl;
	nr->wmark_high = wh;
	/* kcompactd compacts while the score exceeds the high watermark
	 * (mm/compaction.c should_proactive_compact_node). */
	nr->would_compact = p != 0 && score > (uint64_t)(int)wh;
}

/* Which indices a lower-bound count cannot change (mm/vmstat.c):
 * unusable_free_index is 0 at order 0 whatever the counts (all free pages
 * are usable); __fragmentation_index is -1000 whenever a suitable block
 * exists (S > 0), and S from lower bounds > 0 means the true S > 0. Any
 * other value depends on the unknown total. Exact zones are exact
 * everywhere. */
static void exact_indices(const struct fs_snapshot *s, struct fs_zone_report *zr, unsigned orders,
			  int hpage_order)
{
	const struct fs_zone *z = zr->zone;
	for (unsigned k = 0; k < orders; k++)
		zr->lower_bound |= fs_zone_free_lower_bound(s, z, k);
	for (unsigned k = 0; k < orders; k++) {
		zr->unusable_exact[k] = !zr->lower_bound || k == 0;
		zr->fragidx_exact[k] = !zr->lower_bound || zr->fragidx[k] == -1000;
		if ((int)k >= hpage_order && fs_zone_free_lower_bound(s, z, k))
			zr->huge_now_lower_bound = true;
	}
}

/* The share of the zone's pageblocks that unmovable and reclaimable
 * allocations hold (pagetypeinfo "Number of blocks type"). */
static void pollution(const struct fs_snapshot *s, struct fs_zone_report *zr)
{
	const struct fs_zone *z = zr->zone;
	if (!z->has_blocks)
		return;
	for (unsigned t = 0; t < s->nmt; t++) {
		zr->blocks_total += z->blocks[t];
		if (fs_mt_pollutes(s->mt_names[t]))
			zr->blocks_polluted += z->blocks[t];
	}
	if (!zr->blocks_total)
		return;
	zr->has_pollution = true;
	zr->polluted_permille = (unsigned)((unsigned __int128)zr->blocks_polluted * 1000 /
					   zr->blocks_total);
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
							    : FS_EXTFRAG_THRESHOLD_DEFAULT;
	fs_kernel_era(s, &r->era);
	r->proactive_exists = fs_era_has(&r->era, FS_FEAT_PROACTIVE);
	r->proactiveness_default = !s->compaction_proactiveness.present;
	r->proactiveness = s->compaction_proactiveness.present ? (int)s->compaction_proactiveness.value
								 : FS_PROACTIVENESS_DEFAULT;
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
			exact_indices(s, zr, r->orders, r->hpage_order);
			pollution(s, zr);
			verdicts(r, n, zr);
			kcheck(r, zr);
		}
		if (nr->nzones == 0)
			continue;
		proactive(r, nr);
		decisions(r, nr);
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
