/* watch_session.c - one `fragstat watch` session (watch_session.h). */
#include "config.h"

#include "watch_session.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void watch_msg(struct watch_session *s, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->msg, sizeof s->msg, fmt, ap);
	va_end(ap);
	s->msg_error = error;
}

void watch_msg_diag(struct watch_session *s, int r, const struct fs_diag *d)
{
	if (r == -ENOMEM)
		watch_msg(s, true, "out of memory");
	else if (d->file) {
		char buf[FS_DIAG_TEXT_MAX];
		watch_msg(s, true, "%s", fs_diag_format(d, buf, sizeof buf));
	} else
		watch_msg(s, true, "%s", strerror(-r));
}

int watch_step(struct watch_session *s, bool *warn, struct fs_collect_result *res, struct fs_diag *d)
{
	*warn = false;
	if (s->replay_path) {
		if (!s->cur.snap)
			return watch_replay_seek(&s->replay, &s->cur, 0, d);
		if (s->replay.at_end)
			return 0;
		return watch_replay_load(&s->replay, &s->cur, s->replay.pos + 1, d);
	}
	struct fs_snapshot *snap;
	double since;
	bool first = s->live.last_mono < 0;
	int r = watch_live_collect(&s->live, s->cur.snap, s->interval, &snap, &since, res, d);
	if (r)
		return r;
	*warn = first;
	return watch_sample_adopt(&s->cur, snap, since, first);
}

int watch_move(struct watch_session *s, const struct ui_state *st, unsigned flags)
{
	struct watch_replay *rp = &s->replay;
	size_t target = rp->pos;
	if (flags & UI_STEP)
		target = st->step < 0 ? (rp->pos ? rp->pos - 1 : 0) : rp->pos + 1;
	else if (watch_replay_target(rp, st->jump_text, &target)) {
		watch_msg(s, true, "cannot jump to '%s': use +S, -S, S, HH:MM[:SS] or #N", st->jump_text);
		return 0;
	}
	if (target >= rp->nlines)
		target = rp->nlines - 1;
	struct fs_diag d = { 0 };
	s->msg[0] = 0;
	int r = target == rp->pos ? 0 : watch_replay_seek(rp, &s->cur, target, &d);
	if (r == -ENOMEM)
		return r;
	if (r)
		watch_msg_diag(s, r, &d);
	if (rp->at_end)
		watch_msg(s, false, "end of the recording (%zu samples)", rp->nlines);
	return 0;
}

void watch_map_read(struct watch_session *s)
{
	struct fs_diag d = { 0 };
	/* A copy of the current snapshot gives the zone spans and pageblock order. */
	struct fs_snapshot *tmp = s->cur.snap ? fs_snapshot_dup(s->cur.snap) : NULL;
	if (!tmp) {
		watch_msg(s, true, "out of memory reading the page map");
		return;
	}
	int r = watch_live_read_map(&s->live, tmp, &d);
	if (r)
		watch_msg_diag(s, r, &d);
}

void watch_frame(const struct watch_session *s, const struct ui_state *st, const char *source,
		 struct ui_frame *f)
{
	memset(f, 0, sizeof *f);
	f->report = s->cur.rep;
	f->rates = &s->cur.rates;
	fs_rates_window_ratio(&s->cur.win, &f->ratio);
	f->hist = s->cur.hist;
	f->source = source;
	f->replay = s->replay_path != NULL;
	f->sample = f->replay ? s->replay.pos + 1 : s->cur.nsamples;
	f->nsamples = s->replay.nlines;
	f->time_sec = s->cur.snap ? s->cur.snap->time_sec : 0;
	f->time_known = s->cur.snap && s->cur.snap->time_known;
	f->interval = st->interval;
	f->paused = st->paused;
	f->at_end = s->replay.at_end;
	f->message = s->msg[0] ? s->msg : NULL;
	f->message_is_error = s->msg_error;
	watch_live_map_frame(&s->live, f);
	if (f->replay)
		watch_replay_pti(&s->replay, s->cur.snap, &f->pti);
	else
		watch_live_pti(&s->live, s->interval, &f->pti);
}

void watch_source(const struct watch_session *s, char *buf, size_t size)
{
	char esc[4096];
	if (s->replay_path)
		snprintf(buf, size, "replay %s", fs_escape(esc, sizeof esc, s->replay_path));
	else if (s->live.root)
		snprintf(buf, size, "root %s", fs_escape(esc, sizeof esc, s->live.root));
	else
		snprintf(buf, size, "live");
}

void watch_out(const struct watch_session *s, struct fs_watch_out *o)
{
	const struct watch_live *l = &s->live;
	*o = (struct fs_watch_out){
		.report = s->cur.rep, .rates = &s->cur.rates, .win = &s->cur.win,
		.sample = s->replay_path ? s->replay.pos + 1 : s->cur.nsamples,
		.replay = s->replay_path != NULL, .recorded = s->replay.watchobj,
		.nsamples = s->cur.nsamples, .interval = s->interval,
		.pti_enabled = l->pti_enabled, .pti_read = l->pti_read_now, .pti_status = l->pti_status,
		.pti_age = watch_live_pti_age(l), .pti_read_ms = l->pti_last >= 0 ? l->pti_cost * 1000 : -1,
		.pti_period = watch_live_pti_period(l, s->interval),
	};
}

int watch_emit(const struct watch_session *s, struct watch_output *out)
{
	struct fs_watch_out o;
	watch_out(s, &o);
	o.color = out->color;
	o.width = out->width;
	size_t len = 0;
	if (out->json || out->record) {
		if (!(len = fs_watch_json_line(&o, &out->line)))
			return -ENOMEM;
	}
	/* One fwrite of the whole line; the streams' buffers hold a line, so
	 * the fflush is one write(2). */
	if (out->record && (out->record_err = sw_append_write(out->record, out->line.buf, len)))
		return -EPIPE;
	if (out->json && (fwrite(out->line.buf, 1, len, stdout) != len || fflush(stdout)))
		return -EIO;
	if (out->text) {
		int r = fs_watch_text_frame(stdout, &o);
		if (r || fflush(stdout))
			return r ? r : -EIO;
	}
	return 0;
}

void watch_output_free(struct watch_output *o)
{
	sw_append_close(o->record);
	o->record = NULL;
	fs_watch_line_free(&o->line);
}

void watch_session_free(struct watch_session *s)
{
	watch_sample_free(&s->cur);
	watch_live_free(&s->live);
	watch_replay_free(&s->replay);
}
