/* ev_trace.h - a private tracefs instance for fragstat's events.
 *
 * Collection layer: creates the instance "fragstat-<pid>" (never touching
 * the top-level buffer or another instance), enables the events of a mask
 * that this kernel has, reads the per-CPU raw buffers without blocking,
 * and removes the instance again. Never prints; returns 0 or -errno with
 * a filled struct fs_diag.
 *
 * When tracefs is not mounted, ev_trace_open() mounts it at
 * /sys/kernel/tracing inside a private mount namespace of this process
 * (unshare(CLONE_NEWNS)), so the machine's mount table is not changed and
 * the mount goes away with the process, even on SIGKILL.
 */
#ifndef FRAGSTAT_EV_TRACE_H
#define FRAGSTAT_EV_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ev.h"
#include "ev_decode.h"

struct ev_trace;

struct ev_trace_opts {
	unsigned want;             /* EV_BIT()s to enable */
	unsigned buffer_kb;        /* per CPU */
	const char *save_dir;      /* keep format files and raw sub-buffers here, or NULL */
};

/* What ev_trace_open() did besides creating the instance. */
struct ev_trace_info {
	char tracing_dir[256];
	char instance[64];
	bool mounted_private;      /* tracefs mounted in a private mount namespace */
	unsigned stale_removed;    /* fragstat-<pid> instances of dead processes removed */
	unsigned ncpus;
	size_t subbuf_size;
};

/* Errors: -EPERM not root; -ENODEV no tracefs in this kernel; -ENOENT a
 * required event missing (d names it); other -errno with d naming the file. */
int ev_trace_open(const struct ev_trace_opts *o, struct ev_trace **out, struct ev_trace_info *info,
		  struct fs_diag *d);
/* The decoder for this kernel's formats (owned by the session). */
struct ev_decoder *ev_trace_decoder(struct ev_trace *t);
/* Start recording (tracing_on of the instance). */
int ev_trace_start(struct ev_trace *t, struct fs_diag *d);
/* Read every full or partial sub-buffer now in the per-CPU buffers and
 * decode it into sink. Also writes them to save_dir when set. */
int ev_trace_drain(struct ev_trace *t, ev_sink sink, void *ctx, struct ev_decode_stats *st,
		   struct fs_diag *d);
/* Events the kernel dropped so far (sum over CPUs of the stats files'
 * "overrun" and "dropped events"), cumulative. */
int ev_trace_lost(struct ev_trace *t, uint64_t *lost, struct fs_diag *d);
/* Stop recording (tracing_on 0); draining afterwards reads the rest. */
void ev_trace_stop(struct ev_trace *t);
/* The current CLOCK_MONOTONIC time in ns: the instance's trace_clock. */
uint64_t ev_trace_now(void);
/* Disable, remove the instance, free. Safe on NULL and twice. Returns
 * 0 or -errno when the instance could not be removed. */
int ev_trace_close(struct ev_trace *t);
/* Remove fragstat-<pid> instances whose process no longer exists;
 * returns how many (or -errno). tracing_dir from ev_trace_info. */
int ev_trace_remove_stale(const char *tracing_dir);

/* Pids of the kcompactd threads (comm "kcompactdN"); count or -errno. */
int ev_find_kcompactd(int32_t *pids, unsigned max);

#endif
