/* cmd_log.c - fragstat log [FILE|-] [--root DIR]: explain the allocation
 * failures and OOM reports in a kernel log. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "klog.h"
#include "klog_cause.h"
#include "klog_read.h"
#include "render_klog.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: fragstat log [OPTIONS] [FILE|-]\n"
		"Find every allocation failure ('page allocation failure', stalls, vmalloc and\n"
		"vmemmap failures) and OOM report ('invoked oom-killer') in a kernel log, parse\n"
		"its free-area dump into a snapshot, and say why the allocation failed on the\n"
		"state the kernel printed: fragmentation, lack of memory, the lowmem reserve,\n"
		"highatomic/CMA pages, a nodemask or cpuset, or a state that changed before\n"
		"the dump was printed. One line per report first, a timeline when there are\n"
		"several, then each report in detail.\n"
		"\n"
		"The log may be dmesg (with or without timestamps, dmesg -T), journalctl -k,\n"
		"/var/log/messages or kern.log, or a paste from a mail or web page: quoting\n"
		"('> '), quoted-printable, wrapped lines and rsyslog '#012' are undone.\n"
		"Without FILE (or with '-') the log is read from stdin.\n"
		"\n"
		"Options:\n"
		"  -o, --format FMT   table (default) or json\n"
		"      --compact      one-line JSON\n"
		"      --root DIR     read the log of a tree (a sosreport): the first of\n"
		"                     sos_commands/kernel/dmesg, var/log/kern.log,\n"
		"                     var/log/messages that exists\n"
		"  -h, --help         show this help and exit\n"
		"  -V, --version      show the version and exit\n"
		"\n"
		"Exit status: 0 when at least one report was analysed, 1 usage error, 2 when\n"
		"the input could not be read or held no report that could be analysed,\n"
		"3 output could not be written, 4 internal error.\n");
}

enum { OPT_COMPACT = 256, OPT_ROOT };

int cmd_log_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'o' },
		{ "compact", no_argument, NULL, OPT_COMPACT },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, compact = false;
	const char *root = NULL;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (fs_opt_table_json("log", optarg, &json))
				return FS_EXIT_USAGE;
			break;
		case OPT_COMPACT: compact = true; break;
		case OPT_ROOT: root = optarg; break;
		default: return fs_opt_other("log", c, argv, usage);
		}
	}
	if (argc - optind > 1)
		return fs_usage_error("log", "takes one log file (got %d)", argc - optind);
	if (root && argc - optind == 1)
		return fs_usage_error("log", "give either FILE or --root, not both");
	if (root && !*root)
		return fs_usage_error("log", "--root needs a directory");

	const char *path = argc - optind == 1 ? argv[optind] : "-";
	struct fs_diag d = { 0 };
	struct fs_buf b = { 0 };
	char shown[4096];
	int r;
	if (root) {
		const char *rel = NULL;
		r = fs_klog_read_root(root, &rel, &b, &d);
		if (!r)
			snprintf(shown, sizeof shown, "%s/%s", root, rel);
	} else {
		r = fs_klog_read(path, &b, &d);
		snprintf(shown, sizeof shown, "%s", strcmp(path, "-") == 0 ? "(stdin)" : path);
	}
	if (r)
		return fs_finish(fs_read_failed(r, &d));
	struct fs_klog *log = NULL;
	r = fs_klog_parse(shown, b.data, b.len, &log, &d);
	fs_buf_free(&b);
	if (r)
		return fs_finish(fs_read_failed(r, &d));
	struct fs_klog_analysis *an = calloc(log->n ? log->n : 1, sizeof *an);
	if (!an) {
		fs_klog_free(log);
		fs_err("out of memory");
		return fs_finish(FS_EXIT_INTERNAL);
	}
	unsigned analysed = 0;
	for (size_t i = 0; i < log->n; i++) {
		fs_klog_analyse(&log->reports[i], &an[i]);
		analysed += log->reports[i].analysable;
	}
	int status = FS_EXIT_OK;
	if (log->n == 0) {
		fs_err("%s: no allocation failure, OOM report or free-area dump found "
		       "(expected 'page allocation failure', 'invoked oom-killer' or 'Mem-Info:')", shown);
		status = FS_EXIT_INPUT;
	} else {
		r = json ? fs_render_klog_json(stdout, log, an, compact) : fs_render_klog(stdout, log, an);
		if (r == -ENOMEM) {
			fs_err("out of memory");
			status = FS_EXIT_INTERNAL;
		} else if (!analysed) {
			/* The reports are printed (with their diagnostics) before the verdict. */
			fs_err("%s: %zu report%s found, none could be analysed (no whole buddy line)", shown,
			       log->n, log->n == 1 ? "" : "s");
			status = FS_EXIT_INPUT;
		}
	}
	for (size_t i = 0; i < log->n; i++)
		fs_klog_analysis_release(&an[i]);
	free(an);
	fs_klog_free(log);
	return fs_finish(status);
}
