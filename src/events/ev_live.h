/* ev_live.h - `fragstat events` as a live source for other commands (the
 * watch events panel): a tracefs session, the aggregation, and the
 * configuration both take from the running system.
 *
 * Collection layer: never prints. ev_live_close() removes the instance.
 */
#ifndef FRAGSTAT_EV_LIVE_H
#define FRAGSTAT_EV_LIVE_H

#include <stddef.h>

#include "ev_agg.h"
#include "ev_decode.h"

struct ev_live;

/* Zones (zoneinfo), pageblock order and migratetype names (pagetypeinfo)
 * of this machine, and kcompactd's pids. */
void ev_cfg_from_live(struct ev_agg_config *cfg);
/* Value names from the format files' __print_symbolic tables. */
void ev_cfg_from_decoder(struct ev_agg_config *cfg, const struct ev_decoder *dec);

/* Open and start. On failure returns -errno and writes why (one line) into
 * why. */
int ev_live_open(struct ev_live **out, unsigned buffer_kb, char *why, size_t whysize);
/* Read what arrived, close the interval. 0 or -errno (why filled). */
int ev_live_tick(struct ev_live *l, char *why, size_t whysize);
const struct ev_stats *ev_live_last(const struct ev_live *l);
const struct ev_agg_config *ev_live_cfg(const struct ev_live *l);
/* Stop, remove the instance, free. Safe on NULL. */
void ev_live_close(struct ev_live *l);

#endif
