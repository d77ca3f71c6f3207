#include "config.h"

#include <jansson.h>

#include "render_events.h"

#include <inttypes.h>
#include <string.h>

#include "render_json.h"

static double secs(const struct ev_stats *s)
{
	return s->t_end > s->t_start ? (double)(s->t_end - s->t_start) / 1e9 : 0.0;
}

static double rate(uint64_t n, const struct ev_stats *s)
{
	double t = secs(s);
	return t > 0 ? (double)n / t : 0.0;
}

json_t *ev_json_stats(const struct ev_agg_config *cfg, const struct ev_stats *s)
{
	char b1[16], b2[16];
	json_t *o = json_object();
	json_object_set_new(o, "start_ns", fs_json_u64(s->t_start));
	json_object_set_new(o, "end_ns", fs_json_u64(s->t_end));
	json_object_set_new(o, "seconds", json_real(secs(s)));
	json_object_set_new(o, "extfrag_events", fs_json_u64(s->extfrag_events));
	json_object_set_new(o, "extfrag_claims", fs_json_u64(s->extfrag_claims));
	json_object_set_new(o, "extfrag_steals", fs_json_u64(s->extfrag_steals));
	json_object_set_new(o, "extfrag_mixing", fs_json_u64(s->extfrag_mixing));
	json_object_set_new(o, "extfrag_fragmenting", fs_json_u64(s->extfrag_fragmenting));
	json_object_set_new(o, "extfrag_per_sec", json_real(rate(s->extfrag_events, s)));
	json_object_set_new(o, "compaction_runs", fs_json_u64(s->compaction_runs));
	json_t *st = json_object();
	for (size_t i = 0; i < s->nstatus; i++)
		json_object_set_new(st, s->status[i].name, fs_json_u64(s->status[i].count));
	json_object_set_new(o, "compaction_end_status", st);
	json_object_set_new(o, "direct_compaction_attempts", fs_json_u64(s->direct_attempts));
	json_object_set_new(o, "kcompactd_wakes", fs_json_u64(s->kcompactd_wakes));
	json_object_set_new(o, "kcompactd_wakeup_requests", fs_json_u64(s->kcompactd_wakeups));
	json_object_set_new(o, "lost_events", fs_json_u64(s->lost_events));
	json_object_set_new(o, "lost_unknown_subbuffers", fs_json_u64(s->lost_unknown));

	json_t *ev = json_object();
	for (int k = 0; k < EV_NKINDS; k++)
		if (s->events[k])
			json_object_set_new(ev, ev_kind_name(k), fs_json_u64(s->events[k]));
	json_object_set_new(o, "records", ev);

	json_t *ex = json_array();
	for (size_t i = 0; i < s->nextfrag; i++) {
		const struct ev_extfrag_row *r = &s->extfrag[i];
		json_t *x = json_object();
		json_object_set_new(x, "alloc_order", json_integer(r->alloc_order));
		json_object_set_new(x, "fallback_order", json_integer(r->fallback_order));
		json_object_set_new(x, "alloc_migratetype", json_string(ev_mt_name(cfg, r->alloc_mt, b1, sizeof b1)));
		json_object_set_new(x, "fallback_migratetype", json_string(ev_mt_name(cfg, r->fallback_mt, b2, sizeof b2)));
		json_object_set_new(x, "kind", json_string(r->claim ? "claim" : "steal"));
		json_object_set_new(x, "mixing", json_boolean(r->mixing));
		if (cfg->pageblock_order >= 0)
			json_object_set_new(x, "fragmenting", json_boolean(r->fragmenting));
		json_object_set_new(x, "count", fs_json_u64(r->count));
		json_object_set_new(x, "per_sec", json_real(rate(r->count, s)));
		json_array_append_new(ex, x);
	}
	json_object_set_new(o, "extfrag", ex);

	json_t *cr = json_array();
	for (size_t i = 0; i < s->ncompact; i++) {
		const struct ev_compact_row *r = &s->compact[i];
		json_t *x = json_object();
		json_object_set_new(x, "node", json_integer(r->nid));
		json_object_set_new(x, "zone", json_string(r->zone));
		json_object_set_new(x, "order", json_integer(r->order));
		json_object_set_new(x, "trigger", json_string(ev_trigger_name(r->trigger)));
		json_object_set_new(x, "status", json_string(r->status_name));
		json_object_set_new(x, "runs", fs_json_u64(r->runs));
		json_object_set_new(x, "sync_runs", fs_json_u64(r->sync_runs));
		json_object_set_new(x, "migrate_scanned", fs_json_u64(r->migrate_scanned));
		json_object_set_new(x, "free_scanned", fs_json_u64(r->free_scanned));
		json_object_set_new(x, "isolated_migrate", fs_json_u64(r->isolated_migrate));
		json_object_set_new(x, "isolated_free", fs_json_u64(r->isolated_free));
		json_object_set_new(x, "migrated", fs_json_u64(r->migrated));
		json_object_set_new(x, "migrate_failed", fs_json_u64(r->failed));
		json_object_set_new(x, "run_ns", fs_json_u64(r->ns));
		json_array_append_new(cr, x);
	}
	json_object_set_new(o, "compaction", cr);

	json_t *dr = json_array();
	for (size_t i = 0; i < s->ndefer; i++) {
		const struct ev_defer_row *r = &s->defer[i];
		json_t *x = json_object();
		json_object_set_new(x, "node", json_integer(r->nid));
		json_object_set_new(x, "zone", json_string(r->zone));
		json_object_set_new(x, "order", json_integer(r->order));
		json_object_set_new(x, "deferred", fs_json_u64(r->deferred));
		json_object_set_new(x, "defer_raised", fs_json_u64(r->defer_compaction));
		json_array_append_new(dr, x);
	}
	json_object_set_new(o, "deferrals", dr);

	json_t *mr = json_array();
	for (size_t i = 0; i < s->nmigrate; i++) {
		const struct ev_migrate_row *r = &s->migrate[i];
		json_t *x = json_object();
		json_object_set_new(x, "reason", json_string(r->reason_name));
		json_object_set_new(x, "calls", fs_json_u64(r->calls));
		json_object_set_new(x, "succeeded", fs_json_u64(r->succeeded));
		json_object_set_new(x, "failed", fs_json_u64(r->failed));
		json_array_append_new(mr, x);
	}
	json_object_set_new(o, "migrate_pages", mr);
	json_object_set_new(o, "scans_outside_runs", fs_json_u64(s->scans_outside_runs));
	return o;
}

json_t *ev_json_info(const struct ev_render_info *info, uint64_t interval_ns)
{
	json_t *o = json_object();
	json_object_set_new(o, "source", json_string(info->source));
	if (info->instance)
		json_object_set_new(o, "instance", json_string(info->instance));
	json_object_set_new(o, "interval_ns", fs_json_u64(interval_ns));
	json_t *m = json_array();
	for (int k = 0; k < EV_NKINDS; k++)
		if (info->missing_kinds & EV_BIT(k)) {
			char n[96];
			snprintf(n, sizeof n, "%s:%s", ev_kind_system(k), ev_kind_name(k));
			json_array_append_new(m, json_string(n));
		}
	json_object_set_new(o, "missing_events", m);
	json_object_set_new(o, "open_runs", fs_json_u64(info->open_runs));
	json_object_set_new(o, "reader_dropped", fs_json_u64(info->reader_dropped));
	return o;
}

void ev_table_stats(FILE *out, const struct ev_agg_config *cfg, const struct ev_stats *s,
		    const char *title, const struct ev_render_info *info, bool totals)
{
	char b1[16], b2[16];
	fprintf(out, "%s: %.1f s\n", title, secs(s));
	fprintf(out, "  extfrag (mm_page_alloc_extfrag): %" PRIu64 " events, %.1f/s: %" PRIu64
		" claims (block retyped), %" PRIu64 " steals\n",
		s->extfrag_events, rate(s->extfrag_events, s), s->extfrag_claims, s->extfrag_steals);
	if (s->extfrag_events) {
		if (cfg->pageblock_order >= 0)
			fprintf(out, "  fragmenting (fallback order < pageblock order %d): %" PRIu64 "\n"
				"  mixing (unmovable/reclaimable into a movable pageblock): %" PRIu64 "\n",
				cfg->pageblock_order, s->extfrag_fragmenting, s->extfrag_mixing);
		else
			fprintf(out, "  pageblock order unknown: fragmenting and mixing fallbacks not told apart\n");
		fprintf(out, "    %-5s %-8s %-11s %-11s %-5s %10s %9s\n", "order", "fallback", "alloc type",
			"from list", "kind", "events", "per sec");
		for (size_t i = 0; i < s->nextfrag; i++) {
			const struct ev_extfrag_row *r = &s->extfrag[i];
			fprintf(out, "    %-5d %-8d %-11s %-11s %-5s %10" PRIu64 " %9.1f%s\n", r->alloc_order,
				r->fallback_order, ev_mt_name(cfg, r->alloc_mt, b1, sizeof b1),
				ev_mt_name(cfg, r->fallback_mt, b2, sizeof b2), r->claim ? "claim" : "steal",
				r->count, rate(r->count, s), r->mixing ? "  mixing" : "");
		}
	}
	fprintf(out, "  compaction: %" PRIu64 " runs ended", s->compaction_runs);
	for (size_t i = 0; i < s->nstatus; i++)
		fprintf(out, "%s%s %" PRIu64, i ? ", " : " (", s->status[i].name, s->status[i].count);
	fprintf(out, "%s; %" PRIu64 " direct attempts, %" PRIu64 " kcompactd wakes\n", s->nstatus ? ")" : "",
		s->direct_attempts, s->kcompactd_wakes);
	if (s->ncompact) {
		fprintf(out, "    %-4s %-8s %5s %-9s %-16s %5s %10s %10s %9s %7s\n", "node", "zone", "order",
			"trigger", "status", "runs", "mig.scan", "free.scan", "migrated", "failed");
		for (size_t i = 0; i < s->ncompact; i++) {
			const struct ev_compact_row *r = &s->compact[i];
			fprintf(out, "    %-4d %-8s %5d %-9s %-16s %5" PRIu64 " %10" PRIu64 " %10" PRIu64 " %9" PRIu64
				" %7" PRIu64 "\n", r->nid, r->zone, r->order, ev_trigger_name(r->trigger),
				r->status_name, r->runs, r->migrate_scanned, r->free_scanned, r->migrated, r->failed);
		}
	}
	for (size_t i = 0; i < s->ndefer; i++)
		fprintf(out, "  deferred: node %d %s order %d: skipped %" PRIu64 " times, deferral raised %" PRIu64
			" times\n", s->defer[i].nid, s->defer[i].zone, s->defer[i].order, s->defer[i].deferred,
			s->defer[i].defer_compaction);
	for (size_t i = 0; i < s->nmigrate; i++)
		fprintf(out, "  migrate_pages (%s): %" PRIu64 " calls, %" PRIu64 " pages moved, %" PRIu64 " failed\n",
			s->migrate[i].reason_name, s->migrate[i].calls, s->migrate[i].succeeded, s->migrate[i].failed);
	if (s->lost_events || s->lost_unknown)
		fprintf(out, "  LOST: %" PRIu64 " events dropped by the ring buffer%s: the counts above are low\n",
			s->lost_events, s->lost_unknown ? " (and more, uncounted)" : "");
	else
		fprintf(out, "  lost events: 0\n");
	if (totals && info) {
		if (info->open_runs)
			fprintf(out, "  %" PRIu64 " compaction run(s) still running at the end (not counted)\n",
				info->open_runs);
		if (info->reader_dropped)
			fprintf(out, "  fragstat could not keep %" PRIu64 " records (reader limit)\n", info->reader_dropped);
		if (info->missing_kinds) {
			fprintf(out, "  not on this kernel:");
			for (int k = 0; k < EV_NKINDS; k++)
				if (info->missing_kinds & EV_BIT(k))
					fprintf(out, " %s", ev_kind_name(k));
			fputc('\n', out);
		}
	}
}

static void prom_esc(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', out);
		if (*s == '\n') {
			fputs("\\n", out);
			continue;
		}
		fputc(*s, out);
	}
}

void ev_prom_totals(FILE *out, const struct ev_agg_config *cfg, const struct ev_stats *s,
		    const struct ev_render_info *info)
{
	char b1[16], b2[16];
	(void)info;
	fputs("# HELP fragstat_events_extfrag_total mm_page_alloc_extfrag events: allocations that fell back to another migratetype's free list.\n"
	      "# TYPE fragstat_events_extfrag_total counter\n", out);
	for (size_t i = 0; i < s->nextfrag; i++) {
		const struct ev_extfrag_row *r = &s->extfrag[i];
		fprintf(out, "fragstat_events_extfrag_total{alloc_order=\"%d\",fallback_order=\"%d\",alloc_migratetype=\"",
			r->alloc_order, r->fallback_order);
		prom_esc(out, ev_mt_name(cfg, r->alloc_mt, b1, sizeof b1));
		fputs("\",fallback_migratetype=\"", out);
		prom_esc(out, ev_mt_name(cfg, r->fallback_mt, b2, sizeof b2));
		fprintf(out, "\",kind=\"%s\"} %" PRIu64 "\n", r->claim ? "claim" : "steal", r->count);
	}
	fputs("# HELP fragstat_events_compaction_runs_total Compaction runs (mm_compaction_end) by zone, order, trigger and end status.\n"
	      "# TYPE fragstat_events_compaction_runs_total counter\n", out);
	for (size_t i = 0; i < s->ncompact; i++) {
		const struct ev_compact_row *r = &s->compact[i];
		fprintf(out, "fragstat_events_compaction_runs_total{node=\"%d\",zone=\"", r->nid);
		prom_esc(out, r->zone);
		fprintf(out, "\",order=\"%d\",trigger=\"%s\",status=\"", r->order, ev_trigger_name(r->trigger));
		prom_esc(out, r->status_name);
		fprintf(out, "\"} %" PRIu64 "\n", r->runs);
	}
	fputs("# HELP fragstat_events_compaction_migrated_pages_total Pages compaction migrated (mm_compaction_migratepages).\n"
	      "# TYPE fragstat_events_compaction_migrated_pages_total counter\n", out);
	uint64_t mig = 0, fail = 0;
	for (size_t i = 0; i < s->ncompact; i++) {
		mig += s->compact[i].migrated;
		fail += s->compact[i].failed;
	}
	fprintf(out, "fragstat_events_compaction_migrated_pages_total %" PRIu64 "\n", mig);
	fputs("# HELP fragstat_events_compaction_migrate_failed_pages_total Pages compaction failed to migrate.\n"
	      "# TYPE fragstat_events_compaction_migrate_failed_pages_total counter\n", out);
	fprintf(out, "fragstat_events_compaction_migrate_failed_pages_total %" PRIu64 "\n", fail);
	fputs("# HELP fragstat_events_compaction_deferred_total Compaction skipped because deferred (mm_compaction_deferred).\n"
	      "# TYPE fragstat_events_compaction_deferred_total counter\n", out);
	for (size_t i = 0; i < s->ndefer; i++) {
		fprintf(out, "fragstat_events_compaction_deferred_total{node=\"%d\",zone=\"", s->defer[i].nid);
		prom_esc(out, s->defer[i].zone);
		fprintf(out, "\",order=\"%d\"} %" PRIu64 "\n", s->defer[i].order, s->defer[i].deferred);
	}
	fputs("# HELP fragstat_events_lost_total Events the ring buffer dropped; the other counters miss them.\n"
	      "# TYPE fragstat_events_lost_total counter\n", out);
	fprintf(out, "fragstat_events_lost_total %" PRIu64 "\n", s->lost_events);
}
