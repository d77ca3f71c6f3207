/* klog_cause.h - why a logged allocation failed, from its own dump.
 *
 * Pure computation over a parsed report (klog.h): the request's gfp flags
 * give its context (can it reclaim, compact, use CMA or the reserves) and
 * its highest zone; each zone the request could use is put through the
 * watermark check of its kernel era (__zone_watermark_ok, mm/page_alloc.c)
 * on the state the dump printed; the cause is named from which terms
 * failed where. The dump is printed after the failure: a state that passes
 * is reported as passing (it may have changed since), never as an error.
 */
#ifndef FRAGSTAT_KLOG_CAUSE_H
#define FRAGSTAT_KLOG_CAUSE_H

#include <stdbool.h>
#include <stdint.h>

#include "decide.h"
#include "klog.h"

enum fs_klog_cause {
	FS_KC_UNKNOWN = 0,       /* not enough in the dump to tell */
	FS_KC_NONE,              /* no allocation failed (SysRq show memory) */
	FS_KC_FRAGMENTATION,     /* free memory above the watermark, no block of the order */
	FS_KC_NO_MEMORY,         /* every usable zone below its watermark */
	FS_KC_LOWMEM_RESERVE,    /* most free memory held back by lowmem_reserve */
	FS_KC_HIGHATOMIC_CMA,    /* most free memory is highatomic/CMA the request cannot use */
	FS_KC_NODES,             /* nodemask/cpuset excluded the nodes that had memory */
	FS_KC_STATE_PASSES,      /* the printed state passes (it may have changed since) */
	FS_KC_VMALLOC_SPACE,     /* vmalloc ran out of address space, not pages */
};

/* The check of one zone for the request (pages). */
struct fs_klog_zcheck {
	unsigned zone;           /* index in report->zones */
	bool usable;             /* zone type <= the request's highest zone, node allowed */
	bool node_excluded;      /* zone type fits but nodemask/cpuset excludes the node */
	bool checked;            /* zone line and whole buddy line present */
	int64_t free, sub_order, sub_ha, sub_cma, mark, reserve;
	bool reserve_known;
	bool pass;               /* the kernel's check passes */
	bool pass_no_reserve;    /* would pass with reserve 0 */
	bool pass_with_all;      /* would pass counting highatomic and CMA pages */
	bool wmark_ok;           /* the order-0 part passes */
	bool block_ok;           /* a free block >= order on a usable list */
	bool blocks_by_letters;  /* block_ok decided from the migratetype letters */
	bool idx_ok;
	int fragidx, unusable;   /* kernel integers (x1000) at the order */
};

#define FS_KLOG_MAX_CHECKS 64

struct fs_klog_analysis {
	bool has_request;        /* a failing request with gfp flags */
	bool gfp_decoded;        /* flags known (names, or pre-4.5 numeric bits) */
	bool gfp_numeric;        /* decoded from the number with the 2.6-4.3 layout */
	unsigned order;
	char context[160];       /* "GFP_KERNEL: may reclaim and compact", ... */
	bool direct_reclaim, may_compact, high, nonblock, cma_ok, reserves, movable;
	bool old_check;          /* pre-4.4 __zone_watermark_ok (per-order halving) */
	int highest_type;        /* zone type index of gfp_zone(), -1 unknown */
	char highest[FS_NAME_MAX];
	bool nodes_limited;
	char allowed[64];        /* allowed nodes as printed ("3", "0-3") or "" */

	enum fs_klog_cause cause;
	char line[480];          /* the one-line cause */
	unsigned nnotes;
	char notes[4][240];

	unsigned n;
	struct fs_klog_zcheck z[FS_KLOG_MAX_CHECKS];

	/* The decision engine (decide.h) on the printed state, one decision per
	 * allowed node taken as the preferred node; owned (see release). */
	bool gfp_engine_names;   /* gfp bits from fs_gfp_parse_names() */
	unsigned gfp_engine_unknown;
	unsigned ndec;
	struct fs_decision *dec;
};

/* Analyse one report. Pure; never fails (an unknown cause is a result;
 * without memory for the engine's decisions, ndec is 0). Release with
 * fs_klog_analysis_release(). */
void fs_klog_analyse(const struct fs_klog_report *r, struct fs_klog_analysis *a);
void fs_klog_analysis_release(struct fs_klog_analysis *a);

const char *fs_klog_cause_name(enum fs_klog_cause c);

#endif
