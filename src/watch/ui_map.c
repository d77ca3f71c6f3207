/* ui_map.c - the page map view of `fragstat watch`: the selected zone's
 * pageblocks by content, as `fragstat map` draws them, from the map the
 * loop read last (its age is shown; it is read on its own slower interval
 * because the kernel needs about 0.35 us per page frame to produce it). */
#include "config.h"

#include "ui_curses.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "render_map.h"

static enum ui_sev cell_sev(int bc)
{
	switch (bc) {
	case FS_BC_FREE: return UI_SEV_OK;
	case FS_BC_MOVABLE: return UI_SEV_BAR;
	case FS_BC_MIXED: return UI_SEV_WARN;
	case FS_BC_UNMOVABLE: return UI_SEV_BAD;
	case FS_BC_HUGETLB: return UI_SEV_HEAD;
	default: return UI_SEV_DIM;
	}
}

/* Worst first, as fragstat map draws a group of blocks. */
static int rank(int bc)
{
	static const int r[FS_BC_COUNT + 1] = {
		[FS_BC_PARTIAL] = 0, [FS_BC_FREE] = 1, [FS_BC_MOVABLE] = 2, [FS_BC_RESERVED] = 3,
		[FS_BC_HUGETLB] = 4, [FS_BC_MIXED] = 5, [FS_BC_UNMOVABLE] = 6,
	};
	return bc >= 0 && bc <= FS_BC_PARTIAL ? r[bc] : 0;
}

void ui_view_map(const struct ui_state *st, const struct ui_frame *f, int y0, int y1)
{
	const struct fs_report *r = f->report;
	const struct fs_zone_report *sel = ui_sel_zone(st, r);
	const struct fs_pagemap *pm = f->pagemap;
	char a[32], b[32], c[32];
	int y = y0;
	if (!sel)
		return;
	if (!pm) {
		ui_printf(y++, 0, UI_SEV_WARN, "Page map: %s", f->map_status ? f->map_status : "not read yet");
		if (f->map_status && strcmp(f->map_status, "denied") == 0)
			ui_puts(y++, 0, UI_SEV_DIM, "/proc/kpageflags and /proc/kpagecount are mode 0400: run as root.");
		else if (f->replay)
			ui_puts(y++, 0, UI_SEV_DIM, "A recording holds no page map; use fragstat map --root on a capture.");
		return;
	}
	const struct fs_pm_zone *z = fs_pm_zone_find(pm, sel->node, sel->zone->name);
	ui_printf(y++, 0, UI_SEV_HEAD, "Page map, node %d zone %s: read %.0fs ago (every %.0fs; the read took %.1fs)",
		  sel->node, sel->zone->name, f->map_age, f->map_period, f->map_cost);
	if (!z) {
		ui_puts(y, 0, UI_SEV_DIM, "this zone has no span in zoneinfo: no map");
		return;
	}
	int x = 0;
	for (int bc = 0; bc < FS_BC_COUNT; bc++) {
		char cell[2] = { fs_bclass_char(bc), 0 };
		x = ui_puts(y, x, cell_sev(bc), cell);
		x = ui_printf(y, x, UI_SEV_NONE, " %s %s  ", fs_bclass_name(bc), fs_map_grouped(a, sizeof a, z->blocks[bc]));
	}
	y++;
	uint64_t whole = 0;
	for (int bc = 0; bc < FS_BC_COUNT; bc++)
		whole += z->blocks[bc];
	ui_printf(y++, 0, UI_SEV_NONE, "compaction can free at most %s of %s pageblocks (free pages now: %s)",
		  fs_map_grouped(a, sizeof a, fs_pm_ceiling(pm, z, sel->free_pages)), fs_map_grouped(b, sizeof b, whole),
		  fs_map_grouped(c, sizeof c, sel->free_pages));
	int cols = COLS - 13;
	int rows = y1 - y - 1;
	if (cols < 8 || rows < 1)
		return;
	uint64_t per = 1;
	while (((z->nblocks + per - 1) / per + (uint64_t)cols - 1) / (uint64_t)cols > (uint64_t)rows && per < (1ull << 40))
		per *= 2;
	for (uint64_t cell0 = 0; cell0 * per < z->nblocks && y < y1 - 1; cell0 += (uint64_t)cols, y++) {
		x = ui_printf(y, 0, UI_SEV_DIM, "0x%09" PRIx64 " ", (z->first_block + cell0 * per) << pm->pageblock_order);
		for (uint64_t cl = cell0; cl < cell0 + (uint64_t)cols && cl * per < z->nblocks; cl++) {
			int worst = -1;
			for (uint64_t k = cl * per; k < (cl + 1) * per && k < z->nblocks; k++)
				if (worst < 0 || rank(z->block[k]) > rank(worst))
					worst = z->block[k];
			char cell[2] = { fs_bclass_char(worst), 0 };
			x = ui_puts(y, x, cell_sev(worst), cell);
		}
	}
	ui_printf(y1 - 1, 0, UI_SEV_DIM, "one cell = %s pageblock%s (worst shown): U unmovable x mixed H hugetlb r reserved m movable . free - cut",
		  fs_map_grouped(a, sizeof a, per), per == 1 ? "" : "s");
}
