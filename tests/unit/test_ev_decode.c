/* test_ev_decode: decoding goes through the format files, not constants.
 *
 * Formats of an older kernel era are written here by hand from the tables
 * of ../shared/docs/kernel-facts-events.md (v4.4's compaction status
 * numbers, the classzone_idx field name before v5.8) - constructed, not
 * read from a running old kernel - beside the real 6.18 formats of
 * tests/fixtures/events/. The same raw records must decode to each era's
 * names, and a record shorter than its format must be skipped, not read
 * past. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ev_agg.h"
#include "ev_decode.h"
#include "../tap.h"

#ifndef EV_FIXTURE_EVENTS
#error "EV_FIXTURE_EVENTS must name the events directory of a fixture"
#endif

static char dir[256];

static void put(const char *rel, const char *text)
{
	char path[512], tmp[512];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	/* parents */
	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *p = tmp + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = 0;
		mkdir(tmp, 0700);
		*p = '/';
	}
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static const char *common =
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n";

static void old_formats(void)
{
	char buf[4096];
	struct stat st;
	char src[512];
	snprintf(src, sizeof src, "%s/header_page", EV_FIXTURE_EVENTS);
	FILE *f = fopen(src, "r");
	size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = 0;
	(void)st;
	put("header_page", buf);
	snprintf(buf, sizeof buf, "name: mm_compaction_begin\nID: 301\nformat:\n%s"
		 "\tfield:unsigned long zone_start;\toffset:8;\tsize:8;\tsigned:0;\n"
		 "\tfield:unsigned long migrate_pfn;\toffset:16;\tsize:8;\tsigned:0;\n"
		 "\tfield:unsigned long free_pfn;\toffset:24;\tsize:8;\tsigned:0;\n"
		 "\tfield:unsigned long zone_end;\toffset:32;\tsize:8;\tsigned:0;\n"
		 "\tfield:bool sync;\toffset:40;\tsize:1;\tsigned:0;\n\n"
		 "print fmt: \"zone_start=0x%%lx migrate_pfn=0x%%lx free_pfn=0x%%lx zone_end=0x%%lx, mode=%%s\", "
		 "REC->zone_start, REC->migrate_pfn, REC->free_pfn, REC->zone_end, REC->sync ? \"sync\" : \"async\"\n",
		 common);
	put("compaction/mm_compaction_begin/format", buf);
	/* v4.4: COMPACT_DEFERRED 0 ... COMPACT_CONTENDED 7 */
	snprintf(buf, sizeof buf, "name: mm_compaction_end\nID: 302\nformat:\n%s"
		 "\tfield:unsigned long zone_start;\toffset:8;\tsize:8;\tsigned:0;\n"
		 "\tfield:unsigned long migrate_pfn;\toffset:16;\tsize:8;\tsigned:0;\n"
		 "\tfield:unsigned long free_pfn;\toffset:24;\tsize:8;\tsigned:0;\n"
		 "\tfield:unsigned long zone_end;\toffset:32;\tsize:8;\tsigned:0;\n"
		 "\tfield:bool sync;\toffset:40;\tsize:1;\tsigned:0;\n"
		 "\tfield:int status;\toffset:44;\tsize:4;\tsigned:1;\n\n"
		 "print fmt: \"zone_start=0x%%lx status=%%s\", REC->zone_start, __print_symbolic(REC->status, "
		 "{0, \"deferred\"}, {1, \"skipped\"}, {2, \"continue\"}, {3, \"partial\"}, {4, \"complete\"}, "
		 "{5, \"no_suitable_page\"}, {6, \"not_suitable_zone\"}, {7, \"contended\"})\n", common);
	put("compaction/mm_compaction_end/format", buf);
	snprintf(buf, sizeof buf, "name: mm_compaction_kcompactd_wake\nID: 303\nformat:\n%s"
		 "\tfield:int nid;\toffset:8;\tsize:4;\tsigned:1;\n"
		 "\tfield:int order;\toffset:12;\tsize:4;\tsigned:1;\n"
		 "\tfield:enum zone_type classzone_idx;\toffset:16;\tsize:4;\tsigned:0;\n\n"
		 "print fmt: \"nid=%%d order=%%d classzone_idx=%%-8s\", REC->nid, REC->order, "
		 "__print_symbolic(REC->classzone_idx, {0, \"DMA\"}, {1, \"DMA32\"}, {2, \"Normal\"})\n", common);
	put("compaction/mm_compaction_kcompactd_wake/format", buf);
}

/* A sub-buffer of 4096 bytes with `n` records of `len` data bytes each
 * (kernel/trace/ring_buffer.c: u64 time stamp, long commit, then events
 * with a 32-bit header: type_len = len / 4 in bits 0-4, time delta above). */
static size_t subbuf(unsigned char *page, unsigned char recs[][48], const unsigned *lens, int n)
{
	memset(page, 0, 4096);
	uint64_t ts = 1000000, commit = 0;
	memcpy(page, &ts, 8);
	unsigned char *p = page + 16;
	for (int i = 0; i < n; i++) {
		uint32_t h = (lens[i] / 4) | (10u << 5);
		memcpy(p, &h, 4);
		memcpy(p + 4, recs[i], lens[i]);
		p += 4 + lens[i];
	}
	commit = (uint64_t)(p - page - 16);
	memcpy(page + 8, &commit, 8);
	return 4096;
}

static struct ev_rec got[8];
static int ngot;

static int sink(const struct ev_rec *r, void *ctx)
{
	(void)ctx;
	if (ngot < 8)
		got[ngot++] = *r;
	return 0;
}

static void rec(unsigned char *r, uint16_t type, int32_t pid)
{
	memset(r, 0, 48);
	memcpy(r, &type, 2);
	memcpy(r + 4, &pid, 4);
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/test_ev_decode.%ld", (long)getpid());
	mkdir(dir, 0700);
	old_formats();

	struct ev_decoder *old = NULL, *cur = NULL;
	struct fs_diag d = { 0 };
	is_int(ev_decoder_open(dir, EV_MASK_REPORT, &old, &d), 0, "old-era formats parse (%s)", d.msg);
	is_int(ev_decoder_open(EV_FIXTURE_EVENTS, EV_MASK_REPORT, &cur, &d), 0, "6.18 formats parse");
	if (!old || !cur)
		return done_testing();
	unsigned want = EV_BIT(EV_COMPACT_BEGIN) | EV_BIT(EV_COMPACT_END) | EV_BIT(EV_KCD_WAKE);
	is_int((int)(ev_decoder_have(old) & want), (int)want, "the old kernel has begin, end, kcompactd_wake");
	ok(!(ev_decoder_have(old) & EV_BIT(EV_EXTFRAG)), "and no extfrag format here: left out, not an error");

	/* the same number, each era's name */
	is_str(ev_decoder_symbol(old, EV_COMPACT_END, "status", 4), "complete", "v4.4 table: 4 is complete");
	is_str(ev_decoder_symbol(cur, EV_COMPACT_END, "status", 4), "continue", "6.18 table: 4 is continue");
	is_str(ev_decoder_symbol(old, EV_COMPACT_END, "status", 0), "deferred", "v4.4 table: 0 is deferred");
	is_str(ev_decoder_symbol(cur, EV_COMPACT_END, "status", 0), "not_suitable_zone", "6.18 table: 0 is not_suitable_zone");
	ok(ev_decoder_symbol(old, EV_COMPACT_END, "status", 8) == NULL, "v4.4 has no 8");
	is_str(ev_decoder_symbol(cur, EV_COMPACT_END, "status", 8), "success", "6.18: 8 is success");

	/* records in the old layout decode by field name */
	unsigned char recs[4][48];
	unsigned lens[4] = { 48, 48, 20, 12 };
	rec(recs[0], 301, 77);
	uint64_t zs = 4096;
	memcpy(recs[0] + 8, &zs, 8);
	recs[0][40] = 1;
	rec(recs[1], 302, 77);
	memcpy(recs[1] + 8, &zs, 8);
	int32_t status = 4, one = 1, nid = 0, order = 3, cz = 2;
	memcpy(recs[1] + 44, &status, 4);
	rec(recs[2], 303, 38);
	memcpy(recs[2] + 8, &nid, 4);
	memcpy(recs[2] + 12, &order, 4);
	memcpy(recs[2] + 16, &cz, 4);
	/* a kcompactd_wake record cut short: 12 bytes for a 20-byte format */
	rec(recs[3], 303, 38);
	(void)one;
	unsigned char page[4096];
	struct ev_decode_stats st = { 0 };
	size_t len = subbuf(page, recs, lens, 4);
	is_int(ev_decode_subbuf(old, page, len, 0, sink, NULL, &st, &d), 0, "the sub-buffer decodes");
	is_int(ngot, 3, "three records");
	is_u64(st.short_records, 1, "the short record is skipped and counted");
	if (ngot == 3) {
		is_int(got[0].kind, EV_COMPACT_BEGIN, "begin");
		is_u64((uint64_t)got[0].f[0], 4096, "zone_start");
		is_int((int)got[0].f[4], 1, "sync");
		is_int(got[1].kind, EV_COMPACT_END, "end");
		is_int((int)got[1].f[5], 4, "status 4");
		is_int(got[1].pid, 77, "common_pid");
		is_int(got[2].kind, EV_KCD_WAKE, "kcompactd_wake");
		is_int((int)got[2].f[2], 2, "classzone_idx read where highest_zoneidx is missing");
	}
	/* a commit word larger than the page is refused, not followed */
	uint64_t big = 5000;
	memcpy(page + 8, &big, 8);
	ok(ev_decode_subbuf(old, page, len, 0, sink, NULL, &st, &d) == -EINVAL, "commit past the page refused (%s)", d.msg);

	ev_decoder_free(old);
	ev_decoder_free(cur);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
