/* test_sim_layout.c - seeding a simulated zone from a page layout
 * (sim_layout.c): pages placed at their exact pfns with their class and
 * folio order, worked by hand below; chunking does not matter; pageblock
 * types by majority and to given counts; compaction neither splits a
 * large folio nor moves a hugetlb block or an unmovable page. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <stdio.h>
#include <stdlib.h>

#include "../tap.h"
#include "collect.h"
#include "load.h"
#include "sim_from.h"
#include "pagemap.h"
#include "sim_buddy.h"
#include "sim_compact.h"
#include "sim_internal.h"
#include "sim_layout.h"

#define B(bit) (UINT64_C(1) << (bit))
#define LRU B(FS_KPF_LRU)
#define HEAD B(FS_KPF_HEAD)
#define TAIL B(FS_KPF_TAIL)
#define THP B(FS_KPF_THP)
#define BUDDY B(FS_KPF_BUDDY)
#define HUGE B(FS_KPF_HUGE)
#define ANON B(FS_KPF_ANON)
#define DIRTY B(4)   /* KPF_DIRTY */

/* Zone: absolute pfns [1, 48) (start mid-pageblock); 5 orders (largest
 * block 16 pages), pageblock order 3 (8 pages): sim pfn = absolute pfn,
 * 48 pages, 6 pageblocks; pfn 0 lies outside the zone.
 *   1..7    free            -> free blocks 1/o0, 2/o1, 4/o2
 *   8..11   THP head+tails, dirty -> movable order-2 page-cache folio at 8
 *   12..13  anon head+tail  -> movable order-1 folio at 12
 *   14..15  free            -> 14/o1
 *   16..23  hugetlb         -> pinned order 3 at 16
 *   24 slab, 25 page table, 26 other (no flags, mapcount 1) -> unmovable o0
 *   27      file LRU, dirty -> movable o0, kind file
 *   28..31  free            -> 28/o2
 *   32..47  free            -> 32/o4 (over pageblocks 4 and 5)
 * Free: o0 1, o1 2, o2 2, o3 0, o4 1 = 29 pages; pinned: 0 and 16..23. */
#define N 47
static uint64_t fl[N], ct[N];

static void layout(void)
{
	size_t i = 0;
	memset(fl, 0, sizeof fl);
	memset(ct, 0, sizeof ct);
#define AT(pfn) (i = (pfn) - 1)
	for (AT(1); i < 7; i++)
		fl[i] = BUDDY;
	AT(8);
	fl[i] = HEAD | LRU | THP | DIRTY;
	for (i++; i < 11; i++)
		fl[i] = TAIL | LRU | THP;
	AT(12);
	fl[i] = HEAD | LRU | ANON;
	fl[i + 1] = TAIL | LRU | ANON;
	AT(14);
	fl[i] = fl[i + 1] = BUDDY;
	AT(16);
	fl[i] = HEAD | HUGE;
	for (i++; i < 23; i++)
		fl[i] = TAIL | HUGE;
	AT(24);
	fl[i] = B(FS_KPF_SLAB);
	fl[i + 1] = B(FS_KPF_PGTABLE);
	fl[i + 2] = 0;
	ct[i + 2] = 1;
	fl[i + 3] = LRU | DIRTY;
	ct[i + 3] = 1;
	for (AT(28); i < N; i++)
		fl[i] = BUDDY;
#undef AT
}

static struct sim_machine *mk(uint64_t pages)
{
	struct sim_config c;
	struct sim_machine *m = NULL;

	sim_config_default(&c);
	c.orders = 5;
	c.pageblock_order = 3;
	c.zones[0].pages = pages;
	c.no_watermarks = true;
	c.compaction = SIM_COMPACT_FULL;
	if (sim_machine_new(&c, &m))
		return NULL;
	return m;
}

/* Seed the layout fed `chunk` pfns at a time. */
static struct sim_machine *seed(struct fs_pagemap *pm, size_t chunk, const uint64_t *want,
				struct sim_layout_stats *st)
{
	struct sim_machine *m = mk(48);
	struct sim_layout *L = m ? sim_layout_new(m, pm) : NULL;
	int rc = L ? sim_layout_zone_begin(L, 0, 1, N) : -ENOMEM;

	for (size_t i = 0; rc == 0 && i < N; i += chunk)
		rc = sim_layout_feed(L, fl + i, ct + i, i + chunk <= N ? chunk : N - i);
	if (rc == 0)
		rc = sim_layout_zone_end(L, want, st);
	sim_layout_free(L);
	if (rc) {
		sim_machine_free(m);
		return NULL;
	}
	return m;
}

static const struct sim_zone *Z(const struct sim_machine *m)
{
	return &m->zones[0];
}

static unsigned st_of(const struct sim_machine *m, uint32_t pfn)
{
	return SIM_STATE(Z(m)->info[pfn]);
}

static unsigned ord_of(const struct sim_machine *m, uint32_t pfn)
{
	return SIM_ORDER(Z(m)->info[pfn]);
}

static unsigned mt_of(const struct sim_machine *m, uint32_t pfn)
{
	return SIM_MTOF(Z(m)->info[pfn]);
}

static int kind_of(const struct sim_machine *m, uint32_t pfn)
{
	enum sim_kind k;
	struct sim_ref r = { .pfn = pfn, .zone = 0 };
	return sim_alloc_kind(m, r, &k) ? -1 : (int)k;
}

/* Pages held by allocations of kind k. */
static uint64_t kind_pages(const struct sim_machine *m, enum sim_kind k)
{
	uint64_t n = 0;
	for (uint32_t p = 0; p < Z(m)->npages;) {
		uint8_t b = Z(m)->info[p];
		if (SIM_STATE(b) == SIM_ST_ALLOC && kind_of(m, p) == (int)k)
			n += (uint64_t)1 << SIM_ORDER(b);
		p += SIM_STATE(b) == SIM_ST_NONE ? 1 : (uint32_t)1 << SIM_ORDER(b);
	}
	return n;
}

/* Live allocations: order-1 and order-2 movable ones counted. */
struct census {
	const struct sim_machine *m;
	unsigned movable[5], unmovable[5], held;
	uint32_t at[8];
	unsigned n;
};

static int count_alloc(void *ctx, unsigned zone, uint32_t pfn, unsigned order, enum sim_mt mt,
		       uint32_t tag)
{
	struct census *c = ctx;
	(void)zone;
	(void)tag;
	if (kind_of(c->m, pfn) == SIM_KIND_HUGETLB || kind_of(c->m, pfn) == SIM_KIND_RESERVED)
		c->held++;
	else if (mt == SIM_MT_MOVABLE)
		c->movable[order]++;
	else
		c->unmovable[order]++;
	if (c->n < 8)
		c->at[c->n] = pfn;
	c->n++;
	return 0;
}

int main(void)
{
	struct fs_pagemap *pm = fs_pagemap_new(3, false);
	struct sim_layout_stats st;
	struct sim_machine *m;
	struct census c;
	char msg[256] = "";

	layout();
	pm->kver = 618;

	is_u64(sim_layout_zone_pages(5, 1, N), 48, "zone of pfns [1, 48): 48 sim pages from pfn 0");
	is_u64(sim_layout_zone_pages(11, 4096, 100), 100, "aligned start: no leading pages");

	m = seed(pm, N, NULL, &st);
	ok(m != NULL, "the layout seeds");
	if (!m)
		return done_testing();
	is_int(sim_check(m, msg, sizeof msg), 0, "invariants hold after seeding (%s)", msg);
	is_u64(sim_zone_start_pfn(m, 0), 0, "sim pfn 0 is absolute pfn 0 (the aligned pfn below 1)");
	/* free blocks exactly where the BUDDY runs are */
	is_u64(sim_zone_nr_free(m, 0, 0), 1, "order 0: one free block");
	is_u64(sim_zone_nr_free(m, 0, 1), 2, "order 1: two");
	is_u64(sim_zone_nr_free(m, 0, 2), 2, "order 2: two");
	is_u64(sim_zone_nr_free(m, 0, 3), 0, "order 3: none");
	is_u64(sim_zone_nr_free(m, 0, 4), 1, "order 4: one (over two pageblocks)");
	is_u64(sim_zone_free_pages(m, 0), 29, "29 free pages");
	ok(st_of(m, 1) == SIM_ST_FREE && ord_of(m, 1) == 0, "pfn 1: free order 0");
	ok(st_of(m, 2) == SIM_ST_FREE && ord_of(m, 2) == 1, "pfn 2: free order 1");
	ok(st_of(m, 4) == SIM_ST_FREE && ord_of(m, 4) == 2, "pfn 4: free order 2");
	ok(st_of(m, 14) == SIM_ST_FREE && ord_of(m, 14) == 1, "pfn 14: free order 1");
	ok(st_of(m, 28) == SIM_ST_FREE && ord_of(m, 28) == 2, "pfn 28: free order 2");
	ok(st_of(m, 32) == SIM_ST_FREE && ord_of(m, 32) == 4, "pfn 32: free order 4");
	/* allocations with their folio order */
	ok(st_of(m, 8) == SIM_ST_ALLOC && ord_of(m, 8) == 2 && mt_of(m, 8) == SIM_MT_MOVABLE &&
	   kind_of(m, 8) == SIM_KIND_FILE,
	   "pfn 8: the dirty THP (LRU without ANON) is one movable order-2 page-cache allocation");
	ok(st_of(m, 12) == SIM_ST_ALLOC && ord_of(m, 12) == 1 && mt_of(m, 12) == SIM_MT_MOVABLE &&
	   kind_of(m, 12) == SIM_KIND_NORMAL,
	   "pfn 12: the anon folio is one movable order-1 allocation, kind normal");
	ok(st_of(m, 16) == SIM_ST_ALLOC && ord_of(m, 16) == 3 && kind_of(m, 16) == SIM_KIND_HUGETLB,
	   "pfn 16: one hugetlb allocation of order 3");
	for (uint32_t p = 24; p < 27; p++)
		ok(st_of(m, p) == SIM_ST_ALLOC && ord_of(m, p) == 0 && mt_of(m, p) == SIM_MT_UNMOVABLE,
		   "pfn %u: unmovable order 0 (slab, page table, other)", p);
	ok(st_of(m, 27) == SIM_ST_ALLOC && mt_of(m, 27) == SIM_MT_MOVABLE &&
	   kind_of(m, 27) == SIM_KIND_FILE, "pfn 27: dirty file page movable, kind file");
	ok(kind_of(m, 0) == SIM_KIND_RESERVED, "pfn 0 (before the zone's first pfn): reserved");
	is_u64(kind_pages(m, SIM_KIND_RESERVED), 1, "reserved: pfn 0 only");
	is_u64(kind_pages(m, SIM_KIND_HUGETLB), 8, "hugetlb: 8 pages");
	memset(&c, 0, sizeof c);
	c.m = m;
	sim_foreach_alloc(m, count_alloc, &c);
	is_int(c.n, 8, "eight live allocations (with the hugetlb and reserved ones)");
	/* stats */
	is_u64(st.pages[FS_PC_FREE], 29, "stats: 29 free pages");
	is_u64(st.pages[FS_PC_MOVABLE], 7, "stats: 7 movable pages");
	is_u64(st.pages[FS_PC_HUGETLB], 8, "stats: 8 hugetlb pages");
	is_u64(st.pages[FS_PC_SLAB] + st.pages[FS_PC_PAGETABLE] + st.pages[FS_PC_OTHER], 3,
	       "stats: 3 unmovable pages");
	is_u64(st.free_blocks, 6, "stats: 6 free blocks");
	is_u64(st.large_folios, 2, "stats: 2 large folios");
	is_u64(st.hugetlb_blocks, 1, "stats: 1 hugetlb block");
	is_u64(st.irregular, 0, "stats: no irregular compound run");
	/* types by majority: block 3 (24..31) has 3 unmovable vs 1 movable */
	ok(!st.types_from_counts, "no counts given: majority rule");
	is_u64(sim_zone_blocks(m, 0, SIM_MT_UNMOVABLE), 1, "majority: one Unmovable block");
	is_int(Z(m)->pbtype[3], SIM_MT_UNMOVABLE, "majority: it is block 3");
	is_u64(sim_zone_nr_free_mt(m, 0, 2, SIM_MT_UNMOVABLE), 1,
	       "the free block at 28 is on the Unmovable list of its block");

	/* full compaction: block 1 isolates 8 (dirty page cache, order 2) and
	 * 12 (anon, order 1); the free scanner finds no target (block 5 holds
	 * only tails of the order-4 block at 32, block 4 starts with a free
	 * block of pageblock order, block 3 is Unmovable, block 2 hugetlb), so
	 * 12 (migrated first) is split by try_split_folio and 8, which cannot
	 * be split, ends the batch with -ENOMEM: the split pages stay split
	 * where they are (v6.12 migrate_pages), the scanners met. The
	 * hugetlb block and the unmovable pages stay. */
	sim_compact_memory(m);
	is_int(sim_check(m, msg, sizeof msg), 0, "invariants hold after compaction (%s)", msg);
	memset(&c, 0, sizeof c);
	c.m = m;
	sim_foreach_alloc(m, count_alloc, &c);
	is_int(c.movable[2], 1, "after compaction: still one movable order-2 folio (not split)");
	is_int(c.movable[1], 0, "after compaction: the anon order-1 folio was split");
	is_int(c.movable[0], 3, "after compaction: three movable order-0 pages (12, 13, 27)");
	ok(st_of(m, 12) == SIM_ST_ALLOC && ord_of(m, 12) == 0 && st_of(m, 13) == SIM_ST_ALLOC &&
	   ord_of(m, 13) == 0, "after compaction: 12 and 13 split in place, not migrated");
	{
		struct sim_ref r0 = { .pfn = 0, .zone = 0 };
		is_int(sim_free(m, r0), -EPERM, "a reserved page cannot be freed");
	}
	ok(st_of(m, 16) == SIM_ST_ALLOC && ord_of(m, 16) == 3 && kind_of(m, 16) == SIM_KIND_HUGETLB,
	   "after compaction: hugetlb still at 16");
	ok(kind_of(m, 0) == SIM_KIND_RESERVED, "after compaction: pfn 0 still reserved");
	for (uint32_t p = 17; p < 24; p++)
		if (Z(m)->info[p] != 0)
			ok(0, "after compaction: pfn %u inside the hugetlb block changed", p);
	for (uint32_t p = 24; p < 27; p++)
		ok(st_of(m, p) == SIM_ST_ALLOC && mt_of(m, p) == SIM_MT_UNMOVABLE,
		   "after compaction: unmovable pfn %u stayed", p);
	is_u64(sim_zone_free_pages(m, 0), 29, "after compaction: still 29 free pages");
	sim_machine_free(m);

	/* chunking: one pfn at a time gives the same machine */
	{
		struct sim_machine *a = seed(pm, N, NULL, &st), *b = seed(pm, 1, NULL, &st);
		struct sim_machine *d = seed(pm, 5, NULL, &st);
		ok(a && b && d && memcmp(Z(a)->info, Z(b)->info, 48) == 0 &&
		   memcmp(Z(a)->info, Z(d)->info, 48) == 0 &&
		   memcmp(Z(a)->pbtype, Z(b)->pbtype, 6) == 0,
		   "chunks of 1, 5 and 47 pfns seed the same pages and types");
		sim_machine_free(a);
		sim_machine_free(b);
		sim_machine_free(d);
	}

	/* types to counts: two Unmovable blocks: block 3 (key 2), then block 0
	 * (key 0, unmov 0, lowest pfn); one Reclaimable from the two: the one
	 * with the most slab (block 3) */
	{
		uint64_t want[SIM_NR_MT] = { [SIM_MT_UNMOVABLE] = 1, [SIM_MT_RECLAIMABLE] = 1,
					     [SIM_MT_MOVABLE] = 4 };
		m = seed(pm, N, want, &st);
		ok(m && st.types_from_counts, "counts given: drawn to them");
		if (m) {
			is_int(Z(m)->pbtype[3], SIM_MT_RECLAIMABLE, "block 3 (most slab): Reclaimable");
			is_int(Z(m)->pbtype[0], SIM_MT_UNMOVABLE, "block 0: Unmovable");
			is_u64(sim_zone_blocks(m, 0, SIM_MT_MOVABLE), 4, "the other four Movable");
			is_u64(sim_zone_nr_free_mt(m, 0, 0, SIM_MT_UNMOVABLE), 1,
			       "free pfn 1 on block 0's Unmovable list");
			is_u64(sim_zone_nr_free_mt(m, 0, 2, SIM_MT_RECLAIMABLE), 1,
			       "free 28/o2 on block 3's Reclaimable list");
			is_int(sim_check(m, msg, sizeof msg), 0, "invariants hold (%s)", msg);
		}
		sim_machine_free(m);
		/* a type drawn onto block 4 only must reach block 5 too: the
		 * order-4 free block at 32 spans both */
		want[SIM_MT_UNMOVABLE] = 6;
		want[SIM_MT_RECLAIMABLE] = 0;
		m = seed(pm, N, want, &st);
		ok(m && sim_check(m, msg, sizeof msg) == 0, "six Unmovable blocks: invariants hold");
		sim_machine_free(m);
	}

	/* an unevictable page is kind unevictable (compaction decides by the sysctl);
	 * an irregular compound run (head + 2 tails at 8) is placed as 8/o1 +
	 * 10/o0; pages outside System RAM are holes */
	{
		uint64_t sf = fl[10], sc = ct[10];
		fl[27 - 1] = LRU | B(FS_KPF_UNEVICTABLE);
		fl[10] = LRU;   /* pfn 11: a plain page ends the THP early */
		ct[10] = 1;
		struct fs_pfn_range ram[1] = { { 0, 40 } };
		pm->ram = ram;
		pm->nram = 1;
		m = seed(pm, N, NULL, &st);
		pm->ram = NULL;
		pm->nram = 0;
		ok(m != NULL, "variant seeds");
		if (m) {
			ok(st_of(m, 27) == SIM_ST_ALLOC && kind_of(m, 27) == SIM_KIND_UNEVICTABLE,
			   "unevictable page: kind unevictable");
			ok(ord_of(m, 8) == 1 && st_of(m, 10) == SIM_ST_ALLOC && ord_of(m, 10) == 0,
			   "a 3-page compound run: order 1 at 8, order 0 at 10");
			is_u64(st.irregular, 1, "counted as irregular");
			is_u64(st.pages[FS_PC_HOLE], 8, "pfns 40..47 outside System RAM: holes");
			ok(kind_of(m, 40) == SIM_KIND_RESERVED, "pfn 40: a hole, reserved");
			is_u64(sim_zone_free_pages(m, 0), 29 - 16 + 8, "the free run stops at 40: 21 pages");
			is_int(sim_check(m, msg, sizeof msg), 0, "invariants hold (%s)", msg);
		}
		sim_machine_free(m);
		fl[10] = sf;
		ct[10] = sc;
		layout();
	}

	/* fewer pfns fed than the span: the rest are holes */
	{
		struct sim_machine *mm = mk(48);
		struct sim_layout *L = sim_layout_new(mm, pm);
		ok(L && sim_layout_zone_begin(L, 0, 1, N) == 0 && sim_layout_feed(L, fl, ct, 20) == 0 &&
		   sim_layout_zone_end(L, NULL, &st) == 0, "a short feed closes");
		is_u64(st.pages[FS_PC_HOLE], N - 20, "the unfed pfns are holes");
		is_u64(kind_pages(mm, SIM_KIND_RESERVED), 1 + N - 20, "reserved: pfn 0 and the holes");
		is_u64(kind_pages(mm, SIM_KIND_HUGETLB), 5, "hugetlb: pfns 16..20 fed as a cut run");
		is_int(sim_check(mm, msg, sizeof msg), 0, "invariants hold (%s)", msg);
		ok(sim_layout_zone_begin(L, 0, 1, N + 1) == -EINVAL, "a span that does not fit the zone: -EINVAL");
		ok(sim_layout_feed(L, fl, ct, 1) == -EINVAL, "feeding a closed zone: -EINVAL");
		sim_layout_free(L);
		sim_machine_free(mm);
	}
	fs_pagemap_free(pm);

	/* Without a layout (sim_from_snapshot): the real window fixture's free
	 * lists, with 1000 reserved pages (present - managed), 3 hugetlb pages
	 * and 4 MiB of THP in meminfo: reserved at the zone's top, hugetlb
	 * and THP folios whole on allocated blocks drawn by the seed. */
	{
		char path[4096];
		const char *top = getenv("top_srcdir");
		struct fs_snapshot *s = NULL;
		struct fs_diag d = { 0 };
		struct sim_config base;
		struct sim_from_info info;
		struct sim_machine *a = NULL, *b = NULL;
		char err[256] = "";
		uint32_t ha = UINT32_MAX, hb = UINT32_MAX;
		snprintf(path, sizeof path, "%s/tests/fixtures/simfrom/x86_64-6.18-window", top ? top : ".");
		ok(fs_load_state_ex(path, false, false, NULL, &s, &d) == 0, "window fixture loads (%s)", d.msg);
		if (s) {
			struct fs_zone *z = fs_node_zone(fs_snapshot_node(s, 0), "Normal");
			z->managed = z->present - 1000;
			fs_kv_set(&s->meminfo, "HugePages_Total", 3);
			fs_kv_set(&s->meminfo, "Hugepagesize", 2048);
			fs_kv_set(&s->meminfo, "AnonHugePages", 4096);
			sim_config_default(&base);
			ok(sim_from_snapshot(s, -1, &base, 1, &a, &info, err, sizeof err) == 0,
			   "synthesized: seeds (%s)", err);
			if (a) {
				uint64_t np = sim_zone_pages(a, 0);
				is_int(sim_check(a, msg, sizeof msg), 0, "synthesized: invariants hold (%s)", msg);
				ok(!info.layout, "synthesized: not from a layout");
				is_u64(info.reserved_pages, 1000, "synthesized: 1000 reserved pages");
				is_u64(kind_pages(a, SIM_KIND_RESERVED), 1000, "synthesized: held as kind reserved");
				{
					uint64_t low = 0;
					for (uint32_t p = 0; p < np - 1000; p++)
						low += kind_of(a, p) == SIM_KIND_RESERVED;
					ok(low == 0 && kind_of(a, (uint32_t)(np - 1000)) == SIM_KIND_RESERVED,
					   "synthesized: the reserved pages are the zone's top 1000");
				}
				is_u64(info.synth_hugetlb, 3, "synthesized: 3 hugetlb folios");
				is_u64(kind_pages(a, SIM_KIND_HUGETLB), 3 * 512, "synthesized: 3 x 512 hugetlb pages");
				is_u64(info.synth_thp, 2, "synthesized: 2 THP");
				is_u64(sim_zone_free_pages(a, 0), 96177, "synthesized: every free page placed");
				ok(info.nnotes >= 3, "synthesized: assumptions stated (%u)", info.nnotes);
				for (uint32_t p = 0; p < np; p += 512)
					if (kind_of(a, p) == SIM_KIND_HUGETLB) {
						ha = p;
						break;
					}
			}
			ok(sim_from_snapshot(s, -1, &base, 2, &b, &info, err, sizeof err) == 0,
			   "synthesized, seed 2: seeds");
			if (b)
				for (uint32_t p = 0; p < sim_zone_pages(b, 0); p += 512)
					if (kind_of(b, p) == SIM_KIND_HUGETLB) {
						hb = p;
						break;
					}
			ok(ha != UINT32_MAX && hb != UINT32_MAX && ha != hb,
			   "synthesized: another seed places the hugetlb pages elsewhere (%u, %u)", ha, hb);
		}
		sim_machine_free(a);
		sim_machine_free(b);
		fs_snapshot_free(s);
	}
	return done_testing();
}
