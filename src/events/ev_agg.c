#include "config.h"

#include "ev_agg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Per-task state for attributing compaction records to runs. A run is
 * the records one task emits between mm_compaction_begin and
 * mm_compaction_end (compact_zone() in mm/compaction.c runs in one task
 * from trace_mm_compaction_begin to trace_mm_compaction_end). */
struct ev_task {
	int32_t pid;
	bool kcd;                 /* a kcompactd thread */
	int kcd_working;          /* -1 unknown, 0 after kcompactd_sleep, 1 after kcompactd_wake */
	int kcd_order;
	bool have_suitable;
	int s_nid, s_idx, s_order;
	bool in_run;
	struct ev_compact_row run;
	uint64_t run_begin_ts;
	uint64_t zone_start;
};

struct ev_agg {
	struct ev_agg_config cfg;
	struct ev_stats cur, last, tot;
	size_t ntasks, captasks;
	struct ev_task *tasks;
};

static const char *const trig_names[EV_NTRIG] = { "direct", "kcompactd", "proactive", "manual", "unknown" };

const char *ev_trigger_name(enum ev_trigger t)
{
	return (unsigned)t < EV_NTRIG ? trig_names[t] : "?";
}

const struct ev_agg_config *ev_agg_config(const struct ev_agg *a) { return &a->cfg; }
const struct ev_stats *ev_agg_interval(const struct ev_agg *a) { return &a->last; }
const struct ev_stats *ev_agg_totals(const struct ev_agg *a) { return &a->tot; }

static void stats_free(struct ev_stats *s)
{
	free(s->extfrag);
	free(s->compact);
	free(s->defer);
	free(s->migrate);
	memset(s, 0, sizeof *s);
}

struct ev_agg *ev_agg_new(const struct ev_agg_config *cfg, uint64_t t_start)
{
	struct ev_agg *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	a->cfg = *cfg;
	a->cur.t_start = a->tot.t_start = a->last.t_start = a->last.t_end = t_start;
	return a;
}

void ev_agg_free(struct ev_agg *a)
{
	if (!a)
		return;
	stats_free(&a->cur);
	stats_free(&a->last);
	stats_free(&a->tot);
	free(a->tasks);
	free(a);
}

uint64_t ev_agg_open_runs(const struct ev_agg *a)
{
	uint64_t n = 0;
	for (size_t i = 0; i < a->ntasks; i++)
		n += a->tasks[i].in_run;
	return n;
}

static const char *names_find(const struct ev_names *n, int64_t v)
{
	for (unsigned i = 0; i < n->n; i++)
		if (n->value[i] == v)
			return n->name[i];
	return NULL;
}

const char *ev_mt_name(const struct ev_agg_config *cfg, int mt, char *buf, size_t size)
{
	/* Migratetype numbers since v4.4 (include/linux/mmzone.h enum
	 * migratetype): Unmovable, Movable, Reclaimable, then HighAtomic and
	 * the configured ones, in the order pagetypeinfo prints them. */
	static const char *const def[] = { "Unmovable", "Movable", "Reclaimable", "HighAtomic" };
	if (mt >= 0 && (unsigned)mt < cfg->nmt && cfg->mt_names[mt][0])
		return cfg->mt_names[mt];
	if (mt >= 0 && mt < 4)
		return def[mt];
	snprintf(buf, size, "type%d", mt);
	return buf;
}

/* Grow array *p of *cap elements of size sz to hold n+1. */
static int grow(void **p, size_t *cap, size_t n, size_t sz)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 16;
	void *q = realloc(*p, nc * sz);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = nc;
	return 0;
}

/* A new zeroed element at the end of array *p (n used of *cap); NULL on
 * ENOMEM. */
static void *append(void **p, size_t *cap, size_t *n, size_t sz)
{
	if (grow(p, cap, *n, sz))
		return NULL;
	void *e = (char *)*p + (*n)++ * sz;
	memset(e, 0, sz);
	return e;
}

static int add_extfrag(struct ev_stats *s, const struct ev_extfrag_row *k)
{
	for (size_t i = 0; i < s->nextfrag; i++) {
		struct ev_extfrag_row *r = &s->extfrag[i];
		if (r->alloc_order == k->alloc_order && r->fallback_order == k->fallback_order &&
		    r->alloc_mt == k->alloc_mt && r->fallback_mt == k->fallback_mt && r->claim == k->claim) {
			r->count++;
			goto totals;
		}
	}
	struct ev_extfrag_row *n = append((void **)&s->extfrag, &s->caps[0], &s->nextfrag, sizeof *n);
	if (!n)
		return -ENOMEM;
	*n = *k;
	n->count = 1;
totals:
	s->extfrag_events++;
	if (k->claim)
		s->extfrag_claims++;
	else
		s->extfrag_steals++;
	s->extfrag_mixing += k->mixing;
	s->extfrag_fragmenting += k->fragmenting;
	return 0;
}

static int add_compact(struct ev_stats *s, const struct ev_compact_row *k)
{
	struct ev_compact_row *r = NULL;
	for (size_t i = 0; i < s->ncompact; i++) {
		struct ev_compact_row *x = &s->compact[i];
		if (x->nid == k->nid && strcmp(x->zone, k->zone) == 0 && x->order == k->order &&
		    x->trigger == k->trigger && x->status == k->status) {
			r = x;
			break;
		}
	}
	if (!r) {
		if (!(r = append((void **)&s->compact, &s->caps[1], &s->ncompact, sizeof *r)))
			return -ENOMEM;
		*r = *k;
		r->runs = r->sync_runs = r->migrate_scanned = r->free_scanned = 0;
		r->isolated_migrate = r->isolated_free = r->migrated = r->failed = r->ns = 0;
	}
	r->runs += k->runs;
	r->sync_runs += k->sync_runs;
	r->migrate_scanned += k->migrate_scanned;
	r->free_scanned += k->free_scanned;
	r->isolated_migrate += k->isolated_migrate;
	r->isolated_free += k->isolated_free;
	r->migrated += k->migrated;
	r->failed += k->failed;
	r->ns += k->ns;
	s->compaction_runs += k->runs;
	size_t j;
	for (j = 0; j < s->nstatus; j++)
		if (strcmp(s->status[j].name, k->status_name) == 0)
			break;
	if (j == s->nstatus && j < sizeof s->status / sizeof s->status[0]) {
		snprintf(s->status[j].name, sizeof s->status[j].name, "%s", k->status_name);
		s->status[j].count = 0;
		s->nstatus++;
	}
	if (j < s->nstatus)
		s->status[j].count += k->runs;
	return 0;
}

static int add_defer(struct ev_stats *s, int nid, const char *zone, int order, bool raised)
{
	struct ev_defer_row *r = NULL;
	for (size_t i = 0; i < s->ndefer; i++)
		if (s->defer[i].nid == nid && s->defer[i].order == order && strcmp(s->defer[i].zone, zone) == 0)
			r = &s->defer[i];
	if (!r) {
		if (!(r = append((void **)&s->defer, &s->caps[2], &s->ndefer, sizeof *r)))
			return -ENOMEM;
		r->nid = nid;
		r->order = order;
		snprintf(r->zone, sizeof r->zone, "%s", zone);
	}
	if (raised)
		r->defer_compaction++;
	else
		r->deferred++;
	return 0;
}

static int add_migrate(struct ev_stats *s, int reason, const char *name, uint64_t ok, uint64_t fail)
{
	struct ev_migrate_row *r = NULL;
	for (size_t i = 0; i < s->nmigrate; i++)
		if (s->migrate[i].reason == reason)
			r = &s->migrate[i];
	if (!r) {
		if (!(r = append((void **)&s->migrate, &s->caps[3], &s->nmigrate, sizeof *r)))
			return -ENOMEM;
		r->reason = reason;
		snprintf(r->reason_name, sizeof r->reason_name, "%s", name);
	}
	r->calls++;
	r->succeeded += ok;
	r->failed += fail;
	return 0;
}

static struct ev_task *task_get(struct ev_agg *a, int32_t pid)
{
	for (size_t i = 0; i < a->ntasks; i++)
		if (a->tasks[i].pid == pid)
			return &a->tasks[i];
	struct ev_task *t = append((void **)&a->tasks, &a->captasks, &a->ntasks, sizeof *t);
	if (!t)
		return NULL;
	t->pid = pid;
	t->kcd_working = -1;
	for (unsigned i = 0; i < a->cfg.nkcd; i++)
		if (a->cfg.kcd_pids[i] == pid)
			t->kcd = true;
	return t;
}

static const struct ev_zone_ref *zone_of_pfn(const struct ev_agg *a, uint64_t pfn)
{
	for (unsigned i = 0; i < a->cfg.nzones; i++) {
		const struct ev_zone_ref *z = &a->cfg.zones[i];
		if (z->spanned && pfn >= z->start_pfn && pfn - z->start_pfn < z->spanned)
			return z;
	}
	return NULL;
}

/* Name the zone of a run: the zoneinfo range holding zone_start, else the
 * suitable record's node and zone index, else the pfn. */
static void run_zone(const struct ev_agg *a, const struct ev_task *t, uint64_t zone_start,
		     struct ev_compact_row *run)
{
	const struct ev_zone_ref *z = zone_of_pfn(a, zone_start);
	const char *n;
	if (z) {
		run->nid = z->nid;
		snprintf(run->zone, sizeof run->zone, "%s", z->name);
	} else if (t->have_suitable && (n = names_find(&a->cfg.zone_idx, t->s_idx))) {
		run->nid = t->s_nid;
		snprintf(run->zone, sizeof run->zone, "%s", n);
	} else {
		run->nid = -1;
		snprintf(run->zone, sizeof run->zone, "pfn 0x%llx", (unsigned long long)zone_start);
	}
}

static bool suitable_matches(const struct ev_agg *a, const struct ev_task *t, uint64_t zone_start)
{
	if (!t->have_suitable)
		return false;
	const struct ev_zone_ref *z = zone_of_pfn(a, zone_start);
	const char *n = names_find(&a->cfg.zone_idx, t->s_idx);
	if (!z || !n)
		return true;   /* nothing to check against */
	return z->nid == t->s_nid && strcmp(z->name, n) == 0;
}

static void begin_run(struct ev_agg *a, struct ev_task *t, const struct ev_rec *r, bool seen_begin)
{
	struct ev_compact_row *run = &t->run;
	memset(run, 0, sizeof *run);
	t->in_run = true;
	t->run_begin_ts = seen_begin ? r->ts : 0;
	t->zone_start = (uint64_t)r->f[0];
	run_zone(a, t, t->zone_start, run);
	/* The order: compact_zone() checks suitability for order > 0 just
	 * before trace_mm_compaction_begin (v6.12 compaction_suit_allocation_order
	 * -> compaction_suitable -> trace_mm_compaction_suitable; v6.1 calls
	 * compaction_suitable for every order and traces order -1 too); a
	 * run for vm.compact_memory or proactive compaction is order -1
	 * (compact_node: .order = -1). */
	bool suit = suitable_matches(a, t, t->zone_start);
	run->order = suit ? t->s_order : -1;
	if (!seen_begin)
		run->trigger = EV_TRIG_UNKNOWN;
	else if (t->kcd) {
		/* kcompactd(): kcompactd_do_work traces kcompactd_wake first; the
		 * proactive branch calls compact_node(pgdat, true) without it. */
		if (t->kcd_working == 1)
			run->trigger = EV_TRIG_KCOMPACTD;
		else if (t->kcd_working == 0)
			run->trigger = EV_TRIG_PROACTIVE;
		else
			run->trigger = run->order == -1 ? EV_TRIG_PROACTIVE : EV_TRIG_KCOMPACTD;
		if (run->trigger == EV_TRIG_KCOMPACTD && !suit && t->kcd_working == 1)
			run->order = t->kcd_order;
	} else {
		run->trigger = run->order == -1 ? EV_TRIG_MANUAL : EV_TRIG_DIRECT;
	}
	run->sync_runs = seen_begin && r->f[4] ? 1 : 0;
	t->have_suitable = false;
}

static int end_run(struct ev_agg *a, struct ev_task *t, const struct ev_rec *r)
{
	if (!t->in_run || t->zone_start != (uint64_t)r->f[0]) {
		/* The begin came before the recording (or was lost). */
		begin_run(a, t, r, false);
		t->run.sync_runs = r->f[4] ? 1 : 0;
	}
	struct ev_compact_row *run = &t->run;
	run->runs = 1;
	run->status = (int)r->f[5];
	const char *n = names_find(&a->cfg.status, r->f[5]);
	if (n)
		snprintf(run->status_name, sizeof run->status_name, "%s", n);
	else
		snprintf(run->status_name, sizeof run->status_name, "status_%d", run->status);
	if (t->run_begin_ts && r->ts >= t->run_begin_ts)
		run->ns = r->ts - t->run_begin_ts;
	t->in_run = false;
	int rc = add_compact(&a->cur, run);
	if (!rc)
		rc = add_compact(&a->tot, run);
	return rc;
}

static const char *zone_idx_name(const struct ev_agg *a, int64_t idx, char *buf, size_t size)
{
	const char *n = names_find(&a->cfg.zone_idx, idx);
	if (n)
		return n;
	snprintf(buf, size, "zone%lld", (long long)idx);
	return buf;
}

int ev_agg_feed(struct ev_agg *a, const struct ev_rec *r)
{
	struct ev_task *t;
	char buf[EV_NAME_MAX];
	int rc = 0;

	if (r->kind >= EV_NKINDS)
		return 0;
	a->cur.events[r->kind]++;
	a->tot.events[r->kind]++;
	switch ((enum ev_kind)r->kind) {
	case EV_EXTFRAG: {
		/* include/trace/events/kmem.h mm_page_alloc_extfrag: fields pfn,
		 * alloc_order, fallback_order, alloc_migratetype,
		 * fallback_migratetype, change_ownership; the print adds
		 * fragmenting = fallback_order < pageblock_order. */
		struct ev_extfrag_row k = {
			.alloc_order = (int)r->f[1], .fallback_order = (int)r->f[2],
			.alloc_mt = (int)r->f[3], .fallback_mt = (int)r->f[4], .claim = r->f[5] != 0,
		};
		k.fragmenting = a->cfg.pageblock_order >= 0 && k.fallback_order < a->cfg.pageblock_order;
		/* Pageblock mixing: an unmovable or reclaimable allocation
		 * placed in a movable pageblock that keeps other pages: a steal
		 * leaves the block Movable, a claim below the pageblock order
		 * retypes a block that still holds movable pages. A claim of
		 * whole free blocks (fallback_order >= pageblock_order) mixes
		 * nothing. */
		k.mixing = (k.alloc_mt == 0 || k.alloc_mt == 2) && k.fallback_mt == 1 && k.fragmenting;
		rc = add_extfrag(&a->cur, &k);
		if (!rc)
			rc = add_extfrag(&a->tot, &k);
		return rc;
	}
	case EV_PAGE_ALLOC: case EV_PAGE_FREE: case EV_PAGE_FREE_BATCHED:
		return 0;
	default:
		break;
	}
	if (!(t = task_get(a, r->pid)))
		return -ENOMEM;
	switch ((enum ev_kind)r->kind) {
	case EV_COMPACT_BEGIN:
		begin_run(a, t, r, true);
		break;
	case EV_COMPACT_END:
		rc = end_run(a, t, r);
		break;
	case EV_SUITABLE:
		/* Only a "continue" answer leads to a run; others end here. */
		t->have_suitable = a->cfg.status_continue < 0 || r->f[3] == a->cfg.status_continue;
		t->s_nid = (int)r->f[0];
		t->s_idx = (int)r->f[1];
		t->s_order = (int)r->f[2];
		break;
	case EV_MIGRATEPAGES:
		if (t->in_run) {
			t->run.migrated += (uint64_t)r->f[0];
			t->run.failed += (uint64_t)r->f[1];
		} else {
			a->cur.scans_outside_runs++;
			a->tot.scans_outside_runs++;
		}
		break;
	case EV_ISO_MIGRATE: case EV_ISO_FREE: case EV_FAST_ISO_FREE:
		if (t->in_run) {
			if (r->kind == EV_ISO_MIGRATE) {
				t->run.migrate_scanned += (uint64_t)r->f[2];
				t->run.isolated_migrate += (uint64_t)r->f[3];
			} else {
				t->run.free_scanned += (uint64_t)r->f[2];
				t->run.isolated_free += (uint64_t)r->f[3];
			}
		} else {
			a->cur.scans_outside_runs++;
			a->tot.scans_outside_runs++;
		}
		break;
	case EV_DEFERRED: case EV_DEFER_COMPACTION: {
		const char *zn = zone_idx_name(a, r->f[1], buf, sizeof buf);
		rc = add_defer(&a->cur, (int)r->f[0], zn, (int)r->f[2], r->kind == EV_DEFER_COMPACTION);
		if (!rc)
			rc = add_defer(&a->tot, (int)r->f[0], zn, (int)r->f[2], r->kind == EV_DEFER_COMPACTION);
		break;
	}
	case EV_TRY_TO_COMPACT:
		a->cur.direct_attempts++;
		a->tot.direct_attempts++;
		break;
	case EV_KCD_WAKE:
		t->kcd = true;
		t->kcd_working = 1;
		t->kcd_order = (int)r->f[1];
		a->cur.kcompactd_wakes++;
		a->tot.kcompactd_wakes++;
		break;
	case EV_KCD_SLEEP:
		t->kcd = true;
		t->kcd_working = 0;
		break;
	case EV_WAKEUP_KCD:
		a->cur.kcompactd_wakeups++;
		a->tot.kcompactd_wakeups++;
		break;
	case EV_MIGRATE_PAGES: {
		const char *n = names_find(&a->cfg.migrate_reason, r->f[2]);
		if (!n) {
			snprintf(buf, sizeof buf, "reason_%lld", (long long)r->f[2]);
			n = buf;
		}
		rc = add_migrate(&a->cur, (int)r->f[2], n, (uint64_t)r->f[0], (uint64_t)r->f[1]);
		if (!rc)
			rc = add_migrate(&a->tot, (int)r->f[2], n, (uint64_t)r->f[0], (uint64_t)r->f[1]);
		break;
	}
	default:
		break;
	}
	return rc;
}

void ev_agg_add_lost(struct ev_agg *a, uint64_t known, uint64_t unknown_subbufs)
{
	a->cur.lost_events += known;
	a->tot.lost_events += known;
	a->cur.lost_unknown += unknown_subbufs;
	a->tot.lost_unknown += unknown_subbufs;
}

/* -1, 0 or 1 as a is below, equal to or above b. */
static int cmp_num(long long a, long long b)
{
	return (a > b) - (a < b);
}

static int cmp_extfrag(const void *x, const void *y)
{
	const struct ev_extfrag_row *a = x, *b = y;
	int c;
	if ((c = cmp_num(a->alloc_order, b->alloc_order)) || (c = cmp_num(a->fallback_order, b->fallback_order)) ||
	    (c = cmp_num(a->alloc_mt, b->alloc_mt)) || (c = cmp_num(a->fallback_mt, b->fallback_mt)))
		return c;
	return cmp_num(a->claim, b->claim);
}

/* Node, then zone name: the first keys of the per-zone rows. */
static int cmp_node_zone(int na, const char *za, int nb, const char *zb)
{
	int c = cmp_num(na, nb);
	return c ? c : strcmp(za, zb);
}

static int cmp_compact(const void *x, const void *y)
{
	const struct ev_compact_row *a = x, *b = y;
	int c;
	if ((c = cmp_node_zone(a->nid, a->zone, b->nid, b->zone)) || (c = cmp_num(a->order, b->order)) ||
	    (c = cmp_num(a->trigger, b->trigger)))
		return c;
	return cmp_num(a->status, b->status);
}

static int cmp_defer(const void *x, const void *y)
{
	const struct ev_defer_row *a = x, *b = y;
	int c = cmp_node_zone(a->nid, a->zone, b->nid, b->zone);
	return c ? c : cmp_num(a->order, b->order);
}

static int cmp_migrate(const void *x, const void *y)
{
	const struct ev_migrate_row *a = x, *b = y;
	return cmp_num(a->reason, b->reason);
}

/* Rows in a fixed order, so that output does not depend on arrival. */
static void stats_sort(struct ev_stats *s)
{
	if (s->nextfrag)
		qsort(s->extfrag, s->nextfrag, sizeof *s->extfrag, cmp_extfrag);
	if (s->ncompact)
		qsort(s->compact, s->ncompact, sizeof *s->compact, cmp_compact);
	if (s->ndefer)
		qsort(s->defer, s->ndefer, sizeof *s->defer, cmp_defer);
	if (s->nmigrate)
		qsort(s->migrate, s->nmigrate, sizeof *s->migrate, cmp_migrate);
}

void ev_agg_close(struct ev_agg *a, uint64_t t_end)
{
	stats_sort(&a->cur);
	stats_sort(&a->tot);
	stats_free(&a->last);
	a->last = a->cur;
	a->last.t_end = t_end;
	memset(&a->cur, 0, sizeof a->cur);
	a->cur.t_start = t_end;
	a->tot.t_end = t_end;
}
