/* ui_curses.h - the only header that includes curses, and what ui.c and
 * ui_widgets.c share. Include it only from ui*.c. */
#ifndef FRAGSTAT_UI_CURSES_H
#define FRAGSTAT_UI_CURSES_H

#ifdef HAVE_NCURSESW
#include <ncursesw/curses.h>
#else
#include <curses.h>
#endif

#include "ui.h"

/* Severity of a value, drawn as a colour (or, without colour, an attribute). */
enum ui_sev { UI_SEV_NONE, UI_SEV_OK, UI_SEV_WARN, UI_SEV_BAD, UI_SEV_HEAD, UI_SEV_BAR, UI_SEV_DIM };

/* Glyphs: Unicode blocks and lines, or their ASCII fallbacks. */
struct ui_glyphs {
	const char *block[9];   /* 0/8 .. 8/8 of a cell, for horizontal bars */
	const char *spark[8];   /* sparkline levels, lowest first */
	const char *hline;
	const char *vline;
};
extern const struct ui_glyphs *ui_g;

attr_t ui_attr(enum ui_sev s);
enum ui_sev ui_verdict_sev(enum fs_verdict_kind k);

/* Frames are composed off screen (ui_canvas.c) and only the rows that
 * changed reach curses: draw with these, never with curses' own output calls.
 * ui_attr_on/off are attron/attroff for that grid. */
void ui_attr_on(attr_t a);
/* The grid: blank it for a new frame (false when it cannot be had), hand
 * the rows that changed to curses, forget what curses holds, release it. */
bool ui_cv_clear(void);
void ui_cv_flush(void);
void ui_cv_invalidate(void);
void ui_cv_free(void);
void ui_attr_off(attr_t a);
/* n blanks from (y, x) with the current attributes (mvhline(y, x, ' ', n)). */
void ui_fill(int y, int x, int n);
/* Print at (y, x) clipped to the screen width; returns the next column. */
int ui_puts(int y, int x, enum ui_sev sev, const char *s);
int ui_printf(int y, int x, enum ui_sev sev, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A horizontal rule with a title. */
void ui_rule(int y, const char *title);
/* A bar of `value` out of `max` over `width` cells. */
void ui_bar(int y, int x, int width, double value, double max, enum ui_sev sev);
/* A sparkline of n values (valid[i] false = gap), scaled to lo..hi (auto
 * when lo >= hi). */
void ui_spark(int y, int x, int width, const double *v, const bool *valid, size_t n,
	      double lo, double hi, enum ui_sev sev);
/* Compact counts: 1234, 12.3k, 4.77M. */
char *ui_count(char *buf, size_t size, uint64_t v);
char *ui_rate(char *buf, size_t size, double v);

/* Views: draw rows y0..y1-1. */
void ui_view_orders(const struct ui_state *st, const struct ui_frame *f, int y0, int y1);
/* The events panel (ui_events.c) in rows y0..y1-1. */
#define UI_EVENTS_ROWS 8
void ui_panel_events(const struct ui_frame *f, int y0, int y1);
void ui_view_migratetypes(const struct ui_state *st, const struct ui_frame *f, int y0, int y1);
void ui_view_compaction(const struct ui_state *st, const struct ui_frame *f, int y0, int y1);
void ui_view_watermarks(const struct ui_state *st, const struct ui_frame *f, int y0, int y1);
void ui_view_map(const struct ui_state *st, const struct ui_frame *f, int y0, int y1);   /* ui_map.c */

#endif
