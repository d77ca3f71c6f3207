/* sim_timeline.h - samples of a simulated machine over a run.
 *
 * A sample holds, per zone, the free blocks, the kernel's indices at the
 * focus order and the simulator's verdict for that order (judged here, by
 * the simulator's own watermark and compaction_suitable rules, never by a
 * renderer), plus every counter. Ownership: the caller owns the struct;
 * sim_timeline_free() releases the samples.
 */
#ifndef FRAGSTAT_SIM_TIMELINE_H
#define FRAGSTAT_SIM_TIMELINE_H

#include <stdint.h>
#include <stdio.h>

#include "sim_buddy.h"

struct sim_zone_sample {
	uint64_t free_pages;
	uint64_t free_blocks[FS_MAX_ORDERS];
	int unusable, fragidx;        /* kernel integers at the focus order */
	const char *verdict;          /* "ok", "compact", "reclaim" */
};

struct sim_sample {
	uint64_t op;
	const char *phase;            /* "start", "prefill", "run", "compact_memory" */
	uint64_t used_pages;
	uint64_t cnt[SIM_CNT_NR];
	struct sim_zone_sample zones[FS_MAX_ZONES];
};

/* The first SIM_TL_MEM samples stay in memory; later ones go to an
 * unlinked temporary file (tmpfile(3): mode 0600, no name), so memory does
 * not grow with the number of samples (issue 11: --every 1 kept ~6 KB a
 * sample in memory). Read samples back with sim_timeline_get(). */
#define SIM_TL_MEM 256
struct sim_timeline {
	size_t n;                     /* samples in all */
	struct sim_sample *s;         /* the first min(n, SIM_TL_MEM) */
	FILE *spill;                  /* the rest, in order; NULL until needed */
	struct sim_sample last;       /* the latest sample */
};

/* Append a sample of m. 0, -ENOMEM or -EIO (the temporary file). */
int sim_timeline_add(struct sim_timeline *t, const struct sim_machine *m, uint64_t op,
		     const char *phase, uint64_t used, unsigned focus);
/* Sample i (< t->n) into *out; read in order for speed. 0 or -EIO. */
int sim_timeline_get(const struct sim_timeline *t, size_t i, struct sim_sample *out);
void sim_timeline_free(struct sim_timeline *t);

#endif
