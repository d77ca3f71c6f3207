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

struct bi_row {
	uint64_t v[FS_MAX_ORDERS];
	uint64_t sum;            /* free pages of the row so far */
};

/* One count of a row, kept in row->v[n]. */
static int bi_count(void *arg, const struct fs_cursor *c, struct fs_diag *d,
		    const char *zone, unsigned n, const char **q)
{
	struct bi_row *row = arg;
	uint64_t *v = row->v;
	const char *tok = *q;
	char fb[48];
	int r = fs_parse_u64(q, c->eol, &v[n]);
	if (r == -ERANGE) {
		fs_cursor_err(c, d, tok, "count for order %u does not fit in 64 bits", n);
		return -ERANGE;
	}
	if (r)
		return fs_cursor_err(c, d, tok,
				     "expected a count (digits) for order %u after "
				     "\"zone %s\", found %s", n, zone,
				     fs_describe(tok, c->eol, fb, sizeof fb));
	return 0;
}

/* The row's free pages stay below 2^40 (FS_FREE_PAGES_MAX, as
 * fs_free_pages_sum() checks), so pages, bytes and the index arithmetic
 * never wrap: a count that takes the sum past it is refused where it is. */
static int bi_accept(void *arg, const struct fs_cursor *c, struct fs_diag *d, unsigned n,
		     const char *prev, const char *tok)
{
	struct bi_row *row = arg;
	uint64_t x = row->v[n];
	(void)prev;
	if (n == 0)
		row->sum = 0;
	if (n >= 64 ? x != 0 : x > (FS_FREE_PAGES_MAX - row->sum) >> n) {
		fs_cursor_err(c, d, tok,
			      "the free pages of this row pass 2^40 at order %u "
			      "(more than any machine has; the sum would overflow)", n);
		return -ERANGE;
	}
	row->sum += x << n;
	return 0;
}

static bool *bi_seen(struct fs_zone *z, void *arg)
{
	(void)arg;
	return &z->has_buddy;
}

static void bi_keep(void *arg, struct fs_zone *z, unsigned n)
{
	const struct bi_row *row = arg;
	memcpy(z->free, row->v, n * sizeof z->free[0]);
}

int rd_buddyinfo_parse(struct fs_snapshot *s, const char *file, const char *data,
		       size_t len, struct fs_diag *d)
{
	struct fs_cursor c;
	unsigned rows;
	struct bi_row row = { .sum = 0 };
	struct fs_order_row how = {
		.row_shape = ROW_SHAPE, .noun = "count", .first = "a count (digits)",
		.parse = bi_count, .accept = bi_accept, .seen = bi_seen, .keep = bi_keep,
		.arg = &row,
	};

	fs_cursor_init(&c, file, data, len);
	int r = fs_parse_order_rows(&c, d, s, &how, &rows);
	if (r)
		return r;
	/* The kernel ends every row with a newline. A lone row without one
	 * may have been cut anywhere, and nothing else checks its count. */
	if (rows == 1 && len > 0 && data[len - 1] != '\n')
		return fs_cursor_err(&c, d, c.eol,
				     "expected a newline after the only row (the file looks truncated)");
	return 0;
}
