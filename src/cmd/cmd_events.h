/* cmd_events.h - shared between cmd_events.c and cmd_events_record.c. */
#ifndef FRAGSTAT_CMD_EVENTS_H
#define FRAGSTAT_CMD_EVENTS_H

#include <signal.h>
#include <stdint.h>

/* `fragstat events --record-trace FILE`: returns an enum fs_exit value.
 * *stop becomes non-zero on SIGINT/SIGTERM/SIGHUP. */
int ev_record_trace(const char *file, uint64_t duration_ns, unsigned buffer_kb,
		    volatile sig_atomic_t *stop);

#endif
