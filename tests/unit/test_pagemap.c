/* Page classes, pageblock content and the compaction ceiling (pagemap.c),
 * and the reader's stream over memory sources (rd_kpage.c). Flag values
 * are the kernel's bits (include/uapi/linux/kernel-page-flags.h); the live
 * ones are from kernel-facts-pages C.3. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "pagemap.h"
#include "rd_kpage.h"
#include "snapshot.h"

#define F(b) (1ull << (b))

static enum fs_pclass cls(const struct fs_pagemap *pm, uint64_t flags, uint64_t count)
{
	int head = -1;
	return fs_pm_classify(pm, flags, count, true, &head);
}

static void classes(void)
{
	struct fs_pagemap *pm = fs_pagemap_new(9, false);
	pm->kver = 618;
	is_int(cls(pm, F(FS_KPF_BUDDY), 0), FS_PC_FREE, "BUDDY: free");
	is_int(cls(pm, F(FS_KPF_BUDDY) | F(FS_KPF_UPTODATE), 0), FS_PC_FREE, "reported free head 0x408: free");
	is_int(cls(pm, 0, 0), FS_PC_UNUSED, "no flags, count 0: unused");
	is_int(cls(pm, 0, 1), FS_PC_OTHER, "no flags but mapped: other");
	is_int(cls(pm, F(FS_KPF_LRU) | F(FS_KPF_ANON) | F(FS_KPF_MMAP), 1), FS_PC_MOVABLE, "LRU anon: movable");
	is_int(cls(pm, F(FS_KPF_LRU) | F(FS_KPF_UNEVICTABLE), 1), FS_PC_UNEVICTABLE, "LRU unevictable");
	is_int(cls(pm, F(FS_KPF_LRU) | F(FS_KPF_MLOCKED), 1), FS_PC_UNEVICTABLE, "LRU mlocked");
	is_int(cls(pm, 0x30000, 0), FS_PC_HUGETLB, "HEAD|HUGE 0x30000 free pool page: hugetlb");
	is_int(cls(pm, F(FS_KPF_TAIL) | F(FS_KPF_HUGE), 0), FS_PC_HUGETLB, "TAIL|HUGE: hugetlb");
	is_int(cls(pm, 0x211080, 0), FS_PC_SLAB, "SLAB|ANON|TAIL|KSM 0x211080 (6.18 overlay): slab");
	is_int(cls(pm, F(FS_KPF_PGTABLE), 0), FS_PC_PAGETABLE, "PGTABLE: page table");
	is_int(cls(pm, F(FS_KPF_RESERVED), 0), FS_PC_RESERVED, "RESERVED");
	is_int(cls(pm, F(FS_KPF_NOPAGE), 0), FS_PC_HOLE, "NOPAGE: hole");
	is_int(cls(pm, F(FS_KPF_HWPOISON) | F(FS_KPF_LRU), 0), FS_PC_HOLE, "HWPOISON: hole");
	is_int(cls(pm, F(FS_KPF_OFFLINE), 0), FS_PC_HOLE, "OFFLINE alone (virtio-mem): hole");
	is_int(cls(pm, F(FS_KPF_OFFLINE) | F(FS_KPF_UPTODATE), 0), FS_PC_MOVABLE, "6.18 balloon OFFLINE|UPTODATE: movable");
	is_int(cls(pm, F(FS_KPF_UPTODATE), 0), FS_PC_MOVABLE, "6.18 UPTODATE only (zsmalloc movable_ops): movable");
	is_int(cls(pm, F(FS_KPF_ZERO_PAGE) | F(FS_KPF_THP), 0), FS_PC_OTHER, "huge zero page: other");
	is_int(cls(pm, F(FS_KPF_HEAD), 0), FS_PC_OTHER, "compound without LRU/THP: other");
	is_int(cls(pm, F(FS_KPF_LRU) | F(FS_KPF_UPTODATE) | F(FS_KPF_TAIL) | F(FS_KPF_THP), 0), FS_PC_MOVABLE,
	       "6.12+ page-cache large folio tail 0x410028: movable");
	int head = -1;
	is_int(fs_pm_classify(pm, F(FS_KPF_LRU), 1, false, &head), FS_PC_HOLE, "outside System RAM: hole");
	pm->kver = 612;
	is_int(cls(pm, F(FS_KPF_UPTODATE), 0), FS_PC_OTHER, "6.12 UPTODATE only: other (movable_ops not exported)");
	is_int(cls(pm, F(FS_KPF_OFFLINE) | F(FS_KPF_UPTODATE), 0), FS_PC_HOLE, "6.12 OFFLINE: hole");
	/* <= 6.1 tails carry their own flags: they take the head's class. */
	pm->kver = 601;
	head = -1;
	is_int(fs_pm_classify(pm, F(FS_KPF_HEAD) | F(FS_KPF_LRU) | F(FS_KPF_THP), 1, true, &head), FS_PC_MOVABLE,
	       "6.1 THP head: movable");
	is_int(fs_pm_classify(pm, F(FS_KPF_TAIL), 1, true, &head), FS_PC_MOVABLE, "6.1 bare tail after a THP head: movable");
	is_int(fs_pm_classify(pm, F(FS_KPF_TAIL), 1, true, &head), FS_PC_MOVABLE, "and the next tail");
	is_int(fs_pm_classify(pm, 0, 0, true, &head), FS_PC_UNUSED, "a plain page ends the folio");
	is_int(fs_pm_classify(pm, F(FS_KPF_TAIL), 1, true, &head), FS_PC_OTHER, "a tail without a head: its own flags");
	fs_pagemap_free(pm);
}

static void blocks(void)
{
	struct fs_pagemap *pm = fs_pagemap_new(2, false);
	uint64_t pc[FS_PC_COUNT];
#define B(...) (memset(pc, 0, sizeof pc), __VA_ARGS__, fs_pm_block_class(pm, pc, 4))
	is_int(B(pc[FS_PC_FREE] = 2, pc[FS_PC_UNUSED] = 2), FS_BC_FREE, "free + unused: free");
	is_int(B(pc[FS_PC_FREE] = 1, pc[FS_PC_MOVABLE] = 3), FS_BC_MOVABLE, "free + movable: movable");
	is_int(B(pc[FS_PC_MOVABLE] = 3, pc[FS_PC_SLAB] = 1), FS_BC_MIXED, "movable + slab: mixed");
	is_int(B(pc[FS_PC_SLAB] = 3, pc[FS_PC_PAGETABLE] = 1), FS_BC_UNMOVABLE, "slab + page table: unmovable");
	is_int(B(pc[FS_PC_FREE] = 3, pc[FS_PC_HUGETLB] = 1), FS_BC_HUGETLB, "any hugetlb: hugetlb");
	is_int(B(pc[FS_PC_HOLE] = 3, pc[FS_PC_RESERVED] = 1), FS_BC_RESERVED, "holes + reserved: reserved");
	is_int(B(pc[FS_PC_HOLE] = 1, pc[FS_PC_FREE] = 3), FS_BC_MIXED, "a hole beside free pages: mixed");
	is_int(B(pc[FS_PC_UNEVICTABLE] = 4), FS_BC_MOVABLE, "unevictable with compact_unevictable_allowed=1: movable");
	pm->unevictable_movable = false;
	is_int(B(pc[FS_PC_UNEVICTABLE] = 4), FS_BC_UNMOVABLE, "unevictable with compact_unevictable_allowed=0: unmovable");
	is_int(B(pc[FS_PC_UNEVICTABLE] = 2, pc[FS_PC_FREE] = 2), FS_BC_MIXED, "... beside free pages: mixed");
#undef B
	fs_pagemap_free(pm);
}

/* A zone starting mid-pageblock, fed through the reader from memory. */
static void stream(void)
{
	struct fs_snapshot *s = fs_snapshot_new();
	struct fs_node *n = fs_snapshot_node_get(s, 0);
	struct fs_zone *z = fs_node_zone_get(n, "Normal");
	z->start_pfn = 6;             /* blocks of 4: [4,8) cut, [8,12) ... [16,20) whole, [20,24) cut */
	z->spanned = 16;              /* pfns 6..21 */
	z->zi_have = FS_ZI_START_PFN | FS_ZI_SPANNED;
	static uint64_t fl[24], ct[24];
	for (int i = 8; i < 12; i++)
		fl[i] = F(FS_KPF_BUDDY);
	fl[12] = F(FS_KPF_LRU);
	fl[13] = F(FS_KPF_SLAB);
	fl[16] = F(FS_KPF_HEAD) | F(FS_KPF_LRU) | F(FS_KPF_THP);
	for (int i = 17; i < 20; i++)
		fl[i] = F(FS_KPF_TAIL) | F(FS_KPF_LRU) | F(FS_KPF_THP);
	struct fs_pagemap *pm = fs_pagemap_new(2, false);
	struct rd_kpage_src fs = { .path = "kpageflags", .fd = -1, .mem = (const unsigned char *)fl, .len = sizeof fl };
	struct rd_kpage_src cs = { .path = "kpagecount", .fd = -1, .mem = (const unsigned char *)ct, .len = sizeof ct };
	struct fs_diag d = { 0 };
	is_int(rd_kpage_scan(pm, s, &fs, &cs, &d), 0, "scan from memory");
	const struct fs_pm_zone *pz = fs_pm_zone_find(pm, 0, "Normal");
	ok(pz != NULL, "zone found");
	if (pz) {
		is_u64(pz->first_block, 1, "first block is the one holding start_pfn");
		is_u64(pz->nblocks, 5, "five blocks touched");
		is_u64(pz->partial_blocks, 2, "two cut by the span");
		is_int(pz->block[0], FS_BC_PARTIAL, "first cut");
		is_int(pz->block[1], FS_BC_FREE, "[8,12) free");
		is_int(pz->block[2], FS_BC_MIXED, "[12,16) LRU + slab + unused: mixed");
		is_int(pz->block[3], FS_BC_MOVABLE, "[16,20) THP head + tails: movable");
		is_int(pz->block[4], FS_BC_PARTIAL, "last cut");
		is_u64(pz->pages[FS_PC_FREE], 4, "4 free pages");
		is_u64(pz->pages[FS_PC_MOVABLE], 5, "5 movable pages");
		is_u64(pz->pages[FS_PC_UNUSED], 6, "6 unused (6,7,14,15,20,21)");
		is_u64(pz->blocker_pages[FS_PC_SLAB], 1, "the slab page is counted as a blocker");
		is_u64(fs_pm_ceiling(pm, pz, 8), 2, "ceiling: 2 blocks, 8 free pages allow 2");
		is_u64(fs_pm_ceiling(pm, pz, 5), 1, "ceiling: 5 free pages allow 1");
	}
	fs_pagemap_free(pm);

	/* Files that end early: the rest of the span is holes; unequal
	 * lengths and partial entries are malformed. */
	pm = fs_pagemap_new(2, false);
	fs.len = cs.len = 14 * 8;
	is_int(rd_kpage_scan(pm, s, &fs, &cs, &d), 0, "files ending at pfn 14");
	pz = fs_pm_zone_find(pm, 0, "Normal");
	is_u64(pz ? pz->beyond_eof : 0, 8, "8 pfns past the end");
	is_u64(pz ? pz->pages[FS_PC_HOLE] : 0, 8, "read as holes");
	fs_pagemap_free(pm);
	pm = fs_pagemap_new(2, false);
	cs.len = 13 * 8;
	is_int(rd_kpage_scan(pm, s, &fs, &cs, &d), -22, "unequal lengths: -EINVAL");
	ok(strstr(d.msg, "pfn 13") != NULL, "message names the pfn: %s", d.msg);
	fs_pagemap_free(pm);
	pm = fs_pagemap_new(2, false);
	cs.len = fs.len = 13 * 8 + 3;
	is_int(rd_kpage_scan(pm, s, &fs, &cs, &d), -22, "partial entry: -EINVAL");
	ok(strstr(d.msg, "8-byte") != NULL, "message says why: %s", d.msg);
	fs_pagemap_free(pm);

	struct fs_snapshot *s2 = fs_snapshot_dup(s);
	ok(s2 != NULL, "snapshot dup without a map");
	fs_snapshot_free(s2);
	fs_snapshot_free(s);
}

static void iomem(void)
{
	static const char txt[] =
		"00000000-00000fff : Reserved\n"
		"00001000-0009fbff : System RAM\n"
		"0009fc00-000fffff : Reserved\n"
		"  000f0000-000fffff : System ROM\n"
		"00100000-bfffffff : System RAM\n"
		"  01000000-02259aff : Kernel code\n"
		"100000000-63fffffff : System RAM\n";
	struct fs_pfn_range *r;
	size_t n;
	struct fs_diag d = { 0 };
	is_int(rd_iomem_parse("iomem", txt, sizeof txt - 1, 4096, &r, &n, &d), 0, "iomem parses");
	is_u64(n, 3, "three System RAM ranges");
	if (n == 3) {
		is_u64(r[0].start, 1, "first starts at pfn 1");
		is_u64(r[0].end, 0x9f, "and ends before the partial page 0x9f");
		is_u64(r[1].start, 0x100, "second");
		is_u64(r[1].end, 0xc0000, "ends at 3 GiB");
		is_u64(r[2].end, 0x640000, "third ends at 25 GiB");
	}
	free(r);
	static const char zero[] = "00000000-00000000 : System RAM\n00000000-00000000 : Reserved\n";
	is_int(rd_iomem_parse("iomem", zero, sizeof zero - 1, 4096, &r, &n, &d), 0, "non-root iomem parses");
	is_u64(n, 0, "but gives no ranges (addresses hidden)");
	free(r);
	static const char bad[] = "00001000-0009fbff : System RAM\n0010zzzz : x\n";
	is_int(rd_iomem_parse("iomem", bad, sizeof bad - 1, 4096, &r, &n, &d), -22, "malformed iomem");
	is_int((int)d.line, 2, "on line 2");
	ok(strstr(d.msg, "'-'") != NULL, "expected '-': %s", d.msg);
}

int main(void)
{
	classes();
	blocks();
	stream();
	iomem();
	return done_testing();
}
