#include "config.h"

/* rd_buddyinfo.c - /proc/buddyinfo.
 *
 * Kernel format (mm/vmstat.c frag_show_print), one line per populated zone:
 *   "Node %d, zone %8s " + NR_PAGE_ORDERS x "%6lu " + "\n"
 * Numbers wider than six digits just widen the field, and many published
 * copies strip the trailing space, so the reader splits on blanks: fields
 * are separated by one or more spaces/tabs, a line may end in blanks. The
 * line structure is strict: every line is a zone row (no header lines, no
 * blank lines, no continuation lines), and a '\r' (CRLF copy) is rejected.
 * The order count is the number of counts on a row; all rows (and the
 * other order-column files, through s->orders) must agree.
 */

#include "readers.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#define ROW_SHAPE "\"Node N, zone NAME counts...\""

int rd_buddyinfo_parse(struct fs_snapshot *s, const char *file, const char *data,
		       size_t len, struct fs_diag *d)
{
	struct fs_cursor c;
	unsigned rows = 0, first_line = 0;
	const bool orders_preset = s->orders != 0;
	char fb[48];

	fs_cursor_init(&c, file, data, len);
	while (fs_cursor_next(&c)) {
		const char *p = c.line, *e = c.eol, *q;
		uint64_t v[FS_MAX_ORDERS];
		const char *tokpos[FS_MAX_ORDERS];
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
							     "counts (the order count of an earlier "
							     "file), found %s", n,
							     fs_describe(q, e, fb, sizeof fb));
				return fs_cursor_err(&c, d, q,
						     "expected the end of the line after %u counts "
						     "(as on line %u), found %s", n, first_line,
						     fs_describe(q, e, fb, sizeof fb));
			}
			if (n == FS_MAX_ORDERS)
				return fs_cursor_err(&c, d, q,
						     "more than %d counts on a row (at most %d orders "
						     "are supported)", FS_MAX_ORDERS, FS_MAX_ORDERS);
			const char *tok = q;
			tokpos[n] = q;
			r = fs_parse_u64(&q, e, &v[n]);
			if (r == -ERANGE) {
				fs_cursor_err(&c, d, tok,
					      "count for order %u does not fit in 64 bits", n);
				return -ERANGE;
			}
			if (r)
				return fs_cursor_err(&c, d, tok,
						     "expected a count (digits) for order %u after "
						     "\"zone %s\", found %s", n, zname,
						     fs_describe(tok, e, fb, sizeof fb));
			if (q < e && *q != ' ' && *q != '\t')
				return fs_cursor_err(&c, d, q,
						     "expected a blank or the end of the line after the "
						     "count for order %u, found %s", n,
						     fs_describe(q, e, fb, sizeof fb));
			n++;
			p = q;
		}
		if (n == 0)
			return fs_cursor_err(&c, d, e,
					     "expected a count (digits) after \"zone %s\", found %s",
					     zname, fs_describe(e, e, fb, sizeof fb));
		if (s->orders && n != s->orders) {
			if (orders_preset)
				return fs_cursor_err(&c, d, e,
						     "row has %u counts, but an earlier file set the "
						     "order count to %u", n, s->orders);
			return fs_cursor_err(&c, d, e,
					     "row has %u counts, but line %u has %u", n,
					     first_line, s->orders);
		}

		unsigned bad;
		if (fs_free_pages_sum(v, n, NULL, &bad)) {
			fs_cursor_err(&c, d, tokpos[bad],
				      "the free pages of this row pass 2^40 at order %u "
				      "(more than any machine has; the sum would overflow)", bad);
			return -ERANGE;
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
		if (z->has_buddy)
			return fs_cursor_err(&c, d, c.line,
					     "duplicate row for node %d, zone %s", node, zname);
		if (!s->orders)
			s->orders = n;
		if (!first_line)
			first_line = c.lineno;
		memcpy(z->free, v, n * sizeof v[0]);
		z->has_buddy = true;
		rows++;
	}
	if (rows == 0)
		return fs_diag_set(d, file, 1, 1,
				   "expected a line " ROW_SHAPE ", found an empty file");
	/* The kernel ends every row with a newline. A lone row without one
	 * may have been cut anywhere, and nothing else checks its count. */
	if (rows == 1 && len > 0 && data[len - 1] != '\n')
		return fs_cursor_err(&c, d, c.eol,
				     "expected a newline after the only row (the file looks truncated)");
	return 0;
}
