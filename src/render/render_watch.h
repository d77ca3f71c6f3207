/* render_watch.h - what `fragstat watch` prints per refresh without the
 * dashboard: the JSON line (the report's JSON plus "rates" and "watch",
 * for --json and --record) and the text frame (the table, the rates, the
 * compaction window and the pagetypeinfo line). A renderer: it reads only
 * the const data it is given, never the machine, and judges nothing.
 *
 * Ownership: the line buffer is the caller's, kept from one refresh to the
 * next and released with fs_watch_line_free().
 */
#ifndef FRAGSTAT_RENDER_WATCH_H
#define FRAGSTAT_RENDER_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "rates.h"
#include "report.h"

/* A JSON line is about 20 KiB: buffers that hold one make each line one
 * write(2). */
#define FS_WATCH_LINE_BUF (64 * 1024)

struct json_t;

/* One refresh. */
struct fs_watch_out {
	const struct fs_report *report;         /* its snapshot gives the time */
	const struct fs_rates *rates;
	const struct fs_rates_window *win;
	size_t sample;                          /* the text frame's number (replay: the line) */
	bool replay;
	/* The "watch" object: in replay the recorded one, printed as it was;
	 * live, built from the fields below. */
	const struct json_t *recorded;
	size_t nsamples;                        /* samples taken in this session */
	double interval;                        /* seconds between refreshes */
	bool pti_enabled;                       /* false: --no-pagetypeinfo */
	bool pti_read;                          /* this refresh read pagetypeinfo */
	enum fs_src_status pti_status;          /* what the last read gave */
	double pti_age;                         /* seconds since that read; < 0 never read */
	double pti_read_ms;                     /* what it cost; < 0 never read */
	double pti_period;                      /* seconds between reads now */
	/* The text frame's table. */
	bool color;
	unsigned width;
};

struct fs_watch_line {
	char *buf;
	size_t cap;
};

/* The JSON line, newline included, into l->buf; its length, or 0 on
 * ENOMEM. */
size_t fs_watch_json_line(const struct fs_watch_out *o, struct fs_watch_line *l);
void fs_watch_line_free(struct fs_watch_line *l);
/* The text frame. 0, or -EIO when a write failed. */
int fs_watch_text_frame(FILE *out, const struct fs_watch_out *o);

#endif
