#include "config.h"

#include "sim_compact.h"

#include <string.h>

#include "fragindex.h"
#include "sim_internal.h"

#define COMPACT_CLUSTER_MAX 32u
#define COMPACT_MAX_DEFER_SHIFT 6u
#define PAGE_ALLOC_COSTLY_ORDER 3u

const char *sim_compact_result_name(enum sim_compact_result r)
{
	static const char *const n[] = {
		"not_suitable_zone", "skipped", "deferred", "no_suitable_page", "continue",
		"complete", "partial_skipped", "contended", "success",
	};
	return (unsigned)r < sizeof n / sizeof n[0] ? n[r] : "?";
}

const char *sim_compact_reason_name(enum sim_compact_reason r)
{
	static const char *const n[] = {
		"none", "scanners_met", "no_target", "order_available", "proactive_done",
		"not_suitable", "deferred", "watermark_ok",
	};
	return (unsigned)r < sizeof n / sizeof n[0] ? n[r] : "?";
}

const struct sim_compact_end *sim_zone_compact_end(const struct sim_machine *m, unsigned zi)
{
	return &m->zones[zi].last_end;
}

/* ---- scores and gates ---------------------------------------------------------- */

static void sim_fill(const struct sim_machine *m, const struct sim_zone *z, unsigned k,
		     struct fs_contig_info *info)
{
	if (fs_fill_contig(z->nr_free, m->orders, k, info) != 0)
		memset(info, 0, sizeof *info);
}

unsigned sim_zone_frag_score(const struct sim_machine *m, unsigned zi)
{
	struct fs_contig_info info;
	sim_fill(m, &m->zones[zi], m->pbo, &info);
	return fs_extfrag_for_order(m->pbo, &info);
}

unsigned sim_node_frag_score(const struct sim_machine *m)
{
	uint64_t present = 0, score = 0;

	for (unsigned i = 0; i < m->nzones; i++)
		present += m->zones[i].npages;
	for (unsigned i = 0; i < m->nzones; i++)
		score += (uint64_t)m->zones[i].npages * sim_zone_frag_score(m, i) / (present + 1);
	return (unsigned)score;
}

void sim_proactive_wmarks(const struct sim_machine *m, unsigned *low, unsigned *high)
{
	int p = m->cfg.proactiveness;
	unsigned wl = p >= 95 ? 5 : (unsigned)(100 - p);

	*low = wl;
	*high = wl + 10 > 100 ? 100 : wl + 10;
}

bool sim_compaction_suitable(const struct sim_machine *m, unsigned zi, unsigned order)
{
	const struct sim_zone *z = &m->zones[zi];
	uint64_t mark = (order > PAGE_ALLOC_COSTLY_ORDER ? z->wmark[1] : z->wmark[0]) +
			((uint64_t)2 << order);

	if (!sim_zone_watermark_ok(m, zi, 0, mark, m->nzones - 1))
		return false;
	if (order > PAGE_ALLOC_COSTLY_ORDER) {
		struct fs_contig_info info;
		int fi;
		sim_fill(m, z, order, &info);
		fi = fs_fragmentation_index(order, m->orders - 1, &info);
		if (fi >= 0 && fi <= m->cfg.extfrag_threshold)
			return false;
	}
	return true;
}

/* ---- deferral (§6.5) ---------------------------------------------------------- */

bool sim_compaction_deferred(struct sim_machine *m, unsigned zi, unsigned order)
{
	struct sim_zone *z = &m->zones[zi];
	unsigned long defer_limit = 1UL << z->compact_defer_shift;

	if (order < z->compact_order_failed)
		return false;
	if (++z->compact_considered >= defer_limit) {
		z->compact_considered = (unsigned)defer_limit;
		return false;
	}
	return true;
}

void sim_defer_compaction(struct sim_machine *m, unsigned zi, unsigned order)
{
	struct sim_zone *z = &m->zones[zi];

	z->compact_considered = 0;
	z->compact_defer_shift++;
	if (order < z->compact_order_failed)
		z->compact_order_failed = order;
	if (z->compact_defer_shift > COMPACT_MAX_DEFER_SHIFT)
		z->compact_defer_shift = COMPACT_MAX_DEFER_SHIFT;
}

void sim_compaction_defer_reset(struct sim_machine *m, unsigned zi, unsigned order,
				bool alloc_success)
{
	struct sim_zone *z = &m->zones[zi];

	if (alloc_success) {
		z->compact_considered = 0;
		z->compact_defer_shift = 0;
	}
	if (order >= z->compact_order_failed)
		z->compact_order_failed = order + 1;
}

/* ---- compact_zone (§6.1 - §6.4) ---------------------------------------------- */

struct sim_cc {
	struct sim_machine *m;
	struct sim_zone *z;
	unsigned zi;
	int order;                    /* -1: compact_memory / proactive */
	unsigned mt;
	bool whole_zone, proactive;
	int64_t migrate_pfn, free_pfn;
	uint32_t migrate[COMPACT_CLUSTER_MAX];
	unsigned nmigrate;            /* entries */
	uint64_t nr_migratepages, nr_freepages;
	uint32_t fhead[FS_MAX_ORDERS], ftail[FS_MAX_ORDERS];   /* isolated free pages */
	uint64_t migrate_scanned, free_scanned, isolated;
	uint32_t highest_free;        /* highest isolated free pfn + 1 */
};

static inline int64_t sim_pb_start(const struct sim_machine *m, int64_t pfn)
{
	return pfn & ~(int64_t)(m->pb_pages - 1);
}

static void sim_cc_add(struct sim_cc *cc, uint32_t pfn, unsigned order, bool to_tail)
{
	struct sim_zone *z = cc->z;

	z->info[pfn] = SIM_INFO(order, SIM_MT_MOVABLE, SIM_ST_ALLOC);
	if (to_tail) {
		z->link[pfn].next = SIM_NIL;
		z->link[pfn].prev = cc->ftail[order];
		if (cc->ftail[order] != SIM_NIL)
			z->link[cc->ftail[order]].next = pfn;
		else
			cc->fhead[order] = pfn;
		cc->ftail[order] = pfn;
	} else {
		z->link[pfn].prev = SIM_NIL;
		z->link[pfn].next = cc->fhead[order];
		if (cc->fhead[order] != SIM_NIL)
			z->link[cc->fhead[order]].prev = pfn;
		else
			cc->ftail[order] = pfn;
		cc->fhead[order] = pfn;
	}
}

static uint32_t sim_cc_take(struct sim_cc *cc, unsigned order)
{
	struct sim_zone *z = cc->z;
	uint32_t pfn = cc->fhead[order];

	cc->fhead[order] = z->link[pfn].next;
	if (cc->fhead[order] != SIM_NIL)
		z->link[cc->fhead[order]].prev = SIM_NIL;
	else
		cc->ftail[order] = SIM_NIL;
	return pfn;
}

/* suitable_migration_target */
static bool sim_suitable_target(const struct sim_cc *cc, uint32_t block_start)
{
	const struct sim_zone *z = cc->z;
	uint8_t b = z->info[block_start];

	if (SIM_STATE(b) == SIM_ST_FREE) {
		unsigned o = cc->order > 0 ? (unsigned)cc->order : cc->m->pbo;
		if (SIM_ORDER(b) >= o)
			return false;
	}
	return z->pbtype[block_start >> cc->m->pbo] == SIM_MT_MOVABLE;
}

/* isolate_freepages_block, stride 1; returns the pfn where it stopped */
static int64_t sim_isolate_free_block(struct sim_cc *cc, int64_t start, int64_t end)
{
	struct sim_machine *m = cc->m;
	struct sim_zone *z = cc->z;
	int64_t pfn = start;

	while (pfn < end) {
		uint8_t b = z->info[pfn];
		unsigned st = SIM_STATE(b), o = SIM_ORDER(b);
		uint32_t n = (uint32_t)1 << o;
		if (st == SIM_ST_FREE) {
			/* __isolate_free_page: keep the zone above min + 2^order */
			if (!sim_zone_watermark_ok(m, cc->zi, 0, z->wmark[0] + n, 0))
				break;
			sim_del_free(z, (uint32_t)pfn);
			sim_cc_add(cc, (uint32_t)pfn, o, true);
			cc->free_scanned += n;
			cc->isolated += n;
			cc->nr_freepages += n;
			if ((uint32_t)pfn + n > cc->highest_free)
				cc->highest_free = (uint32_t)pfn + n;
			pfn += n;
			if (cc->nr_migratepages <= cc->nr_freepages)
				break;
			continue;
		}
		if (st == SIM_ST_ALLOC && pfn + n <= end) {
			cc->free_scanned += n;
			pfn += n;
			continue;
		}
		cc->free_scanned++;
		pfn++;
	}
	return pfn;
}

/* isolate_freepages */
static void sim_isolate_freepages(struct sim_cc *cc)
{
	struct sim_machine *m = cc->m;
	int64_t pb = m->pb_pages;
	int64_t isolate_start = cc->free_pfn;
	int64_t block_start = sim_pb_start(m, isolate_start);
	int64_t block_end = block_start + pb < cc->z->npages ? block_start + pb : cc->z->npages;
	int64_t low_pfn = sim_pb_start(m, cc->migrate_pfn) + pb;

	for (; block_start >= low_pfn;
	     block_end = block_start, block_start -= pb, isolate_start = block_start) {
		if (!sim_suitable_target(cc, (uint32_t)block_start))
			continue;
		isolate_start = sim_isolate_free_block(cc, isolate_start, block_end);
		if (cc->nr_freepages >= cc->nr_migratepages) {
			if (isolate_start >= block_end)
				isolate_start = block_start - pb;
			break;
		} else if (isolate_start < block_end) {
			break;
		}
	}
	cc->free_pfn = isolate_start;
}

/* skip_isolation_on_order (6.10+) */
static bool sim_skip_order(const struct sim_cc *cc, unsigned order)
{
	if (order == 0)
		return false;
	if (cc->order >= 0 && order >= (unsigned)cc->order)
		return true;
	return order >= cc->m->pbo;
}

/* isolate_migratepages: one pageblock (or the rest of it) per call */
static bool sim_isolate_migratepages(struct sim_cc *cc)
{
	struct sim_zone *z = cc->z;
	int64_t pb = cc->m->pb_pages;
	int64_t low = cc->migrate_pfn;
	int64_t block_end = sim_pb_start(cc->m, low) + pb;

	if (block_end > cc->free_pfn)
		return false;
	if (block_end > z->npages)
		block_end = z->npages;
	while (low < block_end) {
		uint8_t b = z->info[low];
		unsigned st = SIM_STATE(b), o = SIM_ORDER(b);
		uint32_t n = (uint32_t)1 << o;
		if (st == SIM_ST_NONE) {
			cc->migrate_scanned++;
			low++;
			continue;
		}
		cc->migrate_scanned += n;
		if (st == SIM_ST_ALLOC && SIM_MTOF(b) == SIM_MT_MOVABLE && !sim_skip_order(cc, o)) {
			cc->migrate[cc->nmigrate++] = (uint32_t)low;
			cc->nr_migratepages += n;
			cc->isolated += n;
			low += n;
			if (cc->nr_migratepages >= COMPACT_CLUSTER_MAX ||
			    cc->nmigrate == COMPACT_CLUSTER_MAX)
				break;
			continue;
		}
		low += n;
	}
	cc->migrate_pfn = low;
	return cc->nmigrate > 0;
}

/* compaction_alloc: the first isolated page of the smallest order >= order */
static uint32_t sim_compaction_alloc(struct sim_cc *cc, unsigned order)
{
	bool isolated = false;
	unsigned so;

again:
	for (so = order; so < cc->m->orders; so++)
		if (cc->fhead[so] != SIM_NIL)
			break;
	if (so == cc->m->orders) {
		if (isolated)
			return SIM_NIL;
		sim_isolate_freepages(cc);
		isolated = true;
		goto again;
	}
	{
		uint32_t pfn = sim_cc_take(cc, so);
		while (so > order) {
			so--;
			sim_cc_add(cc, pfn + ((uint32_t)1 << so), so, false);
		}
		cc->nr_freepages -= (uint64_t)1 << order;
		return pfn;
	}
}

/* migrate_pages; returns false when targets ran out */
static bool sim_migrate_pages(struct sim_cc *cc)
{
	struct sim_machine *m = cc->m;
	struct sim_zone *z = cc->z;
	bool ok = true;

	for (unsigned i = 0; i < cc->nmigrate; i++) {
		uint32_t src = cc->migrate[i], dst;
		uint8_t b = z->info[src];
		unsigned o = SIM_ORDER(b);
		uint64_t n = (uint64_t)1 << o;
		uint32_t tag = z->link[src].next;

		dst = ok ? sim_compaction_alloc(cc, o) : SIM_NIL;
		if (dst == SIM_NIL) {
			ok = false;
			m->cnt[SIM_CNT_PGMIGRATE_FAIL] += n;
			continue;
		}
		sim_mark_alloc(z, dst, o, SIM_MTOF(b), tag);
		z->info[src] = 0;
		sim_free_one(m, z, src, o);
		m->cnt[SIM_CNT_PGMIGRATE_SUCCESS] += n;
		if (m->moved)
			m->moved(m->moved_ctx, tag, cc->zi, dst);
	}
	cc->nmigrate = 0;
	cc->nr_migratepages = 0;
	return ok;
}

static bool sim_scanners_met(const struct sim_cc *cc)
{
	return (cc->free_pfn >> cc->m->pbo) <= (cc->migrate_pfn >> cc->m->pbo);
}

static enum sim_compact_result sim_compact_finished(struct sim_cc *cc)
{
	struct sim_machine *m = cc->m;
	struct sim_zone *z = cc->z;

	if (sim_scanners_met(cc)) {
		z->cached_migrate_pfn = 0;
		z->cached_free_pfn = (z->npages - 1) & ~(m->pb_pages - 1);
		return cc->whole_zone ? SIM_COMPACT_COMPLETE : SIM_COMPACT_PARTIAL_SKIPPED;
	}
	if (cc->proactive) {
		unsigned wl, wh;
		sim_proactive_wmarks(m, &wl, &wh);
		return sim_zone_frag_score(m, cc->zi) > wl ? SIM_COMPACT_CONTINUE
							   : SIM_COMPACT_SUCCESS;
	}
	if (cc->order < 0)
		return SIM_COMPACT_CONTINUE;
	if (cc->migrate_pfn & (m->pb_pages - 1))
		return SIM_COMPACT_CONTINUE;
	for (unsigned o = (unsigned)cc->order; o < m->orders; o++) {
		if (!sim_list_empty(z, o, cc->mt))
			return SIM_COMPACT_SUCCESS;
		if (!z->nr_free[o] || cc->mt >= SIM_MT_PCPTYPES)
			continue;
		/* find_suitable_fallback(only_stealable) */
		if (sim_can_claim(m, o, cc->mt))
			for (unsigned f = 0; f < SIM_MT_PCPTYPES; f++)
				if (f != cc->mt && !sim_list_empty(z, o, f))
					return SIM_COMPACT_SUCCESS;
	}
	return SIM_COMPACT_CONTINUE;
}

enum sim_compact_result sim_compact_zone(struct sim_machine *m, unsigned zi, int order,
					 unsigned mt, bool whole_zone, bool proactive)
{
	struct sim_zone *z = &m->zones[zi];
	struct sim_cc cc;
	enum sim_compact_result ret;
	int64_t last_block = (int64_t)((z->npages - 1) & ~(m->pb_pages - 1));

	memset(&cc, 0, sizeof cc);
	cc.m = m;
	cc.z = z;
	cc.zi = zi;
	cc.order = order;
	cc.mt = mt;
	cc.proactive = proactive;
	for (unsigned o = 0; o < FS_MAX_ORDERS; o++)
		cc.fhead[o] = cc.ftail[o] = SIM_NIL;
	if (whole_zone) {
		cc.migrate_pfn = 0;
		cc.free_pfn = last_block;
	} else {
		cc.migrate_pfn = z->cached_migrate_pfn;
		cc.free_pfn = z->cached_free_pfn;
		if (cc.free_pfn > last_block)
			cc.free_pfn = last_block;
		if (cc.migrate_pfn >= z->npages)
			cc.migrate_pfn = 0;
	}
	cc.whole_zone = cc.migrate_pfn == 0;
	m->cnt[SIM_CNT_COMPACT_RUNS]++;
	uint64_t migrated0 = m->cnt[SIM_CNT_PGMIGRATE_SUCCESS], failed0 = m->cnt[SIM_CNT_PGMIGRATE_FAIL];

	while ((ret = sim_compact_finished(&cc)) == SIM_COMPACT_CONTINUE) {
		if (!sim_isolate_migratepages(&cc))
			continue;
		if (!sim_migrate_pages(&cc) && !sim_scanners_met(&cc)) {
			ret = SIM_COMPACT_CONTENDED;
			break;
		}
	}
	/* release the isolated free pages that were not used */
	for (unsigned o = 0; o < m->orders; o++)
		while (cc.fhead[o] != SIM_NIL) {
			uint32_t pfn = sim_cc_take(&cc, o);
			z->info[pfn] = 0;
			sim_free_one(m, z, pfn, o);
		}
	if (ret != SIM_COMPACT_COMPLETE && ret != SIM_COMPACT_PARTIAL_SKIPPED) {
		int64_t f = cc.free_pfn;
		if (cc.highest_free && (int64_t)cc.highest_free - 1 > f)
			f = (int64_t)cc.highest_free - 1;
		if (f < 0)
			f = 0;
		z->cached_migrate_pfn = (uint32_t)cc.migrate_pfn;
		z->cached_free_pfn = (uint32_t)sim_pb_start(m, f);
	}
	m->cnt[SIM_CNT_COMPACT_MIGRATE_SCANNED] += cc.migrate_scanned;
	m->cnt[SIM_CNT_COMPACT_FREE_SCANNED] += cc.free_scanned;
	m->cnt[SIM_CNT_COMPACT_ISOLATED] += cc.isolated;
	if (proactive) {
		m->cnt[SIM_CNT_COMPACT_DAEMON_MIGRATE_SCANNED] += cc.migrate_scanned;
		m->cnt[SIM_CNT_COMPACT_DAEMON_FREE_SCANNED] += cc.free_scanned;
	}
	struct sim_compact_end *e = &z->last_end;
	memset(e, 0, sizeof *e);
	e->result = ret;
	e->reason = ret == SIM_COMPACT_CONTENDED ? SIM_CR_NO_TARGET
		    : ret == SIM_COMPACT_SUCCESS ? (proactive ? SIM_CR_PROACTIVE_DONE
							      : SIM_CR_ORDER_AVAILABLE)
		    : SIM_CR_SCANNERS_MET;
	e->migrate_pfn = (uint32_t)(cc.migrate_pfn < 0 ? 0 : cc.migrate_pfn);
	e->free_pfn = (uint32_t)(cc.free_pfn < 0 ? 0 : cc.free_pfn);
	e->migrate_scanned = cc.migrate_scanned;
	e->free_scanned = cc.free_scanned;
	e->isolated = cc.isolated;
	e->migrated = m->cnt[SIM_CNT_PGMIGRATE_SUCCESS] - migrated0;
	e->failed = m->cnt[SIM_CNT_PGMIGRATE_FAIL] - failed0;
	return ret;
}

/* ---- entry points --------------------------------------------------------------- */

int sim_compact_direct(struct sim_machine *m, unsigned order, unsigned mt, uint32_t tag,
		       uint32_t *pfn)
{
	enum sim_compact_result rc = SIM_COMPACT_SKIPPED;
	int zi;

	for (unsigned i = m->nzones; i-- > 0;) {
		enum sim_compact_result st;
		if (sim_compaction_deferred(m, i, order)) {
			if (rc < SIM_COMPACT_DEFERRED)
				rc = SIM_COMPACT_DEFERRED;
			continue;
		}
		if (sim_zone_watermark_ok(m, i, order, m->zones[i].wmark[0], m->nzones - 1))
			st = SIM_COMPACT_SUCCESS;
		else if (!sim_compaction_suitable(m, i, order))
			st = SIM_COMPACT_SKIPPED;
		else
			st = sim_compact_zone(m, i, (int)order, mt, false, false);
		if (st > rc)
			rc = st;
		if (st == SIM_COMPACT_SUCCESS) {
			sim_compaction_defer_reset(m, i, order, false);
			break;
		}
		if (st == SIM_COMPACT_COMPLETE || st == SIM_COMPACT_PARTIAL_SKIPPED)
			sim_defer_compaction(m, i, order);
	}
	/* kernel-facts §6.6: nothing is counted when every zone was skipped or deferred */
	if (rc <= SIM_COMPACT_DEFERRED)
		return -1;
	m->cnt[SIM_CNT_COMPACT_STALL]++;
	zi = sim_get_page(m, order, mt, 0, false, tag, pfn);
	if (zi >= 0) {
		sim_compaction_defer_reset(m, (unsigned)zi, order, true);
		m->cnt[SIM_CNT_COMPACT_SUCCESS]++;
	} else {
		m->cnt[SIM_CNT_COMPACT_FAIL]++;
	}
	return zi;
}

bool sim_compact_proactive(struct sim_machine *m)
{
	unsigned wl, wh;

	if (m->cfg.proactiveness <= 0)
		return false;
	sim_proactive_wmarks(m, &wl, &wh);
	if (sim_node_frag_score(m) <= wh)
		return false;
	for (unsigned i = 0; i < m->nzones; i++) {
		enum sim_compact_result r = sim_compact_zone(m, i, -1, SIM_MT_MOVABLE, true, true);
		if (r == SIM_COMPACT_SUCCESS)
			sim_compaction_defer_reset(m, i, m->pbo, false);
	}
	return true;
}

void sim_compact_memory(struct sim_machine *m)
{
	for (unsigned i = 0; i < m->nzones; i++)
		sim_compact_zone(m, i, -1, SIM_MT_MOVABLE, true, false);
}
