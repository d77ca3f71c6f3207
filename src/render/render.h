/* render.h - renderers: turn a const report into text. They only render. */
#ifndef FRAGSTAT_RENDER_H
#define FRAGSTAT_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "report.h"

enum fs_format { FS_FMT_TABLE, FS_FMT_JSON, FS_FMT_PROMETHEUS };

struct fs_render_opts {
	enum fs_format format;
	bool color;                   /* ANSI colour (table only) */
	unsigned width;               /* terminal width for tables */
	bool compact_json;            /* one line (JSON lines streams) */
	bool prom_no_migratetype;     /* prometheus: leave out per-migratetype families */
	bool prom_detail;             /* prometheus: also per-zone per-order and per-migratetype families */
};

/* Render a report in the chosen format. Returns 0, or -EIO when a write failed. */
int fs_render(FILE *out, const struct fs_report *r, const struct fs_render_opts *o);

int fs_render_table(FILE *out, const struct fs_report *r, const struct fs_render_opts *o);
int fs_render_json(FILE *out, const struct fs_report *r, const struct fs_render_opts *o);
int fs_render_prometheus(FILE *out, const struct fs_report *r, const struct fs_render_opts *o);

/* Print the debugfs file `which` (FS_SRC_EXTFRAG_INDEX or FS_SRC_UNUSABLE_INDEX)
 * exactly as today's kernel would for the snapshot's buddyinfo. */
int fs_render_kernel_format(FILE *out, const struct fs_report *r, int which);

/* Parse "table", "json", "prometheus"; -EINVAL otherwise. */
int fs_format_parse(const char *s, enum fs_format *out);

#endif
