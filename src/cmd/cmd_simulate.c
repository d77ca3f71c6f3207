/* cmd_simulate.c - `fragstat simulate`: drive the buddy simulator. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"
#include "collect.h"
#include "load.h"
#include "render.h"
#include "render_sim.h"
#include "report.h"
#include "sim_buddy.h"
#include "sim_compact.h"
#include "sim_emit.h"
#include "sim_from.h"
#include "sim_workload.h"

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
	      "  --node N                 node of the snapshot to use (default: the first)\n"
	      "Workload:\n"
	      "  -w, --workload NAME      page-cache, slab, thp, random, fragment,\n"
	      "                           bench-order0, bench-mixed or none\n"
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

/* "4G", "512M", "4096", "16K": binary suffixes, overflow checked. */
static int simulate_parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0, mul = 1;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	switch (*p) {
	case 0: break;
	case 'k': case 'K': mul = UINT64_C(1) << 10; p++; break;
	case 'm': case 'M': mul = UINT64_C(1) << 20; p++; break;
	case 'g': case 'G': mul = UINT64_C(1) << 30; p++; break;
	case 't': case 'T': mul = UINT64_C(1) << 40; p++; break;
	default: return -EINVAL;
	}
	if (*p == 'i' || *p == 'B')
		p += (*p == 'i' && p[1] == 'B') ? 2 : 1;
	if (*p)
		return -EINVAL;
	if (v && mul > UINT64_MAX / v)
		return -ERANGE;
	*out = v * mul;
	return 0;
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
			if (simulate_parse_size(colon + 1, &bytes))
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

static double simulate_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

enum {
	OPT_MEMORY = 256, OPT_PAGE_SIZE, OPT_ORDERS, OPT_PBO, OPT_ZONES, OPT_MFK, OPT_WSF,
	OPT_FROM, OPT_NODE, OPT_TRACE, OPT_OPS, OPT_SEED, OPT_TYPES, OPT_COMPACTION,
	OPT_PROACTIVENESS, OPT_PROACTIVE_INTERVAL, OPT_THRESHOLD, OPT_EVERY, OPT_ORDER,
	OPT_COLOR, OPT_EMIT_ROOT, OPT_FORCE, OPT_CHECK, OPT_PERF,
};

static const struct option simulate_opts[] = {
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "page-size", required_argument, NULL, OPT_PAGE_SIZE },
	{ "orders", required_argument, NULL, OPT_ORDERS },
	{ "pageblock-order", required_argument, NULL, OPT_PBO },
	{ "zones", required_argument, NULL, OPT_ZONES },
	{ "min-free-kbytes", required_argument, NULL, OPT_MFK },
	{ "watermark-scale-factor", required_argument, NULL, OPT_WSF },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "node", required_argument, NULL, OPT_NODE },
	{ "workload", required_argument, NULL, 'w' },
	{ "trace", required_argument, NULL, OPT_TRACE },
	{ "ops", required_argument, NULL, OPT_OPS },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "types", required_argument, NULL, OPT_TYPES },
	{ "compaction", required_argument, NULL, OPT_COMPACTION },
	{ "proactiveness", required_argument, NULL, OPT_PROACTIVENESS },
	{ "proactive-interval", required_argument, NULL, OPT_PROACTIVE_INTERVAL },
	{ "extfrag-threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "every", required_argument, NULL, OPT_EVERY },
	{ "order", required_argument, NULL, OPT_ORDER },
	{ "format", required_argument, NULL, 'o' },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "emit-root", required_argument, NULL, OPT_EMIT_ROOT },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "perf", no_argument, NULL, OPT_PERF },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char *const simulate_modes[] = { "none", "direct", "proactive", "full" };

struct simulate_args {
	struct sim_config cfg;
	uint64_t memory, seed, ops, every;
	bool ops_set, every_set, check, pbo_set, perf, force;
	const char *zones, *from, *trace, *emit_root, *color;
	int node, focus;
	long interval;
	enum sim_wl_kind wl;
	struct sim_wl_params wp;
	enum fs_format format;
};

static int simulate_parse(int argc, char **argv, struct simulate_args *a, int *done)
{
	int c;
	long v;

	*done = -1;
	memset(a, 0, sizeof *a);
	sim_config_default(&a->cfg);
	a->memory = UINT64_C(1) << 30;
	a->seed = 42;
	a->node = -1;
	a->focus = -1;
	a->interval = 1000;
	a->wl = SIM_WL_PAGE_CACHE;
	a->format = FS_FMT_TABLE;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":w:o:hV", simulate_opts, NULL)) != -1) {
		switch (c) {
		case OPT_MEMORY:
			if (simulate_parse_size(optarg, &a->memory) || !a->memory)
				return fs_usage_error("simulate", "bad --memory '%s'", optarg);
			break;
		case OPT_PAGE_SIZE:
			if (simulate_parse_size(optarg, &a->cfg.page_size) ||
			    a->cfg.page_size < 1024 || (a->cfg.page_size & (a->cfg.page_size - 1)))
				return fs_usage_error("simulate", "bad --page-size '%s' (a power of two >= 1K)",
						      optarg);
			break;
		case OPT_ORDERS:
			if ((v = fs_opt_long(optarg, FS_MAX_ORDERS)) < 2)
				return fs_usage_error("simulate", "--orders must be 2..%d", FS_MAX_ORDERS);
			a->cfg.orders = (unsigned)v;
			break;
		case OPT_PBO:
			if ((v = fs_opt_long(optarg, FS_MAX_ORDERS - 1)) < 1)
				return fs_usage_error("simulate", "bad --pageblock-order '%s'", optarg);
			a->cfg.pageblock_order = (unsigned)v;
			a->pbo_set = true;
			break;
		case OPT_ZONES: a->zones = optarg; break;
		case OPT_MFK:
			if ((v = fs_opt_long(optarg, 1L << 40)) < 0)
				return fs_usage_error("simulate", "bad --min-free-kbytes '%s'", optarg);
			a->cfg.min_free_kbytes = v;
			break;
		case OPT_WSF:
			if ((v = fs_opt_long(optarg, 3000)) < 1)
				return fs_usage_error("simulate", "--watermark-scale-factor must be 1..3000");
			a->cfg.watermark_scale_factor = (unsigned)v;
			break;
		case OPT_FROM:
			if (!*optarg)
				return fs_usage_error("simulate", "--from needs a --root tree or a JSON file, not an empty name");
			a->from = optarg;
			break;
		case OPT_NODE:
			if ((v = fs_opt_long(optarg, FS_MAX_NODES - 1)) < 0)
				return fs_usage_error("simulate", "bad --node '%s'", optarg);
			a->node = (int)v;
			break;
		case 'w':
			if (sim_wl_parse(optarg, &a->wl))
				return fs_usage_error("simulate", "unknown workload '%s'", optarg);
			break;
		case OPT_TRACE: a->trace = optarg; break;
		case OPT_OPS:
			if ((v = fs_opt_long(optarg, 1L << 40)) < 0)
				return fs_usage_error("simulate", "bad --ops '%s'", optarg);
			a->ops = (uint64_t)v;
			a->ops_set = true;
			break;
		case OPT_SEED: {
			const char *p = optarg;
			uint64_t s;
			if (fs_parse_u64(&p, p + strlen(p), &s) || *p)
				return fs_usage_error("simulate", "bad --seed '%s'", optarg);
			a->seed = s;
			break;
		}
		case OPT_TYPES: {
			unsigned x, y, z;
			char tail;
			if (sscanf(optarg, "%u,%u,%u%c", &x, &y, &z, &tail) != 3 || x + y + z != 100)
				return fs_usage_error("simulate",
						      "--types wants three percentages M,U,R adding up to 100");
			a->wp.types_pct[0] = x;
			a->wp.types_pct[1] = y;
			a->wp.types_pct[2] = z;
			break;
		}
		case OPT_COMPACTION: {
			bool found = false;
			for (unsigned i = 0; i < 4; i++)
				if (strcmp(optarg, simulate_modes[i]) == 0) {
					a->cfg.compaction = (enum sim_compact_mode)i;
					found = true;
				}
			if (!found)
				return fs_usage_error("simulate", "unknown --compaction '%s'", optarg);
			break;
		}
		case OPT_PROACTIVENESS:
			if ((v = fs_opt_long(optarg, 100)) < 0)
				return fs_usage_error("simulate", "--proactiveness must be 0..100");
			a->cfg.proactiveness = (int)v;
			break;
		case OPT_PROACTIVE_INTERVAL:
			if ((v = fs_opt_long(optarg, 1L << 40)) < 1)
				return fs_usage_error("simulate", "bad --proactive-interval '%s'", optarg);
			a->interval = v;
			break;
		case OPT_THRESHOLD:
			if ((v = fs_opt_long(optarg, 1000)) < 0)
				return fs_usage_error("simulate", "--extfrag-threshold must be 0..1000");
			a->cfg.extfrag_threshold = (int)v;
			break;
		case OPT_EVERY:
			if ((v = fs_opt_long(optarg, 1L << 40)) < 1)
				return fs_usage_error("simulate", "bad --every '%s'", optarg);
			a->every = (uint64_t)v;
			a->every_set = true;
			break;
		case OPT_ORDER:
			if ((v = fs_opt_long(optarg, FS_MAX_ORDERS - 1)) < 0)
				return fs_usage_error("simulate", "bad --order '%s'", optarg);
			a->focus = (int)v;
			break;
		case 'o':
			if (fs_format_parse(optarg, &a->format) || a->format == FS_FMT_PROMETHEUS)
				return fs_usage_error("simulate", "--format must be table or json");
			break;
		case OPT_COLOR: a->color = optarg; break;
		case OPT_EMIT_ROOT: a->emit_root = optarg; break;
		case OPT_FORCE: a->force = true; break;
		case OPT_CHECK: a->check = true; break;
		case OPT_PERF: a->perf = true; break;
		case 'h':
			simulate_usage(stdout);
			*done = FS_EXIT_OK;
			return 0;
		case 'V':
			puts(PACKAGE_STRING);
			*done = FS_EXIT_OK;
			return 0;
		case ':':
			return fs_usage_error("simulate", "option '%s' needs a value", argv[optind - 1]);
		default:
			return fs_usage_error("simulate", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return fs_usage_error("simulate", "unexpected argument '%s'", argv[optind]);
	if (a->trace && a->from == NULL && a->wl != SIM_WL_PAGE_CACHE)
		return fs_usage_error("simulate", "--trace and --workload exclude each other");
	if (a->trace)
		a->wl = SIM_WL_TRACE;
	else if (a->from && a->wl == SIM_WL_PAGE_CACHE && !a->ops_set)
		a->wl = SIM_WL_NONE;   /* --from alone: what would compaction do */
	if (a->cfg.pageblock_order >= a->cfg.orders) {
		if (a->pbo_set)
			return fs_usage_error("simulate", "--pageblock-order must be below --orders");
		a->cfg.pageblock_order = a->cfg.orders - 1;
	}
	if (a->memory / a->cfg.page_size == 0)
		return fs_usage_error("simulate", "--memory is smaller than a page");
	if (a->zones) {
		if (simulate_parse_zones(a->zones, a->memory, a->cfg.page_size, &a->cfg))
			return fs_usage_error("simulate", "bad --zones '%s' (NAME:SIZE,...,NAME)",
					      a->zones);
	} else {
		a->cfg.zones[0].pages = a->memory / a->cfg.page_size;
	}
	if (a->wl == SIM_WL_BENCH_ORDER0 || a->wl == SIM_WL_BENCH_MIXED) {
		a->cfg.no_watermarks = true;
		if (!a->ops_set)
			a->ops = 4000000;
	} else if (!a->ops_set) {
		a->ops = a->wl == SIM_WL_NONE ? 0 : 100000;
	}
	return 0;
}

struct simulate_run {
	struct simulate_args a;
	struct sim_machine *m;
	struct sim_wl *w;
	struct sim_timeline tl;
	struct fs_snapshot *from, *final;
	struct fs_report *report;
	struct sim_from_info from_info;
	struct sim_run_info ri;
	struct fs_buf trace;
	struct sw_tree *emit;         /* --emit-root, begun before the run */
};

static int simulate_check(struct simulate_run *r, uint64_t op)
{
	char msg[256];

	if (!r->a.check || sim_check(r->m, msg, sizeof msg) == 0)
		return 0;
	fs_err("simulate: invariant violated after operation %" PRIu64 ": %s", op, msg);
	return FS_EXIT_INTERNAL;
}

static int simulate_sample(struct simulate_run *r, uint64_t op, const char *phase)
{
	int rc = sim_timeline_add(&r->tl, r->m, op, phase, sim_wl_used_pages(r->w),
				  (unsigned)r->a.focus);
	if (rc == -EIO) {
		fs_err("simulate: cannot keep the timeline in a temporary file (TMPDIR): %s",
		       strerror(errno ? errno : EIO));
		return FS_EXIT_OUTPUT;
	}
	if (rc) {
		fs_err("simulate: out of memory");
		return FS_EXIT_INTERNAL;
	}
	return 0;
}

static int simulate_setup(struct simulate_run *r)
{
	struct simulate_args *a = &r->a;
	double t0;
	int rc;

	if (a->from) {
		struct fs_diag d = { 0 };
		char err[256];
		struct fs_collect_result *res = malloc(sizeof *res);
		if (!res) {
			fs_err("out of memory");
			return FS_EXIT_INTERNAL;
		}
		rc = *a->from ? fs_load_state_ex(a->from, false, false, res, &r->from, &d) : -ENOENT;
		if (!rc)
			fs_warn_malformed(res);
		free(res);
		if (rc) {
			if (d.msg[0])
				fs_err_diag(&d);
			else
				fs_err("%s: %s", a->from, strerror(-rc));
			return rc == -ENOMEM ? FS_EXIT_INTERNAL : FS_EXIT_INPUT;
		}
		rc = sim_from_capture(r->from, a->node, &a->cfg, a->seed, &r->m, &r->from_info,
				       err, sizeof err);
		if (rc) {
			fs_err("%s: %s", a->from, err);
			return rc == -ENOMEM ? FS_EXIT_INTERNAL : FS_EXIT_INPUT;
		}
		r->ri.from_info = &r->from_info;
	} else {
		t0 = simulate_now();
		rc = sim_machine_new(&a->cfg, &r->m);
		r->ri.init_ns_per_page = (simulate_now() - t0) * 1e9 /
					 (double)(a->memory / a->cfg.page_size);
		if (rc == -ENOMEM) {
			fs_err("simulate: out of memory");
			return FS_EXIT_INTERNAL;
		}
		if (rc)
			return fs_usage_error("simulate", "the machine is not valid: %s%s", strerror(-rc),
					      rc == -ERANGE ? " (at most 2^31 pages per zone)" : "");
	}
	if (a->focus < 0)
		a->focus = (int)sim_machine_pageblock_order(r->m);
	if ((unsigned)a->focus >= sim_machine_orders(r->m))
		return fs_usage_error("simulate", "--order must be below %u", sim_machine_orders(r->m));
	if (a->trace) {
		struct fs_diag d = { 0 };
		rc = fs_file_read_user(a->trace, &r->trace);
		if (rc) {
			fs_err("%s: %s", a->trace, rc == -EFBIG ? "larger than 16 MiB; not a trace"
			       : fs_strerror(rc));
			return FS_EXIT_INPUT;
		}
		rc = sim_wl_trace(a->trace, r->trace.data, r->trace.len, r->m, &r->w, &d);
		if (rc == -EINVAL) {
			fs_err_diag(&d);
			return FS_EXIT_INPUT;
		}
		a->ops = r->w ? sim_wl_trace_ops(r->w) : 0;
	} else {
		a->wp.seed = a->seed;
		rc = sim_wl_new(a->wl, &a->wp, r->m, &r->w);
	}
	if (rc) {
		fs_err("simulate: cannot set up the workload: %s", strerror(-rc));
		return FS_EXIT_INTERNAL;
	}
	if (a->from && (rc = sim_wl_adopt(r->w))) {
		fs_err("simulate: out of memory");
		return FS_EXIT_INTERNAL;
	}
	if (!a->every_set)
		a->every = a->ops >= 10 ? a->ops / 10 : 1;
	return 0;
}

static int simulate_execute(struct simulate_run *r)
{
	struct simulate_args *a = &r->a;
	bool proactive = a->cfg.compaction == SIM_COMPACT_PROACTIVE;
	uint64_t prefill = 0, op, next_sample;
	double t0;
	int rc, st;

	if ((st = simulate_sample(r, 0, "start")))
		return st;
	while ((rc = sim_wl_prefill_step(r->w)) == 0) {
		prefill++;
		if ((st = simulate_check(r, prefill)))
			return st;
	}
	if (rc == -ENOSPC) {
		uint64_t used, target;
		sim_wl_prefill_progress(r->w, &used, &target);
		fs_err("simulate: the prefill cannot reach its target: %u allocations in a row "
		       "failed with %" PRIu64 " of %" PRIu64 " pages allocated (the machine is too "
		       "small for the workload, or --min-free-kbytes keeps its watermarks above the "
		       "fill target)", SIM_PREFILL_STUCK, used, target);
		return FS_EXIT_USAGE;
	}
	if (rc < 0)
		goto fail;
	if (prefill && (st = simulate_sample(r, 0, "prefill")))
		return st;
	next_sample = a->every;
	t0 = simulate_now();
	/* Run the operations in stretches up to the next operation after which
	 * something happens (a check, a kcompactd wakeup, a sample). */
	for (op = 0; op < a->ops;) {
		uint64_t stop = a->check ? op + 1 : a->ops, done;
		if (next_sample < stop)
			stop = next_sample;
		if (proactive) {
			uint64_t iv = (uint64_t)a->interval, wake = (op / iv + 1) * iv;
			if (wake < stop)
				stop = wake;
		}
		rc = sim_wl_run(r->w, stop - op, &done);
		op += done;
		if (rc < 0)
			goto fail;
		if (rc == 1)
			break;
		if (a->check && (st = simulate_check(r, op)))
			return st;
		if (proactive && op % (uint64_t)a->interval == 0 && sim_compact_proactive(r->m) &&
		    a->check && (st = simulate_check(r, op)))
			return st;
		if (op == next_sample) {
			next_sample += a->every;
			if ((st = simulate_sample(r, op, "run")))
				return st;
		}
	}
	r->ri.steady_seconds = simulate_now() - t0;
	if (r->tl.n == 0 || r->tl.last.op != op || op == 0) {
		if (op && (st = simulate_sample(r, op, "run")))
			return st;
	}
	r->ri.compact_seconds = -1;
	r->ri.seq_pass_ns_per_page = -1;
	if (a->cfg.compaction == SIM_COMPACT_FULL) {
		if (a->perf) {
			/* the scan cost unit: one pass over the page metadata */
			volatile uint64_t sink;
			t0 = simulate_now();
			sink = sim_machine_seq_pass(r->m);
			r->ri.seq_pass_ns_per_page = (simulate_now() - t0) * 1e9 /
						     (double)sim_machine_pages(r->m);
			(void)sink;
		}
		t0 = simulate_now();
		sim_compact_memory(r->m);
		r->ri.compact_seconds = simulate_now() - t0;
		if ((st = simulate_check(r, op)) || (st = simulate_sample(r, op, "compact_memory")))
			return st;
	}
	r->ri.ops = op;
	return 0;
fail:
	fs_err("simulate: %s", strerror(-rc));
	return FS_EXIT_INTERNAL;
}

static int simulate_output(struct simulate_run *r)
{
	struct simulate_args *a = &r->a;
	struct fs_report_opts ro = { .focus_order = a->focus, .node_filter = -1, .zone_filter = NULL };
	struct fs_render_opts o = { 0 };
	int rc, color;

	r->final = fs_snapshot_new();
	if (!r->final || sim_emit_snapshot(r->m, r->final)) {
		fs_err("simulate: out of memory");
		return FS_EXIT_INTERNAL;
	}
	r->report = fs_report_new(r->final, &ro);
	if (!r->report) {
		fs_err("simulate: out of memory");
		return FS_EXIT_INTERNAL;
	}
	if (r->emit) {
		struct sw_diag d = { 0 };
		rc = sim_emit_root(r->m, r->emit, &d);
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
	}
	color = fs_color_mode(a->color ? a->color : "auto", stdout);
	if (color < 0)
		return fs_usage_error("simulate", "--color must be auto, always or never");
	o.format = a->format;
	o.color = color > 0;
	o.width = fs_term_width(stdout);
	r->ri.workload = sim_wl_name(a->wl);
	r->ri.trace = a->trace;
	r->ri.from = a->from;
	r->ri.seed = a->seed;
	r->ri.every = a->every;
	r->ri.compaction = simulate_modes[a->cfg.compaction];
	r->ri.focus = (unsigned)a->focus;
	if (a->perf || a->wl == SIM_WL_BENCH_ORDER0 || a->wl == SIM_WL_BENCH_MIXED) {
		r->ri.perf = true;
		r->ri.steady_pairs_per_sec = r->ri.steady_seconds > 0
			? (double)r->ri.ops / 2 / r->ri.steady_seconds : 0;
		r->ri.metadata_bytes_per_page = (double)sim_machine_metadata_bytes(r->m) /
						(double)sim_machine_pages(r->m);
	}
	rc = sim_render(stdout, &r->ri, r->m, &r->tl, r->report, &o);
	if (rc == -ENOMEM) {
		fs_err("simulate: out of memory");
		return FS_EXIT_INTERNAL;
	}
	return 0;   /* write errors are reported by fs_finish */
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
	if (st == 0 && done < 0 && r->a.force && !r->a.emit_root)
		st = fs_usage_error("simulate", "--force only applies to --emit-root");
	/* Check the --emit-root target before the run, not after it. */
	if (st == 0 && done < 0 && r->a.emit_root) {
		struct sw_diag d = { 0 };
		static const char *const layout[] = { "proc", "sys", "fragstat-capture.txt", NULL };
		int rc = sw_tree_begin(&r->emit, r->a.emit_root, r->a.force ? SW_FORCE : 0, layout, &d);
		if (rc) {
			fs_err("simulate: --emit-root: %s", d.msg);
			st = rc == -ENOMEM ? FS_EXIT_INTERNAL : d.usage ? FS_EXIT_USAGE : FS_EXIT_OUTPUT;
		}
	}
	if (st == 0 && done >= 0)
		st = done;
	else if (st == 0 && (st = simulate_setup(r)) == 0 && (st = simulate_execute(r)) == 0)
		st = simulate_output(r);
	fs_report_free(r->report);
	fs_snapshot_free(r->final);
	fs_snapshot_free(r->from);
	sim_wl_free(r->w);
	sim_machine_free(r->m);
	sim_timeline_free(&r->tl);
	fs_buf_free(&r->trace);
	sw_tree_abort(r->emit);
	free(r);
	return fs_finish(st);
}
