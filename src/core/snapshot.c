#include "config.h"

#include "snapshot.h"

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

int fs_kv_set(struct fs_kvlist *l, const char *name, uint64_t value)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].name, name) == 0) {
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
	strcpy(l->items[l->n].name, name);
	l->items[l->n].value = value;
	l->n++;
	return 0;
}

bool fs_kv_get(const struct fs_kvlist *l, const char *name, uint64_t *out)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].name, name) == 0) {
			if (out)
				*out = l->items[i].value;
			return true;
		}
	return false;
}

void fs_kv_free(struct fs_kvlist *l)
{
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
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
	return 0;
}
