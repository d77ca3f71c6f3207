/* test_sim_kernel.c - the kernel rules of issue 14, each on a small
 * machine worked out by hand from the v6.12 source (mm/compaction.c,
 * mm/migrate.c, mm/page_alloc.c): the free scanner's stride, the early
 * stop on a large folio without a target, page kinds, per-cpu lists, the
 * proactive watermarks by era. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "../tap.h"
#include "sim_buddy.h"
#include "sim_compact.h"
#include "sim_internal.h"
#include "sim_workload.h"

static struct sim_machine *mk2(unsigned orders, unsigned pbo, uint64_t pages, unsigned cpus,
			       unsigned high, unsigned batch)
{
	struct sim_config c;
	struct sim_machine *m = NULL;

	sim_config_default(&c);
	c.orders = orders;
	c.pageblock_order = pbo;
	c.zones[0].pages = pages;
	c.zones[0].pcp_high = high;
	c.zones[0].pcp_batch = batch;
	c.pcp_cpus = cpus;
	c.no_watermarks = true;
	c.compaction = SIM_COMPACT_FULL;
	return sim_machine_new(&c, &m) ? NULL : m;
}

static struct sim_machine *mk(unsigned orders, unsigned pbo, uint64_t pages)
{
	return mk2(orders, pbo, pages, 0, 0, 0);
}

static int checked(struct sim_machine *m)
{
	char msg[256];
	int rc = sim_check(m, msg, sizeof msg);
	if (rc)
		diag("check: %s", msg);
	return rc == 0;
}

/* every page an order-0 movable allocation at pfn = tag, then `frees` freed */
static void fill(struct sim_machine *m, uint32_t pages, const uint32_t *frees, unsigned nfree)
{
	struct sim_ref ref;
	for (uint32_t i = 0; i < pages; i++)
		if (sim_alloc(m, 0, SIM_MT_MOVABLE, i, &ref) || ref.pfn != i)
			diag("allocation %u went elsewhere", i);
	for (unsigned i = 0; i < nfree; i++) {
		ref.zone = 0;
		ref.pfn = frees[i];
		sim_free(m, ref);
	}
}

/* 64 pages, pageblock order 3 (8 blocks of 8). Free 41, 33, 35.
 * vm.compact_memory: block 0 isolates 0..7 (8 pages). The free scanner
 * (SYNC, stride 1) visits block 7 whole (8), nothing -> stride 2: block 6
 * visits 48,50,52,54 (4) -> 4: block 5 visits 40,44 (2; 41 stepped over)
 * -> 8: block 4 visits 32 (1; 33, 35 stepped over) -> 16: blocks 3 and 2
 * visit 24 and 16; low_pfn 16 stops it. 17 scanned, nothing isolated:
 * 7 (the last isolated, first migrated) fails, the scanners met:
 * complete, the three holes still free. */
static void test_stride_no_reset(void)
{
	static const uint32_t frees[] = { 41, 33, 35 };
	struct sim_machine *m = mk(4, 3, 64);
	struct sim_compact_end e;
	enum sim_compact_result r;

	if (!m) {
		ok(0, "machine");
		return;
	}
	fill(m, 64, frees, 3);
	r = sim_compact_zone(m, 0, -1, SIM_MT_MOVABLE, true, false, &e);
	is_str(sim_compact_result_name(r), "complete", "stride: complete");
	is_str(sim_compact_reason_name(e.reason), "scanners_met", "stride: the scanners met");
	is_u64(e.free_scanned, 17, "stride doubles after empty blocks: 8+4+2+1+1+1 scanned");
	is_u64(sim_counter(m, SIM_CNT_COMPACT_FREE_SCANNED), 17, "compact_free_scanned 17");
	is_u64(e.migrated, 0, "nothing migrated");
	is_u64(e.failed, 1, "one page failed (7), the rest put back");
	is_u64(m->zones[0].nr_free[0], 3, "41, 33, 35 still free (stepped over)");
	is_u64(e.migrate_scanned, 8, "migrate scanner: block 0");
	is_u64(e.isolated, 8, "isolated: 8 migrate pages, no free page");
	ok(checked(m), "invariants hold");
	sim_machine_free(m);
}

/* The same with 44 free too: block 5 (stride 4) visits 40 and 44
 * (isolated), gave pages -> stride 1: block 4 visits all 8, isolates 33 and 35;
 * 3 < 8 so on: block 3 (stride 1) 8 visited, nothing -> 2: block 2 visits
 * 16,18,20,22. 8+4+2+8+8+4 = 34 scanned. Targets in isolation order
 * 44, 33, 35: 7->44, 6->33, 5->35, 4 finds none (the scanner is at its
 * end): fail 1, complete. Freed 7, 6, 5: 6-7 merge (order 1), 5 alone. */
static void test_stride_reset(unsigned kver)
{
	static const uint32_t frees[] = { 41, 33, 35, 44 };
	struct sim_machine *m = mk(4, 3, 64);
	struct sim_compact_end e;
	enum sim_kind k;
	struct sim_ref ref = { .pfn = 44, .zone = 0 };

	if (!m) {
		ok(0, "machine");
		return;
	}
	m->cfg.kernel_version = kver;
	fill(m, 64, frees, 4);
	sim_compact_zone(m, 0, -1, SIM_MT_MOVABLE, true, false, &e);
	is_u64(e.free_scanned, 34, "stride resets to 1 after a block that gave pages");
	is_u64(e.migrated, 3, "three pages migrated");
	is_u64(e.failed, 1, "4 found no target");
	if (kver >= SIM_KVER(6, 9)) {
		is_u64(m->zones[0].link[44].next, 7, "page 7 (migrated first) went to 44");
		is_u64(m->zones[0].link[35].next, 5, "page 5 went to 35");
	} else {
		/* 6.1 split_map_pages: the list is 35, 33, 44 */
		is_u64(m->zones[0].link[35].next, 7, "6.1: page 7 went to 35 (last isolated)");
		is_u64(m->zones[0].link[44].next, 5, "6.1: page 5 went to 44");
	}
	ok(sim_alloc_kind(m, ref, &k) == 0, "44 is an allocation now");
	is_u64(m->zones[0].nr_free[0], 2, "41 and 5 free order 0");
	is_u64(m->zones[0].nr_free[1], 1, "6-7 merged");
	ok(checked(m), "invariants hold");
	sim_machine_free(m);
}

/* Early stop: 64 pages, pageblock order 3. Page cache folio of order 2 at
 * 0..3, pages 4..7 order 0; free 57,59,61,63 (block 7) and 49,51,53,55
 * (block 6) and 41. Block 0: isolate 0 (4 pages) and 4..7: 8 pages. The
 * free scanner takes block 7's four, then block 6's four (8 >= 8: stop,
 * restart at block 5). 7->57, 6->59, 5->61, 4->63; the order-2 folio:
 * only order-0 pages isolated (49..55), isolate_freepages returns at once
 * (nr_freepages 4): NULL, -ENOMEM, scanners not met (block 5 > block 1):
 * contended at migrate pfn 8, free pfn 40; the folio's 4 pages failed. */
static void test_early_stop(void)
{
	struct sim_machine *m = mk(4, 3, 64);
	struct sim_compact_end e;
	enum sim_compact_result r;
	static const uint32_t frees[] = { 57, 59, 61, 63, 49, 51, 53, 55, 41 };

	if (!m) {
		ok(0, "machine");
		return;
	}
	sim_seed_begin(m, 0);
	ok(sim_seed_alloc(m, 0, 2, 2, SIM_MT_MOVABLE, SIM_KIND_FILE) == -EINVAL,
	   "seed_alloc refuses an unaligned block");
	ok(sim_seed_alloc(m, 0, 0, 2, SIM_MT_MOVABLE, SIM_KIND_FILE) == 0, "seed a file folio");
	ok(sim_seed_alloc(m, 0, 0, 0, SIM_MT_MOVABLE, SIM_KIND_NORMAL) == -EINVAL,
	   "seed_alloc refuses pages already seeded");
	for (unsigned i = 0; i < 9; i++)
		sim_seed_free(m, 0, frees[i], 0);
	for (uint32_t p = 4; p < 64; p++)
		if (SIM_STATE(m->zones[0].info[p]) == SIM_ST_ALLOC)
			sim_set_tag(m, (struct sim_ref){ .pfn = p, .zone = 0 }, p);
	ok(checked(m), "seeded state is consistent");
	r = sim_compact_zone(m, 0, -1, SIM_MT_MOVABLE, true, false, &e);
	is_str(sim_compact_result_name(r), "contended", "ends contended");
	is_str(sim_compact_reason_name(e.reason), "no_target", "because no target fits the folio");
	is_int(e.fail_pfn, 0, "the folio at pfn 0");
	is_int(e.fail_order, 2, "of order 2");
	is_int(e.migrate_pfn, 8, "migrate scanner stopped at 8");
	is_int(e.free_pfn, 40, "free scanner stopped at 40");
	is_u64(e.migrated, 4, "four order-0 pages moved");
	is_u64(e.failed, 4, "the folio's four pages failed");
	is_u64(e.free_scanned, 16, "blocks 7 and 6 scanned");
	is_u64(e.migrate_scanned, 8, "block 0 scanned");
	is_u64(m->zones[0].nr_free[2], 1, "4..7 freed and merged (order 2 at 4)");
	is_u64(m->zones[0].nr_free[0], 5, "41 and the unused 49..55 free order 0");
	is_int(sim_zone_compact_end(m, 0)->result, SIM_COMPACT_CONTENDED, "kept as the zone's end");
	ok(checked(m), "invariants hold");
	sim_machine_free(m);
}

/* The same machine with the order-2 folio at 0 anonymous (kind normal):
 * migrate_pages_batch() (v6.12 mm/migrate.c, case -ENOMEM, is_large &&
 * !nosplit) splits it with try_split_folio() instead of failing, and
 * migrate_pages() migrates its order-0 pages after the batch (split_folios:
 * 3, 2, 1, 0). Block 0: 7, 6, 5, 4 -> 57, 59, 61, 63 (block 7, first
 * isolated first); the folio finds no order-2 target, isolate_freepages
 * takes 49, 51, 53, 55 (block 6, stride back to 1), still no order 2:
 * split; 3 -> 49, 2 -> 51, 1 -> 53, 0 -> 55. Nothing counts in
 * pgmigrate_fail, and the run goes on (err 1, not -ENOMEM): block 0 is free
 * (one order-3 block). Block 1 isolates 8..15; the free scanner goes down
 * from block 5: 41 (stride 1), then nothing down to the migrate scanner:
 * 15 -> 41, 14 finds no target, -ENOMEM with the scanners met: complete.
 * 9 migrated, 1 failed. */
static void test_split_anon(void)
{
	struct sim_machine *m = mk(4, 3, 64);
	struct sim_compact_end e;
	enum sim_compact_result r;
	static const uint32_t frees[] = { 57, 59, 61, 63, 49, 51, 53, 55, 41 };

	if (!m) {
		ok(0, "machine");
		return;
	}
	sim_seed_begin(m, 0);
	ok(sim_seed_alloc(m, 0, 0, 2, SIM_MT_MOVABLE, SIM_KIND_NORMAL) == 0,
	   "split: seed an anonymous order-2 folio");
	for (unsigned i = 0; i < 9; i++)
		sim_seed_free(m, 0, frees[i], 0);
	for (uint32_t p = 0; p < 64; p++)
		if (SIM_STATE(m->zones[0].info[p]) == SIM_ST_ALLOC)
			sim_set_tag(m, (struct sim_ref){ .pfn = p, .zone = 0 }, p);
	ok(checked(m), "split: seeded state is consistent");
	r = sim_compact_zone(m, 0, -1, SIM_MT_MOVABLE, true, false, &e);
	is_str(sim_compact_result_name(r), "complete", "split: the run completes");
	is_str(sim_compact_reason_name(e.reason), "scanners_met", "split: the scanners met");
	is_u64(e.migrated, 9, "split: 4 + 4 split pages + 1 migrated");
	is_u64(e.failed, 1, "split: only page 14 failed (the split folio is not pgmigrate_fail)");
	is_int(e.fail_pfn, 14, "split: the last failure is page 14 (order 0)");
	is_int(e.fail_order, 0, "split: of order 0");
	for (uint32_t p = 49, want = 3; p <= 55; p += 2, want--) {
		uint8_t b = m->zones[0].info[p];
		ok(SIM_STATE(b) == SIM_ST_ALLOC && SIM_ORDER(b) == 0, "split: %u is an order-0 page", p);
		if (p == 55)
			is_u64(m->zones[0].link[p].next, 0, "split: the head (0, tag 0) went to 55");
		else
			is_u64(m->zones[0].link[p].next, UINT32_MAX,
			       "split: tail page %u (untracked) went to %u", want, p);
	}
	ok(SIM_STATE(m->zones[0].info[0]) == SIM_ST_FREE && SIM_ORDER(m->zones[0].info[0]) == 3,
	   "split: block 0 free, one order-3 block");
	is_u64(m->zones[0].link[41].next, 15, "split: 15 went to 41");
	ok(checked(m), "split: invariants hold");
	sim_machine_free(m);
}

/* Kinds: 32 pages, pageblock order 3. Block 0 is an Unmovable pageblock:
 * 0 movable, 1 pinned, 2 reserved, 3 unmovable, 4 unevictable, 5..7
 * movable. Block 1: hugetlb order 2 at 8, movable 12..15. Free 25, 27,
 * 29, 31 and 17. compact_memory (SYNC): block 0 isolates 0,4,5,6,7 (a
 * movable page in an Unmovable block moves in sync mode; pinned,
 * reserved and unmovable do not); the free scanner takes 25..31 then 17
 * (stop at 18): 7->25, 6->27, 5->29, 4->31, 0->17. Block 1: hugetlb
 * skipped whole, 12..15 isolated; no target left (low_pfn 24): 15 fails;
 * the scanners met: complete. */
static void test_kinds(bool unevictable_allowed)
{
	struct sim_machine *m = mk(4, 3, 32);
	struct sim_compact_end e;
	enum sim_kind k;
	static const uint32_t frees[] = { 25, 27, 29, 31, 17 };

	if (!m) {
		ok(0, "machine");
		return;
	}
	m->cfg.compact_unevictable_allowed = unevictable_allowed;
	sim_seed_block_type(m, 0, 0, SIM_MT_UNMOVABLE);
	sim_seed_begin(m, 0);
	sim_seed_alloc(m, 0, 0, 0, SIM_MT_MOVABLE, SIM_KIND_NORMAL);
	sim_seed_alloc(m, 0, 1, 0, SIM_MT_MOVABLE, SIM_KIND_PINNED);
	sim_seed_alloc(m, 0, 2, 0, SIM_MT_UNMOVABLE, SIM_KIND_RESERVED);
	sim_seed_alloc(m, 0, 4, 0, SIM_MT_MOVABLE, SIM_KIND_UNEVICTABLE);
	/* 5..7 were Unmovable order-0 seeds (their block's type): re-seed movable */
	for (uint32_t p = 5; p < 8; p++)
		sim_seed_alloc(m, 0, p, 0, SIM_MT_MOVABLE, SIM_KIND_NORMAL);
	sim_seed_alloc(m, 0, 8, 2, SIM_MT_MOVABLE, SIM_KIND_HUGETLB);
	for (unsigned i = 0; i < 5; i++)
		sim_seed_free(m, 0, frees[i], 0);
	is_int(sim_free(m, (struct sim_ref){ .pfn = 2, .zone = 0 }), -EPERM,
	       "a reserved page cannot be freed");
	ok(checked(m), "seeded state is consistent");
	sim_compact_zone(m, 0, -1, SIM_MT_MOVABLE, true, false, &e);
	is_str(sim_compact_result_name(e.result), "complete", "kinds: complete");
	is_u64(e.migrated, unevictable_allowed ? 5 : 4, "movable pages of block 0 moved");
	ok(sim_alloc_kind(m, (struct sim_ref){ .pfn = 1, .zone = 0 }, &k) == 0 &&
	   k == SIM_KIND_PINNED, "the pinned page stayed");
	ok(sim_alloc_kind(m, (struct sim_ref){ .pfn = 2, .zone = 0 }, &k) == 0 &&
	   k == SIM_KIND_RESERVED, "the reserved page stayed");
	ok(SIM_STATE(m->zones[0].info[3]) == SIM_ST_ALLOC, "the unmovable page stayed");
	ok(sim_alloc_kind(m, (struct sim_ref){ .pfn = 8, .zone = 0 }, &k) == 0 &&
	   k == SIM_KIND_HUGETLB, "the hugetlb folio stayed");
	if (unevictable_allowed) {
		ok(sim_alloc_kind(m, (struct sim_ref){ .pfn = 31, .zone = 0 }, &k) == 0 &&
		   k == SIM_KIND_UNEVICTABLE, "the unevictable page moved to 31 with its kind");
		is_u64(e.migrate_scanned, 16, "blocks 0 and 1 scanned (hugetlb whole)");
		is_u64(e.failed, 1, "15 found no target");
	} else {
		ok(SIM_STATE(m->zones[0].info[4]) == SIM_ST_ALLOC &&
		   sim_alloc_kind(m, (struct sim_ref){ .pfn = 4, .zone = 0 }, &k) == 0 &&
		   k == SIM_KIND_UNEVICTABLE,
		   "compact_unevictable_allowed 0: the unevictable page stayed");
	}
	ok(checked(m), "invariants hold");
	sim_machine_free(m);
}

/* Per-cpu lists: 32 pages (pageblock order 2), one CPU, high 4, batch 2.
 * Allocate pfns 0..15 (refills of 2 in ascending pfns), free 1, 3, 5 (count 3 < high), then 7:
 * count 4 >= high, nr_pcp_free = clamp(free_count 4, batch 2, high -
 * batch 2) = 2, from the list's tail: 1 and 3 reach the buddy. Free 9:
 * count 3. Then drain: 5, 7, 9 reach the buddy. Then free 0, 2, 4, 6:
 * at 6 the count is 4: 0 and 2 drain and merge with 1 and 3 into an
 * order-2 block, 4 and 6 wait. compact_memory on the first state: the
 * free scanner finds blocks 7 and 5 inside free order-3 blocks (their
 * first page is no free head: suitable), 4 + 2 scanned, blocks 6 and 4
 * start with free order-3 heads (unsuitable), blocks 3 and 2 one page
 * each (stride 4, 8): 8 scanned, nothing; 2 fails, complete; the
 * per-cpu pages stay where they are. */
static void test_pcp(void)
{
	struct sim_machine *m = mk2(4, 2, 32, 1, 4, 2);
	static const uint32_t frees[] = { 1, 3, 5, 7, 9 };
	static const uint32_t frees2[] = { 0, 2, 4, 6 };
	struct sim_ref ref = { .zone = 0 };

	if (!m) {
		ok(0, "machine");
		return;
	}
	fill(m, 16, frees, 5);
	is_u64(sim_zone_pcp_pages(m, 0, -1), 3, "5, 7, 9 wait on the per-cpu list");
	is_u64(sim_zone_free_pages(m, 0), 18, "1 and 3 in the buddy (not merged: 0, 2 busy) + 16..31");
	is_u64(m->zones[0].nr_free[0], 2, "two order-0 buddies");
	ok(checked(m), "invariants hold with per-cpu pages");
	sim_compact_memory(m);
	is_u64(sim_zone_pcp_pages(m, 0, -1), 3, "compact_memory does not drain");
	is_u64(sim_counter(m, SIM_CNT_COMPACT_FREE_SCANNED), 8, "free scanner: 4 + 2 + 1 + 1");
	is_u64(sim_counter(m, SIM_CNT_PGMIGRATE_FAIL), 1, "2 found no target");
	ok(checked(m), "invariants hold after compaction");
	sim_machine_free(m);

	m = mk2(4, 2, 32, 1, 4, 2);
	fill(m, 16, frees, 5);
	sim_pcp_drain_all(m);
	is_u64(sim_zone_pcp_pages(m, 0, -1), 0, "drained");
	is_u64(m->zones[0].nr_free[0], 5, "1, 3, 5, 7, 9 order-0 buddies");
	for (unsigned i = 0; i < 4; i++) {
		ref.pfn = frees2[i];
		sim_free(m, ref);
	}
	is_u64(m->zones[0].nr_free[2], 1, "0..3 merged once 0 and 2 drained");
	is_u64(sim_zone_pcp_pages(m, 0, 0), 2, "4 and 6 wait");
	ok(checked(m), "invariants hold");
	ok(sim_seed_pcp(m, 0, 1, 12, 0) == -EINVAL, "seed_pcp refuses a missing CPU");
	sim_machine_free(m);

	m = mk(4, 2, 16);
	ok(sim_seed_pcp(m, 0, 0, 0, 0) == -EINVAL, "seed_pcp needs per-cpu lists");
	sim_machine_free(m);

	/* era: orders 1..3 use the per-cpu lists since 5.15, order 0 only
	 * before; an order-1 free in a 5.10 machine merges at once */
	for (unsigned era = 0; era < 2; era++) {
		struct sim_config c;
		sim_config_default(&c);
		c.orders = 4;
		c.pageblock_order = 2;
		c.zones[0].pages = 32;
		c.no_watermarks = true;
		c.pcp_cpus = 2;
		c.pcp_cpu = 1;
		c.kernel_version = era ? SIM_KVER(5, 15) : SIM_KVER(5, 10);
		m = NULL;
		if (sim_machine_new(&c, &m)) {
			ok(0, "machine");
			return;
		}
		is_int(sim_zone_set_pcp(m, 0, 1, 100, 4), 0, "per-CPU high and batch");
		is_int(sim_zone_set_pcp(m, 0, 2, 100, 4), -EINVAL, "no CPU 2");
		sim_alloc(m, 1, SIM_MT_MOVABLE, 1, &ref);
		sim_free(m, ref);
		/* 5.15: the refill took batch 4 >> 1 = 2 order-1 blocks, one
		 * was allocated and came back: 2 blocks = 4 pages */
		is_u64(sim_zone_pcp_pages(m, 0, 1), era ? 4 : 0,
		       era ? "5.15: order-1 refill and free on CPU 1's list"
			   : "5.10: order 1 bypasses the per-cpu lists");
		is_u64(sim_zone_pcp_pages(m, 0, 0), 0, "CPU 0 untouched");
		ok(checked(m), "invariants hold");
		sim_machine_free(m);
	}
}

/* fragmentation_score_wmark by era */
static void test_proactive_wmarks(void)
{
	struct sim_machine *m = mk(4, 2, 16);
	unsigned lo, hi;

	if (!m) {
		ok(0, "machine");
		return;
	}
	m->cfg.proactiveness = 98;
	m->cfg.kernel_version = SIM_KVER(6, 15);
	sim_proactive_wmarks(m, &lo, &hi);
	ok(lo == 5 && hi == 15, "6.15, proactiveness 98: low 5 (floor), high 15");
	m->cfg.kernel_version = SIM_KVER(6, 16);
	sim_proactive_wmarks(m, &lo, &hi);
	ok(lo == 2 && hi == 3, "6.16, proactiveness 98: low 2, high 2 + min(10, 1)");
	m->cfg.proactiveness = 20;
	sim_proactive_wmarks(m, &lo, &hi);
	ok(lo == 80 && hi == 90, "6.16, proactiveness 20: low 80, high 90");
	sim_machine_free(m);
}

/* Fallback by era: 32 pages, pageblock order 4 (two blocks of 16, half
 * 8), max order 4; both blocks Movable. Block 0: movable pages but a free
 * order-2 block at 4 (claim: free 4 + alike 0 < 8: fails). Block 1:
 * unmovable pages but a free order-1 block at 16 (free 2 + alike 14 >=
 * 8: claimable). An unmovable order-0 request finds its lists empty.
 * 6.14: largest first, order 2 at 4, the claim fails: one page stolen,
 * pfn 4 (5 and 6-7 back on the Movable lists), block 1 stays Movable.
 * 6.18: __rmqueue_claim goes on to order 1: block 1 claimed (Unmovable),
 * then __rmqueue_smallest takes 16 and leaves 17 on the Unmovable list. */
static void test_fallback_era(unsigned kver)
{
	struct sim_machine *m = mk(5, 4, 32);
	struct sim_ref ref;

	if (!m) {
		ok(0, "machine");
		return;
	}
	m->cfg.kernel_version = kver;
	sim_seed_begin(m, 0);
	sim_seed_free(m, 0, 4, 2);
	for (uint32_t p = 18; p < 32; p++)   /* re-seed: unmovable pages */
		sim_seed_alloc(m, 0, p, 0, SIM_MT_UNMOVABLE, SIM_KIND_NORMAL);
	sim_seed_free(m, 0, 16, 1);
	ok(checked(m), "fallback: seeded");
	is_int(sim_alloc(m, 0, SIM_MT_UNMOVABLE, 1, &ref), 0, "unmovable order 0 served");
	if (kver >= SIM_KVER(6, 15)) {
		is_int(ref.pfn, 16, "6.15+: claim failed at order 2, went on to order 1: pfn 16");
		is_int(m->zones[0].pbtype[1], SIM_MT_UNMOVABLE, "6.15+: block 1 claimed");
		is_u64(m->zones[0].nr_mt[0][SIM_MT_UNMOVABLE], 1, "17 on the Unmovable list");
		is_u64(sim_counter(m, SIM_CNT_CLAIM), 1, "one claim");
	} else {
		is_int(ref.pfn, 4, "6.14: single page stolen from the order-2 block at 4");
		is_int(m->zones[0].pbtype[1], SIM_MT_MOVABLE, "6.14: block 1 stays Movable");
		is_u64(m->zones[0].nr_mt[0][SIM_MT_MOVABLE], 1, "5 on the Movable order-0 list");
		is_u64(sim_counter(m, SIM_CNT_CLAIM), 0, "no claim");
	}
	ok(checked(m), "invariants hold");
	sim_machine_free(m);
}

/* Direct compaction priorities: 16 pages, pageblock order 2, blocks 0 and
 * 1 Unmovable, 2 and 3 Movable, even pfns movable allocations, odd pfns
 * free. A movable order-1 request fails. ASYNC: blocks 0 and 1 are not
 * of the request's type (suitable_migration_source): skipped unscanned;
 * block 2 isolates 8 (the order-1 chunk 8..9 done), the free scanner
 * (stride 32) sees only 12: nothing; 8 fails, the scanners met: complete,
 * retry fails (stall 1, fail 1). SYNC_LIGHT scans block 0 (an Unmovable
 * block: sync takes it): 2->13, 0->15, 0..3 merge on the Unmovable list,
 * which a movable order-1 request may claim: success; the retry claims
 * block 0 and gets pfn 0. migrate_scanned 2 + 4, isolated 1 + 4,
 * pgmigrate_success 2, pgmigrate_fail 1. */
static void test_direct_prio(void)
{
	struct sim_config c;
	struct sim_machine *m = NULL;
	struct sim_ref ref;

	sim_config_default(&c);
	c.orders = 4;
	c.pageblock_order = 2;
	c.zones[0].pages = 16;
	c.no_watermarks = true;
	c.compaction = SIM_COMPACT_DIRECT;
	if (sim_machine_new(&c, &m)) {
		ok(0, "machine");
		return;
	}
	sim_seed_block_type(m, 0, 0, SIM_MT_UNMOVABLE);
	sim_seed_block_type(m, 0, 1, SIM_MT_UNMOVABLE);
	sim_seed_begin(m, 0);
	for (uint32_t p = 0; p < 8; p += 2)   /* movable pages in Unmovable blocks */
		sim_seed_alloc(m, 0, p, 0, SIM_MT_MOVABLE, SIM_KIND_NORMAL);
	for (uint32_t p = 1; p < 16; p += 2)
		sim_seed_free(m, 0, p, 0);
	for (uint32_t p = 0; p < 16; p += 2)
		sim_set_tag(m, (struct sim_ref){ .pfn = p, .zone = 0 }, p);
	ok(checked(m), "priorities: seeded");
	is_int(sim_alloc(m, 1, SIM_MT_MOVABLE, 100, &ref), 0, "order-1 allocation succeeds");
	is_int(ref.pfn, 0, "at pfn 0 (block 0 claimed)");
	is_u64(sim_counter(m, SIM_CNT_COMPACT_STALL), 2, "stalls: ASYNC and SYNC_LIGHT");
	is_u64(sim_counter(m, SIM_CNT_COMPACT_FAIL), 1, "ASYNC failed");
	is_u64(sim_counter(m, SIM_CNT_COMPACT_SUCCESS), 1, "SYNC_LIGHT succeeded");
	is_u64(sim_counter(m, SIM_CNT_COMPACT_MIGRATE_SCANNED), 6, "migrate scanned 2 (ASYNC) + 4");
	is_u64(sim_counter(m, SIM_CNT_COMPACT_ISOLATED), 5, "isolated 1 (ASYNC) + 2 + 2");
	is_u64(sim_counter(m, SIM_CNT_PGMIGRATE_SUCCESS), 2, "2 and 0 moved");
	is_u64(sim_counter(m, SIM_CNT_PGMIGRATE_FAIL), 1, "8 failed in the ASYNC run");
	is_str(sim_compact_reason_name(sim_zone_compact_end(m, 0)->reason), "order_available",
	       "the SYNC_LIGHT run ended: order available");
	is_int(m->zones[0].pbtype[0], SIM_MT_MOVABLE, "block 0 claimed by the movable request");
	ok(checked(m), "invariants hold");
	sim_machine_free(m);
}

/* Every preset with per-cpu lists (2 CPUs, small high and batch so that
 * drains and refills happen often) and with the 6.1, 6.14 and 6.18
 * rules, under the checker after every op, direct compaction on, then
 * compact_memory; freeing everything and draining merges all back. */
static void test_presets_pcp(void)
{
	static const enum sim_wl_kind kinds[] = { SIM_WL_PAGE_CACHE, SIM_WL_SLAB, SIM_WL_THP,
						  SIM_WL_RANDOM, SIM_WL_FRAGMENT,
						  SIM_WL_BENCH_MIXED };

	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		for (unsigned era = 0; era < 3; era++) {
			static const unsigned kv[3] = { SIM_KVER(6, 1), SIM_KVER(6, 14),
							SIM_KVER(6, 18) };
			static const char *const kn[3] = { "6.1", "6.14", "6.18" };
			struct sim_config c;
			struct sim_machine *m = NULL;
			struct sim_wl_params p = { .seed = 11 + k * 3 + era };
			struct sim_wl *wl = NULL;
			char msg[256] = "";
			int bad = 0, rc = 0;
			uint64_t max_pcp = 0;

			sim_config_default(&c);
			c.zones[0].pages = 4096;
			c.zones[0].pcp_high = 48;
			c.zones[0].pcp_batch = 8;
			c.pcp_cpus = 2;
			c.kernel_version = kv[era];
			c.compaction = SIM_COMPACT_FULL;
			if (sim_machine_new(&c, &m) || sim_wl_new(kinds[k], &p, m, &wl)) {
				ok(0, "set up");
				sim_machine_free(m);
				continue;
			}
			while ((rc = sim_wl_prefill_step(wl)) == 0 && !bad)
				bad = sim_check(m, msg, sizeof msg);
			for (unsigned i = 0; i < 3000 && !bad; i++) {
				rc = sim_wl_step(wl);
				if (rc < 0)
					break;
				bad = sim_check(m, msg, sizeof msg);
				if (sim_zone_pcp_pages(m, 0, -1) > max_pcp)
					max_pcp = sim_zone_pcp_pages(m, 0, -1);
			}
			diag("%s %s: up to %llu pages on per-cpu lists, %llu compaction stalls",
			     sim_wl_name(kinds[k]), kn[era],
			     (unsigned long long)max_pcp,
			     (unsigned long long)sim_counter(m, SIM_CNT_COMPACT_STALL));
			if (!bad) {
				sim_compact_memory(m);
				bad = sim_check(m, msg, sizeof msg);
			}
			if (bad)
				diag("%s", msg);
			ok(!bad && rc >= 0, "%s, per-cpu lists, %s rules: invariants after every op",
			   sim_wl_name(kinds[k]), kn[era]);
			if (!bad) {
				bad = sim_wl_free_all(wl);
				sim_pcp_drain_all(m);
				bad = bad || sim_check(m, msg, sizeof msg);
				ok(!bad && sim_zone_free_pages(m, 0) == 4096 &&
					   sim_zone_nr_free(m, 0, 10) == 4,
				   "%s: free-all and drain merge back to four order-10 blocks",
				   sim_wl_name(kinds[k]));
			}
			sim_wl_free(wl);
			sim_machine_free(m);
		}
}

/* pageblock_skip_persistent looks at compound_head() of a block's first
 * page: 16 pages, pageblock order 2, max order 4; a movable order-3
 * allocation covers blocks 0 and 1, pages 8..15 movable order 0. Block 0
 * starts with the head (order 3 >= 2), block 1 with a tail of it: both
 * skipped unscanned. Block 2 isolates 8..11 (4 scanned); block 3 lies
 * above low_pfn: no target, 11 fails, complete. */
static void test_persistent_skip(void)
{
	struct sim_machine *m = mk(5, 2, 16);
	struct sim_compact_end e;
	struct sim_ref ref;

	if (!m) {
		ok(0, "machine");
		return;
	}
	sim_alloc(m, 3, SIM_MT_MOVABLE, 100, &ref);
	is_int(ref.pfn, 0, "order-3 allocation at 0");
	for (uint32_t i = 8; i < 16; i++)
		sim_alloc(m, 0, SIM_MT_MOVABLE, i, &ref);
	sim_compact_zone(m, 0, -1, SIM_MT_MOVABLE, true, false, &e);
	is_u64(e.migrate_scanned, 4, "blocks 0 and 1 skipped whole (head and tail first)");
	is_u64(e.isolated, 4, "8..11 isolated");
	is_u64(e.failed, 1, "11 found no target");
	is_str(sim_compact_result_name(e.result), "complete", "complete");
	ok(checked(m), "invariants hold");
	sim_machine_free(m);
}

/* The THP order on the per-cpu lists (5.15+): 2048 pages, pageblock
 * order 9, one CPU, high 600, batch 63. An order-9 movable allocation
 * refills max(63 >> 9, 2) = 2 THPs (0, then 512) onto the movable THP
 * list and takes 0. Freeing it: count 1024 >= 600, nr_pcp_free =
 * clamp(free_count 512, 63, 537) = 512 from the tail: 512 reaches the
 * buddy (its buddy 0 waits on the list: no merge). 5.10: no THP list,
 * the free merges back into an order-10 block. */
static void test_pcp_thp(void)
{
	for (unsigned era = 0; era < 2; era++) {
		struct sim_config c;
		struct sim_machine *m = NULL;
		struct sim_ref ref;

		sim_config_default(&c);
		c.zones[0].pages = 2048;
		c.zones[0].pcp_high = 600;
		c.zones[0].pcp_batch = 63;
		c.pcp_cpus = 1;
		c.no_watermarks = true;
		c.kernel_version = era ? SIM_KVER(6, 18) : SIM_KVER(5, 10);
		if (sim_machine_new(&c, &m)) {
			ok(0, "machine");
			return;
		}
		is_int(sim_alloc(m, 9, SIM_MT_MOVABLE, 1, &ref), 0, "THP allocated");
		is_int(ref.pfn, 0, "at pfn 0");
		is_u64(sim_zone_pcp_pages(m, 0, 0), era ? 512 : 0,
		       era ? "6.18: the second refilled THP waits on the list"
			   : "5.10: THPs bypass the per-cpu lists");
		sim_free(m, ref);
		if (era) {
			is_u64(sim_zone_pcp_pages(m, 0, 0), 512, "6.18: the freed THP waits");
			is_u64(sim_zone_nr_free(m, 0, 9), 1, "512 drained to the buddy, unmerged");
			is_u64(sim_zone_nr_free(m, 0, 10), 1, "one order-10 block (1024)");
		} else {
			is_u64(sim_zone_nr_free(m, 0, 10), 2, "5.10: merged back into two order-10 blocks");
		}
		ok(checked(m), "invariants hold");
		sim_machine_free(m);
	}
}

int main(void)
{
	test_pcp_thp();
	test_persistent_skip();
	test_presets_pcp();
	test_fallback_era(SIM_KVER(6, 14));
	test_fallback_era(SIM_KVER(6, 18));
	test_direct_prio();
	test_stride_no_reset();
	test_stride_reset(SIM_KVER(6, 18));
	test_stride_reset(SIM_KVER(6, 1));
	test_early_stop();
	test_split_anon();
	test_kinds(true);
	test_kinds(false);
	test_pcp();
	test_proactive_wmarks();
	return done_testing();
}
