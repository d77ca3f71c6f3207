#include "config.h"

#include "klog_cause.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fragindex.h"

/* gfp bits as this module needs them (names, not the kernel's numbers,
 * which move between versions). */
enum {
	G_DMA = 1u << 0, G_HIGHMEM = 1u << 1, G_DMA32 = 1u << 2, G_MOVABLE = 1u << 3,
	G_RECLAIMABLE = 1u << 4, G_HIGH = 1u << 5, G_IO = 1u << 6, G_FS = 1u << 7,
	G_ATOMIC = 1u << 8, G_DIRECT = 1u << 9, G_KSWAPD = 1u << 10, G_NOMEMALLOC = 1u << 11,
	G_MEMALLOC = 1u << 12, G_HARDWALL = 1u << 13, G_THISNODE = 1u << 14,
	G_NORETRY = 1u << 15, G_RETRY_MAYFAIL = 1u << 16, G_NOFAIL = 1u << 17, G_COMP = 1u << 18,
	G_NOWARN = 1u << 19,
};
#define G_RECLAIM (G_DIRECT | G_KSWAPD)
#define G_USER (G_RECLAIM | G_IO | G_FS | G_HARDWALL)

/* Names %pGg prints (include/trace/events/mmflags.h), composites expanded
 * as include/linux/gfp_types.h (6.x) and gfp.h (4.5-5.x) define them. */
static const struct {
	const char *name;
	unsigned bits;
} gfp_names[] = {
	{ "GFP_TRANSHUGE", (G_USER | G_HIGHMEM | G_MOVABLE | G_COMP | G_NOMEMALLOC | G_NOWARN) & ~G_KSWAPD },
	{ "GFP_TRANSHUGE_LIGHT", (G_USER | G_HIGHMEM | G_MOVABLE | G_COMP | G_NOMEMALLOC | G_NOWARN) & ~G_RECLAIM },
	{ "GFP_HIGHUSER_MOVABLE", G_USER | G_HIGHMEM | G_MOVABLE },
	{ "GFP_HIGHUSER", G_USER | G_HIGHMEM },
	{ "GFP_USER", G_USER },
	{ "GFP_KERNEL_ACCOUNT", G_RECLAIM | G_IO | G_FS },
	{ "GFP_KERNEL", G_RECLAIM | G_IO | G_FS },
	{ "GFP_TEMPORARY", G_RECLAIM | G_IO | G_FS | G_RECLAIMABLE },
	{ "GFP_NOFS", G_RECLAIM | G_IO },
	{ "GFP_NOIO", G_RECLAIM },
	{ "GFP_NOWAIT", G_KSWAPD },
	{ "GFP_ATOMIC", G_HIGH | G_KSWAPD },
	{ "GFP_DMA32", G_DMA32 },
	{ "GFP_DMA", G_DMA },
	{ "GFP_IOFS", G_IO | G_FS },
	{ "__GFP_DMA32", G_DMA32 },
	{ "__GFP_DMA", G_DMA },
	{ "__GFP_HIGHMEM", G_HIGHMEM },
	{ "__GFP_MOVABLE", G_MOVABLE },
	{ "__GFP_RECLAIMABLE", G_RECLAIMABLE },
	{ "__GFP_HIGH", G_HIGH },
	{ "__GFP_IO", G_IO },
	{ "__GFP_FS", G_FS },
	{ "__GFP_ATOMIC", G_ATOMIC },
	{ "__GFP_RECLAIM", G_RECLAIM },
	{ "__GFP_DIRECT_RECLAIM", G_DIRECT },
	{ "__GFP_KSWAPD_RECLAIM", G_KSWAPD },
	{ "__GFP_WAIT", G_DIRECT },
	{ "__GFP_NOMEMALLOC", G_NOMEMALLOC },
	{ "__GFP_MEMALLOC", G_MEMALLOC },
	{ "__GFP_HARDWALL", G_HARDWALL },
	{ "__GFP_THISNODE", G_THISNODE },
	{ "__GFP_NORETRY", G_NORETRY },
	{ "__GFP_RETRY_MAYFAIL", G_RETRY_MAYFAIL },
	{ "__GFP_REPEAT", G_RETRY_MAYFAIL },
	{ "__GFP_NOFAIL", G_NOFAIL },
	{ "__GFP_COMP", G_COMP },
	{ "__GFP_NOWARN", G_NOWARN },
	/* flags that do not change the decision */
	{ "__GFP_ZERO", 0 }, { "__GFP_ACCOUNT", 0 }, { "__GFP_NOACCOUNT", 0 }, { "__GFP_COLD", 0 },
	{ "__GFP_NOTRACK", 0 }, { "__GFP_NOTRACK_FALSE_POSITIVE", 0 }, { "__GFP_WRITE", 0 },
	{ "__GFP_OTHER_NODE", 0 }, { "__GFP_NOLOCKDEP", 0 }, { "__GFP_ZEROTAGS", 0 },
	{ "__GFP_SKIP_ZERO", 0 }, { "__GFP_SKIP_KASAN", 0 }, { "__GFP_SKIP_KASAN_POISON", 0 },
	{ "__GFP_SKIP_KASAN_UNPOISON", 0 }, { "__GFP_NO_OBJ_EXT", 0 }, { "__GFP_NO_KSWAPD", 0 },
};

/* Parse "0x...(NAME|NAME)"; numeric-only modes (before 4.5) use the
 * 2.6-4.3 bit layout of include/linux/gfp.h. Returns false when unknown. */
static bool decode_gfp(const struct fs_klog_report *r, unsigned *bits, bool *numeric,
		       unsigned *unknown)
{
	*bits = 0;
	*numeric = false;
	*unknown = 0;
	if (!r->has_gfp)
		return false;
	const char *p = strchr(r->gfp, '(');
	if (!r->gfp_names || !p) {
		uint64_t v = r->gfp_value;
		static const unsigned old[8] = { G_DMA, G_HIGHMEM, G_DMA32, G_MOVABLE,
						  G_DIRECT, G_HIGH, G_IO, G_FS };
		for (int i = 0; i < 8; i++)
			if (v & (1u << i))
				*bits |= old[i];
		if (!(v & 0x10))
			*bits |= G_ATOMIC;   /* old kernels: no __GFP_WAIT is "atomic" */
		if (v & 0x20000)
			*bits |= G_HARDWALL;
		*numeric = true;
		return true;
	}
	p++;
	while (*p && *p != ')') {
		size_t n = strcspn(p, "|)");
		bool found = false;
		for (size_t i = 0; i < sizeof gfp_names / sizeof gfp_names[0]; i++)
			if (strlen(gfp_names[i].name) == n && memcmp(gfp_names[i].name, p, n) == 0) {
				*bits |= gfp_names[i].bits;
				found = true;
				break;
			}
		if (!found && !(n > 2 && p[0] == '0' && p[1] == 'x'))
			(*unknown)++;
		p += n;
		if (*p == '|')
			p++;
	}
	return true;
}

static int kver(const char *rel)
{
	char *e;
	long maj = strtol(rel, &e, 10);
	if (e == rel || *e != '.' || maj < 2 || maj > 99)
		return 0;
	const char *q = e + 1;
	long min = strtol(q, &e, 10);
	if (e == q || min < 0 || min > 99)
		return 0;
	return (int)(maj * 100 + min);
}

/* Parse a node list "0-3,5" into a mask of up to 1024 nodes. */
static bool nodelist(const char *s, uint64_t *mask, size_t words)
{
	memset(mask, 0, words * sizeof *mask);
	if (!*s || strcmp(s, "(null)") == 0)
		return false;
	while (*s) {
		char *e;
		long a = strtol(s, &e, 10), b = a;
		if (e == s || a < 0)
			return false;
		s = e;
		if (*s == '-') {
			b = strtol(s + 1, &e, 10);
			if (e == s + 1 || b < a)
				return false;
			s = e;
		}
		for (long i = a; i <= b && (size_t)i < words * 64; i++)
			mask[i / 64] |= 1ULL << (i % 64);
		if (*s == ',')
			s++;
		else if (*s)
			return false;
	}
	return true;
}

/* kB to pages, capped so that sums and differences of a few of them stay
 * inside int64 (values near 2^64 are garbage a dump may hold). */
static int64_t pg(uint64_t kbv, uint64_t pkb)
{
	uint64_t v = kbv / pkb;
	return v > (uint64_t)(INT64_MAX / 8) ? INT64_MAX / 8 : (int64_t)v;
}

const char *fs_klog_cause_name(enum fs_klog_cause c)
{
	switch (c) {
	case FS_KC_UNKNOWN: return "unknown";
	case FS_KC_NONE: return "none";
	case FS_KC_FRAGMENTATION: return "fragmentation";
	case FS_KC_NO_MEMORY: return "no_memory";
	case FS_KC_LOWMEM_RESERVE: return "lowmem_reserve";
	case FS_KC_HIGHATOMIC_CMA: return "highatomic_cma";
	case FS_KC_NODES: return "nodes_excluded";
	case FS_KC_STATE_PASSES: return "state_passes";
	case FS_KC_VMALLOC_SPACE: return "vmalloc_space";
	}
	return "unknown";
}

static void note(struct fs_klog_analysis *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct fs_klog_analysis *a, const char *fmt, ...)
{
	if (a->nnotes >= sizeof a->notes / sizeof a->notes[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->notes[a->nnotes++], sizeof a->notes[0], fmt, ap);
	va_end(ap);
}

static void zname(const struct fs_klog_zone *z, char *buf, size_t n)
{
	if (z->node_printed)
		snprintf(buf, n, "Node %d %s", z->node, z->name);
	else
		snprintf(buf, n, "%s", z->name);
}

static int zt(const char *name)
{
	for (int i = 0; i < FS_KLOG_NZT; i++)
		if (strcmp(fs_klog_zone_names[i], name) == 0)
			return i;
	return -1;
}

/* The watermark check of mm/page_alloc.c for one zone, on the printed
 * numbers. New (4.4+): __zone_watermark_ok (6.12: unusable free = order
 * slack + highatomic + CMA; then one free block of order >= k on a list
 * the request may take). Old (before 4.4): the order-0 test with CMA, then
 * per lower order subtract its free pages and halve the mark. */
static void check_zone(const struct fs_klog_report *r, const struct fs_klog_analysis *a,
		       const struct fs_klog_zone *kz, struct fs_klog_zcheck *c, bool ha_allowed)
{
	uint64_t pkb = r->page_size / 1024;
	unsigned k = a->order;
	int64_t free = pg(kz->free_kb, pkb);
	int64_t min = pg(kz->min_kb, pkb);
	if (a->old_check) {
		if (a->high)
			min -= min / 2;
		if (a->nonblock)
			min -= min / 4;
	} else if (a->reserves && a->high) {
		min -= min / 2;
		if (a->nonblock)
			min -= min / 4;
	}
	c->free = free;
	c->mark = min;
	c->sub_order = k < 60 ? (1LL << k) - 1 : INT64_MAX / 8;
	c->sub_ha = 0;
	if (!a->reserves && !a->old_check) {
		/* 6.13+: nr_free_highatomic; before: nr_reserved_highatomic */
		if (kz->has_free_ha)
			c->sub_ha = pg(kz->free_ha_kb, pkb);
		else if (kz->has_reserved_ha)
			c->sub_ha = pg(kz->reserved_ha_kb, pkb);
	}
	c->sub_cma = !a->cma_ok && kz->has_free_cma ? pg(kz->free_cma_kb, pkb) : 0;
	c->reserve = 0;
	if (a->highest_type >= 0 && (unsigned)a->highest_type < kz->nreserve) {
		c->reserve = kz->reserve[a->highest_type] > (uint64_t)INT64_MAX / 8
				     ? INT64_MAX / 8 : (int64_t)kz->reserve[a->highest_type];
		c->reserve_known = true;
	}
	__int128 f = (__int128)free - c->sub_order - c->sub_ha - c->sub_cma;
	c->wmark_ok = f > (__int128)min + c->reserve;
	c->pass_no_reserve = f > (__int128)min;
	c->pass_with_all = (__int128)free - c->sub_order > (__int128)min + c->reserve;
	c->block_ok = true;
	if (k > 0 && a->old_check) {
		__int128 fp = (__int128)free - c->sub_order;
		__int128 m = min;
		for (unsigned o = 0; o < k && o < kz->orders; o++) {
			fp -= (__int128)kz->count[o] << o;
			m >>= 1;
			if (fp <= m) {
				c->block_ok = false;
				break;
			}
		}
	} else if (k > 0) {
		uint8_t use = FS_KMT_U | FS_KMT_M | FS_KMT_E;
		if (a->cma_ok)
			use |= FS_KMT_C;
		if (ha_allowed)
			use |= FS_KMT_H;
		c->block_ok = false;
		c->blocks_by_letters = kz->has_letters;
		for (unsigned o = k; o < kz->orders; o++)
			if (kz->count[o] && (!kz->has_letters || (kz->types[o] & use)))
				c->block_ok = true;
	}
	c->pass = c->wmark_ok && c->block_ok;
	c->idx_ok = false;
	if (kz->orders && k < kz->orders) {
		struct fs_contig_info info;
		if (fs_fill_contig(kz->count, kz->orders, k, &info) == 0) {
			c->fragidx = fs_fragmentation_index(k, kz->orders - 1, &info);
			c->unusable = fs_unusable_index(k, &info);
			c->idx_ok = true;
		}
	}
}

static uint64_t kb(const struct fs_klog_report *r, int64_t pages)
{
	return pages < 0 ? 0 : (uint64_t)pages * (r->page_size / 1024);
}

void fs_klog_analysis_release(struct fs_klog_analysis *a)
{
	free(a->dec);
	a->dec = NULL;
	a->ndec = 0;
}

/* The engine's gfp bits: the printed names parsed by fs_gfp_parse_names()
 * for the snapshot's era; a numeric-only mode (before 4.5) from the bits
 * decoded here. */
static uint64_t engine_gfp(const struct fs_klog_report *r, const struct fs_kernel_era *era,
			   unsigned bits, struct fs_klog_analysis *a)
{
	const char *p = strchr(r->gfp, '(');
	uint64_t g = 0;
	if (r->gfp_names && p) {
		const char *e = strchr(p, ')');
		struct fs_gfp_unknown unk = { 0 };
		if (e) {
			fs_gfp_parse_names(p + 1, (size_t)(e - p - 1), era, &g, &unk);
			a->gfp_engine_names = true;
			a->gfp_engine_unknown = unk.count;
			return g;
		}
	}
	static const struct { unsigned from; uint64_t to; } map[] = {
		{ G_DMA, FS_GFP_DMA }, { G_HIGHMEM, FS_GFP_HIGHMEM }, { G_DMA32, FS_GFP_DMA32 },
		{ G_MOVABLE, FS_GFP_MOVABLE }, { G_RECLAIMABLE, FS_GFP_RECLAIMABLE },
		{ G_HIGH, FS_GFP_HIGH }, { G_IO, FS_GFP_IO }, { G_FS, FS_GFP_FS },
		{ G_ATOMIC, FS_GFP_ATOMIC }, { G_DIRECT, FS_GFP_DIRECT_RECLAIM },
		{ G_KSWAPD, FS_GFP_KSWAPD_RECLAIM }, { G_NOMEMALLOC, FS_GFP_NOMEMALLOC },
		{ G_MEMALLOC, FS_GFP_MEMALLOC }, { G_HARDWALL, FS_GFP_HARDWALL },
		{ G_THISNODE, FS_GFP_THISNODE }, { G_NORETRY, FS_GFP_NORETRY },
		{ G_RETRY_MAYFAIL, FS_GFP_RETRY_MAYFAIL }, { G_NOFAIL, FS_GFP_NOFAIL },
		{ G_COMP, FS_GFP_COMP }, { G_NOWARN, FS_GFP_NOWARN },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (bits & map[i].from)
			g |= map[i].to;
	return g;
}

/* One engine decision per allowed node of the snapshot (the node the task
 * ran on is not printed). */
static void engine(const struct fs_klog_report *r, struct fs_klog_analysis *a, unsigned bits,
		   const uint64_t *allowed, bool has_allowed)
{
	const struct fs_snapshot *s = r->snap;
	if (!s || !s->nnodes || !s->orders || a->order >= s->orders)
		return;
	struct fs_kernel_era era;
	fs_kernel_era(s, &era);
	struct fs_alloc_req req;
	memset(&req, 0, sizeof req);
	req.order = a->order;
	req.kind = FS_AK_GFP;
	req.preferred_node = -1;
	req.gfp = engine_gfp(r, &era, bits, a);
	if (has_allowed) {
		req.has_nodemask = true;
		memcpy(req.nodemask, allowed, sizeof req.nodemask);
	}
	unsigned cap = 0;
	for (size_t i = 0; i < s->nnodes; i++) {
		int id = s->nodes[i].id;
		if (has_allowed && (id < 0 || id >= FS_MAX_NODES || !(allowed[id / 64] >> (id % 64) & 1)))
			continue;
		if (a->ndec == cap) {
			unsigned nc = cap ? cap * 2 : 4;
			struct fs_decision *nd = realloc(a->dec, nc * sizeof *nd);
			if (!nd)
				return;
			a->dec = nd;
			cap = nc;
		}
		if (fs_decide_era(s, &era, &req, id, &a->dec[a->ndec]) == 0)
			a->ndec++;
	}
}

void fs_klog_analyse(const struct fs_klog_report *r, struct fs_klog_analysis *a)
{
	memset(a, 0, sizeof *a);
	a->highest_type = -1;
	char zn[FS_NAME_MAX + 16];

	if (r->kind == FS_KLOG_SHOW_MEM) {
		a->cause = FS_KC_NONE;
		snprintf(a->line, sizeof a->line, "%s: no allocation failed; the dump shows the state only",
			 r->trigger == FS_KT_SYSRQ ? "SysRq show memory" : "free-area dump without a header");
	}
	if (r->trigger == FS_KT_VMALLOC && strstr(r->vmalloc_reason, "vm_struct allocation failed")) {
		a->cause = FS_KC_VMALLOC_SPACE;
		snprintf(a->line, sizeof a->line,
			 "vmalloc of %llu bytes found no free range of kernel virtual address space "
			 "(vm_struct allocation failed): not a shortage of pages",
			 (unsigned long long)r->vmalloc_size);
	}
	unsigned bits, unknown;
	a->gfp_decoded = decode_gfp(r, &bits, &a->gfp_numeric, &unknown);
	a->has_request = a->gfp_decoded && r->kind != FS_KLOG_SHOW_MEM;
	a->order = r->order >= 0 ? (unsigned)r->order : 0;
	if (unknown)
		note(a, "%u gfp flag name(s) not known to fragstat were ignored", unknown);
	if (a->gfp_numeric)
		note(a, "gfp flags decoded from the number with the 2.6-4.3 bit layout (no names printed)");

	/* Era of the check: the banner's release, else the letters. */
	int ver = r->kernel[0] ? kver(r->kernel) : 0;
	bool any_letters = false, any_r = false, any_h = false;
	for (size_t i = 0; i < r->nzones; i++) {
		any_letters |= r->zones[i].has_letters;
		for (unsigned o = 0; o < r->zones[i].orders; o++) {
			any_r |= (r->zones[i].types[o] & FS_KMT_R) != 0;
			any_h |= (r->zones[i].types[o] & FS_KMT_H) != 0;
		}
	}
	if (ver)
		a->old_check = ver < 404;
	else
		a->old_check = any_r || r->letters_em || (!any_letters && !any_h && a->gfp_numeric);

	a->direct_reclaim = (bits & G_DIRECT) != 0;
	a->high = (bits & G_HIGH) != 0;
	a->movable = (bits & G_MOVABLE) && !(bits & G_RECLAIMABLE);
	a->cma_ok = a->movable;  /* gfp_to_alloc_flags_cma(): ALLOC_CMA for movable */
	bool modern = !a->old_check && !(bits & G_ATOMIC) && !(ver && ver < 604);
	if (modern)
		a->nonblock = !a->direct_reclaim && !(bits & G_NOMEMALLOC);
	else /* 4.4-6.3: ALLOC_HARDER for __GFP_ATOMIC; before 4.4: no __GFP_WAIT */
		a->nonblock = (bits & G_ATOMIC) && !(bits & G_NOMEMALLOC);
	a->reserves = a->nonblock || a->high;
	/* try_to_compact_pages(): no compaction without __GFP_IO */
	a->may_compact = a->direct_reclaim && (bits & G_IO) && a->order > 0;
	bool ha_allowed = modern ? a->nonblock && a->high && a->order > 0 : a->nonblock;

	/* Compaction came in 2.6.35 (vendors backported it, so before that it
	 * is not mentioned either way), CMA in 3.5 (free_cma is printed where
	 * it exists). */
	bool has_compaction = true, has_cma = false;
	if (ver && ver < 206)
		has_compaction = false;
	else if (ver == 206) {
		const char *p3 = r->kernel + 4;
		has_compaction = atoi(p3) >= 35;
	}
	for (size_t i = 0; i < r->nzones; i++)
		has_cma |= r->zones[i].has_free_cma;
	if (!has_cma)
		a->cma_ok = false;
	const char *ctx;
	if (!a->gfp_decoded)
		ctx = "gfp flags not printed";
	else if (!a->direct_reclaim)
		ctx = a->high ? (has_compaction ? "atomic (no direct reclaim or compaction; may dip into the min reserve)"
						: "atomic (no direct reclaim; may dip into the min reserve)")
			      : (has_compaction ? "non-blocking (no direct reclaim or compaction)"
						: "non-blocking (no direct reclaim)");
	else if (!(bits & G_IO))
		ctx = has_compaction ? "NOIO (direct reclaim without I/O, no compaction)"
				     : "NOIO (direct reclaim without I/O)";
	else if (!(bits & G_FS))
		ctx = has_compaction ? "NOFS (direct reclaim and compaction without filesystem calls)"
				     : "NOFS (direct reclaim without filesystem calls)";
	else
		ctx = has_compaction ? "may reclaim and compact" : "may reclaim";
	if (!has_compaction)
		a->may_compact = false;
	snprintf(a->context, sizeof a->context, "%s%s%s", ctx,
		 a->movable ? (has_cma ? ", movable (may use CMA)" : ", movable") : "",
		 a->order > 3 ? ", costly order (>3)" : "");

	/* gfp_zone(): the highest zone the request may use. */
	const char *hz = "Normal";
	if (bits & G_DMA)
		hz = "DMA";
	else if (bits & G_DMA32)
		hz = "DMA32";
	else if ((bits & G_HIGHMEM) && (bits & G_MOVABLE))
		hz = "Movable";
	else if (bits & G_HIGHMEM)
		hz = r->ztypes_known && r->ztype[3] >= 0 ? "HighMem" : "Normal";
	snprintf(a->highest, sizeof a->highest, "%s", hz);
	a->highest_type = r->ztypes_known ? r->ztype[zt(hz)] : -1;
	if (r->ztypes_known && a->highest_type < 0 && zt(hz) == 4) {
		/* no ZONE_MOVABLE compiled in (before 2.6.23): HighMem or Normal */
		hz = r->ztype[3] >= 0 ? "HighMem" : "Normal";
		snprintf(a->highest, sizeof a->highest, "%s", hz);
		a->highest_type = r->ztype[zt(hz)];
	}

	/* Allowed nodes: the nodemask, and the cpuset's mems unless a
	 * non-blocking __GFP_HIGH request ignores it (gfp_to_alloc_flags). */
	uint64_t nm[FS_MAX_NODES / 64], mm[FS_MAX_NODES / 64];
	bool has_nm = r->has_nodemask && nodelist(r->nodemask, nm, FS_MAX_NODES / 64);
	bool has_mm = r->has_mems && nodelist(r->mems_allowed, mm, FS_MAX_NODES / 64) &&
		      !(a->high && !a->direct_reclaim && !a->old_check);
	if (has_nm)
		snprintf(a->allowed, sizeof a->allowed, "%s", r->nodemask);
	else if (has_mm)
		snprintf(a->allowed, sizeof a->allowed, "%s", r->mems_allowed);

	if (a->has_request && a->cause != FS_KC_VMALLOC_SPACE) {
		uint64_t allowed[FS_MAX_NODES / 64];
		for (size_t i = 0; i < FS_MAX_NODES / 64; i++)
			allowed[i] = (has_nm ? nm[i] : ~0ULL) & (has_mm ? mm[i] : ~0ULL);
		engine(r, a, bits, allowed, has_nm || has_mm);
	}

	unsigned nusable = 0, nexcl_pass = 0;
	for (size_t i = 0; i < r->nzones && a->n < FS_KLOG_MAX_CHECKS; i++) {
		const struct fs_klog_zone *kz = &r->zones[i];
		struct fs_klog_zcheck *c = &a->z[a->n++];
		c->zone = (unsigned)i;
		int t = zt(kz->name);
		bool type_ok = t >= 0 && zt(hz) >= 0 && t <= zt(hz);
		if (t == 3 && zt(hz) == 4 && r->ztypes_known && r->ztype[3] < 0)
			type_ok = false;
		bool node_ok = true;
		int nd = kz->node;
		if (nd >= 0 && nd < FS_MAX_NODES) {
			if (has_nm && !(nm[nd / 64] >> (nd % 64) & 1))
				node_ok = false;
			if (has_mm && !(mm[nd / 64] >> (nd % 64) & 1))
				node_ok = false;
		}
		c->usable = type_ok && node_ok && a->has_request;
		c->node_excluded = type_ok && !node_ok && a->has_request;
		c->checked = kz->has_zone_line && kz->buddy_complete && kz->has_min &&
			     r->page_size >= 1024 && a->has_request;
		if (c->checked) {
			/* Numbers past 2^60 pages are garbage (u64 wraps seen in real
			 * dumps): no check on them rather than a capped figure. */
			uint64_t pkb = r->page_size / 1024, cap = (uint64_t)(INT64_MAX / 8);
			bool huge = kz->free_kb / pkb >= cap || kz->min_kb / pkb >= cap ||
				    kz->high_kb / pkb >= cap || kz->free_cma_kb / pkb >= cap ||
				    kz->free_ha_kb / pkb >= cap || kz->reserved_ha_kb / pkb >= cap;
			for (unsigned j = 0; j < kz->nreserve; j++)
				huge |= kz->reserve[j] >= cap;
			if (huge) {
				c->checked = false;
				char zn2[FS_NAME_MAX + 16];
				zname(kz, zn2, sizeof zn2);
				note(a, "%s: values beyond 2^60 pages (garbage in the dump?): not checked", zn2);
			} else {
				check_zone(r, a, kz, c, ha_allowed);
			}
		}
		if (c->usable && c->checked)
			nusable++;
		if (c->node_excluded && c->checked && c->pass)
			nexcl_pass++;
		a->nodes_limited |= c->node_excluded;
	}
	if (a->cause != FS_KC_UNKNOWN)
		return;
	if (!a->has_request) {
		snprintf(a->line, sizeof a->line, "the request's gfp flags are not in the report: no cause");
		return;
	}
	if (!nusable) {
		if (nexcl_pass) {
			a->cause = FS_KC_NODES;
			snprintf(a->line, sizeof a->line,
				 "the allowed nodes (%s) have no usable zone in the dump, while zones on "
				 "other nodes would pass", a->allowed);
		} else {
			snprintf(a->line, sizeof a->line,
				 "no zone the request may use (up to %s) could be checked: none is "
				 "complete in the dump, or its numbers are not usable", hz);
		}
		return;
	}

	/* Sums over the usable zones, by what held them back. */
	const struct fs_klog_zcheck *pass = NULL, *frag = NULL, *below = NULL;
	uint64_t free_reserve = 0, free_hacma = 0, free_below = 0;
	for (unsigned i = 0; i < a->n; i++) {
		const struct fs_klog_zcheck *c = &a->z[i];
		if (!c->usable || !c->checked)
			continue;
		if (c->pass && !pass)
			pass = c;
		else if (c->wmark_ok && !c->block_ok && !frag)
			frag = c;
		else if (!c->wmark_ok && c->pass_no_reserve && c->reserve > 0)
			free_reserve += (uint64_t)c->free;
		else if (!c->wmark_ok && c->pass_with_all)
			free_hacma += (uint64_t)c->free;
		else if (!c->wmark_ok) {
			free_below += (uint64_t)c->free;
			if (!below || c->free > below->free)
				below = c;
		}
	}
	if (pass) {
		const struct fs_klog_zone *kz = &r->zones[pass->zone];
		zname(kz, zn, sizeof zn);
		a->cause = FS_KC_STATE_PASSES;
		int l = snprintf(a->line, sizeof a->line,
				 "not explained by the printed state (printed after the failure; it may "
				 "have changed since): %s passes the order-%u check at min (free %llukB > min %llukB",
				 zn, a->order, (unsigned long long)kb(r, pass->free),
				 (unsigned long long)kb(r, pass->mark));
		if (pass->reserve)
			l += snprintf(a->line + l, sizeof a->line - (size_t)l, " + reserve %llukB",
				      (unsigned long long)kb(r, pass->reserve));
		l += snprintf(a->line + l, sizeof a->line - (size_t)l, ")");
		if (a->cma_ok && kz->has_free_cma && kz->free_cma_kb &&
		    (__int128)pass->free - pass->sub_order - pg(kz->free_cma_kb, r->page_size / 1024) <=
			    (__int128)pass->mark + pass->reserve)
			snprintf(a->line + l, sizeof a->line - (size_t)l,
				 ", but only by counting its %llukB of free CMA pages",
				 (unsigned long long)kz->free_cma_kb);
		if (r->kind == FS_KLOG_OOM) {
			/* __alloc_pages_may_oom(): one last try at the high watermark
			 * with ALLOC_WMARK_HIGH|ALLOC_CPUSET only (no ALLOC_CMA, no
			 * reserves) before the OOM killer runs. */
			const struct fs_klog_zcheck *hp = NULL;
			int64_t best_f = 0, best_m = 0;
			for (unsigned i = 0; i < a->n; i++) {
				const struct fs_klog_zcheck *c = &a->z[i];
				const struct fs_klog_zone *z = &r->zones[c->zone];
				if (!c->usable || !c->checked || !z->has_high)
					continue;
				int64_t pk = (int64_t)(r->page_size / 1024);
				int64_t ha = 0;
				if (!a->old_check)
					ha = pg(z->has_free_ha ? z->free_ha_kb
						: z->has_reserved_ha ? z->reserved_ha_kb : 0, (uint64_t)pk);
				int64_t f = c->free - c->sub_order - ha -
					    (z->has_free_cma ? pg(z->free_cma_kb, (uint64_t)pk) : 0);
				int64_t m = pg(z->high_kb, (uint64_t)pk) + c->reserve;
				if (f > m) {
					hp = NULL;
					best_f = -1;
					break;
				}
				if (!hp || f - m > best_f - best_m) {
					hp = c;
					best_f = f;
					best_m = m;
				}
			}
			if (hp && best_f >= 0) {
				zname(&r->zones[hp->zone], zn, sizeof zn);
				note(a, "the OOM path's last try (__alloc_pages_may_oom) checks the high watermark "
					"without CMA or highatomic pages: %s fails it (%llukB <= %llukB)", zn,
				     (unsigned long long)kb(r, best_f), (unsigned long long)kb(r, best_m));
			}
		}
		if (a->order > 3 && a->direct_reclaim && !(bits & (G_NOFAIL | G_RETRY_MAYFAIL)))
			note(a, "a costly order (>3) without __GFP_RETRY_MAYFAIL gives up once compaction "
				"fails (should_compact_retry), even with free memory left");
	} else if (nexcl_pass) {
		const struct fs_klog_zcheck *best = &a->z[0];
		bool found = false;
		for (unsigned i = 0; i < a->n; i++)
			if (a->z[i].node_excluded && a->z[i].checked && a->z[i].pass &&
			    (!found || a->z[i].free > best->free)) {
				best = &a->z[i];
				found = true;
			}
		zname(&r->zones[best->zone], zn, sizeof zn);
		a->cause = FS_KC_NODES;
		snprintf(a->line, sizeof a->line,
			 "%s limits the request to node%s %s, where no zone passes; "
			 "zones on other nodes would (%s: %llukB free)",
			 has_nm ? "the nodemask" : "the cpuset (mems_allowed)",
			 strpbrk(a->allowed, ",-") ? "s" : "", a->allowed, zn,
			 (unsigned long long)r->zones[best->zone].free_kb);
	} else if (frag) {
		const struct fs_klog_zone *kz = &r->zones[frag->zone];
		zname(kz, zn, sizeof zn);
		a->cause = FS_KC_FRAGMENTATION;
		snprintf(a->line, sizeof a->line,
			 "fragmentation: %s has %llukB free, above min %llukB, but no free block of "
			 "order %u (%llukB) or larger%s in any allowed zone",
			 zn, (unsigned long long)kz->free_kb, (unsigned long long)kb(r, frag->mark),
			 a->order, (unsigned long long)((r->page_size / 1024) << a->order),
			 frag->blocks_by_letters ? " on a list it may use" : "");
	} else if (free_reserve > free_below && free_reserve >= free_hacma) {
		a->cause = FS_KC_LOWMEM_RESERVE;
		int l = snprintf(a->line, sizeof a->line, "lowmem reserve: the %llukB free in ",
				 (unsigned long long)kb(r, (int64_t)free_reserve));
		unsigned nres = 0, k = 0;
		for (unsigned i = 0; i < a->n; i++) {
			const struct fs_klog_zcheck *c = &a->z[i];
			nres += c->usable && c->checked && !c->wmark_ok && c->pass_no_reserve && c->reserve > 0;
		}
		for (unsigned i = 0; i < a->n; i++) {
			const struct fs_klog_zcheck *c = &a->z[i];
			if (c->usable && c->checked && !c->wmark_ok && c->pass_no_reserve && c->reserve > 0) {
				zname(&r->zones[c->zone], zn, sizeof zn);
				k++;
				l += snprintf(a->line + l, sizeof a->line - (size_t)l, "%s%s",
					      k == 1 ? "" : k == nres ? " and " : ", ", zn);
			}
		}
		l += snprintf(a->line + l, sizeof a->line - (size_t)l,
			      " is held back by lowmem_reserve from requests that may use %s", hz);
		if (below) {
			zname(&r->zones[below->zone], zn, sizeof zn);
			snprintf(a->line + l, sizeof a->line - (size_t)l,
				 "; %s is below the mark this request must meet (%llukB <= %llukB)",
				 zn, (unsigned long long)kb(r, below->free - below->sub_order - below->sub_ha - below->sub_cma),
				 (unsigned long long)kb(r, below->mark + below->reserve));
		}
	} else if (free_hacma > free_below) {
		a->cause = FS_KC_HIGHATOMIC_CMA;
		snprintf(a->line, sizeof a->line,
			 "free memory the request may not use: the usable zones pass only when their "
			 "highatomic reserve or CMA pages are counted (%llukB free in them)",
			 (unsigned long long)kb(r, (int64_t)free_hacma));
	} else if (below) {
		zname(&r->zones[below->zone], zn, sizeof zn);
		a->cause = FS_KC_NO_MEMORY;
		int l = snprintf(a->line, sizeof a->line,
				 "lack of memory: no zone the request may use passes its min "
				 "watermark (%s: %llukB usable <= %llukB",
				 zn, (unsigned long long)kb(r, below->free - below->sub_order - below->sub_ha - below->sub_cma),
				 (unsigned long long)kb(r, below->mark));
		if (below->reserve)
			l += snprintf(a->line + l, sizeof a->line - (size_t)l, " + reserve %llukB",
				      (unsigned long long)kb(r, below->reserve));
		snprintf(a->line + l, sizeof a->line - (size_t)l, ")");
	}
	if (a->cause == FS_KC_NO_MEMORY || a->cause == FS_KC_LOWMEM_RESERVE ||
	    a->cause == FS_KC_FRAGMENTATION || a->cause == FS_KC_HIGHATOMIC_CMA) {
		if (!a->direct_reclaim)
			note(a, "the request could not reclaim or compact (no __GFP_DIRECT_RECLAIM): it "
				"fails as soon as no zone passes at min");
		else if (a->order > 0 && !a->may_compact)
			note(a, "no __GFP_IO: try_to_compact_pages() skips compaction for this request");
	}
	if (r->kind == FS_KLOG_OOM)
		for (size_t i = 0; i < r->nnodes; i++)
			if (r->nodes[i].has_unreclaimable && r->nodes[i].all_unreclaimable) {
				note(a, "node %d: all_unreclaimable? yes (reclaim made no progress there)",
				     r->nodes[i].id);
				break;
			}
	if (r->has_swap_total && r->swap_total_kb == 0 && a->cause == FS_KC_NO_MEMORY)
		note(a, "no swap (Total swap = 0kB): anonymous memory could not be reclaimed");
	else if (r->has_swap_total && r->has_swap_free && r->swap_total_kb && r->swap_free_kb == 0 &&
		 a->cause == FS_KC_NO_MEMORY)
		note(a, "swap is full (Free swap = 0kB of %llukB)", (unsigned long long)r->swap_total_kb);
	if (a->has_request && strncmp(r->task, "kswapd", 6) == 0)
		note(a, "the task is kswapd (PF_MEMALLOC): __alloc_pages_slowpath() does not let it "
			"reclaim or compact for itself ('Avoid recursion of direct reclaim')");
	if (a->cause != FS_KC_VMALLOC_SPACE && !r->ztypes_known)
		note(a, "zone types not known (no lowmem_reserve[] line): reserves taken as 0");
}
