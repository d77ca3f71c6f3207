#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#ifndef HAVE_TRACEFS

int cmd_events_main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			printf("Usage: fragstat events [OPTIONS]\n"
			       "This fragstat was built without libtracefs/libtraceevent (configure\n"
			       "--without-tracefs or the libraries missing): 'events' is not available.\n");
			return fs_finish(FS_EXIT_OK);
		}
	fs_err("events: this fragstat was built without libtracefs/libtraceevent");
	return FS_EXIT_USAGE;
}

#else

#include "collect.h"
#include "ev.h"
#include "ev_agg.h"
#include "ev_decode.h"
#include "ev_live.h"
#include "ev_raw.h"
#include "cmd_events.h"
#include "ev_trace.h"
#include <jansson.h>

#include "render_events.h"
#include "render_json.h"
#include "snapshot.h"

enum fmt { FMT_TABLE, FMT_JSON, FMT_PROM };

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: fragstat events [OPTIONS]\n"
		"Read the kernel's fragmentation and compaction tracepoints (root, tracefs)\n"
		"in a private tracefs instance and report per interval and in total:\n"
		"mm_page_alloc_extfrag fallbacks (steals and claims, pageblock-mixing ones\n"
		"called out), compaction runs by zone, order, trigger and end status with\n"
		"scan and migration counts, deferrals, and events the ring buffer lost.\n"
		"\n"
		"Options:\n"
		"  -d, --duration SEC      stop after SEC seconds (default: at SIGINT/SIGTERM)\n"
		"  -i, --interval SEC      report every SEC seconds (default 10)\n"
		"  -o, --format FMT        table (default), json (one document at the end) or\n"
		"                          prometheus (counters of the totals)\n"
		"      --json-lines        one JSON object per interval as it ends, then a\n"
		"                          last line with the totals\n"
		"      --buffer-kb N       ring buffer per CPU in KiB (default 4096)\n"
		"      --save-raw DIR      also keep the format files and raw per-CPU buffers\n"
		"                          in DIR (a new directory)\n"
		"      --from-raw DIR      report on a recording --save-raw kept (no root)\n"
		"      --record-trace FILE record mm_page_alloc/mm_page_free for --duration\n"
		"                          (default 10) as a 'simulate --trace' file; see\n"
		"                          fragstat(1)\n"
		"  -h, --help              show this help and exit\n"
		"  -V, --version           show the version and exit\n"
		"\n"
		"Without tracefs mounted, fragstat mounts it in a private mount namespace\n"
		"of its own. The instance fragstat-PID is removed on exit and on SIGINT,\n"
		"SIGTERM and SIGHUP; instances of fragstat processes that no longer run\n"
		"(SIGKILL) are removed by the next run.\n"
		"Exit status: 0 ok, 1 usage error or built without tracefs, 2 not root, no\n"
		"tracefs, required events missing or a bad --from-raw recording, 3 output\n"
		"error, 4 internal error.\n");
}

static int parse_secs(const char *s, uint64_t *ns)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0.001) || v > 1e7)
		return -1;
	*ns = (uint64_t)(v * 1e9 + 0.5);
	return 0;
}

static int rec_cmp(const void *a, const void *b)
{
	const struct ev_rec *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	return 0;
}

/* Feed the records before `until` (sorted), keep the rest for later. */
static int feed_until(struct ev_agg *a, struct ev_recbuf *b, uint64_t until, bool all)
{
	size_t k = ev_recbuf_before(b, until, all, rec_cmp);
	for (size_t i = 0; i < k; i++) {
		int rc = ev_agg_feed(a, &b->r[i]);
		if (rc)
			return rc;
	}
	ev_recbuf_shift(b, k);
	return 0;
}

struct out {
	enum fmt fmt;
	bool json_lines;
	bool interval_lines;   /* table: a block per interval */
	json_t *intervals;
	struct ev_render_info info;
	uint64_t interval_ns;
	unsigned n;
};

static int emit_interval(struct out *o, const struct ev_agg *a)
{
	const struct ev_stats *s = ev_agg_interval(a);
	o->n++;
	if (o->json_lines) {
		json_t *j = ev_json_stats(ev_agg_config(a), s);
		if (!j)
			return -ENOMEM;
		json_object_set_new(j, "interval", json_integer(o->n));
		char *txt = fs_json_dumps(j, JSON_COMPACT, NULL);
		json_decref(j);
		if (!txt)
			return -ENOMEM;
		puts(txt);
		free(txt);
		fflush(stdout);
	} else if (o->fmt == FMT_JSON) {
		json_t *j = ev_json_stats(ev_agg_config(a), s);
		if (!j || json_array_append_new(o->intervals, j))
			return -ENOMEM;
	} else if (o->fmt == FMT_TABLE && o->interval_lines) {
		char title[64];
		snprintf(title, sizeof title, "interval %u", o->n);
		ev_table_stats(stdout, ev_agg_config(a), s, title, &o->info, false);
		fflush(stdout);
	}
	return 0;
}

static int emit_totals(struct out *o, const struct ev_agg *a)
{
	const struct ev_stats *t = ev_agg_totals(a);
	o->info.open_runs = ev_agg_open_runs(a);
	if (o->json_lines || o->fmt == FMT_JSON) {
		json_t *doc = json_object();
		json_object_set_new(doc, "events_schema_version", json_integer(1));
		json_object_set_new(doc, "fragstat_version", json_string(PACKAGE_VERSION));
		json_object_set_new(doc, "recording", ev_json_info(&o->info, o->interval_ns));
		if (!o->json_lines)
			json_object_set_new(doc, "intervals", json_incref(o->intervals));
		json_object_set_new(doc, "totals", ev_json_stats(ev_agg_config(a), t));
		char *txt = fs_json_dumps(doc, o->json_lines ? JSON_COMPACT : JSON_INDENT(2), NULL);
		json_decref(doc);
		if (!txt)
			return -ENOMEM;
		puts(txt);
		free(txt);
	} else if (o->fmt == FMT_PROM) {
		ev_prom_totals(stdout, ev_agg_config(a), t, &o->info);
	} else {
		ev_table_stats(stdout, ev_agg_config(a), t, "total", &o->info, true);
	}
	return 0;
}

static int from_raw(const char *dir, struct out *o)
{
	char path[4096];
	struct fs_buf b = { 0 };
	struct fs_diag d = { 0 };
	struct ev_raw_meta m;
	struct ev_decoder *dec = NULL;
	struct ev_recbuf rb = { .max = SIZE_MAX / sizeof(struct ev_rec) };
	struct ev_agg *a = NULL;
	struct ev_decode_stats st = { 0 };
	int status = FS_EXIT_OK, rc;

	snprintf(path, sizeof path, "%s/meta", dir);
	rc = fs_file_read(path, &b);
	if (rc) {
		fs_err("%s: %s", path, strerror(-rc));
		return FS_EXIT_INPUT;
	}
	rc = ev_raw_meta_parse(path, b.data, b.len, &m, &d);
	fs_buf_free(&b);
	if (rc) {
		ev_raw_meta_free(&m);
		return fs_read_failed(rc, &d);
	}
	snprintf(path, sizeof path, "%s/events", dir);
	rc = ev_decoder_open(path, EV_MASK_REPORT, &dec, &d);
	if (!rc)
		rc = ev_raw_replay(dir, &m, dec, ev_recbuf_sink, &rb, &st, &d);
	if (rc) {
		status = fs_read_failed(rc, &d);
		goto out;
	}
	ev_cfg_from_decoder(&m.cfg, dec);
	o->info.missing_kinds = EV_MASK_REPORT & ~ev_decoder_have(dec);
	o->interval_ns = m.interval_ns;
	a = ev_agg_new(&m.cfg, m.start_ns);
	if (!a) {
		status = FS_EXIT_INTERNAL;
		goto out;
	}
	uint64_t lost_prev = 0;
	size_t li = 0;
	for (uint64_t t = m.start_ns; t < m.end_ns || t == m.start_ns;) {
		uint64_t next = t + m.interval_ns;
		if (next > m.end_ns)
			next = m.end_ns;
		bool last = next >= m.end_ns;
		if ((rc = feed_until(a, &rb, next, last)))
			goto oom;
		while (li < m.nlost && m.lost[li].t <= next) {
			if (m.lost[li].lost >= lost_prev)
				ev_agg_add_lost(a, m.lost[li].lost - lost_prev, 0);
			lost_prev = m.lost[li].lost;
			li++;
		}
		if (last)
			ev_agg_add_lost(a, 0, st.missed_unknown);   /* counts: the meta lines, as live */
		ev_agg_close(a, next);
		if ((rc = emit_interval(o, a)))
			goto oom;
		if (last)
			break;
		t = next;
	}
	if ((rc = emit_totals(o, a)))
		goto oom;
	goto out;
oom:
	fs_err("out of memory");
	status = FS_EXIT_INTERNAL;
out:
	ev_agg_free(a);
	ev_decoder_free(dec);
	ev_raw_meta_free(&m);
	free(rb.r);
	return status;
}

static int trace_error(const struct fs_diag *d, int rc)
{
	switch (rc) {
	case -EPERM:
		fs_err("events: %s (run as root)", d->msg);
		return FS_EXIT_INPUT;
	case -ENODEV:
		fs_err("events: %s", d->msg);
		return FS_EXIT_INPUT;
	case -ENOENT:
		fs_err_diag(d);
		return FS_EXIT_INPUT;
	case -ENOMEM:
		fs_err("out of memory");
		return FS_EXIT_INTERNAL;
	default:
		fs_err_diag(d);
		return FS_EXIT_INPUT;
	}
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Sleep until CLOCK_MONOTONIC `until` or a signal. */
static void sleep_until(uint64_t until)
{
	while (!stop_signal) {
		uint64_t now = ev_trace_now();
		if (now >= until)
			return;
		uint64_t left = until - now;
		struct timespec ts = { (time_t)(left / 1000000000u), (long)(left % 1000000000u) };
		if (nanosleep(&ts, NULL) == 0)
			return;
	}
}

static int live(struct out *o, uint64_t duration_ns, unsigned buffer_kb, const char *save_dir)
{
	struct ev_trace *t = NULL;
	struct ev_trace_info ti;
	struct fs_diag d = { 0 };
	struct ev_trace_opts to = { .want = EV_MASK_REPORT, .buffer_kb = buffer_kb, .save_dir = save_dir };
	struct ev_recbuf rb = { .max = 1u << 20 };
	struct ev_decode_stats st = { 0 };
	struct ev_agg *a = NULL;
	struct ev_raw_meta meta = { 0 };
	size_t caplost = 0;
	int status = FS_EXIT_OK, rc;

	if (save_dir && mkdir(save_dir, 0755) != 0) {
		fs_err("%s: %s (--save-raw needs a new directory)", save_dir, strerror(errno));
		return errno == EEXIST ? FS_EXIT_USAGE : FS_EXIT_OUTPUT;
	}
	install_signals();
	rc = ev_trace_open(&to, &t, &ti, &d);
	if (rc) {
		status = trace_error(&d, rc);
		goto out;
	}
	if (ti.stale_removed)
		fs_err("events: removed %u tracefs instance(s) left by fragstat processes that no longer run",
		       ti.stale_removed);
	struct ev_agg_config cfg;
	memset(&cfg, 0, sizeof cfg);
	ev_cfg_from_live(&cfg);
	ev_cfg_from_decoder(&cfg, ev_trace_decoder(t));
	o->info.instance = ti.instance;
	o->info.missing_kinds = EV_MASK_REPORT & ~ev_decoder_have(ev_trace_decoder(t));

	uint64_t lost0 = 0, lost_prev = 0, lost_now = 0;
	uint64_t t0 = ev_trace_now();
	if ((rc = ev_trace_lost(t, &lost0, &d)) || (rc = ev_trace_start(t, &d))) {
		status = trace_error(&d, rc);
		goto out;
	}
	uint64_t end = duration_ns ? t0 + duration_ns : UINT64_MAX;
	a = ev_agg_new(&cfg, t0);
	if (!a) {
		status = FS_EXIT_INTERNAL;
		goto out;
	}
	meta.cfg = cfg;
	meta.start_ns = t0;
	meta.interval_ns = o->interval_ns;
	meta.ncpus = ti.ncpus;
	meta.subbuf_size = ti.subbuf_size;
	lost_prev = lost0;
	for (uint64_t tick = t0;;) {
		uint64_t next = tick + o->interval_ns;
		if (next > end)
			next = end;
		sleep_until(next);
		uint64_t now = ev_trace_now();
		bool last = stop_signal || now >= end;
		if (last) {
			/* Every record is older than the time read after tracing_on 0. */
			ev_trace_stop(t);
			next = ev_trace_now();
		}
		/* Otherwise the interval ends at its nominal time: records after
		 * it wait in rb for the next one. */
		rc = ev_trace_drain(t, ev_recbuf_sink, &rb, &st, &d);
		if (rc == -ENOMEM)
			goto oom;
		if (rc) {
			status = trace_error(&d, rc);
			goto out;
		}
		if ((rc = feed_until(a, &rb, next, last)))
			goto oom;
		if (ev_trace_lost(t, &lost_now, &d) == 0 && lost_now >= lost_prev) {
			ev_agg_add_lost(a, lost_now - lost_prev, 0);
			lost_prev = lost_now;
		}
		if (last)
			ev_agg_add_lost(a, 0, st.missed_unknown);
		ev_agg_close(a, next);
		if (save_dir && meta.nlost < EV_RAW_MAX_LOST) {
			if (meta.nlost == caplost) {
				size_t nc = caplost ? caplost * 2 : 64;
				void *q = realloc(meta.lost, nc * sizeof *meta.lost);
				if (!q)
					goto oom;
				meta.lost = q;
				caplost = nc;
			}
			meta.lost[meta.nlost].t = next;
			meta.lost[meta.nlost++].lost = lost_now - lost0;
		}
		if ((rc = emit_interval(o, a)))
			goto oom;
		if (last)
			break;
		tick = next;
	}
	o->info.reader_dropped = rb.dropped;
	meta.end_ns = ev_agg_totals(a)->t_end;
	if (save_dir && (rc = ev_raw_meta_write(save_dir, &meta, &d))) {
		fs_err_diag(&d);
		status = FS_EXIT_OUTPUT;
	}
	rc = ev_trace_close(t);
	t = NULL;
	if (rc) {
		fs_err("events: removing the tracefs instance %s failed: %s", ti.instance, strerror(-rc));
		status = FS_EXIT_INTERNAL;
	}
	if ((rc = emit_totals(o, a)))
		goto oom;
	goto out;
oom:
	fs_err("out of memory");
	status = FS_EXIT_INTERNAL;
out:
	if (t && (rc = ev_trace_close(t))) {
		fs_err("events: removing the tracefs instance %s failed: %s", ti.instance, strerror(-rc));
		status = FS_EXIT_INTERNAL;
	}
	ev_agg_free(a);
	free(rb.r);
	free(meta.lost);
	return status;
}

int cmd_events_main(int argc, char **argv)
{
	enum { OPT_JSON_LINES = 256, OPT_BUFFER_KB, OPT_SAVE_RAW, OPT_FROM_RAW, OPT_RECORD_TRACE };
	static const struct option longopts[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "interval", required_argument, NULL, 'i' },
		{ "format", required_argument, NULL, 'o' },
		{ "json-lines", no_argument, NULL, OPT_JSON_LINES },
		{ "buffer-kb", required_argument, NULL, OPT_BUFFER_KB },
		{ "save-raw", required_argument, NULL, OPT_SAVE_RAW },
		{ "from-raw", required_argument, NULL, OPT_FROM_RAW },
		{ "record-trace", required_argument, NULL, OPT_RECORD_TRACE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct out o = { .fmt = FMT_TABLE, .interval_ns = 10000000000ull };
	uint64_t duration = 0;
	long buffer_kb = 4096;
	const char *save_dir = NULL, *from_dir = NULL, *record = NULL;
	bool have_interval = false;
	int opt;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":d:i:o:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			if (parse_secs(optarg, &duration))
				return fs_usage_error("events", "--duration: expected seconds (0.001 to 1e7), found '%s'", optarg);
			break;
		case 'i':
			if (parse_secs(optarg, &o.interval_ns))
				return fs_usage_error("events", "--interval: expected seconds (0.001 to 1e7), found '%s'", optarg);
			have_interval = true;
			break;
		case 'o':
			if (strcmp(optarg, "table") == 0)
				o.fmt = FMT_TABLE;
			else if (strcmp(optarg, "json") == 0)
				o.fmt = FMT_JSON;
			else if (strcmp(optarg, "prometheus") == 0 || strcmp(optarg, "prom") == 0)
				o.fmt = FMT_PROM;
			else
				return fs_usage_error("events", "--format: expected table, json or prometheus, found '%s'", optarg);
			break;
		case OPT_JSON_LINES: o.json_lines = true; break;
		case OPT_BUFFER_KB:
			buffer_kb = fs_opt_long(optarg, 1048576);
			if (buffer_kb < 4)
				return fs_usage_error("events", "--buffer-kb: expected 4 to 1048576, found '%s'", optarg);
			break;
		case OPT_SAVE_RAW: save_dir = optarg; break;
		case OPT_FROM_RAW: from_dir = optarg; break;
		case OPT_RECORD_TRACE: record = optarg; break;
		default: return fs_opt_other("events", opt, argv, usage);
		}
	}
	if (optind < argc)
		return fs_usage_error("events", "unexpected argument '%s'", argv[optind]);
	if (o.json_lines && o.fmt == FMT_PROM)
		return fs_usage_error("events", "--json-lines and --format prometheus exclude each other");
	if (from_dir && (save_dir || record))
		return fs_usage_error("events", "--from-raw reads a recording; it takes no --save-raw or --record-trace");
	if (record && (save_dir || o.json_lines || o.fmt != FMT_TABLE))
		return fs_usage_error("events", "--record-trace takes only --duration and --buffer-kb");
	if (o.json_lines)
		o.fmt = FMT_JSON;
	o.interval_lines = have_interval;
	if (!have_interval && duration && !from_dir)
		o.interval_ns = duration;
	o.info.source = from_dir ? from_dir : "live";
	if (o.fmt == FMT_JSON && !o.json_lines && !(o.intervals = json_array()))
		return fs_finish(FS_EXIT_INTERNAL);

	fs_json_oom_clear();
	int status;
	if (record) {
		install_signals();
		status = ev_record_trace(record, duration ? duration : 10000000000ull, (unsigned)buffer_kb,
					 &stop_signal);
	} else if (from_dir)
		status = from_raw(from_dir, &o);
	else
		status = live(&o, duration, (unsigned)buffer_kb, save_dir);
	json_decref(o.intervals);
	return fs_finish(status);
}

#endif
