/* rd_kpage.h - the page layout from /proc/kpageflags and /proc/kpagecount.
 *
 * Streams both files over each zone's pfn range (zoneinfo start_pfn,
 * spanned) in chunks of RD_KPAGE_CHUNK pfns with pread, and feeds the
 * values to pagemap.c. Memory: two chunk buffers plus one byte per
 * pageblock. Live (/proc) or below a --root tree (DIR/proc/kpageflags and
 * DIR/proc/kpagecount in the kernel's raw format: one native-endian u64
 * per pfn at offset pfn * 8).
 *
 * Conventions as in readers.h: 0 or a negative errno, *d filled for
 * malformed input (-EINVAL). Nothing here prints.
 */
#ifndef FRAGSTAT_RD_KPAGE_H
#define FRAGSTAT_RD_KPAGE_H

#include <stddef.h>
#include <stdint.h>

#include "pagemap.h"
#include "procfs.h"
#include "snapshot.h"

#define RD_KPAGE_CHUNK 65536u     /* pfns per pread: 512 KiB per file */

/* Where a file's bytes come from: an open fd, or memory (tests, fuzzing). */
struct rd_kpage_src {
	const char *path;             /* for diagnostics */
	int fd;                       /* >= 0: pread from it */
	const unsigned char *mem;     /* fd < 0: these bytes */
	size_t len;
};

/* Read the page layout of every zone of s that has a zoneinfo span, from
 * `root` (NULL: live). Sets s->pagemap and s->kpage_src[0..1] (flags,
 * count). A missing or denied file is not an error: the status says so and
 * s->pagemap stays NULL. Returns 0, -EINVAL with *d (malformed), -ENOMEM,
 * or another -errno with *d naming the file (read error). */
int rd_kpage_collect(struct fs_snapshot *s, const char *root, struct fs_diag *d);

/* Scan the zones of s from two sources into pm (same rules as above). */
int rd_kpage_scan(struct fs_pagemap *pm, const struct fs_snapshot *s,
		  const struct rd_kpage_src *flags, const struct rd_kpage_src *count,
		  struct fs_diag *d);

/* Parse /proc/iomem: the top-level "System RAM" ranges, as pfn ranges of
 * page_size pages, sorted. *n = 0 when every address reads 0 (the file as
 * a non-root user sees it). Returns 0, -EINVAL with *d, -ENOMEM. */
int rd_iomem_parse(const char *file, const char *data, size_t len, uint64_t page_size,
		   struct fs_pfn_range **out, size_t *n, struct fs_diag *d);

#endif
