/* watch_session.h - one `fragstat watch` session: the sample shown and its
 * source (live sampling or a replay), the status line message, and what
 * the loop asks of them: take the next sample, move in a recording, read
 * the page map, describe the sample for the dashboard (struct ui_frame) and
 * for the JSON line and text frame (struct fs_watch_out). Never prints:
 * errors are negative errno with a filled struct fs_diag, or a message on
 * the status line.
 *
 * Ownership: the session owns its parts; watch_session_free() releases
 * them. The frames it fills point into it.
 */
#ifndef FRAGSTAT_WATCH_SESSION_H
#define FRAGSTAT_WATCH_SESSION_H

#include <stdbool.h>

#include "render_watch.h"
#include "safe_write.h"
#include "ui.h"
#include "watch_live.h"
#include "watch_replay.h"
#include "watch_sample.h"

struct watch_session {
	double interval;                /* seconds between samples (keys change it) */
	const char *replay_path;        /* --replay; NULL: live (this machine or --root) */
	struct watch_sample cur;        /* the sample shown (--order, --page-size) */
	struct watch_live live;         /* --root, --strict, --no-pagetypeinfo, --map-interval */
	struct watch_replay replay;
	char msg[320];                  /* the status line; "" none */
	bool msg_error;
};

/* Where each sample goes besides the dashboard. */
struct watch_output {
	bool json;                      /* --json: JSON lines on stdout */
	bool text;                      /* text frames on stdout */
	bool color;                     /* the text frame's table */
	unsigned width;                 /* its width (the caller sets it per frame) */
	struct sw_append *record;       /* --record (safe_write.h); NULL none */
	int record_err;                 /* -errno of the failed append */
	struct fs_watch_line line;      /* the JSON line, reused between samples */
};

/* Set the status line message. */
void watch_msg(struct watch_session *s, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The status line says why a sample could not be had. */
void watch_msg_diag(struct watch_session *s, int r, const struct fs_diag *d);

/* One step forward: a live sample or the next line of the recording. *warn
 * is set when the first live collection succeeded: res then holds its
 * warnings, for the caller to print. 0 or negative errno. */
int watch_step(struct watch_session *s, bool *warn, struct fs_collect_result *res, struct fs_diag *d);
/* t/T/j in a replay (UI_STEP or UI_JUMP in flags): go to the sample the
 * state asks for; what went wrong is on the status line. 0, or -ENOMEM. */
int watch_move(struct watch_session *s, const struct ui_state *st, unsigned flags);
/* Read the page map for the map view (live or --root); what went wrong is
 * on the status line. */
void watch_map_read(struct watch_session *s);

/* The dashboard's frame of the current sample (without the events panel). */
void watch_frame(const struct watch_session *s, const struct ui_state *st, const char *source,
		 struct ui_frame *f);
/* The header's name of the source: "live", "root DIR", "replay FILE"
 * (escaped). */
void watch_source(const struct watch_session *s, char *buf, size_t size);
/* The JSON line's and text frame's data (without colour and width). */
void watch_out(const struct watch_session *s, struct fs_watch_out *o);

/* Write the sample wherever it goes: one fwrite and one fflush per JSON
 * line. 0, -EIO when stdout failed, -EPIPE when the recording failed
 * (o->record_err says why; the append is cut back to the last whole
 * line), -ENOMEM. */
int watch_emit(const struct watch_session *s, struct watch_output *o);
/* Close the recording and free the line. */
void watch_output_free(struct watch_output *o);

void watch_session_free(struct watch_session *s);

#endif
