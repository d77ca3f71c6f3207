/* cmd_diff.c - fragstat diff A B: what changed between two states. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "collect.h"
#include "diff.h"
#include "load.h"
#include "render_diff.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: fragstat diff [OPTIONS] A B\n"
		"What changed from A to B: per node, zone and order the change in free blocks,\n"
		"in the unusable free space and fragmentation indices and in the verdicts;\n"
		"the compaction, migration and THP counters of vmstat, with per-second rates\n"
		"when both sides carry the time they were taken.\n"
		"\n"
		"A and B are each a --root tree (a 'fragstat capture' directory, a sosreport)\n"
		"or a snapshot fragstat wrote as JSON ('-' = stdin, for one of them).\n"
		"A JSON snapshot carries its time; a capture carries it in fragstat-capture.txt;\n"
		"other trees have none, so their counters get deltas but no rates.\n"
		"\n"
		"Options:\n"
		"  -o, --format FMT      table (default) or json\n"
		"      --compact         one-line JSON\n"
		"      --strict          a malformed optional file of a tree is an error (exit 2);\n"
		"                        by default it is left out with a warning\n"
		"      --pages           also compare the page layout of --root trees\n"
		"                        (kpageflags/kpagecount or a capture's kpage.rle):\n"
		"                        pageblock content, compaction ceiling, and which\n"
		"                        blocks changed class\n"
		"  -h, --help            show this help and exit\n"
		"  -V, --version         show the version and exit\n"
		"\n"
		"Zones present on one side only are listed as such. Exit status: 0 ok,\n"
		"1 usage error, 2 input unreadable or malformed, 3 output could not be\n"
		"written, 4 internal error.\n");
}

static int load(const char *path, bool strict, bool pages, struct fs_snapshot **s, bool *has_time)
{
	struct fs_diag d = { 0 };
	struct fs_collect_result *res = malloc(sizeof *res);
	if (!res) {
		fs_err("out of memory");
		return FS_EXIT_INTERNAL;
	}
	int r = fs_load_state_ex(path, strict, pages, res, s, &d);
	if (!r)
		fs_warn_malformed(res);
	free(res);
	if (r)
		return fs_read_failed(r, &d);
	/* Only a real time of reading: a JSON snapshot's (null for a tree it was
	 * converted from) or a capture note's, never the time of loading. */
	*has_time = (*s)->time_known;
	return FS_EXIT_OK;
}

enum { OPT_COMPACT = 256, OPT_STRICT, OPT_PAGES };

int cmd_diff_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'o' },
		{ "compact", no_argument, NULL, OPT_COMPACT },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "pages", no_argument, NULL, OPT_PAGES },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, compact = false, strict = false, pages = false;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (fs_opt_table_json("diff", optarg, &json))
				return FS_EXIT_USAGE;
			break;
		case OPT_COMPACT: compact = true; break;
		case OPT_STRICT: strict = true; break;
		case OPT_PAGES: pages = true; break;
		default: return fs_opt_other("diff", c, argv, usage);
		}
	}
	if (argc - optind != 2)
		return fs_usage_error("diff", "needs two states, A and B (got %d)", argc - optind);
	const char *pa = argv[optind], *pb = argv[optind + 1];
	if (strcmp(pa, "-") == 0 && strcmp(pb, "-") == 0)
		return fs_usage_error("diff", "only one of A and B can be stdin");

	struct fs_snapshot *sa = NULL, *sb = NULL;
	struct fs_report *ra = NULL, *rb = NULL;
	struct fs_diff *d = NULL;
	struct fs_diff_sides sides = { 0 };
	if (!*pa || !*pb)
		return fs_usage_error("diff", "A and B must be files or directories, not an empty name");
	int status = load(pa, strict, pages, &sa, &sides.time_a);
	if (status == FS_EXIT_OK)
		status = load(pb, strict, pages, &sb, &sides.time_b);
	if (status != FS_EXIT_OK)
		goto out;
	struct fs_report_opts ro = { .focus_order = -1, .node_filter = -1 };
	ra = fs_report_new(sa, &ro);
	rb = fs_report_new(sb, &ro);
	if (!ra || !rb || fs_diff_new(ra, sides.time_a, rb, sides.time_b, &d)) {
		fs_err("out of memory");
		status = FS_EXIT_INTERNAL;
		goto out;
	}
	sides.a = sa;
	sides.b = sb;
	int r = json ? fs_render_diff_json(stdout, d, &sides, compact)
		     : fs_render_diff_table(stdout, d, &sides);
	if (r == -ENOMEM) {
		fs_err("out of memory");
		status = FS_EXIT_INTERNAL;
	}
out:
	fs_diff_free(d);
	fs_report_free(ra);
	fs_report_free(rb);
	fs_snapshot_free(sa);
	fs_snapshot_free(sb);
	return fs_finish(status);
}
