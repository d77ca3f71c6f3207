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

/* Describe what sits at q for a message: a token, a blank, the end. */
static const char *rd_buddyinfo_found(const char *q, const char *e, char *buf, size_t size)
{
	if (q >= e)
		return "the end of the line";
	unsigned char ch = (unsigned char)*q;
	if (ch == '\r')
		return "a carriage return (CRLF line endings are not accepted)";
	if (ch == ' ' || ch == '\t')
		return "a blank";
	if (ch < 0x20 || ch >= 0x7f) {
		snprintf(buf, size, "byte 0x%02x", ch);
		return buf;
	}
	const char *t = q;
	while (t < e && t - q < 16 && (unsigned char)*t > 0x20 && (unsigned char)*t < 0x7f)
		t++;
	snprintf(buf, size, "\"%.*s\"", (int)(t - q), q);
	return buf;
}

/* "Node" blanks ID "," blanks "zone" blanks NAME, leaving *pp after NAME. */
static int rd_buddyinfo_prefix(const struct fs_cursor *c, struct fs_diag *d, const char **pp,
			       int *node, char *zone)
{
	const char *p = *pp, *e = c->eol, *q;
	char fb[48];
	uint64_t id;
	int r;

	if (!fs_match(p, e, "Node"))
		return fs_cursor_err(c, d, p, "expected a line " ROW_SHAPE ", found %s%s",
				     p == e ? "an empty line" : rd_buddyinfo_found(p, e, fb, sizeof fb),
				     p < e && (*p == ' ' || *p == '\t' || (*p >= '0' && *p <= '9')) ?
				     " (the rest of a wrapped line?)" : "");
	p += 4;
	q = fs_skip_blank(p, e);
	if (q == p)
		return fs_cursor_err(c, d, p, "expected a blank after \"Node\", found %s",
				     rd_buddyinfo_found(p, e, fb, sizeof fb));
	p = q;
	r = fs_parse_u64(&p, e, &id);
	if (r == -ERANGE || (r == 0 && id > INT_MAX)) {
		fs_cursor_err(c, d, q, "node id too large (at most %d)", INT_MAX);
		return -ERANGE;
	}
	if (r)
		return fs_cursor_err(c, d, q, "expected a node id (digits) after \"Node\", found %s",
				     rd_buddyinfo_found(q, e, fb, sizeof fb));
	if (p >= e || *p != ',')
		return fs_cursor_err(c, d, p, "expected ',' after \"Node %d\", found %s", (int)id,
				     rd_buddyinfo_found(p, e, fb, sizeof fb));
	p++;
	q = fs_skip_blank(p, e);
	if (q == p || !fs_match(q, e, "zone"))
		return fs_cursor_err(c, d, q, "expected \" zone\" after \"Node %d,\", found %s",
				     (int)id, rd_buddyinfo_found(q, e, fb, sizeof fb));
	p = q + 4;
	q = fs_skip_blank(p, e);
	if (q == e)
		return fs_cursor_err(c, d, q, "expected a zone name after \"zone\", found %s",
				     rd_buddyinfo_found(q, e, fb, sizeof fb));
	if (q == p)
		return fs_cursor_err(c, d, p, "expected a blank after \"zone\", found %s",
				     rd_buddyinfo_found(p, e, fb, sizeof fb));
	p = q;
	while (q < e && (unsigned char)*q > 0x20 && (unsigned char)*q < 0x7f && *q != ',')
		q++;
	if (q == p)
		return fs_cursor_err(c, d, p, "expected a zone name after \"zone\", found %s",
				     rd_buddyinfo_found(p, e, fb, sizeof fb));
	if ((size_t)(q - p) >= FS_NAME_MAX)
		return fs_cursor_err(c, d, p, "zone name longer than %d characters",
				     FS_NAME_MAX - 1);
	memcpy(zone, p, (size_t)(q - p));
	zone[q - p] = '\0';
	*node = (int)id;
	*pp = q;
	return 0;
}

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
		unsigned n = 0;
		int node = 0, r;
		char zname[FS_NAME_MAX];

		r = rd_buddyinfo_prefix(&c, d, &p, &node, zname);
		if (r)
			return r;
		if (p < e && *p != ' ' && *p != '\t')
			return fs_cursor_err(&c, d, p, "expected a blank after \"zone %s\", found %s",
					     zname, rd_buddyinfo_found(p, e, fb, sizeof fb));
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
							     rd_buddyinfo_found(q, e, fb, sizeof fb));
				return fs_cursor_err(&c, d, q,
						     "expected the end of the line after %u counts "
						     "(as on line %u), found %s", n, first_line,
						     rd_buddyinfo_found(q, e, fb, sizeof fb));
			}
			if (n == FS_MAX_ORDERS)
				return fs_cursor_err(&c, d, q,
						     "more than %d counts on a row (at most %d orders "
						     "are supported)", FS_MAX_ORDERS, FS_MAX_ORDERS);
			const char *tok = q;
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
						     rd_buddyinfo_found(tok, e, fb, sizeof fb));
			if (q < e && *q != ' ' && *q != '\t')
				return fs_cursor_err(&c, d, q,
						     "expected a blank or the end of the line after the "
						     "count for order %u, found %s", n,
						     rd_buddyinfo_found(q, e, fb, sizeof fb));
			n++;
			p = q;
		}
		if (n == 0)
			return fs_cursor_err(&c, d, e,
					     "expected a count (digits) after \"zone %s\", found %s",
					     zname, rd_buddyinfo_found(e, e, fb, sizeof fb));
		if (s->orders && n != s->orders) {
			if (orders_preset)
				return fs_cursor_err(&c, d, e,
						     "row has %u counts, but an earlier file set the "
						     "order count to %u", n, s->orders);
			return fs_cursor_err(&c, d, e,
					     "row has %u counts, but line %u has %u", n,
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
	return 0;
}
