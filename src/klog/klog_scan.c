/* klog_scan.c - turn a pasted kernel log into logical kernel lines.
 *
 * Undoes, in this order: quoted-printable (only when the text is QP:
 * "=3D" present), per-line prefixes ("> " quoting, printk "[ 1.2]"
 * timestamps and "[ T60]" caller ids, dmesg -T dates, syslog/journal
 * "Mon DD HH:MM:SS host kernel: ", "kern  :warn  : ", Android
 * "[MM-DD HH:MM:SS.mmm]"), escaped newlines (rsyslog "#012", literal
 * "\x0a"), and hard wraps (a line without the prefix the log's lines
 * carry continues the previous one). Lines of other syslog programs are
 * dropped. Nothing here prints.
 */
#include "config.h"

#include "klog_scan.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct sbuf {
	char *p;
	size_t n, cap;
};

static int sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap : 256;
		while (nc < b->n + n + 1)
			nc *= 2;
		char *np = realloc(b->p, nc);
		if (!np)
			return -ENOMEM;
		b->p = np;
		b->cap = nc;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Leading quote markers: "> ", ">> ", "> > ", ">   " (one space eaten). */
static const char *skip_quote(const char *p, const char *end, bool *quoted)
{
	const char *q = p;
	while (q < end && is_blank(*q))
		q++;
	if (q >= end || *q != '>')
		return p;
	while (q < end && (*q == '>' || (*q == ' ' && q + 1 < end && q[1] == '>')))
		q++;
	if (q < end && *q == ' ')
		q++;
	*quoted = true;
	return q;
}

static void set_time(char *time, size_t tsz, const char *s, size_t n)
{
	if (time[0] || tsz == 0)
		return;
	if (n >= tsz)
		n = tsz - 1;
	size_t j = 0;
	for (size_t i = 0; i < n; i++)
		if (!(j == 0 && s[i] == ' '))
			time[j++] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	while (j && time[j - 1] == ' ')
		j--;
	time[j] = '\0';
}

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

static bool word3(const char *p, const char *end, const char *const *set, size_t n)
{
	if (end - p < 3)
		return false;
	for (size_t i = 0; i < n; i++)
		if (memcmp(p, set[i], 3) == 0)
			return true;
	return false;
}

/* "HH:MM:SS" at p; returns the end or NULL. */
static const char *clock_at(const char *p, const char *end)
{
	if (end - p < 8)
		return NULL;
	for (int i = 0; i < 8; i++) {
		bool colon = i == 2 || i == 5;
		if (colon ? p[i] != ':' : !is_digit(p[i]))
			return NULL;
	}
	return p + 8;
}

/* One bracketed prefix at p ('[' included, or missing with a bare
 * "123.456]"): printk time, caller id, dmesg -T date, Android date.
 * Returns the end (after ']') or NULL. */
static const char *bracket_at(const char *p, const char *end, char *time, size_t tsz)
{
	const char *q = p, *in;
	bool open = q < end && *q == '[';
	if (open)
		q++;
	in = q;
	while (q < end && *q == ' ')
		q++;
	/* printk time: digits '.' digits ']' */
	const char *r = q;
	while (r < end && is_digit(*r))
		r++;
	if (r > q && r < end && *r == '.') {
		const char *f = ++r;
		while (r < end && is_digit(*r))
			r++;
		if (r > f && r < end && *r == ']') {
			set_time(time, tsz, q, (size_t)(r - q));
			return r + 1;
		}
	}
	if (!open)
		return NULL;
	/* caller id: [T60] / [C1] */
	if (q < end && (*q == 'T' || *q == 'C')) {
		r = q + 1;
		while (r < end && is_digit(*r))
			r++;
		if (r > q + 1 && r < end && *r == ']')
			return r + 1;
	}
	/* dmesg -T: Fri Apr 17 19:56:16 2026 */
	if (word3(q, end, days, 7) && end - q > 4 && q[3] == ' ' && word3(q + 4, end, months, 12)) {
		r = q + 7;
		while (r < end && *r == ' ')
			r++;
		while (r < end && is_digit(*r))
			r++;
		if (r < end && *r == ' ' && (r = clock_at(r + 1, end)) && r < end && *r == ' ') {
			r++;
			while (r < end && is_digit(*r))
				r++;
			if (r < end && *r == ']') {
				set_time(time, tsz, in, (size_t)(r - in));
				return r + 1;
			}
		}
	}
	/* Android: 03-19 10:05:52.189 */
	if (end - q > 6 && is_digit(q[0]) && is_digit(q[1]) && q[2] == '-' && is_digit(q[3]) &&
	    is_digit(q[4]) && q[5] == ' ' && (r = clock_at(q + 6, end))) {
		if (r < end && *r == '.')
			r++;
		while (r < end && is_digit(*r))
			r++;
		if (r < end && *r == ']')
			return r + 1;
	}
	return NULL;
}

/* syslog / journal: "Oct 22 11:13:11 host tag: " or ISO
 * "2020-10-22T11:13:11.123+08:00 host tag: ". *foreign is set when the
 * tag is not the kernel's. Returns the end or NULL. */
static const char *syslog_at(const char *p, const char *end, char *time, size_t tsz, bool *foreign)
{
	const char *q = p, *t0 = p, *r;
	if (word3(q, end, months, 12) && end - q > 4 && q[3] == ' ') {
		q += 4;
		while (q < end && *q == ' ')
			q++;
		if (!(q < end && is_digit(*q)))
			return NULL;
		while (q < end && is_digit(*q))
			q++;
		if (!(q < end && *q == ' ') || !(r = clock_at(q + 1, end)))
			return NULL;
		q = r;
	} else if (end - q > 19 && is_digit(q[0]) && is_digit(q[3]) && q[4] == '-' && q[7] == '-' &&
		   q[10] == 'T' && clock_at(q + 11, end)) {
		q += 19;
		while (q < end && !is_blank(*q))
			q++;
	} else {
		return NULL;
	}
	const char *tend = q;
	if (!(q < end && *q == ' '))
		return NULL;
	q++;
	/* host */
	const char *h = q;
	while (q < end && !is_blank(*q))
		q++;
	if (q == h || q >= end)
		return NULL;
	q++;
	/* tag: "kernel:" or "prog[pid]:" */
	const char *tag = q;
	while (q < end && !is_blank(*q) && *q != ':')
		q++;
	if (q >= end || *q != ':')
		return NULL;
	size_t tl = (size_t)(q - tag);
	const char *br = memchr(tag, '[', tl);
	if (br)
		tl = (size_t)(br - tag);
	*foreign = !(tl == 6 && memcmp(tag, "kernel", 6) == 0);
	q++;
	if (q < end && *q == ' ')
		q++;
	set_time(time, tsz, t0, (size_t)(tend - t0));
	return q;
}

/* dmesg -x: "kern  :warn  : " */
static const char *facility_at(const char *p, const char *end)
{
	const char *q = p;
	for (int part = 0; part < 2; part++) {
		const char *w = q;
		while (q < end && *q >= 'a' && *q <= 'z')
			q++;
		if (q == w)
			return NULL;
		while (q < end && *q == ' ')
			q++;
		if (q >= end || *q != ':')
			return NULL;
		q++;
	}
	if (q < end && *q == ' ')
		q++;
	return q;
}

/* Strip every prefix of one decoded physical line. */
static const char *strip(const char *p, const char *end, struct fs_kline *l, bool *foreign)
{
	bool quoted = false;
	for (int iter = 0; iter < 8; iter++) {
		const char *q = skip_quote(p, end, &quoted);
		if (q != p) {
			p = q;
			continue;
		}
		q = p;
		while (q < end && is_blank(*q))
			q++;
		const char *r;
		if (q < end && (*q == '[' || is_digit(*q)) &&
		    (r = bracket_at(q, end, l->time, sizeof l->time))) {
			l->prefixed = true;
			p = r;
			if (p < end && *p == ' ')
				p++;
			continue;
		}
		if ((r = syslog_at(q, end, l->time, sizeof l->time, foreign))) {
			l->prefixed = true;
			p = r;
			continue;
		}
		if (!l->prefixed && (r = facility_at(q, end))) {
			l->prefixed = true;
			p = r;
			continue;
		}
		break;
	}
	(void)quoted;
	return p;
}

static int push(struct fs_klines *ls, const struct fs_kline *l, const char *s, size_t n)
{
	if (ls->n == ls->cap) {
		size_t nc = ls->cap ? ls->cap * 2 : 256;
		struct fs_kline *nl = realloc(ls->v, nc * sizeof *nl);
		if (!nl)
			return -ENOMEM;
		ls->v = nl;
		ls->cap = nc;
	}
	struct fs_kline *d = &ls->v[ls->n];
	*d = *l;
	if (n > FS_KLOG_MAX_LINE) {
		n = FS_KLOG_MAX_LINE;
		d->cut = true;
	}
	d->text = malloc(n + 1);
	if (!d->text)
		return -ENOMEM;
	memcpy(d->text, s, n);
	d->text[n] = '\0';
	d->len = n;
	ls->n++;
	return 0;
}

/* Append s to the last logical line (a wrapped continuation). */
static int join(struct fs_klines *ls, const char *s, size_t n)
{
	struct fs_kline *d = &ls->v[ls->n - 1];
	if (d->len + n > FS_KLOG_MAX_LINE) {
		n = d->len < FS_KLOG_MAX_LINE ? FS_KLOG_MAX_LINE - d->len : 0;
		d->cut = true;
	}
	char *t = realloc(d->text, d->len + n + 1);
	if (!t)
		return -ENOMEM;
	memcpy(t + d->len, s, n);
	d->len += n;
	t[d->len] = '\0';
	d->text = t;
	d->joined++;
	return 0;
}

/* A buddy-list line that has not reached its "= NkB" total yet. */
static bool open_buddy(const char *s, size_t n)
{
	const char *star = memchr(s, '*', n);
	if (!star || !strstr(s, "kB"))
		return false;
	const char *eq = strrchr(s, '=');
	if (!eq)
		return true;
	const char *p = eq + 1;
	while (*p == ' ')
		p++;
	if (!is_digit(*p))
		return true;
	while (is_digit(*p))
		p++;
	return !(p[0] == 'k' && p[1] == 'B');
}

static bool open_paren(const char *s)
{
	int depth = 0;
	for (; *s; s++)
		depth += *s == '(' ? 1 : *s == ')' ? -1 : 0;
	return depth > 0;
}

struct phys {
	const char *s;
	size_t n;
	unsigned lineno;
	bool blank;
};

/* Split escaped newlines and push the pieces. */
static int push_pieces(struct fs_klines *ls, const struct fs_kline *l, const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	while (p <= end) {
		const char *cut = NULL;
		size_t skip = 0;
		for (const char *q = p; q + 4 <= end; q++) {
			if (q[0] == '#' && q[1] == '0' && q[2] == '1' && q[3] == '2') {
				cut = q;
				skip = 4;
				break;
			}
			if (q[0] == '\\' && q[1] == 'x' && q[2] == '0' && (q[3] == 'a' || q[3] == 'A')) {
				cut = q;
				skip = 4;
				break;
			}
			/* the next record glued on: "...free_cma:0kB   [ 4738.329607] lowmem_reserve" */
			if (q > p && is_blank(q[-1]) && q[0] == '[') {
				char t[48] = "";
				const char *r = bracket_at(q, end, t, sizeof t);
				if (r && t[0] && strchr(t, '.') && strlen(strchr(t, '.') + 1) == 6) {
					const char *b = q;
					while (b > p && is_blank(b[-1]))
						b--;
					cut = b;
					skip = (size_t)(r - b);
					if (r < end && *r == ' ')
						skip++;
					break;
				}
			}
		}
		const char *e = cut ? cut : end;
		int r = push(ls, l, p, (size_t)(e - p));
		if (r)
			return r;
		if (!cut)
			break;
		p = cut + skip;
	}
	return 0;
}

int fs_klog_scan(const char *data, size_t len, struct fs_klines *out)
{
	memset(out, 0, sizeof *out);
	const char *end = data + len;
	/* Quoted-printable only when the text says so (a plain line may
	 * legitimately end in '='). */
	bool qp = false;
	for (const char *q = data; q + 3 <= end; q++)
		if (q[0] == '=' && q[1] == '3' && q[2] == 'D') {
			qp = true;
			break;
		}
	out->quoted_printable = qp;

	/* Pass 1: decoded physical lines. */
	struct sbuf dec = { 0 };
	struct phys *ph = NULL;
	size_t nph = 0, phcap = 0;
	size_t *offs = NULL;
	int rc = 0;
	unsigned lineno = 0;
	const char *p = data;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		lineno++;
		unsigned first = lineno;
		size_t start = dec.n;
		for (;;) {
			const char *le = e;
			if (le > p && le[-1] == '\r')
				le--;
			bool soft = qp && le > p && le[-1] == '=';
			if (soft)
				le--;
			if (qp) {
				for (const char *q = p; q < le; q++) {
					int h1, h2;
					if (*q == '=' && q + 2 < le &&
					    (h1 = hexval(q[1])) >= 0 && (h2 = hexval(q[2])) >= 0) {
						char c = (char)(h1 * 16 + h2);
						if ((unsigned char)c < 0x20 && c != '\t')
							c = '?';
						if ((rc = sb_add(&dec, &c, 1)))
							goto fail;
						q += 2;
					} else if ((rc = sb_add(&dec, q, 1))) {
						goto fail;
					}
				}
			} else if ((rc = sb_add(&dec, p, (size_t)(le - p)))) {
				goto fail;
			}
			p = nl ? nl + 1 : end;
			if (!soft || p >= end || dec.n - start > FS_KLOG_MAX_LINE)
				break;
			/* The continuation of a soft break: drop the quote marks
			 * the mailer put in front of it too. */
			nl = memchr(p, '\n', (size_t)(end - p));
			e = nl ? nl : end;
			lineno++;
			bool quoted = false;
			if (dec.n > start && memchr(dec.p + start, '>', 1))
				p = skip_quote(p, e, &quoted);
		}
		if (nph == phcap) {
			size_t nc = phcap ? phcap * 2 : 256;
			struct phys *np = realloc(ph, nc * sizeof *np);
			size_t *no = realloc(offs, nc * sizeof *no);
			if (np)
				ph = np;
			if (no)
				offs = no;
			if (!np || !no) {
				rc = -ENOMEM;
				goto fail;
			}
			phcap = nc;
		}
		offs[nph] = start;
		ph[nph].n = dec.n - start;
		ph[nph].lineno = first;
		nph++;
		if ((rc = sb_add(&dec, "", 0)))
			goto fail;
	}
	out->physical = lineno;
	for (size_t i = 0; i < nph; i++)
		ph[i].s = dec.p ? dec.p + offs[i] : "";

	/* Pass 2: strip prefixes, count prefixed lines. */
	struct fs_kline *meta = calloc(nph ? nph : 1, sizeof *meta);
	const char **content = calloc(nph ? nph : 1, sizeof *content);
	bool *foreign = calloc(nph ? nph : 1, sizeof *foreign);
	if (!meta || !content || !foreign) {
		free(meta);
		free(content);
		free(foreign);
		rc = -ENOMEM;
		goto fail;
	}
	size_t nonblank = 0, prefixed = 0;
	for (size_t i = 0; i < nph; i++) {
		const char *s = ph[i].s, *e = s + ph[i].n;
		meta[i].lineno = ph[i].lineno;
		content[i] = strip(s, e, &meta[i], &foreign[i]);
		const char *q = content[i];
		while (q < e && is_blank(*q))
			q++;
		ph[i].blank = q == e && !meta[i].prefixed;
		if (!ph[i].blank) {
			nonblank++;
			prefixed += meta[i].prefixed;
		}
	}
	bool by_prefix = nonblank && prefixed * 2 >= nonblank;

	/* Pass 3: logical lines. */
	bool prev_blank = true;
	for (size_t i = 0; i < nph && !rc; i++) {
		const char *s = content[i], *e = ph[i].s + ph[i].n;
		if (foreign[i] || ph[i].blank) {
			prev_blank = true;
			if (ph[i].blank && !foreign[i])
				rc = push(out, &meta[i], "", 0);
			continue;
		}
		bool cont = false;
		if (out->n && !prev_blank && !meta[i].prefixed) {
			const struct fs_kline *last = &out->v[out->n - 1];
			if (by_prefix)
				cont = true;
			else
				cont = open_buddy(last->text, last->len) || open_paren(last->text);
		}
		if (cont)
			rc = join(out, s, (size_t)(e - s));
		else
			rc = push_pieces(out, &meta[i], s, (size_t)(e - s));
		prev_blank = false;
	}
	free(meta);
	free(content);
	free(foreign);
	if (rc)
		goto fail;
	free(ph);
	free(offs);
	free(dec.p);
	return 0;
fail:
	free(ph);
	free(offs);
	free(dec.p);
	fs_klines_free(out);
	return rc;
}

void fs_klines_free(struct fs_klines *ls)
{
	for (size_t i = 0; i < ls->n; i++)
		free(ls->v[i].text);
	free(ls->v);
	memset(ls, 0, sizeof *ls);
}
