#include "config.h"

#include "ui_curses.h"

#include <inttypes.h>
#include <langinfo.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static const struct ui_glyphs ui_glyphs_utf8 = {
	.block = { " ", "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a", "\u2589", "\u2588" },
	.spark = { "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588" },
	.hline = "\u2500",
	.vline = "\u2502",
};
/* Without line or block characters: '#' bars (a half cell is ':'), and a
 * sparkline ramp that reads bottom to top. */
static const struct ui_glyphs ui_glyphs_ascii = {
	.block = { " ", " ", " ", ":", ":", ":", ":", "#", "#" },
	.spark = { "_", ".", "-", "~", "=", "+", "*", "#" },
	.hline = "-",
	.vline = "|",
};
const struct ui_glyphs *ui_g = &ui_glyphs_ascii;

static SCREEN *ui_screen;
static bool ui_on, ui_color, ui_utf8, ui_atexit_set;

enum { PAIR_OK = 1, PAIR_WARN, PAIR_BAD, PAIR_HEAD, PAIR_BAR, PAIR_DIM };


static void ui_atexit(void)
{
	ui_stop();
}

int ui_start(const struct ui_opts *o)
{
	if (ui_on)
		return 0;
	if (!ui_atexit_set) {
		atexit(ui_atexit);
		ui_atexit_set = true;
	}
#ifdef HAVE_NCURSESW
	const char *cs = nl_langinfo(CODESET);
	ui_utf8 = !o->ascii && cs && strcmp(cs, "UTF-8") == 0;
#else
	ui_utf8 = false;
#endif
	ui_g = ui_utf8 ? &ui_glyphs_utf8 : &ui_glyphs_ascii;
	ui_screen = newterm(NULL, stdout, stdin);
	if (!ui_screen)
		return -1;
	set_term(ui_screen);
	ui_on = true;
	ui_cv_invalidate();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	ui_color = false;
	if (o->color && has_colors()) {
		start_color();
		use_default_colors();
		init_pair(PAIR_OK, COLOR_GREEN, -1);
		init_pair(PAIR_WARN, COLOR_YELLOW, -1);
		init_pair(PAIR_BAD, COLOR_RED, -1);
		init_pair(PAIR_HEAD, COLOR_BLACK, COLOR_CYAN);
		init_pair(PAIR_BAR, COLOR_CYAN, -1);
		init_pair(PAIR_DIM, COLOR_BLUE, -1);
		ui_color = true;
	}
	return 0;
}

void ui_stop(void)
{
	if (!ui_on)
		return;
	ui_on = false;
	curs_set(1);
	endwin();
	fflush(stdout);
	delscreen(ui_screen);
	ui_screen = NULL;
	ui_cv_free();
}

bool ui_active(void)
{
	return ui_on;
}

bool ui_unicode(void)
{
	return ui_utf8;
}

int ui_getkey(void)
{
	int c = getch();
	switch (c) {
	case ERR: return -1;
	case KEY_F(1): return UI_KEY_F1;
	case KEY_F(10): return UI_KEY_F10;
	case KEY_BTAB: return UI_KEY_BTAB;
	case KEY_UP: return UI_KEY_UP;
	case KEY_DOWN: return UI_KEY_DOWN;
	case KEY_LEFT: return UI_KEY_LEFT;
	case KEY_RIGHT: return UI_KEY_RIGHT;
	case KEY_ENTER: return UI_KEY_ENTER;
	case KEY_BACKSPACE: return UI_KEY_BACKSPACE;
	case KEY_RESIZE: return UI_KEY_RESIZE;
	default: return c;
	}
}

void ui_resize(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	ui_repaint();
}

void ui_repaint(void)
{
	clearok(curscr, TRUE);
	ui_cv_invalidate();
}

attr_t ui_attr(enum ui_sev s)
{
	if (ui_color) {
		switch (s) {
		case UI_SEV_OK: return COLOR_PAIR(PAIR_OK);
		case UI_SEV_WARN: return COLOR_PAIR(PAIR_WARN) | A_BOLD;
		case UI_SEV_BAD: return COLOR_PAIR(PAIR_BAD) | A_BOLD;
		case UI_SEV_HEAD: return COLOR_PAIR(PAIR_HEAD);
		case UI_SEV_BAR: return COLOR_PAIR(PAIR_BAR);
		case UI_SEV_DIM: return COLOR_PAIR(PAIR_DIM);
		case UI_SEV_NONE: break;
		}
		return A_NORMAL;
	}
	/* No colour: severity stays visible as an attribute (and as words). */
	switch (s) {
	case UI_SEV_WARN: return A_BOLD;
	case UI_SEV_BAD: return A_BOLD | A_UNDERLINE;
	case UI_SEV_HEAD: return A_REVERSE;
	default: return A_NORMAL;
	}
}

enum ui_sev ui_verdict_sev(enum fs_verdict_kind k)
{
	switch (k) {
	case FS_VERDICT_OK: return UI_SEV_OK;
	case FS_VERDICT_COMPACT: return UI_SEV_WARN;
	case FS_VERDICT_RECLAIM: return UI_SEV_BAD;
	default: return UI_SEV_NONE;
	}
}

/* ---- drawing ------------------------------------------------------------ */

static const char *const view_names[UI_VIEW_COUNT] = { "Orders", "Migratetypes", "Compaction", "Watermarks", "Map" };

static void draw_header(const struct ui_state *st, const struct ui_frame *f)
{
	char ts[32] = "--";
	attr_t head = ui_attr(UI_SEV_HEAD);
	ui_attr_on(head);
	ui_fill(0, 0, COLS);
	ui_attr_off(head);
	if (f->report && !f->time_known) {
		snprintf(ts, sizeof ts, "time unknown");
	} else if (f->report) {
		time_t t = (time_t)f->time_sec;
		struct tm tm;
		if (gmtime_r(&t, &tm))
			strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%SZ", &tm);
	}
	char left[256];
	/* Keep the end of a long path: it names the capture. */
	const char *src = f->source;
	size_t sl = strlen(src);
	char srcbuf[48];
	/* Room for the time, sample and interval on an 80-column screen. */
	size_t smax = COLS > 88 ? 32 : COLS > 68 ? (size_t)COLS - 56 : 12;
	if (sl > smax) {
		snprintf(srcbuf, sizeof srcbuf, "...%s", src + sl - (smax - 3));
		src = srcbuf;
	}
	if (f->replay)
		snprintf(left, sizeof left, " fragstat watch  %s  %s  %zu/%zu  every %gs", src, ts,
			 f->sample, f->nsamples, f->interval);
	else
		snprintf(left, sizeof left, " fragstat watch  %s  %s  #%zu  every %gs", src, ts,
			 f->sample, f->interval);
	ui_puts(0, 0, UI_SEV_HEAD, left);

	char right[128];
	if (!f->pti.enabled)
		snprintf(right, sizeof right, "pagetypeinfo off");
	else if (f->pti.age >= 0 && f->pti.have)
		snprintf(right, sizeof right, "pagetypeinfo %.0fs ago", f->pti.age);
	else
		snprintf(right, sizeof right, "pagetypeinfo %s", f->pti.status ? f->pti.status : "unread");
	const char *state = f->paused ? (f->replay && f->at_end ? " END " : " PAUSED ") : f->replay && f->at_end ? " END " : "";
	int rx = COLS - (int)strlen(right) - (int)strlen(state) - 2;
	if (rx > (int)strlen(left) + 1) {
		ui_puts(0, rx, UI_SEV_HEAD, right);
		if (*state)
			ui_puts(0, COLS - (int)strlen(state) - 1, UI_SEV_BAD, state);
	} else if (*state) {
		ui_puts(0, COLS - (int)strlen(state) - 1, UI_SEV_BAD, state);
	}

	/* Views, then zones (coloured by the focus order's verdict). */
	int x = 0;
	for (int v = 0; v < UI_VIEW_COUNT; v++) {
		char b[32];
		snprintf(b, sizeof b, v == (int)st->view ? "[%d %s]" : " %d %s ", v + 1, view_names[v]);
		x = ui_puts(1, x, v == (int)st->view ? UI_SEV_HEAD : UI_SEV_NONE, b);
		x = ui_puts(1, x, UI_SEV_NONE, " ");
	}
	const struct fs_report *r = f->report;
	const struct fs_zone_report *sel = ui_sel_zone(st, r);
	if (!sel)
		return;
	int k = ui_focus(st, r);
	x = ui_puts(2, 0, UI_SEV_NONE, "zones: ");
	for (size_t i = 0; r && i < r->nnodes; i++) {
		const struct fs_node_report *n = &r->nodes[i];
		if (r->nnodes > 1 && n->node != sel->node)
			continue;
		for (unsigned z = 0; z < n->nzones; z++) {
			const struct fs_zone_report *zr = &n->zones[z];
			char b[64];
			bool is = zr == sel;
			if (r->nnodes > 1)
				snprintf(b, sizeof b, is ? "[%d/%s]" : " %d/%s ", n->node, zr->zone->name);
			else
				snprintf(b, sizeof b, is ? "[%s]" : " %s ", zr->zone->name);
			enum ui_sev sev = zr->has_verdicts ? ui_verdict_sev(zr->verdicts[k].kind) : UI_SEV_NONE;
			if (is)
				ui_attr_on(A_REVERSE);
			x = ui_puts(2, x, sev, b);
			if (is)
				ui_attr_off(A_REVERSE);
		}
	}
	if (r->nnodes > 1)
		x = ui_printf(2, x, UI_SEV_DIM, "  (node %d of %zu: n/N)", sel->node, r->nnodes);
}

static void draw_status(const struct ui_state *st, const struct ui_frame *f)
{
	int y = LINES - 1;
	if (st->prompt) {
		ui_printf(y, 0, UI_SEV_HEAD, "jump to (+S, -S, HH:MM[:SS], #N; Esc cancels): %s", st->prompt_buf);
		return;
	}
	if (st->note[0]) {
		ui_puts(y, 0, UI_SEV_WARN, st->note);
		return;
	}
	if (f->message) {
		ui_puts(y, 0, f->message_is_error ? UI_SEV_BAD : UI_SEV_WARN, f->message);
		return;
	}
	const char *hint = f->replay
		? "q quit  ? help  space pause  t/T step  j jump  Tab view  z zone  o/O order  +/- speed"
		: "q quit  ? help  space pause  Tab view  n/z node/zone  o/O order  +/- interval";
	ui_puts(y, 0, UI_SEV_DIM, hint);
}

/* The length of the next line of p wrapped at a word boundary within dw
 * columns; *next is where the line after it starts. */
static size_t wrap_line(const char *p, int dw, const char **next)
{
	size_t n = strlen(p);
	if ((int)n > dw) {
		n = (size_t)dw;
		while (n > 0 && p[n] != ' ')
			n--;
		if (n == 0)
			n = (size_t)dw;
	}
	for (p += n; *p == ' '; p++)
		;
	*next = p;
	return n;
}

static void draw_help(const struct ui_frame *f)
{
	ui_puts(0, 0, UI_SEV_HEAD, " fragstat watch - keys");
	attr_t head = ui_attr(UI_SEV_HEAD);
	ui_attr_on(head);
	ui_fill(0, 22, COLS - 22);
	ui_attr_off(head);
	const char *label[48], *help[48];
	size_t nk = ui_key_help(label, help, sizeof label / sizeof label[0]);
	if (nk > sizeof label / sizeof label[0])
		nk = sizeof label / sizeof label[0];
	int rows = LINES - 5;   /* title, blank; blank and two lines below */
	int needed = (int)nk;
	int y = 2;
	if (needed <= rows || COLS < 60) {
		for (size_t i = 0; i < nk && y < LINES - 3; i++) {
			ui_printf(y, 2, UI_SEV_OK, "%-8s", label[i]);
			ui_puts(y, 11, UI_SEV_NONE, help[i]);
			y++;
		}
	} else {
		/* Two columns, descriptions wrapped at word boundaries inside
		 * their column, so that every key shows on an 80x24 screen. */
		int cw = COLS / 2, x0 = 0, ymax = 2;
		int dw = cw - 12;
		for (size_t i = 0; i < nk; i++) {
			int lines = 0;
			for (const char *p = help[i]; *p; lines++)
				wrap_line(p, dw, &p);
			if (y + lines > 2 + rows && x0 == 0) {
				x0 = cw;
				y = 2;
			}
			ui_printf(y, x0 + 1, UI_SEV_OK, "%-8s", label[i]);
			for (const char *p = help[i]; *p && y < LINES - 3; y++) {
				const char *line = p;
				size_t n = wrap_line(line, dw, &p);
				ui_printf(y, x0 + 10, UI_SEV_NONE, "%.*s", (int)n, line);
			}
			if (y > ymax)
				ymax = y;
		}
		y = ymax;
	}
	y++;
	if (y < LINES - 1)
		ui_printf(y++, 2, UI_SEV_DIM, "Colours: green ok, yellow compact, red reclaim or fail%s",
			  ui_color ? "" : " (colour is off)");
	if (y < LINES - 1 && f)
		ui_printf(y++, 2, UI_SEV_DIM, "Graphs: %s. Press any key to go back.",
			  ui_utf8 ? "Unicode blocks" : "ASCII (no UTF-8 locale or --ascii)");
}

void ui_draw(struct ui_state *st, const struct ui_frame *f)
{
	if (!ui_on)
		return;
	if (!ui_cv_clear()) {
		/* No memory for the grid: say so the plain curses way. */
		erase();
		mvaddstr(0, 0, "out of memory");
		refresh();
		return;
	}
	if (st->help) {
		draw_help(f);
		ui_cv_flush();
		return;
	}
	if (COLS < 40 || LINES < 8) {
		ui_puts(0, 0, UI_SEV_BAD, "terminal too small");
		ui_cv_flush();
		return;
	}
	/* Open on the zone in trouble, then stay there: the selection is
	 * pinned on the first sample so it does not jump as numbers move. */
	if (f->report && !st->zone[0] && f->report->nnodes)
		ui_pin(st, f->report);
	draw_header(st, f);
	if (!f->report) {
		ui_puts(4, 2, UI_SEV_NONE, "waiting for the first sample...");
	} else {
		/* The events panel takes the bottom rows, below the free lists. */
		int y1 = st->events ? LINES - 1 - UI_EVENTS_ROWS : LINES - 1;
		switch (st->view) {
		case UI_VIEW_ORDERS: ui_view_orders(st, f, 3, y1); break;
		case UI_VIEW_MIGRATETYPES: ui_view_migratetypes(st, f, 3, y1); break;
		case UI_VIEW_COMPACTION: ui_view_compaction(st, f, 3, y1); break;
		case UI_VIEW_WATERMARKS: ui_view_watermarks(st, f, 3, y1); break;
		case UI_VIEW_MAP: ui_view_map(st, f, 3, y1); break;
		case UI_VIEW_COUNT: break;
		}
		if (st->events)
			ui_panel_events(f, y1, LINES - 1);
	}
	draw_status(st, f);
	ui_cv_flush();
}
