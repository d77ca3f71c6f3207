#include "config.h"

#include "sim_layout.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

/* Per pageblock, what the choice of its type looks at. */
struct sim_layout_blk {
	uint32_t unmov;   /* slab, page tables, other kernel pages */
	uint32_t mov;     /* movable pages (incl. unevictable when they may move) */
	uint32_t slab;
};

enum { RUN_NONE, RUN_FREE, RUN_FOLIO, RUN_RESV };

struct sim_layout {
	struct sim_machine *m;
	const struct fs_pagemap *pm;
	unsigned orders, pbo;
	bool active;
	unsigned zi;
	uint64_t base;                /* absolute pfn of sim pfn 0 */
	uint64_t start, end;          /* absolute zone span */
	uint64_t pfn;                 /* next absolute pfn expected */
	size_t ram_idx;
	int head_class;
	int run;                      /* RUN_* */
	uint64_t run_start, run_len;  /* absolute */
	enum sim_kind run_kind;
	enum sim_mt run_mt;
	enum fs_pclass run_class;
	struct sim_layout_blk *blk;
	uint32_t nblk;
	uint32_t (*big)[2];           /* free blocks over several pageblocks: first, count */
	size_t nbig, capbig;
	struct sim_layout_stats st;
};

struct sim_layout *sim_layout_new(struct sim_machine *m, const struct fs_pagemap *pm)
{
	struct sim_layout *L = calloc(1, sizeof *L);

	if (!L)
		return NULL;
	L->m = m;
	L->pm = pm;
	L->orders = sim_machine_orders(m);
	L->pbo = sim_machine_pageblock_order(m);
	return L;
}

void sim_layout_free(struct sim_layout *L)
{
	if (!L)
		return;
	free(L->blk);
	free(L->big);
	free(L);
}

static int sim_layout_flush(struct sim_layout *L);

uint64_t sim_layout_zone_pages(unsigned orders, uint64_t start_pfn, uint64_t spanned)
{
	return (start_pfn & ((UINT64_C(1) << (orders - 1)) - 1)) + spanned;
}

int sim_layout_zone_begin(struct sim_layout *L, unsigned zi, uint64_t start_pfn,
			  uint64_t spanned)
{
	uint64_t maxblock = UINT64_C(1) << (L->orders - 1), npages;
	int rc;

	if (zi >= sim_machine_nzones(L->m) || spanned == 0 || start_pfn > UINT64_MAX - spanned)
		return -EINVAL;
	npages = sim_layout_zone_pages(L->orders, start_pfn, spanned);
	if (npages != sim_zone_pages(L->m, zi))
		return -EINVAL;
	L->base = start_pfn & ~(maxblock - 1);
	L->zi = zi;
	L->start = L->pfn = start_pfn;
	L->end = start_pfn + spanned;
	L->ram_idx = 0;
	L->head_class = -1;
	L->run = RUN_NONE;
	L->nbig = 0;
	memset(&L->st, 0, sizeof L->st);
	L->nblk = (uint32_t)((npages + (UINT64_C(1) << L->pbo) - 1) >> L->pbo);
	free(L->blk);
	L->blk = calloc(L->nblk ? L->nblk : 1, sizeof *L->blk);
	if (!L->blk)
		return -ENOMEM;
	/* memmap_init_zone: every pageblock starts Movable; every page an
	 * order-0 allocation until placed */
	for (uint32_t b = 0; b < L->nblk; b++)
		if ((rc = sim_seed_block_type(L->m, zi, b, SIM_MT_MOVABLE)))
			return rc;
	if ((rc = sim_seed_begin(L->m, zi)))
		return rc;
	L->active = true;
	if (start_pfn > L->base) {   /* below the zone's first pfn: no page of it */
		L->run = RUN_RESV;
		L->run_start = L->base;
		L->run_len = start_pfn - L->base;
		L->run_kind = SIM_KIND_RESERVED;
		L->run_mt = SIM_MT_UNMOVABLE;
		if ((rc = sim_layout_flush(L)))
			return rc;
	}
	return 0;
}

/* The largest order o < orders with pfn aligned to 2^o and pfn + 2^o <= end
 * (kernel-facts-pages C.6; sim pfns are aligned like absolute ones). */
static unsigned sim_layout_fit(const struct sim_layout *L, uint64_t pfn, uint64_t end)
{
	unsigned o = L->orders - 1;

	while (o > 0 && ((pfn & ((UINT64_C(1) << o) - 1)) || pfn + (UINT64_C(1) << o) > end))
		o--;
	return o;
}

static int sim_layout_big(struct sim_layout *L, uint32_t pfn, unsigned o)
{
	if (o <= L->pbo)
		return 0;
	if (L->nbig == L->capbig) {
		size_t cap = L->capbig ? L->capbig * 2 : 16;
		void *q = realloc(L->big, cap * sizeof *L->big);
		if (!q)
			return -ENOMEM;
		L->big = q;
		L->capbig = cap;
	}
	L->big[L->nbig][0] = pfn >> L->pbo;
	L->big[L->nbig][1] = (uint32_t)1 << (o - L->pbo);
	L->nbig++;
	return 0;
}

/* Place the pending run: free pages, a compound page, or reserved pages. */
static int sim_layout_flush(struct sim_layout *L)
{
	uint64_t p = L->run_start - L->base, end = p + L->run_len;
	int run = L->run, rc = 0;

	L->run = RUN_NONE;
	if (run == RUN_FREE) {
		while (p < end) {
			unsigned o = sim_layout_fit(L, p, end);
			if ((rc = sim_seed_free(L->m, L->zi, (uint32_t)p, o)) ||
			    (rc = sim_layout_big(L, (uint32_t)p, o)))
				return rc;
			L->st.free_blocks++;
			p += UINT64_C(1) << o;
		}
		return 0;
	}
	if (run == RUN_NONE)
		return 0;
	if (run == RUN_FOLIO) {
		/* A folio is a naturally aligned power of two (folio_order);
		 * anything else is a capture racing a split or a free. */
		uint64_t n = L->run_len;
		if ((n & (n - 1)) || (p & (n - 1)))
			L->st.irregular++;
	}
	while (p < end) {
		unsigned o = sim_layout_fit(L, p, end);
		if ((rc = sim_seed_alloc(L->m, L->zi, (uint32_t)p, o, L->run_mt, L->run_kind)))
			return rc;
		if (run == RUN_FOLIO && L->run_kind == SIM_KIND_HUGETLB)
			L->st.hugetlb_blocks++;
		else if (run == RUN_FOLIO && L->run_mt == SIM_MT_MOVABLE && o > 0)
			L->st.large_folios++;
		p += UINT64_C(1) << o;
	}
	return 0;
}

static bool sim_layout_in_ram(struct sim_layout *L, uint64_t pfn)
{
	const struct fs_pagemap *pm = L->pm;

	if (!pm->nram)
		return true;
	while (L->ram_idx < pm->nram && pm->ram[L->ram_idx].end <= pfn)
		L->ram_idx++;
	return L->ram_idx < pm->nram && pm->ram[L->ram_idx].start <= pfn;
}

#define SIM_KPF_DIRTY 4
#define SIM_KPF_WRITEBACK 8

/* How a page of class c (flags f) is seeded: its kind and migratetype. */
static enum sim_kind sim_layout_kind(enum fs_pclass c, uint64_t f, enum sim_mt *mt)
{
	*mt = SIM_MT_MOVABLE;
	switch (c) {
	case FS_PC_MOVABLE:
		/* LRU pages without PageAnon are page cache (fs/proc/page.c:
		 * KPF_ANON from folio_test_anon); movable_ops pages (balloon,
		 * zsmalloc) migrate like anonymous ones */
		if (!((f >> FS_KPF_LRU) & 1) || (f >> FS_KPF_ANON) & 1)
			return SIM_KIND_NORMAL;
		/* page cache: clean folios can be split when they find no
		 * migration target (split_huge_page_to_list_to_order needs
		 * filemap_release_folio(), which fails under writeback and,
		 * through try_to_free_buffers/buffer_busy, with dirty buffers;
		 * v6.12 mm/filemap.c, fs/buffer.c): they are kind normal; dirty
		 * or writeback ones are kind file, unsplittable (KPF_DIRTY 4,
		 * KPF_WRITEBACK 8, include/uapi/linux/kernel-page-flags.h) */
		if ((f >> SIM_KPF_DIRTY) & 1 || (f >> SIM_KPF_WRITEBACK) & 1)
			return SIM_KIND_FILE;
		return SIM_KIND_NORMAL;
	case FS_PC_UNEVICTABLE:
		/* isolate_migratepages_block skips them unless
		 * vm.compact_unevictable_allowed (v6.18 mm/compaction.c) */
		return SIM_KIND_UNEVICTABLE;
	case FS_PC_HUGETLB:
		return SIM_KIND_HUGETLB;
	case FS_PC_SLAB:
	case FS_PC_PAGETABLE:
	case FS_PC_OTHER:
		*mt = SIM_MT_UNMOVABLE;
		return SIM_KIND_NORMAL;
	default:   /* unused, reserved, hole (free is handled apart) */
		*mt = SIM_MT_UNMOVABLE;
		return SIM_KIND_RESERVED;
	}
}

int sim_layout_feed(struct sim_layout *L, const uint64_t *flags, const uint64_t *counts,
		    size_t n)
{
	int rc;

	if (!L->active)
		return -EINVAL;
	for (size_t i = 0; i < n && L->pfn < L->end; i++, L->pfn++) {
		const uint64_t f = flags[i];
		const bool head = (f >> FS_KPF_HEAD) & 1, tail = (f >> FS_KPF_TAIL) & 1;
		bool ram = sim_layout_in_ram(L, L->pfn);
		enum fs_pclass c = fs_pm_classify(L->pm, f, counts[i], ram, &L->head_class);
		struct sim_layout_blk *b = &L->blk[(L->pfn - L->base) >> L->pbo];
		enum sim_kind k;
		enum sim_mt mt;

		L->st.pages[c]++;
		if (c == FS_PC_FREE) {
			if (L->run == RUN_FREE) {
				L->run_len++;
				continue;
			}
			if ((rc = sim_layout_flush(L)))
				return rc;
			L->run = RUN_FREE;
			L->run_start = L->pfn;
			L->run_len = 1;
			continue;
		}
		k = sim_layout_kind(c, f, &mt);
		if (c == FS_PC_MOVABLE || c == FS_PC_UNEVICTABLE)
			b->mov++;
		else if (mt == SIM_MT_UNMOVABLE && k == SIM_KIND_NORMAL)
			b->unmov++;
		if (c == FS_PC_SLAB)
			b->slab++;
		/* a tail continues the compound page of the head before it */
		if (tail && !head && L->run == RUN_FOLIO && L->run_class == c) {
			L->run_len++;
			continue;
		}
		if (!head && !tail && k == SIM_KIND_RESERVED && L->run == RUN_RESV) {
			L->run_len++;
			continue;
		}
		if ((rc = sim_layout_flush(L)))
			return rc;
		/* a head, or a tail without its head, starts a compound run;
		 * reserved pages gather into runs placed as aligned blocks */
		L->run = head || tail ? RUN_FOLIO : k == SIM_KIND_RESERVED ? RUN_RESV : RUN_NONE;
		L->run_start = L->pfn;
		L->run_len = 1;
		L->run_kind = k;
		L->run_mt = mt;
		L->run_class = c;
		if (L->run == RUN_NONE &&
		    (rc = sim_seed_alloc(L->m, L->zi, (uint32_t)(L->pfn - L->base), 0, mt, k)))
			return rc;
	}
	return 0;
}

/* Ranking for the non-Movable types: more unmovable than movable pages
 * first, then more unmovable pages, then the lower pfn; among the chosen,
 * the most slab first (Reclaimable). */
struct sim_layout_key {
	int64_t k;
	uint32_t unmov, slab, idx;
};

static int sim_layout_cmp(const void *a, const void *b)
{
	const struct sim_layout_key *x = a, *y = b;

	if (x->k != y->k)
		return x->k > y->k ? -1 : 1;
	if (x->unmov != y->unmov)
		return x->unmov > y->unmov ? -1 : 1;
	return x->idx < y->idx ? -1 : 1;
}

static int sim_layout_cmp_slab(const void *a, const void *b)
{
	const struct sim_layout_key *x = a, *y = b;

	if (x->slab != y->slab)
		return x->slab > y->slab ? -1 : 1;
	return x->idx < y->idx ? -1 : 1;
}

/* Every free block onto the list of its pageblock's type, in pfn order
 * (the types were chosen after the blocks were placed). */
static void sim_layout_relist(struct sim_machine *m, unsigned zi)
{
	struct sim_zone *z = &m->zones[zi];

	for (uint32_t p = 0; p < z->npages;) {
		uint8_t b = z->info[p];
		unsigned st = SIM_STATE(b), o = SIM_ORDER(b);
		if (st == SIM_ST_FREE) {
			sim_list_del(z, p, o, SIM_MTOF(b));
			sim_list_add(z, p, o, sim_pbtype(m, z, p), true);
		}
		p += st == SIM_ST_NONE ? 1 : (uint32_t)1 << o;
	}
}

int sim_layout_zone_end(struct sim_layout *L, const uint64_t *want, struct sim_layout_stats *st)
{
	uint8_t *type = NULL;
	struct sim_layout_key *idx = NULL;
	int rc;

	if (!L->active)
		return -EINVAL;
	if ((rc = sim_layout_flush(L)))
		return rc;
	/* past the end of the files: holes */
	if (L->pfn < L->end) {
		L->st.pages[FS_PC_HOLE] += L->end - L->pfn;
		L->run = RUN_RESV;
		L->run_start = L->pfn;
		L->run_len = L->end - L->pfn;
		L->run_kind = SIM_KIND_RESERVED;
		L->run_mt = SIM_MT_UNMOVABLE;
		L->pfn = L->end;
		if ((rc = sim_layout_flush(L)))
			return rc;
	}
	L->active = false;
	type = malloc(L->nblk);
	idx = malloc((size_t)L->nblk * sizeof *idx);
	if (!type || !idx) {
		rc = -ENOMEM;
		goto out;
	}
	memset(type, SIM_MT_MOVABLE, L->nblk);
	if (want) {
		uint64_t u = want[SIM_MT_UNMOVABLE], r = want[SIM_MT_RECLAIMABLE],
			 h = want[SIM_MT_HIGHATOMIC], k;
		uint32_t nsel;
		L->st.types_from_counts = true;
		for (uint32_t i = 0; i < L->nblk; i++) {
			idx[i].k = (int64_t)L->blk[i].unmov - L->blk[i].mov;
			idx[i].unmov = L->blk[i].unmov;
			idx[i].slab = L->blk[i].slab;
			idx[i].idx = i;
		}
		qsort(idx, L->nblk, sizeof *idx, sim_layout_cmp);
		k = u + r + h;
		nsel = k < L->nblk ? (uint32_t)k : L->nblk;
		/* of the selected blocks, the most slab ones are Reclaimable */
		qsort(idx, nsel, sizeof *idx, sim_layout_cmp_slab);
		for (uint32_t i = 0; i < nsel; i++)
			type[idx[i].idx] = i < r ? SIM_MT_RECLAIMABLE
				       : i < r + u ? SIM_MT_UNMOVABLE : SIM_MT_HIGHATOMIC;
	} else {
		for (uint32_t i = 0; i < L->nblk; i++)
			if (L->blk[i].unmov > L->blk[i].mov)
				type[i] = SIM_MT_UNMOVABLE;
	}
	/* a free block over several pageblocks has one type (its list's) */
	for (size_t i = 0; i < L->nbig; i++)
		for (uint32_t b = 1; b < L->big[i][1]; b++)
			type[L->big[i][0] + b] = type[L->big[i][0]];
	for (uint32_t b = 0; b < L->nblk; b++) {
		if ((rc = sim_seed_block_type(L->m, L->zi, b, (enum sim_mt)type[b])))
			goto out;
		L->st.blocks[type[b]]++;
	}
	sim_layout_relist(L->m, L->zi);
	if (st)
		*st = L->st;
	rc = 0;
out:
	free(type);
	free(idx);
	return rc;
}
