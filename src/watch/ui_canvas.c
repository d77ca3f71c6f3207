/* ui_canvas.c - the dashboard's drawing primitives on its own grid of
 * cells (see below), and the compact number formats the views share.
 * Curses only through ui_curses.h. */
#include "config.h"

#include "ui_curses.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
bool ui_cv_clear(void)
{
	int rows = LINES, cols = COLS;
	if (rows <= 0 || cols <= 0)
		return false;
	if (rows != cv_rows || cols != cv_cols || !cv_cur) {
		ui_cv_free();
		size_t n = (size_t)rows * (size_t)cols;
		cv_cur = calloc(n, sizeof *cv_cur);
		cv_prev = calloc(n, sizeof *cv_prev);
		cv_line = calloc((size_t)cols + 1, sizeof *cv_line);
		if (!cv_cur || !cv_prev || !cv_line) {
			ui_cv_free();
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

void ui_cv_free(void)
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
void ui_cv_invalidate(void)
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
void ui_cv_flush(void)
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
	if (more < 0 || !ui_unicode()) {
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
		if (!ui_unicode() && e > 0 && e < 3)
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

