/* test_sim_compact.c - compaction worked out by hand on a 4-pageblock
 * zone, deferral arithmetic, and direct compaction on a failure. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "../tap.h"
#include "sim_buddy.h"
#include "sim_compact.h"
#include "sim_internal.h"

static struct sim_machine *mk(unsigned orders, unsigned pbo, uint64_t pages,
			      enum sim_compact_mode mode)
{
	struct sim_config c;
	struct sim_machine *m = NULL;

	sim_config_default(&c);
	c.orders = orders;
	c.pageblock_order = pbo;
	c.zones[0].pages = pages;
	c.no_watermarks = true;
	c.compaction = mode;
	return sim_machine_new(&c, &m) ? NULL : m;
}

static int checked(struct sim_machine *m)
{
	char msg[256];
	int rc = sim_check(m, msg, sizeof msg);
	if (rc)
		diag("check: %s", msg);
	return rc == 0;
}

struct moves {
	uint32_t from_tag[16], to[16];
	unsigned n;
};

static void moved(void *ctx, uint32_t tag, unsigned zone, uint32_t pfn)
{
	struct moves *mv = ctx;
	(void)zone;
	if (mv->n < 16) {
		mv->from_tag[mv->n] = tag;
		mv->to[mv->n] = pfn;
		mv->n++;
	}
}

/* 16 pages, pageblock order 2 (4 blocks of 4), max order 3. Every page
 * allocated movable (tag = pfn), then the odd pfns freed. vm.compact_memory:
 *  block 0: isolate 0 and 2 (list_add at the head: 2 migrates first); the
 *           free scanner starts at block 3 (stride 1) and isolates 13 and
 *           15 (then stops: 2 >= 2), resuming at block 2; 2 -> 13, 0 -> 15
 *           (compaction_alloc takes the first isolated page); the freed
 *           0..3 merge into an order-2 block.
 *  block 1: isolate 4 and 6; 6 first: the free scanner may not go below
 *           block 2 (pageblock_end(migrate_pfn 8) = 12 > 8): no target,
 *           migrate_pages() fails 6 with -ENOMEM and puts 4 back (not
 *           counted); the scanners met, so not contended: COMPLETE. */
static void test_hand(void)
{
	struct sim_machine *m = mk(4, 2, 16, SIM_COMPACT_FULL);
	struct sim_zone *z;
	struct moves mv = { .n = 0 };
	enum sim_compact_result r;

	if (!m) {
		ok(0, "machine");
		return;
	}
	z = &m->zones[0];
	for (uint32_t i = 0; i < 16; i++) {
		struct sim_ref ref;
		if (sim_alloc(m, 0, SIM_MT_MOVABLE, i, &ref) || ref.pfn != i)
			diag("allocation %u went elsewhere", i);
	}
	for (uint32_t i = 1; i < 16; i += 2) {
		struct sim_ref ref = { .pfn = i, .zone = 0 };
		sim_free(m, ref);
	}
	is_u64(z->nr_free[0], 8, "eight free order-0 pages");
	sim_machine_set_moved(m, moved, &mv);
	r = sim_compact_zone(m, 0, -1, SIM_MT_MOVABLE, true, false, NULL);
	is_str(sim_compact_result_name(r), "complete", "compact_memory completes");
	is_int(mv.n, 2, "two pages moved");
	ok(mv.n == 2 && mv.from_tag[0] == 2 && mv.to[0] == 13, "page 2 moved first, to 13");
	ok(mv.n == 2 && mv.from_tag[1] == 0 && mv.to[1] == 15, "page 0 moved to 15");
	is_u64(z->nr_free[2], 1, "block 0 is one free order-2 block");
	is_int(sim_list_first(z, 2, SIM_MT_MOVABLE), 0, "at pfn 0");
	is_u64(z->nr_free[0], 4, "5, 7, 9, 11 still free order 0");
	is_u64(sim_counter(m, SIM_CNT_PGMIGRATE_SUCCESS), 2, "pgmigrate_success 2");
	is_u64(sim_counter(m, SIM_CNT_PGMIGRATE_FAIL), 1, "pgmigrate_fail 1 (6: no target; 4 put back)");
	is_u64(sim_counter(m, SIM_CNT_COMPACT_MIGRATE_SCANNED), 8, "migrate scanner walked blocks 0 and 1");
	is_u64(sim_counter(m, SIM_CNT_COMPACT_FREE_SCANNED), 4, "free scanner walked block 3");
	is_u64(sim_counter(m, SIM_CNT_COMPACT_ISOLATED), 6, "isolated 4 migrate + 2 free pages");
	ok(checked(m), "invariants hold");
	sim_machine_free(m);
}

static void test_defer(void)
{
	struct sim_machine *m = mk(11, 9, 1024, SIM_COMPACT_DIRECT);
	unsigned skipped = 0;

	if (!m) {
		ok(0, "machine");
		return;
	}
	ok(!sim_compaction_deferred(m, 0, 9), "nothing deferred at first");
	sim_defer_compaction(m, 0, 9);   /* shift 1: skip 1 of 2 */
	sim_defer_compaction(m, 0, 9);   /* shift 2: skip 3 of 4 */
	ok(!sim_compaction_deferred(m, 0, 8), "orders below the failed one are never deferred");
	for (unsigned i = 0; i < 4; i++)
		skipped += sim_compaction_deferred(m, 0, 9);
	is_int(skipped, 3, "defer_shift 2: three of the next four attempts deferred");
	for (unsigned i = 0; i < 10; i++)
		sim_defer_compaction(m, 0, 9);
	is_int(m->zones[0].compact_defer_shift, 6, "defer shift capped at 6");
	sim_compaction_defer_reset(m, 0, 9, true);
	is_int(m->zones[0].compact_defer_shift, 0, "reset after a successful allocation");
	is_int(m->zones[0].compact_order_failed, 10, "order_failed raised past the order");
	sim_machine_free(m);
}

/* Direct compaction: 64 pages (max order 3, pageblock order 2); every even
 * pfn allocated movable: no order-1 block. An order-1 request fails at the
 * min watermark, compaction_suitable agrees (order 1 is not costly).
 * ASYNC first: the migrate scanner isolates 0 (skip_on_failure: the
 * order-1 chunk 0..1 is complete), the free scanner (stride 32) visits
 * only the first page of blocks 15..1, all allocated: 15 pages scanned,
 * nothing isolated; 0 fails, the scanners met: COMPLETE, the retry fails
 * (stall 1, fail 1; ASYNC does not defer). SYNC_LIGHT then scans with
 * stride 1, frees an order-1 block, and the retry succeeds: stall 2. */
static void test_direct(void)
{
	struct sim_machine *m = mk(4, 2, 64, SIM_COMPACT_DIRECT);
	struct sim_ref ref;
	int rc;

	if (!m) {
		ok(0, "machine");
		return;
	}
	for (uint32_t i = 0; i < 64; i++)
		sim_alloc(m, 0, SIM_MT_MOVABLE, i, &ref);
	for (uint32_t i = 1; i < 64; i += 2) {
		ref.pfn = i;
		ref.zone = 0;
		sim_free(m, ref);
	}
	is_u64(m->zones[0].nr_free[1], 0, "no free order-1 block");
	rc = sim_alloc(m, 1, SIM_MT_MOVABLE, 100, &ref);
	is_int(rc, 0, "order-1 allocation succeeds after direct compaction");
	is_u64(sim_counter(m, SIM_CNT_COMPACT_STALL), 2, "compact_stall 2 (ASYNC, SYNC_LIGHT)");
	is_u64(sim_counter(m, SIM_CNT_COMPACT_SUCCESS), 1, "compact_success 1");
	is_u64(sim_counter(m, SIM_CNT_COMPACT_FAIL), 1, "compact_fail 1 (the ASYNC attempt)");
	is_int(m->zones[0].compact_defer_shift, 0, "no deferral");
	is_int(sim_zone_compact_end(m, 0)->priority, 1, "last run at SYNC_LIGHT");
	ok(sim_counter(m, SIM_CNT_PGMIGRATE_SUCCESS) > 0, "pages were migrated");
	ok(checked(m), "invariants hold");
	sim_machine_free(m);

	/* the same with compaction off fails without counting a stall */
	m = mk(4, 2, 64, SIM_COMPACT_NONE);
	for (uint32_t i = 0; i < 64; i++)
		sim_alloc(m, 0, SIM_MT_MOVABLE, i, &ref);
	for (uint32_t i = 1; i < 64; i += 2) {
		ref.pfn = i;
		ref.zone = 0;
		sim_free(m, ref);
	}
	is_int(sim_alloc(m, 1, SIM_MT_MOVABLE, 100, &ref), -ENOMEM, "without compaction it fails");
	is_u64(sim_counter(m, SIM_CNT_COMPACT_STALL), 0, "and no stall is counted");
	sim_machine_free(m);
}

/* compaction_suitable for a costly order: V5-like state (eight order-8
 * blocks, fragindex 375 at order 9 <= 500) is not suitable. */
static void test_suitable(void)
{
	struct sim_machine *m = mk(11, 9, 4096, SIM_COMPACT_DIRECT);
	struct sim_ref ref;
	uint32_t held[8];

	if (!m) {
		ok(0, "machine");
		return;
	}
	/* 4096 pages = four order-10 blocks; split into order-8 blocks: take
	 * all as order 8, then free every other one */
	for (uint32_t i = 0; i < 16; i++) {
		sim_alloc(m, 8, SIM_MT_MOVABLE, i, &ref);
		if (i % 2 == 0)
			held[i / 2] = ref.pfn;
	}
	for (uint32_t i = 0; i < 16; i++)
		if (i % 2 == 1) {
			ref.pfn = i * 256;
			ref.zone = 0;
			sim_free(m, ref);
		}
	(void)held;
	is_u64(m->zones[0].nr_free[8], 8, "eight free order-8 blocks");
	ok(!sim_compaction_suitable(m, 0, 9), "order 9: fragindex 375 <= 500, not suitable");
	ok(sim_compaction_suitable(m, 0, 3), "order 3: fragindex ignored, suitable");
	sim_machine_free(m);
}

int main(void)
{
	test_hand();
	test_defer();
	test_direct();
	test_suitable();
	return done_testing();
}
