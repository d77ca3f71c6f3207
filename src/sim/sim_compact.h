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
