#include "config.h"

#include "render_json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render.h"

/* Ownership: every json_*_set_new / json_array_append_new below steals the
 * new reference it is given, so no temporary needs its own json_decref.
 *
 * Those calls fail silently when memory runs out (a key is just missing),
 * so jansson allocates through track_malloc, which remembers any failure;
 * a document built while one happened is thrown away, never printed. */
static bool json_oom;

static void *track_malloc(size_t n)
{
	void *p = malloc(n);
	if (!p)
		json_oom = true;
	return p;
}

static void track_free(void *p)
{
	free(p);
}

void fs_json_oom_clear(void)
{
	static bool installed;
	if (!installed) {
		json_set_alloc_funcs(track_malloc, track_free);
		installed = true;
	}
	json_oom = false;
}

bool fs_json_oom(void)
{
	return json_oom;
}

static json_t *jint(uint64_t v)
{
	/* json_int_t is long long; counters above INT64_MAX do not occur in
	 * kernel files fragstat accepts (values are clamped by the readers). */
	return json_integer(v > (uint64_t)INT64_MAX ? INT64_MAX : (json_int_t)v);
}

static json_t *jidx(int kernel_value)
{
	/* The kernel's integer divided by 1000: at most three decimals. */
	return json_real(kernel_value / 1000.0);
}

static json_t *u64_array(const uint64_t *v, unsigned n)
{
	json_t *a = json_array();
	for (unsigned i = 0; i < n; i++)
		json_array_append_new(a, jint(v[i]));
	return a;
}

static json_t *idx_array(const int *v, unsigned n)
{
	json_t *a = json_array();
	for (unsigned i = 0; i < n; i++)
		json_array_append_new(a, jidx(v[i]));
	return a;
}

static json_t *kv_object(const struct fs_kvlist *l)
{
	json_t *o = json_object();
	for (size_t i = 0; i < l->n; i++)
		json_object_set_new(o, l->items[i].name, jint(l->items[i].value));
	return o;
}

static void rfc3339(char *buf, size_t size, int64_t sec)
{
	time_t t = (time_t)sec;
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "1970-01-01T00:00:00Z");
}

static json_t *zoneinfo_object(const struct fs_zone *z)
{
	json_t *o = json_object();
	static const struct { unsigned bit; const char *name; size_t off; } f[] = {
		{ FS_ZI_FREE, "pages_free", offsetof(struct fs_zone, pages_free) },
		{ FS_ZI_SPANNED, "spanned", offsetof(struct fs_zone, spanned) },
		{ FS_ZI_PRESENT, "present", offsetof(struct fs_zone, present) },
		{ FS_ZI_MANAGED, "managed", offsetof(struct fs_zone, managed) },
		{ FS_ZI_CMA, "cma", offsetof(struct fs_zone, cma) },
		{ FS_ZI_START_PFN, "start_pfn", offsetof(struct fs_zone, start_pfn) },
	};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (z->zi_have & f[i].bit)
			json_object_set_new(o, f[i].name,
					    jint(*(const uint64_t *)((const char *)z + f[i].off)));
	if (z->zi_have & FS_ZI_PROTECTION) {
		json_t *a = json_array();
		for (unsigned i = 0; i < z->nprotection; i++)
			json_array_append_new(a, json_integer(z->protection[i]));
		json_object_set_new(o, "protection", a);
	}
	json_object_set_new(o, "index", json_integer(z->zi_index));
	json_object_set_new(o, "stats", kv_object(&z->zone_stats));
	return o;
}

static json_t *watermarks_object(const struct fs_zone *z)
{
	json_t *o = json_object();
	static const struct { unsigned bit; const char *name; size_t off; } f[] = {
		{ FS_ZI_MIN, "min", offsetof(struct fs_zone, min) },
		{ FS_ZI_LOW, "low", offsetof(struct fs_zone, low) },
		{ FS_ZI_HIGH, "high", offsetof(struct fs_zone, high) },
		{ FS_ZI_BOOST, "boost", offsetof(struct fs_zone, boost) },
		{ FS_ZI_PROMO, "promo", offsetof(struct fs_zone, promo) },
	};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (z->zi_have & f[i].bit)
			json_object_set_new(o, f[i].name,
					    jint(*(const uint64_t *)((const char *)z + f[i].off)));
	return o;
}

static json_t *verdict_object(const struct fs_report *r, unsigned k, const struct fs_verdict *v)
{
	json_t *o = json_object();
	json_object_set_new(o, "order", json_integer(k));
	json_object_set_new(o, "verdict", json_string(fs_verdict_name(v->kind)));
	json_object_set_new(o, "free", jint(v->free));
	json_object_set_new(o, "highatomic_free", jint(v->highatomic));
	json_object_set_new(o, "watermark", jint(v->mark));
	json_object_set_new(o, "reserve", json_integer(v->reserve));
	json_object_set_new(o, "order0_watermark", jint(v->order0_mark));
	json_object_set_new(o, "gap", jint(v->gap));
	json_object_set_new(o, "fragmentation_index", jidx(v->fragidx));
	json_object_set_new(o, "threshold", json_integer(r->extfrag_threshold));
	json_object_set_new(o, "costly", json_boolean(v->costly));
	json_object_set_new(o, "watermark_ok", json_boolean(v->wmark_ok));
	json_object_set_new(o, "block_available", json_boolean(v->block_ok));
	json_object_set_new(o, "gap_ok", json_boolean(v->gap_ok));
	json_object_set_new(o, "fragindex_says_reclaim", json_boolean(v->fragidx_rules));
	return o;
}

static json_t *zone_object(const struct fs_report *r, const struct fs_zone_report *zr)
{
	const struct fs_snapshot *s = r->snap;
	const struct fs_zone *z = zr->zone;
	unsigned n = r->orders;
	json_t *o = json_object();
	json_object_set_new(o, "zone", json_string(z->name));
	json_object_set_new(o, "free_blocks", u64_array(z->free, n));
	json_object_set_new(o, "free_pages", jint(zr->free_pages));
	json_object_set_new(o, "free_bytes", jint(zr->free_pages * s->page_size));
	if (zr->indices_ok) {
		json_object_set_new(o, "unusable_index", idx_array(zr->unusable, n));
		json_object_set_new(o, "fragmentation_index", idx_array(zr->fragidx, n));
		json_t *a = json_array();
		for (unsigned k = 0; k < n; k++)
			json_array_append_new(a, json_integer(zr->extfrag_pct[k]));
		json_object_set_new(o, "extfrag_percent", a);
	}
	json_object_set_new(o, "watermarks", watermarks_object(z));
	if (z->has_zoneinfo)
		json_object_set_new(o, "zoneinfo", zoneinfo_object(z));
	if (z->has_types) {
		json_t *bt = json_object(), *cap = json_object();
		for (unsigned t = 0; t < s->nmt; t++) {
			json_object_set_new(bt, s->mt_names[t], u64_array(z->free_by_type[t], n));
			json_t *c = json_array();
			for (unsigned k = 0; k < n; k++)
				json_array_append_new(c, json_boolean(z->capped[t][k]));
			json_object_set_new(cap, s->mt_names[t], c);
		}
		json_object_set_new(o, "free_blocks_by_type", bt);
		json_object_set_new(o, "free_blocks_by_type_capped", cap);
	}
	if (z->has_blocks) {
		json_t *pb = json_object();
		for (unsigned t = 0; t < s->nmt; t++)
			json_object_set_new(pb, s->mt_names[t], jint(z->blocks[t]));
		json_object_set_new(o, "pageblocks", pb);
	}
	if (zr->has_verdicts) {
		json_t *a = json_array();
		for (unsigned k = 0; k < n; k++)
			json_array_append_new(a, verdict_object(r, k, &zr->verdicts[k]));
		json_object_set_new(o, "verdicts", a);
	}
	json_t *hp = json_object();
	json_object_set_new(hp, "order", json_integer(r->hpage_order));
	json_object_set_new(hp, "now", jint(zr->huge_now));
	json_object_set_new(hp, "max_after_compaction", jint(zr->huge_max));
	json_object_set_new(o, "huge_pages", hp);
	if (z->has_kextfrag || z->has_kunusable) {
		json_t *k = json_object();
		if (z->has_kextfrag)
			json_object_set_new(k, "extfrag_index", idx_array(z->kextfrag, n));
		if (z->has_kunusable)
			json_object_set_new(k, "unusable_index", idx_array(z->kunusable, n));
		json_object_set_new(k, "mismatches", json_integer(zr->kcheck_mismatch));
		json_object_set_new(o, "kernel", k);
	}
	return o;
}

static json_t *unlisted_zones(const struct fs_snapshot *s, int node)
{
	json_t *a = json_array();
	for (size_t i = 0; i < s->nnodes; i++) {
		const struct fs_node *n = &s->nodes[i];
		if (n->id != node)
			continue;
		for (unsigned z = 0; z < n->nzones; z++) {
			const struct fs_zone *zz = &n->zones[z];
			if (zz->has_buddy || !zz->has_zoneinfo)
				continue;
			json_t *o = json_object();
			json_object_set_new(o, "zone", json_string(zz->name));
			json_object_set_new(o, "watermarks", watermarks_object(zz));
			json_object_set_new(o, "zoneinfo", zoneinfo_object(zz));
			json_array_append_new(a, o);
		}
	}
	return a;
}

static json_t *json_report(const struct fs_report *r);

static json_t *setting(const struct fs_setting *st)
{
	return st->present ? json_integer(st->value) : json_null();
}

json_t *fs_json_report(const struct fs_report *r)
{
	fs_json_oom_clear();
	json_t *root = json_report(r);
	if (!root || fs_json_oom()) {
		json_decref(root);
		return NULL;
	}
	return root;
}

static json_t *json_report(const struct fs_report *r)
{
	const struct fs_snapshot *s = r->snap;
	json_t *root = json_object();
	char ts[40];
	if (!root)
		return NULL;

	json_object_set_new(root, "schema_version", json_integer(FS_SCHEMA_VERSION));
	json_object_set_new(root, "fragstat_version", json_string(PACKAGE_VERSION));

	json_t *src = json_object();
	json_object_set_new(src, "kind", json_string(fs_kind_name(s->kind)));
	json_object_set_new(src, "path", s->path ? json_string(s->path) : json_null());
	json_object_set_new(src, "kernel", s->kernel ? json_string(s->kernel) : json_null());
	json_object_set_new(src, "page_size", jint(s->page_size));
	json_object_set_new(src, "page_size_assumed", json_boolean(s->page_size_assumed));
	json_object_set_new(src, "orders", json_integer(s->orders));
	json_object_set_new(src, "pageblock_order",
			    s->pageblock_order >= 0 ? json_integer(s->pageblock_order) : json_null());
	rfc3339(ts, sizeof ts, s->time_sec);
	json_object_set_new(src, "timestamp", json_string(ts));
	json_object_set_new(src, "timestamp_ns",
			    json_integer((json_int_t)s->time_sec * 1000000000LL + s->time_nsec));
	json_object_set_new(root, "source", src);

	json_t *sources = json_object();
	for (int i = 0; i < FS_SRC_COUNT; i++)
		json_object_set_new(sources, fs_src_name(i), json_string(fs_src_status_name(s->src[i])));
	json_object_set_new(root, "sources", sources);

	json_t *set = json_object();
	json_object_set_new(set, "extfrag_threshold", json_integer(r->extfrag_threshold));
	json_object_set_new(set, "extfrag_threshold_default", json_boolean(r->extfrag_threshold_default));
	json_object_set_new(set, "compaction_proactiveness", json_integer(r->proactiveness));
	json_object_set_new(set, "compaction_proactiveness_default", json_boolean(r->proactiveness_default));
	json_object_set_new(set, "watermark_scale_factor", setting(&s->watermark_scale_factor));
	json_object_set_new(set, "min_free_kbytes", setting(&s->min_free_kbytes));
	json_object_set_new(root, "settings", set);

	json_object_set_new(root, "focus_order", json_integer(r->focus_order));
	json_object_set_new(root, "hpage_order", json_integer(r->hpage_order));
	json_object_set_new(root, "hpage_order_assumed", json_boolean(r->hpage_order_assumed));
	json_t *mts = json_array();
	for (unsigned t = 0; t < s->nmt; t++)
		json_array_append_new(mts, json_string(s->mt_names[t]));
	json_object_set_new(root, "migratetypes", mts);

	json_t *nodes = json_array();
	for (size_t i = 0; i < r->nnodes; i++) {
		const struct fs_node_report *nr = &r->nodes[i];
		json_t *no = json_object();
		json_object_set_new(no, "node", json_integer(nr->node));
		if (nr->has_proactive) {
			json_t *p = json_object();
			json_object_set_new(p, "score", json_integer(nr->score));
			json_object_set_new(p, "wmark_low", json_integer(nr->wmark_low));
			json_object_set_new(p, "wmark_high", json_integer(nr->wmark_high));
			json_object_set_new(p, "would_compact", json_boolean(nr->would_compact));
			json_object_set_new(p, "node_present_pages", jint(nr->node_present));
			json_object_set_new(no, "proactive", p);
		} else {
			json_object_set_new(no, "proactive", json_null());
		}
		json_t *hp = json_object();
		json_object_set_new(hp, "order", json_integer(r->hpage_order));
		json_object_set_new(hp, "now", jint(nr->huge_now));
		json_object_set_new(hp, "max_after_compaction", jint(nr->huge_max));
		json_object_set_new(no, "huge_pages", hp);
		json_t *zones = json_array();
		for (unsigned z = 0; z < nr->nzones; z++)
			json_array_append_new(zones, zone_object(r, &nr->zones[z]));
		json_object_set_new(no, "zones", zones);
		json_object_set_new(no, "unlisted_zones", unlisted_zones(s, nr->node));
		const struct fs_node *sn = NULL;
		for (size_t j = 0; j < s->nnodes; j++)
			if (s->nodes[j].id == nr->node)
				sn = &s->nodes[j];
		json_object_set_new(no, "stats", sn ? kv_object(&sn->node_stats) : json_object());
		json_array_append_new(nodes, no);
	}
	json_object_set_new(root, "nodes", nodes);
	json_object_set_new(root, "vmstat", kv_object(&s->vmstat));
	json_object_set_new(root, "meminfo", kv_object(&s->meminfo));

	json_t *kc = json_object();
	json_object_set_new(kc, "available", json_boolean(r->kcheck_available));
	json_object_set_new(kc, "compared", json_integer(r->kcheck_compared));
	json_object_set_new(kc, "mismatches", json_integer(r->kcheck_mismatches));
	json_object_set_new(kc, "buddyinfo_reads", json_integer(s->kcheck_attempts));
	json_object_set_new(kc, "stable", json_boolean(s->kcheck_stable));
	json_object_set_new(kc, "agree", r->kcheck_available ? json_boolean(r->kcheck_mismatches == 0)
							      : json_null());
	json_object_set_new(root, "kernel_check", kc);
	return root;
}

int fs_render_json(FILE *out, const struct fs_report *r, const struct fs_render_opts *o)
{
	json_t *doc = fs_json_report(r);
	if (!doc)
		return -ENOMEM;
	size_t flags = FS_JSON_DUMP_FLAGS | (o && o->compact_json ? JSON_COMPACT : JSON_INDENT(2));
	int rc = json_dumpf(doc, out, flags);
	json_decref(doc);
	if (rc != 0 && !ferror(out))
		return -ENOMEM;   /* the dump failed without a write error */
	if (rc != 0 || fputc('\n', out) == EOF || fs_json_oom())
		return fs_json_oom() ? -ENOMEM : -EIO;
	return 0;
}
