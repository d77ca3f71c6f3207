/* cmd_simulate.c - `fragstat simulate`: drive the buddy simulator. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "collect.h"
#include "load.h"
#include "render.h"
#include "render_sim.h"
#include "report.h"
#include "sim_emit.h"
#include "sim_run.h"

static void simulate_usage(FILE *f)
{
	fputs("Usage: fragstat simulate [OPTIONS]\n"
	      "Simulate the Linux buddy allocator with migratetypes, pageblocks and compaction.\n"
	      "\n"
	      "Machine:\n"
	      "  --memory SIZE            memory of the machine (default 1G; K/M/G/T suffixes)\n"
	      "  --page-size SIZE         page size (default 4K)\n"
	      "  --orders N               number of orders, NR_PAGE_ORDERS (default 11)\n"
	      "  --pageblock-order N      pageblock order (default 9)\n"
	      "  --zones LIST             NAME:SIZE,... lowest first; the last SIZE may be\n"
	      "                           left out (the rest of --memory); default Normal\n"
	      "  --min-free-kbytes N      instead of the kernel's formula\n"
	      "  --watermark-scale-factor N  (default 10)\n"
	      "  --from SNAPSHOT          seed the zones from a --root tree or fragstat JSON\n"
	      "                           (its vm settings too, unless given; not with\n"
	      "                           --memory, --zones, --orders, --pageblock-order,\n"
	      "                           --page-size)\n"
	      "  --node N                 node of the snapshot to use (default: the first)\n"
	      "  --seeds N                --from without a page layout: predict over N\n"
	      "                           layout seeds (default 5; with a layout 1)\n"
	      "Workload:\n"
	      "  -w, --workload NAME      page-cache, slab, thp, random, fragment,\n"
	      "                           thp-fragmented, bench-order0, bench-mixed or none\n"
	      "                           (default page-cache)\n"
	      "  --trace FILE             replay a trace (alloc ID ORDER TYPE / free ID)\n"
	      "  --ops N                  operations after the prefill (default 100000;\n"
	      "                           4000000 for bench-*)\n"
	      "  --seed N                 random seed (default 42)\n"
	      "  --types M,U,R            migratetype mix in percent (e.g. 70,20,10)\n"
	      "Compaction:\n"
	      "  --compaction MODE        none, direct (default), proactive or full\n"
	      "  --proactiveness N        vm.compaction_proactiveness (default 20)\n"
	      "  --proactive-interval N   operations between kcompactd checks (default 1000)\n"
	      "  --extfrag-threshold N    vm.extfrag_threshold (default 500)\n"
	      "Output:\n"
	      "  --every N                timeline sample interval (default ops/10)\n"
	      "  --order N                focus order of the timeline (default pageblock order)\n"
	      "  -o, --format FMT         table or json (default table)\n"
	      "  --color WHEN             auto, always or never\n"
	      "  --emit-root DIR          write the final state as DIR/proc files (built\n"
	      "                           beside DIR, renamed into place when complete)\n"
	      "  --force                  let --emit-root replace a DIR that is not empty\n"
	      "                           (it may hold only proc/, sys/ and a capture note)\n"
	      "  --check                  verify the allocator's invariants after every operation\n"
	      "  --perf                   add timings (\"perf\") to the output (always for bench-*)\n"
	      "  -h, --help               show this help\n"
	      "  -V, --version            show the version\n", f);
}

/* The long options, in the order of their OPT_* values. A name alone is a
 * flag; "/c" adds the short option -c; "=" takes a value; "#LO:HI" takes
 * an integer LO..HI (no HI: up to 2^40), checked before simulate_opt(). */
enum {
	OPT_MEMORY = 256, OPT_PAGE_SIZE, OPT_ORDERS, OPT_PBO, OPT_ZONES, OPT_MFK, OPT_WSF,
	OPT_FROM, OPT_NODE, OPT_WORKLOAD, OPT_TRACE, OPT_OPS, OPT_SEED, OPT_SEEDS, OPT_TYPES,
	OPT_COMPACTION, OPT_PROACTIVENESS, OPT_PROACTIVE_INTERVAL, OPT_THRESHOLD, OPT_EVERY,
	OPT_ORDER, OPT_FORMAT, OPT_COLOR, OPT_EMIT_ROOT, OPT_FORCE, OPT_CHECK, OPT_PERF,
	OPT_HELP, OPT_VERSION, OPT_END,
};
#define SIMULATE_NOPTS (OPT_END - OPT_MEMORY)
static const char simulate_optspec[] =
	"memory= page-size= orders#2:16 pageblock-order#1:15 zones= min-free-kbytes#0: "
	"watermark-scale-factor#1:3000 from= node#0:1023 workload/w= trace= ops#0: seed= "
	"seeds#1:1000 types= compaction= proactiveness#0:100 proactive-interval#1: "
	"extfrag-threshold#0:1000 every#1: order#0:15 format/o= color= emit-root= force check "
	"perf help/h version/V";
_Static_assert(FS_MAX_ORDERS == 16 && FS_MAX_NODES == 1024 && SIM_RUN_SEEDS_MAX == 1000,
	       "simulate_optspec's bounds");

struct simulate_optab {
	char names[sizeof simulate_optspec], shorts[32];
	struct option opts[SIMULATE_NOPTS + 1];
	long lo[SIMULATE_NOPTS], hi[SIMULATE_NOPTS];   /* hi < 0: not an integer */
	char letter[SIMULATE_NOPTS];  /* the short option, or 0 */
};

/* getopt_long's tables from simulate_optspec. */
static void simulate_options(struct simulate_optab *t)
{
	char *save = NULL, *tok, *sh = t->shorts;
	int i = 0;

	strcpy(t->names, simulate_optspec);
	*sh++ = ':';
	for (tok = strtok_r(t->names, " ", &save); tok; tok = strtok_r(NULL, " ", &save), i++) {
		char *num = strchr(tok, '#'), *val = strchr(tok, '='), *sc = strchr(tok, '/');
		t->opts[i] = (struct option){ tok, num || val ? required_argument : no_argument,
					      NULL, OPT_MEMORY + i };
		t->hi[i] = -1;
		t->letter[i] = sc ? sc[1] : 0;
		if (num) {
			t->lo[i] = strtol(num + 1, &num, 10);
			t->hi[i] = num[1] ? strtol(num + 1, NULL, 10) : 1L << 40;
		}
		if (sc) {
			*sh++ = sc[1];
			if (val)
				*sh++ = ':';
		}
		for (char *e = tok; *e; e++)
			if (*e == '#' || *e == '=' || *e == '/')
				*e = 0;
	}
	*sh = 0;
	memset(&t->opts[i], 0, sizeof t->opts[i]);
}

struct simulate_args {
	struct sim_run_opts ro;       /* what sim_run gets */
	uint64_t memory;
	bool ops_set, pbo_set, force;
	const char *machine_opt;      /* an option describing the machine (not with --from) */
	const char *zones, *trace, *emit_root, *color;
	enum fs_format format;
};

/* One option; integers (v) are within their bounds already. */
static int simulate_opt(int c, const char *arg, long v, struct simulate_args *a)
{
	struct sim_config *cfg = &a->ro.cfg;
	const char *p = arg;
	unsigned *t = a->ro.wp.types_pct;
	char tail;

	if (c >= OPT_MEMORY && c <= OPT_ZONES)
		a->machine_opt = (const char *[]){ "--memory", "--page-size", "--orders",
						   "--pageblock-order", "--zones" }[c - OPT_MEMORY];
	switch (c) {
	case OPT_MEMORY:
		if (fs_parse_size(arg, &a->memory) || !a->memory)
			return fs_usage_error("simulate", "bad --memory '%s'", arg);
		break;
	case OPT_PAGE_SIZE:
		if (fs_parse_size(arg, &cfg->page_size) ||
		    cfg->page_size < 1024 || (cfg->page_size & (cfg->page_size - 1)))
			return fs_usage_error("simulate", "bad --page-size '%s' (a power of two >= 1K)",
					      arg);
		break;
	case OPT_ORDERS: cfg->orders = (unsigned)v; break;
	case OPT_PBO:
		cfg->pageblock_order = (unsigned)v;
		a->pbo_set = true;
		break;
	case OPT_ZONES: a->zones = arg; break;
	case OPT_MFK: cfg->min_free_kbytes = v; break;
	case OPT_WSF: cfg->watermark_scale_factor = (unsigned)v; break;
	case OPT_FROM:
		if (!*arg)
			return fs_usage_error("simulate", "--from needs a --root tree or a JSON file, not an empty name");
		a->ro.from_name = arg;
		break;
	case OPT_NODE: a->ro.node = (int)v; break;
	case OPT_WORKLOAD:
		if (sim_wl_parse(arg, &a->ro.wl))
			return fs_usage_error("simulate", "unknown workload '%s'", arg);
		break;
	case OPT_TRACE: a->trace = arg; break;
	case OPT_OPS:
		a->ro.ops = (uint64_t)v;
		a->ops_set = true;
		break;
	case OPT_SEED:
		if (fs_parse_u64(&p, p + strlen(p), &a->ro.seed) || *p)
			return fs_usage_error("simulate", "bad --seed '%s'", arg);
		break;
	case OPT_SEEDS: a->ro.seeds = (unsigned)v; break;
	case OPT_TYPES:
		if (sscanf(arg, "%u,%u,%u%c", &t[0], &t[1], &t[2], &tail) != 3 ||
		    t[0] + t[1] + t[2] != 100)
			return fs_usage_error("simulate",
					      "--types wants three percentages M,U,R adding up to 100");
		break;
	case OPT_COMPACTION:
		if (sim_compact_mode_parse(arg, &cfg->compaction))
			return fs_usage_error("simulate", "unknown --compaction '%s'", arg);
		break;
	case OPT_PROACTIVENESS: cfg->proactiveness = (int)v; break;
	case OPT_PROACTIVE_INTERVAL: a->ro.interval = v; break;
	case OPT_THRESHOLD: cfg->extfrag_threshold = (int)v; break;
	case OPT_EVERY: a->ro.every = (uint64_t)v; break;
	case OPT_ORDER: a->ro.focus = (int)v; break;
	case OPT_FORMAT:
		if (fs_format_parse(arg, &a->format) || a->format == FS_FMT_PROMETHEUS)
			return fs_usage_error("simulate", "--format must be table or json");
		break;
	case OPT_COLOR: a->color = arg; break;
	case OPT_EMIT_ROOT: a->emit_root = arg; break;
	case OPT_FORCE: a->force = true; break;
	case OPT_CHECK: a->ro.check = true; break;
	case OPT_PERF: a->ro.perf = true; break;
	}
	/* the vm settings given: they win over a --from capture's */
	a->ro.vm_given |= c == OPT_THRESHOLD ? 1u << SIM_VM_EXTFRAG_THRESHOLD
			  : c == OPT_PROACTIVENESS ? 1u << SIM_VM_PROACTIVENESS
			  : c == OPT_WSF ? 1u << SIM_VM_WATERMARK_SCALE_FACTOR
			  : c == OPT_MFK ? 1u << SIM_VM_MIN_FREE_KBYTES : 0;
	return 0;
}

/* What the options leave open: the workload, the operations, the zones. */
static int simulate_settle(struct simulate_args *a)
{
	struct sim_config *cfg = &a->ro.cfg;

	if (a->ro.from_name && a->machine_opt)
		return fs_usage_error("simulate", "%s contradicts --from: the machine's size, zones, "
				      "orders and page size come from the snapshot", a->machine_opt);
	if (a->ro.seeds && !a->ro.from_name)
		return fs_usage_error("simulate", "--seeds only applies to --from");
	if (a->trace && a->ro.from_name == NULL && a->ro.wl != SIM_WL_PAGE_CACHE)
		return fs_usage_error("simulate", "--trace and --workload exclude each other");
	if (a->trace)
		a->ro.wl = SIM_WL_TRACE;
	else if (a->ro.from_name && a->ro.wl == SIM_WL_PAGE_CACHE && !a->ops_set)
		a->ro.wl = SIM_WL_NONE;   /* --from alone: what would compaction do */
	if (cfg->pageblock_order >= cfg->orders) {
		if (a->pbo_set)
			return fs_usage_error("simulate", "--pageblock-order must be below --orders");
		cfg->pageblock_order = cfg->orders - 1;
	}
	if (a->memory / cfg->page_size == 0)
		return fs_usage_error("simulate", "--memory is smaller than a page");
	if (sim_zones_parse(a->zones ? a->zones : "Normal", a->memory, cfg))
		return fs_usage_error("simulate", "bad --zones '%s' (NAME:SIZE,...,NAME)", a->zones);
	if (a->ro.wl == SIM_WL_BENCH_ORDER0 || a->ro.wl == SIM_WL_BENCH_MIXED) {
		cfg->no_watermarks = true;
		if (!a->ops_set)
			a->ro.ops = 4000000;
	} else if (!a->ops_set) {
		a->ro.ops = a->ro.wl == SIM_WL_NONE ? 0 : 100000;
	}
	if (a->force && !a->emit_root)
		return fs_usage_error("simulate", "--force only applies to --emit-root");
	return 0;
}

/* Parse argv into a. Returns an exit status; *done >= 0 when the command
 * is finished (--help, --version). */
static int simulate_parse(int argc, char **argv, struct simulate_args *a, int *done)
{
	struct simulate_optab t;
	int c, rc;

	*done = -1;
	memset(a, 0, sizeof *a);
	sim_config_default(&a->ro.cfg);
	a->memory = UINT64_C(1) << 30;
	a->ro.seed = 42;
	a->ro.node = -1;
	a->ro.focus = -1;
	a->ro.interval = 1000;
	a->ro.wl = SIM_WL_PAGE_CACHE;
	a->format = FS_FMT_TABLE;
	simulate_options(&t);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, t.shorts, t.opts, NULL)) != -1) {
		for (int i = 0; c < OPT_MEMORY && c != ':' && c != '?' && i < SIMULATE_NOPTS; i++)
			if (t.letter[i] == c)
				c = OPT_MEMORY + i;   /* a short option: its long one */
		if (c == OPT_HELP || c == OPT_VERSION) {
			if (c == OPT_HELP)
				simulate_usage(stdout);
			else
				puts(PACKAGE_STRING);
			*done = FS_EXIT_OK;
			return 0;
		}
		if (c == ':')
			return fs_usage_error("simulate", "option '%s' needs a value", argv[optind - 1]);
		if (c == '?' || c < OPT_MEMORY)
			return fs_usage_error("simulate", "unknown option '%s'", argv[optind - 1]);
		int i = c - OPT_MEMORY;
		long v = t.hi[i] >= 0 ? fs_opt_long(optarg, t.hi[i]) : 0;
		if (t.hi[i] >= 0 && v < t.lo[i] && t.hi[i] == 1L << 40)
			return fs_usage_error("simulate", "bad --%s '%s' (an integer from %ld)",
					      t.opts[i].name, optarg, t.lo[i]);
		if (t.hi[i] >= 0 && v < t.lo[i])
			return fs_usage_error("simulate", "bad --%s '%s' (an integer %ld..%ld)",
					      t.opts[i].name, optarg, t.lo[i], t.hi[i]);
		if ((rc = simulate_opt(c, optarg, v, a)))
			return rc;
	}
	if (optind < argc)
		return fs_usage_error("simulate", "unexpected argument '%s'", argv[optind]);
	return simulate_settle(a);
}

struct simulate_run {
	struct simulate_args a;
	struct sim_run *run;
	struct fs_snapshot *from, *final;
	struct fs_report *report;
	struct fs_buf trace;
	struct sw_tree *emit;         /* --emit-root, begun before the run */
};

/* Print a sim_run failure and give the exit status. */
static int simulate_failed(const struct sim_run_err *e)
{
	if (e->usage_hint)
		return fs_usage_error("simulate", "%s", e->msg);
	if (e->msg[0])
		fs_err("%s", e->msg);
	else
		fs_err_diag(&e->diag);
	switch (e->fail) {
	case SIM_RUN_USAGE: return FS_EXIT_USAGE;
	case SIM_RUN_INPUT: return FS_EXIT_INPUT;
	case SIM_RUN_OUTPUT: return FS_EXIT_OUTPUT;
	default: return FS_EXIT_INTERNAL;
	}
}

/* Progress on stderr, a terminal only (see sim_run.h for when): one line
 * rewritten in place, cleared at the end. */
static void simulate_progress(void *ctx, const struct sim_progress *p)
{
	fprintf(stderr, "\rsimulate: %" PRIu64 " of %" PRIu64 " operations (%.0f%%)", p->done,
		p->total, 100.0 * (double)p->done / (double)p->total);
	if (p->rate > 0)
		fprintf(stderr, ", %.0f ops/s, %.0f s left", p->rate, p->left);
	fputs("\033[K", stderr);
	fflush(stderr);
	*(bool *)ctx = true;
}

/* Read what the run needs from files: the --from snapshot, the trace. */
static int simulate_inputs(struct simulate_run *r)
{
	struct simulate_args *a = &r->a;
	int rc;

	if (a->ro.from_name) {
		struct fs_diag d = { 0 };
		struct fs_collect_result *res = malloc(sizeof *res);
		if (!res) {
			fs_err("out of memory");
			return FS_EXIT_INTERNAL;
		}
		rc = fs_load_state_ex(a->ro.from_name, false, false, res, &r->from, &d);
		if (!rc)
			fs_warn_malformed(res);
		free(res);
		if (rc) {
			if (d.msg[0])
				fs_err_diag(&d);
			else
				fs_err("%s: %s", a->ro.from_name, strerror(-rc));
			return rc == -ENOMEM ? FS_EXIT_INTERNAL : FS_EXIT_INPUT;
		}
		a->ro.from = r->from;
	}
	if (a->trace) {
		rc = fs_file_read_user(a->trace, &r->trace);
		if (rc) {
			fs_err("%s: %s", a->trace, rc == -EFBIG ? "larger than 16 MiB; not a trace"
			       : fs_strerror(rc));
			return FS_EXIT_INPUT;
		}
		a->ro.trace_name = a->trace;
		a->ro.trace_data = r->trace.data;
		a->ro.trace_len = r->trace.len;
	}
	return 0;
}

static int simulate_execute(struct simulate_run *r)
{
	const char *delay = getenv("FRAGSTAT_PROGRESS_DELAY_MS");   /* tests only */
	long ms = delay ? fs_opt_long(delay, 3600000) : -1;
	bool shown = false;
	struct sim_run_err e;
	int st, rc;

	if ((st = simulate_inputs(r)))
		return st;
	if (isatty(STDERR_FILENO)) {
		r->a.ro.progress = simulate_progress;
		r->a.ro.progress_ctx = &shown;
		r->a.ro.progress_delay = ms >= 0 ? (double)ms / 1000 : 1.0;
	}
	rc = sim_run_new(&r->a.ro, &r->run, &e);
	if (!rc)
		rc = sim_run_exec(r->run, &e);
	if (shown)
		fputs("\r\033[K", stderr);
	if (rc)
		return simulate_failed(&e);
	const struct sim_result *res = sim_run_result(r->run);
	if (res->only_frees)
		fs_err("warning: simulate: the workload only freed pages (%" PRIu64 " frees, no "
		       "allocation): it asks nothing of the allocator or of compaction",
		       res->cnt[SIM_CNT_FREE]);
	return 0;
}

static int simulate_emit(struct simulate_run *r)
{
	struct sw_diag d = { 0 };
	int rc = sim_emit_root_commit(sim_run_machine(r->run), r->emit, &d);

	r->emit = NULL;
	if (rc == -ENOMEM)
		fs_err("simulate: out of memory");
	else if (rc)
		fs_err("cannot write the /proc tree: %s", d.msg);
	else if (d.warning)
		fs_err("warning: %s", d.msg);
	return rc == -ENOMEM ? FS_EXIT_INTERNAL : rc ? FS_EXIT_OUTPUT : 0;
}

static int simulate_output(struct simulate_run *r)
{
	struct simulate_args *a = &r->a;
	const struct sim_result *res = sim_run_result(r->run);
	struct fs_report_opts ro = { .focus_order = (int)res->focus, .node_filter = -1 };
	struct fs_render_opts o = { 0 };
	int st, color;

	r->final = fs_snapshot_new();
	if (!r->final || sim_emit_snapshot(sim_run_machine(r->run), r->final) ||
	    !(r->report = fs_report_new(r->final, &ro))) {
		fs_err("simulate: out of memory");
		return FS_EXIT_INTERNAL;
	}
	if (r->emit && (st = simulate_emit(r)))
		return st;
	color = fs_color_mode(a->color ? a->color : "auto", stdout);
	if (color < 0)
		return fs_usage_error("simulate", "--color must be auto, always or never");
	o.format = a->format;
	o.color = color > 0;
	o.width = fs_term_width(stdout);
	if (sim_render(stdout, res, r->report, &o) == -ENOMEM) {
		fs_err("simulate: out of memory");
		return FS_EXIT_INTERNAL;
	}
	return 0;   /* write errors are reported by fs_finish */
}

/* Check the --emit-root target before the run, not after it. */
static int simulate_emit_begin(struct simulate_run *r)
{
	static const char *const layout[] = { "proc", "sys", "fragstat-capture.txt", NULL };
	struct sw_diag d = { 0 };
	int rc = sw_tree_begin(&r->emit, r->a.emit_root, r->a.force ? SW_FORCE : 0, layout, &d);

	if (!rc)
		return 0;
	fs_err("simulate: --emit-root: %s", d.msg);
	return rc == -ENOMEM ? FS_EXIT_INTERNAL : d.usage ? FS_EXIT_USAGE : FS_EXIT_OUTPUT;
}

int cmd_simulate_main(int argc, char **argv)
{
	struct simulate_run *r = calloc(1, sizeof *r);
	int st, done;

	if (!r) {
		fs_err("simulate: out of memory");
		return fs_finish(FS_EXIT_INTERNAL);
	}
	st = simulate_parse(argc, argv, &r->a, &done);
	if (st == 0 && done >= 0)
		st = done;
	else if (st == 0 && (!r->a.emit_root || (st = simulate_emit_begin(r)) == 0) &&
		 (st = simulate_execute(r)) == 0)
		st = simulate_output(r);
	fs_report_free(r->report);
	fs_snapshot_free(r->final);
	fs_snapshot_free(r->from);
	sim_run_free(r->run);
	fs_buf_free(&r->trace);
	sw_tree_abort(r->emit);
	free(r);
	return fs_finish(st);
}
