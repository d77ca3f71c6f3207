/* decide.h - the allocation decision engine: what the kernel's page
 * allocator would do now with a request (order, allocation kind or gfp
 * flags) on a node, following its code path for the kernel era of the data.
 *
 * STABLE API (issue 12). Other areas (render, watch, kernel-log parsing)
 * build on these declarations: names, enum values and JSON ids below only
 * grow; existing ones do not change meaning. Sources of every rule:
 * /work/shared/docs/kernel-facts-decision.md (cited "KFD §A.n") and the
 * kernel function named beside each rule in decide.c.
 *
 * Everything here is pure: no I/O, no globals, no allocation. Structures
 * are plain data the caller owns (stack or embedded); a decision copies the
 * numbers it needs and keeps no pointer into the snapshot.
 */
#ifndef FRAGSTAT_DECIDE_H
#define FRAGSTAT_DECIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

/* ------------------------------------------------------------------ */
/* Kernel era                                                          */

/* Versions are major*100 + minor: 618 is 6.18, 504 is 5.4. */
#define FS_KVER(maj, min) ((maj) * 100 + (min))
#define FS_KVER_MAX 9999

/* What the kernel version is known to be. `lo`..`hi` is the inclusive range
 * the data allows; lo == hi when the release string gave it. When inferred
 * from the files, `basis` says from what (a sentence fragment such as
 * "zoneinfo has a boost line (5.16+)"). */
struct fs_kernel_era {
	int version;          /* exact when known, else lo (0: nothing known) */
	int lo, hi;           /* FS_KVER range; 0..FS_KVER_MAX when unknown */
	bool known;           /* from the release string */
	bool inferred;        /* narrowed from the files (sysctls, zoneinfo, ...) */
	char basis[384];      /* what the inference rests on; "" when known */
	int sublevel;         /* stable sublevel ("6.1.192" -> 192) when known, else 0 */
};

/* Fill *era from s->kernel or, when absent or unreadable, from the files
 * present (KFD §B). Never fails. */
void fs_kernel_era(const struct fs_snapshot *s, struct fs_kernel_era *era);

/* Parse "6.18.2-foo" / "5.4.0-97-generic" into FS_KVER; 0 when unreadable. */
int fs_kver_parse(const char *release);

/* Kernel features whose outputs are gated by era (KFD §B). */
enum fs_feature {
	FS_FEAT_HIGHATOMIC,          /* 4.4: HighAtomic reserve, no MIGRATE_RESERVE */
	FS_FEAT_KCOMPACTD,           /* 4.6 */
	FS_FEAT_WATERMARK_BOOST,     /* 5.0: vm.watermark_boost_factor */
	FS_FEAT_PROACTIVE,           /* 5.9: vm.compaction_proactiveness */
	FS_FEAT_GFP_ATOMIC_BIT,      /* <= 6.2: __GFP_ATOMIC / ALLOC_HARDER (6.1.192+ backported the rework) */
	FS_FEAT_DEFRAG_MODE,         /* 6.15: vm.defrag_mode */
	FS_FEAT_COUNT
};

enum fs_tri { FS_NO = 0, FS_YES = 1, FS_MAYBE = 2 };

/* Does the era have the feature? FS_MAYBE when the range straddles it. */
enum fs_tri fs_era_has(const struct fs_kernel_era *era, enum fs_feature f);

/* ------------------------------------------------------------------ */
/* gfp flags, abstract (not the kernel's numeric values, which move by era) */

#define FS_GFP_DMA            (1ULL << 0)
#define FS_GFP_HIGHMEM        (1ULL << 1)
#define FS_GFP_DMA32          (1ULL << 2)
#define FS_GFP_MOVABLE        (1ULL << 3)
#define FS_GFP_RECLAIMABLE    (1ULL << 4)
#define FS_GFP_HIGH           (1ULL << 5)
#define FS_GFP_IO             (1ULL << 6)
#define FS_GFP_FS             (1ULL << 7)
#define FS_GFP_ZERO           (1ULL << 8)
#define FS_GFP_ATOMIC         (1ULL << 9)   /* <= 6.2 only */
#define FS_GFP_DIRECT_RECLAIM (1ULL << 10)
#define FS_GFP_KSWAPD_RECLAIM (1ULL << 11)
#define FS_GFP_WRITE          (1ULL << 12)
#define FS_GFP_NOWARN         (1ULL << 13)
#define FS_GFP_RETRY_MAYFAIL  (1ULL << 14)  /* 4.13+ */
#define FS_GFP_REPEAT         (1ULL << 15)  /* <= 4.12 */
#define FS_GFP_NOFAIL         (1ULL << 16)
#define FS_GFP_NORETRY        (1ULL << 17)
#define FS_GFP_MEMALLOC       (1ULL << 18)
#define FS_GFP_COMP           (1ULL << 19)
#define FS_GFP_NOMEMALLOC     (1ULL << 20)
#define FS_GFP_HARDWALL       (1ULL << 21)
#define FS_GFP_THISNODE       (1ULL << 22)
#define FS_GFP_ACCOUNT        (1ULL << 23)
#define FS_GFP_ZEROTAGS       (1ULL << 24)
#define FS_GFP_SKIP_ZERO      (1ULL << 25)
#define FS_GFP_SKIP_KASAN     (1ULL << 26)  /* also _POISON/_UNPOISON (6.1) */
#define FS_GFP_NOLOCKDEP      (1ULL << 27)
#define FS_GFP_NO_OBJ_EXT     (1ULL << 28)
#define FS_GFP_COLD           (1ULL << 29)  /* <= 4.14 */
#define FS_GFP_NOTRACK        (1ULL << 30)  /* <= 4.14 */
#define FS_GFP_OTHER_NODE     (1ULL << 31)  /* <= 4.10 */
#define FS_GFP_RECLAIM        (FS_GFP_DIRECT_RECLAIM | FS_GFP_KSWAPD_RECLAIM)

/* Names the kernel's printed form may hold that fs_gfp_parse_names()
 * could not place. `first` is the first such name (NUL-terminated, cut
 * to fit), `offset` its byte offset in the input, `count` how many. */
struct fs_gfp_unknown {
	unsigned count;
	size_t offset;
	char first[48];
};

/* Parse the kernel's printed gfp form ("GFP_KERNEL|__GFP_COMP|__GFP_NOWARN",
 * as show_gfp_flags / %pGg print it; "none" or "" is 0) into FS_GFP_* bits,
 * expanding composite names (GFP_KERNEL, GFP_ATOMIC, GFP_NOWAIT, ...) as
 * the era's include/linux/gfp*.h defines them. Leftover hex ("0x400") and
 * unknown names are counted in *unk (may be NULL) and otherwise ignored.
 * Returns 0 when every name was known, -EINVAL when some were not (the bits
 * of the known ones are still stored), -E2BIG for input over 4 KiB. */
int fs_gfp_parse_names(const char *str, size_t len, const struct fs_kernel_era *era,
		       uint64_t *bits, struct fs_gfp_unknown *unk);

/* Print bits as "__GFP_IO|__GFP_FS|..." (no composites); returns the
 * length snprintf would have written. */
size_t fs_gfp_format(uint64_t bits, char *buf, size_t n);

/* ------------------------------------------------------------------ */
/* Allocation kinds and requests                                       */

enum fs_alloc_kind {
	FS_AK_MOVABLE = 0,   /* "movable": user page fault, GFP_HIGHUSER_MOVABLE */
	FS_AK_THP,           /* "thp": THP fault, gfp from the THP defrag mode */
	FS_AK_KERNEL,        /* "kernel": GFP_KERNEL */
	FS_AK_ATOMIC,        /* "atomic": GFP_ATOMIC */
	FS_AK_NOIO,          /* "noio": GFP_NOIO */
	FS_AK_HUGETLB,       /* "hugetlb": nr_hugepages pool allocation (buddy, not gigantic) */
	FS_AK_GFP,           /* "gfp": raw gfp bits (e.g. from a kernel log) */
	FS_AK_COUNT
};

/* JSON / command-line id ("movable", "thp", ...). */
const char *fs_alloc_kind_name(enum fs_alloc_kind k);
/* Words for sentences ("movable user page", "THP fault", "GFP_KERNEL", ...). */
const char *fs_alloc_kind_title(enum fs_alloc_kind k);
/* Id -> kind; -EINVAL when unknown. */
int fs_alloc_kind_parse(const char *id, enum fs_alloc_kind *out);

#define FS_NODEMASK_WORDS (FS_MAX_NODES / 64)

struct fs_alloc_req {
	unsigned order;
	uint64_t gfp;             /* FS_GFP_* */
	enum fs_alloc_kind kind;
	int preferred_node;       /* -1: the node passed to fs_decide() */
	bool has_nodemask;        /* false: every node allowed */
	uint64_t nodemask[FS_NODEMASK_WORDS];
	/* THP only: the VMA is madvised (VM_HUGEPAGE). Kinds set it false. */
	bool thp_madvised;
};

/* The request the kernel makes for `kind` at `order` in this snapshot's
 * era and settings (KFD §A.8): THP gfp from the captured THP defrag mode
 * (the kernel default "madvise" when not captured, flagged in the
 * decision), hugetlb per alloc_buddy_hugetlb_folio (THISNODE, RETRY_MAYFAIL).
 * FS_AK_GFP gives an empty gfp (set req->gfp yourself). */
void fs_alloc_req_for_kind(const struct fs_snapshot *s, const struct fs_kernel_era *era,
			   enum fs_alloc_kind kind, unsigned order, struct fs_alloc_req *out);

/* ------------------------------------------------------------------ */
/* Decisions                                                           */

enum fs_outcome {
	FS_OUT_OK = 0,            /* "ok": fast path at the low watermark */
	FS_OUT_OK_AFTER_KSWAPD,   /* "ok_after_kswapd": only at min (kswapd woken when the kind may) */
	FS_OUT_COMPACT,           /* "compact": direct compaction would run and is suitable */
	FS_OUT_RECLAIM,           /* "reclaim": compaction skipped or not suitable / not allowed */
	FS_OUT_FAIL,              /* "fail": the kind cannot wait (or gives up) and no zone passes */
	FS_OUT_COUNT
};

/* "ok", "ok_after_kswapd", "compact", "reclaim", "fail". */
const char *fs_outcome_name(enum fs_outcome o);
/* Prometheus encoding: ok 0, ok_after_kswapd 0, compact 1, reclaim 2, fail 3. */
int fs_outcome_level(enum fs_outcome o);

/* The check that decided. */
enum fs_rule {
	FS_RULE_NONE = 0,
	FS_RULE_NO_DATA,           /* no zone has zoneinfo watermarks: no decision */
	FS_RULE_FAST,              /* a zone passes __zone_watermark_ok at low */
	FS_RULE_MIN_KSWAPD,        /* passes at min (with the kind's reductions); kswapd woken */
	FS_RULE_MIN_NOWAKE,        /* passes at min; the kind wakes nobody */
	FS_RULE_CANNOT_WAIT,       /* no __GFP_DIRECT_RECLAIM and no zone passes min: fail */
	FS_RULE_ORDER0,            /* order 0 fails at min: reclaim (compaction is for k > 0) */
	FS_RULE_NO_COMPACT_GFP,    /* compaction not allowed for this gfp (no __GFP_IO, <=4.9 __GFP_FS) */
	FS_RULE_COMPACT_SUITABLE,  /* compaction_suitable says CONTINUE in some zone: compact */
	FS_RULE_THRESHOLD,         /* costly, fragindex in [0, extfrag_threshold]: not suitable, reclaim */
	FS_RULE_LOW_MEMORY,        /* order-0 check at mark + compact_gap fails everywhere: reclaim */
	FS_RULE_NORETRY_SKIPPED,   /* costly + __GFP_NORETRY and compaction skipped: fail */
	FS_RULE_NO_ZONE,           /* no populated zone the request may use on the allowed nodes */
	FS_RULE_COUNT
};

/* Stable id for JSON/tests ("fast", "min_kswapd", "threshold", ...). */
const char *fs_rule_name(enum fs_rule r);

/* Why one zone failed the watermark check (or that it passed). */
enum fs_zone_result {
	FS_ZR_NOT_CHECKED = 0,     /* not reached, or no watermarks */
	FS_ZR_PASS,
	FS_ZR_FAIL_FREE,           /* free - subtractions <= mark, without any reserve */
	FS_ZR_FAIL_RESERVE,        /* would pass but for lowmem_reserve[highest zone] */
	FS_ZR_FAIL_BLOCK,          /* enough free pages, no free block >= order on a usable list */
};

/* One __zone_watermark_ok evaluation, every term kept (KFD §A.4):
 * fails iff free - sub_order - sub_highatomic - sub_cma <= mark + reserve. */
struct fs_wmark_check {
	enum fs_zone_result result;
	int64_t free;              /* NR_FREE_PAGES (zoneinfo "pages free") */
	int64_t sub_order;         /* (1 << order) - 1 */
	int64_t sub_highatomic;    /* highatomic pages the request may not use */
	int64_t sub_cma;           /* free CMA pages the request may not use */
	int64_t mark_printed;      /* the watermark as zoneinfo prints it (boost included) */
	int64_t mark;              /* after the kind's reductions */
	int64_t reserve;           /* lowmem_reserve[highest_zoneidx] (protection[]) */
	int block_order;           /* lowest order >= k with a usable free block; -1 none */
	uint64_t blocks;           /* usable free blocks of order >= k */
};

/* compaction_suitable for one zone (KFD §A.6). */
enum fs_compact_gate {
	FS_CG_NOT_CHECKED = 0,
	FS_CG_SUCCESS,             /* order-k already passes at the compaction mark */
	FS_CG_CONTINUE,            /* suitable: compaction would run */
	FS_CG_SKIPPED,             /* order-0 check at mark + gap fails: too little free memory */
	FS_CG_NOT_SUITABLE,        /* fragindex in [0, threshold] (costly orders) */
};

struct fs_zone_decision {
	int node;
	char zone[FS_NAME_MAX];
	int zone_idx;              /* position in the node's zoneinfo (enum zone_type) */
	struct fs_wmark_check fast;    /* at low, fast-path flags */
	struct fs_wmark_check min;     /* at min, slow-path flags */
	enum fs_compact_gate gate;
	int64_t gate_mark;         /* order-0 mark of the gate: W + 2<<k (+ low-min) */
	int64_t gate_free;         /* free the gate compares (after HA, and CMA if not allowed) */
	int fragidx;               /* kernel integer x1000; INT32_MIN when not computed */
	bool reserve_only;         /* fails only because of its lowmem_reserve: not trouble */
};

#define FS_DECIDE_MAX_ZONES 32

/* Caveats attached to a decision (bits). */
enum {
	FS_CAV_TYPES_UNKNOWN = 1u << 0,   /* no pagetypeinfo: buddyinfo totals, may over-state */
	FS_CAV_ERA_INFERRED = 1u << 1,    /* kernel version inferred from files */
	FS_CAV_ERA_UNKNOWN = 1u << 2,     /* nothing known: newest rules used */
	FS_CAV_THP_DEFRAG_ASSUMED = 1u << 3, /* THP defrag not captured: "madvise" assumed */
	FS_CAV_NODE_ORDER = 1u << 4,      /* remote nodes taken in id order (distances not captured) */
	FS_CAV_HA_ESTIMATED = 1u << 5,    /* highatomic reserve size from pageblock counts */
	FS_CAV_BOOST_UNKNOWN = 1u << 6,   /* 5.0-5.15: marks include an unprinted boost */
	FS_CAV_DEFERRED_UNKNOWN = 1u << 7,/* compaction deferral is not visible in /proc */
	FS_CAV_TRUNCATED = 1u << 8,       /* more zones than FS_DECIDE_MAX_ZONES: detail cut */
};

struct fs_decision {
	unsigned order;
	enum fs_alloc_kind kind;
	uint64_t gfp;              /* the request's FS_GFP_* bits */
	enum fs_outcome outcome;
	bool decided;              /* false: rule NO_DATA / NO_ZONE, outcome meaningless */
	enum fs_rule rule;
	int node;                  /* node asked about */
	int zone_node;             /* node of the deciding zone; -1 none */
	char zone[FS_NAME_MAX];    /* deciding zone; "" none */
	int highest_zoneidx;       /* gfp_zone() of the request */

	/* The numbers that make the sentence true. */
	struct fs_wmark_check check;    /* the check that decided (fast, min, or the best failure) */
	enum fs_compact_gate gate;      /* gate of the deciding zone when compaction decided */
	int64_t gate_mark, gate_free;
	int fragidx;                    /* of the deciding zone at this order (x1000) */
	int extfrag_threshold;
	bool extfrag_threshold_default;
	uint64_t free_pages_zone;       /* free pages of the deciding zone */
	bool wakes_kswapd;              /* request has __GFP_KSWAPD_RECLAIM */
	bool can_wait;                  /* request has __GFP_DIRECT_RECLAIM */
	bool compaction_allowed;
	bool costly;                    /* order > PAGE_ALLOC_COSTLY_ORDER */
	bool thisnode;                  /* only the local node tried */
	char thp_defrag[FS_NAME_MAX];   /* THP kind: the defrag mode used */
	int era_version;                /* rules used (FS_KVER) */
	unsigned caveats;               /* FS_CAV_* */

	unsigned nzones;
	struct fs_zone_decision zones[FS_DECIDE_MAX_ZONES];  /* zonelist order */
};

/* Decide what the kernel does with `req` for a task on `node` (the node id
 * as in the snapshot). Pure. Returns 0 with *out filled, -ENOENT when the
 * node is not in the snapshot, -EINVAL for an order the data does not have.
 * A decision without watermarks (buddyinfo-only data) returns 0 with
 * out->decided false and rule FS_RULE_NO_DATA. `era` may be NULL (computed). */
int fs_decide(const struct fs_snapshot *s, const struct fs_alloc_req *req, int node,
	      struct fs_decision *out);

/* Same, with a precomputed era (the report computes it once). */
int fs_decide_era(const struct fs_snapshot *s, const struct fs_kernel_era *era,
		  const struct fs_alloc_req *req, int node, struct fs_decision *out);

/* The same decision with the zonelist cut to one zone of `node` (the
 * per-zone verdicts of the detail view): what that zone alone would do.
 * A zone the request may not use gives rule FS_RULE_NO_ZONE. */
int fs_decide_zone(const struct fs_snapshot *s, const struct fs_kernel_era *era,
		   const struct fs_alloc_req *req, int node, const char *zone,
		   struct fs_decision *out);

/* Write the reason sentence for a decision, built from its numbers, into
 * buf (always NUL-terminated when n > 0). Returns the length snprintf would
 * have written. Example: "order 9 THP fault on node 0: fragmented (index
 * 0.998), but vm.extfrag_threshold=1000 stops the kernel from compacting:
 * it will reclaim; lower the threshold or compact by hand". */
size_t fs_decision_reason(const struct fs_decision *d, char *buf, size_t n);

/* One line per zone for the detail view ("DMA: kept by its lowmem reserve
 * (free 3968 - 0 <= low 13 + reserve 4006)"). */
size_t fs_zone_decision_line(const struct fs_decision *d, unsigned i, char *buf, size_t n);

#endif
