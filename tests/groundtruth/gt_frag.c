/* gt_frag: the ground-truth harness's helper (tests/groundtruth/run.sh,
 * `make groundtruth`, root; never run by make check).
 *
 *   gt_frag frag [OPTIONS]
 *     Builds a known fragmentation pattern, prints one line
 *     "ready anon_pages N freed_pages N cache_pages N hugetlb N refill_pages N"
 *     and holds it until stdin reaches end of file or SIGTERM/SIGINT.
 *     --anon MIB        anonymous memory (MADV_NOHUGEPAGE, every page touched)
 *     --free alt|random|runN|none
 *                       then give back every other 4 KiB page (alt), a
 *                       random half of them (random, --seed), every other
 *                       run of N pages (runN: holes of N pages) or none
 *     --cache FILE --cache-mib MIB
 *                       page cache mixed in: the anonymous memory is touched
 *                       in --steps slices and after each slice a slice of FILE
 *                       is brought into the page cache (on tmpfs: written; on
 *                       other file systems the file is written, synced and
 *                       dropped from the cache first, then read slice by
 *                       slice, so its folios are whatever the file system's
 *                       readahead makes: large folios on ext4 6.x)
 *     --hugetlb N       after each slice raise /proc/sys/vm/nr_hugepages so
 *                       that N huge pages end up reserved among the slices
 *                       (the caller restores nr_hugepages)
 *     --refill MIB      after the holes are made, touch MIB more anonymous
 *                       memory (it takes holes back)
 *     --steps N         slices (default 64)   --seed N (default 1)
 *
 *   gt_frag compact DIR
 *     Copies /proc/vmstat, /proc/buddyinfo and /proc/zoneinfo to DIR/pre.*,
 *     writes "1" to /proc/sys/vm/compact_memory (the kernel compacts every
 *     zone of every node in this process, mm/compaction.c
 *     sysctl_compaction_handler -> compact_nodes), copies the same files to
 *     DIR/post.* right after, and prints
 *     "pid P wall_s W user_s U sys_s S" (the write's wall and CPU time).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#define PG 4096u
#define TMPFS_MAGIC_ 0x01021994

static volatile sig_atomic_t stop;
static void on_sig(int s)
{
	(void)s;
	stop = 1;
}

static uint64_t rng_state;
static uint64_t rng(void)    /* splitmix64 */
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int die(const char *what)
{
	fprintf(stderr, "gt_frag: %s: %s\n", what, strerror(errno));
	return 2;
}

static unsigned long num(const char *opt, const char *s)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s ? s : "", &end, 10);
	if (!s || !*s || *end || errno) {
		fprintf(stderr, "gt_frag: %s wants a number\n", opt);
		exit(1);
	}
	return v;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, s, strlen(s));
	int e = n < 0 ? -errno : 0;
	close(fd);
	return e;
}

static long read_long(const char *path)
{
	char b[64] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, b, sizeof b - 1);
	close(fd);
	return n > 0 ? strtol(b, NULL, 10) : -1;
}

static int fill_file(int fd, size_t len)
{
	static char buf[1 << 20];
	memset(buf, 0x5a, sizeof buf);
	for (size_t off = 0; off < len; off += sizeof buf)
		if (pwrite(fd, buf, sizeof buf, (off_t)off) != (ssize_t)sizeof buf)
			return -1;
	return 0;
}

static int cmd_frag(int argc, char **argv)
{
	size_t anon_mib = 0, cache_mib = 0, refill_mib = 0, steps = 64;
	unsigned long hugetlb = 0;
	const char *freep = "alt", *cache = NULL;
	rng_state = 1;
	for (int i = 0; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(o, "--anon"))
			anon_mib = num(o, v);
		else if (!strcmp(o, "--free"))
			freep = v ? v : "";
		else if (!strcmp(o, "--cache"))
			cache = v;
		else if (!strcmp(o, "--cache-mib"))
			cache_mib = num(o, v);
		else if (!strcmp(o, "--hugetlb"))
			hugetlb = num(o, v);
		else if (!strcmp(o, "--refill"))
			refill_mib = num(o, v);
		else if (!strcmp(o, "--steps"))
			steps = num(o, v);
		else if (!strcmp(o, "--seed"))
			rng_state = num(o, v);
		else {
			fprintf(stderr, "gt_frag: unknown option %s\n", o);
			return 1;
		}
		i++;
	}
	size_t run = 1;
	if (!strncmp(freep, "run", 3))
		run = num("--free runN", freep + 3);
	if ((strcmp(freep, "alt") && strcmp(freep, "random") && strcmp(freep, "none") && strncmp(freep, "run", 3)) ||
	    run == 0) {
		fprintf(stderr, "gt_frag: --free wants alt, random, runN (N > 0) or none\n");
		return 1;
	}
	if (steps == 0 || anon_mib > (64u << 10) || cache_mib > (64u << 10) || refill_mib > (64u << 10) ||
	    (cache_mib && !cache)) {
		fprintf(stderr, "gt_frag: bad sizes (MiB at most 65536, --cache-mib needs --cache, --steps > 0)\n");
		return 1;
	}
	signal(SIGTERM, on_sig);
	signal(SIGINT, on_sig);
	size_t alen = anon_mib << 20, clen = cache_mib << 20;
	char *a = NULL;
	if (alen) {
		a = mmap(NULL, alen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (a == MAP_FAILED)
			return die("mmap");
		madvise(a, alen, MADV_NOHUGEPAGE);    /* base pages, so holes are order 0 */
	}
	int cfd = -1, tmpfs = 0;
	static char rbuf[1 << 16];
	if (cache && clen) {
		cfd = open(cache, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (cfd < 0)
			return die(cache);
		struct statfs sf;
		tmpfs = fstatfs(cfd, &sf) == 0 && (unsigned long)sf.f_type == TMPFS_MAGIC_;
		if (!tmpfs) {
			/* on disk: write it, sync it and drop it from the cache, so
			 * that the slices below bring it back in among the anon pages */
			if (fill_file(cfd, clen) || fdatasync(cfd))
				return die(cache);
			posix_fadvise(cfd, 0, (off_t)clen, POSIX_FADV_DONTNEED);
		}
	}
	long hp0 = hugetlb ? read_long("/proc/sys/vm/nr_hugepages") : 0;
	size_t apages = alen / PG, cslice = clen / steps / PG * PG, done_hp = 0;
	for (size_t s = 0; s < steps && !stop; s++) {
		size_t p0 = apages * s / steps, p1 = apages * (s + 1) / steps;
		for (size_t p = p0; p < p1; p++)
			a[p * PG] = (char)(p | 1);
		if (cfd >= 0 && cslice) {
			size_t off = s * cslice;
			for (size_t o = 0; o < cslice; o += sizeof rbuf) {
				size_t n = cslice - o < sizeof rbuf ? cslice - o : sizeof rbuf;
				ssize_t r;
				if (tmpfs) {
					memset(rbuf, 0x5a, n);
					r = pwrite(cfd, rbuf, n, (off_t)(off + o));
				} else {
					r = pread(cfd, rbuf, n, (off_t)(off + o));
				}
				if (r != (ssize_t)n)
					return die("page cache slice");
			}
		}
		if (hugetlb) {
			size_t want = (size_t)hugetlb * (s + 1) / steps;
			if (want > done_hp) {
				char b[32];
				snprintf(b, sizeof b, "%ld", hp0 + (long)want);
				if (write_str("/proc/sys/vm/nr_hugepages", b))
					return die("/proc/sys/vm/nr_hugepages");
				done_hp = want;
			}
		}
	}
	size_t freed = 0;
	for (size_t p = 0; p < apages && !stop && strcmp(freep, "none"); p++) {
		int give = !strcmp(freep, "random") ? (int)(rng() & 1) : (int)((p / run) & 1);
		if (give) {
			if (madvise(a + p * PG, PG, MADV_DONTNEED))
				return die("madvise");
			freed++;
		}
	}
	size_t rlen = refill_mib << 20;
	if (rlen && !stop) {
		char *r = mmap(NULL, rlen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (r == MAP_FAILED)
			return die("mmap refill");
		madvise(r, rlen, MADV_NOHUGEPAGE);
		for (size_t o = 0; o < rlen; o += PG)
			r[o] = 1;
	}
	long hp = hugetlb ? read_long("/proc/sys/vm/nr_hugepages") - hp0 : 0;
	printf("ready anon_pages %zu freed_pages %zu cache_pages %zu hugetlb %ld refill_pages %zu\n", apages, freed,
	       cfd >= 0 ? steps * cslice / PG : 0, hp, rlen / PG);
	fflush(stdout);
	char c;
	while (!stop && read(0, &c, 1) > 0)
		;
	if (cfd >= 0) {
		unlink(cache);
		close(cfd);
	}
	return 0;
}

static int copy(const char *from, const char *dir, const char *name)
{
	static char buf[1 << 16];
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (in < 0 || out < 0)
		return -1;
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			return -1;
	close(in);
	return close(out) || n < 0 ? -1 : 0;
}

static int snap(const char *dir, const char *tag)
{
	static const char *f[] = { "vmstat", "buddyinfo", "zoneinfo" };
	for (size_t i = 0; i < 3; i++) {
		char src[64], name[64];
		snprintf(src, sizeof src, "/proc/%s", f[i]);
		snprintf(name, sizeof name, "%s.%s", tag, f[i]);
		if (copy(src, dir, name))
			return -1;
	}
	return 0;
}

static double ts(const struct timeval *t)
{
	return (double)t->tv_sec + (double)t->tv_usec / 1e6;
}

static int cmd_compact(const char *dir)
{
	struct timespec t0, t1;
	struct rusage r0, r1;
	if (snap(dir, "pre"))
		return die("copy pre");
	int fd = open("/proc/sys/vm/compact_memory", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return die("/proc/sys/vm/compact_memory");
	getrusage(RUSAGE_SELF, &r0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ssize_t n = write(fd, "1", 1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_SELF, &r1);
	if (n != 1)
		return die("write compact_memory");
	close(fd);
	if (snap(dir, "post"))
		return die("copy post");
	printf("pid %ld wall_s %.6f user_s %.6f sys_s %.6f\n", (long)getpid(),
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	       ts(&r1.ru_utime) - ts(&r0.ru_utime), ts(&r1.ru_stime) - ts(&r0.ru_stime));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "frag"))
		return cmd_frag(argc - 2, argv + 2);
	if (argc == 3 && !strcmp(argv[1], "compact"))
		return cmd_compact(argv[2]);
	fprintf(stderr, "usage: gt_frag frag [--anon MIB] [--free alt|random|none] [--cache FILE --cache-mib MIB]\n"
			"               [--hugetlb N] [--refill MIB] [--steps N] [--seed N]\n"
			"       gt_frag compact DIR\n");
	return 1;
}
