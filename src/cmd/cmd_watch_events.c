#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_events.h"
#include "ui.h"
#ifdef HAVE_TRACEFS
#include "ev_live.h"
#endif

/* The watch events panel's source: opened the first time the panel is
 * shown, on a live watch only; removed with the watch. */
struct watch_ev {
#ifdef HAVE_TRACEFS
	struct ev_live *live;
#endif
	bool ticked;
	char why[200];
};

void watch_ev_want(struct watch_ev **ev, bool want, bool live_source)
{
	if (!want || *ev)
		return;
	struct watch_ev *e = calloc(1, sizeof *e);
	if (!e)
		return;
	*ev = e;
	if (!live_source) {
		snprintf(e->why, sizeof e->why, "events are read live only (not from --root or a replay)");
		return;
	}
#ifdef HAVE_TRACEFS
	if (ev_live_open(&e->live, 4096, e->why, sizeof e->why) == 0)
		snprintf(e->why, sizeof e->why, "collecting: the first interval ends at the next sample");
#else
	snprintf(e->why, sizeof e->why, "this fragstat was built without libtracefs/libtraceevent");
#endif
}

void watch_ev_tick(struct watch_ev *ev)
{
#ifdef HAVE_TRACEFS
	if (ev && ev->live) {
		if (ev_live_tick(ev->live, ev->why, sizeof ev->why) == 0) {
			ev->ticked = true;
		} else {
			ev_live_close(ev->live);
			ev->live = NULL;
		}
	}
#else
	(void)ev;
#endif
}

void watch_ev_fill(const struct watch_ev *ev, struct ui_frame *f)
{
	f->events = NULL;
	f->events_cfg = NULL;
	f->events_why = ev ? ev->why : NULL;
#ifdef HAVE_TRACEFS
	if (ev && ev->live && ev->ticked) {
		f->events = ev_live_last(ev->live);
		f->events_cfg = ev_live_cfg(ev->live);
	}
#endif
}

void watch_ev_free(struct watch_ev *ev)
{
#ifdef HAVE_TRACEFS
	if (ev)
		ev_live_close(ev->live);
#endif
	free(ev);
}
