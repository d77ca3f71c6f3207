#include "config.h"

/* test_rd_extfrag.c - rd_extfrag_parse (debugfs extfrag_index and
 * unusable_index) against every real capture, compared with an independent
 * sscanf scan, print-format detection on the wangsu pair and the other
 * captures, constructed inputs for every branch, and the malformed
 * hao-ge fixture. */

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

static int parse_str(struct fs_snapshot *s, enum fs_src which, const char *text, int *nf,
		     struct fs_diag *d)
{
	size_t n = strlen(text);
	char *copy = malloc(n ? n : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, text, n);
	memset(d, 0, sizeof *d);
	int r = rd_extfrag_parse(s, which, "test", copy, n, nf, d);
	free(copy);
	return r;
}

static void expect_err(enum fs_src which, const char *text, unsigned preset, int want_rc,
		       unsigned line, unsigned col, const char *what)
{
	struct fs_snapshot *s = fs_snapshot_new();
	struct fs_diag d;
	int nf = 42;
	s->orders = preset;
	int r = parse_str(s, which, text, &nf, &d);
	is_int(r, want_rc, "%s: rc", what);
	if (r) {
		is_int(d.line, line, "%s: line", what);
		if (col)
			is_int(d.col, col, "%s: column", what);
		ok(d.file && strcmp(d.file, "test") == 0, "%s: diag names the file", what);
		ok(d.msg[0] != '\0', "%s: message \"%s\"", what, d.msg);
	}
	fs_snapshot_free(s);
}

/* Parse a one-row extfrag text; returns rc, the values and the format. */
static int one(enum fs_src which, const char *text, int32_t *out, unsigned *n, int *nf)
{
	struct fs_snapshot *s = fs_snapshot_new();
	struct fs_diag d;
	*nf = 42;
	int r = parse_str(s, which, text, nf, &d);
	*n = s->orders;
	if (r == 0 && s->nnodes && s->nodes[0].nzones)
		memcpy(out, which == FS_SRC_EXTFRAG_INDEX ? s->nodes[0].zones[0].kextfrag :
		       s->nodes[0].zones[0].kunusable, sizeof(int32_t) * FS_MAX_ORDERS);
	fs_snapshot_free(s);
	return r;
}

static struct fs_zone *zone_of(struct fs_snapshot *s, int node, const char *name)
{
	struct fs_node *n = fs_snapshot_node(s, node);
	return n ? fs_node_zone(n, name) : NULL;
}

/* Independent reading of a well-formed file with sscanf "%d.%d": the
 * kernel value is ip*1000 + frac, the fraction taking the sign of a
 * negative integer part ("-1.000") or its own ("0.-500"). */
static unsigned scan_compare(const char *text, struct fs_snapshot *s, enum fs_src which,
			     unsigned *rows, unsigned *cols)
{
	char *copy = strdup(text), *save = NULL, *line;
	unsigned bad = 0;
	*rows = *cols = 0;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *s2 = NULL, *tok, zone[32];
		int node;
		unsigned n = 0;
		if (strtok_r(line, " ", &s2) == NULL)
			continue;
		node = atoi(strtok_r(NULL, " ", &s2));
		strtok_r(NULL, " ", &s2);
		snprintf(zone, sizeof zone, "%s", strtok_r(NULL, " ", &s2));
		struct fs_zone *z = zone_of(s, node, zone);
		if (!z || !(which == FS_SRC_EXTFRAG_INDEX ? z->has_kextfrag : z->has_kunusable)) {
			bad++;
			continue;
		}
		const int32_t *k = which == FS_SRC_EXTFRAG_INDEX ? z->kextfrag : z->kunusable;
		while ((tok = strtok_r(NULL, " ", &s2))) {
			int ip, fr;
			if (sscanf(tok, "%d.%d", &ip, &fr) != 2 || n >= FS_MAX_ORDERS) {
				bad++;
				break;
			}
			int v = ip * 1000 + (ip < 0 ? -fr : fr);
			if (k[n] != v)
				bad++;
			n++;
		}
		if (*rows == 0)
			*cols = n;
		else if (n != *cols)
			bad++;
		(*rows)++;
	}
	free(copy);
	return bad;
}

static unsigned nzones(const struct fs_snapshot *s)
{
	unsigned n = 0;
	for (size_t i = 0; i < s->nnodes; i++)
		n += s->nodes[i].nzones;
	return n;
}

/* Parse one real file into s (which may already hold buddyinfo). */
static int check_real_file(struct fs_snapshot *s, const char *cap, enum fs_src which, int *nf)
{
	char path[4096];
	struct fs_buf b;
	char *exact = NULL;
	struct fs_diag d;
	const char *base = which == FS_SRC_EXTFRAG_INDEX ? "extfrag_index" : "unusable_index";
	unsigned rows, cols;

	snprintf(path, sizeof path, "%s/tests/fixtures/real/%s/sys/kernel/debug/extfrag/%s",
		 srcdir(), cap, base);
	if (!ok(load(path, &b, &exact) == 0, "%s %s: read", cap, base))
		return -1;
	memset(&d, 0, sizeof d);
	*nf = 42;
	int r = rd_extfrag_parse(s, which, path, exact, b.len, nf, &d);
	if (!is_int(r, 0, "%s %s: parses", cap, base))
		diag("  %s:%u:%u: %s", d.file ? d.file : "?", d.line, d.col, d.msg);
	unsigned bad = scan_compare(b.data, s, which, &rows, &cols);
	ok(rows > 0, "%s %s: independent scan found %u rows", cap, base, rows);
	is_int(bad, 0, "%s %s: every value matches the independent scan", cap, base);
	is_int(s->orders, cols, "%s %s: order count = columns", cap, base);
	if (which == FS_SRC_UNUSABLE_INDEX)
		is_int(*nf, 1, "%s %s: format flag 1 for unusable_index", cap, base);
	fs_buf_free(&b);
	free(exact);
	return r;
}

static bool has_file(const char *cap, const char *rel)
{
	char path[8192];
	snprintf(path, sizeof path, "%s/tests/fixtures/real/%s/%s", srcdir(), cap, rel);
	FILE *f = fopen(path, "r");
	if (f)
		fclose(f);
	return f != NULL;
}

static void test_real_all(void)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/tests/fixtures/real", srcdir());
	DIR *dp = opendir(dir);
	unsigned ne = 0, nu = 0, nb = 0;
	if (!ok(dp != NULL, "open %s", dir))
		return;
	struct dirent *de;
	while ((de = readdir(dp))) {
		if (de->d_name[0] == '.')
			continue;
		bool e = has_file(de->d_name, "sys/kernel/debug/extfrag/extfrag_index");
		bool u = has_file(de->d_name, "sys/kernel/debug/extfrag/unusable_index");
		if (!e && !u)
			continue;
		/* Read buddyinfo first when present: the debugfs files must agree
		 * with its order count and land in the same zones. */
		struct fs_snapshot *s = fs_snapshot_new();
		unsigned zb = 0;
		if (has_file(de->d_name, "proc/buddyinfo")) {
			char path[8192];
			struct fs_buf b;
			struct fs_diag d;
			snprintf(path, sizeof path, "%s/%s/proc/buddyinfo", dir, de->d_name);
			if (fs_file_read(path, &b) == 0) {
				is_int(rd_buddyinfo_parse(s, path, b.data, b.len, &d), 0,
				       "%s buddyinfo: parses", de->d_name);
				fs_buf_free(&b);
			}
			zb = nzones(s);
			nb++;
		}
		int nf;
		if (e) {
			check_real_file(s, de->d_name, FS_SRC_EXTFRAG_INDEX, &nf);
			ne++;
		}
		if (u) {
			check_real_file(s, de->d_name, FS_SRC_UNUSABLE_INDEX, &nf);
			nu++;
		}
		if (zb)
			is_int(nzones(s), zb, "%s: debugfs zones are buddyinfo's zones", de->d_name);
		fs_snapshot_free(s);
	}
	closedir(dp);
	/* find tests/fixtures/real -path '*debug/extfrag*' -type f */
	is_int(ne, 8, "all real extfrag_index captures were parsed");
	is_int(nu, 6, "all real unusable_index captures were parsed");
	is_int(nb, 5, "5 of them parsed on top of their buddyinfo");
}

static void test_real_facts(void)
{
	static const struct {
		const char *cap;
		int new_format;   /* read from the files: see each comment */
	} fmt[] = {
		{ "x86_64-wangsu-5.15-extfrag-newformat", 1 }, /* "-1.000  0.931" */
		{ "x86_64-wangsu-5.15-extfrag-oldformat", 0 }, /* "-1.000 0.931" */
		{ "x86_64-fb-3.10-2node", 0 },                 /* "-1.000 0.981" */
		{ "x86_64-hotsos-k8s-vm-5.4.0-99", 0 },        /* "-1.000 0.971" */
		{ "x86_64-vm-6.18-idle", 1 },                  /* all -1.000: undecidable */
		{ "x86_64-martins3-nixos-host", 1 },           /* all -1.000 */
		{ "x86_64-aa-2.6.34-thp-workstation-after-compact", 1 }, /* all -1.000 */
	};
	for (size_t i = 0; i < sizeof fmt / sizeof fmt[0]; i++) {
		struct fs_snapshot *s = fs_snapshot_new();
		int nf = 42;
		check_real_file(s, fmt[i].cap, FS_SRC_EXTFRAG_INDEX, &nf);
		is_int(nf, fmt[i].new_format, "%s: new_format", fmt[i].cap);
		if (i < 2) {
			struct fs_zone *z = zone_of(s, 0, "Normal");
			ok(z && z->kextfrag[3] == -1000 && z->kextfrag[4] == 931 &&
			   z->kextfrag[10] == 999, "%s: Normal -1000 at 3, 931 at 4, 999 at 10",
			   fmt[i].cap);
		}
		fs_snapshot_free(s);
	}

	struct fs_snapshot *s = fs_snapshot_new();
	int nf;
	check_real_file(s, "x86_64-fb-3.10-2node", FS_SRC_EXTFRAG_INDEX, &nf);
	struct fs_zone *z = zone_of(s, 1, "Normal");
	ok(z && z->has_kextfrag && z->kextfrag[7] == 982 && z->kextfrag[6] == -1000,
	   "fb-3.10: node 1 Normal order 7 = 0.982");
	fs_snapshot_free(s);

	s = fs_snapshot_new();
	check_real_file(s, "x86_64-hotsos-k8s-vm-5.4.0-99", FS_SRC_UNUSABLE_INDEX, &nf);
	z = zone_of(s, 0, "Normal");
	ok(z && z->has_kunusable && z->kunusable[9] == 1000 && z->kunusable[4] == 497,
	   "hotsos: unusable Normal order 9 = 1.000, order 4 = 0.497");
	fs_snapshot_free(s);

	s = fs_snapshot_new();
	check_real_file(s, "mel-gorman-2010-compaction-testbox", FS_SRC_UNUSABLE_INDEX, &nf);
	z = zone_of(s, 0, "DMA");
	ok(z && z->kunusable[10] == 230 && z->kunusable[3] == 1, "mel-gorman: DMA 0.230 at 10");
	fs_snapshot_free(s);
}

static void test_values(void)
{
	int32_t v[FS_MAX_ORDERS];
	unsigned n;
	int nf, r;
	const enum fs_src E = FS_SRC_EXTFRAG_INDEX, U = FS_SRC_UNUSABLE_INDEX;

	r = one(E, "Node 0, zone   Normal -1.000  0.-500  0.-07  0.000  0.964  1.000 \n", v, &n, &nf);
	is_int(r, 0, "new format values: rc");
	ok(n == 6 && v[0] == -1000 && v[1] == -500 && v[2] == -7 && v[3] == 0 && v[4] == 964 &&
	   v[5] == 1000, "-1.000 0.-500 0.-07 0.000 0.964 1.000 -> -1000 -500 -7 0 964 1000");
	is_int(nf, 1, "padded values: new format");

	r = one(E, "Node 0, zone   Normal -1.000 0.-500 0.-62 0.964 1.000\n", v, &n, &nf);
	ok(r == 0 && v[1] == -500 && v[2] == -62 && v[4] == 1000, "old format values");
	is_int(nf, 0, "unpadded values: old format");

	r = one(E, "Node 0, zone      DMA  0.-01\n", v, &n, &nf);
	ok(r == 0 && v[0] == -1 && nf == 1, "first field padded after the zone name: new, -1");
	r = one(E, "Node 0, zone      DMA 0.-01\n", v, &n, &nf);
	ok(r == 0 && v[0] == -1 && nf == 0, "first field unpadded after the zone name: old");
	r = one(E, "Node 0, zone      DMA -1.000 -1.000\n", v, &n, &nf);
	ok(r == 0 && nf == 1, "only -1.000: undecidable, reported as 1");
	r = one(E, "Node 0, zone DMA -1.000 -1.000", v, &n, &nf);
	ok(r == 0 && n == 2 && v[1] == -1000, "no final newline");

	r = one(U, "Node 0, zone DMA 0.000 0.229 1.000 \n", v, &n, &nf);
	ok(r == 0 && v[0] == 0 && v[1] == 229 && v[2] == 1000 && nf == 1, "unusable values");

	/* new_format may be NULL. */
	struct fs_snapshot *s = fs_snapshot_new();
	struct fs_diag d;
	is_int(parse_str(s, E, "Node 0, zone DMA 0.500\n", NULL, &d), 0, "new_format NULL");
	fs_snapshot_free(s);

	/* Orders preset equal. */
	s = fs_snapshot_new();
	s->orders = 2;
	is_int(parse_str(s, U, "Node 0, zone DMA 0.000 0.001\n", &nf, &d), 0, "preset orders equal");
	fs_snapshot_free(s);

	/* Both files into one snapshot: same zone gets both. */
	s = fs_snapshot_new();
	r = parse_str(s, E, "Node 0, zone DMA -1.000 0.900\n", &nf, &d);
	r |= parse_str(s, U, "Node 0, zone DMA 0.000 0.100\n", &nf, &d);
	struct fs_zone *z = zone_of(s, 0, "DMA");
	ok(r == 0 && z && z->has_kextfrag && z->has_kunusable && z->kextfrag[1] == 900 &&
	   z->kunusable[1] == 100 && s->nnodes == 1 && s->nodes[0].nzones == 1,
	   "extfrag and unusable land in the same zone");
	fs_snapshot_free(s);
}

static void test_errors(void)
{
	const enum fs_src E = FS_SRC_EXTFRAG_INDEX, U = FS_SRC_UNUSABLE_INDEX;
	/* "Node 0, zone DMA " is 17 characters: the first field is at column 18. */
	expect_err(E, "Node 0, zone DMA 0.-5\n", 0, -EINVAL, 1, 18, "0.-5 (kernel prints 0.-05)");
	expect_err(E, "Node 0, zone DMA 0.1234\n", 0, -ERANGE, 1, 18, "0.1234");
	expect_err(E, "Node 0, zone DMA 2.000\n", 0, -ERANGE, 1, 18, "2.000");
	expect_err(E, "Node 0, zone DMA -2.000\n", 0, -ERANGE, 1, 18, "-2.000");
	expect_err(E, "Node 0, zone DMA 1.001\n", 0, -ERANGE, 1, 18, "1.001");
	expect_err(E, "Node 0, zone DMA 0.96\n", 0, -EINVAL, 1, 18, "0.96 (two decimals)");
	expect_err(E, "Node 0, zone DMA -1\n", 0, -EINVAL, 1, 18, "-1 without decimals");
	expect_err(E, "Node 0, zone DMA -0.500\n", 0, -EINVAL, 1, 18, "-0.500 (kernel prints 0.-500)");
	expect_err(E, "Node 0, zone DMA 0.5x0\n", 0, -EINVAL, 1, 18, "0.5x0");
	expect_err(E, "Node 0, zone DMA 0.500x\n", 0, -EINVAL, 1, 18, "letter after the value");
	expect_err(E, "Node 0, zone DMA 0.500 ...\n", 0, -EINVAL, 1, 24, "ellipsis");
	expect_err(U, "Node 0, zone DMA 0.000 -1.000\n", 0, -ERANGE, 1, 24, "negative unusable");
	expect_err(U, "Node 0, zone DMA 0.000 0.-500\n", 0, -ERANGE, 1, 24, "0.-500 unusable");
	/* Mixed print formats: line 1 padded (new), line 2 not. */
	expect_err(E, "Node 0, zone DMA  0.900\nNode 0, zone Normal 0.900\n", 0, -EINVAL, 2, 21,
		   "mixed padded and unpadded values");
	/* Column counts. */
	expect_err(E, "Node 0, zone DMA -1.000 -1.000\nNode 0, zone Normal -1.000\n", 0, -EINVAL,
		   2, 27, "row 2 has fewer values");
	expect_err(E, "Node 0, zone DMA -1.000\nNode 0, zone Normal -1.000 -1.000\n", 0, -EINVAL,
		   2, 28, "row 2 has more values");
	expect_err(E, "Node 0, zone DMA -1.000 -1.000\n", 11, -EINVAL, 1, 31,
		   "2 values, 11 orders from buddyinfo");
	expect_err(U, "Node 0, zone DMA 0.000 0.000 0.000\n", 2, -EINVAL, 1, 30,
		   "3 values, 2 orders from buddyinfo");
	/* Duplicates, empties, structure. */
	expect_err(E, "Node 0, zone DMA -1.000\nNode 0, zone DMA -1.000\n", 0, -EINVAL, 2, 1,
		   "duplicate row");
	expect_err(E, "", 0, -EINVAL, 1, 1, "empty file");
	expect_err(U, "Node 0, zone DMA 0.000\n\n", 0, -EINVAL, 2, 1, "empty line");
	expect_err(E, "Node 0, zone DMA\n", 0, -EINVAL, 1, 17, "no values");
	expect_err(E, "Node 0, zone\n", 0, -EINVAL, 1, 13, "no zone name");
	expect_err(E, "Node 0, zone DMA -1.000\r\n", 0, -EINVAL, 1, 24, "CRLF");
	expect_err(E, "Node 0, zone DMA -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 "
		   "-1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000\n", 0, -EINVAL,
		   1, 130, "17 values");
	expect_err(E, "Node 99999999999, zone DMA 0.000\n", 0, -ERANGE, 1, 6, "node id too large");
	expect_err((enum fs_src)FS_SRC_BUDDYINFO, "Node 0, zone DMA 0.000\n", 0, -EINVAL, 0, 0,
		   "wrong source kind");
}

static void test_malformed(void)
{
	static const char *const files[] = { "extfrag_index", "unusable_index" };
	for (int i = 0; i < 2; i++) {
		char path[4096];
		struct fs_buf b;
		char *exact = NULL;
		struct fs_diag d;
		int nf = 42;
		snprintf(path, sizeof path, "%s/tests/fixtures/malformed/"
			 "hao-ge-2024-extfrag-unmerged-header-format/sys/kernel/debug/extfrag/%s",
			 srcdir(), files[i]);
		if (!ok(load(path, &b, &exact) == 0, "hao-ge %s: read", files[i]))
			continue;
		struct fs_snapshot *s = fs_snapshot_new();
		memset(&d, 0, sizeof d);
		int r = rd_extfrag_parse(s, i ? FS_SRC_UNUSABLE_INDEX : FS_SRC_EXTFRAG_INDEX, path,
					 exact, b.len, &nf, &d);
		is_int(r, -EINVAL, "hao-ge %s: rejected", files[i]);
		ok(d.file && strcmp(d.file, path) == 0, "hao-ge %s: diag.file is the path given", files[i]);
		/* Line 1 is the unmerged header line ("Extfrag index at order: ..."). */
		is_int(d.line, 1, "hao-ge %s: line 1 (header)", files[i]);
		is_int(d.col, 1, "hao-ge %s: column 1", files[i]);
		ok(d.msg[0] != '\0', "hao-ge %s: message \"%s\"", files[i], d.msg);
		is_int(nf, 42, "hao-ge %s: new_format untouched on error", files[i]);
		fs_snapshot_free(s);
		fs_buf_free(&b);
		free(exact);

		/* Without the header line, the "..." on (original) line 2 is the error. */
		struct fs_buf b2;
		if (fs_file_read(path, &b2) == 0) {
			const char *nl = strchr(b2.data, '\n');
			const char *rest = nl ? nl + 1 : b2.data;
			const char *dots = strstr(rest, "...");
			s = fs_snapshot_new();
			memset(&d, 0, sizeof d);
			r = rd_extfrag_parse(s, i ? FS_SRC_UNUSABLE_INDEX : FS_SRC_EXTFRAG_INDEX,
					     "rest", rest, strlen(rest), &nf, &d);
			is_int(r, -EINVAL, "hao-ge %s without header: rejected", files[i]);
			is_int(d.line, 1, "hao-ge %s without header: first row", files[i]);
			is_int(d.col, dots ? (unsigned)(dots - rest) + 1 : 0,
			       "hao-ge %s without header: column of \"...\"", files[i]);
			fs_snapshot_free(s);
			fs_buf_free(&b2);
		}
	}
}

int main(void)
{
	test_real_all();
	test_real_facts();
	test_values();
	test_errors();
	test_malformed();
	return done_testing();
}
