/* klog_read.c - read a kernel log: a file, stdin, or the log of a
 * --root tree (a sosreport), bounded and without following links out of
 * the tree. Nothing here prints. */
#include "config.h"

#include "klog_read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Where a --root tree keeps its kernel log, in the order tried: the
 * sosreport kernel plugin's dmesg output, then the syslog files. */
const char *const fs_klog_root_paths[] = {
	"sos_commands/kernel/dmesg",
	"var/log/kern.log",
	"var/log/messages",
	NULL,
};

static int err(struct fs_diag *d, const char *file, int e)
{
	if (e == -EFBIG)
		fs_diag_set(d, file, 0, 0, "larger than %u MiB; give an excerpt", FS_KLOG_MAX_INPUT >> 20);
	else if (e == -ENOTSUP)
		fs_diag_set(d, file, 0, 0, "not a regular file");
	else if (e != -ENOMEM)
		fs_diag_set(d, file, 0, 0, "%s", strerror(-e));
	return e;
}

static int read_open_fd(int fd, const char *file, struct fs_buf *out, struct fs_diag *d, bool need_reg)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return err(d, file, -errno);
	if (need_reg && !S_ISREG(st.st_mode))
		return err(d, file, -ENOTSUP);
	int r = fs_read_fd(fd, FS_KLOG_MAX_INPUT, out);
	return r ? err(d, file, r) : 0;
}

int fs_klog_read(const char *path, struct fs_buf *out, struct fs_diag *d)
{
	out->data = NULL;
	out->len = 0;
	if (strcmp(path, "-") == 0)
		return read_open_fd(STDIN_FILENO, "(stdin)", out, d, false);
	int fd;
	do
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return err(d, path, -errno);
	/* O_NONBLOCK only so that opening a FIFO cannot hang; reads block again. */
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	int r = read_open_fd(fd, path, out, d, true);
	close(fd);
	return r;
}

/* Open rel below the directory fd dir, one component at a time, never
 * following a symbolic link. */
static int open_beneath(int dir, const char *rel)
{
	char part[256];
	int cur = dir;
	const char *p = rel;
	for (;;) {
		size_t n = strcspn(p, "/");
		if (n == 0 || n >= sizeof part) {
			if (cur != dir)
				close(cur);
			return -EINVAL;
		}
		memcpy(part, p, n);
		part[n] = '\0';
		bool last = p[n] == '\0';
		if (strcmp(part, "..") == 0 || strcmp(part, ".") == 0) {
			if (cur != dir)
				close(cur);
			return -EINVAL;
		}
		int fd = openat(cur, part, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK |
						   (last ? 0 : O_DIRECTORY));
		int e = errno;
		if (cur != dir)
			close(cur);
		if (fd < 0)
			return -e;
		if (last) {
			int fl = fcntl(fd, F_GETFL);
			if (fl >= 0)
				fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
			return fd;
		}
		cur = fd;
		p += n + 1;
	}
}

int fs_klog_read_root(const char *root, const char **rel, struct fs_buf *out, struct fs_diag *d)
{
	out->data = NULL;
	out->len = 0;
	*rel = NULL;
	int dir = open(root, O_RDONLY | O_CLOEXEC | O_DIRECTORY);
	if (dir < 0)
		return err(d, root, -errno);
	int r = -ENOENT;
	for (int i = 0; fs_klog_root_paths[i]; i++) {
		int fd = open_beneath(dir, fs_klog_root_paths[i]);
		if (fd == -ENOENT || fd == -ENOTDIR)
			continue;
		char shown[4096];
		snprintf(shown, sizeof shown, "%s/%s", root, fs_klog_root_paths[i]);
		if (fd < 0) {
			r = err(d, shown, fd == -ELOOP ? -ELOOP : fd);
			break;
		}
		r = read_open_fd(fd, shown, out, d, true);
		close(fd);
		if (!r)
			*rel = fs_klog_root_paths[i];
		break;
	}
	close(dir);
	if (r == -ENOENT)
		fs_diag_set(d, root, 0, 0, "no kernel log in the tree (looked for %s, %s, %s)",
			    fs_klog_root_paths[0], fs_klog_root_paths[1], fs_klog_root_paths[2]);
	return r;
}
