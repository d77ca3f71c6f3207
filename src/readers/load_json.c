#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "json_alloc.h"
#include "kvocab.h"
#include "load_json.h"

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

bool fs_json_get_u64(const json_t *v, uint64_t *out)
{
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return false;
		*out = (uint64_t)json_integer_value(v);
		return true;
	}
	/* The marker fs_json_loadb() made of an integer above INT64_MAX. */
	if (!json_is_string(v) || json_string_length(v) < 2 || json_string_value(v)[0] != '\0')
		return false;
	const char *p = json_string_value(v) + 1, *e = json_string_value(v) + json_string_length(v);
	uint64_t x;
	if (fs_parse_u64(&p, e, &x) || p != e)
		return false;
	*out = x;
	return true;
}

static int get_u64(struct ld *l, json_t *v, uint64_t *out)
{
	if (!fs_json_get_u64(v, out))
		return fail(l, "expected a non-negative integer (at most 18446744073709551615)");
	return 0;
}

/* ---- integers above INT64_MAX -------------------------------------------
 * jansson refuses them ("too big integer"). Before parsing, each integer
 * token from INT64_MAX + 1 to UINT64_MAX outside strings is rewritten as
 * the string "\u0000DIGITS" (8 bytes longer), which fs_json_get_u64()
 * reads back exactly; "\u0000" written in the input itself is refused, so
 * only the rewrite makes such strings. */

struct u64_rw {
	size_t pos;        /* offset of the token in the original text */
	unsigned line, col;
};

/* True when the digits d[0..n) are above INT64_MAX and at most UINT64_MAX. */
static bool u64_only(const char *d, size_t n)
{
	static const char i64max[] = "9223372036854775807", u64max[] = "18446744073709551615";
	if (n < 19 || n > 20 || d[0] == '0')
		return false;
	if (n == 19)
		return memcmp(d, i64max, 19) > 0;
	return memcmp(d, u64max, 20) <= 0;
}

json_t *fs_json_loadb(const char *data, size_t len, json_error_t *err)
{
	struct u64_rw *rw = NULL;
	size_t nrw = 0, caprw = 0;
	unsigned line = 1, col = 1;
	bool in_str = false;
	char *buf = NULL;
	json_t *root = NULL;

	memset(err, 0, sizeof *err);
	for (size_t i = 0; i < len; i++) {
		char ch = data[i];
		if (in_str) {
			if (ch == '\\' && i + 1 < len) {
				if (len - i >= 6 && memcmp(data + i, "\\u0000", 6) == 0) {
					err->line = (int)line;
					err->column = (int)col;
					snprintf(err->text, sizeof err->text,
						 "\\u0000 is not accepted in a string");
					goto out;
				}
				i++;
				col += 2;
				continue;
			} else if (ch == '"') {
				in_str = false;
			}
		} else if (ch == '"') {
			in_str = true;
		} else if (ch >= '0' && ch <= '9' && (i == 0 || !strchr("-+.eE0123456789", data[i - 1]))) {
			size_t e = i;
			while (e < len && data[e] >= '0' && data[e] <= '9')
				e++;
			bool plain = e >= len || !strchr(".eE", data[e]);
			if (plain && u64_only(data + i, e - i)) {
				if (nrw == caprw) {
					caprw = caprw ? caprw * 2 : 16;
					struct u64_rw *n = realloc(rw, caprw * sizeof *n);
					if (!n)
						goto oom;
					rw = n;
				}
				rw[nrw++] = (struct u64_rw){ i, line, col };
			}
			col += (unsigned)(e - i);
			i = e - 1;
			continue;
		}
		if (ch == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)ch & 0xc0) != 0x80) {
			col++;
		}
	}
	const char *text = data;
	size_t tlen = len;
	if (nrw) {
		buf = malloc(len + 8 * nrw + 1);
		if (!buf)
			goto oom;
		size_t w = 0, from = 0;
		for (size_t k = 0; k < nrw; k++) {
			size_t e = rw[k].pos;
			while (e < len && data[e] >= '0' && data[e] <= '9')
				e++;
			memcpy(buf + w, data + from, rw[k].pos - from);
			w += rw[k].pos - from;
			memcpy(buf + w, "\"\\u0000", 7);
			w += 7;
			memcpy(buf + w, data + rw[k].pos, e - rw[k].pos);
			w += e - rw[k].pos;
			buf[w++] = '"';
			from = e;
		}
		memcpy(buf + w, data + from, len - from);
		w += len - from;
		buf[w] = '\0';
		text = buf;
		tlen = w;
	}
	root = json_loadb(text, tlen, JSON_REJECT_DUPLICATES | (nrw ? JSON_ALLOW_NUL : 0), err);
	if (!root && nrw) {
		/* Columns after a rewritten token on the error's line moved by 8. */
		int shift = 0;
		for (size_t k = 0; k < nrw; k++)
			if ((int)rw[k].line == err->line && (int)rw[k].col + shift < err->column)
				shift += 8;
		err->column -= shift;
	}
	goto out;
oom:
	err->line = -1;
	snprintf(err->text, sizeof err->text, "out of memory");
	fs_json_oom_set();
out:
	free(buf);
	free(rw);
	return root;
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
		if (!fs_name_ok(key, SIZE_MAX)) {
			char esc[48];
			return fail(l, "\"%s\" is not a counter name (printable, no blanks)",
				    fs_escape(esc, sizeof esc, key));
		}
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
	/* kvocab.h's fields, each in its object. */
	for (size_t i = 0; i < FS_ZF_COUNT; i++) {
		const struct fs_zi_field *f = &fs_zi_fields[i];
		json_t *obj = f->watermark ? wm : zi;
		json_t *v = obj ? json_object_get(obj, f->key) : NULL;
		if (!v)
			continue;
		at(l, "%s.%s.%s", base, f->watermark ? "watermarks" : "zoneinfo", f->key);
		if (get_u64(l, v, fs_zi_slot(z, f)))
			return -EINVAL;
		z->zi_have |= f->bit;
	}
	json_t *prot = json_object_get(zi, FS_ZI_PROTECTION_NAME);
	if (prot) {
		at(l, "%s.zoneinfo.%s", base, FS_ZI_PROTECTION_NAME);
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

/* base.what must be an object of migratetype -> `of`. */
static int mt_object(struct ld *l, const char *base, const char *what, json_t *o, const char *of)
{
	at(l, "%s.%s", base, what);
	return json_is_object(o) ? 0 : fail(l, "expected an object of migratetype -> %s", of);
}

/* A migratetype key of base.what: its index in the snapshot's types (added
 * when new) in *t, the path at base.what.key. */
static int mt_key(struct ld *l, const char *base, const char *what, const char *key, int *t)
{
	at(l, "%s.%s", base, what);
	if (!fs_name_ok(key, FS_NAME_MAX))
		return fail(l, "a key is not a migratetype name (printable, no blanks)");
	*t = fs_snapshot_mt_index(l->s, key);
	at(l, "%s.%s.%s", base, what, key);
	if (*t < 0)
		return fail(l, "too many migratetypes (at most %d)", FS_MAX_MT);
	return 0;
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
		if (mt_object(l, base, "free_blocks_by_type", bt, "counts"))
			return -EINVAL;
		json_object_foreach(bt, key, v) {
			int t;
			if (mt_key(l, base, "free_blocks_by_type", key, &t))
				return -EINVAL;
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
		if (mt_object(l, base, "pageblocks", pb, "pageblocks"))
			return -EINVAL;
		json_object_foreach(pb, key, v) {
			int t;
			if (mt_key(l, base, "pageblocks", key, &t))
				return -EINVAL;
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
	if (!json_is_string(name) || !fs_name_ok(json_string_value(name), FS_NAME_MAX))
		return fail(l, "expected the zone's name (1 to %d printable characters, no blanks "
			    "or control bytes)", FS_NAME_MAX - 1);
	if (fs_node_zone(n, json_string_value(name)))
		return fail(l, "zone \"%s\" appears twice in node %d", json_string_value(name), n->id);
	struct fs_zone *z = fs_node_zone_get(n, json_string_value(name));
	if (!z)
		return fail(l, "too many zones or name too long");
	if (listed) {
		at(l, "%s.free_blocks", base);
		if (u64_array(l, json_object_get(zo, "free_blocks"), l->s->orders, z->free))
			return -EINVAL;
		unsigned bad;
		if (fs_free_pages_sum(z->free, l->s->orders, NULL, &bad)) {
			fail(l, "the free pages pass 2^40 at order %u (the sum would overflow)", bad);
			return -ERANGE;
		}
		z->has_buddy = true;
		json_t *fbs = json_object_get(zo, "free_blocks_source");
		at(l, "%s.free_blocks_source", base);
		if (fbs && !(json_is_string(fbs) && (!strcmp(json_string_value(fbs), "buddyinfo") ||
						     !strcmp(json_string_value(fbs), "pagetypeinfo"))))
			return fail(l, "expected buddyinfo or pagetypeinfo");
		z->free_from_types = fbs && !strcmp(json_string_value(fbs), "pagetypeinfo");
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
	s->page_size_from = s->page_size_assumed ? FS_PS_ASSUMED : FS_PS_JSON;
	v = json_object_get(src, "page_size_source");
	if (v && !s->page_size_assumed) {
		int f = json_is_string(v) ? fs_page_size_from_parse(json_string_value(v)) : -1;
		at(l, "source.page_size_source");
		if (f < 0 || f == FS_PS_ASSUMED)
			return fail(l, "expected how the page size is known (live, capture, meminfo, json, option or simulated)");
		s->page_size_from = (enum fs_page_size_from)f;
	}
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
	at(l, "source.kernel");
	if (v && !json_is_null(v) &&
	    (!json_is_string(v) || !fs_name_ok(json_string_value(v), FS_RELEASE_MAX + 1)))
		return fail(l, "expected a kernel release (1 to %d printable characters, no blanks "
			    "or control bytes) or null", FS_RELEASE_MAX);
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
		s->time_known = true;
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
			s->time_known = true;
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
			if (!json_is_string(v) || !fs_name_ok(json_string_value(v), FS_NAME_MAX) ||
			    fs_snapshot_mt_index(s, json_string_value(v)) < 0)
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
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > FS_NODE_ID_MAX)
			return fail(l, "expected a node id (0..%d)", FS_NODE_ID_MAX);
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
	json_t *root = fs_json_loadb(data, len, &jerr);
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
