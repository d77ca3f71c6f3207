/* render_watch.c - the JSON line and text frame of `fragstat watch`
 * (render_watch.h). */
#include "config.h"

#include "render_watch.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>

#include "json_alloc.h"
#include "render.h"
#include "render_json.h"
#include "timefmt.h"
#include "kvocab.h"

static json_t *rates_json(const struct fs_watch_out *w)
{
	const struct fs_rates *rt = w->rates;
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
	fs_rates_window_ratio(w->win, &q);
	json_t *win = json_object();
	json_object_set_new_nocheck(win, "samples", json_integer(q.samples));
	json_object_set_new_nocheck(win, "seconds", json_real(q.seconds));
	json_object_set_new_nocheck(win, fs_vm_name(FS_VM_COMPACT_SUCCESS), fs_json_u64(q.success));
	json_object_set_new_nocheck(win, fs_vm_name(FS_VM_COMPACT_FAIL), fs_json_u64(q.fail));
	json_object_set_new_nocheck(win, "success_ratio", q.defined ? json_real(q.ratio) : json_null());
	json_object_set_new_nocheck(o, "window", win);
	return o;
}

static json_t *watch_json(const struct fs_watch_out *w)
{
	if (w->replay && w->recorded)
		return json_deep_copy(w->recorded);
	json_t *o = json_object();
	json_object_set_new_nocheck(o, "sample", json_integer((json_int_t)w->nsamples));
	json_object_set_new_nocheck(o, "interval_s", json_real(w->interval));
	json_t *p = json_object();
	json_object_set_new_nocheck(p, "enabled", json_boolean(w->pti_enabled));
	json_object_set_new_nocheck(p, "read", json_boolean(w->pti_read));
	json_object_set_new_nocheck(p, "age_s", w->pti_age >= 0 && w->pti_enabled
						? json_real(fs_rates_quantize(w->pti_age)) : json_null());
	json_object_set_new_nocheck(p, "read_ms", w->pti_read_ms >= 0 ? json_real(fs_rates_quantize(w->pti_read_ms))
								  : json_null());
	json_object_set_new_nocheck(p, "period_s", w->pti_enabled ? json_real(fs_rates_quantize(w->pti_period))
								   : json_null());
	json_object_set_new_nocheck(o, "pagetypeinfo", p);
	return o;
}

/* The buffer is kept from one refresh to the next: jansson dumps straight
 * into it, no string of its own to grow and copy. */
size_t fs_watch_json_line(const struct fs_watch_out *w, struct fs_watch_line *l)
{
	fs_json_oom_clear();
	json_t *doc = fs_json_report(w->report);
	if (!doc)
		return 0;
	json_object_set_new_nocheck(doc, "rates", rates_json(w));
	json_object_set_new_nocheck(doc, "watch", watch_json(w));
	const size_t flags = JSON_COMPACT | FS_JSON_DUMP_FLAGS;
	if (!l->buf) {
		char *p = malloc(FS_WATCH_LINE_BUF);
		if (p) {
			l->buf = p;
			l->cap = FS_WATCH_LINE_BUF;
		}
	}
	size_t n = fs_json_dumpb(doc, &l->buf, &l->cap, flags);
	json_decref(doc);
	if (n == 0 || fs_json_oom())
		return 0;
	l->buf[n++] = '\n';
	return n;
}

int fs_watch_text_frame(FILE *out, const struct fs_watch_out *w)
{
	char ts[FS_RFC3339_MAX] = "time unknown";
	if (w->report->snap->time_known)
		fs_rfc3339(ts, sizeof ts, w->report->snap->time_sec);
	fprintf(out, "=== fragstat watch: sample %zu at %s", w->sample, ts);
	if (w->rates->valid)
		fprintf(out, ", %.3g s after the previous", w->rates->interval);
	fputs(" ===\n", out);
	struct fs_render_opts ro = { .format = FS_FMT_TABLE, .color = w->color, .width = w->width };
	int r = fs_render_table(out, w->report, &ro);
	if (r)
		return r;
	const struct fs_rates *rt = w->rates;
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
	fs_rates_window_ratio(w->win, &q);
	if (q.defined)
		fprintf(out, "compaction success ratio over %u samples: %.1f%% (%" PRIu64 "/%" PRIu64 ")\n", q.samples,
			q.ratio * 100, q.success, q.success + q.fail);
	else
		fprintf(out, "compaction success ratio over %u samples: no compaction ran\n", q.samples);
	if (!w->replay) {
		if (!w->pti_enabled)
			fputs("pagetypeinfo: off\n", out);
		else
			fprintf(out, "pagetypeinfo: %s, read %.0f s ago\n", fs_src_status_name(w->pti_status), w->pti_age);
	}
	fputc('\n', out);
	return ferror(out) ? -EIO : 0;
}

void fs_watch_line_free(struct fs_watch_line *l)
{
	free(l->buf);
	l->buf = NULL;
	l->cap = 0;
}
