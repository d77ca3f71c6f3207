#include "config.h"

#include "sim_workload.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "rng.h"
#include "sim_internal.h"

struct sim_preset {
	enum sim_wl_kind kind;
	const char *name;
	const char *desc;
	unsigned fill_permille;            /* target used pages, of all pages */
	unsigned order_w[FS_MAX_ORDERS];   /* per mille; index 15 = "the pageblock order" */
	unsigned type_w[3];                /* per mille: Unmovable, Movable, Reclaimable */
	/* phased presets (fragment): first fill to fill1_permille with the
	 * types fill1_type_w, then free random blocks down to punch_permille,
	 * then type_w up to fill_permille; fill1_permille 0 = not phased */
	unsigned fill1_permille, punch_permille;
	unsigned fill1_type_w[3];
	bool fill1_order0;                 /* the first fill allocates order 0 only */
};

#define SIM_ORDER_PB 15   /* weight slot standing for the pageblock (THP) order */

static const struct sim_preset sim_presets[] = {
	{ SIM_WL_NONE, "none", "no operations (with --from: only compaction)", 0, { 0 }, { 0 } },
	{ SIM_WL_PAGE_CACHE, "page-cache",
	  "page-cache-heavy: 90% full, mostly movable order 0-3, some reclaimable/unmovable",
	  900, { 900, 50, 30, 20 }, { 50, 850, 100 } },
	{ SIM_WL_SLAB, "slab",
	  "slab pressure: 80% full, 40% unmovable and 40% reclaimable, orders 0-3",
	  800, { 600, 200, 100, 100 }, { 400, 200, 400 } },
	{ SIM_WL_THP, "thp",
	  "THP churn: 85% full, 40% movable pageblock-order blocks, order 0 otherwise",
	  850, { [0] = 600, [SIM_ORDER_PB] = 400 }, { 50, 950, 0 } },
	{ SIM_WL_RANDOM, "random",
	  "random: 70% full, orders 0-10 halving in weight, uniform migratetypes",
	  700, { 500, 250, 125, 62, 31, 16, 8, 4, 2, 1, 1 }, { 333, 334, 333 } },
	{ SIM_WL_BENCH_ORDER0, "bench-order0",
	  "benchmark: half full, order 0, movable (op sequence in the man page)",
	  500, { 1000 }, { 0, 1000, 0 } },
	{ SIM_WL_BENCH_MIXED, "bench-mixed",
	  "benchmark: half full, orders 0-10 with per-mille weights 700,80,80,60,30,10,10,10,10,8,2",
	  500, { 700, 80, 80, 60, 30, 10, 10, 10, 10, 8, 2 }, { 0, 1000, 0 } },
	{ SIM_WL_FRAGMENT, "fragment",
	  "fragmenter: fill 95% with movable pages, free random ones down to 50%, "
	  "refill to 85% with 15% unmovable, 80% movable, 5% reclaimable (order 0)",
	  850, { 1000 }, { 150, 800, 50 }, 950, 500, { 0, 1000, 0 } },
	{ SIM_WL_THP_FRAGMENTED, "thp-fragmented",
	  "THP on fragmented memory: fill 95% with movable order-0 pages, free random ones "
	  "down to 50%, refill to 85% with 2% pageblock-order blocks, order 0 otherwise, "
	  "95% movable (direct compaction)",
	  850, { [0] = 980, [SIM_ORDER_PB] = 20 }, { 30, 950, 20 }, 950, 500, { 0, 1000, 0 },
	  true },
	{ SIM_WL_TRACE, "trace", "operations from a trace file", 0, { 0 }, { 0 } },
};

int sim_wl_parse(const char *s, enum sim_wl_kind *out)
{
	for (size_t i = 0; i < sizeof sim_presets / sizeof sim_presets[0]; i++)
		if (sim_presets[i].kind != SIM_WL_TRACE && strcmp(s, sim_presets[i].name) == 0) {
			*out = sim_presets[i].kind;
			return 0;
		}
	return -EINVAL;
}

static const struct sim_preset *sim_preset_of(enum sim_wl_kind k)
{
	for (size_t i = 0; i < sizeof sim_presets / sizeof sim_presets[0]; i++)
		if (sim_presets[i].kind == k)
			return &sim_presets[i];
	return &sim_presets[0];
}

const char *sim_wl_name(enum sim_wl_kind k)
{
	return sim_preset_of(k)->name;
}

const char *sim_wl_desc(enum sim_wl_kind k)
{
	return sim_preset_of(k)->desc;
}

/* ---- driver state --------------------------------------------------------------- */

enum { SLOT_UNUSED = 0, SLOT_LIVE = 1, SLOT_FAILED = 2 };

struct sim_slot {
	uint32_t pfn;
	uint8_t zone, order, state;
};

struct sim_op {
	uint32_t slot;
	uint8_t alloc, order, mt;
};

struct sim_wl {
	enum sim_wl_kind kind;
	const struct sim_preset *preset;
	struct sim_machine *m;
	struct fs_rng rng;
	bool bench;
	unsigned order_cum[FS_MAX_ORDERS];   /* cumulative per mille */
	uint8_t order_of[FS_MAX_ORDERS];
	unsigned norder;
	uint8_t order_lut[1000];             /* order_of the first r < order_cum */
	unsigned type_cum[3];
	uint8_t type_of[3];
	bool draw_type;                      /* a type draw happens per allocation */
	unsigned type_mod;                   /* 1000 (presets) or 100 (--types) */
	uint64_t total, target, used;
	uint64_t full_at;                    /* steps free when used >= full_at */
	/* phased prefill (fragment): 1 filling, 2 punching, 0 done or not phased */
	unsigned phase;
	uint64_t fill1_to, punch_to;
	uint32_t fail_run;                   /* prefill allocations failed in a row */
	unsigned final_type_cum[3];
	uint8_t final_type_of[3];

	struct sim_slot *slots;
	uint32_t nslots, capslots;
	uint32_t *freeslots;
	uint32_t nfreeslots, capfree;
	struct sim_live {
		uint32_t pfn;
		uint8_t zone, order;
	} *live;
	uint32_t nlive, caplive;
	size_t live_mapped;                  /* bytes when live is a mapping, else 0 */
	bool track;                          /* compaction may move pages: keep tags */

	struct sim_op *ops;
	uint64_t nops, next_op;
	struct sim_wl_event last;

	/* moves reported by compaction, applied in order up to SIM_WL_PEND
	 * reports late (the entry each one writes is prefetched meanwhile:
	 * on a large machine every move would otherwise wait for memory);
	 * every entry point that reads slots[] or live[] applies them first */
	struct sim_moved_rec {
		uint32_t tag, pfn;
		uint8_t zone;
	} pend[32];
	unsigned pend_head, npend;
};
#define SIM_WL_PEND 32u

static void sim_wl_apply_moved(struct sim_wl *w, const struct sim_moved_rec *r)
{
	if (w->kind == SIM_WL_TRACE) {
		if (r->tag < w->nslots) {
			w->slots[r->tag].pfn = r->pfn;
			w->slots[r->tag].zone = r->zone;
		}
	} else if (r->tag < w->nlive) {
		w->live[r->tag].pfn = r->pfn;
		w->live[r->tag].zone = r->zone;
	}
}

/* Apply every pending move. */
static inline void sim_wl_flush_moved(struct sim_wl *w)
{
	while (w->npend) {
		sim_wl_apply_moved(w, &w->pend[w->pend_head]);
		w->pend_head = (w->pend_head + 1) % SIM_WL_PEND;
		w->npend--;
	}
}

static void sim_wl_moved(void *ctx, uint32_t tag, unsigned zone, uint32_t new_pfn)
{
	struct sim_wl *w = ctx;
	struct sim_moved_rec *r;

	if (w->npend == SIM_WL_PEND) {
		sim_wl_apply_moved(w, &w->pend[w->pend_head]);
		w->pend_head = (w->pend_head + 1) % SIM_WL_PEND;
		w->npend--;
	}
	if (w->kind == SIM_WL_TRACE) {
		if (tag < w->nslots)
			__builtin_prefetch(&w->slots[tag], 1);
	} else if (tag < w->nlive) {
		__builtin_prefetch(&w->live[tag], 1);
	}
	r = &w->pend[(w->pend_head + w->npend) % SIM_WL_PEND];
	r->tag = tag;
	r->pfn = new_pfn;
	r->zone = (uint8_t)zone;
	w->npend++;
}

static int sim_live_reserve(struct sim_wl *w);

/* Compaction split the live allocation tag (order `order` at head) into
 * order-0 pages: the entry becomes the head's, each tail page gets a new
 * entry (tags first, first + 1, ...), so frees and the used count stay
 * right. Traces and untracked workloads refuse (their ids name the folio
 * whole). */
static int sim_wl_split(void *ctx, uint32_t tag, unsigned zone, uint32_t head, unsigned order,
			uint32_t *first)
{
	struct sim_wl *w = ctx;
	uint32_t n = ((uint32_t)1 << order) - 1;

	if (w->kind == SIM_WL_TRACE || !w->track || tag >= w->nlive)
		return -1;
	sim_wl_flush_moved(w);
	if (w->live[tag].pfn != head || w->live[tag].zone != zone || w->live[tag].order != order)
		return -1;
	/* room for n more entries (sim_live_reserve grows by one at a time) */
	for (uint32_t k = 0; k < n; k++) {
		if (sim_live_reserve(w)) {
			w->nlive -= k;
			return -1;
		}
		w->nlive++;
	}
	w->nlive -= n;
	*first = w->nlive;
	for (uint32_t k = 1; k <= n; k++) {
		w->live[w->nlive].pfn = head + k;
		w->live[w->nlive].zone = (uint8_t)zone;
		w->live[w->nlive].order = 0;
		w->nlive++;
	}
	w->live[tag].order = 0;
	return 0;
}

static int sim_grow(void **p, uint32_t *cap, size_t elem, uint32_t need)
{
	uint32_t n;
	void *q;

	if (need <= *cap)
		return 0;
	if (need > UINT32_MAX / 2)
		return -ENOMEM;
	n = *cap ? *cap : 1024;
	while (n < need)
		n *= 2;
	q = realloc(*p, (size_t)n * elem);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

static int sim_slot_new(struct sim_wl *w, uint32_t *out)
{
	if (w->nfreeslots) {
		*out = w->freeslots[--w->nfreeslots];
		return 0;
	}
	if (w->nslots == UINT32_MAX - 1)
		return -ENOMEM;
	if (sim_grow((void **)&w->slots, &w->capslots, sizeof *w->slots, w->nslots + 1))
		return -ENOMEM;
	w->slots[w->nslots].state = SLOT_UNUSED;
	*out = w->nslots++;
	return 0;
}

/* The live array: every free draws a random entry, so on a large machine
 * it is touched at random over many MiB. Past SIM_LIVE_MAP bytes it lives
 * in anonymous mappings hinted for transparent huge pages, like the page
 * arrays (sim_pages_alloc): 4 KiB pages would cost a TLB miss per draw. */
#define SIM_LIVE_MAP ((size_t)4 << 20)

static int sim_live_reserve(struct sim_wl *w)
{
	uint32_t cap;
	size_t bytes;
	void *p;

	if (w->nlive < w->caplive)
		return 0;
	if (w->caplive > UINT32_MAX / 4)
		return -ENOMEM;
	cap = w->caplive ? w->caplive * 2 : 1024;
	bytes = (size_t)cap * sizeof *w->live;
	if (bytes < SIM_LIVE_MAP)
		return sim_grow((void **)&w->live, &w->caplive, sizeof *w->live, w->nlive + 1);
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, bytes, MADV_HUGEPAGE);   /* a hint; failure is harmless */
#endif
	if (w->nlive)
		memcpy(p, w->live, (size_t)w->nlive * sizeof *w->live);
	if (w->live_mapped)
		munmap(w->live, w->live_mapped);
	else
		free(w->live);
	w->live = p;
	w->live_mapped = bytes;
	w->caplive = cap;
	return 0;
}

static void sim_live_release(struct sim_wl *w)
{
	if (w->live_mapped)
		munmap(w->live, w->live_mapped);
	else
		free(w->live);
	w->live = NULL;
	w->live_mapped = 0;
}

static struct sim_wl *sim_wl_alloc(enum sim_wl_kind kind, struct sim_machine *m)
{
	struct sim_wl *w = calloc(1, sizeof *w);

	if (!w)
		return NULL;
	w->kind = kind;
	w->preset = sim_preset_of(kind);
	w->m = m;
	w->total = sim_machine_pages(m);
	w->track = true;
	sim_machine_set_moved(m, sim_wl_moved, w);
	sim_machine_set_split(m, sim_wl_split, w);
	return w;
}

int sim_wl_new(enum sim_wl_kind kind, const struct sim_wl_params *p, struct sim_machine *m,
	       struct sim_wl **out)
{
	struct sim_wl *w;
	unsigned orders = sim_machine_orders(m), pbo = sim_machine_pageblock_order(m), cum = 0;
	const struct sim_preset *pr;

	*out = NULL;
	if (kind == SIM_WL_TRACE)
		return -EINVAL;
	w = sim_wl_alloc(kind, m);
	if (!w)
		return -ENOMEM;
	pr = w->preset;
	fs_rng_seed(&w->rng, p->seed);
	w->bench = kind == SIM_WL_BENCH_ORDER0 || kind == SIM_WL_BENCH_MIXED;
	w->track = sim_machine_compaction(m) != SIM_COMPACT_NONE;
	if (w->bench)
		w->target = w->total / 2;
	else
		w->target = w->total * pr->fill_permille / 1000;
	/* bench: free when 2 * used >= N, i.e. used >= ceil(N / 2) */
	w->full_at = w->bench ? w->total - w->total / 2 : w->target;
	/* order table: weights in order of increasing order; out-of-range orders clamp */
	for (unsigned i = 0; i < FS_MAX_ORDERS; i++) {
		unsigned o = i == SIM_ORDER_PB ? pbo : i;
		if (!pr->order_w[i])
			continue;
		if (o >= orders)
			o = orders - 1;
		cum += pr->order_w[i];
		w->order_cum[w->norder] = cum;
		w->order_of[w->norder] = (uint8_t)o;
		w->norder++;
	}
	for (unsigned r = 0, i = 0; r < 1000; r++) {
		while (i + 1 < w->norder && r >= w->order_cum[i])
			i++;
		w->order_lut[r] = w->norder ? w->order_of[i] : 0;
	}
	if (p->types_pct[0] + p->types_pct[1] + p->types_pct[2]) {
		/* --types M,U,R percent */
		static const uint8_t map[3] = { SIM_MT_MOVABLE, SIM_MT_UNMOVABLE, SIM_MT_RECLAIMABLE };
		unsigned c = 0;
		for (unsigned i = 0; i < 3; i++) {
			c += p->types_pct[i];
			w->type_cum[i] = c;
			w->type_of[i] = map[i];
		}
		if (c != 100) {
			free(w);
			return -EINVAL;
		}
		w->draw_type = true;
		w->type_mod = 100;
	} else {
		unsigned c = 0;
		for (unsigned i = 0; i < 3; i++) {
			c += pr->type_w[i];
			w->type_cum[i] = c;
			w->type_of[i] = (uint8_t)i;
		}
		w->draw_type = !w->bench;
		w->type_mod = 1000;
	}
	if (pr->fill1_permille) {
		/* phased: keep the final mix, start with the fill mix */
		unsigned c = 0;
		memcpy(w->final_type_cum, w->type_cum, sizeof w->type_cum);
		memcpy(w->final_type_of, w->type_of, sizeof w->type_of);
		for (unsigned i = 0; i < 3; i++) {
			c += pr->fill1_type_w[i];
			w->type_cum[i] = c * w->type_mod / 1000;
			w->type_of[i] = (uint8_t)i;
		}
		w->phase = 1;
		w->fill1_to = w->total * pr->fill1_permille / 1000;
		w->punch_to = w->total * pr->punch_permille / 1000;
	}
	*out = w;
	return 0;
}

void sim_wl_free(struct sim_wl *w)
{
	if (!w)
		return;
	sim_machine_set_moved(w->m, NULL, NULL);
	sim_machine_set_split(w->m, NULL, NULL);
	free(w->slots);
	free(w->freeslots);
	sim_live_release(w);
	free(w->ops);
	free(w);
}

/* ---- preset operations -------------------------------------------------------------- */

static unsigned sim_wl_draw_order(struct sim_wl *w)
{
	uint64_t r;

	if (w->norder <= 1)
		return w->norder ? w->order_of[0] : 0;
	r = fs_rng_below(&w->rng, 1000);
	return w->order_lut[r];   /* the first order_of[i] with r < order_cum[i], else the last */
}

static enum sim_mt sim_wl_draw_type(struct sim_wl *w)
{
	uint64_t r;

	if (!w->draw_type)
		return SIM_MT_MOVABLE;
	r = fs_rng_below(&w->rng, w->type_mod);
	for (unsigned i = 0; i < 3; i++)
		if (r < w->type_cum[i])
			return (enum sim_mt)w->type_of[i];
	return (enum sim_mt)w->type_of[2];
}

static int sim_wl_do_alloc(struct sim_wl *w, unsigned order, enum sim_mt mt, uint32_t slot)
{
	struct sim_ref ref;
	int rc = sim_alloc(w->m, order, mt, slot, &ref);

	sim_wl_flush_moved(w);

	w->last.alloc = true;
	w->last.ok = rc == 0;
	w->last.order = order;
	w->last.mt = mt;
	w->last.index = UINT64_MAX;

	if (rc == -ENOMEM) {
		w->slots[slot].state = SLOT_FAILED;
		return 1;
	}
	if (rc)
		return rc;
	w->slots[slot].pfn = ref.pfn;
	w->slots[slot].zone = ref.zone;
	w->slots[slot].order = (uint8_t)order;
	w->slots[slot].state = SLOT_LIVE;
	w->used += (uint64_t)1 << order;
	return 0;
}

static int sim_wl_do_free(struct sim_wl *w, uint32_t slot)
{
	struct sim_slot *s = &w->slots[slot];
	struct sim_ref ref = { .pfn = s->pfn, .zone = s->zone };
	int rc = sim_free(w->m, ref);

	if (rc)
		return rc;
	w->used -= (uint64_t)1 << s->order;
	s->state = SLOT_UNUSED;
	return 0;
}

static inline int sim_wl_alloc_new(struct sim_wl *w)
{
	unsigned order = w->phase == 1 && w->preset->fill1_order0 ? 0 : sim_wl_draw_order(w);
	enum sim_mt mt = sim_wl_draw_type(w);
	struct sim_ref ref;
	int rc;

	if (w->nlive == w->caplive && sim_live_reserve(w))
		return -ENOMEM;
	rc = sim_alloc(w->m, order, mt, w->nlive, &ref);
	sim_wl_flush_moved(w);
	w->last.alloc = true;
	w->last.ok = rc == 0;
	w->last.order = order;
	w->last.mt = mt;
	w->last.index = UINT64_MAX;
	if (rc)
		return rc == -ENOMEM ? 0 : rc;   /* failed: the id is used up */
	w->live[w->nlive].pfn = ref.pfn;
	w->live[w->nlive].zone = ref.zone;
	w->live[w->nlive].order = (uint8_t)order;
	w->nlive++;
	w->used += (uint64_t)1 << order;
	return 0;
}

static inline int sim_wl_free_random(struct sim_wl *w)
{
	uint32_t i = (uint32_t)fs_rng_below(&w->rng, w->nlive);
	struct sim_live l = w->live[i];
	struct sim_ref ref = { .pfn = l.pfn, .zone = l.zone };
	int rc = sim_free(w->m, ref);

	w->last.alloc = false;
	w->last.ok = rc == 0;
	w->last.order = l.order;
	w->last.index = i;
	if (rc)
		return rc;
	w->used -= (uint64_t)1 << l.order;
	l = w->live[--w->nlive];
	w->live[i] = l;
	if (w->track && i < w->nlive) {
		ref.pfn = l.pfn;
		ref.zone = l.zone;
		rc = sim_set_tag(w->m, ref, i);
	}
	return rc;
}

/* One prefill allocation, counting failures in a row: a machine whose
 * watermarks (or size) keep every allocation from succeeding would
 * otherwise never reach the fill target (issue 11: --memory 1M spun). */
static int sim_wl_prefill_alloc(struct sim_wl *w)
{
	int rc = sim_wl_alloc_new(w);
	if (rc)
		return rc;
	if (w->last.ok) {
		w->fail_run = 0;
		return 0;
	}
	if (++w->fail_run >= SIM_PREFILL_STUCK)
		return -ENOSPC;
	return 0;
}

void sim_wl_prefill_progress(const struct sim_wl *w, uint64_t *used, uint64_t *target)
{
	*used = w->used;
	*target = w->phase == 1 ? w->fill1_to : w->target;
}

int sim_wl_prefill_step(struct sim_wl *w)
{
	sim_wl_flush_moved(w);
	if (w->kind == SIM_WL_TRACE || w->kind == SIM_WL_NONE)
		return 1;
	if (w->phase == 1) {   /* fill */
		if (w->used < w->fill1_to)
			return sim_wl_prefill_alloc(w);
		w->phase = 2;
	}
	if (w->phase == 2) {   /* punch holes */
		if (w->used > w->punch_to && w->nlive)
			return sim_wl_free_random(w);
		memcpy(w->type_cum, w->final_type_cum, sizeof w->type_cum);
		memcpy(w->type_of, w->final_type_of, sizeof w->type_of);
		w->phase = 0;
	}
	if (w->used >= w->target)
		return 1;
	return sim_wl_prefill_alloc(w);
}

int sim_wl_prefill(struct sim_wl *w)
{
	int rc;

	while ((rc = sim_wl_prefill_step(w)) == 0)
		;
	return rc < 0 ? rc : 0;
}

static int sim_wl_trace_step(struct sim_wl *w);

/* One preset operation (the op sequence of the man page). */
static inline int sim_wl_preset_step(struct sim_wl *w)
{
	if (w->used >= w->full_at && w->nlive)
		return sim_wl_free_random(w);
	return sim_wl_alloc_new(w);
}

/* Look ahead from the state before draw d (used pages *u, live blocks *n)
 * to the next free: the allocations the preset steps make first, assuming
 * they succeed. Leaves d at that free's draw; false when more than a few
 * allocations come first (not worth predicting). */
static inline bool sim_wl_ahead(const struct sim_wl *w, uint64_t *d, uint64_t *u, uint32_t *n)
{
	const uint64_t per_alloc = (w->norder > 1) + w->draw_type;

	for (unsigned j = 0; *u < w->full_at || !*n; j++) {
		unsigned order = w->norder > 1 ? w->order_lut[fs_rng_peek(&w->rng, *d) % 1000]
					       : w->norder ? w->order_of[0] : 0;
		if (j == 4)
			return false;
		*d += per_alloc;
		*u += (uint64_t)1 << order;
		++*n;
	}
	return true;
}

/* n preset operations: sim_wl_preset_step() n times, with the loop's state
 * in locals and the last event stored once. The machine calls back into
 * w only through sim_wl_moved() (compaction inside sim_alloc; the moves
 * are applied right after it), which reads w->nlive: kept current in w
 * across calls. */
static int sim_wl_run_preset(struct sim_wl *w, uint64_t n, uint64_t *done)
{
	struct sim_machine *m = w->m;
	struct sim_wl_event ev = w->last;
	const uint64_t full_at = w->full_at;
	const bool track = w->track;
	uint64_t i;
	int rc = 0;

	for (i = 0; i < n; i++) {
		struct sim_ref ref;
		if (w->used >= full_at && w->nlive) {
			/* sim_wl_free_random */
			uint32_t nl = w->nlive;
			uint32_t k = (uint32_t)fs_rng_below(&w->rng, nl);
			struct sim_live l = w->live[k];
			uint32_t k1 = UINT32_MAX, k2, nn = nl - 1;
			uint64_t d = 1, u = w->used - ((uint64_t)1 << l.order);
			ref.pfn = l.pfn;
			ref.zone = l.zone;
			/* Prefetch for the next two frees: their draws are known
			 * ahead (the rng state is a counter) as long as the
			 * allocations between succeed. Here the live entry of the
			 * one after next (assuming the next frees an order-0
			 * block: always so in bench-order0, the most common case
			 * elsewhere), below the page data of the next. Hints
			 * only: a wrong guess costs a cache line, never a result. */
			if (sim_wl_ahead(w, &d, &u, &nn)) {
				k1 = (uint32_t)(fs_rng_peek(&w->rng, d) % nn);
				u--;
				nn--;
				d++;
				if (sim_wl_ahead(w, &d, &u, &nn)) {
					k2 = (uint32_t)(fs_rng_peek(&w->rng, d) % nn);
					if (k2 < w->caplive)   /* an address inside the array */
						__builtin_prefetch(&w->live[k2]);
				}
			}
			rc = sim_free(m, ref);
			ev.alloc = false;
			ev.ok = rc == 0;
			ev.order = l.order;
			ev.index = k;
			if (rc)
				break;
			w->used -= (uint64_t)1 << l.order;
			l = w->live[--w->nlive];
			w->live[k] = l;
			if (k1 < w->nlive && k1 != k) {   /* entry k1 stays where it is */
				struct sim_live a = w->live[k1];
				struct sim_ref ra = { .pfn = a.pfn, .zone = a.zone };
				sim_prefetch_free(m, ra);
			}
			if (track && k < w->nlive) {
				ref.pfn = l.pfn;
				ref.zone = l.zone;
				if ((rc = sim_set_tag(m, ref, k)) != 0)
					break;
			}
		} else {
			/* sim_wl_alloc_new */
			unsigned order = sim_wl_draw_order(w);
			enum sim_mt mt = sim_wl_draw_type(w);
			uint32_t id = w->nlive;
			if (id == w->caplive && sim_live_reserve(w)) {
				rc = -ENOMEM;
				break;
			}
			rc = sim_alloc(m, order, mt, id, &ref);
			if (w->npend)
				sim_wl_flush_moved(w);
			ev.alloc = true;
			ev.ok = rc == 0;
			ev.order = order;
			ev.mt = mt;
			ev.index = UINT64_MAX;
			if (rc) {
				if (rc != -ENOMEM)
					break;
				rc = 0;   /* failed: the id is used up */
				continue;
			}
			w->live[id].pfn = ref.pfn;
			w->live[id].zone = ref.zone;
			w->live[id].order = (uint8_t)order;
			w->nlive = id + 1;
			w->used += (uint64_t)1 << order;
		}
	}
	w->last = ev;
	*done = i;
	return rc;
}

int sim_wl_step(struct sim_wl *w)
{
	sim_wl_flush_moved(w);
	if (w->kind == SIM_WL_TRACE)
		return sim_wl_trace_step(w);
	if (w->kind == SIM_WL_NONE)
		return 1;
	return sim_wl_preset_step(w);
}

int sim_wl_run(struct sim_wl *w, uint64_t n, uint64_t *done)
{
	uint64_t i = 0;
	int rc = 0;

	sim_wl_flush_moved(w);

	if (w->kind == SIM_WL_TRACE || w->kind == SIM_WL_NONE) {
		for (; i < n; i++)
			if ((rc = sim_wl_step(w)) != 0)
				break;
	} else {
		return sim_wl_run_preset(w, n, done);
	}
	*done = i;
	return rc;
}

int sim_wl_free_all(struct sim_wl *w)
{
	sim_wl_flush_moved(w);
	while (w->nlive) {
		struct sim_live *l = &w->live[--w->nlive];
		struct sim_ref ref = { .pfn = l->pfn, .zone = l->zone };
		int rc = sim_free(w->m, ref);
		if (rc)
			return rc;
		w->used -= (uint64_t)1 << l->order;
	}
	for (uint32_t s = 0; s < w->nslots; s++)
		if (w->slots[s].state == SLOT_LIVE) {
			int rc = sim_wl_do_free(w, s);
			if (rc)
				return rc;
		}
	w->nlive = 0;
	return 0;
}

static int sim_wl_adopt_one(void *ctx, unsigned zone, uint32_t pfn, unsigned order,
			    enum sim_mt mt, uint32_t tag)
{
	struct sim_wl *w = ctx;
	uint32_t slot;
	struct sim_ref ref = { .pfn = pfn, .zone = (uint8_t)zone };
	int rc;

	enum sim_kind kind;

	(void)mt;
	(void)tag;
	/* reserved pages and hugetlb folios of a seeded layout belong to no
	 * process: the workload never frees them (simfrom) */
	if (sim_alloc_kind(w->m, ref, &kind) == 0 &&
	    (kind == SIM_KIND_RESERVED || kind == SIM_KIND_HUGETLB))
		return 0;
	w->used += (uint64_t)1 << order;
	if (w->kind != SIM_WL_TRACE) {
		if (sim_live_reserve(w))
			return -ENOMEM;
		w->live[w->nlive].pfn = pfn;
		w->live[w->nlive].zone = (uint8_t)zone;
		w->live[w->nlive].order = (uint8_t)order;
		return sim_set_tag(w->m, ref, w->nlive++);
	}
	rc = sim_slot_new(w, &slot);
	if (rc)
		return rc;
	w->slots[slot].pfn = pfn;
	w->slots[slot].zone = (uint8_t)zone;
	w->slots[slot].order = (uint8_t)order;
	w->slots[slot].state = SLOT_LIVE;
	return sim_set_tag(w->m, ref, slot);
}

int sim_wl_adopt(struct sim_wl *w)
{
	sim_wl_flush_moved(w);
	return sim_foreach_alloc(w->m, sim_wl_adopt_one, w);
}

void sim_wl_last(const struct sim_wl *w, struct sim_wl_event *ev) { *ev = w->last; }
uint64_t sim_wl_used_pages(const struct sim_wl *w) { return w->used; }
uint64_t sim_wl_live(const struct sim_wl *w) { return w->nlive; }
uint64_t sim_wl_target_pages(const struct sim_wl *w) { return w->target; }
uint64_t sim_wl_trace_ops(const struct sim_wl *w) { return w->nops; }

/* ---- traces ------------------------------------------------------------------------- */

struct sim_idmap {
	uint64_t *keys;
	int64_t *vals;         /* live slot or -1 */
	uint8_t *used;
	size_t cap, n;
};

static int sim_idmap_grow(struct sim_idmap *h);

static size_t sim_idmap_find(const struct sim_idmap *h, uint64_t key)
{
	size_t i = (size_t)((key * UINT64_C(0x9e3779b97f4a7c15)) >> 20) & (h->cap - 1);

	while (h->used[i] && h->keys[i] != key)
		i = (i + 1) & (h->cap - 1);
	return i;
}

static int64_t *sim_idmap_get(struct sim_idmap *h, uint64_t key)
{
	size_t i;

	if (2 * (h->n + 1) > h->cap && sim_idmap_grow(h))
		return NULL;
	i = sim_idmap_find(h, key);
	if (!h->used[i]) {
		h->used[i] = 1;
		h->keys[i] = key;
		h->vals[i] = -1;
		h->n++;
	}
	return &h->vals[i];
}

static int sim_idmap_grow(struct sim_idmap *h)
{
	struct sim_idmap n = { 0 };

	n.cap = h->cap ? h->cap * 2 : 1024;
	n.keys = malloc(n.cap * sizeof *n.keys);
	n.vals = malloc(n.cap * sizeof *n.vals);
	n.used = calloc(n.cap, 1);
	if (!n.keys || !n.vals || !n.used) {
		free(n.keys);
		free(n.vals);
		free(n.used);
		return -ENOMEM;
	}
	for (size_t i = 0; i < h->cap; i++)
		if (h->used[i]) {
			size_t j = sim_idmap_find(&n, h->keys[i]);
			n.used[j] = 1;
			n.keys[j] = h->keys[i];
			n.vals[j] = h->vals[i];
			n.n++;
		}
	free(h->keys);
	free(h->vals);
	free(h->used);
	*h = n;
	return 0;
}

static void sim_idmap_free(struct sim_idmap *h)
{
	free(h->keys);
	free(h->vals);
	free(h->used);
}

static bool sim_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* After a token: end of line, a blank, or a comment. */
static bool sim_token_end(const char *p, const char *eol)
{
	return p >= eol || sim_is_blank(*p) || *p == '#';
}

static int sim_trace_line(struct sim_wl *w, struct fs_cursor *c, struct sim_idmap *ids,
			  struct fs_diag *d, uint32_t *capops)
{
	const char *p = fs_skip_blank(c->line, c->eol), *q;
	unsigned orders = sim_machine_orders(w->m);
	char word[32];
	uint64_t id, order;
	struct sim_op op = { 0 };
	int64_t *slot;
	int rc;

	if (p >= c->eol || *p == '#')
		return 0;
	q = p;
	rc = fs_parse_word(&q, c->eol, word, sizeof word);
	if (rc == 0) {
		char *hash = strchr(word, '#');
		if (hash) {   /* "free#x": the word ends at the comment */
			q -= strlen(hash);
			*hash = 0;
		}
	}
	if (rc || (strcmp(word, "alloc") != 0 && strcmp(word, "free") != 0))
		return fs_cursor_err(c, d, p, "expected 'alloc' or 'free'");
	op.alloc = word[0] == 'a';
	p = fs_skip_blank(q, c->eol);
	if (p == q && p < c->eol)
		return fs_cursor_err(c, d, p, "expected a blank after '%s'", word);
	q = p;
	rc = fs_parse_u64(&q, c->eol, &id);
	if (rc == -ERANGE)
		return fs_cursor_err(c, d, p, "expected an ID below 2^64");
	if (rc || !sim_token_end(q, c->eol))
		return fs_cursor_err(c, d, p, "expected an ID (an unsigned integer)");
	slot = sim_idmap_get(ids, id);
	if (!slot)
		return -ENOMEM;
	if (op.alloc) {
		const char *idp = p;
		enum sim_mt mt;
		if (*slot >= 0)
			return fs_cursor_err(c, d, idp,
					     "expected an ID that is not allocated (%llu is live)",
					     (unsigned long long)id);
		p = fs_skip_blank(q, c->eol);
		q = p;
		rc = fs_parse_u64(&q, c->eol, &order);
		if (rc || !sim_token_end(q, c->eol) || order >= orders)
			return fs_cursor_err(c, d, p, "expected an order 0..%u", orders - 1);
		p = fs_skip_blank(q, c->eol);
		q = p;
		rc = fs_parse_word(&q, c->eol, word, sizeof word);
		if (rc == 0) {
			/* the word ends at a comment or a carriage return */
			char *cut = word + strcspn(word, "#\r");
			q -= strlen(cut);
			*cut = 0;
		}
		if (rc || sim_mt_parse(word, &mt))
			return fs_cursor_err(c, d, p,
					     "expected a migratetype (unmovable, movable or reclaimable)");
		if (w->nslots == UINT32_MAX - 1)
			return -ENOMEM;
		op.order = (uint8_t)order;
		op.mt = (uint8_t)mt;
		op.slot = w->nslots++;
		*slot = op.slot;
	} else {
		if (*slot < 0)
			return fs_cursor_err(c, d, p,
					     "expected the ID of a live allocation (%llu is not allocated)",
					     (unsigned long long)id);
		op.slot = (uint32_t)*slot;
		*slot = -1;
	}
	p = fs_skip_blank(q, c->eol);
	if (p < c->eol && *p != '#')
		return fs_cursor_err(c, d, p, "expected end of line");
	if (w->nops >= UINT32_MAX - 1)
		return -ENOMEM;
	if (sim_grow((void **)&w->ops, capops, sizeof *w->ops, (uint32_t)w->nops + 1))
		return -ENOMEM;
	w->ops[w->nops++] = op;
	return 0;
}

int sim_wl_trace(const char *file, const char *data, size_t len, struct sim_machine *m,
		 struct sim_wl **out, struct fs_diag *d)
{
	struct sim_wl *w = sim_wl_alloc(SIM_WL_TRACE, m);
	struct sim_idmap ids = { 0 };
	struct fs_cursor c;
	uint32_t capops = 0;
	int rc = 0;

	*out = NULL;
	if (!w)
		return -ENOMEM;
	fs_cursor_init(&c, file, data, len);
	while (fs_cursor_next(&c)) {
		rc = sim_trace_line(w, &c, &ids, d, &capops);
		if (rc)
			break;
	}
	sim_idmap_free(&ids);
	if (rc == 0 && w->nslots &&
	    sim_grow((void **)&w->slots, &w->capslots, sizeof *w->slots, w->nslots))
		rc = -ENOMEM;
	if (rc) {
		sim_wl_free(w);
		return rc;
	}
	if (w->nslots)
		memset(w->slots, 0, (size_t)w->nslots * sizeof *w->slots);
	*out = w;
	return 0;
}

static int sim_wl_trace_step(struct sim_wl *w)
{
	struct sim_op *op;
	int rc;

	if (w->next_op >= w->nops)
		return 1;
	op = &w->ops[w->next_op++];
	if (op->alloc) {
		rc = sim_wl_do_alloc(w, op->order, (enum sim_mt)op->mt, op->slot);
		return rc < 0 ? rc : 0;
	}
	if (w->slots[op->slot].state != SLOT_LIVE)
		return 0;   /* its allocation failed */
	return sim_wl_do_free(w, op->slot);
}
