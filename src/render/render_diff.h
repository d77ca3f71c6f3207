/* render_diff.h - print a computed diff as a table or as JSON. They only
 * render: the diff and both snapshots (for their source description) are
 * const. Both return 0, -EIO when a write failed, -ENOMEM. */
#ifndef FRAGSTAT_RENDER_DIFF_H
#define FRAGSTAT_RENDER_DIFF_H

#include <stdbool.h>
#include <stdio.h>

#include "diff.h"

#define FS_DIFF_VERSION 1

/* How each side is described: its snapshot, and whether its time is real. */
struct fs_diff_sides {
	const struct fs_snapshot *a, *b;
	bool time_a, time_b;
};

int fs_render_diff_table(FILE *out, const struct fs_diff *d, const struct fs_diff_sides *s);
/* compact: one line instead of indented. */
int fs_render_diff_json(FILE *out, const struct fs_diff *d, const struct fs_diff_sides *s, bool compact);

#endif
