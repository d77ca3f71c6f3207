/* sim_layout.h - seed a simulated zone from the captured page layout.
 *
 * Pure: receives the per-page values of /proc/kpageflags and
 * /proc/kpagecount (kernel-facts-pages C) zone by zone, in pfn order, a
 * chunk at a time, and places every page where it is in the machine's zone
 * (sim_seed_alloc, sim_seed_free), with its class (pagemap.c fs_pm_classify)
 * as a kind (sim_buddy.h enum sim_kind) and migratetype:
 *   free        maximal runs of KPF_BUDDY pages split greedily into the
 *               largest aligned blocks (kernel-facts-pages C.6: the real
 *               free blocks, since two free buddies of an order merge);
 *   movable     LRU / THP / large folios / movable_ops, Movable, kind file
 *               (LRU without KPF_ANON) or normal, with the folio's order
 *               from its KPF_COMPOUND_HEAD + KPF_COMPOUND_TAIL run;
 *               unevictable and mlocked ones kind unevictable (compaction
 *               moves them when vm.compact_unevictable_allowed is 1);
 *   unmovable   slab, page tables, other kernel pages (compound ones whole):
 *               Unmovable, kind normal;
 *   hugetlb     kind hugetlb: compaction skips it whole, never a target;
 *   reserved    kind reserved, never free and never moving: PG_reserved
 *               pages, holes, offline and hwpoisoned pages, pfns before
 *               the zone's first in its aligned block, and "unused" pages
 *               (no flags, mapcount 0: per-cpu lists, raw kernel
 *               allocations, memory not initialised yet). The kernel sees
 *               unused pages this way during a compaction: not PageBuddy,
 *               so the free scanner skips them; not LRU, so the migrate
 *               scanner does too; and compact_memory does not drain the
 *               per-cpu lists.
 * The kernel does not export pageblock types; at the end of a zone they
 * are chosen from the pages (sim_layout_zone_end).
 *
 * Memory: the machine's own per-page metadata plus 12 bytes per pageblock.
 * Functions return 0 or a negative errno; nothing here does I/O.
 */
#ifndef FRAGSTAT_SIM_LAYOUT_H
#define FRAGSTAT_SIM_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pagemap.h"
#include "sim_buddy.h"

/* What was placed in one zone. */
struct sim_layout_stats {
	uint64_t pages[FS_PC_COUNT];   /* pages by class (pagemap.h) */
	uint64_t free_blocks;          /* free blocks placed */
	uint64_t large_folios;         /* movable folios of order >= 1 placed whole */
	uint64_t hugetlb_blocks;       /* hugetlb folios placed */
	uint64_t irregular;            /* compound runs that are not a naturally aligned
					* power of two (a capture racing a split): their
					* pages placed as smaller aligned blocks */
	uint64_t blocks[SIM_NR_MT];    /* pageblock types chosen */
	bool types_from_counts;        /* types drawn to the capture's per-type block counts */
};

struct sim_layout;

/* A seeder for machine m; pm gives the kernel era (kver), compact_unevictable_allowed
 * (unevictable_movable) and the System RAM ranges (ram, nram; none: all RAM).
 * Both must outlive the seeder. NULL on ENOMEM. */
struct sim_layout *sim_layout_new(struct sim_machine *m, const struct fs_pagemap *pm);
void sim_layout_free(struct sim_layout *L);

/* Start zone zi, which spans the absolute pfns [start_pfn, start_pfn +
 * spanned): the machine's zone must have (start_pfn mod 2^(orders-1)) +
 * spanned pages (sim_layout_zone_pages); its sim pfn 0 is the aligned pfn
 * below start_pfn, and the pages before start_pfn are reserved. -EINVAL. */
int sim_layout_zone_begin(struct sim_layout *L, unsigned zi, uint64_t start_pfn,
			  uint64_t spanned);
/* The zone size sim_layout_zone_begin needs. */
uint64_t sim_layout_zone_pages(unsigned orders, uint64_t start_pfn, uint64_t spanned);
/* Feed the next n pfns' kpageflags and kpagecount values (extra values past
 * the zone's end are ignored). 0 or -EINVAL (an internal placement error). */
int sim_layout_feed(struct sim_layout *L, const uint64_t *flags, const uint64_t *counts,
		    size_t n);
/* Close the zone: pfns not fed are holes (past the end of the files); the
 * pageblock types are chosen, and every free block goes on its type's list.
 * want[mt] (may be NULL) are the capture's pageblock counts per type
 * (pagetypeinfo "Number of blocks type"): the blocks with the most
 * unmovable pages (slab, page tables, other) beyond their movable ones
 * become Unmovable, Reclaimable (the most slab) or HighAtomic up to those
 * counts, ties to the lower pfn, the rest Movable; without counts a block
 * is Unmovable when it holds more unmovable than movable pages. A free
 * block of more than one pageblock gives all of them its first block's
 * type. Fills *st. */
int sim_layout_zone_end(struct sim_layout *L, const uint64_t *want,
			struct sim_layout_stats *st);

#endif
