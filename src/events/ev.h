/* ev.h - fragmentation and compaction tracepoints: the decoded record and
 * the kinds of event fragstat reads.
 *
 * A record is what one tracepoint hit carried, decoded by field name from
 * the event's format file (ev_decode.c), so that layouts of other kernel
 * versions decode the same way. Plain data; no ownership.
 */
#ifndef FRAGSTAT_EV_H
#define FRAGSTAT_EV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ev_kind {
	EV_EXTFRAG,          /* kmem:mm_page_alloc_extfrag */
	EV_COMPACT_BEGIN,    /* compaction:mm_compaction_begin */
	EV_COMPACT_END,      /* compaction:mm_compaction_end */
	EV_MIGRATEPAGES,     /* compaction:mm_compaction_migratepages */
	EV_SUITABLE,         /* compaction:mm_compaction_suitable */
	EV_DEFERRED,         /* compaction:mm_compaction_deferred */
	EV_DEFER_COMPACTION, /* compaction:mm_compaction_defer_compaction */
	EV_TRY_TO_COMPACT,   /* compaction:mm_compaction_try_to_compact_pages */
	EV_KCD_WAKE,         /* compaction:mm_compaction_kcompactd_wake */
	EV_KCD_SLEEP,        /* compaction:mm_compaction_kcompactd_sleep */
	EV_WAKEUP_KCD,       /* compaction:mm_compaction_wakeup_kcompactd */
	EV_ISO_MIGRATE,      /* compaction:mm_compaction_isolate_migratepages */
	EV_ISO_FREE,         /* compaction:mm_compaction_isolate_freepages */
	EV_FAST_ISO_FREE,    /* compaction:mm_compaction_fast_isolate_freepages */
	EV_MIGRATE_PAGES,    /* migrate:mm_migrate_pages */
	EV_PAGE_ALLOC,       /* kmem:mm_page_alloc (--record-trace) */
	EV_PAGE_FREE,        /* kmem:mm_page_free (--record-trace) */
	EV_PAGE_FREE_BATCHED,/* kmem:mm_page_free_batched (--record-trace) */
	EV_NKINDS
};

#define EV_BIT(k) (1u << (k))
/* What `fragstat events` enables (each one only where this kernel has it). */
#define EV_MASK_REPORT (EV_BIT(EV_NKINDS) - 1 - EV_BIT(EV_PAGE_ALLOC) - EV_BIT(EV_PAGE_FREE) - \
			EV_BIT(EV_PAGE_FREE_BATCHED))
/* What --record-trace enables. Not mm_page_free_batched: every batched
 * free also passes free_pages_prepare(), which traces mm_page_free
 * (v6.12/v6.18 mm/page_alloc.c free_unref_folios), so it would count twice. */
#define EV_MASK_RECORD (EV_BIT(EV_PAGE_ALLOC) | EV_BIT(EV_PAGE_FREE))
/* Without these the report has nothing to say. */
#define EV_MASK_REQUIRED (EV_BIT(EV_EXTFRAG) | EV_BIT(EV_COMPACT_BEGIN) | EV_BIT(EV_COMPACT_END))

#define EV_NFIELDS 6

/* One decoded record. f[] holds the kind's fields in the order of
 * ev_kind_fields(); signed fields are sign-extended. */
struct ev_rec {
	uint64_t ts;          /* ring-buffer timestamp (ns of the instance's trace_clock) */
	int32_t pid;          /* common_pid: the task the event fired in */
	uint16_t kind;        /* enum ev_kind */
	uint16_t cpu;
	int64_t f[EV_NFIELDS];
};

/* The records of one read, kept until they are handled in time order: a
 * growing array bounded at max records (past it a record is counted in
 * dropped, not kept). Zero-initialise with max set; free(r) at the end. */
struct ev_recbuf {
	struct ev_rec *r;
	size_t n, cap, max;
	size_t first;         /* records of the first allocation; 0: 4096 */
	uint64_t dropped;
};

/* Keep a copy of *rec (or count it dropped); 0, or -ENOMEM. The signature
 * of the decoders' sinks, ctx a struct ev_recbuf. */
int ev_recbuf_sink(const struct ev_rec *rec, void *ctx);
/* Sort the records with cmp; how many come before until (all: every one). */
size_t ev_recbuf_before(struct ev_recbuf *b, uint64_t until, bool all,
			int (*cmp)(const void *, const void *));
/* Forget the first k records (handled), keeping the rest in order. */
void ev_recbuf_shift(struct ev_recbuf *b, size_t k);
/* Records by time stamp (qsort). */
int ev_rec_cmp_ts(const void *a, const void *b);

/* "kmem", "compaction" or "migrate". */
const char *ev_kind_system(enum ev_kind k);
/* Tracepoint name, e.g. "mm_page_alloc_extfrag". */
const char *ev_kind_name(enum ev_kind k);
/* Field names of kind k (NULL-terminated, at most EV_NFIELDS); an entry
 * may list alternatives separated by '|' (older kernels' names). */
const char *const *ev_kind_fields(enum ev_kind k);
/* Number of the kind's fields a record must carry (the rest are optional
 * and read as 0 when the format lacks them). */
unsigned ev_kind_required(enum ev_kind k);

#endif
