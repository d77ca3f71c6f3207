/* rd_vmstat.c - /proc/vmstat ("name value" per line) into s->vmstat, the
 * table of counters fragstat reports, and the duplicate-checking appender. */
#include "config.h"

#include "rd_vmstat.h"

#include <errno.h>
#include <string.h>

#include "readers.h"

static const char *const rd_vmstat_names[] = {
	[RD_VMSTAT_COMPACT_STALL] = "compact_stall",
	[RD_VMSTAT_COMPACT_FAIL] = "compact_fail",
	[RD_VMSTAT_COMPACT_SUCCESS] = "compact_success",
	[RD_VMSTAT_COMPACT_MIGRATE_SCANNED] = "compact_migrate_scanned",
	[RD_VMSTAT_COMPACT_FREE_SCANNED] = "compact_free_scanned",
	[RD_VMSTAT_COMPACT_ISOLATED] = "compact_isolated",
	[RD_VMSTAT_COMPACT_DAEMON_WAKE] = "compact_daemon_wake",
	[RD_VMSTAT_COMPACT_DAEMON_MIGRATE_SCANNED] = "compact_daemon_migrate_scanned",
	[RD_VMSTAT_COMPACT_DAEMON_FREE_SCANNED] = "compact_daemon_free_scanned",
	[RD_VMSTAT_PGMIGRATE_SUCCESS] = "pgmigrate_success",
	[RD_VMSTAT_PGMIGRATE_FAIL] = "pgmigrate_fail",
	[RD_VMSTAT_THP_FAULT_ALLOC] = "thp_fault_alloc",
	[RD_VMSTAT_THP_FAULT_FALLBACK] = "thp_fault_fallback",
	[RD_VMSTAT_THP_COLLAPSE_ALLOC] = "thp_collapse_alloc",
	[RD_VMSTAT_THP_COLLAPSE_ALLOC_FAILED] = "thp_collapse_alloc_failed",
	[RD_VMSTAT_THP_MIGRATION_SUCCESS] = "thp_migration_success",
	[RD_VMSTAT_THP_MIGRATION_FAIL] = "thp_migration_fail",
	[RD_VMSTAT_THP_MIGRATION_SPLIT] = "thp_migration_split",
	[RD_VMSTAT_NR_FREE_PAGES] = "nr_free_pages",
	[RD_VMSTAT_NR_FREE_CMA] = "nr_free_cma",
	[RD_VMSTAT_COMPACT_BLOCKS_MOVED] = "compact_blocks_moved",
	[RD_VMSTAT_COMPACT_PAGES_MOVED] = "compact_pages_moved",
	[RD_VMSTAT_COMPACT_PAGEMIGRATE_FAILED] = "compact_pagemigrate_failed",
	[RD_VMSTAT_ALLOCSTALL] = "allocstall",
};

_Static_assert(sizeof rd_vmstat_names / sizeof rd_vmstat_names[0] == RD_VMSTAT_COUNT,
	       "rd_vmstat_names must have one name per enum rd_vmstat_counter");

const char *rd_vmstat_name(enum rd_vmstat_counter c)
{
	return (unsigned)c < RD_VMSTAT_COUNT ? rd_vmstat_names[c] : NULL;
}

bool rd_vmstat_get(const struct fs_snapshot *s, enum rd_vmstat_counter c, uint64_t *out)
{
	const char *n = rd_vmstat_name(c);
	return n && fs_kv_get(&s->vmstat, n, out);
}

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

/* Only spaces, tabs and newlines from p to end. */
static bool rd_vmstat_rest_blank(const char *p, const char *end)
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
