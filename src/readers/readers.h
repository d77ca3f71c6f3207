/* readers.h - parsers of the kernel's text files into a snapshot.
 *
 * Every parser takes the whole file as a buffer (so it can be fuzzed and
 * fed from any source), adds what it finds to the snapshot, and returns 0,
 * -EINVAL with *d filled (file, line, column, what was expected), -ERANGE
 * (a number too large, also with *d filled) or -ENOMEM. A parser never
 * prints, never exits, and never leaves a partly parsed number behind:
 * on error the snapshot may hold part of the file, and the caller discards
 * it. `file` is the name used in diagnostics (the path as given by the user).
 *
 * Order counts: the first parser to see order columns sets s->orders; any
 * later row or file with another count is an error naming both counts.
 */
#ifndef FRAGSTAT_READERS_H
#define FRAGSTAT_READERS_H

#include <stddef.h>

#include "procfs.h"
#include "snapshot.h"

/* /proc/buddyinfo -> zone->free[], has_buddy. */
int rd_buddyinfo_parse(struct fs_snapshot *s, const char *file, const char *data,
		       size_t len, struct fs_diag *d);

/* /proc/pagetypeinfo -> pageblock_order, pages_per_block, mt_names,
 * free_by_type/capped (has_types), blocks (has_blocks). */
int rd_pagetypeinfo_parse(struct fs_snapshot *s, const char *file, const char *data,
			  size_t len, struct fs_diag *d);

/* /proc/zoneinfo (2.6.13 .. 6.x layouts) -> zone watermarks, sizes,
 * protection, zone_stats, zi_index; node_stats on the node. */
int rd_zoneinfo_parse(struct fs_snapshot *s, const char *file, const char *data,
		      size_t len, struct fs_diag *d);

/* /proc/vmstat -> s->vmstat ("name value" lines). */
int rd_vmstat_parse(struct fs_snapshot *s, const char *file, const char *data,
		    size_t len, struct fs_diag *d);

/* /proc/meminfo -> s->meminfo (values as printed, kB for most). */
int rd_meminfo_parse(struct fs_snapshot *s, const char *file, const char *data,
		     size_t len, struct fs_diag *d);

/* debugfs extfrag/extfrag_index (which == FS_SRC_EXTFRAG_INDEX) or
 * extfrag/unusable_index (FS_SRC_UNUSABLE_INDEX) -> kextfrag/kunusable.
 * Both print formats; *new_format (may be NULL) tells whether positive
 * extfrag values had the "%2d" padding (unknown formats report 1). */
int rd_extfrag_parse(struct fs_snapshot *s, enum fs_src which, const char *file,
		     const char *data, size_t len, int *new_format, struct fs_diag *d);

/* A /proc/sys/vm file holding one integer. */
int rd_sysctl_parse(struct fs_setting *out, const char *file, const char *data,
		    size_t len, struct fs_diag *d);

/* A sysfs choice file ("always defer defer+madvise [madvise] never\n"):
 * words of [a-z0-9+_-] separated by single spaces, exactly one in brackets,
 * an optional final '\n'. *out is written only on success. */
int rd_choice_parse(struct fs_choice *out, const char *file, const char *data,
		    size_t len, struct fs_diag *d);

#endif
