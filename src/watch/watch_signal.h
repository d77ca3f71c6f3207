/* watch_signal.h - the signals `fragstat watch` ends or redraws on, made
 * pollable: the handler records the signal and writes a byte to a pipe
 * whose read end the loop polls with its other descriptors. No SA_RESTART:
 * a blocking open or read returns EINTR. SIGQUIT is caught too (its default
 * action would leave the terminal in the alternate screen with echo off);
 * the command re-raises the signal once the terminal is restored. */
#ifndef FRAGSTAT_WATCH_SIGNAL_H
#define FRAGSTAT_WATCH_SIGNAL_H

#include <signal.h>
#include <stdbool.h>

/* The first of SIGINT, SIGTERM, SIGHUP, SIGQUIT that came; 0 none. */
extern volatile sig_atomic_t watch_quit_sig;
/* SIGWINCH came (with winch set): the terminal changed size. */
extern volatile sig_atomic_t watch_winch;

/* Install the handlers and the pipe. 0 or -errno. */
int watch_signals(bool winch);
/* The pipe's read end to poll; -1 before watch_signals(). */
int watch_signal_fd(void);
/* Empty the pipe after poll() said it is readable. */
void watch_drain(void);
/* Close the pipe. */
void watch_signals_close(void);

#endif
