/* ui.h - the dashboard of `fragstat watch`: screen lifecycle and drawing
 * (ui.c, ui_widgets.c, ui_map.c, ui_events.c: curses), and its pure parts
 * (ui_hist.c: the history ring; ui_select.c: the selected node, zone and
 * order; ui_keys.c: the key table and what each key does to the state),
 * which build and test without curses. No curses type appears here (only
 * ui*.c include ui_curses.h). The UI never reads /proc: cmd_watch.c
 * collects and computes, then hands a const frame to ui_draw().
 *
 * Ownership: the frame and everything it points to belong to the caller
 * (the history ring: ui_hist.h).
 */
#ifndef FRAGSTAT_UI_H
#define FRAGSTAT_UI_H

#include "ev_agg.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rates.h"
#include "pagemap.h"
#include "report.h"
#include "ui_hist.h"

enum ui_view { UI_VIEW_ORDERS, UI_VIEW_MIGRATETYPES, UI_VIEW_COMPACTION, UI_VIEW_WATERMARKS, UI_VIEW_MAP,
	       UI_VIEW_COUNT };

/* What a key asks of the loop. Only the loop rescans (collects again). */
enum ui_flag {
	UI_REDRAW = 1u << 0,    /* draw the same data again */
	UI_RESCAN = 1u << 1,    /* collect now (live) */
	UI_QUIT = 1u << 2,
	UI_RESIZE = 1u << 3,    /* the terminal changed size */
	UI_RETIME = 1u << 4,    /* interval or pause changed: reschedule */
	UI_STEP = 1u << 5,      /* replay: move by state.step samples */
	UI_JUMP = 1u << 6,      /* replay: jump to state.jump_text */
	UI_REPAINT = 1u << 7,   /* the terminal may be garbled: send every cell again */
};

/* Keys that are not characters, as ui_getkey() returns them: ui.c maps
 * curses' codes to these, so that the key table needs no curses. They lie
 * above every character and every curses key code. */
enum ui_keycode {
	UI_KEY_BASE = 0x110000,
	UI_KEY_F1, UI_KEY_F10, UI_KEY_BTAB, UI_KEY_UP, UI_KEY_DOWN, UI_KEY_LEFT, UI_KEY_RIGHT,
	UI_KEY_ENTER, UI_KEY_BACKSPACE, UI_KEY_RESIZE,
};

/* pagetypeinfo as the loop handles it. */
struct ui_pti {
	bool enabled;                           /* false: --no-pagetypeinfo */
	bool have;                              /* data from some read is shown */
	const char *status;                     /* fs_src_status_name() of the last read */
	double age;                             /* seconds since that read; < 0 unknown */
	double read_ms;                         /* its cost; < 0 unknown */
	double period;                          /* seconds between reads now */
};

/* Everything one screen shows. */
struct ui_frame {
	const struct fs_report *report;         /* NULL before the first sample */
	const struct fs_rates *rates;
	struct fs_rates_ratio ratio;
	const struct ui_hist *hist;
	struct ui_pti pti;
	const char *source;                     /* "live", "root DIR", "replay FILE" */
	bool replay;
	size_t sample;                          /* 1-based; in replay the line */
	size_t nsamples;                        /* replay: lines in the file */
	bool time_known;                        /* false: the source does not say when */
	int64_t time_sec;                       /* wall clock of the sample */
	double interval;
	bool paused;
	bool at_end;                            /* replay reached the last line */
	/* The page map view (kpageflags; read by the loop on its own slower
	 * interval while the view is shown). */
	const struct fs_pagemap *pagemap;       /* NULL: not read (yet) */
	const char *map_status;                 /* fs_src_status_name() of the last read, or NULL */
	double map_age;                         /* seconds since that read; < 0 never */
	double map_period;                      /* seconds between reads */
	double map_cost;                        /* what the last read took, seconds */
	const char *message;                    /* status line text or NULL */
	bool message_is_error;
	/* events panel ('e'): the last interval of `fragstat events`, or why not */
	const struct ev_stats *events;
	const struct ev_agg_config *events_cfg;
	const char *events_why;                 /* when events is NULL */
};

/* Interactive state: only keys change it. */
struct ui_state {
	enum ui_view view;
	int node;                               /* selected node id, -1 = first */
	char zone[FS_NAME_MAX];                 /* selected zone name, "" = first */
	int focus_order;                        /* -1: the report's focus order */
	bool help;
	bool paused;
	double interval;
	bool replay;
	int step;                               /* with UI_STEP */
	bool prompt;                            /* reading the jump target */
	char prompt_buf[64];
	size_t prompt_len;
	char jump_text[64];                     /* with UI_JUMP */
	bool events;                            /* the events panel is shown */
	char note[160];                         /* what the last key said ("" = nothing) */
};

struct ui_opts {
	bool color;                             /* colour allowed (--color, NO_COLOR) */
	bool ascii;                             /* force ASCII graphs and lines */
};

/* Start curses on the terminal. 0, or -1 when the terminal cannot be used. */
int ui_start(const struct ui_opts *o);
/* Restore the terminal; safe to call any number of times (also atexit). */
void ui_stop(void);
bool ui_active(void);
/* True when line and block characters are drawn (UTF-8 and a wide build). */
bool ui_unicode(void);

/* Next key (a character or an enum ui_keycode) or -1 when none is waiting
 * (never blocks). */
int ui_getkey(void);
/* Re-read the terminal size after SIGWINCH. */
void ui_resize(void);
/* Forget what the terminal shows: the next ui_draw() sends every cell. */
void ui_repaint(void);
/* Draw the frame. */
void ui_draw(struct ui_state *st, const struct ui_frame *f);

/* Apply one key through the key table (ui_keys.c, pure); returns enum
 * ui_flag bits. */
unsigned ui_key(struct ui_state *st, const struct ui_frame *f, int key);

/* Selection (ui_select.c, pure). The selected zone's report (NULL when the
 * report is empty): the one the state names, else the zone in trouble. */
const struct fs_zone_report *ui_sel_zone(const struct ui_state *st, const struct fs_report *r);
/* The selected node (NULL when the report is empty). */
const struct fs_node_report *ui_sel_node(const struct ui_state *st, const struct fs_report *r);
/* The focus order shown: the state's, else the report's, within the data. */
int ui_focus(const struct ui_state *st, const struct fs_report *r);
/* Pin the current selection so that it survives zones coming and going. */
void ui_pin(struct ui_state *st, const struct fs_report *r);

/* The key table as help text, one "keys: description" per entry (tests,
 * man page). Returns the number of entries; fills at most n. */
size_t ui_key_help(const char **keys, const char **desc, size_t n);

#endif
