/* fragindex.h - the kernel's fragmentation arithmetic, bit for bit.
 *
 * Pure functions over per-order free block counts, mirroring mm/vmstat.c
 * (fill_contig_page_info, __fragmentation_index, unusable_free_index,
 * extfrag_for_order) and the debugfs print formats. All integer; the
 * kernel's value is "index * 1000". No I/O, no allocation.
 */
#ifndef FRAGSTAT_FRAGINDEX_H
#define FRAGSTAT_FRAGINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fs_contig_info {
	uint64_t free_pages;          /* F */
	uint64_t free_blocks_total;   /* T */
	uint64_t free_blocks_suitable;/* S: order-k chunks in blocks of order >= k */
};

/* fill_contig_page_info over `orders` counts for request order k.
 * Returns -ERANGE when a sum would overflow 64 bits (the kernel's unsigned
 * long would wrap; fragstat refuses rather than print a wrapped number). */
int fs_fill_contig(const uint64_t *free, unsigned orders, unsigned k,
		   struct fs_contig_info *info);

/* __fragmentation_index(k, info): -1000 .. 1000. max_order is the kernel's
 * MAX_PAGE_ORDER (orders - 1); k above it gives 0 like the WARN guard. */
int fs_fragmentation_index(unsigned k, unsigned max_order, const struct fs_contig_info *info);

/* unusable_free_index(k, info): 0 .. 1000. */
int fs_unusable_index(unsigned k, const struct fs_contig_info *info);

/* extfrag_for_order: percent 0 .. 100 (0 for an empty zone). */
unsigned fs_extfrag_for_order(unsigned k, const struct fs_contig_info *info);

/* Convenience: all three for every order. Arrays hold `orders` entries.
 * Returns 0 or -ERANGE (see fs_fill_contig). */
int fs_indices(const uint64_t *free, unsigned orders, int *unusable, int *fragidx,
	       unsigned *extfrag_pct);

enum fs_kfmt {
	FS_KFMT_UNUSABLE,      /* "%d.%03d " */
	FS_KFMT_EXTFRAG_OLD,   /* "%d.%03d "  before ~5.16 */
	FS_KFMT_EXTFRAG,       /* "%2d.%03d " since ~5.16 */
};

/* Format one kernel value as debugfs prints it (with the trailing space),
 * C division semantics included (-500 -> " 0.-500"). Returns the length
 * written (buffer of 16 bytes is always enough). */
int fs_kfmt_value(char *buf, size_t size, enum fs_kfmt fmt, int value);

/* A kernel index (value x 1000) as people read it: three decimals, the
 * sign before the digits ("-0.500", "0.964", "-1.000"); with plus, "+"
 * before a value that is not negative (deltas: "+0.000"). Tables,
 * sentences and text reports print indices through it; only
 * fs_kfmt_value copies the kernel's debugfs text (whose C division prints
 * -500 as "0.-500"). Returns the length written (24 bytes always do). */
int fs_index_format(char *buf, size_t size, long long v, bool plus);

/* Format the "Node %d, zone %8s " prefix. Returns the length written. */
int fs_kfmt_prefix(char *buf, size_t size, int node, const char *zone);

/* Parse one debugfs field ("-1.000", "0.-500", " 0.964") starting at *pp,
 * leading blanks allowed. Stores the kernel integer; advances *pp.
 * Returns 0 or -EINVAL / -ERANGE. */
int fs_kfmt_parse(const char **pp, const char *end, int *value);

#endif
