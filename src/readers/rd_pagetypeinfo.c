#include "config.h"

/* rd_pagetypeinfo.c - /proc/pagetypeinfo.
 *
 * Kernel layout (mm/vmstat.c pagetypeinfo_show), repeated for every node
 * with memory:
 *
 *   Page block order: %d
 *   Pages per block:  %lu
 *   <empty line>
 *   Free pages count per migrate type at order       0      1 ...
 *   Node %4d, zone %8s, type %12s  then per order "%s%6lu " ("%s" is ">"
 *                                  when the count stopped at 100000)
 *   ... one row per migratetype for every populated zone ...
 *   <empty line>
 *   Number of blocks type     Unmovable ...   ("%12s " per migratetype)
 *   Node %d, zone %8s  then "%12lu " per migratetype
 *   [<empty line>
 *    Number of mixed blocks    Unmovable ...  (CONFIG_PAGE_OWNER, page_owner=on)
 *    Node %d, zone %8s  then "%12lu " per migratetype]
 *
 * Decision on spacing: within a line, fields are separated by one or more
 * blanks and a line may end in blanks (wider numbers widen the kernel's
 * fields, and published copies strip the trailing space or collapse runs
 * of spaces); values are assigned by position, and the number of values
 * is checked against the header on every row, so they cannot shift. The
 * line structure is strict: lines appear exactly where the kernel prints
 * them, empty lines included. A copy with an empty line inserted after
 * every line (mips-mt7621 whitespace-collapsed fixture) is rejected at the
 * first inserted empty line; header lines, wrapped continuation lines and
 * '\r' are rejected too, with line and column.
 *
 * Checks: the order columns (header "0 1 2 ...") agree with s->orders and
 * every row; the migratetype rows of every zone list the same types in the
 * same order as the first zone, and the block-count headers list exactly
 * those; repeated per-node headers agree; pages_per_block == 1 << order;
 * no zone appears twice; every zone of a free table has one blocks row.
 * The mixed-blocks section is validated the same way and not stored.
 */

#include "readers.h"

#include "kvocab.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#define FREE_ROW "\"Node N, zone NAME, type TYPE counts...\""
#define BLOCK_ROW "\"Node N, zone NAME counts...\""
#define PBO_LABEL "Page block order:"
#define PPB_LABEL "Pages per block:"
#define FREE_LABEL "Free pages count per migrate type at order"
#define BLOCKS_LABEL "Number of blocks type"
#define MIXED_LABEL "Number of mixed blocks"
#define CAP_TEXT FS_CAPPED_MARK FS_PAGETYPE_COUNT_CAP_TEXT   /* ">100000" */
#define CAP_VALUE FS_PAGETYPE_COUNT_CAP

enum pt_st {
	PT_PBO,        /* expect "Page block order: N" */
	PT_PPB,        /* expect "Pages per block:  N" */
	PT_EMPTY,      /* expect the empty line after it */
	PT_FREEHDR,    /* expect "Free pages count per migrate type at order 0 1 .." */
	PT_FREE,       /* free rows, or the empty line ending them */
	PT_BLOCKHDR,   /* expect "Number of blocks type ..." */
	PT_BLOCKS,     /* block rows, an empty line, or the next node's header */
	PT_MIXEDHDR,   /* expect "Number of mixed blocks ..." */
	PT_MIXED,      /* mixed rows, or the next node's header */
};

struct pt {
	struct fs_snapshot *s;
	struct fs_cursor c;
	struct fs_diag *d;
	enum pt_st st;
	unsigned pbo_line;         /* line of the first header of this file (0: none) */
	unsigned orders_line;      /* line of the first order header (0: s->orders preset) */
	/* Migratetype columns: indexes into s->mt_names, from the first zone. */
	int mt[FS_MAX_MT];
	unsigned nmt;
	bool mt_fixed;
	unsigned mt_zone_line;     /* line of the first zone's first row */
	/* The current node section. */
	int node;
	size_t ni;                 /* index of the node in s->nodes */
	unsigned nsz;              /* zones with free rows, in order */
	unsigned sz[FS_MAX_ZONES]; /* their index in the node */
	int cz;                    /* position in sz[] of the zone being read, -1 */
	unsigned ck;               /* type rows seen for it */
	unsigned nblocks;          /* blocks rows seen */
	unsigned mixed_mask;       /* sz[] positions seen in the mixed table */
	unsigned hdr_line;         /* this section's "Page block order" line */
};

/* What the whole current line is, for "found ..." at its start. */
static const char *pt_found_line(const struct fs_cursor *c, char *buf, size_t size)
{
	if (fs_only_blank(c->line, c->eol))
		return "an empty line";
	return fs_describe(c->line, c->eol, buf, size);
}

static struct fs_zone *pt_szone(struct pt *t, unsigned k)
{
	return &t->s->nodes[t->ni].zones[t->sz[k]];
}

/* A word of printable characters (not ',') at *pp into buf. */
static int pt_word(struct pt *t, const char **pp, char *buf, const char *what)
{
	const char *p = *pp, *q = p, *e = t->c.eol;
	char fb[48];
	while (q < e && (unsigned char)*q > 0x20 && (unsigned char)*q < 0x7f && *q != ',')
		q++;
	if (q == p)
		return fs_cursor_err(&t->c, t->d, p, "expected %s, found %s", what,
				     fs_describe(p, e, fb, sizeof fb));
	if ((size_t)(q - p) >= FS_NAME_MAX)
		return fs_cursor_err(&t->c, t->d, p, "%s longer than %d characters", what,
				     FS_NAME_MAX - 1);
	memcpy(buf, p, (size_t)(q - p));
	buf[q - p] = '\0';
	*pp = q;
	return 0;
}

/* One or more blanks at *pp (after `after`), or an error. */
static int pt_blanks(struct pt *t, const char **pp, const char *after)
{
	char fb[48];
	const char *q = fs_skip_blank(*pp, t->c.eol);
	if (q == *pp)
		return fs_cursor_err(&t->c, t->d, q, "expected a blank after %s, found %s", after,
				     fs_describe(q, t->c.eol, fb, sizeof fb));
	*pp = q;
	return 0;
}

/* Nothing but blanks up to the end of the line. */
static int pt_eol(struct pt *t, const char *p, const char *after)
{
	char fb[48];
	const char *q = fs_skip_blank(p, t->c.eol);
	if (q != t->c.eol)
		return fs_cursor_err(&t->c, t->d, q, "expected the end of the line after %s, found %s",
				     after, fs_describe(q, t->c.eol, fb, sizeof fb));
	return 0;
}

/* "Node" blanks ID "," blanks "zone" blanks NAME; *pp left after NAME. */
static int pt_prefix(struct pt *t, const char **pp, int *node, char *zone, const char *shape)
{
	const char *p = *pp, *e = t->c.eol, *q;
	char fb[48];
	uint64_t id;
	int r;

	if (!fs_match(p, e, "Node"))
		return fs_cursor_err(&t->c, t->d, p, "expected a row %s, found %s%s", shape,
				     pt_found_line(&t->c, fb, sizeof fb),
				     p < e && (*p == ' ' || *p == '\t' || (*p >= '0' && *p <= '9')) ?
				     " (the rest of a wrapped line?)" : "");
	p += 4;
	if ((r = pt_blanks(t, &p, "\"Node\"")))
		return r;
	q = p;
	r = fs_parse_u64(&p, e, &id);
	if (r == -ERANGE || (r == 0 && id > FS_NODE_ID_MAX)) {
		fs_cursor_err(&t->c, t->d, q, "node id too large (at most %d)", FS_NODE_ID_MAX);
		return -ERANGE;
	}
	if (r)
		return fs_cursor_err(&t->c, t->d, q,
				     "expected a node id (digits) after \"Node\", found %s",
				     fs_describe(q, e, fb, sizeof fb));
	if (p >= e || *p != ',')
		return fs_cursor_err(&t->c, t->d, p, "expected ',' after \"Node %d\", found %s",
				     (int)id, fs_describe(p, e, fb, sizeof fb));
	p++;
	if ((r = pt_blanks(t, &p, "\"Node N,\"")))
		return r;
	if (!fs_match(p, e, "zone"))
		return fs_cursor_err(&t->c, t->d, p, "expected \"zone\" after \"Node %d,\", found %s",
				     (int)id, fs_describe(p, e, fb, sizeof fb));
	p += 4;
	if (fs_skip_blank(p, e) == e)
		return fs_cursor_err(&t->c, t->d, e, "expected a zone name after \"zone\", found %s",
				     fs_describe(e, e, fb, sizeof fb));
	if ((r = pt_blanks(t, &p, "\"zone\"")))
		return r;
	if ((r = pt_word(t, &p, zone, "a zone name")))
		return r;
	*node = (int)id;
	*pp = p;
	return 0;
}

/* "LABEL" blanks NUMBER [blanks] */
static int pt_label_value(struct pt *t, const char *label, uint64_t *v)
{
	const char *p = t->c.line, *e = t->c.eol, *q;
	char fb[48];
	int r;

	if (!fs_match(p, e, label))
		return fs_cursor_err(&t->c, t->d, p, "expected \"%s N\", found %s", label,
				     pt_found_line(&t->c, fb, sizeof fb));
	p += strlen(label);
	if ((r = pt_blanks(t, &p, label)))
		return r;
	q = p;
	r = fs_parse_u64(&p, e, v);
	if (r == -ERANGE) {
		fs_cursor_err(&t->c, t->d, q, "number after \"%s\" does not fit in 64 bits", label);
		return -ERANGE;
	}
	if (r)
		return fs_cursor_err(&t->c, t->d, q, "expected a number (digits) after \"%s\", found %s",
				     label, fs_describe(q, e, fb, sizeof fb));
	return pt_eol(t, p, "the number");
}

static int pt_pbo(struct pt *t)
{
	struct fs_snapshot *s = t->s;
	uint64_t v;
	int r = pt_label_value(t, PBO_LABEL, &v);
	if (r)
		return r;
	if (v > 63) {
		fs_cursor_err(&t->c, t->d, t->c.line, "page block order %llu out of range (0..63)",
			      (unsigned long long)v);
		return -ERANGE;
	}
	if (s->pageblock_order >= 0 && (int)v != s->pageblock_order) {
		if (t->pbo_line)
			return fs_cursor_err(&t->c, t->d, t->c.line,
					     "page block order %d differs from %d on line %u",
					     (int)v, s->pageblock_order, t->pbo_line);
		return fs_cursor_err(&t->c, t->d, t->c.line,
				     "page block order %d differs from %d read before",
				     (int)v, s->pageblock_order);
	}
	s->pageblock_order = (int)v;
	if (!t->pbo_line)
		t->pbo_line = t->c.lineno;
	t->hdr_line = t->c.lineno;
	t->nsz = 0;
	t->cz = -1;
	t->ck = 0;
	t->nblocks = 0;
	t->mixed_mask = 0;
	t->node = -1;
	t->st = PT_PPB;
	return 0;
}

static int pt_ppb(struct pt *t)
{
	struct fs_snapshot *s = t->s;
	uint64_t v, want = (uint64_t)1 << s->pageblock_order;
	int r = pt_label_value(t, PPB_LABEL, &v);
	if (r)
		return r;
	if (v != want)
		return fs_cursor_err(&t->c, t->d, t->c.line,
				     "pages per block %llu is not 1 << %d = %llu",
				     (unsigned long long)v, s->pageblock_order,
				     (unsigned long long)want);
	if (s->pages_per_block && s->pages_per_block != v)
		return fs_cursor_err(&t->c, t->d, t->c.line,
				     "pages per block %llu differs from %llu read before",
				     (unsigned long long)v,
				     (unsigned long long)s->pages_per_block);
	s->pages_per_block = v;
	t->st = PT_EMPTY;
	return 0;
}

/* A count at *q (advanced past it) ending at a blank or the end of the
 * line: the `noun` for `of` ("count" for "order 3", "block count" for
 * "type Movable"), `alt` what else the field may hold, for messages. */
static int pt_count(struct pt *t, const char **q, uint64_t *v, const char *noun, const char *alt,
		    const char *of)
{
	const char *tok = *q, *e = t->c.eol;
	char fb[48];
	int r = fs_parse_u64(q, e, v);
	if (r == -ERANGE) {
		fs_cursor_err(&t->c, t->d, tok, "%s for %s does not fit in 64 bits", noun, of);
		return -ERANGE;
	}
	if (r)
		return fs_cursor_err(&t->c, t->d, tok, "expected a %s (digits)%s for %s, found %s", noun,
				     alt, of, fs_describe(tok, e, fb, sizeof fb));
	if (*q < e && **q != ' ' && **q != '\t')
		return fs_cursor_err(&t->c, t->d, *q,
				     "expected a blank or the end of the line after the %s for %s, found %s",
				     noun, of, fs_describe(*q, e, fb, sizeof fb));
	return 0;
}

/* How pt_fields() reads a line's blank-separated fields. */
struct pt_cols {
	bool sep;            /* a blank must come before each field (headers) */
	unsigned max;        /* more fields: "expected the end of the line after
			      * <pre><n> <what>, found ..." */
	const char *pre, *what;
	/* Parse field n at *q (advancing it); 0, or an error with *d filled. */
	int (*col)(struct pt *t, const char **q, unsigned n, void *arg);
	void *arg;
};

/* The fields of the line from p to its end, through how->col(); their
 * number in *got. */
static int pt_fields(struct pt *t, const char *p, const struct pt_cols *how, unsigned *got)
{
	const char *e = t->c.eol, *q;
	char fb[48];
	unsigned n = 0;
	int r;
	for (;;) {
		q = fs_skip_blank(p, e);
		if (q == e)
			break;
		if (how->sep && q == p)
			return fs_cursor_err(&t->c, t->d, q, "expected a blank, found %s",
					     fs_describe(q, e, fb, sizeof fb));
		if (n == how->max)
			return fs_cursor_err(&t->c, t->d, q, "expected the end of the line after %s%u %s, found %s",
					     how->pre, n, how->what, fs_describe(q, e, fb, sizeof fb));
		if ((r = how->col(t, &q, n, how->arg)))
			return r;
		n++;
		p = q;
	}
	*got = n;
	return 0;
}

/* A free row's zone and migratetype, for free_col(). */
struct free_cols {
	struct fs_zone *z;
	int mt;
};

/* Order n's free count: digits or the kernel's cap CAP_TEXT. */
static int free_col(struct pt *t, const char **q, unsigned n, void *arg)
{
	struct free_cols *fc = arg;
	const char *e = t->c.eol, *tok = *q;
	char of[32], fb[48];
	uint64_t v;
	bool capped = false;
	snprintf(of, sizeof of, "order %u", n);
	if (*tok == '>') {
		if (!fs_match(tok, e, CAP_TEXT) ||
		    (tok + strlen(CAP_TEXT) < e && tok[strlen(CAP_TEXT)] != ' ' &&
		     tok[strlen(CAP_TEXT)] != '\t'))
			return fs_cursor_err(&t->c, t->d, tok,
					     "expected a count (digits) or \"" CAP_TEXT "\" for %s, found %s",
					     of, fs_describe(tok, e, fb, sizeof fb));
		*q += strlen(CAP_TEXT);
		v = CAP_VALUE;
		capped = true;
	} else {
		int r = pt_count(t, q, &v, "count", " or \"" CAP_TEXT "\"", of);
		if (r)
			return r;
	}
	fc->z->free_by_type[fc->mt][n] = v;
	fc->z->capped[fc->mt][n] = capped;
	return 0;
}

/* Type n's pageblock count into arg (uint64_t[FS_MAX_MT]). */
static int block_col(struct pt *t, const char **q, unsigned n, void *arg)
{
	char of[FS_NAME_MAX + 8];
	snprintf(of, sizeof of, "type %s", t->s->mt_names[t->mt[n]]);
	return pt_count(t, q, (uint64_t *)arg + n, "block count", "", of);
}

/* Column n of the free header: the order number n. */
static int order_col(struct pt *t, const char **q, unsigned n, void *arg)
{
	const char *tok = *q, *e = t->c.eol;
	char fb[48];
	uint64_t o;
	(void)arg;
	if (n == FS_MAX_ORDERS)
		return fs_cursor_err(&t->c, t->d, tok, "more than %d orders (at most %d are supported)",
				     FS_MAX_ORDERS, FS_MAX_ORDERS);
	int r = fs_parse_u64(q, e, &o);
	if (r || o != n || (*q < e && **q != ' ' && **q != '\t'))
		return fs_cursor_err(&t->c, t->d, tok, "expected order %u, found %s", n,
				     fs_describe(tok, e, fb, sizeof fb));
	return 0;
}

static int pt_free_header(struct pt *t)
{
	struct fs_snapshot *s = t->s;
	const char *p = t->c.line, *e = t->c.eol;
	char fb[48];
	unsigned n = 0;
	int r;

	if (!fs_match(p, e, FREE_LABEL))
		return fs_cursor_err(&t->c, t->d, p, "expected \"" FREE_LABEL " 0 1 2 ...\", found %s",
				     pt_found_line(&t->c, fb, sizeof fb));
	p += strlen(FREE_LABEL);
	struct pt_cols how = { true, UINT_MAX, "", "", order_col, NULL };
	if ((r = pt_fields(t, p, &how, &n)))
		return r;
	if (n == 0)
		return fs_cursor_err(&t->c, t->d, e, "expected order 0 after \"" FREE_LABEL "\", found %s",
				     fs_describe(e, e, fb, sizeof fb));
	if (s->orders && n != s->orders) {
		if (t->orders_line)
			return fs_cursor_err(&t->c, t->d, e,
					     "header lists %u orders, but the header on line %u "
					     "lists %u", n, t->orders_line, s->orders);
		return fs_cursor_err(&t->c, t->d, e,
				     "header lists %u orders, but an earlier file set the "
				     "order count to %u", n, s->orders);
	}
	if (!s->orders) {
		s->orders = n;
		t->orders_line = t->c.lineno;
	}
	t->st = PT_FREE;
	return 0;
}

/* The zone being read has had all its type rows (or fixes the list). */
static int pt_zone_done(struct pt *t, const char *what)
{
	if (t->cz < 0)
		return 0;
	if (!t->mt_fixed) {
		t->mt_fixed = true;
		return 0;
	}
	if (t->ck != t->nmt) {
		char fb[48];
		struct fs_zone *z = pt_szone(t, (unsigned)t->cz);
		return fs_cursor_err(&t->c, t->d, t->c.line,
				     "expected the row of type \"%s\" for node %d, zone %s "
				     "(types as listed for the first zone on line %u), found %s",
				     t->s->mt_names[t->mt[t->ck]], t->node, z->name,
				     t->mt_zone_line, what ? what : pt_found_line(&t->c, fb, sizeof fb));
	}
	return 0;
}

static int pt_free_row(struct pt *t)
{
	struct fs_snapshot *s = t->s;
	const char *p = t->c.line, *e = t->c.eol;
	char zname[FS_NAME_MAX], tname[FS_NAME_MAX], fb[48];
	int node = 0, r, mt;

	if ((r = pt_prefix(t, &p, &node, zname, FREE_ROW)))
		return r;
	if (p >= e || *p != ',')
		return fs_cursor_err(&t->c, t->d, p, "expected ',' after \"zone %s\", found %s",
				     zname, fs_describe(p, e, fb, sizeof fb));
	p++;
	if ((r = pt_blanks(t, &p, "\"zone NAME,\"")))
		return r;
	if (!fs_match(p, e, "type"))
		return fs_cursor_err(&t->c, t->d, p, "expected \"type\" after \"zone %s,\", found %s",
				     zname, fs_describe(p, e, fb, sizeof fb));
	p += 4;
	if (fs_skip_blank(p, e) == e)
		return fs_cursor_err(&t->c, t->d, e,
				     "expected a migratetype name after \"type\", found %s",
				     fs_describe(e, e, fb, sizeof fb));
	if ((r = pt_blanks(t, &p, "\"type\"")))
		return r;
	const char *tpos = p;
	if ((r = pt_word(t, &p, tname, "a migratetype name")))
		return r;

	/* Node of the section. */
	if (t->nsz == 0) {
		struct fs_node *nd = fs_snapshot_node_get(s, node);
		if (!nd) {
			if (s->nnodes >= FS_MAX_NODES)
				return fs_cursor_err(&t->c, t->d, t->c.line, "more than %d nodes",
						     FS_MAX_NODES);
			return -ENOMEM;
		}
		t->node = node;
		t->ni = (size_t)(nd - s->nodes);
	} else if (node != t->node) {
		return fs_cursor_err(&t->c, t->d, t->c.line,
				     "row of node %d in the section of node %d (each node has "
				     "its own \"" PBO_LABEL "\" header; this one is on line %u)",
				     node, t->node, t->hdr_line);
	}

	/* Zone: the current one, or a new one. */
	if (t->cz < 0 || strcmp(pt_szone(t, (unsigned)t->cz)->name, zname) != 0) {
		if ((r = pt_zone_done(t, NULL)))
			return r;
		struct fs_node *nd = &s->nodes[t->ni];
		struct fs_zone *z = fs_node_zone_get(nd, zname);
		if (!z)
			return fs_cursor_err(&t->c, t->d, t->c.line,
					     "node %d has more than %d zones", node, FS_MAX_ZONES);
		if (z->has_types || t->nsz == FS_MAX_ZONES)
			return fs_cursor_err(&t->c, t->d, t->c.line,
					     "second set of free rows for node %d, zone %s",
					     node, zname);
		z->has_types = true;
		memset(z->free_by_type, 0, sizeof z->free_by_type);
		memset(z->capped, 0, sizeof z->capped);
		t->sz[t->nsz] = (unsigned)(z - nd->zones);
		t->cz = (int)t->nsz++;
		t->ck = 0;
		if (!t->mt_fixed && !t->mt_zone_line)
			t->mt_zone_line = t->c.lineno;
	}

	/* Type: builds the column list on the first zone, checked after. */
	if (!t->mt_fixed) {
		mt = fs_snapshot_mt_index(s, tname);
		if (mt < 0)
			return fs_cursor_err(&t->c, t->d, tpos,
					     "more than %d migratetypes", FS_MAX_MT);
		for (unsigned i = 0; i < t->nmt; i++)
			if (t->mt[i] == mt)
				return fs_cursor_err(&t->c, t->d, tpos,
						     "second row of type \"%s\" for node %d, zone %s",
						     tname, node, zname);
		t->mt[t->nmt++] = mt;
	} else {
		if (t->ck >= t->nmt)
			return fs_cursor_err(&t->c, t->d, tpos,
					     "zone %s has more than the %u types listed for the "
					     "first zone on line %u, found \"%s\"", zname, t->nmt,
					     t->mt_zone_line, tname);
		mt = t->mt[t->ck];
		if (strcmp(s->mt_names[mt], tname) != 0)
			return fs_cursor_err(&t->c, t->d, tpos,
					     "expected type \"%s\" (types as listed for the first "
					     "zone on line %u), found \"%s\"", s->mt_names[mt],
					     t->mt_zone_line, tname);
	}
	t->ck++;

	/* Counts per order. */
	struct fs_zone *z = pt_szone(t, (unsigned)t->cz);
	unsigned n = 0;
	if (p < e && *p != ' ' && *p != '\t')
		return fs_cursor_err(&t->c, t->d, p, "expected a blank after \"type %s\", found %s",
				     tname, fs_describe(p, e, fb, sizeof fb));
	struct free_cols fc = { z, mt };
	struct pt_cols how = { false, s->orders, "", "counts (the orders of the header)", free_col, &fc };
	if ((r = pt_fields(t, p, &how, &n)))
		return r;
	if (n != s->orders)
		return fs_cursor_err(&t->c, t->d, e,
				     "expected %u counts (the orders of the header), found %u",
				     s->orders, n);
	return 0;
}

/* Column n of a blocks header: the name of the free rows' type n. */
static int type_col(struct pt *t, const char **q, unsigned n, void *arg)
{
	const char *tok = *q;
	char name[FS_NAME_MAX];
	int r;
	(void)arg;
	if ((r = pt_word(t, q, name, "a migratetype name")))
		return r;
	if (strcmp(name, t->s->mt_names[t->mt[n]]) != 0)
		return fs_cursor_err(&t->c, t->d, tok,
				     "expected type \"%s\" (column %u of the free rows), "
				     "found \"%s\"", t->s->mt_names[t->mt[n]], n + 1, name);
	return 0;
}

/* "Number of blocks type" / "Number of mixed blocks" + the type names. */
static int pt_type_header(struct pt *t, const char *label)
{
	struct fs_snapshot *s = t->s;
	const char *p = t->c.line, *e = t->c.eol;
	char fb[48];
	unsigned k = 0;
	int r;

	if (!fs_match(p, e, label))
		return fs_cursor_err(&t->c, t->d, p, "expected \"%s\" and the migratetype names, found %s",
				     label, pt_found_line(&t->c, fb, sizeof fb));
	p += strlen(label);
	struct pt_cols how = { true, t->nmt, "the ", "types of the free rows", type_col, NULL };
	if ((r = pt_fields(t, p, &how, &k)))
		return r;
	if (k != t->nmt)
		return fs_cursor_err(&t->c, t->d, e,
				     "expected type \"%s\" (column %u of the free rows), found %s",
				     s->mt_names[t->mt[k]], k + 1, fs_describe(e, e, fb, sizeof fb));
	return 0;
}

/* A row of the blocks (store) or mixed-blocks (validate only) table. */
static int pt_count_row(struct pt *t, bool store)
{
	struct fs_snapshot *s = t->s;
	const char *p = t->c.line, *e = t->c.eol;
	char zname[FS_NAME_MAX], fb[48];
	uint64_t v[FS_MAX_MT];
	unsigned k, n = 0;
	int node = 0, r;

	if ((r = pt_prefix(t, &p, &node, zname, BLOCK_ROW)))
		return r;
	if (node != t->node)
		return fs_cursor_err(&t->c, t->d, t->c.line,
				     "row of node %d in the section of node %d (header on line %u)",
				     node, t->node, t->hdr_line);
	for (k = 0; k < t->nsz; k++)
		if (strcmp(pt_szone(t, k)->name, zname) == 0)
			break;
	if (k == t->nsz)
		return fs_cursor_err(&t->c, t->d, t->c.line,
				     "node %d, zone %s has no free rows in this section "
				     "(header on line %u)", node, zname, t->hdr_line);
	struct fs_zone *z = pt_szone(t, k);
	if (store ? z->has_blocks : (t->mixed_mask & (1u << k)) != 0)
		return fs_cursor_err(&t->c, t->d, t->c.line, "duplicate row for node %d, zone %s",
				     node, zname);
	if (p < e && *p != ' ' && *p != '\t')
		return fs_cursor_err(&t->c, t->d, p, "expected a blank after \"zone %s\", found %s",
				     zname, fs_describe(p, e, fb, sizeof fb));
	struct pt_cols how = { false, t->nmt, "", "block counts (one per type)", block_col, v };
	if ((r = pt_fields(t, p, &how, &n)))
		return r;
	if (n != t->nmt)
		return fs_cursor_err(&t->c, t->d, e,
				     "expected a block count for type %s, found %s",
				     s->mt_names[t->mt[n]], fs_describe(e, e, fb, sizeof fb));
	if (store) {
		for (unsigned i = 0; i < n; i++)
			z->blocks[t->mt[i]] = v[i];
		z->has_blocks = true;
		t->nblocks++;
	} else {
		t->mixed_mask |= 1u << k;
	}
	return 0;
}

/* Leaving a blocks table: every zone of the free rows must have had a row. */
static int pt_blocks_done(struct pt *t, const char *found)
{
	if (t->nblocks == t->nsz)
		return 0;
	for (unsigned k = 0; k < t->nsz; k++) {
		struct fs_zone *z = pt_szone(t, k);
		if (!z->has_blocks)
			return fs_cursor_err(&t->c, t->d, t->c.line,
					     "expected a blocks row for node %d, zone %s, found %s",
					     t->node, z->name, found);
	}
	return 0;
}

int rd_pagetypeinfo_parse(struct fs_snapshot *s, const char *file, const char *data,
			  size_t len, struct fs_diag *d)
{
	struct pt t;
	char fb[48];
	int r = 0;

	memset(&t, 0, sizeof t);
	t.s = s;
	t.d = d;
	t.st = PT_PBO;
	t.cz = -1;
	t.node = -1;
	fs_cursor_init(&t.c, file, data, len);
	while (fs_cursor_next(&t.c)) {
		const char *p = t.c.line, *e = t.c.eol;
		bool empty = fs_only_blank(p, e);
		switch (t.st) {
		case PT_PBO:
			r = pt_pbo(&t);
			break;
		case PT_PPB:
			r = pt_ppb(&t);
			break;
		case PT_EMPTY:
			if (!empty)
				return fs_cursor_err(&t.c, d, fs_skip_blank(p, e),
						     "expected an empty line after \"" PPB_LABEL
						     " N\", found %s", pt_found_line(&t.c, fb, sizeof fb));
			t.st = PT_FREEHDR;
			break;
		case PT_FREEHDR:
			r = pt_free_header(&t);
			break;
		case PT_FREE:
			if (empty) {
				if (t.nsz == 0)
					return fs_cursor_err(&t.c, d, p, "expected a row " FREE_ROW
							     ", found an empty line");
				r = pt_zone_done(&t, "an empty line");
				t.st = PT_BLOCKHDR;
			} else {
				r = pt_free_row(&t);
			}
			break;
		case PT_BLOCKHDR:
			r = pt_type_header(&t, BLOCKS_LABEL);
			t.st = PT_BLOCKS;
			break;
		case PT_BLOCKS:
			if (empty) {
				r = pt_blocks_done(&t, "an empty line");
				t.st = PT_MIXEDHDR;
			} else if (fs_match(p, e, PBO_LABEL)) {
				r = pt_blocks_done(&t, "\"" PBO_LABEL "\"");
				if (!r)
					r = pt_pbo(&t);
			} else {
				r = pt_count_row(&t, true);
			}
			break;
		case PT_MIXEDHDR:
			r = pt_type_header(&t, MIXED_LABEL);
			t.st = PT_MIXED;
			break;
		case PT_MIXED:
			if (fs_match(p, e, PBO_LABEL))
				r = pt_pbo(&t);
			else
				r = pt_count_row(&t, false);
			break;
		}
		if (r)
			return r;
	}

	/* End of input: only after a complete blocks or mixed table. */
	unsigned line, col;
	if (len == 0) {
		line = 1;
		col = 1;
	} else if (data[len - 1] == '\n') {
		line = t.c.lineno + 1;
		col = 1;
	} else {
		line = t.c.lineno;
		col = fs_cursor_col(&t.c, t.c.eol);
	}
	switch (t.st) {
	case PT_PBO:
		return fs_diag_set(d, file, line, col,
				   "expected \"" PBO_LABEL " N\", found an empty file");
	case PT_PPB:
		return fs_diag_set(d, file, line, col,
				   "expected \"" PPB_LABEL " N\", found the end of the file");
	case PT_EMPTY:
		return fs_diag_set(d, file, line, col,
				   "expected an empty line, found the end of the file");
	case PT_FREEHDR:
		return fs_diag_set(d, file, line, col,
				   "expected \"" FREE_LABEL " 0 1 2 ...\", found the end of the file");
	case PT_FREE:
		return fs_diag_set(d, file, line, col,
				   "expected a row " FREE_ROW " or an empty line, found the end "
				   "of the file");
	case PT_BLOCKHDR:
		return fs_diag_set(d, file, line, col,
				   "expected \"" BLOCKS_LABEL "\" and the migratetype names, found "
				   "the end of the file");
	case PT_MIXEDHDR:
		return fs_diag_set(d, file, line, col,
				   "expected \"" MIXED_LABEL "\" and the migratetype names, found "
				   "the end of the file");
	case PT_BLOCKS:
		if (t.nblocks != t.nsz) {
			for (unsigned k = 0; k < t.nsz; k++)
				if (!pt_szone(&t, k)->has_blocks)
					return fs_diag_set(d, file, line, col,
							   "expected a blocks row for node %d, zone %s, "
							   "found the end of the file",
							   t.node, pt_szone(&t, k)->name);
		}
		break;
	case PT_MIXED:
		break;
	}
	return 0;
}
