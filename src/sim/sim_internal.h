/* sim_internal.h - the simulator's data layout, shared by sim_*.c only.
 *
 * Per page: two uint32 links (free-list next/prev; for the head of an
 * allocation, next holds the caller's tag) and one info byte
 * (order:4, migratetype:2, state:2) = 9 bytes. Pfns are zone-relative and
 * every zone starts at a pfn aligned to the largest order, so buddy
 * arithmetic on them equals the kernel's.
 *
 * Free lists are circular and doubly linked through the same link array,
 * like the kernel's list_head: list (order, mt) has a sentinel entry at
 * index npages + order * SIM_NR_MT + mt (SIM_NLISTS extra entries per
 * zone), so adding and removing never branch on an empty list.
 */
#ifndef FRAGSTAT_SIM_INTERNAL_H
#define FRAGSTAT_SIM_INTERNAL_H

#include "sim_buddy.h"
#include "sim_compact.h"

#define SIM_NIL UINT32_MAX

/* For the few helpers on the allocation and free paths, which GCC would
 * otherwise leave out of line where they have several callers. */
#if defined(__GNUC__)
#define SIM_HOT static inline __attribute__((always_inline))
#else
#define SIM_HOT static inline
#endif
#define SIM_NLISTS (FS_MAX_ORDERS * SIM_NR_MT)

enum {
	SIM_ST_NONE = 0,      /* inside a block (not a head) */
	SIM_ST_FREE = 1,      /* head of a free buddy block */
	SIM_ST_ALLOC = 2,     /* head of an allocation */
	SIM_ST_PCP = 3,       /* head of a block on a per-cpu list (sim_pcp.c):
			       * free but not PageBuddy, never merged; its
			       * links are the per-cpu list's */
};

/* Per-cpu lists of one CPU in one zone (struct per_cpu_pages): one list
 * per order 0..3 and pcp migratetype, then the two THP lists (order
 * HPAGE_PMD_ORDER, taken to be the pageblock order: non-movable, movable)
 * as order_to_pindex numbers them; linked through the zone's link array,
 * SIM_NIL-terminated; head = most recent. */
#define SIM_PCP_ORDERS 4u     /* PAGE_ALLOC_COSTLY_ORDER + 1 */
#define SIM_PCP_LOW_LISTS (SIM_PCP_ORDERS * SIM_MT_PCPTYPES)   /* NR_LOWORDER_PCP_LISTS */
#define SIM_PCP_LISTS (SIM_PCP_LOW_LISTS + 2)                 /* + NR_PCP_THP */
struct sim_pcp {
	uint32_t head[SIM_PCP_LISTS], tail[SIM_PCP_LISTS];
	uint32_t count;               /* pages */
	uint32_t high, batch;
	uint32_t free_count;          /* pcp->free_count (6.7+) */
	unsigned alloc_factor;        /* pcp->alloc_factor (6.7+) */
	bool prev_free_high;          /* PCPF_PREV_FREE_HIGH_ORDER */
};

#define SIM_INFO(order, mt, st) ((uint8_t)((order) | ((mt) << 4) | ((st) << 6)))
#define SIM_ORDER(b) ((unsigned)((b) & 15u))
#define SIM_MTOF(b) ((unsigned)(((b) >> 4) & 3u))
#define SIM_STATE(b) ((unsigned)((b) >> 6))
/* The bits of an info byte that say "free head of this order". */
#define SIM_STATE_ORDER_MASK ((uint8_t)0xcf)

struct sim_link {
	uint32_t next, prev;
};

struct sim_zone {
	char name[FS_NAME_MAX];
	uint32_t npages;
	uint32_t nblocks;             /* pageblocks, last one may be partial */
	uint64_t start_pfn;           /* absolute, for /proc output */
	struct sim_link *link;        /* npages + SIM_NLISTS (list sentinels) */
	uint8_t *info;
	uint8_t *pbtype;              /* per pageblock */
	uint64_t nr_mt[FS_MAX_ORDERS][SIM_NR_MT];
	uint64_t nr_free[FS_MAX_ORDERS];
	uint64_t free_pages;
	uint32_t nr_ha_blocks;        /* HighAtomic pageblocks (imported states only) */
	uint64_t wmark[3];            /* min, low, high */
	int64_t reserve[FS_MAX_ZONES];

	uint8_t *kind;                /* per page, enum sim_kind of an allocation
				       * head; NULL until sim_seed_alloc sets one */
	struct sim_pcp *pcp;          /* sim_config.pcp_cpus entries, or NULL */
	uint64_t pcp_pages;           /* pages on all CPUs' lists */
	struct sim_compact_end last_end;

	/* compaction state (§6.1, §6.5) */
	uint32_t cached_migrate_pfn, cached_free_pfn;
	unsigned compact_considered, compact_defer_shift, compact_order_failed;
};

struct sim_machine {
	struct sim_config cfg;
	unsigned orders, pbo;
	uint32_t pb_pages;
	unsigned nzones;
	struct sim_zone zones[FS_MAX_ZONES];
	bool nofragment;              /* a lower zone exists (ALLOC_NOFRAGMENT) */
	bool pcp_on;                  /* per-cpu lists configured */
	unsigned pcp_orders;          /* orders below this use them: 4 (5.15+), 1 before */
	unsigned pcp_thp_order;       /* and this one (pageblock order, 5.15+; else ~0u) */
	uint64_t min_free_kbytes;     /* as setup_per_zone_wmarks used it */
	uint64_t cnt[SIM_CNT_NR];
	sim_moved_fn moved;
	void *moved_ctx;
	sim_split_fn split;
	void *split_ctx;
};

/* ---- free lists (inline: the allocation and free paths are hot) ---- */

static inline uint32_t sim_sentinel(const struct sim_zone *z, unsigned order, unsigned mt)
{
	return z->npages + order * SIM_NR_MT + mt;
}

/* First / last block of list (order, mt), SIM_NIL when empty. */
static inline uint32_t sim_list_first(const struct sim_zone *z, unsigned order, unsigned mt)
{
	uint32_t s = sim_sentinel(z, order, mt), p = z->link[s].next;
	return p == s ? SIM_NIL : p;
}

static inline uint32_t sim_list_last(const struct sim_zone *z, unsigned order, unsigned mt)
{
	uint32_t s = sim_sentinel(z, order, mt), p = z->link[s].prev;
	return p == s ? SIM_NIL : p;
}

/* The block after pfn on its free list, SIM_NIL at the end. */
static inline uint32_t sim_list_next(const struct sim_zone *z, uint32_t pfn)
{
	uint32_t n = z->link[pfn].next;
	return n >= z->npages ? SIM_NIL : n;
}

static inline bool sim_list_empty(const struct sim_zone *z, unsigned order, unsigned mt)
{
	uint32_t s = sim_sentinel(z, order, mt);
	return z->link[s].next == s;
}

/* Put the free block [pfn, 2^order) on list (order, mt), at the head or
 * the tail, and count it. */
SIM_HOT void sim_list_add(struct sim_zone *z, uint32_t pfn, unsigned order, unsigned mt,
				bool to_tail)
{
	struct sim_link *l = z->link;
	uint32_t s = sim_sentinel(z, order, mt), prev, next;

	if (to_tail) {
		next = s;
		prev = l[s].prev;
	} else {
		prev = s;
		next = l[s].next;
	}
	l[pfn].next = next;
	l[pfn].prev = prev;
	l[prev].next = pfn;
	l[next].prev = pfn;
	z->info[pfn] = SIM_INFO(order, mt, SIM_ST_FREE);
	z->nr_mt[order][mt]++;
	z->nr_free[order]++;
	z->free_pages += (uint64_t)1 << order;
}

/* Remove the free block at pfn (of that order, on list mt) and uncount it. */
SIM_HOT void sim_list_del(struct sim_zone *z, uint32_t pfn, unsigned order, unsigned mt)
{
	struct sim_link *l = z->link, x = l[pfn];

	l[x.prev].next = x.next;
	l[x.next].prev = x.prev;
	z->info[pfn] = 0;
	z->nr_mt[order][mt]--;
	z->nr_free[order]--;
	z->free_pages -= (uint64_t)1 << order;
}

/* Remove a known free block head from its list. */
static inline void sim_del_free(struct sim_zone *z, uint32_t pfn)
{
	uint8_t b = z->info[pfn];
	sim_list_del(z, pfn, SIM_ORDER(b), SIM_MTOF(b));
}

/* Mark [pfn, 2^order) as an allocation head of type mt with tag. */
static inline void sim_mark_alloc(struct sim_zone *z, uint32_t pfn, unsigned order, unsigned mt,
				  uint32_t tag)
{
	z->info[pfn] = SIM_INFO(order, mt, SIM_ST_ALLOC);
	z->link[pfn].next = tag;
	z->link[pfn].prev = SIM_NIL;
}

/* A hint: bring in what sim_free(m, ref) reads first (the block's info
 * byte, its buddy's, and the link it writes), for a caller that knows a
 * free is coming. ref must name a live allocation. */
static inline void sim_prefetch_free(const struct sim_machine *m, struct sim_ref ref)
{
	const struct sim_zone *z = &m->zones[ref.zone];

	__builtin_prefetch(&z->info[ref.pfn], 1);
	__builtin_prefetch(&z->link[ref.pfn], 1);
}

/* Take the first block of the smallest order >= order from zone z's list
 * mt and split it (expand). Returns the pfn or SIM_NIL. */
uint32_t sim_rmqueue_smallest(struct sim_zone *z, unsigned orders, unsigned order,
			      unsigned mt);
/* __free_one_page: free [pfn, 2^order) of pageblock type, merging. */
void sim_free_one(struct sim_machine *m, struct sim_zone *z, uint32_t pfn, unsigned order);
/* Full __rmqueue in one zone (smallest, then fallback). SIM_NIL on failure. */
uint32_t sim_rmqueue(struct sim_machine *m, struct sim_zone *z, unsigned order,
		     unsigned mt, bool nofragment);
/* Allocation attempt over the zonelist at watermark `which`, no compaction.
 * Returns the zone index or -1. */
int sim_get_page(struct sim_machine *m, unsigned order, unsigned mt, unsigned which,
		 bool nofragment, uint32_t tag, uint32_t *pfn);
/* The "can claim" predicate (§5.4) for a block of current_order. */
bool sim_can_claim(const struct sim_machine *m, unsigned current_order, unsigned start_mt);

/* ---- per-cpu lists (sim_pcp.c) ---- */
int sim_pcp_setup(struct sim_machine *m);
void sim_pcp_release(struct sim_machine *m);
/* free_unref_page for order <= 3: onto CPU pcp_cpu's list, draining a
 * batch to the buddy when the list reaches high. */
void sim_pcp_free(struct sim_machine *m, struct sim_zone *z, uint32_t pfn, unsigned order);
/* rmqueue_pcplist: SIM_NIL when the list is empty and cannot be refilled. */
uint32_t sim_pcp_rmqueue(struct sim_machine *m, struct sim_zone *z, unsigned order,
			 unsigned mt, bool nofragment);
/* drain_pages_zone for one CPU of zone z. */
void sim_pcp_drain(struct sim_machine *m, struct sim_zone *z, unsigned cpu);
int sim_pcp_check(const struct sim_machine *m, const struct sim_zone *z, char *msg,
		  size_t size);

/* Kind of the allocation head at pfn. */
static inline unsigned sim_kind_of(const struct sim_zone *z, uint32_t pfn)
{
	return z->kind ? z->kind[pfn] : SIM_KIND_NORMAL;
}

/* Release a freed head: pcp for order <= 3 when configured, else buddy.
 * The caller has cleared the info byte. */
/* pcp_allowed_order for the machine's era */
static inline bool sim_pcp_allowed(const struct sim_machine *m, unsigned order)
{
	return m->pcp_on && (order < m->pcp_orders || order == m->pcp_thp_order);
}

static inline void sim_release(struct sim_machine *m, struct sim_zone *z, uint32_t pfn,
			       unsigned order)
{
	if (sim_pcp_allowed(m, order))
		sim_pcp_free(m, z, pfn, order);
	else
		sim_free_one(m, z, pfn, order);
}

static inline unsigned sim_pbtype(const struct sim_machine *m, const struct sim_zone *z,
				  uint32_t pfn)
{
	return z->pbtype[pfn >> m->pbo];
}

#endif
