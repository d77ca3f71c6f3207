#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "collect.h"
#include "load.h"
#include "render.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: fragstat [snapshot] [OPTIONS]\n"
		"One fragmentation report: free blocks, the kernel's unusable free space and\n"
		"fragmentation indices per order, verdicts, proactive compaction, huge pages.\n"
		"\n"
		"Source (default: this machine's /proc and debugfs):\n"
		"  -r, --root DIR        read DIR/proc/... and DIR/sys/kernel/debug/extfrag/...\n"
		"                        (a capture or a sosreport)\n"
		"  -i, --input FILE      read a snapshot fragstat wrote as JSON ('-' = stdin)\n"
		"\n"
		"Output:\n"
		"  -o, --format FMT      table (default), json or prometheus\n"
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
		"  -k, --order N         the order to focus on (default: the compaction huge\n"
		"                        page order, the pageblock order)\n"
		"      --page-size SIZE  page size of a capture that does not tell (4K, 64K)\n"
		"      --no-kernel-check do not read debugfs to compare with the kernel\n"
		"  -h, --help            show this help and exit\n"
		"  -V, --version         show the version and exit\n"
		"\n"
		"Exit status: 0 ok, 1 usage error, 2 input unreadable or malformed,\n"
		"3 output could not be written, 4 internal error.\n");
}

enum { OPT_COLOR = 256, OPT_KFMT, OPT_NO_KCHECK, OPT_PAGE_SIZE, OPT_PROM_NO_MT, OPT_PROM_DETAIL };

int cmd_snapshot_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "input", required_argument, NULL, 'i' },
		{ "format", required_argument, NULL, 'o' },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "colour", required_argument, NULL, OPT_COLOR },
		{ "kernel-format", required_argument, NULL, OPT_KFMT },
		{ "no-kernel-check", no_argument, NULL, OPT_NO_KCHECK },
		{ "prometheus-no-migratetype", no_argument, NULL, OPT_PROM_NO_MT },
		{ "prometheus-detail", no_argument, NULL, OPT_PROM_DETAIL },
		{ "page-size", required_argument, NULL, OPT_PAGE_SIZE },
		{ "node", required_argument, NULL, 'N' },
		{ "zone", required_argument, NULL, 'z' },
		{ "order", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = NULL, *input = NULL, *color = "auto";
	struct fs_render_opts ro = { .format = FS_FMT_TABLE };
	struct fs_report_opts rep = { .focus_order = -1, .node_filter = -1 };
	int kfmt = -1;
	bool kcheck = true;
	uint64_t page_size = 0;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:i:o:N:z:k:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': root = optarg; break;
		case 'i': input = optarg; break;
		case 'o':
			if (fs_format_parse(optarg, &ro.format))
				return fs_usage_error("snapshot", "unknown format '%s' (table, json or prometheus)", optarg);
			break;
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
		case OPT_PROM_NO_MT: ro.prom_no_migratetype = true; break;
		case OPT_PROM_DETAIL: ro.prom_detail = true; break;
		case OPT_PAGE_SIZE:
			if (fs_parse_size(optarg, &page_size) || page_size < 512 || page_size > (1u << 24) ||
			    (page_size & (page_size - 1)))
				return fs_usage_error("snapshot", "--page-size takes a power of two such as 4K or 64K, not '%s'", optarg);
			break;
		case 'N':
			if ((rep.node_filter = (int)fs_opt_long(optarg, 65535)) < 0)
				return fs_usage_error("snapshot", "--node takes a node number, not '%s'", optarg);
			break;
		case 'z': rep.zone_filter = optarg; break;
		case 'k':
			if ((rep.focus_order = (int)fs_opt_long(optarg, FS_MAX_ORDERS - 1)) < 0)
				return fs_usage_error("snapshot", "--order takes an order 0..%d, not '%s'", FS_MAX_ORDERS - 1, optarg);
			break;
		case 'h': usage(stdout); return fs_finish(FS_EXIT_OK);
		case 'V': printf("%s\n", PACKAGE_STRING); return fs_finish(FS_EXIT_OK);
		case ':': return fs_usage_error("snapshot", "option '%s' needs a value", argv[optind - 1]);
		default: return fs_usage_error("snapshot", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return fs_usage_error("snapshot", "unexpected argument '%s'", argv[optind]);
	if (root && input)
		return fs_usage_error("snapshot", "--root and --input exclude each other");
	int cm = fs_color_mode(color, stdout);
	if (cm < 0)
		return fs_usage_error("snapshot", "--color takes auto, always or never, not '%s'", color);
	ro.color = cm == 1 && ro.format == FS_FMT_TABLE;
	ro.width = fs_term_width(stdout);

	struct fs_snapshot *s = NULL;
	struct fs_diag d = { 0 };
	int r;
	if (input) {
		r = fs_load_state(input, &s, &d);
	} else {
		struct fs_collect_result res;
		struct fs_collect_opts co = {
			.root = root,
			.mask = kfmt >= 0 ? FS_SRC_BIT(FS_SRC_BUDDYINFO) : FS_SRC_ALL,
			.use_procps = true,
			.kernel_check = kcheck && !root,
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
		if (r == -ENOMEM) {
			fs_err("out of memory");
			return FS_EXIT_INTERNAL;
		}
		fs_err_diag(&d);
		return FS_EXIT_INPUT;
	}
	if (page_size) {
		s->page_size = page_size;
		s->page_size_assumed = false;
	}
	if (rep.focus_order >= (int)s->orders) {
		unsigned n = s->orders;
		fs_snapshot_free(s);
		return fs_usage_error("snapshot", "--order %d is beyond this data's %u orders (0..%u)",
				      rep.focus_order, n, n - 1);
	}
	struct fs_report *rp = fs_report_new(s, &rep);
	if (!rp) {
		fs_snapshot_free(s);
		fs_err("out of memory");
		return FS_EXIT_INTERNAL;
	}
	int status = FS_EXIT_OK;
	if (rp->nnodes == 0) {
		fs_err("no zone matches the --node/--zone filter");
		status = FS_EXIT_USAGE;
	} else {
		r = kfmt >= 0 ? fs_render_kernel_format(stdout, rp, kfmt) : fs_render(stdout, rp, &ro);
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
	return fs_finish(status);
}
