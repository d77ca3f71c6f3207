/* The watch engine without a terminal or /proc: the sample shown
 * (src/watch/watch_sample.c), the JSON lines and text frames it renders
 * (src/render/render_watch.c), and a recording of those lines played back
 * (src/watch/watch_replay.c): lines, jumps, the recorded intervals. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "render_watch.h"
#include "watch_replay.h"
#include "watch_sample.h"

/* A one-zone snapshot read at `sec` with `stalls` compaction stalls and
 * `success` successes so far. */
static struct fs_snapshot *snap_at(int64_t sec, uint64_t stalls, uint64_t success)
{
	struct fs_snapshot *s = fs_snapshot_new();
	s->orders = 11;
	s->time_known = true;
	s->time_sec = sec;
	struct fs_zone *z = fs_node_zone_get(fs_snapshot_node_get(s, 0), "Normal");
	z->free[0] = 1000;
	z->free[9] = 2;
	z->has_buddy = true;
	s->src[FS_SRC_BUDDYINFO] = FS_ST_OK;
	s->src[FS_SRC_VMSTAT] = FS_ST_OK;
	fs_kv_set(&s->vmstat, "compact_stall", stalls);
	fs_kv_set(&s->vmstat, "compact_success", success);
	fs_kv_set(&s->vmstat, "compact_fail", 0);
	return s;
}

static struct fs_watch_out out_of(const struct watch_sample *ws)
{
	struct fs_watch_out o = {
		.report = ws->rep, .rates = &ws->rates, .win = &ws->win, .sample = ws->nsamples,
		.nsamples = ws->nsamples, .interval = 2, .pti_enabled = true, .pti_read = true,
		.pti_status = FS_ST_OK, .pti_age = 0.25, .pti_read_ms = 1.5, .pti_period = 2,
	};
	return o;
}

static char tmpl[] = "/tmp/fragstat-test-watch-XXXXXX";

/* Three samples 2 s and 3 s apart, their JSON lines into the file. */
static void record(void)
{
	struct watch_sample ws = { .focus_order = -1 };
	ok(watch_sample_init(&ws) == 0, "a sample with its history");
	int fd = mkstemp(tmpl);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	ok(f != NULL, "a temporary recording");
	if (!f)
		exit(done_testing());
	static const struct {
		int64_t sec;
		double interval;
		uint64_t stalls, success;
	} in[] = { { 1000, 0, 10, 4 }, { 1002, 2, 20, 8 }, { 1005, 3, 20, 8 } };
	struct fs_watch_line line = { 0 };
	for (size_t i = 0; i < 3; i++) {
		int r = watch_sample_adopt(&ws, snap_at(in[i].sec, in[i].stalls, in[i].success), in[i].interval, i == 0);
		is_int(r, 0, "sample %zu adopted", i + 1);
		struct fs_watch_out o = out_of(&ws);
		size_t n = fs_watch_json_line(&o, &line);
		ok(n > 0 && line.buf[n - 1] == '\n' && !memchr(line.buf, '\n', n - 1), "line %zu: one JSON line", i + 1);
		fwrite(line.buf, 1, n, f);
		if (i == 0)
			fputs("  \n\n", f);   /* blank lines are not samples */
	}
	fclose(f);
	fs_watch_line_free(&line);

	is_int((int)ws.nsamples, 3, "three samples adopted");
	ok(ws.rates.valid && ws.rates.interval == 3, "the rates are over the last 3 s");
	ok(ws.rates.delta[FS_RATE_COMPACT_STALL] == 0, "no stall in the last interval");
	is_int((int)ws.win.n, 2, "the window holds the two samples with rates");
	is_u64(ws.hist->seq, 3, "the history has three samples");

	/* The text frame of the last sample. */
	char *text = NULL;
	size_t tlen = 0;
	FILE *m = open_memstream(&text, &tlen);
	struct fs_watch_out o = out_of(&ws);
	o.width = 80;
	is_int(fs_watch_text_frame(m, &o), 0, "the text frame renders");
	fclose(m);
	ok(strstr(text, "=== fragstat watch: sample 3 at 1970-01-01T00:16:45Z, 3 s after the previous ===\n") != NULL,
	   "the frame's title: sample, time, interval");
	ok(strstr(text, "rates/s: compact_stall=0 compact_success=0 compact_fail=0") != NULL, "the rates line");
	ok(strstr(text, "compaction success ratio over 2 samples: 100.0% (4/4)\n") != NULL,
	   "the window's ratio: 4 successes, no failure");
	ok(strstr(text, "pagetypeinfo: ok, read 0 s ago\n") != NULL, "the pagetypeinfo line");
	free(text);
	o.pti_enabled = false;
	m = open_memstream(&text, &tlen);
	fs_watch_text_frame(m, &o);
	fclose(m);
	ok(strstr(text, "pagetypeinfo: off\n") != NULL, "--no-pagetypeinfo: off");
	free(text);

	watch_sample_drop(&ws);
	ok(!ws.snap && !ws.rep && ws.hist->seq == 0, "dropped: no sample, no history");
	watch_sample_free(&ws);
}

static void replay(void)
{
	static volatile sig_atomic_t quit;
	struct watch_replay rp = { 0 };
	struct watch_sample ws = { .focus_order = -1 };
	struct fs_diag d = { 0 };
	watch_sample_init(&ws);
	is_int(watch_replay_open(&rp, tmpl, &quit), 0, "the recording opens");
	is_int((int)rp.nlines, 3, "three lines; the blank ones are not samples");
	is_int(watch_replay_seek(&rp, &ws, 0, &d), 0, "to the first line");
	ok(rp.pos == 0 && !rp.at_end && ws.snap->time_sec == 1000, "line 1 at 1000 s");
	is_int(watch_replay_load(&rp, &ws, 1, &d), 0, "the next line");
	ok(ws.rates.valid && ws.rates.interval == 2, "the recorded interval, 2 s");
	ok(ws.rates.per_sec[FS_RATE_COMPACT_STALL] == 5, "10 stalls in 2 s: 5/s, as recorded");

	struct ui_pti p = { 0 };
	watch_replay_pti(&rp, ws.snap, &p);
	ok(p.enabled && p.age == 0.25 && p.read_ms == -1, "the header's pagetypeinfo age as recorded");

	static const struct {
		const char *text;
		int line;
		const char *why;
	} jumps[] = {
		{ "#3", 2, "#3: the third line" },
		{ "#99", 2, "#99: the last line" },
		{ "+2", 2, "+2 s from 1002: the line at 1005 (the first at or after 1004)" },
		{ "-100", 0, "-100 s: the first line" },
		{ "2", 1, "2 s from the start: the line at 1002" },
		{ " 0:16:42", 1, "00:16:42 UTC: the line at 1002" },
		{ "0:16:43", 2, "00:16:43: the first line after it" },
	};
	size_t t = 99;
	for (size_t i = 0; i < sizeof jumps / sizeof jumps[0]; i++) {
		t = 99;
		int r = watch_replay_target(&rp, jumps[i].text, &t);
		ok(r == 0 && (int)t == jumps[i].line, "%s", jumps[i].why);
	}
	static const char *const bad[] = { "#0", "#", "#-1", "#+2", "# 2", "#2x", "abc", "1:x", "1:2:x", "", "inf" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		is_int(watch_replay_target(&rp, bad[i], &t), -EINVAL, "'%s' is not a target", bad[i]);

	is_int(watch_replay_seek(&rp, &ws, 7, &d), 0, "a seek beyond the end");
	ok(rp.pos == 2 && rp.at_end, "stops at the last line");
	is_u64(ws.hist->seq, 3, "the history is rebuilt from the start: three samples");
	ok(ws.rates.interval == 3, "with the last line's recorded interval");
	watch_replay_free(&rp);
	watch_sample_free(&ws);

	/* What cannot be replayed. */
	FILE *f = fopen(tmpl, "w");
	fputs("\n \t\r\n", f);
	fclose(f);
	is_int(watch_replay_open(&rp, tmpl, &quit), -ENODATA, "only blank lines: nothing to replay");
	watch_replay_free(&rp);
	f = fopen(tmpl, "w");
	fputs("{\"schema_version\":2}\n", f);
	fclose(f);
	watch_sample_init(&ws);
	watch_replay_open(&rp, tmpl, &quit);
	ok(watch_replay_seek(&rp, &ws, 0, &d) < 0 && d.line == 1, "a line that is no snapshot: an error naming line 1");
	watch_replay_free(&rp);
	watch_sample_free(&ws);
	is_int(watch_replay_open(&rp, "/", &quit), -EISDIR, "a directory is refused");
	watch_replay_free(&rp);
	is_int(watch_replay_open(&rp, "/nonexistent/recording", &quit), -ENOENT, "a missing file: ENOENT");
	watch_replay_free(&rp);
	unlink(tmpl);
}

int main(void)
{
	record();
	replay();
	return done_testing();
}
