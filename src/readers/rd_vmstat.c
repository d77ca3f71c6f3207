/* rd_vmstat.c - /proc/vmstat ("name value" per line) into s->vmstat, and
 * the duplicate-checking appender. The counters fragstat names are
 * kvocab.h's. */
#include "config.h"

#include "rd_vmstat.h"

#include <errno.h>
#include <string.h>

#include "readers.h"

/* ---- duplicate-checking appender ---------------------------------------- */

void rd_vmstat_uniq_init(struct rd_vmstat_uniq *u, struct fs_kvlist *l)
{
	u->l = l;
	u->base = l->n;
}

int rd_vmstat_uniq_add(struct rd_vmstat_uniq *u, const char *name, size_t len, uint64_t value)
{
	struct fs_kvlist *l = u->l;
	char buf[FS_NAME_MAX];

	if (len == 0)
		return -EINVAL;
	if (len >= FS_NAME_MAX)
		return -ENAMETOOLONG;
	/* The list's hash index makes this constant time (issue 11: 200k
	 * unique names took minutes with a linear search). */
	long i = fs_kv_find(l, name, len);
	if (i >= 0 && (size_t)i >= u->base)
		return -EEXIST;
	if (i >= 0) {
		/* Entries from before this section: replace (fs_kv_set semantics). */
		l->items[i].value = value;
		return 0;
	}
	memcpy(buf, name, len);
	buf[len] = '\0';
	return fs_kv_append(l, buf, value);
}

/* ---- the parser ---------------------------------------------------------- */

static bool rd_vmstat_namech(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_';
}

bool rd_vmstat_rest_blank(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n')
			return false;
	return true;
}

int rd_vmstat_parse(struct fs_snapshot *s, const char *file, const char *data,
		    size_t len, struct fs_diag *d)
{
	struct fs_cursor c;
	struct rd_vmstat_uniq u;
	unsigned nlines = 0;

	fs_cursor_init(&c, file, data, len);
	rd_vmstat_uniq_init(&u, &s->vmstat);
	while (fs_cursor_next(&c)) {
		const char *p = c.line, *name = p;
		if (fs_only_blank(p, c.eol)) {
			if (nlines > 0 && rd_vmstat_rest_blank(p, c.end))
				break;                    /* blank lines at the end only */
			return fs_cursor_err(&c, d, p, "expected \"name value\", got an empty line");
		}
		while (p < c.eol && rd_vmstat_namech(*p))
			p++;
		size_t nlen = (size_t)(p - name);
		if (nlen == 0)
			return fs_cursor_err(&c, d, p, "expected a counter name (letters, digits, \"_\")");
		if (nlen >= FS_NAME_MAX)
			return fs_cursor_err(&c, d, name, "counter name longer than %d characters",
					     FS_NAME_MAX - 1);
		const char *q = fs_skip_blank(p, c.eol);
		if (q == p)
			return fs_cursor_err(&c, d, p, "expected a blank and a number after \"%.*s\"",
					     (int)nlen, name);
		uint64_t v;
		const char *num = q;
		int r = fs_parse_u64(&q, c.eol, &v);
		if (r == -ERANGE) {
			fs_cursor_err(&c, d, num, "the value of \"%.*s\" does not fit in 64 bits",
				      (int)nlen, name);
			return -ERANGE;
		}
		if (r)
			return fs_cursor_err(&c, d, num, "expected an unsigned number after \"%.*s\"",
					     (int)nlen, name);
		if (!fs_only_blank(q, c.eol))
			return fs_cursor_err(&c, d, fs_skip_blank(q, c.eol),
					     "expected the end of the line after the value of \"%.*s\"",
					     (int)nlen, name);
		r = rd_vmstat_uniq_add(&u, name, nlen, v);
		if (r == -EEXIST)
			return fs_cursor_err(&c, d, name, "counter \"%.*s\" appears twice",
					     (int)nlen, name);
		if (r)
			return r;
		nlines++;
	}
	if (nlines == 0)
		return fs_diag_set(d, file, 1, 1, "expected \"name value\" lines, got an empty file");
	return 0;
}
