/* timefmt.h - times as fragstat prints them. Pure: no I/O, no globals. */
#ifndef FRAGSTAT_TIMEFMT_H
#define FRAGSTAT_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* Room for any fs_rfc3339() text (a 64-bit year included). */
#define FS_RFC3339_MAX 40

/* sec (seconds since the epoch, UTC) as RFC 3339, "2023-11-14T22:13:20Z".
 * Snapshot times fit in 64-bit nanoseconds (years 1677..2262), which
 * gmtime_r always converts; anything it cannot convert, or a buffer too
 * small, gives the epoch. Returns buf. */
char *fs_rfc3339(char *buf, size_t size, int64_t sec);

#endif
