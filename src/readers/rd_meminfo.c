/* rd_meminfo.c - /proc/meminfo ("Key:   value kB" or "Key: value") into
 * s->meminfo, values as printed (kB for most keys, counts for HugePages_*). */
#include "config.h"

#include <errno.h>

#include "rd_vmstat.h"
#include "readers.h"

static bool rd_meminfo_keych(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_' || ch == '(' || ch == ')';
}

int rd_meminfo_parse(struct fs_snapshot *s, const char *file, const char *data,
		     size_t len, struct fs_diag *d)
{
	struct fs_cursor c;
	struct rd_vmstat_uniq u;
	unsigned nlines = 0;

	fs_cursor_init(&c, file, data, len);
	rd_vmstat_uniq_init(&u, &s->meminfo);
	while (fs_cursor_next(&c)) {
		const char *p = c.line, *key = p;
		if (fs_only_blank(p, c.eol)) {
			if (nlines > 0 && rd_vmstat_rest_blank(p, c.end))
				break;
			return fs_cursor_err(&c, d, p, "expected \"Key: value\", got an empty line");
		}
		while (p < c.eol && rd_meminfo_keych(*p))
			p++;
		size_t klen = (size_t)(p - key);
		if (klen == 0)
			return fs_cursor_err(&c, d, p, "expected a key (letters, digits, \"_\", \"()\")");
		if (klen >= FS_NAME_MAX)
			return fs_cursor_err(&c, d, key, "key longer than %d characters", FS_NAME_MAX - 1);
		if (p >= c.eol || *p != ':')
			return fs_cursor_err(&c, d, p, "expected \":\" after \"%.*s\"", (int)klen, key);
		p = fs_skip_blank(p + 1, c.eol);
		uint64_t v;
		const char *num = p;
		int r = fs_parse_u64(&p, c.eol, &v);
		if (r == -ERANGE) {
			fs_cursor_err(&c, d, num, "the value of \"%.*s\" does not fit in 64 bits",
				      (int)klen, key);
			return -ERANGE;
		}
		if (r)
			return fs_cursor_err(&c, d, num, "expected an unsigned number after \"%.*s:\"",
					     (int)klen, key);
		const char *q = fs_skip_blank(p, c.eol);
		if (q > p && fs_match(q, c.eol, "kB"))
			q = fs_skip_blank(q + 2, c.eol);
		if (q != c.eol)
			return fs_cursor_err(&c, d, q,
					     "expected \" kB\" or the end of the line after the value of \"%.*s\"",
					     (int)klen, key);
		r = rd_vmstat_uniq_add(&u, key, klen, v);
		if (r == -EEXIST)
			return fs_cursor_err(&c, d, key, "key \"%.*s\" appears twice", (int)klen, key);
		if (r)
			return r;
		nlines++;
	}
	if (nlines == 0)
		return fs_diag_set(d, file, 1, 1, "expected \"Key: value\" lines, got an empty file");
	return 0;
}
