/* sim_emit.h - the simulated state as a snapshot, and as /proc files.
 *
 * sim_emit_snapshot() fills a struct fs_snapshot (kind simulated) with the
 * buddyinfo, pagetypeinfo, zoneinfo and vmstat data the machine would
 * show; sim_emit_root() writes DIR/proc/{buddyinfo,pagetypeinfo,zoneinfo,
 * vmstat}, DIR/proc/sys/vm/{extfrag_threshold,compaction_proactiveness,
 * watermark_scale_factor,min_free_kbytes} in the kernel's print formats
 * (kernel-facts.md §4), and DIR/fragstat-capture.txt with the page size
 * (as `fragstat capture` writes it), so that `fragstat snapshot --root DIR`
 * reads them back, sizes included, for any page size.
 */
#ifndef FRAGSTAT_SIM_EMIT_H
#define FRAGSTAT_SIM_EMIT_H

#include "safe_write.h"
#include "sim_buddy.h"
#include "snapshot.h"

/* Fill s (fresh from fs_snapshot_new) from m. 0 or -ENOMEM. */
int sim_emit_snapshot(const struct sim_machine *m, struct fs_snapshot *s);

/* Write the /proc tree for m into t (see safe_write.h); the caller commits
 * it. 0, -ENOMEM, or -errno with d filled. */
int sim_emit_root(const struct sim_machine *m, struct sw_tree *t, struct sw_diag *d);

/* sim_emit_root() then sw_tree_commit(), or sw_tree_abort() when writing
 * failed: t is consumed either way. 0, -ENOMEM, or -errno with d filled. */
int sim_emit_root_commit(const struct sim_machine *m, struct sw_tree *t, struct sw_diag *d);

/* min_free_kbytes as the machine computed it (or as configured). */
uint64_t sim_min_free_kbytes(const struct sim_machine *m);

#endif
