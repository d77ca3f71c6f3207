/* klog.c - parse the reports in a kernel log into snapshots.
 *
 * The record formats follow the kernel's printers: warn_alloc() and
 * __alloc_pages_slowpath() (mm/page_alloc.c), dump_header() (mm/oom_kill.c),
 * __vmalloc_node_range() (mm/vmalloc.c), __show_free_areas() and
 * show_migration_types() (mm/show_mem.c since 6.1, mm/page_alloc.c before),
 * hugetlb_show_meminfo_node() and __show_mem(); the variants by era are in
 * docs/kernel-facts-logs.md. Layouts are inferred from the fields present,
 * never from the version string.
 */
#include "config.h"

#include "klog.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "klog_scan.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const char *skip_blank(const char *p)
{
	while (is_blank(*p))
		p++;
	return p;
}

/* Copy n bytes as a printable string: control bytes become '?'. */
static void copy_clean(char *dst, size_t size, const char *s, size_t n)
{
	if (!size)
		return;
	if (n >= size)
		n = size - 1;
	for (size_t i = 0; i < n; i++)
		dst[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	dst[n] = '\0';
}

/* Decimal at *pp (no sign); -ERANGE past UINT64_MAX, -EINVAL no digit. */
static int num(const char **pp, uint64_t *out)
{
	return fs_parse_u64(pp, *pp + strspn(*pp, "0123456789"), out);
}

static int hexnum(const char **pp, uint64_t *out)
{
	return fs_parse_hex64(pp, *pp + strspn(*pp, "0123456789abcdefABCDEF"), out);
}

/* Find pat in s where each ' ' of pat matches any run of blanks (also
 * none: a wrap may have eaten it). Returns the match start, *after its end. */
static const char *find_loose(const char *s, const char *pat, const char **after)
{
	for (const char *st = s; *st; st++) {
		const char *p = st, *q = pat;
		while (*q) {
			if (*q == ' ') {
				while (is_blank(*p))
					p++;
				q++;
				continue;
			}
			if (*p != *q)
				break;
			p++;
			q++;
		}
		if (!*q) {
			if (after)
				*after = p;
			return st;
		}
	}
	return NULL;
}

const char *fs_klog_kind_name(enum fs_klog_kind k)
{
	switch (k) {
	case FS_KLOG_ALLOC_FAILURE: return "allocation_failure";
	case FS_KLOG_OOM: return "oom";
	case FS_KLOG_SHOW_MEM: return "show_mem";
	}
	return "?";
}

const char *fs_klog_trigger_name(enum fs_klog_trigger t)
{
	switch (t) {
	case FS_KT_PAGE: return "page allocation failure";
	case FS_KT_STALL: return "page allocation stall";
	case FS_KT_VMALLOC: return "vmalloc failure";
	case FS_KT_VMEMMAP: return "vmemmap allocation failure";
	case FS_KT_OOM: return "oom-killer";
	case FS_KT_SYSRQ: return "SysRq show memory";
	case FS_KT_NONE: return "no header";
	}
	return "?";
}

static const struct {
	char c;
	uint8_t bit;
} letters[] = {
	{ 'U', FS_KMT_U }, { 'M', FS_KMT_M }, { 'E', FS_KMT_E }, { 'R', FS_KMT_R },
	{ 'H', FS_KMT_H }, { 'C', FS_KMT_C }, { 'I', FS_KMT_I },
};

void fs_klog_letters(uint8_t mask, char *buf, size_t size)
{
	size_t j = 0;
	for (size_t i = 0; i < sizeof letters / sizeof letters[0] && j + 1 < size; i++)
		if (mask & letters[i].bit)
			buf[j++] = letters[i].c;
	if (size)
		buf[j] = '\0';
}

/* ---- report building ---- */

struct parser {
	struct fs_klog *log;
	struct fs_klog_report *r;    /* open report or NULL */
	const char *file;
	int last_zone;               /* zone whose zone line came last (for lowmem_reserve) */
	bool counters;               /* inside the Mem-Info counter block */
};

static void rdiag(struct fs_klog_report *r, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void rdiag(struct fs_klog_report *r, unsigned line, const char *fmt, ...)
{
	if (r->ndiag >= FS_KLOG_MAX_DIAG) {
		r->ndiag_lost++;
		return;
	}
	struct fs_klog_diag *d = &r->diag[r->ndiag++];
	d->line = line;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof d->msg, fmt, ap);
	va_end(ap);
	for (char *c = d->msg; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
}

static void report_release(struct fs_klog_report *r)
{
	fs_kv_free(&r->counters);
	free(r->zones);
	free(r->nodes);
	free(r->huge);
	fs_snapshot_free(r->snap);
}

void fs_klog_free(struct fs_klog *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		report_release(&l->reports[i]);
	free(l->reports);
	free(l->file);
	free(l);
}

static int grow(void **v, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 8;
	void *nv = realloc(*v, nc * elem);
	if (!nv)
		return -ENOMEM;
	memset((char *)nv + *cap * elem, 0, (nc - *cap) * elem);
	*v = nv;
	*cap = nc;
	return 0;
}

static int finish(struct parser *ps);

static int open_report(struct parser *ps, const struct fs_kline *l, enum fs_klog_kind kind,
		       enum fs_klog_trigger trig)
{
	int rc = finish(ps);
	if (rc)
		return rc;
	struct fs_klog *log = ps->log;
	if (log->n >= FS_KLOG_MAX_REPORTS) {
		log->reports_lost++;
		return 0;
	}
	if ((rc = grow((void **)&log->reports, &log->cap, log->n, sizeof *log->reports)))
		return rc;
	struct fs_klog_report *r = &log->reports[log->n++];
	memset(r, 0, sizeof *r);
	r->line = r->end_line = l->lineno;
	r->kind = kind;
	r->trigger = trig;
	r->order = -1;
	for (int i = 0; i < FS_KLOG_NZT; i++)
		r->ztype[i] = -1;
	copy_clean(r->time, sizeof r->time, l->time, strlen(l->time));
	ps->r = r;
	ps->last_zone = -1;
	ps->counters = false;
	return 0;
}

static struct fs_klog_zone *zone_get(struct fs_klog_report *r, int node, bool node_printed,
				     const char *name, size_t nlen, int *idx)
{
	for (size_t i = 0; i < r->nzones; i++)
		if (r->zones[i].node == node && strlen(r->zones[i].name) == nlen &&
		    memcmp(r->zones[i].name, name, nlen) == 0) {
			*idx = (int)i;
			return &r->zones[i];
		}
	if (r->nzones >= (size_t)FS_MAX_ZONES * 64)
		return NULL;
	if (grow((void **)&r->zones, &r->zones_cap, r->nzones, sizeof *r->zones))
		return NULL;
	struct fs_klog_zone *z = &r->zones[r->nzones];
	memset(z, 0, sizeof *z);
	z->node = node;
	z->node_printed = node_printed;
	z->type = -1;
	copy_clean(z->name, sizeof z->name, name, nlen);
	*idx = (int)r->nzones++;
	return z;
}

/* "Node N " at p: stores N, returns the text after it (or p). */
static const char *node_prefix(const char *p, int *node, bool *printed)
{
	*node = 0;
	*printed = false;
	if (strncmp(p, "Node ", 5) != 0 || !is_digit(p[5]))
		return p;
	const char *q = p + 5;
	uint64_t v;
	if (num(&q, &v) || v > 1u << 20 || *q != ' ')
		return p;
	*node = (int)v;
	*printed = true;
	return q + 1;
}

/* A zone name: letters and digits ("DMA32", "HighMem", "Normal"). */
static size_t zone_name_len(const char *p)
{
	size_t n = 0;
	while ((p[n] >= 'A' && p[n] <= 'Z') || (p[n] >= 'a' && p[n] <= 'z') || is_digit(p[n]))
		n++;
	return n < FS_NAME_MAX ? n : 0;
}

typedef void (*kv_fn)(void *ctx, const char *key, size_t klen, uint64_t v, bool kb, unsigned line);

/* Walk "key:value[kB]" tokens; blanks between tokens optional (a joined
 * wrap may have eaten them), unknown keys passed on, words without ':'
 * skipped. Returns -ERANGE (with the key) on an overflowing number. */
static int kv_walk(const char *p, kv_fn fn, void *ctx, unsigned line, const char **bad)
{
	while (*p) {
		p = skip_blank(p);
		const char *k = p;
		while (*p && !is_blank(*p) && *p != ':' && *p != '=')
			p++;
		if (*p != ':') {
			while (*p && !is_blank(*p))
				p++;
			continue;
		}
		size_t kl = (size_t)(p - k);
		p++;
		p = skip_blank(p);
		if (!is_digit(*p))
			continue;
		uint64_t v;
		if (num(&p, &v)) {
			*bad = k;
			return -ERANGE;
		}
		bool kb = false;
		if ((p[0] == 'k' || p[0] == 'K') && p[1] == 'B') {
			kb = true;
			p += 2;
		}
		if (kl)
			fn(ctx, k, kl, v, kb, line);
	}
	return 0;
}

static bool keyis(const char *k, size_t kl, const char *name)
{
	return strlen(name) == kl && memcmp(k, name, kl) == 0;
}

/* The fields of show_free_areas()' zone line that a report keeps, in the
 * order they go into a snapshot: the printed key; where the klog zone
 * keeps the kB value and its "printed" flag (KZ_ALWAYS: "free", which
 * every zone line has); in the snapshot zone, a zoneinfo field and its
 * FS_ZI_* bit, or (bit 0) the zone counter `stat`. */
#define KZ(f) offsetof(struct fs_klog_zone, f)
#define ZI(f) offsetof(struct fs_zone, f)
#define KZ_ALWAYS SIZE_MAX
static const struct kz_field {
	const char *key;
	size_t kb, has, pg;
	unsigned bit;
	const char *stat;
} kz_fields[] = {
	{ "free", KZ(free_kb), KZ_ALWAYS, ZI(pages_free), FS_ZI_FREE, NULL },
	{ "min", KZ(min_kb), KZ(has_min), ZI(min), FS_ZI_MIN, NULL },
	{ "low", KZ(low_kb), KZ(has_low), ZI(low), FS_ZI_LOW, NULL },
	{ "high", KZ(high_kb), KZ(has_high), ZI(high), FS_ZI_HIGH, NULL },
	{ "boost", KZ(boost_kb), KZ(has_boost), ZI(boost), FS_ZI_BOOST, NULL },
	{ "present", KZ(present_kb), KZ(has_present), ZI(present), FS_ZI_PRESENT, NULL },
	{ "managed", KZ(managed_kb), KZ(has_managed), ZI(managed), FS_ZI_MANAGED, NULL },
	{ "free_cma", KZ(free_cma_kb), KZ(has_free_cma), 0, 0, "nr_free_cma" },
	{ "reserved_highatomic", KZ(reserved_ha_kb), KZ(has_reserved_ha), 0, 0, "nr_reserved_highatomic" },
	{ "free_highatomic", KZ(free_ha_kb), KZ(has_free_ha), 0, 0, "nr_free_highatomic" },
};
#define KZ_NFIELDS (sizeof kz_fields / sizeof kz_fields[0])

static uint64_t *kz_kb(struct fs_klog_zone *z, const struct kz_field *f)
{
	return (uint64_t *)((char *)z + f->kb);
}

static bool kz_has(const struct fs_klog_zone *z, const struct kz_field *f)
{
	return f->has == KZ_ALWAYS || *(const bool *)((const char *)z + f->has);
}

static void zone_kv(void *ctx, const char *k, size_t kl, uint64_t v, bool kb, unsigned line)
{
	struct fs_klog_zone *z = ctx;
	(void)kb;
	(void)line;
	for (size_t i = 0; i < KZ_NFIELDS; i++) {
		const struct kz_field *f = &kz_fields[i];
		if (!keyis(k, kl, f->key))
			continue;
		*kz_kb(z, f) = v;
		if (f->has != KZ_ALWAYS)
			*(bool *)((char *)z + f->has) = true;
		return;
	}
}

static void counter_kv(void *ctx, const char *k, size_t kl, uint64_t v, bool kb, unsigned line)
{
	struct fs_klog_report *r = ctx;
	char name[FS_NAME_MAX];
	(void)kb;
	if (kl >= sizeof name)
		return;
	copy_clean(name, sizeof name, k, kl);
	if (r->counters.n < 64 && fs_kv_set(&r->counters, name, v) == -ENOMEM)
		rdiag(r, line, "out of memory keeping counter %s", name);
}

static void unreclaimable(const char *s, bool *has, bool *val)
{
	const char *a;
	if (find_loose(s, "all_unreclaimable?", &a)) {
		a = skip_blank(a);
		if (strncmp(a, "yes", 3) == 0)
			*has = true, *val = true;
		else if (strncmp(a, "no", 2) == 0)
			*has = true, *val = false;
	}
}

/* The zone (node, name p[0..nl)) a zone or buddy line of a dump is about,
 * in the current report; a dump without a report header opens one. NULL
 * when there is no report or no room left (said in a diagnostic). */
static struct fs_klog_zone *dump_zone(struct parser *ps, const struct fs_kline *l, int node, bool np,
				      const char *p, size_t nl, int *idx)
{
	if (!ps->r && open_report(ps, l, FS_KLOG_SHOW_MEM, FS_KT_NONE))
		return NULL;
	if (!ps->r)
		return NULL;
	struct fs_klog_zone *z = zone_get(ps->r, node, np, p, nl, idx);
	if (!z)
		rdiag(ps->r, l->lineno, "too many zones in one report");
	return z;
}

static bool parse_zone_line(struct parser *ps, const struct fs_kline *l, const char *s)
{
	int node;
	bool np;
	const char *p = node_prefix(s, &node, &np);
	size_t nl = zone_name_len(p);
	if (!nl || p[nl] != ' ' || strncmp(p + nl + 1, "free:", 5) != 0 || !is_digit(p[nl + 6]))
		return false;
	if (np && strncmp(p, "active_anon", 11) == 0)
		return false;
	int idx;
	struct fs_klog_zone *z = dump_zone(ps, l, node, np, p, nl, &idx);
	if (!z)
		return true;
	struct fs_klog_report *r = ps->r;
	if (z->has_zone_line)
		rdiag(r, l->lineno, "second zone line for %.*s on node %d (the first is kept)",
		      (int)nl, p, node);
	else {
		const char *bad = NULL;
		z->has_zone_line = true;
		z->zone_line = l->lineno;
		if (kv_walk(p + nl + 1, zone_kv, z, l->lineno, &bad))
			rdiag(r, l->lineno, "number too large after '%.20s'", bad);
		unreclaimable(p, &z->has_unreclaimable, &z->all_unreclaimable);
		if (l->cut)
			rdiag(r, l->lineno, "zone line longer than %u bytes: cut", FS_KLOG_MAX_LINE);
	}
	ps->last_zone = idx;
	return true;
}

static bool parse_reserve(struct parser *ps, const struct fs_kline *l, const char *s)
{
	const char *p;
	if (strncmp(s, "lowmem_reserve[]:", 17) == 0)
		p = s + 17;
	else if (strncmp(s, "protections[]:", 14) == 0)
		p = s + 14;
	else
		return false;
	struct fs_klog_report *r = ps->r;
	if (!r)
		return true;
	if (ps->last_zone < 0) {
		rdiag(r, l->lineno, "lowmem_reserve[] line without a zone line before it");
		return true;
	}
	struct fs_klog_zone *z = &r->zones[ps->last_zone];
	ps->last_zone = -1;
	unsigned n = 0;
	for (;;) {
		p = skip_blank(p);
		if (!*p)
			break;
		uint64_t v;
		int e = num(&p, &v);
		if (e || (*p && !is_blank(*p))) {
			rdiag(r, l->lineno, "lowmem_reserve[]: expected page counts, found '%.20s'", p);
			return true;
		}
		if (n >= FS_MAX_ZONES) {
			rdiag(r, l->lineno, "lowmem_reserve[] has more than %d entries", FS_MAX_ZONES);
			return true;
		}
		z->reserve[n++] = v;
	}
	z->nreserve = n;
	return true;
}

static int letter_bit(char c)
{
	for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++)
		if (letters[i].c == c)
			return letters[i].bit;
	return -1;
}

static bool parse_buddy_line(struct parser *ps, const struct fs_kline *l, const char *s)
{
	int node;
	bool np;
	const char *p = node_prefix(s, &node, &np);
	size_t nl = zone_name_len(p);
	if (!nl || p[nl] != ':')
		return false;
	const char *q = skip_blank(p + nl + 1);
	bool empty = strncmp(q, "empty", 5) == 0 && !q[5 + strspn(q + 5, " \t")];
	if (!empty) {
		const char *d = q;
		uint64_t v;
		if (num(&d, &v) || *d != '*' || !is_digit(d[1]))
			return false;
	}
	int idx;
	struct fs_klog_zone *z = dump_zone(ps, l, node, np, p, nl, &idx);
	if (!z)
		return true;
	struct fs_klog_report *r = ps->r;
	if (z->has_buddy_line) {
		rdiag(r, l->lineno, "second buddy line for %s (the first is kept)", z->name);
		return true;
	}
	z->has_buddy_line = true;
	z->buddy_line = l->lineno;
	if (empty) {
		z->buddy_empty = true;
		z->buddy_complete = true;
		return true;
	}
	const char *what = NULL;
	unsigned o = 0;
	uint64_t sum = 0;
	bool overflow = false;
	for (;;) {
		q = skip_blank(q);
		if (*q == '=') {
			q = skip_blank(q + 1);
			uint64_t t;
			if (num(&q, &t) || !((q[0] == 'k' || q[0] == 'K') && q[1] == 'B')) {
				what = "the total 'NkB' after '='";
				break;
			}
			q = skip_blank(q + 2);
			if (*q) {
				what = "the end of the line after the total";
				break;
			}
			z->total_kb = t;
			z->sum_kb = sum;
			z->orders = o;
			z->buddy_complete = !overflow;
			if (overflow)
				rdiag(r, l->lineno, "%s: the counts times sizes overflow 64 bits", z->name);
			return true;
		}
		if (*q == '(') {
			if (!o) {
				what = "a count before '('";
				break;
			}
			q++;
			uint8_t m = 0;
			while (*q && *q != ')') {
				int b = letter_bit(*q);
				if (b < 0)
					break;
				if (b == FS_KMT_M && (m & FS_KMT_E))
					r->letters_em = true;
				if (b == FS_KMT_E && (m & FS_KMT_M))
					r->letters_me = true;
				m |= (uint8_t)b;
				q++;
			}
			if (*q != ')') {
				what = "migratetype letters U M E H R C I and ')'";
				break;
			}
			q++;
			z->types[o - 1] = m;
			z->has_letters = true;
			continue;
		}
		uint64_t c, sz;
		if (!*q) {
			what = "'= NkB' (the line ends before the total: cut off?)";
			break;
		}
		if (num(&q, &c) || *q != '*') {
			what = "'count*sizekB'";
			break;
		}
		q++;
		if (num(&q, &sz) || !(q[0] == 'k' && q[1] == 'B')) {
			what = "'count*sizekB'";
			break;
		}
		q += 2;
		if (o >= FS_MAX_ORDERS) {
			what = "at most 16 orders";
			break;
		}
		if (o == 0) {
			z->page_kb = sz;
			if (sz == 0 || (sz & (sz - 1)) || sz > (1u << 20)) {
				what = "a power-of-two page size in the first column";
				break;
			}
		} else if (sz != z->page_kb << o) {
			rdiag(r, l->lineno, "%s: column %u is %llukB, expected %llukB (twice the one before)",
			      z->name, o, (unsigned long long)sz, (unsigned long long)(z->page_kb << o));
			what = NULL;
			z->orders = 0;
			return true;
		}
		z->count[o] = c;
		__int128 add = (__int128)c * sz;
		if (add > (__int128)(UINT64_MAX - sum))
			overflow = true;
		else
			sum += (uint64_t)add;
		o++;
	}
	z->orders = 0;
	if (np)
		rdiag(r, l->lineno, "buddy line of Node %d %s: expected %s at column %u", node, z->name,
		      what, (unsigned)(q - l->text) + 1);
	else
		rdiag(r, l->lineno, "buddy line of %s: expected %s at column %u", z->name, what,
		      (unsigned)(q - l->text) + 1);
	(void)what;
	return true;
}

/* A per-node line "Node N PREFIX...": false when s is not one; else *node
 * and *p (after "Node N "). */
static bool node_line(const char *s, const char *prefix, int *node, const char **p)
{
	bool np;
	*p = node_prefix(s, node, &np);
	return np && strncmp(*p, prefix, strlen(prefix)) == 0;
}

/* A new zeroed element at the end of array *v (*n used of *cap, elements
 * of elem bytes), at most max of them; NULL when full or out of memory
 * (the line is then left out). */
static void *push_elem(void **v, size_t *n, size_t *cap, size_t max, size_t elem)
{
	if (*n >= max || grow(v, cap, *n, elem))
		return NULL;
	return (char *)*v + (*n)++ * elem;
}

static bool parse_huge(struct parser *ps, const struct fs_kline *l, const char *s)
{
	int node;
	const char *p;
	if (!node_line(s, "hugepages_total=", &node, &p))
		return false;
	struct fs_klog_report *r = ps->r;
	if (!r)
		return true;
	static const char *const keys[] = { "hugepages_total=", "hugepages_free=",
					    "hugepages_surp=", "hugepages_size=" };
	uint64_t v[4];
	for (int i = 0; i < 4; i++) {
		const char *a;
		if (!find_loose(p, keys[i], &a) || num(&a, &v[i]) || (i == 3 && strncmp(a, "kB", 2))) {
			rdiag(r, l->lineno, "hugepages line: expected %sN%s", keys[i], i == 3 ? "kB" : "");
			return true;
		}
	}
	struct fs_klog_huge *h = push_elem((void **)&r->huge, &r->nhuge, &r->huge_cap, 256, sizeof *r->huge);
	if (!h)
		return true;
	h->node = node;
	h->total = v[0];
	h->free = v[1];
	h->surp = v[2];
	h->size_kb = v[3];
	return true;
}

static bool parse_node_line(struct parser *ps, const char *s)
{
	int node;
	const char *p;
	if (!node_line(s, "active_anon:", &node, &p))
		return false;
	struct fs_klog_report *r = ps->r;
	struct fs_klog_node *n = r ? push_elem((void **)&r->nodes, &r->nnodes, &r->nodes_cap, 1024,
					       sizeof *r->nodes) : NULL;
	if (!n)
		return true;
	n->id = node;
	unreclaimable(p, &n->has_unreclaimable, &n->all_unreclaimable);
	return true;
}

/* "N pages RAM", "Free swap  = NkB", ... at the end of show_mem. */
static bool parse_tail(struct parser *ps, const char *s)
{
	struct fs_klog_report *r = ps->r;
	const char *p = s, *a;
	uint64_t v;
	if (!r)
		return false;
	if (find_loose(s, "Free swap =", &a) == s || find_loose(s, "Free swap:", &a) == s) {
		a = skip_blank(a);
		if (!num(&a, &v) && strncmp(a, "kB", 2) == 0)
			r->swap_free_kb = v, r->has_swap_free = true;
		return true;
	}
	if (find_loose(s, "Total swap =", &a) == s) {
		a = skip_blank(a);
		if (!num(&a, &v) && strncmp(a, "kB", 2) == 0)
			r->swap_total_kb = v, r->has_swap_total = true;
		return true;
	}
	if (num(&p, &v) || *p != ' ')
		return false;
	p++;
	if (!strcmp(p, "pages RAM") || !strcmp(p, "pages of RAM"))
		r->pages_ram = v, r->has_pages_ram = true;
	else if (!strcmp(p, "pages reserved") || !strcmp(p, "reserved pages"))
		r->pages_reserved = v, r->has_pages_reserved = true;
	else if (!strncmp(p, "pages HighMem", 13) || !strcmp(p, "pages of HIGHMEM"))
		r->pages_highmem = v, r->has_pages_highmem = true;
	else if (!strcmp(p, "pages cma reserved"))
		r->cma_reserved = v, r->has_cma_reserved = true;
	else
		return false;
	return true;
}

/* Value after "key" up to a blank, or to "stop" when given. */
static void field(const char *s, const char *key, const char *stop, char *dst, size_t size, bool *has)
{
	const char *a;
	if (!find_loose(s, key, &a))
		return;
	const char *e = a;
	const char *st = stop ? strstr(a, stop) : NULL;
	while (*e && !is_blank(*e) && (!st || e < st))
		e++;
	if (e > a && e[-1] == ',' && !st)
		e--;
	copy_clean(dst, size, a, (size_t)(e - a));
	*has = true;
}

static void parse_gfp(struct fs_klog_report *r, const char *a)
{
	const char *p = skip_blank(a);
	if (strncmp(p, "0x", 2) != 0) {
		/* %#x prints a zero mode as "0" */
		if (*p != '0')
			return;
		r->has_gfp = true;
		r->gfp_value = 0;
		copy_clean(r->gfp, sizeof r->gfp, p, 1);
		return;
	}
	const char *h = p + 2, *e;
	if (hexnum(&h, &r->gfp_value))
		return;
	e = h;
	if (*e == '(') {
		const char *c = strchr(e, ')');
		if (c) {
			e = c + 1;
			r->gfp_names = true;
		}
	}
	r->has_gfp = true;
	copy_clean(r->gfp, sizeof r->gfp, p, (size_t)(e - p));
}

static int parse_order(const char *a, int *order)
{
	uint64_t v;
	a = skip_blank(a);
	if (num(&a, &v) || v > 63)
		return -1;
	*order = (int)v;
	return 0;
}

static void header_fields(struct fs_klog_report *r, const char *after, unsigned line)
{
	const char *a;
	if ((find_loose(after, "order:", &a) || find_loose(after, "order=", &a)) &&
	    parse_order(a, &r->order))
		rdiag(r, line, "header: expected an order 0..63 after 'order'");
	if (find_loose(after, "mode:", &a) || find_loose(after, "gfp_mask=", &a))
		parse_gfp(r, a);
	field(after, "nodemask=", ",cpuset=", r->nodemask, sizeof r->nodemask, &r->has_nodemask);
	field(after, "cpuset=", ",mems_allowed=", r->cpuset, sizeof r->cpuset, &r->has_cpuset);
	field(after, "mems_allowed=", NULL, r->mems_allowed, sizeof r->mems_allowed, &r->has_mems);
	if (r->kind == FS_KLOG_ALLOC_FAILURE && !r->has_gfp)
		rdiag(r, line, "header: expected 'mode:0x...' (cut off?)");
	if (r->kind == FS_KLOG_OOM && !r->has_gfp)
		rdiag(r, line, "header: expected 'gfp_mask=0x...' (cut off?)");
}

static void task_before(struct fs_klog_report *r, const char *s, const char *m)
{
	const char *e = m;
	while (e > s && (is_blank(e[-1]) || e[-1] == ':'))
		e--;
	const char *b = e;
	while (b > s && !is_blank(b[-1]))
		b--;
	copy_clean(r->task, sizeof r->task, b, (size_t)(e - b));
}

static int parse_header(struct parser *ps, const struct fs_kline *l, const char *s, bool *matched)
{
	const char *m, *a;
	int rc;
	*matched = true;
	if ((m = find_loose(s, "page allocation failure", &a)) && (*a == ':' || *a == '.')) {
		if ((rc = open_report(ps, l, FS_KLOG_ALLOC_FAILURE, FS_KT_PAGE)) || !ps->r)
			return rc;
		task_before(ps->r, s, m);
		header_fields(ps->r, a, l->lineno);
		if (ps->r->order < 0)
			rdiag(ps->r, l->lineno, "header: expected 'order:N'");
		return 0;
	}
	if ((m = find_loose(s, "page allocation stalls for", &a))) {
		if ((rc = open_report(ps, l, FS_KLOG_ALLOC_FAILURE, FS_KT_STALL)) || !ps->r)
			return rc;
		task_before(ps->r, s, m);
		a = skip_blank(a);
		uint64_t v;
		if (!num(&a, &v))
			ps->r->stall_ms = v;
		header_fields(ps->r, a, l->lineno);
		return 0;
	}
	if ((m = find_loose(s, "vmalloc error:", &a)) || (m = find_loose(s, "vmalloc: allocation failure", &a))) {
		if ((rc = open_report(ps, l, FS_KLOG_ALLOC_FAILURE, FS_KT_VMALLOC)) || !ps->r)
			return rc;
		struct fs_klog_report *r = ps->r;
		task_before(r, s, m);
		const char *b;
		uint64_t v;
		if (find_loose(a, "size ", &b) && !num(&b, &v)) {
			r->vmalloc_size = v;
			/* "size N, REASON, mode:" (5.15+) */
			if (*b == ',') {
				b = skip_blank(b + 1);
				const char *e = strstr(b, ", mode:");
				if (!e)
					e = strstr(b, ",mode:");
				if (e)
					copy_clean(r->vmalloc_reason, sizeof r->vmalloc_reason, b, (size_t)(e - b));
			}
		} else {
			b = skip_blank(*a == ':' || *a == ',' ? a + 1 : a);
			if (!num(&b, &v) && find_loose(b, " bytes", NULL) == b)
				r->vmalloc_size = v;
		}
		header_fields(r, a, l->lineno);
		return 0;
	}
	if ((m = find_loose(s, "vmemmap alloc failure:", &a))) {
		if ((rc = open_report(ps, l, FS_KLOG_ALLOC_FAILURE, FS_KT_VMEMMAP)) || !ps->r)
			return rc;
		task_before(ps->r, s, m);
		header_fields(ps->r, a, l->lineno);
		return 0;
	}
	if ((m = find_loose(s, "invoked oom-killer:", &a)) ||
	    ((m = find_loose(s, "oom-killer:", &a)) == s && find_loose(a, "gfp_mask=", NULL))) {
		if ((rc = open_report(ps, l, FS_KLOG_OOM, FS_KT_OOM)) || !ps->r)
			return rc;
		if (m != s)
			task_before(ps->r, s, m);
		header_fields(ps->r, a, l->lineno);
		if (ps->r->order < 0)
			rdiag(ps->r, l->lineno, "header: expected 'order=N'");
		return 0;
	}
	if ((strncasecmp(s, "sysrq", 5) == 0 && find_loose(s, "Show Memory", NULL))) {
		return open_report(ps, l, FS_KLOG_SHOW_MEM, FS_KT_SYSRQ);
	}
	*matched = false;
	return 0;
}

/* "CPU: 2 PID: 2236 Comm: tuned Not tainted 4.12.0-rc4 #614": the release
 * is the token before " #". */
static void banner(struct fs_klog_report *r, const char *s)
{
	if (r->kernel[0] || !(strncmp(s, "CPU:", 4) == 0 || strncmp(s, "Pid:", 4) == 0))
		return;
	const char *p = s;
	while (*p) {
		p = skip_blank(p);
		const char *w = p;
		while (*p && !is_blank(*p))
			p++;
		const char *n = skip_blank(p);
		if (p > w && is_digit(w[0]) && memchr(w, '.', (size_t)(p - w)) && w[1] != ':' &&
		    *n == '#') {
			copy_clean(r->kernel, sizeof r->kernel, w, (size_t)(p - w));
			return;
		}
	}
}

static int line(struct parser *ps, const struct fs_kline *l)
{
	const char *s = skip_blank(l->text);
	bool matched;
	int rc = parse_header(ps, l, s, &matched);
	if (rc || matched)
		return rc;
	struct fs_klog_report *r = ps->r;
	if (strcmp(s, "Mem-Info:") == 0 || strcmp(s, "Mem-info:") == 0) {
		if (!r || r->mem_info) {
			if ((rc = open_report(ps, l, FS_KLOG_SHOW_MEM, FS_KT_NONE)))
				return rc;
			r = ps->r;
		}
		if (r)
			r->mem_info = true;
		return 0;
	}
	if (parse_zone_line(ps, l, s) || parse_buddy_line(ps, l, s)) {
		ps->counters = false;
		if (ps->r)
			ps->r->end_line = l->lineno + l->joined;
		return 0;
	}
	r = ps->r;
	if (!r)
		return 0;
	if (parse_reserve(ps, l, s) || parse_huge(ps, l, s) || parse_node_line(ps, s) ||
	    parse_tail(ps, s)) {
		ps->counters = false;
		r->end_line = l->lineno + l->joined;
		return 0;
	}
	/* separate cpuset line: "tuned cpuset=/ mems_allowed=0" */
	const char *a;
	if (!r->has_cpuset && find_loose(s, "cpuset=", &a) && find_loose(a, "mems_allowed=", NULL)) {
		field(s, "cpuset=", " mems_allowed=", r->cpuset, sizeof r->cpuset, &r->has_cpuset);
		field(s, "mems_allowed=", NULL, r->mems_allowed, sizeof r->mems_allowed, &r->has_mems);
		return 0;
	}
	banner(r, s);
	bool start = strncmp(s, "active_anon:", 12) == 0 || strncmp(s, "Active:", 7) == 0;
	if (start || (ps->counters && s != l->text && strchr(s, ':'))) {
		const char *bad = NULL;
		ps->counters = true;
		if (kv_walk(s, counter_kv, r, l->lineno, &bad))
			rdiag(r, l->lineno, "number too large after '%.20s'", bad);
		return 0;
	}
	ps->counters = false;
	return 0;
}

/* ---- end of a report: checks and the snapshot ---- */

const char *const fs_klog_zone_names[FS_KLOG_NZT] = { "DMA", "DMA32", "Normal", "HighMem",
						     "Movable", "Device" };
#define zone_order fs_klog_zone_names
enum { NZT = FS_KLOG_NZT };

static int zt_index(const char *name)
{
	for (int i = 0; i < NZT; i++)
		if (strcmp(zone_order[i], name) == 0)
			return i;
	return -1;
}

/* The zone types compiled in, from lowmem_reserve[]'s length (one entry per
 * MAX_NR_ZONES) and the zones printed: the printed ones, Normal, then the
 * likeliest others (Movable since 2.6.23, DMA32 on 64-bit, Device). Sets
 * each zone's type (its index in lowmem_reserve[]) or leaves -1. */
static void zone_types(struct fs_klog_report *r)
{
	unsigned n = 0;
	bool seen[NZT] = { 0 };
	for (size_t i = 0; i < r->nzones; i++) {
		const struct fs_klog_zone *z = &r->zones[i];
		int t = zt_index(z->name);
		if (t < 0)
			return;
		seen[t] = true;
		if (z->nreserve) {
			if (n && n != z->nreserve) {
				rdiag(r, z->zone_line, "lowmem_reserve[] lengths differ between zones");
				return;
			}
			n = z->nreserve;
		}
	}
	if (!n)
		return;
	seen[2] = true;
	int fill[] = { 4, seen[3] ? -1 : 1, 5, 0, 3 };
	unsigned have = 0;
	for (int i = 0; i < NZT; i++)
		have += seen[i];
	for (size_t i = 0; i < sizeof fill / sizeof fill[0] && have < n; i++)
		if (fill[i] >= 0 && !seen[fill[i]]) {
			seen[fill[i]] = true;
			have++;
		}
	if (have != n)
		return;
	int k = 0;
	for (int i = 0; i < NZT; i++)
		r->ztype[i] = seen[i] ? k++ : -1;
	r->ztypes_known = true;
	for (size_t i = 0; i < r->nzones; i++)
		r->zones[i].type = r->ztype[zt_index(r->zones[i].name)];
}

static int to_pages(struct fs_klog_report *r, const struct fs_klog_zone *z, const char *what,
		    uint64_t kb, uint64_t *out)
{
	uint64_t pkb = r->page_size / 1024;
	if (kb % pkb)
		rdiag(r, z->zone_line, "%s %s:%llukB is not a whole number of %llukB pages", z->name,
		      what, (unsigned long long)kb, (unsigned long long)pkb);
	*out = kb / pkb;
	return 0;
}

static int build_snapshot(struct fs_klog_report *r, const char *file, unsigned orders)
{
	struct fs_snapshot *s = fs_snapshot_new();
	if (!s)
		return -ENOMEM;
	r->snap = s;
	s->kind = FS_KIND_LOG;
	if (file && !(s->path = strdup(file)))
		return -ENOMEM;
	if (r->kernel[0] && !(s->kernel = strdup(r->kernel)))
		return -ENOMEM;
	s->page_size = r->page_size;
	s->page_size_assumed = r->page_size_assumed;
	s->page_size_from = r->page_size_assumed ? FS_PS_ASSUMED : FS_PS_LOG;
	s->orders = orders;
	s->time_sec = 0;
	for (size_t i = 0; i < r->nzones; i++) {
		struct fs_klog_zone *kz = &r->zones[i];
		struct fs_node *n = fs_snapshot_node_get(s, kz->node);
		if (!n)
			return -ENOMEM;
		struct fs_zone *z = fs_node_zone_get(n, kz->name);
		if (!z) {
			rdiag(r, kz->zone_line, "more than %d zones on node %d", FS_MAX_ZONES, kz->node);
			continue;
		}
		if (kz->buddy_complete && (kz->buddy_empty || kz->orders == orders)) {
			z->has_buddy = true;
			for (unsigned o = 0; o < orders && !kz->buddy_empty; o++)
				z->free[o] = kz->count[o];
		}
		if (!kz->has_zone_line)
			continue;
		z->has_zoneinfo = true;
		z->zi_index = kz->type;
		uint64_t pg;
		for (size_t j = 0; j < KZ_NFIELDS; j++) {
			const struct kz_field *f = &kz_fields[j];
			if (!kz_has(kz, f))
				continue;
			if (f->bit) {
				to_pages(r, kz, f->key, *kz_kb(kz, f), (uint64_t *)((char *)z + f->pg));
				z->zi_have |= f->bit;
			} else {
				to_pages(r, kz, f->key, *kz_kb(kz, f), &pg);
				if (fs_kv_append(&z->zone_stats, f->stat, pg))
					return -ENOMEM;
			}
		}
		if (kz->nreserve) {
			z->nprotection = kz->nreserve;
			for (unsigned j = 0; j < kz->nreserve; j++)
				z->protection[j] = kz->reserve[j] > INT64_MAX ? INT64_MAX : (int64_t)kz->reserve[j];
			z->zi_have |= FS_ZI_PROTECTION;
		}
	}
	return 0;
}

static int finish(struct parser *ps)
{
	struct fs_klog_report *r = ps->r;
	if (!r)
		return 0;
	ps->r = NULL;
	ps->last_zone = -1;
	/* Page size and orders from the first whole buddy line. */
	unsigned orders = 0;
	for (size_t i = 0; i < r->nzones; i++) {
		const struct fs_klog_zone *z = &r->zones[i];
		if (z->buddy_complete && !z->buddy_empty && z->orders) {
			orders = z->orders;
			r->page_size = z->page_kb * 1024;
			break;
		}
	}
	if (!r->page_size) {
		r->page_size = 4096;
		r->page_size_assumed = true;
	}
	r->complete = r->nzones > 0;
	for (size_t i = 0; i < r->nzones; i++) {
		struct fs_klog_zone *z = &r->zones[i];
		const char *np = z->node_printed ? "Node " : "";
		char nn[16] = "";
		if (z->node_printed)
			snprintf(nn, sizeof nn, "%d ", z->node);
		if (z->buddy_complete && !z->buddy_empty &&
		    (z->orders != orders || z->page_kb * 1024 != r->page_size)) {
			rdiag(r, z->buddy_line, "%s%s%s: %u columns from %llukB, other zones have %u from %llukB",
			      np, nn, z->name, z->orders, (unsigned long long)z->page_kb, orders,
			      (unsigned long long)(r->page_size / 1024));
			z->buddy_complete = false;
		}
		if (z->buddy_complete && !z->buddy_empty && z->sum_kb != z->total_kb)
			rdiag(r, z->buddy_line,
			      "%s%s%s: the counts add up to %llukB but the kernel printed = %llukB", np, nn,
			      z->name, (unsigned long long)z->sum_kb, (unsigned long long)z->total_kb);
		if (!z->has_buddy_line) {
			rdiag(r, z->zone_line, "%s%s%s: no buddy line (expected '%s%s%s: N*%llukB ... = NkB')",
			      np, nn, z->name, np, nn, z->name, (unsigned long long)(r->page_size / 1024));
			r->complete = false;
		} else if (!z->buddy_complete) {
			r->complete = false;
		}
		if (!z->has_zone_line) {
			rdiag(r, z->buddy_line, "%s%s%s: no zone line (expected '%s%s%s free:NkB min:NkB ...')",
			      np, nn, z->name, np, nn, z->name);
			r->complete = false;
		} else if (!z->nreserve) {
			rdiag(r, z->zone_line, "%s%s%s: no lowmem_reserve[] line after the zone line", np, nn,
			      z->name);
		}
		if (z->buddy_complete)
			r->analysable = true;
	}
	if (!r->nzones)
		rdiag(r, r->end_line, "the report ends before its free-area dump (expected 'Mem-Info:', "
			     "zone lines and 'ZONE: N*4kB ... = NkB' buddy lines)");
	zone_types(r);
	int rc = build_snapshot(r, ps->log->file, orders);
	if (rc)
		return rc;
	return 0;
}

int fs_klog_parse(const char *file, const char *data, size_t len, struct fs_klog **out,
		  struct fs_diag *d)
{
	*out = NULL;
	if (len > FS_KLOG_MAX_INPUT)
		return fs_diag_set(d, file, 0, 0, "larger than %u MiB; give an excerpt",
				   FS_KLOG_MAX_INPUT >> 20) ? -EFBIG : -EFBIG;
	struct fs_klog *log = calloc(1, sizeof *log);
	if (!log)
		return -ENOMEM;
	if (file && !(log->file = strdup(file))) {
		free(log);
		return -ENOMEM;
	}
	struct fs_klines ls;
	int rc = fs_klog_scan(data, len, &ls);
	if (rc) {
		fs_klog_free(log);
		return rc;
	}
	log->quoted_printable = ls.quoted_printable;
	log->lines = ls.physical;
	struct parser ps = { .log = log, .file = file, .last_zone = -1 };
	for (size_t i = 0; i < ls.n && !rc; i++)
		rc = line(&ps, &ls.v[i]);
	if (!rc)
		rc = finish(&ps);
	fs_klines_free(&ls);
	if (rc) {
		fs_klog_free(log);
		return rc;
	}
	*out = log;
	return 0;
}
