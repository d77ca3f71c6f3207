#include "config.h"

/* test_rd_buddyinfo.c - rd_buddyinfo_parse against every real capture
 * (compared with an independent strtok/strtoull scan of the same file and
 * with values read from the files by eye), constructed inputs for every
 * error branch, and every malformed buddyinfo fixture. */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers.h"
#include "snapshot.h"
#include "../tap.h"

static const char *srcdir(void)
{
	const char *t = getenv("top_srcdir");
	return t && *t ? t : ".";
}

/* Read a fixture; *exact gets a copy of exactly len bytes, no NUL after
 * it (so ASan catches a parser reading past len). */
static int load(const char *path, struct fs_buf *b, char **exact)
{
	int r = fs_file_read(path, b);
	if (r)
		return r;
	*exact = malloc(b->len ? b->len : 1);
	if (!*exact)
		return -ENOMEM;
	memcpy(*exact, b->data, b->len);
	return 0;
}

/* Parse a string with an exact-size copy. */
static int parse_str(struct fs_snapshot *s, const char *text, struct fs_diag *d)
{
	size_t n = strlen(text);
	char *copy = malloc(n ? n : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, text, n);
	memset(d, 0, sizeof *d);
	int r = rd_buddyinfo_parse(s, "test", copy, n, d);
	free(copy);
	return r;
}

/* Run a string through a fresh snapshot; returns rc, fills d. */
static int run(const char *text, struct fs_diag *d, unsigned preset_orders)
{
	struct fs_snapshot *s = fs_snapshot_new();
	if (!s)
		return -ENOMEM;
	s->orders = preset_orders;
	int r = parse_str(s, text, d);
	fs_snapshot_free(s);
	return r;
}

static void expect_err(const char *text, unsigned preset, int want_rc, unsigned line,
		       unsigned col, const char *what)
{
	struct fs_diag d;
	int r = run(text, &d, preset);
	is_int(r, want_rc, "%s: rc", what);
	if (r == 0)
		return;
	is_int(d.line, line, "%s: line", what);
	if (col)
		is_int(d.col, col, "%s: column", what);
	ok(d.file && strcmp(d.file, "test") == 0, "%s: diag names the file", what);
	ok(d.msg[0] != '\0', "%s: message \"%s\"", what, d.msg);
}

/* Independent scan of a well-formed buddyinfo text: rows of
 * "Node" "N," "zone" NAME counts... */
struct row {
	int node;
	char zone[32];
	unsigned n;
	unsigned long long v[FS_MAX_ORDERS + 1];
};

static unsigned scan_rows(const char *text, struct row *rows, unsigned max)
{
	char *copy = strdup(text), *save = NULL, *line;
	unsigned nr = 0;
	for (line = strtok_r(copy, "\n", &save); line && nr < max;
	     line = strtok_r(NULL, "\n", &save)) {
		char *s2 = NULL, *tok;
		struct row *r = &rows[nr];
		memset(r, 0, sizeof *r);
		tok = strtok_r(line, " ", &s2);           /* Node */
		if (!tok || strcmp(tok, "Node") != 0)
			continue;
		tok = strtok_r(NULL, " ", &s2);           /* "0," */
		r->node = atoi(tok);
		strtok_r(NULL, " ", &s2);                 /* zone */
		tok = strtok_r(NULL, " ", &s2);
		snprintf(r->zone, sizeof r->zone, "%s", tok);
		while ((tok = strtok_r(NULL, " ", &s2)) && r->n <= FS_MAX_ORDERS)
			r->v[r->n++] = strtoull(tok, NULL, 10);
		nr++;
	}
	free(copy);
	return nr;
}

static unsigned total_zones(const struct fs_snapshot *s)
{
	unsigned n = 0;
	for (size_t i = 0; i < s->nnodes; i++)
		n += s->nodes[i].nzones;
	return n;
}

static struct fs_zone *zone_of(struct fs_snapshot *s, int node, const char *name)
{
	struct fs_node *n = fs_snapshot_node(s, node);
	return n ? fs_node_zone(n, name) : NULL;
}

/* Parse one real capture and compare everything with the independent scan. */
static struct fs_snapshot *check_real(const char *cap)
{
	char path[4096];
	struct fs_buf b;
	char *exact = NULL;
	struct fs_diag d;
	struct row rows[64];

	snprintf(path, sizeof path, "%s/tests/fixtures/real/%s/proc/buddyinfo", srcdir(), cap);
	if (!ok(load(path, &b, &exact) == 0, "%s: read", cap))
		return NULL;
	struct fs_snapshot *s = fs_snapshot_new();
	memset(&d, 0, sizeof d);
	int r = rd_buddyinfo_parse(s, path, exact, b.len, &d);
	if (!is_int(r, 0, "%s: parses", cap))
		diag("  %s:%u:%u: %s", d.file ? d.file : "?", d.line, d.col, d.msg);
	unsigned nr = scan_rows(b.data, rows, 64);
	ok(nr > 0, "%s: independent scan found %u rows", cap, nr);
	is_int(total_zones(s), nr, "%s: one zone per row", cap);
	is_int(s->orders, nr ? rows[0].n : 0, "%s: order count = columns of row 1", cap);
	unsigned bad = 0;
	for (unsigned i = 0; i < nr; i++) {
		struct fs_zone *z = zone_of(s, rows[i].node, rows[i].zone);
		if (!z || !z->has_buddy || rows[i].n != s->orders) {
			bad++;
			continue;
		}
		for (unsigned o = 0; o < rows[i].n; o++)
			if (z->free[o] != rows[i].v[o])
				bad++;
	}
	is_int(bad, 0, "%s: every count matches the independent scan", cap);
	fs_buf_free(&b);
	free(exact);
	return s;
}

static void test_real_all(void)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/tests/fixtures/real", srcdir());
	DIR *dp = opendir(dir);
	unsigned n = 0;
	if (!ok(dp != NULL, "open %s", dir))
		return;
	struct dirent *de;
	while ((de = readdir(dp))) {
		char path[8192];
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s/proc/buddyinfo", dir, de->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		fclose(f);
		fs_snapshot_free(check_real(de->d_name));
		n++;
	}
	closedir(dp);
	/* 27 captures have proc/buddyinfo (find tests/fixtures/real -name buddyinfo). */
	is_int(n, 28, "all real buddyinfo captures were parsed");
}

/* Facts read from the files by eye. */
static void test_real_facts(void)
{
	struct fs_snapshot *s;
	struct fs_zone *z;

	s = check_real("arm32-pintu-2.6.29-2node-12orders-after-malloc");
	if (s) {
		is_int(s->orders, 12, "pintu: 12 orders");
		is_int(s->nnodes, 2, "pintu: 2 nodes");
		z = zone_of(s, 1, "DMA");
		ok(z != NULL, "pintu: node 1 DMA");
		if (z) {
			is_u64(z->free[2], 305, "pintu: node 1 DMA order 2 = 305");
			is_u64(z->free[11], 0, "pintu: node 1 DMA order 11 = 0");
		}
		ok(zone_of(s, 0, "Normal") == NULL, "pintu: no Normal zone");
	}
	fs_snapshot_free(s);

	s = check_real("arm64-64k-hisilicon-d03");
	if (s) {
		is_int(s->orders, 14, "hisilicon: 14 orders");
		z = zone_of(s, 0, "Normal");
		ok(z && z->free[13] == 114, "hisilicon: Normal order 13 = 114 (no trailing space)");
		z = zone_of(s, 0, "DMA");
		ok(z && z->free[0] == 7 && z->free[12] == 1, "hisilicon: DMA order 0 = 7, 12 = 1");
	}
	fs_snapshot_free(s);

	s = check_real("x86_64-arachsys-3.1-4node-opteron-kvm-host");
	if (s) {
		is_int(s->nnodes, 4, "arachsys: 4 nodes");
		ok(s->nnodes == 4 && s->nodes[3].id == 3, "arachsys: nodes in file order");
		z = zone_of(s, 3, "Normal");
		ok(z && z->free[0] == 20015 && z->free[3] == 996, "arachsys: node 3 Normal 20015 .. 996");
		ok(zone_of(s, 1, "DMA32") == NULL, "arachsys: node 1 has no DMA32");
	}
	fs_snapshot_free(s);

	s = check_real("x86_64-cn-memdebug-doc-buddyinfo");
	if (s) {
		z = zone_of(s, 0, "Normal");
		ok(z && z->free[0] == 251006, "cn-memdebug: 6-digit Normal order 0 = 251006");
	}
	fs_snapshot_free(s);

	s = check_real("i386-highmem-2.6.8-bert-0015");
	if (s) {
		z = zone_of(s, 0, "HighMem");
		ok(z && z->free[4] == 2 && z->free[0] == 0, "bert-0015: HighMem order 4 = 2");
		z = zone_of(s, 0, "Normal");
		ok(z && z->free[1] == 18994, "bert-0015: Normal order 1 = 18994");
		ok(s->nnodes == 1 && s->nodes[0].nzones == 3 &&
		   strcmp(s->nodes[0].zones[0].name, "DMA") == 0 &&
		   strcmp(s->nodes[0].zones[2].name, "HighMem") == 0, "bert-0015: zones in file order");
	}
	fs_snapshot_free(s);

	s = check_real("arm32-lge-highmem-zram-after-compact");
	if (s) {
		ok(zone_of(s, 0, "DMA") == NULL && zone_of(s, 0, "HighMem") != NULL,
		   "lge: Normal + HighMem, no DMA");
		z = zone_of(s, 0, "Normal");
		ok(z && z->free[0] == 14076, "lge: Normal order 0 = 14076");
	}
	fs_snapshot_free(s);
}

/* Valid constructed inputs. */
static void test_valid(void)
{
	struct fs_snapshot *s = fs_snapshot_new();
	struct fs_diag d;
	int r;

	r = parse_str(s, "Node 0, zone      DMA      1      2      3 \n"
			 "Node 0, zone\tNormal\t4\t5\t6\n"
			 "Node 7, zone VeryLongZoneName 7 8 9", &d);
	is_int(r, 0, "tabs, no trailing space, no final newline, long zone name: rc");
	is_int(s->orders, 3, "3 orders");
	struct fs_zone *z = zone_of(s, 7, "VeryLongZoneName");
	ok(z && z->free[0] == 7 && z->free[2] == 9, "node 7 zone VeryLongZoneName = 7 8 9");
	z = zone_of(s, 0, "Normal");
	ok(z && z->free[1] == 5, "tab-separated Normal order 1 = 5");
	fs_snapshot_free(s);

	s = fs_snapshot_new();
	r = parse_str(s, "Node 0, zone DMA 18446744073709551615\n", &d);
	is_int(r, 0, "UINT64_MAX accepted");
	z = zone_of(s, 0, "DMA");
	ok(z && z->free[0] == UINT64_MAX && s->orders == 1, "one order holding UINT64_MAX");
	fs_snapshot_free(s);

	/* s->orders preset by another file with the same count. */
	s = fs_snapshot_new();
	s->orders = 2;
	r = parse_str(s, "Node 0, zone DMA 1 2\n", &d);
	is_int(r, 0, "order count equal to the preset one");
	fs_snapshot_free(s);

	/* 16 orders is the maximum. */
	s = fs_snapshot_new();
	r = parse_str(s, "Node 0, zone DMA 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n", &d);
	is_int(r, 0, "16 counts accepted");
	z = zone_of(s, 0, "DMA");
	ok(z && s->orders == 16 && z->free[15] == 15, "16th count stored");
	fs_snapshot_free(s);
}

static void test_errors(void)
{
	/* A lone row without its newline may be cut anywhere: refused
	 * ("Node 0, zone DMA 1 1" is 20 characters, the error is after them). */
	expect_err("Node 0, zone DMA 1 1", 0, -EINVAL, 1, 21, "lone row without a newline");
	struct fs_diag d0;
	is_int(run("Node 0, zone DMA 1 1\n", &d0, 0), 0, "the same row with its newline parses");
	is_int(run("Node 0, zone DMA 1 1\nNode 0, zone Normal 2 2", &d0, 0), 0,
	       "a last row without newline is checked against the others");
	/* Order count mismatch within the file: longer and shorter row. */
	expect_err("Node 0, zone DMA 1 2 3\nNode 0, zone Normal 1 2 3 4\n", 0, -EINVAL, 2, 27,
		   "row 2 has one count more");
	expect_err("Node 0, zone DMA 1 2 3\nNode 0, zone Normal 1 2\n", 0, -EINVAL, 2, 24,
		   "row 2 has one count less");
	/* Against s->orders set by another file. */
	expect_err("Node 0, zone DMA 1 2 3\n", 2, -EINVAL, 1, 22, "more counts than preset orders");
	expect_err("Node 0, zone DMA 1 2 3\n", 4, -EINVAL, 1, 23, "fewer counts than preset orders");
	/* Overflow. */
	expect_err("Node 0, zone DMA 1 99999999999999999999 3\n", 0, -ERANGE, 1, 20,
		   "20-digit count");
	expect_err("Node 0, zone DMA 18446744073709551616\n", 0, -ERANGE, 1, 18,
		   "UINT64_MAX + 1");
	expect_err("Node 99999999999, zone DMA 1\n", 0, -ERANGE, 1, 6, "node id too large");
	/* Duplicate row. */
	expect_err("Node 0, zone DMA 1 2\nNode 1, zone DMA 1 2\nNode 0, zone DMA 3 4\n", 0,
		   -EINVAL, 3, 1, "duplicate node 0 DMA");
	/* Truncated lines. */
	expect_err("Node 0, zone DMA\n", 0, -EINVAL, 1, 17, "no counts");
	expect_err("Node 0, zone DMA   \n", 0, -EINVAL, 1, 20, "no counts, trailing blanks");
	expect_err("Node 0, zone\n", 0, -EINVAL, 1, 13, "no zone name");
	expect_err("Node 0, zone   \n", 0, -EINVAL, 1, 16, "no zone name, trailing blanks");
	expect_err("Node 0,\n", 0, -EINVAL, 1, 8, "no \"zone\"");
	expect_err("Node 0\n", 0, -EINVAL, 1, 7, "no comma");
	expect_err("Node\n", 0, -EINVAL, 1, 5, "no node id");
	expect_err("Node 0, zone DMA 1 2\nNode 0, zo", 0, -EINVAL, 2, 9, "cut inside \"zone\"");
	/* Garbage. */
	expect_err("Node 0, zone DMA 1 2x 3\n", 0, -EINVAL, 1, 21, "letter after digits");
	expect_err("Node 0, zone DMA 1 -2 3\n", 0, -EINVAL, 1, 20, "negative count");
	expect_err("Node 0, zone DMA 1 2 ...\n", 0, -EINVAL, 1, 22, "ellipsis");
	expect_err("Node 0, zone DMA, 1 2\n", 0, -EINVAL, 1, 17, "comma after zone name");
	expect_err("Node x, zone DMA 1\n", 0, -EINVAL, 1, 6, "node id not a number");
	expect_err("Node -1, zone DMA 1\n", 0, -EINVAL, 1, 6, "negative node id");
	expect_err("node 0, zone DMA 1\n", 0, -EINVAL, 1, 1, "lower-case node");
	expect_err("Node 0, zone DMA 1 2\r\nNode 0, zone Normal 1 2\r\n", 0, -EINVAL, 1, 21,
		   "CRLF");
	expect_err("Node 0, zone DMA 1 2\n\nNode 0, zone Normal 1 2\n", 0, -EINVAL, 2, 1,
		   "empty line between rows");
	expect_err("Node 0, zone DMA 1 2\n\n", 0, -EINVAL, 2, 1, "empty line at the end");
	expect_err("Node 0, zone DMA 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n", 0, -EINVAL, 1,
		   56, "17 counts");
	expect_err("Node 0, zone ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG 1\n", 0, -EINVAL, 1, 14,
		   "zone name of 33 characters");
	/* Empty input. */
	struct fs_diag d;
	int r = run("", &d, 0);
	is_int(r, -EINVAL, "empty file: rc");
	ok(d.line == 1 && strstr(d.msg, "Node N, zone NAME") != NULL,
	   "empty file: line 1, message \"%s\"", d.msg);
	expect_err("\n", 0, -EINVAL, 1, 1, "file holding one newline");
	/* More than FS_MAX_ZONES zones in a node. */
	expect_err("Node 0, zone A 1\nNode 0, zone B 1\nNode 0, zone C 1\nNode 0, zone D 1\n"
		   "Node 0, zone E 1\nNode 0, zone F 1\nNode 0, zone G 1\nNode 0, zone H 1\n"
		   "Node 0, zone I 1\n", 0, -EINVAL, 9, 1, "9 zones in a node");
}

/* Every malformed buddyinfo fixture: the offending line determined by
 * reading the file (see each SOURCE). */
static void test_malformed(void)
{
	static const struct {
		const char *dir;
		unsigned line, col;   /* col 0: not checked */
		int rc;
	} cases[] = {
		/* line 2 is the first orphan continuation "     0      0      1      3" */
		{ "centos7.6-2node-buddyinfo-line-wrapped", 2, 1, -EINVAL },
		/* line 1 "... 1    ..." : the "..." token at column 54 */
		{ "ia64-altix-buddyinfo-ellipsis-truncated", 1, 54, -EINVAL },
		/* line 1 is complete with 6 counts; line 2 starts with a bare "1" */
		{ "pintu-arm-buddyinfo-format-flowed-reply", 2, 1, -EINVAL },
		/* "Node 0, zone" ends at column 12: zone name expected at 13 */
		{ "procfs-buddyinfo-short", 1, 13, -EINVAL },
		/* line 2 has a 12th count (row 1 has 11); it starts at column 105 */
		{ "procfs-buddyinfo-sizemismatch", 2, 105, -EINVAL },
		/* line 1 is the header "Free pages per order ..." */
		{ "ye-liu-2025-buddyinfo-unmerged-header", 1, 1, -EINVAL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char path[4096];
		struct fs_buf b;
		char *exact = NULL;
		struct fs_diag d;
		snprintf(path, sizeof path, "%s/tests/fixtures/malformed/%s/proc/buddyinfo",
			 srcdir(), cases[i].dir);
		if (!ok(load(path, &b, &exact) == 0, "%s: read", cases[i].dir))
			continue;
		struct fs_snapshot *s = fs_snapshot_new();
		memset(&d, 0, sizeof d);
		int r = rd_buddyinfo_parse(s, path, exact, b.len, &d);
		is_int(r, cases[i].rc, "%s: rejected", cases[i].dir);
		ok(d.file && strcmp(d.file, path) == 0, "%s: diag.file is the path given", cases[i].dir);
		is_int(d.line, cases[i].line, "%s: line", cases[i].dir);
		if (cases[i].col)
			is_int(d.col, cases[i].col, "%s: column", cases[i].dir);
		ok(d.msg[0] != '\0', "%s: message \"%s\"", cases[i].dir, d.msg);
		fs_snapshot_free(s);
		fs_buf_free(&b);
		free(exact);
	}
}

int main(void)
{
	test_real_all();
	test_real_facts();
	test_valid();
	test_errors();
	test_malformed();
	return done_testing();
}
