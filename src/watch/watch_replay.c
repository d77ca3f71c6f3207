/* watch_replay.c - `fragstat watch --replay` (watch_replay.h). */
#include "config.h"

#include "watch_replay.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load_json.h"

int watch_replay_open(struct watch_replay *rp, const char *path, volatile sig_atomic_t *quit)
{
	rp->path = path;
	bool is_stdin = strcmp(path, "-") == 0;
	int fd = STDIN_FILENO;
	if (!is_stdin) {
		/* A FIFO waits for its writer here; SIGINT/SIGTERM/SIGHUP
		 * interrupt the wait (no SA_RESTART) and end the command. */
		do
			fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		while (fd < 0 && errno == EINTR && !*quit);
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
		if (rp->len + 65536 + 1 > cap) {
			if (cap >= WATCH_REPLAY_MAX) {
				err = -EFBIG;
				break;
			}
			size_t nc = cap ? cap * 2 : 1 << 20;
			if (nc > WATCH_REPLAY_MAX)
				nc = WATCH_REPLAY_MAX;
			char *p = realloc(rp->data, nc);
			if (!p) {
				err = -ENOMEM;
				break;
			}
			rp->data = p;
			cap = nc;
		}
		ssize_t n = read(fd, rp->data + rp->len, cap - rp->len - 1);
		if (n < 0 && errno == EINTR) {
			if (*quit) {
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
		rp->len += (size_t)n;
	}
	if (!is_stdin)
		close(fd);
	if (err)
		return err;
	rp->data[rp->len] = 0;
	size_t ncap = 0;
	for (size_t off = 0; off < rp->len;) {
		char *nl = memchr(rp->data + off, '\n', rp->len - off);
		size_t end = nl ? (size_t)(nl - rp->data) : rp->len;
		size_t b = off;
		while (b < end && (rp->data[b] == ' ' || rp->data[b] == '\t' || rp->data[b] == '\r'))
			b++;
		if (b < end) {
			if (rp->nlines == ncap) {
				ncap = ncap ? ncap * 2 : 256;
				struct watch_rline *p = realloc(rp->lines, ncap * sizeof *p);
				if (!p)
					return -ENOMEM;
				rp->lines = p;
			}
			rp->lines[rp->nlines].off = off;
			rp->lines[rp->nlines].len = end - off;
			rp->nlines++;
		}
		off = end + 1;
	}
	if (!rp->nlines)
		return -ENODATA;
	rp->times = malloc(rp->nlines * sizeof *rp->times);
	if (!rp->times)
		return -ENOMEM;
	for (size_t i = 0; i < rp->nlines; i++)
		rp->times[i] = NAN;
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
static int replay_parse(struct watch_replay *rp, size_t i, struct fs_snapshot **out, double *interval,
			json_t **watchobj, struct fs_diag *d)
{
	const char *data = rp->data + rp->lines[i].off;
	size_t len = rp->lines[i].len;
	int r = fs_json_load_snapshot(rp->path, data, len, out, d);
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
	rp->times[i] = snap_time(*out);
	return 0;
}

int watch_replay_load(struct watch_replay *rp, struct watch_sample *ws, size_t i, struct fs_diag *d)
{
	struct fs_snapshot *s;
	double interval;
	json_t *wo;
	int r = replay_parse(rp, i, &s, &interval, &wo, d);
	if (r)
		return r;
	json_t *sample = json_object_get(wo, "sample");
	bool fresh = !ws->snap || i == 0 || (json_is_integer(sample) && json_integer_value(sample) == 1);
	if (!fresh && !(interval > 0))
		interval = snap_time(s) - snap_time(ws->snap);
	r = watch_sample_adopt(ws, s, interval, fresh);
	if (r) {
		json_decref(wo);
		return r;
	}
	json_decref(rp->watchobj);
	rp->watchobj = wo;
	rp->pos = i;
	rp->at_end = i + 1 >= rp->nlines;
	return 0;
}

int watch_replay_seek(struct watch_replay *rp, struct watch_sample *ws, size_t target, struct fs_diag *d)
{
	if (target >= rp->nlines)
		target = rp->nlines - 1;
	if (ws->snap && target == rp->pos + 1)
		return watch_replay_load(rp, ws, target, d);
	watch_sample_drop(ws);
	size_t from = target + 1 > UI_HIST_LEN ? target + 1 - UI_HIST_LEN : 0;
	for (size_t i = from; i <= target; i++) {
		int r = watch_replay_load(rp, ws, i, d);
		if (r)
			return r;
	}
	return 0;
}

static double line_time(struct watch_replay *rp, size_t i)
{
	if (isnan(rp->times[i])) {
		struct fs_snapshot *s;
		struct fs_diag d = { 0 };
		if (fs_json_load_snapshot(rp->path, rp->data + rp->lines[i].off, rp->lines[i].len, &s, &d) == 0) {
			rp->times[i] = snap_time(s);
			fs_snapshot_free(s);
		} else {
			rp->times[i] = -1;
		}
	}
	return rp->times[i];
}

int watch_replay_target(struct watch_replay *rp, const char *t, size_t *out)
{
	char *end;
	while (*t == ' ')
		t++;
	if (*t == '#') {
		/* A count of at least 1: digits only, no sign or blank. */
		if (t[1] < '0' || t[1] > '9')
			return -EINVAL;
		errno = 0;
		unsigned long long n = strtoull(t + 1, &end, 10);
		if (errno || *end || n < 1 || n > LONG_MAX)
			return -EINVAL;
		*out = (size_t)n - 1 < rp->nlines ? (size_t)n - 1 : rp->nlines - 1;
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
		double day = floor(line_time(rp, rp->pos) / 86400) * 86400;
		goal = day + hh * 3600.0 + mm * 60.0 + ss;
	} else {
		double v = strtod(t, &end);
		if (end == t || *end || !isfinite(v))
			return -EINVAL;
		goal = (*t == '+' || *t == '-') ? line_time(rp, rp->pos) + v : line_time(rp, 0) + v;
	}
	size_t i = 0;
	while (i + 1 < rp->nlines && line_time(rp, i) < goal)
		i++;
	*out = i;
	return 0;
}

void watch_replay_pti(const struct watch_replay *rp, const struct fs_snapshot *s, struct ui_pti *p)
{
	json_t *o = json_object_get(rp->watchobj, "pagetypeinfo");
	p->enabled = !json_is_false(json_object_get(o, "enabled"));
	p->read_ms = -1;
	p->age = -1;
	if (json_is_number(json_object_get(o, "age_s")))
		p->age = json_number_value(json_object_get(o, "age_s"));
	p->status = s ? fs_src_status_name(s->src[FS_SRC_PAGETYPEINFO]) : NULL;
	p->have = s && s->src[FS_SRC_PAGETYPEINFO] == FS_ST_OK;
}

void watch_replay_free(struct watch_replay *rp)
{
	json_decref(rp->watchobj);
	free(rp->data);
	free(rp->lines);
	free(rp->times);
	memset(rp, 0, sizeof *rp);
}
