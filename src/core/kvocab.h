/* kvocab.h - the kernel's words, written once: the /proc/vmstat counters
 * fragstat names and the per-zone fields of /proc/zoneinfo.
 *
 * Every layer takes these names from here: the readers (rd_vmstat.c,
 * rd_zoneinfo.c, procps_glue.c), the JSON loader and writer, rates, diff,
 * the Prometheus renderer, the decision engine and the simulator's
 * emission. Changing one counter or field is one line below.
 *
 * Pure data and lookups: no I/O, no allocation, no mutable globals.
 */
#ifndef FRAGSTAT_KVOCAB_H
#define FRAGSTAT_KVOCAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

/* ---- /proc/vmstat ----------------------------------------------------------
 * X(ID, name, procps, what)
 *   ID      FS_VM_<ID>; with procps 1 libproc2 4.x has the item VMSTAT_<ID>
 *           and procps_glue.c reads it live
 *   name    the kernel's name (mm/vmstat.c vmstat_text[])
 *   what    what the counter counts (the Prometheus HELP text), or NULL
 * A counter missing from a kernel's vmstat is simply absent from the
 * snapshot (compact_blocks_moved exists only in 2.6.35 .. 3.7, the
 * thp_migration_* counters only in newer kernels). The order is the order
 * libproc2's live read stores them in. */
#define FS_VMSTAT_COUNTERS(X) \
	X(COMPACT_STALL, "compact_stall", 1, "Direct compaction attempts by allocating tasks.") \
	X(COMPACT_FAIL, "compact_fail", 1, "Direct compaction attempts that did not produce the requested page.") \
	X(COMPACT_SUCCESS, "compact_success", 1, "Direct compaction attempts that produced the requested page.") \
	X(COMPACT_MIGRATE_SCANNED, "compact_migrate_scanned", 1, "Pages the compaction migration scanner looked at.") \
	X(COMPACT_FREE_SCANNED, "compact_free_scanned", 1, "Pages the compaction free scanner looked at.") \
	X(COMPACT_ISOLATED, "compact_isolated", 1, "Pages isolated by compaction (migration sources and free targets).") \
	X(COMPACT_DAEMON_WAKE, "compact_daemon_wake", 1, "Times kcompactd woke up to compact.") \
	X(COMPACT_DAEMON_MIGRATE_SCANNED, "compact_daemon_migrate_scanned", 1, "Pages kcompactd's migration scanner looked at.") \
	X(COMPACT_DAEMON_FREE_SCANNED, "compact_daemon_free_scanned", 1, "Pages kcompactd's free scanner looked at.") \
	X(PGMIGRATE_SUCCESS, "pgmigrate_success", 1, "Pages migrated successfully.") \
	X(PGMIGRATE_FAIL, "pgmigrate_fail", 1, "Pages that failed to migrate.") \
	X(THP_FAULT_ALLOC, "thp_fault_alloc", 1, "Transparent huge pages allocated at page fault.") \
	X(THP_FAULT_FALLBACK, "thp_fault_fallback", 1, "Page faults that fell back to base pages because no huge page could be allocated.") \
	X(THP_COLLAPSE_ALLOC, "thp_collapse_alloc", 1, "Huge pages allocated by khugepaged to collapse base pages.") \
	X(THP_COLLAPSE_ALLOC_FAILED, "thp_collapse_alloc_failed", 1, "khugepaged huge page allocations that failed.") \
	X(THP_MIGRATION_SUCCESS, "thp_migration_success", 0, NULL) \
	X(THP_MIGRATION_FAIL, "thp_migration_fail", 0, NULL) \
	X(THP_MIGRATION_SPLIT, "thp_migration_split", 0, NULL) \
	X(NR_FREE_PAGES, "nr_free_pages", 1, NULL) \
	X(NR_FREE_CMA, "nr_free_cma", 1, NULL) \
	X(COMPACT_BLOCKS_MOVED, "compact_blocks_moved", 0, NULL)             /* 2.6.35 .. 3.7 */ \
	X(COMPACT_PAGES_MOVED, "compact_pages_moved", 0, NULL)               /* 2.6.35 .. 3.7 */ \
	X(COMPACT_PAGEMIGRATE_FAILED, "compact_pagemigrate_failed", 0, NULL) /* 2.6.35 .. 3.7 */ \
	X(ALLOCSTALL, "allocstall", 0, NULL)          /* one counter before the per-zone split */ \
	X(NUMA_PAGES_MIGRATED, "numa_pages_migrated", 0, "Pages migrated by NUMA balancing.") \
	X(NR_FREE_PAGES_BLOCKS, "nr_free_pages_blocks", 0, NULL)            /* zone stat, 6.15+ */ \
	X(NR_INACTIVE_ANON, "nr_inactive_anon", 0, NULL)                    /* node stat */ \
	X(NR_ACTIVE_ANON, "nr_active_anon", 0, NULL)                        /* node stat */

enum fs_vm {
#define FS_VM_ENUM_(id, name, procps, what) FS_VM_##id,
	FS_VMSTAT_COUNTERS(FS_VM_ENUM_)
#undef FS_VM_ENUM_
	FS_VM_COUNT
};

/* The kernel's name of counter c ("compact_stall"); NULL when out of range. */
const char *fs_vm_name(enum fs_vm c);
/* What counter c counts (a sentence), or NULL when the table has none. */
const char *fs_vm_what(enum fs_vm c);
/* The counter called name (a NUL-terminated kernel name); -1 when the
 * table does not list it. */
int fs_vm_find(const char *name);
/* Look counter c up in a list (vmstat, zone or node stats); true and
 * *out when present. */
bool fs_vm_kv(const struct fs_kvlist *l, enum fs_vm c, uint64_t *out);
/* Look counter c up in s->vmstat; true and *out when present. */
bool fs_vm_get(const struct fs_snapshot *s, enum fs_vm c, uint64_t *out);

/* True for the vmstat event counters fragstat tracks (compaction, page
 * migration, THP: every compact_*, pgmigrate_* and thp_* counter, and
 * numa_pages_migrated): the ones the diff and the Prometheus output carry. */
bool fs_vmstat_tracked(const char *name);

/* ---- /proc/meminfo ---------------------------------------------------------
 * X(ID, key): FS_MI_<ID>, libproc2's item MEMINFO_<ID>; the key as the
 * kernel prints it (fs/proc/meminfo.c; kB except the HugePages_ counts). */
#define FS_MEMINFO_KEYS(X) \
	X(MEM_TOTAL, "MemTotal") \
	X(MEM_FREE, "MemFree") \
	X(MEM_AVAILABLE, "MemAvailable") \
	X(MEM_HUGE_TOTAL, "HugePages_Total") \
	X(MEM_HUGE_FREE, "HugePages_Free") \
	X(MEM_HUGE_RSVD, "HugePages_Rsvd") \
	X(MEM_HUGE_SURPLUS, "HugePages_Surp") \
	X(MEM_HUGE_SIZE, "Hugepagesize")

enum fs_mi {
#define FS_MI_ENUM_(id, key) FS_MI_##id,
	FS_MEMINFO_KEYS(FS_MI_ENUM_)
#undef FS_MI_ENUM_
	FS_MI_COUNT
};

/* The kernel's key of meminfo line k ("MemTotal"); NULL when out of range. */
const char *fs_mi_name(enum fs_mi k);
/* Look key k up in s->meminfo; true and *out when present. */
bool fs_mi_get(const struct fs_snapshot *s, enum fs_mi k, uint64_t *out);

/* ---- /proc/zoneinfo --------------------------------------------------------
 * The per-zone fields (mm/vmstat.c zoneinfo_show_print) fragstat keeps in
 * struct fs_zone, in the order fragstat's JSON lists them: the "zoneinfo"
 * object's fields, then the "watermarks" object's.
 * X(ID, name, key, member, watermark, kline)
 *   ID        FS_ZF_<ID>; its bit in fs_zone.zi_have is FS_ZI_<ID>
 *   name      the kernel's word ("pages free", "min", "start_pfn")
 *   key       the JSON key
 *   member    the uint64_t member of struct fs_zone
 *   watermark 1: in JSON "watermarks"; 0: in JSON "zoneinfo"
 *   kline     the line's place (1..) among the "        name value" lines
 *             the kernel prints below "pages free"; 0 for "pages free"
 *             itself and the trailer's "start_pfn:" */
#define FS_ZONEINFO_FIELDS(X) \
	X(FREE, "pages free", "pages_free", pages_free, 0, 0) \
	X(SPANNED, "spanned", "spanned", spanned, 0, 6) \
	X(PRESENT, "present", "present", present, 0, 7) \
	X(MANAGED, "managed", "managed", managed, 0, 8) \
	X(CMA, "cma", "cma", cma, 0, 9)                 /* 5.11+ */ \
	X(START_PFN, "start_pfn", "start_pfn", start_pfn, 0, 0) \
	X(MIN, "min", "min", min, 1, 2) \
	X(LOW, "low", "low", low, 1, 3) \
	X(HIGH, "high", "high", high, 1, 4) \
	X(BOOST, "boost", "boost", boost, 1, 1)         /* 5.16+ */ \
	X(PROMO, "promo", "promo", promo, 1, 5)         /* 6.2+ */

enum fs_zf {
#define FS_ZF_ENUM_(id, name, key, member, wm, kline) FS_ZF_##id,
	FS_ZONEINFO_FIELDS(FS_ZF_ENUM_)
#undef FS_ZF_ENUM_
	FS_ZF_COUNT
};

/* The kernel's "protection: (a, b, ...)" line: lowmem_reserve[] (fs_zone.
 * protection, bit FS_ZI_PROTECTION); also its JSON key. */
#define FS_ZI_PROTECTION_NAME "protection"

struct fs_zi_field {
	const char *name;     /* as /proc/zoneinfo prints it */
	const char *key;      /* JSON key */
	unsigned bit;         /* FS_ZI_* in fs_zone.zi_have */
	size_t off;           /* offsetof(struct fs_zone, member), a uint64_t */
	bool watermark;       /* JSON "watermarks" (else "zoneinfo") */
	unsigned kline;       /* see FS_ZONEINFO_FIELDS */
};

/* Indexed by enum fs_zf. */
extern const struct fs_zi_field fs_zi_fields[FS_ZF_COUNT];

/* The field printed as the kline-th "        name value" line (1..), or
 * NULL past the last. */
const struct fs_zi_field *fs_zi_kline(unsigned kline);
/* The value of field f in z (whether or not z has it: see zi_have). */
uint64_t fs_zi_get(const struct fs_zone *z, const struct fs_zi_field *f);
/* Where field f of z is stored. */
uint64_t *fs_zi_slot(struct fs_zone *z, const struct fs_zi_field *f);

/* ---- /proc/pagetypeinfo ----------------------------------------------------
 * The kernel stops counting a free list when it reaches 100000 entries and
 * prints ">100000" (mm/vmstat.c pagetypeinfo_showfree_print, 5.4+ and
 * stable backports: "%s%6lu " with ">"). fragstat keeps the count as a
 * lower bound and every renderer shows such a count with FS_CAPPED_MARK
 * before it. */
#define FS_PAGETYPE_COUNT_CAP 100000
#define FS_KV_STR_(x) #x
#define FS_KV_STR(x) FS_KV_STR_(x)
#define FS_PAGETYPE_COUNT_CAP_TEXT FS_KV_STR(FS_PAGETYPE_COUNT_CAP)   /* "100000" */
#define FS_CAPPED_MARK ">"

/* "N" or ">N" (a lower bound) into buf; returns buf. */
char *fs_count_cell(char *buf, size_t size, uint64_t v, bool lower_bound);

/* Migratetypes whose pageblocks pollute a zone for compaction (unmovable
 * and reclaimable allocations cannot be moved: mm/page_alloc.c
 * migratetype_names[] "Unmovable", "Reclaimable"). */
bool fs_mt_pollutes(const char *name);

#endif
