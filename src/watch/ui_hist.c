/* ui_hist.c - the dashboard's history ring: the last UI_HIST_LEN samples of
 * every zone's indices and free pages and of the rates, for the sparklines.
 * Pure bookkeeping: no curses, no I/O. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_hist.h"

struct ui_hist *ui_hist_new(void)
{
	return calloc(1, sizeof(struct ui_hist));
}

void ui_hist_free(struct ui_hist *h)
{
	free(h);
}

void ui_hist_clear(struct ui_hist *h)
{
	memset(h, 0, sizeof *h);
}

static int hist_find(const struct ui_hist *h, int node, const char *zone)
{
	for (unsigned i = 0; i < h->nzones; i++)
		if (h->zones[i].node == node && strcmp(h->zones[i].zone, zone) == 0)
			return (int)i;
	return -1;
}

const struct ui_zone_hist *ui_hist_zone(const struct ui_hist *h, int node, const char *zone)
{
	int i = hist_find(h, node, zone);
	return i < 0 ? NULL : &h->zones[i];
}

void ui_hist_push(struct ui_hist *h, const struct fs_report *r, const struct fs_rates *rt)
{
	uint64_t seq = h->seq++;
	unsigned slot = (unsigned)(seq % UI_HIST_LEN);
	h->rate_valid[slot] = rt && rt->valid;
	for (int c = 0; c < FS_RATE_COUNT; c++)
		h->rate[slot][c] = rt && rt->valid ? rt->per_sec[c] : 0;
	for (size_t i = 0; r && i < r->nnodes; i++) {
		const struct fs_node_report *n = &r->nodes[i];
		for (unsigned z = 0; z < n->nzones; z++) {
			const struct fs_zone_report *zr = &n->zones[z];
			int zi = hist_find(h, n->node, zr->zone->name);
			struct ui_zone_hist *zh = zi < 0 ? NULL : &h->zones[zi];
			if (!zh) {
				if (h->nzones >= UI_HIST_ZONES)
					continue;
				zh = &h->zones[h->nzones++];
				zh->used = true;
				zh->node = n->node;
				snprintf(zh->zone, sizeof zh->zone, "%s", zr->zone->name);
			}
			zh->seq[slot] = seq + 1;
			zh->free_pages[slot] = zr->free_pages;
			for (unsigned k = 0; k < FS_MAX_ORDERS; k++) {
				bool in = zr->indices_ok && k < r->orders;
				zh->fragidx[slot][k] = (int16_t)(in ? zr->fragidx[k] : -1000);
				zh->unusable[slot][k] = (int16_t)(in ? zr->unusable[k] : 0);
			}
		}
	}
}
