#include "config.h"

/* decide.c - the allocation decision engine (decide.h).
 *
 * Follows the kernel's page allocator for one request, by era. The rules
 * and their sources are in kernel-facts-decision.md (KFD); each function
 * below names the kernel function it follows, as `vX.Y file:function`.
 * Pure: no I/O, no globals, no allocation.
 */

#include "decide.h"

#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "fragindex.h"
#include "kpolicy.h"
#include "kvocab.h"

#define NEWEST_RULES FS_KVER(6, 18)

/* ------------------------------------------------------------------ */
/* Era                                                                 */

int fs_kver_parse(const char *rel)
{
	if (!rel)
		return 0;
	long maj = 0, min = 0;
	const char *p = rel;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9' && maj < 100)
		maj = maj * 10 + (*p++ - '0');
	if (*p != '.' || maj < 2 || maj > 99)
		return 0;
	p++;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9' && min < 100)
		min = min * 10 + (*p++ - '0');
	if (min > 99)
		return 0;
	return (int)FS_KVER(maj, min);
}

static void era_add(struct fs_kernel_era *e, int lo, int hi, const char *why)
{
	if (lo > e->lo)
		e->lo = lo;
	if (hi < e->hi)
		e->hi = hi;
	size_t n = strlen(e->basis);
	if (n + 3 < sizeof e->basis)
		snprintf(e->basis + n, sizeof e->basis - n, "%s%s", n ? "; " : "", why);
	e->inferred = true;
}

static bool any_zone_has(const struct fs_snapshot *s, unsigned bit)
{
	for (size_t i = 0; i < s->nnodes; i++)
		for (unsigned z = 0; z < s->nodes[i].nzones; z++)
			if (s->nodes[i].zones[z].zi_have & bit)
				return true;
	return false;
}

static bool any_zone_stat(const struct fs_snapshot *s, const char *name)
{
	uint64_t v;
	for (size_t i = 0; i < s->nnodes; i++)
		for (unsigned z = 0; z < s->nodes[i].nzones; z++)
			if (fs_kv_get(&s->nodes[i].zones[z].zone_stats, name, &v))
				return true;
	return false;
}

static int mt_index(const struct fs_snapshot *s, const char *name)
{
	for (unsigned t = 0; t < s->nmt; t++)
		if (strcmp(s->mt_names[t], name) == 0)
			return (int)t;
	return -1;
}

static bool any_capped(const struct fs_snapshot *s)
{
	for (size_t i = 0; i < s->nnodes; i++)
		for (unsigned z = 0; z < s->nodes[i].nzones; z++)
			for (unsigned t = 0; t < FS_MAX_MT; t++)
				for (unsigned o = 0; o < FS_MAX_ORDERS; o++)
					if (s->nodes[i].zones[z].capped[t][o])
						return true;
	return false;
}

static bool choice_offers(const struct fs_choice *c, const char *opt)
{
	for (unsigned i = 0; i < c->noptions; i++)
		if (strcmp(c->options[i], opt) == 0)
			return true;
	return false;
}

/* KFD §B: what the captured files tell about the kernel release. Absence
 * of a sysctl counts only when its sibling vm sysctls were captured. */
void fs_kernel_era(const struct fs_snapshot *s, struct fs_kernel_era *e)
{
	memset(e, 0, sizeof *e);
	e->lo = 0;
	e->hi = FS_KVER_MAX;
	int v = fs_kver_parse(s->kernel);
	if (v) {
		e->version = e->lo = e->hi = v;
		e->known = true;
		/* "6.1.192-1" -> 192: the stable sublevel, when printed */
		const char *p = strchr(s->kernel, '.');
		p = p ? strchr(p + 1, '.') : NULL;
		if (p && p[1] >= '0' && p[1] <= '9') {
			int sub = 0;
			for (p++; *p >= '0' && *p <= '9' && sub < 100000; p++)
				sub = sub * 10 + (*p - '0');
			e->sublevel = sub;
		}
		return;
	}
	bool vm_captured = s->src[FS_SRC_EXTFRAG_THRESHOLD] == FS_ST_OK ||
			   s->src[FS_SRC_MIN_FREE_KBYTES] == FS_ST_OK;
	if (mt_index(s, "HighAtomic") >= 0)
		era_add(e, FS_KVER(4, 4), FS_KVER_MAX, "pagetypeinfo has HighAtomic (4.4+)");
	if (mt_index(s, "Reserve") >= 0)
		era_add(e, 0, FS_KVER(4, 3), "pagetypeinfo has Reserve (before 4.4)");
	if (s->src[FS_SRC_DEFRAG_MODE] == FS_ST_OK)
		era_add(e, FS_KVER(6, 15), FS_KVER_MAX, "vm.defrag_mode exists (6.15+)");
	else if (s->src[FS_SRC_DEFRAG_MODE] == FS_ST_MISSING &&
		 (s->src[FS_SRC_ZONE_RECLAIM_MODE] == FS_ST_OK ||
		  s->src[FS_SRC_COMPACT_UNEVICTABLE_ALLOWED] == FS_ST_OK))
		/* only a reader that looked for it (its siblings of every era
		 * were read) makes its absence evidence */
		era_add(e, 0, FS_KVER(6, 14), "no vm.defrag_mode (before 6.15)");
	if (s->src[FS_SRC_COMPACTION_PROACTIVENESS] == FS_ST_OK)
		era_add(e, FS_KVER(5, 9), FS_KVER_MAX, "vm.compaction_proactiveness exists (5.9+)");
	else if (vm_captured && s->src[FS_SRC_COMPACTION_PROACTIVENESS] == FS_ST_MISSING)
		era_add(e, 0, FS_KVER(5, 8), "no vm.compaction_proactiveness (before 5.9)");
	if (s->src[FS_SRC_WATERMARK_BOOST_FACTOR] == FS_ST_OK)
		era_add(e, FS_KVER(5, 0), FS_KVER_MAX, "vm.watermark_boost_factor exists (5.0+)");
	if (any_zone_has(s, FS_ZI_MIN)) {
		if (any_zone_has(s, FS_ZI_BOOST))
			era_add(e, FS_KVER(5, 16), FS_KVER_MAX, "zoneinfo prints boost (5.16+)");
		else
			era_add(e, 0, FS_KVER(5, 15), "zoneinfo prints no boost line (before 5.16)");
		if (any_zone_has(s, FS_ZI_PROMO))
			era_add(e, FS_KVER(6, 2), FS_KVER_MAX, "zoneinfo prints promo (after 6.1)");
	}
	if (any_zone_has(s, FS_ZI_CMA))
		era_add(e, FS_KVER(5, 11), FS_KVER_MAX, "zoneinfo prints cma (after 5.10)");
	if (any_zone_stat(s, fs_vm_name(FS_VM_NR_FREE_PAGES_BLOCKS)))
		era_add(e, FS_KVER(6, 15), FS_KVER_MAX, "zoneinfo has nr_free_pages_blocks (6.15+)");
	if (any_capped(s))
		era_add(e, FS_KVER(4, 20), FS_KVER_MAX, "pagetypeinfo caps counts at " FS_CAPPED_MARK FS_PAGETYPE_COUNT_CAP_TEXT " (after 4.19)");
	if (s->thp_defrag.present) {
		if (choice_offers(&s->thp_defrag, "defer+madvise"))
			era_add(e, FS_KVER(4, 10), FS_KVER_MAX, "THP defrag offers defer+madvise (after 4.9)");
		else if (choice_offers(&s->thp_defrag, "defer"))
			era_add(e, FS_KVER(4, 5), FS_KVER(4, 18), "THP defrag offers defer, not defer+madvise");
	}
	uint64_t x;
	if (fs_vm_get(s, FS_VM_COMPACT_DAEMON_WAKE, &x))
		era_add(e, FS_KVER(4, 6), FS_KVER_MAX, "vmstat has compact_daemon_wake (4.6+)");
	if (e->lo > e->hi) {
		/* Contradictory evidence (a backport): trust the newest sign. */
		e->hi = e->lo;
	}
	e->version = e->lo;
}

/* The version whose rules apply: the exact one, else the newest the data
 * allows (the newest rules when nothing is known). */
static int rules_version(const struct fs_kernel_era *e)
{
	if (e->known)
		return e->version;
	return e->hi < NEWEST_RULES ? e->hi : NEWEST_RULES;
}

static const int feature_first[FS_FEAT_COUNT] = {
	[FS_FEAT_HIGHATOMIC] = FS_KVER(4, 4),
	[FS_FEAT_KCOMPACTD] = FS_KVER(4, 6),
	[FS_FEAT_WATERMARK_BOOST] = FS_KVER(5, 0),
	[FS_FEAT_PROACTIVE] = FS_KVER(5, 9),
	[FS_FEAT_GFP_ATOMIC_BIT] = 0,           /* inverted below: present up to 6.2 */
	[FS_FEAT_DEFRAG_MODE] = FS_KVER(6, 15),
};

enum fs_tri fs_era_has(const struct fs_kernel_era *e, enum fs_feature f)
{
	if ((unsigned)f >= FS_FEAT_COUNT)
		return FS_MAYBE;
	if (f == FS_FEAT_GFP_ATOMIC_BIT) {
		if (e->hi <= FS_KVER(6, 2))
			return FS_YES;
		if (e->lo >= FS_KVER(6, 3))
			return FS_NO;
		return FS_MAYBE;
	}
	int first = feature_first[f];
	if (e->lo >= first)
		return FS_YES;
	if (e->hi < first)
		return FS_NO;
	return FS_MAYBE;
}

/* ------------------------------------------------------------------ */
/* gfp names                                                           */

struct gfp_name {
	const char *name;
	uint64_t bits;
};

static const struct gfp_name gfp_bits[] = {
	{ "__GFP_DMA", FS_GFP_DMA },
	{ "__GFP_HIGHMEM", FS_GFP_HIGHMEM },
	{ "__GFP_DMA32", FS_GFP_DMA32 },
	{ "__GFP_MOVABLE", FS_GFP_MOVABLE },
	{ "__GFP_RECLAIMABLE", FS_GFP_RECLAIMABLE },
	{ "__GFP_HIGH", FS_GFP_HIGH },
	{ "__GFP_IO", FS_GFP_IO },
	{ "__GFP_FS", FS_GFP_FS },
	{ "__GFP_ZERO", FS_GFP_ZERO },
	{ "__GFP_ATOMIC", FS_GFP_ATOMIC },
	{ "__GFP_DIRECT_RECLAIM", FS_GFP_DIRECT_RECLAIM },
	{ "__GFP_KSWAPD_RECLAIM", FS_GFP_KSWAPD_RECLAIM },
	{ "__GFP_RECLAIM", FS_GFP_RECLAIM },
	{ "__GFP_WRITE", FS_GFP_WRITE },
	{ "__GFP_NOWARN", FS_GFP_NOWARN },
	{ "__GFP_RETRY_MAYFAIL", FS_GFP_RETRY_MAYFAIL },
	{ "__GFP_REPEAT", FS_GFP_REPEAT },
	{ "__GFP_NOFAIL", FS_GFP_NOFAIL },
	{ "__GFP_NORETRY", FS_GFP_NORETRY },
	{ "__GFP_MEMALLOC", FS_GFP_MEMALLOC },
	{ "__GFP_COMP", FS_GFP_COMP },
	{ "__GFP_NOMEMALLOC", FS_GFP_NOMEMALLOC },
	{ "__GFP_HARDWALL", FS_GFP_HARDWALL },
	{ "__GFP_THISNODE", FS_GFP_THISNODE },
	{ "__GFP_ACCOUNT", FS_GFP_ACCOUNT },
	{ "__GFP_ZEROTAGS", FS_GFP_ZEROTAGS },
	{ "__GFP_SKIP_ZERO", FS_GFP_SKIP_ZERO },
	{ "__GFP_SKIP_KASAN", FS_GFP_SKIP_KASAN },
	{ "__GFP_SKIP_KASAN_POISON", FS_GFP_SKIP_KASAN },
	{ "__GFP_SKIP_KASAN_UNPOISON", FS_GFP_SKIP_KASAN },
	{ "__GFP_NOLOCKDEP", FS_GFP_NOLOCKDEP },
	{ "__GFP_NO_OBJ_EXT", FS_GFP_NO_OBJ_EXT },
	{ "__GFP_COLD", FS_GFP_COLD },
	{ "__GFP_NOTRACK", FS_GFP_NOTRACK },
	{ "__GFP_OTHER_NODE", FS_GFP_OTHER_NODE },
	{ "__GFP_WAIT", FS_GFP_DIRECT_RECLAIM | FS_GFP_KSWAPD_RECLAIM }, /* <= 4.3 */
};

#define G_KERNEL (FS_GFP_RECLAIM | FS_GFP_IO | FS_GFP_FS)
#define G_USER (G_KERNEL | FS_GFP_HARDWALL)
#define G_HIGHUSER (G_USER | FS_GFP_HIGHMEM)
#define G_HIGHUSER_MOVABLE (G_HIGHUSER | FS_GFP_MOVABLE)
#define G_TRANSHUGE_LIGHT \
	((G_HIGHUSER_MOVABLE | FS_GFP_COMP | FS_GFP_NOMEMALLOC | FS_GFP_NOWARN) & ~FS_GFP_RECLAIM)
#define G_TRANSHUGE (G_TRANSHUGE_LIGHT | FS_GFP_DIRECT_RECLAIM)

/* Composite names as include/linux/gfp_types.h (6.1+) / gfp.h define them,
 * by era: v6.12 gfp_types.h GFP_ATOMIC = HIGH|KSWAPD_RECLAIM, GFP_NOWAIT =
 * KSWAPD_RECLAIM|NOWARN; v6.1 GFP_ATOMIC adds __GFP_ATOMIC and GFP_NOWAIT
 * is KSWAPD_RECLAIM alone. */
static uint64_t gfp_composite(const char *name, size_t n, int ver, bool *found)
{
	*found = true;
#define IS(lit) (n == sizeof(lit) - 1 && memcmp(name, lit, n) == 0)
	if (IS("GFP_KERNEL"))
		return G_KERNEL;
	if (IS("GFP_KERNEL_ACCOUNT"))
		return G_KERNEL | FS_GFP_ACCOUNT;
	if (IS("GFP_ATOMIC"))
		return FS_GFP_HIGH | FS_GFP_KSWAPD_RECLAIM | (ver && ver < FS_KVER(6, 3) ? FS_GFP_ATOMIC : 0);
	if (IS("GFP_NOWAIT"))
		return FS_GFP_KSWAPD_RECLAIM | (!ver || ver >= FS_KVER(6, 12) ? FS_GFP_NOWARN : 0);
	if (IS("GFP_NOIO"))
		return FS_GFP_RECLAIM;
	if (IS("GFP_NOFS"))
		return FS_GFP_RECLAIM | FS_GFP_IO;
	if (IS("GFP_USER"))
		return G_USER;
	if (IS("GFP_HIGHUSER"))
		return G_HIGHUSER;
	if (IS("GFP_HIGHUSER_MOVABLE"))
		return G_HIGHUSER_MOVABLE;
	if (IS("GFP_TRANSHUGE_LIGHT"))
		return G_TRANSHUGE_LIGHT;
	if (IS("GFP_TRANSHUGE"))
		return G_TRANSHUGE;
	if (IS("GFP_DMA"))
		return FS_GFP_DMA;
	if (IS("GFP_DMA32"))
		return FS_GFP_DMA32;
	if (IS("GFP_TEMPORARY")) /* <= 4.13 */
		return G_KERNEL | FS_GFP_RECLAIMABLE;
#undef IS
	*found = false;
	return 0;
}

int fs_gfp_parse_names(const char *str, size_t len, const struct fs_kernel_era *era,
		       uint64_t *bits, struct fs_gfp_unknown *unk)
{
	uint64_t b = 0;
	struct fs_gfp_unknown u = { 0 };
	int ver = era ? rules_version(era) : 0;
	if (era && !era->known && !era->inferred)
		ver = 0;
	if (len > 4096)
		return -E2BIG;
	if ((len == 4 && memcmp(str, "none", 4) == 0) || len == 0) {
		*bits = 0;
		if (unk)
			*unk = u;
		return 0;
	}
	size_t i = 0;
	while (i <= len) {
		size_t j = i;
		while (j < len && str[j] != '|')
			j++;
		const char *w = str + i;
		size_t n = j - i;
		bool found = false;
		for (size_t k = 0; k < sizeof gfp_bits / sizeof gfp_bits[0] && !found; k++)
			if (strlen(gfp_bits[k].name) == n && memcmp(gfp_bits[k].name, w, n) == 0) {
				b |= gfp_bits[k].bits;
				found = true;
			}
		if (!found)
			b |= gfp_composite(w, n, ver, &found);
		if (!found) {
			if (u.count == 0) {
				u.offset = i;
				size_t c = n < sizeof u.first - 1 ? n : sizeof u.first - 1;
				memcpy(u.first, w, c);
				u.first[c] = '\0';
			}
			u.count++;
		}
		i = j + 1;
	}
	*bits = b;
	if (unk)
		*unk = u;
	return u.count ? -EINVAL : 0;
}

size_t fs_gfp_format(uint64_t bits, char *buf, size_t n)
{
	size_t len = 0;
	if (n)
		buf[0] = '\0';
	for (size_t k = 0; k < sizeof gfp_bits / sizeof gfp_bits[0]; k++) {
		uint64_t v = gfp_bits[k].bits;
		/* single bits only, first name of each */
		if ((v & (v - 1)) || !(bits & v))
			continue;
		bool dup = false;
		for (size_t j = 0; j < k; j++)
			if (gfp_bits[j].bits == v)
				dup = true;
		if (dup)
			continue;
		int w = snprintf(len < n ? buf + len : NULL, len < n ? n - len : 0, "%s%s",
				 len ? "|" : "", gfp_bits[k].name);
		if (w > 0)
			len += (size_t)w;
	}
	if (!bits) {
		int w = snprintf(buf, n, "none");
		len = w > 0 ? (size_t)w : 0;
	}
	return len;
}

/* ------------------------------------------------------------------ */
/* Kinds                                                               */

static const char *const kind_names[FS_AK_COUNT] = {
	[FS_AK_MOVABLE] = "movable", [FS_AK_THP] = "thp",     [FS_AK_KERNEL] = "kernel",
	[FS_AK_ATOMIC] = "atomic",   [FS_AK_NOIO] = "noio",   [FS_AK_HUGETLB] = "hugetlb",
	[FS_AK_GFP] = "gfp",
};
static const char *const kind_titles[FS_AK_COUNT] = {
	[FS_AK_MOVABLE] = "movable user page", [FS_AK_THP] = "THP fault",
	[FS_AK_KERNEL] = "GFP_KERNEL",         [FS_AK_ATOMIC] = "GFP_ATOMIC",
	[FS_AK_NOIO] = "GFP_NOIO",             [FS_AK_HUGETLB] = "hugetlb pool page",
	[FS_AK_GFP] = "request",
};

const char *fs_alloc_kind_name(enum fs_alloc_kind k)
{
	return (unsigned)k < FS_AK_COUNT ? kind_names[k] : "?";
}

const char *fs_alloc_kind_title(enum fs_alloc_kind k)
{
	return (unsigned)k < FS_AK_COUNT ? kind_titles[k] : "?";
}

int fs_alloc_kind_parse(const char *id, enum fs_alloc_kind *out)
{
	for (int k = 0; k < FS_AK_COUNT; k++)
		if (strcmp(id, kind_names[k]) == 0) {
			*out = (enum fs_alloc_kind)k;
			return 0;
		}
	return -EINVAL;
}

/* v6.18 mm/huge_memory.c:vma_thp_gfp_mask (same v4.19-v5.x
 * alloc_hugepage_direct_gfpmask); v4.4 alloc_hugepage_gfpmask (KFD §A.8). */
static uint64_t thp_gfp(const char *defrag, bool madvised, int ver)
{
	if (ver && ver < FS_KVER(4, 5)) {
		uint64_t g = G_HIGHUSER_MOVABLE | FS_GFP_COMP | FS_GFP_NOMEMALLOC | FS_GFP_NORETRY |
			     FS_GFP_NOWARN;
		g &= ~FS_GFP_KSWAPD_RECLAIM;
		if (strcmp(defrag, "never") == 0 || (strcmp(defrag, "madvise") == 0 && !madvised))
			g &= ~FS_GFP_RECLAIM;
		return g;
	}
	if (strcmp(defrag, "always") == 0)
		return madvised ? G_TRANSHUGE : G_TRANSHUGE | FS_GFP_NORETRY;
	if (strcmp(defrag, "defer") == 0)
		return G_TRANSHUGE_LIGHT | FS_GFP_KSWAPD_RECLAIM;
	if (strcmp(defrag, "defer+madvise") == 0)
		return G_TRANSHUGE_LIGHT | (madvised ? FS_GFP_DIRECT_RECLAIM : FS_GFP_KSWAPD_RECLAIM);
	if (strcmp(defrag, "madvise") == 0)
		return G_TRANSHUGE_LIGHT | (madvised ? FS_GFP_DIRECT_RECLAIM : 0);
	return G_TRANSHUGE_LIGHT; /* never */
}

void fs_alloc_req_for_kind(const struct fs_snapshot *s, const struct fs_kernel_era *era,
			   enum fs_alloc_kind kind, unsigned order, struct fs_alloc_req *out)
{
	int ver = era ? rules_version(era) : NEWEST_RULES;
	memset(out, 0, sizeof *out);
	out->order = order;
	out->kind = kind;
	out->preferred_node = -1;
	switch (kind) {
	case FS_AK_MOVABLE:
		out->gfp = G_HIGHUSER_MOVABLE;
		break;
	case FS_AK_THP:
		out->gfp = thp_gfp(s && s->thp_defrag.present ? s->thp_defrag.choice : "madvise",
				   false, ver);
		break;
	case FS_AK_KERNEL:
		out->gfp = G_KERNEL;
		break;
	case FS_AK_ATOMIC:
		out->gfp = FS_GFP_HIGH | FS_GFP_KSWAPD_RECLAIM | (ver < FS_KVER(6, 3) ? FS_GFP_ATOMIC : 0);
		break;
	case FS_AK_NOIO:
		out->gfp = FS_GFP_RECLAIM;
		break;
	case FS_AK_HUGETLB:
		/* v6.12 mm/hugetlb.c:alloc_pool_huge_folio -> alloc_buddy_hugetlb_folio:
		 * htlb_alloc_mask (GFP_HIGHUSER_MOVABLE when migration is supported)
		 * | __GFP_THISNODE | __GFP_COMP | __GFP_NOWARN | __GFP_RETRY_MAYFAIL
		 * (<= 4.12 __GFP_REPEAT). */
		out->gfp = G_HIGHUSER_MOVABLE | FS_GFP_THISNODE | FS_GFP_COMP | FS_GFP_NOWARN |
			   (ver < FS_KVER(4, 13) ? FS_GFP_REPEAT : FS_GFP_RETRY_MAYFAIL);
		break;
	case FS_AK_GFP:
	case FS_AK_COUNT:
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Outcomes and rules                                                  */

static const char *const outcome_names[FS_OUT_COUNT] = {
	[FS_OUT_OK] = "ok", [FS_OUT_OK_AFTER_KSWAPD] = "ok_after_kswapd", [FS_OUT_COMPACT] = "compact",
	[FS_OUT_RECLAIM] = "reclaim", [FS_OUT_FAIL] = "fail",
};

const char *fs_outcome_name(enum fs_outcome o)
{
	return (unsigned)o < FS_OUT_COUNT ? outcome_names[o] : "?";
}

int fs_outcome_level(enum fs_outcome o)
{
	switch (o) {
	case FS_OUT_OK:
	case FS_OUT_OK_AFTER_KSWAPD: return 0;
	case FS_OUT_COMPACT: return 1;
	case FS_OUT_RECLAIM: return 2;
	case FS_OUT_FAIL: return 3;
	case FS_OUT_COUNT: break;
	}
	return -1;
}

static const char *const rule_names[FS_RULE_COUNT] = {
	[FS_RULE_NONE] = "none",
	[FS_RULE_NO_DATA] = "no_data",
	[FS_RULE_FAST] = "fast",
	[FS_RULE_MIN_KSWAPD] = "min_kswapd",
	[FS_RULE_MIN_NOWAKE] = "min_nowake",
	[FS_RULE_CANNOT_WAIT] = "cannot_wait",
	[FS_RULE_ORDER0] = "order0_reclaim",
	[FS_RULE_NO_COMPACT_GFP] = "no_compact_gfp",
	[FS_RULE_COMPACT_SUITABLE] = "compact_suitable",
	[FS_RULE_THRESHOLD] = "threshold",
	[FS_RULE_LOW_MEMORY] = "low_memory",
	[FS_RULE_NORETRY_SKIPPED] = "noretry_skipped",
	[FS_RULE_NO_ZONE] = "no_zone",
};

const char *fs_rule_name(enum fs_rule r)
{
	return (unsigned)r < FS_RULE_COUNT ? rule_names[r] : "?";
}

/* ------------------------------------------------------------------ */
/* Zones                                                               */

/* enum zone_type order (include/linux/mmzone.h); unknown names rank as
 * Normal. */
static int zone_rank(const char *name)
{
	static const char *const names[] = { "DMA", "DMA32", "Normal", "HighMem", "Movable", "Device" };
	for (int i = 0; i < 6; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return 2;
}

enum { RANK_DMA, RANK_DMA32, RANK_NORMAL, RANK_HIGHMEM, RANK_MOVABLE, RANK_DEVICE };

/* v6.12 include/linux/gfp.h:gfp_zone (GFP_ZONE_TABLE). With both DMA
 * bits or DMA|HIGHMEM the table says BAD; those rank as DMA here. */
static int gfp_zone_rank(uint64_t g)
{
	if (g & FS_GFP_DMA)
		return RANK_DMA;
	if (g & FS_GFP_DMA32)
		return RANK_DMA32;
	if ((g & FS_GFP_MOVABLE) && (g & FS_GFP_HIGHMEM))
		return RANK_MOVABLE;
	if (g & FS_GFP_HIGHMEM)
		return RANK_HIGHMEM;
	return RANK_NORMAL;
}

static bool zone_populated(const struct fs_zone *z)
{
	if (z->has_zoneinfo && (z->zi_have & FS_ZI_MANAGED))
		return z->managed > 0;
	if (z->has_zoneinfo && (z->zi_have & FS_ZI_PRESENT))
		return z->present > 0;
	return z->has_buddy; /* buddyinfo lists populated zones only */
}

static bool has_wmarks(const struct fs_zone *z)
{
	const unsigned need = FS_ZI_FREE | FS_ZI_MIN | FS_ZI_LOW;
	return z->has_zoneinfo && (z->zi_have & need) == need;
}

/* Index into protection[] (lowmem_reserve) for the request.
 * 5.8+ (v6.12 mm/page_alloc.c:prepare_alloc_pages): gfp_zone() itself,
 * i.e. the highest zone type <= the request's that the node lists.
 * <= 5.7 (v5.4 mm/internal.h:ac_classzone_idx): the first populated
 * eligible zone of the preferred zonelist. */
static int reserve_index(const struct fs_node *n, int hrank, int ver)
{
	int best = -1, best_rank = -1;
	for (unsigned i = 0; i < n->nzones; i++) {
		const struct fs_zone *z = &n->zones[i];
		int r = zone_rank(z->name);
		if (!z->has_zoneinfo || z->zi_index < 0 || r > hrank)
			continue;
		if (ver && ver < FS_KVER(5, 8) && !zone_populated(z))
			continue;
		if (r > best_rank) {
			best_rank = r;
			best = z->zi_index;
		}
	}
	return best;
}

/* Highatomic pages the request may not use (KFD §A.4, 0.5): v4.4-v6.11
 * subtract nr_reserved_highatomic (the reserve's size: HighAtomic pageblocks
 * x pageblock_nr_pages, estimated from pagetypeinfo); v6.12+ subtract
 * nr_free_highatomic (its free pages: the HighAtomic free lists). */
static int64_t highatomic_pages(const struct fs_snapshot *s, const struct fs_zone *z, int ver,
				unsigned *cav)
{
	int t = mt_index(s, "HighAtomic");
	if (t < 0)
		return 0;
	if (ver >= FS_KVER(6, 12) || !ver) {
		if (!z->has_types)
			return 0;
		uint64_t sum = 0;
		for (unsigned o = 0; o < s->orders && o < 63; o++)
			sum += z->free_by_type[t][o] << o;
		return sum > INT64_MAX ? INT64_MAX : (int64_t)sum;
	}
	if (!z->has_blocks || !s->pages_per_block)
		return 0;
	*cav |= FS_CAV_HA_ESTIMATED;
	uint64_t p = z->blocks[t] * s->pages_per_block;
	return p > INT64_MAX ? INT64_MAX : (int64_t)p;
}

static int64_t cma_free(const struct fs_zone *z)
{
	uint64_t v;
	if (fs_vm_kv(&z->zone_stats, FS_VM_NR_FREE_CMA, &v))
		return v > INT64_MAX ? INT64_MAX : (int64_t)v;
	return 0;
}

/* Allocator flags, as the kernel's ALLOC_* (mm/internal.h). */
enum {
	AF_CMA = 1u << 0,
	AF_MIN_RESERVE = 1u << 1, /* 6.3+; ALLOC_HIGH before */
	AF_NON_BLOCK = 1u << 2,   /* 6.3+ */
	AF_HIGHATOMIC = 1u << 3,  /* 6.3+ */
	AF_HARDER = 1u << 4,      /* <= 6.2 */
	AF_KSWAPD = 1u << 5,
};

/* v6.12 mm/page_alloc.c:gfp_to_alloc_flags (6.3+; KFD §A.4 "Flags");
 * <= 6.2: __GFP_HIGH -> ALLOC_HIGH, __GFP_ATOMIC -> ALLOC_HARDER unless
 * __GFP_NOMEMALLOC (v6.1 gfp_to_alloc_flags). RT tasks not modelled. */
static unsigned slow_flags(uint64_t g, unsigned order, int ver)
{
	unsigned f = 0;
	if (g & FS_GFP_KSWAPD_RECLAIM)
		f |= AF_KSWAPD;
	if (g & FS_GFP_MOVABLE)
		f |= AF_CMA;
	if (g & FS_GFP_HIGH)
		f |= AF_MIN_RESERVE;
	if (ver >= FS_KVER(6, 3)) {
		if (!(g & FS_GFP_DIRECT_RECLAIM) && !(g & FS_GFP_NOMEMALLOC)) {
			f |= AF_NON_BLOCK;
			if (order > 0 && (f & AF_MIN_RESERVE))
				f |= AF_HIGHATOMIC;
		}
	} else if ((g & FS_GFP_ATOMIC) && !(g & FS_GFP_NOMEMALLOC)) {
		f |= AF_HARDER;
	}
	return f;
}

static bool reserve_rights(unsigned f, int ver)
{
	if (ver >= FS_KVER(6, 3))
		return (f & (AF_MIN_RESERVE | AF_NON_BLOCK | AF_HIGHATOMIC)) != 0;
	return (f & AF_HARDER) != 0;
}

static bool highatomic_list_ok(unsigned f, int ver)
{
	if (ver >= FS_KVER(6, 3))
		return (f & AF_HIGHATOMIC) != 0;
	return (f & AF_HARDER) != 0;
}

/* The watermark after the request's reductions (KFD §A.4 table):
 * v6.12 mm/page_alloc.c:__zone_watermark_ok: MIN_RESERVE: m -= m/2, and
 * inside it NON_BLOCK: m -= m/4; v4.4-v6.2: ALLOC_HIGH: m -= m/2, then
 * ALLOC_HARDER: m -= m/4 (independent). OOM victims not modelled. */
static int64_t reduce_mark(int64_t m, unsigned f, int ver)
{
	if (ver >= FS_KVER(6, 3)) {
		if (f & AF_MIN_RESERVE) {
			m -= m / 2;
			if (f & AF_NON_BLOCK)
				m -= m / 4;
		}
	} else {
		if (f & AF_MIN_RESERVE)
			m -= m / 2;
		if (f & AF_HARDER)
			m -= m / 4;
	}
	return m;
}

static bool type_usable(const char *name, unsigned f, int ver)
{
	/* free_list[o][mt] for mt < MIGRATE_PCPTYPES, CMA with ALLOC_CMA,
	 * HighAtomic with its right; Isolate never. "Reserve" (<= 4.3) is
	 * treated as usable (its old per-order loop is not modelled). */
	if (!strcmp(name, "Unmovable") || !strcmp(name, "Movable") || !strcmp(name, "Reclaimable") ||
	    !strcmp(name, "Reserve"))
		return true;
	if (!strcmp(name, "CMA"))
		return (f & AF_CMA) != 0;
	if (!strcmp(name, "HighAtomic"))
		return highatomic_list_ok(f, ver);
	return false;
}

/* __zone_watermark_ok (v6.12 mm/page_alloc.c; era rules KFD §A.4), every
 * term kept. `mark` is the printed (boosted) watermark. */
static void wmark_check(const struct fs_snapshot *s, const struct fs_zone *z, unsigned k,
			int64_t mark, int hz, unsigned f, int ver, int fver, unsigned *cav,
			struct fs_wmark_check *c)
{
	memset(c, 0, sizeof *c);
	c->free = z->pages_free > INT64_MAX ? INT64_MAX : (int64_t)z->pages_free;
	c->sub_order = ((int64_t)1 << k) - 1;
	c->sub_highatomic = reserve_rights(f, fver) ? 0 : highatomic_pages(s, z, ver, cav);
	c->sub_cma = (f & AF_CMA) ? 0 : cma_free(z);
	c->mark_printed = mark;
	c->mark = reduce_mark(mark, f, fver);
	c->reserve = (hz >= 0 && (unsigned)hz < z->nprotection && (z->zi_have & FS_ZI_PROTECTION))
			     ? z->protection[hz]
			     : 0;
	c->block_order = -1;
	/* which free lists count, once per check (not per order) */
	bool usable[FS_MAX_MT] = { false };
	if (k > 0 && z->has_types)
		for (unsigned t = 0; t < s->nmt && t < FS_MAX_MT; t++)
			usable[t] = type_usable(s->mt_names[t], f, fver);
	/* order 0 needs no block: the free-page test decides alone */
	for (unsigned o = k; k > 0 && o < s->orders; o++) {
		uint64_t nb = 0;
		if (z->has_types) {
			for (unsigned t = 0; t < s->nmt && t < FS_MAX_MT; t++)
				if (usable[t])
					nb += z->free_by_type[t][o];
		} else if (z->has_buddy) {
			nb = z->free[o];
			*cav |= FS_CAV_TYPES_UNKNOWN;
		}
		if (nb && c->block_order < 0)
			c->block_order = (int)o;
		c->blocks += nb;
	}
	__int128 left = (__int128)c->free - c->sub_order - c->sub_highatomic - c->sub_cma;
	__int128 right = (__int128)c->mark + c->reserve;
	if (left <= right) {
		__int128 right0 = (__int128)c->mark;
		c->result = left > right0 ? FS_ZR_FAIL_RESERVE : FS_ZR_FAIL_FREE;
	} else if (k > 0 && c->block_order < 0) {
		c->result = FS_ZR_FAIL_BLOCK;
	} else {
		c->result = FS_ZR_PASS;
	}
}

/* Zonelist for a request from `node` (KFD §A.2, v6.12
 * mm/page_alloc.c:build_zonelists, build_zonerefs_node): the node's
 * populated zones from the highest eligible down, then (without
 * __GFP_THISNODE) the other nodes the same way. Node distances are not in
 * the captures: remote nodes are taken in node id order (FS_CAV_NODE_ORDER). */
struct zref {
	const struct fs_node *n;
	const struct fs_zone *z;
};

static bool node_allowed(const struct fs_alloc_req *req, int id)
{
	if (!req->has_nodemask)
		return true;
	if (id < 0 || id >= FS_MAX_NODES)
		return false;
	return (req->nodemask[id / 64] >> (id % 64)) & 1;
}

static unsigned node_zones(const struct fs_node *n, int hrank, struct zref *out, unsigned max,
			   unsigned nz)
{
	/* zones are stored in file order = enum zone_type order */
	for (int i = (int)n->nzones - 1; i >= 0; i--) {
		const struct fs_zone *z = &n->zones[i];
		if (zone_rank(z->name) > hrank || !zone_populated(z))
			continue;
		if (nz < max) {
			out[nz].n = n;
			out[nz].z = z;
		}
		nz++;
	}
	return nz;
}

/* ------------------------------------------------------------------ */
/* The decision                                                        */

static void zone_fragidx(const struct fs_snapshot *s, const struct fs_zone *z, unsigned k,
			 int *fi)
{
	struct fs_contig_info info;
	*fi = INT32_MIN;
	if (!z->has_buddy || !s->orders)
		return;
	if (fs_fill_contig(z->free, s->orders, k, &info) == 0)
		*fi = fs_fragmentation_index(k, s->orders - 1, &info);
}

int fs_decide(const struct fs_snapshot *s, const struct fs_alloc_req *req, int node,
	      struct fs_decision *out)
{
	struct fs_kernel_era era;
	fs_kernel_era(s, &era);
	return fs_decide_era(s, &era, req, node, out);
}

static int decide(const struct fs_snapshot *s, const struct fs_kernel_era *era,
		  const struct fs_alloc_req *req, int node, const char *only_zone,
		  struct fs_decision *d)
{
	struct fs_kernel_era e0;
	if (!era) {
		fs_kernel_era(s, &e0);
		era = &e0;
	}
	/* the zone detail is cleared as it is filled (d->nzones entries) */
	memset(d, 0, offsetof(struct fs_decision, zones));
	d->order = req->order;
	d->kind = req->kind;
	d->gfp = req->gfp;
	d->node = node;
	d->zone_node = -1;
	d->fragidx = INT32_MIN;
	d->check.block_order = -1;

	const struct fs_node *home = NULL;
	for (size_t i = 0; i < s->nnodes; i++)
		if (s->nodes[i].id == node)
			home = &s->nodes[i];
	if (!home)
		return -ENOENT;
	if (s->orders == 0 || req->order >= s->orders)
		return -EINVAL;

	const int ver = rules_version(era);
	/* The ALLOC_HARDER -> MIN_RESERVE/NON_BLOCK/HIGHATOMIC rework of 6.3
	 * reached 6.1.y stable (present in Debian 6.1.192, KFD §A.4); the
	 * first 6.1.y with it was not checked, so 6.1.192+ only. */
	const int fver = ver == FS_KVER(6, 1) && era->known && era->sublevel >= 192 ? FS_KVER(6, 3) : ver;
	const unsigned k = req->order;
	const uint64_t g = req->gfp;
	d->era_version = ver;
	if (!era->known)
		d->caveats |= era->inferred ? FS_CAV_ERA_INFERRED : FS_CAV_ERA_UNKNOWN;
	if (req->kind == FS_AK_THP) {
		snprintf(d->thp_defrag, sizeof d->thp_defrag, "%s",
			 s->thp_defrag.present ? s->thp_defrag.choice : "madvise");
		if (!s->thp_defrag.present)
			d->caveats |= FS_CAV_THP_DEFRAG_ASSUMED;
	}
	d->extfrag_threshold_default = !s->extfrag_threshold.present;
	d->extfrag_threshold = s->extfrag_threshold.present ? (int)s->extfrag_threshold.value
							    : FS_EXTFRAG_THRESHOLD_DEFAULT;
	d->wakes_kswapd = (g & FS_GFP_KSWAPD_RECLAIM) != 0;
	d->can_wait = (g & FS_GFP_DIRECT_RECLAIM) != 0;
	d->costly = k > PAGE_ALLOC_COSTLY_ORDER;
	d->thisnode = (g & FS_GFP_THISNODE) != 0;
	/* v6.12 mm/page_alloc.c:gfp_compaction_allowed (__GFP_IO); v4.4/v4.9
	 * try_to_compact_pages also needed __GFP_FS (KFD §A.5). */
	d->compaction_allowed = (g & FS_GFP_IO) && (ver >= FS_KVER(4, 10) || (g & FS_GFP_FS));

	const int hrank = gfp_zone_rank(g);
	struct zref zl[FS_DECIDE_MAX_ZONES];
	unsigned nz = 0;
	if (only_zone) {
		for (unsigned i = 0; i < home->nzones; i++)
			if (strcmp(home->zones[i].name, only_zone) == 0 &&
			    zone_rank(home->zones[i].name) <= hrank && zone_populated(&home->zones[i])) {
				zl[0].n = home;
				zl[0].z = &home->zones[i];
				nz = 1;
			}
	} else if (node_allowed(req, node))
		nz = node_zones(home, hrank, zl, FS_DECIDE_MAX_ZONES, nz);
	if (!d->thisnode && !only_zone) {
		for (size_t i = 0; i < s->nnodes; i++) {
			const struct fs_node *n = &s->nodes[i];
			if (n == home || !node_allowed(req, n->id))
				continue;
			unsigned before = nz;
			nz = node_zones(n, hrank, zl, FS_DECIDE_MAX_ZONES, nz);
			if (nz > before)
				d->caveats |= FS_CAV_NODE_ORDER;
		}
	}
	if (nz > FS_DECIDE_MAX_ZONES) {
		d->caveats |= FS_CAV_TRUNCATED;
		nz = FS_DECIDE_MAX_ZONES;
	}
	if (nz == 0) {
		d->rule = FS_RULE_NO_ZONE;
		return 0;
	}
	/* The reserve index comes from the preferred (first) zone's node. */
	int hz = reserve_index(zl[0].n, hrank, ver);
	d->highest_zoneidx = hz;

	bool any_wm = false;
	for (unsigned i = 0; i < nz; i++)
		if (has_wmarks(zl[i].z))
			any_wm = true;
	if (!any_wm) {
		d->rule = FS_RULE_NO_DATA;
		d->nzones = nz;
		for (unsigned i = 0; i < nz; i++) {
			struct fs_zone_decision *zd = &d->zones[i];
			memset(zd, 0, sizeof *zd);
			zd->node = zl[i].n->id;
			memcpy(zd->zone, zl[i].z->name, sizeof zd->zone);
			zd->zone_idx = zl[i].z->zi_index;
			zone_fragidx(s, zl[i].z, k, &zd->fragidx);
		}
		return 0;
	}
	d->caveats |= FS_CAV_DEFERRED_UNKNOWN;
	if (ver >= FS_KVER(5, 0) && ver < FS_KVER(5, 16) && era->known)
		d->caveats |= FS_CAV_BOOST_UNKNOWN;

	/* Fast path: ALLOC_WMARK_LOW, ALLOC_CMA if movable, no reserve
	 * rights (v6.12 mm/page_alloc.c:prepare_alloc_pages,
	 * get_page_from_freelist). */
	const unsigned ffl = (g & FS_GFP_MOVABLE) ? AF_CMA : 0;
	const unsigned sfl = slow_flags(g, k, fver);
	d->nzones = nz;
	int fast = -1, slow = -1;
	for (unsigned i = 0; i < nz; i++) {
		const struct fs_zone *z = zl[i].z;
		struct fs_zone_decision *zd = &d->zones[i];
		memset(zd, 0, sizeof *zd);
		zd->node = zl[i].n->id;
		memcpy(zd->zone, z->name, sizeof zd->zone);   /* both FS_NAME_MAX, NUL-terminated */
		zd->zone_idx = z->zi_index;
		zone_fragidx(s, z, k, &zd->fragidx);
		if (!has_wmarks(z))
			continue;
		/* The reserve index is per node in the kernel's zonelist: each
		 * zone uses lowmem_reserve[ac->highest_zoneidx], one index. */
		wmark_check(s, z, k, (int64_t)z->low, hz, ffl, ver, fver, &d->caveats, &zd->fast);
		int64_t minmark = (int64_t)z->min;
		wmark_check(s, z, k, minmark, hz, sfl, ver, fver, &d->caveats, &zd->min);
		/* Boost escape, 5.9+ (v6.12 mm/page_alloc.c:zone_watermark_fast):
		 * order 0 with ALLOC_MIN_RESERVE (<= 6.2, and Debian 6.1.192
		 * zone_watermark_fast despite the flag rework: __GFP_ATOMIC) retries
		 * the min check against the unboosted watermark. */
		if (zd->min.result != FS_ZR_PASS && k == 0 && ver >= FS_KVER(5, 9) &&
		    (z->zi_have & FS_ZI_BOOST) && z->boost &&
		    (ver >= FS_KVER(6, 3) ? (sfl & AF_MIN_RESERVE) : (g & FS_GFP_ATOMIC)) &&
		    z->min >= z->boost)
			wmark_check(s, z, k, (int64_t)(z->min - z->boost), hz, sfl, ver, fver, &d->caveats,
				    &zd->min);
		zd->reserve_only = zd->fast.result == FS_ZR_FAIL_RESERVE;
		if (fast < 0 && zd->fast.result == FS_ZR_PASS)
			fast = (int)i;
		if (slow < 0 && zd->min.result == FS_ZR_PASS)
			slow = (int)i;
	}

	int pick = -1;
	if (fast >= 0) {
		/* defrag_mode=1 (6.15+) adds ALLOC_NOFRAGMENT, which needs a
		 * block of the request's own type; not modelled beyond this. */
		d->outcome = FS_OUT_OK;
		d->rule = FS_RULE_FAST;
		pick = fast;
		d->check = d->zones[fast].fast;
	} else if (slow >= 0) {
		/* v6.12 mm/page_alloc.c:__alloc_pages_slowpath: wake_all_kswapds
		 * (if ALLOC_KSWAPD), then get_page_from_freelist at min. */
		d->outcome = FS_OUT_OK_AFTER_KSWAPD;
		d->rule = d->wakes_kswapd ? FS_RULE_MIN_KSWAPD : FS_RULE_MIN_NOWAKE;
		pick = slow;
		d->check = d->zones[slow].min;
	}
	if (pick >= 0) {
		d->decided = true;
		d->zone_node = d->zones[pick].node;
		snprintf(d->zone, sizeof d->zone, "%s", d->zones[pick].zone);
		d->fragidx = d->zones[pick].fragidx;
		d->free_pages_zone = (uint64_t)d->check.free;
		return 0;
	}

	/* Nothing passes at min. The first zone with watermarks stands for
	 * the failure in the sentence (the preferred zone). */
	int first = -1;
	for (unsigned i = 0; i < nz && first < 0; i++)
		if (d->zones[i].min.result != FS_ZR_NOT_CHECKED)
			first = (int)i;
	d->decided = true;
	d->zone_node = d->zones[first].node;
	snprintf(d->zone, sizeof d->zone, "%s", d->zones[first].zone);
	d->check = d->zones[first].min;
	d->fragidx = d->zones[first].fragidx;
	d->free_pages_zone = (uint64_t)d->check.free;

	if (!d->can_wait) {
		/* v6.12 __alloc_pages_slowpath: "if (!can_direct_reclaim) goto nopage" */
		d->outcome = FS_OUT_FAIL;
		d->rule = FS_RULE_CANNOT_WAIT;
		return 0;
	}
	if (k == 0) {
		d->outcome = FS_OUT_RECLAIM;
		d->rule = FS_RULE_ORDER0;
		return 0;
	}
	if (!d->compaction_allowed) {
		d->outcome = FS_OUT_RECLAIM;
		d->rule = FS_RULE_NO_COMPACT_GFP;
		return 0;
	}

	/* Direct compaction gate per zone (KFD §A.6): v6.12
	 * mm/compaction.c:compaction_suit_allocation_order, compaction_suitable,
	 * __compaction_suitable; v6.15+ adds the !ALLOC_CMA async pre-check;
	 * <= 4.8 (v4.4) mark low + gap and the fragindex rule for all orders. */
	int cont = -1, thr = -1;
	for (unsigned i = 0; i < nz; i++) {
		struct fs_zone_decision *zd = &d->zones[i];
		const struct fs_zone *z = zl[i].z;
		if (!has_wmarks(z))
			continue;
		int64_t gap = (int64_t)2 << k;
		int64_t w;
		if (ver && ver < FS_KVER(4, 9))
			w = (int64_t)z->low + gap;
		else
			w = (k > PAGE_ALLOC_COSTLY_ORDER ? (int64_t)z->low : (int64_t)z->min) + gap;
		struct fs_wmark_check c0;
		unsigned gf = AF_CMA;
		if (ver >= FS_KVER(6, 15) && k > PAGE_ALLOC_COSTLY_ORDER && !(sfl & AF_CMA)) {
			/* v6.18 compaction_suit_allocation_order: async, !ALLOC_CMA:
			 * order-0 at min + gap with flags 0 (CMA subtracted). */
			wmark_check(s, z, 0, (int64_t)z->min + gap, hz, 0, ver, fver, &d->caveats, &c0);
			if (c0.result != FS_ZR_PASS) {
				zd->gate = FS_CG_SKIPPED;
				zd->gate_mark = c0.mark;
				zd->gate_free = c0.free - c0.sub_highatomic - c0.sub_cma;
				continue;
			}
		}
		wmark_check(s, z, 0, w, hz, gf, ver, fver, &d->caveats, &c0);
		zd->gate_mark = w;
		zd->gate_free = c0.free - c0.sub_highatomic - c0.sub_cma;
		if (c0.result != FS_ZR_PASS) {
			zd->gate = FS_CG_SKIPPED;
			continue;
		}
		bool fi_rule = k > PAGE_ALLOC_COSTLY_ORDER || (ver && ver < FS_KVER(4, 9));
		if (fi_rule && zd->fragidx != INT32_MIN && zd->fragidx >= 0 &&
		    zd->fragidx <= d->extfrag_threshold) {
			zd->gate = FS_CG_NOT_SUITABLE;
			if (thr < 0)
				thr = (int)i;
			continue;
		}
		zd->gate = FS_CG_CONTINUE;
		if (cont < 0)
			cont = (int)i;
	}
	int at = cont >= 0 ? cont : thr >= 0 ? thr : first;
	d->zone_node = d->zones[at].node;
	snprintf(d->zone, sizeof d->zone, "%s", d->zones[at].zone);
	d->check = d->zones[at].min;
	d->fragidx = d->zones[at].fragidx;
	d->gate = d->zones[at].gate;
	d->gate_mark = d->zones[at].gate_mark;
	d->gate_free = d->zones[at].gate_free;
	d->free_pages_zone = (uint64_t)d->check.free;
	if (cont >= 0) {
		d->outcome = FS_OUT_COMPACT;
		d->rule = FS_RULE_COMPACT_SUITABLE;
		return 0;
	}
	/* v6.12 __alloc_pages_slowpath: costly_order && __GFP_NORETRY and the
	 * first compaction was COMPACT_SKIPPED or DEFERRED -> nopage
	 * (v4.9-v5.4: DEFERRED only; SKIPPED added 5.5-5.9, KFD §A.5.3). */
	if (d->costly && (g & FS_GFP_NORETRY) && ver >= FS_KVER(5, 9)) {
		d->outcome = FS_OUT_FAIL;
		d->rule = FS_RULE_NORETRY_SKIPPED;
		return 0;
	}
	d->outcome = FS_OUT_RECLAIM;
	d->rule = thr >= 0 ? FS_RULE_THRESHOLD : FS_RULE_LOW_MEMORY;
	return 0;
}

int fs_decide_era(const struct fs_snapshot *s, const struct fs_kernel_era *era,
		  const struct fs_alloc_req *req, int node, struct fs_decision *d)
{
	return decide(s, era, req, node, NULL, d);
}

int fs_decide_zone(const struct fs_snapshot *s, const struct fs_kernel_era *era,
		   const struct fs_alloc_req *req, int node, const char *zone,
		   struct fs_decision *d)
{
	return decide(s, era, req, node, zone, d);
}

/* ------------------------------------------------------------------ */
/* Sentences                                                           */

struct sb {
	char *buf;
	size_t n, len;
};

static void sbf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sbf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(b->len < b->n ? b->buf + b->len : NULL, b->len < b->n ? b->n - b->len : 0,
			  fmt, ap);
	va_end(ap);
	if (w > 0)
		b->len += (size_t)w;
}

static const char *mark_word(const struct fs_wmark_check *c, bool min)
{
	(void)c;
	return min ? "min" : "low";
}

/* "free 5146 - 7 - 512 highatomic" */
static void sb_left(struct sb *b, const struct fs_wmark_check *c)
{
	sbf(b, "free %" PRId64, c->free);
	if (c->sub_order)
		sbf(b, " - %" PRId64, c->sub_order);
	if (c->sub_highatomic)
		sbf(b, " - %" PRId64 " highatomic", c->sub_highatomic);
	if (c->sub_cma)
		sbf(b, " - %" PRId64 " CMA", c->sub_cma);
}

/* "low 4130 + reserve 0" (with the reduction shown when there is one) */
static void sb_right(struct sb *b, const struct fs_wmark_check *c, bool min)
{
	if (c->mark != c->mark_printed)
		sbf(b, "%s %" PRId64 " (reduced from %" PRId64 ")", mark_word(c, min), c->mark,
		    c->mark_printed);
	else
		sbf(b, "%s %" PRId64, mark_word(c, min), c->mark);
	sbf(b, " + reserve %" PRId64, c->reserve);
}

static void sb_check(struct sb *b, const struct fs_zone_decision *zd, const struct fs_wmark_check *c,
		     bool min, unsigned k)
{
	switch (c->result) {
	case FS_ZR_PASS:
		sb_left(b, c);
		sbf(b, " > ");
		sb_right(b, c, min);
		if (k)
			sbf(b, ", %" PRIu64 " free block%s of order >= %u", c->blocks,
			    c->blocks == 1 ? "" : "s", k);
		break;
	case FS_ZR_FAIL_FREE:
	case FS_ZR_FAIL_RESERVE:
		sb_left(b, c);
		sbf(b, " <= ");
		sb_right(b, c, min);
		break;
	case FS_ZR_FAIL_BLOCK:
		sb_left(b, c);
		sbf(b, " > ");
		sb_right(b, c, min);
		sbf(b, " but no free block of order >= %u on a list it may use", k);
		break;
	case FS_ZR_NOT_CHECKED:
		sbf(b, "no watermarks");
		break;
	}
	(void)zd;
}

static void sb_fi(struct sb *b, int fi)
{
	char t[24];
	if (fi == INT32_MIN) {
		sbf(b, "unknown");
		return;
	}
	fs_index_format(t, sizeof t, fi, false);
	sbf(b, "%s", t);
}

static const struct fs_zone_decision *dzone(const struct fs_decision *d)
{
	for (unsigned i = 0; i < d->nzones; i++)
		if (d->zones[i].node == d->zone_node && strcmp(d->zones[i].zone, d->zone) == 0)
			return &d->zones[i];
	return NULL;
}

static void sb_where(struct sb *b, const struct fs_decision *d, const char *zone, int node)
{
	if (node != d->node)
		sbf(b, "%s on node %d", zone, node);
	else
		sbf(b, "%s", zone);
}

/* Which watermark the compaction gate's mark was built on: the zone's low
 * (costly orders; every order before 4.9) or min (6.15+ pre-check, orders
 * up to 3): read back from the numbers, so the word matches them. */
static const char *gate_word(const struct fs_decision *d, const struct fs_zone_decision *zd)
{
	int64_t gap = (int64_t)2 << d->order;
	if (zd && d->gate_mark == zd->fast.mark_printed + gap)
		return "low+gap";
	if (zd && d->gate_mark == zd->min.mark_printed + gap)
		return "min+gap";
	return "mark+gap";
}

size_t fs_decision_reason(const struct fs_decision *d, char *buf, size_t n)
{
	struct sb b = { buf, n, 0 };
	if (n)
		buf[0] = '\0';
	const unsigned k = d->order;
	const struct fs_zone_decision *zd = dzone(d);
	switch (d->rule) {
	case FS_RULE_NONE:
	case FS_RULE_COUNT:
		sbf(&b, "no decision");
		break;
	case FS_RULE_NO_DATA:
		sbf(&b, "no decision: no zone has zoneinfo watermarks");
		break;
	case FS_RULE_NO_ZONE:
		sbf(&b, "no populated zone this request may use on %s",
		    d->thisnode ? "this node" : "the allowed nodes");
		break;
	case FS_RULE_FAST:
		sbf(&b, "ok from ");
		sb_where(&b, d, d->zone, d->zone_node);
		sbf(&b, " (fast path): ");
		sb_check(&b, zd, &d->check, false, k);
		/* Problem 2: a higher zone failing its low mark is why it went on */
		if (zd && zd != &d->zones[0] && d->zones[0].fast.result != FS_ZR_NOT_CHECKED) {
			sbf(&b, "; %s ", d->zones[0].zone);
			if (d->zones[0].fast.result == FS_ZR_FAIL_BLOCK)
				sbf(&b, "has no free block of order >= %u", k);
			else {
				sbf(&b, "fails its low watermark (");
				sb_check(&b, &d->zones[0], &d->zones[0].fast, false, k);
				sbf(&b, ")");
			}
		}
		break;
	case FS_RULE_MIN_KSWAPD:
	case FS_RULE_MIN_NOWAKE:
		sbf(&b, "ok only at the min watermark: no zone can serve it at its low watermark (%s: ",
		    d->zones[0].zone);
		sb_check(&b, &d->zones[0], &d->zones[0].fast, false, k);
		sbf(&b, "); ");
		sb_where(&b, d, d->zone, d->zone_node);
		sbf(&b, " passes at min: ");
		sb_check(&b, zd, &d->check, true, k);
		if (d->rule == FS_RULE_MIN_KSWAPD)
			sbf(&b, "; kswapd is woken to reclaim up to the high watermark");
		else
			sbf(&b, "; nothing is woken (this request has no __GFP_KSWAPD_RECLAIM)");
		break;
	case FS_RULE_CANNOT_WAIT:
		sbf(&b, "fails: %s cannot wait for reclaim or compaction and no zone can serve it at its min watermark (",
		    d->kind == FS_AK_THP ? "this THP fault" : fs_alloc_kind_title(d->kind));
		sb_where(&b, d, d->zone, d->zone_node);
		sbf(&b, ": ");
		sb_check(&b, zd, &d->check, true, k);
		sbf(&b, ")");
		if (d->kind == FS_AK_THP)
			sbf(&b, "; the fault falls back to small pages (THP defrag=%s%s)", d->thp_defrag,
			    (d->caveats & FS_CAV_THP_DEFRAG_ASSUMED) ? ", assumed" : "");
		if (d->wakes_kswapd)
			sbf(&b, "; kswapd is woken");
		break;
	case FS_RULE_ORDER0:
		sbf(&b, "needs reclaim: no zone can serve an order-0 page at its min watermark (");
		sb_where(&b, d, d->zone, d->zone_node);
		sbf(&b, ": ");
		sb_check(&b, zd, &d->check, true, k);
		sbf(&b, "); direct reclaim runs: lack of free memory, not fragmentation");
		break;
	case FS_RULE_NO_COMPACT_GFP:
		sbf(&b, "needs reclaim: this request may not compact (no __GFP_IO%s) and no zone can serve it at its min watermark (",
		    d->era_version && d->era_version < FS_KVER(4, 10) ? " or __GFP_FS" : "");
		sb_where(&b, d, d->zone, d->zone_node);
		sbf(&b, ": ");
		sb_check(&b, zd, &d->check, true, k);
		sbf(&b, ")");
		break;
	case FS_RULE_COMPACT_SUITABLE:
		sbf(&b, "direct compaction: ");
		sb_where(&b, d, d->zone, d->zone_node);
		sbf(&b, " has the memory (free %" PRId64 " > %s %" PRId64 " incl. gap %" PRId64
			" + reserve %" PRId64 ") but ",
		    d->gate_free, gate_word(d, zd), d->gate_mark, (int64_t)2 << k, zd ? zd->min.reserve : 0);
		if (zd && zd->min.result == FS_ZR_FAIL_BLOCK)
			sbf(&b, "no free block of order >= %u it may use", k);
		else if (zd) {
			sbf(&b, "fails the order-%u check at min (", k);
			sb_check(&b, zd, &zd->min, true, k);
			sbf(&b, ")");
		}
		if (k > PAGE_ALLOC_COSTLY_ORDER) {
			sbf(&b, "; fragmentation index ");
			sb_fi(&b, d->fragidx);
			if (d->fragidx < 0)
				sbf(&b, " (a free block exists it may not use)");
			else
				sbf(&b, " > vm.extfrag_threshold %d%s: the failure is fragmentation",
				    d->extfrag_threshold, d->extfrag_threshold_default ? " (default)" : "");
		}
		sbf(&b, "; compaction is suitable (whether it succeeds depends on movable pages)");
		break;
	case FS_RULE_THRESHOLD:
		if (d->fragidx > FS_EXTFRAG_THRESHOLD_DEFAULT) {
			sbf(&b, "fragmented (index ");
			sb_fi(&b, d->fragidx);
			sbf(&b, " in ");
			sb_where(&b, d, d->zone, d->zone_node);
			sbf(&b, "), but vm.extfrag_threshold=%d stops the kernel from compacting: "
				"it will reclaim; lower the threshold or compact by hand",
			    d->extfrag_threshold);
		} else {
			sbf(&b, "lack of memory, not fragmentation: fragmentation index ");
			sb_fi(&b, d->fragidx);
			sbf(&b, " in ");
			sb_where(&b, d, d->zone, d->zone_node);
			sbf(&b, " <= vm.extfrag_threshold %d%s, so compaction is not tried: it will reclaim",
			    d->extfrag_threshold, d->extfrag_threshold_default ? " (default)" : "");
		}
		break;
	case FS_RULE_LOW_MEMORY:
		sbf(&b, "too little free memory to compact: ");
		sb_where(&b, d, d->zone, d->zone_node);
		sbf(&b, " free %" PRId64 " <= %s %" PRId64 " incl. gap %" PRId64 " + reserve %" PRId64,
		    d->gate_free, gate_word(d, zd), d->gate_mark, (int64_t)2 << k, zd ? zd->min.reserve : 0);
		sbf(&b, " (no zone passes this check): it will reclaim, then compact");
		break;
	case FS_RULE_NORETRY_SKIPPED:
		sbf(&b, "fails without reclaim: compaction is skipped (");
		sb_where(&b, d, d->zone, d->zone_node);
		if (d->gate == FS_CG_NOT_SUITABLE) {
			sbf(&b, ": fragmentation index ");
			sb_fi(&b, d->fragidx);
			sbf(&b, " <= vm.extfrag_threshold %d", d->extfrag_threshold);
		} else {
			sbf(&b, ": free %" PRId64 " <= %" PRId64 " + reserve %" PRId64, d->gate_free,
			    d->gate_mark, zd ? zd->min.reserve : 0);
		}
		sbf(&b, ") and the request has __GFP_NORETRY");
		if (d->kind == FS_AK_THP)
			sbf(&b, " (THP defrag=%s, VMA not madvised): the fault falls back to small pages",
			    d->thp_defrag);
		break;
	}
	return b.len;
}

size_t fs_zone_decision_line(const struct fs_decision *d, unsigned i, char *buf, size_t n)
{
	struct sb b = { buf, n, 0 };
	if (n)
		buf[0] = '\0';
	if (i >= d->nzones)
		return 0;
	const struct fs_zone_decision *zd = &d->zones[i];
	sb_where(&b, d, zd->zone, zd->node);
	sbf(&b, ": ");
	switch (zd->fast.result) {
	case FS_ZR_NOT_CHECKED:
		sbf(&b, "no watermarks");
		return b.len;
	case FS_ZR_PASS:
		sbf(&b, "passes at low: ");
		sb_check(&b, zd, &zd->fast, false, d->order);
		return b.len;
	case FS_ZR_FAIL_RESERVE:
		sbf(&b, "kept by its lowmem reserve for this request (");
		sb_check(&b, zd, &zd->fast, false, d->order);
		sbf(&b, ")");
		return b.len;
	case FS_ZR_FAIL_FREE:
	case FS_ZR_FAIL_BLOCK:
		sbf(&b, "fails at low (");
		sb_check(&b, zd, &zd->fast, false, d->order);
		sbf(&b, ")");
		break;
	}
	sbf(&b, "; at min: ");
	if (zd->min.result == FS_ZR_PASS)
		sbf(&b, "passes");
	else
		sb_check(&b, zd, &zd->min, true, d->order);
	return b.len;
}
