/* sim_timeline.c - sampling a simulated machine (see sim_timeline.h). */
#include "config.h"

#include "sim_timeline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fragindex.h"
#include "sim_compact.h"

int sim_timeline_add(struct sim_timeline *t, const struct sim_machine *m, uint64_t op,
		     const char *phase, uint64_t used, unsigned focus)
{
	struct sim_sample *s = &t->last;
	unsigned orders = sim_machine_orders(m), nz = sim_machine_nzones(m);

	memset(s, 0, sizeof *s);
	s->op = op;
	s->phase = phase;
	s->used_pages = used;
	for (unsigned c = 0; c < SIM_CNT_NR; c++)
		s->cnt[c] = sim_counter(m, (enum sim_cnt)c);
	for (unsigned z = 0; z < nz; z++) {
		struct sim_zone_sample *zs = &s->zones[z];
		struct fs_contig_info info;
		zs->free_pages = sim_zone_free_pages(m, z);
		for (unsigned o = 0; o < orders; o++)
			zs->free_blocks[o] = sim_zone_nr_free(m, z, o);
		if (fs_fill_contig(zs->free_blocks, orders, focus, &info) == 0) {
			zs->unusable = fs_unusable_index(focus, &info);
			zs->fragidx = fs_fragmentation_index(focus, orders - 1, &info);
		}
		if (sim_zone_watermark_ok(m, z, focus, sim_zone_wmark(m, z, 1), nz - 1))
			zs->verdict = "ok";
		else if (sim_compaction_suitable(m, z, focus))
			zs->verdict = "compact";
		else
			zs->verdict = "reclaim";
	}
	if (t->n < SIM_TL_MEM) {
		if (!t->s && !(t->s = malloc(SIM_TL_MEM * sizeof *t->s)))
			return -ENOMEM;
		t->s[t->n++] = *s;
		return 0;
	}
	/* The phase and verdict pointers are static strings of this
	 * process: stored as they are, read back by the same process. */
	if (!t->spill && !(t->spill = tmpfile()))
		return errno == ENOMEM ? -ENOMEM : -EIO;
	if (fwrite(s, sizeof *s, 1, t->spill) != 1)
		return -EIO;
	t->n++;
	return 0;
}

int sim_timeline_get(const struct sim_timeline *t, size_t i, struct sim_sample *out)
{
	if (i < SIM_TL_MEM && i < t->n) {
		*out = t->s[i];
		return 0;
	}
	if (!t->spill || i >= t->n)
		return -EIO;
	long want = (long)((i - SIM_TL_MEM) * sizeof *out);
	if (i == SIM_TL_MEM || ftell(t->spill) != want) {
		if (fflush(t->spill) || fseek(t->spill, want, SEEK_SET))
			return -EIO;
	}
	return fread(out, sizeof *out, 1, t->spill) == 1 ? 0 : -EIO;
}

void sim_timeline_free(struct sim_timeline *t)
{
	free(t->s);
	if (t->spill)
		fclose(t->spill);
	t->s = NULL;
	t->spill = NULL;
	t->n = 0;
}
