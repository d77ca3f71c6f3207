/* render_events.h - table, JSON and Prometheus output of `fragstat events`.
 *
 * Reads only const statistics (ev_agg.h). JSON objects are new references
 * the caller must json_decref().
 */
#ifndef FRAGSTAT_RENDER_EVENTS_H
#define FRAGSTAT_RENDER_EVENTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ev_agg.h"

struct json_t;   /* jansson's; a .c file using the objects includes <jansson.h> */

/* What the command knows about the recording besides the statistics. */
struct ev_render_info {
	const char *source;          /* "live" or the --from-raw directory */
	const char *instance;        /* tracefs instance name, or NULL */
	unsigned missing_kinds;      /* EV_BIT()s of events this kernel lacks */
	uint64_t open_runs;          /* compaction runs begun, not ended */
	uint64_t reader_dropped;     /* records fragstat itself could not keep */
};

/* One statistics object (an interval or the totals). */
struct json_t *ev_json_stats(const struct ev_agg_config *cfg, const struct ev_stats *s);
/* Top-level "recording" object. */
struct json_t *ev_json_info(const struct ev_render_info *info, uint64_t interval_ns);

/* Human table of one statistics object, headed by `title`. */
void ev_table_stats(FILE *out, const struct ev_agg_config *cfg, const struct ev_stats *s,
		    const char *title, const struct ev_render_info *info, bool totals);

/* Prometheus text exposition of the totals. */
void ev_prom_totals(FILE *out, const struct ev_agg_config *cfg, const struct ev_stats *s,
		    const struct ev_render_info *info);

#endif
