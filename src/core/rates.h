/* rates.h - per-second rates of the vmstat compaction, migration and THP
 * counters between two snapshots, and the compaction success ratio over a
 * window of samples.
 *
 * Pure: no I/O, no allocation, no globals. A counter that goes backwards
 * between two snapshots (a reboot, a replaced --root tree, a wrapped
 * counter) is a reset: its delta is 0 and reset[] says so; a rate is never
 * negative, never NaN and never infinite.
 */
#ifndef FRAGSTAT_RATES_H
#define FRAGSTAT_RATES_H

#include <stdbool.h>
#include <stdint.h>

#include "kvocab.h"
#include "snapshot.h"

/* The counters rated, in the order the dashboard shows them: IDs of
 * kvocab.h's FS_VMSTAT_COUNTERS (FS_RATE_<ID> rates FS_VM_<ID>). */
#define FS_RATE_COUNTERS(X) \
	X(COMPACT_STALL) \
	X(COMPACT_SUCCESS) \
	X(COMPACT_FAIL) \
	X(COMPACT_MIGRATE_SCANNED) \
	X(COMPACT_FREE_SCANNED) \
	X(COMPACT_ISOLATED) \
	X(COMPACT_DAEMON_WAKE) \
	X(COMPACT_DAEMON_MIGRATE_SCANNED) \
	X(COMPACT_DAEMON_FREE_SCANNED) \
	X(PGMIGRATE_SUCCESS) \
	X(PGMIGRATE_FAIL) \
	X(THP_FAULT_ALLOC) \
	X(THP_FAULT_FALLBACK) \
	X(THP_COLLAPSE_ALLOC) \
	X(THP_COLLAPSE_ALLOC_FAILED)

enum fs_rate_counter {
#define FS_RATE_ENUM_(id) FS_RATE_##id,
	FS_RATE_COUNTERS(FS_RATE_ENUM_)
#undef FS_RATE_ENUM_
	FS_RATE_COUNT
};

/* The vmstat name of counter c ("compact_stall"); NULL when out of range. */
const char *fs_rates_name(enum fs_rate_counter c);

struct fs_rates {
	double interval;                   /* seconds between the two samples */
	bool valid;                        /* both samples present, interval > 0 */
	bool have[FS_RATE_COUNT];          /* counter present in both samples */
	bool reset[FS_RATE_COUNT];         /* counter went backwards */
	uint64_t delta[FS_RATE_COUNT];     /* increase (0 on reset) */
	double per_sec[FS_RATE_COUNT];     /* delta / interval (0 when invalid) */
};

/* Rates from prev to cur over `interval` seconds. prev may be NULL (first
 * sample: nothing valid). An interval <= 0 or not finite gives deltas but
 * no rates (valid false). */
void fs_rates_compute(const struct fs_snapshot *prev, const struct fs_snapshot *cur,
		      double interval, struct fs_rates *out);

/* The last `size` samples' compaction outcomes, for a success ratio that
 * describes the visible window rather than the time since boot. */
#define FS_RATES_WINDOW_MAX 600
#define FS_RATES_WINDOW_DEFAULT 60

struct fs_rates_window {
	unsigned size;                     /* samples kept (1..FS_RATES_WINDOW_MAX) */
	unsigned n;                        /* samples held (<= size) */
	unsigned head;                     /* next slot */
	uint64_t success[FS_RATES_WINDOW_MAX];
	uint64_t fail[FS_RATES_WINDOW_MAX];
	double seconds[FS_RATES_WINDOW_MAX];
};

/* Empty window of `size` samples (clamped to 1..FS_RATES_WINDOW_MAX). */
void fs_rates_window_init(struct fs_rates_window *w, unsigned size);
/* Add one sample's compact_success/compact_fail deltas (ignored when the
 * rates are not valid). */
void fs_rates_window_push(struct fs_rates_window *w, const struct fs_rates *r);

struct fs_rates_ratio {
	unsigned samples;                  /* samples in the window */
	double seconds;                    /* time they cover */
	uint64_t success, fail;            /* sums over the window */
	bool defined;                      /* success + fail > 0 */
	double ratio;                      /* success / (success + fail), 0..1; 0 when undefined */
};

/* Sums and success ratio over the window. */
void fs_rates_window_ratio(const struct fs_rates_window *w, struct fs_rates_ratio *out);

/* v as JSON carries it (jansson prints reals with %.6g), so that a replay
 * computes the rates the recording printed. */
double fs_rates_quantize(double v);

#endif
