#include "config.h"

#include "ev.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Field names follow include/trace/events/{kmem,compaction,migrate}.h of
 * v6.18 (and v6.1/v6.12, which match); "a|b" lists an older name after the
 * current one (classzone_idx before v5.8's highest_zoneidx rename). */
struct ev_kind_info {
	const char *sys, *name;
	const char *fields[EV_NFIELDS + 1];
	unsigned required;
};

static const struct ev_kind_info kinds[EV_NKINDS] = {
	[EV_EXTFRAG] = { "kmem", "mm_page_alloc_extfrag",
		{ "pfn", "alloc_order", "fallback_order", "alloc_migratetype", "fallback_migratetype",
		  "change_ownership", NULL }, 6 },
	[EV_COMPACT_BEGIN] = { "compaction", "mm_compaction_begin",
		{ "zone_start", "migrate_pfn", "free_pfn", "zone_end", "sync", NULL }, 5 },
	[EV_COMPACT_END] = { "compaction", "mm_compaction_end",
		{ "zone_start", "migrate_pfn", "free_pfn", "zone_end", "sync", "status", NULL }, 6 },
	[EV_MIGRATEPAGES] = { "compaction", "mm_compaction_migratepages",
		{ "nr_migrated", "nr_failed", NULL }, 2 },
	[EV_SUITABLE] = { "compaction", "mm_compaction_suitable",
		{ "nid", "idx", "order", "ret", NULL }, 4 },
	[EV_DEFERRED] = { "compaction", "mm_compaction_deferred",
		{ "nid", "idx", "order", "considered", "defer_shift", "order_failed", NULL }, 3 },
	[EV_DEFER_COMPACTION] = { "compaction", "mm_compaction_defer_compaction",
		{ "nid", "idx", "order", "considered", "defer_shift", "order_failed", NULL }, 3 },
	[EV_TRY_TO_COMPACT] = { "compaction", "mm_compaction_try_to_compact_pages",
		{ "order", "gfp_mask", "prio|mode", NULL }, 1 },
	[EV_KCD_WAKE] = { "compaction", "mm_compaction_kcompactd_wake",
		{ "nid", "order", "highest_zoneidx|classzone_idx", NULL }, 2 },
	[EV_KCD_SLEEP] = { "compaction", "mm_compaction_kcompactd_sleep", { "nid", NULL }, 1 },
	[EV_WAKEUP_KCD] = { "compaction", "mm_compaction_wakeup_kcompactd",
		{ "nid", "order", "highest_zoneidx|classzone_idx", NULL }, 2 },
	[EV_ISO_MIGRATE] = { "compaction", "mm_compaction_isolate_migratepages",
		{ "start_pfn", "end_pfn", "nr_scanned", "nr_taken", NULL }, 4 },
	[EV_ISO_FREE] = { "compaction", "mm_compaction_isolate_freepages",
		{ "start_pfn", "end_pfn", "nr_scanned", "nr_taken", NULL }, 4 },
	[EV_FAST_ISO_FREE] = { "compaction", "mm_compaction_fast_isolate_freepages",
		{ "start_pfn", "end_pfn", "nr_scanned", "nr_taken", NULL }, 4 },
	[EV_MIGRATE_PAGES] = { "migrate", "mm_migrate_pages",
		{ "succeeded", "failed", "reason", "mode", NULL }, 3 },
	[EV_PAGE_ALLOC] = { "kmem", "mm_page_alloc", { "pfn", "order", "migratetype", NULL }, 3 },
	[EV_PAGE_FREE] = { "kmem", "mm_page_free", { "pfn", "order", NULL }, 2 },
	[EV_PAGE_FREE_BATCHED] = { "kmem", "mm_page_free_batched", { "pfn", NULL }, 1 },
};

const char *ev_kind_system(enum ev_kind k) { return kinds[k].sys; }
const char *ev_kind_name(enum ev_kind k) { return kinds[k].name; }
const char *const *ev_kind_fields(enum ev_kind k) { return kinds[k].fields; }
unsigned ev_kind_required(enum ev_kind k) { return kinds[k].required; }

int ev_recbuf_sink(const struct ev_rec *rec, void *ctx)
{
	struct ev_recbuf *b = ctx;
	if (b->n == b->cap) {
		if (b->cap >= b->max) {
			b->dropped++;
			return 0;
		}
		size_t nc = b->cap ? b->cap * 2 : b->first ? b->first : 4096;
		if (nc > b->max)
			nc = b->max;
		void *q = realloc(b->r, nc * sizeof *b->r);
		if (!q)
			return -ENOMEM;
		b->r = q;
		b->cap = nc;
	}
	b->r[b->n++] = *rec;
	return 0;
}

size_t ev_recbuf_before(struct ev_recbuf *b, uint64_t until, bool all,
			int (*cmp)(const void *, const void *))
{
	if (!b->n)
		return 0;   /* b->r may be NULL: qsort must not see it */
	qsort(b->r, b->n, sizeof *b->r, cmp);
	size_t k = 0;
	while (k < b->n && (all || b->r[k].ts < until))
		k++;
	return k;
}

void ev_recbuf_shift(struct ev_recbuf *b, size_t k)
{
	if (!k)
		return;
	memmove(b->r, b->r + k, (b->n - k) * sizeof *b->r);
	b->n -= k;
}

int ev_rec_cmp_ts(const void *a, const void *b)
{
	const struct ev_rec *x = a, *y = b;
	return x->ts < y->ts ? -1 : x->ts > y->ts;
}
