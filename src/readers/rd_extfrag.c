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

int rd_extfrag_parse(struct fs_snapshot *s, enum fs_src which, const char *file,
		     const char *data, size_t len, int *new_format, struct fs_diag *d)
{
	struct fs_cursor c;
	unsigned rows = 0, first_line = 0;
	const bool orders_preset = s->orders != 0;
	const bool is_extfrag = which == FS_SRC_EXTFRAG_INDEX;
	/* Format evidence: -1 unknown, 0 old, 1 new; where it was first seen. */
	int fmt = -1;
	unsigned fmt_line = 0;
	char fb[48];

	if (which != FS_SRC_EXTFRAG_INDEX && which != FS_SRC_UNUSABLE_INDEX)
		return fs_diag_set(d, file, 0, 0, "internal error: not an extfrag source");
	fs_cursor_init(&c, file, data, len);
	while (fs_cursor_next(&c)) {
		const char *p = c.line, *e = c.eol, *q;
		int32_t v[FS_MAX_ORDERS];
		unsigned n = 0;
		int node = 0, r;
		char zname[FS_NAME_MAX];

		r = fs_parse_node_zone(&c, d, &p, ROW_SHAPE, &node, zname);
		if (r)
			return r;
		if (p < e && *p != ' ' && *p != '\t')
			return fs_cursor_err(&c, d, p, "expected a blank after \"zone %s\", found %s",
					     zname, fs_describe(p, e, fb, sizeof fb));
		for (;;) {
			q = fs_skip_blank(p, e);
			if (q == e)
				break;
			if (s->orders && n == s->orders) {
				if (orders_preset)
					return fs_cursor_err(&c, d, q,
							     "expected the end of the line after %u "
							     "values (the order count of an earlier "
							     "file), found %s", n,
							     fs_describe(q, e, fb, sizeof fb));
				return fs_cursor_err(&c, d, q,
						     "expected the end of the line after %u values "
						     "(as on line %u), found %s", n, first_line,
						     fs_describe(q, e, fb, sizeof fb));
			}
			if (n == FS_MAX_ORDERS)
				return fs_cursor_err(&c, d, q,
						     "more than %d values on a row (at most %d orders "
						     "are supported)", FS_MAX_ORDERS, FS_MAX_ORDERS);
			const char *tok = q;
			int val;
			r = fs_kfmt_parse(&q, e, &val);
			if (r == -ERANGE) {
				fs_cursor_err(&c, d, tok,
					      "value for order %u out of range: expected -1.000 .. "
					      "1.000 with three decimals, found %s", n,
					      fs_describe(tok, e, fb, sizeof fb));
				return -ERANGE;
			}
			if (r)
				return fs_cursor_err(&c, d, tok,
						     "expected a value like %s for order %u, found %s",
						     is_extfrag ? "-1.000, 0.-500 or 0.964" :
						     "0.000 .. 1.000", n,
						     fs_describe(tok, e, fb, sizeof fb));
			if (q < e && *q != ' ' && *q != '\t')
				return fs_cursor_err(&c, d, q,
						     "expected a blank or the end of the line after the "
						     "value for order %u, found %s", n,
						     fs_describe(q, e, fb, sizeof fb));
			if (!is_extfrag && val < 0) {
				fs_cursor_err(&c, d, tok,
					      "unusable index for order %u is negative (expected "
					      "0.000 .. 1.000)", n);
				return -ERANGE;
			}
			if (is_extfrag && val != -1000) {
				int f = tok - p >= 2 ? 1 : 0;
				if (fmt < 0) {
					fmt = f;
					fmt_line = c.lineno;
				} else if (f != fmt) {
					return fs_cursor_err(&c, d, tok,
							     "value printed %s the \"%%2d\" padding "
							     "space, but line %u printed one %s it "
							     "(mixed print formats)",
							     f ? "with" : "without", fmt_line,
							     fmt ? "with" : "without");
				}
			}
			v[n++] = val;
			p = q;
		}
		if (n == 0)
			return fs_cursor_err(&c, d, e,
					     "expected a value after \"zone %s\", found %s",
					     zname, fs_describe(e, e, fb, sizeof fb));
		if (s->orders && n != s->orders) {
			if (orders_preset)
				return fs_cursor_err(&c, d, e,
						     "row has %u values, but an earlier file set the "
						     "order count to %u", n, s->orders);
			return fs_cursor_err(&c, d, e,
					     "row has %u values, but line %u has %u", n,
					     first_line, s->orders);
		}

		struct fs_node *nd = fs_snapshot_node_get(s, node);
		if (!nd) {
			if (s->nnodes >= FS_MAX_NODES)
				return fs_cursor_err(&c, d, c.line, "more than %d nodes",
						     FS_MAX_NODES);
			return -ENOMEM;
		}
		struct fs_zone *z = fs_node_zone_get(nd, zname);
		if (!z)
			return fs_cursor_err(&c, d, c.line,
					     "node %d has more than %d zones", node, FS_MAX_ZONES);
		if (is_extfrag ? z->has_kextfrag : z->has_kunusable)
			return fs_cursor_err(&c, d, c.line,
					     "duplicate row for node %d, zone %s", node, zname);
		if (!s->orders)
			s->orders = n;
		if (!first_line)
			first_line = c.lineno;
		if (is_extfrag) {
			memcpy(z->kextfrag, v, n * sizeof v[0]);
			z->has_kextfrag = true;
		} else {
			memcpy(z->kunusable, v, n * sizeof v[0]);
			z->has_kunusable = true;
		}
		rows++;
	}
	if (rows == 0)
		return fs_diag_set(d, file, 1, 1,
				   "expected a line " ROW_SHAPE ", found an empty file");
	if (new_format)
		*new_format = fmt == 0 ? 0 : 1;
	return 0;
}
