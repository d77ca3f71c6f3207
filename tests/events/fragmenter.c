/* fragmenter - a short fragmenting workload for the events tests.
 *
 * fragmenter SECONDS [DIR]: for SECONDS, in rounds:
 *  - touch one page every 2 MiB of a large sparse anonymous mapping, so
 *    the kernel allocates a page-table page (unmovable, order 0) for each,
 *    mixed with the anonymous pages (movable);
 *  - create small files in DIR (default /dev/shm, a tmpfs): inodes and
 *    dentries (reclaimable slab) and page cache;
 *  and keeps them (up to MAXROUNDS rounds: 256 MiB of page tables, as
 *  much anonymous memory, 64000 files) until the end, then unmaps and
 *  deletes everything.
 * Unmovable and reclaimable allocations that find their own free lists
 * empty fall back to the movable ones: mm_page_alloc_extfrag events.
 * Everything is released on exit; nothing is left in DIR.
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

#define SPAN (8ull << 30)      /* 8 GiB of address space per round */
#define STEP (2ull << 20)
#define NFILES 4000
#define MAXROUNDS 16

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0;
	const char *base = argc > 2 ? argv[2] : "/dev/shm";
	char dir[4096], path[4200];
	unsigned rounds = 0;
	char *maps[MAXROUNDS];

	snprintf(dir, sizeof dir, "%s/fragmenter.XXXXXX", base);
	if (!mkdtemp(dir)) {
		perror(dir);
		return 1;
	}
	double end = now() + secs;
	do {
		char *p = mmap(NULL, SPAN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED) {
			perror("mmap");
			break;
		}
		madvise(p, SPAN, MADV_NOHUGEPAGE);
		for (unsigned long long o = 0; o < SPAN; o += STEP)
			p[o] = 1;
		for (int i = 0; i < NFILES; i++) {
			snprintf(path, sizeof path, "%s/f%u.%d", dir, rounds, i);
			int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			if (fd < 0)
				break;
			if (write(fd, path, 64) != 64)
				i = NFILES;
			close(fd);
		}
		maps[rounds++] = p;
	} while (rounds < MAXROUNDS && now() < end);
	while (now() < end)
		usleep(10000);
	for (unsigned r = 0; r < rounds; r++) {
		munmap(maps[r], SPAN);
		for (int i = 0; i < NFILES; i++) {
			snprintf(path, sizeof path, "%s/f%u.%d", dir, r, i);
			unlink(path);
		}
	}
	rmdir(dir);
	printf("%u rounds\n", rounds);
	return 0;
}
