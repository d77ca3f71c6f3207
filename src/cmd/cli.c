#include "config.h"

#include "cli.h"
#include "collect.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "snapshot", cmd_snapshot_main, "one fragmentation report (the default command)" },
	{ "watch", cmd_watch_main, "live dashboard, JSON lines, record and replay" },
	{ "simulate", cmd_simulate_main, "buddy allocator and compaction simulation" },
	{ "diff", cmd_diff_main, "compare two snapshots (JSON files or --root trees)" },
	{ "capture", cmd_capture_main, "copy the live files into a --root tree" },
	{ "map", cmd_map_main, "physical memory by pageblock, from /proc/kpageflags (root)" },
	{ "events", cmd_events_main, "fragmentation and compaction tracepoints (root, tracefs)" },
	{ "log", cmd_log_main, "explain allocation failures and OOM reports in a kernel log" },
};

void fs_err(const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fputs("fragstat: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A message for the terminal: control bytes (which a parser's "near
 * '...'" may quote from the input) shown as \xHH; backslashes kept. */
void fs_err_diag(const struct fs_diag *d)
{
	char buf[FS_DIAG_TEXT_MAX];
	fs_err("%s", fs_diag_format(d, buf, sizeof buf));
}

void fs_warn_malformed(const struct fs_collect_result *res)
{
	if (!res)
		return;
	for (int i = 0; i < FS_SRC_COUNT; i++) {
		if (!(res->malformed & FS_SRC_BIT(i)))
			continue;
		struct fs_diag d = res->warn[i];
		char buf[FS_DIAG_TEXT_MAX];
		if (!d.file)
			d.file = fs_src_name(i);
		else if (res->warn[i].file == res->warn[i].file_store)
			d.file = d.file_store;
		fs_err("warning: %s (%s left out; --strict makes this an error)",
		       fs_diag_format(&d, buf, sizeof buf), fs_src_name(i));
	}
}

int fs_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fputs("fragstat: ", stderr);
	if (cmd)
		fprintf(stderr, "%s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'fragstat %s%s--help' for more information.\n",
		cmd ? cmd : "", cmd ? " " : "");
	return FS_EXIT_USAGE;
}

int fs_opt_other(const char *cmd, int c, char **argv, void (*usage)(FILE *))
{
	switch (c) {
	case 'h': usage(stdout); return fs_finish(FS_EXIT_OK);
	case 'V': printf("%s\n", PACKAGE_STRING); return fs_finish(FS_EXIT_OK);
	case ':': return fs_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
	default: return fs_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
	}
}

int fs_opt_table_json(const char *cmd, const char *arg, bool *json)
{
	if (strcmp(arg, "json") == 0)
		*json = true;
	else if (strcmp(arg, "table") == 0)
		*json = false;
	else
		return fs_usage_error(cmd, "unknown format '%s' (table or json)", arg);
	return FS_EXIT_OK;
}

int fs_read_failed(int r, const struct fs_diag *d)
{
	if (r == -ENOMEM) {
		fs_err("out of memory");
		return FS_EXIT_INTERNAL;
	}
	fs_err_diag(d);
	return FS_EXIT_INPUT;
}

int fs_finish(int status)
{
	/* A command that wrote its output must not "succeed" if the write
	 * failed: check every buffered byte reached the file. */
	int werr = 0;
	if (fflush(stdout) != 0 || ferror(stdout))
		werr = errno ? errno : EIO;
	if (fclose(stdout) != 0 && !werr)
		werr = errno ? errno : EIO;
	if (werr) {
		if (werr == EPIPE)
			return FS_EXIT_OUTPUT;   /* reader went away: quietly */
		fs_err("error writing output: %s", strerror(werr));
		return FS_EXIT_OUTPUT;
	}
	return status;
}

int fs_color_mode(const char *mode, FILE *f)
{
	if (!mode || strcmp(mode, "auto") == 0) {
		const char *nc = getenv("NO_COLOR");
		const char *term = getenv("TERM");
		if (nc && *nc)
			return 0;
		if (term && strcmp(term, "dumb") == 0)
			return 0;
		return isatty(fileno(f)) ? 1 : 0;
	}
	if (strcmp(mode, "always") == 0)
		return 1;
	if (strcmp(mode, "never") == 0)
		return 0;
	return -1;
}

unsigned fs_term_width(FILE *f)
{
	const char *c = getenv("COLUMNS");
	if (c && *c) {
		long v = fs_opt_long(c, 10000);
		if (v >= 40)
			return (unsigned)v;
	}
	struct winsize ws;
	if (isatty(fileno(f)) && ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col;
	return 80;
}

long fs_opt_long(const char *s, long max)
{
	char *end;
	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	return v;
}

int fs_parse_page_size(const char *s, uint64_t *out)
{
	if (fs_parse_size(s, out) || *out < 512 || *out > (1u << 24) || (*out & (*out - 1)))
		return -1;
	return 0;
}

static const char *page_size_origin(enum fs_page_size_from f)
{
	switch (f) {
	case FS_PS_LIVE: return "this machine's";
	case FS_PS_CAPTURE: return "from the capture's note";
	case FS_PS_MEMINFO: return "from meminfo MemTotal over zoneinfo's managed pages";
	case FS_PS_JSON: return "from the JSON snapshot";
	case FS_PS_SIMULATED: return "simulated";
	case FS_PS_LOG: return "from the kernel log's buddy lines";
	case FS_PS_OPTION: case FS_PS_ASSUMED: break;
	}
	return "given";
}

int fs_apply_page_size(const char *cmd, struct fs_snapshot *s, uint64_t page_size)
{
	if (!page_size)
		return FS_EXIT_OK;
	if (s->page_size_from == FS_PS_ASSUMED || s->page_size_from == FS_PS_OPTION) {
		s->page_size = page_size;
		s->page_size_assumed = false;
		s->page_size_from = FS_PS_OPTION;
		return FS_EXIT_OK;
	}
	if (s->page_size == page_size)
		return FS_EXIT_OK;   /* agrees with the data: nothing to override */
	return fs_usage_error(cmd, "--page-size %" PRIu64 " contradicts the data: its pages are %" PRIu64
			      " bytes (%s); --page-size is only for data that does not tell",
			      page_size, s->page_size, page_size_origin(s->page_size_from));
}

int fs_parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;
	if (!s || *p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9') {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p++ - '0');
	}
	unsigned shift = 0;
	switch (*p) {
	case 'k': case 'K': shift = 10; p++; break;
	case 'm': case 'M': shift = 20; p++; break;
	case 'g': case 'G': shift = 30; p++; break;
	case 't': case 'T': shift = 40; p++; break;
	default: break;
	}
	if (shift && (*p == 'i' || *p == 'I'))
		p++;
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p || (shift && v > (UINT64_MAX >> shift)))
		return -1;
	*out = v << shift;
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: fragstat [COMMAND] [OPTIONS]\n"
		"Memory fragmentation and compaction analyzer for Linux.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f,
		"\n"
		"Without a command, fragstat runs 'snapshot' with the options given.\n"
		"'fragstat COMMAND --help' describes a command's options.\n"
		"\n"
		"  -h, --help      show this help and exit\n"
		"  -V, --version   show the version and exit\n"
		"\n"
		"Exit status: 0 ok, 1 usage error, 2 input unreadable or malformed,\n"
		"3 output could not be written, 4 internal error. See fragstat(1).\n");
}

int cli_main(int argc, char **argv)
{
	if (argc >= 2) {
		const char *a = argv[1];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return fs_finish(FS_EXIT_OK);
		}
		if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
			printf("%s\n", PACKAGE_STRING);
			return fs_finish(FS_EXIT_OK);
		}
		if (strcmp(a, "help") == 0) {
			if (argc >= 3) {
				static char help_opt[] = "--help";
				char *hv[] = { argv[2], help_opt, NULL };
				for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
					if (strcmp(commands[i].name, argv[2]) == 0)
						return commands[i].run(2, hv);
				return fs_usage_error(NULL, "unknown command '%s'", argv[2]);
			}
			usage(stdout);
			return fs_finish(FS_EXIT_OK);
		}
		if (a[0] != '-') {
			for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
				if (strcmp(commands[i].name, a) == 0)
					return commands[i].run(argc - 1, argv + 1);
			return fs_usage_error(NULL, "unknown command '%s'", a);
		}
	}
	/* No command: snapshot with the options given. */
	char **av = calloc((size_t)argc + 2, sizeof *av);
	if (!av) {
		fs_err("out of memory");
		return FS_EXIT_INTERNAL;
	}
	static char snapshot_name[] = "snapshot";
	av[0] = snapshot_name;
	for (int i = 1; i < argc; i++)
		av[i] = argv[i];
	int rc = cmd_snapshot_main(argc, av);
	free(av);
	return rc;
}
