/* sim_workload.h - what the simulated machine is asked to do.
 *
 * Presets (page-cache, slab, thp, random, bench-order0, bench-mixed,
 * fragment) share one driver: a prefill phase allocates until the used
 * pages reach the target, then each step frees a random live block when
 * used >= target (moving the last live entry into its slot), else
 * allocates. The fragment preset's prefill has three phases: fill with
 * movable blocks, free random blocks down to a low mark, refill with a
 * mostly unmovable/reclaimable mix (which then also drives the steps). All draws
 * come from splitmix64 (rng.h), so runs reproduce on every machine. The
 * benchmark presets follow the op sequence exactly. A trace file
 * (`alloc ID ORDER TYPE`, `free ID`, `#` comments) replays given ops.
 * Ownership: sim_wl_* constructors return an owned driver (sim_wl_free).
 */
#ifndef FRAGSTAT_SIM_WORKLOAD_H
#define FRAGSTAT_SIM_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "procfs.h"
#include "sim_buddy.h"

enum sim_wl_kind {
	SIM_WL_NONE,           /* no operations (useful with --from) */
	SIM_WL_PAGE_CACHE,
	SIM_WL_SLAB,
	SIM_WL_THP,
	SIM_WL_RANDOM,
	SIM_WL_BENCH_ORDER0,
	SIM_WL_BENCH_MIXED,
	SIM_WL_FRAGMENT,       /* phased: fill, punch holes, refill with another type mix */
	SIM_WL_THP_FRAGMENTED, /* phased like fragment, with THP requests: direct compaction */
	SIM_WL_TRACE,
};

/* Parse a preset name; -EINVAL when unknown. */
int sim_wl_parse(const char *s, enum sim_wl_kind *out);
const char *sim_wl_name(enum sim_wl_kind k);
/* One-line description of a preset (for --help and the man page). */
const char *sim_wl_desc(enum sim_wl_kind k);

struct sim_wl_params {
	uint64_t seed;
	/* Optional migratetype mix in percent (Movable, Unmovable, Reclaimable);
	 * all zero = the preset's own. With a bench workload one rnd(100) is
	 * drawn after the order. */
	unsigned types_pct[3];
};

struct sim_wl;

/* A preset driver over machine m (which must outlive it). */
int sim_wl_new(enum sim_wl_kind kind, const struct sim_wl_params *p, struct sim_machine *m,
	       struct sim_wl **out);
/* A trace driver; parse errors give -EINVAL with d set (file:line:col). */
int sim_wl_trace(const char *file, const char *data, size_t len, struct sim_machine *m,
		 struct sim_wl **out, struct fs_diag *d);
void sim_wl_free(struct sim_wl *w);

/* Take every allocation already in the machine (an imported state) as live. */
int sim_wl_adopt(struct sim_wl *w);
/* Run the prefill phase (presets; nothing for traces). */
int sim_wl_prefill(struct sim_wl *w);
/* One prefill allocation: 0 did one, 1 prefill complete, <0 error;
 * -ENOSPC when SIM_PREFILL_STUCK allocations in a row failed (the fill
 * target cannot be reached: the machine is too small or its watermarks
 * are above the target). */
#define SIM_PREFILL_STUCK 10000u
int sim_wl_prefill_step(struct sim_wl *w);
/* Pages allocated and the target of the current prefill phase. */
void sim_wl_prefill_progress(const struct sim_wl *w, uint64_t *used, uint64_t *target);
/* One operation. 0 done one, 1 nothing left (trace end), <0 error. */
int sim_wl_step(struct sim_wl *w);
/* Up to n operations, as n calls of sim_wl_step() would do them (without
 * the per-call overhead); *done = operations performed. Returns 0 after n,
 * 1 when the trace ended first, <0 on error. */
int sim_wl_run(struct sim_wl *w, uint64_t n, uint64_t *done);
/* Free every live allocation (tests). */
int sim_wl_free_all(struct sim_wl *w);

/* The last operation performed (for replay tests): alloc (true) or free,
 * its order, and for a free the live index drawn (UINT64_MAX otherwise);
 * ok is false when an allocation failed. */
struct sim_wl_event {
	bool alloc, ok;
	unsigned order;
	enum sim_mt mt;
	uint64_t index;
};
void sim_wl_last(const struct sim_wl *w, struct sim_wl_event *ev);

uint64_t sim_wl_used_pages(const struct sim_wl *w);
uint64_t sim_wl_live(const struct sim_wl *w);
uint64_t sim_wl_target_pages(const struct sim_wl *w);
/* Operations a trace holds (0 for presets). */
uint64_t sim_wl_trace_ops(const struct sim_wl *w);

#endif
