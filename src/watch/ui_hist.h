/* ui_hist.h - the dashboard's history ring (ui_hist.c): the last
 * UI_HIST_LEN samples of every zone's indices and free pages and of the
 * rates, for the sparklines. Pure bookkeeping, no curses.
 *
 * Ownership: ui_hist_new() returns an owned history freed with
 * ui_hist_free().
 */
#ifndef FRAGSTAT_UI_HIST_H
#define FRAGSTAT_UI_HIST_H

#include <stdbool.h>
#include <stdint.h>

#include "rates.h"
#include "report.h"

/* Samples of history kept for the sparklines. */
#define UI_HIST_LEN 240
#define UI_HIST_ZONES 64

struct ui_zone_hist {
	bool used;
	int node;
	char zone[FS_NAME_MAX];
	uint64_t seq[UI_HIST_LEN];              /* sample number + 1; 0 = no data */
	int16_t fragidx[UI_HIST_LEN][FS_MAX_ORDERS];
	int16_t unusable[UI_HIST_LEN][FS_MAX_ORDERS];
	uint64_t free_pages[UI_HIST_LEN];
};

struct ui_hist {
	uint64_t seq;                           /* samples pushed so far */
	unsigned nzones;
	struct ui_zone_hist zones[UI_HIST_ZONES];
	bool rate_valid[UI_HIST_LEN];
	double rate[UI_HIST_LEN][FS_RATE_COUNT];
};

/* An empty history; NULL on ENOMEM. */
struct ui_hist *ui_hist_new(void);
void ui_hist_free(struct ui_hist *h);
void ui_hist_clear(struct ui_hist *h);
/* Record one sample (pure bookkeeping, no drawing). */
void ui_hist_push(struct ui_hist *h, const struct fs_report *r, const struct fs_rates *rt);
/* The history of a zone, or NULL. */
const struct ui_zone_hist *ui_hist_zone(const struct ui_hist *h, int node, const char *zone);

#endif
