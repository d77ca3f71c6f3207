/* watch_replay.h - `fragstat watch --replay FILE`: a recording of JSON
 * lines read whole (bounded by WATCH_REPLAY_MAX), each line parsed when it
 * is shown, with its recorded interval and "watch" object; jumps by line,
 * seconds or time of day. Never prints: errors are negative errno with a
 * filled struct fs_diag (the line of the recording).
 *
 * Ownership: a watch_replay owns its data, line table, times and the
 * current line's "watch" object; watch_replay_free() releases them.
 */
#ifndef FRAGSTAT_WATCH_REPLAY_H
#define FRAGSTAT_WATCH_REPLAY_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "procfs.h"
#include "ui.h"
#include "watch_sample.h"

/* The most a recording may hold: as much as --input reads from stdin. */
#define WATCH_REPLAY_MAX (4 * (size_t)FS_FILE_MAX)

struct json_t;

struct watch_rline {
	size_t off, len;
};

struct watch_replay {
	const char *path;               /* "-" = stdin */
	char *data;
	size_t len;
	struct watch_rline *lines;      /* the lines that are not blank */
	size_t nlines;
	size_t pos;                     /* index of the current line */
	bool at_end;                    /* the current line is the last */
	struct json_t *watchobj;        /* the current line's "watch" object */
	double *times;                  /* line timestamps (NAN until known) */
};

/* Read the recording at path whole. A FIFO waits for its writer; a signal
 * that sets *quit ends the wait or the read (-EINTR). 0, -ENODATA (no
 * line), -EFBIG (over WATCH_REPLAY_MAX), -EISDIR, -ENOMEM or -errno. */
int watch_replay_open(struct watch_replay *rp, const char *path, volatile sig_atomic_t *quit);
/* Show line i: parse it and hand it to the sample. */
int watch_replay_load(struct watch_replay *rp, struct watch_sample *ws, size_t i, struct fs_diag *d);
/* Go to line `target` (clamped to the last), rebuilding the history the
 * sparklines show. */
int watch_replay_seek(struct watch_replay *rp, struct watch_sample *ws, size_t target, struct fs_diag *d);
/* The line a jump text names: "#N" line, "+S"/"-S" seconds from here, "S"
 * seconds from the start, "HH:MM[:SS]" a time of day (UTC) on the current
 * sample's day. 0 or -EINVAL. */
int watch_replay_target(struct watch_replay *rp, const char *text, size_t *out);
/* The header's pagetypeinfo line as the recording says it. */
void watch_replay_pti(const struct watch_replay *rp, const struct fs_snapshot *s, struct ui_pti *p);
void watch_replay_free(struct watch_replay *rp);

#endif
