/* test_sim_buddy.c - the simulator's allocator: hand-worked expand/merge
 * placement, claim and no-claim per kernel-facts §5.4, watermarks, and
 * invariants over randomized runs. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "../tap.h"
#include "rng.h"
#include "sim_buddy.h"
#include "sim_internal.h"

static struct sim_machine *mk(unsigned orders, unsigned pbo, uint64_t pages)
{
	struct sim_config c;
	struct sim_machine *m = NULL;

	sim_config_default(&c);
	c.orders = orders;
	c.pageblock_order = pbo;
	c.zones[0].pages = pages;
	c.no_watermarks = true;
	c.compaction = SIM_COMPACT_NONE;
	if (sim_machine_new(&c, &m))
		return NULL;
	return m;
}

static uint32_t A(struct sim_machine *m, unsigned order, enum sim_mt mt)
{
	struct sim_ref r;
	if (sim_alloc(m, order, mt, 0, &r))
		return SIM_NIL;
	return r.pfn;
}

static void F(struct sim_machine *m, uint32_t pfn)
{
	struct sim_ref r = { .pfn = pfn, .zone = 0 };
	if (sim_free(m, r))
		diag("free of %u failed", pfn);
}

static int checked(struct sim_machine *m)
{
	char msg[256];
	int rc = sim_check(m, msg, sizeof msg);
	if (rc)
		diag("check: %s", msg);
	return rc == 0;
}

static void test_expand_merge(void)
{
	struct sim_machine *m = mk(4, 2, 16);   /* max order 3, two order-3 blocks */
	struct sim_zone *z;
	const unsigned M = SIM_MT_MOVABLE;

	ok(m != NULL, "16-page machine");
	if (!m)
		return;
	z = &m->zones[0];
	is_int(sim_list_first(z, 3, M), 0, "initial order-3 list starts at pfn 0 (freed to the tail)");
	is_int(sim_list_last(z, 3, M), 8, "and ends at pfn 8");
	is_int(A(m, 0, M), 0, "first order-0 allocation takes the lowest pfn");
	is_int(sim_list_first(z, 2, M), 4, "expand: upper half 4 at order 2");
	is_int(sim_list_first(z, 1, M), 2, "expand: upper half 2 at order 1");
	is_int(sim_list_first(z, 0, M), 1, "expand: upper half 1 at order 0");
	for (unsigned i = 1; i < 8; i++)
		if (A(m, 0, M) != i)
			diag("allocation %u not at pfn %u", i, i);
	is_u64(z->free_pages, 8, "pfns 0..7 allocated in order");
	F(m, 5);
	F(m, 2);
	is_int(sim_list_first(z, 0, M), 2, "free 2 (no likely merge) goes to the head");
	F(m, 3);
	is_int(sim_list_first(z, 1, M), 2, "free 3 merges with 2 into an order-1 block");
	is_int(sim_list_first(z, 0, M), 5, "order-0 list holds 5");
	F(m, 0);
	is_int(sim_list_first(z, 0, M), 5, "free 0 (buddy 1 busy, order-1 buddy 2 free): tail, 5 stays head");
	is_int(sim_list_last(z, 0, M), 0, "... and 0 is the tail");
	F(m, 1);
	is_int(sim_list_first(z, 2, M), 0, "free 1 merges 0..3 into order 2");
	is_int(z->nr_free[0], 1, "one order-0 block left (5)");
	ok(checked(m), "invariants hold");
	F(m, 4);
	F(m, 6);
	F(m, 7);
	is_int(z->nr_free[3], 2, "everything merged back to two order-3 blocks");
	ok(checked(m), "invariants hold after free-all");
	sim_machine_free(m);
}

static void test_claim(void)
{
	const unsigned U = SIM_MT_UNMOVABLE, M = SIM_MT_MOVABLE;
	struct sim_machine *m;
	struct sim_zone *z;
	uint32_t p;

	/* orders 6 (max 5), pageblock order 4: 16-page blocks, half = 8 */
	m = mk(6, 4, 32);
	ok(sim_can_claim(m, 4, M), "can claim: order >= pageblock order");
	ok(!sim_can_claim(m, 1, M), "cannot claim: movable order 1 < pageblock_order/2");
	ok(sim_can_claim(m, 2, M), "can claim: order >= pageblock_order/2");
	ok(sim_can_claim(m, 0, U), "can claim: unmovable request");
	ok(sim_can_claim(m, 0, SIM_MT_RECLAIMABLE), "can claim: reclaimable request");
	z = &m->zones[0];

	/* whole-block claim by an order >= pageblock order fallback */
	is_int(A(m, 0, U), 0, "unmovable order 0 from the order-5 movable block");
	is_u64(sim_zone_blocks(m, 0, U), 2, "both pageblocks retyped Unmovable");
	is_int(sim_list_first(z, 4, U), 16, "remainder expanded onto the unmovable lists");
	/* consume down to a 3-page unmovable remainder: 1 (o0), 2 (o1) */
	A(m, 4, U);
	A(m, 3, U);
	A(m, 2, U);
	p = A(m, 0, M);
	is_int(p, 1, "movable order 0: largest fallback order 1 cannot claim, smallest-first steal takes pfn 1");
	is_u64(sim_zone_blocks(m, 0, U), 2, "no claim: blocks stay Unmovable");
	is_u64(sim_counter(m, SIM_CNT_CLAIM), 2, "claims: only the initial order-5 one (2 blocks)");
	ok(checked(m), "invariants hold");
	sim_machine_free(m);

	/* free + alike below half a block: single-page steal */
	m = mk(6, 4, 32);
	z = &m->zones[0];
	for (unsigned i = 0; i < 30; i++)
		A(m, 0, M);
	p = A(m, 0, U);
	is_int(p, 30, "unmovable order 0 steals from the order-1 movable block at 30");
	is_u64(sim_zone_blocks(m, 0, M), 2, "free 2 + alike 0 < 8: block stays Movable");
	is_int(sim_list_first(z, 0, M), 31, "the other half stays on the movable list");
	ok(checked(m), "invariants hold");
	sim_machine_free(m);

	/* free + alike reaching half a block: claim */
	m = mk(6, 4, 32);
	z = &m->zones[0];
	for (unsigned i = 0; i < 30; i++)
		A(m, 0, M);
	for (uint32_t i = 16; i < 24; i++)
		F(m, i);
	is_int(sim_list_first(z, 3, M), 16, "16..23 merged into an order-3 block");
	p = A(m, 0, U);
	is_u64(sim_zone_blocks(m, 0, U), 1, "free 10 + alike 0 >= 8: block 1 claimed");
	is_int(p, 30, "then __rmqueue_smallest(Unmovable) takes the order-1 block at 30");
	is_int(sim_list_first(z, 0, U), 31, "its half on the unmovable order-0 list");
	is_int(sim_list_first(z, 3, U), 16, "the order-3 block moved to the unmovable list");
	ok(checked(m), "invariants hold");
	sim_machine_free(m);
}

static void test_watermarks(void)
{
	struct sim_config c;
	struct sim_machine *m = NULL;

	sim_config_default(&c);   /* 1 GiB Normal */
	ok(sim_machine_new(&c, &m) == 0, "1 GiB machine");
	if (!m)
		return;
	/* min_free_kbytes = int_sqrt(1048576 * 16) = 4096 -> 1024 pages;
	 * gap = max(1024/4, 262144 * 10 / 10000 = 262) */
	is_u64(sim_zone_wmark(m, 0, 0), 1024, "min");
	is_u64(sim_zone_wmark(m, 0, 1), 1286, "low = min + 262");
	is_u64(sim_zone_wmark(m, 0, 2), 1548, "high = min + 2 * 262");
	sim_machine_free(m);

	sim_config_default(&c);
	c.nzones = 2;
	strcpy(c.zones[0].name, "DMA32");
	c.zones[0].pages = 262144;
	strcpy(c.zones[1].name, "Normal");
	c.zones[1].pages = 786432;
	ok(sim_machine_new(&c, &m) == 0, "4 GiB DMA32 + Normal");
	if (!m)
		return;
	/* lowmem 4 GiB: int_sqrt(4194304*16) = 8192 kB -> 2048 pages, split by managed */
	is_u64(sim_zone_wmark(m, 0, 0), 512, "DMA32 min = 2048 * 1/4");
	is_u64(sim_zone_wmark(m, 1, 0), 1536, "Normal min = 2048 * 3/4");
	is_int(sim_zone_reserve(m, 0, 1), 786432 / 256, "DMA32 protection against Normal = managed/256");
	is_int(sim_zone_reserve(m, 1, 1), 0, "Normal has no protection against itself");
	ok(m->nofragment, "ALLOC_NOFRAGMENT applies with DMA32 below Normal");
	sim_machine_free(m);
}

/* Random alloc/free with the checker after every op; then free all. */
static void test_random(unsigned orders, unsigned pbo, uint64_t pages, uint64_t seed)
{
	struct sim_machine *m = mk(orders, pbo, pages);
	struct fs_rng r;
	uint32_t live[4096];
	unsigned nlive = 0, bad = 0;
	uint64_t init[FS_MAX_ORDERS];

	if (!m) {
		ok(0, "machine");
		return;
	}
	memcpy(init, m->zones[0].nr_free, sizeof init);
	fs_rng_seed(&r, seed);
	for (unsigned i = 0; i < 4000 && !bad; i++) {
		if (nlive && (nlive == 4096 || fs_rng_below(&r, 100) < 45)) {
			unsigned k = (unsigned)fs_rng_below(&r, nlive);
			F(m, live[k]);
			live[k] = live[--nlive];
		} else {
			unsigned o = (unsigned)fs_rng_below(&r, 4);
			enum sim_mt mt = (enum sim_mt)fs_rng_below(&r, 3);
			uint32_t p = A(m, o, mt);
			if (p != SIM_NIL)
				live[nlive++] = p;
		}
		if (!checked(m))
			bad = i + 1;
	}
	ok(!bad, "orders %u pbo %u pages %llu seed %llu: invariants after every op",
	   orders, pbo, (unsigned long long)pages, (unsigned long long)seed);
	while (nlive)
		F(m, live[--nlive]);
	ok(checked(m), "free-all: invariants");
	{
		/* all free again: every order's count equals the one after boot */
		is_u64(m->zones[0].free_pages, pages, "free-all: every page free");
		ok(memcmp(init, m->zones[0].nr_free, sizeof init) == 0,
		   "free-all: the same free blocks per order as after boot");
	}
	sim_machine_free(m);
}

static void test_names(void)
{
	enum sim_mt mt;
	for (unsigned c = 0; c < SIM_CNT_NR; c++)
		if (!sim_cnt_name((enum sim_cnt)c) || !*sim_cnt_name((enum sim_cnt)c))
			diag("counter %u has no name", c);
	is_str(sim_cnt_name(SIM_CNT_COMPACT_STALL), "compact_stall", "counter table");
	is_str(sim_cnt_name(SIM_CNT_PGMIGRATE_FAIL), "pgmigrate_fail", "counter table end of vmstat");
	ok(sim_mt_parse("Movable", &mt) == 0 && mt == SIM_MT_MOVABLE, "parse Movable");
	ok(sim_mt_parse("r", &mt) == 0 && mt == SIM_MT_RECLAIMABLE, "parse r");
	ok(sim_mt_parse("highatomic", &mt) == -EINVAL, "HighAtomic is not a request type");
}

int main(void)
{
	struct sim_config c;
	struct sim_machine *m = NULL;

	test_names();
	test_expand_merge();
	test_claim();
	test_watermarks();
	test_random(6, 3, 256, 1);
	test_random(11, 9, 4096, 2);
	test_random(11, 9, 3000, 3);    /* zone end not aligned */
	test_random(5, 4, 100, 4);
	sim_config_default(&c);
	c.zones[0].pages = UINT64_C(1) << 32;
	is_int(sim_machine_new(&c, &m), -ERANGE, "zones above 2^31 pages are refused");
	c.zones[0].pages = 1024;
	c.pageblock_order = 11;
	is_int(sim_machine_new(&c, &m), -EINVAL, "pageblock order must be below the order count");
	return done_testing();
}
