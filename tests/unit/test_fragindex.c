/* The kernel's index arithmetic against the worked vectors (data-driven),
 * the debugfs print formats, and the overflow guards. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "fragindex.h"

#define MAXN 16

static int parse_list(char *s, long long *out, int *n)
{
	char *tok, *save = NULL;
	*n = 0;
	while (*s == ' ')
		s++;
	if (*s == '-' && (s[1] == ' ' || s[1] == '\0' || s[1] == '\n'))
		return 0;   /* "-": not given */
	for (tok = strtok_r(s, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		if (*n >= MAXN)
			return -1;
		out[(*n)++] = strtoll(tok, NULL, 10);
	}
	return 0;
}

static void vectors(void)
{
	const char *top = getenv("top_srcdir");
	char path[4096], line[2048];
	snprintf(path, sizeof path, "%s/tests/cases/fragindex.cases", top ? top : ".");
	FILE *f = fopen(path, "r");
	if (!ok(f != NULL, "open %s", path))
		return;
	int cases = 0;
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		char *field[5], *save = NULL;
		int nf = 0;
		for (char *t = strtok_r(line, "|", &save); t && nf < 5; t = strtok_r(NULL, "|", &save))
			field[nf++] = t;
		if (!ok(nf == 5, "case line has 5 fields"))
			continue;
		char name[32];
		sscanf(field[0], "%31s", name);
		long long fr[MAXN], un[MAXN], fi[MAXN], ef[MAXN];
		int nfr, nun, nfi, nef;
		parse_list(field[1], fr, &nfr);
		parse_list(field[2], un, &nun);
		parse_list(field[3], fi, &nfi);
		parse_list(field[4], ef, &nef);
		uint64_t free[MAXN];
		for (int i = 0; i < nfr; i++)
			free[i] = (uint64_t)fr[i];
		int gu[MAXN], gf[MAXN];
		unsigned ge[MAXN];
		int r = fs_indices(free, (unsigned)nfr, gu, gf, ge);
		is_int(r, 0, "%s: computes", name);
		for (int k = 0; k < nun; k++)
			is_int(gu[k], un[k], "%s: unusable order %d", name, k);
		for (int k = 0; k < nfi; k++)
			is_int(gf[k], fi[k], "%s: fragindex order %d", name, k);
		for (int k = 0; k < nef; k++)
			is_int(ge[k], ef[k], "%s: extfrag_for_order order %d", name, k);
		ok(nfi == 0 || nfi == nfr, "%s: fragindex list covers every order", name);
		cases++;
	}
	fclose(f);
	ok(cases == 12, "all 12 worked vectors read (%d)", cases);
}

static void print_formats(void)
{
	/* V2 as the kernel prints it (kernel-facts 2, new %2d format). */
	static const int v2[] = { -1000, -500, -250, -125, -62, -31, -15, -7, -3, -1, 0 };
	char line[256] = "", buf[32];
	for (size_t i = 0; i < sizeof v2 / sizeof v2[0]; i++) {
		fs_kfmt_value(buf, sizeof buf, FS_KFMT_EXTFRAG, v2[i]);
		strcat(line, buf);
	}
	is_str(line, "-1.000  0.-500  0.-250  0.-125  0.-62  0.-31  0.-15  0.-07  0.-03  0.-01  0.000 ",
	       "V2 extfrag_index fields, new format");
	line[0] = '\0';
	for (size_t i = 0; i < 3; i++) {
		fs_kfmt_value(buf, sizeof buf, FS_KFMT_EXTFRAG_OLD, v2[i]);
		strcat(line, buf);
	}
	is_str(line, "-1.000 0.-500 0.-250 ", "old format has no padding");
	fs_kfmt_value(buf, sizeof buf, FS_KFMT_EXTFRAG, 964);
	is_str(buf, " 0.964 ", "964 new format");
	fs_kfmt_value(buf, sizeof buf, FS_KFMT_EXTFRAG, 1000);
	is_str(buf, " 1.000 ", "1000 new format");
	fs_kfmt_value(buf, sizeof buf, FS_KFMT_UNUSABLE, 229);
	is_str(buf, "0.229 ", "unusable 229");
	fs_kfmt_prefix(buf, sizeof buf, 0, "DMA32");
	is_str(buf, "Node 0, zone    DMA32 ", "line prefix pads the zone to 8");

	/* Every printable value parses back to itself, in all formats. */
	int bad = 0;
	for (int v = -1000; v <= 1000; v++)
		for (int f = 0; f < 3; f++) {
			const char *p = buf;
			int got = 99999;
			fs_kfmt_value(buf, sizeof buf, (enum fs_kfmt)f, v);
			if (fs_kfmt_parse(&p, buf + strlen(buf), &got) || got != v)
				bad++;
		}
	is_int(bad, 0, "print/parse round trip for -1000..1000 in three formats");
	static const char *const rejects[] = { "0.-5", "0.1234", "2.000", "-0.500", "1.-01", "0.96", "x", "0.", ".500", "-1.001", "0.500x" };
	for (size_t i = 0; i < sizeof rejects / sizeof rejects[0]; i++) {
		const char *p = rejects[i];
		int got;
		ok(fs_kfmt_parse(&p, p + strlen(p), &got) != 0, "rejects \"%s\"", rejects[i]);
	}
}

static void guards(void)
{
	uint64_t f[11] = { 0 };
	struct fs_contig_info info;
	f[1] = UINT64_MAX / 2 + 1;   /* << 1 overflows */
	is_int(fs_fill_contig(f, 11, 0, &info), -ERANGE, "block count << order overflow is an error");
	f[1] = 0;
	f[0] = UINT64_MAX / 1000;    /* F * 1000 would overflow */
	is_int(fs_fill_contig(f, 11, 0, &info), -ERANGE, "F * 1000 overflow is an error");
	f[0] = 5;
	fs_fill_contig(f, 11, 11, &info);
	is_int(fs_fragmentation_index(11, 10, &info), 0, "order above MAX_PAGE_ORDER gives 0 (WARN guard)");
	/* 14 orders (arm64 64K pages): order 13 with one order-12 block. */
	uint64_t g[14] = { 0 };
	g[12] = 1;
	fs_fill_contig(g, 14, 13, &info);
	is_int(fs_fragmentation_index(13, 13, &info), -500, "T == 1 at order 13: -1000*2^12/2^13");
	is_int(fs_unusable_index(13, &info), 1000, "unusable at order 13");
	fs_fill_contig(g, 14, 12, &info);
	is_int(fs_unusable_index(12, &info), 0, "unusable at order 12");
}

int main(void)
{
	vectors();
	print_formats();
	guards();
	return done_testing();
}
