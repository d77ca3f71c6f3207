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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pagemap.h"
#include "procfs.h"
#include "snapshot.h"

#define RD_KPAGE_CHUNK 65536u     /* pfns per pread: 512 KiB per file */

/* The compact form a capture writes, DIR/proc/kpage.rle: text lines
 *   "fragstat-kpage-rle 1"     the header
 *   "LEN FLAGS COUNT"          LEN (decimal, >= 1) pfns whose kpageflags is
 *                              FLAGS (hex, no 0x) and kpagecount COUNT
 *                              (decimal); runs follow each other from pfn 0
 *   "end N"                    the last line: N pfns in all (the files' length)
 * It decodes to exactly the values of the raw files, so every reader of the
 * page layout sees the same thing from either form. */
#define RD_KPAGE_RLE "proc/kpage.rle"
#define RD_KPAGE_RLE_MAGIC "fragstat-kpage-rle 1"

/* Where a file's values come from: an open fd (raw), memory (tests,
 * fuzzing), or a kpage.rle stream (rle != NULL; field 0 flags, 1 count). */
struct rd_kpage_src {
	const char *path;             /* for diagnostics */
	int fd;                       /* >= 0: pread from it */
	const unsigned char *mem;     /* fd < 0 and no rle: these bytes */
	size_t len;
	/* kpage.rle decoding state (streamed; rewound when asked to go back) */
	void *rle;                    /* FILE * */
	int field;                    /* 0: FLAGS, 1: COUNT */
	unsigned line;                /* last line read */
	uint64_t pos, left;           /* the current run covers [pos, pos + left) */
	uint64_t flags, count;        /* of the current run */
	bool eof;                     /* "end N" read: no pfn at or past pos */
};

/* Write the kpage.rle form of two raw sources (from pfn 0 to the end of
 * the files) to out (a FILE *). Returns 0; -EINVAL with *d for malformed
 * input, -EIO when writing failed, -ENOMEM, or -errno of a read. */
int rd_kpage_rle_write(void *out, struct rd_kpage_src *flags, struct rd_kpage_src *count,
		       uint64_t *pfns, struct fs_diag *d);

/* Open the page files below root (NULL: live): the raw pair, or else
 * DIR/proc/kpage.rle. Returns 0 and fills both sources (close with
 * rd_kpage_close), -ENOENT/-EACCES/... with *which = 0 (flags) or 1
 * (count) naming the file that failed and *d naming its path, -EINVAL for
 * a file that is not a regular file. */
int rd_kpage_open(const char *root, struct rd_kpage_src *flags, struct rd_kpage_src *count,
		  char *pf, char *pc, size_t size, int *which, struct fs_diag *d);
void rd_kpage_close(struct rd_kpage_src *s);

/* Make s a kpage.rle source over the stream file (a FILE *, owned by s from
 * now on), giving field 0 (flags) or 1 (count); checks the header. 0 or
 * -EINVAL with *d. */
int rd_kpage_rle_src(struct rd_kpage_src *s, void *file, int field, const char *path, struct fs_diag *d);

/* Read the page layout of every zone of s that has a zoneinfo span, from
 * `root` (NULL: live). Sets s->pagemap and s->kpage_src[0..1] (flags,
 * count). A missing or denied file is not an error: the status says so and
 * s->pagemap stays NULL. Returns 0, -EINVAL with *d (malformed), -ENOMEM,
 * or another -errno with *d naming the file (read error). */
int rd_kpage_collect(struct fs_snapshot *s, const char *root, struct fs_diag *d);

/* Scan the zones of s from two sources into pm (same rules as above). */
int rd_kpage_scan(struct fs_pagemap *pm, const struct fs_snapshot *s,
		  struct rd_kpage_src *flags, struct rd_kpage_src *count,
		  struct fs_diag *d);

/* A consumer of the raw per-page values of one node's zones (simulate
 * --from seeds a machine from them). zone() is called for each zone with a
 * zoneinfo span (idx: its index in the node's zones); a positive return
 * skips the zone, a negative one stops. feed() receives consecutive pfns
 * from start_pfn on, a chunk at a time; zone_end() closes the zone (pfns
 * not fed lie past the end of the files). pm carries the kernel era,
 * vm.compact_unevictable_allowed and the System RAM ranges of the tree. */
struct rd_kpage_sink {
	void *ctx;
	int (*zone)(void *ctx, const struct fs_pagemap *pm, unsigned idx, uint64_t start_pfn,
		    uint64_t spanned);
	int (*feed)(void *ctx, const uint64_t *flags, const uint64_t *counts, size_t n);
	int (*zone_end)(void *ctx);
};

/* Stream the page layout of node `node` of s from the tree `root` (a
 * capture: raw kpageflags + kpagecount, or kpage.rle) to sink. Returns 0;
 * -ENOENT when the tree has no page layout and -EACCES when the user may
 * not read it (nothing was fed); -EINVAL with *d (malformed, not a regular
 * file), -EXDEV/-ELOOP with *d (a link leaving the tree), -ENOMEM, another
 * -errno with *d, or a sink's negative return. */
int rd_kpage_stream(const char *root, const struct fs_snapshot *s, int node,
		    const struct rd_kpage_sink *sink, struct fs_diag *d);

/* The same from two open sources, with the page map header pm (kernel
 * era, compact_unevictable_allowed, System RAM); -ENOENT when s has no
 * node `node`. */
int rd_kpage_stream_src(const struct fs_pagemap *pm, const struct fs_snapshot *s, int node,
			struct rd_kpage_src *flags, struct rd_kpage_src *count,
			const struct rd_kpage_sink *sink, struct fs_diag *d);

/* Parse /proc/iomem: the top-level "System RAM" ranges, as pfn ranges of
 * page_size pages, sorted. *n = 0 when every address reads 0 (the file as
 * a non-root user sees it). Returns 0, -EINVAL with *d, -ENOMEM. */
int rd_iomem_parse(const char *file, const char *data, size_t len, uint64_t page_size,
		   struct fs_pfn_range **out, size_t *n, struct fs_diag *d);

#endif
