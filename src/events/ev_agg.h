/* ev_agg.h - pure aggregation of decoded fragmentation and compaction
 * events into per-interval and total statistics.
 *
 * No I/O, no globals. The caller feeds records in timestamp order
 * (ev_agg_feed), adds what the ring buffer lost (ev_agg_add_lost), and
 * closes intervals (ev_agg_close); ev_agg_interval()/ev_agg_totals() give
 * const statistics that renderers read. ev_agg_free() releases everything.
 */
#ifndef FRAGSTAT_EV_AGG_H
#define FRAGSTAT_EV_AGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ev.h"

#define EV_NAME_MAX 32
#define EV_MAX_ZONES 64
#define EV_MAX_NAMES 32

/* How a compaction run was started (see ev_agg.c for the rules). */
enum ev_trigger {
	EV_TRIG_DIRECT,     /* try_to_compact_pages in the allocating task */
	EV_TRIG_KCOMPACTD,  /* kcompactd_do_work after a wakeup */
	EV_TRIG_PROACTIVE,  /* kcompactd's proactive compact_node */
	EV_TRIG_MANUAL,     /* vm.compact_memory or a node's compact file */
	EV_TRIG_UNKNOWN,    /* began before the recording */
	EV_NTRIG
};
const char *ev_trigger_name(enum ev_trigger t);

/* A zone as /proc/zoneinfo describes it: the pfn range maps a run's
 * zone_start to its node and zone. */
struct ev_zone_ref {
	int nid;
	char name[EV_NAME_MAX];
	uint64_t start_pfn, spanned;
};

/* A value -> name table taken from a format file's __print_symbolic. */
struct ev_names {
	unsigned n;
	int64_t value[EV_MAX_NAMES];
	char name[EV_MAX_NAMES][EV_NAME_MAX];
};

struct ev_agg_config {
	int pageblock_order;                 /* -1 unknown */
	unsigned nmt;                        /* migratetype names, pagetypeinfo order */
	char mt_names[8][EV_NAME_MAX];
	unsigned nzones;
	struct ev_zone_ref zones[EV_MAX_ZONES];
	struct ev_names status;              /* mm_compaction_end status */
	struct ev_names zone_idx;            /* mm_compaction_suitable idx */
	struct ev_names migrate_reason;      /* mm_migrate_pages reason */
	int status_continue;                 /* value of "continue", -1 unknown */
	/* Tasks known to be kcompactd threads (from their comm), besides those
	 * that emit kcompactd_wake/sleep. */
	unsigned nkcd;
	int32_t kcd_pids[64];
};

struct ev_extfrag_row {
	int alloc_order, fallback_order, alloc_mt, fallback_mt;
	bool claim;          /* change_ownership: the block was retyped */
	bool mixing;         /* an unmovable/reclaimable allocation from a movable list */
	bool fragmenting;    /* fallback_order < pageblock_order (the kernel's print) */
	uint64_t count;
};

struct ev_compact_row {
	int nid;
	char zone[EV_NAME_MAX];
	int order;                 /* -1: whole zone (manual, proactive) */
	enum ev_trigger trigger;
	int status;
	char status_name[EV_NAME_MAX];
	uint64_t runs, sync_runs, migrate_scanned, free_scanned, isolated_migrate, isolated_free,
		 migrated, failed, ns;
};

struct ev_defer_row {
	int nid;
	char zone[EV_NAME_MAX];
	int order;
	uint64_t deferred;          /* mm_compaction_deferred: skipped as deferred */
	uint64_t defer_compaction;  /* mm_compaction_defer_compaction: deferral raised */
};

struct ev_migrate_row {
	int reason;
	char reason_name[EV_NAME_MAX];
	uint64_t calls, succeeded, failed;
};

struct ev_stats {
	uint64_t t_start, t_end;             /* ns, trace clock; end exclusive */
	uint64_t events[EV_NKINDS];          /* records seen per kind */
	uint64_t extfrag_events, extfrag_claims, extfrag_steals, extfrag_mixing,
		 extfrag_fragmenting;
	uint64_t compaction_runs;            /* mm_compaction_end records */
	uint64_t direct_attempts;            /* try_to_compact_pages */
	uint64_t kcompactd_wakes;            /* kcompactd_wake: kcompactd_do_work ran */
	uint64_t kcompactd_wakeups;          /* wakeup_kcompactd requests */
	uint64_t scans_outside_runs;         /* isolate/migrate records with no open run */
	uint64_t lost_events;                /* known count */
	uint64_t lost_unknown;               /* sub-buffers flagged without a count */
	size_t nextfrag, ncompact, ndefer, nmigrate;
	struct ev_extfrag_row *extfrag;
	struct ev_compact_row *compact;
	struct ev_defer_row *defer;
	struct ev_migrate_row *migrate;
	/* status name -> count, summed over rows, in first-seen order */
	size_t nstatus;
	struct { char name[EV_NAME_MAX]; uint64_t count; } status[EV_MAX_NAMES + 1];
	size_t caps[4];
};

struct ev_agg;

/* cfg is copied. NULL on allocation failure. */
struct ev_agg *ev_agg_new(const struct ev_agg_config *cfg, uint64_t t_start);
void ev_agg_free(struct ev_agg *a);

/* Account one record (timestamps must not go backwards by more than the
 * caller's merge window; the current interval takes it either way).
 * -ENOMEM. */
int ev_agg_feed(struct ev_agg *a, const struct ev_rec *r);
/* Events the ring buffer dropped (known count) or flagged without count. */
void ev_agg_add_lost(struct ev_agg *a, uint64_t known, uint64_t unknown_subbufs);
/* End the current interval at t_end and start the next one. */
void ev_agg_close(struct ev_agg *a, uint64_t t_end);
/* The interval closed last and the totals since ev_agg_new(). */
const struct ev_stats *ev_agg_interval(const struct ev_agg *a);
const struct ev_stats *ev_agg_totals(const struct ev_agg *a);
/* Runs begun and not yet ended (reported, never counted as runs). */
uint64_t ev_agg_open_runs(const struct ev_agg *a);

/* Name of migratetype mt (pagetypeinfo's when cfg names it, else the
 * kernel's default, else "typeN" written into buf). */
const char *ev_mt_name(const struct ev_agg_config *cfg, int mt, char *buf, size_t size);
const struct ev_agg_config *ev_agg_config(const struct ev_agg *a);

#endif
