#include "config.h"

/* rd_extfrag.c - debugfs extfrag/extfrag_index and extfrag/unusable_index.
 *
 * Kernel format (mm/vmstat.c), one line per populated zone:
 *   "Node %d, zone %8s " + per order one field + "\n"
 * unusable_index fields are "%d.%03d "; extfrag_index fields "%2d.%03d "
 * since ~5.16 and "%d.%03d " before. C division makes -500 print as
 * "0.-500". Fields are parsed strictly by fs_kfmt_parse; fields are
 * separated by blanks, a line may end in blanks or not (published copies
 * often strip the trailing space). Header lines, blank lines, '\r' and
 * anything else are errors.
 *
 * Print-format detection (extfrag_index only): the kernel prints one space
 * after the zone name and after every field, and "%2d" pads every integer
 * part but -1 (" 0.964", " 0.-500", " 1.000"). So a value other than -1.000
 * preceded by two or more blanks was padded (new format) and one preceded
 * by exactly one blank was not (old format); -1.000 carries no evidence.
 * Conflicting evidence within one file is an error.
 */

#include "readers.h"

#include "fragindex.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#define ROW_SHAPE "\"Node N, zone NAME values...\""

struct ef_row {
	bool is_extfrag;
	int32_t v[FS_MAX_ORDERS];
	/* Format evidence: -1 unknown, 0 old, 1 new; where it was first seen. */
	int fmt;
	unsigned fmt_line;
};

/* One value of a row, kept in v[n]. */
static int ef_value(void *arg, const struct fs_cursor *c, struct fs_diag *d,
		    const char *zone, unsigned n, const char **q)
{
	struct ef_row *w = arg;
	const char *tok = *q;
	char fb[48];
	int val;
	(void)zone;
	int r = fs_kfmt_parse(q, c->eol, &val);
	if (r == -ERANGE) {
		fs_cursor_err(c, d, tok,
			      "value for order %u out of range: expected -1.000 .. "
			      "1.000 with three decimals, found %s", n,
			      fs_describe(tok, c->eol, fb, sizeof fb));
		return -ERANGE;
	}
	if (r)
		return fs_cursor_err(c, d, tok,
				     "expected a value like %s for order %u, found %s",
				     w->is_extfrag ? "-1.000, 0.-500 or 0.964" :
				     "0.000 .. 1.000", n,
				     fs_describe(tok, c->eol, fb, sizeof fb));
	w->v[n] = val;
	return 0;
}

/* A value that ends where it should: its sign, and its print format. */
static int ef_accept(void *arg, const struct fs_cursor *c, struct fs_diag *d,
		     unsigned n, const char *prev, const char *tok)
{
	struct ef_row *w = arg;
	int val = w->v[n];
	if (!w->is_extfrag && val < 0) {
		fs_cursor_err(c, d, tok,
			      "unusable index for order %u is negative (expected "
			      "0.000 .. 1.000)", n);
		return -ERANGE;
	}
	if (w->is_extfrag && val != -1000) {
		int f = tok - prev >= 2 ? 1 : 0;
		if (w->fmt < 0) {
			w->fmt = f;
			w->fmt_line = c->lineno;
		} else if (f != w->fmt) {
			return fs_cursor_err(c, d, tok,
					     "value printed %s the \"%%2d\" padding "
					     "space, but line %u printed one %s it "
					     "(mixed print formats)",
					     f ? "with" : "without", w->fmt_line,
					     w->fmt ? "with" : "without");
		}
	}
	return 0;
}

static bool *ef_seen(struct fs_zone *z, void *arg)
{
	const struct ef_row *w = arg;
	return w->is_extfrag ? &z->has_kextfrag : &z->has_kunusable;
}

static void ef_keep(void *arg, struct fs_zone *z, unsigned n)
{
	const struct ef_row *w = arg;
	memcpy(w->is_extfrag ? z->kextfrag : z->kunusable, w->v, n * sizeof w->v[0]);
}

int rd_extfrag_parse(struct fs_snapshot *s, enum fs_src which, const char *file,
		     const char *data, size_t len, int *new_format, struct fs_diag *d)
{
	struct fs_cursor c;
	unsigned rows;
	struct ef_row w = { .is_extfrag = which == FS_SRC_EXTFRAG_INDEX, .fmt = -1 };
	struct fs_order_row how = {
		.row_shape = ROW_SHAPE, .noun = "value", .first = "a value",
		.parse = ef_value, .accept = ef_accept, .seen = ef_seen, .keep = ef_keep,
		.arg = &w,
	};

	if (which != FS_SRC_EXTFRAG_INDEX && which != FS_SRC_UNUSABLE_INDEX)
		return fs_diag_set(d, file, 0, 0, "internal error: not an extfrag source");
	fs_cursor_init(&c, file, data, len);
	int r = fs_parse_order_rows(&c, d, s, &how, &rows);
	if (r)
		return r;
	if (new_format)
		*new_format = w.fmt == 0 ? 0 : 1;
	return 0;
}
