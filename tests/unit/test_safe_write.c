/* test_safe_write.c - the safe-write module: trees, appends, replaced files,
 * and the targets it refuses. Runs in a private directory under TMPDIR. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "safe_write.h"
#include "../tap.h"

static char top[4096];

/* A file system without renameat2 flags (older NFS): this definition takes
 * the place of libc's for libfragcore when no_rename_flags is set. */
static int no_rename_flags;
int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags)
{
	if (no_rename_flags && flags) {
		no_rename_flags++;
		errno = EINVAL;
		return -1;
	}
	return (int)syscall(SYS_renameat2, olddirfd, oldpath, newdirfd, newpath, flags);
}

static char *at(const char *rel)
{
	static char buf[4][8192];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", top, rel);
	return buf[i];
}

static int mode_of(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

static char *slurp(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* Entries in dir besides . and .. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static const char *const allowed[] = { "proc", "sys", "note", NULL };

static void test_tree(void)
{
	struct sw_tree *t;
	struct sw_diag d = { 0 };
	umask(0);
	int r = sw_tree_begin(&t, at("out"), 0, allowed, &d);
	is_int(r, 0, "a new tree begins (%s)", d.msg);
	if (r)
		return;
	ok(sw_tree_path(t) && strstr(sw_tree_path(t), "/.out.fragstat-") != NULL,
	   "the private tree lies beside the target: %s", sw_tree_path(t));
	is_int(mode_of(sw_tree_path(t)), 0700, "the private tree is 0700 while it is built");
	is_int(sw_tree_put(t, "proc/sys/vm/x", "1\n", 2, &d), 0, "a file with parents");
	is_int(sw_tree_put(t, "note", "n\n", 2, &d), 0, "a file at the top");
	is_int(sw_tree_put(t, "../escape", "x", 1, &d), -EINVAL, "'..' in a tree name is refused");
	is_int(sw_tree_put(t, "proc/sys/vm/x", "2\n", 2, &d), -EEXIST, "a file is written once (O_EXCL)");
	ok(access(at("out"), F_OK) != 0, "nothing at the target before the commit");
	is_int(sw_tree_commit(t, &d), 0, "commit");
	is_str(slurp(at("out/proc/sys/vm/x")), "1\n", "the file is in place");
	is_int(mode_of(at("out")), 0755, "the tree is 0755 under umask 000");
	is_int(mode_of(at("out/proc/sys")), 0755, "its directories are 0755 under umask 000");
	is_int(mode_of(at("out/note")), 0644, "its files are 0644 under umask 000");
	is_int(count_entries(top), 1, "no temporary left beside it");

	/* Not empty, without force. */
	r = sw_tree_begin(&t, at("out"), 0, allowed, &d);
	is_int(r, -ENOTEMPTY, "a non-empty target is refused without force");
	ok(d.usage && strstr(d.msg, "not empty") != NULL, "as a usage error: %s", d.msg);

	/* Force: replaced whole, the old tree removed. */
	put(at("out/proc/old"), "old\n");
	r = sw_tree_begin(&t, at("out"), SW_FORCE, allowed, &d);
	is_int(r, 0, "force replaces a tree of allowed names (%s)", d.msg);
	if (!r) {
		sw_tree_put(t, "note", "new\n", 4, &d);
		is_int(sw_tree_commit(t, &d), 0, "commit over the old tree");
	}
	is_str(slurp(at("out/note")), "new\n", "the new tree is in place");
	ok(access(at("out/proc/old"), F_OK) != 0, "the old tree's files are gone");
	is_int(count_entries(top), 1, "the old tree was removed");

	/* Abort leaves the old tree. */
	r = sw_tree_begin(&t, at("out"), SW_FORCE, allowed, &d);
	if (!r) {
		sw_tree_put(t, "note", "aborted\n", 8, &d);
		sw_tree_abort(t);
	}
	is_str(slurp(at("out/note")), "new\n", "an aborted tree leaves the old one as it was");
	is_int(count_entries(top), 1, "and removes its private directory");

	/* A foreign entry refuses even with force. */
	put(at("out/mine.txt"), "keep\n");
	r = sw_tree_begin(&t, at("out"), SW_FORCE, allowed, &d);
	is_int(r, -ENOTEMPTY, "force refuses a tree with names fragstat does not write");
	ok(strstr(d.msg, "mine.txt") != NULL, "and names the entry: %s", d.msg);
	unlink(at("out/mine.txt"));

	/* Without RENAME_EXCHANGE / RENAME_NOREPLACE: the same results. */
	no_rename_flags = 1;
	r = sw_tree_begin(&t, at("out"), SW_FORCE, allowed, &d);
	if (!r) {
		sw_tree_put(t, "note", "noflags\n", 8, &d);
		r = sw_tree_commit(t, &d);
	}
	is_int(r, 0, "replace without RENAME_EXCHANGE (%s)", d.msg);
	is_str(slurp(at("out/note")), "noflags\n", "the new tree is in place");
	is_int(count_entries(top), 1, "and the old one is gone");
	r = sw_tree_begin(&t, at("out2"), 0, allowed, &d);
	if (!r) {
		sw_tree_put(t, "note", "new2\n", 5, &d);
		r = sw_tree_commit(t, &d);
	}
	is_int(r, 0, "a new tree without RENAME_NOREPLACE (%s)", d.msg);
	is_str(slurp(at("out2/note")), "new2\n", "is in place");
	ok(no_rename_flags == 3, "both commits met the refused flags (%d)", no_rename_flags - 1);
	no_rename_flags = 0;

	{
		char cmd[8300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", at("out2"));
		if (system(cmd) != 0)
			diag("could not remove out2");
	}

	/* A link as the target, a file as the target. */
	symlink(at("out"), at("link"));
	r = sw_tree_begin(&t, at("link"), SW_FORCE, allowed, &d);
	is_int(r, -ELOOP, "a symbolic link as the target is refused");
	put(at("file"), "x");
	r = sw_tree_begin(&t, at("file"), 0, allowed, &d);
	ok(r == -ENOTDIR && d.usage, "a file as the target is refused: %s", d.msg);
}

static void test_refused_names(void)
{
	static const char *const names[] = { "", "/", "//", "/proc/fragstat-x", "/sys/x", "/dev/x",
					     "/proc", "x/..", "." };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct sw_tree *t = NULL;
		struct sw_diag d = { 0 };
		int r = sw_tree_begin(&t, names[i], 0, allowed, &d);
		ok(r < 0 && d.usage, "'%s' is refused: %s", names[i], d.msg);
		if (!r)
			sw_tree_abort(t);
	}
	struct sw_diag d = { 0 };
	ok(sw_file_replace("/proc/sys/vm/fragstat", "x", 1, &d) < 0 && d.usage,
	   "a replaced file under /proc is refused: %s", d.msg);
}

static void test_unsafe_dirs(void)
{
	struct sw_tree *t = NULL;
	struct sw_diag d = { 0 };
	mkdir(at("open"), 0777);
	chmod(at("open"), 0777);
	int r = sw_tree_begin(&t, at("open/out"), 0, allowed, &d);
	ok(r == -EPERM && !d.usage && strstr(d.msg, "writable by others"),
	   "a directory others can write is refused: %s", d.msg);
	if (!r)
		sw_tree_abort(t);
	r = sw_file_replace(at("open/x.prom"), "x", 1, &d);
	is_int(r, -EPERM, "also for a replaced file");
	mkdir(at("sticky"), 0777);
	chmod(at("sticky"), 01777);
	r = sw_file_replace(at("sticky/x.prom"), "x\n", 2, &d);
	is_int(r, 0, "a sticky directory others can write is accepted (%s)", d.msg);
	/* Through a link to an unsafe directory. */
	symlink("open", at("tolink"));
	r = sw_file_replace(at("tolink/x.prom"), "x", 1, &d);
	ok(r == -EPERM && strstr(d.msg, "open"), "a link into an unsafe directory is followed and refused: %s", d.msg);
	symlink(".", at("self"));
	r = sw_file_replace(at("self/self/y.prom"), "y\n", 2, &d);
	is_int(r, 0, "links we own to safe directories are followed (%s)", d.msg);
	is_str(slurp(at("y.prom")), "y\n", "and the file lands where they point");
}

static void test_append(void)
{
	struct sw_append *a;
	struct sw_diag d = { 0 };
	size_t torn = 99;
	umask(0);
	int r = sw_append_open(&a, at("rec"), &torn, &d);
	is_int(r, 0, "a new recording opens (%s)", d.msg);
	if (r)
		return;
	is_int((int)torn, 0, "nothing torn in a new file");
	is_int(sw_append_write(a, "one\n", 4), 0, "append a line");
	is_int(sw_append_close(a), 0, "close");
	is_int(mode_of(at("rec")), 0644, "created 0644 under umask 000");
	umask(022);
	put(at("rec"), "one\ntwo-torn");
	r = sw_append_open(&a, at("rec"), &torn, &d);
	is_int(r, 0, "reopen a recording with a torn last line");
	is_int((int)torn, 8, "the torn bytes are reported");
	if (!r) {
		sw_append_write(a, "three\n", 6);
		sw_append_close(a);
	}
	is_str(slurp(at("rec")), "one\nthree\n", "the append starts on a line boundary");
	put(at("rec2"), "no newline at all");
	r = sw_append_open(&a, at("rec2"), &torn, &d);
	is_int((int)torn, 17, "a file of one torn line is cut to nothing");
	if (!r)
		sw_append_close(a);
	symlink(at("rec"), at("reclink"));
	r = sw_append_open(&a, at("reclink"), &torn, &d);
	ok(r == -ELOOP && strstr(d.msg, "symbolic link"), "appending through a link is refused: %s", d.msg);
	mkfifo(at("fifo"), 0600);
	r = sw_append_open(&a, at("fifo"), &torn, &d);
	ok(r == -EINVAL, "appending to a FIFO is refused without blocking: %s", d.msg);
	chmod(at("rec"), 0666);
	r = sw_append_open(&a, at("rec"), &torn, &d);
	ok(r == -EPERM, "appending to a file others can write is refused: %s", d.msg);
	chmod(at("rec"), 0644);
	/* A write that fails part way is cut back: a file size limit lets the
	 * first bytes through, then write(2) fails with EFBIG. */
	r = sw_append_open(&a, at("rec"), &torn, &d);
	if (!r) {
		struct rlimit old, lim;
		struct stat st;
		getrlimit(RLIMIT_FSIZE, &old);
		stat(at("rec"), &st);
		lim = old;
		lim.rlim_cur = (rlim_t)st.st_size + 3;
		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &lim);
		r = sw_append_write(a, "longer line\n", 12);
		setrlimit(RLIMIT_FSIZE, &old);
		is_int(r, -EFBIG, "a write that fails part way returns its errno");
		is_str(slurp(at("rec")), "one\nthree\n", "and the file is cut back to its last whole line");
		sw_append_close(a);
	}
}

static void test_replace(void)
{
	struct sw_diag d = { 0 };
	umask(0);
	is_int(sw_file_replace(at("m.prom"), "a 1\n", 4, &d), 0, "write a textfile (%s)", d.msg);
	is_int(mode_of(at("m.prom")), 0644, "mode 0644 under umask 000");
	is_int(sw_file_replace(at("m.prom"), "a 2\n", 4, &d), 0, "replace it");
	is_str(slurp(at("m.prom")), "a 2\n", "the new content is in place");
	/* A stale temporary of a dead run is removed; a locked one is kept. */
	put(at(".m.prom.fragstat-AbC123"), "stale");
	put(at(".m.prom.fragstat-longer1"), "other pattern");
	is_int(sw_file_replace(at("m.prom"), "a 3\n", 4, &d), 0, "replace again");
	ok(access(at(".m.prom.fragstat-AbC123"), F_OK) != 0, "the stale temporary is gone");
	ok(access(at(".m.prom.fragstat-longer1"), F_OK) == 0, "names outside the pattern are left");
	symlink(at("m.prom"), at("l.prom"));
	int r = sw_file_replace(at("l.prom"), "x", 1, &d);
	is_int(r, -ELOOP, "a link as the target is refused: %s", d.msg);
	struct stat st;
	ok(lstat(at("l.prom"), &st) == 0 && S_ISLNK(st.st_mode), "the link is left");
	r = sw_file_replace(at(""), "x", 1, &d);
	ok(r < 0, "a directory name is refused");
}

int main(void)
{
	const char *tmpdir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(top, sizeof top, "%s/sw-test.XXXXXX", tmpdir);
	if (!mkdtemp(top)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 99;
	}
	char sub[4200];
	snprintf(sub, sizeof sub, "%s/tree", top);
	mkdir(sub, 0700);
	memcpy(top, sub, strlen(sub) + 1);
	test_tree();
	test_refused_names();
	snprintf(top + strlen(top) - 4, 8, "dirs");
	mkdir(top, 0700);
	test_unsafe_dirs();
	snprintf(top + strlen(top) - 4, 8, "apnd");
	mkdir(top, 0700);
	test_append();
	snprintf(top + strlen(top) - 4, 8, "repl");
	mkdir(top, 0700);
	test_replace();
	char cmd[4300];
	snprintf(cmd, sizeof cmd, "rm -rf '%.*s'", (int)(strlen(top) - 5), top);
	if (system(cmd) != 0)
		diag("could not remove %s", top);
	return done_testing();
}
