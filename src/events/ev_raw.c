#include "config.h"

#include "ev_raw.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void ev_raw_meta_free(struct ev_raw_meta *m)
{
	free(m->lost);
	m->lost = NULL;
	m->nlost = 0;
}

static int want_u64(struct fs_cursor *c, struct fs_diag *d, const char **p, uint64_t *v, const char *what)
{
	const char *q = fs_skip_blank(*p, c->eol);
	const char *s = q;
	int rc = fs_parse_u64(&q, c->eol, v);
	if (rc || (q < c->eol && *q != ' ' && *q != '\t'))
		return fs_cursor_err(c, d, s, "expected %s (an unsigned integer)", what);
	*p = q;
	return 0;
}

static int want_name(struct fs_cursor *c, struct fs_diag *d, const char **p, char *buf, size_t size)
{
	const char *q = fs_skip_blank(*p, c->eol);
	const char *s = q;
	if (fs_parse_word(&q, c->eol, buf, size))
		return fs_cursor_err(c, d, s, "expected a name of 1 to %zu characters", size - 1);
	for (const char *x = buf; *x; x++)
		if ((unsigned char)*x < 0x21 || (unsigned char)*x > 0x7e)
			return fs_cursor_err(c, d, s, "expected a name of printable characters");
	*p = q;
	return 0;
}

int ev_raw_meta_parse(const char *file, const char *data, size_t len, struct ev_raw_meta *m,
		      struct fs_diag *d)
{
	struct fs_cursor c;
	size_t caplost = 0;
	bool first = true;
	memset(m, 0, sizeof *m);
	m->cfg.pageblock_order = -1;
	m->cfg.status_continue = -1;
	fs_cursor_init(&c, file, data, len);
	while (fs_cursor_next(&c)) {
		const char *p = fs_skip_blank(c.line, c.eol);
		char key[32];
		uint64_t v, w;
		int rc;
		if (p >= c.eol || *p == '#')
			continue;
		const char *ks = p;
		if (fs_parse_word(&p, c.eol, key, sizeof key))
			return fs_cursor_err(&c, d, ks, "expected a key");
		if (first) {
			if (strcmp(key, "fragstat-events") != 0 || (rc = want_u64(&c, d, &p, &v, "a version")) || v != 1)
				return fs_cursor_err(&c, d, ks, "expected \"fragstat-events 1\"");
			first = false;
		} else if (strcmp(key, "subbuf_size") == 0) {
			if ((rc = want_u64(&c, d, &p, &v, "a size")))
				return rc;
			if (v < 64 || v > 1024 * 1024)
				return fs_cursor_err(&c, d, ks, "expected a sub-buffer size of 64 bytes to 1 MiB");
			m->subbuf_size = (size_t)v;
		} else if (strcmp(key, "cpus") == 0) {
			if ((rc = want_u64(&c, d, &p, &v, "a CPU count")))
				return rc;
			if (v < 1 || v > 1024)
				return fs_cursor_err(&c, d, ks, "expected 1 to 1024 CPUs");
			m->ncpus = (unsigned)v;
		} else if (strcmp(key, "start_ns") == 0) {
			if ((rc = want_u64(&c, d, &p, &m->start_ns, "nanoseconds")))
				return rc;
		} else if (strcmp(key, "end_ns") == 0) {
			if ((rc = want_u64(&c, d, &p, &m->end_ns, "nanoseconds")))
				return rc;
		} else if (strcmp(key, "interval_ns") == 0) {
			if ((rc = want_u64(&c, d, &p, &m->interval_ns, "nanoseconds")))
				return rc;
			if (m->interval_ns < 1000000)
				return fs_cursor_err(&c, d, ks, "expected an interval of at least 1 ms");
		} else if (strcmp(key, "pageblock_order") == 0) {
			if ((rc = want_u64(&c, d, &p, &v, "an order")))
				return rc;
			if (v > 30)
				return fs_cursor_err(&c, d, ks, "expected a pageblock order 0..30");
			m->cfg.pageblock_order = (int)v;
		} else if (strcmp(key, "mt") == 0) {
			if ((rc = want_u64(&c, d, &p, &v, "a migratetype index")))
				return rc;
			if (v >= 8)
				return fs_cursor_err(&c, d, ks, "expected a migratetype index 0..7");
			if ((rc = want_name(&c, d, &p, m->cfg.mt_names[v], EV_NAME_MAX)))
				return rc;
			if (v + 1 > m->cfg.nmt)
				m->cfg.nmt = (unsigned)v + 1;
		} else if (strcmp(key, "zone") == 0) {
			if (m->cfg.nzones >= EV_MAX_ZONES)
				return fs_cursor_err(&c, d, ks, "expected at most %d zones", EV_MAX_ZONES);
			struct ev_zone_ref *z = &m->cfg.zones[m->cfg.nzones];
			if ((rc = want_u64(&c, d, &p, &v, "a node id")))
				return rc;
			if (v > 4095)
				return fs_cursor_err(&c, d, ks, "expected a node id 0..4095");
			z->nid = (int)v;
			if ((rc = want_name(&c, d, &p, z->name, sizeof z->name)) ||
			    (rc = want_u64(&c, d, &p, &z->start_pfn, "a start pfn")) ||
			    (rc = want_u64(&c, d, &p, &z->spanned, "a page count")))
				return rc;
			m->cfg.nzones++;
		} else if (strcmp(key, "kcompactd") == 0) {
			if ((rc = want_u64(&c, d, &p, &v, "a pid")))
				return rc;
			if (v > INT32_MAX || m->cfg.nkcd >= 64)
				return fs_cursor_err(&c, d, ks, "expected at most 64 pids below 2^31");
			m->cfg.kcd_pids[m->cfg.nkcd++] = (int32_t)v;
		} else if (strcmp(key, "lost") == 0) {
			if ((rc = want_u64(&c, d, &p, &v, "nanoseconds")) || (rc = want_u64(&c, d, &p, &w, "a count")))
				return rc;
			if (m->nlost >= EV_RAW_MAX_LOST)
				return fs_cursor_err(&c, d, ks, "expected at most %d lost lines", EV_RAW_MAX_LOST);
			if (m->nlost == caplost) {
				size_t nc = caplost ? caplost * 2 : 64;
				void *q = realloc(m->lost, nc * sizeof *m->lost);
				if (!q)
					return -ENOMEM;
				m->lost = q;
				caplost = nc;
			}
			m->lost[m->nlost].t = v;
			m->lost[m->nlost++].lost = w;
		} else {
			return fs_cursor_err(&c, d, ks, "expected a known key (subbuf_size, cpus, start_ns, end_ns, "
					     "interval_ns, pageblock_order, mt, zone, kcompactd, lost)");
		}
		p = fs_skip_blank(p, c.eol);
		if (p < c.eol && *p != '#')
			return fs_cursor_err(&c, d, p, "expected end of line");
	}
	if (first)
		return fs_diag_set(d, file, 0, 0, "expected \"fragstat-events 1\" on the first line");
	if (!m->subbuf_size || !m->ncpus || !m->interval_ns || m->end_ns < m->start_ns)
		return fs_diag_set(d, file, 0, 0,
				   "expected subbuf_size, cpus, interval_ns and end_ns >= start_ns");
	return 0;
}

int ev_raw_meta_write(const char *dir, const struct ev_raw_meta *m, struct fs_diag *d)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/meta", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		int e = errno;
		fs_diag_set(d, path, 0, 0, "%s", strerror(e));
		return -e;
	}
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	fprintf(f, "fragstat-events 1\nsubbuf_size %zu\ncpus %u\nstart_ns %llu\nend_ns %llu\ninterval_ns %llu\n",
		m->subbuf_size, m->ncpus, (unsigned long long)m->start_ns, (unsigned long long)m->end_ns,
		(unsigned long long)m->interval_ns);
	if (m->cfg.pageblock_order >= 0)
		fprintf(f, "pageblock_order %d\n", m->cfg.pageblock_order);
	for (unsigned i = 0; i < m->cfg.nmt; i++)
		if (m->cfg.mt_names[i][0])
			fprintf(f, "mt %u %s\n", i, m->cfg.mt_names[i]);
	for (unsigned i = 0; i < m->cfg.nzones; i++)
		fprintf(f, "zone %d %s %llu %llu\n", m->cfg.zones[i].nid, m->cfg.zones[i].name,
			(unsigned long long)m->cfg.zones[i].start_pfn, (unsigned long long)m->cfg.zones[i].spanned);
	for (unsigned i = 0; i < m->cfg.nkcd; i++)
		fprintf(f, "kcompactd %d\n", (int)m->cfg.kcd_pids[i]);
	for (size_t i = 0; i < m->nlost; i++)
		fprintf(f, "lost %llu %llu\n", (unsigned long long)m->lost[i].t, (unsigned long long)m->lost[i].lost);
	int bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		fs_diag_set(d, path, 0, 0, "write failed");
		return -EIO;
	}
	return 0;
}

int ev_raw_replay(const char *dir, const struct ev_raw_meta *m, struct ev_decoder *dec, ev_sink sink,
		  void *ctx, struct ev_decode_stats *st, struct fs_diag *d)
{
	char path[4096];
	unsigned char *buf = malloc(m->subbuf_size);
	int rc = 0;
	if (!buf)
		return -ENOMEM;
	for (unsigned c = 0; c < m->ncpus && !rc; c++) {
		snprintf(path, sizeof path, "%s/per_cpu/cpu%u.raw", dir, c);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;   /* an offline CPU */
			rc = -errno;
			fs_diag_set(d, path, 0, 0, "%s", strerror(-rc));
			break;
		}
		for (uint64_t off = 0;; off += m->subbuf_size) {
			size_t got = 0;
			while (got < m->subbuf_size) {
				ssize_t n = read(fd, buf + got, m->subbuf_size - got);
				if (n < 0 && errno == EINTR)
					continue;
				if (n <= 0) {
					if (n < 0)
						rc = -errno;
					break;
				}
				got += (size_t)n;
			}
			if (rc) {
				fs_diag_set(d, path, 0, 0, "%s", strerror(-rc));
				break;
			}
			if (got == 0)
				break;
			if (got < m->subbuf_size) {
				rc = fs_diag_set(d, path, 0, 0, "expected sub-buffers of %zu bytes, found %zu at offset %llu",
						 m->subbuf_size, got, (unsigned long long)off);
				break;
			}
			rc = ev_decode_subbuf(dec, buf, m->subbuf_size, (int)c, sink, ctx, st, d);
			if (rc == -EINVAL && (!d->file || !d->file[0])) {
				char msg[sizeof d->msg];
				snprintf(msg, sizeof msg, "%s", d->msg);
				fs_diag_set(d, path, 0, 0, "at offset %llu: %s", (unsigned long long)off, msg);
			}
			if (rc)
				break;
		}
		close(fd);
	}
	free(buf);
	return rc;
}
