/* kpolicy.h - the kernel's policy constants and the proactive compaction
 * watermarks, shared by the report, the decision engine and the simulator
 * so that each rule is written once.
 *
 * Header only: constants under the kernel's own names and one inline
 * function. Kernel versions are FS_KVER numbers (major * 100 + minor, as
 * in decide.h).
 */
#ifndef FRAGSTAT_KPOLICY_H
#define FRAGSTAT_KPOLICY_H

/* include/linux/mmzone.h: orders above it are "costly" (compaction_suitable,
 * __alloc_pages_slowpath). */
#define PAGE_ALLOC_COSTLY_ORDER 3
/* mm/internal.h COMPACT_CLUSTER_MAX (SWAP_CLUSTER_MAX): pages isolated per
 * migration batch. */
#define COMPACT_CLUSTER_MAX 32
/* include/linux/compaction.h: the largest compaction deferral shift. */
#define COMPACT_MAX_DEFER_SHIFT 6

/* vm.extfrag_threshold's default (mm/compaction.c sysctl_extfrag_threshold). */
#define FS_EXTFRAG_THRESHOLD_DEFAULT 500
/* vm.compaction_proactiveness's default (mm/compaction.c, 5.9+). */
#define FS_PROACTIVENESS_DEFAULT 20

/* The first kernel whose fragmentation_score_wmark() has the leeway and no
 * floor of 5 (kernel-facts.md §3.2, ~6.16). */
#define FS_PROACTIVE_LEEWAY_KVER 616

/* mm/compaction.c fragmentation_score_wmark() for vm.compaction_proactiveness
 * p on kernel version kver: kcompactd compacts a node proactively while its
 * score is above *high, down to *low.
 *   before 6.16 (6.12: wmark_low = max(100 - p, 5), high = min(low + 10, 100))
 *   6.16+      (low = 100 - p; leeway = min(10, low / 2); high = min(low + leeway, 100)) */
static inline void fs_proactive_wmarks(int p, int kver, unsigned *low, unsigned *high)
{
	int wl, wh;
	if (kver < FS_PROACTIVE_LEEWAY_KVER) {
		wl = 100 - p < 5 ? 5 : 100 - p;
		wh = wl + 10 > 100 ? 100 : wl + 10;
	} else {
		wl = 100 - p;
		int leeway = wl / 2 < 10 ? wl / 2 : 10;
		wh = wl + leeway > 100 ? 100 : wl + leeway;
	}
	*low = (unsigned)wl;
	*high = (unsigned)wh;
}

#endif
