/* safe_write.c - see safe_write.h for the rules every writer follows. */
#include "config.h"

#include "safe_write.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif
#ifndef SYSFS_MAGIC
#define SYSFS_MAGIC 0x62656572
#endif
#ifndef DEBUGFS_MAGIC
#define DEBUGFS_MAGIC 0x64626720
#endif
#ifndef TRACEFS_MAGIC
#define TRACEFS_MAGIC 0x74726163
#endif

#define SW_MAX_LINKS 40          /* the kernel's MAXSYMLINKS */
#define SW_MAX_DEPTH 64          /* directory levels rm_tree descends */
#define SW_PATH_MAX 4096
#define SW_TMP_TAG ".fragstat-"
#define SW_TMP_RAND 6
#define SW_TMP_BASE 200          /* target name bytes kept in a temporary name */
#define SW_TORN_SCAN (64u << 20) /* bytes searched back for a torn line's start */

static int sw_fail(struct sw_diag *d, bool usage, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int sw_fail(struct sw_diag *d, bool usage, int err, const char *fmt, ...)
{
	va_list ap;
	if (d) {
		d->usage = usage;
		d->warning = false;
		va_start(ap, fmt);
		vsnprintf(d->msg, sizeof d->msg, fmt, ap);
		va_end(ap);
	}
	return err;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* ---- path walk ---------------------------------------------------------------- */

/* 0 when another user cannot change what dir holds: owned by us or root,
 * not writable by group or others unless sticky (sshd's secure_filename()). */
static int dir_trusted(int fd, const char *shown, struct sw_diag *d)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return sw_fail(d, false, -errno, "%s: %s", shown, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return sw_fail(d, false, -ENOTDIR, "%s: not a directory", shown);
	if (st.st_uid != geteuid() && st.st_uid != 0)
		return sw_fail(d, false, -EPERM,
			       "refusing to write under %s: it is owned by uid %lu, not by you or root "
			       "(its owner could redirect what fragstat writes)",
			       shown, (unsigned long)st.st_uid);
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
		return sw_fail(d, false, -EPERM,
			       "refusing to write under %s: it is writable by %s (mode %04o, not sticky)",
			       shown, (st.st_mode & S_IWOTH) ? "others" : "its group",
			       (unsigned)(st.st_mode & 07777));
	return 0;
}

static bool under(const char *path, const char *top)
{
	size_t n = strlen(top);
	return strncmp(path, top, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Refuse a directory that is (in) the kernel's pseudo file systems: by
 * where it resolves (with base, the entry in it about to be written) and by
 * the file system it lies on. */
static int not_kernel_fs(int fd, const char *base, const char *shown, struct sw_diag *d)
{
	char link[64], real[SW_PATH_MAX + NAME_MAX + 2];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, real, SW_PATH_MAX - 1);
	if (n > 0 && real[0] == '/') {
		real[n] = '\0';
		if (base)
			snprintf(real + n, sizeof real - (size_t)n, "%s%s", n > 1 ? "/" : "", base);
		if (under(real, "/proc") || under(real, "/sys") || under(real, "/dev")) {
			if (strcmp(real, shown) == 0)
				return sw_fail(d, true, -EPERM,
					       "refusing to write %s: it is in the kernel's /proc, /sys or /dev",
					       shown);
			return sw_fail(d, true, -EPERM,
				       "refusing to write %s: it resolves to %s, in the kernel's /proc, /sys or /dev",
				       shown, real);
		}
	}
	struct statfs sf;
	if (fstatfs(fd, &sf) == 0 &&
	    (sf.f_type == PROC_SUPER_MAGIC || sf.f_type == SYSFS_MAGIC ||
	     sf.f_type == DEBUGFS_MAGIC || sf.f_type == TRACEFS_MAGIC))
		return sw_fail(d, true, -EPERM,
			       "%s: refusing to write into a kernel file system (procfs, sysfs, debugfs)",
			       shown);
	return 0;
}

/*
 * Open the directory that holds path's last component (O_PATH) and copy
 * that component to base. Every directory a name is looked up in must pass
 * dir_trusted(); every symbolic link followed must belong to us or root.
 */
static int open_parent(const char *path, int *pfd, char *base, size_t basesz, struct sw_diag *d)
{
	char work[2 * SW_PATH_MAX], shown[SW_PATH_MAX];
	size_t n = strlen(path);

	*pfd = -1;
	if (n == 0)
		return sw_fail(d, true, -EINVAL, "an empty file name was given");
	if (n >= SW_PATH_MAX)
		return sw_fail(d, true, -ENAMETOOLONG, "%.80s...: file name too long", path);
	memcpy(work, path, n + 1);
	while (n > 1 && work[n - 1] == '/')
		work[--n] = '\0';
	if (strcmp(work, "/") == 0)
		return sw_fail(d, true, -EPERM, "refusing to write to / itself");
	char *slash = strrchr(work, '/');
	const char *last = slash ? slash + 1 : work;
	if (strcmp(last, ".") == 0 || strcmp(last, "..") == 0)
		return sw_fail(d, true, -EINVAL, "%s: name the file itself, not '.' or '..'", path);
	if (strlen(last) >= basesz || strlen(last) > NAME_MAX)
		return sw_fail(d, true, -ENAMETOOLONG, "%s: file name too long", path);
	snprintf(base, basesz, "%s", last);
	if (slash == work)
		work[1] = '\0';             /* "/name": the parent is "/" */
	else if (slash)
		*slash = '\0';
	else
		snprintf(work, sizeof work, ".");

	/* Walk work from / or the working directory. */
	int cur = open(work[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return sw_fail(d, false, -errno, "%s: %s", path, strerror(errno));
	snprintf(shown, sizeof shown, "%s", work[0] == '/' ? "/" : ".");
	char *p = work;
	int links = 0, r;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char comp[NAME_MAX + 1];
		if (len > NAME_MAX) {
			r = sw_fail(d, true, -ENAMETOOLONG, "%s: a component is too long", path);
			goto fail;
		}
		memcpy(comp, p, len);
		comp[len] = '\0';
		p += len;
		if (strcmp(comp, ".") == 0)
			continue;
		if ((r = dir_trusted(cur, shown, d)))
			goto fail;
		int next = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && (errno == ELOOP || errno == ENOTDIR)) {
			struct stat st;
			if (fstatat(cur, comp, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISLNK(st.st_mode)) {
				r = sw_fail(d, false, -ENOTDIR, "%s: %s/%s is not a directory", path,
					    shown, comp);
				goto fail;
			}
			if (st.st_uid != geteuid() && st.st_uid != 0) {
				r = sw_fail(d, false, -EPERM,
					    "refusing to follow %s/%s: the symbolic link belongs to uid %lu",
					    shown, comp, (unsigned long)st.st_uid);
				goto fail;
			}
			if (++links > SW_MAX_LINKS) {
				r = sw_fail(d, false, -ELOOP, "%s: %s", path, strerror(ELOOP));
				goto fail;
			}
			char target[SW_PATH_MAX];
			ssize_t tn = readlinkat(cur, comp, target, sizeof target - 1);
			if (tn <= 0) {
				r = sw_fail(d, false, tn < 0 ? -errno : -ENOENT, "%s/%s: %s", shown, comp,
					    strerror(tn < 0 ? errno : ENOENT));
				goto fail;
			}
			target[tn] = '\0';
			/* Continue with the link's text followed by the rest. */
			char rest[SW_PATH_MAX];
			if ((size_t)snprintf(rest, sizeof rest, "%s/%s", target, p) >= sizeof rest ||
			    strlen(rest) >= sizeof work) {
				r = sw_fail(d, false, -ENAMETOOLONG, "%s: %s", path, strerror(ENAMETOOLONG));
				goto fail;
			}
			memcpy(work, rest, strlen(rest) + 1);
			p = work;
			if (target[0] == '/') {
				close(cur);
				if ((cur = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
					return sw_fail(d, false, -errno, "/: %s", strerror(errno));
				snprintf(shown, sizeof shown, "/");
			}
			continue;
		}
		if (next < 0) {
			r = sw_fail(d, false, -errno, "%s: %s/%s: %s", path, shown, comp, strerror(errno));
			goto fail;
		}
		size_t sl = strlen(shown);
		if (sl + 1 + len < sizeof shown)
			snprintf(shown + sl, sizeof shown - sl, "%s%s", strcmp(shown, "/") ? "/" : "", comp);
		close(cur);
		cur = next;
	}
	if ((r = dir_trusted(cur, shown, d)) || (r = not_kernel_fs(cur, base, path, d)))
		goto fail;
	*pfd = cur;
	return 0;
fail:
	close(cur);
	return r;
}

/* ---- temporary names and their cleanup ------------------------------------- */

static void random_tag(char *out)
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	static unsigned counter;
	unsigned char rnd[SW_TMP_RAND];
	if (getrandom(rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 20) ^ (uint64_t)++counter * 0x9e3779b97f4a7c15u;
		for (int i = 0; i < SW_TMP_RAND; i++, x >>= 8)
			rnd[i] = (unsigned char)x;
	}
	for (int i = 0; i < SW_TMP_RAND; i++)
		out[i] = al[rnd[i] % (sizeof al - 1)];
	out[SW_TMP_RAND] = '\0';
}

static void tmp_name(char *buf, size_t size, const char *base)
{
	char tag[SW_TMP_RAND + 1];
	random_tag(tag);
	snprintf(buf, size, ".%.*s" SW_TMP_TAG "%s", SW_TMP_BASE, base, tag);
}

/* A name tmp_name(base) could have made. */
static bool is_tmp_name(const char *name, const char *base)
{
	char prefix[SW_TMP_BASE + 32];
	snprintf(prefix, sizeof prefix, ".%.*s" SW_TMP_TAG, SW_TMP_BASE, base);
	size_t n = strlen(prefix);
	if (strncmp(name, prefix, n) != 0 || strlen(name + n) != SW_TMP_RAND)
		return false;
	for (const char *c = name + n; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')))
			return false;
	return true;
}

/* Remove name in dfd and everything below it, never following a link. */
static int rm_tree(int dfd, const char *name, int depth)
{
	if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -errno;
	if (depth >= SW_MAX_DEPTH)
		return -ELOOP;
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	DIR *dir = fdopendir(fd);
	if (!dir) {
		int e = -errno;
		close(fd);
		return e;
	}
	int r = 0;
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		int rr = rm_tree(dirfd(dir), e->d_name, depth + 1);
		if (rr && !r)
			r = rr;
	}
	closedir(dir);
	if (!r && unlinkat(dfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		r = -errno;
	return r;
}

/*
 * Remove temporaries of base that an earlier fragstat left when it died:
 * our own (uid), of the expected type, and not locked by a live writer
 * (each writer holds flock(LOCK_EX) on its temporary until it is renamed).
 */
static void clean_stale(int pfd, const char *base, bool dirs)
{
	int fd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	DIR *dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (!is_tmp_name(e->d_name, base))
			continue;
		int t = openat(dirfd(dir), e->d_name,
			       O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | (dirs ? O_DIRECTORY : 0));
		if (t < 0)
			continue;
		struct stat st;
		if (fstat(t, &st) == 0 && st.st_uid == geteuid() &&
		    (dirs ? S_ISDIR(st.st_mode) : (S_ISREG(st.st_mode) && st.st_nlink == 1)) &&
		    flock(t, LOCK_EX | LOCK_NB) == 0) {
			struct stat now;
			/* Still the same object under that name? */
			if (fstatat(dirfd(dir), e->d_name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
			    now.st_dev == st.st_dev && now.st_ino == st.st_ino)
				rm_tree(dirfd(dir), e->d_name, 0);
		}
		close(t);
	}
	closedir(dir);
}

/* ---- trees ------------------------------------------------------------------- */

struct sw_tree {
	int pfd;                 /* O_PATH: the target's directory */
	int tfd;                 /* the private tree, locked */
	char base[NAME_MAX + 1];
	char tmp[NAME_MAX + 1];
	bool exists;             /* the target exists (an empty or --force dir) */
	dev_t dev;
	ino_t ino;
	char target[SW_PATH_MAX];
	char path[SW_PATH_MAX];  /* the private tree, for reading back */
};

static bool allowed_name(const char *name, const char *const *allowed)
{
	for (; allowed && *allowed; allowed++)
		if (strcmp(name, *allowed) == 0)
			return true;
	return false;
}

/* Check an existing target directory: safe, and empty or (force) ours. */
static int check_target_dir(struct sw_tree *t, const struct stat *lst, unsigned flags,
			    const char *const *allowed, struct sw_diag *d)
{
	if (lst->st_uid != geteuid() && lst->st_uid != 0)
		return sw_fail(d, false, -EPERM,
			       "refusing to replace %s: it is owned by uid %lu, not by you or root",
			       t->target, (unsigned long)lst->st_uid);
	if (lst->st_mode & (S_IWGRP | S_IWOTH))
		return sw_fail(d, false, -EPERM,
			       "refusing to replace %s: it is writable by %s (mode %04o)", t->target,
			       (lst->st_mode & S_IWOTH) ? "others" : "its group",
			       (unsigned)(lst->st_mode & 07777));
	int fd = openat(t->pfd, t->base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return sw_fail(d, false, -errno, "%s: %s", t->target, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || st.st_dev != lst->st_dev || st.st_ino != lst->st_ino) {
		close(fd);
		return sw_fail(d, false, -EAGAIN, "%s changed while fragstat checked it", t->target);
	}
	int r = not_kernel_fs(fd, NULL, t->target, d);
	if (r) {
		close(fd);
		return r;
	}
	DIR *dir = fdopendir(fd);
	if (!dir) {
		int e = errno;
		close(fd);
		return sw_fail(d, false, -e, "%s: %s", t->target, strerror(e));
	}
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (!(flags & SW_FORCE)) {
			r = sw_fail(d, true, -ENOTEMPTY, "%s is not empty; use --force to replace it",
				    t->target);
			break;
		}
		if (!allowed_name(e->d_name, allowed)) {
			r = sw_fail(d, true, -ENOTEMPTY,
				    "%s holds '%.100s', which fragstat does not write; --force replaces "
				    "only a tree in the --root layout, so move that away first",
				    t->target, e->d_name);
			break;
		}
	}
	closedir(dir);
	return r;
}

int sw_tree_begin(struct sw_tree **out, const char *target, unsigned flags,
		  const char *const *allowed, struct sw_diag *d)
{
	*out = NULL;
	struct sw_tree *t = calloc(1, sizeof *t);
	if (!t)
		return sw_fail(d, false, -ENOMEM, "out of memory");
	t->pfd = t->tfd = -1;
	snprintf(t->target, sizeof t->target, "%s", target);
	int r = open_parent(target, &t->pfd, t->base, sizeof t->base, d);
	if (r)
		goto fail;

	struct stat lst;
	if (fstatat(t->pfd, t->base, &lst, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(lst.st_mode)) {
			r = sw_fail(d, false, -ELOOP,
				    "%s is a symbolic link; fragstat does not write through links "
				    "(name the directory itself)", target);
			goto fail;
		}
		if (!S_ISDIR(lst.st_mode)) {
			r = sw_fail(d, true, -ENOTDIR, "%s exists and is not a directory", target);
			goto fail;
		}
		if ((r = check_target_dir(t, &lst, flags, allowed, d)))
			goto fail;
		t->exists = true;
		t->dev = lst.st_dev;
		t->ino = lst.st_ino;
	} else if (errno != ENOENT) {
		r = sw_fail(d, false, -errno, "%s: %s", target, strerror(errno));
		goto fail;
	}

	clean_stale(t->pfd, t->base, true);
	for (int tries = 0;; tries++) {
		tmp_name(t->tmp, sizeof t->tmp, t->base);
		mode_t old = umask(077);
		int m = mkdirat(t->pfd, t->tmp, 0700);
		int e = errno;
		umask(old);
		if (m == 0)
			break;
		if (e != EEXIST || tries > 100) {
			r = sw_fail(d, false, -e, "%s: cannot create a directory beside it: %s", target,
				    strerror(e));
			goto fail;
		}
	}
	t->tfd = openat(t->pfd, t->tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (t->tfd < 0 || flock(t->tfd, LOCK_EX | LOCK_NB) != 0 || fchmod(t->tfd, 0700) != 0) {
		r = sw_fail(d, false, -errno, "%s: %s", target, strerror(errno));
		goto fail;
	}
	/* The private tree's name as a path, beside the target as given. */
	const char *sl = strrchr(t->target, '/');
	char dirpart[SW_PATH_MAX];
	snprintf(dirpart, sizeof dirpart, "%s", t->target);
	size_t dl = strlen(dirpart);
	while (dl > 1 && dirpart[dl - 1] == '/')
		dirpart[--dl] = '\0';
	sl = strrchr(dirpart, '/');
	if (!sl)
		snprintf(t->path, sizeof t->path, "%s", t->tmp);
	else if (sl == dirpart)
		snprintf(t->path, sizeof t->path, "/%s", t->tmp);
	else
		snprintf(t->path, sizeof t->path, "%.*s/%s", (int)(sl - dirpart), dirpart, t->tmp);
	*out = t;
	return 0;
fail:
	sw_tree_abort(t);
	return r;
}

const char *sw_tree_path(const struct sw_tree *t)
{
	return t->path;
}

int sw_tree_put(struct sw_tree *t, const char *rel, const void *data, size_t len, struct sw_diag *d)
{
	char work[SW_PATH_MAX];
	if (!rel[0] || rel[0] == '/' || strlen(rel) >= sizeof work)
		return sw_fail(d, false, -EINVAL, "%s: bad name '%s' in the tree", t->target, rel);
	snprintf(work, sizeof work, "%s", rel);
	int dfd = dup(t->tfd);
	if (dfd < 0)
		return sw_fail(d, false, -errno, "%s: %s", t->target, strerror(errno));
	char *p = work, *slash;
	int r;
	while ((slash = strchr(p, '/'))) {
		*slash = '\0';
		if (!*p || strcmp(p, ".") == 0 || strcmp(p, "..") == 0) {
			r = sw_fail(d, false, -EINVAL, "%s: bad name '%s' in the tree", t->target, rel);
			goto out;
		}
		bool made = mkdirat(dfd, p, 0755) == 0;
		if (!made && errno != EEXIST) {
			r = sw_fail(d, false, -errno, "%s/%s: %s", t->target, rel, strerror(errno));
			goto out;
		}
		int next = openat(dfd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 || (made && fchmod(next, 0755) != 0)) {
			r = sw_fail(d, false, -errno, "%s/%s: %s", t->target, rel, strerror(errno));
			if (next >= 0)
				close(next);
			goto out;
		}
		close(dfd);
		dfd = next;
		p = slash + 1;
	}
	if (!*p || strcmp(p, ".") == 0 || strcmp(p, "..") == 0) {
		r = sw_fail(d, false, -EINVAL, "%s: bad name '%s' in the tree", t->target, rel);
		goto out;
	}
	int fd = openat(dfd, p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		r = sw_fail(d, false, -errno, "%s/%s: %s", t->target, rel, strerror(errno));
		goto out;
	}
	r = fchmod(fd, 0644) ? -errno : 0;
	if (!r)
		r = write_all(fd, data, len);
	if (!r && fsync(fd) != 0 && errno != EINVAL)
		r = -errno;
	if (close(fd) != 0 && !r)
		r = -errno;
	if (!r && fsync(dfd) != 0 && errno != EINVAL)
		r = -errno;
	if (r)
		sw_fail(d, false, r, "%s/%s: %s", t->target, rel, strerror(-r));
out:
	close(dfd);
	return r;
}

void sw_tree_abort(struct sw_tree *t)
{
	if (!t)
		return;
	if (t->tmp[0] && t->pfd >= 0)
		rm_tree(t->pfd, t->tmp, 0);
	if (t->tfd >= 0)
		close(t->tfd);
	if (t->pfd >= 0)
		close(t->pfd);
	free(t);
}

static void sync_dir(int pfd)
{
	int fd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int sw_tree_commit(struct sw_tree *t, struct sw_diag *d)
{
	int r = 0;
	if (fsync(t->tfd) != 0 && errno != EINVAL) {
		r = sw_fail(d, false, -errno, "%s: %s", t->target, strerror(errno));
		goto fail;
	}
	if (fchmod(t->tfd, 0755) != 0) {
		r = sw_fail(d, false, -errno, "%s: %s", t->target, strerror(errno));
		goto fail;
	}
	if (!t->exists) {
		int rn = renameat2(t->pfd, t->tmp, t->pfd, t->base, RENAME_NOREPLACE);
		if (rn != 0 && errno == EINVAL)
			/* No RENAME_NOREPLACE here (older NFS): only we or root
			 * can create names in this directory. */
			rn = renameat(t->pfd, t->tmp, t->pfd, t->base);
		if (rn != 0) {
			r = sw_fail(d, false, -errno, "%s: %s%s", t->target, strerror(errno),
				    errno == EEXIST ? " (it appeared while fragstat wrote)" : "");
			goto fail;
		}
		t->tmp[0] = '\0';
		sync_dir(t->pfd);
		sw_tree_abort(t);
		return 0;
	}
	struct stat st;
	if (fstatat(t->pfd, t->base, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode) ||
	    st.st_dev != t->dev || st.st_ino != t->ino) {
		r = sw_fail(d, false, -EAGAIN, "%s changed while fragstat wrote; left as it was",
			    t->target);
		goto fail;
	}
	if (renameat2(t->pfd, t->tmp, t->pfd, t->base, RENAME_EXCHANGE) != 0) {
		if (errno != EINVAL) {
			r = sw_fail(d, false, -errno, "%s: cannot replace it: %s", t->target, strerror(errno));
			goto fail;
		}
		/* No RENAME_EXCHANGE on this file system: move the old tree
		 * aside, the new one in, and the old one back on failure. DIR
		 * is briefly missing, never a mix. */
		char aside[NAME_MAX + 1];
		tmp_name(aside, sizeof aside, t->base);
		if (renameat(t->pfd, t->base, t->pfd, aside) != 0) {
			r = sw_fail(d, false, -errno, "%s: cannot replace it: %s", t->target, strerror(errno));
			goto fail;
		}
		if (renameat(t->pfd, t->tmp, t->pfd, t->base) != 0) {
			r = sw_fail(d, false, -errno, "%s: cannot replace it: %s", t->target, strerror(errno));
			renameat(t->pfd, aside, t->pfd, t->base);
			goto fail;
		}
		memcpy(t->tmp, aside, sizeof aside);
	}
	/* The old tree now has the private name: remove it. */
	sync_dir(t->pfd);
	r = rm_tree(t->pfd, t->tmp, 0);
	if (r) {
		sw_fail(d, false, 0, "%s was replaced, but the old tree is left in %s: %s", t->target,
			t->path, strerror(-r));
		d->warning = true;
	}
	t->tmp[0] = '\0';
	sw_tree_abort(t);
	return 0;
fail:
	sw_tree_abort(t);
	return r;
}

/* ---- appended lines ---------------------------------------------------------- */

struct sw_append {
	int fd;
};

/* Offset just past the last '\n' at or before size (0 when none), or
 * -EFBIG when none is found in the last SW_TORN_SCAN bytes. */
static off_t last_line_end(int fd, off_t size)
{
	char buf[65536];
	off_t pos = size, scanned = 0;
	while (pos > 0) {
		if (scanned >= (off_t)SW_TORN_SCAN)
			return -EFBIG;
		size_t n = pos < (off_t)sizeof buf ? (size_t)pos : sizeof buf;
		ssize_t got = pread(fd, buf, n, pos - (off_t)n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got != (ssize_t)n)
			return got < 0 ? -errno : -EIO;
		for (size_t i = n; i > 0; i--)
			if (buf[i - 1] == '\n')
				return pos - (off_t)n + (off_t)i;
		pos -= (off_t)n;
		scanned += (off_t)n;
	}
	return 0;
}

int sw_append_open(struct sw_append **out, const char *path, size_t *torn, struct sw_diag *d)
{
	char base[NAME_MAX + 1];
	int pfd, fd = -1, r;
	*out = NULL;
	*torn = 0;
	if ((r = open_parent(path, &pfd, base, sizeof base, d)))
		return r;
	fd = openat(pfd, base, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	bool created = fd >= 0;
	if (fd < 0 && errno == EEXIST)
		fd = openat(pfd, base, O_RDWR | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		r = errno == ELOOP
			? sw_fail(d, false, -ELOOP, "%s is a symbolic link; fragstat does not write through links", path)
			: sw_fail(d, false, -errno, "%s: %s", path, strerror(errno));
		close(pfd);
		return r;
	}
	close(pfd);
	struct stat st;
	if (fstat(fd, &st) != 0) {
		r = sw_fail(d, false, -errno, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (created) {
		if (fchmod(fd, 0644) != 0) {
			r = sw_fail(d, false, -errno, "%s: %s", path, strerror(errno));
			goto fail;
		}
	} else {
		if (!S_ISREG(st.st_mode)) {
			r = sw_fail(d, false, -EINVAL, "%s: not a regular file; a recording is appended to a plain file", path);
			goto fail;
		}
		if (st.st_uid != geteuid() && st.st_uid != 0) {
			r = sw_fail(d, false, -EPERM, "refusing to append to %s: it is owned by uid %lu, not by you or root",
				    path, (unsigned long)st.st_uid);
			goto fail;
		}
		if (st.st_nlink != 1) {
			/* In a sticky directory anyone may link someone else's file. */
			r = sw_fail(d, false, -EPERM, "refusing to append to %s: it has %lu hard links", path,
				    (unsigned long)st.st_nlink);
			goto fail;
		}
		if (st.st_mode & (S_IWGRP | S_IWOTH)) {
			r = sw_fail(d, false, -EPERM, "refusing to append to %s: it is writable by %s (mode %04o)", path,
				    (st.st_mode & S_IWOTH) ? "others" : "its group", (unsigned)(st.st_mode & 07777));
			goto fail;
		}
		if (fcntl(fd, F_SETFL, O_APPEND) != 0) {
			r = sw_fail(d, false, -errno, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (st.st_size > 0) {
			off_t end = last_line_end(fd, st.st_size);
			if (end < 0) {
				r = sw_fail(d, false, (int)end, "%s: %s", path,
					    end == -EFBIG ? "its last line has no end in its last 64 MiB; "
							    "not a recording fragstat can append to"
							  : strerror((int)-end));
				goto fail;
			}
			if (end != st.st_size) {
				if (ftruncate(fd, end) != 0) {
					r = sw_fail(d, false, -errno, "%s: %s", path, strerror(errno));
					goto fail;
				}
				*torn = (size_t)(st.st_size - end);
			}
		}
	}
	struct sw_append *a = malloc(sizeof *a);
	if (!a) {
		r = sw_fail(d, false, -ENOMEM, "out of memory");
		goto fail;
	}
	a->fd = fd;
	*out = a;
	return 0;
fail:
	close(fd);
	return r;
}

int sw_append_write(struct sw_append *a, const void *data, size_t len)
{
	struct stat st;
	if (fstat(a->fd, &st) != 0)
		return -errno;
	int r = write_all(a->fd, data, len);
	if (r) {
		/* Cut back to the last whole line; keep the write's error. */
		while (ftruncate(a->fd, st.st_size) != 0 && errno == EINTR)
			;
	}
	return r;
}

int sw_append_close(struct sw_append *a)
{
	if (!a)
		return 0;
	int r = close(a->fd) != 0 ? -errno : 0;
	free(a);
	return r;
}

/* ---- one file replaced ------------------------------------------------------- */

int sw_file_replace(const char *path, const void *data, size_t len, struct sw_diag *d)
{
	char base[NAME_MAX + 1], tmp[NAME_MAX + 1];
	int pfd, dfd = -1, fd = -1, r;
	bool linked = false;
	if ((r = open_parent(path, &pfd, base, sizeof base, d)))
		return r;
	struct stat st;
	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(st.st_mode)) {
			r = sw_fail(d, false, -ELOOP, "%s is a symbolic link; fragstat does not write through links", path);
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			r = sw_fail(d, true, -EINVAL, "%s exists and is not a regular file", path);
			goto out;
		}
	} else if (errno != ENOENT) {
		r = sw_fail(d, false, -errno, "%s: %s", path, strerror(errno));
		goto out;
	}
	clean_stale(pfd, base, false);
	dfd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		r = sw_fail(d, false, -errno, "%s: %s", path, strerror(errno));
		goto out;
	}
	/* An unnamed file first, so no other process sees it half written. */
	fd = openat(dfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (flock(fd, LOCK_EX) != 0) {
			r = sw_fail(d, false, -errno, "%s: %s", path, strerror(errno));
			goto out;
		}
	}
	if (fd < 0) {
		for (int tries = 0;; tries++) {
			tmp_name(tmp, sizeof tmp, base);
			fd = openat(pfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
			if (fd >= 0)
				break;
			if (errno != EEXIST || tries > 100) {
				r = sw_fail(d, false, -errno, "%s: cannot create a file beside it: %s", path,
					    strerror(errno));
				goto out;
			}
		}
		linked = true;
		flock(fd, LOCK_EX | LOCK_NB);
	}
	if (fchmod(fd, 0644) != 0 || (r = write_all(fd, data, len)) != 0 ||
	    (fsync(fd) != 0 && errno != EINVAL)) {
		if (!r)
			r = -errno;
		sw_fail(d, false, r, "%s: %s", path, strerror(-r));
		goto out;
	}
	if (!linked) {
		for (int tries = 0;; tries++) {
			tmp_name(tmp, sizeof tmp, base);
			int l = linkat(fd, "", pfd, tmp, AT_EMPTY_PATH);
			if (l != 0 && (errno == ENOENT || errno == EPERM)) {
				/* AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; /proc does not. */
				char link[64];
				snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
				l = linkat(AT_FDCWD, link, pfd, tmp, AT_SYMLINK_FOLLOW);
			}
			if (l == 0)
				break;
			if (errno != EEXIST || tries > 100) {
				r = sw_fail(d, false, -errno, "%s: cannot name the new file: %s", path, strerror(errno));
				goto out;
			}
		}
		linked = true;
	}
	if (renameat(pfd, tmp, pfd, base) != 0) {
		r = sw_fail(d, false, -errno, "%s: %s", path, strerror(errno));
		goto out;
	}
	linked = false;
	if (fsync(dfd) != 0 && errno != EINVAL) {
		r = sw_fail(d, false, -errno, "%s: %s", path, strerror(errno));
		goto out;
	}
out:
	if (linked)
		unlinkat(pfd, tmp, 0);
	if (fd >= 0 && close(fd) != 0 && !r)
		r = sw_fail(d, false, -errno, "%s: %s", path, strerror(errno));
	if (dfd >= 0)
		close(dfd);
	close(pfd);
	return r;
}
