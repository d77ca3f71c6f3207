/* cmd_watch.c - `fragstat watch`: the timed loop behind the dashboard,
 * JSON lines, text frames, record and replay.
 *
 * Each tick collects (only the files that are due), computes a report and
 * rates, then hands a const frame to the UI, writes a JSON line or prints a
 * text frame. Keys only redraw; the loop alone decides to collect again.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_events.h"
#include "collect.h"
#include "load_json.h"
#include "pagemap.h"
#include "rates.h"
#include "rd_kpage.h"
#include "render.h"
#include "render_json.h"
#include "report.h"
#include "timefmt.h"
#include "safe_write.h"
#include "ui.h"

enum watch_mode { MODE_CURSES, MODE_JSON, MODE_TEXT };

/* Files read every refresh, and those read at most every SLOW_PERIOD
 * (settings and meminfo change rarely; the readers must not re-read what
 * a refresh does not need). pagetypeinfo has its own cadence. */
#define FAST_MASK (FS_SRC_BIT(FS_SRC_BUDDYINFO) | FS_SRC_BIT(FS_SRC_ZONEINFO) | FS_SRC_BIT(FS_SRC_VMSTAT))
#define SLOW_MASK (FS_SRC_BIT(FS_SRC_MEMINFO) | FS_SRC_BIT(FS_SRC_EXTFRAG_THRESHOLD) | \
		   FS_SRC_BIT(FS_SRC_COMPACTION_PROACTIVENESS) | FS_SRC_BIT(FS_SRC_WATERMARK_SCALE_FACTOR) | \
		   FS_SRC_BIT(FS_SRC_MIN_FREE_KBYTES) | FS_SRC_BIT(FS_SRC_THP_ENABLED) | \
		   FS_SRC_BIT(FS_SRC_THP_DEFRAG) | FS_SRC_BIT(FS_SRC_DEFRAG_MODE) | \
		   FS_SRC_BIT(FS_SRC_ZONE_RECLAIM_MODE) | FS_SRC_BIT(FS_SRC_WATERMARK_BOOST_FACTOR) | \
		   FS_SRC_BIT(FS_SRC_COMPACT_UNEVICTABLE_ALLOWED) | FS_SRC_BIT(FS_SRC_NR_HUGEPAGES))
#define SLOW_PERIOD 10.0
#define PTI_COST_FACTOR 100.0
#define WATCH_LINE_BUF (64 * 1024)

struct rline {
	size_t off, len;
};

struct watch {
	/* Options. */
	double interval;
	long iterations;              /* 0 = until quit */
	bool json, pti_enabled, ascii, strict;
	int color;
	const char *root, *record_path, *replay_path;
	int focus_order;
	uint64_t page_size;           /* --page-size; 0 = not given */
	enum watch_mode mode;
	struct sw_append *record;      /* --record (safe_write.h) */
	int record_err;               /* -errno of the failed append */

	/* The current sample. */
	struct fs_snapshot *snap;
	struct fs_report *rep;
	struct fs_rates rates;
	struct fs_rates_window win;
	struct ui_hist *hist;
	size_t nsamples;

	/* Live timing (CLOCK_MONOTONIC seconds). */
	double last_mono;             /* when the current sample was taken; < 0 none */
	double slow_last;
	double pti_last;              /* last pagetypeinfo read; < 0 never */
	double pti_cost;              /* what that read cost, seconds */
	double base_cost;             /* a collection without it; < 0 unknown */
	bool pti_read_now;
	enum fs_src_status pti_status;

	/* Replay. */
	char *rdata;
	size_t rlen;
	struct rline *lines;
	size_t nlines;
	size_t rpos;                  /* index of the current line */
	bool at_end;
	json_t *rwatch;               /* the current line's "watch" object */
	double *rtimes;               /* line timestamps (NAN until known) */

	/* The page map view (issue 13): read only while that view is shown,
	 * at most every map_period seconds (option --map-interval). */
	struct fs_pagemap *map;
	double map_period, map_last, map_cost;   /* map_last < 0: never read */
	enum fs_src_status map_status;

	char msg[320];
	bool msg_error;

	struct watch_ev *ev;          /* events panel source, once asked for */

	/* The JSON line (--json, --record), reused between refreshes. */
	char *jbuf;
	size_t jcap;
};

/* ---- signals ------------------------------------------------------------ */

static volatile sig_atomic_t watch_quit_sig, watch_winch;
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

static int watch_signals(bool winch)
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

static void watch_drain(void)
{
	char buf[64];
	while (watch_pipe[0] >= 0 && read(watch_pipe[0], buf, sizeof buf) > 0)
		;
}

/* ---- helpers ------------------------------------------------------------ */

static double now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The value JSON will carry (jansson prints reals with %.6g), so that a
 * replay computes the rates the recording printed. */
static double quantize(double v)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%.6g", v);
	return strtod(buf, NULL);
}

static void set_msg(struct watch *w, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_msg(struct watch *w, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->msg, sizeof w->msg, fmt, ap);
	va_end(ap);
	w->msg_error = error;
}

static const struct fs_node *find_node(const struct fs_snapshot *s, int id)
{
	for (size_t i = 0; i < s->nnodes; i++)
		if (s->nodes[i].id == id)
			return &s->nodes[i];
	return NULL;
}

static const struct fs_zone *find_zone(const struct fs_node *n, const char *name)
{
	for (unsigned z = 0; n && z < n->nzones; z++)
		if (strcmp(n->zones[z].name, name) == 0)
			return &n->zones[z];
	return NULL;
}

/* Keep what this refresh did not read from the previous sample, so that
 * verdicts (highatomic reserves, pageblock order) and the JSON stay whole. */
static int carry_over(struct fs_snapshot *s, const struct fs_snapshot *prev, unsigned mask)
{
	if (!prev)
		return 0;
	if (!(mask & FS_SRC_BIT(FS_SRC_PAGETYPEINFO))) {
		s->src[FS_SRC_PAGETYPEINFO] = prev->src[FS_SRC_PAGETYPEINFO];
		s->pageblock_order = prev->pageblock_order;
		s->pages_per_block = prev->pages_per_block;
		s->nmt = prev->nmt;
		memcpy(s->mt_names, prev->mt_names, sizeof s->mt_names);
		for (size_t i = 0; i < s->nnodes; i++) {
			const struct fs_node *pn = find_node(prev, s->nodes[i].id);
			for (unsigned z = 0; z < s->nodes[i].nzones; z++) {
				struct fs_zone *zz = &s->nodes[i].zones[z];
				const struct fs_zone *pz = find_zone(pn, zz->name);
				if (!pz)
					continue;
				zz->has_types = pz->has_types;
				memcpy(zz->free_by_type, pz->free_by_type, sizeof zz->free_by_type);
				memcpy(zz->capped, pz->capped, sizeof zz->capped);
				zz->has_blocks = pz->has_blocks;
				memcpy(zz->blocks, pz->blocks, sizeof zz->blocks);
			}
		}
	}
	if (!(mask & FS_SRC_BIT(FS_SRC_MEMINFO))) {
		for (int i = 0; i < FS_SRC_COUNT; i++)
			if (SLOW_MASK & FS_SRC_BIT(i))
				s->src[i] = prev->src[i];
		s->extfrag_threshold = prev->extfrag_threshold;
		s->compaction_proactiveness = prev->compaction_proactiveness;
		s->watermark_scale_factor = prev->watermark_scale_factor;
		s->min_free_kbytes = prev->min_free_kbytes;
		/* the decision engine's inputs (decide.h) */
		s->thp_enabled = prev->thp_enabled;
		s->thp_defrag = prev->thp_defrag;
		s->defrag_mode = prev->defrag_mode;
		s->zone_reclaim_mode = prev->zone_reclaim_mode;
		s->watermark_boost_factor = prev->watermark_boost_factor;
		s->compact_unevictable_allowed = prev->compact_unevictable_allowed;
		s->nr_hugepages = prev->nr_hugepages;
		s->page_size = prev->page_size;
		s->page_size_assumed = prev->page_size_assumed;
		s->page_size_from = prev->page_size_from;
		fs_kv_free(&s->meminfo);
		if (fs_kv_copy(&s->meminfo, &prev->meminfo))
			return -ENOMEM;
	}
	return 0;
}

/* Take a new snapshot, report and rates; the previous ones are released. */
static int adopt(struct watch *w, struct fs_snapshot *s, double interval, bool fresh_session)
{
	/* --page-size stands in only where the data does not tell; a conflict
	 * is refused once, after the first sample (cmd_watch_main). */
	if (w->page_size && (s->page_size_from == FS_PS_ASSUMED || s->page_size_from == FS_PS_OPTION)) {
		s->page_size = w->page_size;
		s->page_size_assumed = false;
		s->page_size_from = FS_PS_OPTION;
	}
	struct fs_report_opts ro = { .focus_order = w->focus_order, .node_filter = -1 };
	if (ro.focus_order >= (int)s->orders)
		ro.focus_order = -1;
	struct fs_report *rep = fs_report_new(s, &ro);
	if (!rep) {
		fs_snapshot_free(s);
		return -ENOMEM;
	}
	if (fresh_session) {
		fs_rates_window_init(&w->win, FS_RATES_WINDOW_DEFAULT);
		fs_rates_compute(NULL, s, 0, &w->rates);
	} else {
		fs_rates_compute(w->snap, s, interval, &w->rates);
	}
	fs_rates_window_push(&w->win, &w->rates);
	ui_hist_push(w->hist, rep, &w->rates);
	fs_report_free(w->rep);
	fs_snapshot_free(w->snap);
	w->snap = s;
	w->rep = rep;
	w->nsamples++;
	return 0;
}

/* ---- live --------------------------------------------------------------- */

static int live_sample(struct watch *w, struct fs_diag *d)
{
	double now = now_mono();
	unsigned mask = FAST_MASK;
	bool first = w->last_mono < 0;
	if (first || now - w->slow_last >= fmax(SLOW_PERIOD, w->interval))
		mask |= SLOW_MASK;
	/* pagetypeinfo takes the zone lock: at most every
	 * max(interval, 100 x its cost). The slack absorbs timer jitter. */
	double period = fmax(w->interval, PTI_COST_FACTOR * w->pti_cost);
	w->pti_read_now = w->pti_enabled &&
			  (w->pti_last < 0 || now - w->pti_last >= period - fmin(0.02, 0.05 * w->interval));
	if (w->pti_read_now)
		mask |= FS_SRC_BIT(FS_SRC_PAGETYPEINFO);

	struct fs_snapshot *s = fs_snapshot_new();
	if (!s)
		return -ENOMEM;
	struct fs_collect_result res;
	/* buddyinfo every sample: pagetypeinfo is read too seldom to stand in. */
	struct fs_collect_opts co = { .root = w->root, .mask = mask, .use_procps = false,
				      .kernel_check = false, .require_buddyinfo = true,
				      .strict = w->strict };
	double t0 = now_mono();
	int r = fs_collect(s, &co, &res, d);
	double t1 = now_mono();
	if (!r && first)
		fs_warn_malformed(&res);   /* before curses; later the source status shows it */
	if (!r)
		r = carry_over(s, w->snap, mask);
	if (r) {
		fs_snapshot_free(s);
		return r;
	}
	if (w->pti_read_now) {
		double c = t1 - t0;
		if (w->base_cost >= 0)
			c -= w->base_cost;
		w->pti_cost = c > 0 ? c : 0;
		w->pti_last = t0;
		w->pti_status = s->src[FS_SRC_PAGETYPEINFO];
	} else {
		double c = t1 - t0;
		w->base_cost = w->base_cost < 0 ? c : 0.8 * w->base_cost + 0.2 * c;
	}
	if (mask & SLOW_MASK)
		w->slow_last = t0;
	double interval = first ? 0 : quantize(t0 - w->last_mono);
	w->last_mono = t0;
	return adopt(w, s, interval, first);
}

/* ---- replay ------------------------------------------------------------- */

/* The most a recording may hold: as much as --input reads from stdin. */
#define REPLAY_MAX (4 * (size_t)FS_FILE_MAX)

static int replay_open(struct watch *w)
{
	bool is_stdin = strcmp(w->replay_path, "-") == 0;
	int fd = STDIN_FILENO;
	if (!is_stdin) {
		/* A FIFO waits for its writer here; SIGINT/SIGTERM/SIGHUP
		 * interrupt the wait (no SA_RESTART) and end the command. */
		do
			fd = open(w->replay_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		while (fd < 0 && errno == EINTR && !watch_quit_sig);
		if (fd < 0)
			return -errno;
		struct stat st;
		if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
			close(fd);
			return -EISDIR;
		}
	}
	size_t cap = 0;
	int err = 0;
	for (;;) {
		if (w->rlen + 65536 + 1 > cap) {
			if (cap >= REPLAY_MAX) {
				err = -EFBIG;
				break;
			}
			size_t nc = cap ? cap * 2 : 1 << 20;
			if (nc > REPLAY_MAX)
				nc = REPLAY_MAX;
			char *p = realloc(w->rdata, nc);
			if (!p) {
				err = -ENOMEM;
				break;
			}
			w->rdata = p;
			cap = nc;
		}
		ssize_t n = read(fd, w->rdata + w->rlen, cap - w->rlen - 1);
		if (n < 0 && errno == EINTR) {
			if (watch_quit_sig) {
				err = -EINTR;
				break;
			}
			continue;
		}
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		w->rlen += (size_t)n;
	}
	if (!is_stdin)
		close(fd);
	if (err)
		return err;
	w->rdata[w->rlen] = 0;
	size_t ncap = 0;
	for (size_t off = 0; off < w->rlen;) {
		char *nl = memchr(w->rdata + off, '\n', w->rlen - off);
		size_t end = nl ? (size_t)(nl - w->rdata) : w->rlen;
		size_t b = off;
		while (b < end && (w->rdata[b] == ' ' || w->rdata[b] == '\t' || w->rdata[b] == '\r'))
			b++;
		if (b < end) {
			if (w->nlines == ncap) {
				ncap = ncap ? ncap * 2 : 256;
				struct rline *p = realloc(w->lines, ncap * sizeof *p);
				if (!p)
					return -ENOMEM;
				w->lines = p;
			}
			w->lines[w->nlines].off = off;
			w->lines[w->nlines].len = end - off;
			w->nlines++;
		}
		off = end + 1;
	}
	if (!w->nlines)
		return -ENODATA;
	w->rtimes = malloc(w->nlines * sizeof *w->rtimes);
	if (!w->rtimes)
		return -ENOMEM;
	for (size_t i = 0; i < w->nlines; i++)
		w->rtimes[i] = NAN;
	return 0;
}

static double snap_time(const struct fs_snapshot *s)
{
	if (!s->time_known)
		return -1;   /* as for a line that cannot be read: no time to jump by */
	return (double)s->time_sec + (double)s->time_nsec / 1e9;
}

/* Parse line i into a snapshot; the line's recorded interval and "watch"
 * object come along. */
static int replay_parse(struct watch *w, size_t i, struct fs_snapshot **out, double *interval,
			json_t **watchobj, struct fs_diag *d)
{
	const char *data = w->rdata + w->lines[i].off;
	size_t len = w->lines[i].len;
	int r = fs_json_load_snapshot(w->replay_path, data, len, out, d);
	if (r) {
		/* The loader sees one line; name the line of the recording. */
		d->line = (unsigned)(i + 1);
		return r;
	}
	*interval = NAN;
	*watchobj = NULL;
	json_error_t jerr;
	json_t *doc = fs_json_loadb(data, len, &jerr);
	if (doc) {
		json_t *src = json_object_get(doc, "source");
		const char *kind = json_string_value(json_object_get(src, "kind"));
		const char *path = json_string_value(json_object_get(src, "path"));
		/* Frames replay as recorded: same source kind and path. */
		for (int k = FS_KIND_LIVE; kind && k <= FS_KIND_SIMULATED; k++)
			if (strcmp(kind, fs_kind_name(k)) == 0)
				(*out)->kind = k;
		free((*out)->path);
		(*out)->path = path ? strdup(path) : NULL;
		json_t *iv = json_object_get(json_object_get(doc, "rates"), "interval_s");
		if (json_is_number(iv))
			*interval = json_number_value(iv);
		json_t *wo = json_object_get(doc, "watch");
		if (json_is_object(wo))
			*watchobj = json_deep_copy(wo);
		json_decref(doc);
	}
	w->rtimes[i] = snap_time(*out);
	return 0;
}

static int replay_load(struct watch *w, size_t i, struct fs_diag *d)
{
	struct fs_snapshot *s;
	double interval;
	json_t *wo;
	int r = replay_parse(w, i, &s, &interval, &wo, d);
	if (r)
		return r;
	json_t *sample = json_object_get(wo, "sample");
	bool fresh = !w->snap || i == 0 || (json_is_integer(sample) && json_integer_value(sample) == 1);
	if (!fresh && !(interval > 0))
		interval = snap_time(s) - snap_time(w->snap);
	r = adopt(w, s, interval, fresh);
	if (r) {
		json_decref(wo);
		return r;
	}
	json_decref(w->rwatch);
	w->rwatch = wo;
	w->rpos = i;
	w->at_end = i + 1 >= w->nlines;
	return 0;
}

/* Go to line `target`, rebuilding the history the sparklines show. */
static int replay_seek(struct watch *w, size_t target, struct fs_diag *d)
{
	if (target >= w->nlines)
		target = w->nlines - 1;
	if (w->snap && target == w->rpos + 1)
		return replay_load(w, target, d);
	ui_hist_clear(w->hist);
	fs_report_free(w->rep);
	fs_snapshot_free(w->snap);
	w->rep = NULL;
	w->snap = NULL;
	size_t from = target + 1 > UI_HIST_LEN ? target + 1 - UI_HIST_LEN : 0;
	for (size_t i = from; i <= target; i++) {
		int r = replay_load(w, i, d);
		if (r)
			return r;
	}
	return 0;
}

static double line_time(struct watch *w, size_t i)
{
	if (isnan(w->rtimes[i])) {
		struct fs_snapshot *s;
		struct fs_diag d = { 0 };
		if (fs_json_load_snapshot(w->replay_path, w->rdata + w->lines[i].off, w->lines[i].len, &s, &d) == 0) {
			w->rtimes[i] = snap_time(s);
			fs_snapshot_free(s);
		} else {
			w->rtimes[i] = -1;
		}
	}
	return w->rtimes[i];
}

/* "#N" line, "+S"/"-S" seconds from here, "S" seconds from the start,
 * "HH:MM[:SS]" a time of day (UTC) on the current sample's day. */
static int replay_target(struct watch *w, const char *t, size_t *out)
{
	char *end;
	while (*t == ' ')
		t++;
	if (*t == '#') {
		long n = fs_opt_long(t + 1, LONG_MAX);
		if (n < 1)
			return -EINVAL;
		*out = (size_t)n - 1 < w->nlines ? (size_t)n - 1 : w->nlines - 1;
		return 0;
	}
	double goal;
	unsigned hh, mm, ss = 0;
	int nc = 0;
	if (strchr(t, ':')) {
		if (sscanf(t, "%u:%u%n", &hh, &mm, &nc) != 2)
			return -EINVAL;
		if (t[nc] == ':' && sscanf(t + nc, ":%u", &ss) != 1)
			return -EINVAL;
		double day = floor(line_time(w, w->rpos) / 86400) * 86400;
		goal = day + hh * 3600.0 + mm * 60.0 + ss;
	} else {
		double v = strtod(t, &end);
		if (end == t || *end || !isfinite(v))
			return -EINVAL;
		goal = (*t == '+' || *t == '-') ? line_time(w, w->rpos) + v : line_time(w, 0) + v;
	}
	size_t i = 0;
	while (i + 1 < w->nlines && line_time(w, i) < goal)
		i++;
	*out = i;
	return 0;
}

/* ---- output ------------------------------------------------------------- */

static json_t *rates_json(const struct watch *w)
{
	const struct fs_rates *rt = &w->rates;
	json_t *o = json_object();
	json_object_set_new_nocheck(o, "interval_s", rt->valid ? json_real(rt->interval) : json_null());
	json_object_set_new_nocheck(o, "valid", json_boolean(rt->valid));
	json_t *ps = json_object(), *dl = json_object(), *rs = json_array();
	for (int c = 0; c < FS_RATE_COUNT; c++) {
		const char *n = fs_rates_name(c);
		bool ok = rt->valid && rt->have[c];
		json_object_set_new_nocheck(ps, n, ok ? json_real(rt->per_sec[c]) : json_null());
		json_object_set_new_nocheck(dl, n, rt->have[c] ? fs_json_u64(rt->delta[c])
						       : json_null());
		if (rt->reset[c])
			json_array_append_new(rs, json_string_nocheck(n));
	}
	json_object_set_new_nocheck(o, "per_second", ps);
	json_object_set_new_nocheck(o, "delta", dl);
	json_object_set_new_nocheck(o, "reset", rs);
	struct fs_rates_ratio q;
	fs_rates_window_ratio(&w->win, &q);
	json_t *win = json_object();
	json_object_set_new_nocheck(win, "samples", json_integer(q.samples));
	json_object_set_new_nocheck(win, "seconds", json_real(q.seconds));
	json_object_set_new_nocheck(win, "compact_success", fs_json_u64(q.success));
	json_object_set_new_nocheck(win, "compact_fail", fs_json_u64(q.fail));
	json_object_set_new_nocheck(win, "success_ratio", q.defined ? json_real(q.ratio) : json_null());
	json_object_set_new_nocheck(o, "window", win);
	return o;
}

static double pti_age(const struct watch *w)
{
	return w->pti_last < 0 ? -1 : fmax(0, w->last_mono - w->pti_last);
}

static json_t *watch_json(const struct watch *w)
{
	if (w->replay_path && w->rwatch)
		return json_deep_copy(w->rwatch);
	json_t *o = json_object();
	json_object_set_new_nocheck(o, "sample", json_integer((json_int_t)w->nsamples));
	json_object_set_new_nocheck(o, "interval_s", json_real(w->interval));
	json_t *p = json_object();
	json_object_set_new_nocheck(p, "enabled", json_boolean(w->pti_enabled));
	json_object_set_new_nocheck(p, "read", json_boolean(w->pti_read_now));
	double age = pti_age(w);
	json_object_set_new_nocheck(p, "age_s", age >= 0 && w->pti_enabled ? json_real(quantize(age)) : json_null());
	json_object_set_new_nocheck(p, "read_ms", w->pti_last >= 0 ? json_real(quantize(w->pti_cost * 1000)) : json_null());
	json_object_set_new_nocheck(p, "period_s", w->pti_enabled ? json_real(quantize(fmax(w->interval, PTI_COST_FACTOR * w->pti_cost)))
							  : json_null());
	json_object_set_new_nocheck(o, "pagetypeinfo", p);
	return o;
}

/* The JSON line of the current sample, newline included, into w->jbuf
 * (kept from one refresh to the next: jansson dumps straight into it, no
 * string of its own to grow and copy); its length, or 0 on ENOMEM. */
static size_t json_line(struct watch *w)
{
	fs_json_oom_clear();
	json_t *doc = fs_json_report(w->rep);
	if (!doc)
		return 0;
	json_object_set_new_nocheck(doc, "rates", rates_json(w));
	json_object_set_new_nocheck(doc, "watch", watch_json(w));
	const size_t flags = JSON_COMPACT | FS_JSON_DUMP_FLAGS;
	if (!w->jbuf) {
		char *p = malloc(WATCH_LINE_BUF);
		if (p) {
			w->jbuf = p;
			w->jcap = WATCH_LINE_BUF;
		}
	}
	size_t n = w->jcap ? json_dumpb(doc, w->jbuf, w->jcap - 1, flags) : 0;
	if (n == 0 || n > w->jcap - 1) {
		/* A line longer than any before: size the buffer, dump again. */
		size_t need = json_dumpb(doc, NULL, 0, flags);
		size_t cap = need + need / 4 + 1024;
		char *p = need ? realloc(w->jbuf, cap) : NULL;
		if (p) {
			w->jbuf = p;
			w->jcap = cap;
			n = json_dumpb(doc, w->jbuf, w->jcap - 1, flags);
		} else {
			n = 0;
		}
	}
	json_decref(doc);
	if (n == 0 || n > w->jcap - 1 || fs_json_oom())
		return 0;
	n = fs_json_u64_fixup(w->jbuf, n);   /* counters above INT64_MAX, exact */
	w->jbuf[n++] = '\n';
	return n;
}

static int text_frame(const struct watch *w, FILE *out)
{
	char ts[FS_RFC3339_MAX] = "time unknown";
	if (w->snap->time_known)
		fs_rfc3339(ts, sizeof ts, w->snap->time_sec);
	size_t sample = w->replay_path ? w->rpos + 1 : w->nsamples;
	fprintf(out, "=== fragstat watch: sample %zu at %s", sample, ts);
	if (w->rates.valid)
		fprintf(out, ", %.3g s after the previous", w->rates.interval);
	fputs(" ===\n", out);
	struct fs_render_opts ro = { .format = FS_FMT_TABLE, .color = w->color == 1, .width = fs_term_width(out) };
	int r = fs_render_table(out, w->rep, &ro);
	if (r)
		return r;
	const struct fs_rates *rt = &w->rates;
	if (rt->valid) {
		fputs("rates/s:", out);
		for (int c = 0; c < FS_RATE_COUNT; c++)
			if (rt->have[c])
				fprintf(out, " %s=%s%.6g", fs_rates_name(c), rt->reset[c] ? "reset," : "", rt->per_sec[c]);
		fputc('\n', out);
	} else {
		fputs("rates/s: (need a second sample)\n", out);
	}
	struct fs_rates_ratio q;
	fs_rates_window_ratio(&w->win, &q);
	if (q.defined)
		fprintf(out, "compaction success ratio over %u samples: %.1f%% (%" PRIu64 "/%" PRIu64 ")\n", q.samples,
			q.ratio * 100, q.success, q.success + q.fail);
	else
		fprintf(out, "compaction success ratio over %u samples: no compaction ran\n", q.samples);
	if (!w->replay_path) {
		if (!w->pti_enabled)
			fputs("pagetypeinfo: off\n", out);
		else
			fprintf(out, "pagetypeinfo: %s, read %.0f s ago\n", fs_src_status_name(w->pti_status), pti_age(w));
	}
	fputc('\n', out);
	return ferror(out) ? -EIO : 0;
}

/* Write the sample wherever it goes. -EIO when stdout failed, -EPIPE when
 * the recording failed, -ENOMEM. */
static int emit(struct watch *w)
{
	size_t len = 0;
	if (w->json || w->record) {
		if (!(len = json_line(w)))
			return -ENOMEM;
	}
	int r = 0;
	/* One fwrite of the whole line; the streams' buffers hold a line, so
	 * the fflush is one write(2). */
	if (w->record) {
		/* A failed append is cut back to the last whole line. */
		if ((w->record_err = sw_append_write(w->record, w->jbuf, len)))
			r = -EPIPE;
	}
	if (!r && w->mode == MODE_JSON) {
		if (fwrite(w->jbuf, 1, len, stdout) != len || fflush(stdout))
			r = -EIO;
	} else if (!r && w->mode == MODE_TEXT) {
		r = text_frame(w, stdout);
		if (!r && fflush(stdout))
			r = -EIO;
	}
	return r;
}

/* ---- the loop ----------------------------------------------------------- */

static void make_frame(const struct watch *w, const struct ui_state *st, struct ui_frame *f, const char *source)
{
	memset(f, 0, sizeof *f);
	f->report = w->rep;
	f->rates = &w->rates;
	fs_rates_window_ratio(&w->win, &f->ratio);
	f->hist = w->hist;
	f->source = source;
	f->replay = w->replay_path != NULL;
	f->sample = f->replay ? w->rpos + 1 : w->nsamples;
	f->nsamples = w->nlines;
	f->time_sec = w->snap ? w->snap->time_sec : 0;
	f->time_known = w->snap && w->snap->time_known;
	f->interval = st->interval;
	f->paused = st->paused;
	f->at_end = w->at_end;
	f->message = w->msg[0] ? w->msg : NULL;
	f->message_is_error = w->msg_error;
	f->pagemap = w->map;
	f->map_status = w->map_last >= 0 ? fs_src_status_name(w->map_status) : NULL;
	f->map_age = w->map_last >= 0 ? fmax(0, now_mono() - w->map_last) : -1;
	f->map_period = w->map_period;
	f->map_cost = w->map_cost;
	watch_ev_fill(w->ev, f);
	f->pti.enabled = w->pti_enabled;
	f->pti.read_ms = -1;
	f->pti.age = -1;
	if (f->replay) {
		json_t *p = json_object_get(w->rwatch, "pagetypeinfo");
		json_t *en = json_object_get(p, "enabled");
		f->pti.enabled = !json_is_false(en);
		if (json_is_number(json_object_get(p, "age_s")))
			f->pti.age = json_number_value(json_object_get(p, "age_s"));
		f->pti.status = w->snap ? fs_src_status_name(w->snap->src[FS_SRC_PAGETYPEINFO]) : NULL;
		f->pti.have = w->snap && w->snap->src[FS_SRC_PAGETYPEINFO] == FS_ST_OK;
	} else {
		f->pti.status = w->pti_last >= 0 ? fs_src_status_name(w->pti_status) : NULL;
		f->pti.have = w->pti_last >= 0 && w->pti_status == FS_ST_OK;
		f->pti.age = w->pti_last >= 0 ? fmax(0, now_mono() - w->pti_last) : -1;
		f->pti.read_ms = w->pti_last >= 0 ? w->pti_cost * 1000 : -1;
		f->pti.period = fmax(w->interval, PTI_COST_FACTOR * w->pti_cost);
	}
}

/* One step forward: a live sample or the next line of the recording. */
static int advance(struct watch *w, struct fs_diag *d)
{
	if (w->replay_path) {
		if (!w->snap)
			return replay_seek(w, 0, d);
		if (w->at_end)
			return 0;
		return replay_load(w, w->rpos + 1, d);
	}
	int r = live_sample(w, d);
	if (!r)
		watch_ev_tick(w->ev);
	return r;
}

static void report_diag(struct watch *w, int r, const struct fs_diag *d)
{
	if (r == -ENOMEM)
		set_msg(w, true, "out of memory");
	else if (d->file) {
		char buf[FS_DIAG_TEXT_MAX];
		set_msg(w, true, "%s", fs_diag_format(d, buf, sizeof buf));
	} else
		set_msg(w, true, "%s", strerror(-r));
}

/* Read the page map for the map view (live or --root, not replay): a
 * copy of the current snapshot gives the zone spans and pageblock order. */
static void read_map(struct watch *w)
{
	struct fs_diag d = { 0 };
	struct fs_snapshot *tmp = w->snap ? fs_snapshot_dup(w->snap) : NULL;
	double t0 = now_mono();
	if (!tmp) {
		set_msg(w, true, "out of memory reading the page map");
		return;
	}
	fs_pagemap_free(tmp->pagemap);
	tmp->pagemap = NULL;
	int r = rd_kpage_collect(tmp, w->root, &d);
	w->map_last = now_mono();
	w->map_cost = w->map_last - t0;
	w->map_status = r ? FS_ST_MALFORMED : tmp->kpage_src[0] != FS_ST_OK ? tmp->kpage_src[0] : tmp->kpage_src[1];
	if (r)
		report_diag(w, r, &d);
	if (tmp->pagemap) {
		fs_pagemap_free(w->map);
		w->map = tmp->pagemap;
		tmp->pagemap = NULL;
	}
	fs_snapshot_free(tmp);
}

static int watch_loop(struct watch *w, struct ui_state *st, const char *source, int *status)
{
	/* The first sample was taken and emitted before the loop. */
	double next = now_mono() + st->interval;
	bool dirty = true, force = false;
	long count = 1;
	struct fs_diag d;

	for (;;) {
		if (watch_quit_sig)
			return watch_quit_sig;
		double now = now_mono();
		bool stopped = st->paused || (w->replay_path && w->at_end && w->snap);
		if (force || (!stopped && now >= next)) {
			force = false;
			memset(&d, 0, sizeof d);
			size_t before = w->rpos;
			bool had = w->snap != NULL;
			int r = advance(w, &d);
			if (r) {
				if (w->mode != MODE_CURSES || r == -ENOMEM || !w->snap) {
					ui_stop();
					if (r == -ENOMEM) {
						fs_err("out of memory");
						*status = FS_EXIT_INTERNAL;
					} else {
						fs_err_diag(&d);
						*status = FS_EXIT_INPUT;
					}
					return 0;
				}
				/* The dashboard keeps the last good sample, says what
				 * failed, and retries. */
				report_diag(w, r, &d);
				dirty = true;
			} else if (w->replay_path && had && w->rpos == before) {
				/* At the end of the recording: nothing new. */
				if (w->mode != MODE_CURSES)
					return 0;
			} else {
				if (w->msg_error)
					w->msg[0] = 0;
				r = emit(w);
				if (r) {
					ui_stop();
					if (r == -ENOMEM) {
						fs_err("out of memory");
						*status = FS_EXIT_INTERNAL;
					} else if (r == -EPIPE) {
						fs_err("%s: %s", w->record_path, strerror(-w->record_err));
						*status = FS_EXIT_OUTPUT;
					} else {
						*status = FS_EXIT_OUTPUT;   /* fs_finish names it */
					}
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
			if (w->replay_path) {
				if (w->at_end)
					return 0;
				force = true;   /* a recording streams out at once, no pacing */
				continue;
			}
			double wait = next - now_mono();
			if (wait > 0) {
				struct pollfd p = { .fd = watch_pipe[0], .events = POLLIN };
				poll(&p, 1, (int)ceil(wait * 1000));
				watch_drain();
			}
			continue;
		}

		struct ui_frame f;
		if (st->view == UI_VIEW_MAP && !w->replay_path && w->snap &&
		    (w->map_last < 0 || now_mono() - w->map_last >= w->map_period)) {
			/* Say so first: the read takes seconds on a large machine. */
			set_msg(w, false, "reading the page map (/proc/kpageflags, /proc/kpagecount)...");
			make_frame(w, st, &f, source);
			ui_draw(st, &f);
			w->msg[0] = 0;
			read_map(w);
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
		stopped = st->paused || (w->replay_path && w->at_end);
		int timeout = -1;
		if (!stopped) {
			double wait = next - now_mono();
			timeout = wait <= 0 ? 0 : (int)ceil(wait * 1000);
		}
		/* Refresh the pagetypeinfo age in the header at least once a second. */
		if (w->pti_enabled && !w->replay_path && (timeout < 0 || timeout > 1000))
			timeout = 1000, dirty = true;
		/* The map view shows the map's age and rereads it when due. */
		if (st->view == UI_VIEW_MAP && !w->replay_path && (timeout < 0 || timeout > 1000))
			timeout = 1000, dirty = true;
		struct pollfd p[2] = { { .fd = STDIN_FILENO, .events = POLLIN }, { .fd = watch_pipe[0], .events = POLLIN } };
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
			watch_ev_want(&w->ev, true, !w->replay_path && !w->root);
			dirty = true;
		}
		if (flags & UI_REPAINT)
			ui_repaint();
		if (flags & UI_RESIZE)
			ui_resize();
		if (flags & (UI_REDRAW | UI_RESIZE))
			dirty = true;
		if (flags & UI_RETIME) {
			w->interval = st->interval;
			next = now_mono() + st->interval;
			if (!st->paused)
				w->msg[0] = w->msg_error ? w->msg[0] : 0;
		}
		if (flags & UI_RESCAN)
			force = true;
		if ((flags & (UI_STEP | UI_JUMP)) && w->replay_path) {
			size_t target = w->rpos;
			if (flags & UI_STEP)
				target = st->step < 0 ? (w->rpos ? w->rpos - 1 : 0) : w->rpos + 1;
			else if (replay_target(w, st->jump_text, &target)) {
				set_msg(w, true, "cannot jump to '%s': use +S, -S, S, HH:MM[:SS] or #N", st->jump_text);
				continue;
			}
			if (target >= w->nlines)
				target = w->nlines - 1;
			memset(&d, 0, sizeof d);
			w->msg[0] = 0;
			int r = target == w->rpos ? 0 : replay_seek(w, target, &d);
			if (r == -ENOMEM) {
				ui_stop();
				fs_err("out of memory");
				*status = FS_EXIT_INTERNAL;
				return 0;
			}
			if (r)
				report_diag(w, r, &d);
			if (w->at_end)
				set_msg(w, false, "end of the recording (%zu samples)", w->nlines);
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

static void watch_free(struct watch *w)
{
	watch_ev_free(w->ev);
	fs_report_free(w->rep);
	fs_snapshot_free(w->snap);
	fs_pagemap_free(w->map);
	ui_hist_free(w->hist);
	json_decref(w->rwatch);
	free(w->rdata);
	free(w->lines);
	free(w->rtimes);
	free(w->jbuf);
	sw_append_close(w->record);
	w->record = NULL;
	for (int i = 0; i < 2; i++)
		if (watch_pipe[i] >= 0) {
			close(watch_pipe[i]);
			watch_pipe[i] = -1;
		}
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
	struct watch w = {
		.map_period = 60, .map_last = -1, .map_status = FS_ST_UNREAD,
		.interval = 1, .pti_enabled = true, .focus_order = -1,
		.last_mono = -1, .pti_last = -1, .base_cost = -1, .pti_status = FS_ST_UNREAD,
	};
	const char *color = "auto";
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:n:r:k:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': {
			char *end;
			errno = 0;
			w.interval = strtod(optarg, &end);
			if (end == optarg || *end || errno || !isfinite(w.interval) || w.interval < 0.05 ||
			    w.interval > 86400)
				return fs_usage_error("watch", "--interval takes seconds from 0.05 to 86400, not '%s'", optarg);
			break;
		}
		case 'n':
			if ((w.iterations = fs_opt_long(optarg, LONG_MAX)) < 1)
				return fs_usage_error("watch", "--iterations takes a count of at least 1, not '%s'", optarg);
			break;
		case OPT_MAP_INTERVAL: {
			char *end;
			errno = 0;
			w.map_period = strtod(optarg, &end);
			if (end == optarg || *end || errno || !isfinite(w.map_period) || w.map_period < 1 ||
			    w.map_period > 86400)
				return fs_usage_error("watch", "--map-interval takes seconds from 1 to 86400, not '%s'", optarg);
			break;
		}
		case OPT_JSON: w.json = true; break;
		case OPT_RECORD: w.record_path = optarg; break;
		case OPT_REPLAY: w.replay_path = optarg; break;
		case 'r': w.root = optarg; break;
		case OPT_COLOR: color = optarg; break;
		case OPT_NO_PTI: w.pti_enabled = false; break;
		case OPT_ASCII: w.ascii = true; break;
		case OPT_STRICT: w.strict = true; break;
		case OPT_PAGE_SIZE:
			if (fs_parse_page_size(optarg, &w.page_size))
				return fs_usage_error("watch", "--page-size takes a power of two such as 4K or 64K, not '%s'", optarg);
			break;
		case 'k':
			if ((w.focus_order = (int)fs_opt_long(optarg, FS_MAX_ORDERS - 1)) < 0)
				return fs_usage_error("watch", "--order takes an order 0..%d, not '%s'", FS_MAX_ORDERS - 1, optarg);
			break;
		case 'h': usage(stdout); return fs_finish(FS_EXIT_OK);
		case 'V': printf("%s\n", PACKAGE_STRING); return fs_finish(FS_EXIT_OK);
		case ':': return fs_usage_error("watch", "option '%s' needs a value", argv[optind - 1]);
		default: return fs_usage_error("watch", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return fs_usage_error("watch", "unexpected argument '%s'", argv[optind]);
	if (w.replay_path && w.root)
		return fs_usage_error("watch", "--replay and --root exclude each other");
	if (w.root && !*w.root)
		return fs_usage_error("watch", "--root needs a directory, not an empty name");
	if (w.replay_path && !*w.replay_path)
		return fs_usage_error("watch", "--replay needs a file name ('-' for stdin), not an empty name");
	if (w.record_path && !*w.record_path)
		return fs_usage_error("watch", "--record needs a file name, not an empty name");
	if (w.replay_path && w.record_path)
		return fs_usage_error("watch", "--replay and --record exclude each other");
	if (w.replay_path && !w.pti_enabled)
		return fs_usage_error("watch", "--no-pagetypeinfo has no effect on a --replay");
	w.color = fs_color_mode(color, stdout);
	if (w.color < 0)
		return fs_usage_error("watch", "--color takes auto, always or never, not '%s'", color);
	if (w.json)
		w.mode = MODE_JSON;
	else if (isatty(STDOUT_FILENO) && isatty(STDIN_FILENO) && !(w.replay_path && strcmp(w.replay_path, "-") == 0))
		w.mode = MODE_CURSES;
	else
		w.mode = MODE_TEXT;

	int status = FS_EXIT_OK;
	fs_rates_window_init(&w.win, FS_RATES_WINDOW_DEFAULT);
	if (!(w.hist = ui_hist_new())) {
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
		int rr = sw_append_open(&w.record, w.record_path, &torn, &wd);
		if (rr) {
			fs_err("%s", wd.msg);
			watch_free(&w);
			return rr == -ENOMEM ? FS_EXIT_INTERNAL : wd.usage ? FS_EXIT_USAGE : FS_EXIT_OUTPUT;
		}
		if (torn)
			fs_err("warning: %s: removed a torn last line (%zu bytes) before appending", w.record_path,
			       torn);
	}
	/* A JSON line is about 20 KiB: a buffer that holds one makes each line
	 * one write(2) instead of several (the recording is one write per line). */
	if (w.mode == MODE_JSON)
		setvbuf(stdout, NULL, _IOFBF, WATCH_LINE_BUF);
	if (w.replay_path) {
		int r = replay_open(&w);
		if (r && watch_quit_sig) {
			/* Ended by a signal while loading: die of it (128 + N). */
			int qs = watch_quit_sig;
			watch_free(&w);
			fflush(stdout);
			signal(qs, SIG_DFL);
			raise(qs);
			return 128 + qs;
		}
		if (r) {
			if (r == -ENODATA)
				fs_err("%s: no JSON lines to replay", w.replay_path);
			else if (r == -EFBIG)
				fs_err("%s: larger than %u MiB; not a fragstat recording", w.replay_path,
				       (unsigned)(REPLAY_MAX >> 20));
			else
				fs_err("%s: %s", w.replay_path, strerror(-r));
			watch_free(&w);
			return r == -ENOMEM ? FS_EXIT_INTERNAL : FS_EXIT_INPUT;
		}
	}

	/* The first sample comes before curses, so that a bad --root, a
	 * malformed file or a bad --order is a plain message on a plain screen. */
	struct fs_diag d = { 0 };
	int r = w.replay_path ? replay_seek(&w, 0, &d) : live_sample(&w, &d);
	if (r) {
		if (r == -ENOMEM) {
			fs_err("out of memory");
			status = FS_EXIT_INTERNAL;
		} else {
			fs_err_diag(&d);
			status = FS_EXIT_INPUT;
		}
		watch_free(&w);
		return fs_finish(status);
	}
	if (w.page_size && w.snap->page_size != w.page_size) {
		int st = fs_apply_page_size("watch", w.snap, w.page_size);
		watch_free(&w);
		return st;
	}
	if (w.focus_order >= (int)w.snap->orders) {
		unsigned n = w.snap->orders;
		watch_free(&w);
		return fs_usage_error("watch", "--order %d is beyond this data's %u orders (0..%u)", w.focus_order, n,
				      n - 1);
	}

	char source[4200], esc[4096];
	if (w.replay_path)
		snprintf(source, sizeof source, "replay %s", fs_escape(esc, sizeof esc, w.replay_path));
	else if (w.root)
		snprintf(source, sizeof source, "root %s", fs_escape(esc, sizeof esc, w.root));
	else
		snprintf(source, sizeof source, "live");

	struct ui_state st = { .view = UI_VIEW_ORDERS, .node = -1, .focus_order = w.focus_order,
			       .interval = w.interval, .replay = w.replay_path != NULL };
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
		if (r == -EPIPE)
			fs_err("%s: %s", w.record_path, strerror(-w.record_err));
		status = r == -ENOMEM ? FS_EXIT_INTERNAL : FS_EXIT_OUTPUT;
	} else if (w.iterations != 1) {
		sig = watch_loop(&w, &st, source, &status);
	}
	ui_stop();
	watch_free(&w);
	if (sig) {
		fflush(stdout);
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return fs_finish(status);
}
