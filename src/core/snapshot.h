/* snapshot.h - the plain data that readers fill and computations read.
 *
 * A snapshot holds what the kernel printed, nothing derived. Readers fill
 * it (rd_*.c), or the JSON loader does (load_json.c), or the simulator does.
 * Ownership: fs_snapshot_new() returns an owned object; fs_snapshot_free()
 * releases it and everything it points to. All strings are copied in.
 */
#ifndef FRAGSTAT_SNAPSHOT_H
#define FRAGSTAT_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FS_MAX_ORDERS 16      /* 9..14 seen in the wild; the data decides */
#define FS_MAX_MT 8           /* migratetype columns in pagetypeinfo */
#define FS_MAX_ZONES 8        /* zones per node (MAX_NR_ZONES is at most 6) */
#define FS_MAX_NODES 1024     /* node ids may be sparse */
#define FS_NAME_MAX 32        /* zone / migratetype / counter name buffer */

/* Every file fragstat can read. The order is the order of JSON "sources". */
enum fs_src {
	FS_SRC_BUDDYINFO,
	FS_SRC_PAGETYPEINFO,
	FS_SRC_ZONEINFO,
	FS_SRC_VMSTAT,
	FS_SRC_MEMINFO,
	FS_SRC_EXTFRAG_INDEX,
	FS_SRC_UNUSABLE_INDEX,
	FS_SRC_EXTFRAG_THRESHOLD,
	FS_SRC_COMPACTION_PROACTIVENESS,
	FS_SRC_WATERMARK_SCALE_FACTOR,
	FS_SRC_MIN_FREE_KBYTES,
	/* Inputs of the decision engine (decide.h); all optional. */
	FS_SRC_THP_ENABLED,              /* sys/kernel/mm/transparent_hugepage/enabled */
	FS_SRC_THP_DEFRAG,               /* sys/kernel/mm/transparent_hugepage/defrag */
	FS_SRC_DEFRAG_MODE,              /* vm.defrag_mode (6.15+) */
	FS_SRC_ZONE_RECLAIM_MODE,
	FS_SRC_WATERMARK_BOOST_FACTOR,   /* 5.0+ */
	FS_SRC_COMPACT_UNEVICTABLE_ALLOWED,
	FS_SRC_NR_HUGEPAGES,
	FS_SRC_COUNT
};

enum fs_src_status {
	FS_ST_UNREAD = 0,   /* not attempted (e.g. JSON input without it) */
	FS_ST_OK,
	FS_ST_MISSING,      /* ENOENT */
	FS_ST_DENIED,       /* EACCES / EPERM */
	FS_ST_MALFORMED,    /* parse error (fatal for required sources) */
	FS_ST_ERROR,        /* other I/O error */
};

enum fs_source_kind { FS_KIND_LIVE, FS_KIND_ROOT, FS_KIND_JSON, FS_KIND_SIMULATED,
		      FS_KIND_LOG /* a free-area dump in a kernel log (src/klog) */ };

/* A named 64-bit counter, as in vmstat, meminfo or zoneinfo stat lines. */
struct fs_kv {
	char name[FS_NAME_MAX];
	uint64_t value;
};

/* A growable list of named counters; lookups are linear (lists are short). */
struct fs_kvlist {
	struct fs_kv *items;
	size_t n, cap;
};

/* Bits in fs_zone.zi_have: which zoneinfo fields were present. */
enum {
	FS_ZI_FREE = 1u << 0,      /* "pages free" */
	FS_ZI_BOOST = 1u << 1,
	FS_ZI_MIN = 1u << 2,
	FS_ZI_LOW = 1u << 3,
	FS_ZI_HIGH = 1u << 4,
	FS_ZI_PROMO = 1u << 5,
	FS_ZI_SPANNED = 1u << 6,
	FS_ZI_PRESENT = 1u << 7,
	FS_ZI_MANAGED = 1u << 8,
	FS_ZI_CMA = 1u << 9,
	FS_ZI_PROTECTION = 1u << 10,
	FS_ZI_START_PFN = 1u << 11,
};

struct fs_zone {
	char name[FS_NAME_MAX];     /* "DMA", "Normal", ... as printed */

	/* /proc/buddyinfo: free blocks per order (all migratetypes). */
	bool has_buddy;
	uint64_t free[FS_MAX_ORDERS];

	/* /proc/pagetypeinfo, free lists: indexes match fs_snapshot.mt_names. */
	bool has_types;
	uint64_t free_by_type[FS_MAX_MT][FS_MAX_ORDERS];
	bool capped[FS_MAX_MT][FS_MAX_ORDERS];   /* printed ">100000": a lower bound */
	/* pagetypeinfo, "Number of blocks type". */
	bool has_blocks;
	uint64_t blocks[FS_MAX_MT];

	/* /proc/zoneinfo. zi_index is the zone's position among all zones the
	 * node lists in zoneinfo (its index in the protection array), or -1. */
	bool has_zoneinfo;
	int zi_index;
	unsigned zi_have;                        /* FS_ZI_* bits */
	uint64_t pages_free, boost, min, low, high, promo;
	uint64_t spanned, present, managed, cma, start_pfn;
	unsigned nprotection;
	int64_t protection[FS_MAX_ZONES];        /* lowmem_reserve[] */
	struct fs_kvlist zone_stats;             /* nr_free_pages, nr_free_cma, ... */

	/* debugfs extfrag/: the kernel's own integers (value * 1000). */
	bool has_kextfrag, has_kunusable;
	int32_t kextfrag[FS_MAX_ORDERS];
	int32_t kunusable[FS_MAX_ORDERS];
};

struct fs_node {
	int id;
	unsigned nzones;
	struct fs_zone zones[FS_MAX_ZONES];
	struct fs_kvlist node_stats;             /* zoneinfo "per-node stats" */
};

/* A setting from /proc/sys/vm, present or not. */
struct fs_setting {
	bool present;
	int64_t value;
};

/* A sysfs choice file such as transparent_hugepage/defrag
 * ("always defer defer+madvise [madvise] never"): the bracketed choice and
 * the options offered (which tell the kernel era, KFD §B). */
#define FS_THP_MAX_OPTIONS 8
struct fs_choice {
	bool present;
	char choice[FS_NAME_MAX];                     /* "madvise" */
	unsigned noptions;
	char options[FS_THP_MAX_OPTIONS][FS_NAME_MAX]; /* in printed order */
};

/* Latest time_sec whose nanoseconds fit in int64 (year 2262). */
#define FS_TIME_MAX (INT64_MAX / 1000000000LL - 1)

struct fs_snapshot {
	enum fs_source_kind kind;
	char *path;               /* root dir, JSON file, or NULL for live */
	char *kernel;             /* release string, or NULL when unknown */
	uint64_t page_size;       /* bytes */
	bool page_size_assumed;   /* true when not known from the source */
	unsigned orders;          /* columns per row; 0 until buddyinfo is read */
	int pageblock_order;      /* from pagetypeinfo; -1 when unknown */
	uint64_t pages_per_block; /* from pagetypeinfo; 0 when unknown */
	int64_t time_sec;         /* wall clock of the read (UTC seconds) */
	int32_t time_nsec;

	enum fs_src_status src[FS_SRC_COUNT];

	/* Kernel cross-check: buddyinfo reads around the debugfs reads, and
	 * whether the last two were identical (debugfs describes this state). */
	unsigned kcheck_attempts;
	bool kcheck_stable;

	/* pagetypeinfo migratetype names, in column order. */
	unsigned nmt;
	char mt_names[FS_MAX_MT][FS_NAME_MAX];

	size_t nnodes, nodes_cap;
	struct fs_node *nodes;    /* in file order */

	struct fs_setting extfrag_threshold;
	struct fs_setting compaction_proactiveness;
	struct fs_setting watermark_scale_factor;
	struct fs_setting min_free_kbytes;
	/* Decision engine inputs (decide.h): "present" false when missing. */
	struct fs_choice thp_enabled, thp_defrag;
	struct fs_setting defrag_mode;
	struct fs_setting zone_reclaim_mode;
	struct fs_setting watermark_boost_factor;
	struct fs_setting compact_unevictable_allowed;
	struct fs_setting nr_hugepages;

	struct fs_kvlist vmstat;
	struct fs_kvlist meminfo;  /* values as printed (kB for most keys) */
};

/* Allocate an empty snapshot (kind live, page size 4096 assumed). NULL on ENOMEM. */
struct fs_snapshot *fs_snapshot_new(void);
/* Free a snapshot and all it owns; NULL is fine. */
void fs_snapshot_free(struct fs_snapshot *s);
/* Deep copy; NULL on ENOMEM. */
struct fs_snapshot *fs_snapshot_dup(const struct fs_snapshot *s);
/* Forget every node, zone and per-zone datum but keep settings/sources. */
void fs_snapshot_clear_nodes(struct fs_snapshot *s);

/* Find node `id`; NULL when absent. */
struct fs_node *fs_snapshot_node(struct fs_snapshot *s, int id);
/* Find or append node `id`; NULL on ENOMEM or too many nodes. */
struct fs_node *fs_snapshot_node_get(struct fs_snapshot *s, int id);
/* Find zone `name` in node; NULL when absent. */
struct fs_zone *fs_node_zone(struct fs_node *n, const char *name);
/* Find or append zone `name`; NULL when the node already has FS_MAX_ZONES. */
struct fs_zone *fs_node_zone_get(struct fs_node *n, const char *name);

/* Index of migratetype `name`, appending it when new; -1 when full. */
int fs_snapshot_mt_index(struct fs_snapshot *s, const char *name);

/* Set (replace or append) a named counter; -ENOMEM or -ENAMETOOLONG on failure. */
int fs_kv_set(struct fs_kvlist *l, const char *name, uint64_t value);
/* Append without looking for an existing name (readers of files whose keys
 * are unique); -ENOMEM or -ENAMETOOLONG on failure. */
int fs_kv_append(struct fs_kvlist *l, const char *name, uint64_t value);
/* Look a counter up; returns true and stores it in *out when found. */
bool fs_kv_get(const struct fs_kvlist *l, const char *name, uint64_t *out);
void fs_kv_free(struct fs_kvlist *l);
int fs_kv_copy(struct fs_kvlist *dst, const struct fs_kvlist *src);

/* Names used in JSON and messages. */
const char *fs_src_name(enum fs_src s);
/* The path of a source below the root, e.g. "proc/buddyinfo". */
const char *fs_src_relpath(enum fs_src s);
const char *fs_src_status_name(enum fs_src_status st);
const char *fs_kind_name(enum fs_source_kind k);

#endif
