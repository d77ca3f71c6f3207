/* watch_live.h - live sampling for `fragstat watch`: which files are due
 * this refresh (pagetypeinfo, which takes the zone lock, at most every
 * max(interval, 100 x its cost); settings and meminfo every 10 s), the
 * collection through the readers, and the page map on its own interval.
 * Never prints: errors are negative errno with a filled struct fs_diag.
 *
 * Ownership: a watch_live owns its page map; watch_live_free() releases it.
 */
#ifndef FRAGSTAT_WATCH_LIVE_H
#define FRAGSTAT_WATCH_LIVE_H

#include <stdbool.h>

#include "collect.h"
#include "diag.h"
#include "pagemap.h"
#include "snapshot.h"
#include "ui.h"

struct watch_live {
	const char *root;               /* --root; NULL: this machine */
	bool strict;                    /* --strict */
	bool pti_enabled;               /* false: --no-pagetypeinfo */
	/* Timing (CLOCK_MONOTONIC seconds). */
	double last_mono;               /* when the current sample was taken; < 0 none */
	double slow_last;               /* the last read of the slow files */
	double pti_last;                /* last pagetypeinfo read; < 0 never */
	double pti_cost;                /* what that read cost, seconds */
	double base_cost;               /* a collection without it; < 0 unknown */
	bool pti_read_now;              /* this sample read pagetypeinfo */
	enum fs_src_status pti_status;  /* and what came of it */
	/* The page map view (issue 13): read only while that view is shown,
	 * at most every map_period seconds (option --map-interval). */
	struct fs_pagemap *map;
	double map_period, map_last, map_cost;  /* map_last < 0: never read */
	enum fs_src_status map_status;
};

#define WATCH_LIVE_INIT { .pti_enabled = true, .last_mono = -1, .pti_last = -1, .base_cost = -1, \
			  .pti_status = FS_ST_UNREAD, .map_period = 60, .map_last = -1, .map_status = FS_ST_UNREAD }

/* CLOCK_MONOTONIC in seconds. */
double watch_now(void);

/* Collect the files due now into *out (owned by the caller), carrying over
 * from prev what this refresh did not read. *since: seconds since the
 * previous sample as JSON will carry them (0 for the first); *res: the
 * collection's warnings. 0 or negative errno. */
int watch_live_collect(struct watch_live *l, const struct fs_snapshot *prev, double interval,
		       struct fs_snapshot **out, double *since, struct fs_collect_result *res, struct fs_diag *d);

/* Seconds between pagetypeinfo reads now. */
double watch_live_pti_period(const struct watch_live *l, double interval);
/* Age of the pagetypeinfo data at the current sample; < 0 never read. */
double watch_live_pti_age(const struct watch_live *l);
/* The header's pagetypeinfo line, aged to now. */
void watch_live_pti(const struct watch_live *l, double interval, struct ui_pti *p);

/* The page map is due: never read, or read map_period seconds ago. */
bool watch_live_map_due(const struct watch_live *l);
/* Read the page map into l->map using tmp (a copy of the current snapshot,
 * consumed: it gives the zone spans and pageblock order). 0 or negative
 * errno; the map read before stays when the read fails. */
int watch_live_read_map(struct watch_live *l, struct fs_snapshot *tmp, struct fs_diag *d);
/* The map view's fields of the frame. */
void watch_live_map_frame(const struct watch_live *l, struct ui_frame *f);

void watch_live_free(struct watch_live *l);

#endif
