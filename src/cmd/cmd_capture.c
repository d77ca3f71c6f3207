/* cmd_capture.c - fragstat capture DIR: copy the files fragstat reads into
 * DIR in the --root layout, with a note of what was taken and when. */
#include "config.h"

#include <dirent.h>
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

#define CAPTURE_NOTE "fragstat-capture.txt"
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
		"the time, and each file that could not be read and why. buddyinfo is read\n"
		"before and after the debugfs files until both reads agree, so the kernel's\n"
		"indices describe the captured buddyinfo.\n"
		"\n"
		"Options:\n"
		"  -r, --root SRC        copy from the tree SRC instead of this machine\n"
		"  -f, --force           write into a DIR that is not empty (files fragstat\n"
		"                        reads are replaced, or removed when now unreadable)\n"
		"  -h, --help            show this help and exit\n"
		"  -V, --version         show the version and exit\n"
		"\n"
		"Read it back with 'fragstat snapshot --root DIR' or 'fragstat diff'.\n"
		"Exit status: 0 ok, 1 usage error or DIR not empty, 2 buddyinfo unreadable,\n"
		"3 DIR could not be written, 4 internal error.\n");
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

/* Create dir and its parents (mode 0755 before umask). */
static int mkdir_p(const char *dir)
{
	char buf[4096];
	size_t n = strlen(dir);
	if (n == 0 || n >= sizeof buf)
		return -ENAMETOOLONG;
	memcpy(buf, dir, n + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(buf, 0755) != 0 && errno != EEXIST)
				return -errno;
			*p = c;
			if (c == '\0')
				break;
		}
	}
	struct stat st;
	if (stat(dir, &st) != 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* 1 when dir has an entry besides . and .., 0 when empty, -errno. */
static int dir_nonempty(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	struct dirent *e;
	int r = 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			r = 1;
			break;
		}
	closedir(d);
	return r;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Write data to dir/rel (parents created). */
static int put_file(const char *dir, const char *rel, const char *data, size_t len, char *path,
		    size_t size)
{
	if (!fs_path_join(path, size, dir, rel))
		return -ENAMETOOLONG;
	char parent[4096];
	snprintf(parent, sizeof parent, "%s", path);
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		int r = mkdir_p(parent);
		if (r)
			return r;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	int r = write_all(fd, data, len);
	if (close(fd) != 0 && !r)
		r = -errno;
	return r;
}

/* Read one file of the source, beneath it (no link out, regular files
 * only: fs_read_beneath()). */
static int read_rel(const struct capture *c, int i, struct fs_buf *b)
{
	return fs_read_beneath(c->src, rel_of(i), b, NULL);
}

/* buddyinfo before and after both debugfs files, until the two agree. */
static int read_checked(struct capture *c)
{
	for (unsigned attempt = 1; attempt <= CHECK_TRIES; attempt++) {
		struct fs_buf after = { 0 };
		for (int i = 0; i < NFILES; i++)
			if (i == FS_SRC_BUDDYINFO || i == FS_SRC_EXTFRAG_INDEX || i == FS_SRC_UNUSABLE_INDEX) {
				fs_buf_free(&c->data[i]);
				c->err[i] = 0;
			}
		c->attempts = attempt;
		c->err[FS_SRC_BUDDYINFO] = read_rel(c, FS_SRC_BUDDYINFO, &c->data[FS_SRC_BUDDYINFO]);
		if (c->err[FS_SRC_BUDDYINFO])
			return c->err[FS_SRC_BUDDYINFO];
		c->err[FS_SRC_EXTFRAG_INDEX] = read_rel(c, FS_SRC_EXTFRAG_INDEX, &c->data[FS_SRC_EXTFRAG_INDEX]);
		c->err[FS_SRC_UNUSABLE_INDEX] = read_rel(c, FS_SRC_UNUSABLE_INDEX, &c->data[FS_SRC_UNUSABLE_INDEX]);
		bool none = c->err[FS_SRC_EXTFRAG_INDEX] && c->err[FS_SRC_UNUSABLE_INDEX];
		if (none) {
			c->stable = false;   /* nothing to agree with */
			return 0;
		}
		int r = read_rel(c, FS_SRC_BUDDYINFO, &after);
		const struct fs_buf *before = &c->data[FS_SRC_BUDDYINFO];
		c->stable = r == 0 && after.len == before->len &&
			    memcmp(after.data, before->data, before->len) == 0;
		fs_buf_free(&after);
		if (c->stable)
			return 0;
	}
	return 0;
}

static void rfc3339(char *buf, size_t size, int64_t sec)
{
	time_t t = (time_t)sec;
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "1970-01-01T00:00:00Z");
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
static char *note_text(const struct capture *c, int64_t sec, int32_t nsec, const char *pagesize,
		       const char *parse_problem)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	char kernel[128], ts[40];
	kernel_release(c, kernel, sizeof kernel);
	rfc3339(ts, sizeof ts, sec);
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

int cmd_capture_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct capture c = { 0 };
	bool force = false;
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
		case 'h': usage(stdout); return fs_finish(FS_EXIT_OK);
		case 'V': printf("%s\n", PACKAGE_STRING); return fs_finish(FS_EXIT_OK);
		case ':': return fs_usage_error("capture", "option '%s' needs a value", argv[optind - 1]);
		default: return fs_usage_error("capture", "unknown option '%s'", argv[optind - 1]);
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

	struct stat st;
	if (stat(c.dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			fs_err("%s: exists and is not a directory", c.dir);
			return FS_EXIT_USAGE;
		}
		int ne = dir_nonempty(c.dir);
		if (ne < 0) {
			fs_err("%s: %s", c.dir, strerror(-ne));
			return FS_EXIT_OUTPUT;
		}
		if (ne && !force)
			return fs_usage_error("capture", "%s is not empty; use --force to write into it", c.dir);
	}

	/* Read everything first, then write: a failed read leaves DIR alone. */
	int64_t sec;
	int32_t nsec;
	fs_clock_now(&sec, &nsec);
	int r = read_checked(&c);
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

	if ((r = mkdir_p(c.dir))) {
		fs_err("%s: %s", c.dir, strerror(-r));
		status = FS_EXIT_OUTPUT;
		goto out;
	}
	char path[4096];
	for (int i = 0; i < NFILES; i++) {
		if (c.err[i]) {
			/* With --force, leave no stale copy of an unreadable file. */
			if (fs_path_join(path, sizeof path, c.dir, rel_of(i)) && unlink(path) != 0 &&
			    errno != ENOENT && errno != ENOTDIR) {
				fs_err("%s: %s", path, strerror(errno));
				status = FS_EXIT_OUTPUT;
				goto out;
			}
			continue;
		}
		r = put_file(c.dir, rel_of(i), c.data[i].data, c.data[i].len, path, sizeof path);
		if (r) {
			fs_err("%s: %s", path, strerror(-r));
			status = FS_EXIT_OUTPUT;
			goto out;
		}
	}

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
	r = res ? fs_load_state_ex(c.dir, false, res, &s, &d) : -ENOMEM;
	if (r == -ENOMEM) {
		free(res);
		fs_err("out of memory");
		status = FS_EXIT_INTERNAL;
		goto out;
	}
	if (r) {
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
		if (c.src && !s->page_size_assumed)
			snprintf(pagesize, sizeof pagesize, "%" PRIu64, s->page_size);
	}
	free(res);
	fs_snapshot_free(s);

	for (int i = 0; i < NFILES; i++)
		if (c.err[i] && !(i == FS_SRC_EXTFRAG_INDEX || i == FS_SRC_UNUSABLE_INDEX) && c.err[i] != -ENOENT)
			fs_err("%s not captured: %s", rel_of(i), strerror(-c.err[i]));
	char *note = note_text(&c, sec, nsec, pagesize, problem[0] ? problem : NULL);
	if (!note) {
		fs_err("out of memory");
		status = FS_EXIT_INTERNAL;
		goto out;
	}
	r = put_file(c.dir, CAPTURE_NOTE, note, strlen(note), path, sizeof path);
	free(note);
	if (r) {
		fs_err("%s: %s", path, strerror(-r));
		status = FS_EXIT_OUTPUT;
	}
out:
	for (int i = 0; i < NFILES; i++)
		fs_buf_free(&c.data[i]);
	return fs_finish(status);
}
