/* watch_sample.h - the sample `fragstat watch` shows: snapshot, report,
 * rates, the compaction window and the sparklines' history. The live
 * sampler (watch_live.h) and the replay (watch_replay.h) hand each new
 * snapshot to watch_sample_adopt(). Pure: no I/O, no globals.
 *
 * Ownership: the sample owns snap, rep and hist; watch_sample_free()
 * releases them. Errors are negative errno (-ENOMEM).
 */
#ifndef FRAGSTAT_WATCH_SAMPLE_H
#define FRAGSTAT_WATCH_SAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rates.h"
#include "report.h"
#include "snapshot.h"
#include "ui_hist.h"

struct watch_sample {
	struct fs_snapshot *snap;       /* NULL before the first sample */
	struct fs_report *rep;
	struct fs_rates rates;
	struct fs_rates_window win;     /* compaction outcomes of the last samples */
	struct ui_hist *hist;
	size_t nsamples;                /* samples adopted so far */
	/* What every report is built with. */
	int focus_order;                /* --order; -1 the report's own */
	uint64_t page_size;             /* --page-size; 0 = not given */
};

/* An empty sample with its history: 0 or -ENOMEM. focus_order and
 * page_size are the caller's to set. */
int watch_sample_init(struct watch_sample *ws);
/* Take snapshot s (owned from now on, also on failure): its report, the
 * rates since the previous sample `interval` seconds before (a fresh
 * session starts the rates and the window over), the history. 0 or
 * -ENOMEM; the previous snapshot and report are released. */
int watch_sample_adopt(struct watch_sample *ws, struct fs_snapshot *s, double interval, bool fresh);
/* Forget the current sample and the history (a replay jumps). */
void watch_sample_drop(struct watch_sample *ws);
void watch_sample_free(struct watch_sample *ws);

#endif
