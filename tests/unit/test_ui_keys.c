/* The dashboard's pure parts without curses: what each key does to the
 * interactive state (src/watch/ui_keys.c), the selection it moves
 * (ui_select.c) and the history ring behind the sparklines (ui_hist.c). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "ui.h"

/* Two nodes: node 0 with DMA and Normal, node 1 with Normal only. */
static struct fs_snapshot *two_nodes(void)
{
	struct fs_snapshot *s = fs_snapshot_new();
	s->orders = 11;
	static const struct {
		int node;
		const char *zone;
		uint64_t order0;
	} zs[] = { { 0, "DMA", 100 }, { 0, "Normal", 4000 }, { 1, "Normal", 2000 } };
	for (size_t i = 0; i < sizeof zs / sizeof zs[0]; i++) {
		struct fs_zone *z = fs_node_zone_get(fs_snapshot_node_get(s, zs[i].node), zs[i].zone);
		z->free[0] = zs[i].order0;
		z->free[10] = 1;
		z->has_buddy = true;
	}
	return s;
}

static struct fs_report *report(const struct fs_snapshot *s)
{
	struct fs_report_opts o = { .focus_order = -1, .node_filter = -1 };
	return fs_report_new(s, &o);
}

static void keys_without_data(void)
{
	struct ui_state st = { .view = UI_VIEW_ORDERS, .node = -1, .focus_order = -1, .interval = 1 };
	struct ui_frame f = { 0 };

	is_int(ui_key(&st, &f, 'q'), UI_QUIT, "q quits");
	is_int(ui_key(&st, &f, UI_KEY_F10), UI_QUIT, "F10 quits");

	unsigned fl = ui_key(&st, &f, '\t');
	is_int(st.view, UI_VIEW_MIGRATETYPES, "Tab: the next view");
	is_int(fl, UI_REDRAW, "Tab asks only for a redraw");
	for (int i = 0; i < 4; i++)
		ui_key(&st, &f, '\t');
	is_int(st.view, UI_VIEW_ORDERS, "five Tabs come back to the orders view");
	ui_key(&st, &f, UI_KEY_BTAB);
	is_int(st.view, UI_VIEW_MAP, "S-Tab from the first view wraps to the last (map)");
	ui_key(&st, &f, '3');
	is_int(st.view, UI_VIEW_COMPACTION, "3: the compaction view");
	ui_key(&st, &f, 'm');
	is_int(st.view, UI_VIEW_MAP, "m: the map view");

	is_int(ui_key(&st, &f, '+'), UI_RETIME | UI_REDRAW, "+ reschedules");
	ok(st.interval == 2, "+ from 1 s: 2 s");
	ui_key(&st, &f, '-');
	ui_key(&st, &f, '-');
	ok(st.interval == 0.5, "- twice from 2 s: 0.5 s");
	st.interval = 0.7;
	ui_key(&st, &f, '_');
	ok(st.interval == 0.5, "_ from 0.7 s (off the ladder): the next lower step, 0.5 s");
	st.interval = 300;
	ui_key(&st, &f, '=');
	ok(st.interval == 300, "= at the top of the ladder stays at 300 s");
	st.interval = 0.1;
	ui_key(&st, &f, '-');
	ok(st.interval == 0.1, "- at the bottom stays at 0.1 s");

	is_int(ui_key(&st, &f, ' '), UI_RETIME | UI_REDRAW, "space reschedules");
	ok(st.paused, "space pauses");
	ui_key(&st, &f, 'p');
	ok(!st.paused, "p resumes");

	ui_key(&st, &f, '?');
	ok(st.help, "? opens the help");
	is_int(ui_key(&st, &f, 'q'), UI_REDRAW, "any key, even q, closes the help instead of acting");
	ok(!st.help && st.view == UI_VIEW_MAP, "help closed, nothing else changed");

	is_int(ui_key(&st, &f, 'r'), UI_RESCAN | UI_REDRAW, "r: collect now (live)");
	is_int(ui_key(&st, &f, 'L' & 0x1f), UI_REPAINT | UI_REDRAW, "C-l repaints the whole screen");
	is_int(ui_key(&st, &f, UI_KEY_RESIZE), UI_RESIZE | UI_REDRAW, "a resize is its own key");
	ui_key(&st, &f, 'e');
	ok(st.events, "e opens the events panel");
	ui_key(&st, &f, 'e');
	ok(!st.events, "e again closes it");

	is_int(ui_key(&st, &f, 'x'), UI_REDRAW, "an unknown key redraws");
	is_str(st.note, "unknown key; press ? for help", "... with a note");
	is_int(ui_key(&st, &f, 27), 0, "Esc alone does nothing");
	is_str(st.note, "", "... and the note is gone");
}

static void replay_keys(void)
{
	struct ui_state st = { .node = -1, .focus_order = -1, .interval = 1 };
	struct ui_frame f = { 0 };

	is_int(ui_key(&st, &f, 't'), UI_REDRAW, "live: t only redraws");
	is_str(st.note, "t (step) works in replay (--replay FILE); live data has no past", "live: t says why");
	ok(!st.paused && st.step == 0, "live: t changes nothing");
	ui_key(&st, &f, 'j');
	ok(!st.prompt, "live: j opens no prompt");
	is_str(st.note, "j (jump) works in replay (--replay FILE); live data has no past", "live: j says why");

	st.replay = true;
	is_int(ui_key(&st, &f, 'T'), UI_STEP | UI_RETIME | UI_REDRAW, "replay: T steps");
	ok(st.paused && st.step == -1, "replay: T pauses and steps back one");
	is_str(st.note, "", "replay: no note");
	ui_key(&st, &f, 't');
	is_int(st.step, 1, "replay: t steps forward one");
	is_int(ui_key(&st, &f, 'r'), UI_REDRAW, "replay: r does not collect");

	ui_key(&st, &f, 'j');
	ok(st.prompt, "replay: j opens the jump prompt");
	ui_key(&st, &f, '#');
	ui_key(&st, &f, '1');
	ui_key(&st, &f, '9');
	ui_key(&st, &f, UI_KEY_BACKSPACE);
	ui_key(&st, &f, '2');
	is_str(st.prompt_buf, "#12", "typed text with a backspace");
	ui_key(&st, &f, 1);   /* a control character is not typed */
	is_str(st.prompt_buf, "#12", "control characters are not typed");
	is_int(ui_key(&st, &f, '\r'), UI_JUMP | UI_REDRAW, "Enter jumps");
	is_str(st.jump_text, "#12", "to the typed target");
	ok(!st.prompt, "the prompt is closed");

	ui_key(&st, &f, 'j');
	ui_key(&st, &f, 'q');
	ok(st.prompt, "q while typing is text, not quit");
	is_int(ui_key(&st, &f, 27), UI_REDRAW, "Esc cancels the prompt");
	ok(!st.prompt, "the prompt is closed");
	is_str(st.jump_text, "#12", "and the last target is kept");
	ui_key(&st, &f, 'j');
	for (int i = 0; i < 100; i++)
		ui_key(&st, &f, '9');
	is_int((int)strlen(st.prompt_buf), (int)sizeof st.prompt_buf - 1, "the prompt holds at most its buffer");
}

static void selection_keys(void)
{
	struct fs_snapshot *s = two_nodes();
	struct fs_report *r = report(s);
	struct ui_state st = { .node = -1, .focus_order = -1, .interval = 1 };
	struct ui_frame f = { .report = r };

	ok(ui_sel_zone(&st, r) != NULL, "a zone is selected by default");
	ui_pin(&st, r);
	ok(st.node >= 0 && st.zone[0], "pinning names the node and zone");
	st.node = 0;
	snprintf(st.zone, sizeof st.zone, "DMA");
	ui_key(&st, &f, 'z');
	is_str(st.zone, "Normal", "z: the next zone of node 0");
	ui_key(&st, &f, UI_KEY_RIGHT);
	is_str(st.zone, "DMA", "Right after the last zone wraps to the first");
	ui_key(&st, &f, 'Z');
	is_str(st.zone, "Normal", "Z from the first wraps to the last");
	ui_key(&st, &f, 'n');
	is_int(st.node, 1, "n: node 1");
	is_str(st.zone, "Normal", "node 1 has Normal: the zone name is kept");
	is_int(ui_sel_zone(&st, r)->node, 1, "the selected zone is node 1's");
	ui_key(&st, &f, 'n');
	is_int(st.node, 0, "n from the last node wraps to node 0");
	ui_key(&st, &f, 'N');
	is_int(st.node, 1, "N from node 0 wraps to node 1");
	snprintf(st.zone, sizeof st.zone, "DMA");
	ok(strcmp(ui_sel_zone(&st, r)->zone->name, "Normal") == 0,
	   "a zone the node does not have: its default zone");

	int k = ui_focus(&st, r);
	is_int(k, r->focus_order, "the focus order is the report's by default");
	st.focus_order = 10;
	is_int(ui_key(&st, &f, 'o'), UI_REDRAW, "o redraws");
	is_int(st.focus_order, 0, "o above the last order (10) wraps to 0");
	ui_key(&st, &f, UI_KEY_UP);
	is_int(st.focus_order, 10, "Up below order 0 wraps to the last order");
	st.focus_order = 14;
	is_int(ui_focus(&st, r), 10, "a focus beyond the data's orders is its last order");

	struct ui_frame empty = { 0 };
	is_int(ui_key(&st, &empty, 'n'), 0, "n without a report does nothing");
	is_int(ui_key(&st, &empty, 'z'), 0, "z without a report does nothing");
	fs_report_free(r);
	fs_snapshot_free(s);
}

static void help_table(void)
{
	const char *keys[64], *desc[64];
	size_t n = ui_key_help(keys, desc, 64);
	is_int(n, 24, "24 keys are documented (the resize is not a key to press)");
	bool tab = false, cl = false;
	for (size_t i = 0; i < n && i < 64; i++) {
		tab |= strcmp(keys[i], "Tab") == 0;
		cl |= strcmp(keys[i], "C-l") == 0 && strcmp(desc[i], "redraw the screen") == 0;
	}
	ok(tab && cl, "the help names Tab and C-l with its description");
	is_int(ui_key_help(keys, desc, 2), 24, "a short array still gets the count");
}

static void history(void)
{
	struct ui_hist *h = ui_hist_new();
	struct fs_snapshot *s = two_nodes();
	struct fs_report *r = report(s);
	struct fs_rates rt = { .valid = true };
	rt.per_sec[FS_RATE_COMPACT_STALL] = 2.5;

	ok(ui_hist_zone(h, 0, "Normal") == NULL, "an empty history knows no zone");
	ui_hist_push(h, r, &rt);
	const struct ui_zone_hist *zh = ui_hist_zone(h, 0, "Normal");
	ok(zh != NULL, "after a push: node 0 Normal has a history");
	ok(ui_hist_zone(h, 1, "DMA") == NULL, "node 1 has no DMA history");
	is_int(h->nzones, 3, "three zones recorded");
	is_u64(h->seq, 1, "one sample");
	is_u64(zh->seq[0], 1, "slot 0 holds sample 1");
	is_u64(zh->free_pages[0], r->nodes[0].zones[1].free_pages, "its free pages");
	ok(h->rate_valid[0] && h->rate[0][FS_RATE_COMPACT_STALL] == 2.5, "the rates are kept");

	for (int i = 1; i < UI_HIST_LEN + 2; i++)
		ui_hist_push(h, r, NULL);
	is_u64(h->seq, UI_HIST_LEN + 2, "every push counts");
	is_u64(zh->seq[1], UI_HIST_LEN + 2, "the ring wrapped: slot 1 holds the newest sample");
	ok(!h->rate_valid[1], "a push without rates leaves them invalid");
	is_int(h->nzones, 3, "zones are not added twice");

	ui_hist_clear(h);
	is_u64(h->seq, 0, "cleared: no samples");
	ok(ui_hist_zone(h, 0, "Normal") == NULL, "cleared: no zones");
	ui_hist_free(h);
	fs_report_free(r);
	fs_snapshot_free(s);
}

int main(void)
{
	keys_without_data();
	replay_keys();
	selection_keys();
	help_table();
	history();
	return done_testing();
}
