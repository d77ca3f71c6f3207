/* sim_compact.h - compaction for the simulator (kernel-facts.md §3, §6).
 *
 * compact_zone with a migrate scanner going up from the zone start and a
 * free scanner coming down from the zone end, pageblock by pageblock;
 * only movable allocations move (compound ones only below the target order
 * and below the pageblock order, as 6.10+ skip_isolation_on_order); the run
 * stops when the scanners meet or, at pageblock boundaries, when the
 * requested order is available. Direct compaction is gated by
 * compaction_suitable and deferred as the kernel defers it. One priority is
 * modelled (synchronous, stride 1, no skip bits, no fast_find/capture).
 */
#ifndef FRAGSTAT_SIM_COMPACT_H
#define FRAGSTAT_SIM_COMPACT_H

#include <stdbool.h>
#include <stdint.h>

#include "sim_buddy.h"

enum sim_compact_result {
	SIM_COMPACT_NOT_SUITABLE_ZONE,
	SIM_COMPACT_SKIPPED,
	SIM_COMPACT_DEFERRED,
	SIM_COMPACT_NO_SUITABLE_PAGE,
	SIM_COMPACT_CONTINUE,
	SIM_COMPACT_COMPLETE,
	SIM_COMPACT_PARTIAL_SKIPPED,
	SIM_COMPACT_CONTENDED,
	SIM_COMPACT_SUCCESS,
};

/* Name of a result ("complete", "success", ...). */
const char *sim_compact_result_name(enum sim_compact_result r);

/* Why a compact_zone() run ended (the same API as the issue-14 kernel
 * rules branch; this model reaches only some of the reasons). */
enum sim_compact_reason {
	SIM_CR_NONE,             /* not run */
	SIM_CR_SCANNERS_MET,     /* complete / partial_skipped */
	SIM_CR_NO_TARGET,        /* contended: no isolated free page for the block */
	SIM_CR_ORDER_AVAILABLE,  /* success: a block of the requested order is free */
	SIM_CR_PROACTIVE_DONE,   /* success: zone score <= proactive low watermark */
	SIM_CR_NOT_SUITABLE,     /* skipped: compaction_suitable() said no */
	SIM_CR_DEFERRED,         /* deferred: compaction_deferred() */
	SIM_CR_WATERMARK_OK,     /* success: the watermark was already met */
};
const char *sim_compact_reason_name(enum sim_compact_reason r);

/* How one compact_zone() run ended. Pfns are zone-relative. */
struct sim_compact_end {
	enum sim_compact_result result;
	enum sim_compact_reason reason;
	int priority;                 /* 0 SYNC_FULL, 1 SYNC_LIGHT, 2 ASYNC */
	uint32_t migrate_pfn;         /* where the migrate scanner stopped */
	uint32_t free_pfn;            /* where the free scanner stopped */
	uint32_t fail_pfn;            /* NO_TARGET: the folio without a target */
	unsigned fail_order;          /* ... and its order */
	uint64_t migrate_scanned, free_scanned, isolated;   /* this run, as vmstat */
	uint64_t migrated, failed;    /* pgmigrate_success / pgmigrate_fail, this run */
};

/* How the last compact_zone() run on zone z ended (reason SIM_CR_NONE
 * when none ran). After sim_compact_memory() this is each zone's end. */
const struct sim_compact_end *sim_zone_compact_end(const struct sim_machine *m, unsigned z);

/* compaction_suitable (4.9-6.14 form) for zone z and a costly or small
 * order: order-0 watermark plus compact_gap, then the fragmentation index
 * for costly orders. */
bool sim_compaction_suitable(const struct sim_machine *m, unsigned z, unsigned order);

/* Run compact_zone on zone z. order -1 compacts the whole zone like
 * vm.compact_memory; proactive stops at the proactive low watermark.
 * Counters are added to the machine's vmstat counters. */
enum sim_compact_result sim_compact_zone(struct sim_machine *m, unsigned z, int order,
					 unsigned mt, bool whole_zone, bool proactive);

/* Direct compaction after an allocation failed at the min watermark
 * (try_to_compact_pages + the retry). Returns the zone index holding the
 * new allocation (at *pfn, tagged tag) or -1. */
int sim_compact_direct(struct sim_machine *m, unsigned order, unsigned mt, uint32_t tag,
		       uint32_t *pfn);

/* kcompactd's proactive check: compacts every zone when the node score
 * exceeds the high proactive watermark. Returns true when it compacted. */
bool sim_compact_proactive(struct sim_machine *m);

/* vm.compact_memory: order -1 on every zone. */
void sim_compact_memory(struct sim_machine *m);

/* Zone fragmentation score: extfrag_for_order at the pageblock order. */
unsigned sim_zone_frag_score(const struct sim_machine *m, unsigned z);
/* Node score (present-weighted) and the proactive watermarks. */
unsigned sim_node_frag_score(const struct sim_machine *m);
void sim_proactive_wmarks(const struct sim_machine *m, unsigned *low, unsigned *high);

/* Deferral as in mm/compaction.c (exported for tests). */
bool sim_compaction_deferred(struct sim_machine *m, unsigned z, unsigned order);
void sim_defer_compaction(struct sim_machine *m, unsigned z, unsigned order);
void sim_compaction_defer_reset(struct sim_machine *m, unsigned z, unsigned order,
				bool alloc_success);

#endif
