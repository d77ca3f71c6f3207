/* watch_sample.c - the sample `fragstat watch` shows (watch_sample.h). */
#include "config.h"

#include "watch_sample.h"

#include <errno.h>

int watch_sample_init(struct watch_sample *ws)
{
	fs_rates_window_init(&ws->win, FS_RATES_WINDOW_DEFAULT);
	ws->hist = ui_hist_new();
	return ws->hist ? 0 : -ENOMEM;
}

int watch_sample_adopt(struct watch_sample *ws, struct fs_snapshot *s, double interval, bool fresh)
{
	/* --page-size stands in only where the data does not tell; a conflict
	 * is refused once, after the first sample (cmd_watch_main). */
	if (ws->page_size && (s->page_size_from == FS_PS_ASSUMED || s->page_size_from == FS_PS_OPTION)) {
		s->page_size = ws->page_size;
		s->page_size_assumed = false;
		s->page_size_from = FS_PS_OPTION;
	}
	struct fs_report_opts ro = { .focus_order = ws->focus_order, .node_filter = -1 };
	if (ro.focus_order >= (int)s->orders)
		ro.focus_order = -1;
	struct fs_report *rep = fs_report_new(s, &ro);
	if (!rep) {
		fs_snapshot_free(s);
		return -ENOMEM;
	}
	if (fresh) {
		fs_rates_window_init(&ws->win, FS_RATES_WINDOW_DEFAULT);
		fs_rates_compute(NULL, s, 0, &ws->rates);
	} else {
		fs_rates_compute(ws->snap, s, interval, &ws->rates);
	}
	fs_rates_window_push(&ws->win, &ws->rates);
	ui_hist_push(ws->hist, rep, &ws->rates);
	fs_report_free(ws->rep);
	fs_snapshot_free(ws->snap);
	ws->snap = s;
	ws->rep = rep;
	ws->nsamples++;
	return 0;
}

/* Release the snapshot and report. */
static void release(struct watch_sample *ws)
{
	fs_report_free(ws->rep);
	fs_snapshot_free(ws->snap);
	ws->rep = NULL;
	ws->snap = NULL;
}

void watch_sample_drop(struct watch_sample *ws)
{
	ui_hist_clear(ws->hist);
	release(ws);
}

void watch_sample_free(struct watch_sample *ws)
{
	release(ws);
	ui_hist_free(ws->hist);
	ws->hist = NULL;
}
