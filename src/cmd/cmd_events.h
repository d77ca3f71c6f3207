/* cmd_events.h - shared between cmd_events.c and cmd_events_record.c. */
#ifndef FRAGSTAT_CMD_EVENTS_H
#define FRAGSTAT_CMD_EVENTS_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

/* `fragstat events --record-trace FILE`: returns an enum fs_exit value.
 * *stop becomes non-zero on SIGINT/SIGTERM/SIGHUP. */
int ev_record_trace(const char *file, uint64_t duration_ns, unsigned buffer_kb,
		    volatile sig_atomic_t *stop);

/* The watch events panel (cmd_watch_events.c). */
struct watch_ev;
struct ui_frame;
/* Open the panel's source the first time `want` is set. */
void watch_ev_want(struct watch_ev **ev, bool want, bool live_source);
/* A live sample was taken: close the events interval with it. */
void watch_ev_tick(struct watch_ev *ev);
void watch_ev_fill(const struct watch_ev *ev, struct ui_frame *f);
void watch_ev_free(struct watch_ev *ev);

#endif
