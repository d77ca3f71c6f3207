/* klog.h - allocation-failure and OOM reports found in kernel logs.
 *
 * fs_klog_parse() scans a kernel log as people paste it (printk timestamps,
 * dmesg -T dates, syslog/journal prefixes, "> " quoting, quoted-printable,
 * wrapped lines, rsyslog "#012") for the reports warn_alloc() and the OOM
 * killer print, and parses each report's show_free_areas() dump into a
 * fragstat snapshot plus what the dump says beyond it (the request, the
 * printed totals, migratetype letters, huge page pools, swap).
 * It is a reader: it never prints; problems inside a report are kept as
 * diagnostics in that report (file:line and what was expected).
 * Ownership: fs_klog_parse() returns an owned log released with
 * fs_klog_free(); every report owns its snapshot.
 */
#ifndef FRAGSTAT_KLOG_H
#define FRAGSTAT_KLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "procfs.h"
#include "snapshot.h"

/* Largest log accepted and longest logical line kept (joined wraps
 * included); longer lines are cut with a diagnostic. */
#define FS_KLOG_MAX_INPUT (64u * 1024 * 1024)  /* bytes */
#define FS_KLOG_MAX_LINE (64u * 1024)
#define FS_KLOG_MAX_REPORTS 2000
#define FS_KLOG_MAX_DIAG 16

enum fs_klog_kind {
	FS_KLOG_ALLOC_FAILURE,   /* warn_alloc(): page allocation failure/stall, vmalloc, vmemmap */
	FS_KLOG_OOM,             /* dump_header(): "invoked oom-killer" */
	FS_KLOG_SHOW_MEM,        /* SysRq-M or a dump pasted without its header */
};

enum fs_klog_trigger {
	FS_KT_PAGE,              /* page allocation failure */
	FS_KT_STALL,             /* page allocation stalls for Nms */
	FS_KT_VMALLOC,           /* vmalloc error / vmalloc: allocation failure */
	FS_KT_VMEMMAP,           /* vmemmap alloc failure */
	FS_KT_OOM,
	FS_KT_SYSRQ,
	FS_KT_NONE,              /* no header in the input */
};

/* Migratetype letters of show_migration_types(), one bit each. */
enum {
	FS_KMT_U = 1u << 0,      /* unmovable */
	FS_KMT_M = 1u << 1,      /* movable */
	FS_KMT_E = 1u << 2,      /* reclaimable */
	FS_KMT_H = 1u << 3,      /* highatomic (4.4+) */
	FS_KMT_R = 1u << 4,      /* reserve (3.x-4.3) */
	FS_KMT_C = 1u << 5,      /* CMA */
	FS_KMT_I = 1u << 6,      /* isolate */
};

/* What one zone's lines said, in the units printed (kB) unless noted. */
/* The kernel's zone types in enum zone_type order (those a kernel has
 * compiled in are a subsequence): DMA DMA32 Normal HighMem Movable Device. */
#define FS_KLOG_NZT 6
extern const char *const fs_klog_zone_names[FS_KLOG_NZT];

struct fs_klog_zone {
	int node;                /* 0 when the kernel printed no "Node N " */
	bool node_printed;
	char name[FS_NAME_MAX];
	int type;                /* index in lowmem_reserve[] (zone type), -1 unknown */

	bool has_zone_line;
	unsigned zone_line;      /* input line of the zone line */
	uint64_t free_kb, min_kb, low_kb, high_kb, boost_kb, present_kb, managed_kb;
	bool has_min, has_low, has_high, has_boost, has_present, has_managed;
	bool has_free_cma, has_reserved_ha, has_free_ha;
	uint64_t free_cma_kb, reserved_ha_kb, free_ha_kb;
	bool has_unreclaimable;  /* zone-level all_unreclaimable? (before 4.8) */
	bool all_unreclaimable;
	unsigned nreserve;       /* lowmem_reserve[] entries (pages) */
	uint64_t reserve[FS_MAX_ZONES];

	bool has_buddy_line;     /* a buddy line was seen */
	bool buddy_complete;     /* ... and parsed to its "= NkB" total */
	bool buddy_empty;        /* "ZONE: empty" (2.6.1x) */
	unsigned buddy_line;
	unsigned orders;         /* columns */
	uint64_t page_kb;        /* first column size */
	uint64_t count[FS_MAX_ORDERS];
	bool has_letters;
	uint8_t types[FS_MAX_ORDERS];  /* FS_KMT_* per order */
	uint64_t total_kb;       /* printed "= NkB" */
	uint64_t sum_kb;         /* sum of count x size */
};

struct fs_klog_huge {
	int node;
	uint64_t total, free, surp, size_kb;
};

struct fs_klog_node {
	int id;
	bool has_unreclaimable;
	bool all_unreclaimable;
};

struct fs_klog_diag {
	unsigned line;           /* input line, 0 when about the whole report */
	char msg[200];
};

struct fs_klog_report {
	unsigned line;           /* where the report starts in the input (1-based) */
	unsigned end_line;       /* last input line read into it */
	enum fs_klog_kind kind;
	enum fs_klog_trigger trigger;
	char time[48];           /* the header's log time as printed ("72.043747", a date), or "" */
	char task[64];           /* "" when not printed */
	int order;               /* -1 when the header has none (vmalloc, SysRq) */
	bool has_gfp;
	char gfp[256];           /* as printed: "0x14201ca(GFP_HIGHUSER_MOVABLE|__GFP_COLD)" */
	uint64_t gfp_value;
	bool gfp_names;          /* flag names were printed (4.5+) */
	bool has_nodemask, has_cpuset, has_mems;
	char nodemask[64], cpuset[128], mems_allowed[64];
	uint64_t vmalloc_size;   /* vmalloc: bytes requested, 0 when not printed */
	char vmalloc_reason[96]; /* "vm_struct allocation failed", ... */
	uint64_t stall_ms;
	char kernel[64];         /* release from the CPU:/Pid: banner, "" when not seen */

	bool mem_info;           /* "Mem-Info:" seen */
	struct fs_kvlist counters;   /* global Mem-Info counters (pages) */

	size_t nzones, zones_cap;
	struct fs_klog_zone *zones;  /* in print order */
	size_t nnodes, nodes_cap;
	struct fs_klog_node *nodes;  /* per-node lines (4.8+) */
	size_t nhuge, huge_cap;
	struct fs_klog_huge *huge;

	bool has_swap_free, has_swap_total, has_pages_ram, has_pages_reserved,
	     has_pages_highmem, has_cma_reserved;
	uint64_t swap_free_kb, swap_total_kb, pages_ram, pages_reserved, pages_highmem,
		 cma_reserved;

	bool letters_em, letters_me; /* some group printed E before M (pre-4.4) / M before E */

	/* Filled by fs_klog_parse() when the report ends. */
	int ztype[FS_KLOG_NZT];      /* lowmem_reserve[] index per fs_klog_zone_names[], -1 absent */
	bool ztypes_known;
	struct fs_snapshot *snap;    /* NULL when no zone could be placed */
	uint64_t page_size;          /* bytes; from the first buddy column */
	bool page_size_assumed;
	bool analysable;             /* at least one zone with a whole buddy line */
	bool complete;               /* every zone seen has its zone line and whole buddy line */

	unsigned ndiag, ndiag_lost;
	struct fs_klog_diag diag[FS_KLOG_MAX_DIAG];
};

struct fs_klog {
	char *file;              /* as shown to the user */
	bool quoted_printable;   /* the input was decoded as quoted-printable */
	unsigned lines;          /* physical lines read */
	unsigned reports_lost;   /* reports past FS_KLOG_MAX_REPORTS */
	size_t n, cap;
	struct fs_klog_report *reports;
};

/* Scan a log (data need not be NUL-terminated). Returns 0 with *out set,
 * -EFBIG (input above FS_KLOG_MAX_INPUT, *d filled) or -ENOMEM. A log
 * without any report is not an error: (*out)->n is 0. */
int fs_klog_parse(const char *file, const char *data, size_t len, struct fs_klog **out,
		  struct fs_diag *d);
void fs_klog_free(struct fs_klog *l);

const char *fs_klog_kind_name(enum fs_klog_kind k);
const char *fs_klog_trigger_name(enum fs_klog_trigger t);
/* "UME" for a FS_KMT_* mask, in the kernel's 4.4+ print order (U M E H C I, R after E). */
void fs_klog_letters(uint8_t mask, char *buf, size_t size);

#endif
