/* collect.h - read the kernel's files (live or below a root) into a snapshot.
 *
 * The only module besides procfs.c that opens files. Missing or denied
 * optional sources are recorded in s->src[] and the collection goes on;
 * buddyinfo is required. Nothing here prints.
 */
#ifndef FRAGSTAT_COLLECT_H
#define FRAGSTAT_COLLECT_H

#include <stdbool.h>

#include "procfs.h"
#include "snapshot.h"

#define FS_SRC_BIT(s) (1u << (s))
#define FS_SRC_ALL ((1u << FS_SRC_COUNT) - 1)
#define FS_SRC_DEBUGFS (FS_SRC_BIT(FS_SRC_EXTFRAG_INDEX) | FS_SRC_BIT(FS_SRC_UNUSABLE_INDEX))

struct fs_collect_opts {
	const char *root;        /* NULL = live system */
	unsigned mask;           /* FS_SRC_BIT()s to read; buddyinfo always */
	bool use_procps;         /* live meminfo/vmstat through libproc2 */
	bool kernel_check;       /* re-read buddyinfo around debugfs until stable */
	bool pages;              /* also read kpageflags/kpagecount (rd_kpage.c) */
};

/* Per-source error detail kept for the one-line report of each problem. */
struct fs_collect_result {
	int err[FS_SRC_COUNT];             /* 0 or -errno per source */
	int extfrag_new_format;            /* -1 unknown, 0 old "%d", 1 new "%2d" */
	unsigned check_attempts;           /* buddyinfo reads around debugfs */
	bool check_stable;                 /* buddyinfo identical around debugfs */
	char paths[FS_SRC_COUNT][4096];    /* the path each source was read from */
};

/* Fill s (a fresh fs_snapshot_new()) from the files. Returns 0; -EINVAL
 * or -ERANGE with *d set when a file is malformed; -errno with d->file set
 * when buddyinfo cannot be read; -ENOMEM. */
int fs_collect(struct fs_snapshot *s, const struct fs_collect_opts *o,
	       struct fs_collect_result *res, struct fs_diag *d);

/* The current time, or FRAGSTAT_FAKE_TIME (seconds) when set. */
void fs_clock_now(int64_t *sec, int32_t *nsec);

/* Fill s->vmstat and s->meminfo through libproc2; -ENOSYS without it. */
int fs_procps_read(struct fs_snapshot *s, unsigned mask);

#endif
