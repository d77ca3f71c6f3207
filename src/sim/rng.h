/* rng.h - splitmix64: a tiny seeded generator that gives the same numbers
 * on every machine (no libc rand), for reproducible simulations. The
 * draws are inline: the simulator makes one per operation. */
#ifndef FRAGSTAT_RNG_H
#define FRAGSTAT_RNG_H

#include <stdint.h>

struct fs_rng {
	uint64_t state;
};

/* Seed the generator; every seed (0 included) is valid. */
void fs_rng_seed(struct fs_rng *r, uint64_t seed);

/* Next 64-bit output of splitmix64 (Steele, Lea, Flood 2014). */
static inline uint64_t fs_rng_next(struct fs_rng *r)
{
	uint64_t z = (r->state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* The output the d-th next draw (d >= 1) will give, without drawing: the
 * state is a counter, so the simulator can look ahead to prefetch. */
static inline uint64_t fs_rng_peek(const struct fs_rng *r, uint64_t d)
{
	uint64_t z = r->state + d * UINT64_C(0x9e3779b97f4a7c15);

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* next() % n, the reduction the benchmark op sequence specifies (n > 0). */
static inline uint64_t fs_rng_below(struct fs_rng *r, uint64_t n)
{
	return fs_rng_next(r) % n;
}

#endif
