/* test_rates.c - per-second rates, resets, missing counters and the
 * windowed success ratio. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "rates.h"
#include "snapshot.h"
#include "../tap.h"

static struct fs_snapshot *snap(uint64_t stall, uint64_t success, uint64_t fail, uint64_t migrated)
{
	struct fs_snapshot *s = fs_snapshot_new();
	fs_kv_set(&s->vmstat, "compact_stall", stall);
	fs_kv_set(&s->vmstat, "compact_success", success);
	fs_kv_set(&s->vmstat, "compact_fail", fail);
	fs_kv_set(&s->vmstat, "pgmigrate_success", migrated);
	return s;
}

int main(void)
{
	struct fs_rates r;

	/* The name table matches the enum, every name is a vmstat key. */
	int named = 1;
	for (int c = 0; c < FS_RATE_COUNT; c++)
		named &= fs_rates_name(c) != NULL && strchr(fs_rates_name(c), ' ') == NULL;
	ok(named, "every counter has a name");
	ok(fs_rates_name(FS_RATE_COUNT) == NULL, "out of range has none");
	is_str(fs_rates_name(FS_RATE_COMPACT_DAEMON_WAKE), "compact_daemon_wake", "kcompactd wakes name");

	struct fs_snapshot *a = snap(10, 6, 4, 1000);
	struct fs_snapshot *b = snap(14, 9, 5, 1500);

	fs_rates_compute(NULL, a, 1, &r);
	ok(!r.valid, "first sample: no rates");
	ok(!r.have[FS_RATE_COMPACT_STALL], "first sample: nothing present");

	fs_rates_compute(a, b, 2.0, &r);
	ok(r.valid, "two samples 2 s apart: valid");
	is_u64(r.delta[FS_RATE_COMPACT_STALL], 4, "stall delta");
	ok(fabs(r.per_sec[FS_RATE_COMPACT_STALL] - 2.0) < 1e-12, "stall 2/s");
	ok(fabs(r.per_sec[FS_RATE_PGMIGRATE_SUCCESS] - 250.0) < 1e-12, "pgmigrate 250/s");
	ok(!r.have[FS_RATE_THP_FAULT_FALLBACK], "counter missing from vmstat: not present");
	ok(r.per_sec[FS_RATE_THP_FAULT_FALLBACK] == 0, "missing counter rate 0");

	/* Backwards = reset: never negative. */
	fs_rates_compute(b, a, 1.0, &r);
	ok(r.reset[FS_RATE_COMPACT_STALL], "backwards counter flagged as reset");
	is_u64(r.delta[FS_RATE_COMPACT_STALL], 0, "reset delta 0");
	ok(r.per_sec[FS_RATE_COMPACT_STALL] == 0, "reset rate 0, not negative");

	/* Equal timestamps or a bad interval: deltas, no rates, no NaN. */
	fs_rates_compute(a, b, 0, &r);
	ok(!r.valid && r.delta[FS_RATE_COMPACT_STALL] == 4 && r.per_sec[FS_RATE_COMPACT_STALL] == 0,
	   "interval 0: deltas kept, no rate");
	fs_rates_compute(a, b, NAN, &r);
	ok(!r.valid && isfinite(r.per_sec[FS_RATE_COMPACT_STALL]), "interval NaN: no rate, finite values");
	fs_rates_compute(a, b, -1, &r);
	ok(!r.valid, "negative interval: not valid");

	/* A counter at the top of the range moving by one. */
	struct fs_snapshot *h1 = snap(UINT64_MAX - 1, 0, 0, 0), *h2 = snap(UINT64_MAX, 0, 0, 0);
	fs_rates_compute(h1, h2, 1, &r);
	is_u64(r.delta[FS_RATE_COMPACT_STALL], 1, "delta near UINT64_MAX");

	/* The window: success ratio over the last N samples only. */
	struct fs_rates_window w;
	struct fs_rates_ratio q;
	fs_rates_window_init(&w, 3);
	fs_rates_window_ratio(&w, &q);
	ok(!q.defined && q.ratio == 0 && q.samples == 0, "empty window: undefined, 0, no NaN");
	struct fs_rates s = { .valid = true, .interval = 1 };
	s.delta[FS_RATE_COMPACT_SUCCESS] = 0;
	s.delta[FS_RATE_COMPACT_FAIL] = 0;
	fs_rates_window_push(&w, &s);
	fs_rates_window_ratio(&w, &q);
	ok(!q.defined && q.samples == 1, "no compaction in window: undefined");
	s.delta[FS_RATE_COMPACT_SUCCESS] = 1;
	s.delta[FS_RATE_COMPACT_FAIL] = 3;
	fs_rates_window_push(&w, &s);   /* 1 ok, 3 failed */
	s.delta[FS_RATE_COMPACT_SUCCESS] = 2;
	s.delta[FS_RATE_COMPACT_FAIL] = 0;
	fs_rates_window_push(&w, &s);   /* 2 ok */
	fs_rates_window_ratio(&w, &q);
	ok(q.defined && fabs(q.ratio - 0.5) < 1e-12, "3 of 6 succeeded: 0.5");
	is_int(q.samples, 3, "three samples");
	s.delta[FS_RATE_COMPACT_SUCCESS] = 3;
	s.delta[FS_RATE_COMPACT_FAIL] = 0;
	fs_rates_window_push(&w, &s);   /* pushes out 0/0 */
	fs_rates_window_push(&w, &s);   /* pushes out 1/3 */
	fs_rates_window_ratio(&w, &q);
	ok(q.defined && q.ratio == 1.0, "old failures left the window: ratio 1");
	is_u64(q.success, 8, "window success sum");
	ok(fabs(q.seconds - 3.0) < 1e-12, "window covers 3 s");
	struct fs_rates inv = { .valid = false };
	inv.delta[FS_RATE_COMPACT_FAIL] = 100;
	fs_rates_window_push(&w, &inv);
	fs_rates_window_ratio(&w, &q);
	ok(q.ratio == 1.0, "invalid samples are not counted");

	/* Saturation instead of wrap. */
	fs_rates_window_init(&w, 2);
	s.delta[FS_RATE_COMPACT_SUCCESS] = UINT64_MAX;
	s.delta[FS_RATE_COMPACT_FAIL] = UINT64_MAX;
	fs_rates_window_push(&w, &s);
	fs_rates_window_push(&w, &s);
	fs_rates_window_ratio(&w, &q);
	ok(q.success == UINT64_MAX && isfinite(q.ratio) && fabs(q.ratio - 0.5) < 1e-12, "huge deltas saturate");
	fs_rates_window_init(&w, 0);
	is_int(w.size, 1, "window size clamped to 1");
	fs_rates_window_init(&w, 100000);
	is_int(w.size, FS_RATES_WINDOW_MAX, "window size clamped to max");

	fs_snapshot_free(a);
	fs_snapshot_free(b);
	fs_snapshot_free(h1);
	fs_snapshot_free(h2);
	return done_testing();
}
