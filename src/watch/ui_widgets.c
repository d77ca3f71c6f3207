#include "config.h"

#include "ui_curses.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fragindex.h"
#include "kvocab.h"

static enum ui_sev sev_unusable(int v)
{
	return v < 500 ? UI_SEV_OK : v < 900 ? UI_SEV_WARN : UI_SEV_BAD;
}

/* -1 (the order can be satisfied) is fine; 0..threshold says the failure
 * would be from lack of memory; above it, from fragmentation. */
static enum ui_sev sev_fragidx(int v, int threshold)
{
	return v < 0 ? UI_SEV_OK : v <= threshold ? UI_SEV_WARN : UI_SEV_BAD;
}

/* An index as every table prints it (fragindex.h). */
static char *idx3(char *buf, size_t size, int v)
{
	fs_index_format(buf, size, v, false);
	return buf;
}

static char *bytes_h(char *buf, size_t size, uint64_t pages, uint64_t page_size)
{
	double b = (double)pages * (double)page_size;
	static const char *const u[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	int i = 0;
	while (b >= 1024 && i < 5) {
		b /= 1024;
		i++;
	}
	snprintf(buf, size, i == 0 ? "%.0f %s" : "%.1f %s", b, u[i]);
	return buf;
}

/* The last `n` samples of one series out of the ring, oldest first. */
static size_t hist_series(const struct ui_hist *h, const struct ui_zone_hist *zh, size_t n, int what,
			  int order, double *v, bool *valid)
{
	if (n > UI_HIST_LEN)
		n = UI_HIST_LEN;
	if (n > h->seq)
		n = (size_t)h->seq;
	for (size_t i = 0; i < n; i++) {
		uint64_t seq = h->seq - n + i;
		unsigned slot = (unsigned)(seq % UI_HIST_LEN);
		if (what < 0) {       /* rate counter -what-1 */
			valid[i] = h->rate_valid[slot];
			v[i] = h->rate[slot][-what - 1];
			continue;
		}
		valid[i] = zh && zh->seq[slot] == seq + 1;
		if (!valid[i]) {
			v[i] = 0;
			continue;
		}
		v[i] = what == 0 ? zh->fragidx[slot][order] : what == 1 ? zh->unusable[slot][order]
									 : (double)zh->free_pages[slot];
	}
	return n;
}

static void spark_zone(const struct ui_frame *f, const struct fs_zone_report *zr, int y, int x, int width,
		       int what, int order, double lo, double hi)
{
	double v[UI_HIST_LEN];
	bool valid[UI_HIST_LEN];
	const struct ui_zone_hist *zh = ui_hist_zone(f->hist, zr->node, zr->zone->name);
	size_t n = hist_series(f->hist, zh, (size_t)width, what, order, v, valid);
	ui_spark(y, x, width, v, valid, n, lo, hi, UI_SEV_BAR);
}

static void spark_rate(const struct ui_frame *f, int y, int x, int width, enum fs_rate_counter c)
{
	double v[UI_HIST_LEN];
	bool valid[UI_HIST_LEN];
	size_t n = hist_series(f->hist, NULL, (size_t)width, -(int)c - 1, 0, v, valid);
	double hi = 0;
	for (size_t i = 0; i < n; i++)
		if (valid[i] && v[i] > hi)
			hi = v[i];
	ui_spark(y, x, width, v, valid, n, 0, hi > 0 ? hi : 1, c == FS_RATE_COMPACT_FAIL ||
			 c == FS_RATE_PGMIGRATE_FAIL || c == FS_RATE_THP_FAULT_FALLBACK ? UI_SEV_WARN : UI_SEV_BAR);
}

static void verdict_text(char *buf, size_t size, const struct fs_report *r, const struct fs_zone_report *zr, int k)
{
	if (!zr->has_verdicts) {
		snprintf(buf, size, "unknown: no zoneinfo watermarks for this zone");
		return;
	}
	const struct fs_verdict *v = &zr->verdicts[k];
	char a[24], b[24], c[24];
	switch (v->kind) {
	case FS_VERDICT_OK:
		snprintf(buf, size, "ok: free %s above low %s + reserve %" PRId64 ", and a free block of order >= %d",
			 ui_count(a, sizeof a, v->free - v->highatomic), ui_count(b, sizeof b, v->mark), v->reserve, k);
		break;
	case FS_VERDICT_COMPACT:
		snprintf(buf, size, "compact: %s free, over %s + gap %s, but no free block of order >= %d",
			 ui_count(a, sizeof a, v->free), ui_count(b, sizeof b, v->order0_mark),
			 ui_count(c, sizeof c, v->gap), k);
		break;
	case FS_VERDICT_RECLAIM:
		if (v->fragidx_rules && v->gap_ok)
			snprintf(buf, size, "reclaim: fragindex %s <= threshold %s: short of memory, not fragmented",
				 idx3(a, sizeof a, v->fragidx), idx3(b, sizeof b, r->extfrag_threshold));
		else
			snprintf(buf, size, "reclaim: free %s below %s + compact gap %s + reserve %" PRId64,
				 ui_count(a, sizeof a, v->free), ui_count(b, sizeof b, v->order0_mark),
				 ui_count(c, sizeof c, v->gap), v->reserve);
		break;
	default:
		snprintf(buf, size, "unknown");
		break;
	}
}

static void rates_lines(const struct ui_frame *f, int y, int y1)
{
	const struct fs_rates *rt = f->rates;
	char a[16], b[16], c[16], d[16], e[16];
	if (y >= y1)
		return;
	if (!rt || !rt->valid) {
		ui_puts(y, 0, UI_SEV_DIM, "compaction/s: waiting for a second sample");
		return;
	}
	const double *p = rt->per_sec;
	ui_printf(y++, 0, UI_SEV_NONE, "compaction/s  stall %s  success %s  fail %s  kcompactd wakes %s  isolated %s",
		  ui_rate(a, sizeof a, p[FS_RATE_COMPACT_STALL]), ui_rate(b, sizeof b, p[FS_RATE_COMPACT_SUCCESS]),
		  ui_rate(c, sizeof c, p[FS_RATE_COMPACT_FAIL]), ui_rate(d, sizeof d, p[FS_RATE_COMPACT_DAEMON_WAKE]),
		  ui_rate(e, sizeof e, p[FS_RATE_COMPACT_ISOLATED]));
	if (y >= y1)
		return;
	ui_printf(y++, 0, UI_SEV_NONE, "scanned/s     migrate %s  free %s   pgmigrate/s ok %s fail %s   THP fallback/s %s",
		  ui_rate(a, sizeof a, p[FS_RATE_COMPACT_MIGRATE_SCANNED]),
		  ui_rate(b, sizeof b, p[FS_RATE_COMPACT_FREE_SCANNED]),
		  ui_rate(c, sizeof c, p[FS_RATE_PGMIGRATE_SUCCESS]), ui_rate(d, sizeof d, p[FS_RATE_PGMIGRATE_FAIL]),
		  ui_rate(e, sizeof e, p[FS_RATE_THP_FAULT_FALLBACK]));
	if (y >= y1)
		return;
	const struct fs_rates_ratio *q = &f->ratio;
	if (q->defined)
		ui_printf(y, 0, q->ratio < 0.5 ? UI_SEV_BAD : q->ratio < 0.9 ? UI_SEV_WARN : UI_SEV_OK,
			  "success ratio over the last %u samples (%.0fs): %.0f%% (%" PRIu64 " of %" PRIu64 ")",
			  q->samples, q->seconds, q->ratio * 100, q->success, q->success + q->fail);
	else
		ui_printf(y, 0, UI_SEV_DIM, "success ratio over the last %u samples (%.0fs): no compaction ran",
			  q->samples, q->seconds);
}

void ui_view_orders(const struct ui_state *st, const struct ui_frame *f, int y0, int y1)
{
	const struct fs_report *r = f->report;
	const struct fs_zone_report *zr = ui_sel_zone(st, r);
	if (!zr) {
		ui_puts(y0 + 1, 2, UI_SEV_NONE, "no zones");
		return;
	}
	const struct fs_snapshot *s = r->snap;
	int k = ui_focus(st, r);
	char a[32], b[32], c[32];
	int y = y0;

	/* Zone summary. */
	int x = ui_printf(y, 0, UI_SEV_NONE, "node %d %s: free %s pages (%s)", zr->node, zr->zone->name,
			  ui_count(a, sizeof a, zr->free_pages), bytes_h(b, sizeof b, zr->free_pages, s->page_size));
	ui_count(a, sizeof a, zr->huge_now);
	ui_count(c, sizeof c, zr->huge_max);
	char hp[96];
	int hl = snprintf(hp, sizeof hp, "  order %d: %s now, %s after compaction", r->hpage_order, a, c);
	if (x + hl > COLS)
		snprintf(hp, sizeof hp, "  order %d: %s now, %s max", r->hpage_order, a, c);
	x = ui_puts(y, x, UI_SEV_NONE, hp);
	y++;

	/* Histogram and index rows. */
	const int fixed = 3 + 1 + 8 + 1 + 8 + 2 + 2 + 8 + 1 + 8 + 1 + 8;
	int bw = COLS - fixed;
	if (bw > 60)
		bw = 60;
	if (y < y1) {
		x = ui_printf(y, 0, UI_SEV_DIM, "%3s %8s %8s  ", "ord", "blocks", "pages");
		if (bw > 0)
			x = ui_printf(y, x, UI_SEV_DIM, "%-*s", bw, "free memory by order");
		ui_printf(y, x, UI_SEV_DIM, "  %8s %8s %-8s", "unusable", "fragidx", "verdict");
		y++;
	}
	double maxp = 0;
	for (unsigned o = 0; o < r->orders; o++) {
		double p = (double)zr->zone->free[o] * (double)(1ull << o);
		if (p > maxp)
			maxp = p;
	}
	for (unsigned o = 0; o < r->orders && y < y1; o++, y++) {
		bool focus = (int)o == k;
		double pages = (double)zr->zone->free[o] * (double)(1ull << o);
		if (focus)
			ui_attr_on(A_BOLD);
		x = ui_printf(y, 0, UI_SEV_NONE, "%s%2u %8s %8s  ", focus ? ">" : " ", o,
			      ui_count(a, sizeof a, zr->zone->free[o]),
			      ui_count(b, sizeof b, zr->zone->free[o] << o));
		if (bw > 0) {
			ui_bar(y, x, bw, pages, maxp, UI_SEV_BAR);
			x += bw;
		}
		x = ui_puts(y, x, UI_SEV_NONE, "  ");
		if (zr->indices_ok) {
			x = ui_printf(y, x, sev_unusable(zr->unusable[o]), "%8s", idx3(a, sizeof a, zr->unusable[o]));
			x = ui_puts(y, x, UI_SEV_NONE, " ");
			x = ui_printf(y, x, sev_fragidx(zr->fragidx[o], r->extfrag_threshold), "%8s",
				      idx3(a, sizeof a, zr->fragidx[o]));
		} else {
			x = ui_printf(y, x, UI_SEV_BAD, "%17s", "overflow");
		}
		x = ui_puts(y, x, UI_SEV_NONE, " ");
		if (zr->has_verdicts)
			ui_printf(y, x, ui_verdict_sev(zr->verdicts[o].kind), "%-8s", fs_verdict_name(zr->verdicts[o].kind));
		if (focus)
			ui_attr_off(A_BOLD);
	}

	/* The focus order. */
	if (y >= y1)
		return;
	snprintf(a, sizeof a, "order %d (o/O)", k);
	ui_rule(y++, a);
	if (y < y1) {
		char vt[256];
		verdict_text(vt, sizeof vt, r, zr, k);
		ui_puts(y++, 0, zr->has_verdicts ? ui_verdict_sev(zr->verdicts[k].kind) : UI_SEV_NONE, vt);
	}
	if (y < y1) {
		int sw = (COLS - 2 * 26) / 2;
		if (sw > 40)
			sw = 40;
		if (sw < 4)
			sw = 4;
		x = ui_puts(y, 0, UI_SEV_NONE, "fragidx ");
		spark_zone(f, zr, y, x, sw, 0, k, -1000, 1000);
		x += sw;
		x = ui_printf(y, x, zr->indices_ok ? sev_fragidx(zr->fragidx[k], r->extfrag_threshold) : UI_SEV_NONE,
			      " %-8s", zr->indices_ok ? idx3(a, sizeof a, zr->fragidx[k]) : "-");
		x = ui_puts(y, x, UI_SEV_NONE, "  free pages ");
		spark_zone(f, zr, y, x, sw, 2, k, 0, 0);
		x += sw;
		ui_printf(y, x, UI_SEV_NONE, " %s", ui_count(a, sizeof a, zr->free_pages));
		y++;
	}
	if (y < y1) {
		const struct fs_zone *z = zr->zone;
		if (z->has_zoneinfo && (z->zi_have & FS_ZI_MIN)) {
			char m[24], l[24], h[24], pf[24];
			ui_printf(y, 0, UI_SEV_NONE, "watermarks  min %s  low %s  high %s  boost %s  |  zoneinfo free %s",
				  ui_count(m, sizeof m, z->min), ui_count(l, sizeof l, z->low),
				  ui_count(h, sizeof h, z->high), ui_count(a, sizeof a, z->boost),
				  ui_count(pf, sizeof pf, z->pages_free));
		} else {
			ui_puts(y, 0, UI_SEV_DIM, "watermarks  unknown (no zoneinfo)");
		}
		y++;
	}
	if (y < y1)
		ui_rule(y++, "compaction and migration");
	rates_lines(f, y, y1);
}

void ui_view_migratetypes(const struct ui_state *st, const struct ui_frame *f, int y0, int y1)
{
	const struct fs_report *r = f->report;
	const struct fs_zone_report *zr = ui_sel_zone(st, r);
	const struct fs_snapshot *s = r->snap;
	int y = y0;
	if (!zr)
		return;
	const struct fs_zone *z = zr->zone;
	ui_printf(y++, 0, UI_SEV_NONE, "node %d %s: free blocks per migratetype and order (pagetypeinfo)", zr->node,
		  z->name);
	if (!f->pti.enabled) {
		ui_puts(y + 1, 2, UI_SEV_WARN, "pagetypeinfo is off (--no-pagetypeinfo)");
		return;
	}
	if (!z->has_types) {
		ui_printf(y + 1, 2, UI_SEV_WARN, "pagetypeinfo is %s%s", f->pti.status ? f->pti.status : "unread",
			  f->pti.status && strcmp(f->pti.status, "denied") == 0
				  ? ": it is mode 0400 since Linux 5.4; run as root to see migratetypes" : "");
		return;
	}
	int k = ui_focus(st, r);
	int cw = (COLS - 13) / (int)(r->orders ? r->orders : 1);
	if (cw > 8)
		cw = 8;
	if (cw < 4)
		cw = 4;
	int x = ui_printf(y, 0, UI_SEV_DIM, "%-12s", "type");
	for (unsigned o = 0; o < r->orders; o++)
		x = ui_printf(y, x, (int)o == k ? UI_SEV_HEAD : UI_SEV_DIM, "%*u", cw, o);
	y++;
	for (unsigned t = 0; t < s->nmt && y < y1; t++, y++) {
		x = ui_printf(y, 0, UI_SEV_NONE, "%-12.12s", s->mt_names[t]);
		for (unsigned o = 0; o < r->orders; o++) {
			char a[24], b[32];
			ui_count(a, sizeof a, z->free_by_type[t][o]);
			snprintf(b, sizeof b, "%s%s", z->capped[t][o] ? FS_CAPPED_MARK : "", a);
			x = ui_printf(y, x, z->free_by_type[t][o] ? UI_SEV_NONE : UI_SEV_DIM, "%*s", cw, b);
		}
	}
	if (y < y1)
		ui_puts(y++, 0, UI_SEV_DIM, "  (" FS_CAPPED_MARK "N: the kernel printed " FS_CAPPED_MARK "100000, a lower bound)");
	if (!z->has_blocks || y >= y1)
		return;
	ui_rule(y++, "pageblocks by migratetype");
	uint64_t total = 0;
	for (unsigned t = 0; t < s->nmt; t++)
		total += z->blocks[t];
	int bw = COLS - 12 - 10 - 8 - 2;
	for (unsigned t = 0; t < s->nmt && y < y1; t++, y++) {
		char a[24];
		x = ui_printf(y, 0, UI_SEV_NONE, "%-12.12s%9s %6.1f%% ", s->mt_names[t], ui_count(a, sizeof a, z->blocks[t]),
			      total ? 100.0 * (double)z->blocks[t] / (double)total : 0.0);
		bool polluting = fs_mt_pollutes(s->mt_names[t]);
		ui_bar(y, x, bw, (double)z->blocks[t], (double)total, polluting && z->blocks[t] ? UI_SEV_WARN : UI_SEV_BAR);
	}
}

void ui_view_compaction(const struct ui_state *st, const struct ui_frame *f, int y0, int y1)
{
	(void)st;
	const struct fs_report *r = f->report;
	const struct fs_snapshot *s = r->snap;
	const struct fs_rates *rt = f->rates;
	int y = y0;
	int sw = COLS - 33 - 10 - 10 - 3;
	if (sw > UI_HIST_LEN)
		sw = UI_HIST_LEN;
	int x = ui_printf(y, 0, UI_SEV_DIM, "%-32s %10s %10s ", "counter", "since boot", "per second");
	if (sw > 0)
		ui_printf(y, x, UI_SEV_DIM, "%s", "history");
	y++;
	for (int c = 0; c < FS_RATE_COUNT && y < y1 - 2; c++) {
		uint64_t total;
		char a[24], b[24];
		bool have = fs_kv_get(&s->vmstat, fs_rates_name(c), &total);
		x = ui_printf(y, 0, have ? UI_SEV_NONE : UI_SEV_DIM, "%-32s %10s ", fs_rates_name(c),
			      have ? ui_count(a, sizeof a, total) : "-");
		if (rt && rt->valid && rt->have[c])
			x = ui_printf(y, x, rt->reset[c] ? UI_SEV_WARN : UI_SEV_NONE, "%10s ",
				      rt->reset[c] ? "reset" : ui_rate(b, sizeof b, rt->per_sec[c]));
		else
			x = ui_printf(y, x, UI_SEV_DIM, "%10s ", "-");
		if (sw > 0)
			spark_rate(f, y, x, sw, c);
		y++;
	}
	if (y < y1) {
		const struct fs_rates_ratio *q = &f->ratio;
		if (q->defined)
			ui_printf(y, 0, q->ratio < 0.5 ? UI_SEV_BAD : q->ratio < 0.9 ? UI_SEV_WARN : UI_SEV_OK,
				  "compaction success ratio, last %u samples (%.0fs): %.1f%% (%" PRIu64 " ok, %" PRIu64 " failed)",
				  q->samples, q->seconds, q->ratio * 100, q->success, q->fail);
		else
			ui_printf(y, 0, UI_SEV_DIM, "compaction success ratio, last %u samples (%.0fs): no compaction ran",
				  q->samples, q->seconds);
		y++;
	}
	for (size_t i = 0; i < r->nnodes && y < y1; i++, y++) {
		const struct fs_node_report *n = &r->nodes[i];
		char a[24], b[24];
		/* Fits 80 columns; proactive compaction only where the era has it. */
		if (n->has_proactive)
			ui_printf(y, 0, n->would_compact ? UI_SEV_WARN : UI_SEV_NONE,
				  "node %d: proactive score %u (on above %u, off at %u)%s  huge pages %s now, %s max",
				  n->node, n->score, n->wmark_high, n->wmark_low,
				  n->would_compact ? " ON" : "", ui_count(a, sizeof a, n->huge_now),
				  ui_count(b, sizeof b, n->huge_max));
		else
			ui_printf(y, 0, UI_SEV_NONE, "node %d: %s  huge pages %s now, %s max", n->node,
				  r->proactive_exists == FS_NO ? "no proactive compaction (before 5.9)"
				  : "proactive score unknown",
				  ui_count(a, sizeof a, n->huge_now), ui_count(b, sizeof b, n->huge_max));
	}
}

void ui_view_watermarks(const struct ui_state *st, const struct ui_frame *f, int y0, int y1)
{
	const struct fs_report *r = f->report;
	const struct fs_zone_report *sel = ui_sel_zone(st, r);
	int k = ui_focus(st, r);
	int y = y0;
	int gw = COLS - 5 - 9 - 5 * 9 - 9 - 2;
	char vk[16];
	snprintf(vk, sizeof vk, "order %d", k);
	int x = ui_printf(y, 0, UI_SEV_DIM, "%4s %-8s %8s %8s %8s %8s %8s %-8s ", "node", "zone", "free", "min", "low",
			  "high", "managed", vk);
	if (gw > 8)
		ui_puts(y, x, UI_SEV_DIM, gw >= 13 ? "free vs m/l/h" : "free:mlh");
	y++;
	for (size_t i = 0; i < r->nnodes; i++) {
		const struct fs_node_report *n = &r->nodes[i];
		for (unsigned zi = 0; zi < n->nzones && y < y1 - 1; zi++, y++) {
			const struct fs_zone_report *zr = &n->zones[zi];
			const struct fs_zone *z = zr->zone;
			char a[24], b[24], c[24], d[24], e[24];
			bool wm = z->has_zoneinfo && (z->zi_have & FS_ZI_MIN);
			uint64_t fp = (z->zi_have & FS_ZI_FREE) ? z->pages_free : zr->free_pages;
			if (zr == sel)
				ui_attr_on(A_BOLD);
			x = ui_printf(y, 0, UI_SEV_NONE, "%s%3d %-8.8s %8s ", zr == sel ? ">" : " ", n->node, z->name,
				      ui_count(a, sizeof a, fp));
			if (wm)
				x = ui_printf(y, x, UI_SEV_NONE, "%8s %8s %8s %8s ", ui_count(b, sizeof b, z->min),
					      ui_count(c, sizeof c, z->low), ui_count(d, sizeof d, z->high),
					      (z->zi_have & FS_ZI_MANAGED) ? ui_count(e, sizeof e, z->managed) : "-");
			else
				x = ui_printf(y, x, UI_SEV_DIM, "%8s %8s %8s %8s ", "-", "-", "-", "-");
			x = ui_printf(y, x, zr->has_verdicts ? ui_verdict_sev(zr->verdicts[k].kind) : UI_SEV_DIM, "%-8s ",
				      zr->has_verdicts ? fs_verdict_name(zr->verdicts[k].kind) : "unknown");
			if (wm && gw > 8) {
				/* A log scale, so that min, low and high stay apart next
				 * to gigabytes of free memory. */
				double top = log10((double)(fp > z->high * 4 ? fp : z->high * 4) + 1);
				enum ui_sev sv = fp <= z->min ? UI_SEV_BAD : fp <= z->high ? UI_SEV_WARN : UI_SEV_OK;
				ui_bar(y, x, gw, log10((double)fp + 1), top, sv);
				if (top > 0) {
					const uint64_t mk[3] = { z->min, z->low, z->high };
					const char *lab = "mlh";
					int last = -1;
					for (int m = 0; m < 3; m++) {
						int px = x + (int)(log10((double)mk[m] + 1) / top * (gw - 1));
						if (px <= last)
							px = last + 1;  /* keep all three visible */
						char t[2] = { lab[m], 0 };
						ui_puts(y, px, UI_SEV_DIM, t);
						last = px;
					}
				}
			}
			if (zr == sel)
				ui_attr_off(A_BOLD);
		}
	}
	if (y < y1)
		ui_puts(y, 0, UI_SEV_DIM, COLS >= 86 ? "pages; the gauge is log-scaled, m l h mark min, low and high; > is the selected zone"
					       : "pages; log-scaled gauge, m l h = min, low, high; > the selected zone");
}
