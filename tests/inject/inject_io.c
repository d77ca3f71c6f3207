/* inject_io.c - an LD_PRELOAD fault injector for fragstat's tests.
 *
 * Built only with --enable-error-injection, as tests/inject/inject_io.so.
 * Loaded with LD_PRELOAD=.../inject_io.so and driven by FRAGSTAT_INJECT, a
 * comma-separated list of rules (PAT is a substring of the opened path):
 *
 *   open:ERRNO:PAT        open() of a matching path fails with ERRNO
 *   read:ERRNO:PAT        the first read() of a matching file fails
 *   read:ERRNO@N:PAT      read() fails once N bytes of it were delivered
 *   read:EINTR:PAT        every other read() fails with EINTR (retry path)
 *   read:short:PAT        every read() returns at most 7 bytes
 *   read:short@N:PAT      every read() returns at most N bytes
 *   read:trunc@N:PAT      end of file after N bytes (a file cut short)
 *   write:ERRNO           output on stdout fails (ENOSPC, EPIPE, EIO ...)
 *   write:ERRNO@N         ... once N bytes were written
 *   malloc:fail-after=N   every allocation after the first N fails
 *   malloc:fail-nth=N     only allocation number N (1-based) fails
 *
 * ERRNO is a name: EIO, ENOSPC, EPIPE, EACCES, EPERM, ENOENT, ENOMEM,
 * EINTR, EFBIG, ENXIO. FRAGSTAT_INJECT_LOG=1 prints each injected fault on
 * stderr ("inject: ..."); FRAGSTAT_INJECT_COUNT=1 prints "inject: N
 * allocations" at exit. Allocations are counted from the moment the shim
 * is loaded (before main).
 *
 * Output: stdio writes inside glibc do not go through the write() symbol,
 * so for write rules the shim also replaces `stdout` with a stream
 * (fopencookie) whose writes go through the same fault logic; direct
 * write(1, ...) calls are intercepted too. An injected EPIPE is what a
 * write to a closed pipe returns when SIGPIPE is ignored.
 *
 * Reads through stdio (fopen/fread) are not intercepted: fragstat reads
 * every file with open()/openat()/openat2 and read() (procfs.c). A name
 * opened relative to a directory fd is matched as the directory's path
 * joined with the name.
 */
#include "config.h"   /* _GNU_SOURCE (AC_USE_SYSTEM_EXTENSIONS) */

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

/* glibc's own allocator entry points: no dlsym() (which allocates) needed. */
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t m);
extern void *__libc_realloc(void *p, size_t n);

/* Interposed symbols that the headers do not declare. */
int open64(const char *path, int flags, ...);
int openat64(int dirfd, const char *path, int flags, ...);
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen);

enum kind { K_OPEN, K_READ_ERR, K_READ_EINTR, K_READ_SHORT, K_READ_TRUNC };

#define MAX_RULES 16
#define MAX_FDS 4096
#define PAT_MAX 128

struct rule {
	enum kind kind;
	int err;
	unsigned long long at;     /* @N */
	char pat[PAT_MAX];
};

static struct rule rules[MAX_RULES];
static unsigned nrules;
static int write_err;                    /* 0 = no write rule */
static unsigned long long write_at, written;
static long long malloc_after = -1, malloc_nth = -1;
static unsigned long long nallocs;
static bool logging;

/* Per open fd: the rule that applies (index + 1, 0 = none), bytes read and
 * reads done. */
static struct { unsigned char rule; unsigned long long got, reads; } fds[MAX_FDS];

static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_write)(int, const void *, size_t);
static int (*real_close)(int);
static long (*real_syscall)(long, ...);

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	if (!logging)
		return;
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof buf - 1)
		n = (int)sizeof buf - 1;
	if (n > 0)
		syscall(SYS_write, 2, buf, (size_t)n);
}

static const struct { const char *name; int err; } errnames[] = {
	{ "EIO", EIO }, { "ENOSPC", ENOSPC }, { "EPIPE", EPIPE }, { "EACCES", EACCES },
	{ "EPERM", EPERM }, { "ENOENT", ENOENT }, { "ENOMEM", ENOMEM }, { "EINTR", EINTR },
	{ "EFBIG", EFBIG }, { "ENXIO", ENXIO },
};

static int errno_of(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof errnames / sizeof errnames[0]; i++)
		if (strlen(errnames[i].name) == n && memcmp(errnames[i].name, s, n) == 0)
			return errnames[i].err;
	return 0;
}

static void bad_spec(const char *spec)
{
	char msg[300];
	int n = snprintf(msg, sizeof msg, "inject: bad FRAGSTAT_INJECT rule '%s'\n", spec);
	syscall(SYS_write, 2, msg, (size_t)(n > 0 ? n : 0));
	_exit(125);
}

/* "WHAT[@N]" -> at (0 when absent); returns the length of WHAT. */
static size_t split_at(const char *s, size_t n, unsigned long long *at)
{
	const char *a = memchr(s, '@', n);
	*at = 0;
	if (!a)
		return n;
	char *end;
	*at = strtoull(a + 1, &end, 10);
	return (size_t)(a - s);
}

static void parse_rule(const char *spec)
{
	const char *c1 = strchr(spec, ':');
	if (!c1)
		bad_spec(spec);
	size_t wl = (size_t)(c1 - spec);
	const char *arg = c1 + 1;
	const char *c2 = strchr(arg, ':');
	size_t al = c2 ? (size_t)(c2 - arg) : strlen(arg);
	const char *pat = c2 ? c2 + 1 : "";

	if (wl == 6 && memcmp(spec, "malloc", 6) == 0) {
		if (strncmp(arg, "fail-after=", 11) == 0)
			malloc_after = atoll(arg + 11);
		else if (strncmp(arg, "fail-nth=", 9) == 0)
			malloc_nth = atoll(arg + 9);
		else
			bad_spec(spec);
		return;
	}
	if (wl == 5 && memcmp(spec, "write", 5) == 0) {
		size_t n = split_at(arg, al, &write_at);
		if (!(write_err = errno_of(arg, n)))
			bad_spec(spec);
		return;
	}
	if (nrules == MAX_RULES || !c2 || !*pat || strlen(pat) >= PAT_MAX)
		bad_spec(spec);
	struct rule *r = &rules[nrules];
	size_t n = split_at(arg, al, &r->at);
	if (wl == 4 && memcmp(spec, "open", 4) == 0) {
		r->kind = K_OPEN;
		if (!(r->err = errno_of(arg, n)))
			bad_spec(spec);
	} else if (wl == 4 && memcmp(spec, "read", 4) == 0) {
		if (n == 5 && memcmp(arg, "short", 5) == 0) {
			r->kind = K_READ_SHORT;
			if (!r->at)
				r->at = 7;
		} else if (n == 5 && memcmp(arg, "trunc", 5) == 0) {
			r->kind = K_READ_TRUNC;
		} else if ((r->err = errno_of(arg, n)) == EINTR) {
			r->kind = K_READ_EINTR;
		} else if (r->err) {
			r->kind = K_READ_ERR;
		} else {
			bad_spec(spec);
		}
	} else {
		bad_spec(spec);
	}
	memcpy(r->pat, pat, strlen(pat) + 1);
	nrules++;
}

static ssize_t cookie_write(void *cookie, const char *buf, size_t n);

__attribute__((constructor)) static void inject_init(void)
{
	real_read = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
	real_write = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
	real_syscall = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	const char *e = getenv("FRAGSTAT_INJECT");
	const char *l = getenv("FRAGSTAT_INJECT_LOG");
	logging = l && *l && *l != '0';
	if (!e || !*e)
		return;
	char spec[1024];
	if (strlen(e) >= sizeof spec)
		bad_spec(e);
	memcpy(spec, e, strlen(e) + 1);
	for (char *save = NULL, *tok = strtok_r(spec, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		parse_rule(tok);
	if (write_err) {
		/* Route stdio's stdout through the fault logic. */
		cookie_io_functions_t io = { .write = cookie_write };
		FILE *f = fopencookie(NULL, "w", io);
		if (f)
			stdout = f;
	}
}

__attribute__((destructor)) static void inject_fini(void)
{
	const char *c = getenv("FRAGSTAT_INJECT_COUNT");
	if (c && *c && *c != '0') {
		char msg[64];
		int n = snprintf(msg, sizeof msg, "inject: %llu allocations\n", nallocs);
		if (n > 0)
			syscall(SYS_write, 2, msg, (size_t)n);
	}
}

/* ---- allocation ------------------------------------------------------- */

static bool alloc_fails(void)
{
	unsigned long long k = ++nallocs;
	bool fail = (malloc_after >= 0 && k > (unsigned long long)malloc_after) ||
		    (malloc_nth >= 0 && k == (unsigned long long)malloc_nth);
	if (fail)
		say("inject: allocation %llu fails\n", k);
	return fail;
}

void *malloc(size_t n)
{
	if (alloc_fails()) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t m)
{
	if (alloc_fails()) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
	if (alloc_fails()) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(p, n);
}

/* ---- open ------------------------------------------------------------- */

static int match_open(const char *path)
{
	for (unsigned i = 0; i < nrules; i++)
		if (rules[i].kind == K_OPEN && strstr(path, rules[i].pat)) {
			say("inject: open %s: %s\n", path, strerror(rules[i].err));
			errno = rules[i].err;
			return -1;
		}
	return 0;
}

static int track(int fd, const char *path)
{
	if (fd < 0 || fd >= MAX_FDS)
		return fd;
	fds[fd].rule = 0;
	fds[fd].got = fds[fd].reads = 0;
	for (unsigned i = 0; i < nrules; i++)
		if (rules[i].kind != K_OPEN && strstr(path, rules[i].pat)) {
			fds[fd].rule = (unsigned char)(i + 1);
			break;
		}
	return fd;
}

/* The path a rule sees: a name relative to a directory fd (fragstat's
 * reads beneath --root: openat2, or an openat walk) is joined to the
 * directory's own path, so "proc/buddyinfo" matches either way. */
static const char *full_path(int dirfd, const char *path, char *buf, size_t size)
{
	char link[64];
	if (!path || path[0] == '/' || dirfd == AT_FDCWD)
		return path;
	snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
	ssize_t n = readlink(link, buf, size - 1);
	if (n <= 0 || (size_t)n >= size - 1)
		return path;
	buf[n] = '\0';
	size_t l = (size_t)n;
	if (l + 1 + strlen(path) + 1 > size)
		return path;
	buf[l] = '/';
	strcpy(buf + l + 1, path);
	return buf;
}

static int do_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	char full[4096];
	const char *p = full_path(dirfd, path, full, sizeof full);
	if (match_open(p))
		return -1;
	int fd = (int)syscall(SYS_openat, dirfd, path, flags, mode);
	return track(fd, p);
}

static long forward_syscall(long n, long a, long b, long c, long d, long e, long f)
{
	if (!real_syscall)
		real_syscall = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	return real_syscall(n, a, b, c, d, e, f);
}

/* syscall(2): fragstat opens files beneath --root with openat2, which
 * glibc 2.36 has no wrapper for; the same rules apply to it. Every other
 * call (the shim's own included) is passed on. */
long syscall(long n, ...)
{
	va_list ap;
	va_start(ap, n);
	long a = va_arg(ap, long), b = va_arg(ap, long), c = va_arg(ap, long);
	long d = va_arg(ap, long), e = va_arg(ap, long), f = va_arg(ap, long);
	va_end(ap);
#ifdef SYS_openat2
	if (n == SYS_openat2) {
		char full[4096];
		const char *p = full_path((int)a, (const char *)b, full, sizeof full);
		if (match_open(p))
			return -1;
		long fd = forward_syscall(n, a, b, c, d, e, f);
		if (fd >= 0)
			track((int)fd, p);
		return fd;
	}
#endif
	return forward_syscall(n, a, b, c, d, e, f);
}

static mode_t mode_arg(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & __O_TMPFILE) == __O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t m = mode_arg(flags, ap);
	va_end(ap);
	return do_openat(AT_FDCWD, path, flags, m);
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t m = mode_arg(flags, ap);
	va_end(ap);
	return do_openat(AT_FDCWD, path, flags, m);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t m = mode_arg(flags, ap);
	va_end(ap);
	return do_openat(dirfd, path, flags, m);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t m = mode_arg(flags, ap);
	va_end(ap);
	return do_openat(dirfd, path, flags, m);
}

int __open_2(const char *path, int flags)
{
	return do_openat(AT_FDCWD, path, flags, 0);
}

int __open64_2(const char *path, int flags)
{
	return do_openat(AT_FDCWD, path, flags, 0);
}

int __openat_2(int dirfd, const char *path, int flags)
{
	return do_openat(dirfd, path, flags, 0);
}

int close(int fd)
{
	if (fd >= 0 && fd < MAX_FDS)
		fds[fd].rule = 0;
	return real_close ? real_close(fd) : (int)syscall(SYS_close, fd);
}

/* ---- read ------------------------------------------------------------- */

static ssize_t sys_read(int fd, void *buf, size_t n)
{
	return real_read ? real_read(fd, buf, n) : syscall(SYS_read, fd, buf, n);
}

ssize_t read(int fd, void *buf, size_t n)
{
	if (fd < 0 || fd >= MAX_FDS || !fds[fd].rule)
		return sys_read(fd, buf, n);
	const struct rule *r = &rules[fds[fd].rule - 1];
	unsigned long long reads = fds[fd].reads++;
	switch (r->kind) {
	case K_READ_ERR:
		if (fds[fd].got >= r->at) {
			say("inject: read %s: %s after %llu bytes\n", r->pat, strerror(r->err), fds[fd].got);
			errno = r->err;
			return -1;
		}
		if (n > r->at - fds[fd].got)
			n = (size_t)(r->at - fds[fd].got);
		break;
	case K_READ_EINTR:
		if (reads % 2 == 0) {
			say("inject: read %s: EINTR\n", r->pat);
			errno = EINTR;
			return -1;
		}
		break;
	case K_READ_SHORT:
		if (n > r->at)
			n = (size_t)r->at;
		break;
	case K_READ_TRUNC:
		if (fds[fd].got >= r->at) {
			say("inject: read %s: end of file at %llu bytes\n", r->pat, fds[fd].got);
			return 0;
		}
		if (n > r->at - fds[fd].got)
			n = (size_t)(r->at - fds[fd].got);
		break;
	case K_OPEN:
		break;
	}
	ssize_t got = sys_read(fd, buf, n);
	if (got > 0)
		fds[fd].got += (unsigned long long)got;
	return got;
}

ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen)
{
	if (n > buflen)
		abort();
	return read(fd, buf, n);
}

/* ---- write (stdout) ----------------------------------------------------- */

static ssize_t sys_write(int fd, const void *buf, size_t n)
{
	return real_write ? real_write(fd, buf, n) : syscall(SYS_write, fd, buf, n);
}

static ssize_t out_write(const void *buf, size_t n)
{
	if (write_err) {
		if (written >= write_at) {
			say("inject: write stdout: %s after %llu bytes\n", strerror(write_err), written);
			errno = write_err;
			return -1;
		}
		if (n > write_at - written)
			n = (size_t)(write_at - written);
	}
	ssize_t w = sys_write(1, buf, n);
	if (w > 0)
		written += (unsigned long long)w;
	return w;
}

static ssize_t cookie_write(void *cookie, const char *buf, size_t n)
{
	(void)cookie;
	size_t done = 0;
	while (done < n) {
		ssize_t w = out_write(buf + done, n - done);
		if (w < 0)
			return done ? (ssize_t)done : -1;
		done += (size_t)w;
	}
	return (ssize_t)done;
}

ssize_t write(int fd, const void *buf, size_t n)
{
	if (fd == 1 && write_err)
		return out_write(buf, n);
	return sys_write(fd, buf, n);
}
