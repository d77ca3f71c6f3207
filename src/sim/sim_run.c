/* sim_run.c - the simulate driver (see sim_run.h). */
#include "config.h"

#include "sim_run.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim_compact.h"
#include "sim_emit.h"

struct sim_run {
	struct sim_run_opts o;
	double start, progress_last;  /* sim_run_exec's start, the last progress call */
	struct sim_machine *m;
	struct sim_wl *w;
	struct sim_timeline tl;
	struct sim_from_info from_info;
	struct sim_result res;
};

static const char *const sim_modes[] = { "none", "direct", "proactive", "full" };

const char *sim_compact_mode_name(enum sim_compact_mode c)
{
	return (unsigned)c < sizeof sim_modes / sizeof sim_modes[0] ? sim_modes[c] : "?";
}

int sim_compact_mode_parse(const char *s, enum sim_compact_mode *out)
{
	for (unsigned i = 0; i < sizeof sim_modes / sizeof sim_modes[0]; i++)
		if (strcmp(s, sim_modes[i]) == 0) {
			*out = (enum sim_compact_mode)i;
			return 0;
		}
	return -EINVAL;
}

const char *sim_vm_src_name(enum sim_vm_src s)
{
	return s == SIM_VM_SRC_OPTION ? "option" : s == SIM_VM_SRC_CAPTURE ? "capture" : "default";
}

/* The vm settings: the command line's, else the capture's (--from), else
 * the kernel's defaults; the chosen values go into the machine's config. */
static void sim_run_settings(struct sim_run *r)
{
	struct sim_config *c = &r->o.cfg;
	const struct fs_snapshot *s = r->o.from;
	const struct fs_setting *cap[SIM_VM_NR] = {
		s ? &s->extfrag_threshold : NULL, s ? &s->compaction_proactiveness : NULL,
		s ? &s->watermark_scale_factor : NULL, s ? &s->min_free_kbytes : NULL,
		s ? &s->compact_unevictable_allowed : NULL,
	};
	static const char *const names[SIM_VM_NR] = {
		"extfrag_threshold", "compaction_proactiveness", "watermark_scale_factor",
		"min_free_kbytes", "compact_unevictable_allowed",
	};
	int64_t v[SIM_VM_NR] = { c->extfrag_threshold, c->proactiveness,
				 c->watermark_scale_factor, c->min_free_kbytes,
				 c->compact_unevictable_allowed };

	for (unsigned i = 0; i < SIM_VM_NR; i++) {
		struct sim_vm_setting *st = &r->res.vm[i];
		st->name = names[i];
		st->modelled = true;
		st->src = r->o.vm_given & (1u << i) ? SIM_VM_SRC_OPTION : SIM_VM_SRC_DEFAULT;
		if (st->src == SIM_VM_SRC_DEFAULT && cap[i] && cap[i]->present) {
			st->src = SIM_VM_SRC_CAPTURE;
			v[i] = cap[i]->value;
		}
		st->value = v[i];
	}
	c->extfrag_threshold = (int)v[SIM_VM_EXTFRAG_THRESHOLD];
	c->proactiveness = (int)v[SIM_VM_PROACTIVENESS];
	c->watermark_scale_factor = (unsigned)v[SIM_VM_WATERMARK_SCALE_FACTOR];
	c->min_free_kbytes = v[SIM_VM_MIN_FREE_KBYTES];
	c->compact_unevictable_allowed = v[SIM_VM_COMPACT_UNEVICTABLE_ALLOWED] != 0;
}

/* "4G", "512M", "4096", "16K": binary suffixes, an optional B or iB. */
static int sim_size(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	unsigned shift = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p && strchr("kKmMgGtT", *p))
		shift = (unsigned)(strchr("kmgt", *p | 0x20) - "kmgt" + 1) * 10;
	p += shift != 0;
	p += shift && *p == 'i';
	p += *p == 'B';
	if (*p || (shift && v > (UINT64_MAX >> shift)))
		return -EINVAL;
	*out = v << shift;
	return 0;
}

int sim_zones_parse(const char *spec, uint64_t memory, struct sim_config *c)
{
	char buf[512], *save = NULL, *tok;
	uint64_t used = 0;

	if (strlen(spec) >= sizeof buf)
		return -EINVAL;
	strcpy(buf, spec);
	c->nzones = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':');
		uint64_t bytes;
		if (c->nzones == FS_MAX_ZONES)
			return -EINVAL;
		if (colon)
			*colon = 0;
		if (!*tok || strlen(tok) >= FS_NAME_MAX)
			return -EINVAL;
		strcpy(c->zones[c->nzones].name, tok);
		if (colon) {
			if (sim_size(colon + 1, &bytes))
				return -EINVAL;
		} else {
			if (save && *save)
				return -EINVAL;   /* only the last zone may omit its size */
			if (used >= memory)
				return -EINVAL;
			bytes = memory - used;
		}
		used += bytes;
		c->zones[c->nzones].pages = bytes / c->page_size;
		if (!c->zones[c->nzones].pages)
			return -EINVAL;
		c->nzones++;
	}
	return c->nzones ? 0 : -EINVAL;
}

static double sim_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

__attribute__((format(printf, 4, 5)))
static int sim_fail(struct sim_run_err *e, enum sim_run_fail fail, int rc, const char *fmt, ...)
{
	va_list ap;

	e->fail = fail;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return rc < 0 ? rc : -EINVAL;
}

static int sim_oom(struct sim_run_err *e)
{
	return sim_fail(e, SIM_RUN_INTERNAL, -ENOMEM, "simulate: out of memory");
}

static bool sim_is_bench(enum sim_wl_kind k)
{
	return k == SIM_WL_BENCH_ORDER0 || k == SIM_WL_BENCH_MIXED;
}

/* The machine: seeded from the snapshot, or built empty. */
static int sim_run_machine_new(struct sim_run *r, struct sim_run_err *e)
{
	struct sim_run_opts *o = &r->o;
	char err[256];
	int rc;

	if (o->from) {
		rc = sim_from_capture(o->from, o->node, &o->cfg, o->seed, &r->m, &r->from_info,
				       err, sizeof err);
		if (rc)
			return sim_fail(e, rc == -ENOMEM ? SIM_RUN_INTERNAL : SIM_RUN_INPUT, rc,
					"%s: %s", o->from_name, err);
		r->res.from_info = &r->from_info;
		return 0;
	}
	double t0 = sim_now();
	rc = sim_machine_new(&o->cfg, &r->m);
	uint64_t pages = 0;
	for (unsigned z = 0; z < o->cfg.nzones; z++)
		pages += o->cfg.zones[z].pages;
	r->res.init_ns_per_page = (sim_now() - t0) * 1e9 / (double)(pages ? pages : 1);
	if (rc == -ENOMEM)
		return sim_oom(e);
	if (rc) {
		e->usage_hint = true;
		return sim_fail(e, SIM_RUN_USAGE, rc, "the machine is not valid: %s%s",
				strerror(-rc), rc == -ERANGE ? " (at most 2^31 pages per zone)" : "");
	}
	return 0;
}

/* The workload: a trace or a preset; with --from it adopts the seeded pages. */
static int sim_run_workload_new(struct sim_run *r, struct sim_run_err *e)
{
	struct sim_run_opts *o = &r->o;
	int rc;

	if (o->wl == SIM_WL_TRACE) {
		rc = sim_wl_trace(o->trace_name, o->trace_data, o->trace_len, r->m, &r->w,
				  &e->diag);
		if (rc == -EINVAL) {
			e->fail = SIM_RUN_INPUT;
			return rc;
		}
		o->ops = r->w ? sim_wl_trace_ops(r->w) : 0;
	} else {
		o->wp.seed = o->seed;
		rc = sim_wl_new(o->wl, &o->wp, r->m, &r->w);
	}
	if (rc)
		return sim_fail(e, SIM_RUN_INTERNAL, rc, "simulate: cannot set up the workload: %s",
				strerror(-rc));
	if (o->from && sim_wl_adopt(r->w))
		return sim_oom(e);
	return 0;
}

int sim_run_new(const struct sim_run_opts *o, struct sim_run **out, struct sim_run_err *e)
{
	struct sim_run *r = calloc(1, sizeof *r);
	int rc;

	*out = NULL;
	memset(e, 0, sizeof *e);
	if (!r)
		return sim_oom(e);
	r->o = *o;
	sim_run_settings(r);
	if ((rc = sim_run_machine_new(r, e)))
		goto fail;
	/* min_free_kbytes -1: computed like the kernel (init_per_zone_wmark_min) */
	r->res.vm[SIM_VM_MIN_FREE_KBYTES].value = (int64_t)sim_min_free_kbytes(r->m);
	if (r->o.focus < 0)
		r->o.focus = (int)sim_machine_pageblock_order(r->m);
	if ((unsigned)r->o.focus >= sim_machine_orders(r->m)) {
		e->usage_hint = true;
		rc = sim_fail(e, SIM_RUN_USAGE, -EINVAL, "--order must be below %u",
			      sim_machine_orders(r->m));
		goto fail;
	}
	if ((rc = sim_run_workload_new(r, e)))
		goto fail;
	if (!r->o.every)
		r->o.every = r->o.ops >= 10 ? r->o.ops / 10 : 1;
	*out = r;
	return 0;
fail:
	sim_run_free(r);
	return rc;
}

/* Copy every zone's last compact_zone() end into run c. */
static void sim_run_ends(const struct sim_machine *m, uint64_t op, struct sim_compact_run *c)
{
	c->present = true;
	c->op = op;
	for (unsigned z = 0; z < sim_machine_nzones(m); z++)
		c->end[z] = *sim_zone_compact_end(m, z);
}

/* A kcompactd run just compacted every zone: keep it and count its ends. */
static void sim_run_kcompactd(struct sim_run *r, uint64_t op)
{
	struct sim_compaction *c = &r->res.compact;

	c->kcompactd_runs++;
	sim_run_ends(r->m, op, &c->kcompactd_last);
	for (unsigned z = 0; z < sim_machine_nzones(r->m); z++) {
		struct sim_compact_tally *t = &c->kcompactd[z];
		enum sim_compact_result res = c->kcompactd_last.end[z].result;
		unsigned i = 0;
		while (i < t->n && t->r[i].result != res)
			i++;
		if (i == t->n && t->n < SIM_RUN_TALLY)
			t->r[t->n++].result = res;
		if (i < t->n)
			t->r[i].runs++;
	}
}

static int sim_run_check(struct sim_run *r, uint64_t op, struct sim_run_err *e)
{
	char msg[256];

	if (!r->o.check || sim_check(r->m, msg, sizeof msg) == 0)
		return 0;
	return sim_fail(e, SIM_RUN_INTERNAL, -EUCLEAN,
			"simulate: invariant violated after operation %" PRIu64 ": %s", op, msg);
}

static int sim_run_sample(struct sim_run *r, uint64_t op, const char *phase, struct sim_run_err *e)
{
	int rc = sim_timeline_add(&r->tl, r->m, op, phase, sim_wl_used_pages(r->w),
				  (unsigned)r->o.focus);
	if (rc == -EIO)
		return sim_fail(e, SIM_RUN_OUTPUT, rc, "simulate: cannot keep the timeline in a "
				"temporary file (TMPDIR): %s", strerror(errno ? errno : EIO));
	return rc ? sim_oom(e) : 0;
}

static int sim_run_prefill(struct sim_run *r, struct sim_run_err *e)
{
	uint64_t prefill = 0;
	int rc;

	while ((rc = sim_wl_prefill_step(r->w)) == 0) {
		prefill++;
		if ((rc = sim_run_check(r, prefill, e)))
			return rc;
	}
	if (rc == -ENOSPC) {
		uint64_t used, target;
		sim_wl_prefill_progress(r->w, &used, &target);
		return sim_fail(e, SIM_RUN_USAGE, rc, "simulate: the prefill cannot reach its "
				"target: %u allocations in a row failed with %" PRIu64 " of %" PRIu64
				" pages allocated (the machine is too small for the workload, or "
				"--min-free-kbytes keeps its watermarks above the fill target)",
				SIM_PREFILL_STUCK, used, target);
	}
	if (rc < 0)
		return sim_fail(e, SIM_RUN_INTERNAL, rc, "simulate: %s", strerror(-rc));
	return prefill ? sim_run_sample(r, 0, "prefill", e) : 0;
}

static void sim_run_progress(struct sim_run *r, uint64_t done)
{
	double now = sim_now(), el = now - r->start;
	struct sim_progress p = { .done = done, .total = r->o.ops };

	if (el < r->o.progress_delay || now - r->progress_last < SIM_RUN_PROGRESS_S ||
	    done >= r->o.ops)
		return;
	r->progress_last = now;
	p.rate = el > 0 ? (double)done / el : 0;
	p.left = p.rate > 0 ? (double)(p.total - done) / p.rate : 0;
	r->o.progress(r->o.progress_ctx, &p);
}

/* The operations, in stretches up to the next operation after which
 * something happens (a check, a kcompactd wakeup, a sample, progress).
 * sim_wl_run() does n operations as n sim_wl_step() calls would, so the
 * stretches do not change the run. */
static int sim_run_ops(struct sim_run *r, uint64_t *opp, struct sim_run_err *e)
{
	const struct sim_run_opts *o = &r->o;
	bool proactive = o->cfg.compaction == SIM_COMPACT_PROACTIVE;
	uint64_t op = 0, next_sample = o->every, iv = (uint64_t)o->interval;
	int rc;

	for (; op < o->ops;) {
		uint64_t stop = o->check ? op + 1 : o->ops, done;
		if (next_sample < stop)
			stop = next_sample;
		if (proactive && (op / iv + 1) * iv < stop)
			stop = (op / iv + 1) * iv;
		if (o->progress && op + SIM_RUN_PROGRESS_OPS < stop)
			stop = op + SIM_RUN_PROGRESS_OPS;
		rc = sim_wl_run(r->w, stop - op, &done);
		op += done;
		if (rc < 0)
			return sim_fail(e, SIM_RUN_INTERNAL, rc, "simulate: %s", strerror(-rc));
		if (rc == 1)
			break;
		if (o->check && (rc = sim_run_check(r, op, e)))
			return rc;
		if (proactive && op % iv == 0 && sim_compact_proactive(r->m)) {
			sim_run_kcompactd(r, op);
			if (o->check && (rc = sim_run_check(r, op, e)))
				return rc;
		}
		if (op == next_sample) {
			next_sample += o->every;
			if ((rc = sim_run_sample(r, op, "run", e)))
				return rc;
		}
		if (o->progress)
			sim_run_progress(r, op);
	}
	*opp = op;
	return 0;
}

/* vm.compact_memory at the end of a full-compaction run. */
static int sim_run_compact_memory(struct sim_run *r, uint64_t op, struct sim_run_err *e)
{
	double t0;
	int rc;

	if (r->o.perf) {
		/* the scan cost unit: one pass over the page metadata */
		volatile uint64_t sink;
		t0 = sim_now();
		sink = sim_machine_seq_pass(r->m);
		r->res.seq_pass_ns_per_page = (sim_now() - t0) * 1e9 /
					      (double)sim_machine_pages(r->m);
		(void)sink;
	}
	t0 = sim_now();
	sim_compact_memory(r->m);
	r->res.compact_seconds = sim_now() - t0;
	sim_run_ends(r->m, op, &r->res.compact.compact_memory);
	if ((rc = sim_run_check(r, op, e)))
		return rc;
	return sim_run_sample(r, op, "compact_memory", e);
}

/* Copy what the renderer shows out of the machine. */
static void sim_run_fill(struct sim_run *r, uint64_t op)
{
	const struct sim_machine *m = r->m;
	struct sim_result *s = &r->res;

	s->workload = sim_wl_name(r->o.wl);
	s->trace = r->o.wl == SIM_WL_TRACE ? r->o.trace_name : NULL;
	s->from = r->o.from ? r->o.from_name : NULL;
	s->seed = r->o.seed;
	s->ops = op;
	s->every = r->o.every;
	s->compaction = sim_compact_mode_name(r->o.cfg.compaction);
	s->focus = (unsigned)r->o.focus;
	s->pages = sim_machine_pages(m);
	s->page_size = sim_machine_page_size(m);
	s->orders = sim_machine_orders(m);
	s->pageblock_order = sim_machine_pageblock_order(m);
	s->nzones = sim_machine_nzones(m);
	for (unsigned z = 0; z < s->nzones; z++) {
		struct sim_result_zone *rz = &s->zones[z];
		snprintf(rz->name, sizeof rz->name, "%s", sim_zone_name(m, z));
		rz->pages = sim_zone_pages(m, z);
		rz->start_pfn = sim_zone_start_pfn(m, z);
		for (unsigned i = 0; i < 3; i++)
			rz->wmark[i] = sim_zone_wmark(m, z, i);
	}
	for (unsigned c = 0; c < SIM_CNT_NR; c++)
		s->cnt[c] = sim_counter(m, (enum sim_cnt)c);
	s->timeline = &r->tl;
	s->only_frees = s->cnt[SIM_CNT_FREE] && !s->cnt[SIM_CNT_ALLOC_SUCCESS] &&
			!s->cnt[SIM_CNT_ALLOC_FAIL];
	for (unsigned z = 0; z < s->nzones; z++)
		if (sim_zone_compact_end(m, z)->reason != SIM_CR_NONE)
			sim_run_ends(m, op, &s->compact.last);
	if (r->o.perf || sim_is_bench(r->o.wl)) {
		s->perf = true;
		s->steady_pairs_per_sec = s->steady_seconds > 0
			? (double)op / 2 / s->steady_seconds : 0;
		s->metadata_bytes_per_page = (double)sim_machine_metadata_bytes(m) /
					     (double)sim_machine_pages(m);
	}
}

/* Free pages in blocks of order >= the pageblock order in zone z. */
static uint64_t sim_run_ge_pageblock(const struct sim_machine *m, unsigned z)
{
	uint64_t n = 0;

	for (unsigned o = sim_machine_pageblock_order(m); o < sim_machine_orders(m); o++)
		n += sim_zone_nr_free(m, z, o) << o;
	return n;
}

/* With the captured layout, a zone whose vm.compact_memory run stopped
 * early (no_target: a folio that cannot be split met no target) is
 * reported as a range: where the kernel stops depends on what the capture
 * does not hold (which such folio is met first and when, per-cpu list
 * contents). Free pages in blocks of order >= pageblock order only grow
 * during a run without allocations (the free scanner takes no free block
 * of pageblock order: suitable_migration_target, v6.12 mm/compaction.c;
 * freed sources only merge), so a run stopping anywhere lies between the
 * zone before compaction (low) and the same run with the obstacle never
 * met, every folio split (high). Only when no operation ran. */
static int sim_run_predict_early(struct sim_run *r, struct sim_run_err *e)
{
	struct sim_prediction *p = &r->res.prediction;
	const struct sim_compaction *c = &r->res.compact;
	unsigned nz = sim_machine_nzones(r->m);
	bool any = false;
	int rc = 0;

	if (!c->compact_memory.present || sim_counter(r->m, SIM_CNT_ALLOC_SUCCESS) ||
	    sim_counter(r->m, SIM_CNT_ALLOC_FAIL) || sim_counter(r->m, SIM_CNT_FREE))
		return 0;
	for (unsigned z = 0; z < nz; z++)
		any |= c->compact_memory.end[z].reason == SIM_CR_NO_TARGET;
	if (!any)
		return 0;
	for (unsigned pass = 0; pass < 2 && !rc; pass++) {
		struct sim_run_opts o = r->o;
		struct sim_run *x = NULL;
		o.seeds = 1;
		o.progress = NULL;
		if (pass == 0)
			o.cfg.compaction = SIM_COMPACT_NONE;   /* the zone before compaction */
		else
			o.cfg.split_file_folios = true;
		if (!(rc = sim_run_new(&o, &x, e)) && !(rc = sim_run_exec(x, e)) &&
		    sim_machine_nzones(x->m) != nz)
			rc = sim_fail(e, SIM_RUN_INTERNAL, -EINVAL,
				      "simulate: the bounding run gave another number of zones");
		for (unsigned z = 0; !rc && z < nz; z++) {
			if (c->compact_memory.end[z].reason != SIM_CR_NO_TARGET)
				continue;
			uint64_t v = sim_run_ge_pageblock(x->m, z);
			p->early_stop[z] = p->any_early_stop = true;
			p->low[z] = v < p->low[z] ? v : p->low[z];
			p->high[z] = v > p->high[z] ? v : p->high[z];
		}
		sim_run_free(x);
	}
	return rc;
}

/* --from: the prediction. A captured layout gives one run; a synthesized
 * one is a guess per seed, so the same run is repeated with the next
 * seeds and the range reported. */
static int sim_run_predict(struct sim_run *r, struct sim_run_err *e)
{
	struct sim_prediction *p = &r->res.prediction;
	unsigned nz = sim_machine_nzones(r->m);
	int rc = 0;

	p->present = true;
	p->basis = r->from_info.layout ? "layout" : "synthesized";
	p->seeds = r->o.seeds ? r->o.seeds : r->from_info.layout ? 1 : SIM_RUN_SEEDS_DEFAULT;
	p->seed_first = r->o.seed;
	p->seed_last = r->o.seed + p->seeds - 1;
	for (unsigned z = 0; z < nz; z++)
		p->low[z] = p->high[z] = sim_run_ge_pageblock(r->m, z);
	for (unsigned i = 1; i < p->seeds && !rc; i++) {
		struct sim_run_opts o = r->o;
		struct sim_run *x = NULL;
		o.seed = r->o.seed + i;
		o.seeds = 1;
		o.progress = NULL;
		if (!(rc = sim_run_new(&o, &x, e)) && !(rc = sim_run_exec(x, e)) &&
		    sim_machine_nzones(x->m) != nz)
			rc = sim_fail(e, SIM_RUN_INTERNAL, -EINVAL, "simulate: seed %" PRIu64
				      " gave another number of zones", o.seed);
		for (unsigned z = 0; !rc && z < nz; z++) {
			uint64_t v = sim_run_ge_pageblock(x->m, z);
			p->low[z] = v < p->low[z] ? v : p->low[z];
			p->high[z] = v > p->high[z] ? v : p->high[z];
		}
		sim_run_free(x);
	}
	if (!rc && r->from_info.layout && p->seeds == 1)
		rc = sim_run_predict_early(r, e);
	return rc;
}

int sim_run_exec(struct sim_run *r, struct sim_run_err *e)
{
	uint64_t op = 0;
	double t0;
	int rc;

	memset(e, 0, sizeof *e);
	r->start = sim_now();
	if ((rc = sim_run_sample(r, 0, "start", e)) || (rc = sim_run_prefill(r, e)))
		return rc;
	t0 = sim_now();
	if ((rc = sim_run_ops(r, &op, e)))
		return rc;
	r->res.steady_seconds = sim_now() - t0;
	if ((r->tl.n == 0 || r->tl.last.op != op || op == 0) && op &&
	    (rc = sim_run_sample(r, op, "run", e)))
		return rc;
	r->res.compact_seconds = -1;
	r->res.seq_pass_ns_per_page = -1;
	if (r->o.cfg.compaction == SIM_COMPACT_FULL && (rc = sim_run_compact_memory(r, op, e)))
		return rc;
	sim_run_fill(r, op);
	return r->o.from ? sim_run_predict(r, e) : 0;
}

const struct sim_result *sim_run_result(const struct sim_run *r)
{
	return &r->res;
}

const struct sim_machine *sim_run_machine(const struct sim_run *r)
{
	return r->m;
}

const struct sim_run_opts *sim_run_opts(const struct sim_run *r)
{
	return &r->o;
}

void sim_run_free(struct sim_run *r)
{
	if (!r)
		return;
	sim_wl_free(r->w);
	sim_machine_free(r->m);
	sim_timeline_free(&r->tl);
	free(r);
}
