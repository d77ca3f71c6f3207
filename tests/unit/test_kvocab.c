/* test_kvocab.c - the kernel vocabulary (kvocab.h), the policy header
 * (kpolicy.h) and the one index printer (fs_index_format). */
#include "config.h"

#include <string.h>

#include "fragindex.h"
#include "kpolicy.h"
#include "kvocab.h"
#include "snapshot.h"
#include "../tap.h"

static void test_zoneinfo(void)
{
	unsigned bits = 0;
	/* Every field is a distinct uint64_t member, bit and kernel word. */
	for (unsigned i = 0; i < FS_ZF_COUNT; i++) {
		const struct fs_zi_field *f = &fs_zi_fields[i];
		ok(f->name && f->key && f->bit && !(bits & f->bit), "field %u: names and a bit of its own", i);
		bits |= f->bit;
		for (unsigned j = 0; j < i; j++)
			if (fs_zi_fields[j].off == f->off || !strcmp(fs_zi_fields[j].key, f->key))
				ok(0, "fields %u and %u share a member or a key", j, i);
	}
	is_int(bits, FS_ZI_FREE | FS_ZI_BOOST | FS_ZI_MIN | FS_ZI_LOW | FS_ZI_HIGH | FS_ZI_PROMO |
		     FS_ZI_SPANNED | FS_ZI_PRESENT | FS_ZI_MANAGED | FS_ZI_CMA | FS_ZI_START_PFN,
	       "every FS_ZI_ bit but protection has a field");

	/* The kernel's order below "pages free" (mm/vmstat.c zoneinfo_show_print). */
	static const char *const kernel[] = { "boost", "min", "low", "high", "promo",
					      "spanned", "present", "managed", "cma" };
	for (unsigned k = 0; k < sizeof kernel / sizeof kernel[0]; k++)
		is_str(fs_zi_kline(k + 1) ? fs_zi_kline(k + 1)->name : "(none)", kernel[k],
		       "kernel line %u", k + 1);
	ok(fs_zi_kline(10) == NULL && fs_zi_kline(0) == NULL, "no line 0, none past cma");

	/* JSON order: zoneinfo fields, then the watermarks. */
	static const char *const json[] = { "pages_free", "spanned", "present", "managed", "cma",
					    "start_pfn", "min", "low", "high", "boost", "promo" };
	for (unsigned i = 0; i < FS_ZF_COUNT; i++) {
		is_str(fs_zi_fields[i].key, json[i], "JSON key %u", i);
		is_int(fs_zi_fields[i].watermark, i >= 6, "%s in watermarks", json[i]);
	}

	struct fs_zone z;
	memset(&z, 0, sizeof z);
	z.low = 77;
	z.start_pfn = 4096;
	is_u64(fs_zi_get(&z, &fs_zi_fields[FS_ZF_LOW]), 77, "get low");
	*fs_zi_slot(&z, &fs_zi_fields[FS_ZF_MANAGED]) = 5;
	is_u64(z.managed, 5, "slot is the member");
	is_u64(fs_zi_get(&z, &fs_zi_fields[FS_ZF_START_PFN]), 4096, "get start_pfn");
}

static void test_vmstat(void)
{
	is_str(fs_vm_name(FS_VM_NR_FREE_CMA), "nr_free_cma", "nr_free_cma");
	ok(fs_vm_name(FS_VM_COUNT) == NULL && fs_vm_what(FS_VM_COUNT) == NULL, "past the end");
	ok(fs_vm_what(FS_VM_COMPACT_STALL) != NULL, "compact_stall has a HELP text");
	ok(fs_vm_what(FS_VM_NR_FREE_PAGES) == NULL, "nr_free_pages has none");
	ok(fs_vmstat_tracked("thp_migration_split") && fs_vmstat_tracked("numa_pages_migrated") &&
	   !fs_vmstat_tracked("nr_free_pages") && !fs_vmstat_tracked("numa_hit"), "tracked counters");
	struct fs_snapshot *s = fs_snapshot_new();
	uint64_t v = 0;
	fs_kv_set(&s->vmstat, "compact_fail", 3);
	fs_kv_set(&s->meminfo, "HugePages_Surp", 2);
	ok(fs_vm_get(s, FS_VM_COMPACT_FAIL, &v) && v == 3, "fs_vm_get");
	ok(!fs_vm_get(s, FS_VM_COMPACT_STALL, &v), "absent counter");
	ok(fs_mi_get(s, FS_MI_MEM_HUGE_SURPLUS, &v) && v == 2, "fs_mi_get HugePages_Surp");
	ok(fs_mi_name(FS_MI_COUNT) == NULL, "meminfo past the end");
	fs_snapshot_free(s);
}

static void test_cells(void)
{
	char b[32];
	is_str(fs_count_cell(b, sizeof b, 100000, true), ">100000", "capped cell");
	is_str(fs_count_cell(b, sizeof b, 42, false), "42", "exact cell");
	is_str(FS_CAPPED_MARK FS_PAGETYPE_COUNT_CAP_TEXT, ">100000", "the kernel's text");
	ok(fs_mt_pollutes("Unmovable") && fs_mt_pollutes("Reclaimable") &&
	   !fs_mt_pollutes("Movable") && !fs_mt_pollutes("HighAtomic") && !fs_mt_pollutes("CMA"),
	   "polluting migratetypes");
}

static void test_index_format(void)
{
	static const struct { long long v; bool plus; const char *want; } c[] = {
		{ -500, false, "-0.500" }, { -1000, false, "-1.000" }, { -1, false, "-0.001" },
		{ 964, false, "0.964" }, { 1000, false, "1.000" }, { 0, false, "0.000" },
		{ 0, true, "+0.000" }, { 25, true, "+0.025" }, { -25, true, "-0.025" },
	};
	char b[24];
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		fs_index_format(b, sizeof b, c[i].v, c[i].plus);
		is_str(b, c[i].want, "index %lld%s", c[i].v, c[i].plus ? " (plus)" : "");
	}
	/* The kernel's own text stays C division's. */
	fs_kfmt_value(b, sizeof b, FS_KFMT_EXTFRAG, -500);
	is_str(b, " 0.-500 ", "debugfs form of -500");
}

static void test_proactive(void)
{
	unsigned lo, hi;
	/* 6.12 fragmentation_score_wmark: max(100 - p, 5), min(low + 10, 100). */
	fs_proactive_wmarks(20, 612, &lo, &hi);
	ok(lo == 80 && hi == 90, "6.12, p 20: 80/90");
	fs_proactive_wmarks(100, 612, &lo, &hi);
	ok(lo == 5 && hi == 15, "6.12, p 100: floor 5");
	fs_proactive_wmarks(95, 614, &lo, &hi);
	ok(lo == 5 && hi == 15, "6.14, p 95: 5/15");
	/* 6.16+: low = 100 - p, leeway min(10, low / 2). */
	fs_proactive_wmarks(20, 618, &lo, &hi);
	ok(lo == 80 && hi == 90, "6.18, p 20: 80/90");
	fs_proactive_wmarks(90, 618, &lo, &hi);
	ok(lo == 10 && hi == 15, "6.18, p 90: leeway 5");
	fs_proactive_wmarks(100, 618, &lo, &hi);
	ok(lo == 0 && hi == 0, "6.18, p 100: no floor");
	is_int(PAGE_ALLOC_COSTLY_ORDER, 3, "costly order");
	is_int(FS_EXTFRAG_THRESHOLD_DEFAULT, 500, "extfrag default");
	is_int(FS_PROACTIVENESS_DEFAULT, 20, "proactiveness default");
}

int main(void)
{
	test_zoneinfo();
	test_vmstat();
	test_cells();
	test_index_format();
	test_proactive();
	return done_testing();
}
