/* watch_live.c - live sampling for `fragstat watch` (watch_live.h). */
#include "config.h"

#include "watch_live.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "rates.h"
#include "rd_kpage.h"

/* Files read every refresh, and those read at most every SLOW_PERIOD
 * (settings and meminfo change rarely; the readers must not re-read what
 * a refresh does not need). pagetypeinfo has its own cadence. */
#define FAST_MASK (FS_SRC_BIT(FS_SRC_BUDDYINFO) | FS_SRC_BIT(FS_SRC_ZONEINFO) | FS_SRC_BIT(FS_SRC_VMSTAT))
#define SLOW_MASK (FS_SRC_BIT(FS_SRC_MEMINFO) | FS_SRC_BIT(FS_SRC_EXTFRAG_THRESHOLD) | \
		   FS_SRC_BIT(FS_SRC_COMPACTION_PROACTIVENESS) | FS_SRC_BIT(FS_SRC_WATERMARK_SCALE_FACTOR) | \
		   FS_SRC_BIT(FS_SRC_MIN_FREE_KBYTES) | FS_SRC_BIT(FS_SRC_THP_ENABLED) | \
		   FS_SRC_BIT(FS_SRC_THP_DEFRAG) | FS_SRC_BIT(FS_SRC_DEFRAG_MODE) | \
		   FS_SRC_BIT(FS_SRC_ZONE_RECLAIM_MODE) | FS_SRC_BIT(FS_SRC_WATERMARK_BOOST_FACTOR) | \
		   FS_SRC_BIT(FS_SRC_COMPACT_UNEVICTABLE_ALLOWED) | FS_SRC_BIT(FS_SRC_NR_HUGEPAGES))
#define SLOW_PERIOD 10.0
#define PTI_COST_FACTOR 100.0

double watch_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const struct fs_node *find_node(const struct fs_snapshot *s, int id)
{
	for (size_t i = 0; i < s->nnodes; i++)
		if (s->nodes[i].id == id)
			return &s->nodes[i];
	return NULL;
}

static const struct fs_zone *find_zone(const struct fs_node *n, const char *name)
{
	for (unsigned z = 0; n && z < n->nzones; z++)
		if (strcmp(n->zones[z].name, name) == 0)
			return &n->zones[z];
	return NULL;
}

/* Keep what this refresh did not read from the previous sample, so that
 * verdicts (highatomic reserves, pageblock order) and the JSON stay whole. */
static int carry_over(struct fs_snapshot *s, const struct fs_snapshot *prev, unsigned mask)
{
	if (!prev)
		return 0;
	if (!(mask & FS_SRC_BIT(FS_SRC_PAGETYPEINFO))) {
		s->src[FS_SRC_PAGETYPEINFO] = prev->src[FS_SRC_PAGETYPEINFO];
		s->pageblock_order = prev->pageblock_order;
		s->pages_per_block = prev->pages_per_block;
		s->nmt = prev->nmt;
		memcpy(s->mt_names, prev->mt_names, sizeof s->mt_names);
		for (size_t i = 0; i < s->nnodes; i++) {
			const struct fs_node *pn = find_node(prev, s->nodes[i].id);
			for (unsigned z = 0; z < s->nodes[i].nzones; z++) {
				struct fs_zone *zz = &s->nodes[i].zones[z];
				const struct fs_zone *pz = find_zone(pn, zz->name);
				if (!pz)
					continue;
				zz->has_types = pz->has_types;
				memcpy(zz->free_by_type, pz->free_by_type, sizeof zz->free_by_type);
				memcpy(zz->capped, pz->capped, sizeof zz->capped);
				zz->has_blocks = pz->has_blocks;
				memcpy(zz->blocks, pz->blocks, sizeof zz->blocks);
			}
		}
	}
	if (!(mask & FS_SRC_BIT(FS_SRC_MEMINFO))) {
		for (int i = 0; i < FS_SRC_COUNT; i++)
			if (SLOW_MASK & FS_SRC_BIT(i))
				s->src[i] = prev->src[i];
		s->extfrag_threshold = prev->extfrag_threshold;
		s->compaction_proactiveness = prev->compaction_proactiveness;
		s->watermark_scale_factor = prev->watermark_scale_factor;
		s->min_free_kbytes = prev->min_free_kbytes;
		/* the decision engine's inputs (decide.h) */
		s->thp_enabled = prev->thp_enabled;
		s->thp_defrag = prev->thp_defrag;
		s->defrag_mode = prev->defrag_mode;
		s->zone_reclaim_mode = prev->zone_reclaim_mode;
		s->watermark_boost_factor = prev->watermark_boost_factor;
		s->compact_unevictable_allowed = prev->compact_unevictable_allowed;
		s->nr_hugepages = prev->nr_hugepages;
		s->page_size = prev->page_size;
		s->page_size_assumed = prev->page_size_assumed;
		s->page_size_from = prev->page_size_from;
		fs_kv_free(&s->meminfo);
		if (fs_kv_copy(&s->meminfo, &prev->meminfo))
			return -ENOMEM;
	}
	return 0;
}

int watch_live_collect(struct watch_live *l, const struct fs_snapshot *prev, double interval,
		       struct fs_snapshot **out, double *since, struct fs_collect_result *res, struct fs_diag *d)
{
	double now = watch_now();
	unsigned mask = FAST_MASK;
	bool first = l->last_mono < 0;
	if (first || now - l->slow_last >= fmax(SLOW_PERIOD, interval))
		mask |= SLOW_MASK;
	/* pagetypeinfo takes the zone lock: at most every
	 * max(interval, 100 x its cost). The slack absorbs timer jitter. */
	double period = watch_live_pti_period(l, interval);
	l->pti_read_now = l->pti_enabled &&
			  (l->pti_last < 0 || now - l->pti_last >= period - fmin(0.02, 0.05 * interval));
	if (l->pti_read_now)
		mask |= FS_SRC_BIT(FS_SRC_PAGETYPEINFO);

	struct fs_snapshot *s = fs_snapshot_new();
	if (!s)
		return -ENOMEM;
	/* buddyinfo every sample: pagetypeinfo is read too seldom to stand in. */
	struct fs_collect_opts co = { .root = l->root, .mask = mask, .use_procps = false,
				      .kernel_check = false, .require_buddyinfo = true,
				      .strict = l->strict };
	double t0 = watch_now();
	int r = fs_collect(s, &co, res, d);
	double t1 = watch_now();
	if (!r)
		r = carry_over(s, prev, mask);
	if (r) {
		fs_snapshot_free(s);
		return r;
	}
	if (l->pti_read_now) {
		double c = t1 - t0;
		if (l->base_cost >= 0)
			c -= l->base_cost;
		l->pti_cost = c > 0 ? c : 0;
		l->pti_last = t0;
		l->pti_status = s->src[FS_SRC_PAGETYPEINFO];
	} else {
		double c = t1 - t0;
		l->base_cost = l->base_cost < 0 ? c : 0.8 * l->base_cost + 0.2 * c;
	}
	if (mask & SLOW_MASK)
		l->slow_last = t0;
	*since = first ? 0 : fs_rates_quantize(t0 - l->last_mono);
	l->last_mono = t0;
	*out = s;
	return 0;
}

double watch_live_pti_period(const struct watch_live *l, double interval)
{
	return fmax(interval, PTI_COST_FACTOR * l->pti_cost);
}

double watch_live_pti_age(const struct watch_live *l)
{
	return l->pti_last < 0 ? -1 : fmax(0, l->last_mono - l->pti_last);
}

void watch_live_pti(const struct watch_live *l, double interval, struct ui_pti *p)
{
	p->enabled = l->pti_enabled;
	p->status = l->pti_last >= 0 ? fs_src_status_name(l->pti_status) : NULL;
	p->have = l->pti_last >= 0 && l->pti_status == FS_ST_OK;
	p->age = l->pti_last >= 0 ? fmax(0, watch_now() - l->pti_last) : -1;
	p->read_ms = l->pti_last >= 0 ? l->pti_cost * 1000 : -1;
	p->period = watch_live_pti_period(l, interval);
}

bool watch_live_map_due(const struct watch_live *l)
{
	return l->map_last < 0 || watch_now() - l->map_last >= l->map_period;
}

int watch_live_read_map(struct watch_live *l, struct fs_snapshot *tmp, struct fs_diag *d)
{
	double t0 = watch_now();
	fs_pagemap_free(tmp->pagemap);
	tmp->pagemap = NULL;
	int r = rd_kpage_collect(tmp, l->root, d);
	l->map_last = watch_now();
	l->map_cost = l->map_last - t0;
	l->map_status = r ? FS_ST_MALFORMED : tmp->kpage_src[0] != FS_ST_OK ? tmp->kpage_src[0] : tmp->kpage_src[1];
	if (tmp->pagemap) {
		fs_pagemap_free(l->map);
		l->map = tmp->pagemap;
		tmp->pagemap = NULL;
	}
	fs_snapshot_free(tmp);
	return r;
}

void watch_live_map_frame(const struct watch_live *l, struct ui_frame *f)
{
	f->pagemap = l->map;
	f->map_status = l->map_last >= 0 ? fs_src_status_name(l->map_status) : NULL;
	f->map_age = l->map_last >= 0 ? fmax(0, watch_now() - l->map_last) : -1;
	f->map_period = l->map_period;
	f->map_cost = l->map_cost;
}

void watch_live_free(struct watch_live *l)
{
	fs_pagemap_free(l->map);
	l->map = NULL;
}
