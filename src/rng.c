#include "config.h"

#include "rng.h"

void fs_rng_seed(struct fs_rng *r, uint64_t seed)
{
	r->state = seed;
}

uint64_t fs_rng_next(struct fs_rng *r)
{
	uint64_t z = (r->state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

uint64_t fs_rng_below(struct fs_rng *r, uint64_t n)
{
	return fs_rng_next(r) % n;
}
