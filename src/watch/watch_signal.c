/* watch_signal.c - pollable signals for `fragstat watch` (watch_signal.h). */
#include "config.h"

#include "watch_signal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

volatile sig_atomic_t watch_quit_sig, watch_winch;
static int watch_pipe[2] = { -1, -1 };

static void watch_on_signal(int sig)
{
	int e = errno;
	if (sig == SIGWINCH)
		watch_winch = 1;
	else if (!watch_quit_sig)
		watch_quit_sig = sig;
	if (watch_pipe[1] >= 0) {
		ssize_t n = write(watch_pipe[1], "", 1);
		(void)n;
	}
	errno = e;
}

int watch_signals(bool winch)
{
	if (pipe(watch_pipe) != 0)
		return -errno;
	for (int i = 0; i < 2; i++) {
		fcntl(watch_pipe[i], F_SETFL, fcntl(watch_pipe[i], F_GETFL) | O_NONBLOCK);
		fcntl(watch_pipe[i], F_SETFD, FD_CLOEXEC);
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = watch_on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;      /* no SA_RESTART: poll() must return */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* SIGQUIT too: its default action would leave the terminal in the
	 * alternate screen with echo off; it is re-raised after ui_stop(). */
	sigaction(SIGQUIT, &sa, NULL);
	if (winch)
		sigaction(SIGWINCH, &sa, NULL);
	return 0;
}

void watch_drain(void)
{
	char buf[64];
	while (watch_pipe[0] >= 0 && read(watch_pipe[0], buf, sizeof buf) > 0)
		;
}

int watch_signal_fd(void)
{
	return watch_pipe[0];
}

void watch_signals_close(void)
{
	for (int i = 0; i < 2; i++)
		if (watch_pipe[i] >= 0) {
			close(watch_pipe[i]);
			watch_pipe[i] = -1;
		}
}
