/* diff.h - the change between two states: per node/zone/order free blocks,
 * both indices and verdicts, and vmstat counter deltas and rates.
 *
 * fs_diff_new() is a pure function of two reports (each over its own
 * snapshot): no I/O, no printing. Ownership: fs_diff_new() returns an owned
 * diff, released with fs_diff_free(); it copies what it needs and keeps no
 * pointer into the reports or snapshots.
 */
#ifndef FRAGSTAT_DIFF_H
#define FRAGSTAT_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kvocab.h"
#include "pagemap.h"
#include "report.h"

enum fs_diff_presence { FS_DIFF_BOTH, FS_DIFF_ONLY_A, FS_DIFF_ONLY_B };

/* One side of a zone: what the report says about it. */
struct fs_diff_side {
	uint64_t free[FS_MAX_ORDERS];
	uint64_t free_pages;
	bool indices_ok;
	int unusable[FS_MAX_ORDERS];          /* kernel integers (x1000) */
	int fragidx[FS_MAX_ORDERS];
	bool has_verdicts;
	enum fs_verdict_kind verdict[FS_MAX_ORDERS];
};

struct fs_diff_zone {
	int node;
	char zone[FS_NAME_MAX];
	enum fs_diff_presence presence;
	struct fs_diff_side a, b;             /* the absent side is all zero */
	/* Valid when presence is BOTH, for orders < fs_diff.orders. Deltas are
	 * b - a, saturated to the int64 range. */
	int64_t free_delta[FS_MAX_ORDERS];
	int64_t free_pages_delta;
	bool indices_delta_ok;                /* both sides' indices computed */
	int unusable_delta[FS_MAX_ORDERS];    /* kernel integers (x1000) */
	int fragidx_delta[FS_MAX_ORDERS];
	bool verdicts_compared;               /* both sides have verdicts */
	bool verdict_changed[FS_MAX_ORDERS];
	unsigned changes;                     /* orders where anything differs */

	/* --pages: both sides have the zone's page layout (pagemap.h). */
	bool has_pages;
	uint64_t blocks_a[FS_BC_COUNT], blocks_b[FS_BC_COUNT];  /* pageblock content */
	uint64_t ceiling_a, ceiling_b;        /* compaction ceiling (pageblocks) */
	bool same_span;                       /* same blocks on both sides: compared one by one */
	uint64_t blocks_changed;              /* blocks whose class differs */
	uint64_t moves[FS_BC_COUNT + 1][FS_BC_COUNT + 1];      /* [class in A][class in B] */
};

struct fs_diff_counter {
	char name[FS_NAME_MAX];
	bool in_a, in_b;
	uint64_t a, b;
	int64_t delta;                        /* b - a, saturated; 0 unless both */
	bool reset;                           /* b < a: the counter went back (reboot) */
	bool has_rate;                        /* both sides, an interval, no reset */
	double rate;                          /* delta per second */
};

struct fs_diff {
	unsigned orders;                      /* orders compared: min of both */
	unsigned orders_a, orders_b;
	bool has_interval;                    /* both sides carry a timestamp */
	int64_t interval_ns;                  /* time b - time a */
	size_t nzones;
	struct fs_diff_zone *zones;           /* A's order, then zones only in B */
	size_t ncounters;
	struct fs_diff_counter *counters;     /* tracked vmstat counters, A's order then B's */
};

/* Compare report a with report b. has_time_a/b: whether that side's
 * snapshot time (time_sec/time_nsec) is when its data was taken (so rates
 * make sense). Returns 0 and an owned diff, or -ENOMEM. */
int fs_diff_new(const struct fs_report *a, bool has_time_a, const struct fs_report *b,
		bool has_time_b, struct fs_diff **out);
void fs_diff_free(struct fs_diff *d);

/* "both", "only_a", "only_b". */
const char *fs_diff_presence_name(enum fs_diff_presence p);

#endif
