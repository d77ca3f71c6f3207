/* pagemap.h - the physical page layout: page classes and pageblock content.
 *
 * Pure computation over the values /proc/kpageflags and /proc/kpagecount
 * hold for each page frame (fs/proc/page.c). The reader (rd_kpage.c) feeds
 * the values zone by zone, in pfn order, a chunk at a time; this module keeps
 * one byte per pageblock and a few counters, never a per-page array, so its
 * memory grows with the number of pageblocks, not pages.
 *
 * Ownership: fs_pagemap_new() returns an owned map released with
 * fs_pagemap_free(); fs_pagemap_dup() returns a deep copy. Functions return
 * 0 or a negative errno (-ENOMEM, -EINVAL); nothing here does I/O.
 */
#ifndef FRAGSTAT_PAGEMAP_H
#define FRAGSTAT_PAGEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bits of /proc/kpageflags (include/uapi/linux/kernel-page-flags.h and the
 * unstable ones of include/linux/kernel-page-flags.h). */
#define FS_KPF_LRU 5
#define FS_KPF_SLAB 7
#define FS_KPF_BUDDY 10
#define FS_KPF_MMAP 11
#define FS_KPF_ANON 12
#define FS_KPF_UPTODATE 3
#define FS_KPF_HEAD 15
#define FS_KPF_TAIL 16
#define FS_KPF_HUGE 17
#define FS_KPF_UNEVICTABLE 18
#define FS_KPF_HWPOISON 19
#define FS_KPF_NOPAGE 20
#define FS_KPF_KSM 21
#define FS_KPF_THP 22
#define FS_KPF_OFFLINE 23
#define FS_KPF_ZERO_PAGE 24
#define FS_KPF_PGTABLE 26
#define FS_KPF_RESERVED 32
#define FS_KPF_MLOCKED 33

/* What one page frame is, as compaction sees it (kernel-facts-pages C.5). */
enum fs_pclass {
	FS_PC_FREE,         /* in the buddy allocator (KPF_BUDDY) */
	FS_PC_UNUSED,       /* no flags, mapcount 0: per-cpu lists, raw kernel, uninitialised */
	FS_PC_MOVABLE,      /* LRU, THP / large folio, movable_ops (balloon, zsmalloc) */
	FS_PC_UNEVICTABLE,  /* LRU unevictable or mlocked: movable iff compact_unevictable_allowed */
	FS_PC_HUGETLB,      /* hugetlb page, in use or in the pool */
	FS_PC_SLAB,
	FS_PC_PAGETABLE,
	FS_PC_RESERVED,     /* PG_reserved (memblock reservations, holes with a memmap) */
	FS_PC_OTHER,        /* other kernel pages with flags: unmovable */
	FS_PC_HOLE,         /* no page: KPF_NOPAGE, outside System RAM, offline, hwpoison, past EOF */
	FS_PC_COUNT
};

/* What one pageblock holds (issue 13, Build 3), for blocks wholly inside
 * their zone's span. FS_BC_PARTIAL marks a block the zone span cuts. */
enum fs_bclass {
	FS_BC_FREE,
	FS_BC_MOVABLE,
	FS_BC_MIXED,
	FS_BC_UNMOVABLE,
	FS_BC_HUGETLB,
	FS_BC_RESERVED,
	FS_BC_COUNT,
	FS_BC_PARTIAL = FS_BC_COUNT,
};

/* A range of physical memory [start, end) in pfns, e.g. iomem "System RAM". */
struct fs_pfn_range {
	uint64_t start, end;
};

struct fs_pm_zone {
	int node;
	char name[32];
	uint64_t start_pfn, end_pfn;  /* zone span [start, end) */
	uint64_t first_block;         /* start_pfn >> pageblock_order */
	uint64_t nblocks;             /* blocks the span touches */
	uint8_t *block;               /* nblocks enum fs_bclass values */
	uint64_t pages[FS_PC_COUNT];  /* pages of the span by class */
	uint64_t blocks[FS_BC_COUNT]; /* whole blocks by content */
	uint64_t partial_blocks;      /* blocks the span cuts (0, 1 or 2) */
	uint64_t blocker_pages[FS_PC_COUNT]; /* pages of mixed and unmovable blocks */
	uint64_t beyond_eof;          /* pfns of the span past the end of the files */
};

struct fs_pagemap {
	int pageblock_order;
	bool pageblock_order_assumed;
	int kver;                     /* kernel major*100+minor; 0 unknown */
	bool unevictable_movable;     /* vm.compact_unevictable_allowed */
	bool unevictable_assumed;     /* the sysctl was not read (kernel default 1) */
	size_t nram;                  /* System RAM ranges from /proc/iomem; 0 = unknown */
	struct fs_pfn_range *ram;
	size_t nzones;
	struct fs_pm_zone *zones;
};

/* Streaming state for one zone (fs_pm_zone_begin .. fs_pm_zone_end). */
struct fs_pm_feed {
	struct fs_pagemap *pm;
	struct fs_pm_zone *z;
	uint64_t pfn;                 /* next pfn expected */
	uint64_t cur[FS_PC_COUNT];    /* pages of the current block by class */
	int head_class;               /* class of the last compound head, -1 none */
	size_t ram_idx;               /* search hint into pm->ram */
};

/* A new empty map for the given pageblock order (1..20). NULL on ENOMEM. */
struct fs_pagemap *fs_pagemap_new(int pageblock_order, bool order_assumed);
void fs_pagemap_free(struct fs_pagemap *pm);
/* Deep copy; NULL on ENOMEM (or when pm is NULL). */
struct fs_pagemap *fs_pagemap_dup(const struct fs_pagemap *pm);

/* Kernel "major.minor" of a release string as major*100+minor; 0 unknown. */
int fs_pm_kernel_version(const char *release);

/* Add a zone spanning [start, start+spanned) of node; the zone becomes the
 * target of the next feed. -ENOMEM, -EINVAL (span overflows or empty),
 * -EFBIG (more than 2^32 pageblocks). */
int fs_pm_zone_begin(struct fs_pagemap *pm, struct fs_pm_feed *f, int node, const char *name,
		     uint64_t start_pfn, uint64_t spanned);
/* Feed n consecutive pfns' kpageflags and kpagecount values. */
void fs_pm_feed(struct fs_pm_feed *f, const uint64_t *flags, const uint64_t *counts, size_t n);
/* The rest of the zone lies past the end of the files: holes. */
void fs_pm_feed_eof(struct fs_pm_feed *f);
/* Close the zone: the last block is classified. */
void fs_pm_zone_end(struct fs_pm_feed *f);

/* Class of one page frame (kernel-facts-pages C.5). head_class is the class
 * of the compound head seen before, or -1; it is updated for heads. */
enum fs_pclass fs_pm_classify(const struct fs_pagemap *pm, uint64_t flags, uint64_t count,
			      bool in_ram, int *head_class);
/* Content of a whole block from its page counts (npages = pages per block). */
enum fs_bclass fs_pm_block_class(const struct fs_pagemap *pm, const uint64_t *pc, uint64_t npages);

/* The compaction ceiling: pageblock-order blocks compaction could free at
 * most, min(free + movable blocks, zone free pages >> pageblock_order). */
uint64_t fs_pm_ceiling(const struct fs_pagemap *pm, const struct fs_pm_zone *z, uint64_t free_pages);

/* The map zone of node/name; NULL when absent. */
const struct fs_pm_zone *fs_pm_zone_find(const struct fs_pagemap *pm, int node, const char *name);

/* Names used in JSON, tables and the capture format. */
const char *fs_pclass_name(enum fs_pclass c);
const char *fs_bclass_name(enum fs_bclass c);
/* Parse a name back; -1 when unknown. */
int fs_bclass_parse(const char *s, size_t len);

#endif
