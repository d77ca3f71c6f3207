#include "config.h"

#include "diff.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *fs_diff_presence_name(enum fs_diff_presence p)
{
	switch (p) {
	case FS_DIFF_BOTH: return "both";
	case FS_DIFF_ONLY_A: return "only_a";
	case FS_DIFF_ONLY_B: return "only_b";
	}
	return "both";
}

/* b - a for unsigned values, saturated to int64. */
static int64_t sdelta(uint64_t a, uint64_t b)
{
	if (b >= a) {
		uint64_t d = b - a;
		return d > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)d;
	}
	uint64_t d = a - b;
	return d > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)d;
}

static void fill_side(struct fs_diff_side *s, const struct fs_zone_report *zr, unsigned orders)
{
	memset(s, 0, sizeof *s);
	for (unsigned k = 0; k < orders && k < FS_MAX_ORDERS; k++)
		s->free[k] = zr->zone->free[k];
	s->free_pages = zr->free_pages;
	s->indices_ok = zr->indices_ok;
	if (zr->indices_ok) {
		memcpy(s->unusable, zr->unusable, sizeof s->unusable);
		memcpy(s->fragidx, zr->fragidx, sizeof s->fragidx);
	}
	s->has_verdicts = zr->has_verdicts;
	for (unsigned k = 0; k < FS_MAX_ORDERS; k++)
		s->verdict[k] = zr->has_verdicts ? zr->verdicts[k].kind : FS_VERDICT_UNKNOWN;
}

static const struct fs_zone_report *find_zone(const struct fs_report *r, int node, const char *name)
{
	for (size_t i = 0; i < r->nnodes; i++) {
		if (r->nodes[i].node != node)
			continue;
		for (unsigned z = 0; z < r->nodes[i].nzones; z++)
			if (strcmp(r->nodes[i].zones[z].zone->name, name) == 0)
				return &r->nodes[i].zones[z];
	}
	return NULL;
}

static size_t zone_count(const struct fs_report *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nnodes; i++)
		n += r->nodes[i].nzones;
	return n;
}

static void compare(struct fs_diff_zone *dz, unsigned orders)
{
	const struct fs_diff_side *a = &dz->a, *b = &dz->b;
	dz->free_pages_delta = sdelta(a->free_pages, b->free_pages);
	dz->indices_delta_ok = a->indices_ok && b->indices_ok;
	dz->verdicts_compared = a->has_verdicts && b->has_verdicts;
	for (unsigned k = 0; k < orders; k++) {
		bool changed = false;
		dz->free_delta[k] = sdelta(a->free[k], b->free[k]);
		changed |= dz->free_delta[k] != 0;
		if (dz->indices_delta_ok) {
			dz->unusable_delta[k] = b->unusable[k] - a->unusable[k];
			dz->fragidx_delta[k] = b->fragidx[k] - a->fragidx[k];
			changed |= dz->unusable_delta[k] != 0 || dz->fragidx_delta[k] != 0;
		}
		if (dz->verdicts_compared) {
			dz->verdict_changed[k] = a->verdict[k] != b->verdict[k];
			changed |= dz->verdict_changed[k];
		}
		dz->changes += changed;
	}
}

/* Pageblock content on both sides, and when the spans and pageblock
 * orders match, which blocks moved from one class to another. */
static void compare_pages(struct fs_diff_zone *dz, const struct fs_pagemap *pa,
			  const struct fs_zone_report *za, const struct fs_pagemap *pb,
			  const struct fs_zone_report *zb)
{
	const struct fs_pm_zone *a = za->pm, *b = zb->pm;
	dz->has_pages = true;
	memcpy(dz->blocks_a, a->blocks, sizeof dz->blocks_a);
	memcpy(dz->blocks_b, b->blocks, sizeof dz->blocks_b);
	dz->ceiling_a = fs_pm_ceiling(pa, a, za->free_pages);
	dz->ceiling_b = fs_pm_ceiling(pb, b, zb->free_pages);
	dz->same_span = pa->pageblock_order == pb->pageblock_order && a->first_block == b->first_block &&
			a->nblocks == b->nblocks;
	if (!dz->same_span)
		return;
	for (uint64_t i = 0; i < a->nblocks; i++) {
		unsigned x = a->block[i], y = b->block[i];
		if (x > FS_BC_PARTIAL || y > FS_BC_PARTIAL)
			continue;
		dz->moves[x][y]++;
		dz->blocks_changed += x != y;
	}
}

static int add_counter(struct fs_diff *d, size_t *cap, const char *name)
{
	for (size_t i = 0; i < d->ncounters; i++)
		if (strcmp(d->counters[i].name, name) == 0)
			return 0;
	if (d->ncounters == *cap) {
		size_t nc = *cap ? *cap * 2 : 32;
		struct fs_diff_counter *n = realloc(d->counters, nc * sizeof *n);
		if (!n)
			return -ENOMEM;
		d->counters = n;
		*cap = nc;
	}
	struct fs_diff_counter *c = &d->counters[d->ncounters++];
	memset(c, 0, sizeof *c);
	snprintf(c->name, sizeof c->name, "%s", name);
	return 0;
}

static int counters(struct fs_diff *d, const struct fs_snapshot *a, const struct fs_snapshot *b)
{
	size_t cap = 0;
	const struct fs_kvlist *lists[2] = { &a->vmstat, &b->vmstat };
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < lists[s]->n; i++)
			if (fs_vmstat_tracked(lists[s]->items[i].name) &&
			    add_counter(d, &cap, lists[s]->items[i].name))
				return -ENOMEM;
	for (size_t i = 0; i < d->ncounters; i++) {
		struct fs_diff_counter *c = &d->counters[i];
		c->in_a = fs_kv_get(&a->vmstat, c->name, &c->a);
		c->in_b = fs_kv_get(&b->vmstat, c->name, &c->b);
		if (!c->in_a || !c->in_b)
			continue;
		c->delta = sdelta(c->a, c->b);
		c->reset = c->b < c->a;
		if (d->has_interval && d->interval_ns > 0 && !c->reset) {
			c->has_rate = true;
			c->rate = (double)(c->b - c->a) / ((double)d->interval_ns / 1e9);
		}
	}
	return 0;
}

int fs_diff_new(const struct fs_report *a, bool has_time_a, const struct fs_report *b,
		bool has_time_b, struct fs_diff **out)
{
	*out = NULL;
	struct fs_diff *d = calloc(1, sizeof *d);
	if (!d)
		return -ENOMEM;
	d->orders_a = a->orders;
	d->orders_b = b->orders;
	d->orders = a->orders < b->orders ? a->orders : b->orders;
	if (d->orders > FS_MAX_ORDERS)
		d->orders = FS_MAX_ORDERS;
	const struct fs_snapshot *sa = a->snap, *sb = b->snap;
	if (has_time_a && has_time_b) {
		int64_t ta = sa->time_sec * 1000000000LL + sa->time_nsec;
		int64_t tb = sb->time_sec * 1000000000LL + sb->time_nsec;
		d->has_interval = true;
		d->interval_ns = tb - ta;
	}
	size_t max = zone_count(a) + zone_count(b);
	if (max) {
		d->zones = calloc(max, sizeof *d->zones);
		if (!d->zones) {
			fs_diff_free(d);
			return -ENOMEM;
		}
	}
	for (size_t i = 0; i < a->nnodes; i++)
		for (unsigned z = 0; z < a->nodes[i].nzones; z++) {
			const struct fs_zone_report *za = &a->nodes[i].zones[z];
			const struct fs_zone_report *zb = find_zone(b, za->node, za->zone->name);
			struct fs_diff_zone *dz = &d->zones[d->nzones++];
			dz->node = za->node;
			snprintf(dz->zone, sizeof dz->zone, "%s", za->zone->name);
			fill_side(&dz->a, za, a->orders);
			if (zb) {
				dz->presence = FS_DIFF_BOTH;
				fill_side(&dz->b, zb, b->orders);
				compare(dz, d->orders);
				if (za->pm && zb->pm)
					compare_pages(dz, a->snap->pagemap, za, b->snap->pagemap, zb);
			} else {
				dz->presence = FS_DIFF_ONLY_A;
			}
		}
	for (size_t i = 0; i < b->nnodes; i++)
		for (unsigned z = 0; z < b->nodes[i].nzones; z++) {
			const struct fs_zone_report *zb = &b->nodes[i].zones[z];
			if (find_zone(a, zb->node, zb->zone->name))
				continue;
			struct fs_diff_zone *dz = &d->zones[d->nzones++];
			dz->node = zb->node;
			snprintf(dz->zone, sizeof dz->zone, "%s", zb->zone->name);
			dz->presence = FS_DIFF_ONLY_B;
			fill_side(&dz->b, zb, b->orders);
		}
	if (counters(d, sa, sb)) {
		fs_diff_free(d);
		return -ENOMEM;
	}
	*out = d;
	return 0;
}

void fs_diff_free(struct fs_diff *d)
{
	if (!d)
		return;
	free(d->zones);
	free(d->counters);
	free(d);
}
