/* test_ev_agg: the pure aggregation of decoded events (ev_agg.c) on record
 * sequences shaped like the kernel emits them (mm/compaction.c v6.12/6.18
 * order of tracepoints), without root or tracefs. */
#include "config.h"

#include <string.h>

#include "ev_agg.h"
#include "../tap.h"

static struct ev_agg_config cfg;
static uint64_t ts = 1000;

static void names(struct ev_names *n, int nv, const int64_t *v, const char *const *s)
{
	n->n = (unsigned)nv;
	for (int i = 0; i < nv; i++) {
		n->value[i] = v[i];
		strcpy(n->name[i], s[i]);
	}
}

static void setup(void)
{
	/* the 6.18 tables of compaction_status and zone_type */
	static const int64_t sv[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };
	static const char *const sn[] = { "not_suitable_zone", "skipped", "deferred", "no_suitable_page",
					  "continue", "complete", "partial_skipped", "contended", "success" };
	static const int64_t zv[] = { 0, 1, 2, 3 };
	static const char *const zn[] = { "DMA", "DMA32", "Normal", "Movable" };
	memset(&cfg, 0, sizeof cfg);
	cfg.pageblock_order = 9;
	names(&cfg.status, 9, sv, sn);
	names(&cfg.zone_idx, 4, zv, zn);
	cfg.status_continue = 4;
	cfg.nzones = 3;
	cfg.zones[0] = (struct ev_zone_ref){ 0, "DMA", 1, 4095 };
	cfg.zones[1] = (struct ev_zone_ref){ 0, "DMA32", 4096, 1044480 };
	cfg.zones[2] = (struct ev_zone_ref){ 0, "Normal", 1048576, 5505024 };
	cfg.nkcd = 1;
	cfg.kcd_pids[0] = 38;
}

static int feed(struct ev_agg *a, int pid, enum ev_kind k, int64_t f0, int64_t f1, int64_t f2, int64_t f3,
		int64_t f4, int64_t f5)
{
	struct ev_rec r = { .ts = ts += 10, .pid = pid, .kind = (uint16_t)k,
			    .f = { f0, f1, f2, f3, f4, f5 } };
	return ev_agg_feed(a, &r);
}

#define NORMAL 1048576
#define DMA32 4096

static void run(struct ev_agg *a, int pid, uint64_t zone_start, int status)
{
	feed(a, pid, EV_COMPACT_BEGIN, (int64_t)zone_start, 0, 0, 0, 1, 0);
	feed(a, pid, EV_ISO_MIGRATE, 0, 0, 32, 10, 0, 0);
	feed(a, pid, EV_ISO_FREE, 0, 0, 64, 12, 0, 0);
	feed(a, pid, EV_FAST_ISO_FREE, 0, 0, 6, 1, 0, 0);
	feed(a, pid, EV_MIGRATEPAGES, 9, 1, 0, 0, 0, 0);
	feed(a, pid, EV_COMPACT_END, (int64_t)zone_start, 0, 0, 0, 1, status);
}

static const struct ev_compact_row *find(const struct ev_stats *s, const char *zone, int order,
					 enum ev_trigger t, const char *status)
{
	for (size_t i = 0; i < s->ncompact; i++)
		if (strcmp(s->compact[i].zone, zone) == 0 && s->compact[i].order == order &&
		    s->compact[i].trigger == t && strcmp(s->compact[i].status_name, status) == 0)
			return &s->compact[i];
	return NULL;
}

int main(void)
{
	setup();
	struct ev_agg *a = ev_agg_new(&cfg, 1000);
	ok(a != NULL, "new");

	/* direct: try_to_compact_pages, then compact_zone's suitability check */
	feed(a, 100, EV_TRY_TO_COMPACT, 9, 0, 1, 0, 0, 0);
	feed(a, 100, EV_SUITABLE, 0, 2, 9, 4, 0, 0);
	run(a, 100, NORMAL, 8);
	/* kcompactd after a wakeup for order 3 */
	feed(a, 38, EV_KCD_WAKE, 0, 3, 2, 0, 0, 0);
	feed(a, 38, EV_SUITABLE, 0, 2, 3, 4, 0, 0);
	run(a, 38, NORMAL, 5);
	/* kcompactd's proactive branch: after kcompactd_sleep, no wakeup */
	feed(a, 38, EV_KCD_SLEEP, 0, 0, 0, 0, 0, 0);
	run(a, 38, DMA32, 5);
	/* a write to vm.compact_memory from a shell; an earlier answer
	 * "skipped" of the same task does not lend its order */
	feed(a, 200, EV_SUITABLE, 0, 2, 4, 1, 0, 0);
	run(a, 200, NORMAL, 7);
	/* an end whose begin came before the recording */
	feed(a, 300, EV_COMPACT_END, NORMAL, 0, 0, 0, 0, 6);
	/* a status this table does not name */
	run(a, 201, DMA32, 42);
	ev_agg_add_lost(a, 5, 1);
	ev_agg_close(a, 2000);

	const struct ev_stats *s = ev_agg_interval(a);
	const struct ev_compact_row *r;
	is_u64(s->compaction_runs, 6, "six runs ended");
	r = find(s, "Normal", 9, EV_TRIG_DIRECT, "success");
	ok(r != NULL, "direct order-9 run in Normal, success");
	if (r) {
		is_u64(r->migrate_scanned, 32, "migrate scanner pages from isolate_migratepages");
		is_u64(r->free_scanned, 70, "free scanner pages from isolate_freepages + fast_isolate_freepages");
		is_u64(r->isolated_free, 13, "free pages isolated");
		is_u64(r->migrated, 9, "pages migrated");
		is_u64(r->failed, 1, "pages failed");
		is_u64(r->sync_runs, 1, "sync");
		is_u64(r->ns, 50, "run time from begin to end");
	}
	ok(find(s, "Normal", 3, EV_TRIG_KCOMPACTD, "complete") != NULL, "kcompactd order-3 run");
	ok(find(s, "DMA32", -1, EV_TRIG_PROACTIVE, "complete") != NULL, "proactive run (kcompactd, no wakeup)");
	ok(find(s, "Normal", -1, EV_TRIG_MANUAL, "contended") != NULL, "manual run of order -1");
	ok(find(s, "Normal", -1, EV_TRIG_UNKNOWN, "partial_skipped") != NULL, "run begun before the recording");
	ok(find(s, "DMA32", -1, EV_TRIG_MANUAL, "status_42") != NULL, "unnamed status kept as a number");
	is_u64(s->direct_attempts, 1, "direct attempts");
	is_u64(s->kcompactd_wakes, 1, "kcompactd wakes");
	is_u64(s->lost_events, 5, "lost events counted");
	is_u64(s->lost_unknown, 1, "uncounted losses flagged");
	uint64_t sum = 0;
	for (size_t i = 0; i < s->nstatus; i++)
		sum += s->status[i].count;
	is_u64(sum, s->compaction_runs, "end statuses add up to the runs");
	is_u64(s->events[EV_COMPACT_END], 6, "records per kind");

	/* kcompactd whose sleep/wake the recording missed: a suitability
	 * answer makes it kcompactd_do_work, none makes it proactive */
	struct ev_agg *b = ev_agg_new(&cfg, 0);
	feed(b, 38, EV_SUITABLE, 0, 2, 2, 4, 0, 0);
	run(b, 38, NORMAL, 5);
	run(b, 38, NORMAL, 5);
	/* a zone table miss falls back to the suitable record's zone index */
	feed(b, 101, EV_SUITABLE, 1, 1, 5, 4, 0, 0);
	run(b, 101, 99999999, 3);
	ev_agg_close(b, 5000);
	s = ev_agg_totals(b);
	ok(find(s, "Normal", 2, EV_TRIG_KCOMPACTD, "complete") != NULL, "kcompactd (state unknown) with an order");
	ok(find(s, "Normal", -1, EV_TRIG_PROACTIVE, "complete") != NULL, "kcompactd (state unknown) without: proactive");
	r = find(s, "DMA32", 5, EV_TRIG_DIRECT, "no_suitable_page");
	ok(r != NULL && r->nid == 1, "zone from the suitable record (node 1 DMA32)");
	ev_agg_free(b);

	/* extfrag: claims, steals, fragmenting and mixing */
	feed(a, 1, EV_EXTFRAG, 5, 0, 10, 0, 1, 1);   /* whole free block claimed: no mixing */
	feed(a, 1, EV_EXTFRAG, 5, 0, 3, 0, 1, 0);    /* unmovable steal from a movable block */
	feed(a, 1, EV_EXTFRAG, 5, 0, 3, 0, 1, 0);
	feed(a, 1, EV_EXTFRAG, 5, 0, 4, 2, 1, 1);    /* reclaimable claims a movable block */
	feed(a, 1, EV_EXTFRAG, 5, 0, 2, 1, 0, 0);    /* movable steals from unmovable: fragmenting, not mixing */
	ev_agg_close(a, 3000);
	s = ev_agg_interval(a);
	is_u64(s->extfrag_events, 5, "extfrag events");
	is_u64(s->extfrag_claims, 2, "claims (change_ownership)");
	is_u64(s->extfrag_steals, 3, "steals");
	is_u64(s->extfrag_fragmenting, 4, "fragmenting: fallback order < pageblock order");
	is_u64(s->extfrag_mixing, 3, "mixing: unmovable/reclaimable into a movable pageblock");
	is_u64(s->nextfrag, 4, "four distinct rows");
	ok(s->nextfrag == 4 && s->extfrag[0].alloc_order == 0 && s->extfrag[0].fallback_order == 2,
	   "rows sorted by order, fallback order");
	is_u64(s->compaction_runs, 0, "the second interval has no runs");
	is_u64(s->t_start, 2000, "interval start");
	is_u64(s->t_end, 3000, "interval end");
	s = ev_agg_totals(a);
	is_u64(s->compaction_runs, 6, "totals keep the first interval's runs");
	is_u64(s->extfrag_events, 5, "totals: extfrag");
	is_u64(s->lost_events, 5, "totals: lost");

	/* an open run is reported, not counted */
	feed(a, 400, EV_COMPACT_BEGIN, NORMAL, 0, 0, 0, 0, 0);
	is_u64(ev_agg_open_runs(a), 1, "one run still open");
	ev_agg_free(a);
	return done_testing();
}
