/* pagefault_load SECONDS: touch and unmap 64 MiB of anonymous memory
 * (no THP) in a loop; each page is one kmem:mm_page_alloc and one
 * kmem:mm_page_free. Prints the pages per second it achieved. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 5;
	size_t len = 64u << 20, ps = (size_t)sysconf(_SC_PAGESIZE);
	unsigned long long pages = 0;
	double t0 = now(), t;
	do {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 1;
		madvise(p, len, MADV_NOHUGEPAGE);
		for (size_t o = 0; o < len; o += ps)
			p[o] = 1;
		munmap(p, len);
		pages += len / ps;
		t = now();
	} while (t - t0 < secs);
	printf("%.0f\n", pages / (t - t0));
	return 0;
}
