/* report.h - what fragstat computes from a snapshot; all renderers see.
 *
 * fs_report_new() is a pure function of the snapshot and options: no I/O.
 * The report points into the snapshot (zone pointers), so the snapshot must
 * outlive the report. Ownership: fs_report_new() returns an owned report,
 * released with fs_report_free().
 */
#ifndef FRAGSTAT_REPORT_H
#define FRAGSTAT_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "decide.h"
#include "snapshot.h"

enum fs_verdict_kind {
	FS_VERDICT_UNKNOWN = 0,  /* not enough data (no zoneinfo watermarks) */
	FS_VERDICT_OK,           /* order-k watermark check passes: allocate */
	FS_VERDICT_COMPACT,      /* memory is there but not contiguous: compact */
	FS_VERDICT_RECLAIM,      /* compaction skipped / not suitable: reclaim */
	FS_VERDICT_OK_AFTER_KSWAPD, /* below low, above min: allocates after waking kswapd */
	FS_VERDICT_RESERVED,     /* only its lowmem_reserve keeps it from serving: not trouble */
};

/* What one zone alone would do with a movable user allocation of one
 * order: the decision engine (decide.h) with the zonelist cut to this zone
 * (fs_decide_zone), and the numbers that decided it (KFD §A.4, §A.6). */
struct fs_verdict {
	enum fs_verdict_kind kind;
	enum fs_rule rule;        /* the engine's rule for this zone */
	uint64_t free;            /* NR_FREE_PAGES used (zoneinfo "pages free") */
	uint64_t highatomic;      /* pages subtracted as highatomic reserve (KFD §A.4 by era) */
	uint64_t order_sub;       /* (1 << order) - 1, subtracted by the order-k check */
	uint64_t mark;            /* low watermark (boost included, as printed) */
	int64_t reserve;          /* lowmem_reserve[highest zone index] */
	uint64_t gap;             /* compact_gap(order) = 2 << order */
	uint64_t order0_mark;     /* watermark used for the order-0 gap check */
	bool wmark_ok;            /* order-k watermark passes (free part) */
	bool block_ok;            /* a free block of order >= k on an allowed list */
	bool gap_ok;              /* order-0 check at order0_mark + gap passes */
	bool costly;              /* order > PAGE_ALLOC_COSTLY_ORDER (3) */
	int fragidx;              /* kernel value (x1000) */
	bool fragidx_rules;       /* 0 <= fragidx <= threshold for a costly order */
};

struct fs_zone_report {
	const struct fs_zone *zone;   /* into the snapshot */
	int node;
	uint64_t free_pages;          /* sum of buddyinfo blocks << order */
	bool indices_ok;              /* false when the counts overflow 64 bits */
	int unusable[FS_MAX_ORDERS];  /* kernel integers (x1000) */
	int fragidx[FS_MAX_ORDERS];
	unsigned extfrag_pct[FS_MAX_ORDERS];
	/* Counts summed from pagetypeinfo over a capped (">100000") list are
	 * lower bounds; then an index is exact only where it cannot depend on
	 * the missing blocks (see exact_indices() in report.c). */
	bool lower_bound;             /* some free[] of this zone is a lower bound */
	bool unusable_exact[FS_MAX_ORDERS];
	bool fragidx_exact[FS_MAX_ORDERS];
	bool huge_now_lower_bound;    /* a capped list at >= the huge page order */

	bool has_verdicts;
	struct fs_verdict verdicts[FS_MAX_ORDERS];

	/* Huge page capacity at the compaction huge page order. */
	uint64_t huge_now;            /* free blocks of order >= hpage order, in hpages */
	uint64_t huge_max;            /* free pages / hpage pages: after ideal compaction,
				       * or the compaction ceiling when huge_max_pages */

	/* pagetypeinfo "Number of blocks type": the zone's pageblocks and
	 * those of the migratetypes compaction cannot empty (fs_mt_pollutes:
	 * Unmovable, Reclaimable); has_pollution when there are any blocks. */
	bool has_pollution;
	uint64_t blocks_total, blocks_polluted;
	unsigned polluted_permille;   /* blocks_polluted * 1000 / blocks_total */

	/* --pages (pagemap.h): the zone's page layout; NULL without it. */
	const struct fs_pm_zone *pm;
	uint64_t huge_max_free;       /* the free-page bound, kept when huge_max_pages */
	bool huge_max_pages;          /* huge_max is the page-layout ceiling */

	/* Kernel cross-check against debugfs for this zone. */
	bool kcheck_extfrag, kcheck_unusable;       /* compared */
	unsigned kcheck_mismatch;                   /* orders that differ */
};

struct fs_node_report {
	int node;
	unsigned nzones;
	struct fs_zone_report zones[FS_MAX_ZONES];

	/* Proactive compaction as kcompactd sees it (kernel-facts §3.2). */
	bool has_proactive;
	unsigned score;               /* node fragmentation score 0..100 */
	unsigned wmark_low, wmark_high;
	bool would_compact;
	uint64_t node_present;        /* sum of zone present pages */

	uint64_t huge_now, huge_max;

	/* The decision engine for a task on this node (decide.h): every
	 * allocation kind at the focus order, and the outcome per order for
	 * the movable and THP kinds. */
	bool has_decisions;
	struct fs_decision decisions[FS_AK_GFP];
	struct fs_order_outcome {
		bool decided;
		enum fs_outcome outcome;
		enum fs_rule rule;
	} by_order[2][FS_MAX_ORDERS];  /* [0] movable, [1] thp */
};

struct fs_report_opts {
	int focus_order;              /* -1: the compaction huge page order */
	int node_filter;              /* -1: all */
	const char *zone_filter;      /* NULL: all */
};

struct fs_report {
	const struct fs_snapshot *snap;
	unsigned orders;
	int focus_order;
	int hpage_order;              /* compaction huge page order used */
	bool hpage_order_assumed;     /* pageblock order unknown: assumed */

	int extfrag_threshold;        /* the one used */
	bool extfrag_threshold_default;
	int proactiveness;
	bool proactiveness_default;

	/* Kernel era of the data (decide.h); gates era-dependent outputs. */
	struct fs_kernel_era era;
	enum fs_tri proactive_exists;   /* 5.9+: vm.compaction_proactiveness */

	size_t nnodes;
	struct fs_node_report *nodes;

	/* Kernel cross-check summary. */
	bool kcheck_available;        /* debugfs values present */
	unsigned kcheck_compared;     /* values compared */
	unsigned kcheck_mismatches;
};

/* Compute a report. Returns NULL on ENOMEM. */
struct fs_report *fs_report_new(const struct fs_snapshot *s, const struct fs_report_opts *o);
void fs_report_free(struct fs_report *r);

const char *fs_verdict_name(enum fs_verdict_kind k);

#endif
