/* pfn_hold: allocate memory whose physical frames are known, for
 * tests/e2e/pages_live.sh (root).
 *
 * Usage: pfn_hold MIB BLOCKFILE PAGEBLOCK_ORDER base|thp. Maps MIB MiB of
 * anonymous memory (base: MADV_NOHUGEPAGE; thp: MADV_HUGEPAGE, 2 MiB
 * aligned, so each huge page fills a pageblock), touches every page, reads each page's pfn from
 * /proc/self/pagemap (needs CAP_SYS_ADMIN, else pfns read 0), classifies
 * every frame with fragstat's own rules from /proc/kpageflags and
 * /proc/kpagecount, writes the numbers of the pageblocks whose every frame
 * is ours to BLOCKFILE, one per line, and prints
 * "frames N movable M blocks B". It then waits for a line on stdin, unmaps
 * the memory, prints "freed F": how many of those frames then read free or
 * unused by the same rules, and exits. */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "pagemap.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: pfn_hold MIB BLOCKFILE PAGEBLOCK_ORDER base|thp\n");
		return 2;
	}
	int thp = strcmp(argv[4], "thp") == 0;
	size_t mib = strtoul(argv[1], NULL, 10);
	int order = atoi(argv[3]);
	long ps = sysconf(_SC_PAGESIZE);
	size_t len = mib << 20, n = len / (size_t)ps, align = (size_t)ps << order;
	char *raw = mmap(NULL, len + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED || order < 1 || order > 20) {
		perror("mmap");
		return 2;
	}
	char *m = (char *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
	madvise(m, len, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	for (size_t i = 0; i < n; i++)
		m[i * (size_t)ps] = (char)(i | 1);
	uint64_t *pfn = calloc(n, sizeof *pfn);
	int pm = open("/proc/self/pagemap", O_RDONLY);
	int kf = open("/proc/kpageflags", O_RDONLY);
	int kc = open("/proc/kpagecount", O_RDONLY);
	if (!pfn || pm < 0 || kf < 0 || kc < 0) {
		perror("open");
		return 2;
	}
	struct fs_pagemap *map = fs_pagemap_new(order, false);
	struct utsname u;
	if (uname(&u) == 0)
		map->kver = fs_pm_kernel_version(u.release);
	size_t movable = 0, known = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t e, fl, ct;
		off_t off = (off_t)(((uintptr_t)m / (uintptr_t)ps + i) * 8);
		if (pread(pm, &e, 8, off) != 8 || !(e >> 63))
			continue;
		pfn[known] = e & ((1ull << 55) - 1);
		if (!pfn[known])
			continue;    /* no CAP_SYS_ADMIN: pfns hidden */
		if (pread(kf, &fl, 8, (off_t)(pfn[known] * 8)) != 8 ||
		    pread(kc, &ct, 8, (off_t)(pfn[known] * 8)) != 8)
			continue;
		int head = -1;
		if (fs_pm_classify(map, fl, ct, true, &head) == FS_PC_MOVABLE)
			movable++;
		known++;
	}
	qsort(pfn, known, sizeof *pfn, cmp_u64);
	FILE *bf = fopen(argv[2], "w");
	if (!bf)
		return 2;
	size_t blocks = 0, per = (size_t)1 << order;
	for (size_t i = 0; i < known;) {
		uint64_t b = pfn[i] >> order;
		size_t j = i;
		while (j < known && pfn[j] >> order == b)
			j++;
		if (j - i == per) {
			fprintf(bf, "%llu\n", (unsigned long long)b);
			blocks++;
		}
		i = j;
	}
	fclose(bf);
	printf("frames %zu movable %zu blocks %zu\n", known, movable, blocks);
	fflush(stdout);
	char line[16];
	if (!fgets(line, sizeof line, stdin))
		line[0] = 0;
	munmap(raw, len + align);
	/* Right after the unmap, before other allocations take them: how many
	 * of our former frames read free (BUDDY) or unused (on a pcp list). */
	size_t freed = 0;
	static uint64_t fl[512], ct[512];
	for (size_t i = 0; i < known;) {
		/* pfn[] is sorted: read each run of consecutive pfns at once, to be
		 * done before other allocations reuse the freed pages. */
		size_t j = i + 1;
		while (j < known && j - i < 512 && pfn[j] == pfn[j - 1] + 1)
			j++;
		size_t run = j - i, bytes = run * 8;
		if (pread(kf, fl, bytes, (off_t)(pfn[i] * 8)) == (ssize_t)bytes &&
		    pread(kc, ct, bytes, (off_t)(pfn[i] * 8)) == (ssize_t)bytes)
			for (size_t k = 0; k < run; k++) {
				int head = -1;
				enum fs_pclass c = fs_pm_classify(map, fl[k], ct[k], true, &head);
				freed += c == FS_PC_FREE || c == FS_PC_UNUSED;
			}
		i = j;
	}
	printf("freed %zu\n", freed);
	fs_pagemap_free(map);
	free(pfn);
	return 0;
}
