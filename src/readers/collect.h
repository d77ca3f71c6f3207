/* collect.h - read the kernel's files (live or below a root) into a snapshot.
 *
 * The only module besides procfs.c that opens files. Missing or denied
 * optional sources are recorded in s->src[] and the collection goes on;
 * buddyinfo is required. Nothing here prints.
 */
#ifndef FRAGSTAT_COLLECT_H
#define FRAGSTAT_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
	bool strict;             /* a malformed optional file is an error */
	bool require_buddyinfo;  /* no pagetypeinfo sums for a tree without buddyinfo */
	bool pages;              /* also read kpageflags/kpagecount (rd_kpage.c) */
};

/* Per-source error detail kept for the one-line report of each problem. */
struct fs_collect_result {
	int err[FS_SRC_COUNT];             /* 0 or -errno per source */
	int extfrag_new_format;            /* -1 unknown, 0 old "%d", 1 new "%2d" */
	unsigned check_attempts;           /* buddyinfo reads around debugfs */
	bool check_stable;                 /* buddyinfo identical around debugfs */
	char paths[FS_SRC_COUNT][4096];    /* the path each source was read from */
	unsigned malformed;                /* FS_SRC_BIT()s of optional files left out */
	struct fs_diag warn[FS_SRC_COUNT]; /* why each of them was left out */
};

/* Fill s (a fresh fs_snapshot_new()) from the files. Every file but
 * buddyinfo is optional: one that is missing or denied is recorded in
 * s->src[]; one that fails to parse is left out whole (nothing of it stays
 * in s), marked FS_ST_MALFORMED, and its diagnostic kept in res->warn[]
 * (bit in res->malformed) -- unless o->strict, where it is an error.
 * Returns 0; -EINVAL or -ERANGE with *d set when buddyinfo (or, strict,
 * any file) is malformed; -EXDEV, -ELOOP or -FS_ENOTREG with *d set when a
 * path is refused (fs_read_beneath()); -errno with *d set when buddyinfo
 * cannot be read; -ENOMEM. */
int fs_collect(struct fs_snapshot *s, const struct fs_collect_opts *o,
	       struct fs_collect_result *res, struct fs_diag *d);

/* The kernel's debugfs indices and the buddyinfo they describe, read by
 * fs_read_buddyinfo_stable(). */
struct fs_stable_read {
	struct fs_buf buddy, extfrag, unusable;   /* owned: fs_stable_read_free */
	int err_buddy, err_extfrag, err_unusable; /* 0 or -errno of each read */
	unsigned attempts;                        /* buddyinfo/debugfs rounds */
	bool stable;      /* buddyinfo read identically before and after */
};

/* Read buddyinfo, extfrag_index, unusable_index and buddyinfo again, beneath
 * root (NULL: the live machine; fs_read_beneath(): no link out of the tree,
 * regular files only), up to tries rounds, until the two buddyinfo reads are
 * identical, so the kernel's indices describe the buddyinfo kept (the last
 * round's data is kept either way). Stops at once when neither debugfs file
 * can be read (stable false: nothing to agree with). Returns 0; err_buddy
 * when buddyinfo cannot be read; or a debugfs read that refuses the path,
 * is too large or runs out of memory (*d filled, d may be NULL). */
int fs_read_buddyinfo_stable(const char *root, unsigned tries, struct fs_stable_read *out,
			     struct fs_diag *d);
void fs_stable_read_free(struct fs_stable_read *sr);
/* The note `fragstat capture` writes into its directory. */
#define FS_CAPTURE_NOTE "fragstat-capture.txt"

/* What a capture's note says about the state beside it. */
struct fs_capture_note {
	bool present;            /* DIR/fragstat-capture.txt was read */
	bool has_time;           /* "timestamp_ns: N" */
	int64_t time_sec;
	int32_t time_nsec;
	uint64_t page_size;      /* "page_size: N"; 0 when unknown */
};

/* Parse a capture note's text (len bytes, no NUL needed): "timestamp_ns: N"
 * (nanoseconds since 1970, at most FS_TIME_MAX seconds) and "page_size: N"
 * (a power of two, 512 bytes .. 16 MiB); anything else is skipped. Sets
 * n->present. Pure. */
void fs_capture_note_parse(const char *data, size_t len, struct fs_capture_note *n);

/* Read DIR's capture note, if any. Returns 0 (n->present false when there
 * is none or it cannot be read); lines it does not know are skipped, and a
 * value that does not parse counts as absent, never as a guess. */
int fs_capture_note_read(const char *dir, struct fs_capture_note *n);

/* The current time, or FRAGSTAT_FAKE_TIME (seconds) when set. */
void fs_clock_now(int64_t *sec, int32_t *nsec);

/* Fill s->vmstat and s->meminfo through libproc2; -ENOSYS without it. */
int fs_procps_read(struct fs_snapshot *s, unsigned mask);

#endif
