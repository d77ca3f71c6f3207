/* cmd_capture.c - fragstat capture DIR: copy the files fragstat reads into
 * DIR in the --root layout, with a note of what was taken and when. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "collect.h"
#include "load.h"
#include "timefmt.h"
#include "safe_write.h"
#include "rd_kpage.h"

#define CAPTURE_NOTE FS_CAPTURE_NOTE
#define OSRELEASE "proc/sys/kernel/osrelease"
#define CHECK_TRIES 20

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: fragstat capture [OPTIONS] DIR\n"
		"Copy the kernel files fragstat reads into DIR, in the layout --root reads:\n"
		"DIR/proc/{buddyinfo,pagetypeinfo,zoneinfo,vmstat,meminfo}, DIR/proc/sys/vm/...,\n"
		"DIR/proc/sys/kernel/osrelease and DIR/sys/kernel/debug/extfrag/... (debugfs\n"
		"needs root). DIR/" CAPTURE_NOTE " records the kernel release, the page size,\n"
		"the time (for a --root tree, the time its own note records, if any), and each\n"
		"file that could not be read and why. buddyinfo is read before and after the\n"
		"debugfs files until both reads agree, so the kernel's indices describe the\n"
		"captured buddyinfo.\n"
		"\n"
		"Options:\n"
		"  -r, --root SRC        copy from the tree SRC instead of this machine\n"
		"  -f, --force           replace a DIR that is not empty, as a whole: it may\n"
		"                        hold only proc/, sys/ and " CAPTURE_NOTE "\n"
		"      --no-pages        leave out the page layout; by default, when\n"
		"                        /proc/kpageflags and kpagecount are readable (root),\n"
		"                        DIR/" RD_KPAGE_RLE " keeps them run-length encoded\n"
		"                        (a few MiB for 24 GiB) with proc/iomem and\n"
		"                        proc/sys/vm/compact_unevictable_allowed\n"
		"  -h, --help            show this help and exit\n"
		"  -V, --version         show the version and exit\n"
		"\n"
		"The capture is built in a private directory beside DIR and renamed into place\n"
		"only when complete, so a failure leaves DIR as it was. DIR must not be a\n"
		"symbolic link, nor lie under a directory another user can write (see WRITING\n"
		"FILES in fragstat(1)); /, /proc, /sys and /dev are refused.\n"
		"\n"
		"Read it back with 'fragstat snapshot --root DIR' or 'fragstat diff'.\n"
		"Exit status: 0 ok, 1 usage error, DIR not empty or refused by name, 2 buddyinfo\n"
		"unreadable, 3 DIR could not be written or is not safe to write, 4 internal error.\n");
}

/* Every file a capture holds, besides the note. */
static const char *rel_of(int i)
{
	return i < FS_SRC_COUNT ? fs_src_relpath((enum fs_src)i) : OSRELEASE;
}
#define NFILES (FS_SRC_COUNT + 1)

struct capture {
	const char *src;                 /* NULL: live */
	const char *dir;
	int err[NFILES];                 /* 0 captured, else -errno of the read */
	struct fs_buf data[NFILES];
	unsigned attempts;
	bool stable;
};

/* Read one file of the source, beneath it (no link out, regular files
 * only: fs_read_beneath()). */
static int read_rel(const struct capture *c, int i, struct fs_buf *b)
{
	return fs_read_beneath(c->src, rel_of(i), b, NULL);
}

/* buddyinfo before and after both debugfs files, until the two agree. */
static int read_checked(struct capture *c)
{
	const int which[3] = { FS_SRC_BUDDYINFO, FS_SRC_EXTFRAG_INDEX, FS_SRC_UNUSABLE_INDEX };
	for (int i = 0; i < 3; i++) {
		fs_buf_free(&c->data[which[i]]);
		c->err[which[i]] = 0;
	}
	struct fs_stable_read sr;
	int r = fs_read_buddyinfo_stable(c->src, CHECK_TRIES, &sr, NULL);
	c->attempts = sr.attempts;
	c->stable = sr.stable;
	c->err[FS_SRC_BUDDYINFO] = sr.err_buddy;
	c->err[FS_SRC_EXTFRAG_INDEX] = sr.err_extfrag;
	c->err[FS_SRC_UNUSABLE_INDEX] = sr.err_unusable;
	c->data[FS_SRC_BUDDYINFO] = sr.buddy;
	c->data[FS_SRC_EXTFRAG_INDEX] = sr.extfrag;
	c->data[FS_SRC_UNUSABLE_INDEX] = sr.unusable;
	return r;
}

static void kernel_release(const struct capture *c, char *buf, size_t size)
{
	snprintf(buf, size, "unknown");
	if (!c->src) {
		struct utsname u;
		if (uname(&u) == 0)
			snprintf(buf, size, "%s", u.release);
		return;
	}
	const struct fs_buf *b = &c->data[FS_SRC_COUNT];
	if (!c->err[FS_SRC_COUNT] && b->data) {
		/* A release is a printable token (no control byte reaches the
		 * note); anything else stays "unknown". */
		size_t n = strcspn(b->data, " \n");
		char tok[FS_RELEASE_MAX + 1];
		if (n > 0 && n <= FS_RELEASE_MAX && n < size) {
			memcpy(tok, b->data, n);
			tok[n] = '\0';
			if (fs_name_ok(tok, sizeof tok))
				snprintf(buf, size, "%s", tok);
		}
	}
}

/* The note, as text in a malloc'ed buffer; NULL on ENOMEM. */
static char *note_text(const struct capture *c, bool timed, int64_t sec, int32_t nsec,
		       const char *pagesize, const char *parse_problem)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	char kernel[128], ts[40];
	kernel_release(c, kernel, sizeof kernel);
	if (timed)
		fs_rfc3339(ts, sizeof ts, sec);
	else
		snprintf(ts, sizeof ts, "unknown (the source tree does not say)");
	fprintf(f, "# fragstat capture: the kernel files fragstat reads, in the --root layout.\n"
		   "# Read it with: fragstat snapshot --root DIR (or fragstat diff A B).\n");
	fprintf(f, "fragstat_version: %s\n", PACKAGE_VERSION);
	char esc[4096];
	/* The path is the user's: escaped, so a newline in it cannot add a
	 * line to the note. */
	fprintf(f, "source: %s\n", c->src ? fs_escape(esc, sizeof esc, c->src) : "live");
	fprintf(f, "kernel: %s\n", kernel);
	fprintf(f, "page_size: %s\n", pagesize);
	fprintf(f, "time: %s\n", ts);
	if (timed)
		fprintf(f, "timestamp_ns: %" PRId64 "\n", sec * (int64_t)1000000000 + nsec);
	fprintf(f, "buddyinfo_reads: %u\n", c->attempts);
	fprintf(f, "buddyinfo_stable: %s\n",
		c->err[FS_SRC_EXTFRAG_INDEX] && c->err[FS_SRC_UNUSABLE_INDEX] ? "n/a (no debugfs)"
		: c->stable ? "yes" : "no (the kernel kept changing)");
	for (int i = 0; i < NFILES; i++)
		if (!c->err[i])
			fprintf(f, "captured: %s\n", rel_of(i));
	for (int i = 0; i < NFILES; i++)
		if (c->err[i])
			fprintf(f, "not captured: %s (%s)\n", rel_of(i), strerror(-c->err[i]));
	if (parse_problem)   /* holds the user's path: escaped, one line */
		fprintf(f, "parse problem: %s\n", fs_escape(esc, sizeof esc, parse_problem));
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

enum { OPT_NONE = 256 };

/* The page layout (issue 13): DIR/proc/kpage.rle from the raw files or
 * from a tree's kpage.rle, plus the two small files its reader uses.
 * Returns 0, or an exit status after printing why. A source that cannot be
 * read (not root) is left out with a note on stderr, like other files. */
static int capture_pages(const char *src, struct sw_tree *tree)
{
	/* compact_unevictable_allowed is one of the sources captured above. */
	static const char *const small[] = { "proc/iomem" };
	char pf[4096], pc[4096];
	struct rd_kpage_src fs, cs;
	struct fs_diag d = { 0 };
	struct sw_diag wd = { 0 };
	int which, r;
	for (size_t i = 0; i < sizeof small / sizeof small[0]; i++) {
		struct fs_buf b;
		/* Beneath the source like every file of it. */
		if (fs_read_beneath(src, small[i], &b, NULL) != 0)
			continue;
		r = sw_tree_put(tree, small[i], b.data, b.len, &wd);
		fs_buf_free(&b);
		if (r) {
			fs_err("%s", wd.msg);
			return FS_EXIT_OUTPUT;
		}
	}
	r = rd_kpage_open(src, &fs, &cs, pf, pc, sizeof pf, &which, &d);
	if (r == -ENOMEM) {
		fs_err("out of memory");
		return FS_EXIT_INTERNAL;
	}
	if (r) {
		if (r != -ENOENT)
			fs_err("%s not captured: %s", d.file ? d.file : "page layout", d.msg);
		return FS_EXIT_OK;
	}
	/* The run-length form is built in memory (a few MiB for 24 GiB) and
	 * written into the private tree like every other file. */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f) {
		rd_kpage_close(&fs);
		rd_kpage_close(&cs);
		fs_err("out of memory");
		return FS_EXIT_INTERNAL;
	}
	uint64_t pfns = 0;
	r = rd_kpage_rle_write(f, &fs, &cs, &pfns, &d);
	rd_kpage_close(&fs);
	rd_kpage_close(&cs);
	if (fclose(f) != 0 && !r)
		r = -ENOMEM;
	if (r == -ENOMEM || r == -EIO) {
		free(buf);
		fs_err("out of memory");
		return FS_EXIT_INTERNAL;
	}
	if (r) {
		free(buf);
		fs_err_diag(&d);
		return FS_EXIT_INPUT;
	}
	r = sw_tree_put(tree, RD_KPAGE_RLE, buf, len, &wd);
	free(buf);
	if (r) {
		fs_err("%s", wd.msg);
		return FS_EXIT_OUTPUT;
	}
	return FS_EXIT_OK;
}

int cmd_capture_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "force", no_argument, NULL, 'f' },
		{ "no-pages", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct capture c = { 0 };
	bool force = false, pages = true;
	int opt;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":r:fhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			if (!*optarg)
				return fs_usage_error("capture", "--root needs a directory, not an empty name");
			c.src = optarg;
			break;
		case 'f': force = true; break;
		case 'P': pages = false; break;
		default: return fs_opt_other("capture", opt, argv, usage);
		}
	}
	if (argc - optind != 1)
		return fs_usage_error("capture", "needs one directory to write into");
	c.dir = argv[optind];
	if (c.src) {
		struct stat st;
		if (stat(c.src, &st) != 0 || !S_ISDIR(st.st_mode)) {
			fs_err("%s: not a directory", c.src);
			return FS_EXIT_INPUT;
		}
	}

	/* Check DIR and make the private tree before reading anything. */
	static const char *const layout[] = { "proc", "sys", CAPTURE_NOTE, NULL };
	struct sw_tree *tree = NULL;
	struct sw_diag wd = { 0 };
	int r = sw_tree_begin(&tree, c.dir, force ? SW_FORCE : 0, layout, &wd);
	if (r) {
		fs_err("%s", wd.msg);
		return r == -ENOMEM ? FS_EXIT_INTERNAL : wd.usage ? FS_EXIT_USAGE : FS_EXIT_OUTPUT;
	}

	/* Read everything first, then write: a failed read leaves DIR alone. */
	/* The time the state was taken: now for this machine; for a tree, the
	 * time its own capture note records, or none (never the time of this
	 * copy). Its page size likewise. */
	int64_t sec = 0;
	int32_t nsec = 0;
	bool timed = true;
	struct fs_capture_note src_note = { 0 };
	if (c.src) {
		fs_capture_note_read(c.src, &src_note);
		timed = src_note.has_time;
		sec = src_note.time_sec;
		nsec = src_note.time_nsec;
	} else {
		fs_clock_now(&sec, &nsec);
	}
	r = read_checked(&c);
	int status = FS_EXIT_OK;
	if (r) {
		char path[4096];
		fs_err("%s: %s", fs_path_join(path, sizeof path, c.src, rel_of(FS_SRC_BUDDYINFO)) ? path : "buddyinfo",
		       fs_read_refused(r) ? "refused: a link out of the tree or not a regular file"
		       : fs_strerror(r));
		status = FS_EXIT_INPUT;
		goto out;
	}
	for (int i = 0; i < NFILES; i++)
		if (i != FS_SRC_BUDDYINFO && i != FS_SRC_EXTFRAG_INDEX && i != FS_SRC_UNUSABLE_INDEX)
			c.err[i] = read_rel(&c, i, &c.data[i]);
	/* A path refused in the source tree (a link out of it, a FIFO) is an
	 * error, never a file merely "not captured". */
	for (int i = 0; i < NFILES; i++)
		if (fs_read_refused(c.err[i])) {
			struct fs_buf tmp;
			struct fs_diag d = { 0 };
			fs_read_beneath(c.src, rel_of(i), &tmp, &d);
			fs_buf_free(&tmp);
			fs_err_diag(&d);
			status = FS_EXIT_INPUT;
			goto out;
		}

	for (int i = 0; i < NFILES; i++) {
		if (c.err[i])
			continue;
		r = sw_tree_put(tree, rel_of(i), c.data[i].data, c.data[i].len, &wd);
		if (r) {
			fs_err("%s", wd.msg);
			status = FS_EXIT_OUTPUT;
			goto out;
		}
	}

	if (pages && (status = capture_pages(c.src, tree)) != FS_EXIT_OK)
		goto out;

	/* The page size: this machine's, or what a snapshot of the capture
	 * infers (MemTotal over managed pages). Reading the capture back also
	 * tells whether fragstat can parse it. */
	char pagesize[64] = "unknown";
	char problem[300] = "";
	if (!c.src) {
		long ps = sysconf(_SC_PAGESIZE);
		if (ps > 0)
			snprintf(pagesize, sizeof pagesize, "%ld", ps);
	}
	struct fs_snapshot *s = NULL;
	struct fs_diag d = { 0 };
	struct fs_collect_result *res = malloc(sizeof *res);
	r = res ? fs_load_state_ex(sw_tree_path(tree), false, false, res, &s, &d) : -ENOMEM;
	if (r == -ENOMEM) {
		free(res);
		fs_err("out of memory");
		status = FS_EXIT_INTERNAL;
		goto out;
	}
	if (r) {
		/* Name the file as it will be in DIR, not in the private tree. */
		const char *tp = sw_tree_path(tree);
		size_t tl = strlen(tp);
		if (d.file && strncmp(d.file, tp, tl) == 0) {
			char shown[sizeof d.file_store];
			snprintf(shown, sizeof shown, "%s%s", c.dir, d.file + tl);
			memcpy(d.file_store, shown, sizeof shown);
			d.file = d.file_store;
		}
		snprintf(problem, sizeof problem, "%s:%u:%u: %s", d.file ? d.file : "?", d.line, d.col, d.msg);
		fs_err("warning: fragstat cannot read this capture back:");
		fs_err_diag(&d);
	} else {
		/* An optional file that does not parse is left out when the
		 * capture is read: say so here and in the note. */
		for (int i = 0; i < FS_SRC_COUNT && !problem[0]; i++)
			if (res->malformed & FS_SRC_BIT(i)) {
				const struct fs_diag *w = &res->warn[i];
				snprintf(problem, sizeof problem, "%s:%u:%u: %s (left out when read)",
					 w->file ? w->file : fs_src_name(i), w->line, w->col, w->msg);
			}
		fs_warn_malformed(res);
		if (c.src && src_note.page_size)
			snprintf(pagesize, sizeof pagesize, "%" PRIu64, src_note.page_size);
		else if (c.src && s->page_size_from == FS_PS_MEMINFO)
			snprintf(pagesize, sizeof pagesize, "%" PRIu64, s->page_size);
	}
	free(res);
	fs_snapshot_free(s);

	for (int i = 0; i < NFILES; i++)
		if (c.err[i] && !(i == FS_SRC_EXTFRAG_INDEX || i == FS_SRC_UNUSABLE_INDEX) && c.err[i] != -ENOENT)
			fs_err("%s not captured: %s", rel_of(i), strerror(-c.err[i]));
	char *note = note_text(&c, timed, sec, nsec, pagesize, problem[0] ? problem : NULL);
	if (!note) {
		fs_err("out of memory");
		status = FS_EXIT_INTERNAL;
		goto out;
	}
	r = sw_tree_put(tree, CAPTURE_NOTE, note, strlen(note), &wd);
	free(note);
	if (r) {
		fs_err("%s", wd.msg);
		status = FS_EXIT_OUTPUT;
		goto out;
	}
	r = sw_tree_commit(tree, &wd);
	tree = NULL;
	if (r) {
		fs_err("%s", wd.msg);
		status = FS_EXIT_OUTPUT;
	} else if (wd.warning) {
		fs_err("warning: %s", wd.msg);
	}
out:
	sw_tree_abort(tree);
	for (int i = 0; i < NFILES; i++)
		fs_buf_free(&c.data[i]);
	return fs_finish(status);
}
