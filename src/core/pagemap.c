#include "config.h"

#include "pagemap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const pclass_names[FS_PC_COUNT] = {
	[FS_PC_FREE] = "free",
	[FS_PC_UNUSED] = "unused",
	[FS_PC_MOVABLE] = "movable",
	[FS_PC_UNEVICTABLE] = "unevictable",
	[FS_PC_HUGETLB] = "hugetlb",
	[FS_PC_SLAB] = "slab",
	[FS_PC_PAGETABLE] = "pagetable",
	[FS_PC_RESERVED] = "reserved",
	[FS_PC_OTHER] = "other",
	[FS_PC_HOLE] = "hole",
};

static const char *const bclass_names[FS_BC_COUNT + 1] = {
	[FS_BC_FREE] = "free",
	[FS_BC_MOVABLE] = "movable",
	[FS_BC_MIXED] = "mixed",
	[FS_BC_UNMOVABLE] = "unmovable",
	[FS_BC_HUGETLB] = "hugetlb",
	[FS_BC_RESERVED] = "reserved",
	[FS_BC_PARTIAL] = "partial",
};

_Static_assert(sizeof pclass_names / sizeof pclass_names[0] == FS_PC_COUNT, "pclass_names");
_Static_assert(sizeof bclass_names / sizeof bclass_names[0] == FS_BC_COUNT + 1, "bclass_names");

const char *fs_pclass_name(enum fs_pclass c)
{
	return (unsigned)c < FS_PC_COUNT ? pclass_names[c] : "?";
}

const char *fs_bclass_name(enum fs_bclass c)
{
	return (unsigned)c <= FS_BC_PARTIAL ? bclass_names[c] : "?";
}

int fs_bclass_parse(const char *s, size_t len)
{
	for (int i = 0; i <= FS_BC_PARTIAL; i++)
		if (strlen(bclass_names[i]) == len && memcmp(bclass_names[i], s, len) == 0)
			return i;
	return -1;
}

int fs_pm_kernel_version(const char *rel)
{
	if (!rel)
		return 0;
	char *end;
	long maj = strtol(rel, &end, 10);
	if (end == rel || *end != '.' || maj < 2 || maj > 99)
		return 0;
	const char *p = end + 1;
	long min = strtol(p, &end, 10);
	if (end == p || min < 0 || min > 99)
		return 0;
	return (int)(maj * 100 + min);
}

struct fs_pagemap *fs_pagemap_new(int pageblock_order, bool order_assumed)
{
	if (pageblock_order < 1 || pageblock_order > 20)
		return NULL;
	struct fs_pagemap *pm = calloc(1, sizeof *pm);
	if (!pm)
		return NULL;
	pm->pageblock_order = pageblock_order;
	pm->pageblock_order_assumed = order_assumed;
	/* CONFIG_COMPACT_UNEVICTABLE_DEFAULT is 1 except on PREEMPT_RT
	 * (mm/compaction.c: sysctl_compact_unevictable_allowed). */
	pm->unevictable_movable = true;
	pm->unevictable_assumed = true;
	return pm;
}

void fs_pagemap_free(struct fs_pagemap *pm)
{
	if (!pm)
		return;
	for (size_t i = 0; i < pm->nzones; i++)
		free(pm->zones[i].block);
	free(pm->zones);
	free(pm->ram);
	free(pm);
}

struct fs_pagemap *fs_pagemap_dup(const struct fs_pagemap *pm)
{
	if (!pm)
		return NULL;
	struct fs_pagemap *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	*d = *pm;
	d->ram = NULL;
	d->zones = NULL;
	d->nzones = d->nram = 0;
	if (pm->nram) {
		if (!(d->ram = malloc(pm->nram * sizeof *d->ram)))
			goto fail;
		memcpy(d->ram, pm->ram, pm->nram * sizeof *d->ram);
		d->nram = pm->nram;
	}
	if (pm->nzones) {
		if (!(d->zones = calloc(pm->nzones, sizeof *d->zones)))
			goto fail;
		for (size_t i = 0; i < pm->nzones; i++) {
			d->zones[i] = pm->zones[i];
			d->zones[i].block = NULL;
			d->nzones = i + 1;
			if (pm->zones[i].nblocks) {
				if (!(d->zones[i].block = malloc(pm->zones[i].nblocks)))
					goto fail;
				memcpy(d->zones[i].block, pm->zones[i].block, pm->zones[i].nblocks);
			}
		}
	}
	return d;
fail:
	fs_pagemap_free(d);
	return NULL;
}

const struct fs_pm_zone *fs_pm_zone_find(const struct fs_pagemap *pm, int node, const char *name)
{
	if (!pm)
		return NULL;
	for (size_t i = 0; i < pm->nzones; i++)
		if (pm->zones[i].node == node && strcmp(pm->zones[i].name, name) == 0)
			return &pm->zones[i];
	return NULL;
}

#define BIT(f, b) (((f) >> (b)) & 1u)

/* The rules follow v6.18 fs/proc/page.c (kpage_read, stable_page_flags)
 * and v6.12 kpageflags_read for what the bits mean, and v6.18
 * mm/compaction.c isolate_migratepages_block for what compaction can move
 * (kernel-facts-pages C.3-C.5). */
enum fs_pclass fs_pm_classify(const struct fs_pagemap *pm, uint64_t flags, uint64_t count,
			      bool in_ram, int *head_class)
{
	const bool head = BIT(flags, FS_KPF_HEAD), tail = BIT(flags, FS_KPF_TAIL);
	enum fs_pclass c;

	/* Outside System RAM there is no page; <= 6.12 says so with NOPAGE
	 * (pfn_to_online_page() NULL), 6.18 reads 0. HWPOISON pages are gone. */
	if (!in_ram || BIT(flags, FS_KPF_NOPAGE) || BIT(flags, FS_KPF_HWPOISON)) {
		*head_class = -1;
		return FS_PC_HOLE;
	}
	/* 4.9+: every page of a free buddy block has BUDDY (page_count == 0 &&
	 * is_free_buddy_page), not only the head. */
	if (BIT(flags, FS_KPF_BUDDY)) {
		*head_class = -1;
		return FS_PC_FREE;
	}
	if (BIT(flags, FS_KPF_HUGE))
		c = FS_PC_HUGETLB;
	else if (BIT(flags, FS_KPF_SLAB))        /* ANON/KSM/MMAP on slab are mapping overlays (6.18) */
		c = FS_PC_SLAB;
	else if (BIT(flags, FS_KPF_PGTABLE))
		c = FS_PC_PAGETABLE;
	else if (BIT(flags, FS_KPF_OFFLINE))
		/* 6.18 balloon pages are OFFLINE + movable_ops (PG_movable_ops
		 * aliases PG_uptodate): isolate_movable_ops_page moves them.
		 * Other offline pages (virtio-mem, unplugged) are not memory. */
		c = pm->kver >= 618 && BIT(flags, FS_KPF_UPTODATE) ? FS_PC_MOVABLE : FS_PC_HOLE;
	else if (tail && *head_class >= 0)
		return (enum fs_pclass)*head_class;   /* <= 6.1 tails carry their own flags */
	else if (BIT(flags, FS_KPF_ZERO_PAGE))
		c = FS_PC_OTHER;                      /* the (huge) zero page never moves */
	else if (BIT(flags, FS_KPF_LRU) || BIT(flags, FS_KPF_THP))
		c = BIT(flags, FS_KPF_UNEVICTABLE) || BIT(flags, FS_KPF_MLOCKED) ? FS_PC_UNEVICTABLE
										: FS_PC_MOVABLE;
	else if (BIT(flags, FS_KPF_RESERVED))
		c = FS_PC_RESERVED;
	else if (flags == 0)
		c = count == 0 ? FS_PC_UNUSED : FS_PC_OTHER;
	else if (pm->kver >= 618 && flags == (1u << FS_KPF_UPTODATE))
		c = FS_PC_MOVABLE;                    /* zsmalloc: movable_ops without LRU */
	else
		c = FS_PC_OTHER;                      /* compound non-LRU, vmalloc, ... */
	if (head)
		*head_class = (int)c;
	else if (!tail)
		*head_class = -1;
	return c;
}

enum fs_bclass fs_pm_block_class(const struct fs_pagemap *pm, const uint64_t *pc, uint64_t npages)
{
	uint64_t free = pc[FS_PC_FREE] + pc[FS_PC_UNUSED];
	uint64_t mov = pc[FS_PC_MOVABLE] + (pm->unevictable_movable ? pc[FS_PC_UNEVICTABLE] : 0);
	if (pc[FS_PC_HUGETLB])
		return FS_BC_HUGETLB;
	if (pc[FS_PC_HOLE] + pc[FS_PC_RESERVED] == npages)
		return FS_BC_RESERVED;
	if (free == npages)
		return FS_BC_FREE;
	if (free + mov == npages)
		return FS_BC_MOVABLE;
	if (free + mov == 0)
		return FS_BC_UNMOVABLE;
	return FS_BC_MIXED;
}

uint64_t fs_pm_ceiling(const struct fs_pagemap *pm, const struct fs_pm_zone *z, uint64_t free_pages)
{
	uint64_t blocks = z->blocks[FS_BC_FREE] + z->blocks[FS_BC_MOVABLE];
	uint64_t by_free = free_pages >> pm->pageblock_order;
	return blocks < by_free ? blocks : by_free;
}

int fs_pm_zone_begin(struct fs_pagemap *pm, struct fs_pm_feed *f, int node, const char *name,
		     uint64_t start_pfn, uint64_t spanned)
{
	if (spanned == 0 || start_pfn > UINT64_MAX - spanned || strlen(name) >= sizeof f->z->name)
		return -EINVAL;
	struct fs_pm_zone *nz = realloc(pm->zones, (pm->nzones + 1) * sizeof *nz);
	if (!nz)
		return -ENOMEM;
	pm->zones = nz;
	struct fs_pm_zone *z = &nz[pm->nzones];
	memset(z, 0, sizeof *z);
	z->node = node;
	strcpy(z->name, name);
	z->start_pfn = start_pfn;
	z->end_pfn = start_pfn + spanned;
	z->first_block = start_pfn >> pm->pageblock_order;
	z->nblocks = ((z->end_pfn - 1) >> pm->pageblock_order) - z->first_block + 1;
	/* One byte a block: 2^32 blocks is 8 PiB of 2 MiB blocks; a larger span
	 * is not a machine's (zoneinfo from a --root tree can say anything). */
	if (z->nblocks > (1ull << 32))
		return -EFBIG;
	if (!(z->block = calloc((size_t)z->nblocks, 1)))
		return -ENOMEM;
	pm->nzones++;
	memset(f, 0, sizeof *f);
	f->pm = pm;
	f->z = z;
	f->pfn = start_pfn;
	f->head_class = -1;
	return 0;
}

/* Classify the block the feed has just finished (f->pfn is one past it). */
static void close_block(struct fs_pm_feed *f)
{
	struct fs_pm_zone *z = f->z;
	const int o = f->pm->pageblock_order;
	uint64_t last = f->pfn - 1;
	uint64_t b = last >> o;
	uint64_t bstart = b << o, bend = bstart + (1ull << o);
	uint8_t *cell = &z->block[b - z->first_block];
	if (bstart < z->start_pfn || bend > z->end_pfn) {
		*cell = FS_BC_PARTIAL;
		z->partial_blocks++;
	} else {
		enum fs_bclass bc = fs_pm_block_class(f->pm, f->cur, 1ull << o);
		*cell = (uint8_t)bc;
		z->blocks[bc]++;
		if (bc == FS_BC_MIXED || bc == FS_BC_UNMOVABLE)
			for (int c = 0; c < FS_PC_COUNT; c++)
				z->blocker_pages[c] += f->cur[c];
	}
	memset(f->cur, 0, sizeof f->cur);
}

static bool in_ram(struct fs_pm_feed *f, uint64_t pfn)
{
	const struct fs_pagemap *pm = f->pm;
	if (!pm->nram)
		return true;
	if (f->ram_idx < pm->nram && pm->ram[f->ram_idx].start > pfn)
		f->ram_idx = 0;    /* zones are not always in pfn order */
	while (f->ram_idx < pm->nram && pm->ram[f->ram_idx].end <= pfn)
		f->ram_idx++;
	return f->ram_idx < pm->nram && pm->ram[f->ram_idx].start <= pfn;
}

static void feed_one(struct fs_pm_feed *f, enum fs_pclass c)
{
	const uint64_t mask = (1ull << f->pm->pageblock_order) - 1;
	f->z->pages[c]++;
	f->cur[c]++;
	f->pfn++;
	if ((f->pfn & mask) == 0 || f->pfn == f->z->end_pfn)
		close_block(f);
}

void fs_pm_feed(struct fs_pm_feed *f, const uint64_t *flags, const uint64_t *counts, size_t n)
{
	for (size_t i = 0; i < n && f->pfn < f->z->end_pfn; i++) {
		bool ram = in_ram(f, f->pfn);
		feed_one(f, fs_pm_classify(f->pm, flags[i], counts[i], ram, &f->head_class));
	}
}

void fs_pm_feed_eof(struct fs_pm_feed *f)
{
	struct fs_pm_zone *z = f->z;
	const uint64_t bs = 1ull << f->pm->pageblock_order;
	/* Finish the current block page by page, then whole blocks at once:
	 * a span far past the end of the files costs O(blocks), not O(pages). */
	while (f->pfn < z->end_pfn && (f->pfn & (bs - 1))) {
		z->beyond_eof++;
		feed_one(f, FS_PC_HOLE);
	}
	while (f->pfn < z->end_pfn && z->end_pfn - f->pfn >= bs) {
		uint64_t b = f->pfn >> f->pm->pageblock_order;
		z->block[b - z->first_block] = FS_BC_RESERVED;   /* only holes */
		z->blocks[FS_BC_RESERVED]++;
		z->pages[FS_PC_HOLE] += bs;
		z->beyond_eof += bs;
		f->pfn += bs;
	}
	while (f->pfn < z->end_pfn) {
		z->beyond_eof++;
		feed_one(f, FS_PC_HOLE);
	}
}

void fs_pm_zone_end(struct fs_pm_feed *f)
{
	fs_pm_feed_eof(f);
}
