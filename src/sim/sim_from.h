/* sim_from.h - seed a simulated machine from a real snapshot (--from).
 *
 * Free blocks per order and migratetype and pageblock types come from the
 * snapshot (buddyinfo totals win over capped pagetypeinfo cells; types
 * missing -> Movable). The layout is synthesized: free blocks of at least
 * the pageblock order sit at the top of the zone, smaller ones are spread
 * round-robin over the pageblocks of their type, never beside a free buddy
 * of their own order, so that nothing merges and every count matches (the
 * zone is enlarged when its size leaves no room for that; a type whose
 * pageblocks the round-robin cannot fit is packed densely instead, see
 * sim_from_plan_dense); every other
 * page becomes an order-0 allocation of its pageblock's type (movable
 * pages in Movable blocks can be migrated). Watermarks and protection are
 * the real machine's when zoneinfo has them.
 */
#ifndef FRAGSTAT_SIM_FROM_H
#define FRAGSTAT_SIM_FROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_buddy.h"
#include "pagemap.h"
#include "snapshot.h"

#define SIM_FROM_MAX_NOTES 12
#define SIM_FROM_NOTE_LEN 320

struct sim_from_info {
	int node;                     /* the node used */
	uint64_t free_pages;          /* free pages placed */
	uint64_t unplaced_pages;      /* free pages that found no room (counted, not placed) */
	uint64_t pages;               /* pages simulated */
	bool layout;                  /* every page placed from the captured page layout
				       * (deterministic); false: synthesized from counts */
	/* With the layout: pages by class (pagemap.h FS_PC_*), large movable
	 * folios kept whole, hugetlb blocks pinned, compound runs that were
	 * not a whole folio (placed as smaller blocks). */
	uint64_t layout_pages[FS_PC_COUNT];
	uint64_t large_folios, hugetlb_blocks, irregular_folios;
	/* Without it: pages placed as reserved (present - managed), hugetlb
	 * folios (meminfo HugePages_Total) and transparent huge pages
	 * (AnonHugePages) placed on allocated pageblocks drawn by the seed. */
	uint64_t reserved_pages, synth_hugetlb, synth_thp;
	/* The kernel era whose rules the run follows (SIM_KVER) and why:
	 * the capture's kernel release (kernel_src CAPTURE), the newest rules
	 * the simulator has when the capture's kernel is newer (NEWER), or
	 * the default when the capture names no kernel (DEFAULT). */
	unsigned kernel_version;
	enum sim_from_kver_src { SIM_FROM_KVER_DEFAULT, SIM_FROM_KVER_CAPTURE,
				 SIM_FROM_KVER_NEWER } kernel_src;
	char kernel_release[FS_RELEASE_MAX + 1];   /* the capture's, "" unknown */
	/* The assumptions the seeded layout rests on, as sentences. */
	unsigned nnotes;
	char notes[SIM_FROM_MAX_NOTES][SIM_FROM_NOTE_LEN];
};

/* Build a machine from node `node` (-1: the first) of snapshot s, with
 * base's policy settings (compaction, thresholds). Layout shuffles use
 * seed. Returns 0, -EINVAL with a message in err, -ERANGE, or -ENOMEM. */
int sim_from_snapshot(const struct fs_snapshot *s, int node, const struct sim_config *base,
		      uint64_t seed, struct sim_machine **out, struct sim_from_info *info,
		      char *err, size_t errsize);

/* Like sim_from_snapshot, but when s was read from a --root tree that
 * holds the page layout (DIR/proc/kpageflags + kpagecount, or
 * DIR/proc/kpage.rle), every page is placed where it is with its class
 * (sim_layout.h) and info->layout is true; the layout is streamed by the
 * page reader (rd_kpage_stream), never held whole. Without a layout (a
 * JSON snapshot, a tree without one, or one the user may not read) it is
 * sim_from_snapshot. Same returns, and -EINVAL with err for a malformed
 * layout. */
int sim_from_capture(const struct fs_snapshot *s, int node, const struct sim_config *base,
		     uint64_t seed, struct sim_machine **out, struct sim_from_info *info,
		     char *err, size_t errsize);

#endif
