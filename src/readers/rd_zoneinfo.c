/* rd_zoneinfo.c - /proc/zoneinfo (2.6.13 .. 6.x layouts) into the zones of
 * a snapshot.
 *
 * One block per zone, starting "Node %d, zone %8s" at column 1. Inside a
 * block the sections come in this order:
 *   "  per-node stats" + "      name value" lines   (4.8+, first populated
 *                                                    zone of a node) -> node
 *   "  pages free N", then "        name value" header fields (min, low,
 *   ..., cma), "        protection: (a, b, ...)" and zone counters
 *   ("    name value" before 4.8, "      name value" after; before 4.12
 *   the protection line follows the counters)                 -> zone
 *   "  pagesets", "    cpu: N", "              name: N", "  vm stats
 *   threshold: N"                                      (checked, not kept)
 *   trailer "  name: N" (node_unreclaimable, start_pfn, ...)  -> start_pfn
 * Unpopulated zones (4.12+) stop after the protection line.
 *
 * One kernel quirk is accepted: a counter with an empty name, printed by
 * "%-12s %lu" as 19 blanks and a number (seen in a RHEL 8 zoneinfo), is
 * skipped since it cannot be named.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "kvocab.h"
#include "rd_vmstat.h"
#include "readers.h"

enum rd_zoneinfo_sec {
	ZS_NONE,        /* before the first "Node" line */
	ZS_HDR,         /* right after "Node N, zone X" */
	ZS_NODESTATS,   /* in "per-node stats" */
	ZS_ZONE,        /* after "pages free": fields, protection, counters */
	ZS_PAGESETS,    /* after "pagesets" */
	ZS_TRAILER,     /* after the first "name: value" trailer line */
};

struct rd_zoneinfo_st {
	struct fs_cursor c;
	struct fs_diag *d;
	enum rd_zoneinfo_sec sec;
	struct fs_node *node;          /* valid until the next "Node" line */
	struct fs_zone *zone;
	unsigned hdr_line;             /* line of the current "Node" line */
	bool counters;                 /* zone counters seen in this block */
	bool pagesets;                 /* "pagesets" seen in this block */
	struct rd_vmstat_uniq zu, nu;  /* zone_stats, node_stats appenders */
};

/* Trailer lines that are checked and dropped (start_pfn is kept). */
static const char *const rd_zoneinfo_trailer_skip[] = {
	"node_unreclaimable", "all_unreclaimable", "inactive_ratio",
	"node_inactive_ratio", "prev_priority", "temp_priority",
};

static bool rd_zoneinfo_namech(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_';
}

static bool rd_zoneinfo_is(const char *p, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(p, lit, n) == 0;
}

static int rd_zoneinfo_err(struct rd_zoneinfo_st *st, const char *q, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int rd_zoneinfo_err(struct rd_zoneinfo_st *st, const char *q, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = fs_diag_vset(st->d, st->c.file, st->c.lineno, fs_cursor_col(&st->c, q), fmt, ap);
	va_end(ap);
	return r;
}

/* Error for a failed fs_parse_u64/i64 r at q: -ERANGE or -EINVAL, diag set. */
static int rd_zoneinfo_numerr(struct rd_zoneinfo_st *st, const char *q, int r,
			      const char *what, size_t wlen)
{
	if (r == -ERANGE) {
		rd_zoneinfo_err(st, q, "the value of \"%.*s\" is out of range", (int)wlen, what);
		return -ERANGE;
	}
	return rd_zoneinfo_err(st, q, "expected a number for \"%.*s\"", (int)wlen, what);
}

/* An unsigned number at q, then only blanks to the end of the line. A bad
 * number is named what[0..wlen); a line that goes on after it is "expected
 * the end of the line after" `after`, or after the value of what when
 * after is NULL. */
static int rd_zoneinfo_num_eol(struct rd_zoneinfo_st *st, const char *q, const char *what,
			       size_t wlen, const char *after, uint64_t *out)
{
	const char *eol = st->c.eol, *num = q;
	int r = fs_parse_u64(&q, eol, out);
	if (r)
		return rd_zoneinfo_numerr(st, num, r, what, wlen);
	if (fs_only_blank(q, eol))
		return 0;
	q = fs_skip_blank(q, eol);
	if (after)
		return rd_zoneinfo_err(st, q, "expected the end of the line after %s", after);
	return rd_zoneinfo_err(st, q, "expected the end of the line after the value of \"%.*s\"",
			       (int)wlen, what);
}

/* The end of a "name value" line from p (just after the name): one or more
 * blanks, an unsigned number, then only blanks. */
static int rd_zoneinfo_value(struct rd_zoneinfo_st *st, const char *p, const char *name,
			     size_t nlen, uint64_t *out)
{
	const char *q = fs_skip_blank(p, st->c.eol);
	if (q == p)
		return rd_zoneinfo_err(st, p, "expected a blank and a number after \"%.*s\"",
				       (int)nlen, name);
	return rd_zoneinfo_num_eol(st, q, name, nlen, NULL, out);
}

/* "name: N" (pagesets, trailer) from p: the name, ':', blanks, a number
 * (when sgn: signed or unsigned, any 64-bit value -- the pageset lines
 * fragstat does not use print "%d" and "%lu" alike), then only blanks. */
static int rd_zoneinfo_colon(struct rd_zoneinfo_st *st, const char *p, bool sgn,
			     const char **name, size_t *nlen, int64_t *iv, uint64_t *uv)
{
	const char *eol = st->c.eol;
	*name = p;
	while (p < eol && rd_zoneinfo_namech(*p))
		p++;
	*nlen = (size_t)(p - *name);
	if (*nlen == 0 || p >= eol || *p != ':')
		return rd_zoneinfo_err(st, p, "expected \"name: value\"");
	p = fs_skip_blank(p + 1, eol);
	const char *num = p;
	int r;
	if (sgn && p < eol && *p == '-') {
		r = fs_parse_i64(&p, eol, iv);
	} else if (sgn) {
		/* 2.6.13's per-cpu numa_hit, numa_miss, ... ("%lu") print
		 * values such as 18446604437880297808 (zone_pcp() counters
		 * gone negative): dropped, so any unsigned 64-bit value. */
		r = fs_parse_u64(&p, eol, uv);
	} else {
		r = fs_parse_u64(&p, eol, uv);
	}
	if (r)
		return rd_zoneinfo_numerr(st, num, r, *name, *nlen);
	if (!fs_only_blank(p, eol))
		return rd_zoneinfo_err(st, fs_skip_blank(p, eol),
				       "expected the end of the line after the value of \"%.*s\"",
				       (int)*nlen, *name);
	return 0;
}

/* Add a counter through an appender, turning its errors into diagnostics. */
static int rd_zoneinfo_add(struct rd_zoneinfo_st *st, struct rd_vmstat_uniq *u,
			   const char *name, size_t nlen, uint64_t v, const char *where)
{
	int r = rd_vmstat_uniq_add(u, name, nlen, v);
	if (r == -EEXIST)
		return rd_zoneinfo_err(st, name, "counter \"%.*s\" appears twice in the %s",
				       (int)nlen, name, where);
	if (r == -ENAMETOOLONG)
		return rd_zoneinfo_err(st, name, "counter name longer than %d characters",
				       FS_NAME_MAX - 1);
	return r;
}

/* A stats line "      name value", or the nameless "                   N". */
static int rd_zoneinfo_stat(struct rd_zoneinfo_st *st, const char *p, struct rd_vmstat_uniq *u,
			    const char *where)
{
	const char *eol = st->c.eol, *name = p;
	uint64_t v;
	if (p < eol && *p >= '0' && *p <= '9') {
		/* "%-12s %lu" with an empty name: 4 or 6 blanks of indentation,
		 * 12 of padding and one separator before the number. */
		if (p - st->c.line < 17)
			return rd_zoneinfo_err(st, p, "expected \"name value\" in the %s", where);
		return rd_zoneinfo_num_eol(st, p, "(unnamed counter)", 17, "a number", &v);
	}
	while (p < eol && rd_zoneinfo_namech(*p))
		p++;
	size_t nlen = (size_t)(p - name);
	if (nlen == 0 || (p < eol && *p == ':'))
		return rd_zoneinfo_err(st, p, "expected \"name value\" in the %s", where);
	int r = rd_zoneinfo_value(st, p, name, nlen, &v);
	if (r)
		return r;
	return rd_zoneinfo_add(st, u, name, nlen, v, where);
}

/* "protection: (a, b, ...)" from p (just after "protection:"). */
static int rd_zoneinfo_protection(struct rd_zoneinfo_st *st, const char *p)
{
	const char *eol = st->c.eol;
	struct fs_zone *z = st->zone;
	unsigned n = 0;

	if (z->zi_have & FS_ZI_PROTECTION)
		return rd_zoneinfo_err(st, st->c.line, "second \"" FS_ZI_PROTECTION_NAME ":\" line in this zone");
	p = fs_skip_blank(p, eol);
	if (p >= eol || *p != '(')
		return rd_zoneinfo_err(st, p, "expected \"(\" after \"" FS_ZI_PROTECTION_NAME ":\"");
	p++;
	for (;;) {
		int64_t v;
		p = fs_skip_blank(p, eol);
		const char *num = p;
		int r = fs_parse_i64(&p, eol, &v);
		if (r)
			return rd_zoneinfo_numerr(st, num, r, FS_ZI_PROTECTION_NAME, strlen(FS_ZI_PROTECTION_NAME));
		if (n >= FS_MAX_ZONES)
			return rd_zoneinfo_err(st, num, "more than %d protection values", FS_MAX_ZONES);
		z->protection[n++] = v;
		p = fs_skip_blank(p, eol);
		if (p < eol && *p == ',') {
			p++;
			continue;
		}
		if (p < eol && *p == ')') {
			p++;
			break;
		}
		return rd_zoneinfo_err(st, p, "expected \",\" or \")\" in the protection list");
	}
	if (!fs_only_blank(p, eol))
		return rd_zoneinfo_err(st, fs_skip_blank(p, eol),
				       "expected the end of the line after the protection list");
	z->nprotection = n;
	z->zi_have |= FS_ZI_PROTECTION;
	return 0;
}

/* "scanned N" (before ~4.11), in 2.6.1x kernels "scanned N (a: N i: N)". */
static int rd_zoneinfo_scanned(struct rd_zoneinfo_st *st, const char *p, const char *name,
			       size_t nlen)
{
	const char *eol = st->c.eol, *q = fs_skip_blank(p, eol);
	uint64_t v, x;
	if (q == p)
		return rd_zoneinfo_err(st, p, "expected a blank and a number after \"scanned\"");
	const char *num = q;
	int r = fs_parse_u64(&q, eol, &v);
	if (r)
		return rd_zoneinfo_numerr(st, num, r, "scanned", 7);
	q = fs_skip_blank(q, eol);
	if (q < eol && *q == '(') {
		static const char *const part[] = { "(a:", "i:" };
		for (unsigned i = 0; i < 2; i++) {
			if (!fs_match(q, eol, part[i]))
				return rd_zoneinfo_err(st, q, "expected \"%s\" in \"scanned N (a: N i: N)\"",
						       part[i]);
			q = fs_skip_blank(q + strlen(part[i]), eol);
			num = q;
			r = fs_parse_u64(&q, eol, &x);
			if (r)
				return rd_zoneinfo_numerr(st, num, r, "scanned", 7);
			q = fs_skip_blank(q, eol);
		}
		if (q >= eol || *q != ')')
			return rd_zoneinfo_err(st, q, "expected \")\" in \"scanned N (a: N i: N)\"");
		q = fs_skip_blank(q + 1, eol);
	}
	if (q != eol)
		return rd_zoneinfo_err(st, q, "expected the end of the line after the value of \"scanned\"");
	return rd_zoneinfo_add(st, &st->zu, name, nlen, v, "zone counters");
}

/* A line indented by 3 or more in the zone section. */
static int rd_zoneinfo_zone_line(struct rd_zoneinfo_st *st, const char *p)
{
	const char *eol = st->c.eol, *name = p;
	struct fs_zone *z = st->zone;

	size_t plen = strlen(FS_ZI_PROTECTION_NAME);
	if (fs_match(p, eol, FS_ZI_PROTECTION_NAME) && p + plen < eol && p[plen] == ':')
		return rd_zoneinfo_protection(st, p + plen + 1);
	while (p < eol && rd_zoneinfo_namech(*p))
		p++;
	size_t nlen = (size_t)(p - name);
	if (nlen == 0 || (p < eol && *p == ':'))
		return rd_zoneinfo_stat(st, name, &st->zu, "zone counters");
	/* The "        name value" lines below "pages free" (kvocab.h). */
	for (unsigned k = 1; fs_zi_kline(k); k++) {
		const struct fs_zi_field *f = fs_zi_kline(k);
		if (!rd_zoneinfo_is(name, nlen, f->name))
			continue;
		if (z->zi_have & f->bit)
			return rd_zoneinfo_err(st, name, "second \"%s\" line in this zone", f->name);
		uint64_t v;
		int r = rd_zoneinfo_value(st, p, name, nlen, &v);
		if (r)
			return r;
		*fs_zi_slot(z, f) = v;
		z->zi_have |= f->bit;
		return 0;
	}
	if (rd_zoneinfo_is(name, nlen, "scanned"))
		return rd_zoneinfo_scanned(st, p, name, nlen);
	st->counters = true;
	return rd_zoneinfo_stat(st, name, &st->zu, "zone counters");
}

/* A line indented by 3 or more in the pagesets: "cpu: N [pcp: N]" or
 * "name: N". Checked and dropped. */
static int rd_zoneinfo_pageset_line(struct rd_zoneinfo_st *st, const char *p)
{
	const char *eol = st->c.eol, *name;
	size_t nlen;
	int64_t iv = 0;    /* set only for a negative value */
	uint64_t uv = 0;   /* set for a non-negative one */

	if (fs_match(p, eol, "cpu:")) {
		const char *q = fs_skip_blank(p + 4, eol), *num = q;
		int r = fs_parse_u64(&q, eol, &uv);
		if (r)
			return rd_zoneinfo_numerr(st, num, r, "cpu", 3);
		const char *t = fs_skip_blank(q, eol);
		if (t > q && fs_match(t, eol, "pcp:"))     /* 2.6.1x: "cpu: N pcp: N" */
			return rd_zoneinfo_colon(st, t, false, &name, &nlen, &iv, &uv);
		if (t != eol)
			return rd_zoneinfo_err(st, t, "expected the end of the line after \"cpu: N\"");
		return 0;
	}
	if (p < eol && !rd_zoneinfo_namech(*p))
		return rd_zoneinfo_err(st, p, "expected \"cpu: N\" or \"name: value\" in the pagesets");
	int r = rd_zoneinfo_colon(st, p, true, &name, &nlen, &iv, &uv);
	/* "count:" is each cpu's per_cpu_pages count (mm/vmstat.c zoneinfo_show_print):
	 * pages on pcp lists, which kpageflags shows without flags. */
	if (!r && rd_zoneinfo_is(name, nlen, "count") && st->zone && iv >= 0 &&
	    uv <= UINT64_MAX - st->zone->pcp_count) {
		st->zone->pcp_count += uv;
		st->zone->has_pcp = true;
	}
	return r;
}

/* A "  name: N" trailer line (p just after the two blanks). */
static int rd_zoneinfo_trailer(struct rd_zoneinfo_st *st, const char *p)
{
	const char *name;
	size_t nlen;
	int64_t iv;
	uint64_t v;
	int r = rd_zoneinfo_colon(st, p, false, &name, &nlen, &iv, &v);
	if (r)
		return r;
	st->sec = ZS_TRAILER;
	if (rd_zoneinfo_is(name, nlen, fs_zi_fields[FS_ZF_START_PFN].name)) {
		if (st->zone->zi_have & FS_ZI_START_PFN)
			return rd_zoneinfo_err(st, name, "second \"%s:\" line in this zone",
					       fs_zi_fields[FS_ZF_START_PFN].name);
		st->zone->start_pfn = v;
		st->zone->zi_have |= FS_ZI_START_PFN;
		return 0;
	}
	for (size_t i = 0; i < sizeof rd_zoneinfo_trailer_skip / sizeof rd_zoneinfo_trailer_skip[0]; i++)
		if (rd_zoneinfo_is(name, nlen, rd_zoneinfo_trailer_skip[i]))
			return 0;
	return rd_zoneinfo_add(st, &st->zu, name, nlen, v, "zone trailer");
}

/* Check that the current block is complete; called at the next "Node"
 * line or at the end of input (q is where to point). */
static int rd_zoneinfo_finish(struct rd_zoneinfo_st *st, const char *q, bool at_eof)
{
	struct fs_zone *z = st->zone;
	const char *where = at_eof ? "the end of input" : "the next zone";
	static const enum fs_zf need[] = { FS_ZF_MIN, FS_ZF_LOW, FS_ZF_HIGH, FS_ZF_SPANNED,
					   FS_ZF_PRESENT };

	if (st->sec == ZS_NONE)
		return 0;
	if (st->sec == ZS_HDR || st->sec == ZS_NODESTATS)
		return rd_zoneinfo_err(st, q,
				       "expected \"%s\" after the zone header (Node %d, zone %s, line %u) before %s",
				       fs_zi_fields[FS_ZF_FREE].name, st->node->id, z->name, st->hdr_line, where);
	for (size_t i = 0; i <= sizeof need / sizeof need[0]; i++) {
		bool prot = i == sizeof need / sizeof need[0];
		if (z->zi_have & (prot ? FS_ZI_PROTECTION : fs_zi_fields[need[i]].bit))
			continue;
		return rd_zoneinfo_err(st, q,
				       "expected \"%s%s\" in the block of Node %d, zone %s (line %u) before %s",
				       prot ? FS_ZI_PROTECTION_NAME : fs_zi_fields[need[i]].name, prot ? ":" : "",
				       st->node->id, z->name, st->hdr_line, where);
	}
	if (st->counters && !st->pagesets)
		return rd_zoneinfo_err(st, q,
				       "expected \"pagesets\" after the counters of Node %d, zone %s (line %u) before %s",
				       st->node->id, z->name, st->hdr_line, where);
	if (st->pagesets && !(z->zi_have & FS_ZI_START_PFN))
		return rd_zoneinfo_err(st, q,
				       "truncated block of Node %d, zone %s (line %u): expected \"%s:\" before %s",
				       st->node->id, z->name, st->hdr_line,
				       fs_zi_fields[FS_ZF_START_PFN].name, where);
	return 0;
}

/* "Node %d, zone %8s" at column 1. */
static int rd_zoneinfo_header(struct rd_zoneinfo_st *st, struct fs_snapshot *s)
{
	const char *p = st->c.line, *eol = st->c.eol;
	uint64_t id;
	char name[FS_NAME_MAX];

	if (!fs_match(p, eol, "Node "))
		return rd_zoneinfo_err(st, p, st->sec == ZS_NONE
				       ? "expected \"Node N, zone NAME\" as the first line"
				       : "expected \"Node N, zone NAME\" or an indented line");
	p = fs_skip_blank(p + 5, eol);
	const char *num = p;
	int r = fs_parse_u64(&p, eol, &id);
	if (r == -ERANGE || (!r && id > FS_NODE_ID_MAX)) {
		rd_zoneinfo_err(st, num, "node number out of range (at most %d)", FS_NODE_ID_MAX);
		return -ERANGE;
	}
	if (r)
		return rd_zoneinfo_err(st, num, "expected a node number after \"Node\"");
	if (p >= eol || *p != ',')
		return rd_zoneinfo_err(st, p, "expected \",\" after the node number");
	p = fs_skip_blank(p + 1, eol);
	if (!fs_match(p, eol, "zone"))
		return rd_zoneinfo_err(st, p, "expected \"zone\" after \"Node %d,\"", (int)id);
	const char *q = fs_skip_blank(p + 4, eol);
	if (q == p + 4)
		return rd_zoneinfo_err(st, q, "expected a blank and a zone name after \"zone\"");
	const char *zn = q;
	while (q < eol && rd_zoneinfo_namech(*q))
		q++;
	size_t zlen = (size_t)(q - zn);
	if (zlen == 0)
		return rd_zoneinfo_err(st, zn, "expected a zone name after \"zone\"");
	if (zlen >= FS_NAME_MAX)
		return rd_zoneinfo_err(st, zn, "zone name longer than %d characters", FS_NAME_MAX - 1);
	if (!fs_only_blank(q, eol))
		return rd_zoneinfo_err(st, fs_skip_blank(q, eol),
				       "expected the end of the line after the zone name");
	memcpy(name, zn, zlen);
	name[zlen] = '\0';

	if (!fs_snapshot_node(s, (int)id) && s->nnodes >= FS_MAX_NODES)
		return rd_zoneinfo_err(st, num, "more than %d nodes", FS_MAX_NODES);
	struct fs_node *n = fs_snapshot_node_get(s, (int)id);
	if (!n)
		return -ENOMEM;
	struct fs_zone *z = fs_node_zone(n, name);
	if (z && z->has_zoneinfo)
		return rd_zoneinfo_err(st, zn, "second block for Node %d, zone %s", (int)id, name);
	int idx = 0;
	for (unsigned i = 0; i < n->nzones; i++)
		if (n->zones[i].has_zoneinfo)
			idx++;
	if (!z) {
		z = fs_node_zone_get(n, name);
		if (!z)
			return rd_zoneinfo_err(st, zn, "more than %d zones in node %d",
					       FS_MAX_ZONES, (int)id);
	}
	z->has_zoneinfo = true;
	z->zi_index = idx;
	st->node = n;
	st->zone = z;
	st->hdr_line = st->c.lineno;
	st->counters = st->pagesets = false;
	st->sec = ZS_HDR;
	rd_vmstat_uniq_init(&st->zu, &z->zone_stats);
	return 0;
}

/* A line indented by exactly two blanks (p after them). */
static int rd_zoneinfo_two(struct rd_zoneinfo_st *st, const char *p)
{
	const char *eol = st->c.eol;

	if (fs_match(p, eol, "per-node stats") && fs_only_blank(p + 14, eol)) {
		if (st->sec != ZS_HDR)
			return rd_zoneinfo_err(st, p, "\"per-node stats\" must follow the zone header");
		if (st->node->node_stats.n > 0)
			return rd_zoneinfo_err(st, p, "second \"per-node stats\" block for node %d",
					       st->node->id);
		rd_vmstat_uniq_init(&st->nu, &st->node->node_stats);
		st->sec = ZS_NODESTATS;
		return 0;
	}
	const char *free_name = fs_zi_fields[FS_ZF_FREE].name;
	size_t flen = strlen(free_name);
	if (fs_match(p, eol, free_name)) {
		if (st->sec != ZS_HDR && st->sec != ZS_NODESTATS)
			return rd_zoneinfo_err(st, p, "\"%s\" must follow the zone header or the per-node stats",
					       free_name);
		int r = rd_zoneinfo_value(st, p + flen, p, flen, &st->zone->pages_free);
		if (r)
			return r;
		st->zone->zi_have |= FS_ZI_FREE;
		st->sec = ZS_ZONE;
		return 0;
	}
	if (st->sec == ZS_HDR || st->sec == ZS_NODESTATS)
		return rd_zoneinfo_err(st, p, "expected \"%s\" after the zone header", free_name);
	if (fs_match(p, eol, "pagesets") && fs_only_blank(p + 8, eol)) {
		if (st->sec != ZS_ZONE)
			return rd_zoneinfo_err(st, p, "second \"pagesets\" line in this zone");
		if (!(st->zone->zi_have & FS_ZI_PROTECTION))
			return rd_zoneinfo_err(st, p, "expected \"" FS_ZI_PROTECTION_NAME ":\" before \"pagesets\"");
		st->pagesets = true;
		st->sec = ZS_PAGESETS;
		return 0;
	}
	if (fs_match(p, eol, "vm stats threshold:")) {
		uint64_t v;
		if (st->sec != ZS_PAGESETS)
			return rd_zoneinfo_err(st, p, "\"vm stats threshold:\" outside the pagesets");
		return rd_zoneinfo_num_eol(st, fs_skip_blank(p + 19, eol), "vm stats threshold", 18,
					   "the threshold", &v);
	}
	if (st->sec == ZS_ZONE)
		return rd_zoneinfo_err(st, p, "expected \"pagesets\" or a zone line indented more");
	return rd_zoneinfo_trailer(st, p);
}

int rd_zoneinfo_parse(struct fs_snapshot *s, const char *file, const char *data,
		      size_t len, struct fs_diag *d)
{
	struct rd_zoneinfo_st *st, stbuf;
	int r;

	st = &stbuf;
	memset(st, 0, sizeof *st);
	st->d = d;
	st->sec = ZS_NONE;
	fs_cursor_init(&st->c, file, data, len);
	while (fs_cursor_next(&st->c)) {
		const char *line = st->c.line, *eol = st->c.eol;
		const char *p = line;
		while (p < eol && *p == ' ')
			p++;
		size_t indent = (size_t)(p - line);
		if (p == eol)
			return rd_zoneinfo_err(st, p, st->sec == ZS_NONE
					       ? "expected \"Node N, zone NAME\" as the first line, got an empty line"
					       : "unexpected empty line (zoneinfo has none)");
		if (indent == 0) {
			r = rd_zoneinfo_finish(st, line, false);
			if (r)
				return r;
			r = rd_zoneinfo_header(st, s);
		} else if (st->sec == ZS_NONE) {
			r = rd_zoneinfo_err(st, line, "expected \"Node N, zone NAME\" as the first line");
		} else if (indent == 1) {
			r = rd_zoneinfo_err(st, p, "expected an indentation of 2 or more blanks");
		} else if (indent == 2) {
			r = rd_zoneinfo_two(st, p);
		} else {
			switch (st->sec) {
			case ZS_HDR:
				r = rd_zoneinfo_err(st, p, "expected \"%s\" or \"per-node stats\" after the zone header",
						    fs_zi_fields[FS_ZF_FREE].name);
				break;
			case ZS_NODESTATS:
				r = rd_zoneinfo_stat(st, p, &st->nu, "per-node stats");
				break;
			case ZS_ZONE:
				r = rd_zoneinfo_zone_line(st, p);
				break;
			case ZS_PAGESETS:
				r = rd_zoneinfo_pageset_line(st, p);
				break;
			default:
				r = rd_zoneinfo_err(st, p, "unexpected indented line after the zone trailer");
				break;
			}
		}
		if (r)
			return r;
	}
	if (st->sec == ZS_NONE)
		return fs_diag_set(d, file, 1, 1, "expected \"Node N, zone NAME\", got an empty file");
	return rd_zoneinfo_finish(st, st->c.eol, true);
}
