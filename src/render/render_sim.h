/* render_sim.h - the simulate command's timeline and its table/JSON output.
 *
 * A timeline is a list of samples of the machine (free blocks, indices and
 * verdict for the focus order per zone, allocation and compaction
 * counters). Ownership: the caller owns the struct; sim_timeline_free()
 * releases the samples.
 */
#ifndef FRAGSTAT_RENDER_SIM_H
#define FRAGSTAT_RENDER_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "render.h"
#include "report.h"
#include "sim_buddy.h"
#include "sim_from.h"

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

/* What the run was, for the header and the JSON "simulation" object. */
struct sim_run_info {
	const char *workload;
	const char *trace;            /* NULL unless a trace */
	const char *from;             /* NULL unless --from */
	const struct sim_from_info *from_info;
	uint64_t seed, ops, every;
	const char *compaction;
	unsigned focus;
	bool perf;
	double steady_pairs_per_sec, metadata_bytes_per_page, init_ns_per_page;
	double steady_seconds;
	double compact_seconds;       /* vm.compact_memory run (full mode), < 0: none */
	double seq_pass_ns_per_page;  /* one pass over the per-page metadata, < 0: not measured */
};

/* Append a sample of m. 0, -ENOMEM or -EIO (the temporary file). */
int sim_timeline_add(struct sim_timeline *t, const struct sim_machine *m, uint64_t op,
		     const char *phase, uint64_t used, unsigned focus);
/* Sample i (< t->n) into *out; read in order for speed. 0 or -EIO. */
int sim_timeline_get(const struct sim_timeline *t, size_t i, struct sim_sample *out);
void sim_timeline_free(struct sim_timeline *t);

/* Render the run: table (timeline, counters, then the final report) or
 * JSON (one document with "final" = the snapshot JSON). 0 or -EIO/-ENOMEM. */
int sim_render(FILE *out, const struct sim_run_info *ri, const struct sim_machine *m,
	       const struct sim_timeline *t, const struct fs_report *final,
	       const struct fs_render_opts *o);

#endif
