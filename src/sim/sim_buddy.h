/* sim_buddy.h - a Linux-faithful buddy allocator for `fragstat simulate`.
 *
 * Zones with per-order, per-migratetype free lists, pageblock types, the
 * kernel's fallback and claiming rules, merging with head/tail placement
 * and watermarks (kernel-facts.md §5). Free pages always sit on the list
 * of their pageblock's type (6.10+); the fallback search follows the
 * configured kernel era (largest-first with a smallest-first retry for
 * movable requests that cannot claim up to 6.14; __rmqueue_claim then
 * __rmqueue_steal from 6.15). Optional per-cpu lists (sim_pcp.c). No
 * watermark boost, no HighAtomic reserve (the type exists for imported
 * states only).
 *
 * Nothing here prints or exits; functions return 0 or a negative errno.
 * Ownership: sim_machine_new() returns an owned machine, released with
 * sim_machine_free().
 */
#ifndef FRAGSTAT_SIM_BUDDY_H
#define FRAGSTAT_SIM_BUDDY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

enum sim_mt {
	SIM_MT_UNMOVABLE = 0,
	SIM_MT_MOVABLE = 1,
	SIM_MT_RECLAIMABLE = 2,
	SIM_MT_HIGHATOMIC = 3,
	SIM_NR_MT = 4,
};
#define SIM_MT_PCPTYPES 3

enum sim_compact_mode {
	SIM_COMPACT_NONE,
	SIM_COMPACT_DIRECT,     /* direct compaction on allocation failure */
	SIM_COMPACT_PROACTIVE,  /* direct + kcompactd's proactive compaction */
	SIM_COMPACT_FULL,       /* direct + vm.compact_memory at the end */
};

/* Counters: the vmstat ones first (names as in /proc/vmstat), then the
 * simulator's own. The name table is checked against this enum. */
enum sim_cnt {
	SIM_CNT_COMPACT_STALL,
	SIM_CNT_COMPACT_FAIL,
	SIM_CNT_COMPACT_SUCCESS,
	SIM_CNT_COMPACT_MIGRATE_SCANNED,
	SIM_CNT_COMPACT_FREE_SCANNED,
	SIM_CNT_COMPACT_ISOLATED,
	SIM_CNT_COMPACT_DAEMON_WAKE,
	SIM_CNT_COMPACT_DAEMON_MIGRATE_SCANNED,
	SIM_CNT_COMPACT_DAEMON_FREE_SCANNED,
	SIM_CNT_PGMIGRATE_SUCCESS,
	SIM_CNT_PGMIGRATE_FAIL,
	SIM_CNT_NR_VMSTAT,
	SIM_CNT_ALLOC_SUCCESS = SIM_CNT_NR_VMSTAT,
	SIM_CNT_ALLOC_FAIL,
	SIM_CNT_FREE,
	SIM_CNT_FALLBACK,       /* allocations served from another type's list */
	SIM_CNT_CLAIM,          /* pageblocks claimed by a fallback */
	SIM_CNT_COMPACT_RUNS,   /* compact_zone() runs of any kind */
	SIM_CNT_NR,
};

/* Name of a counter ("compact_stall", ..., "alloc_success"). */
const char *sim_cnt_name(enum sim_cnt c);
/* Kernel name of a migratetype ("Unmovable", ...). */
const char *sim_mt_name(enum sim_mt mt);
/* Parse a migratetype: unmovable|movable|reclaimable (any case) or U/M/R. */
int sim_mt_parse(const char *s, enum sim_mt *out);

struct sim_zone_spec {
	char name[FS_NAME_MAX];
	uint64_t pages;
	/* Per-cpu page lists of this zone (used when sim_config.pcp_cpus > 0;
	 * zoneinfo's "pagesets" block: `high:` and `batch:` of each CPU).
	 * 0 = derived like the kernel's boot defaults (see sim_config). */
	unsigned pcp_high;
	unsigned pcp_batch;
};

/* Kernel version as the simulator encodes it: SIM_KVER(6, 18). */
#define SIM_KVER(major, minor) ((unsigned)(major) * 256u + (unsigned)(minor))
/* The newest kernel whose rules are modelled (the default). */
#define SIM_KVER_NEWEST SIM_KVER(6, 18)

struct sim_config {
	uint64_t page_size;           /* bytes, power of two */
	unsigned orders;              /* NR_PAGE_ORDERS, 2..16 */
	unsigned pageblock_order;     /* < orders */
	unsigned nzones;              /* lowest zone first */
	struct sim_zone_spec zones[FS_MAX_ZONES];
	bool no_watermarks;           /* all watermarks 0 (benchmarks) */
	unsigned watermark_scale_factor;   /* default 10 */
	int64_t min_free_kbytes;      /* -1: computed like the kernel */
	int extfrag_threshold;        /* default 500 */
	int proactiveness;            /* default 20 */
	enum sim_compact_mode compaction;
	/* Kernel era whose rules the simulator follows (SIM_KVER; default
	 * SIM_KVER_NEWEST). Rules that changed: the fallback search
	 * (__rmqueue_claim/__rmqueue_steal from 6.15), the proactive
	 * watermarks (6.16), skip_isolation_on_order (6.10), the free
	 * scanner's target test (6.12 uses cc->order). --from sets the
	 * capture's. Versions before 6.1 follow the 6.1 rules. */
	unsigned kernel_version;
	/* Per-cpu page lists (free_frozen_pages / rmqueue_pcplist):
	 * pcp_cpus 0 = none (every free merges at once, the model before
	 * issue 14). With n > 0, each zone has n CPUs' lists; frees and
	 * allocations of order <= 3 go through CPU pcp_cpu's lists (the
	 * CPU the simulated workload and the compacting task run on), a
	 * list over `high` pages is drained in `batch`-sized bulk frees,
	 * an empty one is refilled with `batch` pages. Per-zone high/batch
	 * come from sim_zone_spec (0: batch = the kernel's
	 * zone_batchsize(), high = zone_highsize()'s default high_min =
	 * max(low watermark / (pcp_cpus + 1), 4 * batch)); per CPU with
	 * sim_zone_set_pcp(). Pages on per-cpu lists are not free pages for
	 * buddyinfo or the watermarks, and vm.compact_memory does not drain
	 * them. Since 5.15 the THP order (taken to be the pageblock
	 * order) has its own two lists too; before 5.15 only order 0 uses
	 * them. */
	unsigned pcp_cpus;
	unsigned pcp_cpu;             /* < pcp_cpus */
	/* vm.compact_unevictable_allowed (default 1): whether compaction
	 * migrates SIM_KIND_UNEVICTABLE pages. */
	bool compact_unevictable_allowed;
	/* Split every large folio that finds no migration target, dirty or
	 * writeback page cache too (default false: those cannot be split).
	 * Not a kernel rule: the run where that obstacle is never met, the
	 * upper end of a --from prediction whose run stopped on one. */
	bool split_file_folios;
};

/* Fill a config with the kernel's defaults: 4 KiB pages, 11 orders,
 * pageblock order 9, one Normal zone of 1 GiB, direct compaction. */
void sim_config_default(struct sim_config *c);

struct sim_machine;

/* Called when compaction moves an allocation: tag is the caller's tag. */
typedef void (*sim_moved_fn)(void *ctx, uint32_t tag, unsigned zone, uint32_t new_pfn);

/* Build a machine: every zone's pages freed as the largest aligned blocks
 * (like memblock_free_all), all pageblocks Movable. -EINVAL on a bad
 * config, -ENOMEM, -ERANGE when a zone exceeds 2^31 pages. */
int sim_machine_new(const struct sim_config *c, struct sim_machine **out);
void sim_machine_free(struct sim_machine *m);

/* Register the callback compaction uses to report moved allocations. */
void sim_machine_set_moved(struct sim_machine *m, sim_moved_fn fn, void *ctx);

/* Called when compaction splits the allocation tagged tag (a large folio
 * of `order` at head, now 2^order order-0 pages): the caller keeps tag on
 * the head and returns 0 with *first the tag of head + 1 (head + k gets
 * *first + k - 1), or -1 to refuse (the folio then stays whole and fails
 * like an unsplittable one). Without a callback every split is allowed and
 * the tails are untagged (UINT32_MAX). */
typedef int (*sim_split_fn)(void *ctx, uint32_t tag, unsigned zone, uint32_t head,
			    unsigned order, uint32_t *first);
void sim_machine_set_split(struct sim_machine *m, sim_split_fn fn, void *ctx);

/* A live allocation: zone index and zone-relative pfn. */
struct sim_ref {
	uint32_t pfn;
	uint8_t zone;
};

/* Allocate 2^order pages of type mt the way __alloc_pages would for a
 * user (highest zone first, low then min watermark, direct compaction
 * per the config). tag is stored with the block. 0 or -ENOMEM. */
int sim_alloc(struct sim_machine *m, unsigned order, enum sim_mt mt, uint32_t tag,
	      struct sim_ref *out);
/* Free a block returned by sim_alloc (merging like __free_one_page).
 * -EINVAL when ref is not the head of a live allocation. */
int sim_free(struct sim_machine *m, struct sim_ref ref);

/* Verify every invariant (each page in one block, merging maximal, lists,
 * counters, list types). 0, or -EUCLEAN with a message in msg. */
int sim_check(const struct sim_machine *m, char *msg, size_t size);

/* Counter value. */
uint64_t sim_counter(const struct sim_machine *m, enum sim_cnt c);

/* Machine-wide shape. */
unsigned sim_machine_nzones(const struct sim_machine *m);
unsigned sim_machine_orders(const struct sim_machine *m);
unsigned sim_machine_pageblock_order(const struct sim_machine *m);
uint64_t sim_machine_page_size(const struct sim_machine *m);
/* One sequential pass over every page's metadata (info byte and links),
 * the unit of the compaction scan cost; returns a checksum so that the
 * pass cannot be optimized away. */
uint64_t sim_machine_seq_pass(const struct sim_machine *m);
/* Bytes of per-page metadata the allocator keeps (total / pages). */
uint64_t sim_machine_metadata_bytes(const struct sim_machine *m);
uint64_t sim_machine_pages(const struct sim_machine *m);
/* The compaction mode the machine was built with. */
enum sim_compact_mode sim_machine_compaction(const struct sim_machine *m);

/* Per-zone reads (zone index < nzones). */
const char *sim_zone_name(const struct sim_machine *m, unsigned z);
uint64_t sim_zone_pages(const struct sim_machine *m, unsigned z);
uint64_t sim_zone_free_pages(const struct sim_machine *m, unsigned z);
/* Free blocks of `order` (all types, = buddyinfo). */
uint64_t sim_zone_nr_free(const struct sim_machine *m, unsigned z, unsigned order);
/* Free blocks of `order` on type mt's list (= pagetypeinfo). */
uint64_t sim_zone_nr_free_mt(const struct sim_machine *m, unsigned z, unsigned order,
			     enum sim_mt mt);
/* Pageblocks of type mt. */
uint64_t sim_zone_blocks(const struct sim_machine *m, unsigned z, enum sim_mt mt);
/* Watermarks min/low/high (which 0..2) and lowmem_reserve[j]. */
uint64_t sim_zone_wmark(const struct sim_machine *m, unsigned z, unsigned which);
int64_t sim_zone_reserve(const struct sim_machine *m, unsigned z, unsigned j);
uint64_t sim_zone_start_pfn(const struct sim_machine *m, unsigned z);

/* __zone_watermark_ok for a user request (no reserve rights, no CMA). */
bool sim_zone_watermark_ok(const struct sim_machine *m, unsigned z, unsigned order,
			   uint64_t mark, unsigned highest_zoneidx);

/* Import support (--from): make every page an order-0 allocation of its
 * pageblock's type, with tag UINT32_MAX; then sim_seed_free() turns
 * aligned ranges into free blocks. Pageblock types set with
 * sim_seed_block_type() first. */
int sim_seed_begin(struct sim_machine *m, unsigned z);
int sim_seed_block_type(struct sim_machine *m, unsigned z, uint32_t block, enum sim_mt mt);
/* Make [pfn, pfn + 2^order) free as one block at the tail of its list;
 * -EINVAL if unaligned or any page is not an order-0 allocation. */
int sim_seed_free(struct sim_machine *m, unsigned z, uint32_t pfn, unsigned order);
/* What an allocated block is, beyond its migratetype (set by
 * sim_seed_alloc; sim_alloc always gives SIM_KIND_NORMAL). Compaction
 * migrates an allocation only when its migratetype is Movable and its
 * kind allows it (isolate_migratepages_block):
 *  NORMAL      anonymous, clean page cache or other LRU memory; a large
 *              folio that finds no target is split (try_split_folio)
 *  FILE        dirty or writeback page cache: migrated; a large folio
 *              that finds no target cannot be split, so migrate_pages()
 *              fails with -ENOMEM
 *  PINNED      pinned anonymous pages: skipped
 *  UNEVICTABLE mlocked: migrated when compact_unevictable_allowed
 *  HUGETLB     hugetlb folio: skipped whole, never a free target
 *  RESERVED    PageReserved (present - managed, the memmap): never free,
 *              never moved; sim_free() refuses it (-EPERM). */
enum sim_kind {
	SIM_KIND_NORMAL = 0,
	SIM_KIND_FILE,
	SIM_KIND_PINNED,
	SIM_KIND_UNEVICTABLE,
	SIM_KIND_HUGETLB,
	SIM_KIND_RESERVED,
	SIM_NR_KIND,
};
const char *sim_kind_name(enum sim_kind k);

/* Import support: make [pfn, pfn + 2^order) (order-0 allocations of
 * kind NORMAL, as sim_seed_begin leaves every page, aligned) one
 * allocation of that order with migratetype mt (the page's own mobility,
 * independent of its pageblock's type) and kind, tag UINT32_MAX. An
 * order-0 NORMAL page may be seeded again (e.g. to change its mt). Call
 * after sim_seed_begin and sim_seed_block_type. -EINVAL if unaligned, out
 * of range or any page is not such an order-0 allocation; -ENOMEM when
 * the per-page kind array (allocated at the first non-NORMAL kind)
 * cannot be. */
int sim_seed_alloc(struct sim_machine *m, unsigned z, uint32_t pfn, unsigned order,
		   enum sim_mt mt, enum sim_kind kind);
/* Import support: put [pfn, pfn + 2^order) (order <= 3 or the THP
 * order, order-0
 * allocations left by sim_seed_begin) on CPU cpu's per-cpu list of zone
 * z, as a page freed to it (list of the pageblock's type, at the head).
 * -EINVAL without per-cpu lists (pcp_cpus 0), for a bad cpu or range. */
int sim_seed_pcp(struct sim_machine *m, unsigned z, unsigned cpu, uint32_t pfn,
		 unsigned order);
/* Kind of the live allocation at ref (-EINVAL if none). */
int sim_alloc_kind(const struct sim_machine *m, struct sim_ref ref, enum sim_kind *out);
/* One CPU's high and batch in zone z (zoneinfo prints them per CPU; high
 * may differ between CPUs). Does not drain. -EINVAL without per-cpu
 * lists, for a bad zone/cpu or batch 0. */
int sim_zone_set_pcp(struct sim_machine *m, unsigned z, unsigned cpu, unsigned high,
		     unsigned batch);
/* Pages held on zone z's per-cpu lists (all CPUs; cpu = -1) or one CPU's. */
uint64_t sim_zone_pcp_pages(const struct sim_machine *m, unsigned z, int cpu);
/* Give every per-cpu page back to the buddy lists (drain_all_pages). */
void sim_pcp_drain_all(struct sim_machine *m);

/* Visit every live allocation (zone, pfn, order, type, tag); stops on a
 * non-zero return and passes it on. */
int sim_foreach_alloc(struct sim_machine *m,
		      int (*fn)(void *ctx, unsigned zone, uint32_t pfn, unsigned order,
				enum sim_mt mt, uint32_t tag),
		      void *ctx);
/* Change the tag of a live allocation. */
int sim_set_tag(struct sim_machine *m, struct sim_ref ref, uint32_t tag);



/* Replace zone z's watermarks and lowmem_reserve (an imported state keeps
 * the real machine's). reserve may be NULL. */
void sim_zone_set_wmarks(struct sim_machine *m, unsigned z, uint64_t min, uint64_t low,
			 uint64_t high, const int64_t *reserve, unsigned nreserve);
#endif
