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
/* The largest node id every reader accepts (text files, JSON input, --node),
 * so that fragstat never writes JSON it cannot read back. Linux's
 * MAX_NUMNODES is 1 << CONFIG_NODES_SHIFT, at most 1 << 10 on every
 * architecture today; 65535 leaves room. */
#define FS_NODE_ID_MAX 65535
#define FS_NAME_MAX 32        /* zone / migratetype / counter name buffer */

/* The version of a snapshot's JSON form (schema_version): written by
 * render_json.c, required by load_json.c; a change that breaks a consumer
 * bumps it (data/fragstat.schema.json describes it). */
#define FS_SCHEMA_VERSION 2
#define FS_SCHEMA_VERSION_MIN 1   /* oldest version load_json reads */
struct fs_pagemap;            /* pagemap.h: the page layout (--pages) */

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

/* Where the page size came from (JSON "page_size_source"). */
enum fs_page_size_from {
	FS_PS_ASSUMED = 0,   /* nothing in the data tells: 4096 assumed */
	FS_PS_LIVE,          /* sysconf(_SC_PAGESIZE) of this machine */
	FS_PS_CAPTURE,       /* a fragstat capture's note ("page_size: N") */
	FS_PS_MEMINFO,       /* meminfo MemTotal over the zones' managed pages */
	FS_PS_JSON,          /* a JSON snapshot that did not assume it */
	FS_PS_OPTION,        /* --page-size, for data that does not tell */
	FS_PS_SIMULATED,     /* the simulator's --page-size */
	FS_PS_LOG,           /* a kernel log's buddy lines (the first column's kB) */
};

/* A named 64-bit counter, as in vmstat, meminfo or zoneinfo stat lines. */
struct fs_kv {
	char name[FS_NAME_MAX];
	uint64_t value;
};

/* A growable list of named counters in insertion order. Past a few entries
 * a hash index (open addressing, item index + 1, 0 = empty) makes lookups
 * constant time, so a file of many unique names parses in linear time.
 * The index belongs to the list: only fs_kv_*() may change items. */
struct fs_kvlist {
	struct fs_kv *items;
	size_t n, cap;
	uint32_t *hidx;        /* NULL while n is small */
	size_t hcap;           /* power of two, > 2 * n when hidx is set */
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
	/* free[] was summed from pagetypeinfo's free lists (no buddyinfo);
	 * an order with a capped (">100000") cell is then a lower bound. */
	bool free_from_types;

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
	bool has_pcp;                            /* zoneinfo pagesets "count:" seen */
	uint64_t pcp_count;                      /* sum of the per-cpu "count:" lines */

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
	enum fs_page_size_from page_size_from;
	unsigned orders;          /* columns per row; 0 until buddyinfo is read */
	int pageblock_order;      /* from pagetypeinfo; -1 when unknown */
	uint64_t pages_per_block; /* from pagetypeinfo; 0 when unknown */
	bool time_known;          /* false: the source does not say when it was read */
	int64_t time_sec;         /* wall clock of the read (UTC seconds), if known */
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

	/* --pages: /proc/kpageflags and /proc/kpagecount (rd_kpage.c). */
	bool kpage_requested;
	enum fs_src_status kpage_src[2];   /* kpageflags, kpagecount */
	struct fs_pagemap *pagemap;        /* owned; NULL when not read */
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

/* Fill free[] of every zone with free lists from the sum over its
 * migratetypes (for data without buddyinfo), marking free_from_types.
 * -ERANGE when a sum overflows 64 bits. */
int fs_snapshot_free_from_types(struct fs_snapshot *s);
/* True when free[k] of z is a lower bound (summed over a capped cell). */
bool fs_zone_free_lower_bound(const struct fs_snapshot *s, const struct fs_zone *z, unsigned k);

/* Index of migratetype `name`, appending it when new; -1 when full. */
int fs_snapshot_mt_index(struct fs_snapshot *s, const char *name);

/* Set (replace or append) a named counter; -ENOMEM or -ENAMETOOLONG on failure. */
int fs_kv_set(struct fs_kvlist *l, const char *name, uint64_t value);
/* Append without looking for an existing name (readers of files whose keys
 * are unique); -ENOMEM or -ENAMETOOLONG on failure. */
int fs_kv_append(struct fs_kvlist *l, const char *name, uint64_t value);
/* Index of name[0..len) in the list (len < FS_NAME_MAX; name need not be
 * NUL-terminated), or -1. */
long fs_kv_find(const struct fs_kvlist *l, const char *name, size_t len);
/* Look a counter up; returns true and stores it in *out when found. */
bool fs_kv_get(const struct fs_kvlist *l, const char *name, uint64_t *out);
void fs_kv_free(struct fs_kvlist *l);
int fs_kv_copy(struct fs_kvlist *dst, const struct fs_kvlist *src);

/* The most free pages a zone may hold: 2^40 - 1, so that its byte size at
 * any page size fragstat accepts (up to 16 MiB = 2^24) and the kernel's
 * index arithmetic (free pages x 1000) fit in 64 bits. Readers refuse a
 * row past it (-ERANGE), so no sum of a zone's free memory ever wraps. */
#define FS_FREE_PAGES_MAX ((UINT64_C(1) << 40) - 1)

/* Sum free[k] << k over n orders into *pages; -ERANGE (and the first order
 * that takes the sum past FS_FREE_PAGES_MAX in *bad_order) when too large. */
int fs_free_pages_sum(const uint64_t *free, unsigned n, uint64_t *pages, unsigned *bad_order);

/* True when s is a name as the kernel prints zone, migratetype and counter
 * names: 1 .. max - 1 bytes, each printable ASCII and not a blank
 * (0x21 .. 0x7e). Every name in a snapshot passes: readers and the JSON
 * loader refuse others, so no control byte reaches a terminal or a label. */
bool fs_name_ok(const char *s, size_t max);
/* The longest kernel release (utsname.release holds 64 characters). */
#define FS_RELEASE_MAX 64

/* Copy s into buf for a terminal or a note: bytes outside 0x20 .. 0x7e
 * become \xHH and a backslash becomes \\, so control bytes and newlines
 * never pass raw (paths come from the user or from JSON input). Cut to
 * fit; always terminated. Returns buf. */
char *fs_escape(char *buf, size_t size, const char *s);

/* Names used in JSON and messages. */
const char *fs_src_name(enum fs_src s);
/* The path of a source below the root, e.g. "proc/buddyinfo". */
const char *fs_src_relpath(enum fs_src s);
const char *fs_src_status_name(enum fs_src_status st);
const char *fs_kind_name(enum fs_source_kind k);
/* "assumed", "live", "capture", "meminfo", "json", "option", "simulated". */
const char *fs_page_size_from_name(enum fs_page_size_from f);
/* The enum for one of those names; -1 when unknown. */
int fs_page_size_from_parse(const char *name);

#endif
