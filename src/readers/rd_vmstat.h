/* rd_vmstat.h - a duplicate-checking appender for "name value" lists
 * shared by the vmstat, meminfo and zoneinfo readers.
 *
 * The names of the counters fragstat looks for are kvocab.h's
 * (FS_VMSTAT_COUNTERS), the one table for every layer.
 */
#ifndef FRAGSTAT_RD_VMSTAT_H
#define FRAGSTAT_RD_VMSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

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

/* Only spaces, tabs and newlines from p to end (the blank lines a
 * "name value" file may end with). */
bool rd_vmstat_rest_blank(const char *p, const char *end);

#endif
