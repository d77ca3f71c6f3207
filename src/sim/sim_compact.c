#include "config.h"

#include "sim_compact.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fragindex.h"
#include "kpolicy.h"
#include "sim_internal.h"

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
	/* fragmentation_score_wmark() by the era simulated (kpolicy.h) */
	unsigned v = m->cfg.kernel_version;

	fs_proactive_wmarks(m->cfg.proactiveness, (int)((v >> 8) * 100 + (v & 255)), low, high);
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

/* ---- compact_zone (§6.1 - §6.4, kernel-facts-compaction.md) ------------------- */

/* migrate modes (enum migrate_mode) and priorities (enum compact_priority) */
enum { SIM_MIGRATE_ASYNC, SIM_MIGRATE_SYNC_LIGHT, SIM_MIGRATE_SYNC };
enum { SIM_PRIO_SYNC_FULL = 0, SIM_PRIO_SYNC_LIGHT = 1, SIM_PRIO_ASYNC = 2 };

struct sim_cc {
	struct sim_machine *m;
	struct sim_zone *z;
	unsigned zi;
	int order;                    /* -1: compact_memory / proactive */
	unsigned mt;
	int mode, prio;
	bool whole_zone, proactive, direct;
	bool ignore_skip_hint, ignore_block_suitable, finish_pageblock;
	bool large_folios;            /* 6.9+: folios below pageblock order migrate */
	int64_t migrate_pfn, free_pfn;
	uint32_t *migrate;            /* cc->migratepages in isolation order */
	unsigned nmigrate;            /* entries */
	uint64_t nr_migratepages, nr_freepages;
	uint32_t fhead[FS_MAX_ORDERS], ftail[FS_MAX_ORDERS];   /* isolated free pages */
	uint64_t migrate_scanned, free_scanned, isolated, migrated, failed;
	uint32_t fail_pfn;
	unsigned fail_order;
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

/* suitable_migration_target: a free page of order >= cc->order (6.12+;
 * pageblock_order before, kernel-facts-decision.md §0.4) at the block's
 * start disqualifies it; then the block must be Movable unless
 * ignore_block_suitable (direct compaction at SYNC_FULL priority). */
static bool sim_suitable_target(const struct sim_cc *cc, uint32_t block_start)
{
	const struct sim_zone *z = cc->z;
	uint8_t b = z->info[block_start];

	if (SIM_STATE(b) == SIM_ST_FREE) {
		unsigned o = cc->order > 0 && cc->m->cfg.kernel_version >= SIM_KVER(6, 12)
				     ? (unsigned)cc->order : cc->m->pbo;
		if (SIM_ORDER(b) >= o)
			return false;
	}
	if (cc->ignore_block_suitable)
		return true;
	return z->pbtype[block_start >> cc->m->pbo] == SIM_MT_MOVABLE;
}

/* isolate_freepages_block (v6.12): visits every stride-th pfn; a compound
 * page (an allocation of order > 0, not a reserved range) is skipped
 * whole when it ends inside the block; a free buddy head is isolated
 * whole (__isolate_free_page keeps the zone above min + 2^order) and the
 * scan goes on stride pages after its last page. Returns the pages
 * isolated; *startp is where the scan stopped. */
static uint64_t sim_isolate_free_block(struct sim_cc *cc, int64_t *startp, int64_t end,
				       unsigned stride)
{
	struct sim_machine *m = cc->m;
	struct sim_zone *z = cc->z;
	int64_t pfn = *startp;
	uint64_t total = 0;

	for (; pfn < end; pfn += stride) {
		uint8_t b = z->info[pfn];
		unsigned st = SIM_STATE(b), o = SIM_ORDER(b);
		uint32_t n = (uint32_t)1 << o;

		cc->free_scanned++;
		if (st == SIM_ST_ALLOC) {
			/* PageCompound */
			if (o > 0 && sim_kind_of(z, (uint32_t)pfn) != SIM_KIND_RESERVED &&
			    pfn + n <= end) {
				pfn += n - 1;
				cc->free_scanned += n - 1;
			}
			continue;
		}
		if (st != SIM_ST_FREE)
			continue;   /* not PageBuddy (inside a block, on a per-cpu list) */
		if (!sim_zone_watermark_ok(m, cc->zi, 0, z->wmark[0] + n, 0))
			break;
		sim_del_free(z, (uint32_t)pfn);
		if (cc->large_folios) {
			sim_cc_add(cc, (uint32_t)pfn, o, true);   /* list_add_tail(&freelist[order]) */
		} else {
			/* before 6.9 (v6.1 split_map_pages): isolated pages are
			 * split to order 0, each pushed at the head of the one
			 * list, so compaction_alloc takes them last-isolated first */
			for (uint32_t q = (uint32_t)pfn; q < (uint32_t)pfn + n; q++)
				sim_cc_add(cc, q, 0, false);
		}
		cc->free_scanned += n - 1;
		cc->isolated += n;
		total += n;
		cc->nr_freepages += n;
		if (cc->nr_migratepages <= cc->nr_freepages) {
			pfn += n;
			break;
		}
		pfn += n - 1;
	}
	if (pfn > end)
		pfn = end;
	*startp = pfn;
	return total;
}

/* isolate_freepages (v6.12): nothing while isolated free pages remain;
 * stride 1 (ASYNC: COMPACT_CLUSTER_MAX) doubling to COMPACT_CLUSTER_MAX
 * after each suitable pageblock that gave nothing, back to 1 after one
 * that gave pages. fast_isolate_freepages (order > 0) is not modelled. */
static void sim_isolate_freepages(struct sim_cc *cc)
{
	struct sim_machine *m = cc->m;
	int64_t pb = m->pb_pages;
	int64_t isolate_start = cc->free_pfn;
	int64_t block_start = sim_pb_start(m, isolate_start);
	int64_t block_end = block_start + pb < cc->z->npages ? block_start + pb : cc->z->npages;
	int64_t low_pfn = sim_pb_start(m, cc->migrate_pfn) + pb;
	unsigned stride = cc->mode == SIM_MIGRATE_ASYNC ? COMPACT_CLUSTER_MAX : 1;

	if (cc->nr_freepages)
		return;
	for (; block_start >= low_pfn;
	     block_end = block_start, block_start -= pb, isolate_start = block_start) {
		uint64_t nr;
		if (!sim_suitable_target(cc, (uint32_t)block_start))
			continue;
		nr = sim_isolate_free_block(cc, &isolate_start, block_end, stride);
		if (cc->nr_freepages >= cc->nr_migratepages) {
			if (isolate_start >= block_end)
				isolate_start = block_start - pb;
			break;
		} else if (isolate_start < block_end) {
			break;
		}
		if (nr) {
			stride = 1;
			continue;
		}
		stride = stride << 1 > COMPACT_CLUSTER_MAX ? COMPACT_CLUSTER_MAX : stride << 1;
	}
	cc->free_pfn = isolate_start;
}

/* skip_isolation_on_order (6.10+; before 6.9 every compound page was
 * skipped by the migrate scanner) */
static bool sim_skip_order(const struct sim_cc *cc, unsigned order)
{
	if (order == 0)
		return false;
	if (!cc->large_folios)
		return true;
	if (cc->order >= 0 && order >= (unsigned)cc->order)
		return true;
	return order >= cc->m->pbo;
}

/* Can isolate_migratepages_block take the allocation head at pfn? */
static bool sim_isolatable(const struct sim_cc *cc, uint32_t pfn, uint8_t b)
{
	unsigned kind = sim_kind_of(cc->z, pfn);

	if (SIM_MTOF(b) != SIM_MT_MOVABLE)
		return false;   /* !PageLRU && !__PageMovable */
	switch (kind) {
	case SIM_KIND_PINNED:       /* ref_count - 1 > mapcount: pinned anon */
	case SIM_KIND_HUGETLB:      /* PageHuge: skipped unless alloc_contig */
	case SIM_KIND_RESERVED:     /* PageReserved: never on the LRU */
		return false;
	case SIM_KIND_UNEVICTABLE:  /* ISOLATE_UNEVICTABLE per the sysctl */
		return cc->m->cfg.compact_unevictable_allowed;
	default:
		return true;
	}
}

static inline int64_t sim_order_block_end(int64_t pfn, int order)
{
	int64_t n = (int64_t)1 << (order > 0 ? order : 0);
	return (pfn + n) & ~(n - 1);   /* block_end_pfn(pfn, order) */
}

/* isolate_migratepages_block (v6.12) over [low, end) */
static int64_t sim_isolate_migrate_block(struct sim_cc *cc, int64_t low, int64_t end)
{
	struct sim_zone *z = cc->z;
	bool skip_on_failure = cc->direct && cc->mode == SIM_MIGRATE_ASYNC;
	int64_t next_skip = skip_on_failure ? sim_order_block_end(low, cc->order) : 0;
	uint64_t nr_isolated = 0;

	for (; low < end; low++) {
		uint8_t b;
		unsigned st, o;
		uint32_t n;

		if (skip_on_failure && low >= next_skip) {
			if (nr_isolated)
				break;   /* a whole cc->order block isolated: migrate it */
			next_skip = sim_order_block_end(low, cc->order);
		}
		b = z->info[low];
		st = SIM_STATE(b);
		o = SIM_ORDER(b);
		n = (uint32_t)1 << o;
		cc->migrate_scanned++;
		if (st == SIM_ST_FREE) {   /* PageBuddy: skip the free block */
			low += n - 1;
			cc->migrate_scanned += n - 1;
			continue;
		}
		if (st != SIM_ST_ALLOC)
			goto fail;
		if (sim_kind_of(z, (uint32_t)low) == SIM_KIND_HUGETLB ||
		    (o > 0 && sim_skip_order(cc, o)) || !sim_isolatable(cc, (uint32_t)low, b)) {
			/* PageHuge / compound skipped by order: whole; other
			 * pages fail one by one, the same count */
			low += n - 1;
			cc->migrate_scanned += n - 1;
			goto fail;
		}
		cc->migrate[cc->nmigrate++] = (uint32_t)low;
		cc->nr_migratepages += n;
		nr_isolated += n;
		low += n - 1;
		cc->migrate_scanned += n - 1;
		if (cc->nr_migratepages >= COMPACT_CLUSTER_MAX && !cc->finish_pageblock) {
			low++;
			break;
		}
		continue;
fail:
		if (!skip_on_failure)
			continue;
		if (nr_isolated) {   /* putback_movable_pages */
			cc->nmigrate = 0;
			cc->nr_migratepages = 0;
			nr_isolated = 0;
		}
		if (low < next_skip) {
			low = next_skip - 1;
			next_skip += (int64_t)1 << (cc->order > 0 ? cc->order : 0);
		}
	}
	if (low > end)
		low = end;
	cc->isolated += nr_isolated;
	return low;
}

/* suitable_migration_source: synchronous modes and non-direct compaction
 * take any pageblock; ASYNC direct compaction only blocks of the
 * request's type (Movable for a movable request). A free block of
 * pageblock order or more, or a compound page that large, at the
 * block's start (pageblock_skip_persistent) is skipped. */
static bool sim_suitable_source(const struct sim_cc *cc, uint32_t block_start)
{
	const struct sim_zone *z = cc->z;
	uint8_t b = z->info[block_start];
	uint32_t head = block_start;

	/* pageblock_skip_persistent: compound_head() of the first page; a
	 * block inside a larger allocation has a tail page first */
	for (unsigned o = cc->m->pbo + 1; SIM_STATE(b) == SIM_ST_NONE && o < cc->m->orders; o++) {
		uint32_t h = block_start & ~(((uint32_t)1 << o) - 1);
		if (SIM_STATE(z->info[h]) != SIM_ST_NONE) {
			if (SIM_ORDER(z->info[h]) >= o) {
				b = z->info[h];
				head = h;
			}
			break;
		}
	}
	if (SIM_STATE(b) == SIM_ST_ALLOC && SIM_ORDER(b) >= cc->m->pbo &&
	    sim_kind_of(z, head) != SIM_KIND_RESERVED)
		return false;
	if (cc->mode != SIM_MIGRATE_ASYNC || !cc->direct)
		return true;
	return cc->z->pbtype[block_start >> cc->m->pbo] == cc->mt;
}

/* isolate_migratepages: from migrate_pfn, one suitable pageblock (or the
 * rest of one) per call; returns true when pages were isolated */
static bool sim_isolate_migratepages(struct sim_cc *cc)
{
	struct sim_zone *z = cc->z;
	int64_t pb = cc->m->pb_pages;
	int64_t low = cc->migrate_pfn;
	int64_t block_start = sim_pb_start(cc->m, low);
	int64_t block_end = block_start + pb;

	for (; block_end <= cc->free_pfn;
	     cc->migrate_pfn = low = block_end, block_start = block_end, block_end += pb) {
		int64_t end = block_end < z->npages ? block_end : z->npages;
		if (!sim_suitable_source(cc, (uint32_t)block_start))
			continue;
		low = sim_isolate_migrate_block(cc, low, end);
		break;
	}
	cc->migrate_pfn = low;
	return cc->nmigrate > 0;
}

/* compaction_alloc (v6.12): the first isolated page of the smallest order
 * >= the folio's; isolate_freepages() only when none fits, and it does
 * nothing while isolated pages remain: NULL when the isolated pages are
 * all smaller than the folio. */
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
		if (cc->large_folios)
			cc->nr_migratepages -= (uint64_t)1 << order;
		return pfn;
	}
}

/* Migrate the order-0 pages of a split folio at [head, head + 2^o), as
 * split_folio_to_list() leaves them on split_folios (v6.12
 * mm/huge_memory.c __split_huge_page: tails from the last down, added at
 * the tail, then the head moved after them): pfn head + 2^o - 1 first,
 * head last. This is migrate_pages()'s second migrate_pages_batch() over
 * split_folios (MIGRATE_ASYNC, one pass): a page without a target ends it
 * with -ENOMEM (its page counted in pgmigrate_fail, the rest put back),
 * and that return value is ignored. Returns false on such a stop. */
static bool sim_migrate_split(struct sim_cc *cc, uint32_t head, unsigned o, unsigned mt,
			      unsigned kind)
{
	struct sim_machine *m = cc->m;
	struct sim_zone *z = cc->z;

	for (uint32_t k = (uint32_t)1 << o; k-- > 0;) {
		uint32_t src = head + k, dst = sim_compaction_alloc(cc, 0);
		uint32_t tag = z->link[src].next;
		if (dst == SIM_NIL) {
			cc->failed++;
			return false;
		}
		sim_mark_alloc(z, dst, 0, mt, tag);
		if (z->kind) {
			z->kind[dst] = (uint8_t)kind;
			z->kind[src] = SIM_KIND_NORMAL;
		}
		z->info[src] = 0;
		sim_release(m, z, src, 0);
		cc->migrated++;
		if (m->moved && tag != UINT32_MAX)
			m->moved(m->moved_ctx, tag, cc->zi, dst);
	}
	return true;
}

/* split_huge_page_to_list_to_order(folio, list, 0) as the simulator does
 * it: the folio at head becomes 2^o order-0 allocations of its type and
 * kind; the head keeps the folio's tag, the others get first, first + 1,
 * ... (UINT32_MAX: untagged). */
static void sim_split_folio(struct sim_zone *z, uint32_t head, unsigned o, unsigned mt,
			    unsigned kind, uint32_t first)
{
	uint32_t tag = z->link[head].next;

	for (uint32_t p = head; p < head + ((uint32_t)1 << o); p++) {
		sim_mark_alloc(z, p, 0, mt,
			       p == head ? tag : first == UINT32_MAX ? UINT32_MAX
								     : first + (p - head - 1));
		if (z->kind)
			z->kind[p] = (uint8_t)kind;
	}
}

/* migrate_pages (v6.12 mm/migrate.c migrate_pages_batch): the list is
 * walked from its head, and isolate_migratepages_block adds at the head,
 * so the last isolated folio moves first. A folio without a target
 * (compaction_alloc() NULL) is -ENOMEM:
 *  - a large folio is split by try_split_folio() (migrate_pages_batch
 *    case -ENOMEM, is_large && !nosplit; nosplit is only
 *    MR_NUMA_MISPLACED): the walk goes on with the next folio, and its
 *    order-0 pages are migrated after the batch (sim_migrate_split). It
 *    counts as one failed folio (the return value), not in
 *    pgmigrate_fail. Every large folio splits except dirty or writeback
 *    page cache (SIM_KIND_FILE: split_huge_page_to_list_to_order needs
 *    filemap_release_folio(), v6.12 mm/filemap.c, which fails for them;
 *    the early stops on the 6.18 VM were on freshly written ext4 folios,
 *    kernel-facts-compaction.md §1). A workload keeps its record of a
 *    split folio on the head page (its tag); the other pages become
 *    untracked order-0 allocations;
 *  - any other folio ends the call: it counts as failed, the rest go back
 *    unmigrated, and the split folios are put back split, unmigrated.
 * Freed sources go to the per-cpu lists (order <= 3) when configured.
 * Returns 0, -ENOMEM, or the number of folios that failed (split ones). */
static int sim_migrate_pages(struct sim_cc *cc)
{
	struct sim_machine *m = cc->m;
	struct sim_zone *z = cc->z;
	int rc = 0, nsplit = 0;
	/* split folios go to cc->migrate[w + 1 .. nmigrate - 1] (slots the
	 * walk has passed), first split at the top */
	unsigned w = cc->nmigrate;

	for (unsigned i = cc->nmigrate; i-- > 0;) {
		uint32_t src = cc->migrate[i], dst;
		uint8_t b = z->info[src];
		unsigned o = SIM_ORDER(b), kind = sim_kind_of(z, src);
		uint64_t n = (uint64_t)1 << o;
		uint32_t tag = z->link[src].next;

		dst = sim_compaction_alloc(cc, o);
		if (dst == SIM_NIL) {
			uint32_t first = UINT32_MAX;
			if (o > 0 && (kind != SIM_KIND_FILE || m->cfg.split_file_folios) &&
			    (!m->split || m->split(m->split_ctx, tag, cc->zi, src, o, &first) == 0)) {
				/* split after the walk (nothing else touches the
				 * folio meanwhile); a tail's unused link keeps first */
				z->link[src + 1].next = first;
				cc->migrate[--w] = src;   /* w >= i: a slot already read */
				nsplit++;
				continue;
			}
			rc = -ENOMEM;
			cc->failed += n;
			cc->fail_pfn = src;
			cc->fail_order = o;
			break;
		}
		sim_mark_alloc(z, dst, o, SIM_MTOF(b), tag);
		if (z->kind) {
			z->kind[dst] = (uint8_t)kind;
			z->kind[src] = SIM_KIND_NORMAL;
		}
		z->info[src] = 0;
		sim_release(m, z, src, o);
		cc->migrated += n;
		if (m->moved)
			m->moved(m->moved_ctx, tag, cc->zi, dst);
	}
	/* migrate_pages(): split_folios are retried only when the batch did
	 * not fail with -ENOMEM; either way the folios stay split */
	bool go = rc == 0;
	for (unsigned k = cc->nmigrate; k-- > w;) {
		uint32_t head = cc->migrate[k];
		uint8_t b = z->info[head];
		unsigned o = SIM_ORDER(b), mt = SIM_MTOF(b), kind = sim_kind_of(z, head);
		sim_split_folio(z, head, o, mt, kind, z->link[head + 1].next);
		if (go)
			go = sim_migrate_split(cc, head, o, mt, kind);
	}
	cc->nmigrate = 0;
	cc->nr_migratepages = 0;
	return rc ? rc : nsplit;
}

static bool sim_scanners_met(const struct sim_cc *cc)
{
	return (cc->free_pfn >> cc->m->pbo) <= (cc->migrate_pfn >> cc->m->pbo);
}

static enum sim_compact_result sim_compact_finished(struct sim_cc *cc,
						    enum sim_compact_reason *why)
{
	struct sim_machine *m = cc->m;
	struct sim_zone *z = cc->z;

	if (sim_scanners_met(cc)) {
		z->cached_migrate_pfn = 0;
		z->cached_free_pfn = (z->npages - 1) & ~(m->pb_pages - 1);
		*why = SIM_CR_SCANNERS_MET;
		return cc->whole_zone ? SIM_COMPACT_COMPLETE : SIM_COMPACT_PARTIAL_SKIPPED;
	}
	if (cc->proactive) {
		unsigned wl, wh;
		sim_proactive_wmarks(m, &wl, &wh);
		if (sim_zone_frag_score(m, cc->zi) > wl)
			return SIM_COMPACT_CONTINUE;
		*why = SIM_CR_PROACTIVE_DONE;
		return SIM_COMPACT_SUCCESS;
	}
	if (cc->order < 0)
		return SIM_COMPACT_CONTINUE;
	if (cc->migrate_pfn & (m->pb_pages - 1))
		return SIM_COMPACT_CONTINUE;
	*why = SIM_CR_ORDER_AVAILABLE;
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
	*why = SIM_CR_NONE;
	return SIM_COMPACT_CONTINUE;
}

/* compact_zone (v6.12) */
static enum sim_compact_result sim_compact_run(struct sim_machine *m, unsigned zi, int order,
					       unsigned mt, int mode, int prio, bool direct,
					       bool whole_zone, bool proactive,
					       struct sim_compact_end *end)
{
	struct sim_zone *z = &m->zones[zi];
	struct sim_cc cc;
	enum sim_compact_result ret;
	enum sim_compact_reason why = SIM_CR_NONE;
	int64_t last_block = (int64_t)((z->npages - 1) & ~(m->pb_pages - 1));
	uint64_t last_migrated = 0;   /* absolute pfn + 1; 0 = none */
	uint32_t stack[COMPACT_CLUSTER_MAX * 4];
	uint32_t release_max = 0;
	bool released = false;

	memset(&cc, 0, sizeof cc);
	cc.m = m;
	cc.z = z;
	cc.zi = zi;
	cc.order = order;
	cc.mt = mt;
	cc.mode = mode;
	cc.prio = prio;
	cc.direct = direct;
	cc.proactive = proactive;
	cc.ignore_skip_hint = !direct || prio == SIM_PRIO_SYNC_FULL;
	cc.ignore_block_suitable = direct && prio == SIM_PRIO_SYNC_FULL;
	cc.large_folios = m->cfg.kernel_version >= SIM_KVER(6, 9);
	cc.fail_pfn = UINT32_MAX;
	/* finish_pageblock isolates a whole pageblock in one batch */
	if (m->pb_pages + COMPACT_CLUSTER_MAX <= sizeof stack / sizeof stack[0]) {
		cc.migrate = stack;
	} else {
		cc.migrate = malloc(((size_t)m->pb_pages + COMPACT_CLUSTER_MAX) * sizeof *cc.migrate);
		if (!cc.migrate) {
			/* no memory for the batch: behave as a contended run */
			ret = SIM_COMPACT_CONTENDED;
			goto report;
		}
	}
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

	while ((ret = sim_compact_finished(&cc, &why)) == SIM_COMPACT_CONTINUE) {
		uint64_t iter_start = z->start_pfn + (uint64_t)cc.migrate_pfn;
		uint64_t pbm = ~(uint64_t)(m->pb_pages - 1);

		/* the kernel's "none" is pfn 0, which also matches a zone whose
		 * first pageblock is pageblock 0 (DMA); the simulator's zone
		 * pfns are synthetic, so "none" is kept apart */
		cc.finish_pageblock = last_migrated &&
				      ((last_migrated - 1) & pbm) == (iter_start & pbm);
rescan:
		if (sim_isolate_migratepages(&cc)) {
			uint64_t lm = z->start_pfn + (uint64_t)sim_pb_start(m, cc.migrate_pfn - 1);
			last_migrated = (lm > z->start_pfn ? lm : z->start_pfn) + 1;
			int err = sim_migrate_pages(&cc);
			if (err) {
				if (err == -ENOMEM && !sim_scanners_met(&cc)) {
					ret = SIM_COMPACT_CONTENDED;
					why = SIM_CR_NO_TARGET;
					break;
				}
				if ((cc.migrate_pfn & (m->pb_pages - 1)) && !cc.ignore_skip_hint &&
				    !cc.finish_pageblock && cc.mode < SIM_MIGRATE_SYNC) {
					cc.finish_pageblock = true;
					goto rescan;
				}
			}
		}
		/* check_drain: leaving the cc->order block migrated from */
		if (cc.order > 0 && last_migrated) {
			uint64_t cur = (z->start_pfn + (uint64_t)cc.migrate_pfn) &
				       ~(((uint64_t)1 << cc.order) - 1);
			if (last_migrated - 1 < cur) {
				sim_pcp_drain(m, z, m->cfg.pcp_cpu);   /* lru_add_drain_cpu_zone */
				last_migrated = 0;
			}
		}
	}
	/* release_free_list: the unused isolated free pages, each order's
	 * list from its head, through __free_pages (per-cpu lists for
	 * order <= 3) */
	for (unsigned o = 0; o < m->orders; o++)
		while (cc.fhead[o] != SIM_NIL) {
			uint32_t pfn = sim_cc_take(&cc, o);
			z->info[pfn] = 0;
			sim_release(m, z, pfn, o);
			if (pfn >= release_max)
				release_max = pfn;
			released = true;
		}
	if (ret != SIM_COMPACT_COMPLETE && ret != SIM_COMPACT_PARTIAL_SKIPPED) {
		z->cached_migrate_pfn = (uint32_t)cc.migrate_pfn;
		z->cached_free_pfn = (uint32_t)(cc.free_pfn > 0 ? sim_pb_start(m, cc.free_pfn) : 0);
		/* only go back, not forward */
		if (released && (uint32_t)sim_pb_start(m, release_max) > z->cached_free_pfn)
			z->cached_free_pfn = (uint32_t)sim_pb_start(m, release_max);
	}
report:
	if (cc.migrate && cc.migrate != stack)
		free(cc.migrate);
	m->cnt[SIM_CNT_COMPACT_MIGRATE_SCANNED] += cc.migrate_scanned;
	m->cnt[SIM_CNT_COMPACT_FREE_SCANNED] += cc.free_scanned;
	m->cnt[SIM_CNT_COMPACT_ISOLATED] += cc.isolated;
	m->cnt[SIM_CNT_PGMIGRATE_SUCCESS] += cc.migrated;
	m->cnt[SIM_CNT_PGMIGRATE_FAIL] += cc.failed;
	if (proactive) {
		m->cnt[SIM_CNT_COMPACT_DAEMON_MIGRATE_SCANNED] += cc.migrate_scanned;
		m->cnt[SIM_CNT_COMPACT_DAEMON_FREE_SCANNED] += cc.free_scanned;
	}
	memset(&z->last_end, 0, sizeof z->last_end);
	z->last_end.result = ret;
	z->last_end.reason = why;
	z->last_end.priority = prio;
	z->last_end.migrate_pfn = (uint32_t)(cc.migrate_pfn < 0 ? 0 : cc.migrate_pfn);
	z->last_end.free_pfn = (uint32_t)(cc.free_pfn < 0 ? 0 : cc.free_pfn);
	z->last_end.fail_pfn = cc.fail_pfn;
	z->last_end.fail_order = cc.fail_order;
	z->last_end.migrate_scanned = cc.migrate_scanned;
	z->last_end.free_scanned = cc.free_scanned;
	z->last_end.isolated = cc.isolated;
	z->last_end.migrated = cc.migrated;
	z->last_end.failed = cc.failed;
	if (end)
		*end = z->last_end;
	return ret;
}

enum sim_compact_result sim_compact_zone_prio(struct sim_machine *m, unsigned zi, int order,
					      unsigned mt, int prio, bool whole_zone,
					      bool proactive, struct sim_compact_end *end)
{
	int mode;
	bool direct = order >= 0 && !proactive;

	if (!direct)
		mode = proactive ? SIM_MIGRATE_SYNC_LIGHT : SIM_MIGRATE_SYNC;   /* compact_node */
	else
		mode = prio == SIM_PRIO_ASYNC ? SIM_MIGRATE_ASYNC : SIM_MIGRATE_SYNC_LIGHT;
	if (direct && prio == SIM_PRIO_SYNC_FULL)
		whole_zone = true;   /* compact_zone_order: whole_zone at MIN priority */
	return sim_compact_run(m, zi, order, mt, mode, prio, direct, whole_zone, proactive, end);
}

enum sim_compact_result sim_compact_zone(struct sim_machine *m, unsigned zi, int order,
					 unsigned mt, bool whole_zone, bool proactive,
					 struct sim_compact_end *end)
{
	int prio = order >= 0 && !proactive ? SIM_PRIO_SYNC_LIGHT : SIM_PRIO_SYNC_FULL;
	return sim_compact_zone_prio(m, zi, order, mt, prio, whole_zone, proactive, end);
}

const struct sim_compact_end *sim_zone_compact_end(const struct sim_machine *m, unsigned zi)
{
	return &m->zones[zi].last_end;
}

/* ---- entry points --------------------------------------------------------------- */

static void sim_note_end(struct sim_machine *m, unsigned zi, enum sim_compact_result r,
			 enum sim_compact_reason why, int prio)
{
	struct sim_compact_end *e = &m->zones[zi].last_end;

	memset(e, 0, sizeof *e);
	e->result = r;
	e->reason = why;
	e->priority = prio;
	e->fail_pfn = UINT32_MAX;
}

/* try_to_compact_pages at one priority, then the allocation retry
 * (__alloc_pages_direct_compact). Returns the zone or -1; *rcp is the
 * combined result. */
static int sim_compact_direct_prio(struct sim_machine *m, unsigned order, unsigned mt,
				   uint32_t tag, uint32_t *pfn, int prio,
				   enum sim_compact_result *rcp)
{
	enum sim_compact_result rc = SIM_COMPACT_SKIPPED;
	int zi;

	for (unsigned i = m->nzones; i-- > 0;) {
		enum sim_compact_result st;
		if (prio > SIM_PRIO_SYNC_FULL && sim_compaction_deferred(m, i, order)) {
			if (rc < SIM_COMPACT_DEFERRED)
				rc = SIM_COMPACT_DEFERRED;
			sim_note_end(m, i, SIM_COMPACT_DEFERRED, SIM_CR_DEFERRED, prio);
			continue;
		}
		if (sim_zone_watermark_ok(m, i, order, m->zones[i].wmark[0], m->nzones - 1)) {
			st = SIM_COMPACT_SUCCESS;
			sim_note_end(m, i, st, SIM_CR_WATERMARK_OK, prio);
		} else if (!sim_compaction_suitable(m, i, order)) {
			st = SIM_COMPACT_SKIPPED;
			sim_note_end(m, i, st, SIM_CR_NOT_SUITABLE, prio);
		} else {
			st = sim_compact_zone_prio(m, i, (int)order, mt, prio, false, false, NULL);
		}
		if (st > rc)
			rc = st;
		if (st == SIM_COMPACT_SUCCESS) {
			sim_compaction_defer_reset(m, i, order, false);
			break;
		}
		/* only synchronous runs that scanned the zone defer it */
		if (prio != SIM_PRIO_ASYNC &&
		    (st == SIM_COMPACT_COMPLETE || st == SIM_COMPACT_PARTIAL_SKIPPED))
			sim_defer_compaction(m, i, order);
	}
	*rcp = rc;
	/* kernel-facts-decision.md §0.1: 5.15+ count a stall unless every
	 * zone was skipped */
	if (rc == SIM_COMPACT_SKIPPED)
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

/* The slow path's compaction attempts: INIT_COMPACT_PRIORITY (ASYNC)
 * first, then should_compact_retry() lowers the priority down to
 * MIN_COMPACT_COSTLY_PRIORITY (SYNC_LIGHT) for costly orders or
 * MIN_COMPACT_PRIORITY (SYNC_FULL) otherwise. Reclaim between attempts
 * is not modelled. */
int sim_compact_direct(struct sim_machine *m, unsigned order, unsigned mt, uint32_t tag,
		       uint32_t *pfn)
{
	int min_prio = order > PAGE_ALLOC_COSTLY_ORDER ? SIM_PRIO_SYNC_LIGHT : SIM_PRIO_SYNC_FULL;

	for (int prio = SIM_PRIO_ASYNC; prio >= min_prio; prio--) {
		enum sim_compact_result rc;
		int zi = sim_compact_direct_prio(m, order, mt, tag, pfn, prio, &rc);
		if (zi >= 0)
			return zi;
	}
	return -1;
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
		enum sim_compact_result r = sim_compact_zone(m, i, -1, SIM_MT_MOVABLE, true, true,
							     NULL);
		if (r == SIM_COMPACT_SUCCESS)
			sim_compaction_defer_reset(m, i, m->pbo, false);
	}
	return true;
}

void sim_compact_memory(struct sim_machine *m)
{
	for (unsigned i = 0; i < m->nzones; i++)
		sim_compact_zone(m, i, -1, SIM_MT_MOVABLE, true, false, NULL);
}
