/* fs_diff_new against hand-worked states: free block and index deltas (the
 * kernel's integer arithmetic, worked on paper below), verdict changes,
 * zones on one side only, counter deltas, rates and resets. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "diff.h"

static struct fs_zone *zone(struct fs_snapshot *s, int node, const char *name, const uint64_t *free,
			    uint64_t pages_free)
{
	struct fs_node *n = fs_snapshot_node_get(s, node);
	struct fs_zone *z = fs_node_zone_get(n, name);
	z->has_buddy = true;
	for (unsigned k = 0; k < s->orders; k++)
		z->free[k] = free[k];
	if (pages_free) {
		z->has_zoneinfo = true;
		z->zi_have = FS_ZI_FREE | FS_ZI_MIN | FS_ZI_LOW;
		z->pages_free = pages_free;
		z->min = 1;
		z->low = 2;
	}
	return z;
}

static const struct fs_diff_zone *find(const struct fs_diff *d, int node, const char *name)
{
	for (size_t i = 0; i < d->nzones; i++)
		if (d->zones[i].node == node && strcmp(d->zones[i].zone, name) == 0)
			return &d->zones[i];
	return NULL;
}

static const struct fs_diff_counter *counter(const struct fs_diff *d, const char *name)
{
	for (size_t i = 0; i < d->ncounters; i++)
		if (strcmp(d->counters[i].name, name) == 0)
			return &d->counters[i];
	return NULL;
}

static struct fs_report *report(const struct fs_snapshot *s)
{
	struct fs_report_opts o = { .focus_order = -1, .node_filter = -1 };
	return fs_report_new(s, &o);
}

static void tracked(void)
{
	ok(fs_vmstat_tracked("compact_stall"), "compact_stall tracked");
	ok(fs_vmstat_tracked("compact_daemon_wake"), "compact_daemon_wake tracked");
	ok(fs_vmstat_tracked("pgmigrate_success"), "pgmigrate_success tracked");
	ok(fs_vmstat_tracked("thp_fault_fallback"), "thp_fault_fallback tracked");
	ok(fs_vmstat_tracked("numa_pages_migrated"), "numa_pages_migrated tracked");
	ok(!fs_vmstat_tracked("nr_free_pages"), "nr_free_pages (a gauge) not tracked");
	ok(!fs_vmstat_tracked("pgfault"), "pgfault not tracked");
	ok(!fs_vmstat_tracked("compact"), "a bare prefix is not a counter");
}

static void self_diff(void)
{
	struct fs_snapshot *s = fs_snapshot_new();
	s->orders = 3;
	zone(s, 0, "DMA", (const uint64_t[]){ 1, 2, 3 }, 20);
	zone(s, 0, "Normal", (const uint64_t[]){ 8, 0, 0 }, 8);
	fs_kv_set(&s->vmstat, "compact_stall", 7);
	struct fs_report *r = report(s);
	struct fs_diff *d = NULL;
	is_int(fs_diff_new(r, true, r, true, &d), 0, "self diff computed");
	is_int(d->nzones, 2, "self diff: two zones");
	unsigned nonzero = 0;
	for (size_t i = 0; i < d->nzones; i++) {
		const struct fs_diff_zone *z = &d->zones[i];
		nonzero += z->presence != FS_DIFF_BOTH || z->changes || z->free_pages_delta;
		for (unsigned k = 0; k < d->orders; k++)
			nonzero += z->free_delta[k] != 0 || z->unusable_delta[k] != 0 ||
				   z->fragidx_delta[k] != 0 || z->verdict_changed[k];
	}
	is_int(nonzero, 0, "self diff: every delta zero, nothing changed");
	ok(d->has_interval && d->interval_ns == 0, "self diff: interval 0");
	const struct fs_diff_counter *c = counter(d, "compact_stall");
	ok(c && c->delta == 0 && !c->has_rate, "self diff: counter delta 0, no rate over 0 s");
	fs_diff_free(d);
	fs_report_free(r);
	fs_snapshot_free(s);
}

static void worked(void)
{
	struct fs_snapshot *a = fs_snapshot_new(), *b = fs_snapshot_new();
	a->orders = 3;
	b->orders = 3;
	a->time_sec = 100;
	b->time_sec = 130;
	b->time_nsec = 500000000;
	/* A Normal: eight order-0 blocks. B Normal: four order-1 blocks. Both
	 * hold 8 free pages. */
	zone(a, 0, "Normal", (const uint64_t[]){ 8, 0, 0 }, 8);
	zone(b, 0, "Normal", (const uint64_t[]){ 0, 4, 0 }, 8);
	zone(a, 0, "DMA", (const uint64_t[]){ 1, 1, 1 }, 0);
	zone(b, 0, "Movable", (const uint64_t[]){ 0, 0, 2 }, 0);
	zone(b, 1, "Normal", (const uint64_t[]){ 5, 0, 0 }, 0);
	fs_kv_set(&a->vmstat, "compact_stall", 10);
	fs_kv_set(&b->vmstat, "compact_stall", 71);
	fs_kv_set(&a->vmstat, "pgmigrate_success", 100);
	fs_kv_set(&b->vmstat, "pgmigrate_success", 50);
	fs_kv_set(&b->vmstat, "compact_fail", 3);
	fs_kv_set(&a->vmstat, "nr_free_pages", 8);
	fs_kv_set(&b->vmstat, "nr_free_pages", 9);

	struct fs_report *ra = report(a), *rb = report(b);
	struct fs_diff *d = NULL;
	is_int(fs_diff_new(ra, true, rb, true, &d), 0, "diff computed");
	is_int(d->orders, 3, "three orders compared");
	is_int(d->nzones, 4, "zones: A's two, then B's two new ones");
	ok(d->has_interval, "both sides timed");
	is_int(d->interval_ns, 30500000000LL, "interval 30.5 s");

	const struct fs_diff_zone *z = find(d, 0, "Normal");
	if (!ok(z && z->presence == FS_DIFF_BOTH, "node 0 Normal on both sides"))
		return;
	is_int(z->free_delta[0], -8, "order 0: 0 - 8 = -8 blocks");
	is_int(z->free_delta[1], 4, "order 1: 4 - 0 = +4 blocks");
	is_int(z->free_delta[2], 0, "order 2: no change");
	is_int(z->free_pages_delta, 0, "free pages 8 on both sides");
	ok(z->indices_delta_ok, "indices on both sides");
	/* unusable(k) = (free_pages - suitable pages) * 1000 / free_pages.
	 * A: order 1 has no suitable block: 1000; B: 8 suitable pages: 0. */
	is_int(z->a.unusable[1], 1000, "A unusable(1) = 1000");
	is_int(z->b.unusable[1], 0, "B unusable(1) = 0");
	is_int(z->unusable_delta[1], -1000, "unusable(1) delta -1000");
	is_int(z->unusable_delta[2], 0, "unusable(2) is 1000 on both sides");
	/* fragidx(k) = 1000 - (1000 + free_pages * 1000 / 2^k) / blocks, or
	 * -1000 when a suitable block exists. A order 1: 1000 - 5000/8 = 375;
	 * B order 1: -1000. A order 2: 1000 - 3000/8 = 625; B order 2:
	 * 1000 - 3000/4 = 250. */
	is_int(z->a.fragidx[1], 375, "A fragidx(1) = 375");
	is_int(z->fragidx_delta[1], -1375, "fragidx(1) delta -1375");
	is_int(z->fragidx_delta[2], -375, "fragidx(2) delta 250 - 625");
	is_int(z->fragidx_delta[0], 0, "fragidx(0) -1000 on both sides");
	/* Verdicts (free 8, min 1, low 2, no reserve): order 1 in A passes the
	 * watermark but has no block: the order-0 gap check 8 > 1 + 4 passes,
	 * so compact; B has the block: ok. Order 2 in both: no block and
	 * 8 > 1 + 8 fails: reclaim. */
	ok(z->verdicts_compared, "verdicts on both sides");
	is_str(fs_verdict_name(z->a.verdict[1]), "compact", "A order 1: compact");
	is_str(fs_verdict_name(z->b.verdict[1]), "ok", "B order 1: ok");
	ok(z->verdict_changed[1] && !z->verdict_changed[0] && !z->verdict_changed[2],
	   "only order 1's verdict changed");
	is_str(fs_verdict_name(z->b.verdict[2]), "reclaim", "order 2: reclaim");
	is_int(z->changes, 3, "three orders changed (blocks or indices)");

	z = find(d, 0, "DMA");
	ok(z && z->presence == FS_DIFF_ONLY_A && z->a.free[2] == 1, "DMA only in A, with A's counts");
	ok(z && !z->verdicts_compared && z->changes == 0, "a one-sided zone compares nothing");
	z = find(d, 0, "Movable");
	ok(z && z->presence == FS_DIFF_ONLY_B && z->b.free[2] == 2, "Movable only in B");
	z = find(d, 1, "Normal");
	ok(z && z->presence == FS_DIFF_ONLY_B, "node 1 Normal only in B (node ids matter)");
	ok(d->zones[0].presence != FS_DIFF_ONLY_B && d->zones[2].presence == FS_DIFF_ONLY_B,
	   "A's zones first, then zones new in B");

	const struct fs_diff_counter *c = counter(d, "compact_stall");
	if (ok(c != NULL, "compact_stall compared")) {
		is_int(c->delta, 61, "compact_stall +61");
		ok(c->has_rate && fabs(c->rate - 2.0) < 1e-9, "compact_stall 61 / 30.5 s = 2/s");
	}
	c = counter(d, "pgmigrate_success");
	if (ok(c != NULL, "pgmigrate_success compared")) {
		is_int(c->delta, -50, "pgmigrate_success went back by 50");
		ok(c->reset && !c->has_rate, "a counter that went back is a reset, no rate");
	}
	c = counter(d, "compact_fail");
	ok(c && !c->in_a && c->in_b && c->b == 3 && c->delta == 0 && !c->has_rate,
	   "compact_fail only in B: no delta, no rate");
	ok(counter(d, "nr_free_pages") == NULL, "gauges are not diffed as counters");
	fs_diff_free(d);

	/* Untimed: deltas, no rates. */
	is_int(fs_diff_new(ra, true, rb, false, &d), 0, "untimed diff computed");
	ok(!d->has_interval, "one side untimed: no interval");
	c = counter(d, "compact_stall");
	ok(c && c->delta == 61 && !c->has_rate, "untimed: delta but no rate");
	fs_diff_free(d);
	fs_report_free(ra);
	fs_report_free(rb);

	/* Orders differ: compare the common ones. */
	b->orders = 4;
	rb = report(b);
	ra = report(a);
	is_int(fs_diff_new(ra, false, rb, false, &d), 0, "orders-differ diff computed");
	ok(d->orders == 3 && d->orders_a == 3 && d->orders_b == 4, "3 vs 4 orders: 3 compared");
	fs_diff_free(d);
	fs_report_free(ra);
	fs_report_free(rb);
	fs_snapshot_free(a);
	fs_snapshot_free(b);
}

static void saturate(void)
{
	struct fs_snapshot *a = fs_snapshot_new(), *b = fs_snapshot_new();
	a->orders = b->orders = 1;
	zone(a, 0, "Normal", (const uint64_t[]){ 0 }, 0);
	zone(b, 0, "Normal", (const uint64_t[]){ UINT64_MAX }, 0);
	struct fs_report *ra = report(a), *rb = report(b);
	struct fs_diff *d = NULL;
	is_int(fs_diff_new(ra, false, rb, false, &d), 0, "huge counts: diff computed");
	ok(d->zones[0].free_delta[0] == INT64_MAX, "a delta past int64 saturates");
	fs_diff_free(d);
	fs_diff_free(NULL);
	fs_report_free(ra);
	fs_report_free(rb);
	fs_snapshot_free(a);
	fs_snapshot_free(b);
}

int main(void)
{
	tracked();
	self_diff();
	worked();
	saturate();
	is_str(fs_diff_presence_name(FS_DIFF_ONLY_B), "only_b", "presence names");
	return done_testing();
}
