/* sim_ref_buddy.c - the textbook reference for the simulate benchmark: a
 * binary buddy allocator with per-order doubly linked free lists (no
 * migratetypes, no watermarks), replaying the op sequence of
 * `fragstat simulate --workload bench-order0|bench-mixed` (splitmix64 seed;
 * prefill to floor(N/2) used pages; then `ops` steps: free live[rnd(len)]
 * when 2*used >= N, else allocate). With --types it draws the same extra
 * rnd(100) per allocation (and ignores it).
 *
 * Fairness: the list and rng helpers are forced inline (as the simulator's
 * hot helpers are; left to itself GCC calls them), and the per-page arrays
 * come from the same zeroed anonymous mappings with the same transparent
 * huge page hint as the simulator's (sim_pages_alloc), so that the ratio
 * measures the allocators, not call overhead or TLB misses. The layout
 * stays the textbook one: separate next/prev arrays, a byte per page.
 *
 * Usage: sim_ref_buddy PAGES OPS SEED order0|mixed [types]
 * Prints: pairs_per_sec init_ns_per_page seq_pass_ns_per_page alloc_fail used
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>

#define NIL UINT32_MAX
#define MAXO 11
#define HOT static inline __attribute__((always_inline))

static uint32_t *nxt, *prv;
static uint8_t *ord;       /* bit 7: free head; bits 0-3: order */
static uint32_t head[MAXO];
static uint64_t npages;
static uint64_t rng;

HOT uint64_t next(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* zeroed pages, THP-hinted like the simulator's per-page arrays */
static void *pages(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	if (bytes >= ((size_t)2 << 20))
		(void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
	return p;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

HOT void push(uint32_t p, unsigned o)
{
	nxt[p] = head[o];
	prv[p] = NIL;
	if (head[o] != NIL)
		prv[head[o]] = p;
	head[o] = p;
	ord[p] = (uint8_t)(0x80 | o);
}

HOT void unlink_block(uint32_t p, unsigned o)
{
	if (prv[p] != NIL)
		nxt[prv[p]] = nxt[p];
	else
		head[o] = nxt[p];
	if (nxt[p] != NIL)
		prv[nxt[p]] = prv[p];
	ord[p] = 0;
}

HOT uint32_t alloc_block(unsigned o)
{
	for (unsigned c = o; c < MAXO; c++) {
		uint32_t p = head[c];
		if (p == NIL)
			continue;
		unlink_block(p, c);
		while (c > o) {
			c--;
			push(p + (1u << c), c);
		}
		ord[p] = (uint8_t)o;
		return p;
	}
	return NIL;
}

HOT void free_block(uint32_t p, unsigned o)
{
	while (o < MAXO - 1) {
		uint32_t b = p ^ (1u << o);
		if (b >= npages || ord[b] != (0x80 | o))
			break;
		unlink_block(b, o);
		p &= b;
		o++;
	}
	push(p, o);
}

int main(int argc, char **argv)
{
	static const unsigned w[11] = { 700, 80, 80, 60, 30, 10, 10, 10, 10, 8, 2 };
	uint64_t ops, used = 0, len = 0, fails = 0;
	uint32_t *live_p;
	uint8_t *live_o;
	int mixed, types;
	double t0, t_init, t_steady, t_seq;
	volatile uint64_t sink = 0;

	if (argc < 5) {
		fprintf(stderr, "usage: %s PAGES OPS SEED order0|mixed [types]\n", argv[0]);
		return 1;
	}
	npages = strtoull(argv[1], NULL, 0);
	ops = strtoull(argv[2], NULL, 0);
	rng = strtoull(argv[3], NULL, 0);
	mixed = strcmp(argv[4], "mixed") == 0;
	types = argc > 5 && strcmp(argv[5], "types") == 0;
	t0 = now();
	nxt = pages(npages * sizeof *nxt);
	prv = pages(npages * sizeof *prv);
	ord = pages(npages);
	live_p = malloc(npages * sizeof *live_p);
	live_o = malloc(npages);
	if (!nxt || !prv || !ord || !live_p || !live_o)
		return 2;
	for (unsigned o = 0; o < MAXO; o++)
		head[o] = NIL;
	{
		/* boot: largest aligned blocks from pfn 0 up, lowest at the list head */
		uint64_t p = 0, n = 0;
		uint32_t *starts = live_p;
		uint8_t *orders = live_o;
		while (p < npages) {
			unsigned o = MAXO - 1;
			while (o > 0 && ((p & ((1u << o) - 1)) || p + (1u << o) > npages))
				o--;
			starts[n] = (uint32_t)p;
			orders[n++] = (uint8_t)o;
			p += 1u << o;
		}
		while (n--)
			push(starts[n], orders[n]);
	}
	t_init = now() - t0;

#define DRAW_ORDER(o)                                                         \
	do {                                                                  \
		(o) = 0;                                                      \
		if (mixed) {                                                  \
			uint64_t r_ = next() % 1000, c_ = 0;                  \
			for ((o) = 0; (o) < 11; (o)++)                        \
				if (r_ < (c_ += w[(o)]))                      \
					break;                                \
		}                                                             \
		if (types)                                                    \
			(void)(next() % 100);                                 \
	} while (0)

	while (used < npages / 2) {
		unsigned o;
		uint32_t p;
		DRAW_ORDER(o);
		p = alloc_block(o);
		if (p == NIL) {
			fails++;
			continue;
		}
		live_p[len] = p;
		live_o[len++] = (uint8_t)o;
		used += 1u << o;
	}
	t0 = now();
	for (uint64_t i = 0; i < ops; i++) {
		if (2 * used >= npages && len) {
			uint64_t k = next() % len;
			free_block(live_p[k], live_o[k]);
			used -= 1u << live_o[k];
			len--;
			live_p[k] = live_p[len];
			live_o[k] = live_o[len];
		} else {
			unsigned o;
			uint32_t p;
			DRAW_ORDER(o);
			p = alloc_block(o);
			if (p == NIL) {
				fails++;
				continue;
			}
			live_p[len] = p;
			live_o[len++] = (uint8_t)o;
			used += 1u << o;
		}
	}
	t_steady = now() - t0;
	/* one sequential pass over a page array (the scan cost unit) */
	t0 = now();
	for (uint64_t p = 0; p < npages; p++)
		sink += ord[p];
	t_seq = now() - t0;
	printf("%.0f %.3f %.3f %llu %llu\n", (double)ops / 2 / t_steady,
	       t_init * 1e9 / (double)npages, t_seq * 1e9 / (double)npages,
	       (unsigned long long)fails, (unsigned long long)used);
	if (sink == 1)
		puts("");
	munmap(nxt, npages * sizeof *nxt);
	munmap(prv, npages * sizeof *prv);
	munmap(ord, npages);
	free(live_p);
	free(live_o);
	return 0;
}
