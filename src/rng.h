/* rng.h - splitmix64: a tiny seeded generator that gives the same numbers
 * on every machine (no libc rand), for reproducible simulations. */
#ifndef FRAGSTAT_RNG_H
#define FRAGSTAT_RNG_H

#include <stdint.h>

struct fs_rng {
	uint64_t state;
};

/* Seed the generator; every seed (0 included) is valid. */
void fs_rng_seed(struct fs_rng *r, uint64_t seed);
/* Next 64-bit output of splitmix64 (Steele, Lea, Flood 2014). */
uint64_t fs_rng_next(struct fs_rng *r);
/* next() % n, the reduction the benchmark op sequence specifies (n > 0). */
uint64_t fs_rng_below(struct fs_rng *r, uint64_t n);

#endif
