#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "collect.h"
#include "load.h"
#include "render.h"
#include "safe_write.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: fragstat [snapshot] [OPTIONS]\n"
		"One fragmentation report. The table answers first: per node, what the kernel\n"
		"would do now with an allocation of the focus order (a THP fault at the huge\n"
		"page order, else a movable user page) and how many such blocks are free now\n"
		"and after compaction; then what deserves attention, the evidence (compaction\n"
		"and THP counters, MemAvailable, the hugetlb pool), one row per zone and the\n"
		"free blocks per order.\n"
		"\n"
		"Source (default: this machine's /proc and debugfs):\n"
		"  -r, --root DIR        read DIR/proc/... and DIR/sys/kernel/debug/extfrag/...\n"
		"                        (a capture or a sosreport)\n"
		"  -i, --input FILE      read a snapshot fragstat wrote as JSON ('-' = stdin)\n"
		"\n"
		"Output:\n"
		"  -o, --format FMT      table (default), json or prometheus\n"
		"  -O, --output FILE     write FILE instead of stdout, atomically: a temporary\n"
		"                        file beside it, fsynced and renamed over FILE, mode\n"
		"                        0644; on failure FILE is left as it was. No link is\n"
		"                        followed; a directory another user can write is\n"
		"                        refused (for node_exporter's textfile collector)\n"
		"      --prometheus-detail\n"
		"                        prometheus: also the per-zone, per-order families\n"
		"                        (indices, free blocks, zone verdicts) and the\n"
		"                        per-migratetype ones (about 500 series on a 3-zone host)\n"
		"      --prometheus-no-migratetype\n"
		"                        prometheus detail: leave out the per-migratetype families\n"
		"      --color WHEN      auto (default), always or never; NO_COLOR is honoured\n"
		"      --kernel-format F print debugfs extfrag/F exactly as the kernel would,\n"
		"                        F = extfrag_index or unusable_index\n"
		"  -N, --node N          only node N\n"
		"  -z, --zone NAME       only zones named NAME (DMA, DMA32, Normal, ...)\n"
		"  -v, --detail          table: also every zone's check for every allocation\n"
		"                        kind, and per zone the per-order table (indices,\n"
		"                        zone verdicts) and the per-migratetype grids\n"
		"  -k, --order N         the order to focus on (default: the compaction huge\n"
		"                        page order, the pageblock order)\n"
		"      --page-size SIZE  page size of data that does not tell it (4K, 64K);\n"
		"                        an error when the data gives another size\n"
		"      --no-kernel-check do not read debugfs to compare with the kernel\n"
		"      --strict          a malformed optional file is an error (exit 2);\n"
		"                        by default it is left out with a warning\n"
		"      --pages           also read /proc/kpageflags and /proc/kpagecount (root):\n"
		"                        pageblock content, compaction ceiling, pages by class\n"
		"  -h, --help            show this help and exit\n"
		"  -V, --version         show the version and exit\n"
		"\n"
		"Exit status: 0 ok, 1 usage error, 2 input unreadable or malformed,\n"
		"3 output could not be written, 4 internal error.\n");
}

enum { OPT_COLOR = 256, OPT_KFMT, OPT_NO_KCHECK, OPT_PAGE_SIZE, OPT_PROM_NO_MT, OPT_STRICT, OPT_PROM_DETAIL,
       OPT_PAGES };

int cmd_snapshot_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "input", required_argument, NULL, 'i' },
		{ "format", required_argument, NULL, 'o' },
		{ "output", required_argument, NULL, 'O' },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "colour", required_argument, NULL, OPT_COLOR },
		{ "kernel-format", required_argument, NULL, OPT_KFMT },
		{ "no-kernel-check", no_argument, NULL, OPT_NO_KCHECK },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "prometheus-no-migratetype", no_argument, NULL, OPT_PROM_NO_MT },
		{ "prometheus-detail", no_argument, NULL, OPT_PROM_DETAIL },
		{ "page-size", required_argument, NULL, OPT_PAGE_SIZE },
		{ "detail", no_argument, NULL, 'v' },
		{ "pages", no_argument, NULL, OPT_PAGES },
		{ "node", required_argument, NULL, 'N' },
		{ "zone", required_argument, NULL, 'z' },
		{ "order", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = NULL, *input = NULL, *color = "auto", *output = NULL;
	struct fs_render_opts ro = { .format = FS_FMT_TABLE };
	struct fs_report_opts rep = { .focus_order = -1, .node_filter = -1 };
	int kfmt = -1;
	bool kcheck = true, strict = false, pages = false;
	uint64_t page_size = 0;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:i:o:O:N:z:k:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': root = optarg; break;
		case 'i': input = optarg; break;
		case 'o':
			if (fs_format_parse(optarg, &ro.format))
				return fs_usage_error("snapshot", "unknown format '%s' (table, json or prometheus)", optarg);
			break;
		case 'O': output = optarg; break;
		case OPT_COLOR: color = optarg; break;
		case OPT_KFMT:
			if (strcmp(optarg, "extfrag_index") == 0)
				kfmt = FS_SRC_EXTFRAG_INDEX;
			else if (strcmp(optarg, "unusable_index") == 0)
				kfmt = FS_SRC_UNUSABLE_INDEX;
			else
				return fs_usage_error("snapshot", "--kernel-format takes extfrag_index or unusable_index, not '%s'", optarg);
			break;
		case OPT_NO_KCHECK: kcheck = false; break;
		case OPT_STRICT: strict = true; break;
		case OPT_PAGES: pages = true; break;
		case OPT_PROM_NO_MT: ro.prom_no_migratetype = true; break;
		case OPT_PROM_DETAIL: ro.prom_detail = true; break;
		case OPT_PAGE_SIZE:
			if (fs_parse_page_size(optarg, &page_size))
				return fs_usage_error("snapshot", "--page-size takes a power of two such as 4K or 64K, not '%s'", optarg);
			break;
		case 'N':
			if ((rep.node_filter = (int)fs_opt_long(optarg, FS_NODE_ID_MAX)) < 0)
				return fs_usage_error("snapshot", "--node takes a node number, not '%s'", optarg);
			break;
		case 'z': rep.zone_filter = optarg; break;
		case 'v': ro.detail = true; break;
		case 'k':
			if ((rep.focus_order = (int)fs_opt_long(optarg, FS_MAX_ORDERS - 1)) < 0)
				return fs_usage_error("snapshot", "--order takes an order 0..%d, not '%s'", FS_MAX_ORDERS - 1, optarg);
			break;
		default: return fs_opt_other("snapshot", c, argv, usage);
		}
	}
	if (optind < argc)
		return fs_usage_error("snapshot", "unexpected argument '%s'", argv[optind]);
	if (root && input)
		return fs_usage_error("snapshot", "--root and --input exclude each other");
	if (pages && input)
		return fs_usage_error("snapshot", "--pages reads /proc/kpageflags (live or --root), not --input");
	if (root && !*root)
		return fs_usage_error("snapshot", "--root needs a directory, not an empty name");
	if (input && !*input)
		return fs_usage_error("snapshot", "--input needs a file name ('-' for stdin), not an empty name");
	/* With --output the document is rendered into memory, then written
	 * whole by sw_file_replace(). */
	char *obuf = NULL;
	size_t olen = 0;
	FILE *out = stdout;
	if (output && !(out = open_memstream(&obuf, &olen))) {
		fs_err("out of memory");
		return FS_EXIT_INTERNAL;
	}
	int cm = fs_color_mode(color, out);
	if (cm < 0) {
		if (output)
			fclose(out);
		free(obuf);
		return fs_usage_error("snapshot", "--color takes auto, always or never, not '%s'", color);
	}
	ro.color = cm == 1 && ro.format == FS_FMT_TABLE;
	ro.width = output ? 80 : fs_term_width(stdout);

	struct fs_snapshot *s = NULL;
	struct fs_diag d = { 0 };
	struct fs_collect_result res;
	int r;
	if (input) {
		r = fs_load_state_ex(input, strict, false, &res, &s, &d);
	} else {
		struct fs_collect_opts co = {
			.root = root,
			.mask = kfmt >= 0 ? FS_SRC_BIT(FS_SRC_BUDDYINFO) : FS_SRC_ALL,
			.use_procps = true,
			.kernel_check = kcheck && !root,
			.strict = strict,
			.pages = pages && kfmt < 0,
		};
		if (!kcheck)
			co.mask &= ~FS_SRC_DEBUGFS;
		if (!(s = fs_snapshot_new()))
			r = -ENOMEM;
		else
			r = fs_collect(s, &co, &res, &d);
	}
	if (r) {
		fs_snapshot_free(s);
		if (output)
			fclose(out);
		free(obuf);
		return fs_read_failed(r, &d);
	}
	fs_warn_malformed(&res);
	if ((r = fs_apply_page_size("snapshot", s, page_size)) != FS_EXIT_OK) {
		fs_snapshot_free(s);
		if (output)
			fclose(out);
		free(obuf);
		return r;
	}
	if (rep.focus_order >= (int)s->orders) {
		unsigned n = s->orders;
		fs_snapshot_free(s);
		if (output)
			fclose(out);
		free(obuf);
		return fs_usage_error("snapshot", "--order %d is beyond this data's %u orders (0..%u)",
				      rep.focus_order, n, n - 1);
	}
	struct fs_report *rp = fs_report_new(s, &rep);
	if (!rp) {
		fs_snapshot_free(s);
		if (output)
			fclose(out);
		free(obuf);
		fs_err("out of memory");
		return FS_EXIT_INTERNAL;
	}
	int status = FS_EXIT_OK;
	if (rp->nnodes == 0) {
		fs_err("no zone matches the --node/--zone filter");
		status = FS_EXIT_USAGE;
	} else {
		r = kfmt >= 0 ? fs_render_kernel_format(out, rp, kfmt) : fs_render(out, rp, &ro);
		if (r == -ERANGE) {
			fs_err("free block counts too large for the kernel's 64-bit arithmetic");
			status = FS_EXIT_INPUT;
		} else if (r == -ENOSYS) {
			fs_err("this output format is not available in this build");
			status = FS_EXIT_USAGE;
		} else if (r == -ENOMEM) {
			fs_err("out of memory");
			status = FS_EXIT_INTERNAL;
		}
	}
	fs_report_free(rp);
	fs_snapshot_free(s);
	if (output) {
		bool bad = ferror(out);
		if (fclose(out) != 0 || bad) {
			if (status == FS_EXIT_OK) {
				fs_err("out of memory");
				status = FS_EXIT_INTERNAL;
			}
		} else if (status == FS_EXIT_OK) {
			struct sw_diag wd = { 0 };
			int wr = sw_file_replace(output, obuf, olen, &wd);
			if (wr) {
				fs_err("%s", wd.msg);
				status = wr == -ENOMEM ? FS_EXIT_INTERNAL : wd.usage ? FS_EXIT_USAGE : FS_EXIT_OUTPUT;
			}
		}
		free(obuf);
	}
	return fs_finish(status);
}
