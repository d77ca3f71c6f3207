#include "config.h"

#include "rates.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const enum fs_vm rates_vm[FS_RATE_COUNT] = {
#define RATES_VM_(id) [FS_RATE_##id] = FS_VM_##id,
	FS_RATE_COUNTERS(RATES_VM_)
#undef RATES_VM_
};

const char *fs_rates_name(enum fs_rate_counter c)
{
	if ((unsigned)c >= FS_RATE_COUNT)
		return NULL;
	return fs_vm_name(rates_vm[c]);
}

/* fs_kv_get() searching from *pos onwards (wrapping round): the same answer
 * (a vmstat list has no name twice: its reader and the JSON loader see to it),
 * fewer comparisons when *pos is close. *pos becomes the index found. */
static bool kv_find(const struct fs_kvlist *l, const char *name, size_t *pos, uint64_t *out)
{
	size_t n = l->n, start = *pos < n ? *pos : 0;
	for (size_t k = 0; k < n; k++) {
		size_t i = start + k < n ? start + k : start + k - n;
		if (strcmp(l->items[i].name, name) == 0) {
			*out = l->items[i].value;
			*pos = i;
			return true;
		}
	}
	return false;
}

void fs_rates_compute(const struct fs_snapshot *prev, const struct fs_snapshot *cur,
		      double interval, struct fs_rates *out)
{
	memset(out, 0, sizeof *out);
	if (!prev || !cur)
		return;
	bool timed = isfinite(interval) && interval > 0;
	out->interval = timed ? interval : 0;
	out->valid = timed;
	/* The counters sit together in vmstat, mostly in this order, and both
	 * snapshots list them alike: look each one up from where the last was
	 * found (in prev) and where prev had it (in cur), not from the top. */
	size_t pp = 0;
	for (int c = 0; c < FS_RATE_COUNT; c++) {
		uint64_t a, b;
		if (!kv_find(&prev->vmstat, fs_rates_name(c), &pp, &a))
			continue;
		size_t cp = pp;
		if (!kv_find(&cur->vmstat, fs_rates_name(c), &cp, &b))
			continue;
		out->have[c] = true;
		if (b < a) {
			out->reset[c] = true;
			continue;
		}
		out->delta[c] = b - a;
		if (timed)
			out->per_sec[c] = (double)out->delta[c] / interval;
	}
}

void fs_rates_window_init(struct fs_rates_window *w, unsigned size)
{
	memset(w, 0, sizeof *w);
	if (size < 1)
		size = 1;
	if (size > FS_RATES_WINDOW_MAX)
		size = FS_RATES_WINDOW_MAX;
	w->size = size;
}

void fs_rates_window_push(struct fs_rates_window *w, const struct fs_rates *r)
{
	if (!r->valid || w->size == 0)
		return;
	w->success[w->head] = r->delta[FS_RATE_COMPACT_SUCCESS];
	w->fail[w->head] = r->delta[FS_RATE_COMPACT_FAIL];
	w->seconds[w->head] = r->interval;
	w->head = (w->head + 1) % w->size;
	if (w->n < w->size)
		w->n++;
}

void fs_rates_window_ratio(const struct fs_rates_window *w, struct fs_rates_ratio *out)
{
	memset(out, 0, sizeof *out);
	out->samples = w->n;
	for (unsigned i = 0; i < w->n; i++) {
		unsigned slot = (w->head + w->size - 1 - i) % w->size;
		/* Saturate: a window of huge deltas must not wrap. */
		out->success = w->success[slot] > UINT64_MAX - out->success ? UINT64_MAX
									   : out->success + w->success[slot];
		out->fail = w->fail[slot] > UINT64_MAX - out->fail ? UINT64_MAX : out->fail + w->fail[slot];
		out->seconds += w->seconds[slot];
	}
	if (out->success || out->fail) {
		out->defined = true;
		/* Divide as doubles of each part so a saturated sum cannot overflow. */
		double s = (double)out->success, f = (double)out->fail;
		out->ratio = s / (s + f);
	}
}

double fs_rates_quantize(double v)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%.6g", v);
	return strtod(buf, NULL);
}
