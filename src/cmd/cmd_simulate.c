/* cmd_simulate.c - `fragstat simulate`: drive the buddy simulator. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

static int simulate_parse_zones(const char *spec, uint64_t memory, uint64_t page_size,
				struct sim_config *c)
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
			if (fs_parse_size(colon + 1, &bytes))
				return -EINVAL;
		} else {
			if (save && *save)
				return -EINVAL;   /* only the last zone may omit its size */
			if (used >= memory)
				return -EINVAL;
			bytes = memory - used;
		}
		used += bytes;
		c->zones[c->nzones].pages = bytes / page_size;
		if (!c->zones[c->nzones].pages)
			return -EINVAL;
		c->nzones++;
	}
	return c->nzones ? 0 : -EINVAL;
}

/* The long options, in the order of their OPT_* values: "name=" takes a
 * value, "name" is a flag; "=c" or "/c" after the name: also the short
 * option -c (with or without a value). */
enum {
	OPT_MEMORY = 256, OPT_PAGE_SIZE, OPT_ORDERS, OPT_PBO, OPT_ZONES, OPT_MFK, OPT_WSF,
	OPT_FROM, OPT_NODE, OPT_WORKLOAD, OPT_TRACE, OPT_OPS, OPT_SEED, OPT_SEEDS, OPT_TYPES,
	OPT_COMPACTION, OPT_PROACTIVENESS, OPT_PROACTIVE_INTERVAL, OPT_THRESHOLD, OPT_EVERY,
	OPT_ORDER, OPT_FORMAT, OPT_COLOR, OPT_EMIT_ROOT, OPT_FORCE, OPT_CHECK, OPT_PERF,
	OPT_HELP, OPT_VERSION, OPT_END,
};
static const char simulate_optspec[] =
	"memory= page-size= orders= pageblock-order= zones= min-free-kbytes= "
	"watermark-scale-factor= from= node= workload=w trace= ops= seed= seeds= types= compaction= "
	"proactiveness= proactive-interval= extfrag-threshold= every= order= format=o color= "
	"emit-root= force check perf help/h version/V";

/* getopt_long's table from simulate_optspec; names point into buf. */
static void simulate_options(char *buf, struct option *opts)
{
	char *save = NULL, *tok;
	int id = OPT_MEMORY;

	strcpy(buf, simulate_optspec);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save), id++) {
		char *mark = strpbrk(tok, "=/");
		opts->name = tok;
		opts->has_arg = mark && *mark == '=' ? required_argument : no_argument;
		opts->flag = NULL;
		opts->val = mark && mark[1] ? mark[1] : id;
		if (mark)
			*mark = 0;
		opts++;
	}
	memset(opts, 0, sizeof *opts);
}

struct simulate_args {
	struct sim_run_opts ro;       /* what sim_run gets */
	uint64_t memory;
	bool ops_set, pbo_set, perf, force;
	const char *machine_opt;      /* an option describing the machine (not with --from) */
	const char *zones, *trace, *emit_root, *color;
	enum fs_format format;
};

static int simulate_parse_opt(int c, const char *arg, struct simulate_args *a)
{
	struct sim_config *cfg = &a->ro.cfg;
	long v;

	switch (c) {
	case OPT_MEMORY:
		if (fs_parse_size(arg, &a->memory) || !a->memory)
			return fs_usage_error("simulate", "bad --memory '%s'", arg);
		a->machine_opt = "--memory";
		break;
	case OPT_PAGE_SIZE:
		if (fs_parse_size(arg, &cfg->page_size) ||
		    cfg->page_size < 1024 || (cfg->page_size & (cfg->page_size - 1)))
			return fs_usage_error("simulate", "bad --page-size '%s' (a power of two >= 1K)",
					      arg);
		a->machine_opt = "--page-size";
		break;
	case OPT_ORDERS:
		if ((v = fs_opt_long(arg, FS_MAX_ORDERS)) < 2)
			return fs_usage_error("simulate", "--orders must be 2..%d", FS_MAX_ORDERS);
		cfg->orders = (unsigned)v;
		a->machine_opt = "--orders";
		break;
	case OPT_PBO:
		if ((v = fs_opt_long(arg, FS_MAX_ORDERS - 1)) < 1)
			return fs_usage_error("simulate", "bad --pageblock-order '%s'", arg);
		cfg->pageblock_order = (unsigned)v;
		a->pbo_set = true;
		a->machine_opt = "--pageblock-order";
		break;
	case OPT_ZONES:
		a->zones = arg;
		a->machine_opt = "--zones";
		break;
	case OPT_MFK:
		if ((v = fs_opt_long(arg, 1L << 40)) < 0)
			return fs_usage_error("simulate", "bad --min-free-kbytes '%s'", arg);
		cfg->min_free_kbytes = v;
		a->ro.vm_given |= 1u << SIM_VM_MIN_FREE_KBYTES;
		break;
	case OPT_WSF:
		if ((v = fs_opt_long(arg, 3000)) < 1)
			return fs_usage_error("simulate", "--watermark-scale-factor must be 1..3000");
		cfg->watermark_scale_factor = (unsigned)v;
		a->ro.vm_given |= 1u << SIM_VM_WATERMARK_SCALE_FACTOR;
		break;
	case OPT_FROM:
		if (!*arg)
			return fs_usage_error("simulate", "--from needs a --root tree or a JSON file, not an empty name");
		a->ro.from_name = arg;
		break;
	case OPT_NODE:
		if ((v = fs_opt_long(arg, FS_MAX_NODES - 1)) < 0)
			return fs_usage_error("simulate", "bad --node '%s'", arg);
		a->ro.node = (int)v;
		break;
	case 'w':
		if (sim_wl_parse(arg, &a->ro.wl))
			return fs_usage_error("simulate", "unknown workload '%s'", arg);
		break;
	case OPT_TRACE: a->trace = arg; break;
	case OPT_OPS:
		if ((v = fs_opt_long(arg, 1L << 40)) < 0)
			return fs_usage_error("simulate", "bad --ops '%s'", arg);
		a->ro.ops = (uint64_t)v;
		a->ops_set = true;
		break;
	case OPT_SEED: {
		const char *p = arg;
		if (fs_parse_u64(&p, p + strlen(p), &a->ro.seed) || *p)
			return fs_usage_error("simulate", "bad --seed '%s'", arg);
		break;
	}
	case OPT_SEEDS:
		if ((v = fs_opt_long(arg, SIM_RUN_SEEDS_MAX)) < 1)
			return fs_usage_error("simulate", "--seeds must be 1..%u", SIM_RUN_SEEDS_MAX);
		a->ro.seeds = (unsigned)v;
		break;
	case OPT_TYPES: {
		unsigned *t = a->ro.wp.types_pct;
		char tail;
		if (sscanf(arg, "%u,%u,%u%c", &t[0], &t[1], &t[2], &tail) != 3 ||
		    t[0] + t[1] + t[2] != 100)
			return fs_usage_error("simulate",
					      "--types wants three percentages M,U,R adding up to 100");
		break;
	}
	case OPT_COMPACTION:
		if (sim_compact_mode_parse(arg, &cfg->compaction))
			return fs_usage_error("simulate", "unknown --compaction '%s'", arg);
		break;
	case OPT_PROACTIVENESS:
		if ((v = fs_opt_long(arg, 100)) < 0)
			return fs_usage_error("simulate", "--proactiveness must be 0..100");
		cfg->proactiveness = (int)v;
		a->ro.vm_given |= 1u << SIM_VM_PROACTIVENESS;
		break;
	case OPT_PROACTIVE_INTERVAL:
		if ((v = fs_opt_long(arg, 1L << 40)) < 1)
			return fs_usage_error("simulate", "bad --proactive-interval '%s'", arg);
		a->ro.interval = v;
		break;
	case OPT_THRESHOLD:
		if ((v = fs_opt_long(arg, 1000)) < 0)
			return fs_usage_error("simulate", "--extfrag-threshold must be 0..1000");
		cfg->extfrag_threshold = (int)v;
		a->ro.vm_given |= 1u << SIM_VM_EXTFRAG_THRESHOLD;
		break;
	case OPT_EVERY:
		if ((v = fs_opt_long(arg, 1L << 40)) < 1)
			return fs_usage_error("simulate", "bad --every '%s'", arg);
		a->ro.every = (uint64_t)v;
		break;
	case OPT_ORDER:
		if ((v = fs_opt_long(arg, FS_MAX_ORDERS - 1)) < 0)
			return fs_usage_error("simulate", "bad --order '%s'", arg);
		a->ro.focus = (int)v;
		break;
	case 'o':
		if (fs_format_parse(arg, &a->format) || a->format == FS_FMT_PROMETHEUS)
			return fs_usage_error("simulate", "--format must be table or json");
		break;
	case OPT_COLOR: a->color = arg; break;
	case OPT_EMIT_ROOT: a->emit_root = arg; break;
	case OPT_FORCE: a->force = true; break;
	case OPT_CHECK: a->ro.check = true; break;
	case OPT_PERF: a->ro.perf = true; break;
	default:
		return fs_usage_error("simulate", "unknown option");
	}
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
	if (a->zones) {
		if (simulate_parse_zones(a->zones, a->memory, cfg->page_size, cfg))
			return fs_usage_error("simulate", "bad --zones '%s' (NAME:SIZE,...,NAME)",
					      a->zones);
	} else {
		cfg->zones[0].pages = a->memory / cfg->page_size;
	}
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
	char names[sizeof simulate_optspec];
	struct option opts[OPT_END - OPT_MEMORY + 1];
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
	simulate_options(names, opts);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":w:o:hV", opts, NULL)) != -1) {
		if (c == 'h' || c == 'V') {
			if (c == 'h')
				simulate_usage(stdout);
			else
				puts(PACKAGE_STRING);
			*done = FS_EXIT_OK;
			return 0;
		}
		if (c == ':')
			return fs_usage_error("simulate", "option '%s' needs a value", argv[optind - 1]);
		if (c == '?')
			return fs_usage_error("simulate", "unknown option '%s'", argv[optind - 1]);
		if ((rc = simulate_parse_opt(c, optarg, a)))
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

/* Progress on stderr (a terminal only): operations done, rate, time left;
 * nothing for the first second (FRAGSTAT_PROGRESS_DELAY_MS, tests only,
 * changes that), then at most four lines a second, each overwriting the
 * last; cleared at the end. */
struct simulate_progress {
	double start, delay, last;
	bool shown;
};

static double simulate_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void simulate_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct simulate_progress *p = ctx;
	double now = simulate_now();

	if (now - p->start < p->delay || now - p->last < 0.25 || done >= total)
		return;
	double rate = now > p->start ? (double)done / (now - p->start) : 0;   /* since the start */
	fprintf(stderr, "\rsimulate: %" PRIu64 " of %" PRIu64 " operations (%.0f%%)", done, total,
		100.0 * (double)done / (double)total);
	if (rate > 0)
		fprintf(stderr, ", %.0f ops/s, %.0f s left", rate, (double)(total - done) / rate);
	fputs("\033[K", stderr);
	fflush(stderr);
	p->last = now;
	p->shown = true;
}

static void simulate_progress_init(struct simulate_progress *p, struct sim_run_opts *ro)
{
	const char *env = getenv("FRAGSTAT_PROGRESS_DELAY_MS");
	long ms = env ? fs_opt_long(env, 3600000) : -1;

	memset(p, 0, sizeof *p);
	p->delay = ms >= 0 ? (double)ms / 1000 : 1.0;
	if (isatty(STDERR_FILENO)) {
		ro->progress = simulate_progress;
		ro->progress_ctx = p;
	}
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
	struct simulate_progress prog;
	struct sim_run_err e;
	int st, rc;

	if ((st = simulate_inputs(r)))
		return st;
	simulate_progress_init(&prog, &r->a.ro);
	rc = sim_run_new(&r->a.ro, &r->run, &e);
	if (!rc) {
		prog.start = simulate_now();
		rc = sim_run_exec(r->run, &e);
	}
	if (prog.shown)
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
	int rc = sim_emit_root(sim_run_machine(r->run), r->emit, &d);

	if (rc == -ENOMEM) {
		fs_err("simulate: out of memory");
		return FS_EXIT_INTERNAL;
	}
	if (!rc)
		rc = sw_tree_commit(r->emit, &d);
	else
		sw_tree_abort(r->emit);
	r->emit = NULL;
	if (rc) {
		fs_err("cannot write the /proc tree: %s", d.msg);
		return FS_EXIT_OUTPUT;
	}
	if (d.warning)
		fs_err("warning: %s", d.msg);
	return 0;
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
