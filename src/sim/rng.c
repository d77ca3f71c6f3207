#include "config.h"

#include "rng.h"

void fs_rng_seed(struct fs_rng *r, uint64_t seed)
{
	r->state = seed;
}
