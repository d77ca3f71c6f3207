#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "collect.h"
#include "pagemap.h"
#include "render_map.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: fragstat map [OPTIONS]\n"
		"Draw physical memory one cell per pageblock (or group of pageblocks), each\n"
		"cell the content of its block as /proc/kpageflags and /proc/kpagecount show\n"
		"it: free, movable, mixed, unmovable, hugetlb, reserved. Needs root (the\n"
		"files are mode 0400).\n"
		"\n"
		"  -r, --root DIR        read DIR/proc/kpageflags, DIR/proc/kpagecount (raw,\n"
		"                        as the kernel writes them), zoneinfo, pagetypeinfo...\n"
		"  -o, --format FMT      table (default) or json (per-block classes run-length)\n"
		"      --color WHEN      auto (default), always or never; NO_COLOR is honoured\n"
		"  -N, --node N          only node N\n"
		"  -z, --zone NAME       only zones named NAME\n"
		"      --rows N          fit the grid into N rows (default 40)\n"
		"      --per-cell N      pageblocks per cell (default: the fewest that fit)\n"
		"  -h, --help            show this help and exit\n"
		"\n"
		"Exit status: 0 ok, 1 usage error, 2 input unreadable or malformed,\n"
		"3 output could not be written, 4 internal error.\n");
}

enum { OPT_COLOR = 256, OPT_ROWS, OPT_PER_CELL };

int cmd_map_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'o' },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "colour", required_argument, NULL, OPT_COLOR },
		{ "node", required_argument, NULL, 'N' },
		{ "zone", required_argument, NULL, 'z' },
		{ "rows", required_argument, NULL, OPT_ROWS },
		{ "per-cell", required_argument, NULL, OPT_PER_CELL },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = NULL, *color = "auto";
	bool json = false;
	struct fs_report_opts rep = { .focus_order = -1, .node_filter = -1 };
	struct fs_map_opts mo = { 0 };
	long v;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:o:N:z:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': root = optarg; break;
		case 'o':
			if (fs_opt_table_json("map", optarg, &json))
				return FS_EXIT_USAGE;
			break;
		case OPT_COLOR: color = optarg; break;
		case 'N':
			if ((rep.node_filter = (int)fs_opt_long(optarg, 65535)) < 0)
				return fs_usage_error("map", "--node takes a node number, not '%s'", optarg);
			break;
		case 'z': rep.zone_filter = optarg; break;
		case OPT_ROWS:
			if ((v = fs_opt_long(optarg, 100000)) < 1)
				return fs_usage_error("map", "--rows takes a number 1..100000, not '%s'", optarg);
			mo.rows = (unsigned)v;
			break;
		case OPT_PER_CELL:
			if ((v = fs_opt_long(optarg, 1L << 30)) < 1)
				return fs_usage_error("map", "--per-cell takes a number of pageblocks >= 1, not '%s'", optarg);
			mo.per_cell = (unsigned)v;
			break;
		default: return fs_opt_other("map", c, argv, usage);
		}
	}
	if (optind < argc)
		return fs_usage_error("map", "unexpected argument '%s'", argv[optind]);
	int cm = fs_color_mode(color, stdout);
	if (cm < 0)
		return fs_usage_error("map", "--color takes auto, always or never, not '%s'", color);
	mo.color = cm == 1 && !json;
	mo.width = fs_term_width(stdout);

	struct fs_snapshot *s = fs_snapshot_new();
	struct fs_diag d = { 0 };
	struct fs_collect_result res;
	struct fs_collect_opts co = {
		.root = root,
		.mask = FS_SRC_BIT(FS_SRC_BUDDYINFO) | FS_SRC_BIT(FS_SRC_ZONEINFO) |
			FS_SRC_BIT(FS_SRC_PAGETYPEINFO),
		.pages = true,
	};
	int r = s ? fs_collect(s, &co, &res, &d) : -ENOMEM;
	if (r) {
		fs_snapshot_free(s);
		return fs_read_failed(r, &d);
	}
	if (!s->pagemap) {
		char path[4096];
		int bad = s->kpage_src[0] != FS_ST_OK ? 0 : 1;
		const char *rel = bad ? "proc/kpagecount" : "proc/kpageflags";
		fs_path_join(path, sizeof path, root, rel);
		if (s->src[FS_SRC_ZONEINFO] != FS_ST_OK)
			fs_err("%s: %s; the map needs each zone's start_pfn and spanned",
			       res.paths[FS_SRC_ZONEINFO], fs_src_status_name(s->src[FS_SRC_ZONEINFO]));
		else
			fs_err("%s: %s%s", path, fs_src_status_name(s->kpage_src[bad]),
			       s->kpage_src[bad] == FS_ST_DENIED ? " (the file is mode 0400: run as root)" : "");
		fs_snapshot_free(s);
		return fs_finish(FS_EXIT_INPUT);
	}
	struct fs_report *rp = fs_report_new(s, &rep);
	if (!rp) {
		fs_snapshot_free(s);
		fs_err("out of memory");
		return FS_EXIT_INTERNAL;
	}
	int status = FS_EXIT_OK;
	bool any = false;
	for (size_t i = 0; i < rp->nnodes; i++)
		for (unsigned z = 0; z < rp->nodes[i].nzones; z++)
			any |= rp->nodes[i].zones[z].pm != NULL;
	if (!any) {
		fs_err("no zone with a page layout matches (zoneinfo gave no start_pfn, or the --node/--zone filter)");
		status = FS_EXIT_USAGE;
	} else {
		r = json ? fs_render_map_json(stdout, rp) : fs_render_map(stdout, rp, &mo);
		if (r == -ENOMEM) {
			fs_err("out of memory");
			status = FS_EXIT_INTERNAL;
		}
	}
	fs_report_free(rp);
	fs_snapshot_free(s);
	return fs_finish(status);
}
