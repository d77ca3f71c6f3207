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
#include "kvocab.h"

#ifdef HAVE_LIBPROC2
#include <libproc2/meminfo.h>
#include <libproc2/vmstat.h>

/* Every counter of kvocab.h that libproc2 4.x has an item for (procps 1):
 * libproc2 names it VMSTAT_ and the counter's ID. */
static const struct {
	enum vmstat_item item;
	enum fs_vm ctr;
} procps_glue_vm[] = {
#define PROCPS_GLUE_VM_1(id) { VMSTAT_##id, FS_VM_##id },
#define PROCPS_GLUE_VM_0(id)
#define PROCPS_GLUE_VM_(id, name, procps, what) PROCPS_GLUE_VM_##procps(id)
	FS_VMSTAT_COUNTERS(PROCPS_GLUE_VM_)
#undef PROCPS_GLUE_VM_
#undef PROCPS_GLUE_VM_0
#undef PROCPS_GLUE_VM_1
};
#define PROCPS_GLUE_NVM (sizeof procps_glue_vm / sizeof procps_glue_vm[0])

/* meminfo keys (kvocab.h): libproc2 names them MEMINFO_ and the key's ID. */
static const struct {
	enum meminfo_item item;
	enum fs_mi key;
} procps_glue_mem[] = {
#define PROCPS_GLUE_MEM_(id, key) { MEMINFO_##id, FS_MI_##id },
	FS_MEMINFO_KEYS(PROCPS_GLUE_MEM_)
#undef PROCPS_GLUE_MEM_
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
		r = fs_kv_set(&s->vmstat, fs_vm_name(procps_glue_vm[i].ctr),
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
		r = fs_kv_set(&s->meminfo, fs_mi_name(procps_glue_mem[i].key),
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
