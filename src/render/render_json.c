#include "config.h"

#include "render_json.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kvocab.h"
#include "pagemap.h"
#include "render.h"
#include "timefmt.h"

/* Ownership: every json_*_set_new / json_array_append_new below steals the
 * new reference it is given, so no temporary needs its own json_decref.
 *
 * Those calls fail silently when memory runs out (a key is just missing),
 * so jansson allocates through json_alloc.c's tracker, which remembers any
 * failure; a document built while one happened is thrown away, never
 * printed. */

/* Keys spelled here are ASCII literals (the "" k "" makes anything else a
 * compile error), so jansson need not check them for UTF-8; keys and
 * strings that come from the data (zone, migratetype and counter names,
 * paths, the kernel release) are still checked. Same output, less work. */
#define SET(o, k, v) json_object_set_new_nocheck((o), "" k "", (v))

json_t *fs_json_u64(uint64_t v)
{
	/* json_int_t is long long. A value above INT64_MAX (old kernels print
	 * such counters, e.g. 18446604437880297808) becomes a marker string,
	 * a NUL byte and the decimal digits, which fs_json_u64_fixup() turns
	 * into the bare integer in the dumped text: exact digits, a JSON
	 * number. No other string can start with NUL (they are C strings). */
	if (v <= (uint64_t)INT64_MAX)
		return json_integer((json_int_t)v);
	char buf[24];
	buf[0] = '\0';
	int n = snprintf(buf + 1, sizeof buf - 1, "%" PRIu64, v);
	return json_stringn(buf, (size_t)n + 1);
}

json_t *fs_json_udelta(uint64_t a, uint64_t b)
{
	if (b >= a)
		return fs_json_u64(b - a);
	uint64_t d = a - b;
	if (d <= (uint64_t)INT64_MAX)
		return json_integer(-(json_int_t)d);
	char buf[25];
	buf[0] = '\0';
	int n = snprintf(buf + 1, sizeof buf - 1, "-%" PRIu64, d);
	return json_stringn(buf, (size_t)n + 1);
}

static json_t *jidx(int kernel_value)
{
	/* The kernel's integer divided by 1000: at most three decimals. */
	return json_real(kernel_value / 1000.0);
}

json_t *fs_json_u64_array(const uint64_t *v, unsigned n)
{
	json_t *a = json_array();
	for (unsigned i = 0; i < n; i++)
		json_array_append_new(a, fs_json_u64(v[i]));
	return a;
}

json_t *fs_json_idx_array(const int *v, unsigned n)
{
	json_t *a = json_array();
	for (unsigned i = 0; i < n; i++)
		json_array_append_new(a, jidx(v[i]));
	return a;
}

/* json_object_set_new() for a key from the data: an ASCII key is valid
 * UTF-8 and skips jansson's check; anything else goes through it (and is
 * dropped when invalid, as before). */
static int set_data_key(json_t *o, const char *key, json_t *v)
{
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		if (*p & 0x80)
			return json_object_set_new(o, key, v);
	return json_object_set_new_nocheck(o, key, v);
}

static json_t *kv_object(const struct fs_kvlist *l)
{
	json_t *o = json_object();
	for (size_t i = 0; i < l->n; i++)
		set_data_key(o, l->items[i].name, fs_json_u64(l->items[i].value));
	return o;
}

/* kvocab.h's zoneinfo fields of one JSON object ("zoneinfo" or
 * "watermarks") that z has, in the table's order. */
static void zi_fields(json_t *o, const struct fs_zone *z, bool watermark)
{
	for (size_t i = 0; i < FS_ZF_COUNT; i++) {
		const struct fs_zi_field *f = &fs_zi_fields[i];
		if (f->watermark == watermark && (z->zi_have & f->bit))
			json_object_set_new_nocheck(o, f->key, fs_json_u64(fs_zi_get(z, f)));
	}
}

static json_t *zoneinfo_object(const struct fs_zone *z)
{
	json_t *o = json_object();
	zi_fields(o, z, false);
	if (z->zi_have & FS_ZI_PROTECTION) {
		json_t *a = json_array();
		for (unsigned i = 0; i < z->nprotection; i++)
			json_array_append_new(a, json_integer(z->protection[i]));
		SET(o, FS_ZI_PROTECTION_NAME, a);
	}
	SET(o, "index", json_integer(z->zi_index));
	SET(o, "stats", kv_object(&z->zone_stats));
	return o;
}

static json_t *watermarks_object(const struct fs_zone *z)
{
	json_t *o = json_object();
	zi_fields(o, z, true);
	return o;
}

static json_t *verdict_object(const struct fs_report *r, unsigned k, const struct fs_verdict *v)
{
	json_t *o = json_object();
	SET(o, "order", json_integer(k));
	SET(o, "verdict", json_string_nocheck(fs_verdict_name(v->kind)));
	SET(o, "free", fs_json_u64(v->free));
	SET(o, "highatomic_free", fs_json_u64(v->highatomic));
	SET(o, "watermark", fs_json_u64(v->mark));
	SET(o, "reserve", json_integer(v->reserve));
	SET(o, "order0_watermark", fs_json_u64(v->order0_mark));
	SET(o, "gap", fs_json_u64(v->gap));
	SET(o, "fragmentation_index", jidx(v->fragidx));
	SET(o, "threshold", json_integer(r->extfrag_threshold));
	SET(o, "costly", json_boolean(v->costly));
	SET(o, "watermark_ok", json_boolean(v->wmark_ok));
	SET(o, "block_available", json_boolean(v->block_ok));
	SET(o, "gap_ok", json_boolean(v->gap_ok));
	SET(o, "fragindex_says_reclaim", json_boolean(v->fragidx_rules));
	return o;
}

static json_t *zone_object(const struct fs_report *r, const struct fs_zone_report *zr)
{
	const struct fs_snapshot *s = r->snap;
	const struct fs_zone *z = zr->zone;
	unsigned n = r->orders;
	json_t *o = json_object();
	SET(o, "zone", json_string(z->name));
	SET(o, "free_blocks", fs_json_u64_array(z->free, n));
	SET(o, "free_blocks_source", json_string_nocheck(z->free_from_types ? "pagetypeinfo" : "buddyinfo"));
	SET(o, "free_pages", fs_json_u64(zr->free_pages));
	SET(o, "free_bytes", fs_json_u64(zr->free_pages * s->page_size));
	if (zr->lower_bound) {
		/* Summed over a capped pagetypeinfo list: which numbers are
		 * lower bounds, which indices are still exact. */
		json_t *lb = json_object(), *fb = json_array(), *ue = json_array(), *fe = json_array();
		for (unsigned k = 0; k < n; k++) {
			json_array_append_new(fb, json_boolean(fs_zone_free_lower_bound(s, z, k)));
			json_array_append_new(ue, json_boolean(zr->unusable_exact[k]));
			json_array_append_new(fe, json_boolean(zr->fragidx_exact[k]));
		}
		SET(lb, "free_blocks", fb);
		SET(lb, "unusable_index_exact", ue);
		SET(lb, "fragmentation_index_exact", fe);
		SET(lb, "huge_pages_now", json_boolean(zr->huge_now_lower_bound));
		SET(o, "lower_bounds", lb);
	}
	if (zr->indices_ok) {
		SET(o, "unusable_index", fs_json_idx_array(zr->unusable, n));
		SET(o, "fragmentation_index", fs_json_idx_array(zr->fragidx, n));
		json_t *a = json_array();
		for (unsigned k = 0; k < n; k++)
			json_array_append_new(a, json_integer(zr->extfrag_pct[k]));
		SET(o, "extfrag_percent", a);
	}
	SET(o, "watermarks", watermarks_object(z));
	if (z->has_zoneinfo)
		SET(o, "zoneinfo", zoneinfo_object(z));
	if (z->has_types) {
		json_t *bt = json_object(), *cap = json_object();
		for (unsigned t = 0; t < s->nmt; t++) {
			json_object_set_new(bt, s->mt_names[t], fs_json_u64_array(z->free_by_type[t], n));
			json_t *c = json_array();
			for (unsigned k = 0; k < n; k++)
				json_array_append_new(c, json_boolean(z->capped[t][k]));
			json_object_set_new(cap, s->mt_names[t], c);
		}
		SET(o, "free_blocks_by_type", bt);
		SET(o, "free_blocks_by_type_capped", cap);
	}
	if (z->has_blocks) {
		json_t *pb = json_object();
		for (unsigned t = 0; t < s->nmt; t++)
			json_object_set_new(pb, s->mt_names[t], fs_json_u64(z->blocks[t]));
		SET(o, "pageblocks", pb);
	}
	if (zr->has_verdicts) {
		json_t *a = json_array();
		for (unsigned k = 0; k < n; k++)
			json_array_append_new(a, verdict_object(r, k, &zr->verdicts[k]));
		SET(o, "verdicts", a);
	}
	json_t *hp = json_object();
	SET(hp, "order", json_integer(r->hpage_order));
	SET(hp, "now", fs_json_u64(zr->huge_now));
	SET(hp, "max_after_compaction", fs_json_u64(zr->huge_max));
	if (zr->pm) {
		SET(hp, "max_after_compaction_bound", json_string_nocheck(zr->huge_max_pages ? "page_layout" : "free_pages"));
		SET(hp, "max_by_free_pages", fs_json_u64(zr->huge_max_free));
	}
	SET(o, "huge_pages", hp);
	if (zr->pm) {
		const struct fs_pm_zone *pz = zr->pm;
		json_t *bc = json_object(), *pc = json_object();
		for (int c = 0; c < FS_BC_COUNT; c++)
			json_object_set_new_nocheck(bc, fs_bclass_name(c), fs_json_u64(pz->blocks[c]));
		SET(o, "pageblock_content", bc);
		SET(o, "compaction_ceiling_blocks", fs_json_u64(fs_pm_ceiling(s->pagemap, pz, zr->free_pages)));
		for (int c = 0; c < FS_PC_COUNT; c++)
			json_object_set_new_nocheck(pc, fs_pclass_name(c), fs_json_u64(pz->pages[c]));
		SET(o, "pages_by_class", pc);
	}
	if (z->has_kextfrag || z->has_kunusable) {
		json_t *k = json_object();
		if (z->has_kextfrag)
			SET(k, "extfrag_index", fs_json_idx_array(z->kextfrag, n));
		if (z->has_kunusable)
			SET(k, "unusable_index", fs_json_idx_array(z->kunusable, n));
		SET(k, "mismatches", json_integer(zr->kcheck_mismatch));
		SET(o, "kernel", k);
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
			SET(o, "zone", json_string(zz->name));
			SET(o, "watermarks", watermarks_object(zz));
			SET(o, "zoneinfo", zoneinfo_object(zz));
			json_array_append_new(a, o);
		}
	}
	return a;
}

static json_t *json_report(const struct fs_report *r);

static const char *const caveat_names[] = {
	"types_unknown", "era_inferred", "era_unknown", "thp_defrag_assumed", "node_order_assumed",
	"highatomic_estimated", "boost_unknown", "deferral_unknown", "zones_truncated",
};

static json_t *decision_object(const struct fs_decision *d)
{
	json_t *o = json_object();
	char buf[1024];
	SET(o, "order", json_integer(d->order));
	SET(o, "kind", json_string_nocheck(fs_alloc_kind_name(d->kind)));
	SET(o, "outcome", d->decided ? json_string_nocheck(fs_outcome_name(d->outcome)) : json_null());
	SET(o, "zone", d->decided && d->zone[0] ? json_string(d->zone) : json_null());
	SET(o, "zone_node", d->decided && d->zone_node >= 0 ? json_integer(d->zone_node) : json_null());
	SET(o, "rule", json_string_nocheck(fs_rule_name(d->rule)));
	fs_gfp_format(d->gfp, buf, sizeof buf);
	SET(o, "gfp", json_string(buf));
	fs_decision_reason(d, buf, sizeof buf);
	SET(o, "reason", json_string(buf));
	json_t *c = json_array();
	for (unsigned i = 0; i < sizeof caveat_names / sizeof caveat_names[0]; i++)
		if (d->caveats & (1u << i))
			json_array_append_new(c, json_string_nocheck(caveat_names[i]));
	SET(o, "caveats", c);
	return o;
}

static json_t *kver_json(int v)
{
	char b[16];
	if (v <= 0 || v >= FS_KVER_MAX)
		return json_null();
	snprintf(b, sizeof b, "%d.%d", v / 100, v % 100);
	return json_string_nocheck(b);
}

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

	SET(root, "schema_version", json_integer(FS_SCHEMA_VERSION));
	SET(root, "fragstat_version", json_string_nocheck(PACKAGE_VERSION));

	json_t *src = json_object();
	SET(src, "kind", json_string_nocheck(fs_kind_name(s->kind)));
	SET(src, "path", s->path ? json_string(s->path) : json_null());
	SET(src, "kernel", s->kernel ? json_string(s->kernel) : json_null());
	SET(src, "page_size", fs_json_u64(s->page_size));
	SET(src, "page_size_assumed", json_boolean(s->page_size_assumed));
	SET(src, "page_size_source", json_string_nocheck(fs_page_size_from_name(s->page_size_from)));
	SET(src, "orders", json_integer(s->orders));
	SET(src, "pageblock_order",
			    s->pageblock_order >= 0 ? json_integer(s->pageblock_order) : json_null());
	/* null when the source does not say when it was read (a tree that is
	 * not a fragstat capture, a simulated state): never the time of
	 * conversion. Every source keeps time_sec in [0, FS_TIME_MAX]. */
	bool timed = s->time_known && s->time_sec >= 0 && s->time_sec <= FS_TIME_MAX;
	fs_rfc3339(ts, sizeof ts, s->time_sec);
	SET(src, "timestamp", timed ? json_string_nocheck(ts) : json_null());
	SET(src, "timestamp_ns",
	    timed ? json_integer((json_int_t)s->time_sec * 1000000000LL + s->time_nsec)
		  : json_null());
	SET(root, "source", src);

	json_t *sources = json_object();
	for (int i = 0; i < FS_SRC_COUNT; i++)
		json_object_set_new_nocheck(sources, fs_src_name(i), json_string_nocheck(fs_src_status_name(s->src[i])));
	if (s->kpage_requested) {
		json_object_set_new_nocheck(sources, "kpageflags", json_string_nocheck(fs_src_status_name(s->kpage_src[0])));
		json_object_set_new_nocheck(sources, "kpagecount", json_string_nocheck(fs_src_status_name(s->kpage_src[1])));
	}
	SET(root, "sources", sources);

	json_t *set = json_object();
	SET(set, "extfrag_threshold", json_integer(r->extfrag_threshold));
	SET(set, "extfrag_threshold_default", json_boolean(r->extfrag_threshold_default));
	SET(set, "compaction_proactiveness", json_integer(r->proactiveness));
	SET(set, "compaction_proactiveness_default", json_boolean(r->proactiveness_default));
	SET(set, "watermark_scale_factor", setting(&s->watermark_scale_factor));
	SET(set, "min_free_kbytes", setting(&s->min_free_kbytes));
	SET(set, "thp_enabled", s->thp_enabled.present ? json_string(s->thp_enabled.choice) : json_null());
	SET(set, "thp_defrag", s->thp_defrag.present ? json_string(s->thp_defrag.choice) : json_null());
	SET(set, "defrag_mode", setting(&s->defrag_mode));
	SET(set, "zone_reclaim_mode", setting(&s->zone_reclaim_mode));
	SET(set, "watermark_boost_factor", setting(&s->watermark_boost_factor));
	SET(set, "compact_unevictable_allowed", setting(&s->compact_unevictable_allowed));
	SET(set, "nr_hugepages", setting(&s->nr_hugepages));
	SET(root, "settings", set);

	json_t *era = json_object();
	SET(era, "known", json_boolean(r->era.known));
	SET(era, "inferred", json_boolean(r->era.inferred));
	SET(era, "from", kver_json(r->era.lo));
	SET(era, "to", kver_json(r->era.hi));
	SET(era, "basis", r->era.basis[0] ? json_string(r->era.basis) : json_null());
	SET(root, "kernel_era", era);

	SET(root, "focus_order", json_integer(r->focus_order));
	SET(root, "hpage_order", json_integer(r->hpage_order));
	SET(root, "hpage_order_assumed", json_boolean(r->hpage_order_assumed));
	json_t *mts = json_array();
	for (unsigned t = 0; t < s->nmt; t++)
		json_array_append_new(mts, json_string(s->mt_names[t]));
	SET(root, "migratetypes", mts);

	json_t *nodes = json_array();
	for (size_t i = 0; i < r->nnodes; i++) {
		const struct fs_node_report *nr = &r->nodes[i];
		json_t *no = json_object();
		SET(no, "node", json_integer(nr->node));
		if (nr->has_proactive) {
			json_t *p = json_object();
			SET(p, "score", json_integer(nr->score));
			SET(p, "wmark_low", json_integer(nr->wmark_low));
			SET(p, "wmark_high", json_integer(nr->wmark_high));
			SET(p, "would_compact", json_boolean(nr->would_compact));
			SET(p, "node_present_pages", fs_json_u64(nr->node_present));
			SET(no, "proactive", p);
		} else {
			SET(no, "proactive", json_null());
		}
		json_t *hp = json_object();
		SET(hp, "order", json_integer(r->hpage_order));
		SET(hp, "now", fs_json_u64(nr->huge_now));
		SET(hp, "max_after_compaction", fs_json_u64(nr->huge_max));
		SET(no, "huge_pages", hp);
		json_t *dec = json_array();
		if (nr->has_decisions)
			for (int kind = 0; kind < FS_AK_GFP; kind++)
				json_array_append_new(dec, decision_object(&nr->decisions[kind]));
		SET(no, "decisions", dec);
		json_t *bo = json_object();
		if (nr->has_decisions)
			for (int ki = 0; ki < 2; ki++) {
				json_t *a = json_array();
				for (unsigned k = 0; k < r->orders && k < FS_MAX_ORDERS; k++) {
					const struct fs_order_outcome *oo = &nr->by_order[ki][k];
					json_array_append_new(a, oo->decided ? json_string_nocheck(fs_outcome_name(oo->outcome))
									     : json_null());
				}
				json_object_set_new_nocheck(bo, ki ? "thp" : "movable", a);
			}
		SET(no, "outcomes_by_order", bo);
		json_t *zones = json_array();
		for (unsigned z = 0; z < nr->nzones; z++)
			json_array_append_new(zones, zone_object(r, &nr->zones[z]));
		SET(no, "zones", zones);
		SET(no, "unlisted_zones", unlisted_zones(s, nr->node));
		const struct fs_node *sn = NULL;
		for (size_t j = 0; j < s->nnodes; j++)
			if (s->nodes[j].id == nr->node)
				sn = &s->nodes[j];
		SET(no, "stats", sn ? kv_object(&sn->node_stats) : json_object());
		json_array_append_new(nodes, no);
	}
	SET(root, "nodes", nodes);
	SET(root, "vmstat", kv_object(&s->vmstat));
	SET(root, "meminfo", kv_object(&s->meminfo));

	json_t *kc = json_object();
	SET(kc, "available", json_boolean(r->kcheck_available));
	SET(kc, "compared", json_integer(r->kcheck_compared));
	SET(kc, "mismatches", json_integer(r->kcheck_mismatches));
	SET(kc, "buddyinfo_reads", json_integer(s->kcheck_attempts));
	SET(kc, "stable", json_boolean(s->kcheck_stable));
	SET(kc, "agree", r->kcheck_available ? json_boolean(r->kcheck_mismatches == 0)
							      : json_null());
	SET(root, "kernel_check", kc);
	return root;
}

int fs_render_json(FILE *out, const struct fs_report *r, const struct fs_render_opts *o)
{
	json_t *doc = fs_json_report(r);
	if (!doc)
		return -ENOMEM;
	size_t flags = FS_JSON_DUMP_FLAGS | (o && o->compact_json ? JSON_COMPACT : JSON_INDENT(2));
	int rc = fs_json_dumpf(doc, out, flags);
	json_decref(doc);
	if (rc != 0 && !ferror(out))
		return -ENOMEM;   /* the dump failed without a write error */
	if (rc != 0 || fputc('\n', out) == EOF || fs_json_oom())
		return fs_json_oom() ? -ENOMEM : -EIO;
	return 0;
}
