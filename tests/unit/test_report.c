/* The report's rules (verdicts, proactive compaction, huge page capacity,
 * cross-check) on constructed zones whose outcome is worked out by hand in
 * the comments, following kernel-facts §3 and §5.7. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "report.h"

static struct fs_snapshot *snap(unsigned orders)
{
	struct fs_snapshot *s = fs_snapshot_new();
	s->orders = orders;
	return s;
}

/* A zone with buddyinfo counts and zoneinfo watermarks. */
static struct fs_zone *zone(struct fs_snapshot *s, int node, const char *name, const uint64_t *free,
			    uint64_t pages_free, uint64_t min, uint64_t low, uint64_t present)
{
	struct fs_zone *z = fs_node_zone_get(fs_snapshot_node_get(s, node), name);
	memcpy(z->free, free, sizeof(uint64_t) * s->orders);
	z->has_buddy = true;
	z->has_zoneinfo = true;
	z->pages_free = pages_free;
	z->min = min;
	z->low = low;
	z->high = low + (low - min);
	z->present = present;
	z->zi_have = FS_ZI_FREE | FS_ZI_MIN | FS_ZI_LOW | FS_ZI_HIGH | FS_ZI_PRESENT;
	return z;
}

static const struct fs_verdict *verdict(const struct fs_report *r, unsigned node_idx, unsigned zone_idx,
					unsigned k)
{
	return &r->nodes[node_idx].zones[zone_idx].verdicts[k];
}

static struct fs_report *report(const struct fs_snapshot *s)
{
	struct fs_report_opts o = { .focus_order = -1, .node_filter = -1 };
	return fs_report_new(s, &o);
}

static void v5_reclaim_with_free_hugepages(void)
{
	/* V5: eight order-8 blocks (F = 2048). Order 9: 2048 - 511 > low 120,
	 * but no order >= 9 block; gap check 2048 > 120 + 1024 passes; costly,
	 * fragindex 375 <= 500 -> reclaim, although 4 huge pages' worth is free. */
	struct fs_snapshot *s = snap(11);
	uint64_t f[11] = { 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0 };
	zone(s, 0, "Normal", f, 2048, 100, 120, 100000);
	struct fs_report *r = report(s);
	const struct fs_verdict *v = verdict(r, 0, 0, 9);
	is_int(r->extfrag_threshold, 500, "threshold defaults to 500 when not read");
	ok(r->extfrag_threshold_default, "and the report says it is the default");
	is_int(v->fragidx, 375, "V5 order 9 fragindex 375");
	ok(v->wmark_ok && !v->block_ok && v->gap_ok && v->costly && v->fragidx_rules,
	   "V5 order 9: watermark ok, no block, gap ok, fragindex within threshold");
	is_str(fs_verdict_name(v->kind), "reclaim", "V5 order 9: reclaim");
	is_str(fs_verdict_name(verdict(r, 0, 0, 8)->kind), "ok", "V5 order 8: ok (a block is free)");
	/* Order 10: fragindex 625 > 500, but compact_gap(10) = 2048 and
	 * 2048 <= low 120 + 2048: the order-0 gap check fails -> reclaim. */
	ok(!verdict(r, 0, 0, 10)->gap_ok && !verdict(r, 0, 0, 10)->fragidx_rules,
	   "V5 order 10: gap check fails, fragindex 625 would allow compaction");
	is_str(fs_verdict_name(verdict(r, 0, 0, 10)->kind), "reclaim", "V5 order 10: reclaim");
	is_u64(r->nodes[0].zones[0].huge_now, 0, "V5: no huge page free now");
	is_u64(r->nodes[0].zones[0].huge_max, 4, "V5: 4 huge pages after ideal compaction");
	fs_report_free(r);
	/* The threshold read from the machine decides: 300 < 375 -> compact. */
	s->extfrag_threshold.present = true;
	s->extfrag_threshold.value = 300;
	r = report(s);
	ok(!r->extfrag_threshold_default, "threshold read from the source");
	is_str(fs_verdict_name(verdict(r, 0, 0, 9)->kind), "compact", "V5 order 9 with threshold 300: compact");
	fs_report_free(r);
	fs_snapshot_free(s);
}

static void branches(void)
{
	struct fs_snapshot *s = snap(11);
	/* Zone A: 1000 order-0 pages and one order-3 block (F = 1008).
	 * min 200, low 250, reserve 0. */
	uint64_t a[11] = { 1000, 0, 0, 1 };
	zone(s, 0, "DMA32", a, 1008, 200, 250, 500000);
	struct fs_report *r = report(s);
	/* order 0: 1008 > 250 -> ok. order 3: 1008 - 7 > 250 and a block -> ok. */
	is_str(fs_verdict_name(verdict(r, 0, 0, 0)->kind), "ok", "order 0 ok");
	is_str(fs_verdict_name(verdict(r, 0, 0, 3)->kind), "ok", "order 3 ok with an order-3 block");
	/* order 2 non-costly, no fragindex rule, block of order 3 serves it -> ok.
	 * order 4: costly, no block; gap: 1008 > low 250 + 32 -> ok;
	 * fragindex: T=1001, F=1008, 1000 - (1000 + 63000)/1001 = 1000 - 63 = 937 > 500 -> compact. */
	is_int(verdict(r, 0, 0, 4)->fragidx, 937, "order 4 fragindex 937 (hand computed)");
	is_str(fs_verdict_name(verdict(r, 0, 0, 4)->kind), "compact", "order 4: compact");
	/* order 9: gap = 1024: 1008 <= 250 + 1024 -> reclaim by the gap check. */
	ok(!verdict(r, 0, 0, 9)->gap_ok, "order 9 fails the order-0 gap check");
	is_str(fs_verdict_name(verdict(r, 0, 0, 9)->kind), "reclaim", "order 9: reclaim (not enough free)");
	/* non-costly order 3 would use min + gap: check the mark used. */
	is_u64(verdict(r, 0, 0, 3)->order0_mark, 200, "non-costly orders use the min watermark for the gap check");
	is_u64(verdict(r, 0, 0, 4)->order0_mark, 250, "costly orders use the low watermark");
	is_u64(verdict(r, 0, 0, 5)->gap, 64, "compact_gap(5) = 2 << 5");
	fs_report_free(r);

	/* Order 0 below the low watermark: reclaim (order 0 is never compacted). */
	struct fs_zone *z = fs_node_zone(fs_snapshot_node(s, 0), "DMA32");
	z->pages_free = 250;
	r = report(s);
	/* free must be above low: 250 > 250 fails the fast path; at min
	 * 250 > 200 passes, so the zone serves it after waking kswapd. */
	is_str(fs_verdict_name(verdict(r, 0, 0, 0)->kind), "ok_after_kswapd",
	       "order 0 at the low watermark: only at min (ok after kswapd)");
	fs_report_free(r);
	z->pages_free = 200;
	r = report(s);
	is_str(fs_verdict_name(verdict(r, 0, 0, 0)->kind), "reclaim", "order 0 at the min watermark: reclaim (free must be above)");
	fs_report_free(r);
	z->pages_free = 251;
	r = report(s);
	is_str(fs_verdict_name(verdict(r, 0, 0, 0)->kind), "ok", "order 0 one page above the low watermark: ok");
	fs_report_free(r);

	/* Non-costly order 2 with no block of order >= 2 but the gap check
	 * passing: compact (fragindex is ignored for non-costly orders). */
	uint64_t b[11] = { 5000, 3 };
	z = zone(s, 1, "Normal", b, 5006, 100, 150, 100000);
	r = report(s);
	const struct fs_verdict *v = verdict(r, 1, 0, 2);
	ok(!v->block_ok && v->gap_ok && !v->costly && !v->fragidx_rules, "order 2: no block, gap ok, not costly");
	is_str(fs_verdict_name(v->kind), "compact", "order 2: compact");
	fs_report_free(r);
	fs_snapshot_free(s);
}

static void reserves_and_types(void)
{
	/* lowmem_reserve: the allocation's highest zone is Movable. DMA32 here
	 * has protection (0, 0, 3000, 5000) and Movable is at index 3. */
	struct fs_snapshot *s = snap(11);
	s->kernel = strdup("6.18.2");   /* 6.12+: nr_free_highatomic is subtracted */
	uint64_t f[11] = { 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10 };
	struct fs_zone *z = zone(s, 0, "DMA32", f, 10340, 1000, 1200, 800000);
	int64_t prot[4] = { 0, 0, 3000, 5000 };
	memcpy(z->protection, prot, sizeof prot);
	z->nprotection = 4;
	z->zi_have |= FS_ZI_PROTECTION;
	z->zi_index = 1;
	struct fs_node *n = fs_snapshot_node(s, 0);
	struct fs_zone *mov = fs_node_zone_get(n, "Movable");
	mov->has_zoneinfo = true;
	mov->zi_index = 3;
	z = fs_node_zone(n, "DMA32");   /* re-find: the array may not move, but be safe */
	struct fs_report *r = report(s);
	is_int(verdict(r, 0, 0, 0)->reserve, 5000, "reserve taken at the Movable zone's index");
	/* order 0: 10340 > 1200 + 5000 -> ok. */
	is_str(fs_verdict_name(verdict(r, 0, 0, 0)->kind), "ok", "order 0 ok above low + reserve");
	fs_report_free(r);
	z->pages_free = 6200;
	r = report(s);
	/* 6200 > low 1200 but <= 1200 + 5000: only the reserve keeps it */
	is_str(fs_verdict_name(verdict(r, 0, 0, 0)->kind), "reserved", "order 0 at low + reserve: kept by the reserve");
	fs_report_free(r);
	z->pages_free = 10340;

	/* pagetypeinfo: the only order-10 blocks are on the HighAtomic list,
	 * which a movable allocation may not use; and free HighAtomic pages are
	 * subtracted from the free count. */
	fs_snapshot_mt_index(s, "Unmovable");
	fs_snapshot_mt_index(s, "Movable");
	fs_snapshot_mt_index(s, "Reclaimable");
	int ha = fs_snapshot_mt_index(s, "HighAtomic");
	z->has_types = true;
	z->free_by_type[1][0] = 100;
	z->free_by_type[ha][10] = 10;
	r = report(s);
	const struct fs_verdict *vv = verdict(r, 0, 0, 10);
	is_u64(vv->highatomic, 10240, "free HighAtomic pages counted");
	ok(!vv->block_ok, "a block only on the HighAtomic list does not count");
	/* 10340 - 10240 = 100 free for the gap check: reclaim. */
	is_str(fs_verdict_name(vv->kind), "reclaim", "order 10 with only HighAtomic blocks: reclaim");
	fs_report_free(r);
	fs_snapshot_free(s);
}

static void proactive(void)
{
	/* kernel-facts §3.2: DMA32 present 1,000,000 score 80; Normal present
	 * 3,000,000 score 90 -> 19 + 67 = 86 < 90 at proactiveness 20. */
	struct fs_snapshot *s = snap(11);
	s->kernel = strdup("6.18.2");   /* proactive compaction exists (5.9+) */
	s->pageblock_order = 9;
	uint64_t d[11] = { 2048, 0, 0, 0, 0, 0, 0, 0, 0, 1 };   /* (2560-512)*100/2560 = 80 */
	uint64_t n[11] = { 4608, 0, 0, 0, 0, 0, 0, 0, 0, 1 };   /* (5120-512)*100/5120 = 90 */
	zone(s, 0, "DMA32", d, 2560, 10, 20, 1000000);
	zone(s, 0, "Normal", n, 5120, 10, 20, 3000000);
	struct fs_report *r = report(s);
	const struct fs_node_report *nr = &r->nodes[0];
	is_int(nr->zones[0].extfrag_pct[9], 80, "DMA32 zone score 80");
	is_int(nr->zones[1].extfrag_pct[9], 90, "Normal zone score 90");
	is_u64(nr->node_present, 4000000, "node present pages");
	is_int(nr->score, 86, "node score 19 + 67 = 86");
	ok(r->proactiveness_default, "proactiveness default assumed");
	is_int(nr->wmark_low, 80, "p=20: low 80");
	is_int(nr->wmark_high, 90, "p=20: high 90");
	ok(!nr->would_compact, "86 <= 90: no proactive compaction");
	fs_report_free(r);

	static const struct { const char *kernel; int p, wl, wh; bool act; } cases[] = {
		{ "5.15.0-91-generic", 30, 70, 80, true },
		{ "6.18.44", 30, 70, 80, true },
		{ "5.15.0", 95, 5, 15, true },
		{ "6.16.0", 95, 5, 7, true },
		{ "6.1.0", 100, 5, 15, true },
		{ "6.17.2", 100, 0, 0, true },
		{ "6.17.2", 0, 100, 100, false },
		{ "6.17.2", 14, 86, 96, false },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		free(s->kernel);
		s->kernel = strdup(cases[i].kernel);
		s->compaction_proactiveness.present = true;
		s->compaction_proactiveness.value = cases[i].p;
		r = report(s);
		nr = &r->nodes[0];
		ok(nr->wmark_low == (unsigned)cases[i].wl && nr->wmark_high == (unsigned)cases[i].wh &&
		   nr->would_compact == cases[i].act,
		   "kernel %s, proactiveness %d: wmarks %d/%d, %s", cases[i].kernel, cases[i].p,
		   cases[i].wl, cases[i].wh, cases[i].act ? "compacts" : "idle");
		if (nr->wmark_low != (unsigned)cases[i].wl || nr->wmark_high != (unsigned)cases[i].wh)
			diag("  got %u/%u", nr->wmark_low, nr->wmark_high);
		fs_report_free(r);
	}
	/* Without present pages (no zoneinfo) there is no score. */
	fs_node_zone(fs_snapshot_node(s, 0), "Normal")->zi_have &= ~(unsigned)FS_ZI_PRESENT;
	r = report(s);
	ok(!r->nodes[0].has_proactive, "no score without every zone's present pages");
	fs_report_free(r);
	fs_snapshot_free(s);
}

static void hpage_and_check(void)
{
	/* 64 KiB pages, no pagetypeinfo: the huge page order is the PMD order 13. */
	struct fs_snapshot *s = snap(14);
	s->page_size = 65536;
	uint64_t f[14] = { 0 };
	f[13] = 2;
	f[12] = 3;
	struct fs_zone *z = zone(s, 0, "Normal", f, 2 * 8192 + 3 * 4096, 10, 20, 100000);
	struct fs_report *r = report(s);
	is_int(r->hpage_order, 13, "64K pages: huge page order 13");
	ok(r->hpage_order_assumed, "and it is marked as assumed");
	is_u64(r->nodes[0].huge_now, 2, "2 huge pages now");
	is_u64(r->nodes[0].huge_max, 3, "(16384 + 12288) / 8192 = 3 after compaction");
	ok(!r->kcheck_available, "no cross-check without debugfs values");
	fs_report_free(r);
	/* Kernel values that agree, then one that does not. */
	r = report(s);
	int32_t ke[14];
	for (unsigned k = 0; k < 14; k++)
		ke[k] = r->nodes[0].zones[0].fragidx[k];
	fs_report_free(r);
	memcpy(z->kextfrag, ke, sizeof ke);
	z->has_kextfrag = true;
	r = report(s);
	ok(r->kcheck_available && r->kcheck_compared == 14 && r->kcheck_mismatches == 0,
	   "14 equal kernel values: agree");
	fs_report_free(r);
	z->kextfrag[3] += 1;
	r = report(s);
	is_int(r->kcheck_mismatches, 1, "one differing value is counted");
	fs_report_free(r);
	/* Filters. */
	struct fs_report_opts o = { .focus_order = 2, .node_filter = 5 };
	r = fs_report_new(s, &o);
	is_int((int)r->nnodes, 0, "node filter without match: no node");
	fs_report_free(r);
	o.node_filter = -1;
	o.zone_filter = "normal";
	r = fs_report_new(s, &o);
	ok(r->nnodes == 1 && r->focus_order == 2, "zone filter is case-insensitive; focus order kept");
	fs_report_free(r);
	fs_snapshot_free(s);
}

int main(void)
{
	v5_reclaim_with_free_hugepages();
	branches();
	reserves_and_types();
	proactive();
	hpage_and_check();
	return done_testing();
}
