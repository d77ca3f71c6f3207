#include "config.h"

#include "snapshot.h"

#include "pagemap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const src_names[FS_SRC_COUNT] = {
	[FS_SRC_BUDDYINFO] = "buddyinfo",
	[FS_SRC_PAGETYPEINFO] = "pagetypeinfo",
	[FS_SRC_ZONEINFO] = "zoneinfo",
	[FS_SRC_VMSTAT] = "vmstat",
	[FS_SRC_MEMINFO] = "meminfo",
	[FS_SRC_EXTFRAG_INDEX] = "extfrag_index",
	[FS_SRC_UNUSABLE_INDEX] = "unusable_index",
	[FS_SRC_EXTFRAG_THRESHOLD] = "extfrag_threshold",
	[FS_SRC_COMPACTION_PROACTIVENESS] = "compaction_proactiveness",
	[FS_SRC_WATERMARK_SCALE_FACTOR] = "watermark_scale_factor",
	[FS_SRC_MIN_FREE_KBYTES] = "min_free_kbytes",
	[FS_SRC_THP_ENABLED] = "thp_enabled",
	[FS_SRC_THP_DEFRAG] = "thp_defrag",
	[FS_SRC_DEFRAG_MODE] = "defrag_mode",
	[FS_SRC_ZONE_RECLAIM_MODE] = "zone_reclaim_mode",
	[FS_SRC_WATERMARK_BOOST_FACTOR] = "watermark_boost_factor",
	[FS_SRC_COMPACT_UNEVICTABLE_ALLOWED] = "compact_unevictable_allowed",
	[FS_SRC_NR_HUGEPAGES] = "nr_hugepages",
};

static const char *const src_paths[FS_SRC_COUNT] = {
	[FS_SRC_BUDDYINFO] = "proc/buddyinfo",
	[FS_SRC_PAGETYPEINFO] = "proc/pagetypeinfo",
	[FS_SRC_ZONEINFO] = "proc/zoneinfo",
	[FS_SRC_VMSTAT] = "proc/vmstat",
	[FS_SRC_MEMINFO] = "proc/meminfo",
	[FS_SRC_EXTFRAG_INDEX] = "sys/kernel/debug/extfrag/extfrag_index",
	[FS_SRC_UNUSABLE_INDEX] = "sys/kernel/debug/extfrag/unusable_index",
	[FS_SRC_EXTFRAG_THRESHOLD] = "proc/sys/vm/extfrag_threshold",
	[FS_SRC_COMPACTION_PROACTIVENESS] = "proc/sys/vm/compaction_proactiveness",
	[FS_SRC_WATERMARK_SCALE_FACTOR] = "proc/sys/vm/watermark_scale_factor",
	[FS_SRC_MIN_FREE_KBYTES] = "proc/sys/vm/min_free_kbytes",
	[FS_SRC_THP_ENABLED] = "sys/kernel/mm/transparent_hugepage/enabled",
	[FS_SRC_THP_DEFRAG] = "sys/kernel/mm/transparent_hugepage/defrag",
	[FS_SRC_DEFRAG_MODE] = "proc/sys/vm/defrag_mode",
	[FS_SRC_ZONE_RECLAIM_MODE] = "proc/sys/vm/zone_reclaim_mode",
	[FS_SRC_WATERMARK_BOOST_FACTOR] = "proc/sys/vm/watermark_boost_factor",
	[FS_SRC_COMPACT_UNEVICTABLE_ALLOWED] = "proc/sys/vm/compact_unevictable_allowed",
	[FS_SRC_NR_HUGEPAGES] = "proc/sys/vm/nr_hugepages",
};

static const char *const status_names[] = {
	[FS_ST_UNREAD] = "unread",
	[FS_ST_OK] = "ok",
	[FS_ST_MISSING] = "missing",
	[FS_ST_DENIED] = "denied",
	[FS_ST_MALFORMED] = "malformed",
	[FS_ST_ERROR] = "error",
};

_Static_assert(sizeof src_names / sizeof src_names[0] == FS_SRC_COUNT, "src_names");
_Static_assert(sizeof src_paths / sizeof src_paths[0] == FS_SRC_COUNT, "src_paths");
_Static_assert(sizeof status_names / sizeof status_names[0] == FS_ST_ERROR + 1, "status_names");

const char *fs_src_name(enum fs_src s)
{
	return (unsigned)s < FS_SRC_COUNT ? src_names[s] : "?";
}

const char *fs_src_relpath(enum fs_src s)
{
	return (unsigned)s < FS_SRC_COUNT ? src_paths[s] : "?";
}

const char *fs_src_status_name(enum fs_src_status st)
{
	return (unsigned)st <= FS_ST_ERROR ? status_names[st] : "?";
}

const char *fs_kind_name(enum fs_source_kind k)
{
	switch (k) {
	case FS_KIND_LIVE: return "live";
	case FS_KIND_ROOT: return "root";
	case FS_KIND_JSON: return "json";
	case FS_KIND_SIMULATED: return "simulated";
	case FS_KIND_LOG: return "log";
	}
	return "?";
}

int fs_free_pages_sum(const uint64_t *free, unsigned n, uint64_t *pages, unsigned *bad_order)
{
	uint64_t sum = 0;
	for (unsigned k = 0; k < n; k++) {
		/* free[k] << k <= MAX - sum, without overflowing the shift. */
		if (k >= 64 ? free[k] != 0 : free[k] > (FS_FREE_PAGES_MAX - sum) >> k) {
			if (bad_order)
				*bad_order = k;
			return -ERANGE;
		}
		sum += free[k] << k;
	}
	if (pages)
		*pages = sum;
	return 0;
}

bool fs_name_ok(const char *s, size_t max)
{
	size_t n = 0;
	if (!s)
		return false;
	for (; s[n]; n++)
		if ((unsigned char)s[n] <= 0x20 || (unsigned char)s[n] >= 0x7f || n + 1 >= max)
			return false;
	return n > 0;
}

char *fs_escape(char *buf, size_t size, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t w = 0;
	if (!size)
		return buf;
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '\\') {
			if (w + 2 >= size)
				break;
			buf[w++] = '\\';
			buf[w++] = '\\';
		} else if (*p < 0x20 || *p >= 0x7f) {
			if (w + 4 >= size)
				break;
			buf[w++] = '\\';
			buf[w++] = 'x';
			buf[w++] = hex[*p >> 4];
			buf[w++] = hex[*p & 15];
		} else {
			if (w + 1 >= size)
				break;
			buf[w++] = (char)*p;
		}
	}
	buf[w] = '\0';
	return buf;
}

static const char *const ps_from_names[] = {
	[FS_PS_ASSUMED] = "assumed", [FS_PS_LIVE] = "live", [FS_PS_CAPTURE] = "capture",
	[FS_PS_MEMINFO] = "meminfo", [FS_PS_JSON] = "json", [FS_PS_OPTION] = "option",
	[FS_PS_SIMULATED] = "simulated", [FS_PS_LOG] = "log",
};

const char *fs_page_size_from_name(enum fs_page_size_from f)
{
	if ((unsigned)f < sizeof ps_from_names / sizeof ps_from_names[0] && ps_from_names[f])
		return ps_from_names[f];
	return "?";
}

int fs_page_size_from_parse(const char *name)
{
	for (unsigned i = 0; i < sizeof ps_from_names / sizeof ps_from_names[0]; i++)
		if (ps_from_names[i] && strcmp(name, ps_from_names[i]) == 0)
			return (int)i;
	return -1;
}

int fs_snapshot_free_from_types(struct fs_snapshot *s)
{
	for (size_t i = 0; i < s->nnodes; i++)
		for (unsigned zi = 0; zi < s->nodes[i].nzones; zi++) {
			struct fs_zone *z = &s->nodes[i].zones[zi];
			if (!z->has_types || z->has_buddy)
				continue;
			for (unsigned k = 0; k < s->orders && k < FS_MAX_ORDERS; k++) {
				uint64_t sum = 0;
				for (unsigned t = 0; t < s->nmt; t++) {
					if (sum > UINT64_MAX - z->free_by_type[t][k])
						return -ERANGE;
					sum += z->free_by_type[t][k];
				}
				z->free[k] = sum;
			}
			z->has_buddy = true;
			z->free_from_types = true;
		}
	return 0;
}

bool fs_zone_free_lower_bound(const struct fs_snapshot *s, const struct fs_zone *z, unsigned k)
{
	if (!z->free_from_types || k >= FS_MAX_ORDERS)
		return false;
	for (unsigned t = 0; t < s->nmt && t < FS_MAX_MT; t++)
		if (z->capped[t][k])
			return true;
	return false;
}

struct fs_snapshot *fs_snapshot_new(void)
{
	struct fs_snapshot *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->kind = FS_KIND_LIVE;
	s->page_size = 4096;
	s->page_size_assumed = true;
	s->pageblock_order = -1;
	return s;
}

static void free_nodes(struct fs_snapshot *s)
{
	for (size_t i = 0; i < s->nnodes; i++) {
		struct fs_node *n = &s->nodes[i];
		for (unsigned z = 0; z < n->nzones; z++)
			fs_kv_free(&n->zones[z].zone_stats);
		fs_kv_free(&n->node_stats);
	}
	free(s->nodes);
	s->nodes = NULL;
	s->nnodes = s->nodes_cap = 0;
}

void fs_snapshot_clear_nodes(struct fs_snapshot *s)
{
	free_nodes(s);
}

void fs_snapshot_free(struct fs_snapshot *s)
{
	if (!s)
		return;
	free_nodes(s);
	fs_kv_free(&s->vmstat);
	fs_kv_free(&s->meminfo);
	free(s->path);
	free(s->kernel);
	fs_pagemap_free(s->pagemap);
	free(s);
}

static char *dupstr(const char *p, bool *fail)
{
	if (!p)
		return NULL;
	char *d = strdup(p);
	if (!d)
		*fail = true;
	return d;
}

struct fs_snapshot *fs_snapshot_dup(const struct fs_snapshot *s)
{
	struct fs_snapshot *d = malloc(sizeof *d);
	bool fail = false;
	if (!d)
		return NULL;
	*d = *s;
	d->path = NULL;
	d->kernel = NULL;
	d->nodes = NULL;
	d->nnodes = d->nodes_cap = 0;
	d->pagemap = NULL;
	if (s->pagemap && !(d->pagemap = fs_pagemap_dup(s->pagemap)))
		fail = true;
	memset(&d->vmstat, 0, sizeof d->vmstat);
	memset(&d->meminfo, 0, sizeof d->meminfo);
	d->path = dupstr(s->path, &fail);
	d->kernel = dupstr(s->kernel, &fail);
	if (s->nnodes) {
		d->nodes = calloc(s->nnodes, sizeof *d->nodes);
		if (!d->nodes)
			fail = true;
		else {
			d->nnodes = d->nodes_cap = s->nnodes;
			for (size_t i = 0; i < s->nnodes; i++) {
				d->nodes[i] = s->nodes[i];
				memset(&d->nodes[i].node_stats, 0, sizeof(struct fs_kvlist));
				for (unsigned z = 0; z < s->nodes[i].nzones; z++)
					memset(&d->nodes[i].zones[z].zone_stats, 0, sizeof(struct fs_kvlist));
				if (fs_kv_copy(&d->nodes[i].node_stats, &s->nodes[i].node_stats))
					fail = true;
				for (unsigned z = 0; z < s->nodes[i].nzones; z++)
					if (fs_kv_copy(&d->nodes[i].zones[z].zone_stats,
						       &s->nodes[i].zones[z].zone_stats))
						fail = true;
			}
		}
	}
	if (fs_kv_copy(&d->vmstat, &s->vmstat) || fs_kv_copy(&d->meminfo, &s->meminfo))
		fail = true;
	if (fail) {
		fs_snapshot_free(d);
		return NULL;
	}
	return d;
}

struct fs_node *fs_snapshot_node(struct fs_snapshot *s, int id)
{
	for (size_t i = 0; i < s->nnodes; i++)
		if (s->nodes[i].id == id)
			return &s->nodes[i];
	return NULL;
}

struct fs_node *fs_snapshot_node_get(struct fs_snapshot *s, int id)
{
	struct fs_node *n = fs_snapshot_node(s, id);
	if (n)
		return n;
	if (s->nnodes >= FS_MAX_NODES)
		return NULL;
	if (s->nnodes == s->nodes_cap) {
		/* Geometric growth: a node is ~20 KB, growing by one is quadratic. */
		size_t cap = s->nodes_cap ? s->nodes_cap * 2 : 4;
		if (cap > FS_MAX_NODES)
			cap = FS_MAX_NODES;
		struct fs_node *nn = realloc(s->nodes, cap * sizeof *nn);
		if (!nn)
			return NULL;
		s->nodes = nn;
		s->nodes_cap = cap;
	}
	n = &s->nodes[s->nnodes++];
	memset(n, 0, sizeof *n);
	n->id = id;
	return n;
}

struct fs_zone *fs_node_zone(struct fs_node *n, const char *name)
{
	for (unsigned z = 0; z < n->nzones; z++)
		if (strcmp(n->zones[z].name, name) == 0)
			return &n->zones[z];
	return NULL;
}

struct fs_zone *fs_node_zone_get(struct fs_node *n, const char *name)
{
	struct fs_zone *z = fs_node_zone(n, name);
	if (z)
		return z;
	if (n->nzones >= FS_MAX_ZONES || strlen(name) >= FS_NAME_MAX)
		return NULL;
	z = &n->zones[n->nzones++];
	memset(z, 0, sizeof *z);
	strcpy(z->name, name);
	z->zi_index = -1;
	return z;
}

int fs_snapshot_mt_index(struct fs_snapshot *s, const char *name)
{
	for (unsigned i = 0; i < s->nmt; i++)
		if (strcmp(s->mt_names[i], name) == 0)
			return (int)i;
	if (s->nmt >= FS_MAX_MT || strlen(name) >= FS_NAME_MAX)
		return -1;
	strcpy(s->mt_names[s->nmt], name);
	return (int)s->nmt++;
}

/* The list is indexed once it holds this many names. */
#define KV_INDEX_MIN 16

static uint32_t kv_hash(const char *p, size_t n)
{
	uint32_t h = 2166136261u;                 /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 16777619u;
	}
	return h;
}

static bool kv_same(const struct fs_kv *kv, const char *name, size_t len)
{
	return strncmp(kv->name, name, len) == 0 && kv->name[len] == '\0';
}

static void kv_index_put(struct fs_kvlist *l, size_t i)
{
	size_t mask = l->hcap - 1;
	size_t h = kv_hash(l->items[i].name, strlen(l->items[i].name)) & mask;
	while (l->hidx[h])
		h = (h + 1) & mask;
	l->hidx[h] = (uint32_t)(i + 1);
}

/* (Re)build the index for at least n + 1 entries; -ENOMEM on failure. */
static int kv_index_grow(struct fs_kvlist *l, size_t n)
{
	size_t cap = 64;
	while (cap <= 2 * (n + 1))
		cap *= 2;
	if (n + 1 >= UINT32_MAX)
		return -ENOMEM;
	uint32_t *t = calloc(cap, sizeof *t);
	if (!t)
		return -ENOMEM;
	free(l->hidx);
	l->hidx = t;
	l->hcap = cap;
	for (size_t i = 0; i < l->n; i++)
		kv_index_put(l, i);
	return 0;
}

long fs_kv_find(const struct fs_kvlist *l, const char *name, size_t len)
{
	if (len >= FS_NAME_MAX)
		return -1;
	if (!l->hidx) {
		for (size_t i = 0; i < l->n; i++)
			if (kv_same(&l->items[i], name, len))
				return (long)i;
		return -1;
	}
	size_t mask = l->hcap - 1, h = kv_hash(name, len) & mask;
	for (uint32_t v; (v = l->hidx[h]) != 0; h = (h + 1) & mask)
		if (kv_same(&l->items[v - 1], name, len))
			return (long)(v - 1);
	return -1;
}

int fs_kv_set(struct fs_kvlist *l, const char *name, uint64_t value)
{
	long i = fs_kv_find(l, name, strlen(name));
	if (i >= 0) {
		l->items[i].value = value;
		return 0;
	}
	return fs_kv_append(l, name, value);
}

int fs_kv_append(struct fs_kvlist *l, const char *name, uint64_t value)
{
	if (strlen(name) >= FS_NAME_MAX)
		return -ENAMETOOLONG;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct fs_kv *it = realloc(l->items, cap * sizeof *it);
		if (!it)
			return -ENOMEM;
		l->items = it;
		l->cap = cap;
	}
	if ((l->hidx || l->n + 1 >= KV_INDEX_MIN) && (!l->hidx || 2 * (l->n + 1) >= l->hcap) &&
	    kv_index_grow(l, l->n + 1))
		return -ENOMEM;
	strcpy(l->items[l->n].name, name);
	l->items[l->n].value = value;
	l->n++;
	if (l->hidx)
		kv_index_put(l, l->n - 1);
	return 0;
}

bool fs_kv_get(const struct fs_kvlist *l, const char *name, uint64_t *out)
{
	long i = fs_kv_find(l, name, strlen(name));
	if (i < 0)
		return false;
	if (out)
		*out = l->items[i].value;
	return true;
}

void fs_kv_free(struct fs_kvlist *l)
{
	free(l->items);
	free(l->hidx);
	l->items = NULL;
	l->hidx = NULL;
	l->n = l->cap = l->hcap = 0;
}

int fs_kv_copy(struct fs_kvlist *dst, const struct fs_kvlist *src)
{
	memset(dst, 0, sizeof *dst);
	if (!src->n)
		return 0;
	dst->items = malloc(src->n * sizeof *dst->items);
	if (!dst->items)
		return -ENOMEM;
	memcpy(dst->items, src->items, src->n * sizeof *dst->items);
	dst->n = dst->cap = src->n;
	if (src->hidx) {
		dst->hidx = malloc(src->hcap * sizeof *dst->hidx);
		if (!dst->hidx) {
			fs_kv_free(dst);
			return -ENOMEM;
		}
		memcpy(dst->hidx, src->hidx, src->hcap * sizeof *dst->hidx);
		dst->hcap = src->hcap;
	}
	return 0;
}
