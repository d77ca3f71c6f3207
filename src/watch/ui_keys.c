/* ui_keys.c - the dashboard's key table and what each key does to the
 * interactive state. Pure: no curses, no I/O; keys that are not characters
 * come as enum ui_keycode (ui.c maps curses' codes to them). A key only
 * changes struct ui_state and says what the loop should do (enum ui_flag). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ui.h"

/* An action gets the state, the frame on screen and its entry's argument. */
typedef unsigned (*ui_action)(struct ui_state *st, const struct ui_frame *f, int arg);

static unsigned act_quit(struct ui_state *st, const struct ui_frame *f, int arg)
{
	(void)st, (void)f, (void)arg;
	return UI_QUIT;
}

static unsigned act_help(struct ui_state *st, const struct ui_frame *f, int arg)
{
	(void)f, (void)arg;
	st->help = true;
	return UI_REDRAW;
}

static unsigned act_events(struct ui_state *st, const struct ui_frame *f, int arg)
{
	(void)f, (void)arg;
	st->events = !st->events;
	return UI_REDRAW;
}

static unsigned act_pause(struct ui_state *st, const struct ui_frame *f, int arg)
{
	(void)f, (void)arg;
	st->paused = !st->paused;
	return UI_RETIME | UI_REDRAW;
}

static const double intervals[] = { 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 300 };
#define NINTERVALS (sizeof intervals / sizeof intervals[0])

/* The next interval of the ladder above (dir 1) or below (dir -1). */
static unsigned act_interval(struct ui_state *st, const struct ui_frame *f, int dir)
{
	(void)f;
	for (size_t n = 0; n < NINTERVALS; n++) {
		double v = intervals[dir > 0 ? n : NINTERVALS - 1 - n];
		if (dir > 0 ? v > st->interval + 1e-9 : v < st->interval - 1e-9) {
			st->interval = v;
			break;
		}
	}
	return UI_RETIME | UI_REDRAW;
}

/* Views in turn: dir 1 the next, -1 the previous. */
static unsigned act_view_turn(struct ui_state *st, const struct ui_frame *f, int dir)
{
	(void)f;
	st->view = (enum ui_view)(((int)st->view + UI_VIEW_COUNT + dir) % UI_VIEW_COUNT);
	return UI_REDRAW;
}

static unsigned act_view(struct ui_state *st, const struct ui_frame *f, int view)
{
	(void)f;
	st->view = (enum ui_view)view;
	return UI_REDRAW;
}

static unsigned act_node(struct ui_state *st, const struct ui_frame *f, int dir)
{
	const struct fs_report *r = f->report;
	if (!r || r->nnodes == 0)
		return 0;
	ui_pin(st, r);
	size_t cur = 0;
	for (size_t i = 0; i < r->nnodes; i++)
		if (r->nodes[i].node == st->node)
			cur = i;
	for (size_t step = 1; step <= r->nnodes; step++) {
		size_t i = (cur + r->nnodes + (size_t)((long)dir * (long)step % (long)r->nnodes)) % r->nnodes;
		if (r->nodes[i].nzones) {
			st->node = r->nodes[i].node;
			break;
		}
	}
	/* Keep the zone name when the new node has it; else its default. */
	const struct fs_node_report *n = ui_sel_node(st, r);
	bool has = false;
	for (unsigned z = 0; n && z < n->nzones; z++)
		has |= strcmp(n->zones[z].zone->name, st->zone) == 0;
	if (!has)
		st->zone[0] = 0;
	ui_pin(st, r);
	return UI_REDRAW;
}

static unsigned act_zone(struct ui_state *st, const struct ui_frame *f, int dir)
{
	const struct fs_report *r = f->report;
	const struct fs_node_report *n = ui_sel_node(st, r);
	if (!n)
		return 0;
	ui_pin(st, r);
	unsigned cur = 0;
	for (unsigned z = 0; z < n->nzones; z++)
		if (strcmp(n->zones[z].zone->name, st->zone) == 0)
			cur = z;
	cur = (cur + n->nzones + (unsigned)(dir > 0 ? 1 : n->nzones - 1)) % n->nzones;
	snprintf(st->zone, sizeof st->zone, "%s", n->zones[cur].zone->name);
	return UI_REDRAW;
}

static unsigned act_order(struct ui_state *st, const struct ui_frame *f, int dir)
{
	int n = f->report ? (int)f->report->orders : FS_MAX_ORDERS;
	int k = ui_focus(st, f->report) + dir;
	st->focus_order = k < 0 ? n - 1 : k >= n ? 0 : k;
	return UI_REDRAW;
}

/* Replay: move by dir samples, paused. */
static unsigned act_step(struct ui_state *st, const struct ui_frame *f, int dir)
{
	(void)f;
	st->paused = true;
	st->step = dir;
	return UI_STEP | UI_RETIME | UI_REDRAW;
}

static unsigned act_jump(struct ui_state *st, const struct ui_frame *f, int arg)
{
	(void)f, (void)arg;
	st->prompt = true;
	st->prompt_len = 0;
	st->prompt_buf[0] = 0;
	return UI_REDRAW;
}

static unsigned act_refresh(struct ui_state *st, const struct ui_frame *f, int arg)
{
	(void)f, (void)arg;
	return st->replay ? UI_REDRAW : UI_RESCAN | UI_REDRAW;
}

static unsigned act_repaint(struct ui_state *st, const struct ui_frame *f, int arg)
{
	(void)st, (void)f, (void)arg;
	return UI_REPAINT | UI_REDRAW;
}

static unsigned act_resize(struct ui_state *st, const struct ui_frame *f, int arg)
{
	(void)st, (void)f, (void)arg;
	return UI_RESIZE | UI_REDRAW;
}

static const struct ui_keydef {
	int keys[4];            /* 0-terminated */
	const char *label;
	const char *help;
	ui_action fn;
	int arg;
	const char *replay_only; /* the key's name where only a replay has it */
} ui_keys[] = {
	{ { 'q', UI_KEY_F10, 0 }, "q F10", "quit", act_quit, 0, NULL },
	{ { '?', 'h', UI_KEY_F1, 0 }, "? h F1", "this help (any key closes it)", act_help, 0, NULL },
	{ { ' ', 'p', 0 }, "space p", "pause / resume", act_pause, 0, NULL },
	{ { '+', '=', 0 }, "+", "longer interval (slower refresh or playback)", act_interval, 1, NULL },
	{ { '-', '_', 0 }, "-", "shorter interval", act_interval, -1, NULL },
	{ { '\t', 0 }, "Tab", "next view: orders, migratetypes, compaction, watermarks, map", act_view_turn, 1, NULL },
	{ { UI_KEY_BTAB, 0 }, "S-Tab", "previous view", act_view_turn, -1, NULL },
	{ { '1', 0 }, "1", "orders view", act_view, UI_VIEW_ORDERS, NULL },
	{ { '2', 0 }, "2", "migratetypes view", act_view, UI_VIEW_MIGRATETYPES, NULL },
	{ { '3', 0 }, "3", "compaction view", act_view, UI_VIEW_COMPACTION, NULL },
	{ { '4', 0 }, "4", "watermarks view", act_view, UI_VIEW_WATERMARKS, NULL },
	{ { '5', 'm', 0 }, "5 m", "page map view (root; kpageflags, read on its own slower interval)", act_view,
	  UI_VIEW_MAP, NULL },
	{ { 'n', 0 }, "n", "next node", act_node, 1, NULL },
	{ { 'N', 0 }, "N", "previous node", act_node, -1, NULL },
	{ { 'z', UI_KEY_RIGHT, 0 }, "z Right", "next zone of the node", act_zone, 1, NULL },
	{ { 'Z', UI_KEY_LEFT, 0 }, "Z Left", "previous zone of the node", act_zone, -1, NULL },
	/* Orders are rows from 0 at the top: Down moves to the row below. */
	{ { 'o', UI_KEY_DOWN, 0 }, "o Down", "focus the next higher order (the row below)", act_order, 1, NULL },
	{ { 'O', UI_KEY_UP, 0 }, "O Up", "focus the next lower order (the row above)", act_order, -1, NULL },
	{ { 't', 0 }, "t", "replay: step to the next sample (pauses)", act_step, 1, "t (step)" },
	{ { 'T', 0 }, "T", "replay: step to the previous sample (pauses)", act_step, -1, "T (step back)" },
	{ { 'j', 0 }, "j", "replay: jump to +S/-S seconds, HH:MM[:SS] or #N (sample)", act_jump, 0, "j (jump)" },
	{ { 'e', 0 }, "e", "events panel: last interval's fallbacks and compaction (root, tracefs)", act_events, 0,
	  NULL },
	{ { 'r', 0 }, "r", "refresh now", act_refresh, 0, NULL },
	{ { 'L' & 0x1f, 0 }, "C-l", "redraw the screen", act_repaint, 0, NULL },
	{ { UI_KEY_RESIZE, 0 }, NULL, NULL, act_resize, 0, NULL },
};

size_t ui_key_help(const char **keys, const char **desc, size_t n)
{
	size_t m = 0;
	for (size_t i = 0; i < sizeof ui_keys / sizeof ui_keys[0]; i++) {
		if (!ui_keys[i].label)
			continue;
		if (m < n) {
			keys[m] = ui_keys[i].label;
			desc[m] = ui_keys[i].help;
		}
		m++;
	}
	return m;
}

/* A key while the jump prompt is open. */
static unsigned prompt_key(struct ui_state *st, int key)
{
	if (key == 27) {
		st->prompt = false;
		return UI_REDRAW;
	}
	if (key == '\n' || key == '\r' || key == UI_KEY_ENTER) {
		st->prompt = false;
		snprintf(st->jump_text, sizeof st->jump_text, "%s", st->prompt_buf);
		return UI_JUMP | UI_REDRAW;
	}
	if (key == UI_KEY_BACKSPACE || key == 127 || key == 8) {
		if (st->prompt_len)
			st->prompt_buf[--st->prompt_len] = 0;
		return UI_REDRAW;
	}
	if (key >= 32 && key < 127 && st->prompt_len + 1 < sizeof st->prompt_buf) {
		st->prompt_buf[st->prompt_len++] = (char)key;
		st->prompt_buf[st->prompt_len] = 0;
	}
	return UI_REDRAW;
}

unsigned ui_key(struct ui_state *st, const struct ui_frame *f, int key)
{
	st->note[0] = 0;
	if (key == UI_KEY_RESIZE)
		return act_resize(st, f, 0);
	if (st->prompt)
		return prompt_key(st, key);
	if (st->help) {
		st->help = false;
		return UI_REDRAW;
	}
	for (size_t i = 0; i < sizeof ui_keys / sizeof ui_keys[0]; i++)
		for (const int *k = ui_keys[i].keys; *k; k++) {
			if (*k != key)
				continue;
			if (ui_keys[i].replay_only && !st->replay) {
				snprintf(st->note, sizeof st->note,
					 "%s works in replay (--replay FILE); live data has no past", ui_keys[i].replay_only);
				return UI_REDRAW;
			}
			return ui_keys[i].fn(st, f, ui_keys[i].arg);
		}
	if (key != 27) {
		snprintf(st->note, sizeof st->note, "unknown key; press ? for help");
		return UI_REDRAW;
	}
	return 0;
}
