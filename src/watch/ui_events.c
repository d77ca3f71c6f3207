#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "ui_curses.h"

/* The events panel: what the last interval's tracepoints said changed the
 * free lists above (fallbacks that moved pages between migratetypes) and
 * what compaction did. Fed by the code of `fragstat events`. */
void ui_panel_events(const struct ui_frame *f, int y0, int y1)
{
	const struct ev_stats *s = f->events;
	int y = y0;
	if (y >= y1)
		return;
	if (!s) {
		ui_rule(y++, " Events ");
		ui_printf(y, 1, UI_SEV_DIM, "%s", f->events_why ? f->events_why : "no events");
		return;
	}
	char title[64];
	double secs = s->t_end > s->t_start ? (double)(s->t_end - s->t_start) / 1e9 : 0;
	snprintf(title, sizeof title, " Events, last %.1f s ", secs);
	ui_rule(y++, title);
	if (y >= y1)
		return;
	ui_printf(y++, 1, s->extfrag_mixing ? UI_SEV_WARN : UI_SEV_NONE,
		  "fallbacks %" PRIu64 " (%.1f/s): claims %" PRIu64 ", steals %" PRIu64 ", mixing %" PRIu64,
		  s->extfrag_events, secs > 0 ? (double)s->extfrag_events / secs : 0.0, s->extfrag_claims,
		  s->extfrag_steals, s->extfrag_mixing);
	/* the largest fallback rows */
	static const char *const def[] = { "Unmovable", "Movable", "Reclaimable", "HighAtomic" };
	bool used[256] = { false };
	for (int k = 0; k < 2 && y < y1; k++) {
		size_t best = SIZE_MAX;
		for (size_t i = 0; i < s->nextfrag && i < 256; i++)
			if (!used[i] && (best == SIZE_MAX || s->extfrag[i].count > s->extfrag[best].count))
				best = i;
		if (best == SIZE_MAX)
			break;
		used[best] = true;
		const struct ev_extfrag_row *r = &s->extfrag[best];
		const struct ev_agg_config *c = f->events_cfg;
		const char *a = r->alloc_mt >= 0 && c && (unsigned)r->alloc_mt < c->nmt ? c->mt_names[r->alloc_mt] :
				r->alloc_mt >= 0 && r->alloc_mt < 4 ? def[r->alloc_mt] : "?";
		const char *b = r->fallback_mt >= 0 && c && (unsigned)r->fallback_mt < c->nmt ? c->mt_names[r->fallback_mt] :
				r->fallback_mt >= 0 && r->fallback_mt < 4 ? def[r->fallback_mt] : "?";
		ui_printf(y++, 3, r->mixing ? UI_SEV_WARN : UI_SEV_NONE, "%-11s order %d from %-11s order %2d %-5s %8" PRIu64,
			  a, r->alloc_order, b, r->fallback_order, r->claim ? "claim" : "steal", r->count);
	}
	if (y >= y1)
		return;
	int x = ui_printf(y, 1, UI_SEV_NONE, "compaction runs %" PRIu64, s->compaction_runs);
	for (size_t i = 0; i < s->nstatus; i++)
		x += ui_printf(y, x, UI_SEV_NONE, "%s%s %" PRIu64, i ? ", " : ": ", s->status[i].name, s->status[i].count);
	y++;
	uint64_t by[EV_NTRIG] = { 0 }, mig = 0, fail = 0, msc = 0, fsc = 0, deferred = 0;
	for (size_t i = 0; i < s->ncompact; i++) {
		by[s->compact[i].trigger] += s->compact[i].runs;
		mig += s->compact[i].migrated;
		fail += s->compact[i].failed;
		msc += s->compact[i].migrate_scanned;
		fsc += s->compact[i].free_scanned;
	}
	for (size_t i = 0; i < s->ndefer; i++)
		deferred += s->defer[i].deferred;
	if (y < y1)
		ui_printf(y++, 3, UI_SEV_NONE, "direct %" PRIu64 ", kcompactd %" PRIu64 ", proactive %" PRIu64
			  ", manual %" PRIu64 "; deferred %" PRIu64, by[EV_TRIG_DIRECT], by[EV_TRIG_KCOMPACTD],
			  by[EV_TRIG_PROACTIVE], by[EV_TRIG_MANUAL], deferred);
	if (y < y1)
		ui_printf(y++, 3, UI_SEV_NONE, "scanned %" PRIu64 " (migrate) %" PRIu64 " (free); migrated %" PRIu64
			  ", failed %" PRIu64, msc, fsc, mig, fail);
	if (y < y1)
		ui_printf(y++, 1, s->lost_events || s->lost_unknown ? UI_SEV_BAD : UI_SEV_DIM,
			  "lost events %" PRIu64 "%s", s->lost_events, s->lost_unknown ? " and more (uncounted)" : "");
}
