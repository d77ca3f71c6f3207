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
static char ui_note[160];

enum { PAIR_OK = 1, PAIR_WARN, PAIR_BAD, PAIR_HEAD, PAIR_BAR, PAIR_DIM };

static void cv_free(void);
static void cv_invalidate(void);

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
	cv_invalidate();
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
	cv_free();
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
	return c == ERR ? -1 : c;
}

void ui_resize(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
	cv_invalidate();
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

/* ---- the canvas ----------------------------------------------------------
 *
 * Frames are composed into our own grid of cells, not into curses: a cell
 * is a code point and the attributes curses would have given it. At the
 * end of a frame only the rows that differ from the previous frame are
 * handed to curses (one call per row), so curses neither decodes our UTF-8
 * byte by byte nor compares unchanged rows with the terminal. ui_attr_on()
 * and ui_attr_off() follow curses' attron()/attroff() rules exactly (a
 * colour pair replaces the current one; turning one off clears the colour),
 * so that the screen is the one direct curses calls drew. */

struct ui_cell {
	uint32_t ch;            /* a code point (one display cell) */
	attr_t attr;            /* attributes, colour pair included */
};

static struct ui_cell *cv_cur, *cv_prev;
#ifdef HAVE_NCURSESW
static cchar_t *cv_line;        /* one row as curses takes it */
#else
static chtype *cv_line;
#endif
static int cv_rows, cv_cols;
static bool cv_valid;           /* cv_prev is what curses holds */
static attr_t cv_attr;          /* the current attributes, as attron() keeps them */

void ui_attr_on(attr_t a)
{
	if (a & A_COLOR)
		cv_attr = (cv_attr & ~A_COLOR) | a;
	else
		cv_attr |= a;
}

void ui_attr_off(attr_t a)
{
	if (a & A_COLOR)
		cv_attr &= ~(a | A_COLOR);
	else
		cv_attr &= ~a;
}

/* Blank the grid for a new frame (erase()); false when it cannot be had. */
static bool cv_clear(void)
{
	int rows = LINES, cols = COLS;
	if (rows <= 0 || cols <= 0)
		return false;
	if (rows != cv_rows || cols != cv_cols || !cv_cur) {
		cv_free();
		size_t n = (size_t)rows * (size_t)cols;
		cv_cur = calloc(n, sizeof *cv_cur);
		cv_prev = calloc(n, sizeof *cv_prev);
		cv_line = calloc((size_t)cols + 1, sizeof *cv_line);
		if (!cv_cur || !cv_prev || !cv_line) {
			cv_free();
			return false;
		}
		cv_rows = rows;
		cv_cols = cols;
		cv_valid = false;
	}
	size_t n = (size_t)rows * (size_t)cols;
	for (size_t i = 0; i < n; i++) {
		cv_cur[i].ch = ' ';
		cv_cur[i].attr = A_NORMAL;
	}
	cv_attr = A_NORMAL;
	return true;
}

static void cv_free(void)
{
	free(cv_cur);
	free(cv_prev);
	free(cv_line);
	cv_cur = cv_prev = NULL;
	cv_line = NULL;
	cv_rows = cv_cols = 0;
	cv_valid = false;
}

/* Forget what curses holds: the next frame is handed over whole. */
static void cv_invalidate(void)
{
	cv_valid = false;
}

static bool cv_same(const struct ui_cell *a, const struct ui_cell *b, int n)
{
	for (int i = 0; i < n; i++)
		if (a[i].ch != b[i].ch || a[i].attr != b[i].attr)
			return false;
	return true;
}

/* Hand the rows that changed to curses and refresh the terminal. */
static void cv_flush(void)
{
	if (!cv_cur || cv_rows != LINES || cv_cols != COLS) {
		refresh();
		return;
	}
	int cols = cv_cols;
	for (int y = 0; y < cv_rows; y++) {
		struct ui_cell *row = cv_cur + (size_t)y * (size_t)cv_cols;
		struct ui_cell *old = cv_prev + (size_t)y * (size_t)cv_cols;
		if (cv_valid && cv_same(row, old, cv_cols))
			continue;
		for (int x = 0; x < cols; x++) {
			attr_t a = row[x].attr;
#ifdef HAVE_NCURSESW
			wchar_t wc[2] = { (wchar_t)row[x].ch, 0 };
			setcchar(&cv_line[x], wc, a & ~A_COLOR, (short)PAIR_NUMBER(a), NULL);
#else
			cv_line[x] = (chtype)row[x].ch | a;
#endif
		}
#ifdef HAVE_NCURSESW
		mvadd_wchnstr(y, 0, cv_line, cols);
#else
		mvaddchnstr(y, 0, cv_line, cols);
#endif
		memcpy(old, row, (size_t)cv_cols * sizeof *row);
	}
	cv_valid = true;
	refresh();
}

/* Next code point of s (advanced); invalid UTF-8, and any byte above 0x7f
 * when the terminal is not UTF-8, is '?'. */
static uint32_t cv_decode(const unsigned char **sp)
{
	const unsigned char *p = *sp;
	uint32_t c = *p++;
	if (c < 0x80) {
		*sp = p;
		return c;
	}
	int more = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : -1;
	if (more < 0 || !ui_utf8) {
		while ((*p & 0xC0) == 0x80)
			p++;
		*sp = p;
		return '?';
	}
	c &= 0x3Fu >> more;
	for (int i = 0; i < more; i++) {
		if ((*p & 0xC0) != 0x80) {
			*sp = p;
			return '?';
		}
		c = (c << 6) | (*p++ & 0x3Fu);
	}
	*sp = p;
#ifndef __STDC_ISO_10646__
	if (c >= 0x80)
		return '?';     /* wchar_t is not Unicode here */
#endif
	return c;
}

/* Write s from (y, x) with the current attributes, clipped to the row;
 * returns the column after it (counted even where nothing is drawn). */
static int cv_put(int y, int x, const char *s)
{
	if (!cv_cur || y < 0 || y >= cv_rows)
		return x;
	struct ui_cell *row = cv_cur + (size_t)y * (size_t)cv_cols;
	const unsigned char *p = (const unsigned char *)s;
	bool draw = x >= 0;
	while (*p && x < cv_cols) {
		uint32_t c = *p < 0x80 ? *p++ : cv_decode(&p);
		if (draw) {
			row[x].ch = c ? c : ' ';
			row[x].attr = cv_attr;
		}
		x++;
	}
	return x;
}

void ui_fill(int y, int x, int n)
{
	for (int i = 0; i < n; i++)
		cv_put(y, x + i, " ");
}

int ui_puts(int y, int x, enum ui_sev sev, const char *s)
{
	if (y < 0 || y >= LINES || x >= COLS)
		return x;
	attr_t a = ui_attr(sev);
	ui_attr_on(a);
	x = cv_put(y, x, s);
	ui_attr_off(a);
	return x;
}

int ui_printf(int y, int x, enum ui_sev sev, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return ui_puts(y, x, sev, buf);
}

void ui_rule(int y, const char *title)
{
	if (y < 0 || y >= LINES)
		return;
	attr_t a = ui_attr(UI_SEV_DIM);
	ui_attr_on(a);
	for (int x = 0; x < COLS; x++)
		cv_put(y, x, ui_g->hline);
	ui_attr_off(a);
	if (title && *title) {
		char buf[200];
		snprintf(buf, sizeof buf, " %s ", title);
		ui_puts(y, 2, UI_SEV_NONE, buf);
	}
}

void ui_bar(int y, int x, int width, double value, double max, enum ui_sev sev)
{
	if (width <= 0 || y < 0 || y >= LINES)
		return;
	double frac = max > 0 && value > 0 ? value / max : 0;
	if (frac > 1)
		frac = 1;
	int eighths = (int)lround(frac * width * 8);
	if (value > 0 && eighths == 0)
		eighths = 1;    /* something is there: show a sliver */
	attr_t a = ui_attr(sev);
	ui_attr_on(a);
	for (int i = 0; i < width && x + i < COLS; i++) {
		int e = eighths - i * 8;
		e = e < 0 ? 0 : e > 8 ? 8 : e;
		if (!ui_utf8 && e > 0 && e < 3)
			e = 3;  /* ASCII has no thin slivers */
		cv_put(y, x + i, ui_g->block[e]);
	}
	ui_attr_off(a);
}

void ui_spark(int y, int x, int width, const double *v, const bool *valid, size_t n,
	      double lo, double hi, enum ui_sev sev)
{
	if (width <= 0 || y < 0 || y >= LINES)
		return;
	size_t first = n > (size_t)width ? n - (size_t)width : 0;
	if (lo >= hi) {
		bool any = false;
		for (size_t i = first; i < n; i++) {
			if (!valid[i])
				continue;
			if (!any || v[i] < lo)
				lo = v[i];
			if (!any || v[i] > hi)
				hi = v[i];
			any = true;
		}
	}
	attr_t a = ui_attr(sev);
	ui_attr_on(a);
	/* Right-align: the newest sample is in the last cell. */
	int pad = width - (int)(n - first);
	for (int i = 0; i < pad && x + i < COLS; i++)
		cv_put(y, x + i, " ");
	for (size_t i = first; i < n; i++) {
		int cx = x + pad + (int)(i - first);
		if (cx >= COLS)
			break;
		if (!valid[i]) {
			cv_put(y, cx, " ");
			continue;
		}
		int level = 0;
		if (hi > lo) {
			double f = (v[i] - lo) / (hi - lo);
			level = (int)lround(f * 7);
			level = level < 0 ? 0 : level > 7 ? 7 : level;
		}
		cv_put(y, cx, ui_g->spark[level]);
	}
	ui_attr_off(a);
}

char *ui_count(char *buf, size_t size, uint64_t v)
{
	static const char units[] = "kMGTPE";
	if (v < 100000) {
		snprintf(buf, size, "%" PRIu64, v);
		return buf;
	}
	double d = (double)v;
	int u = -1;
	while (d >= 1000 && u < 5) {
		d /= 1000;
		u++;
	}
	snprintf(buf, size, d < 10 ? "%.2f%c" : d < 100 ? "%.1f%c" : "%.0f%c", d, units[u]);
	return buf;
}

char *ui_rate(char *buf, size_t size, double v)
{
	if (!isfinite(v) || v < 0)
		v = 0;
	if (v == 0)
		snprintf(buf, size, "0");
	else if (v < 10)
		snprintf(buf, size, "%.2f", v);
	else if (v < 100000)
		snprintf(buf, size, "%.0f", v);
	else
		ui_count(buf, size, (uint64_t)v);
	return buf;
}

/* ---- selection ---------------------------------------------------------- */

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

static const struct fs_node_report *sel_node(const struct ui_state *st, const struct fs_report *r)
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
	const struct fs_node_report *n = sel_node(st, r);
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

/* Pin the current selection so that it survives zones coming and going. */
static void pin(struct ui_state *st, const struct fs_report *r)
{
	const struct fs_zone_report *z = ui_sel_zone(st, r);
	if (!z)
		return;
	st->node = z->node;
	snprintf(st->zone, sizeof st->zone, "%s", z->zone->name);
}

/* ---- history ------------------------------------------------------------ */

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

/* ---- keys --------------------------------------------------------------- */

typedef unsigned (*ui_action)(struct ui_state *st, const struct ui_frame *f);

static unsigned act_quit(struct ui_state *st, const struct ui_frame *f)
{
	(void)st, (void)f;
	return UI_QUIT;
}

static unsigned act_help(struct ui_state *st, const struct ui_frame *f)
{
	(void)f;
	st->help = true;
	return UI_REDRAW;
}

static unsigned act_events(struct ui_state *st, const struct ui_frame *f)
{
	(void)f;
	st->events = !st->events;
	return UI_REDRAW;
}

static unsigned act_pause(struct ui_state *st, const struct ui_frame *f)
{
	(void)f;
	st->paused = !st->paused;
	return UI_RETIME | UI_REDRAW;
}

static const double intervals[] = { 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 300 };
#define NINTERVALS (sizeof intervals / sizeof intervals[0])

static unsigned act_slower(struct ui_state *st, const struct ui_frame *f)
{
	(void)f;
	for (size_t i = 0; i < NINTERVALS; i++)
		if (intervals[i] > st->interval + 1e-9) {
			st->interval = intervals[i];
			break;
		}
	return UI_RETIME | UI_REDRAW;
}

static unsigned act_faster(struct ui_state *st, const struct ui_frame *f)
{
	(void)f;
	for (size_t i = NINTERVALS; i-- > 0;)
		if (intervals[i] < st->interval - 1e-9) {
			st->interval = intervals[i];
			break;
		}
	return UI_RETIME | UI_REDRAW;
}

static unsigned act_view_next(struct ui_state *st, const struct ui_frame *f)
{
	(void)f;
	st->view = (st->view + 1) % UI_VIEW_COUNT;
	return UI_REDRAW;
}

static unsigned act_view_prev(struct ui_state *st, const struct ui_frame *f)
{
	(void)f;
	st->view = (st->view + UI_VIEW_COUNT - 1) % UI_VIEW_COUNT;
	return UI_REDRAW;
}

static unsigned set_view(struct ui_state *st, enum ui_view v)
{
	st->view = v;
	return UI_REDRAW;
}

static unsigned act_view1(struct ui_state *st, const struct ui_frame *f) { (void)f; return set_view(st, UI_VIEW_ORDERS); }
static unsigned act_view2(struct ui_state *st, const struct ui_frame *f) { (void)f; return set_view(st, UI_VIEW_MIGRATETYPES); }
static unsigned act_view3(struct ui_state *st, const struct ui_frame *f) { (void)f; return set_view(st, UI_VIEW_COMPACTION); }
static unsigned act_view4(struct ui_state *st, const struct ui_frame *f) { (void)f; return set_view(st, UI_VIEW_WATERMARKS); }
static unsigned act_view5(struct ui_state *st, const struct ui_frame *f) { (void)f; return set_view(st, UI_VIEW_MAP); }

static unsigned move_node(struct ui_state *st, const struct ui_frame *f, int dir)
{
	const struct fs_report *r = f->report;
	if (!r || r->nnodes == 0)
		return 0;
	pin(st, r);
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
	const struct fs_node_report *n = sel_node(st, r);
	bool has = false;
	for (unsigned z = 0; n && z < n->nzones; z++)
		has |= strcmp(n->zones[z].zone->name, st->zone) == 0;
	if (!has)
		st->zone[0] = 0;
	pin(st, r);
	return UI_REDRAW;
}

static unsigned move_zone(struct ui_state *st, const struct ui_frame *f, int dir)
{
	const struct fs_report *r = f->report;
	const struct fs_node_report *n = sel_node(st, r);
	if (!n)
		return 0;
	pin(st, r);
	unsigned cur = 0;
	for (unsigned z = 0; z < n->nzones; z++)
		if (strcmp(n->zones[z].zone->name, st->zone) == 0)
			cur = z;
	cur = (cur + n->nzones + (unsigned)(dir > 0 ? 1 : n->nzones - 1)) % n->nzones;
	snprintf(st->zone, sizeof st->zone, "%s", n->zones[cur].zone->name);
	return UI_REDRAW;
}

static unsigned act_node_next(struct ui_state *st, const struct ui_frame *f) { return move_node(st, f, 1); }
static unsigned act_node_prev(struct ui_state *st, const struct ui_frame *f) { return move_node(st, f, -1); }
static unsigned act_zone_next(struct ui_state *st, const struct ui_frame *f) { return move_zone(st, f, 1); }
static unsigned act_zone_prev(struct ui_state *st, const struct ui_frame *f) { return move_zone(st, f, -1); }

static unsigned move_order(struct ui_state *st, const struct ui_frame *f, int dir)
{
	int n = f->report ? (int)f->report->orders : FS_MAX_ORDERS;
	int k = ui_focus(st, f->report) + dir;
	st->focus_order = k < 0 ? n - 1 : k >= n ? 0 : k;
	return UI_REDRAW;
}

static unsigned act_order_up(struct ui_state *st, const struct ui_frame *f) { return move_order(st, f, 1); }
static unsigned act_order_down(struct ui_state *st, const struct ui_frame *f) { return move_order(st, f, -1); }

static unsigned replay_only(struct ui_state *st, const char *what)
{
	if (st->replay)
		return 0;
	snprintf(ui_note, sizeof ui_note, "%s works in replay (--replay FILE); live data has no past", what);
	return UI_REDRAW;
}

static unsigned act_step_fwd(struct ui_state *st, const struct ui_frame *f)
{
	(void)f;
	unsigned r = replay_only(st, "t (step)");
	if (r)
		return r;
	st->paused = true;
	st->step = 1;
	return UI_STEP | UI_RETIME | UI_REDRAW;
}

static unsigned act_step_back(struct ui_state *st, const struct ui_frame *f)
{
	(void)f;
	unsigned r = replay_only(st, "T (step back)");
	if (r)
		return r;
	st->paused = true;
	st->step = -1;
	return UI_STEP | UI_RETIME | UI_REDRAW;
}

static unsigned act_jump(struct ui_state *st, const struct ui_frame *f)
{
	(void)f;
	unsigned r = replay_only(st, "j (jump)");
	if (r)
		return r;
	st->prompt = true;
	st->prompt_len = 0;
	st->prompt_buf[0] = 0;
	return UI_REDRAW;
}

static unsigned act_refresh(struct ui_state *st, const struct ui_frame *f)
{
	(void)f;
	return st->replay ? UI_REDRAW : UI_RESCAN | UI_REDRAW;
}

static unsigned act_redraw(struct ui_state *st, const struct ui_frame *f)
{
	(void)st, (void)f;
	clearok(curscr, TRUE);
	cv_invalidate();
	return UI_REDRAW;
}

static unsigned act_resize(struct ui_state *st, const struct ui_frame *f)
{
	(void)st, (void)f;
	return UI_RESIZE | UI_REDRAW;
}


static const struct ui_keydef {
	int keys[4];            /* 0-terminated */
	const char *label;
	const char *help;
	ui_action fn;
} ui_keys[] = {
	{ { 'q', KEY_F(10), 0 }, "q F10", "quit", act_quit },
	{ { '?', 'h', KEY_F(1), 0 }, "? h F1", "this help (any key closes it)", act_help },
	{ { ' ', 'p', 0 }, "space p", "pause / resume", act_pause },
	{ { '+', '=', 0 }, "+", "longer interval (slower refresh or playback)", act_slower },
	{ { '-', '_', 0 }, "-", "shorter interval", act_faster },
	{ { '\t', 0 }, "Tab", "next view: orders, migratetypes, compaction, watermarks, map", act_view_next },
	{ { KEY_BTAB, 0 }, "S-Tab", "previous view", act_view_prev },
	{ { '1', 0 }, "1", "orders view", act_view1 },
	{ { '2', 0 }, "2", "migratetypes view", act_view2 },
	{ { '3', 0 }, "3", "compaction view", act_view3 },
	{ { '4', 0 }, "4", "watermarks view", act_view4 },
	{ { '5', 'm', 0 }, "5 m", "page map view (root; kpageflags, read on its own slower interval)", act_view5 },
	{ { 'n', 0 }, "n", "next node", act_node_next },
	{ { 'N', 0 }, "N", "previous node", act_node_prev },
	{ { 'z', KEY_RIGHT, 0 }, "z Right", "next zone of the node", act_zone_next },
	{ { 'Z', KEY_LEFT, 0 }, "Z Left", "previous zone of the node", act_zone_prev },
	/* Orders are rows from 0 at the top: Down moves to the row below. */
	{ { 'o', KEY_DOWN, 0 }, "o Down", "focus the next higher order (the row below)", act_order_up },
	{ { 'O', KEY_UP, 0 }, "O Up", "focus the next lower order (the row above)", act_order_down },
	{ { 't', 0 }, "t", "replay: step to the next sample (pauses)", act_step_fwd },
	{ { 'T', 0 }, "T", "replay: step to the previous sample (pauses)", act_step_back },
	{ { 'j', 0 }, "j", "replay: jump to +S/-S seconds, HH:MM[:SS] or #N (sample)", act_jump },
	{ { 'e', 0 }, "e", "events panel: last interval's fallbacks and compaction (root, tracefs)", act_events },
	{ { 'r', 0 }, "r", "refresh now", act_refresh },
	{ { 'L' & 0x1f, 0 }, "C-l", "redraw the screen", act_redraw },
	{ { KEY_RESIZE, 0 }, NULL, NULL, act_resize },
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

static unsigned prompt_key(struct ui_state *st, int key)
{
	if (key == 27) {
		st->prompt = false;
		return UI_REDRAW;
	}
	if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		st->prompt = false;
		snprintf(st->jump_text, sizeof st->jump_text, "%s", st->prompt_buf);
		return UI_JUMP | UI_REDRAW;
	}
	if (key == KEY_BACKSPACE || key == 127 || key == 8) {
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
	ui_note[0] = 0;
	if (key == KEY_RESIZE)
		return act_resize(st, f);
	if (st->prompt)
		return prompt_key(st, key);
	if (st->help) {
		st->help = false;
		return UI_REDRAW;
	}
	for (size_t i = 0; i < sizeof ui_keys / sizeof ui_keys[0]; i++)
		for (const int *k = ui_keys[i].keys; *k; k++)
			if (*k == key)
				return ui_keys[i].fn(st, f);
	if (key != 27) {
		snprintf(ui_note, sizeof ui_note, "unknown key; press ? for help");
		return UI_REDRAW;
	}
	return 0;
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
	if (ui_note[0]) {
		ui_puts(y, 0, UI_SEV_WARN, ui_note);
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

static void draw_help(const struct ui_frame *f)
{
	ui_puts(0, 0, UI_SEV_HEAD, " fragstat watch - keys");
	attr_t head = ui_attr(UI_SEV_HEAD);
	ui_attr_on(head);
	ui_fill(0, 22, COLS - 22);
	ui_attr_off(head);
	size_t nk = sizeof ui_keys / sizeof ui_keys[0];
	int rows = LINES - 5;   /* title, blank; blank and two lines below */
	int needed = 0;
	for (size_t i = 0; i < nk; i++)
		needed += ui_keys[i].label != NULL;
	int y = 2;
	if (needed <= rows || COLS < 60) {
		for (size_t i = 0; i < nk && y < LINES - 3; i++) {
			if (!ui_keys[i].label)
				continue;
			ui_printf(y, 2, UI_SEV_OK, "%-8s", ui_keys[i].label);
			ui_puts(y, 11, UI_SEV_NONE, ui_keys[i].help);
			y++;
		}
	} else {
		/* Two columns, descriptions wrapped at word boundaries inside
		 * their column, so that every key shows on an 80x24 screen. */
		int cw = COLS / 2, x0 = 0, ymax = 2;
		int dw = cw - 12;
		for (size_t i = 0; i < nk; i++) {
			if (!ui_keys[i].label)
				continue;
			const char *d = ui_keys[i].help;
			int lines = 0;
			for (const char *p = d; *p; lines++) {
				size_t n = strlen(p);
				if ((int)n > dw) {
					n = (size_t)dw;
					while (n > 0 && p[n] != ' ')
						n--;
					if (n == 0)
						n = (size_t)dw;
				}
				p += n;
				while (*p == ' ')
					p++;
			}
			if (y + lines > 2 + rows && x0 == 0) {
				x0 = cw;
				y = 2;
			}
			ui_printf(y, x0 + 1, UI_SEV_OK, "%-8s", ui_keys[i].label);
			for (const char *p = d; *p && y < LINES - 3; y++) {
				size_t n = strlen(p);
				if ((int)n > dw) {
					n = (size_t)dw;
					while (n > 0 && p[n] != ' ')
						n--;
					if (n == 0)
						n = (size_t)dw;
				}
				ui_printf(y, x0 + 10, UI_SEV_NONE, "%.*s", (int)n, p);
				p += n;
				while (*p == ' ')
					p++;
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
	if (!cv_clear()) {
		/* No memory for the grid: say so the plain curses way. */
		erase();
		mvaddstr(0, 0, "out of memory");
		refresh();
		return;
	}
	if (st->help) {
		draw_help(f);
		cv_flush();
		return;
	}
	if (COLS < 40 || LINES < 8) {
		ui_puts(0, 0, UI_SEV_BAD, "terminal too small");
		cv_flush();
		return;
	}
	/* Open on the zone in trouble, then stay there: the selection is
	 * pinned on the first sample so it does not jump as numbers move. */
	if (f->report && !st->zone[0] && f->report->nnodes)
		pin(st, f->report);
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
	cv_flush();
}
