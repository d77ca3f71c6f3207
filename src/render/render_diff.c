/* render_diff.c - a diff as a table (for people) or JSON (for tools).
 *
 * The JSON is built with jansson like the snapshot document; ownership as
 * in render_json.c: every *_set_new / *_append_new steals the reference it
 * is given. The diff document has its own version, "diff_version".
 */
#include "config.h"

#include "render_diff.h"
#include "render_map.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fragindex.h"
#include "render_json.h"
#include "timefmt.h"

/* ---- table ------------------------------------------------------------- */

static void side_line(FILE *out, const char *tag, const struct fs_snapshot *s, bool has_time)
{
	char ts[40] = "no time of capture", path[1024];
	if (has_time)
		fs_rfc3339(ts, sizeof ts, s->time_sec);
	fprintf(out, "%s: %s (%s, kernel %s, %s)\n", tag,
		s->path ? fs_escape(path, sizeof path, s->path) : "live",
		fs_kind_name(s->kind), s->kernel ? s->kernel : "unknown", ts);
}

/* --pages: pageblock content A -> B and the blocks that changed class. */
static void zone_pages(FILE *out, const struct fs_diff_zone *z)
{
	if (!z->has_pages)
		return;
	char line[512];
	size_t o = (size_t)snprintf(line, sizeof line, "pageblocks A -> B:");
	for (int c = 0; c < FS_BC_COUNT && o < sizeof line; c++)
		o += (size_t)snprintf(line + o, sizeof line - o, "%s %s %" PRIu64 "->%" PRIu64, c ? "," : "",
				      fs_bclass_name(c), z->blocks_a[c], z->blocks_b[c]);
	fs_map_wrap(out, "  ", 4, 80, line);
	fprintf(out, "  compaction ceiling %" PRIu64 " -> %" PRIu64 " pageblocks\n", z->ceiling_a, z->ceiling_b);
	if (!z->same_span) {
		fprintf(out, "  the zone spans differ: blocks not compared one by one\n");
		return;
	}
	o = (size_t)snprintf(line, sizeof line, "%" PRIu64 " pageblock%s changed class", z->blocks_changed,
			     z->blocks_changed == 1 ? "" : "s");
	const char *sep = ": ";
	for (int x = 0; x <= FS_BC_PARTIAL; x++)
		for (int y = 0; y <= FS_BC_PARTIAL && o < sizeof line; y++)
			if (x != y && z->moves[x][y]) {
				o += (size_t)snprintf(line + o, sizeof line - o, "%s%" PRIu64 " %s->%s", sep,
						      z->moves[x][y], fs_bclass_name(x), fs_bclass_name(y));
				sep = ", ";
			}
	fs_map_wrap(out, "  ", 4, 80, line);
}

static void zone_table(FILE *out, const struct fs_diff *d, const struct fs_diff_zone *z)
{
	fprintf(out, "\nNode %d, zone %s", z->node, z->zone);
	if (z->presence == FS_DIFF_ONLY_A) {
		fprintf(out, ": only in A\n");
		return;
	}
	if (z->presence == FS_DIFF_ONLY_B) {
		fprintf(out, ": only in B\n");
		return;
	}
	if (z->changes == 0) {
		fprintf(out, ": no change%s\n", z->has_pages ? " in the free lists" : "");
		zone_pages(out, z);
		return;
	}
	fprintf(out, ": %u order%s changed\n", z->changes, z->changes == 1 ? "" : "s");
	fprintf(out, "%5s %9s %9s %9s %8s %7s %8s %7s  %s\n", "order", "free A", "free B", "delta",
		"unusable", "delta", "fragidx", "delta", "verdict A->B");
	for (unsigned k = 0; k < d->orders; k++) {
		char u[24] = "-", ud[24] = "-", f[24] = "-", fd[24] = "-", v[40] = "-";
		if (z->indices_delta_ok) {
			fs_index_format(u, sizeof u, z->b.unusable[k], false);
			fs_index_format(ud, sizeof ud, z->unusable_delta[k], true);
			fs_index_format(f, sizeof f, z->b.fragidx[k], false);
			fs_index_format(fd, sizeof fd, z->fragidx_delta[k], true);
		}
		if (z->verdicts_compared) {
			if (z->verdict_changed[k])
				snprintf(v, sizeof v, "%s->%s", fs_verdict_name(z->a.verdict[k]),
					 fs_verdict_name(z->b.verdict[k]));
			else
				snprintf(v, sizeof v, "%s", fs_verdict_name(z->b.verdict[k]));
		}
		fprintf(out, "%5u %9" PRIu64 " %9" PRIu64 " %+9" PRId64 " %8s %7s %8s %7s  %s\n", k,
			z->a.free[k], z->b.free[k], z->free_delta[k], u, ud, f, fd, v);
	}
	zone_pages(out, z);
}

int fs_render_diff_table(FILE *out, const struct fs_diff *d, const struct fs_diff_sides *s)
{
	side_line(out, "A", s->a, s->time_a);
	side_line(out, "B", s->b, s->time_b);
	if (d->has_interval)
		fprintf(out, "Interval: %.3f s\n", (double)d->interval_ns / 1e9);
	else
		fprintf(out, "Interval: unknown (rates need two inputs that carry their time)\n");
	if (d->orders_a != d->orders_b)
		fprintf(out, "Orders differ: A has %u, B has %u; comparing orders 0..%u\n",
			d->orders_a, d->orders_b, d->orders ? d->orders - 1 : 0);
	for (size_t i = 0; i < d->nzones; i++)
		zone_table(out, d, &d->zones[i]);

	size_t changed = 0, shown = 0;
	for (size_t i = 0; i < d->ncounters; i++) {
		const struct fs_diff_counter *c = &d->counters[i];
		if (c->in_a && c->in_b && c->delta == 0)
			continue;
		if (!shown++)
			fprintf(out, "\n%-32s %14s %14s %12s %12s\n", "counter", "A", "B", "delta",
				"per second");
		char a[24] = "-", b[24] = "-", dl[24] = "-", r[24] = "-";
		if (c->in_a)
			snprintf(a, sizeof a, "%" PRIu64, c->a);
		if (c->in_b)
			snprintf(b, sizeof b, "%" PRIu64, c->b);
		if (c->in_a && c->in_b)
			/* Exact, from the counters (the saturated int64 delta
			 * cannot hold every difference of two 64-bit values). */
			snprintf(dl, sizeof dl, "%c%" PRIu64, c->b >= c->a ? '+' : '-',
				 c->b >= c->a ? c->b - c->a : c->a - c->b);
		if (c->has_rate)
			snprintf(r, sizeof r, "%.3f", c->rate);
		else if (c->reset)
			snprintf(r, sizeof r, "reset");
		fprintf(out, "%-32s %14s %14s %12s %12s\n", c->name, a, b, dl, r);
		changed++;
	}
	if (d->ncounters == 0)
		fprintf(out, "\nNo compaction, migration or THP counters (vmstat) on both sides.\n");
	else if (changed == 0)
		fprintf(out, "\nNo compaction, migration or THP counter changed (%zu compared).\n",
			d->ncounters);
	else if (changed < d->ncounters)
		fprintf(out, "(%zu unchanged counters not shown)\n", d->ncounters - changed);
	return ferror(out) ? -EIO : 0;
}

/* ---- JSON -------------------------------------------------------------- */


static json_t *i64s(const int64_t *v, unsigned n)
{
	json_t *a = json_array();
	for (unsigned i = 0; i < n; i++)
		json_array_append_new(a, json_integer(v[i]));
	return a;
}

static json_t *verdicts(const enum fs_verdict_kind *v, unsigned n)
{
	json_t *a = json_array();
	for (unsigned i = 0; i < n; i++)
		json_array_append_new(a, json_string(fs_verdict_name(v[i])));
	return a;
}

static json_t *side_object(const struct fs_snapshot *s, bool has_time)
{
	char ts[40];
	json_t *o = json_object();
	json_object_set_new(o, "kind", json_string(fs_kind_name(s->kind)));
	json_object_set_new(o, "path", s->path ? json_string(s->path) : json_null());
	json_object_set_new(o, "kernel", s->kernel ? json_string(s->kernel) : json_null());
	json_object_set_new(o, "orders", json_integer(s->orders));
	if (has_time) {
		fs_rfc3339(ts, sizeof ts, s->time_sec);
		json_object_set_new(o, "timestamp", json_string(ts));
		json_object_set_new(o, "timestamp_ns",
				    json_integer((json_int_t)s->time_sec * 1000000000LL + s->time_nsec));
	} else {
		json_object_set_new(o, "timestamp", json_null());
		json_object_set_new(o, "timestamp_ns", json_null());
	}
	return o;
}

/* {"a": [...], "b": [...], "delta": [...]} with the sides that exist. */
static json_t *triple(json_t *a, json_t *b, json_t *delta)
{
	json_t *o = json_object();
	if (a)
		json_object_set_new(o, "a", a);
	if (b)
		json_object_set_new(o, "b", b);
	if (delta)
		json_object_set_new(o, "delta", delta);
	return o;
}

static json_t *zone_json(const struct fs_diff *d, const struct fs_diff_zone *z)
{
	bool ha = z->presence != FS_DIFF_ONLY_B, hb = z->presence != FS_DIFF_ONLY_A;
	bool both = z->presence == FS_DIFF_BOTH;
	unsigned na = d->orders_a < FS_MAX_ORDERS ? d->orders_a : FS_MAX_ORDERS;
	unsigned nb = d->orders_b < FS_MAX_ORDERS ? d->orders_b : FS_MAX_ORDERS;
	unsigned n = d->orders;
	json_t *o = json_object();
	json_object_set_new(o, "node", json_integer(z->node));
	json_object_set_new(o, "zone", json_string(z->zone));
	json_object_set_new(o, "presence", json_string(fs_diff_presence_name(z->presence)));

	json_object_set_new(o, "free_blocks",
			    triple(ha ? fs_json_u64_array(z->a.free, na) : NULL, hb ? fs_json_u64_array(z->b.free, nb) : NULL,
				   both ? i64s(z->free_delta, n) : NULL));
	json_object_set_new(o, "free_pages",
			    triple(ha ? fs_json_u64(z->a.free_pages) : NULL, hb ? fs_json_u64(z->b.free_pages) : NULL,
				   both ? json_integer(z->free_pages_delta) : NULL));
	bool ia = ha && z->a.indices_ok, ib = hb && z->b.indices_ok;
	json_object_set_new(o, "unusable_index",
			    triple(ia ? fs_json_idx_array(z->a.unusable, na) : NULL,
				   ib ? fs_json_idx_array(z->b.unusable, nb) : NULL,
				   both && z->indices_delta_ok ? fs_json_idx_array(z->unusable_delta, n) : NULL));
	json_object_set_new(o, "fragmentation_index",
			    triple(ia ? fs_json_idx_array(z->a.fragidx, na) : NULL,
				   ib ? fs_json_idx_array(z->b.fragidx, nb) : NULL,
				   both && z->indices_delta_ok ? fs_json_idx_array(z->fragidx_delta, n) : NULL));
	json_t *v = json_object();
	if (ha && z->a.has_verdicts)
		json_object_set_new(v, "a", verdicts(z->a.verdict, na));
	if (hb && z->b.has_verdicts)
		json_object_set_new(v, "b", verdicts(z->b.verdict, nb));
	if (both && z->verdicts_compared) {
		json_t *c = json_array();
		for (unsigned k = 0; k < n; k++)
			json_array_append_new(c, json_boolean(z->verdict_changed[k]));
		json_object_set_new(v, "changed", c);
	}
	json_object_set_new(o, "verdicts", v);
	json_object_set_new(o, "changed_orders", both ? json_integer(z->changes) : json_null());
	if (z->has_pages) {
		json_t *ba = json_object(), *bb = json_object(), *bd = json_object();
		for (int c = 0; c < FS_BC_COUNT; c++) {
			json_object_set_new(ba, fs_bclass_name(c), fs_json_u64(z->blocks_a[c]));
			json_object_set_new(bb, fs_bclass_name(c), fs_json_u64(z->blocks_b[c]));
			json_object_set_new(bd, fs_bclass_name(c), json_integer((json_int_t)z->blocks_b[c] - (json_int_t)z->blocks_a[c]));
		}
		json_object_set_new(o, "pageblock_content", triple(ba, bb, bd));
		json_object_set_new(o, "compaction_ceiling_blocks",
				    triple(fs_json_u64(z->ceiling_a), fs_json_u64(z->ceiling_b),
					   json_integer((json_int_t)z->ceiling_b - (json_int_t)z->ceiling_a)));
		json_object_set_new(o, "blocks_changed", z->same_span ? fs_json_u64(z->blocks_changed) : json_null());
		json_t *mv = json_array();
		for (int x = 0; z->same_span && x <= FS_BC_PARTIAL; x++)
			for (int y = 0; y <= FS_BC_PARTIAL; y++)
				if (x != y && z->moves[x][y]) {
					json_t *m = json_object();
					json_object_set_new(m, "from", json_string(fs_bclass_name(x)));
					json_object_set_new(m, "to", json_string(fs_bclass_name(y)));
					json_object_set_new(m, "blocks", fs_json_u64(z->moves[x][y]));
					json_array_append_new(mv, m);
				}
		json_object_set_new(o, "block_changes", mv);
	}
	return o;
}

int fs_render_diff_json(FILE *out, const struct fs_diff *d, const struct fs_diff_sides *s, bool compact)
{
	json_t *root = json_object();
	if (!root)
		return -ENOMEM;
	json_object_set_new(root, "diff_version", json_integer(FS_DIFF_VERSION));
	json_object_set_new(root, "fragstat_version", json_string(PACKAGE_VERSION));
	json_object_set_new(root, "a", side_object(s->a, s->time_a));
	json_object_set_new(root, "b", side_object(s->b, s->time_b));
	json_object_set_new(root, "interval_seconds",
			    d->has_interval ? json_real((double)d->interval_ns / 1e9) : json_null());
	json_object_set_new(root, "orders", json_integer(d->orders));
	json_t *zones = json_array();
	for (size_t i = 0; i < d->nzones; i++)
		json_array_append_new(zones, zone_json(d, &d->zones[i]));
	json_object_set_new(root, "zones", zones);
	json_t *vm = json_object();
	for (size_t i = 0; i < d->ncounters; i++) {
		const struct fs_diff_counter *c = &d->counters[i];
		json_t *o = json_object();
		json_object_set_new(o, "a", c->in_a ? fs_json_u64(c->a) : json_null());
		json_object_set_new(o, "b", c->in_b ? fs_json_u64(c->b) : json_null());
		json_object_set_new(o, "delta", c->in_a && c->in_b ? fs_json_udelta(c->a, c->b) : json_null());
		json_object_set_new(o, "reset", json_boolean(c->reset));
		json_object_set_new(o, "rate_per_second", c->has_rate ? json_real(c->rate) : json_null());
		json_object_set_new(vm, c->name, o);
	}
	json_object_set_new(root, "vmstat", vm);
	size_t flags = FS_JSON_DUMP_FLAGS | (compact ? JSON_COMPACT : JSON_INDENT(2));
	int rc = fs_json_dumpf(root, out, flags);
	json_decref(root);
	if (rc != 0 || fputc('\n', out) == EOF)
		return -EIO;
	return 0;
}
