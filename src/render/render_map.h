/* render_map.h - the physical page map (fragstat map) and the page-layout
 * lines other renderers share. Renderers only read a const report whose
 * snapshot holds a pagemap (snap->pagemap). */
#ifndef FRAGSTAT_RENDER_MAP_H
#define FRAGSTAT_RENDER_MAP_H

#include <stdbool.h>
#include <stdio.h>

#include "pagemap.h"
#include "report.h"

struct fs_map_opts {
	bool color;                   /* ANSI colours (the characters stay) */
	unsigned width;               /* terminal width */
	unsigned rows;                /* grid rows to fit all zones in (0: 40) */
	unsigned per_cell;            /* pageblocks per cell; 0: smallest that fits */
};

/* Draw the map: per zone a header, counts, and a grid of cells, each the
 * worst class of its pageblocks; a legend at the end. 0 or -EIO. */
int fs_render_map(FILE *out, const struct fs_report *r, const struct fs_map_opts *o);
/* The map as JSON: per zone counts and run-length block classes. 0, -EIO, -ENOMEM. */
int fs_render_map_json(FILE *out, const struct fs_report *r);

/* One character per block class (the map's cells without colour). */
char fs_bclass_char(enum fs_bclass c);

/* The sentence on what limits huge pages in a zone, e.g. "412 pageblocks
 * hold pages compaction cannot move (...): compaction can free at most
 * 1,830 of 2,048 pageblocks". Writes into buf. */
void fs_map_limit_sentence(char *buf, size_t size, const struct fs_report *r,
			   const struct fs_zone_report *zr);
/* What the zone's flagless pages most likely are (kernel-facts-pages C.7). */
void fs_map_unused_sentence(char *buf, size_t size, const struct fs_report *r,
			    const struct fs_zone_report *zr);

/* Print lead + text word-wrapped at width, continuation lines indented by
 * indent blanks. */
void fs_map_wrap(FILE *out, const char *lead, unsigned indent, unsigned width, const char *text);

/* 1234567 -> "1,234,567". */
const char *fs_map_grouped(char *buf, size_t size, uint64_t v);

#endif
