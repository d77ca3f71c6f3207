#include "config.h"

#include "render_sim.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "fragindex.h"
#include "render_json.h"
#include "render_map.h"
#include "kvocab.h"

/* An index as every table prints it (fragindex.h). */
static void sim_fmt_index(char *buf, size_t size, int v)
{
	fs_index_format(buf, size, v, false);
}

/* What a prediction assumes and what its range leaves out (table and JSON). */
static const char *sim_prediction_assumptions(const struct sim_prediction *p)
{
	if (strcmp(p->basis, "layout") == 0 && p->any_early_stop)
		return "The capture's page layout places every page. Where a zone's compaction "
		       "stopped early on a folio that cannot be split (dirty or writeback page "
		       "cache) and found no target, where the kernel stops depends on what the "
		       "capture does not hold (which such folio it meets first, and when; per-cpu "
		       "list contents), so that zone's range runs from the zone before compaction "
		       "(free pages in blocks of the pageblock order only grow during a run) to "
		       "the run where every folio can be split. The figures do not include "
		       "the simulator's own error against the kernel: it is still being calibrated "
		       "against real compaction runs (per-cpu lists, hugetlb and reserved pages "
		       "count only as far as the simulator models them).";
	if (strcmp(p->basis, "layout") == 0)
		return "The capture's page layout places every page. The figures do not include "
		       "the simulator's own error against the kernel: it is still being calibrated "
		       "against real compaction runs (per-cpu lists, large page-cache folios that "
		       "end compaction early, hugetlb and reserved pages count only as far as the "
		       "simulator models them).";
	return "The capture has no page layout: where each page is was synthesized from the "
	       "capture's counts (free lists, pageblock types), differently for each seed. The "
	       "range covers only these placements; it does not include the simulator's own "
	       "error against the kernel: it is still being calibrated against real compaction "
	       "runs (per-cpu lists, large page-cache folios that end compaction early, hugetlb "
	       "and reserved pages count only as far as the simulator models them), so the real "
	       "value can lie outside it.";
}

static void sim_header_from(FILE *out, const struct sim_result *ri)
{
	fprintf(out, "from: node %d, %" PRIu64 " free pages placed, %" PRIu64 " unplaced\n",
		ri->from_info->node, ri->from_info->free_pages, ri->from_info->unplaced_pages);
	const struct sim_from_info *fi = ri->from_info;
	char rel[4 * FS_RELEASE_MAX + 1];
	fs_escape(rel, sizeof rel, fi->kernel_release);
	fprintf(out, "kernel rules: %u.%u (%s%s%s)\n", fi->kernel_version / 256u,
		fi->kernel_version % 256u,
		fi->kernel_src == SIM_FROM_KVER_CAPTURE ? "the capture's kernel, "
		: fi->kernel_src == SIM_FROM_KVER_NEWER ? "the newest the simulator models; the "
							  "capture's kernel is "
							: "the capture names no kernel: the newest "
							  "the simulator models",
		rel, "");
	fprintf(out, "layout: %s\n", ri->from_info->layout ? "the capture's page layout, every page where it is"
							   : "synthesized from the capture's counts");
	for (unsigned i = 0; i < ri->from_info->nnotes; i++)
		fprintf(out, "  - %s\n", ri->from_info->notes[i]);
	fprintf(out, "vm settings (the capture's unless given as options):\n");
	for (unsigned i = 0; i < SIM_VM_NR; i++)
		fprintf(out, "  %-28s %10" PRId64 "  %s%s\n", ri->vm[i].name, ri->vm[i].value,
			sim_vm_src_name(ri->vm[i].src), ri->vm[i].modelled ? "" : " (not modelled)");
}

static void sim_table_prediction(FILE *out, const struct sim_result *ri)
{
	const struct sim_prediction *p = &ri->prediction;

	fprintf(out, "\nprediction (free pages in blocks of order >= %u after the run):\n",
		ri->pageblock_order);
	const char *basis = strcmp(p->basis, "layout") == 0 ? "the capture's page layout"
							    : "synthesized layout";
	if (p->seeds > 1)
		fprintf(out, "  range over %u seeds (%" PRIu64 "..%" PRIu64 "), %s\n", p->seeds,
			p->seed_first, p->seed_last, basis);
	else
		fprintf(out, "  one run (seed %" PRIu64 "), %s\n", p->seed_first, basis);
	for (unsigned z = 0; z < ri->nzones; z++)
		fprintf(out, "  zone %-8s %12" PRIu64 " .. %" PRIu64 "\n", ri->zones[z].name,
			p->low[z], p->high[z]);
	fs_map_wrap(out, "  ", 2, 78, sim_prediction_assumptions(p));
	if (p->seeds > 1)
		fprintf(out, "  The timeline and the final state below are seed %" PRIu64 "'s.\n",
			p->seed_first);
}

/* One zone's end of a compaction run, with the run's counters by their
 * vmstat names (kcompactd's runs also count as compact_daemon_*). */
static void sim_table_end(FILE *out, const struct sim_result *ri, unsigned z,
			  const struct sim_compact_end *e, bool daemon)
{
	uint64_t base = ri->zones[z].start_pfn;

	fprintf(out, "    %-8s %s (%s); scanners stopped at pfn %" PRIu64 " (migrate), %" PRIu64
		" (free)\n", ri->zones[z].name, sim_compact_result_name(e->result),
		sim_compact_reason_name(e->reason), base + e->migrate_pfn, base + e->free_pfn);
	fprintf(out, "             compact_migrate_scanned %" PRIu64 ", compact_free_scanned %" PRIu64
		", compact_isolated %" PRIu64 ",\n             pgmigrate_success %" PRIu64
		", pgmigrate_fail %" PRIu64 "%s\n", e->migrate_scanned, e->free_scanned, e->isolated,
		e->migrated, e->failed, daemon ? " (compact_daemon_*_scanned alike)" : "");
}

static void sim_table_run(FILE *out, const struct sim_result *ri, const char *what,
			  const struct sim_compact_run *c, bool daemon)
{
	fprintf(out, "  %s after operation %" PRIu64 ":\n", what, c->op);
	for (unsigned z = 0; z < ri->nzones; z++)
		if (c->end[z].reason != SIM_CR_NONE)
			sim_table_end(out, ri, z, &c->end[z], daemon);
}

static void sim_table_compaction(FILE *out, const struct sim_result *ri)
{
	const struct sim_compaction *c = &ri->compact;

	if (!c->last.present)
		return;
	fprintf(out, "\ncompaction (how each zone's run ended; pfns of the simulated machine):\n");
	if (c->kcompactd_runs) {
		fprintf(out, "  kcompactd (proactive): %" PRIu64 " runs;", c->kcompactd_runs);
		for (unsigned z = 0; z < ri->nzones; z++) {
			fprintf(out, " %s:", ri->zones[z].name);
			for (unsigned i = 0; i < c->kcompactd[z].n; i++)
				fprintf(out, "%s %s %" PRIu64, i ? "," : "",
					sim_compact_result_name(c->kcompactd[z].r[i].result),
					c->kcompactd[z].r[i].runs);
		}
		fputc('\n', out);
		sim_table_run(out, ri, "the last kcompactd run", &c->kcompactd_last, true);
	}
	if (c->compact_memory.present)
		sim_table_run(out, ri, "compact_memory", &c->compact_memory, false);
	else if (!c->kcompactd_runs ||
		 memcmp(c->last.end, c->kcompactd_last.end, sizeof c->last.end) != 0)
		sim_table_run(out, ri, "the last run on each zone (direct compaction or kcompactd)",
			      &c->last, false);
}

static void sim_header(FILE *out, const struct sim_result *ri)
{
	unsigned nz = ri->nzones;

	fprintf(out, "fragstat simulate: workload %s", ri->workload);
	if (ri->trace)
		fprintf(out, " (%s)", ri->trace);
	if (ri->from)
		fprintf(out, ", from %s", ri->from);
	fprintf(out, ", seed %" PRIu64 ", compaction %s\n", ri->seed, ri->compaction);
	fprintf(out, "machine: %" PRIu64 " pages of %" PRIu64 " B, %u orders, pageblock order %u\n",
		ri->pages, ri->page_size, ri->orders, ri->pageblock_order);
	for (unsigned z = 0; z < nz; z++)
		fprintf(out, "  zone %-8s %10" PRIu64 " pages  min %" PRIu64 " low %" PRIu64
			" high %" PRIu64 "\n", ri->zones[z].name, ri->zones[z].pages,
			ri->zones[z].wmark[0], ri->zones[z].wmark[1], ri->zones[z].wmark[2]);
	if (ri->from_info)
		sim_header_from(out, ri);
}

static int sim_render_table(FILE *out, const struct sim_result *ri, const struct fs_report *final,
			    const struct fs_render_opts *o)
{
	const struct sim_timeline *t = ri->timeline;
	unsigned nz = ri->nzones;

	sim_header(out, ri);
	fprintf(out, "\ntimeline (order %u):\n", ri->focus);
	fprintf(out, "%8s %-6s %9s %5s %6s %-7s %8s %7s %6s %8s\n", "op", "zone", "free",
		"unus", "frag", "verdict", "alloc_ok", "a_fail", "stall", "migrated");
	struct sim_sample sample;
	for (size_t i = 0; i < t->n; i++) {
		const struct sim_sample *s = &sample;
		if (sim_timeline_get(t, i, &sample))
			return -EIO;
		for (unsigned z = 0; z < nz; z++) {
			char u[16], f[16];
			sim_fmt_index(u, sizeof u, s->zones[z].unusable);
			sim_fmt_index(f, sizeof f, s->zones[z].fragidx);
			fprintf(out, "%8" PRIu64 " %-6.6s %9" PRIu64 " %5s %6s %-7s %8" PRIu64
				" %7" PRIu64 " %6" PRIu64 " %8" PRIu64 "\n",
				s->op, ri->zones[z].name, s->zones[z].free_pages, u, f,
				s->zones[z].verdict, s->cnt[SIM_CNT_ALLOC_SUCCESS],
				s->cnt[SIM_CNT_ALLOC_FAIL], s->cnt[SIM_CNT_COMPACT_STALL],
				s->cnt[SIM_CNT_PGMIGRATE_SUCCESS]);
		}
	}
	fprintf(out, "\ncounters:\n");
	for (unsigned c = 0; c < SIM_CNT_NR; c++)
		fprintf(out, "  %-32s %" PRIu64 "\n", sim_cnt_name((enum sim_cnt)c),
			ri->cnt[c]);
	sim_table_compaction(out, ri);
	if (ri->perf)
		fprintf(out, "\nperf: %.0f pairs/s steady, %.2f metadata bytes/page, "
			"%.3f ns/page init\n", ri->steady_pairs_per_sec,
			ri->metadata_bytes_per_page, ri->init_ns_per_page);
	if (ri->prediction.present)
		sim_table_prediction(out, ri);
	fprintf(out, "\nfinal state:\n");
	if (fflush(out))
		return -EIO;
	return fs_render(out, final, o);
}

static json_t *sim_json_counts(const uint64_t *v, unsigned n)
{
	json_t *a = json_array();
	for (unsigned i = 0; a && i < n; i++)
		json_array_append_new(a, json_integer((json_int_t)v[i]));
	return a;
}

static json_t *sim_json_run(const struct sim_result *ri)
{
	json_t *o = json_object(), *zones = json_array();
	unsigned nz = ri->nzones;

	if (!o || !zones) {
		json_decref(o);
		json_decref(zones);
		return NULL;
	}
	json_object_set_new(o, "workload", json_string(ri->workload));
	if (ri->trace)
		json_object_set_new(o, "trace", json_string(ri->trace));
	if (ri->from)
		json_object_set_new(o, "from", json_string(ri->from));
	json_object_set_new(o, "seed", json_integer((json_int_t)ri->seed));
	json_object_set_new(o, "ops", json_integer((json_int_t)ri->ops));
	json_object_set_new(o, "every", json_integer((json_int_t)ri->every));
	json_object_set_new(o, "compaction", json_string(ri->compaction));
	json_object_set_new(o, "page_size", json_integer((json_int_t)ri->page_size));
	json_object_set_new(o, "orders", json_integer(ri->orders));
	json_object_set_new(o, "pageblock_order", json_integer(ri->pageblock_order));
	json_object_set_new(o, "focus_order", json_integer(ri->focus));
	for (unsigned z = 0; z < nz; z++) {
		json_t *zo = json_object();
		const struct sim_result_zone *rz = &ri->zones[z];
		json_object_set_new(zo, "zone", json_string(rz->name));
		json_object_set_new(zo, "pages", json_integer((json_int_t)rz->pages));
		json_object_set_new(zo, fs_zi_fields[FS_ZF_START_PFN].key, json_integer((json_int_t)rz->start_pfn));
		json_object_set_new(zo, fs_zi_fields[FS_ZF_MIN].key, json_integer((json_int_t)rz->wmark[0]));
		json_object_set_new(zo, fs_zi_fields[FS_ZF_LOW].key, json_integer((json_int_t)rz->wmark[1]));
		json_object_set_new(zo, fs_zi_fields[FS_ZF_HIGH].key, json_integer((json_int_t)rz->wmark[2]));
		json_array_append_new(zones, zo);
	}
	json_object_set_new(o, "zones", zones);
	if (ri->from_info) {
		json_t *f = json_object();
		json_object_set_new(f, "node", json_integer(ri->from_info->node));
		json_object_set_new(f, "free_pages_placed",
				    json_integer((json_int_t)ri->from_info->free_pages));
		json_object_set_new(f, "free_pages_unplaced",
				    json_integer((json_int_t)ri->from_info->unplaced_pages));
		json_object_set_new(f, "basis", json_string(ri->from_info->layout ? "layout" : "synthesized"));
		json_t *notes = json_array();
		for (unsigned i = 0; i < ri->from_info->nnotes; i++)
			json_array_append_new(notes, json_string(ri->from_info->notes[i]));
		json_object_set_new(f, "assumptions", notes);
		json_object_set_new(o, "from_layout", f);
		json_t *vm = json_object();
		for (unsigned i = 0; i < SIM_VM_NR; i++) {
			json_t *v = json_object();
			json_object_set_new(v, "value", json_integer((json_int_t)ri->vm[i].value));
			json_object_set_new(v, "source", json_string(sim_vm_src_name(ri->vm[i].src)));
			json_object_set_new(v, "modelled", json_boolean(ri->vm[i].modelled));
			json_object_set_new(vm, ri->vm[i].name, v);
		}
		json_object_set_new(o, "vm_settings", vm);
		json_t *kr = json_object();
		const struct sim_from_info *fi = ri->from_info;
		char ver[32];
		snprintf(ver, sizeof ver, "%u.%u", fi->kernel_version / 256u, fi->kernel_version % 256u);
		json_object_set_new(kr, "version", json_string(ver));
		json_object_set_new(kr, "source",
				    json_string(fi->kernel_src == SIM_FROM_KVER_CAPTURE ? "capture"
						: fi->kernel_src == SIM_FROM_KVER_NEWER ? "newest"
											: "default"));
		json_object_set_new(kr, "release", fi->kernel_release[0]
							   ? json_string(fi->kernel_release)
							   : json_null());
		json_object_set_new(o, "kernel_rules", kr);
	}
	return o;
}

static json_t *sim_json_sample(const struct sim_sample *s, const struct sim_result *ri)
{
	json_t *o = json_object(), *zones = json_array();
	unsigned nz = ri->nzones, orders = ri->orders;

	if (!o || !zones) {
		json_decref(o);
		json_decref(zones);
		return NULL;
	}
	json_object_set_new(o, "op", json_integer((json_int_t)s->op));
	json_object_set_new(o, "phase", json_string(s->phase));
	json_object_set_new(o, "used_pages", json_integer((json_int_t)s->used_pages));
	for (unsigned c = 0; c < SIM_CNT_NR; c++)
		json_object_set_new(o, sim_cnt_name((enum sim_cnt)c),
				    json_integer((json_int_t)s->cnt[c]));
	for (unsigned z = 0; z < nz; z++) {
		json_t *zo = json_object();
		const struct sim_zone_sample *zs = &s->zones[z];
		json_object_set_new(zo, "zone", json_string(ri->zones[z].name));
		json_object_set_new(zo, "free_pages", json_integer((json_int_t)zs->free_pages));
		json_object_set_new(zo, "free_blocks", sim_json_counts(zs->free_blocks, orders));
		json_object_set_new(zo, "unusable_index", json_real(zs->unusable / 1000.0));
		json_object_set_new(zo, "fragmentation_index", json_real(zs->fragidx / 1000.0));
		json_object_set_new(zo, "verdict", json_string(zs->verdict));
		json_array_append_new(zones, zo);
	}
	json_object_set_new(o, "zones", zones);
	return o;
}

static json_t *sim_json_run_ends(const struct sim_result *ri, const struct sim_compact_run *c,
				 bool daemon)
{
	json_t *o = json_object(), *zones = json_array();

	json_object_set_new(o, "op", fs_json_u64(c->op));
	for (unsigned z = 0; z < ri->nzones; z++) {
		const struct sim_compact_end *e = &c->end[z];
		json_t *zo = json_object();
		if (e->reason == SIM_CR_NONE) {
			json_decref(zo);
			continue;
		}
		json_object_set_new(zo, "zone", json_string(ri->zones[z].name));
		json_object_set_new(zo, "result", json_string(sim_compact_result_name(e->result)));
		json_object_set_new(zo, "reason", json_string(sim_compact_reason_name(e->reason)));
		json_object_set_new(zo, "migrate_pfn", fs_json_u64(ri->zones[z].start_pfn + e->migrate_pfn));
		json_object_set_new(zo, "free_pfn", fs_json_u64(ri->zones[z].start_pfn + e->free_pfn));
		json_object_set_new(zo, "compact_migrate_scanned", fs_json_u64(e->migrate_scanned));
		json_object_set_new(zo, "compact_free_scanned", fs_json_u64(e->free_scanned));
		if (daemon) {
			json_object_set_new(zo, "compact_daemon_migrate_scanned",
					    fs_json_u64(e->migrate_scanned));
			json_object_set_new(zo, "compact_daemon_free_scanned",
					    fs_json_u64(e->free_scanned));
		}
		json_object_set_new(zo, "compact_isolated", fs_json_u64(e->isolated));
		json_object_set_new(zo, "pgmigrate_success", fs_json_u64(e->migrated));
		json_object_set_new(zo, "pgmigrate_fail", fs_json_u64(e->failed));
		json_array_append_new(zones, zo);
	}
	json_object_set_new(o, "zones", zones);
	return o;
}

/* "compaction": compact_memory's end per zone, kcompactd's runs, and the
 * last run on each zone; NULL when no compaction ran. */
static json_t *sim_json_compaction(const struct sim_result *ri)
{
	const struct sim_compaction *c = &ri->compact;
	json_t *o;

	if (!c->last.present)
		return NULL;
	o = json_object();
	if (c->compact_memory.present)
		json_object_set_new(o, "compact_memory", sim_json_run_ends(ri, &c->compact_memory, false));
	if (c->kcompactd_runs) {
		json_t *k = json_object(), *res = json_object();
		json_object_set_new(k, "runs", fs_json_u64(c->kcompactd_runs));
		for (unsigned z = 0; z < ri->nzones; z++) {
			json_t *t = json_object();
			for (unsigned i = 0; i < c->kcompactd[z].n; i++)
				json_object_set_new(t, sim_compact_result_name(c->kcompactd[z].r[i].result),
						    fs_json_u64(c->kcompactd[z].r[i].runs));
			json_object_set_new(res, ri->zones[z].name, t);
		}
		json_object_set_new(k, "results", res);
		json_object_set_new(k, "last", sim_json_run_ends(ri, &c->kcompactd_last, true));
		json_object_set_new(o, "kcompactd", k);
	}
	json_object_set_new(o, "last_run", sim_json_run_ends(ri, &c->last, false));
	return o;
}

/* Each zone of the final document gets its "prediction" beside its free
 * lists (the final snapshot has the machine's zones, by name). */
static void sim_json_prediction(json_t *fin, const struct sim_result *ri)
{
	const struct sim_prediction *p = &ri->prediction;
	json_t *zones = json_object_get(json_array_get(json_object_get(fin, "nodes"), 0), "zones");

	for (size_t i = 0; i < json_array_size(zones); i++) {
		json_t *zo = json_array_get(zones, i);
		const char *name = json_string_value(json_object_get(zo, "zone"));
		for (unsigned z = 0; name && z < ri->nzones; z++) {
			if (strcmp(name, ri->zones[z].name) != 0)
				continue;
			json_t *po = json_object();
			json_object_set_new(po, "free_pages_ge_pageblock_low", fs_json_u64(p->low[z]));
			json_object_set_new(po, "free_pages_ge_pageblock_high", fs_json_u64(p->high[z]));
			json_object_set_new(po, "basis", json_string(p->basis));
			json_object_set_new(po, "seeds", json_integer(p->seeds));
			json_object_set_new(po, "seed_first", fs_json_u64(p->seed_first));
			json_object_set_new(po, "seed_last", fs_json_u64(p->seed_last));
			json_object_set_new(po, "assumptions",
					    json_string(sim_prediction_assumptions(p)));
			json_object_set_new(zo, "prediction", po);
		}
	}
}

/* The timeline's placeholder: a string no data can hold (it starts with
 * NUL), and how jansson dumps it. */
#define TL_MARK_RAW "\0fragstat-timeline"
#define TL_MARK_DUMPED "\"\\u0000fragstat-timeline\""

/* The timeline array as jansson would print it inside the document (the
 * array at depth 1: elements indented by two levels), one sample at a
 * time. 0, -EIO or -ENOMEM. */
static int sim_json_timeline(FILE *out, const struct sim_result *ri, size_t flags)
{
	const struct sim_timeline *t = ri->timeline;
	unsigned indent = (unsigned)(flags & JSON_MAX_INDENT);
	struct sim_sample sample;
	if (t->n == 0)
		return fputs("[]", out) == EOF ? -EIO : 0;
	if (fputc('[', out) == EOF)
		return -EIO;
	for (size_t i = 0; i < t->n; i++) {
		if (sim_timeline_get(t, i, &sample))
			return -EIO;
		json_t *js = sim_json_sample(&sample, ri);
		size_t n;
		char *e = js ? fs_json_dumps(js, flags, &n) : NULL;
		json_decref(js);
		if (!e)
			return -ENOMEM;
		int bad = i && fputc(',', out) == EOF;
		if (indent) {
			bad |= fputc('\n', out) == EOF || fprintf(out, "%*s", 2 * (int)indent, "") < 0;
			/* Every line of the element two levels deeper. */
			static const char pad[] = "                                                                ";
			size_t np = 2 * indent < sizeof pad - 1 ? 2 * indent : sizeof pad - 1;
			for (size_t k = 0; k < n && !bad;) {
				const char *nl = memchr(e + k, '\n', n - k);
				size_t end = nl ? (size_t)(nl - e) + 1 : n;
				bad |= fwrite(e + k, 1, end - k, out) != end - k;
				if (nl)
					bad |= fwrite(pad, 1, np, out) != np;
				k = end;
			}
		} else {
			bad |= fwrite(e, 1, n, out) != n;
		}
		free(e);
		if (bad)
			return -EIO;
	}
	if (indent && (fputc('\n', out) == EOF || fprintf(out, "%*s", (int)indent, "") < 0))
		return -EIO;
	return fputc(']', out) == EOF ? -EIO : 0;
}

static int sim_render_json(FILE *out, const struct sim_result *ri, const struct fs_report *final,
			   const struct fs_render_opts *o)
{
	json_t *doc = json_object(), *tl = json_array(), *cnt = json_object(), *fin;
	int rc = 0;

	if (!doc || !tl || !cnt) {
		json_decref(doc);
		json_decref(tl);
		json_decref(cnt);
		return -ENOMEM;
	}
	json_object_set_new(doc, "schema_version", json_integer(FS_SCHEMA_VERSION));
	json_object_set_new(doc, "fragstat_version", json_string(PACKAGE_VERSION));
	json_object_set_new(doc, "simulation", sim_json_run(ri));
	/* The timeline is written sample by sample (below), never held whole:
	 * here a placeholder marks its place in the document. */
	json_decref(tl);
	json_object_set_new(doc, "timeline", json_stringn(TL_MARK_RAW, sizeof TL_MARK_RAW - 1));
	for (unsigned c = 0; c < SIM_CNT_NR; c++)
		json_object_set_new(cnt, sim_cnt_name((enum sim_cnt)c),
				    json_integer((json_int_t)ri->cnt[c]));
	json_object_set_new(doc, "counters", cnt);
	json_t *comp = sim_json_compaction(ri);
	if (comp)
		json_object_set_new(doc, "compaction", comp);
	if (ri->perf) {
		json_t *p = json_object();
		json_object_set_new(p, "steady_pairs_per_sec", json_real(ri->steady_pairs_per_sec));
		json_object_set_new(p, "steady_seconds", json_real(ri->steady_seconds));
		json_object_set_new(p, "metadata_bytes_per_page",
				    json_real(ri->metadata_bytes_per_page));
		json_object_set_new(p, "init_ns_per_page", json_real(ri->init_ns_per_page));
		if (ri->compact_seconds >= 0)
			json_object_set_new(p, "compact_memory_seconds", json_real(ri->compact_seconds));
		if (ri->seq_pass_ns_per_page >= 0)
			json_object_set_new(p, "seq_pass_ns_per_page",
					    json_real(ri->seq_pass_ns_per_page));
		json_object_set_new(doc, "perf", p);
	}
	fin = final ? fs_json_report(final) : NULL;
	if (final && !fin) {
		json_decref(doc);
		return -ENOMEM;
	}
	if (fin && ri->prediction.present)
		sim_json_prediction(fin, ri);
	if (fin)
		json_object_set_new(doc, "final", fin);
	size_t flags = FS_JSON_DUMP_FLAGS | (o->compact_json ? JSON_COMPACT : JSON_INDENT(2));
	char *text = fs_json_dumps(doc, flags, NULL);   /* the mark is no 64-bit marker: kept */
	json_decref(doc);
	char *mark = text ? strstr(text, TL_MARK_DUMPED) : NULL;
	if (!mark) {
		free(text);
		return -ENOMEM;
	}
	size_t n = (size_t)(mark - text);
	if (fwrite(text, 1, n, out) != n)
		rc = -EIO;
	if (!rc)
		rc = sim_json_timeline(out, ri, flags);
	char *rest = mark + strlen(TL_MARK_DUMPED);
	n = strlen(rest);
	if (!rc && (fwrite(rest, 1, n, out) != n || fputc('\n', out) == EOF))
		rc = -EIO;
	free(text);
	return rc;
}

int sim_render(FILE *out, const struct sim_result *ri, const struct fs_report *final,
	       const struct fs_render_opts *o)
{
	int rc;

	if (o->format == FS_FMT_JSON)
		rc = sim_render_json(out, ri, final, o);
	else
		rc = sim_render_table(out, ri, final, o);
	if (rc == 0 && ferror(out))
		rc = -EIO;
	return rc;
}
