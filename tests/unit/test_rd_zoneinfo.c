/* test_rd_zoneinfo.c - rd_zoneinfo_parse on every real capture with a
 * zoneinfo, the two malformed captures and constructed inputs for each
 * error branch. Expected values were read from the files by eye and with
 * an independent awk scan (zones per node, watermarks, protection, counter
 * counts), never from this parser's output. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers.h"
#include "../tap.h"

static const char *srcdir(void)
{
	const char *t = getenv("top_srcdir");
	return t && *t ? t : ".";
}

static char pathbuf[4096];

static struct fs_snapshot *load(const char *kind, const char *cap, int *rc, struct fs_diag *d)
{
	struct fs_buf b;
	snprintf(pathbuf, sizeof pathbuf, "%s/tests/fixtures/%s/%s/proc/zoneinfo", srcdir(), kind, cap);
	memset(d, 0, sizeof *d);
	*rc = fs_file_read(pathbuf, &b);
	if (*rc) {
		diag("cannot read %s: %s", pathbuf, strerror(-*rc));
		return NULL;
	}
	struct fs_snapshot *s = fs_snapshot_new();
	if (!s)
		abort();
	*rc = rd_zoneinfo_parse(s, pathbuf, b.data, b.len, d);
	fs_buf_free(&b);
	return s;
}

/* "0:DMA,DMA32,Normal;1:Normal" - the zoneinfo zones of every node. */
static void zone_list(const struct fs_snapshot *s, char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < s->nnodes; i++) {
		const struct fs_node *nd = &s->nodes[i];
		n += (size_t)snprintf(out + n, size - n, "%s%d:", i ? ";" : "", nd->id);
		int first = 1;
		for (unsigned z = 0; z < nd->nzones; z++) {
			if (!nd->zones[z].has_zoneinfo)
				continue;
			n += (size_t)snprintf(out + n, size - n, "%s%s", first ? "" : ",",
					      nd->zones[z].name);
			first = 0;
		}
	}
}

/* "DMA:19 DMA32:19 ..." - zone_stats counts in file order. */
static void stat_counts(const struct fs_snapshot *s, char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < s->nnodes; i++)
		for (unsigned z = 0; z < s->nodes[i].nzones; z++)
			n += (size_t)snprintf(out + n, size - n, "%s%d,%s:%zu", n ? " " : "",
					      s->nodes[i].id, s->nodes[i].zones[z].name,
					      s->nodes[i].zones[z].zone_stats.n);
}

static struct fs_zone *zone(struct fs_snapshot *s, int node, const char *name)
{
	struct fs_node *n = fs_snapshot_node(s, node);
	return n ? fs_node_zone(n, name) : NULL;
}

struct zexp {                 /* one zone checked field by field */
	int node;
	const char *name;
	int zi_index;
	uint64_t free, min, low, high, spanned, present, managed, start_pfn;
	unsigned nprot;
	int64_t prot[5];
};

struct zcase {
	const char *cap;
	const char *zones;        /* zone_list() */
	const char *counts;       /* stat_counts() */
	int nstats_node;          /* node with per-node stats (-1: none) */
	size_t nstats;            /* its per-node stats count */
	uint64_t nr_inactive_anon;/* first per-node stat */
	int boost_promo;          /* 6.x boost/promo lines */
	int cma;                  /* "cma" line (~5.12+) */
	struct zexp z[2];
};

static const struct zcase cases[] = {
	{ "x86_64-hotsos-juju-host0-via-lxd-vault-5.4.0-97", "0:DMA,DMA32,Normal,Movable,Device",
	  "0,DMA:19 0,DMA32:19 0,Normal:19 0,Movable:0 0,Device:0", 0, 32, 180246, 0, 0,
	  { { 0, "Normal", 2, 197764, 13790, 17237, 20684, 3407872, 3407872, 3328585, 1048576,
	      5, { 0, 0, 0, 0, 0 } },
	    { 0, "DMA", 0, 3974, 16, 20, 24, 4095, 3995, 3974, 1, 5, { 0, 2910, 15905, 15905, 15905 } } } },
	{ "x86_64-hotsos-juju-host1-via-lxd-cephmon-5.4.0-97", "0:DMA,DMA32,Normal,Movable,Device",
	  "0,DMA:19 0,DMA32:19 0,Normal:19 0,Movable:0 0,Device:0", 0, 32, 155627, 0, 0,
	  { { 0, "Normal", 2, 21393, 13828, 17285, 20742, 3407872, 3407872, 3335917, 1048576,
	      5, { 0, 0, 0, 0, 0 } },
	    { 0, "DMA", 0, 3974, 16, 20, 24, 4095, 3995, 3974, 1, 5, { 0, 2962, 15993, 15993, 15993 } } } },
	{ "x86_64-hotsos-juju-host1-via-lxd-rabbitmq-5.4.0-97", "0:DMA,DMA32,Normal,Movable,Device",
	  "0,DMA:19 0,DMA32:19 0,Normal:19 0,Movable:0 0,Device:0", 0, 32, 133459, 0, 0,
	  { { 0, "Normal", 2, 17347, 13828, 17285, 20742, 3407872, 3407872, 3335917, 1048576,
	      5, { 0, 0, 0, 0, 0 } },
	    { 0, "DMA", 0, 3974, 16, 20, 24, 4095, 3995, 3974, 1, 5, { 0, 2874, 15905, 15905, 15905 } } } },
	{ "x86_64-hotsos-k8s-vm-5.4.0-99", "0:DMA,DMA32,Normal,Movable,Device",
	  "0,DMA:19 0,DMA32:19 0,Normal:19 0,Movable:0 0,Device:0", 0, 32, 72, 0, 0,
	  { { 0, "Normal", 2, 5146, 4130, 5162, 6194, 262144, 262144, 243950, 1048576,
	      5, { 0, 0, 0, 0, 0 } },
	    { 0, "DMA32", 1, 21173, 12698, 15872, 19046, 1044480, 782300, 758582, 4096,
	      5, { 0, 0, 952, 952, 952 } } } },
	{ "x86_64-hotsos-openstack-compute4-5.4.0-97", "0:DMA,DMA32,Normal,Movable,Device",
	  "0,DMA:19 0,DMA32:19 0,Normal:19 0,Movable:0 0,Device:0", 0, 32, 579783, 0, 0,
	  { { 0, "Normal", 2, 18491, 13828, 17285, 20742, 3407872, 3407872, 3335917, 1048576,
	      5, { 0, 0, 0, 0, 0 } },
	    { 0, "DMA", 0, 3974, 16, 20, 24, 4095, 3995, 3974, 1, 5, { 0, 2962, 15993, 15993, 15993 } } } },
	{ "x86_64-node-exporter-fixture-zoneinfo", "0:DMA,DMA32,Normal,Movable,Device",
	  "0,DMA:19 0,DMA32:19 0,Normal:19 0,Movable:0 0,Device:0", 0, 33, 95612, 0, 0,
	  { { 0, "Normal", 2, 4539739, 15809, 23461, 31113, 7806976, 7806976, 7654794, 1048576,
	      5, { 0, 0, 0, 0, 0 } },
	    { 0, "DMA", 0, 2949, 8, 11, 14, 4095, 3997, 3973, 1, 5, { 0, 2039, 31932, 31932, 31932 } } } },
	{ "x86_64-pcp-qa-2node-vm-5.14-2021",
	  "0:DMA,DMA32,Normal,Movable,Device;1:DMA,DMA32,Normal,Movable,Device",
	  "0,DMA:17 0,DMA32:17 0,Normal:17 0,Movable:0 0,Device:0 "
	  "1,DMA:0 1,DMA32:0 1,Normal:17 1,Movable:0 1,Device:0", 0, 39, 10469, 0, 1,
	  { { 1, "Normal", 2, 762548, 11328, 14160, 16992, 1048576, 1048576, 1020184, 1572864,
	      5, { 0, 0, 0, 0, 0 } },
	    { 0, "DMA32", 1, 38067, 5509, 6886, 8263, 1044480, 520155, 503771, 4096,
	      5, { 0, 0, 1982, 1982, 1982 } } } },
	{ "x86_64-pcp-qa-haswell-vm-4.8-2017", "0:DMA,DMA32,Normal",
	  "0,DMA:22 0,DMA32:22 0,Normal:22", 0, 26, 145, 0, 0,
	  { { 0, "Normal", 2, 54620, 4119, 5148, 6177, 262144, 262144, 243535, 1048576,
	      5, { 0, 0, 0, 0, 0 } },
	    { 0, "DMA", 0, 3975, 67, 83, 99, 4095, 3998, 3977, 1, 5, { 0, 2934, 3886, 3886, 3886 } } } },
	{ "x86_64-pcp-qa-laptop-i7-4810mq-4.11-2017", "0:DMA,DMA32,Normal,Movable,Device",
	  "0,DMA:21 0,DMA32:21 0,Normal:21 0,Movable:0 0,Device:0", 0, 25, 308899, 0, 0,
	  { { 0, "DMA32", 1, 125353, 1725, 2156, 2587, 1044480, 431002, 414610, 4096,
	      5, { 0, 0, 14035, 14035, 14035 } },
	    { 0, "Normal", 2, 494869, 15153, 18941, 22729, 3663360, 3663360, 3594150, 1048576,
	      5, { 0, 0, 0, 0, 0 } } } },
	{ "x86_64-pcp-qa-laptop-i7-4810mq-4.x-2016", "0:DMA,DMA32,Normal",
	  "0,DMA:40 0,DMA32:40 0,Normal:40", -1, 0, 0, 0, 0,
	  { { 0, "Normal", 2, 1087382, 3580, 4475, 5370, 3663360, 3663360, 3594586, 1048576,
	      4, { 0, 0, 0, 0 } },
	    { 0, "DMA", 0, 3963, 3, 3, 4, 4095, 3996, 3975, 1, 4, { 0, 1584, 15625, 15625 } } } },
	{ "x86_64-pcp-qa-nehalem-vm-4.18-2019", "0:DMA,DMA32,Normal,Movable,Device",
	  "0,DMA:19 0,DMA32:19 0,Normal:19 0,Movable:0 0,Device:0", 0, 27, 22677, 0, 0,
	  { { 0, "Normal", 2, 5420, 4312, 5390, 6468, 262144, 262144, 245205, 1048576,
	      5, { 0, 0, 0, 0, 0 } },
	    { 0, "DMA32", 1, 621829, 12513, 15641, 18769, 1044480, 782297, 718717, 4096,
	      5, { 0, 0, 957, 957, 957 } } } },
	{ "x86_64-pcp-qa-xeon-e5-2690-2node-2016", "0:DMA,DMA32,Normal;1:Normal",
	  "0,DMA:39 0,DMA32:39 0,Normal:39 1,Normal:39", -1, 0, 0, 0, 0,
	  { { 1, "Normal", 0, 11093906, 11288, 14110, 16932, 16777216, 16777216, 16514387, 17301504,
	      4, { 0, 0, 0, 0 } },
	    { 0, "DMA", 0, 3830, 2, 2, 3, 4095, 3997, 3974, 1, 4, { 0, 1754, 64216, 64216 } } } },
	{ "x86_64-procfs-fixture-zoneinfo", "0:DMA,DMA32,Normal,Movable,Device",
	  "0,DMA:19 0,DMA32:19 0,Normal:19 0,Movable:0 0,Device:0", 0, 30, 230981, 0, 0,
	  { { 0, "DMA32", 1, 204252, 19510, 21059, 22608, 1044480, 759231, 742806, 4096,
	      5, { 0, 0, 4949, 4949, 4949 } },
	    { 0, "Normal", 2, 18553, 11176, 13842, 16508, 1308160, 1308160, 1268711, 1048576,
	      5, { 0, 0, 0, 0, 0 } } } },
	{ "x86_64-vm-6.18-idle", "0:DMA,DMA32,Normal,Movable,Device",
	  "0,DMA:17 0,DMA32:17 0,Normal:17 0,Movable:0 0,Device:0", 0, 51, 1362, 1, 1,
	  { { 0, "Normal", 2, 5024808, 14773, 20179, 25585, 5505024, 5505024, 5406170, 1048576,
	      5, { 0, 0, 0, 0, 0 } },
	    { 0, "DMA", 0, 3840, 10, 13, 16, 4095, 3998, 3840, 1, 5, { 0, 3019, 24137, 24137, 24137 } } } },
};

static void check_zone(struct fs_snapshot *s, const char *cap, const struct zexp *e)
{
	struct fs_zone *z = zone(s, e->node, e->name);
	ok(z != NULL, "%s: node %d zone %s exists", cap, e->node, e->name);
	if (!z)
		return;
	is_int(z->zi_index, e->zi_index, "%s: %d/%s zi_index", cap, e->node, e->name);
	is_u64(z->pages_free, e->free, "%s: %d/%s pages free", cap, e->node, e->name);
	is_u64(z->min, e->min, "%s: %d/%s min", cap, e->node, e->name);
	is_u64(z->low, e->low, "%s: %d/%s low", cap, e->node, e->name);
	is_u64(z->high, e->high, "%s: %d/%s high", cap, e->node, e->name);
	is_u64(z->spanned, e->spanned, "%s: %d/%s spanned", cap, e->node, e->name);
	is_u64(z->present, e->present, "%s: %d/%s present", cap, e->node, e->name);
	is_u64(z->managed, e->managed, "%s: %d/%s managed", cap, e->node, e->name);
	is_u64(z->start_pfn, e->start_pfn, "%s: %d/%s start_pfn", cap, e->node, e->name);
	is_int(z->nprotection, e->nprot, "%s: %d/%s protection count", cap, e->node, e->name);
	int same = z->nprotection == e->nprot;
	for (unsigned i = 0; same && i < e->nprot; i++)
		same = z->protection[i] == e->prot[i];
	ok(same, "%s: %d/%s protection values", cap, e->node, e->name);
	uint64_t v;
	ok(fs_kv_get(&z->zone_stats, "nr_free_pages", &v) && v == e->free,
	   "%s: %d/%s zone counter nr_free_pages = pages free", cap, e->node, e->name);
}

static void test_captures(void)
{
	char buf[1024];
	const char *bufp = buf;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct zcase *c = &cases[i];
		struct fs_diag d;
		int rc;
		struct fs_snapshot *s = load("real", c->cap, &rc, &d);
		if (!s) {
			ok(0, "%s: read zoneinfo", c->cap);
			continue;
		}
		is_int(rc, 0, "%s: zoneinfo parses", c->cap);
		if (rc)
			diag("%s:%u:%u: %s", d.file ? d.file : "?", d.line, d.col, d.msg);
		zone_list(s, buf, sizeof buf);
		is_str((const char *)bufp, c->zones, "%s: nodes and zones in file order", c->cap);
		stat_counts(s, buf, sizeof buf);
		is_str((const char *)bufp, c->counts, "%s: zone counters per zone", c->cap);
		for (int k = 0; k < 2; k++)
			check_zone(s, c->cap, &c->z[k]);

		/* Per-node stats belong to the node, never to a zone. */
		size_t with_stats = 0;
		for (size_t n = 0; n < s->nnodes; n++)
			if (s->nodes[n].node_stats.n)
				with_stats++;
		if (c->nstats_node >= 0) {
			struct fs_node *nd = fs_snapshot_node(s, c->nstats_node);
			is_u64(nd ? nd->node_stats.n : 0, c->nstats, "%s: node %d has %zu per-node stats",
			       c->cap, c->nstats_node, c->nstats);
			if (nd && nd->node_stats.n) {
				is_str(nd->node_stats.items[0].name, "nr_inactive_anon",
				       "%s: first per-node stat", c->cap);
				is_u64(nd->node_stats.items[0].value, c->nr_inactive_anon,
				       "%s: nr_inactive_anon of node %d", c->cap, c->nstats_node);
			}
			int leaked = 0;
			for (size_t n = 0; n < s->nnodes; n++)
				for (unsigned z = 0; z < s->nodes[n].nzones; z++) {
					uint64_t v;
					if (fs_kv_get(&s->nodes[n].zones[z].zone_stats, "nr_inactive_anon", &v))
						leaked++;
				}
			is_int(leaked, 0, "%s: no per-node stat in any zone", c->cap);
		} else {
			is_u64(with_stats, 0, "%s: no per-node stats (pre-4.8)", c->cap);
		}

		/* Field presence by version; unpopulated zones. */
		int bad_have = 0, bad_unpop = 0;
		for (size_t n = 0; n < s->nnodes; n++)
			for (unsigned zi = 0; zi < s->nodes[n].nzones; zi++) {
				const struct fs_zone *z = &s->nodes[n].zones[zi];
				unsigned need = FS_ZI_FREE | FS_ZI_MIN | FS_ZI_LOW | FS_ZI_HIGH |
						FS_ZI_SPANNED | FS_ZI_PRESENT | FS_ZI_MANAGED |
						FS_ZI_PROTECTION;
				if (!z->has_zoneinfo || (z->zi_have & need) != need)
					bad_have++;
				if (!!(z->zi_have & FS_ZI_BOOST) != c->boost_promo ||
				    !!(z->zi_have & FS_ZI_PROMO) != c->boost_promo ||
				    !!(z->zi_have & FS_ZI_CMA) != c->cma)
					bad_have++;
				/* populated zones end with start_pfn, empty ones after protection */
				if (!!(z->zi_have & FS_ZI_START_PFN) != (z->present > 0))
					bad_unpop++;
				if (z->present == 0 && z->zone_stats.n != 0)
					bad_unpop++;
			}
		is_int(bad_have, 0, "%s: zi_have bits (boost/promo %s, cma %s)", c->cap,
		       c->boost_promo ? "yes" : "no", c->cma ? "yes" : "no");
		is_int(bad_unpop, 0, "%s: start_pfn only in populated zones", c->cap);
		fs_snapshot_free(s);
	}
}

/* Details read by eye from single captures. */
static void test_details(void)
{
	struct fs_diag d;
	int rc;
	uint64_t v;
	struct fs_zone *z;

	/* 6.18: Movable is empty but has watermarks 32, promo 32; Device zeros. */
	struct fs_snapshot *s = load("real", "x86_64-vm-6.18-idle", &rc, &d);
	if (s && (z = zone(s, 0, "Movable"))) {
		is_int(z->zi_index, 3, "6.18: Movable zi_index 3");
		is_u64(z->present, 0, "6.18: Movable present 0");
		is_u64(z->min, 32, "6.18: Movable min 32");
		is_u64(z->promo, 32, "6.18: Movable promo 32");
		ok(z->has_zoneinfo && !z->has_buddy, "6.18: Movable kept though absent from buddyinfo");
	} else
		ok(0, "6.18: Movable zone");
	if (s && (z = zone(s, 0, "Device"))) {
		is_int(z->zi_index, 4, "6.18: Device zi_index 4");
		is_u64(z->present, 0, "6.18: Device present 0");
		is_int(z->nprotection, 5, "6.18: Device protection count");
	} else
		ok(0, "6.18: Device zone");
	if (s && (z = zone(s, 0, "Normal"))) {
		is_u64(z->promo, 30991, "6.18: Normal promo");
		is_u64(z->boost, 0, "6.18: Normal boost");
		ok(fs_kv_get(&z->zone_stats, "numa_hit", &v) && v == 30483339, "6.18: Normal numa_hit");
		ok(fs_kv_get(&z->zone_stats, "nr_free_pages_blocks", &v) && v == 4827136,
		   "6.18: Normal nr_free_pages_blocks (6.15+)");
		ok(!fs_kv_get(&z->zone_stats, "count", &v) && !fs_kv_get(&z->zone_stats, "high_min", &v) &&
		   !fs_kv_get(&z->zone_stats, "start_pfn", &v) &&
		   !fs_kv_get(&z->zone_stats, "node_unreclaimable", &v),
		   "6.18: pagesets and trailer not stored as counters");
	} else
		ok(0, "6.18: Normal zone");
	if (s) {
		struct fs_node *n = fs_snapshot_node(s, 0);
		ok(n && fs_kv_get(&n->node_stats, "nr_kernel_file_pages", &v) && v == 0,
		   "6.18: last per-node stat nr_kernel_file_pages");
		ok(n && fs_kv_get(&n->node_stats, "nr_dirtied", &v) && v == 1132357,
		   "6.18: per-node nr_dirtied");
		is_u64(s->nnodes, 1, "6.18: one node");
	}
	fs_snapshot_free(s);

	/* 5.14 two nodes: node 1's per-node stats sit under its Normal block. */
	s = load("real", "x86_64-pcp-qa-2node-vm-5.14-2021", &rc, &d);
	if (s) {
		struct fs_node *n1 = fs_snapshot_node(s, 1);
		is_u64(s->nnodes, 2, "5.14: two nodes");
		is_u64(n1 ? n1->node_stats.n : 0, 39, "5.14: node 1 has 39 per-node stats");
		ok(n1 && fs_kv_get(&n1->node_stats, "nr_inactive_anon", &v) && v == 22434,
		   "5.14: node 1 nr_inactive_anon 22434");
		z = zone(s, 1, "DMA");
		ok(z && z->present == 0 && z->zi_index == 0 && z->zone_stats.n == 0,
		   "5.14: node 1 DMA is empty, zi_index 0");
		z = zone(s, 1, "Device");
		ok(z && z->zi_index == 4, "5.14: node 1 Device zi_index 4");
	}
	fs_snapshot_free(s);

	/* RHEL 8 zoneinfo: a nameless per-node counter (19 blanks + number). */
	s = load("real", "x86_64-pcp-qa-nehalem-vm-4.18-2019", &rc, &d);
	if (s) {
		struct fs_node *n = fs_snapshot_node(s, 0);
		ok(n && fs_kv_get(&n->node_stats, "nr_written", &v) && v == 17146999,
		   "4.18: nr_written before the nameless line");
		int found = 0;
		for (size_t i = 0; n && i < n->node_stats.n; i++)
			if (n->node_stats.items[i].value == 176096 || n->node_stats.items[i].name[0] == '\0')
				found++;
		is_int(found, 0, "4.18: the nameless counter is not stored");
	}
	fs_snapshot_free(s);

	/* pre-4.8: "scanned" and counters after the header, protection after them. */
	s = load("real", "x86_64-pcp-qa-laptop-i7-4810mq-4.x-2016", &rc, &d);
	if (s && (z = zone(s, 0, "DMA32"))) {
		ok(fs_kv_get(&z->zone_stats, "scanned", &v) && v == 0, "4.x: scanned kept as a counter");
		ok(fs_kv_get(&z->zone_stats, "nr_inactive_anon", &v) && v == 11869,
		   "4.x: nr_inactive_anon is a zone counter before 4.8");
		ok(fs_kv_get(&z->zone_stats, "nr_free_cma", &v) && v == 0, "4.x: last zone counter");
	} else
		ok(0, "4.x: DMA32 zone");
	fs_snapshot_free(s);

	/* 4.8: 3-blank "node_scanned" line inside the zone. */
	s = load("real", "x86_64-pcp-qa-haswell-vm-4.8-2017", &rc, &d);
	if (s && (z = zone(s, 0, "DMA32"))) {
		ok(fs_kv_get(&z->zone_stats, "node_scanned", &v) && v == 0, "4.8: node_scanned kept");
		ok(!(z->zi_have & FS_ZI_CMA) && !(z->zi_have & FS_ZI_BOOST), "4.8: no cma/boost");
	} else
		ok(0, "4.8: DMA32 zone");
	fs_snapshot_free(s);

	/* No final newline: the last line (Device protection) still counts. */
	s = load("real", "x86_64-node-exporter-fixture-zoneinfo", &rc, &d);
	if (s && (z = zone(s, 0, "Device"))) {
		ok((z->zi_have & FS_ZI_PROTECTION) && z->nprotection == 5,
		   "no final newline: Device protection parsed");
	} else
		ok(0, "no final newline: Device zone");
	fs_snapshot_free(s);

	/* Zones already known from buddyinfo are completed, in their order. */
	s = fs_snapshot_new();
	struct fs_node *n = fs_snapshot_node_get(s, 0);
	fs_node_zone_get(n, "Normal")->has_buddy = true;
	const char *two = "Node 0, zone      DMA\n  pages free 1\n        min 1\n        low 2\n"
			  "        high 3\n        spanned 4\n        present 5\n"
			  "        protection: (0, 7)\n"
			  "Node 0, zone   Normal\n  pages free 9\n        min 1\n        low 2\n"
			  "        high 3\n        spanned 4\n        present 5\n"
			  "        protection: (0, 0)\n";
	is_int(rd_zoneinfo_parse(s, "t", two, strlen(two), &d), 0, "constructed two zones parse");
	z = zone(s, 0, "Normal");
	ok(z && z->has_buddy && z->has_zoneinfo && z->zi_index == 1 && z->pages_free == 9,
	   "existing Normal zone filled, zi_index 1");
	z = zone(s, 0, "DMA");
	ok(z && z->zi_index == 0 && z->protection[1] == 7 && !(z->zi_have & FS_ZI_MANAGED),
	   "appended DMA zone, zi_index 0, no managed line");
	fs_snapshot_free(s);
}

/* ---- errors -------------------------------------------------------------- */

static void bad(const char *text, int err, unsigned line, unsigned col, const char *needle,
		const char *what)
{
	struct fs_diag d;
	memset(&d, 0, sizeof d);
	struct fs_snapshot *s = fs_snapshot_new();
	int r = rd_zoneinfo_parse(s, "test-zoneinfo", text, strlen(text), &d);
	fs_snapshot_free(s);
	is_int(r, err, "%s: returns %d", what, err);
	is_str(d.file, "test-zoneinfo", "%s: diag names the file", what);
	is_int(d.line, line, "%s: line", what);
	if (col)
		is_int(d.col, col, "%s: column", what);
	ok(d.msg[0] && strstr(d.msg, needle) != NULL, "%s: message \"%s\" has \"%s\"", what, d.msg,
	   needle);
}

/* A complete unpopulated (4.12+) zone block, 8 lines. */
#define EMPTY(node, zone) "Node " node ", zone " zone "\n  pages free 0\n        min 0\n" \
	"        low 0\n        high 0\n        spanned 0\n        present 0\n" \
	"        protection: (0, 0)\n"
/* The start of a populated block up to the counters, 8 lines. */
#define HEAD "Node 0, zone      DMA\n  pages free 5\n        min 1\n        low 2\n" \
	"        high 3\n        spanned 9\n        present 9\n        protection: (0, 1)\n"

static void test_malformed(void)
{
	struct fs_diag d;
	int rc;

	/* Truncated after the first pageset: the end of input (line 33, after
	 * "              batch: 63") comes before "start_pfn:". */
	struct fs_snapshot *s = load("malformed", "cn-memdebug-zoneinfo-movable-fragment", &rc, &d);
	is_int(rc, -EINVAL, "cn-memdebug fragment: -EINVAL");
	is_str(d.file, pathbuf, "cn-memdebug fragment: diag names the file");
	is_int(d.line, 33, "cn-memdebug fragment: line 33 (last line)");
	is_int(d.col, 24, "cn-memdebug fragment: column after \"batch: 63\"");
	ok(strstr(d.msg, "start_pfn") && strstr(d.msg, "Movable"),
	   "cn-memdebug fragment: message \"%s\"", d.msg);
	fs_snapshot_free(s);

	/* The first line is " pages free     3840" (no Node line, one blank). */
	s = load("malformed", "martins3-zoneinfo-annotated-fragment", &rc, &d);
	is_int(rc, -EINVAL, "martins3 fragment: -EINVAL");
	is_str(d.file, pathbuf, "martins3 fragment: diag names the file");
	is_int(d.line, 1, "martins3 fragment: line 1");
	is_int(d.col, 1, "martins3 fragment: column 1");
	ok(strstr(d.msg, "Node N, zone NAME") != NULL, "martins3 fragment: message \"%s\"", d.msg);
	fs_snapshot_free(s);

	/* Its second block on its own: the inline "# ..." comment on line 2. */
	bad("Node 0, zone    DMA32\n  pages free     754824 # 3019296kB\n", -EINVAL, 2, 25,
	    "end of the line", "inline # comment after pages free");
}

static void test_errors(void)
{
	/* file level */
	bad("", -EINVAL, 1, 1, "empty file", "empty file");
	bad("\n", -EINVAL, 1, 1, "first line", "empty first line");
	bad("  pages free 1\n", -EINVAL, 1, 1, "first line", "indented first line");
	bad("zone DMA\n", -EINVAL, 1, 1, "first line", "garbage first line");
	bad(EMPTY("0", "DMA") "\n", -EINVAL, 9, 1, "empty line", "blank line after a block");
	bad(EMPTY("0", "DMA") "garbage\n", -EINVAL, 9, 1, "or an indented line", "unindented garbage");
	bad(EMPTY("0", "DMA") "\tmin 1\n", -EINVAL, 9, 1, "or an indented line", "tab indentation");
	bad("Node 0, zone DMA\n pages free 1\n", -EINVAL, 2, 2, "2 or more", "one-blank indentation");

	/* the Node line */
	bad("Node x, zone DMA\n", -EINVAL, 1, 6, "node number", "no node number");
	bad("Node -1, zone DMA\n", -EINVAL, 1, 6, "node number", "negative node");
	bad("Node 2147483648, zone DMA\n", -ERANGE, 1, 6, "out of range", "node > INT_MAX");
	bad("Node 99999999999999999999, zone DMA\n", -ERANGE, 1, 6, "out of range", "node overflow");
	bad("Node 0 zone DMA\n", -EINVAL, 1, 7, "\",\"", "no comma");
	bad("Node 0, zon DMA\n", -EINVAL, 1, 9, "\"zone\"", "misspelt zone");
	bad("Node 0, zone\n", -EINVAL, 1, 13, "zone name", "no zone name");
	bad("Node 0, zoneDMA\n", -EINVAL, 1, 13, "zone name", "no blank before the name");
	bad("Node 0, zone DMA x\n", -EINVAL, 1, 18, "end of the line", "junk after the name");
	bad("Node 0, zone DMA\r\n", -EINVAL, 1, 17, "end of the line", "CRLF");
	bad("Node 0, zone ABCDEFGHIJKLMNOPQRSTUVWXYZ012345\n", -EINVAL, 1, 14, "longer than",
	    "32-character zone name");
	bad(EMPTY("0", "DMA") EMPTY("1", "DMA") EMPTY("0", "DMA"), -EINVAL, 17, 14, "second block",
	    "duplicate zone block");
	bad(EMPTY("0", "Z1") EMPTY("0", "Z2") EMPTY("0", "Z3") EMPTY("0", "Z4") EMPTY("0", "Z5")
	    EMPTY("0", "Z6") EMPTY("0", "Z7") EMPTY("0", "Z8") EMPTY("0", "Z9"),
	    -EINVAL, 65, 14, "more than 8 zones", "nine zones in a node");

	/* truncated blocks (checked at the next Node line or at the end) */
	bad("Node 0, zone DMA\nNode 0, zone DMA32\n", -EINVAL, 2, 1, "\"pages free\"",
	    "zone header with no pages free");
	bad("Node 0, zone DMA\n", -EINVAL, 1, 17, "\"pages free\"", "zone header alone at the end");
	bad("Node 0, zone DMA\n  per-node stats\n      nr_a 1\n", -EINVAL, 3, 13, "\"pages free\"",
	    "per-node stats then the end");
	bad("Node 0, zone DMA\n  pages free 1\n        low 2\n        high 3\n        spanned 4\n"
	    "        present 5\n        protection: (0)\n", -EINVAL, 7, 24, "\"min\"", "no min line");
	bad("Node 0, zone DMA\n  pages free 1\n        min 1\n        low 2\n        high 3\n"
	    "        spanned 4\n        present 5\n" EMPTY("0", "DMA32"), -EINVAL, 8, 1,
	    "\"protection:\"", "no protection line");
	bad(HEAD "      nr_free_pages 5\n", -EINVAL, 9, 22, "\"pagesets\"", "counters then the end");
	bad(HEAD "      nr_free_pages 5\n  pagesets\n    cpu: 0\n              count: 1\n"
	    EMPTY("0", "DMA32"), -EINVAL, 13, 1, "start_pfn", "pagesets then the next zone");

	/* section order */
	bad("Node 0, zone DMA\n        min 1\n", -EINVAL, 2, 9, "\"pages free\"",
	    "field before pages free");
	bad("Node 0, zone DMA\n  pagesets\n", -EINVAL, 2, 3, "\"pages free\"", "pagesets first");
	bad(HEAD "  per-node stats\n", -EINVAL, 9, 3, "must follow the zone header",
	    "per-node stats after pages free");
	bad("Node 0, zone DMA\n  per-node stats\n      nr_a 1\n  pages free 1\n        min 1\n"
	    "        low 2\n        high 3\n        spanned 4\n        present 5\n"
	    "        protection: (0)\n"
	    "Node 0, zone DMA32\n  per-node stats\n", -EINVAL, 12, 3, "second \"per-node stats\"",
	    "two per-node stats blocks in a node");
	bad(HEAD "  pages free 1\n", -EINVAL, 9, 3, "must follow", "second pages free");
	bad("Node 0, zone DMA\n  pages free 1\n  pagesets\n", -EINVAL, 3, 3,
	    "\"protection:\" before \"pagesets\"", "pagesets before protection");
	bad(HEAD "  pagesets\n  pagesets\n", -EINVAL, 10, 3, "second \"pagesets\"", "two pagesets");
	bad(HEAD "  vm stats threshold: 4\n", -EINVAL, 9, 3, "outside the pagesets",
	    "threshold before pagesets");
	bad(HEAD "  node_unreclaimable: 0\n", -EINVAL, 9, 3, "expected \"pagesets\"",
	    "trailer before pagesets");
	bad(HEAD "  pagesets\n  start_pfn: 1\n    cpu: 0\n", -EINVAL, 11, 5, "after the zone trailer",
	    "pageset after the trailer");
	bad(HEAD "  pagesets\n  start_pfn: 1\n  vm stats threshold: 1\n", -EINVAL, 11, 3,
	    "outside the pagesets", "threshold after the trailer");

	/* stats lines */
	bad("Node 0, zone DMA\n  per-node stats\n      nr_a\n", -EINVAL, 3, 11, "blank and a number",
	    "node stat without value");
	bad("Node 0, zone DMA\n  per-node stats\n      nr_a 12x\n", -EINVAL, 3, 14, "end of the line",
	    "node stat with junk");
	bad("Node 0, zone DMA\n  per-node stats\n      nr_a -1\n", -EINVAL, 3, 12, "number",
	    "negative node stat");
	bad("Node 0, zone DMA\n  per-node stats\n      nr_a: 1\n", -EINVAL, 3, 11, "name value",
	    "node stat with a colon");
	bad("Node 0, zone DMA\n  per-node stats\n      123\n", -EINVAL, 3, 7, "name value",
	    "short-indented nameless number");
	bad("Node 0, zone DMA\n  per-node stats\n                   1 2\n", -EINVAL, 3, 22,
	    "end of the line", "nameless number with junk");
	bad("Node 0, zone DMA\n  per-node stats\n      nr_a 18446744073709551616\n", -ERANGE, 3, 12,
	    "out of range", "node stat overflow");
	bad("Node 0, zone DMA\n  per-node stats\n      nr_a 1\n      nr_a 2\n", -EINVAL, 4, 7,
	    "twice", "duplicate node stat");
	bad("Node 0, zone DMA\n  per-node stats\n      abcdefghijklmnopqrstuvwxyz_01234 1\n",
	    -EINVAL, 3, 7, "longer than", "32-character counter name");
	bad(HEAD "      nr_free_pages 5\n      nr_free_pages 5\n", -EINVAL, 10, 7, "twice",
	    "duplicate zone counter");
	bad(HEAD "      nr_free_pages five\n", -EINVAL, 9, 21, "number", "zone counter not a number");
	bad(HEAD "      # comment\n", -EINVAL, 9, 7, "name value", "comment line in the counters");

	/* header fields */
	bad("Node 0, zone DMA\n  pages free 1\n        min 1\n        min 2\n", -EINVAL, 4, 9,
	    "second \"min\"", "duplicate min");
	bad("Node 0, zone DMA\n  pages free 1\n        min x\n", -EINVAL, 3, 13, "number", "min not a number");
	bad("Node 0, zone DMA\n  pages free\n", -EINVAL, 2, 13, "blank and a number", "pages free without value");
	bad("Node 0, zone DMA\n  pages free 99999999999999999999\n", -ERANGE, 2, 14, "out of range",
	    "pages free overflow");
	bad("Node 0, zone DMA\n  pages free 1\n        scanned 5 (a: 1 x: 2)\n", -EINVAL, 3, 25,
	    "\"i:\"", "scanned with a bad part");
	bad("Node 0, zone DMA\n  pages free 1\n        scanned 5 (a: 1 i: 2\n", -EINVAL, 3, 29,
	    "\")\"", "scanned without a closing parenthesis");
	bad("Node 0, zone DMA\n  pages free 1\n        scanned 5 junk\n", -EINVAL, 3, 19,
	    "end of the line", "scanned with junk");

	/* protection */
	bad("Node 0, zone DMA\n  pages free 1\n        protection: 0, 1\n", -EINVAL, 3, 21, "\"(\"",
	    "protection without (");
	bad("Node 0, zone DMA\n  pages free 1\n        protection: (0, x)\n", -EINVAL, 3, 25, "number",
	    "protection not a number");
	bad("Node 0, zone DMA\n  pages free 1\n        protection: (0 1)\n", -EINVAL, 3, 24, "\",\" or \")\"",
	    "protection without comma");
	bad("Node 0, zone DMA\n  pages free 1\n        protection: (0, 1\n", -EINVAL, 3, 26, "\",\" or \")\"",
	    "protection without )");
	bad("Node 0, zone DMA\n  pages free 1\n        protection: (0, 1) x\n", -EINVAL, 3, 28,
	    "end of the line", "junk after protection");
	bad("Node 0, zone DMA\n  pages free 1\n        protection: (1, 2, 3, 4, 5, 6, 7, 8, 9)\n",
	    -EINVAL, 3, 46, "more than 8", "nine protection values");
	bad("Node 0, zone DMA\n  pages free 1\n        protection: (0, 9223372036854775808)\n",
	    -ERANGE, 3, 25, "out of range", "protection overflow");
	bad("Node 0, zone DMA\n  pages free 1\n        protection: (0)\n        protection: (0)\n",
	    -EINVAL, 4, 1, "second \"protection:\"", "two protection lines");

	/* pagesets */
	bad(HEAD "  pagesets\n    cpu: x\n", -EINVAL, 10, 10, "number", "cpu not a number");
	bad(HEAD "  pagesets\n    cpu: 0 junk\n", -EINVAL, 10, 12, "end of the line", "cpu with junk");
	bad(HEAD "  pagesets\n    cpu: 0 pcp: x\n", -EINVAL, 10, 17, "number", "pcp not a number");
	bad(HEAD "  pagesets\n    cpu: 0\n              count: x\n", -EINVAL, 11, 22, "number",
	    "count not a number");
	bad(HEAD "  pagesets\n    cpu: 0\n              count 1\n", -EINVAL, 11, 20, "name: value",
	    "count without colon");
	bad(HEAD "  pagesets\n    cpu: 0\n              -count: 1\n", -EINVAL, 11, 15, "cpu: N",
	    "pageset line starting with -");
	bad(HEAD "  pagesets\n    cpu: 0\n              numa_hit: 18446744073709551616\n", -ERANGE, 11, 25,
	    "out of range", "pageset value past 2^64-1");
	bad(HEAD "  pagesets\n  vm stats threshold: x\n", -EINVAL, 10, 23, "number", "threshold not a number");
	bad(HEAD "  pagesets\n  vm stats threshold: 1 2\n", -EINVAL, 10, 25, "end of the line",
	    "threshold with junk");

	/* trailer */
	bad(HEAD "  pagesets\n  start_pfn 1\n", -EINVAL, 10, 12, "name: value", "start_pfn without colon");
	bad(HEAD "  pagesets\n  start_pfn: x\n", -EINVAL, 10, 14, "number", "start_pfn not a number");
	bad(HEAD "  pagesets\n  start_pfn: 1\n  start_pfn: 1\n", -EINVAL, 11, 3, "second \"start_pfn:\"",
	    "two start_pfn lines");
	bad(HEAD "  pagesets\n  start_pfn: 1\n  node_unreclaimable: -1\n", -EINVAL, 11, 23, "number",
	    "negative trailer value");
	bad(HEAD "  pagesets\n  new_thing: 1\n  new_thing: 2\n", -EINVAL, 11, 3, "twice",
	    "unknown trailer line twice");
}

/* Accepted variants: old layouts, unknown counters, nameless counters. */
static void test_variants(void)
{
	struct fs_diag d;
	struct fs_snapshot *s = fs_snapshot_new();
	uint64_t v;
	/* 2.6.1x shape: "scanned N (a: N i: N)", "cpu: N pcp: N", extra header
	 * lines, NUMA pageset lines, old trailer, no zone counters. */
	const char *old = "Node 0, zone   Normal\n  pages free     100\n        min      1\n"
			  "        low      2\n        high     3\n        active   40\n"
			  "        inactive 50\n        scanned  6 (a: 7 i: 8)\n"
			  "        spanned  200\n        present  200\n"
			  "        protection: (0, 0, 0)\n  pagesets\n    cpu: 0 pcp: 0\n"
			  "              count: 1\n              low:   0\n              high:  6\n"
			  "              batch: 1\n            numa_hit:       10\n"
			  "  all_unreclaimable: 0\n  prev_priority:     12\n  temp_priority:     12\n"
			  "  start_pfn:         4096\n  new_trailer_line: 77\n";
	int r = rd_zoneinfo_parse(s, "old", old, strlen(old), &d);
	is_int(r, 0, "2.6.1x-shaped zoneinfo parses");
	{
		/* Issue 12 problem 6: a real 2.6.13 zoneinfo prints per-cpu
		 * NUMA counters gone negative with "%lu". fragstat does not use
		 * them: they never fail the read, signed or unsigned. */
		struct fs_snapshot *s2 = fs_snapshot_new();
		const char *numa = "Node 0, zone   Normal\n  pages free     100\n        min      1\n"
				   "        low      2\n        high     3\n"
				   "        spanned  200\n        present  200\n"
				   "        protection: (0, 0, 0)\n  pagesets\n    cpu: 0 pcp: 0\n"
				   "              count: 1\n"
				   "            numa_hit:       18446604437880297808\n"
				   "            numa_miss:      18446744073709551615\n"
				   "            local_node:     -12\n"
				   "  start_pfn:         4096\n";
		int r2 = rd_zoneinfo_parse(s2, "numa", numa, strlen(numa), &d);
		is_int(r2, 0, "2.6.13 per-cpu numa_hit 18446604437880297808 (unused) parses");
		if (r2)
			diag("%u:%u: %s", d.line, d.col, d.msg);
		fs_snapshot_free(s2);
	}
	if (r)
		diag("%u:%u: %s", d.line, d.col, d.msg);
	struct fs_zone *z = fs_snapshot_node(s, 0) ? fs_node_zone(fs_snapshot_node(s, 0), "Normal") : NULL;
	ok(z && fs_kv_get(&z->zone_stats, "scanned", &v) && v == 6, "scanned 6 kept");
	ok(z && fs_kv_get(&z->zone_stats, "active", &v) && v == 40, "unknown header line kept");
	ok(z && fs_kv_get(&z->zone_stats, "new_trailer_line", &v) && v == 77,
	   "unknown trailer line kept");
	ok(z && z->start_pfn == 4096 && (z->zi_have & FS_ZI_START_PFN), "start_pfn 4096");
	ok(z && z->nprotection == 3 && !(z->zi_have & FS_ZI_MANAGED), "3 protection values, no managed");
	fs_snapshot_free(s);

	s = fs_snapshot_new();
	const char *neg = HEAD "      nr_brand_new_counter 18446744073709551615\n"
			  "                   42\n  pagesets\n  start_pfn: 1\n";
	r = rd_zoneinfo_parse(s, "neg", neg, strlen(neg), &d);
	is_int(r, 0, "unknown counter and nameless zone counter accepted");
	z = fs_snapshot_node(s, 0) ? fs_node_zone(fs_snapshot_node(s, 0), "DMA") : NULL;
	ok(z && fs_kv_get(&z->zone_stats, "nr_brand_new_counter", &v) && v == UINT64_MAX,
	   "UINT64_MAX counter kept");
	ok(z && z->zone_stats.n == 1, "nameless counter skipped");
	ok(z && z->nprotection == 2 && z->protection[1] == 1, "protection (0, 1)");
	fs_snapshot_free(s);

	s = fs_snapshot_new();
	const char *sg = "Node 0, zone DMA\n  pages free 1\n        min 1\n        low 2\n        high 3\n"
			 "        spanned 4\n        present 5\n        protection: (-5, 9223372036854775807)";
	r = rd_zoneinfo_parse(s, "sg", sg, strlen(sg), &d);
	is_int(r, 0, "signed protection, no final newline");
	z = fs_snapshot_node(s, 0) ? fs_node_zone(fs_snapshot_node(s, 0), "DMA") : NULL;
	ok(z && z->protection[0] == -5 && z->protection[1] == INT64_MAX, "protection -5, INT64_MAX");
	fs_snapshot_free(s);
}

static void test_many_nodes(void)
{
	/* 1025 distinct nodes: more than FS_MAX_NODES. */
	size_t cap = 1100 * 160, n = 0;
	char *buf = malloc(cap);
	if (!buf)
		abort();
	for (int i = 0; i <= FS_MAX_NODES; i++)
		n += (size_t)snprintf(buf + n, cap - n,
				      "Node %d, zone DMA\n  pages free 0\n        min 0\n        low 0\n"
				      "        high 0\n        spanned 0\n        present 0\n"
				      "        protection: (0)\n", i);
	bad(buf, -EINVAL, FS_MAX_NODES * 8 + 1, 6, "more than 1024 nodes", "1025 nodes");
	free(buf);
}

int main(void)
{
	test_captures();
	test_details();
	test_malformed();
	test_errors();
	test_variants();
	test_many_nodes();
	return done_testing();
}
