#include "config.h"

/* test_rd_pagetypeinfo.c - rd_pagetypeinfo_parse against every real
 * capture (compared with an independent strtok scan of the same file and
 * with values read by eye), constructed inputs for the error branches, and
 * the malformed pagetypeinfo fixtures. */

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

static int parse_str(struct fs_snapshot *s, const char *text, struct fs_diag *d)
{
	size_t n = strlen(text);
	char *copy = malloc(n ? n : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, text, n);
	memset(d, 0, sizeof *d);
	int r = rd_pagetypeinfo_parse(s, "test", copy, n, d);
	free(copy);
	return r;
}

static void expect_err_s(struct fs_snapshot *s, const char *text, int want_rc, unsigned line,
			 unsigned col, const char *what)
{
	struct fs_diag d;
	int r = parse_str(s, text, &d);
	is_int(r, want_rc, "%s: rc", what);
	if (r == 0)
		return;
	is_int(d.line, line, "%s: line", what);
	if (col)
		is_int(d.col, col, "%s: column", what);
	ok(d.file && strcmp(d.file, "test") == 0, "%s: diag names the file", what);
	ok(d.msg[0] != '\0', "%s: message \"%s\"", what, d.msg);
}

static void expect_err(const char *text, int want_rc, unsigned line, unsigned col,
		       const char *what)
{
	struct fs_snapshot *s = fs_snapshot_new();
	expect_err_s(s, text, want_rc, line, col, what);
	fs_snapshot_free(s);
}

static struct fs_zone *zone_of(struct fs_snapshot *s, int node, const char *name)
{
	struct fs_node *n = fs_snapshot_node(s, node);
	return n ? fs_node_zone(n, name) : NULL;
}

static int mt_of(const struct fs_snapshot *s, const char *name)
{
	for (unsigned i = 0; i < s->nmt; i++)
		if (strcmp(s->mt_names[i], name) == 0)
			return (int)i;
	return -1;
}

/* Independent scan of a well-formed file, compared cell by cell. */
struct scan {
	unsigned sections, orders, free_rows, block_rows, capped, mismatches;
	long pbo, ppb;
	char types[8][32];
	unsigned ntypes;
};

static void scan_compare(const char *text, struct fs_snapshot *s, struct scan *sc)
{
	char *copy = strdup(text), *save = NULL, *line;
	memset(sc, 0, sizeof *sc);
	sc->pbo = sc->ppb = -1;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *s2 = NULL, *tok[64];
		unsigned nt = 0;
		if (strncmp(line, "Page block order:", 17) == 0) {
			sc->sections++;
			sc->pbo = strtol(line + 17, NULL, 10);
			continue;
		}
		if (strncmp(line, "Pages per block:", 16) == 0) {
			sc->ppb = strtol(line + 16, NULL, 10);
			continue;
		}
		for (char *t = strtok_r(line, " ", &s2); t && nt < 64; t = strtok_r(NULL, " ", &s2))
			tok[nt++] = t;
		if (nt == 0)
			continue;
		if (strcmp(tok[0], "Free") == 0) {
			sc->orders = nt - 8;     /* Free pages count per migrate type at order */
			continue;
		}
		if (strcmp(tok[0], "Number") == 0) {  /* Number of blocks type */
			sc->ntypes = 0;
			for (unsigned i = 4; i < nt && sc->ntypes < 8; i++)
				snprintf(sc->types[sc->ntypes++], 32, "%s", tok[i]);
			continue;
		}
		if (strcmp(tok[0], "Node") != 0 || nt < 4)
			continue;
		int node = atoi(tok[1]);
		char zone[32];
		snprintf(zone, sizeof zone, "%s", tok[3]);
		char *comma = strchr(zone, ',');
		struct fs_zone *z;
		if (comma) {                     /* free row: ... type NAME counts */
			*comma = '\0';
			z = zone_of(s, node, zone);
			int mt = mt_of(s, tok[5]);
			sc->free_rows++;
			if (!z || !z->has_types || mt < 0 || nt - 6 != s->orders) {
				sc->mismatches++;
				continue;
			}
			for (unsigned o = 0; o < nt - 6; o++) {
				const char *v = tok[6 + o];
				int cap = v[0] == '>';
				if (cap)
					sc->capped++;
				if (z->free_by_type[mt][o] != strtoull(v + cap, NULL, 10) ||
				    z->capped[mt][o] != cap)
					sc->mismatches++;
			}
		} else {                          /* blocks row */
			z = zone_of(s, node, zone);
			sc->block_rows++;
			if (!z || !z->has_blocks || nt - 4 != sc->ntypes) {
				sc->mismatches++;
				continue;
			}
			for (unsigned i = 0; i < sc->ntypes; i++) {
				int mt = mt_of(s, sc->types[i]);
				if (mt < 0 || z->blocks[mt] != strtoull(tok[4 + i], NULL, 10))
					sc->mismatches++;
			}
		}
	}
	free(copy);
}

static unsigned count_capped_flags(const struct fs_snapshot *s)
{
	unsigned n = 0;
	for (size_t i = 0; i < s->nnodes; i++)
		for (unsigned z = 0; z < s->nodes[i].nzones; z++)
			for (unsigned m = 0; m < FS_MAX_MT; m++)
				for (unsigned o = 0; o < FS_MAX_ORDERS; o++)
					n += s->nodes[i].zones[z].capped[m][o];
	return n;
}

static struct fs_snapshot *check_real(const char *cap)
{
	char path[4096];
	struct fs_buf b;
	char *exact = NULL;
	struct fs_diag d;
	struct scan sc;

	snprintf(path, sizeof path, "%s/tests/fixtures/real/%s/proc/pagetypeinfo", srcdir(), cap);
	if (!ok(load(path, &b, &exact) == 0, "%s: read", cap))
		return NULL;
	struct fs_snapshot *s = fs_snapshot_new();
	memset(&d, 0, sizeof d);
	int r = rd_pagetypeinfo_parse(s, path, exact, b.len, &d);
	if (!is_int(r, 0, "%s: parses", cap))
		diag("  %s:%u:%u: %s", d.file ? d.file : "?", d.line, d.col, d.msg);
	scan_compare(b.data, s, &sc);
	ok(sc.free_rows > 0 && sc.block_rows > 0, "%s: independent scan found %u free rows, "
	   "%u block rows", cap, sc.free_rows, sc.block_rows);
	is_int(s->orders, sc.orders, "%s: orders = columns of the header", cap);
	is_int(s->pageblock_order, sc.pbo, "%s: page block order", cap);
	is_int(s->pages_per_block, sc.ppb, "%s: pages per block", cap);
	is_int(s->nnodes, sc.sections, "%s: one node per header block", cap);
	is_int(s->nmt, sc.ntypes, "%s: migratetype count = blocks header", cap);
	unsigned order_ok = s->nmt == sc.ntypes;
	for (unsigned i = 0; order_ok && i < sc.ntypes; i++)
		order_ok = strcmp(s->mt_names[i], sc.types[i]) == 0;
	ok(order_ok, "%s: migratetype names in column order", cap);
	is_int(sc.free_rows, sc.block_rows * sc.ntypes, "%s: one free row per zone and type", cap);
	is_int(sc.mismatches, 0, "%s: every free and block count matches the scan", cap);
	is_int(count_capped_flags(s), sc.capped, "%s: capped flags = \">\" cells", cap);
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
		snprintf(path, sizeof path, "%s/%s/proc/pagetypeinfo", dir, de->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		fclose(f);
		fs_snapshot_free(check_real(de->d_name));
		n++;
	}
	closedir(dp);
	/* find tests/fixtures/real -name pagetypeinfo | wc -l */
	is_int(n, 13, "all real pagetypeinfo captures were parsed");
}

static void test_real_facts(void)
{
	struct fs_snapshot *s;
	struct fs_zone *z;
	int mt;

	/* ">100000" in Normal/Movable order 0. */
	s = check_real("x86_64-martins3-48cpu-pagetypeinfo-capped");
	if (s) {
		z = zone_of(s, 0, "Normal");
		mt = mt_of(s, "Movable");
		ok(z && mt >= 0, "capped: Normal zone and Movable type");
		if (z && mt >= 0) {
			ok(z->capped[mt][0] && z->free_by_type[mt][0] == 100000,
			   "capped: Movable order 0 is >100000 (stored 100000, capped)");
			ok(!z->capped[mt][1] && z->free_by_type[mt][1] == 93493,
			   "capped: Movable order 1 = 93493, not capped");
			is_u64(z->blocks[mt], 10165, "capped: Normal Movable blocks 10165");
		}
		is_int(count_capped_flags(s), 1, "capped: exactly one capped cell");
		is_int(s->nmt, 6, "capped: 6 migratetypes");
		is_str(s->mt_names[3], "HighAtomic", "capped: 4.4+ order, column 4 HighAtomic");
	}
	fs_snapshot_free(s);

	static const char *const pb10[] = {
		"mips-mt7621-openwrt-5.4-18h-fragmented", "mips-mt7621-openwrt-5.4-after-compact",
		"mips-mt7621-openwrt-5.4-end-highatomic", "arm64-qemu-6.x-movable-zone-pb10",
		"arm32-nokia-maemo-sp-endurance", "arm32-xiaomi-aries-android-cma-highmem",
	};
	for (size_t i = 0; i < sizeof pb10 / sizeof pb10[0]; i++) {
		s = check_real(pb10[i]);
		if (s)
			ok(s->pageblock_order == 10 && s->pages_per_block == 1024,
			   "%s: page block order 10, 1024 pages", pb10[i]);
		fs_snapshot_free(s);
	}

	s = check_real("mips-mt7621-openwrt-5.4-end-highatomic");
	if (s) {
		z = zone_of(s, 0, "Normal");
		mt = mt_of(s, "HighAtomic");
		ok(z && mt == 3 && z->blocks[mt] == 1 && z->free_by_type[mt][3] == 27,
		   "end-highatomic: one HighAtomic block, 27 free at order 3");
		is_int(s->nmt, 4, "end-highatomic: 4 migratetypes");
	}
	fs_snapshot_free(s);

	s = check_real("arm64-qemu-6.x-movable-zone-pb10");
	if (s) {
		z = zone_of(s, 0, "Movable");
		mt = mt_of(s, "Movable");
		ok(z && mt >= 0 && z->free_by_type[mt][10] == 82 && z->blocks[mt] == 103,
		   "qemu-pb10: Movable zone, Movable order 10 = 82, 103 blocks");
	}
	fs_snapshot_free(s);

	/* Pre-4.4 order with Reserve. */
	static const char *const reserve[] = { "x86_64-fb-3.10-2node", "arm32-nokia-maemo-sp-endurance" };
	for (size_t i = 0; i < 2; i++) {
		s = check_real(reserve[i]);
		if (s) {
			ok(mt_of(s, "Reserve") == 3 && mt_of(s, "HighAtomic") < 0 &&
			   mt_of(s, "Reclaimable") == 1 && mt_of(s, "Movable") == 2,
			   "%s: pre-4.4 columns Unmovable Reclaimable Movable Reserve", reserve[i]);
		}
		fs_snapshot_free(s);
	}

	s = check_real("x86_64-fb-3.10-2node");
	if (s) {
		is_int(s->nnodes, 2, "fb-3.10: 2 nodes from 2 header blocks");
		z = zone_of(s, 1, "Normal");
		mt = mt_of(s, "Movable");
		ok(z && mt >= 0 && z->blocks[mt] == 31465 && z->free_by_type[mt][1] == 2919,
		   "fb-3.10: node 1 Normal Movable: 31465 blocks, 2919 free at order 1");
		ok(zone_of(s, 1, "DMA") == NULL, "fb-3.10: node 1 has only Normal");
		z = zone_of(s, 0, "DMA32");
		mt = mt_of(s, "Reserve");
		ok(z && mt >= 0 && z->free_by_type[mt][3] == 17, "fb-3.10: DMA32 Reserve order 3 = 17");
	}
	fs_snapshot_free(s);

	s = check_real("arm32-nokia-maemo-sp-endurance");
	if (s) {
		z = zone_of(s, 0, "Normal");
		mt = mt_of(s, "Reserve");
		ok(z && mt >= 0 && z->blocks[mt] == 1 && z->free_by_type[mt][2] == 1,
		   "nokia: Normal Reserve: 1 block, 1 free at order 2");
		is_int(s->nmt, 5, "nokia: 5 migratetypes (with Isolate)");
	}
	fs_snapshot_free(s);

	s = check_real("arm32-xiaomi-aries-android-cma-highmem");
	if (s) {
		mt = mt_of(s, "CMA");
		z = zone_of(s, 0, "Normal");
		ok(mt == 4 && z && z->free_by_type[mt][1] == 951 && z->blocks[mt] == 26,
		   "xiaomi: CMA column 5, Normal CMA order 1 = 951, 26 blocks");
		z = zone_of(s, 0, "HighMem");
		ok(z && z->blocks[mt_of(s, "Movable")] == 311, "xiaomi: HighMem 311 Movable blocks");
	}
	fs_snapshot_free(s);

	s = check_real("x86_64-martins3-qemu-2node");
	if (s) {
		is_int(s->nnodes, 2, "qemu-2node: 2 nodes");
		z = zone_of(s, 1, "Normal");
		mt = mt_of(s, "Movable");
		ok(z && mt >= 0 && z->free_by_type[mt][10] == 3641 && z->blocks[mt] == 8084,
		   "qemu-2node: node 1 Normal Movable order 10 = 3641, 8084 blocks");
	}
	fs_snapshot_free(s);

	s = check_real("x86_64-vm-6.18-idle");
	if (s) {
		is_int(s->nmt, 5, "6.18: 5 migratetypes (no CMA)");
		ok(mt_of(s, "CMA") < 0 && mt_of(s, "Isolate") == 4, "6.18: Isolate is column 5");
	}
	fs_snapshot_free(s);
}

/* A small valid file: 1 node, 2 zones, 3 orders, 2 types. */
#define HDR "Page block order: 1\nPages per block:  2\n\n" \
	"Free pages count per migrate type at order       0      1      2 \n"
#define FREE_A "Node    0, zone      DMA, type    Unmovable      1      2      3 \n" \
	"Node    0, zone      DMA, type      Movable      4      5      6 \n"
#define FREE_B "Node    0, zone   Normal, type    Unmovable      7      8      9 \n" \
	"Node    0, zone   Normal, type      Movable     10     11     12 \n"
#define BHDR "\nNumber of blocks type     Unmovable      Movable \n"
#define BLK "Node 0, zone      DMA            1            2 \n" \
	"Node 0, zone   Normal            3            4 \n"
#define GOOD HDR FREE_A FREE_B BHDR BLK

static void test_valid(void)
{
	struct fs_snapshot *s = fs_snapshot_new();
	struct fs_diag d;
	struct fs_zone *z;
	int r = parse_str(s, GOOD, &d);
	is_int(r, 0, "constructed file parses");
	ok(s->orders == 3 && s->pageblock_order == 1 && s->pages_per_block == 2 && s->nmt == 2,
	   "constructed: 3 orders, pageblock order 1, 2 pages, 2 types");
	z = zone_of(s, 0, "Normal");
	ok(z && z->has_types && z->has_blocks && z->free_by_type[1][2] == 12 &&
	   z->free_by_type[0][0] == 7 && z->blocks[0] == 3 && z->blocks[1] == 4,
	   "constructed: Normal values in place");
	ok(z && !z->has_buddy, "constructed: pagetypeinfo does not claim buddyinfo data");
	fs_snapshot_free(s);

	/* Orders preset equal by buddyinfo. */
	s = fs_snapshot_new();
	s->orders = 3;
	is_int(parse_str(s, GOOD, &d), 0, "preset equal order count accepted");
	fs_snapshot_free(s);

	/* Mixed-blocks section (page_owner): validated, not stored. */
	s = fs_snapshot_new();
	r = parse_str(s, GOOD "\nNumber of mixed blocks    Unmovable      Movable \n"
		      "Node 0, zone      DMA            9            9 \n"
		      "Node 0, zone   Normal            9            9 \n", &d);
	is_int(r, 0, "mixed blocks section accepted");
	z = zone_of(s, 0, "DMA");
	ok(z && z->blocks[0] == 1 && z->blocks[1] == 2, "mixed blocks do not overwrite blocks");
	fs_snapshot_free(s);

	/* Second node after a mixed section. */
	s = fs_snapshot_new();
	r = parse_str(s, GOOD "\nNumber of mixed blocks    Unmovable      Movable \n"
		      "Node 0, zone      DMA            9            9 \n"
		      HDR "Node    1, zone   Normal, type    Unmovable      1      1      1 \n"
		      "Node    1, zone   Normal, type      Movable      1      1    >100000 \n"
		      BHDR "Node 1, zone   Normal            5            6\n", &d);
	if (!is_int(r, 0, "2 nodes with a mixed section between"))
		diag("  %u:%u %s", d.line, d.col, d.msg);
	z = zone_of(s, 1, "Normal");
	ok(z && z->capped[1][2] && z->free_by_type[1][2] == 100000 && z->blocks[1] == 6,
	   "node 1: capped cell and blocks");
	fs_snapshot_free(s);

	/* Unknown type names kept by name; CMA between. */
	s = fs_snapshot_new();
	r = parse_str(s, HDR "Node 0, zone DMA, type Foo 1 2 3\nNode 0, zone DMA, type CMA 4 5 6\n"
		      "\nNumber of blocks type Foo CMA\nNode 0, zone DMA 7 8\n", &d);
	is_int(r, 0, "unknown migratetype accepted");
	ok(s->nmt == 2 && strcmp(s->mt_names[0], "Foo") == 0 && strcmp(s->mt_names[1], "CMA") == 0,
	   "unknown migratetype kept by name, in column order");
	fs_snapshot_free(s);

	/* Decision: collapsed spacing is accepted when the line structure is the
	 * kernel's (the mips fixture without its inserted empty lines); values
	 * land in the same cells as in the published numbers. */
	s = fs_snapshot_new();
	r = parse_str(s, "Page block order: 10\nPages per block: 1024\n\n"
		      "Free pages count per migrate type at order 0 1 2 3 4 5 6 7 8 9 10\n"
		      "Node 0, zone Normal, type Unmovable 9 40 42 2 11 4 0 2 1 1 3\n"
		      "Node 0, zone Normal, type Movable 71 461 316 97 33 6 3 2 2 1 4\n"
		      "Node 0, zone Normal, type Reclaimable 3 1 20 3 1 0 1 0 0 1 0\n"
		      "Node 0, zone Normal, type HighAtomic 0 0 0 0 0 0 0 0 0 0 0\n"
		      "\nNumber of blocks type Unmovable Movable Reclaimable HighAtomic\n"
		      "Node 0, zone Normal 22 39 3 0\n", &d);
	is_int(r, 0, "collapsed spacing, kernel line structure: accepted");
	z = zone_of(s, 0, "Normal");
	ok(z && s->orders == 11 && z->free_by_type[1][1] == 461 && z->free_by_type[0][10] == 3 &&
	   z->free_by_type[2][2] == 20 && z->blocks[1] == 39 && z->blocks[2] == 3,
	   "collapsed spacing: Movable[1]=461, Unmovable[10]=3, Reclaimable[2]=20, blocks 39/3");
	fs_snapshot_free(s);
}

static void test_errors(void)
{
	/* Line numbers below count the lines of the macros: HDR = 4 lines,
	 * FREE_A/FREE_B = 2 each, BHDR = 2 (empty + header), BLK = 2. */
	expect_err(HDR FREE_A
		   "Node    0, zone   Normal, type    Unmovable      7      8      9     10 \n"
		   "Node    0, zone   Normal, type      Movable     10     11     12 \n" BHDR BLK,
		   -EINVAL, 7, 70, "free row with one count more than the header");
	expect_err(HDR FREE_A "Node    0, zone   Normal, type    Unmovable      7      8\n",
		   -EINVAL, 7, 58, "free row with one count less");
	{
		struct fs_snapshot *s = fs_snapshot_new();
		s->orders = 11;
		expect_err_s(s, GOOD, -EINVAL, 4, 66, "header with 3 orders, s->orders preset 11");
		fs_snapshot_free(s);
	}
	expect_err("Page block order: 1\nPages per block:  2\n\n"
		   "Free pages count per migrate type at order 0 1 3\n", -EINVAL, 4, 48,
		   "header orders not 0 1 2");
	expect_err(HDR FREE_A FREE_B BHDR "Node 0, zone      DMA      >100000            2 \n",
		   -EINVAL, 11, 28, "\">100000\" in the blocks table");
	expect_err(HDR "Node    0, zone      DMA, type    Unmovable     >99999      2      3 \n",
		   -EINVAL, 5, 49, "\">99999\" in a free row");
	expect_err(HDR "Node    0, zone      DMA, type    Unmovable      1 99999999999999999999 3\n",
		   -ERANGE, 5, 52, "20-digit free count");
	expect_err(HDR FREE_A FREE_B BHDR "Node 0, zone DMA 1 99999999999999999999\n",
		   -ERANGE, 11, 20, "20-digit block count");
	expect_err(HDR FREE_A FREE_A, -EINVAL, 7, 35, "type rows of DMA repeated");
	expect_err(HDR FREE_A FREE_B FREE_A BHDR BLK, -EINVAL, 9, 1,
		   "duplicate zone in the free table");
	expect_err(HDR FREE_A FREE_B BHDR BLK "Node 0, zone      DMA            1            2 \n",
		   -EINVAL, 13, 1, "duplicate blocks row");
	expect_err(HDR FREE_A FREE_B BHDR "Node 0, zone   Normal            3            4 \n",
		   -EINVAL, 12, 1, "missing blocks row for DMA at end of file");
	expect_err(HDR FREE_A FREE_B BHDR "Node 0, zone   Normal            3            4 \n"
		   HDR, -EINVAL, 12, 1, "missing blocks row for DMA before next header");
	expect_err(HDR FREE_A
		   "Node    0, zone   Normal, type      Movable     10     11     12 \n"
		   "Node    0, zone   Normal, type    Unmovable      7      8      9 \n" BHDR BLK,
		   -EINVAL, 7, 37, "second zone lists types in another order");
	expect_err(HDR FREE_A "Node    0, zone   Normal, type    Unmovable      7      8      9 \n"
		   BHDR BLK, -EINVAL, 8, 1, "second zone lacks a type");
	expect_err(HDR FREE_A FREE_B
		   "Node    0, zone   Normal, type          CMA      0      0      0 \n" BHDR BLK,
		   -EINVAL, 9, 41, "second zone has an extra type");
	expect_err(HDR "Node 0, zone DMA, type Movable 1 1 1\nNode 0, zone DMA, type Movable 1 1 1\n",
		   -EINVAL, 6, 24, "same type twice in the first zone");
	expect_err(HDR FREE_A FREE_B "\nNumber of blocks type     Unmovable      Reserve \n" BLK,
		   -EINVAL, 10, 42, "blocks header names another type");
	expect_err(HDR FREE_A FREE_B "\nNumber of blocks type     Unmovable \n" BLK,
		   -EINVAL, 10, 37, "blocks header lacks a type");
	expect_err(HDR FREE_A FREE_B "\nNumber of blocks type     Unmovable      Movable    CMA\n"
		   BLK, -EINVAL, 10, 53, "blocks header has an extra type");
	expect_err(HDR FREE_A FREE_B BHDR "Node 0, zone      DMA            1 \n", -EINVAL, 11, 36,
		   "blocks row with one count less");
	expect_err(HDR FREE_A FREE_B BHDR "Node 0, zone      HighMem            1     2\n",
		   -EINVAL, 11, 1, "blocks row of a zone without free rows");
	expect_err(HDR FREE_A FREE_B BHDR "Node 1, zone      DMA            1            2 \n",
		   -EINVAL, 11, 1, "blocks row of another node");
	expect_err(HDR FREE_A "Node    1, zone   Normal, type    Unmovable      7      8      9 \n",
		   -EINVAL, 7, 1, "free row of node 1 in node 0's section");
	expect_err("Page block order: 1\nPages per block:  4\n", -EINVAL, 2, 1,
		   "pages per block is not 1 << order");
	expect_err(GOOD "Page block order: 2\nPages per block:  4\n", -EINVAL, 13, 1,
		   "repeated header with another page block order");
	expect_err("Page block order: 64\n", -ERANGE, 1, 1, "page block order 64");
	expect_err("Page block order: 1\nPages per block:  2\nX\n", -EINVAL, 3, 1,
		   "no empty line after the header");
	expect_err(HDR "\n", -EINVAL, 5, 1, "free table without rows");
	expect_err(HDR FREE_A FREE_B "Number of blocks type     Unmovable      Movable \n", -EINVAL,
		   9, 1, "no empty line before the blocks header");
	expect_err(HDR FREE_A FREE_B BHDR BLK "\n", -EINVAL, 14, 1,
		   "empty line at the end (mixed header expected)");
	expect_err(HDR FREE_A FREE_B, -EINVAL, 9, 1, "truncated after the free rows");
	expect_err(HDR FREE_A "Node    0, zone   Normal, type    Unmovable      7      8", -EINVAL,
		   7, 58, "truncated inside a free row (fewer counts)");
	expect_err(HDR "Node    0, zone      DMA, type\n", -EINVAL, 5, 31, "no type name");
	expect_err(HDR "Node    0, zone      DMA type Unmovable 1 2 3\n", -EINVAL, 5, 25,
		   "no comma after the zone name");
	expect_err(HDR "Node    0, zone      DMA, type    Unmovable      1      2      3\r\n",
		   -EINVAL, 5, 65, "CRLF");
	expect_err("Page block order: 1\r\n", -EINVAL, 1, 20, "CRLF in the header");
	expect_err("", -EINVAL, 1, 1, "empty file");
	expect_err(HDR "Node    0, zone      DMA, type    Unmovable      1      2      3x\n",
		   -EINVAL, 5, 65, "letter after a count");
	expect_err(HDR "Node    0, zone      DMA, type    Unmovable      1      2    >100000x\n",
		   -EINVAL, 5, 62, "\">100000x\"");
	expect_err(HDR "Node 0, zone DMA, type A 1 1 1\nNode 0, zone DMA, type B 1 1 1\n"
		   "Node 0, zone DMA, type C 1 1 1\nNode 0, zone DMA, type D 1 1 1\n"
		   "Node 0, zone DMA, type E 1 1 1\nNode 0, zone DMA, type F 1 1 1\n"
		   "Node 0, zone DMA, type G 1 1 1\nNode 0, zone DMA, type H 1 1 1\n"
		   "Node 0, zone DMA, type I 1 1 1\n", -EINVAL, 13, 24, "9 migratetypes");
}

static void test_malformed(void)
{
	static const struct {
		const char *dir;
		unsigned line, col;
	} cases[] = {
		/* Line 5 is the empty line inserted after the order header, where the
		 * kernel prints the first free row (the collapsed spacing itself is
		 * accepted, see test_valid). */
		{ "mips-mt7621-pagetypeinfo-whitespace-collapsed", 5, 1 },
		/* Line 5 " 4      5 ..." is the wrapped rest of the order header. */
		{ "pankaj-arm-pagetypeinfo-gmail-wrapped", 5, 1 },
		/* Line 1 is the free table header; "Page block order:" expected. */
		{ "sp-endurance-pagetypeinfo-headerless-synthetic", 1, 1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char path[4096];
		struct fs_buf b;
		char *exact = NULL;
		struct fs_diag d;
		snprintf(path, sizeof path, "%s/tests/fixtures/malformed/%s/proc/pagetypeinfo",
			 srcdir(), cases[i].dir);
		if (!ok(load(path, &b, &exact) == 0, "%s: read", cases[i].dir))
			continue;
		struct fs_snapshot *s = fs_snapshot_new();
		memset(&d, 0, sizeof d);
		int r = rd_pagetypeinfo_parse(s, path, exact, b.len, &d);
		is_int(r, -EINVAL, "%s: rejected", cases[i].dir);
		ok(d.file && strcmp(d.file, path) == 0, "%s: diag.file is the path given", cases[i].dir);
		is_int(d.line, cases[i].line, "%s: line", cases[i].dir);
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
