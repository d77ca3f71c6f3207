/* rd_vmstat.h - the /proc/vmstat counters fragstat reports, and a
 * duplicate-checking appender for "name value" lists shared by the
 * vmstat, meminfo and zoneinfo readers.
 *
 * The counter table is the single list of names fragstat looks for; a
 * counter missing from a kernel's vmstat is simply absent from the
 * snapshot (e.g. compact_blocks_moved exists only in 2.6.35 .. 3.7, the
 * thp_migration_* counters only in newer kernels).
 */
#ifndef FRAGSTAT_RD_VMSTAT_H
#define FRAGSTAT_RD_VMSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

enum rd_vmstat_counter {
	RD_VMSTAT_COMPACT_STALL,
	RD_VMSTAT_COMPACT_FAIL,
	RD_VMSTAT_COMPACT_SUCCESS,
	RD_VMSTAT_COMPACT_MIGRATE_SCANNED,
	RD_VMSTAT_COMPACT_FREE_SCANNED,
	RD_VMSTAT_COMPACT_ISOLATED,
	RD_VMSTAT_COMPACT_DAEMON_WAKE,
	RD_VMSTAT_COMPACT_DAEMON_MIGRATE_SCANNED,
	RD_VMSTAT_COMPACT_DAEMON_FREE_SCANNED,
	RD_VMSTAT_PGMIGRATE_SUCCESS,
	RD_VMSTAT_PGMIGRATE_FAIL,
	RD_VMSTAT_THP_FAULT_ALLOC,
	RD_VMSTAT_THP_FAULT_FALLBACK,
	RD_VMSTAT_THP_COLLAPSE_ALLOC,
	RD_VMSTAT_THP_COLLAPSE_ALLOC_FAILED,
	RD_VMSTAT_THP_MIGRATION_SUCCESS,
	RD_VMSTAT_THP_MIGRATION_FAIL,
	RD_VMSTAT_THP_MIGRATION_SPLIT,
	RD_VMSTAT_NR_FREE_PAGES,
	RD_VMSTAT_NR_FREE_CMA,
	RD_VMSTAT_COMPACT_BLOCKS_MOVED,      /* 2.6.35 .. 3.7 */
	RD_VMSTAT_COMPACT_PAGES_MOVED,       /* 2.6.35 .. 3.7 */
	RD_VMSTAT_COMPACT_PAGEMIGRATE_FAILED,/* 2.6.35 .. 3.7 */
	RD_VMSTAT_ALLOCSTALL,                /* single counter before the per-zone split */
	RD_VMSTAT_COUNT
};

/* The kernel's name of counter c ("compact_stall"); NULL when out of range. */
const char *rd_vmstat_name(enum rd_vmstat_counter c);

/* Look counter c up in s->vmstat; true and *out when present. */
bool rd_vmstat_get(const struct fs_snapshot *s, enum rd_vmstat_counter c, uint64_t *out);

/* Appends "name value" pairs to a list and refuses a name seen twice in
 * the same section (a concatenated or edited file). Entries the list held
 * before rd_vmstat_uniq_init are replaced, not duplicated. Lookups use the
 * list's own hash index (constant time per name). */
struct rd_vmstat_uniq {
	struct fs_kvlist *l;
	size_t base;                               /* entries before this section */
};

void rd_vmstat_uniq_init(struct rd_vmstat_uniq *u, struct fs_kvlist *l);
/* name[0..len) need not be NUL-terminated. Returns 0, -EEXIST (already in
 * this section), -ENAMETOOLONG (len >= FS_NAME_MAX) or -ENOMEM. */
int rd_vmstat_uniq_add(struct rd_vmstat_uniq *u, const char *name, size_t len, uint64_t value);

#endif
