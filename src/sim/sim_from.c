#include "config.h"

#include "sim_from.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "rd_kpage.h"
#include "rng.h"
#include "sim_internal.h"
#include "sim_layout.h"

/* Map a pagetypeinfo column name onto a simulated type. */
static enum sim_mt sim_from_mt(const char *name)
{
	if (strcmp(name, "Unmovable") == 0)
		return SIM_MT_UNMOVABLE;
	if (strcmp(name, "Reclaimable") == 0)
		return SIM_MT_RECLAIMABLE;
	if (strcmp(name, "HighAtomic") == 0)
		return SIM_MT_HIGHATOMIC;
	return SIM_MT_MOVABLE;   /* Movable, CMA, Isolate, Reserve */
}

struct sim_from_zone {
	uint64_t free[FS_MAX_ORDERS][SIM_NR_MT];
	uint64_t blocks[SIM_NR_MT];
	uint64_t npb;
	uint64_t reserved;            /* present - managed: at the top of the zone */
};

static int sim_from_counts(const struct fs_snapshot *s, const struct fs_zone *z, unsigned orders,
			   unsigned pbo, struct sim_from_zone *fz, uint64_t *pages)
{
	uint64_t nb = 0, pb = (uint64_t)1 << pbo, n = 0;

	memset(fz, 0, sizeof *fz);
	for (unsigned o = 0; o < orders; o++) {
		uint64_t typed = 0;
		if (z->has_types)
			for (unsigned t = 0; t < s->nmt && t < FS_MAX_MT; t++) {
				enum sim_mt mt = sim_from_mt(s->mt_names[t]);
				fz->free[o][mt] += z->free_by_type[t][o];
				typed += z->free_by_type[t][o];
			}
		if (z->free[o] > typed)
			fz->free[o][SIM_MT_MOVABLE] += z->free[o] - typed;
		if (z->free[o] > (UINT64_C(1) << 32))
			return -ERANGE;
	}
	if (z->has_blocks)
		for (unsigned t = 0; t < s->nmt && t < FS_MAX_MT; t++) {
			fz->blocks[sim_from_mt(s->mt_names[t])] += z->blocks[t];
			nb += z->blocks[t];
		}
	if (nb)
		n = nb * pb;
	else if (z->has_zoneinfo && (z->zi_have & FS_ZI_MANAGED) && z->managed)
		n = z->managed;
	else if (z->has_zoneinfo && (z->zi_have & FS_ZI_PRESENT) && z->present)
		n = z->present;
	else if (z->has_zoneinfo && (z->zi_have & FS_ZI_SPANNED) && z->spanned)
		n = z->spanned;
	{
		/* room for every free block next to an allocated buddy of its size */
		uint64_t need = 0;
		/* (a block of the largest order has no buddy to keep apart) */
		for (unsigned o = 0; o < orders; o++)
			for (unsigned t = 0; t < SIM_NR_MT; t++)
				need += fz->free[o][t] << (o + (o + 1 < orders ? 1 : 0));
		/* present - managed (memblock reservations: the memmap, the
		 * kernel image, firmware) are never free and never move */
		if (z->has_zoneinfo && (z->zi_have & (FS_ZI_PRESENT | FS_ZI_MANAGED)) ==
					       (FS_ZI_PRESENT | FS_ZI_MANAGED) &&
		    z->present > z->managed && z->present - z->managed < (UINT64_C(1) << 31))
			fz->reserved = z->present - z->managed;
		if (n < need + fz->reserved)
			n = need + fz->reserved;
	}
	n = (n + pb - 1) / pb * pb;
	if (n == 0)
		n = pb;
	if (n > (UINT64_C(1) << 31))
		return -ERANGE;
	fz->npb = n / pb;
	/* block counts must cover the zone exactly; the difference is Movable */
	nb = fz->blocks[0] + fz->blocks[1] + fz->blocks[2] + fz->blocks[3];
	if (nb < fz->npb)
		fz->blocks[SIM_MT_MOVABLE] += fz->npb - nb;
	while (nb > fz->npb) {
		unsigned big = 0;
		for (unsigned t = 1; t < SIM_NR_MT; t++)
			if (fz->blocks[t] > fz->blocks[big])
				big = t;
		fz->blocks[big]--;
		nb--;
	}
	*pages = n;
	return 0;
}

static void sim_from_take_blocks(struct sim_from_zone *fz, unsigned mt, uint64_t k)
{
	while (k--) {
		unsigned t = mt;
		if (!fz->blocks[t]) {   /* overdraw from the most common type */
			t = 0;
			for (unsigned u = 1; u < SIM_NR_MT; u++)
				if (fz->blocks[u] > fz->blocks[t])
					t = u;
		}
		if (fz->blocks[t])
			fz->blocks[t]--;
	}
}

/* A planned free block below the pageblock order: its pfn and order, or
 * order SIM_FROM_UNPLACED (no room) with the wanted order in want. */
#define SIM_FROM_UNPLACED 0xff
struct sim_from_place {
	uint32_t pfn;
	uint8_t order, want;
};

/* Plan type t's blocks below the pageblock order round-robin over its
 * pageblocks (bump pointers per block), largest first, never beside a free
 * buddy of the same order. Fills plan[] with one entry per wanted block;
 * returns how many were placed. */
static uint64_t sim_from_plan_rr(const struct sim_from_zone *fz, unsigned t, unsigned pbo,
				 const uint32_t *order_blocks, uint32_t nb, uint32_t *cursor,
				 uint32_t *lastpos, uint8_t *lastord, uint32_t *rr,
				 struct sim_from_place *plan)
{
	uint32_t pb = (uint32_t)1 << pbo;
	uint64_t n = 0, placed = 0;

	for (unsigned o = pbo; o-- > 0;) {
		uint32_t size = (uint32_t)1 << o;
		for (uint64_t i = 0; i < fz->free[o][t]; i++) {
			struct sim_from_place *pl = &plan[n++];
			pl->order = SIM_FROM_UNPLACED;
			pl->want = (uint8_t)o;
			for (uint32_t tries = 0; tries < nb; tries++) {
				uint32_t b = order_blocks[*rr];
				uint32_t p = (cursor[b] + size - 1) & ~(size - 1);
				*rr = (*rr + 1) % nb;
				/* never next to a free buddy of the same order */
				if (lastord[b] == o && lastpos[b] == (p ^ size))
					p += size;
				if (p + size > pb)
					continue;
				cursor[b] = p + size;
				lastpos[b] = p;
				lastord[b] = (uint8_t)o;
				pl->pfn = b * pb + p;
				pl->order = (uint8_t)o;
				placed++;
				break;
			}
		}
	}
	return placed;
}

/* Room for free blocks inside type t's pageblocks, as buddy chunks: a
 * chunk may become one free block of its own order unless it is `kept`
 * (the buddy of a free block of that order, which must keep an allocated
 * page so that the two never merge). */
struct sim_from_chunks {
	uint32_t *pfn;
	size_t n, cap;
};

static int sim_from_chunk_push(struct sim_from_chunks *c, uint32_t pfn)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		void *q = realloc(c->pfn, cap * sizeof *c->pfn);
		if (!q)
			return -ENOMEM;
		c->pfn = q;
		c->cap = cap;
	}
	c->pfn[c->n++] = pfn;
	return 0;
}

/* Plan type t's blocks below the pageblock order as densely as the buddy
 * rules allow: largest first, each into the smallest chunk that can hold
 * it (a free chunk of its order, else a chunk of a higher order split down
 * with the block in the lower half and its buddy kept). This places a
 * block whenever any layout of the pageblocks could. *placed = blocks
 * placed; plan[] as for sim_from_plan_rr. */
static int sim_from_plan_dense(const struct sim_from_zone *fz, unsigned t, unsigned pbo,
			       const uint32_t *order_blocks, uint32_t nb,
			       struct sim_from_place *plan, uint64_t *placed)
{
	struct sim_from_chunks ch[FS_MAX_ORDERS][2];   /* [order][kept] */
	uint32_t pb = (uint32_t)1 << pbo;
	uint64_t n = 0;
	int rc = -ENOMEM;

	memset(ch, 0, sizeof ch);
	*placed = 0;
	for (uint32_t i = nb; i-- > 0;)   /* the first block on top of the stack */
		if (sim_from_chunk_push(&ch[pbo][1], order_blocks[i] * pb))
			goto out;
	for (unsigned o = pbo; o-- > 0;) {
		for (uint64_t i = 0; i < fz->free[o][t]; i++) {
			struct sim_from_place *pl = &plan[n++];
			unsigned k, kept = 0;
			uint32_t p;
			pl->order = SIM_FROM_UNPLACED;
			pl->want = (uint8_t)o;
			if (ch[o][0].n) {   /* a chunk of exactly this order that may be free */
				pl->pfn = ch[o][0].pfn[--ch[o][0].n];
				pl->order = (uint8_t)o;
				(*placed)++;
				continue;
			}
			/* the smallest higher chunk; kept ones first (they can never
			 * be a free block of their own order anyway) */
			for (k = o + 1; k <= pbo; k++) {
				if (ch[k][1].n) {
					kept = 1;
					break;
				}
				if (ch[k][0].n)
					break;
			}
			if (k > pbo)
				continue;
			p = ch[k][kept].pfn[--ch[k][kept].n];
			while (k > o + 1) {   /* split: upper halves stay available */
				k--;
				if (sim_from_chunk_push(&ch[k][0], p + ((uint32_t)1 << k)))
					goto out;
			}
			if (sim_from_chunk_push(&ch[o][1], p + ((uint32_t)1 << o)))
				goto out;
			pl->pfn = p;
			pl->order = (uint8_t)o;
			(*placed)++;
		}
	}
	rc = 0;
out:
	for (unsigned o = 0; o < FS_MAX_ORDERS; o++) {
		free(ch[o][0].pfn);
		free(ch[o][1].pfn);
	}
	return rc;
}

/* Huge folios a synthesized zone holds: hugetlb pages of 2^horder pages
 * and THP of the pageblock order, one per pageblock. */
struct sim_from_folios {
	uint64_t hugetlb, thp;
	unsigned horder;
};

static int sim_from_zone(struct sim_machine *m, unsigned zi, struct sim_from_zone *fz,
			 uint64_t npages, struct fs_rng *rng, const struct sim_from_folios *fol,
			 struct sim_from_info *info)
{
	uint32_t *fblk = NULL, nfblk = 0;
	unsigned orders = sim_machine_orders(m), pbo = sim_machine_pageblock_order(m);
	uint32_t npb = (uint32_t)fz->npb, top = (uint32_t)(npages - fz->reserved);
	uint32_t resv_block = top >> sim_machine_pageblock_order(m);   /* first block touching them */
	uint8_t *btype = NULL;
	uint32_t *order_blocks = NULL, *cursor = NULL, *rr = NULL, *lastpos = NULL;
	uint8_t *lastord = NULL;
	uint32_t nrest, *rest = NULL;
	struct { uint32_t pfn; uint8_t order, mt; } *big = NULL;
	size_t nbig = 0, capbig = 0;
	struct sim_from_place *plan = NULL;
	uint64_t capplan = 0;
	int rc = -ENOMEM;

	btype = malloc(npb);
	cursor = calloc(npb, sizeof *cursor);
	rest = malloc((size_t)npb * sizeof *rest);
	order_blocks = malloc((size_t)npb * sizeof *order_blocks);
	rr = calloc(SIM_NR_MT, sizeof *rr);
	lastpos = malloc((size_t)npb * sizeof *lastpos);
	lastord = malloc(npb);
	if (!btype || !cursor || !rest || !order_blocks || !rr || !lastpos || !lastord)
		goto out;
	memset(btype, 0xff, npb);
	memset(lastord, 0xff, npb);

	/* 1. free blocks of order >= pageblock order, from the top down */
	for (unsigned o = orders; o-- > pbo;)
		for (unsigned t = 0; t < SIM_NR_MT; t++)
			for (uint64_t i = 0; i < fz->free[o][t]; i++) {
				uint32_t size = (uint32_t)1 << o, pos;
				if (top < size) {
					info->unplaced_pages += size;
					continue;
				}
				pos = (top - size) & ~(size - 1);
				if (o + 1 < orders && nbig && big[nbig - 1].pfn == (pos ^ size) &&
				    big[nbig - 1].order == o) {
					if (pos < size) {
						info->unplaced_pages += size;
						continue;
					}
					pos -= size;   /* never next to its free buddy */
				}
				if (nbig == capbig) {
					void *q = realloc(big, (capbig = capbig ? capbig * 2 : 64) *
							       sizeof *big);
					if (!q)
						goto out;
					big = q;
				}
				big[nbig].pfn = pos;
				big[nbig].order = (uint8_t)o;
				big[nbig].mt = (uint8_t)t;
				nbig++;
				for (uint32_t b = pos >> pbo; b < (pos + size) >> pbo; b++)
					btype[b] = (uint8_t)t;
				sim_from_take_blocks(fz, t, size >> pbo);
				top = pos;
			}
	/* 2. the other pageblocks get the remaining types, shuffled */
	nrest = 0;
	for (uint32_t b = resv_block; fz->reserved && b < npb; b++)
		if (btype[b] == 0xff) {   /* memmap_init_zone: Movable; no small free block */
			btype[b] = SIM_MT_MOVABLE;
			sim_from_take_blocks(fz, SIM_MT_MOVABLE, 1);
		}
	for (uint32_t b = 0; b < npb; b++)
		if (btype[b] == 0xff)
			rest[nrest++] = b;
	{
		uint32_t k = 0;
		for (unsigned t = 0; t < SIM_NR_MT; t++)
			for (uint64_t i = 0; i < fz->blocks[t] && k < nrest; i++)
				btype[rest[k++]] = (uint8_t)t;
		while (k < nrest)
			btype[rest[k++]] = SIM_MT_MOVABLE;
		for (uint32_t i = nrest; i > 1; i--) {
			uint32_t j = (uint32_t)fs_rng_below(rng, i);
			uint8_t x = btype[rest[i - 1]];
			btype[rest[i - 1]] = btype[rest[j]];
			btype[rest[j]] = x;
		}
	}
	/* 2b. whole Movable pageblocks for the huge folios, drawn by the seed,
	 * as long as the small free blocks of Movable keep room (twice their
	 * pages: each beside an allocated buddy) */
	if (fol && (fol->hugetlb || fol->thp)) {
		uint64_t mov = 0, small = 0, want = fol->hugetlb + fol->thp, spare;
		for (uint32_t i = 0; i < nrest; i++)
			mov += btype[rest[i]] == SIM_MT_MOVABLE;
		for (unsigned o = 0; o < pbo; o++)
			small += fz->free[o][SIM_MT_MOVABLE] << o;
		small = (2 * small + ((UINT64_C(1) << pbo) - 1)) >> pbo;
		spare = mov > small + 1 ? mov - small - 1 : 0;
		if (want > spare)
			want = spare;
		fblk = malloc((size_t)(want ? want : 1) * sizeof *fblk);
		if (!fblk)
			goto out;
		for (uint64_t tries = 0; nfblk < want && nrest && tries < 64 * want; tries++) {
			uint32_t j = (uint32_t)fs_rng_below(rng, nrest);
			if (btype[rest[j]] != SIM_MT_MOVABLE)
				continue;
			fblk[nfblk++] = rest[j];
			rest[j] = rest[--nrest];
		}
	}
	for (uint32_t b = 0; b < npb; b++)
		if ((rc = sim_seed_block_type(m, zi, b, (enum sim_mt)btype[b])))
			goto out;
	if ((rc = sim_seed_begin(m, zi)))
		goto out;
	for (size_t i = 0; i < nbig; i++) {
		if ((rc = sim_seed_free(m, zi, big[i].pfn, big[i].order)))
			goto out;
		info->free_pages += (uint64_t)1 << big[i].order;
	}
	/* 3. smaller blocks round-robin over the pageblocks of their type; when
	 * that leaves some without room, the type is packed densely instead */
	for (unsigned t = 0; t < SIM_NR_MT; t++) {
		uint32_t nb = 0;
		uint64_t want = 0, n_rr, n_dense;
		for (uint32_t i = 0; i < nrest; i++)
			if (btype[rest[i]] == t)
				order_blocks[nb++] = rest[i];
		for (unsigned o = 0; o < pbo; o++)
			want += fz->free[o][t];
		if (want == 0)
			continue;
		if (want > capplan) {
			void *q = realloc(plan, (size_t)want * sizeof *plan);
			if (!q)
				goto out;
			plan = q;
			capplan = want;
		}
		n_rr = sim_from_plan_rr(fz, t, pbo, order_blocks, nb, cursor, lastpos, lastord,
					&rr[t], plan);
		if (n_rr < want) {
			/* the dense packing never places fewer blocks: redo the type */
			rc = sim_from_plan_dense(fz, t, pbo, order_blocks, nb, plan, &n_dense);
			if (rc)
				goto out;
			n_rr = n_dense;
		}
		for (uint64_t i = 0; i < n_rr; i++) {
			if (plan[i].order == SIM_FROM_UNPLACED) {
				info->unplaced_pages += (uint64_t)1 << plan[i].want;
				continue;
			}
			if ((rc = sim_seed_free(m, zi, plan[i].pfn, plan[i].order)))
				goto out;
			info->free_pages += (uint64_t)1 << plan[i].order;
		}
	}
	/* 4. the huge folios, hugetlb first */
	for (uint32_t i = 0; i < nfblk; i++) {
		bool h = i < fol->hugetlb;
		if ((rc = sim_seed_alloc(m, zi, fblk[i] << pbo, h ? fol->horder : pbo, SIM_MT_MOVABLE,
					 h ? SIM_KIND_HUGETLB : SIM_KIND_NORMAL)))
			goto out;
		if (h)
			info->synth_hugetlb++;
		else
			info->synth_thp++;
	}
	/* 5. the reserved pages at the top, as aligned blocks */
	for (uint64_t p = npages - fz->reserved; p < npages;) {
		unsigned o = orders - 1;
		while (o > 0 && ((p & ((UINT64_C(1) << o) - 1)) || p + (UINT64_C(1) << o) > npages))
			o--;
		if ((rc = sim_seed_alloc(m, zi, (uint32_t)p, o, SIM_MT_UNMOVABLE, SIM_KIND_RESERVED)))
			goto out;
		p += UINT64_C(1) << o;
	}
	info->reserved_pages += fz->reserved;
	rc = 0;
out:
	free(btype);
	free(cursor);
	free(rest);
	free(order_blocks);
	free(rr);
	free(lastpos);
	free(lastord);
	free(big);
	free(plan);
	free(fblk);
	return rc;
}

/* The real machine's watermarks (without boost) and lowmem_reserve, when
 * zoneinfo has them. */
static void sim_from_wmarks(struct sim_machine *m, unsigned i, const struct fs_zone *const *zsrc,
			    unsigned nzones)
{
	const struct fs_zone *z = zsrc[i];
	int64_t res[FS_MAX_ZONES] = { 0 };

	if (!z->has_zoneinfo || (z->zi_have & (FS_ZI_MIN | FS_ZI_LOW | FS_ZI_HIGH)) !=
					(FS_ZI_MIN | FS_ZI_LOW | FS_ZI_HIGH))
		return;
	for (unsigned j = 0; j < nzones; j++) {
		int zj = zsrc[j]->zi_index;
		if ((z->zi_have & FS_ZI_PROTECTION) && zj >= 0 && (unsigned)zj < z->nprotection)
			res[j] = z->protection[zj];
	}
	sim_zone_set_wmarks(m, i, z->min - (z->min >= z->boost ? z->boost : 0),
			    z->low - (z->low >= z->boost ? z->boost : 0),
			    z->high - (z->high >= z->boost ? z->boost : 0), res, nzones);
}

/* The kernel era of the capture: its release string (uname -r, s->kernel)
 * as SIM_KVER into c->kernel_version, so the era rules (fallback order,
 * per-cpu orders, large folios, ...) are those of the kernel that made the
 * capture; a kernel newer than the simulator knows gets the newest rules;
 * no release keeps base's. Returns the source for sim_from_kver_info(). */
static enum sim_from_kver_src sim_from_kver(const struct fs_snapshot *s, struct sim_config *c)
{
	int v = fs_pm_kernel_version(s->kernel);   /* major*100+minor, 0 unknown */

	if (v <= 0)
		return SIM_FROM_KVER_DEFAULT;
	unsigned k = SIM_KVER((unsigned)v / 100u, (unsigned)v % 100u);
	if (k > SIM_KVER_NEWEST) {
		c->kernel_version = SIM_KVER_NEWEST;
		return SIM_FROM_KVER_NEWER;
	}
	c->kernel_version = k;
	return SIM_FROM_KVER_CAPTURE;
}

static void sim_from_kver_info(const struct fs_snapshot *s, const struct sim_config *c,
			       enum sim_from_kver_src src, struct sim_from_info *info)
{
	info->kernel_version = c->kernel_version;
	info->kernel_src = src;
	snprintf(info->kernel_release, sizeof info->kernel_release, "%s",
		 s->kernel ? s->kernel : "");
}

/* Add an assumption sentence to info. */
static void sim_from_note(struct sim_from_info *info, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void sim_from_note(struct sim_from_info *info, const char *fmt, ...)
{
	va_list ap;

	if (info->nnotes >= SIM_FROM_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(info->notes[info->nnotes++], SIM_FROM_NOTE_LEN, fmt, ap);
	va_end(ap);
}

/* Without a layout: meminfo's hugetlb pool (HugePages_Total of
 * Hugepagesize, at most a pageblock) and transparent huge pages
 * (AnonHugePages) go to the node's highest zone (hugetlb and THP
 * allocations are GFP_HIGHUSER_MOVABLE: highest zone first). */
static void sim_from_folios_of(const struct fs_snapshot *s, uint64_t psize, unsigned pbo,
			       struct sim_from_folios *f)
{
	uint64_t total = 0, hpkb = 0, thpkb = 0;

	memset(f, 0, sizeof *f);
	if (fs_kv_get(&s->meminfo, "HugePages_Total", &total) && total &&
	    fs_kv_get(&s->meminfo, "Hugepagesize", &hpkb) && hpkb) {
		uint64_t pages = hpkb * 1024 / psize;
		unsigned o = 0;
		while (o < 63 && (UINT64_C(1) << o) < pages)
			o++;
		if ((UINT64_C(1) << o) == pages && o <= pbo) {
			f->hugetlb = total;
			f->horder = o;
		}
	}
	if (fs_kv_get(&s->meminfo, "AnonHugePages", &thpkb) && thpkb)
		f->thp = thpkb * 1024 / (psize << pbo);
}

/* The sentences saying what a synthesized layout assumes. */
static void sim_from_synth_notes(const char *why, struct sim_from_info *info)
{
	sim_from_note(info, "%s: the layout is synthesized from the free lists and differs by "
		      "seed; free blocks of the pageblock order and more at the top of each zone, "
		      "smaller ones spread over the pageblocks of their type, every other page an "
		      "order-0 allocation of its pageblock's type (movable in Movable blocks)", why);
	if (info->reserved_pages)
		sim_from_note(info, "%" PRIu64 " reserved pages (present - managed) at the top of "
			      "their zone, never free and never moving (memblock allocates top "
			      "down; on the 6.18 VM the memmap sits at the top of Normal)",
			      info->reserved_pages);
	if (info->synth_hugetlb)
		sim_from_note(info, "%" PRIu64 " hugetlb pages (meminfo HugePages_Total) placed "
			      "on Movable pageblocks of the highest zone drawn by the seed",
			      info->synth_hugetlb);
	if (info->synth_thp)
		sim_from_note(info, "%" PRIu64 " transparent huge pages (meminfo AnonHugePages) "
			      "placed whole on Movable pageblocks of the highest zone drawn by the seed",
			      info->synth_thp);
}

static int sim_from_synth(const struct fs_snapshot *s, int node, const struct sim_config *base,
			  uint64_t seed, struct sim_machine **out, struct sim_from_info *info,
			  char *err, size_t errsize, const char *why);

/* The machine's geometry and settings from the snapshot: orders, the
 * pageblock order (the snapshot's, else the largest below 10), page size,
 * vm.compact_unevictable_allowed; no zones yet. Returns the pageblock
 * order. */
static unsigned sim_from_geometry(const struct fs_snapshot *s, struct sim_config *c)
{
	unsigned pbo = s->pageblock_order > 0 && (unsigned)s->pageblock_order < s->orders
			       ? (unsigned)s->pageblock_order
			       : (s->orders - 1 < 9 ? s->orders - 1 : 9);
	c->orders = s->orders;
	c->pageblock_order = pbo;
	c->page_size = s->page_size ? s->page_size : 4096;
	c->nzones = 0;
	if (s->compact_unevictable_allowed.present)
		c->compact_unevictable_allowed = s->compact_unevictable_allowed.value != 0;
	return pbo;
}

int sim_from_snapshot(const struct fs_snapshot *s, int node, const struct sim_config *base,
		      uint64_t seed, struct sim_machine **out, struct sim_from_info *info,
		      char *err, size_t errsize)
{
	return sim_from_synth(s, node, base, seed, out, info, err, errsize,
			      s->kind == FS_KIND_ROOT ? "no page layout in the capture"
						      : "no page layout in the snapshot");
}

static int sim_from_synth(const struct fs_snapshot *s, int node, const struct sim_config *base,
			  uint64_t seed, struct sim_machine **out, struct sim_from_info *info,
			  char *err, size_t errsize, const char *why)
{
	const struct fs_node *n = NULL;
	struct sim_config c = *base;
	struct sim_from_zone *fz = NULL;
	const struct fs_zone *zsrc[FS_MAX_ZONES];
	struct sim_machine *m = NULL;
	struct sim_from_folios fol;
	struct fs_rng rng;
	unsigned pbo;
	int rc;

	*out = NULL;
	memset(info, 0, sizeof *info);
	for (size_t i = 0; i < s->nnodes; i++)
		if (node < 0 || s->nodes[i].id == node) {
			n = &s->nodes[i];
			break;
		}
	if (!n) {
		snprintf(err, errsize, "the snapshot has no node %d", node);
		return -EINVAL;
	}
	if (s->orders < 2 || s->orders > FS_MAX_ORDERS) {
		snprintf(err, errsize, "the snapshot has %u orders; 2..%d are supported", s->orders,
			 FS_MAX_ORDERS);
		return -EINVAL;
	}
	info->node = n->id;
	pbo = sim_from_geometry(s, &c);
	sim_from_kver_info(s, &c, sim_from_kver(s, &c), info);
	fz = calloc(FS_MAX_ZONES, sizeof *fz);
	if (!fz)
		return -ENOMEM;
	for (unsigned i = 0; i < n->nzones; i++) {
		const struct fs_zone *z = &n->zones[i];
		uint64_t pages;
		if (!z->has_buddy)
			continue;
		rc = sim_from_counts(s, z, s->orders, pbo, &fz[c.nzones], &pages);
		if (rc) {
			snprintf(err, errsize, "zone %s is too large to simulate", z->name);
			goto out;
		}
		snprintf(c.zones[c.nzones].name, sizeof c.zones[c.nzones].name, "%s", z->name);
		c.zones[c.nzones].pages = pages;
		zsrc[c.nzones] = z;
		c.nzones++;
	}
	if (!c.nzones) {
		snprintf(err, errsize, "node %d has no zone with free lists", n->id);
		rc = -EINVAL;
		goto out;
	}
	rc = sim_machine_new(&c, &m);
	if (rc) {
		snprintf(err, errsize, "cannot build the machine: %s", strerror(-rc));
		goto out;
	}
	fs_rng_seed(&rng, seed);
	sim_from_folios_of(s, c.page_size, pbo, &fol);
	for (unsigned i = 0; i < c.nzones; i++) {
		const struct fs_zone *z = zsrc[i];
		rc = sim_from_zone(m, i, &fz[i], c.zones[i].pages, &rng,
				   i + 1 == c.nzones ? &fol : NULL, info);
		if (rc) {
			snprintf(err, errsize, "zone %s: cannot lay out the free lists: %s", z->name,
				 strerror(-rc));
			goto out;
		}
		info->pages += c.zones[i].pages;
		sim_from_wmarks(m, i, zsrc, c.nzones);
	}
	sim_from_synth_notes(why, info);
	*out = m;
	m = NULL;
	rc = 0;
out:
	sim_machine_free(m);
	free(fz);
	return rc;
}

/* ---- the captured page layout (sim_layout.c, streamed by rd_kpage_stream) ---- */

struct sim_from_stream {
	struct sim_machine *m;
	struct sim_layout *L;
	const struct fs_snapshot *s;
	const struct fs_zone *const *zsrc;
	int map[FS_MAX_ZONES];        /* the node's zone index -> simulated zone, -1 */
	int cur;                      /* simulated zone being fed */
	bool seen[FS_MAX_ZONES];
	struct sim_from_info *info;
};

static int sim_from_s_zone(void *ctx, const struct fs_pagemap *pm, unsigned idx,
			   uint64_t start_pfn, uint64_t spanned)
{
	struct sim_from_stream *st = ctx;

	if (idx >= FS_MAX_ZONES || st->map[idx] < 0)
		return 1;
	if (!st->L && !(st->L = sim_layout_new(st->m, pm)))
		return -ENOMEM;
	st->cur = st->map[idx];
	return sim_layout_zone_begin(st->L, (unsigned)st->cur, start_pfn, spanned);
}

static int sim_from_s_feed(void *ctx, const uint64_t *flags, const uint64_t *counts, size_t n)
{
	struct sim_from_stream *st = ctx;

	return sim_layout_feed(st->L, flags, counts, n);
}

static int sim_from_s_end(void *ctx)
{
	struct sim_from_stream *st = ctx;
	const struct fs_zone *z = st->zsrc[st->cur];
	struct sim_layout_stats ls;
	uint64_t want[SIM_NR_MT] = { 0 };
	int rc;

	if (z->has_blocks)
		for (unsigned t = 0; t < st->s->nmt && t < FS_MAX_MT; t++)
			want[sim_from_mt(st->s->mt_names[t])] += z->blocks[t];
	rc = sim_layout_zone_end(st->L, z->has_blocks ? want : NULL, &ls);
	if (rc)
		return rc;
	st->seen[st->cur] = true;
	for (unsigned c = 0; c < FS_PC_COUNT; c++)
		st->info->layout_pages[c] += ls.pages[c];
	st->info->large_folios += ls.large_folios;
	st->info->hugetlb_blocks += ls.hugetlb_blocks;
	st->info->irregular_folios += ls.irregular;
	st->info->free_pages += sim_zone_free_pages(st->m, (unsigned)st->cur);
	return 0;
}

/* The sentences saying what the layout-seeded machine assumes. */
static void sim_from_layout_notes(const struct sim_config *c, const struct fs_snapshot *s,
				  const struct fs_zone *const *zsrc, unsigned nzones,
				  struct sim_from_info *info)
{
	const uint64_t *pg = info->layout_pages;
	uint64_t pcp = 0, buddy = 0;
	bool counts = true, have_pcp = true;

	for (unsigned i = 0; i < nzones; i++) {
		counts &= zsrc[i]->has_blocks;
		have_pcp &= zsrc[i]->has_pcp;
		pcp += zsrc[i]->pcp_count;
		for (unsigned o = 0; o < s->orders; o++)
			buddy += zsrc[i]->free[o] << o;
	}
	sim_from_note(info, "every page placed where the capture's page layout has it: %" PRIu64
		      " free pages as their free blocks, %" PRIu64 " large folios whole, %" PRIu64
		      " hugetlb folios where they are (compaction skips them)",
		      info->free_pages, info->large_folios, info->hugetlb_blocks);
	if (counts)
		sim_from_note(info, "pageblock types are not in the capture: each zone keeps its "
			      "number of blocks per type (pagetypeinfo); the blocks with the most "
			      "unmovable pages (slab, page tables, other kernel pages) over movable "
			      "ones are Unmovable, Reclaimable (the most slab) or HighAtomic, the "
			      "rest Movable");
	else
		sim_from_note(info, "pageblock types are not in the capture: a block with more "
			      "unmovable than movable pages is Unmovable, every other Movable");
	if (pg[FS_PC_UNUSED]) {
		if (have_pcp)
			sim_from_note(info, "%" PRIu64 " pages with no flags and mapcount 0 (per-cpu "
				      "lists, which zoneinfo says hold %" PRIu64 ", raw kernel memory "
				      "or memory not initialised yet) are held like reserved pages: "
				      "compaction neither frees nor moves them",
				      pg[FS_PC_UNUSED], pcp);
		else
			sim_from_note(info, "%" PRIu64 " pages with no flags and mapcount 0 (per-cpu "
				      "lists, raw kernel memory or memory not initialised yet) are "
				      "held like reserved pages: compaction neither frees nor moves them",
				      pg[FS_PC_UNUSED]);
	}
	if (pg[FS_PC_UNEVICTABLE])
		sim_from_note(info, "%" PRIu64 " unevictable or mlocked pages %s: "
			      "vm.compact_unevictable_allowed is %d%s",
			      pg[FS_PC_UNEVICTABLE],
			      c->compact_unevictable_allowed ? "can be migrated" : "stay where they are",
			      c->compact_unevictable_allowed ? 1 : 0,
			      s->compact_unevictable_allowed.present ? ""
				      : " (not in the capture: the kernel default)");
	if (info->irregular_folios)
		sim_from_note(info, "%" PRIu64 " compound pages were not a whole aligned folio in "
			      "the capture (read while being split or freed): placed as smaller blocks",
			      info->irregular_folios);
	if (buddy != info->free_pages)
		sim_from_note(info, "the page layout holds %" PRIu64 " free pages, buddyinfo (read "
			      "at another moment) %" PRIu64 ": the layout is used",
			      info->free_pages, buddy);
}

int sim_from_capture(const struct fs_snapshot *s, int node, const struct sim_config *base,
		     uint64_t seed, struct sim_machine **out, struct sim_from_info *info,
		     char *err, size_t errsize)
{
	const struct fs_node *n = NULL;
	const struct fs_zone *zsrc[FS_MAX_ZONES];
	struct sim_config c = *base;
	struct sim_machine *m = NULL;
	struct sim_from_stream st;
	struct rd_kpage_sink sink;
	struct fs_diag d = { 0 };
	int rc;

	*out = NULL;
	if (s->kind != FS_KIND_ROOT || !s->path)
		return sim_from_snapshot(s, node, base, seed, out, info, err, errsize);
	for (size_t i = 0; i < s->nnodes; i++)
		if (node < 0 || s->nodes[i].id == node) {
			n = &s->nodes[i];
			break;
		}
	if (!n || s->orders < 2 || s->orders > FS_MAX_ORDERS)
		return sim_from_snapshot(s, node, base, seed, out, info, err, errsize);
	sim_from_geometry(s, &c);
	enum sim_from_kver_src ksrc = sim_from_kver(s, &c);
	memset(&st, 0, sizeof st);
	for (unsigned i = 0; i < FS_MAX_ZONES; i++)
		st.map[i] = -1;
	for (unsigned i = 0; i < n->nzones; i++) {
		const struct fs_zone *z = &n->zones[i];
		const unsigned need = FS_ZI_START_PFN | FS_ZI_SPANNED;
		uint64_t pages;
		if (!z->has_buddy)
			continue;
		if (!z->has_zoneinfo || (z->zi_have & need) != need || z->spanned == 0 ||
		    z->start_pfn > UINT64_MAX - z->spanned)   /* no span: no layout */
			return sim_from_synth(s, node, base, seed, out, info, err, errsize,
					      "zoneinfo gives no span (start_pfn, spanned) for "
					      "every zone, so no page layout can be placed");
		pages = sim_layout_zone_pages(c.orders, z->start_pfn, z->spanned);
		if (pages > (UINT64_C(1) << 31)) {
			snprintf(err, errsize, "zone %s is too large to simulate (%" PRIu64
				 " pages; at most 2^31)", z->name, pages);
			return -ERANGE;
		}
		snprintf(c.zones[c.nzones].name, sizeof c.zones[c.nzones].name, "%s", z->name);
		c.zones[c.nzones].pages = pages;
		zsrc[c.nzones] = z;
		st.map[i] = (int)c.nzones;
		c.nzones++;
	}
	if (!c.nzones)
		return sim_from_snapshot(s, node, base, seed, out, info, err, errsize);
	rc = sim_machine_new(&c, &m);
	if (rc) {
		snprintf(err, errsize, "cannot build the machine: %s", strerror(-rc));
		return rc;
	}
	memset(info, 0, sizeof *info);
	info->node = n->id;
	sim_from_kver_info(s, &c, ksrc, info);
	st.m = m;
	st.s = s;
	st.zsrc = zsrc;
	st.info = info;
	sink.ctx = &st;
	sink.zone = sim_from_s_zone;
	sink.feed = sim_from_s_feed;
	sink.zone_end = sim_from_s_end;
	rc = rd_kpage_stream(s->path, s, n->id, &sink, &d);
	sim_layout_free(st.L);
	for (unsigned i = 0; rc == 0 && i < c.nzones; i++)
		if (!st.seen[i])
			rc = -ENOENT;   /* a zone the layout does not cover */
	if (rc == -ENOENT || rc == -EACCES) {
		sim_machine_free(m);
		return sim_from_synth(s, node, base, seed, out, info, err, errsize,
				      rc == -EACCES ? "the capture's page layout may not be read by "
						      "this user"
						    : "no page layout in the capture");
	}
	if (rc) {
		char text[FS_DIAG_TEXT_MAX];
		if (d.msg[0])
			snprintf(err, errsize, "page layout: %s", fs_diag_format(&d, text, sizeof text));
		else
			snprintf(err, errsize, "page layout: %s", strerror(-rc));
		sim_machine_free(m);
		return rc == -ENOMEM ? -ENOMEM : -EINVAL;
	}
	for (unsigned i = 0; i < c.nzones; i++) {
		info->pages += c.zones[i].pages;
		sim_from_wmarks(m, i, zsrc, c.nzones);
	}
	info->layout = true;
	sim_from_layout_notes(&c, s, zsrc, c.nzones, info);
	*out = m;
	return 0;
}
