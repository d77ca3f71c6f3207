/* cmd_watch.c - `fragstat watch`: options, the timed loop behind the
 * dashboard, JSON lines and text frames, and exit codes.
 *
 * Each tick takes a sample through the session (src/watch/watch_session.c:
 * live sampling of only the files that are due, watch_live.c, or the next
 * line of a recording, watch_replay.c), then hands a const frame to the UI,
 * writes a JSON line or prints a text frame (render_watch.c). Keys only
 * redraw; the loop alone decides to collect again.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_events.h"
#include "render_watch.h"
#include "safe_write.h"
#include "ui.h"
#include "watch_session.h"
#include "watch_signal.h"

enum watch_mode { MODE_CURSES, MODE_JSON, MODE_TEXT };

/* The command: options and output around the session (watch_session.h). */
struct watch {
	long iterations;              /* 0 = until quit */
	bool json, ascii;
	int color;
	const char *record_path;
	enum watch_mode mode;
	struct watch_session s;       /* --interval, --replay; the sample and its source */
	struct watch_ev *ev;          /* events panel source, once asked for */
	struct watch_output out;      /* --json, text frames, --record */
};

/* ---- helpers ------------------------------------------------------------ */

/* The output failed (emit()): say why; the exit status. */
static int emit_failed(const struct watch *w, int r, bool say_oom)
{
	if (r == -ENOMEM && say_oom)
		fs_err("out of memory");
	else if (r == -EPIPE)
		fs_err("%s: %s", w->record_path, strerror(-w->out.record_err));
	return r == -ENOMEM ? FS_EXIT_INTERNAL : FS_EXIT_OUTPUT;   /* fs_finish names a stdout error */
}

/* End of the signal sig once the terminal is restored: 128 + sig. */
static int die_of(int sig)
{
	fflush(stdout);
	signal(sig, SIG_DFL);
	raise(sig);
	return 128 + sig;
}

/* One step forward (watch_step), saying what the first live collection
 * left out. */
static int advance(struct watch *w, struct fs_diag *d)
{
	struct fs_collect_result res;
	bool warn;
	int r = watch_step(&w->s, &warn, &res, d);
	if (warn)
		fs_warn_malformed(&res);   /* before curses; later the source status shows it */
	if (!r && !w->s.replay_path)
		watch_ev_tick(w->ev);
	return r;
}

/* Write the sample wherever it goes (watch_emit). */
static int emit(struct watch *w)
{
	if (w->out.text)
		w->out.width = fs_term_width(stdout);
	return watch_emit(&w->s, &w->out);
}

/* ---- the loop ----------------------------------------------------------- */

static void make_frame(const struct watch *w, const struct ui_state *st, struct ui_frame *f, const char *source)
{
	watch_frame(&w->s, st, source, f);
	watch_ev_fill(w->ev, f);
}

static int watch_loop(struct watch *w, struct ui_state *st, const char *source, int *status)
{
	/* The first sample was taken and emitted before the loop. */
	double next = watch_now() + st->interval;
	bool dirty = true, force = false;
	long count = 1;

	for (;;) {
		if (watch_quit_sig)
			return watch_quit_sig;
		double now = watch_now();
		bool stopped = st->paused || (w->s.replay_path && w->s.replay.at_end && w->s.cur.snap);
		if (force || (!stopped && now >= next)) {
			force = false;
			struct fs_diag d = { 0 };
			size_t before = w->s.replay.pos;
			bool had = w->s.cur.snap != NULL;
			int r = advance(w, &d);
			if (r) {
				if (w->mode != MODE_CURSES || r == -ENOMEM || !w->s.cur.snap) {
					ui_stop();
					*status = fs_read_failed(r, &d);
					return 0;
				}
				/* The dashboard keeps the last good sample, says what
				 * failed, and retries. */
				watch_msg_diag(&w->s, r, &d);
				dirty = true;
			} else if (w->s.replay_path && had && w->s.replay.pos == before) {
				/* At the end of the recording: nothing new. */
				if (w->mode != MODE_CURSES)
					return 0;
			} else {
				if (w->s.msg_error)
					w->s.msg[0] = 0;
				if ((r = emit(w))) {
					ui_stop();
					*status = emit_failed(w, r, true);
					return 0;
				}
				count++;
				dirty = true;
				if (w->iterations && count >= w->iterations) {
					if (w->mode == MODE_CURSES) {
						struct ui_frame f;
						make_frame(w, st, &f, source);
						ui_draw(st, &f);
					}
					return 0;
				}
			}
			next += st->interval;
			if (next < now)
				next = now + st->interval;
		}
		if (w->mode != MODE_CURSES) {
			if (w->s.replay_path) {
				if (w->s.replay.at_end)
					return 0;
				force = true;   /* a recording streams out at once, no pacing */
				continue;
			}
			double wait = next - watch_now();
			if (wait > 0) {
				struct pollfd p = { .fd = watch_signal_fd(), .events = POLLIN };
				poll(&p, 1, (int)ceil(wait * 1000));
				watch_drain();
			}
			continue;
		}

		struct ui_frame f;
		if (st->view == UI_VIEW_MAP && !w->s.replay_path && w->s.cur.snap && watch_live_map_due(&w->s.live)) {
			/* Say so first: the read takes seconds on a large machine. */
			watch_msg(&w->s, false, "reading the page map (/proc/kpageflags, /proc/kpagecount)...");
			make_frame(w, st, &f, source);
			ui_draw(st, &f);
			w->s.msg[0] = 0;
			watch_map_read(&w->s);
			dirty = true;
		}
		make_frame(w, st, &f, source);
		if (watch_winch) {
			watch_winch = 0;
			ui_resize();
			dirty = true;
		}
		if (dirty) {
			ui_draw(st, &f);
			dirty = false;
		}
		stopped = st->paused || (w->s.replay_path && w->s.replay.at_end);
		int timeout = -1;
		if (!stopped) {
			double wait = next - watch_now();
			timeout = wait <= 0 ? 0 : (int)ceil(wait * 1000);
		}
		/* Refresh the pagetypeinfo age in the header at least once a
		 * second; the map view shows the map's age and rereads it when due. */
		if (!w->s.replay_path && (w->s.live.pti_enabled || st->view == UI_VIEW_MAP) &&
		    (timeout < 0 || timeout > 1000))
			timeout = 1000, dirty = true;
		struct pollfd p[2] = { { .fd = STDIN_FILENO, .events = POLLIN }, { .fd = watch_signal_fd(), .events = POLLIN } };
		int pr = poll(p, 2, timeout);
		if (pr > 0 && (p[1].revents & POLLIN))
			watch_drain();
		if (pr > 0 && (p[0].revents & (POLLHUP | POLLERR | POLLNVAL)) && !(p[0].revents & POLLIN))
			return SIGHUP;  /* the terminal went away */
		unsigned flags = 0;
		for (int key; (key = ui_getkey()) >= 0;) {
			flags |= ui_key(st, &f, key);
			if (flags & UI_QUIT)
				break;
		}
		if (flags & UI_QUIT)
			return 0;
		if (st->events && !w->ev) {
			watch_ev_want(&w->ev, true, !w->s.replay_path && !w->s.live.root);
			dirty = true;
		}
		if (flags & UI_REPAINT)
			ui_repaint();
		if (flags & UI_RESIZE)
			ui_resize();
		if (flags & (UI_REDRAW | UI_RESIZE))
			dirty = true;
		if (flags & UI_RETIME) {
			w->s.interval = st->interval;
			next = watch_now() + st->interval;
			if (!st->paused)
				w->s.msg[0] = w->s.msg_error ? w->s.msg[0] : 0;
		}
		if (flags & UI_RESCAN)
			force = true;
		if ((flags & (UI_STEP | UI_JUMP)) && w->s.replay_path) {
			if (watch_move(&w->s, st, flags)) {
				ui_stop();
				*status = fs_read_failed(-ENOMEM, NULL);
				return 0;
			}
			dirty = true;
		}
	}
}

/* ---- command ------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: fragstat watch [OPTIONS]\n"
		"A live dashboard of free memory by order, the kernel's fragmentation indices,\n"
		"verdicts, watermarks and compaction rates. Without a terminal on stdout it\n"
		"prints text frames; with --json, one JSON document per refresh per line.\n"
		"\n"
		"  -i, --interval SECONDS  refresh every SECONDS (default 1, fractions allowed)\n"
		"  -n, --iterations N      stop after N refreshes (default: until q)\n"
		"      --json              JSON lines on stdout (the snapshot schema plus \"rates\")\n"
		"      --record FILE       also append every refresh to FILE as JSON lines\n"
		"      --replay FILE       play a recording ('-' = stdin) instead of reading /proc\n"
		"  -r, --root DIR          read DIR/proc/... instead of this machine's files\n"
		"      --no-pagetypeinfo   never read /proc/pagetypeinfo (it takes the zone lock);\n"
		"                          otherwise it is read at most every max(interval,\n"
		"                          100 x its last read time)\n"
		"  -k, --order N           the order to focus on (default: the pageblock order)\n"
		"      --page-size SIZE    page size of data that does not tell it (4K, 64K)\n"
		"      --map-interval S    reread the page map (view 5, key m; root) at most\n"
		"                          every S seconds while it is shown (default 60)\n"
		"      --color WHEN        auto (default), always or never; NO_COLOR is honoured\n"
		"      --ascii             draw graphs and lines with ASCII characters only\n"
		"      --strict            a malformed optional file is an error (exit 2);\n"
		"                          by default it is left out with a warning\n"
		"  -h, --help              show this help and exit\n"
		"  -V, --version           show the version and exit\n"
		"\n"
		"Keys: q quit, ? help, space pause, +/- interval, Tab view (orders,\n"
		"migratetypes, compaction, watermarks, map), n/z node/zone, o/O focus order;\n"
		"in replay t/T step and j jump. The help screen lists every key.\n"
		"\n"
		"Exit status: 0 ok, 1 usage error, 2 input unreadable or malformed,\n"
		"3 output could not be written, 4 internal error.\n");
}

enum { OPT_JSON = 256, OPT_RECORD, OPT_REPLAY, OPT_COLOR, OPT_NO_PTI, OPT_ASCII, OPT_STRICT, OPT_PAGE_SIZE,
       OPT_MAP_INTERVAL };

/* SECONDS from lo to 86400, fractions allowed. */
static bool opt_seconds(const char *s, double lo, double *out)
{
	char *end;
	errno = 0;
	*out = strtod(s, &end);
	return end != s && !*end && !errno && isfinite(*out) && *out >= lo && *out <= 86400;
}

static void watch_free(struct watch *w)
{
	watch_ev_free(w->ev);
	watch_session_free(&w->s);
	watch_output_free(&w->out);
	watch_signals_close();
}

int cmd_watch_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ "replay", required_argument, NULL, OPT_REPLAY },
		{ "root", required_argument, NULL, 'r' },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "colour", required_argument, NULL, OPT_COLOR },
		{ "no-pagetypeinfo", no_argument, NULL, OPT_NO_PTI },
		{ "ascii", no_argument, NULL, OPT_ASCII },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "page-size", required_argument, NULL, OPT_PAGE_SIZE },
		{ "order", required_argument, NULL, 'k' },
		{ "map-interval", required_argument, NULL, OPT_MAP_INTERVAL },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct watch w = { .s = { .interval = 1, .cur = { .focus_order = -1 }, .live = WATCH_LIVE_INIT } };
	const char *color = "auto";
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:n:r:k:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (!opt_seconds(optarg, 0.05, &w.s.interval))
				return fs_usage_error("watch", "--interval takes seconds from 0.05 to 86400, not '%s'", optarg);
			break;
		case 'n':
			if ((w.iterations = fs_opt_long(optarg, LONG_MAX)) < 1)
				return fs_usage_error("watch", "--iterations takes a count of at least 1, not '%s'", optarg);
			break;
		case OPT_MAP_INTERVAL:
			if (!opt_seconds(optarg, 1, &w.s.live.map_period))
				return fs_usage_error("watch", "--map-interval takes seconds from 1 to 86400, not '%s'", optarg);
			break;
		case OPT_JSON: w.json = true; break;
		case OPT_RECORD: w.record_path = optarg; break;
		case OPT_REPLAY: w.s.replay_path = optarg; break;
		case 'r': w.s.live.root = optarg; break;
		case OPT_COLOR: color = optarg; break;
		case OPT_NO_PTI: w.s.live.pti_enabled = false; break;
		case OPT_ASCII: w.ascii = true; break;
		case OPT_STRICT: w.s.live.strict = true; break;
		case OPT_PAGE_SIZE:
			if (fs_parse_page_size(optarg, &w.s.cur.page_size))
				return fs_usage_error("watch", "--page-size takes a power of two such as 4K or 64K, not '%s'", optarg);
			break;
		case 'k':
			if ((w.s.cur.focus_order = (int)fs_opt_long(optarg, FS_MAX_ORDERS - 1)) < 0)
				return fs_usage_error("watch", "--order takes an order 0..%d, not '%s'", FS_MAX_ORDERS - 1, optarg);
			break;
		default: return fs_opt_other("watch", c, argv, usage);
		}
	}
	if (optind < argc)
		return fs_usage_error("watch", "unexpected argument '%s'", argv[optind]);
	if (w.s.replay_path && w.s.live.root)
		return fs_usage_error("watch", "--replay and --root exclude each other");
	if (w.s.live.root && !*w.s.live.root)
		return fs_usage_error("watch", "--root needs a directory, not an empty name");
	if (w.s.replay_path && !*w.s.replay_path)
		return fs_usage_error("watch", "--replay needs a file name ('-' for stdin), not an empty name");
	if (w.record_path && !*w.record_path)
		return fs_usage_error("watch", "--record needs a file name, not an empty name");
	if (w.s.replay_path && w.record_path)
		return fs_usage_error("watch", "--replay and --record exclude each other");
	if (w.s.replay_path && !w.s.live.pti_enabled)
		return fs_usage_error("watch", "--no-pagetypeinfo has no effect on a --replay");
	w.color = fs_color_mode(color, stdout);
	if (w.color < 0)
		return fs_usage_error("watch", "--color takes auto, always or never, not '%s'", color);
	if (w.json)
		w.mode = MODE_JSON;
	else if (isatty(STDOUT_FILENO) && isatty(STDIN_FILENO) && !(w.s.replay_path && strcmp(w.s.replay_path, "-") == 0))
		w.mode = MODE_CURSES;
	else
		w.mode = MODE_TEXT;
	w.out = (struct watch_output){ .json = w.mode == MODE_JSON, .text = w.mode == MODE_TEXT, .color = w.color == 1 };

	int status = FS_EXIT_OK;
	if (watch_sample_init(&w.s.cur)) {
		fs_err("out of memory");
		return FS_EXIT_INTERNAL;
	}
	if (watch_signals(w.mode == MODE_CURSES)) {
		fs_err("cannot set up signal handling: %s", strerror(errno));
		watch_free(&w);
		return FS_EXIT_INTERNAL;
	}
	if (w.record_path) {
		struct sw_diag wd = { 0 };
		size_t torn = 0;
		int rr = sw_append_open(&w.out.record, w.record_path, &torn, &wd);
		if (rr) {
			fs_err("%s", wd.msg);
			watch_free(&w);
			return rr == -ENOMEM ? FS_EXIT_INTERNAL : wd.usage ? FS_EXIT_USAGE : FS_EXIT_OUTPUT;
		}
		if (torn)
			fs_err("warning: %s: removed a torn last line (%zu bytes) before appending", w.record_path,
			       torn);
	}
	/* A buffer that holds a JSON line makes each line one write(2) instead
	 * of several (the recording is one write per line). */
	if (w.mode == MODE_JSON)
		setvbuf(stdout, NULL, _IOFBF, FS_WATCH_LINE_BUF);
	if (w.s.replay_path) {
		int r = watch_replay_open(&w.s.replay, w.s.replay_path, &watch_quit_sig);
		if (r && watch_quit_sig) {
			/* Ended by a signal while loading: die of it (128 + N). */
			int qs = watch_quit_sig;
			watch_free(&w);
			return die_of(qs);
		}
		if (r) {
			if (r == -ENODATA)
				fs_err("%s: no JSON lines to replay", w.s.replay_path);
			else if (r == -EFBIG)
				fs_err("%s: larger than %u MiB; not a fragstat recording", w.s.replay_path,
				       (unsigned)(WATCH_REPLAY_MAX >> 20));
			else
				fs_err("%s: %s", w.s.replay_path, strerror(-r));
			watch_free(&w);
			return r == -ENOMEM ? FS_EXIT_INTERNAL : FS_EXIT_INPUT;
		}
	}

	/* The first sample comes before curses, so that a bad --root, a
	 * malformed file or a bad --order is a plain message on a plain screen. */
	struct fs_diag d = { 0 };
	int r = advance(&w, &d);
	if (r) {
		status = fs_read_failed(r, &d);
		watch_free(&w);
		return fs_finish(status);
	}
	if (w.s.cur.page_size && w.s.cur.snap->page_size != w.s.cur.page_size) {
		int st = fs_apply_page_size("watch", w.s.cur.snap, w.s.cur.page_size);
		watch_free(&w);
		return st;
	}
	if (w.s.cur.focus_order >= (int)w.s.cur.snap->orders) {
		unsigned n = w.s.cur.snap->orders;
		watch_free(&w);
		return fs_usage_error("watch", "--order %d is beyond this data's %u orders (0..%u)", w.s.cur.focus_order, n,
				      n - 1);
	}

	char source[4200];
	watch_source(&w.s, source, sizeof source);

	struct ui_state st = { .view = UI_VIEW_ORDERS, .node = -1, .focus_order = w.s.cur.focus_order,
			       .interval = w.s.interval, .replay = w.s.replay_path != NULL };
	if (w.mode == MODE_CURSES) {
		setlocale(LC_ALL, "");
		setlocale(LC_NUMERIC, "C");
		struct ui_opts uo = { .color = w.color == 1, .ascii = w.ascii };
		if (ui_start(&uo)) {
			fs_err("cannot use this terminal (TERM=%s); try --json or redirect stdout",
			       getenv("TERM") ? getenv("TERM") : "");
			watch_free(&w);
			return FS_EXIT_USAGE;
		}
	}

	/* The first sample is already in: emit it, then loop. */
	int sig = 0;
	r = emit(&w);
	if (r) {
		ui_stop();
		status = emit_failed(&w, r, false);   /* the first: no word on ENOMEM */
	} else if (w.iterations != 1) {
		sig = watch_loop(&w, &st, source, &status);
	}
	ui_stop();
	watch_free(&w);
	if (sig)
		die_of(sig);
	return fs_finish(status);
}
