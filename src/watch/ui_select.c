/* ui_select.c - which node, zone and order the dashboard shows: the one the
 * keys chose, else the zone in trouble by the report's engine decisions.
 * Pure: no curses, no I/O. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ui.h"

/* The kind the table's bottom line is about: a THP fault at the huge page
 * order, a movable user page at other orders. */
static enum fs_alloc_kind trouble_kind(const struct fs_report *r)
{
	return r->focus_order == r->hpage_order ? FS_AK_THP : FS_AK_MOVABLE;
}

/* How much trouble a node is in for that kind: the engine's outcome level
 * (ok 0 .. fail 3), ok_after_kswapd just above ok; -1 undecided. */
static int node_trouble(const struct fs_report *r, const struct fs_node_report *n)
{
	if (!n->has_decisions)
		return -1;
	const struct fs_decision *d = &n->decisions[trouble_kind(r)];
	if (!d->decided)
		return -1;
	return fs_outcome_level(d->outcome) * 2 + (d->outcome == FS_OUT_OK_AFTER_KSWAPD);
}

/* The zone a node's trouble is about. Served on the fast path: the first
 * zone of the zonelist that fails for want of memory or of a block (never
 * one that only its lowmem reserve keeps out), else the zone that serves.
 * Otherwise the zone that decided (where compaction or reclaim would run),
 * else that first failing zone. Without decisions, the zone with no block
 * of the focus order and the highest fragmentation index; else the one
 * with the most free memory. */
static const struct fs_zone_report *trouble_zone(const struct fs_report *r, const struct fs_node_report *n)
{
	if (n->has_decisions) {
		const struct fs_decision *d = &n->decisions[trouble_kind(r)];
		const char *want = NULL, *failing = NULL;
		bool served = d->decided && d->outcome == FS_OUT_OK;
		for (unsigned i = 0; !failing && i < d->nzones; i++) {
			if (served && d->zones[i].node == d->zone_node && !strcmp(d->zones[i].zone, d->zone))
				break;   /* zones after the one that served were not needed */
			if (d->zones[i].node == n->node && (d->zones[i].fast.result == FS_ZR_FAIL_FREE ||
							    d->zones[i].fast.result == FS_ZR_FAIL_BLOCK))
				failing = d->zones[i].zone;
		}
		/* Served on the fast path: the trouble, if any, is a zone
		 * before the one that served (the preferred zone failing). */
		if (served)
			want = failing ? failing : d->zone[0] ? d->zone : NULL;
		else
			want = d->decided && d->zone[0] ? d->zone : failing;
		for (unsigned z = 0; want && z < n->nzones; z++)
			if (strcmp(n->zones[z].zone->name, want) == 0)
				return &n->zones[z];
	}
	int k = r->focus_order;
	const struct fs_zone_report *best = NULL;
	for (unsigned z = 0; z < n->nzones; z++) {
		const struct fs_zone_report *zr = &n->zones[z];
		if (!zr->indices_ok || zr->free_pages == 0 || zr->fragidx[k] == -1000)
			continue;
		if (!best || zr->fragidx[k] > best->fragidx[k])
			best = zr;
	}
	if (best)
		return best;
	best = &n->zones[0];
	for (unsigned z = 1; z < n->nzones; z++)
		if (n->zones[z].free_pages > best->free_pages)
			best = &n->zones[z];
	return best;
}

const struct fs_node_report *ui_sel_node(const struct ui_state *st, const struct fs_report *r)
{
	if (!r || r->nnodes == 0)
		return NULL;
	for (size_t i = 0; i < r->nnodes; i++)
		if (r->nodes[i].node == st->node && r->nodes[i].nzones)
			return &r->nodes[i];
	/* Default: the node in the most trouble (the first of equals). */
	const struct fs_node_report *best = NULL;
	for (size_t i = 0; i < r->nnodes; i++)
		if (r->nodes[i].nzones && (!best || node_trouble(r, &r->nodes[i]) > node_trouble(r, best)))
			best = &r->nodes[i];
	return best;
}

const struct fs_zone_report *ui_sel_zone(const struct ui_state *st, const struct fs_report *r)
{
	const struct fs_node_report *n = ui_sel_node(st, r);
	if (!n)
		return NULL;
	for (unsigned z = 0; z < n->nzones; z++)
		if (strcmp(n->zones[z].zone->name, st->zone) == 0)
			return &n->zones[z];
	return trouble_zone(r, n);
}

int ui_focus(const struct ui_state *st, const struct fs_report *r)
{
	int k = st->focus_order >= 0 ? st->focus_order : r ? r->focus_order : 0;
	if (r && r->orders && k >= (int)r->orders)
		k = (int)r->orders - 1;
	return k < 0 ? 0 : k;
}

void ui_pin(struct ui_state *st, const struct fs_report *r)
{
	const struct fs_zone_report *z = ui_sel_zone(st, r);
	if (!z)
		return;
	st->node = z->node;
	snprintf(st->zone, sizeof st->zone, "%s", z->zone->name);
}
