#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render_json.h"

/* Rebuilding a snapshot from fragstat's own JSON. Only raw data is read
 * (free blocks, pagetypeinfo, zoneinfo, settings, counters); every derived
 * number is computed again, so an edited file cannot smuggle in indices. */

struct ld {
	const char *file;
	struct fs_diag *d;
	struct fs_snapshot *s;
	char path[160];
};

static int fail(struct ld *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct ld *l, const char *fmt, ...)
{
	char msg[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return fs_diag_set(l->d, l->file, 0, 0, "%s: %s", l->path[0] ? l->path : "(top level)", msg);
}

static void at(struct ld *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void at(struct ld *l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(l->path, sizeof l->path, fmt, ap);
	va_end(ap);
}

static int get_u64(struct ld *l, json_t *v, uint64_t *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return fail(l, "expected a non-negative integer");
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int u64_array(struct ld *l, json_t *a, unsigned n, uint64_t *out)
{
	if (!json_is_array(a) || json_array_size(a) != n)
		return fail(l, "expected an array of %u non-negative integers", n);
	for (unsigned i = 0; i < n; i++)
		if (get_u64(l, json_array_get(a, i), &out[i]))
			return -EINVAL;
	return 0;
}

static int kv_load(struct ld *l, json_t *o, struct fs_kvlist *kv)
{
	const char *key;
	json_t *v;
	if (!o || json_is_null(o))
		return 0;
	if (!json_is_object(o))
		return fail(l, "expected an object of counters");
	json_object_foreach(o, key, v) {
		uint64_t x = 0;
		/* Names as the kernel prints them: printable, no blanks. */
		bool good = *key != '\0';
		for (const char *c = key; *c; c++)
			if (*c <= ' ' || *c > '~')
				good = false;
		if (!good)
			return fail(l, "\"%.40s\" is not a counter name (printable, no blanks)", key);
		if (get_u64(l, v, &x))
			return -EINVAL;
		int r = fs_kv_append(kv, key, x);
		if (r == -ENAMETOOLONG)
			return fail(l, "counter name \"%s\" is too long", key);
		if (r)
			return r;
	}
	return 0;
}

static int idx_array(struct ld *l, json_t *a, unsigned n, int32_t *out, int lo)
{
	if (!json_is_array(a) || json_array_size(a) != n)
		return fail(l, "expected an array of %u indices", n);
	for (unsigned i = 0; i < n; i++) {
		json_t *v = json_array_get(a, i);
		if (!json_is_number(v))
			return fail(l, "expected a number at [%u]", i);
		double x = json_number_value(v) * 1000.0;
		/* Range first: converting an out-of-range double is undefined. */
		if (!(x >= lo - 1.0 && x <= 1001.0))
			return fail(l, "[%u] is not a kernel index (three decimals, %d/1000..1)", i, lo);
		long r = (long)(x < 0 ? x - 0.5 : x + 0.5);
		if (r < lo || r > 1000 || (x - (double)r) > 1e-6 || ((double)r - x) > 1e-6)
			return fail(l, "[%u] is not a kernel index (three decimals, %d/1000..1)", i, lo);
		out[i] = (int32_t)r;
	}
	return 0;
}

static const struct { unsigned bit; const char *name; size_t off; } zi_fields[] = {
	{ FS_ZI_FREE, "pages_free", offsetof(struct fs_zone, pages_free) },
	{ FS_ZI_SPANNED, "spanned", offsetof(struct fs_zone, spanned) },
	{ FS_ZI_PRESENT, "present", offsetof(struct fs_zone, present) },
	{ FS_ZI_MANAGED, "managed", offsetof(struct fs_zone, managed) },
	{ FS_ZI_CMA, "cma", offsetof(struct fs_zone, cma) },
	{ FS_ZI_START_PFN, "start_pfn", offsetof(struct fs_zone, start_pfn) },
	{ FS_ZI_MIN, "min", offsetof(struct fs_zone, min) },
	{ FS_ZI_LOW, "low", offsetof(struct fs_zone, low) },
	{ FS_ZI_HIGH, "high", offsetof(struct fs_zone, high) },
	{ FS_ZI_BOOST, "boost", offsetof(struct fs_zone, boost) },
	{ FS_ZI_PROMO, "promo", offsetof(struct fs_zone, promo) },
};

static int zone_zoneinfo(struct ld *l, const char *base, json_t *zo, struct fs_zone *z)
{
	json_t *wm = json_object_get(zo, "watermarks"), *zi = json_object_get(zo, "zoneinfo");
	if (wm && !json_is_object(wm)) {
		at(l, "%s.watermarks", base);
		return fail(l, "expected an object");
	}
	if (zi && !json_is_object(zi)) {
		at(l, "%s.zoneinfo", base);
		return fail(l, "expected an object");
	}
	if (!zi)
		return 0;
	z->has_zoneinfo = true;
	for (size_t i = 0; i < sizeof zi_fields / sizeof zi_fields[0]; i++) {
		json_t *obj = i < 6 ? zi : wm;
		json_t *v = obj ? json_object_get(obj, zi_fields[i].name) : NULL;
		if (!v)
			continue;
		at(l, "%s.%s.%s", base, i < 6 ? "zoneinfo" : "watermarks", zi_fields[i].name);
		if (get_u64(l, v, (uint64_t *)((char *)z + zi_fields[i].off)))
			return -EINVAL;
		z->zi_have |= zi_fields[i].bit;
	}
	json_t *prot = json_object_get(zi, "protection");
	if (prot) {
		at(l, "%s.zoneinfo.protection", base);
		if (!json_is_array(prot) || json_array_size(prot) > FS_MAX_ZONES)
			return fail(l, "expected an array of at most %d integers", FS_MAX_ZONES);
		for (size_t i = 0; i < json_array_size(prot); i++) {
			json_t *v = json_array_get(prot, i);
			if (!json_is_integer(v))
				return fail(l, "expected an integer at [%zu]", i);
			z->protection[i] = json_integer_value(v);
		}
		z->nprotection = (unsigned)json_array_size(prot);
		z->zi_have |= FS_ZI_PROTECTION;
	}
	json_t *idx = json_object_get(zi, "index");
	if (idx) {
		at(l, "%s.zoneinfo.index", base);
		if (!json_is_integer(idx) || json_integer_value(idx) < -1 ||
		    json_integer_value(idx) >= FS_MAX_ZONES)
			return fail(l, "expected a zone index");
		z->zi_index = (int)json_integer_value(idx);
	}
	at(l, "%s.zoneinfo.stats", base);
	return kv_load(l, json_object_get(zi, "stats"), &z->zone_stats);
}

static int zone_types(struct ld *l, const char *base, json_t *zo, struct fs_zone *z)
{
	struct fs_snapshot *s = l->s;
	json_t *bt = json_object_get(zo, "free_blocks_by_type");
	json_t *cap = json_object_get(zo, "free_blocks_by_type_capped");
	json_t *pb = json_object_get(zo, "pageblocks");
	const char *key;
	json_t *v;
	if (bt) {
		at(l, "%s.free_blocks_by_type", base);
		if (!json_is_object(bt))
			return fail(l, "expected an object of migratetype -> counts");
		json_object_foreach(bt, key, v) {
			int t = fs_snapshot_mt_index(s, key);
			at(l, "%s.free_blocks_by_type.%s", base, key);
			if (t < 0)
				return fail(l, "too many migratetypes (at most %d)", FS_MAX_MT);
			if (u64_array(l, v, s->orders, z->free_by_type[t]))
				return -EINVAL;
			json_t *c = cap ? json_object_get(cap, key) : NULL;
			if (c) {
				at(l, "%s.free_blocks_by_type_capped.%s", base, key);
				if (!json_is_array(c) || json_array_size(c) != s->orders)
					return fail(l, "expected an array of %u booleans", s->orders);
				for (unsigned k = 0; k < s->orders; k++) {
					json_t *b = json_array_get(c, k);
					if (!json_is_boolean(b))
						return fail(l, "expected a boolean at [%u]", k);
					z->capped[t][k] = json_is_true(b);
				}
			}
		}
		z->has_types = true;
	}
	if (pb) {
		at(l, "%s.pageblocks", base);
		if (!json_is_object(pb))
			return fail(l, "expected an object of migratetype -> pageblocks");
		json_object_foreach(pb, key, v) {
			int t = fs_snapshot_mt_index(s, key);
			at(l, "%s.pageblocks.%s", base, key);
			if (t < 0)
				return fail(l, "too many migratetypes (at most %d)", FS_MAX_MT);
			if (get_u64(l, v, &z->blocks[t]))
				return -EINVAL;
		}
		z->has_blocks = true;
	}
	return 0;
}

static int load_zone(struct ld *l, json_t *zo, struct fs_node *n, size_t ni, size_t zi, bool listed)
{
	char base[96];
	snprintf(base, sizeof base, "nodes[%zu].%s[%zu]", ni, listed ? "zones" : "unlisted_zones", zi);
	at(l, "%s", base);
	if (!json_is_object(zo))
		return fail(l, "expected a zone object");
	json_t *name = json_object_get(zo, "zone");
	at(l, "%s.zone", base);
	if (!json_is_string(name) || !*json_string_value(name))
		return fail(l, "expected the zone's name");
	if (fs_node_zone(n, json_string_value(name)))
		return fail(l, "zone \"%s\" appears twice in node %d", json_string_value(name), n->id);
	struct fs_zone *z = fs_node_zone_get(n, json_string_value(name));
	if (!z)
		return fail(l, "too many zones or name too long");
	if (listed) {
		at(l, "%s.free_blocks", base);
		if (u64_array(l, json_object_get(zo, "free_blocks"), l->s->orders, z->free))
			return -EINVAL;
		z->has_buddy = true;
	}
	int r = zone_zoneinfo(l, base, zo, z);
	if (r)
		return r;
	if (!listed)
		return 0;
	r = zone_types(l, base, zo, z);
	if (r)
		return r;
	json_t *k = json_object_get(zo, "kernel");
	if (k) {
		json_t *e = json_object_get(k, "extfrag_index"), *u = json_object_get(k, "unusable_index");
		if (e) {
			at(l, "%s.kernel.extfrag_index", base);
			if (idx_array(l, e, l->s->orders, z->kextfrag, -1000))
				return -EINVAL;
			z->has_kextfrag = true;
		}
		if (u) {
			at(l, "%s.kernel.unusable_index", base);
			if (idx_array(l, u, l->s->orders, z->kunusable, 0))
				return -EINVAL;
			z->has_kunusable = true;
		}
	}
	return 0;
}

static int load_source(struct ld *l, json_t *root)
{
	struct fs_snapshot *s = l->s;
	json_t *src = json_object_get(root, "source");
	at(l, "source");
	if (!json_is_object(src))
		return fail(l, "expected an object");
	json_t *v;
	at(l, "source.orders");
	v = json_object_get(src, "orders");
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > FS_MAX_ORDERS)
		return fail(l, "expected the number of orders (1..%d)", FS_MAX_ORDERS);
	s->orders = (unsigned)json_integer_value(v);
	at(l, "source.page_size");
	v = json_object_get(src, "page_size");
	if (!json_is_integer(v) || json_integer_value(v) < 512 ||
	    (json_integer_value(v) & (json_integer_value(v) - 1)))
		return fail(l, "expected a page size in bytes (a power of two)");
	s->page_size = (uint64_t)json_integer_value(v);
	s->page_size_assumed = json_is_true(json_object_get(src, "page_size_assumed"));
	at(l, "source.pageblock_order");
	v = json_object_get(src, "pageblock_order");
	if (v && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) >= FS_MAX_ORDERS + 8)
			return fail(l, "expected a pageblock order or null");
		s->pageblock_order = (int)json_integer_value(v);
		s->pages_per_block = 1ULL << s->pageblock_order;
	}
	v = json_object_get(src, "kernel");
	if (json_is_string(v) && !(s->kernel = strdup(json_string_value(v))))
		return -ENOMEM;
	v = json_object_get(src, "timestamp_ns");
	if (json_is_integer(v)) {
		json_int_t ns = json_integer_value(v);
		at(l, "source.timestamp_ns");
		if (ns < 0)
			return fail(l, "expected nanoseconds since 1970 (not negative)");
		s->time_sec = ns / 1000000000LL;
		s->time_nsec = (int32_t)(ns % 1000000000LL);
	} else if (json_is_string(v = json_object_get(src, "timestamp"))) {
		struct tm tm;
		memset(&tm, 0, sizeof tm);
		const char *e = strptime(json_string_value(v), "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (e && !*e) {
			time_t t = timegm(&tm);
			at(l, "source.timestamp");
			if (t < 0 || (int64_t)t > FS_TIME_MAX)
				return fail(l, "expected a time between 1970 and 2262");
			s->time_sec = t;
		}
	}
	return 0;
}

static int load_settings(struct ld *l, json_t *root)
{
	struct fs_snapshot *s = l->s;
	json_t *set = json_object_get(root, "settings");
	if (!set)
		return 0;
	static const struct { const char *name, *dflt; size_t off; } f[] = {
		{ "extfrag_threshold", "extfrag_threshold_default", offsetof(struct fs_snapshot, extfrag_threshold) },
		{ "compaction_proactiveness", "compaction_proactiveness_default",
		  offsetof(struct fs_snapshot, compaction_proactiveness) },
		{ "watermark_scale_factor", NULL, offsetof(struct fs_snapshot, watermark_scale_factor) },
		{ "min_free_kbytes", NULL, offsetof(struct fs_snapshot, min_free_kbytes) },
		{ "defrag_mode", NULL, offsetof(struct fs_snapshot, defrag_mode) },
		{ "zone_reclaim_mode", NULL, offsetof(struct fs_snapshot, zone_reclaim_mode) },
		{ "watermark_boost_factor", NULL, offsetof(struct fs_snapshot, watermark_boost_factor) },
		{ "compact_unevictable_allowed", NULL, offsetof(struct fs_snapshot, compact_unevictable_allowed) },
		{ "nr_hugepages", NULL, offsetof(struct fs_snapshot, nr_hugepages) },
	};
	static const struct { const char *name; size_t off; } c[] = {
		{ "thp_enabled", offsetof(struct fs_snapshot, thp_enabled) },
		{ "thp_defrag", offsetof(struct fs_snapshot, thp_defrag) },
	};
	at(l, "settings");
	if (!json_is_object(set))
		return fail(l, "expected an object");
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		struct fs_setting *st = (struct fs_setting *)((char *)s + f[i].off);
		json_t *v = json_object_get(set, f[i].name);
		at(l, "settings.%s", f[i].name);
		if (!v || json_is_null(v))
			continue;
		if (!json_is_integer(v))
			return fail(l, "expected an integer or null");
		if (f[i].dflt && json_is_true(json_object_get(set, f[i].dflt)))
			continue;
		st->present = true;
		st->value = json_integer_value(v);
	}
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		struct fs_choice *ch = (struct fs_choice *)((char *)s + c[i].off);
		json_t *v = json_object_get(set, c[i].name);
		at(l, "settings.%s", c[i].name);
		if (!v || json_is_null(v))
			continue;
		const char *str = json_string_value(v);
		size_t n = str ? strlen(str) : 0;
		if (!str || n == 0 || n >= sizeof ch->choice || strspn(str, "abcdefghijklmnopqrstuvwxyz0123456789+_-") != n)
			return fail(l, "expected an option word ([a-z0-9+_-], under %zu bytes) or null",
				    sizeof ch->choice);
		memcpy(ch->choice, str, n + 1);
		ch->present = true;
	}
	return 0;
}

static int load_doc(struct ld *l, json_t *root)
{
	struct fs_snapshot *s = l->s;
	int r;
	if (!json_is_object(root))
		return fail(l, "expected a fragstat snapshot object");
	json_t *sv = json_object_get(root, "schema_version");
	at(l, "schema_version");
	if (!json_is_integer(sv))
		return fail(l, "expected schema_version %d (is this fragstat JSON?)", FS_SCHEMA_VERSION);
	if (json_integer_value(sv) < FS_SCHEMA_VERSION_MIN || json_integer_value(sv) > FS_SCHEMA_VERSION)
		return fail(l, "schema_version %lld is not supported (this fragstat reads %d to %d)",
			    (long long)json_integer_value(sv), FS_SCHEMA_VERSION_MIN, FS_SCHEMA_VERSION);
	if ((r = load_source(l, root)) || (r = load_settings(l, root)))
		return r;

	json_t *srcs = json_object_get(root, "sources");
	if (json_is_object(srcs))
		for (int i = 0; i < FS_SRC_COUNT; i++) {
			json_t *v = json_object_get(srcs, fs_src_name(i));
			if (!json_is_string(v))
				continue;
			for (int st = FS_ST_UNREAD; st <= FS_ST_ERROR; st++)
				if (strcmp(json_string_value(v), fs_src_status_name(st)) == 0)
					s->src[i] = st;
		}

	json_t *mts = json_object_get(root, "migratetypes");
	if (mts) {
		at(l, "migratetypes");
		if (!json_is_array(mts) || json_array_size(mts) > FS_MAX_MT)
			return fail(l, "expected an array of at most %d names", FS_MAX_MT);
		for (size_t i = 0; i < json_array_size(mts); i++) {
			json_t *v = json_array_get(mts, i);
			if (!json_is_string(v) || fs_snapshot_mt_index(s, json_string_value(v)) < 0)
				return fail(l, "expected a migratetype name at [%zu]", i);
		}
	}

	json_t *nodes = json_object_get(root, "nodes");
	at(l, "nodes");
	if (!json_is_array(nodes) || json_array_size(nodes) == 0)
		return fail(l, "expected a non-empty array of nodes");
	for (size_t i = 0; i < json_array_size(nodes); i++) {
		json_t *no = json_array_get(nodes, i), *v;
		at(l, "nodes[%zu].node", i);
		v = json_object_get(no, "node");
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 65535)
			return fail(l, "expected a node id");
		if (fs_snapshot_node(s, (int)json_integer_value(v)))
			return fail(l, "node %lld appears twice", (long long)json_integer_value(v));
		struct fs_node *n = fs_snapshot_node_get(s, (int)json_integer_value(v));
		if (!n)
			return fail(l, "too many nodes");
		json_t *zones = json_object_get(no, "zones");
		at(l, "nodes[%zu].zones", i);
		if (!json_is_array(zones) || json_array_size(zones) == 0 ||
		    json_array_size(zones) > FS_MAX_ZONES)
			return fail(l, "expected an array of 1..%d zones", FS_MAX_ZONES);
		for (size_t z = 0; z < json_array_size(zones); z++)
			if ((r = load_zone(l, json_array_get(zones, z), n, i, z, true)))
				return r;
		json_t *un = json_object_get(no, "unlisted_zones");
		if (json_is_array(un))
			for (size_t z = 0; z < json_array_size(un); z++)
				if ((r = load_zone(l, json_array_get(un, z), n, i, z, false)))
					return r;
		at(l, "nodes[%zu].stats", i);
		if ((r = kv_load(l, json_object_get(no, "stats"), &n->node_stats)))
			return r;
	}
	at(l, "vmstat");
	if ((r = kv_load(l, json_object_get(root, "vmstat"), &s->vmstat)))
		return r;
	at(l, "meminfo");
	return kv_load(l, json_object_get(root, "meminfo"), &s->meminfo);
}

int fs_json_load_snapshot(const char *file, const char *data, size_t len,
			  struct fs_snapshot **out, struct fs_diag *d)
{
	json_error_t jerr;
	*out = NULL;
	/* jansson's parser reports a failed allocation as whatever token it was
	 * reading; the tracking allocator tells the two apart. */
	fs_json_oom_clear();
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root && (fs_json_oom() || json_error_code(&jerr) == json_error_out_of_memory))
		return -ENOMEM;
	if (!root)
		return fs_diag_set(d, file, jerr.line > 0 ? (unsigned)jerr.line : 0,
				   jerr.column > 0 ? (unsigned)jerr.column : 0, "invalid JSON: %s",
				   jerr.text);
	struct fs_snapshot *s = fs_snapshot_new();
	if (!s) {
		json_decref(root);
		return -ENOMEM;
	}
	s->kind = FS_KIND_JSON;
	struct ld l = { .file = file, .d = d, .s = s };
	int r = load_doc(&l, root);
	json_decref(root);
	if (r) {
		fs_snapshot_free(s);
		return r;
	}
	if (file && !(s->path = strdup(file))) {
		fs_snapshot_free(s);
		return -ENOMEM;
	}
	*out = s;
	return 0;
}
