#include "config.h"

#include "sim_buddy.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kpolicy.h"
#include "kvocab.h"
#include "sim_compact.h"
#include "sim_internal.h"

/* The vmstat counters by their kvocab.h names, then the simulator's own. */
static const enum fs_vm sim_cnt_vm[] = {
	[SIM_CNT_COMPACT_STALL] = FS_VM_COMPACT_STALL,
	[SIM_CNT_COMPACT_FAIL] = FS_VM_COMPACT_FAIL,
	[SIM_CNT_COMPACT_SUCCESS] = FS_VM_COMPACT_SUCCESS,
	[SIM_CNT_COMPACT_MIGRATE_SCANNED] = FS_VM_COMPACT_MIGRATE_SCANNED,
	[SIM_CNT_COMPACT_FREE_SCANNED] = FS_VM_COMPACT_FREE_SCANNED,
	[SIM_CNT_COMPACT_ISOLATED] = FS_VM_COMPACT_ISOLATED,
	[SIM_CNT_COMPACT_DAEMON_WAKE] = FS_VM_COMPACT_DAEMON_WAKE,
	[SIM_CNT_COMPACT_DAEMON_MIGRATE_SCANNED] = FS_VM_COMPACT_DAEMON_MIGRATE_SCANNED,
	[SIM_CNT_COMPACT_DAEMON_FREE_SCANNED] = FS_VM_COMPACT_DAEMON_FREE_SCANNED,
	[SIM_CNT_PGMIGRATE_SUCCESS] = FS_VM_PGMIGRATE_SUCCESS,
	[SIM_CNT_PGMIGRATE_FAIL] = FS_VM_PGMIGRATE_FAIL,
};
static const char *const sim_cnt_names[] = {
	[SIM_CNT_ALLOC_SUCCESS - SIM_CNT_NR_VMSTAT] = "alloc_success",
	[SIM_CNT_ALLOC_FAIL - SIM_CNT_NR_VMSTAT] = "alloc_fail",
	[SIM_CNT_FREE - SIM_CNT_NR_VMSTAT] = "free",
	[SIM_CNT_FALLBACK - SIM_CNT_NR_VMSTAT] = "alloc_fallback",
	[SIM_CNT_CLAIM - SIM_CNT_NR_VMSTAT] = "pageblock_claimed",
	[SIM_CNT_COMPACT_RUNS - SIM_CNT_NR_VMSTAT] = "compact_runs",
};
_Static_assert(sizeof sim_cnt_vm / sizeof sim_cnt_vm[0] == SIM_CNT_NR_VMSTAT &&
	       sizeof sim_cnt_names / sizeof sim_cnt_names[0] == SIM_CNT_NR - SIM_CNT_NR_VMSTAT,
	       "counter name tables out of sync");

static const char *const sim_mt_names[SIM_NR_MT] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic",
};

/* The fallback table (§5.3). */
static const uint8_t sim_fallbacks[SIM_MT_PCPTYPES][2] = {
	[SIM_MT_UNMOVABLE] = { SIM_MT_RECLAIMABLE, SIM_MT_MOVABLE },
	[SIM_MT_MOVABLE] = { SIM_MT_RECLAIMABLE, SIM_MT_UNMOVABLE },
	[SIM_MT_RECLAIMABLE] = { SIM_MT_UNMOVABLE, SIM_MT_MOVABLE },
};

const char *sim_cnt_name(enum sim_cnt c)
{
	if ((unsigned)c < SIM_CNT_NR_VMSTAT)
		return fs_vm_name(sim_cnt_vm[c]);
	return (unsigned)c < SIM_CNT_NR ? sim_cnt_names[c - SIM_CNT_NR_VMSTAT] : "?";
}

const char *sim_mt_name(enum sim_mt mt)
{
	return (unsigned)mt < SIM_NR_MT ? sim_mt_names[mt] : "?";
}

int sim_mt_parse(const char *s, enum sim_mt *out)
{
	static const struct { const char *name, *abbr; enum sim_mt mt; } t[] = {
		{ "unmovable", "U", SIM_MT_UNMOVABLE },
		{ "movable", "M", SIM_MT_MOVABLE },
		{ "reclaimable", "R", SIM_MT_RECLAIMABLE },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcasecmp(s, t[i].name) == 0 || strcasecmp(s, t[i].abbr) == 0) {
			*out = t[i].mt;
			return 0;
		}
	return -EINVAL;
}

void sim_config_default(struct sim_config *c)
{
	memset(c, 0, sizeof *c);
	c->page_size = 4096;
	c->orders = 11;
	c->pageblock_order = 9;
	c->nzones = 1;
	strcpy(c->zones[0].name, "Normal");
	c->zones[0].pages = (UINT64_C(1) << 30) / 4096;
	c->watermark_scale_factor = 10;
	c->min_free_kbytes = -1;
	c->extfrag_threshold = FS_EXTFRAG_THRESHOLD_DEFAULT;
	c->proactiveness = FS_PROACTIVENESS_DEFAULT;
	c->compaction = SIM_COMPACT_DIRECT;
	c->kernel_version = SIM_KVER_NEWEST;
	c->compact_unevictable_allowed = true;
}

const char *sim_kind_name(enum sim_kind k)
{
	static const char *const n[SIM_NR_KIND] = {
		"normal", "file", "pinned", "unevictable", "hugetlb", "reserved",
	};
	return (unsigned)k < SIM_NR_KIND ? n[k] : "?";
}

/* ---- free lists (list primitives: sim_internal.h) ------------------------ */

/* expand(): put the upper halves at the head of list mt, keep the lowest part. */
SIM_HOT void sim_expand(struct sim_zone *z, uint32_t pfn, unsigned low, unsigned high,
			      unsigned mt)
{
	while (high > low) {
		high--;
		sim_list_add(z, pfn + ((uint32_t)1 << high), high, mt, false);
	}
}

SIM_HOT uint32_t sim_rmqueue_smallest_inl(struct sim_zone *z, unsigned orders, unsigned order,
					 unsigned mt)
{
	const struct sim_link *link = z->link;
	const uint32_t npages = z->npages;

	for (unsigned o = order; o < orders; o++) {
		uint32_t pfn = link[npages + o * SIM_NR_MT + mt].next;   /* sim_sentinel() */
		if (pfn >= npages)
			continue;   /* the sentinel itself: empty list */
		sim_list_del(z, pfn, o, mt);
		sim_expand(z, pfn, order, o, mt);
		return pfn;
	}
	return SIM_NIL;
}

uint32_t sim_rmqueue_smallest(struct sim_zone *z, unsigned orders, unsigned order, unsigned mt)
{
	return sim_rmqueue_smallest_inl(z, orders, order, mt);
}

/* ---- fallback and claiming (§5.3, §5.4) ---------------------------------- */

bool sim_can_claim(const struct sim_machine *m, unsigned current_order, unsigned start_mt)
{
	if (current_order >= m->pbo)
		return true;
	if (current_order >= m->pbo / 2 || start_mt == SIM_MT_RECLAIMABLE ||
	    start_mt == SIM_MT_UNMOVABLE)
		return true;
	return false;
}

static int sim_find_fallback(const struct sim_machine *m, const struct sim_zone *z,
			     unsigned order, unsigned mt, bool *can_claim)
{
	if (z->nr_free[order] == 0)
		return -1;
	for (unsigned i = 0; i < 2; i++) {
		unsigned f = sim_fallbacks[mt][i];
		if (sim_list_empty(z, order, f))
			continue;
		*can_claim = sim_can_claim(m, order, mt);
		return (int)f;
	}
	return -1;
}

static void sim_set_block_range(struct sim_machine *m, struct sim_zone *z, uint32_t pfn,
				unsigned order, unsigned mt)
{
	uint32_t first = pfn >> m->pbo;
	uint32_t n = order >= m->pbo ? (uint32_t)1 << (order - m->pbo) : 1;

	for (uint32_t b = first; b < first + n && b < z->nblocks; b++)
		z->pbtype[b] = (uint8_t)mt;
}

/* try to claim the pageblock holding pfn (prep_move_freepages_block + the
 * free + alike test); returns true when the block was moved to start_mt. */
static bool sim_try_claim_block(struct sim_machine *m, struct sim_zone *z, uint32_t pfn,
				unsigned block_mt, unsigned start_mt)
{
	uint32_t start = pfn & ~(m->pb_pages - 1), end = start + m->pb_pages;
	uint64_t nfree = 0, movable = 0, alike;

	if (end > z->npages)
		return false;   /* block not fully inside the zone */
	for (uint32_t p = start; p < end;) {
		uint8_t b = z->info[p];
		unsigned st = SIM_STATE(b);
		uint32_t n = (uint32_t)1 << SIM_ORDER(b);
		if (st == SIM_ST_FREE)
			nfree += n;
		else if (st == SIM_ST_ALLOC && SIM_MTOF(b) == SIM_MT_MOVABLE &&
			 sim_kind_of(z, p) < SIM_KIND_HUGETLB)
			movable += n;   /* PageLRU || __PageMovable */
		p += st == SIM_ST_NONE ? 1 : n;
	}
	if (start_mt == SIM_MT_MOVABLE)
		alike = movable;
	else if (block_mt == SIM_MT_MOVABLE)
		alike = m->pb_pages - nfree - movable;
	else
		alike = 0;
	if (nfree + alike < (uint64_t)1 << (m->pbo - 1))
		return false;
	/* __move_freepages_block: every free page to the tail of start_mt's lists */
	for (uint32_t p = start; p < end;) {
		uint8_t b = z->info[p];
		unsigned st = SIM_STATE(b), o = SIM_ORDER(b);
		if (st == SIM_ST_FREE) {
			sim_del_free(z, p);
			sim_list_add(z, p, o, start_mt, true);
		}
		p += st == SIM_ST_NONE ? 1 : (uint32_t)1 << o;
	}
	z->pbtype[start >> m->pbo] = (uint8_t)start_mt;
	m->cnt[SIM_CNT_CLAIM]++;
	return true;
}

/* 6.15+ (Debian 6.12.117 too): __rmqueue_claim then __rmqueue_steal
 * (v6.12.117 mm/page_alloc.c). The claim goes largest order first and,
 * when try_to_claim_block fails, on to smaller orders (it stops at the
 * first order whose fallback may not be claimed); the steal takes a
 * single block of the smallest order, leaves its pageblock's type, and
 * never runs under ALLOC_NOFRAGMENT. */
static uint32_t sim_rmqueue_claim_steal(struct sim_machine *m, struct sim_zone *z,
					unsigned order, unsigned start_mt, bool nofragment)
{
	unsigned min_order = order, co;
	bool can_claim = false;
	int fmt;

	if (nofragment && order < m->pbo)
		min_order = m->pbo;
	for (co = m->orders; co-- > min_order;) {
		uint32_t pfn;
		unsigned block_mt;
		fmt = sim_find_fallback(m, z, co, start_mt, &can_claim);
		if (fmt < 0)
			continue;
		if (!can_claim)
			break;
		pfn = sim_list_first(z, co, (unsigned)fmt);
		block_mt = sim_pbtype(m, z, pfn);
		if (co >= m->pbo) {
			m->cnt[SIM_CNT_FALLBACK]++;
			sim_del_free(z, pfn);
			sim_set_block_range(m, z, pfn, co, start_mt);
			sim_expand(z, pfn, order, co, start_mt);
			m->cnt[SIM_CNT_CLAIM] += (uint64_t)1 << (co - m->pbo);
			return pfn;
		}
		if (block_mt != SIM_MT_HIGHATOMIC &&
		    sim_try_claim_block(m, z, pfn, block_mt, start_mt)) {
			m->cnt[SIM_CNT_FALLBACK]++;
			return sim_rmqueue_smallest(z, m->orders, order, start_mt);
		}
	}
	if (nofragment)
		return SIM_NIL;
	for (co = order; co < m->orders; co++) {
		uint32_t pfn;
		fmt = sim_find_fallback(m, z, co, start_mt, &can_claim);
		if (fmt < 0)
			continue;
		pfn = sim_list_first(z, co, (unsigned)fmt);
		m->cnt[SIM_CNT_FALLBACK]++;
		sim_del_free(z, pfn);
		sim_expand(z, pfn, order, co, (unsigned)fmt);
		return pfn;
	}
	return SIM_NIL;
}

static uint32_t sim_rmqueue_fallback(struct sim_machine *m, struct sim_zone *z, unsigned order,
				     unsigned start_mt, bool nofragment)
{
	unsigned min_order = order, co;
	bool can_claim = false;
	int fmt = -1;

	if (m->cfg.kernel_version >= SIM_KVER(6, 15))
		return sim_rmqueue_claim_steal(m, z, order, start_mt, nofragment);
	if (nofragment && order < m->pbo)
		min_order = m->pbo;
	for (co = m->orders; co-- > min_order;) {
		fmt = sim_find_fallback(m, z, co, start_mt, &can_claim);
		if (fmt < 0)
			continue;
		if (!can_claim && start_mt == SIM_MT_MOVABLE && co > order)
			goto find_smallest;
		goto do_steal;
	}
	return SIM_NIL;

find_smallest:
	for (co = order; co < m->orders; co++) {
		fmt = sim_find_fallback(m, z, co, start_mt, &can_claim);
		if (fmt >= 0)
			break;
	}
	if (fmt < 0)
		return SIM_NIL;

do_steal: {
	uint32_t pfn = sim_list_first(z, co, (unsigned)fmt);
	unsigned block_mt = sim_pbtype(m, z, pfn);

	m->cnt[SIM_CNT_FALLBACK]++;
	if (block_mt == SIM_MT_HIGHATOMIC)
		goto single_page;
	if (co >= m->pbo) {
		sim_del_free(z, pfn);
		sim_set_block_range(m, z, pfn, co, start_mt);
		sim_expand(z, pfn, order, co, start_mt);
		m->cnt[SIM_CNT_CLAIM] += (uint64_t)1 << (co - m->pbo);
		return pfn;
	}
	if (can_claim && sim_try_claim_block(m, z, pfn, block_mt, start_mt))
		return sim_rmqueue_smallest(z, m->orders, order, start_mt);
single_page:
	sim_del_free(z, pfn);
	sim_expand(z, pfn, order, co, block_mt);
	return pfn;
	}
}

SIM_HOT uint32_t sim_rmqueue_inl(struct sim_machine *m, struct sim_zone *z, unsigned order,
				       unsigned mt, bool nofragment)
{
	uint32_t pfn = sim_rmqueue_smallest_inl(z, m->orders, order, mt);

	if (pfn == SIM_NIL && mt < SIM_MT_PCPTYPES)
		pfn = sim_rmqueue_fallback(m, z, order, mt, nofragment);
	return pfn;
}

uint32_t sim_rmqueue(struct sim_machine *m, struct sim_zone *z, unsigned order, unsigned mt,
		     bool nofragment)
{
	return sim_rmqueue_inl(m, z, order, mt, nofragment);
}

/* ---- freeing (§5.5) ----------------------------------------------------- */

static inline bool sim_mergeable(unsigned mt)
{
	return mt < SIM_MT_PCPTYPES;
}

SIM_HOT void sim_free_one_inl(struct sim_machine *m, struct sim_zone *z, uint32_t pfn,
			     unsigned order)
{
	/* locals: the info byte stores would otherwise make the compiler
	 * reload every field (a char store may alias anything) */
	const uint8_t *info = z->info;
	const uint32_t npages = z->npages;
	const unsigned pbo = m->pbo, max = m->orders - 1;
	unsigned mt = z->pbtype[pfn >> pbo];
	bool to_tail = false;

	while (order < max) {
		uint32_t buddy = pfn ^ ((uint32_t)1 << order);
		uint8_t b;
		unsigned bmt = mt;
		if (buddy >= npages)
			break;
		b = info[buddy];
		if ((b & SIM_STATE_ORDER_MASK) != SIM_INFO(order, 0, SIM_ST_FREE))
			break;   /* not a free head of this order */
		if (order >= pbo) {
			bmt = z->pbtype[buddy >> pbo];
			if (bmt != mt && (!sim_mergeable(mt) || !sim_mergeable(bmt)))
				break;
		}
		sim_list_del(z, buddy, order, SIM_MTOF(b));
		if (bmt != mt)
			sim_set_block_range(m, z, buddy, order, mt);
		pfn &= buddy;
		order++;
	}
	/* buddy_merge_likely */
	if (order + 1 < max) {
		uint32_t higher = pfn & ~((uint32_t)1 << order);
		uint32_t hb = higher ^ ((uint32_t)1 << (order + 1));
		if (hb < npages)
			to_tail = (info[hb] & SIM_STATE_ORDER_MASK) == SIM_INFO(order + 1, 0, SIM_ST_FREE);
	}
	sim_list_add(z, pfn, order, mt, to_tail);
}

void sim_free_one(struct sim_machine *m, struct sim_zone *z, uint32_t pfn, unsigned order)
{
	sim_free_one_inl(m, z, pfn, order);
}

/* ---- watermarks (§5.6, §5.7) --------------------------------------------- */

static uint64_t sim_int_sqrt(uint64_t x)
{
	uint64_t r = 0, bit = UINT64_C(1) << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

static bool sim_zone_is_highmem(const char *name)
{
	return strcmp(name, "HighMem") == 0 || strcmp(name, "Movable") == 0;
}

static unsigned sim_reserve_ratio(const char *name)
{
	if (strcmp(name, "DMA") == 0 || strcmp(name, "DMA32") == 0)
		return 256;
	if (strcmp(name, "Normal") == 0)
		return 32;
	return 0;
}

static unsigned sim_log2(uint64_t x)
{
	unsigned l = 0;
	while (x > 1) {
		x >>= 1;
		l++;
	}
	return l;
}

static void sim_setup_wmarks(struct sim_machine *m)
{
	uint64_t lowmem = 0, mfk, pages_min;
	unsigned shift = sim_log2(m->cfg.page_size);

	for (unsigned i = 0; i < m->nzones; i++)
		if (!sim_zone_is_highmem(m->zones[i].name))
			lowmem += m->zones[i].npages;
	if (m->cfg.min_free_kbytes >= 0) {
		mfk = (uint64_t)m->cfg.min_free_kbytes;
	} else {
		mfk = sim_int_sqrt(lowmem * (m->cfg.page_size >> 10) * 16);
		if (mfk < 128)
			mfk = 128;
		if (mfk > 262144)
			mfk = 262144;
	}
	m->min_free_kbytes = mfk;
	pages_min = shift >= 10 ? mfk >> (shift - 10) : mfk;
	for (unsigned i = 0; i < m->nzones; i++) {
		struct sim_zone *z = &m->zones[i];
		uint64_t managed = z->npages, tmp, gap, wsf = m->cfg.watermark_scale_factor;
		if (m->cfg.no_watermarks) {
			z->wmark[0] = z->wmark[1] = z->wmark[2] = 0;
			continue;
		}
		if (sim_zone_is_highmem(z->name)) {
			tmp = managed / 1024;
			if (tmp < 32)
				tmp = 32;
			if (tmp > 128)
				tmp = 128;
		} else {
			tmp = lowmem ? pages_min * managed / lowmem : 0;
		}
		z->wmark[0] = tmp;
		gap = (managed / 10000) * wsf + ((managed % 10000) * wsf) / 10000;
		if (tmp / 4 > gap)
			gap = tmp / 4;
		z->wmark[1] = tmp + gap;
		z->wmark[2] = tmp + 2 * gap;
	}
	/* lowmem_reserve */
	for (unsigned i = 0; i < m->nzones; i++) {
		unsigned ratio = sim_reserve_ratio(m->zones[i].name);
		uint64_t sum = 0;
		memset(m->zones[i].reserve, 0, sizeof m->zones[i].reserve);
		for (unsigned j = i + 1; j < m->nzones; j++) {
			sum += m->zones[j].npages;
			if (ratio && m->zones[i].npages && !m->cfg.no_watermarks)
				m->zones[i].reserve[j] = (int64_t)(sum / ratio);
		}
	}
}

static uint64_t sim_highatomic_free(const struct sim_machine *m, const struct sim_zone *z)
{
	uint64_t n = 0;
	for (unsigned o = 0; o < m->orders; o++)
		n += z->nr_mt[o][SIM_MT_HIGHATOMIC] << o;
	return n;
}

static inline bool sim_wmark_ok(const struct sim_machine *m, const struct sim_zone *z, unsigned order,
			 uint64_t mark, unsigned hz)
{
	int64_t free = (int64_t)z->free_pages;

	free -= ((int64_t)1 << order) - 1;
	if (z->nr_ha_blocks)
		free -= (int64_t)sim_highatomic_free(m, z);
	if (free <= (int64_t)mark + z->reserve[hz])
		return false;
	if (order == 0)
		return true;
	/* some block of order >= order on an Unmovable/Movable/Reclaimable list */
	for (unsigned o = order; o < m->orders; o++)
		if (z->nr_free[o] != z->nr_mt[o][SIM_MT_HIGHATOMIC])
			return true;
	return false;
}

bool sim_zone_watermark_ok(const struct sim_machine *m, unsigned z, unsigned order,
			   uint64_t mark, unsigned highest_zoneidx)
{
	return sim_wmark_ok(m, &m->zones[z], order, mark, highest_zoneidx);
}

/* ---- machine -------------------------------------------------------------- */

/* The per-page arrays: zeroed anonymous memory, marked for transparent huge
 * pages where the kernel offers them (a 2^24-page zone's links span 128 MiB
 * touched at random: 4 KiB pages would cost a TLB miss on nearly every
 * access, and setup one page fault per 4 KiB of links). */
static void *sim_pages_alloc(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	if (bytes >= ((size_t)2 << 20))
		(void)madvise(p, bytes, MADV_HUGEPAGE);   /* a hint; failure is harmless */
#endif
	return p;
}

static void sim_pages_free(void *p, size_t bytes)
{
	if (p)
		munmap(p, bytes);
}

static size_t sim_link_bytes(uint32_t npages)
{
	return ((size_t)npages + SIM_NLISTS) * sizeof(struct sim_link);
}

int sim_machine_new(const struct sim_config *c, struct sim_machine **out)
{
	struct sim_machine *m;
	uint64_t start = 0, maxblock;

	*out = NULL;
	if (c->orders < 2 || c->orders > FS_MAX_ORDERS || c->pageblock_order >= c->orders ||
	    c->pageblock_order < 1 || c->nzones < 1 || c->nzones > FS_MAX_ZONES ||
	    c->page_size < 1024 || (c->page_size & (c->page_size - 1)))
		return -EINVAL;
	maxblock = UINT64_C(1) << (c->orders - 1);
	for (unsigned i = 0; i < c->nzones; i++) {
		if (c->zones[i].pages == 0)
			return -EINVAL;
		if (c->zones[i].pages > (UINT64_C(1) << 31))
			return -ERANGE;
	}
	m = calloc(1, sizeof *m);
	if (!m)
		return -ENOMEM;
	m->cfg = *c;
	if (m->cfg.kernel_version == 0)
		m->cfg.kernel_version = SIM_KVER_NEWEST;
	m->orders = c->orders;
	m->pbo = c->pageblock_order;
	m->pb_pages = (uint32_t)1 << m->pbo;
	m->nzones = c->nzones;
	for (unsigned i = 0; i < c->nzones; i++) {
		struct sim_zone *z = &m->zones[i];
		uint32_t n = (uint32_t)c->zones[i].pages, pfn;
		snprintf(z->name, sizeof z->name, "%s", c->zones[i].name);
		z->npages = n;
		z->nblocks = (n + m->pb_pages - 1) >> m->pbo;
		start = (start + maxblock - 1) & ~(maxblock - 1);
		z->start_pfn = start;
		start += n;
		z->link = sim_pages_alloc(sim_link_bytes(n));
		z->info = sim_pages_alloc(n);
		z->pbtype = malloc(z->nblocks);
		if (!z->link || !z->info || !z->pbtype) {
			sim_machine_free(m);
			return -ENOMEM;
		}
		memset(z->pbtype, SIM_MT_MOVABLE, z->nblocks);
		for (uint32_t s = n; s < n + SIM_NLISTS; s++)
			z->link[s].next = z->link[s].prev = s;
		/* memblock_free_all: largest aligned blocks, to the tail */
		for (pfn = 0; pfn < n;) {
			unsigned o = m->orders - 1;
			while (o > 0 && ((pfn & (((uint32_t)1 << o) - 1)) ||
					 (uint64_t)pfn + ((uint64_t)1 << o) > n))
				o--;
			sim_list_add(z, pfn, o, SIM_MT_MOVABLE, true);
			pfn += (uint32_t)1 << o;
		}
		z->cached_migrate_pfn = 0;
		z->cached_free_pfn = (n - 1) & ~(m->pb_pages - 1);
		z->compact_order_failed = m->orders;
	}
	m->nofragment = m->nzones >= 2 && strcmp(m->zones[m->nzones - 1].name, "Normal") == 0 &&
			strcmp(m->zones[m->nzones - 2].name, "DMA32") == 0;
	sim_setup_wmarks(m);
	{
		int rc = sim_pcp_setup(m);
		if (rc) {
			sim_machine_free(m);
			return rc;
		}
	}
	*out = m;
	return 0;
}

void sim_machine_free(struct sim_machine *m)
{
	if (!m)
		return;
	for (unsigned i = 0; i < m->nzones; i++) {
		sim_pages_free(m->zones[i].link, sim_link_bytes(m->zones[i].npages));
		sim_pages_free(m->zones[i].info, m->zones[i].npages);
		free(m->zones[i].pbtype);
		if (m->zones[i].kind)
			sim_pages_free(m->zones[i].kind, m->zones[i].npages);
	}
	sim_pcp_release(m);
	free(m);
}

void sim_machine_set_moved(struct sim_machine *m, sim_moved_fn fn, void *ctx)
{
	m->moved = fn;
	m->moved_ctx = ctx;
}

void sim_machine_set_split(struct sim_machine *m, sim_split_fn fn, void *ctx)
{
	m->split = fn;
	m->split_ctx = ctx;
}

/* ---- allocation entry ------------------------------------------------------ */

static inline int sim_get_page_inl(struct sim_machine *m, unsigned order, unsigned mt,
				   unsigned which, bool nofragment, uint32_t tag, uint32_t *pfnp)
{
	unsigned hz = m->nzones - 1;

retry:
	for (unsigned i = m->nzones; i-- > 0;) {
		struct sim_zone *z = &m->zones[i];
		uint32_t pfn;
		if (!sim_wmark_ok(m, z, order, z->wmark[which], hz))
			continue;
		/* rmqueue: per-cpu lists first for order <= 3 */
		if (sim_pcp_allowed(m, order)) {
			pfn = sim_pcp_rmqueue(m, z, order, mt, nofragment);
			if (pfn == SIM_NIL)
				pfn = sim_rmqueue_inl(m, z, order, mt, nofragment);
		} else {
			pfn = sim_rmqueue_inl(m, z, order, mt, nofragment);
		}
		if (pfn == SIM_NIL)
			continue;
		sim_mark_alloc(z, pfn, order, mt, tag);
		*pfnp = pfn;
		return (int)i;
	}
	if (nofragment) {
		nofragment = false;
		goto retry;
	}
	return -1;
}

int sim_get_page(struct sim_machine *m, unsigned order, unsigned mt, unsigned which,
		 bool nofragment, uint32_t tag, uint32_t *pfnp)
{
	return sim_get_page_inl(m, order, mt, which, nofragment, tag, pfnp);
}

int sim_alloc(struct sim_machine *m, unsigned order, enum sim_mt mt, uint32_t tag,
	      struct sim_ref *out)
{
	uint32_t pfn = SIM_NIL;
	int zi;

	if (order >= m->orders || (unsigned)mt >= SIM_MT_PCPTYPES)
		return -EINVAL;
	if (!m->pcp_on) {
		/* Fastest path: the highest zone is above its low watermark and
		 * its own list mt has a block. Exactly what sim_get_page() does
		 * first (a block on list mt also passes the order test of the
		 * watermark check); anything else goes the long way, which then
		 * repeats these side-effect-free checks. */
		unsigned hz = m->nzones - 1;
		struct sim_zone *z = &m->zones[hz];
		int64_t free = (int64_t)z->free_pages - (((int64_t)1 << order) - 1);
		if (z->nr_ha_blocks)
			free -= (int64_t)sim_highatomic_free(m, z);
		if (free > (int64_t)z->wmark[1] + z->reserve[hz]) {
			pfn = sim_rmqueue_smallest_inl(z, m->orders, order, mt);
			if (pfn != SIM_NIL) {
				sim_mark_alloc(z, pfn, order, mt, tag);
				m->cnt[SIM_CNT_ALLOC_SUCCESS]++;
				out->zone = (uint8_t)hz;
				out->pfn = pfn;
				return 0;
			}
		}
	}
	/* fast path: low watermark, ALLOC_NOFRAGMENT when DMA32 sits below Normal */
	zi = sim_get_page(m, order, mt, 1, m->nofragment, tag, &pfn);
	/* slow path: min watermark */
	if (zi < 0)
		zi = sim_get_page(m, order, mt, 0, false, tag, &pfn);
	if (zi < 0 && order > 0 && m->cfg.compaction != SIM_COMPACT_NONE)
		zi = sim_compact_direct(m, order, mt, tag, &pfn);
	if (zi < 0) {
		m->cnt[SIM_CNT_ALLOC_FAIL]++;
		return -ENOMEM;
	}
	m->cnt[SIM_CNT_ALLOC_SUCCESS]++;
	out->zone = (uint8_t)zi;
	out->pfn = pfn;
	return 0;
}

int sim_free(struct sim_machine *m, struct sim_ref ref)
{
	struct sim_zone *z;
	uint8_t *info, b;

	if (ref.zone >= m->nzones)
		return -EINVAL;
	z = &m->zones[ref.zone];
	info = z->info;
	if (ref.pfn >= z->npages)
		return -EINVAL;
	b = info[ref.pfn];
	if (SIM_STATE(b) != SIM_ST_ALLOC)
		return -EINVAL;
	if (z->kind) {
		/* seeded states only (sim_seed_alloc) */
		if (z->kind[ref.pfn] == SIM_KIND_RESERVED)
			return -EPERM;
		z->kind[ref.pfn] = SIM_KIND_NORMAL;
	}
	m->cnt[SIM_CNT_FREE]++;
	info[ref.pfn] = 0;
	if (sim_pcp_allowed(m, SIM_ORDER(b)))
		sim_pcp_free(m, z, ref.pfn, SIM_ORDER(b));
	else
		sim_free_one_inl(m, z, ref.pfn, SIM_ORDER(b));
	return 0;
}

/* ---- invariant check ------------------------------------------------------ */

#define SIM_FAIL(...) do { snprintf(msg, size, __VA_ARGS__); return -EUCLEAN; } while (0)

static int sim_check_zone(const struct sim_machine *m, unsigned zi, char *msg, size_t size)
{
	const struct sim_zone *z = &m->zones[zi];
	uint64_t cnt[FS_MAX_ORDERS][SIM_NR_MT], free_pages = 0;
	unsigned max = m->orders - 1;

	memset(cnt, 0, sizeof cnt);
	for (uint32_t p = 0; p < z->npages;) {
		uint8_t b = z->info[p];
		unsigned st = SIM_STATE(b), o = SIM_ORDER(b), mt = SIM_MTOF(b);
		uint32_t n = (uint32_t)1 << o;
		if (st == SIM_ST_NONE)
			SIM_FAIL("zone %s: pfn %u belongs to no block", z->name, p);
		if (st == SIM_ST_PCP && !z->pcp)
			SIM_FAIL("zone %s: pfn %u on a per-cpu list without per-cpu lists",
				 z->name, p);
		if (st == SIM_ST_ALLOC && z->kind && z->kind[p] >= SIM_NR_KIND)
			SIM_FAIL("zone %s: allocation %u has a bad kind", z->name, p);
		if (o > max || (p & (n - 1)) || (uint64_t)p + n > z->npages)
			SIM_FAIL("zone %s: block at pfn %u order %u misplaced", z->name, p, o);
		for (uint32_t q = p + 1; q < p + n; q++)
			if (z->info[q] != 0)
				SIM_FAIL("zone %s: pfn %u inside block %u/%u is also a head",
					 z->name, q, p, o);
		if (st == SIM_ST_FREE) {
			uint32_t buddy = p ^ n;
			cnt[o][mt]++;
			free_pages += n;
			for (uint32_t blk = p >> m->pbo; blk <= (p + n - 1) >> m->pbo; blk++)
				if (z->pbtype[blk] != mt)
					SIM_FAIL("zone %s: free block %u/%u on list %s but pageblock %u is %s",
						 z->name, p, o, sim_mt_name(mt), blk,
						 sim_mt_name(z->pbtype[blk]));
			if (o < max && buddy < z->npages && SIM_STATE(z->info[buddy]) == SIM_ST_FREE &&
			    SIM_ORDER(z->info[buddy]) == o) {
				unsigned bmt = SIM_MTOF(z->info[buddy]);
				if (o < m->pbo || bmt == mt ||
				    (sim_mergeable(mt) && sim_mergeable(bmt)))
					SIM_FAIL("zone %s: free buddies %u and %u of order %u not merged",
						 z->name, p, buddy, o);
			}
		}
		p += n;
	}
	if (free_pages != z->free_pages)
		SIM_FAIL("zone %s: free pages %llu, counter says %llu", z->name,
			 (unsigned long long)free_pages, (unsigned long long)z->free_pages);
	for (unsigned o = 0; o < m->orders; o++) {
		uint64_t tot = 0;
		for (unsigned mt = 0; mt < SIM_NR_MT; mt++) {
			uint64_t len = 0;
			uint32_t prev = SIM_NIL;
			if (cnt[o][mt] != z->nr_mt[o][mt])
				SIM_FAIL("zone %s: order %u %s: %llu free blocks, counter %llu",
					 z->name, o, sim_mt_name(mt), (unsigned long long)cnt[o][mt],
					 (unsigned long long)z->nr_mt[o][mt]);
			uint32_t s = sim_sentinel(z, o, mt);
			prev = s;
			for (uint32_t p = z->link[s].next; p != s; p = z->link[p].next) {
				uint8_t b;
				if (p >= z->npages || ++len > cnt[o][mt])
					SIM_FAIL("zone %s: order %u %s list corrupt", z->name, o,
						 sim_mt_name(mt));
				b = z->info[p];
				if (SIM_STATE(b) != SIM_ST_FREE || SIM_ORDER(b) != o || SIM_MTOF(b) != mt)
					SIM_FAIL("zone %s: pfn %u on list %u/%s is not such a free block",
						 z->name, p, o, sim_mt_name(mt));
				if (z->link[p].prev != prev)
					SIM_FAIL("zone %s: pfn %u has a bad prev link", z->name, p);
				prev = p;
			}
			if (len != cnt[o][mt] || z->link[s].prev != prev)
				SIM_FAIL("zone %s: order %u %s list length %llu or tail wrong", z->name,
					 o, sim_mt_name(mt), (unsigned long long)len);
			tot += len;
		}
		if (tot != z->nr_free[o])
			SIM_FAIL("zone %s: order %u nr_free %llu, lists hold %llu", z->name, o,
				 (unsigned long long)z->nr_free[o], (unsigned long long)tot);
	}
	if (z->kind)
		for (uint32_t p = 0; p < z->npages; p++)
			if (z->kind[p] && SIM_STATE(z->info[p]) != SIM_ST_ALLOC)
				SIM_FAIL("zone %s: pfn %u has kind %s but is no allocation head",
					 z->name, p, sim_kind_name(z->kind[p]));
	return sim_pcp_check(m, z, msg, size);
}

int sim_check(const struct sim_machine *m, char *msg, size_t size)
{
	for (unsigned i = 0; i < m->nzones; i++) {
		int rc = sim_check_zone(m, i, msg, size);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- accessors -------------------------------------------------------------- */

uint64_t sim_counter(const struct sim_machine *m, enum sim_cnt c)
{
	return (unsigned)c < SIM_CNT_NR ? m->cnt[c] : 0;
}

unsigned sim_machine_nzones(const struct sim_machine *m) { return m->nzones; }
unsigned sim_machine_orders(const struct sim_machine *m) { return m->orders; }
unsigned sim_machine_pageblock_order(const struct sim_machine *m) { return m->pbo; }
uint64_t sim_machine_page_size(const struct sim_machine *m) { return m->cfg.page_size; }
enum sim_compact_mode sim_machine_compaction(const struct sim_machine *m)
{
	return m->cfg.compaction;
}

uint64_t sim_machine_pages(const struct sim_machine *m)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < m->nzones; i++)
		n += m->zones[i].npages;
	return n;
}

uint64_t sim_machine_seq_pass(const struct sim_machine *m)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < m->nzones; i++) {
		const struct sim_zone *z = &m->zones[i];
		for (uint32_t p = 0; p < z->npages; p++)
			sum += z->info[p] + (uint64_t)z->link[p].next + z->link[p].prev;
	}
	return sum;
}

uint64_t sim_machine_metadata_bytes(const struct sim_machine *m)
{
	uint64_t n = sizeof *m;
	for (unsigned i = 0; i < m->nzones; i++)
		n += ((uint64_t)m->zones[i].npages + SIM_NLISTS) * sizeof(struct sim_link) +
		     m->zones[i].npages + m->zones[i].nblocks;
	return n;
}

const char *sim_zone_name(const struct sim_machine *m, unsigned z) { return m->zones[z].name; }
uint64_t sim_zone_pages(const struct sim_machine *m, unsigned z) { return m->zones[z].npages; }
uint64_t sim_zone_free_pages(const struct sim_machine *m, unsigned z)
{
	return m->zones[z].free_pages;
}
uint64_t sim_zone_nr_free(const struct sim_machine *m, unsigned z, unsigned order)
{
	return order < FS_MAX_ORDERS ? m->zones[z].nr_free[order] : 0;
}
uint64_t sim_zone_nr_free_mt(const struct sim_machine *m, unsigned z, unsigned order,
			     enum sim_mt mt)
{
	return order < FS_MAX_ORDERS && (unsigned)mt < SIM_NR_MT ? m->zones[z].nr_mt[order][mt] : 0;
}
uint64_t sim_zone_blocks(const struct sim_machine *m, unsigned z, enum sim_mt mt)
{
	uint64_t n = 0;
	for (uint32_t b = 0; b < m->zones[z].nblocks; b++)
		n += m->zones[z].pbtype[b] == (uint8_t)mt;
	return n;
}
uint64_t sim_zone_wmark(const struct sim_machine *m, unsigned z, unsigned which)
{
	return which < 3 ? m->zones[z].wmark[which] : 0;
}
int64_t sim_zone_reserve(const struct sim_machine *m, unsigned z, unsigned j)
{
	return j < FS_MAX_ZONES ? m->zones[z].reserve[j] : 0;
}
uint64_t sim_zone_start_pfn(const struct sim_machine *m, unsigned z)
{
	return m->zones[z].start_pfn;
}

/* ---- import support ----------------------------------------------------------- */

int sim_seed_begin(struct sim_machine *m, unsigned zi)
{
	struct sim_zone *z;

	if (zi >= m->nzones)
		return -EINVAL;
	z = &m->zones[zi];
	for (unsigned o = 0; o < FS_MAX_ORDERS; o++) {
		z->nr_free[o] = 0;
		for (unsigned t = 0; t < SIM_NR_MT; t++) {
			uint32_t s = sim_sentinel(z, o, t);
			z->link[s].next = z->link[s].prev = s;
			z->nr_mt[o][t] = 0;
		}
	}
	z->free_pages = 0;
	if (z->kind)
		memset(z->kind, 0, z->npages);
	if (z->pcp) {
		for (unsigned c = 0; c < m->cfg.pcp_cpus; c++) {
			struct sim_pcp *pc = &z->pcp[c];
			for (unsigned i = 0; i < SIM_PCP_LISTS; i++)
				pc->head[i] = pc->tail[i] = SIM_NIL;
			pc->count = 0;
		}
		z->pcp_pages = 0;
	}
	for (uint32_t p = 0; p < z->npages; p++) {
		unsigned mt = sim_pbtype(m, z, p);
		sim_mark_alloc(z, p, 0, mt == SIM_MT_HIGHATOMIC ? SIM_MT_UNMOVABLE : mt, UINT32_MAX);
	}
	return 0;
}

int sim_seed_block_type(struct sim_machine *m, unsigned zi, uint32_t block, enum sim_mt mt)
{
	if (zi >= m->nzones || block >= m->zones[zi].nblocks || (unsigned)mt >= SIM_NR_MT)
		return -EINVAL;
	if (m->zones[zi].pbtype[block] == SIM_MT_HIGHATOMIC)
		m->zones[zi].nr_ha_blocks--;
	if (mt == SIM_MT_HIGHATOMIC)
		m->zones[zi].nr_ha_blocks++;
	m->zones[zi].pbtype[block] = (uint8_t)mt;
	return 0;
}

int sim_seed_free(struct sim_machine *m, unsigned zi, uint32_t pfn, unsigned order)
{
	struct sim_zone *z;
	uint32_t n = (uint32_t)1 << order;

	if (zi >= m->nzones || order >= m->orders)
		return -EINVAL;
	z = &m->zones[zi];
	if ((pfn & (n - 1)) || (uint64_t)pfn + n > z->npages)
		return -EINVAL;
	for (uint32_t p = pfn; p < pfn + n; p++)
		if (SIM_STATE(z->info[p]) != SIM_ST_ALLOC || SIM_ORDER(z->info[p]) != 0)
			return -EINVAL;
	for (uint32_t p = pfn; p < pfn + n; p++)
		z->info[p] = 0;
	sim_list_add(z, pfn, order, sim_pbtype(m, z, pfn), true);
	return 0;
}

int sim_seed_alloc(struct sim_machine *m, unsigned zi, uint32_t pfn, unsigned order,
		   enum sim_mt mt, enum sim_kind kind)
{
	struct sim_zone *z;
	uint32_t n = (uint32_t)1 << order;

	if (zi >= m->nzones || order >= m->orders || (unsigned)mt >= SIM_NR_MT ||
	    (unsigned)kind >= SIM_NR_KIND)
		return -EINVAL;
	z = &m->zones[zi];
	if ((pfn & (n - 1)) || (uint64_t)pfn + n > z->npages)
		return -EINVAL;
	for (uint32_t p = pfn; p < pfn + n; p++)
		if (SIM_STATE(z->info[p]) != SIM_ST_ALLOC || SIM_ORDER(z->info[p]) != 0 ||
		    sim_kind_of(z, p) != SIM_KIND_NORMAL)
			return -EINVAL;
	if (kind != SIM_KIND_NORMAL && !z->kind) {
		z->kind = sim_pages_alloc(z->npages);
		if (!z->kind)
			return -ENOMEM;
	}
	for (uint32_t p = pfn; p < pfn + n; p++)
		z->info[p] = 0;
	sim_mark_alloc(z, pfn, order, mt, UINT32_MAX);
	if (z->kind)
		z->kind[pfn] = (uint8_t)kind;
	return 0;
}

int sim_alloc_kind(const struct sim_machine *m, struct sim_ref ref, enum sim_kind *out)
{
	const struct sim_zone *z;

	if (ref.zone >= m->nzones || ref.pfn >= m->zones[ref.zone].npages)
		return -EINVAL;
	z = &m->zones[ref.zone];
	if (SIM_STATE(z->info[ref.pfn]) != SIM_ST_ALLOC)
		return -EINVAL;
	*out = (enum sim_kind)sim_kind_of(z, ref.pfn);
	return 0;
}

int sim_foreach_alloc(struct sim_machine *m,
		      int (*fn)(void *ctx, unsigned zone, uint32_t pfn, unsigned order,
				enum sim_mt mt, uint32_t tag),
		      void *ctx)
{
	for (unsigned zi = 0; zi < m->nzones; zi++) {
		struct sim_zone *z = &m->zones[zi];
		for (uint32_t p = 0; p < z->npages;) {
			uint8_t b = z->info[p];
			if (SIM_STATE(b) == SIM_ST_ALLOC) {
				int rc = fn(ctx, zi, p, SIM_ORDER(b), (enum sim_mt)SIM_MTOF(b),
					    z->link[p].next);
				if (rc)
					return rc;
			}
			p += SIM_STATE(b) == SIM_ST_NONE ? 1 : (uint32_t)1 << SIM_ORDER(b);
		}
	}
	return 0;
}

int sim_set_tag(struct sim_machine *m, struct sim_ref ref, uint32_t tag)
{
	if (ref.zone >= m->nzones || ref.pfn >= m->zones[ref.zone].npages ||
	    SIM_STATE(m->zones[ref.zone].info[ref.pfn]) != SIM_ST_ALLOC)
		return -EINVAL;
	m->zones[ref.zone].link[ref.pfn].next = tag;
	return 0;
}

void sim_zone_set_wmarks(struct sim_machine *m, unsigned zi, uint64_t min, uint64_t low,
			 uint64_t high, const int64_t *reserve, unsigned nreserve)
{
	struct sim_zone *z = &m->zones[zi];

	z->wmark[0] = min;
	z->wmark[1] = low;
	z->wmark[2] = high;
	if (reserve)
		for (unsigned j = 0; j < nreserve && j < m->nzones; j++)
			z->reserve[j] = reserve[j];
}
