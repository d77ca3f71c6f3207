/* fragment.c - fragment free memory for the hugetlb prediction experiment
 * (tests/experiments/hugetlb_predict.sh; never run by make check).
 *
 * Maps SIZE MiB of anonymous memory, touches every page, then gives back
 * every other 4 KiB page with MADV_DONTNEED, so the freed pages cannot
 * merge with their still-used neighbours: order-0 free pages, and the
 * pageblocks they sit in can only be rebuilt by compaction (the held pages
 * are movable). Prints "ready" and waits until stdin closes or SIGTERM.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 1024;
	size_t len = mib << 20, pg = 4096;
	if (mib == 0 || mib > (64u << 10)) {
		fprintf(stderr, "usage: fragment MIB (1..65536)\n");
		return 1;
	}
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	/* no THP: we want base pages spread over many pageblocks */
	madvise(p, len, MADV_NOHUGEPAGE);
	for (size_t off = 0; off < len; off += pg)
		p[off] = 1;
	for (size_t off = pg; off < len; off += 2 * pg)
		if (madvise(p + off, pg, MADV_DONTNEED) != 0) {
			perror("madvise");
			return 1;
		}
	printf("ready %zu MiB mapped, %zu MiB given back in 4K holes\n", mib, mib / 2);
	fflush(stdout);
	char c;
	while (read(0, &c, 1) > 0)
		;
	return 0;
}
