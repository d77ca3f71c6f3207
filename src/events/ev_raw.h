/* ev_raw.h - a saved event recording: the format files, each CPU's raw
 * sub-buffers as read from trace_pipe_raw, and a text file "meta" with what
 * the aggregation needs (intervals, zones, migratetype names, losses).
 *
 * Layout of DIR (what `fragstat events --save-raw DIR` writes and
 * `--from-raw DIR` reads):
 *   DIR/events/header_page, DIR/events/SYSTEM/EVENT/format
 *   DIR/per_cpu/cpuN.raw   sub-buffers of subbuf_size bytes, in read order
 *   DIR/meta               "KEY VALUE..." lines, see ev_raw_meta_parse()
 * Collection layer: never prints; 0 or -errno with struct fs_diag.
 */
#ifndef FRAGSTAT_EV_RAW_H
#define FRAGSTAT_EV_RAW_H

#include <stddef.h>
#include <stdint.h>

#include "ev_agg.h"
#include "ev_decode.h"

#define EV_RAW_MAX_LOST 100000

struct ev_raw_meta {
	size_t subbuf_size;
	unsigned ncpus;
	uint64_t start_ns, end_ns, interval_ns;
	struct ev_agg_config cfg;      /* pageblock order, migratetypes, zones, kcompactd pids */
	size_t nlost;
	struct { uint64_t t, lost; } *lost;   /* cumulative kernel losses at interval ends */
};

/* Parse meta text. Lines: "fragstat-events 1" first, then "subbuf_size N",
 * "cpus N", "start_ns N", "end_ns N", "interval_ns N", "pageblock_order N",
 * "mt INDEX NAME", "zone NID NAME START_PFN SPANNED", "kcompactd PID",
 * "lost T_NS CUMULATIVE"; '#' starts a comment. -EINVAL with file:line:col. */
int ev_raw_meta_parse(const char *file, const char *data, size_t len, struct ev_raw_meta *m,
		      struct fs_diag *d);
void ev_raw_meta_free(struct ev_raw_meta *m);
/* Write DIR/meta (mode 0644, not through a link). */
int ev_raw_meta_write(const char *dir, const struct ev_raw_meta *m, struct fs_diag *d);

/* Decode every sub-buffer of DIR/per_cpu/cpuN.raw (N < m->ncpus) into sink. */
int ev_raw_replay(const char *dir, const struct ev_raw_meta *m, struct ev_decoder *dec, ev_sink sink,
		  void *ctx, struct ev_decode_stats *st, struct fs_diag *d);

#endif
