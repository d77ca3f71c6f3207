/* procps_glue.c - live meminfo and vmstat counters through libproc2.
 *
 * The only file that calls libproc2. libproc2 hard-codes /proc paths and
 * its _get calls re-read a file at most once per second, so each call
 * here makes a fresh context and fetches through _select, which always
 * re-reads: two calls in a row never return a cached sample.
 * libproc2 reports 0 for an item the running kernel does not have.
 * Without libproc2 (configure --without-procps) this returns -ENOSYS.
 */
#include "config.h"

#include <errno.h>

#include "collect.h"
#include "rd_vmstat.h"

#ifdef HAVE_LIBPROC2
#include <libproc2/meminfo.h>
#include <libproc2/vmstat.h>

/* Every counter of rd_vmstat.h that libproc2 4.x has an item for. */
static const struct {
	enum vmstat_item item;
	enum rd_vmstat_counter ctr;
} procps_glue_vm[] = {
	{ VMSTAT_COMPACT_STALL, RD_VMSTAT_COMPACT_STALL },
	{ VMSTAT_COMPACT_FAIL, RD_VMSTAT_COMPACT_FAIL },
	{ VMSTAT_COMPACT_SUCCESS, RD_VMSTAT_COMPACT_SUCCESS },
	{ VMSTAT_COMPACT_MIGRATE_SCANNED, RD_VMSTAT_COMPACT_MIGRATE_SCANNED },
	{ VMSTAT_COMPACT_FREE_SCANNED, RD_VMSTAT_COMPACT_FREE_SCANNED },
	{ VMSTAT_COMPACT_ISOLATED, RD_VMSTAT_COMPACT_ISOLATED },
	{ VMSTAT_COMPACT_DAEMON_WAKE, RD_VMSTAT_COMPACT_DAEMON_WAKE },
	{ VMSTAT_COMPACT_DAEMON_MIGRATE_SCANNED, RD_VMSTAT_COMPACT_DAEMON_MIGRATE_SCANNED },
	{ VMSTAT_COMPACT_DAEMON_FREE_SCANNED, RD_VMSTAT_COMPACT_DAEMON_FREE_SCANNED },
	{ VMSTAT_PGMIGRATE_SUCCESS, RD_VMSTAT_PGMIGRATE_SUCCESS },
	{ VMSTAT_PGMIGRATE_FAIL, RD_VMSTAT_PGMIGRATE_FAIL },
	{ VMSTAT_THP_FAULT_ALLOC, RD_VMSTAT_THP_FAULT_ALLOC },
	{ VMSTAT_THP_FAULT_FALLBACK, RD_VMSTAT_THP_FAULT_FALLBACK },
	{ VMSTAT_THP_COLLAPSE_ALLOC, RD_VMSTAT_THP_COLLAPSE_ALLOC },
	{ VMSTAT_THP_COLLAPSE_ALLOC_FAILED, RD_VMSTAT_THP_COLLAPSE_ALLOC_FAILED },
	{ VMSTAT_NR_FREE_PAGES, RD_VMSTAT_NR_FREE_PAGES },
	{ VMSTAT_NR_FREE_CMA, RD_VMSTAT_NR_FREE_CMA },
};
#define PROCPS_GLUE_NVM (sizeof procps_glue_vm / sizeof procps_glue_vm[0])

/* meminfo keys as /proc prints them (kB, counts for HugePages_*). */
static const struct {
	enum meminfo_item item;
	const char *name;
} procps_glue_mem[] = {
	{ MEMINFO_MEM_TOTAL, "MemTotal" },
	{ MEMINFO_MEM_FREE, "MemFree" },
	{ MEMINFO_MEM_AVAILABLE, "MemAvailable" },
	{ MEMINFO_MEM_HUGE_TOTAL, "HugePages_Total" },
	{ MEMINFO_MEM_HUGE_FREE, "HugePages_Free" },
	{ MEMINFO_MEM_HUGE_RSVD, "HugePages_Rsvd" },
	{ MEMINFO_MEM_HUGE_SURPLUS, "HugePages_Surp" },
	{ MEMINFO_MEM_HUGE_SIZE, "Hugepagesize" },
};
#define PROCPS_GLUE_NMEM (sizeof procps_glue_mem / sizeof procps_glue_mem[0])

static int procps_glue_err(int r)
{
	return r < 0 ? r : -EIO;
}

static int procps_glue_vmstat(struct fs_snapshot *s)
{
	struct vmstat_info *info = NULL;
	enum vmstat_item items[PROCPS_GLUE_NVM];
	int r = procps_vmstat_new(&info);
	if (r < 0)
		return procps_glue_err(r);
	for (size_t i = 0; i < PROCPS_GLUE_NVM; i++)
		items[i] = procps_glue_vm[i].item;
	errno = 0;
	struct vmstat_stack *st = procps_vmstat_select(info, items, (int)PROCPS_GLUE_NVM);
	if (!st) {
		r = errno ? -errno : -EIO;
		procps_vmstat_unref(&info);
		return r;
	}
	for (size_t i = 0; i < PROCPS_GLUE_NVM && !r; i++)
		r = fs_kv_set(&s->vmstat, rd_vmstat_name(procps_glue_vm[i].ctr),
			      (uint64_t)st->head[i].result.ul_int);
	procps_vmstat_unref(&info);
	return r;
}

static int procps_glue_meminfo(struct fs_snapshot *s)
{
	struct meminfo_info *info = NULL;
	enum meminfo_item items[PROCPS_GLUE_NMEM];
	int r = procps_meminfo_new(&info);
	if (r < 0)
		return procps_glue_err(r);
	for (size_t i = 0; i < PROCPS_GLUE_NMEM; i++)
		items[i] = procps_glue_mem[i].item;
	errno = 0;
	struct meminfo_stack *st = procps_meminfo_select(info, items, (int)PROCPS_GLUE_NMEM);
	if (!st) {
		r = errno ? -errno : -EIO;
		procps_meminfo_unref(&info);
		return r;
	}
	for (size_t i = 0; i < PROCPS_GLUE_NMEM && !r; i++)
		r = fs_kv_set(&s->meminfo, procps_glue_mem[i].name,
			      (uint64_t)st->head[i].result.ul_int);
	procps_meminfo_unref(&info);
	return r;
}

int fs_procps_read(struct fs_snapshot *s, unsigned mask)
{
	int r = 0;
	if (mask & FS_SRC_BIT(FS_SRC_VMSTAT))
		r = procps_glue_vmstat(s);
	if (!r && (mask & FS_SRC_BIT(FS_SRC_MEMINFO)))
		r = procps_glue_meminfo(s);
	return r;
}

#else /* !HAVE_LIBPROC2 */

int fs_procps_read(struct fs_snapshot *s, unsigned mask)
{
	(void)s;
	(void)mask;
	return -ENOSYS;
}

#endif
