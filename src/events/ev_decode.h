/* ev_decode.h - decode raw ring-buffer sub-buffers into struct ev_rec with
 * libtraceevent, from the kernel's own format files.
 *
 * Collection layer: reads files, never prints, returns 0 or -errno with a
 * filled struct fs_diag. The decoder owns its tep handle and kbuffer;
 * ev_decoder_free() releases them.
 */
#ifndef FRAGSTAT_EV_DECODE_H
#define FRAGSTAT_EV_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ev.h"
#include "procfs.h"

struct ev_decoder;

/* What decoding saw besides the records. */
struct ev_decode_stats {
	uint64_t records;           /* records handed to the sink */
	uint64_t other;             /* records of events fragstat does not read */
	uint64_t short_records;     /* shorter than their format: skipped, counted */
	uint64_t subbufs;           /* sub-buffers decoded */
	uint64_t missed_known;      /* events the kernel said it dropped before a sub-buffer */
	uint64_t missed_unknown;    /* sub-buffers flagged "events missed" without a count */
};

typedef int (*ev_sink)(const struct ev_rec *r, void *ctx);

/* Parse events_dir/header_page and events_dir/SYSTEM/EVENT/format for every
 * kind in `want` (the layout of tracefs's events/ directory). A kind whose
 * format file does not exist is left out (see ev_decoder_have()); a format
 * that cannot be parsed or lacks a required field is -EINVAL with *d set.
 * long_size 0 = take it from header_page. */
int ev_decoder_open(const char *events_dir, unsigned want, struct ev_decoder **out,
		    struct fs_diag *d);
void ev_decoder_free(struct ev_decoder *dec);

/* Kinds whose format was found and parsed. */
unsigned ev_decoder_have(const struct ev_decoder *dec);
/* The tracepoint ID of kind k on this kernel, -1 when absent. */
int ev_decoder_id(const struct ev_decoder *dec, enum ev_kind k);

/* The name the event's print format gives `value` of `field` through
 * __print_symbolic (e.g. mm_compaction_end status 5 -> "complete"), or
 * NULL when the format has no such table or value. */
const char *ev_decoder_symbol(const struct ev_decoder *dec, enum ev_kind k, const char *field,
			      int64_t value);

/* Decode one sub-buffer of `len` bytes read from CPU `cpu`'s
 * trace_pipe_raw, calling sink for every record of a known kind in
 * buffer order. A sub-buffer whose header does not fit `len` is -EINVAL
 * (d->msg says why; d->file is left to the caller). A non-zero sink
 * return stops decoding and is returned. */
int ev_decode_subbuf(struct ev_decoder *dec, const void *buf, size_t len, int cpu, ev_sink sink,
		     void *ctx, struct ev_decode_stats *st, struct fs_diag *d);

#endif
