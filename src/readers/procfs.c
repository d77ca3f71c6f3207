#include "config.h"

#include "procfs.h"
#include "snapshot.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef HAVE_LINUX_OPENAT2_H
#include <linux/openat2.h>
#endif

void fs_buf_free(struct fs_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
}

int fs_read_fd(int fd, size_t max, struct fs_buf *out)
{
	/* One byte past max tells a file of max bytes from a longer one, and
	 * one more holds the NUL: the buffer never grows past max + 2. */
	size_t limit = max + 2, cap = limit < 8192 ? limit : 8192, len = 0;
	char *buf;

	out->data = NULL;
	out->len = 0;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len + 1 >= cap) {
			if (cap >= limit) {
				free(buf);
				return -EFBIG;
			}
			size_t ncap = cap * 2 > limit ? limit : cap * 2;
			char *nb = realloc(buf, ncap);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap = ncap;
		}
		ssize_t r = read(fd, buf + len, cap - 1 - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = -errno;
			free(buf);
			return e;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	out->data = buf;
	out->len = len;
	return 0;
}

/* fs_read_fd() with the readers' bound (FS_FILE_MAX - 2 bytes: a file that
 * fills FS_FILE_MAX - 1 is refused), then close fd. */
static int read_fd(int fd, struct fs_buf *out)
{
	int r = fs_read_fd(fd, FS_FILE_MAX - 2, out);
	close(fd);
	return r;
}

/* What a non-regular file is, for messages. */
static const char *file_type(mode_t m)
{
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISDIR(m))
		return "a directory";
	return "a special file";
}

/* fstat an open fd and refuse anything but a regular file; closes fd then
 * and stores what it was in *type. */
static int check_regular(int fd, const char **type)
{
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	if (!S_ISREG(st.st_mode)) {
		if (type)
			*type = file_type(st.st_mode);
		close(fd);
		return -FS_ENOTREG;
	}
	return 0;
}

int fs_file_read(const char *path, struct fs_buf *out)
{
	int fd;

	out->data = NULL;
	out->len = 0;
	/* O_NONBLOCK: a FIFO opens at once (and is then refused) instead of
	 * waiting for a writer; regular files ignore the flag. */
	do
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return -errno;
	int r = check_regular(fd, NULL);
	if (r)
		return r;
	return read_fd(fd, out);
}

int fs_file_read_user(const char *path, struct fs_buf *out)
{
	int fd;
	struct stat st;

	out->data = NULL;
	out->len = 0;
	do
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode) ||
				     S_ISCHR(st.st_mode))) {
		close(fd);
		return -FS_ENOTREG;
	}
	return read_fd(fd, out);
}

enum fs_src_status fs_src_status_of(int err)
{
	switch (err) {
	case 0: return FS_ST_OK;
	case -ENOENT: case -ENOTDIR: return FS_ST_MISSING;
	case -EACCES: case -EPERM: return FS_ST_DENIED;
	case -EINVAL: case -ERANGE: return FS_ST_MALFORMED;
	default: return FS_ST_ERROR;
	}
}

bool fs_read_refused(int err)
{
	return err == -EXDEV || err == -ELOOP || err == -FS_ENOTREG;
}

const char *fs_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err == FS_ENOTREG)
		return "not a regular file";
	return strerror(err);
}

/* The fallback walk for kernels without openat2: each directory component
 * opened O_PATH | O_NOFOLLOW relative to the previous one, ".." refused,
 * the file itself O_NOFOLLOW. Any symbolic link gives -ELOOP. */
static int open_walk(int dirfd, const char *rel, int flags)
{
	char comp[256];
	int cur = dirfd, r;
	const char *p = rel;

	for (;;) {
		while (*p == '/')
			p++;
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == 0 || n >= sizeof comp) {
			r = -ENOENT;
			break;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		if (strcmp(comp, "..") == 0) {
			r = -EXDEV;
			break;
		}
		bool last = !e || !e[strspn(e, "/")];
		int fd;
		do
			fd = openat(cur, comp, last ? flags | O_NOFOLLOW
					     : O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		while (fd < 0 && errno == EINTR);
		if (fd < 0) {
			r = -errno;
			/* A symlink opened with O_PATH|O_DIRECTORY|O_NOFOLLOW
			 * fails with ENOTDIR: name it as the refused link it is. */
			if (r == -ENOTDIR && !last) {
				struct stat st;
				if (fstatat(cur, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
					r = -ELOOP;
			}
			break;
		}
		if (cur != dirfd)
			close(cur);
		cur = fd;
		if (last)
			return fd;
		p = e;
	}
	if (cur != dirfd)
		close(cur);
	return r;
}

/* Open rel for reading beneath dirfd; a file descriptor or -errno. */
static int open_beneath(int dirfd, const char *rel)
{
	const int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
#if defined(HAVE_LINUX_OPENAT2_H) && defined(SYS_openat2)
	static int no_openat2 = -1;
	if (no_openat2 < 0) {
		/* Tests set FRAGSTAT_NO_OPENAT2 to run the walk kernels before
		 * 5.6 use. */
		const char *e = getenv("FRAGSTAT_NO_OPENAT2");
		no_openat2 = e && *e;
	}
	if (!no_openat2) {
		struct open_how how;
		memset(&how, 0, sizeof how);
		how.flags = (uint64_t)flags;
		how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
		long fd;
		do
			fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
		while (fd < 0 && errno == EINTR);
		if (fd >= 0)
			return (int)fd;
		/* ENOSYS: kernel before 5.6; EPERM: a seccomp filter that does
		 * not know the call. Both: use the walk from now on. */
		if (errno != ENOSYS && errno != EPERM)
			return -errno;
		no_openat2 = 1;
	}
#endif
	return open_walk(dirfd, rel, flags);
}

int fs_open_beneath(const char *root, const char *rel)
{
	int dfd, fd;

	do
		dfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	while (dfd < 0 && errno == EINTR);
	if (dfd < 0)
		return -errno;
	fd = open_beneath(dfd, rel);
	close(dfd);
	return fd;
}

int fs_read_beneath(const char *root, const char *rel, struct fs_buf *out, struct fs_diag *d)
{
	char path[4096];
	const char *type = "a special file";
	int r;

	out->data = NULL;
	out->len = 0;
	if (!fs_path_join(path, sizeof path, root, rel)) {
		fs_diag_set(d, root, 0, 0, "path too long");
		return -ENAMETOOLONG;
	}
	if (!root || !*root || strcmp(root, "/") == 0) {
		int fd;
		do
			fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		while (fd < 0 && errno == EINTR);
		r = fd < 0 ? -errno : check_regular(fd, &type);
		if (!r)
			r = read_fd(fd, out);
	} else {
		/* The root itself is the user's choice: it is opened as given
		 * (a link to a tree is followed); only what is below it is
		 * confined. */
		int dfd;
		do
			dfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		while (dfd < 0 && errno == EINTR);
		if (dfd < 0) {
			r = -errno;
		} else {
			int fd = open_beneath(dfd, rel);
			close(dfd);
			r = fd < 0 ? fd : check_regular(fd, &type);
			if (!r)
				r = read_fd(fd, out);
		}
	}
	if (r && d) {
		switch (r) {
		case -EXDEV:
			fs_diag_set(d, path, 0, 0, "refused: the path leaves the --root tree "
				    "(a symbolic link or \"..\" pointing outside it)");
			break;
		case -ELOOP:
			fs_diag_set(d, path, 0, 0, "refused: a symbolic link in the --root tree "
				    "that cannot be followed safely");
			break;
		case -FS_ENOTREG:
			fs_diag_set(d, path, 0, 0, "refused: %s, not a regular file", type);
			break;
		case -EFBIG:
			fs_diag_set(d, path, 0, 0, "file larger than %u MiB; not a kernel file",
				    FS_FILE_MAX >> 20);
			break;
		default:
			fs_diag_set(d, path, 0, 0, "%s", fs_strerror(r));
			break;
		}
	}
	return r;
}

char *fs_path_join(char *buf, size_t size, const char *root, const char *rel)
{
	int n;
	if (!root || !*root)
		root = "/";
	size_t rl = strlen(root);
	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	if (rl == 1 && root[0] == '/')
		n = snprintf(buf, size, "/%s", rel);
	else
		n = snprintf(buf, size, "%.*s/%s", (int)rl, root, rel);
	if (n < 0 || (size_t)n >= size)
		return NULL;
	return buf;
}

void fs_cursor_init(struct fs_cursor *c, const char *file, const char *data, size_t len)
{
	c->file = file;
	c->p = data;
	c->end = data + len;
	c->line = c->eol = data;
	c->lineno = 0;
}

bool fs_cursor_next(struct fs_cursor *c)
{
	if (c->p >= c->end)
		return false;
	c->line = c->p;
	const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	c->eol = nl ? nl : c->end;
	c->p = nl ? nl + 1 : c->end;
	c->lineno++;
	return true;
}

unsigned fs_cursor_col(const struct fs_cursor *c, const char *q)
{
	if (q < c->line)
		return 1;
	return (unsigned)(q - c->line) + 1;
}

int fs_cursor_err(const struct fs_cursor *c, struct fs_diag *d, const char *q,
		  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = fs_diag_vset(d, c->file, c->lineno, fs_cursor_col(c, q), fmt, ap);
	va_end(ap);
	return r;
}

const char *fs_skip_blank(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

bool fs_only_blank(const char *p, const char *end)
{
	return fs_skip_blank(p, end) == end;
}

int fs_parse_u64(const char **pp, const char *end, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;
	if (p >= end || *p < '0' || *p > '9')
		return -EINVAL;
	while (p < end && *p >= '0' && *p <= '9') {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
		p++;
	}
	*out = v;
	*pp = p;
	return 0;
}

int fs_parse_hex64(const char **pp, const char *end, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;
	if (p >= end)
		return -EINVAL;
	while (p < end) {
		int dg;
		if (*p >= '0' && *p <= '9')
			dg = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			dg = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			dg = *p - 'A' + 10;
		else
			break;
		if (v >> 60)
			return -ERANGE;
		v = v << 4 | (uint64_t)dg;
		p++;
	}
	if (p == *pp)
		return -EINVAL;
	*pp = p;
	*out = v;
	return 0;
}

int fs_parse_i64(const char **pp, const char *end, int64_t *out)
{
	const char *p = *pp;
	bool neg = false;
	uint64_t v;
	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	int r = fs_parse_u64(&p, end, &v);
	if (r)
		return r;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return -ERANGE;
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		if (v > (uint64_t)INT64_MAX)
			return -ERANGE;
		*out = (int64_t)v;
	}
	*pp = p;
	return 0;
}

int fs_parse_word(const char **pp, const char *end, char *buf, size_t size)
{
	const char *p = *pp, *s = p;
	while (p < end && *p != ' ' && *p != '\t' && *p != '\n')
		p++;
	size_t n = (size_t)(p - s);
	if (n == 0)
		return -EINVAL;
	if (n >= size)
		return -ENAMETOOLONG;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*pp = p;
	return 0;
}

bool fs_match(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(end - p) >= n && memcmp(p, s, n) == 0;
}

/* Describe what sits at q for a message: a token, a blank, the end. */
const char *fs_describe(const char *q, const char *e, char *buf, size_t size)
{
	if (q >= e)
		return "the end of the line";
	unsigned char ch = (unsigned char)*q;
	if (ch == '\r')
		return "a carriage return (CRLF line endings are not accepted)";
	if (ch == ' ' || ch == '\t')
		return "a blank";
	if (ch < 0x20 || ch >= 0x7f) {
		snprintf(buf, size, "byte 0x%02x", ch);
		return buf;
	}
	const char *t = q;
	while (t < e && t - q < 16 && (unsigned char)*t > 0x20 && (unsigned char)*t < 0x7f)
		t++;
	snprintf(buf, size, "\"%.*s\"", (int)(t - q), q);
	return buf;
}

/* One row at the cursor: prefix and fields (see fs_parse_order_rows). */
static int order_row(const struct fs_cursor *c, struct fs_diag *d,
		     const struct fs_order_row *how, int *node, char *zone, unsigned *n)
{
	const char *p = c->line, *e = c->eol, *q;
	char fb[48];
	int r;

	*n = 0;
	r = fs_parse_node_zone(c, d, &p, how->row_shape, node, zone);
	if (r)
		return r;
	if (p < e && *p != ' ' && *p != '\t')
		return fs_cursor_err(c, d, p, "expected a blank after \"zone %s\", found %s",
				     zone, fs_describe(p, e, fb, sizeof fb));
	for (;;) {
		q = fs_skip_blank(p, e);
		if (q == e)
			break;
		if (how->orders && *n == how->orders) {
			if (how->orders_preset)
				return fs_cursor_err(c, d, q,
						     "expected the end of the line after %u "
						     "%ss (the order count of an earlier "
						     "file), found %s", *n, how->noun,
						     fs_describe(q, e, fb, sizeof fb));
			return fs_cursor_err(c, d, q,
					     "expected the end of the line after %u %ss "
					     "(as on line %u), found %s", *n, how->noun, how->first_line,
					     fs_describe(q, e, fb, sizeof fb));
		}
		if (*n == FS_MAX_ORDERS)
			return fs_cursor_err(c, d, q,
					     "more than %d %ss on a row (at most %d orders "
					     "are supported)", FS_MAX_ORDERS, how->noun, FS_MAX_ORDERS);
		const char *tok = q;
		r = how->parse(how->arg, c, d, zone, *n, &q);
		if (r)
			return r;
		if (q < e && *q != ' ' && *q != '\t')
			return fs_cursor_err(c, d, q,
					     "expected a blank or the end of the line after the "
					     "%s for order %u, found %s", how->noun, *n,
					     fs_describe(q, e, fb, sizeof fb));
		if (how->accept && (r = how->accept(how->arg, c, d, *n, p, tok)))
			return r;
		(*n)++;
		p = q;
	}
	if (*n == 0)
		return fs_cursor_err(c, d, e, "expected %s after \"zone %s\", found %s",
				     how->first, zone, fs_describe(e, e, fb, sizeof fb));
	if (how->orders && *n != how->orders) {
		if (how->orders_preset)
			return fs_cursor_err(c, d, e,
					     "row has %u %ss, but an earlier file set the "
					     "order count to %u", *n, how->noun, how->orders);
		return fs_cursor_err(c, d, e, "row has %u %ss, but line %u has %u", *n,
				     how->noun, how->first_line, how->orders);
	}
	return 0;
}

/* The zone of a row, marked seen, and the order bookkeeping. */
static int order_row_zone(const struct fs_cursor *c, struct fs_diag *d, struct fs_snapshot *s,
			  struct fs_order_row *how, int node, const char *zone, unsigned n,
			  struct fs_zone **z)
{
	struct fs_node *nd = fs_snapshot_node_get(s, node);
	if (!nd) {
		if (s->nnodes >= FS_MAX_NODES)
			return fs_cursor_err(c, d, c->line, "more than %d nodes", FS_MAX_NODES);
		return -ENOMEM;
	}
	*z = fs_node_zone_get(nd, zone);
	if (!*z)
		return fs_cursor_err(c, d, c->line, "node %d has more than %d zones", node,
				     FS_MAX_ZONES);
	bool *seen = how->seen(*z, how->arg);
	if (*seen)
		return fs_cursor_err(c, d, c->line, "duplicate row for node %d, zone %s",
				     node, zone);
	*seen = true;
	if (!s->orders)
		s->orders = n;
	if (!how->first_line)
		how->first_line = c->lineno;
	return 0;
}

int fs_parse_order_rows(struct fs_cursor *c, struct fs_diag *d, struct fs_snapshot *s,
			struct fs_order_row *how, unsigned *rows)
{
	*rows = 0;
	how->orders_preset = s->orders != 0;
	how->first_line = 0;
	while (fs_cursor_next(c)) {
		unsigned n;
		int node = 0, r;
		char zone[FS_NAME_MAX];
		struct fs_zone *z = NULL;

		how->orders = s->orders;
		r = order_row(c, d, how, &node, zone, &n);
		if (r)
			return r;
		r = order_row_zone(c, d, s, how, node, zone, n, &z);
		if (r)
			return r;
		how->keep(how->arg, z, n);
		(*rows)++;
	}
	if (*rows == 0)
		return fs_diag_set(d, c->file, 1, 1, "expected a line %s, found an empty file",
				   how->row_shape);
	return 0;
}

int fs_parse_node_zone(const struct fs_cursor *c, struct fs_diag *d, const char **pp,
		       const char *row_shape, int *node, char *zone)
{
	const char *p = *pp, *e = c->eol, *q;
	char fb[48];
	uint64_t id;
	int r;

	if (!fs_match(p, e, "Node"))
		return fs_cursor_err(c, d, p, "expected a line %s, found %s%s", row_shape,
				     p == e ? "an empty line" : fs_describe(p, e, fb, sizeof fb),
				     p < e && (*p == ' ' || *p == '\t' || (*p >= '0' && *p <= '9')) ?
				     " (the rest of a wrapped line?)" : "");
	p += 4;
	q = fs_skip_blank(p, e);
	if (q == p)
		return fs_cursor_err(c, d, p, "expected a blank after \"Node\", found %s",
				     fs_describe(p, e, fb, sizeof fb));
	p = q;
	r = fs_parse_u64(&p, e, &id);
	if (r == -ERANGE || (r == 0 && id > FS_NODE_ID_MAX)) {
		fs_cursor_err(c, d, q, "node id too large (at most %d)", FS_NODE_ID_MAX);
		return -ERANGE;
	}
	if (r)
		return fs_cursor_err(c, d, q, "expected a node id (digits) after \"Node\", found %s",
				     fs_describe(q, e, fb, sizeof fb));
	if (p >= e || *p != ',')
		return fs_cursor_err(c, d, p, "expected ',' after \"Node %d\", found %s", (int)id,
				     fs_describe(p, e, fb, sizeof fb));
	p++;
	q = fs_skip_blank(p, e);
	if (q == p || !fs_match(q, e, "zone"))
		return fs_cursor_err(c, d, q, "expected \" zone\" after \"Node %d,\", found %s",
				     (int)id, fs_describe(q, e, fb, sizeof fb));
	p = q + 4;
	q = fs_skip_blank(p, e);
	if (q == e)
		return fs_cursor_err(c, d, q, "expected a zone name after \"zone\", found %s",
				     fs_describe(q, e, fb, sizeof fb));
	if (q == p)
		return fs_cursor_err(c, d, p, "expected a blank after \"zone\", found %s",
				     fs_describe(p, e, fb, sizeof fb));
	p = q;
	while (q < e && (unsigned char)*q > 0x20 && (unsigned char)*q < 0x7f && *q != ',')
		q++;
	if (q == p)
		return fs_cursor_err(c, d, p, "expected a zone name after \"zone\", found %s",
				     fs_describe(p, e, fb, sizeof fb));
	if ((size_t)(q - p) >= FS_NAME_MAX)
		return fs_cursor_err(c, d, p, "zone name longer than %d characters",
				     FS_NAME_MAX - 1);
	memcpy(zone, p, (size_t)(q - p));
	zone[q - p] = '\0';
	*node = (int)id;
	*pp = q;
	return 0;
}
