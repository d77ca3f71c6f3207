#include "config.h"

#ifdef HAVE_TRACEFS
#include "cli.h"
#include "cmd_events.h"

int ev_record_trace(const char *file, uint64_t duration_ns, unsigned buffer_kb,
		    volatile sig_atomic_t *stop)
{
	(void)file; (void)duration_ns; (void)buffer_kb; (void)stop;
	fs_err("events: --record-trace is not written yet");
	return FS_EXIT_INTERNAL;
}
#endif
