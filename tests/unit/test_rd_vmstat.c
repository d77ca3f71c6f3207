/* test_rd_vmstat.c - rd_vmstat_parse on every real capture with a vmstat,
 * the error branches, the counter table and the duplicate-checking appender.
 * Expected values were read from the fixture files (grep/awk), not from
 * this parser's output. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvocab.h"
#include "rd_vmstat.h"
#include "readers.h"
#include "../tap.h"

static const char *srcdir(void)
{
	const char *t = getenv("top_srcdir");
	return t && *t ? t : ".";
}

/* Parse tests/fixtures/real/<cap>/proc/vmstat into a new snapshot. */
static struct fs_snapshot *load(const char *cap, int *rc, struct fs_diag *d)
{
	char path[4096];
	struct fs_buf b;
	snprintf(path, sizeof path, "%s/tests/fixtures/real/%s/proc/vmstat", srcdir(), cap);
	*rc = fs_file_read(path, &b);
	if (*rc) {
		diag("cannot read %s: %s", path, strerror(-*rc));
		return NULL;
	}
	struct fs_snapshot *s = fs_snapshot_new();
	if (!s)
		abort();
	memset(d, 0, sizeof *d);
	*rc = rd_vmstat_parse(s, path, b.data, b.len, d);
	if (*rc)
		diag("%s:%u:%u: %s", d->file ? d->file : "?", d->line, d->col, d->msg);
	fs_buf_free(&b);
	return s;
}

static uint64_t get(const struct fs_snapshot *s, const char *name, int *found)
{
	uint64_t v = 0;
	*found = fs_kv_get(&s->vmstat, name, &v);
	return v;
}

struct vcase {
	const char *cap;
	size_t lines;            /* non-empty lines (grep -c .) */
	const char *first, *last;
	uint64_t first_v, last_v;
	const char *k1;          /* a counter and its value, or NULL */
	uint64_t v1;
	int has_nr_free_pages;
};

static const struct vcase cases[] = {
	{ "x86_64-arachsys-3.1-4node-opteron-kvm-host", 95, "nr_free_pages", "thp_split",
	  224933, 90328, "compact_blocks_moved", 522323130, 1 },
	{ "x86_64-dwd-2.6.13-4node-opteron-10s-earlier", 38, "nr_dirty", "nr_bounce",
	  787282, 0, NULL, 0, 0 },
	{ "x86_64-hotsos-juju-host0-via-lxd-vault-5.4.0-97", 138, "nr_free_pages", "swap_ra_hit",
	  309042, 35, "compact_stall", 0, 1 },
	{ "x86_64-hotsos-juju-host1-via-lxd-cephmon-5.4.0-97", 138, "nr_free_pages", "swap_ra_hit",
	  617957, 391, "compact_stall", 0, 1 },
	{ "x86_64-hotsos-juju-host1-via-lxd-rabbitmq-5.4.0-97", 138, "nr_free_pages", "swap_ra_hit",
	  584793, 116, "compact_stall", 0, 1 },
	{ "x86_64-hotsos-k8s-vm-5.4.0-99", 138, "nr_free_pages", "swap_ra_hit",
	  32312, 0, "pgmigrate_fail", 0, 1 },
	{ "x86_64-hotsos-openstack-compute4-5.4.0-97", 138, "nr_free_pages", "swap_ra_hit",
	  45949, 442, "compact_stall", 1038, 1 },
	{ "x86_64-martins3-nixos-host", 9, "compact_migrate_scanned", "compact_daemon_free_scanned",
	  21449454859ull, 28788825995ull, "compact_stall", 19757, 0 },
	{ "x86_64-node-exporter-fixture-vmstat", 119, "nr_free_pages", "balloon_migrate",
	  977769, 0, "compact_free_scanned", 12336622550ull, 1 },
	{ "x86_64-pcp-qa-2node-vm-5.14-2021", 159, "nr_free_pages", "nr_unstable",
	  1052928, 0, "thp_migration_success", 0, 1 },
	{ "x86_64-pcp-qa-haswell-vm-4.8-2017", 125, "nr_free_pages", "balloon_migrate",
	  816140, 0, "compact_stall", 0, 1 },
	{ "x86_64-pcp-qa-laptop-i7-4810mq-4.11-2017", 128, "nr_free_pages", "balloon_migrate",
	  624193, 0, "pgmigrate_fail", 0, 1 },
	{ "x86_64-pcp-qa-laptop-i7-4810mq-4.x-2016", 118, "nr_free_pages", "balloon_migrate",
	  1159538, 0, "compact_stall", 0, 1 },
	{ "x86_64-pcp-qa-nehalem-vm-4.18-2019", 133, "nr_free_pages", "swap_ra_hit",
	  631224, 0, "pgmigrate_fail", 0, 1 },
	{ "x86_64-pcp-qa-xeon-e5-2690-2node-2016", 114, "nr_free_pages", "thp_zero_page_alloc_failed",
	  21821632, 0, "pgmigrate_fail", 1543168, 1 },
	{ "x86_64-vm-6.18-idle", 192, "nr_free_pages", "nr_unstable",
	  5800053, 0, "pgmigrate_fail", 207, 1 },
};

static void test_captures(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct vcase *c = &cases[i];
		struct fs_diag d;
		int rc, f;
		struct fs_snapshot *s = load(c->cap, &rc, &d);
		is_int(rc, 0, "%s: vmstat parses", c->cap);
		if (!s)
			continue;
		is_u64(s->vmstat.n, c->lines, "%s: %zu counters", c->cap, c->lines);
		if (s->vmstat.n > 0) {
			is_str(s->vmstat.items[0].name, c->first, "%s: first counter in file order", c->cap);
			is_str(s->vmstat.items[s->vmstat.n - 1].name, c->last, "%s: last counter", c->cap);
		}
		is_u64(get(s, c->first, &f), c->first_v, "%s: %s", c->cap, c->first);
		ok(f, "%s: %s present", c->cap, c->first);
		is_u64(get(s, c->last, &f), c->last_v, "%s: %s", c->cap, c->last);
		if (c->k1) {
			is_u64(get(s, c->k1, &f), c->v1, "%s: %s", c->cap, c->k1);
			ok(f, "%s: %s present", c->cap, c->k1);
		}
		uint64_t v;
		is_int(fs_vm_get(s, FS_VM_NR_FREE_PAGES, &v), c->has_nr_free_pages,
		       "%s: nr_free_pages %s", c->cap, c->has_nr_free_pages ? "present" : "absent");
		fs_snapshot_free(s);
	}

	/* Counters above 2^32 (node-exporter fixture; martins3 compact_* grep). */
	struct fs_diag d;
	int rc, f;
	struct fs_snapshot *s = load("x86_64-node-exporter-fixture-vmstat", &rc, &d);
	if (s) {
		uint64_t v = get(s, "compact_free_scanned", &f);
		ok(v > UINT32_MAX, "node-exporter: compact_free_scanned > 2^32");
		is_u64(get(s, "compact_stall", &f), 210959, "node-exporter: compact_stall");
		is_u64(get(s, "pgmigrate_fail", &f), 36815, "node-exporter: pgmigrate_fail");
		fs_snapshot_free(s);
	}
	s = load("x86_64-dwd-2.6.13-4node-opteron-10s-earlier", &rc, &d);
	if (s) {
		uint64_t v;
		ok(!fs_vm_get(s, FS_VM_COMPACT_STALL, &v), "2.6.13: no compact_stall");
		ok(!fs_kv_get(&s->vmstat, "nr_free_pages", &v), "2.6.13: no nr_free_pages");
		fs_snapshot_free(s);
	}
	s = load("x86_64-martins3-nixos-host", &rc, &d);
	if (s) {
		uint64_t v = 0;
		ok(fs_vm_get(s, FS_VM_COMPACT_DAEMON_MIGRATE_SCANNED, &v) && v > UINT32_MAX,
		   "nixos: compact_daemon_migrate_scanned > 2^32 (%llu)", (unsigned long long)v);
		fs_snapshot_free(s);
	}
}

/* ---- constructed inputs -------------------------------------------------- */

static int parse_str(const char *text, struct fs_snapshot **out, struct fs_diag *d)
{
	struct fs_snapshot *s = fs_snapshot_new();
	if (!s)
		abort();
	memset(d, 0, sizeof *d);
	int r = rd_vmstat_parse(s, "test-vmstat", text, strlen(text), d);
	if (out)
		*out = s;
	else
		fs_snapshot_free(s);
	return r;
}

static void bad(const char *text, int err, unsigned line, unsigned col, const char *needle,
		const char *what)
{
	struct fs_diag d;
	int r = parse_str(text, NULL, &d);
	is_int(r, err, "%s: returns %d", what, err);
	is_str(d.file, "test-vmstat", "%s: diag names the file", what);
	is_int(d.line, line, "%s: line", what);
	if (col)
		is_int(d.col, col, "%s: column", what);
	ok(d.msg[0] && strstr(d.msg, needle) != NULL, "%s: message \"%s\" has \"%s\"", what, d.msg,
	   needle);
}

static void test_errors(void)
{
	struct fs_snapshot *s;
	struct fs_diag d;
	uint64_t v;

	bad("", -EINVAL, 1, 1, "empty file", "empty file");
	bad("\n", -EINVAL, 1, 1, "empty line", "only a newline");
	bad("a 1\n\nb 2\n", -EINVAL, 2, 1, "empty line", "blank line in the middle");
	bad("a 1\n 2\n", -EINVAL, 2, 1, "counter name", "no name");
	bad("a 1\nb\n", -EINVAL, 2, 2, "blank and a number", "no value");
	bad("a 1\nb x\n", -EINVAL, 2, 3, "unsigned number", "non-numeric value");
	bad("a 1\nb -1\n", -EINVAL, 2, 3, "unsigned number", "negative value");
	bad("a 1\nb 1 2\n", -EINVAL, 2, 5, "end of the line", "two values");
	bad("a 1\nb 1 # note\n", -EINVAL, 2, 5, "end of the line", "inline comment");
	bad("a 1\nb 1\r\n", -EINVAL, 2, 4, "end of the line", "CRLF");
	bad("a 1\nb: 1\n", -EINVAL, 2, 2, "blank and a number", "colon after the name");
	bad("a 18446744073709551615\nb 18446744073709551616\n", -ERANGE, 2, 3, "64 bits",
	    "2^64 overflows");
	bad("a 1\nb 2\na 3\n", -EINVAL, 3, 1, "twice", "duplicate counter");
	bad("a 1\nabcdefghijklmnopqrstuvwxyz_01234 1\n", -EINVAL, 2, 1, "longer than",
	    "32-character name");

	is_int(parse_str("a 18446744073709551615\nb 0\n\n\n", &s, &d), 0,
	       "UINT64_MAX and blank final lines parse");
	ok(fs_kv_get(&s->vmstat, "a", &v) && v == UINT64_MAX, "UINT64_MAX kept");
	is_u64(s->vmstat.n, 2, "two counters");
	fs_snapshot_free(s);
	is_int(parse_str("abcdefghijklmnopqrstuvwxyz_0123 7", &s, &d), 0,
	       "31-character name, no final newline");
	ok(fs_kv_get(&s->vmstat, "abcdefghijklmnopqrstuvwxyz_0123", &v) && v == 7, "value 7 kept");
	fs_snapshot_free(s);

	/* Parsing into a snapshot that already has vmstat values replaces them. */
	s = fs_snapshot_new();
	fs_kv_set(&s->vmstat, "b", 99);
	is_int(rd_vmstat_parse(s, "x", "a 1\nb 2\n", 8, &d), 0, "parse over existing values");
	ok(fs_kv_get(&s->vmstat, "b", &v) && v == 2 && s->vmstat.n == 2, "existing value replaced");
	fs_snapshot_free(s);
}

static void test_table(void)
{
	size_t total = 0;
	for (unsigned i = 0; i < FS_VM_COUNT; i++) {
		const char *n = fs_vm_name((enum fs_vm)i);
		if (!n || !*n) {
			ok(0, "counter %u has a name", i);
			continue;
		}
		total++;
		for (unsigned j = 0; j < i; j++)
			if (strcmp(n, fs_vm_name((enum fs_vm)j)) == 0)
				ok(0, "counter name \"%s\" unique (%u and %u)", n, i, j);
		for (const char *p = n; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
				ok(0, "counter name \"%s\" is lower case and '_'", n);
		if (strlen(n) >= FS_NAME_MAX)
			ok(0, "counter name \"%s\" fits FS_NAME_MAX", n);
	}
	is_u64(total, FS_VM_COUNT, "every counter has a non-empty name");
	ok(fs_vm_name(FS_VM_COUNT) == NULL, "name past the end is NULL");
	is_str(fs_vm_name(FS_VM_COMPACT_STALL), "compact_stall", "first name");
	is_str(fs_vm_name(FS_VM_ALLOCSTALL), "allocstall", "last of the brief's names");
	is_str(fs_vm_name(FS_VM_NR_ACTIVE_ANON), "nr_active_anon", "last name");
	is_int(fs_vm_find("compact_daemon_wake"), FS_VM_COMPACT_DAEMON_WAKE, "find by name");
	is_int(fs_vm_find("pgfault"), -1, "a name the table does not list");
	is_str(fs_vm_name(FS_VM_COMPACT_DAEMON_MIGRATE_SCANNED),
	       "compact_daemon_migrate_scanned", "enum and table line up");
	/* The brief's 24, numa_pages_migrated (diff, Prometheus),
	 * nr_free_pages_blocks (the era) and two node stats (simulator). */
	is_int(FS_VM_COUNT, 28, "28 counters in kvocab.h");
}

static void test_uniq(void)
{
	struct fs_kvlist l = { 0 };
	struct rd_vmstat_uniq u;
	char name[16];
	int fails = 0;

	rd_vmstat_uniq_init(&u, &l);
	/* Past the size where the list builds its hash index, and through
	 * several regrowths of it. */
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof name, "c%d", i);
		if (rd_vmstat_uniq_add(&u, name, strlen(name), (uint64_t)i) != 0)
			fails++;
	}
	is_int(fails, 0, "1000 distinct names accepted");
	is_u64(l.n, 1000, "1000 entries");
	fails = 0;
	for (int i = 0; i < 1000; i += 37) {
		snprintf(name, sizeof name, "c%d", i);
		if (rd_vmstat_uniq_add(&u, name, strlen(name), 0) != -EEXIST)
			fails++;
	}
	is_int(fails, 0, "repeats refused before and after the table filled");
	is_int(rd_vmstat_uniq_add(&u, "c1x", 2, 5), -EEXIST, "length-limited name \"c1\" repeats");
	is_int(rd_vmstat_uniq_add(&u, "", 0, 5), -EINVAL, "empty name refused");
	fails = 0;
	for (int i = 0; i < 1000; i++) {
		uint64_t v = 0;
		snprintf(name, sizeof name, "c%d", i);
		if (!fs_kv_get(&l, name, &v) || v != (uint64_t)i)
			fails++;
	}
	is_int(fails, 0, "every name found through the index with its value");
	ok(!fs_kv_get(&l, "c1000", NULL), "an absent name is not found");

	/* A second section replaces what the first added, and refuses its
	 * own repeats. */
	rd_vmstat_uniq_init(&u, &l);
	is_int(rd_vmstat_uniq_add(&u, "c5", 2, 77), 0, "name from an earlier section replaced");
	is_u64(l.n, 1000, "no entry added for the replacement");
	uint64_t v = 0;
	ok(fs_kv_get(&l, "c5", &v) && v == 77, "replacement visible");
	is_int(rd_vmstat_uniq_add(&u, "new", 3, 1), 0, "new name in the second section");
	is_int(rd_vmstat_uniq_add(&u, "new", 3, 1), -EEXIST, "its repeat refused");

	/* A copy keeps a working index. */
	struct fs_kvlist c;
	is_int(fs_kv_copy(&c, &l), 0, "copy");
	ok(fs_kv_get(&c, "c999", &v) && v == 999 && fs_kv_get(&c, "new", &v) && v == 1,
	   "lookups in the copy");
	is_int(fs_kv_set(&c, "c999", 5), 0, "set in the copy");
	ok(fs_kv_get(&c, "c999", &v) && v == 5 && fs_kv_get(&l, "c999", &v) && v == 999,
	   "the copy's index is its own");
	fs_kv_free(&c);
	fs_kv_free(&l);
}

int main(void)
{
	test_captures();
	test_errors();
	test_table();
	test_uniq();
	return done_testing();
}
