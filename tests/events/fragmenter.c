/* fragmenter - a short fragmenting workload for the events tests.
 *
 * fragmenter SECONDS [DIR]
 *
 * Reads the free Unmovable pages of every zone from /proc/pagetypeinfo and
 * the pages on per-CPU lists from /proc/zoneinfo, and then asks the
 * kernel for 64 MiB more unmovable pages than that: it reads one
 * byte every 2 MiB of large sparse anonymous mappings, so each read maps
 * the shared zero page and the kernel allocates one page-table page
 * (unmovable, order 0) per 2 MiB. Once the unmovable free lists are empty
 * the allocator falls back to the movable ones (mm_page_alloc_extfrag).
 * It also creates small files in DIR (default /dev/shm, a tmpfs): inodes
 * and dentries (reclaimable slab). Holds everything until SECONDS have
 * passed, then unmaps and deletes it all; nothing is left in DIR.
 * The page tables are capped at an eighth of MemAvailable.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SPAN (8ull << 30)      /* one mapping: 4096 page-table pages */
#define STEP (2ull << 20)
#define NFILES 2000
#define MAXMAPS 1024

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Free pages on the Unmovable lists of all zones. */
static unsigned long long free_unmovable(void)
{
	FILE *f = fopen("/proc/pagetypeinfo", "r");
	char line[1024];
	unsigned long long sum = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f)) {
		char *p = strstr(line, "type    Unmovable");
		if (!p || strncmp(line, "Node", 4) != 0)
			continue;
		p += strlen("type    Unmovable");
		for (int o = 0;; o++) {
			char *end;
			unsigned long long n = strtoull(p, &end, 10);
			if (end == p)
				break;
			sum += n << o;
			p = end;
		}
	}
	fclose(f);
	return sum;
}

static unsigned long long pcp_pages(void)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	char line[256];
	unsigned long long sum = 0, n;
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, " count: %llu", &n) == 1)
			sum += n;
	fclose(f);
	return sum;
}

static unsigned long long mem_available_pages(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	unsigned long long kb = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb / 4;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0;
	const char *base = argc > 2 ? argv[2] : "/dev/shm";
	char dir[4096], path[4200];
	static char *maps[MAXMAPS];
	unsigned nmaps = 0;
	double end = now() + secs;

	/* Free pages on per-CPU lists (zoneinfo "count:") may serve them too. */
	unsigned long long want = free_unmovable() + pcp_pages() + 16384;
	unsigned long long cap = mem_available_pages() / 8;
	if (want > cap)
		want = cap;
	snprintf(dir, sizeof dir, "%s/fragmenter.XXXXXX", base);
	if (!mkdtemp(dir)) {
		perror(dir);
		return 1;
	}
	for (int i = 0; i < NFILES; i++) {
		snprintf(path, sizeof path, "%s/f%d", dir, i);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			break;
		if (write(fd, path, 64) != 64)
			i = NFILES;
		close(fd);
	}
	unsigned long long tables = 0;
	while (tables < want && nmaps < MAXMAPS) {
		char *p = mmap(NULL, SPAN, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED) {
			perror("mmap");
			break;
		}
		madvise(p, SPAN, MADV_NOHUGEPAGE);
		for (unsigned long long o = 0; o < SPAN; o += STEP)
			(void)*(volatile char *)(p + o);
		maps[nmaps++] = p;
		tables += SPAN / STEP;
	}
	while (now() < end)
		usleep(10000);
	for (unsigned i = 0; i < nmaps; i++)
		munmap(maps[i], SPAN);
	for (int i = 0; i < NFILES; i++) {
		snprintf(path, sizeof path, "%s/f%d", dir, i);
		unlink(path);
	}
	rmdir(dir);
	printf("%llu page-table pages for %llu wanted\n", tables, want);
	return 0;
}
