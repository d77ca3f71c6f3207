/* sim_pcp.c - per-cpu page lists for the simulator (issue 14, rule 3).
 *
 * The kernel keeps freed pages of order <= PAGE_ALLOC_COSTLY_ORDER (3) on
 * per-cpu lists (struct per_cpu_pages) instead of merging them into the
 * buddy lists; they are invisible to buddyinfo and NR_FREE_PAGES, and
 * only a drain (a list over `high`, drain_local_pages, drain_all_pages)
 * gives them back. vm.compact_memory does not drain them, so the pages it
 * frees (migration sources, unused targets) stay unmerged.
 *
 * Modelled after v6.12 mm/page_alloc.c (same in 6.18): free_unref_page,
 * free_unref_page_commit, nr_pcp_free, nr_pcp_high (high_min == high_max:
 * the simulator does not auto-tune high), free_pcppages_bulk,
 * rmqueue_pcplist, __rmqueue_pcplist, nr_pcp_alloc, rmqueue_bulk,
 * zone_batchsize, zone_highsize, order_to_pindex and pcp_allowed_order
 * (orders 0-3 and the THP order, taken to be the pageblock order as on
 * x86-64 and arm64 with 4K pages, since 5.15; order 0 only before: the
 * bracket 5.10/5.15 of kernel-facts-decision.md §0.8). Not modelled:
 * PCPF_FREE_HIGH_BATCH (depends on the
 * CPU cache size; treated as unset), high auto-tuning between high_min
 * and high_max (6.7+; set `high` to the value zoneinfo shows), the
 * vmstat worker's periodic drain (decay_pcp_high).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

#define PCP_BATCH_SCALE_MAX 5u   /* CONFIG_PCP_BATCH_SCALE_MAX default */

/* order_to_pindex (CONFIG_TRANSPARENT_HUGEPAGE) */
static inline unsigned sim_pindex(unsigned order, unsigned mt)
{
	if (order >= SIM_PCP_ORDERS)
		return SIM_PCP_LOW_LISTS + (mt == SIM_MT_MOVABLE);
	return SIM_MT_PCPTYPES * order + mt;
}

/* pindex_to_order */
static inline unsigned sim_pindex_order(const struct sim_machine *m, unsigned pindex)
{
	return pindex >= SIM_PCP_LOW_LISTS ? m->pbo : pindex / SIM_MT_PCPTYPES;
}

static struct sim_pcp *sim_cpu(struct sim_machine *m, struct sim_zone *z)
{
	return &z->pcp[m->cfg.pcp_cpu];
}

static void sim_pcp_add(struct sim_zone *z, struct sim_pcp *p, unsigned pi, uint32_t pfn,
			unsigned order, unsigned mt, bool tail)
{
	struct sim_link *l = z->link;

	z->info[pfn] = SIM_INFO(order, mt, SIM_ST_PCP);
	if (tail) {
		l[pfn].next = SIM_NIL;
		l[pfn].prev = p->tail[pi];
		if (p->tail[pi] != SIM_NIL)
			l[p->tail[pi]].next = pfn;
		else
			p->head[pi] = pfn;
		p->tail[pi] = pfn;
	} else {
		l[pfn].prev = SIM_NIL;
		l[pfn].next = p->head[pi];
		if (p->head[pi] != SIM_NIL)
			l[p->head[pi]].prev = pfn;
		else
			p->tail[pi] = pfn;
		p->head[pi] = pfn;
	}
	p->count += (uint32_t)1 << order;
	z->pcp_pages += (uint64_t)1 << order;
}

static void sim_pcp_del(struct sim_zone *z, struct sim_pcp *p, unsigned pi, uint32_t pfn)
{
	struct sim_link *l = z->link, x = l[pfn];
	unsigned order = SIM_ORDER(z->info[pfn]);

	if (x.prev != SIM_NIL)
		l[x.prev].next = x.next;
	else
		p->head[pi] = x.next;
	if (x.next != SIM_NIL)
		l[x.next].prev = x.prev;
	else
		p->tail[pi] = x.prev;
	z->info[pfn] = 0;
	p->count -= (uint32_t)1 << order;
	z->pcp_pages -= (uint64_t)1 << order;
}

/* zone_batchsize (CONFIG_MMU) */
static uint32_t sim_zone_batchsize(const struct sim_machine *m, const struct sim_zone *z)
{
	uint64_t batch = z->npages >> 10, cap = (UINT64_C(1) << 20) / m->cfg.page_size;
	uint64_t r = 1;

	if (batch > cap)
		batch = cap;
	batch /= 4;
	if (batch < 1)
		batch = 1;
	batch += batch / 2;
	while (r * 2 <= batch)
		r *= 2;
	return (uint32_t)(r - 1 ? r - 1 : 1);
}

int sim_pcp_setup(struct sim_machine *m)
{
	unsigned n = m->cfg.pcp_cpus;

	m->pcp_on = false;
	/* pcp_allowed_order: order <= PAGE_ALLOC_COSTLY_ORDER since 5.15,
	 * order 0 only before (kernel-facts-decision.md §0.8) */
	m->pcp_orders = m->cfg.kernel_version >= SIM_KVER(5, 15) ? SIM_PCP_ORDERS : 1;
	m->pcp_thp_order = m->cfg.kernel_version >= SIM_KVER(5, 15) && m->pbo >= SIM_PCP_ORDERS
				   ? m->pbo : ~0u;
	if (n == 0)
		return 0;
	if (n > 4096 || m->cfg.pcp_cpu >= n)
		return -EINVAL;
	for (unsigned zi = 0; zi < m->nzones; zi++) {
		struct sim_zone *z = &m->zones[zi];
		uint32_t batch = m->cfg.zones[zi].pcp_batch, high = m->cfg.zones[zi].pcp_high;
		z->pcp = calloc(n, sizeof *z->pcp);
		if (!z->pcp)
			return -ENOMEM;
		if (batch == 0)
			batch = sim_zone_batchsize(m, z);
		if (high == 0) {
			/* zone_highsize, percpu_pagelist_high_fraction 0:
			 * low watermark split over the node's CPUs + 1, at
			 * least 4 batches */
			uint64_t h = z->wmark[1] / (n + 1);
			if (h < (uint64_t)batch << 2)
				h = (uint64_t)batch << 2;
			high = (uint32_t)h;
		}
		for (unsigned c = 0; c < n; c++) {
			struct sim_pcp *p = &z->pcp[c];
			for (unsigned i = 0; i < SIM_PCP_LISTS; i++)
				p->head[i] = p->tail[i] = SIM_NIL;
			p->high = high;
			p->batch = batch;
		}
	}
	m->pcp_on = true;
	return 0;
}

void sim_pcp_release(struct sim_machine *m)
{
	for (unsigned zi = 0; zi < m->nzones; zi++) {
		free(m->zones[zi].pcp);
		m->zones[zi].pcp = NULL;
	}
}

/* free_pcppages_bulk: round-robin over the lists from pindex, the oldest
 * pages (tail) first, each through __free_one_page. */
static void sim_pcp_bulk(struct sim_machine *m, struct sim_zone *z, struct sim_pcp *p,
			 int64_t count, unsigned pindex)
{
	unsigned pi = pindex + SIM_PCP_LISTS - 1;

	if (count > (int64_t)p->count)
		count = p->count;
	while (count > 0) {
		unsigned order;
		do {
			pi = (pi + 1) % SIM_PCP_LISTS;
		} while (p->head[pi] == SIM_NIL);
		order = sim_pindex_order(m, pi);
		do {
			uint32_t pfn = p->tail[pi];
			sim_pcp_del(z, p, pi, pfn);
			count -= (int64_t)1 << order;
			sim_free_one(m, z, pfn, order);
		} while (count > 0 && p->head[pi] != SIM_NIL);
	}
}

/* free_unref_page + free_unref_page_commit (v6.12) */
void sim_pcp_free(struct sim_machine *m, struct sim_zone *z, uint32_t pfn, unsigned order)
{
	struct sim_pcp *p = sim_cpu(m, z);
	unsigned mt = sim_pbtype(m, z, pfn), pi;
	uint32_t batch = p->batch, high;
	bool free_high = false;

	if (mt >= SIM_MT_PCPTYPES)
		mt = SIM_MT_MOVABLE;   /* HighAtomic pages go on the Movable list */
	p->alloc_factor >>= 1;
	pi = sim_pindex(order, mt);
	sim_pcp_add(z, p, pi, pfn, order, mt, false);
	if (order && order < SIM_PCP_ORDERS) {
		/* PCPF_FREE_HIGH_BATCH unset */
		free_high = p->free_count >= batch && p->prev_free_high;
		p->prev_free_high = true;
	} else {
		p->prev_free_high = false;
	}
	if (p->free_count < (batch << PCP_BATCH_SCALE_MAX))
		p->free_count += (uint32_t)1 << order;
	/* nr_pcp_high with high_min == high_max */
	high = free_high ? 0 : p->high;
	if (p->count >= high) {
		int64_t n;
		/* nr_pcp_free */
		if (free_high)
			n = p->count < (batch << PCP_BATCH_SCALE_MAX) ? p->count
								     : (batch << PCP_BATCH_SCALE_MAX);
		else if (high < batch)
			n = 1;
		else {
			n = p->free_count;
			if (n > (int64_t)(high - batch))
				n = high - batch;
			if (n < (int64_t)batch)
				n = batch;
		}
		sim_pcp_bulk(m, z, p, n, pi);
	}
}

/* nr_pcp_alloc with high_min == high_max */
static int64_t sim_nr_pcp_alloc(struct sim_pcp *p, unsigned order)
{
	int64_t high = p->high, base = p->batch, batch, max_nr;

	if (high < base)
		return 1;
	batch = order ? base : base << p->alloc_factor;
	if (!order) {
		max_nr = high - (int64_t)p->count - base;
		if (max_nr < base)
			max_nr = base;
		if (batch <= max_nr && p->alloc_factor < PCP_BATCH_SCALE_MAX)
			p->alloc_factor++;
		if (batch > max_nr)
			batch = max_nr;
	}
	if (batch > 1) {
		batch >>= order;
		if (batch < 2)
			batch = 2;
	}
	return batch;
}

/* rmqueue_pcplist + __rmqueue_pcplist + rmqueue_bulk */
uint32_t sim_pcp_rmqueue(struct sim_machine *m, struct sim_zone *z, unsigned order, unsigned mt,
			 bool nofragment)
{
	struct sim_pcp *p = sim_cpu(m, z);
	unsigned pi = sim_pindex(order, mt);
	uint32_t pfn;

	p->free_count >>= 1;
	if (p->head[pi] == SIM_NIL) {
		int64_t n = sim_nr_pcp_alloc(p, order);
		for (int64_t i = 0; i < n; i++) {
			uint32_t q = sim_rmqueue(m, z, order, mt, nofragment);
			if (q == SIM_NIL)
				break;
			sim_pcp_add(z, p, pi, q, order, mt, true);
		}
		if (p->head[pi] == SIM_NIL)
			return SIM_NIL;
	}
	pfn = p->head[pi];
	sim_pcp_del(z, p, pi, pfn);
	return pfn;
}

void sim_pcp_drain(struct sim_machine *m, struct sim_zone *z, unsigned cpu)
{
	struct sim_pcp *p;

	if (!m->pcp_on || cpu >= m->cfg.pcp_cpus)
		return;
	p = &z->pcp[cpu];
	if (p->count)
		sim_pcp_bulk(m, z, p, p->count, 0);
}

void sim_pcp_drain_all(struct sim_machine *m)
{
	if (!m->pcp_on)
		return;
	for (unsigned zi = 0; zi < m->nzones; zi++)
		for (unsigned c = 0; c < m->cfg.pcp_cpus; c++)
			sim_pcp_drain(m, &m->zones[zi], c);
}

int sim_zone_set_pcp(struct sim_machine *m, unsigned zi, unsigned cpu, unsigned high,
		     unsigned batch)
{
	if (!m->pcp_on || zi >= m->nzones || cpu >= m->cfg.pcp_cpus || batch == 0)
		return -EINVAL;
	m->zones[zi].pcp[cpu].high = high;
	m->zones[zi].pcp[cpu].batch = batch;
	return 0;
}

uint64_t sim_zone_pcp_pages(const struct sim_machine *m, unsigned z, int cpu)
{
	if (!m->pcp_on || z >= m->nzones)
		return 0;
	if (cpu < 0)
		return m->zones[z].pcp_pages;
	return (unsigned)cpu < m->cfg.pcp_cpus ? m->zones[z].pcp[cpu].count : 0;
}

int sim_seed_pcp(struct sim_machine *m, unsigned zi, unsigned cpu, uint32_t pfn, unsigned order)
{
	struct sim_zone *z;
	uint32_t n = (uint32_t)1 << order;
	unsigned mt;

	if (!m->pcp_on || zi >= m->nzones || cpu >= m->cfg.pcp_cpus || !sim_pcp_allowed(m, order))
		return -EINVAL;
	z = &m->zones[zi];
	if ((pfn & (n - 1)) || (uint64_t)pfn + n > z->npages)
		return -EINVAL;
	for (uint32_t q = pfn; q < pfn + n; q++)
		if (SIM_STATE(z->info[q]) != SIM_ST_ALLOC || SIM_ORDER(z->info[q]) != 0 ||
		    sim_kind_of(z, q) != SIM_KIND_NORMAL)
			return -EINVAL;
	for (uint32_t q = pfn; q < pfn + n; q++)
		z->info[q] = 0;
	mt = sim_pbtype(m, z, pfn);
	if (mt >= SIM_MT_PCPTYPES)
		mt = SIM_MT_MOVABLE;
	sim_pcp_add(z, &z->pcp[cpu], sim_pindex(order, mt), pfn, order, mt, false);
	return 0;
}

#define PCP_FAIL(...) do { snprintf(msg, size, __VA_ARGS__); return -EUCLEAN; } while (0)

int sim_pcp_check(const struct sim_machine *m, const struct sim_zone *z, char *msg, size_t size)
{
	uint64_t total = 0, heads = 0;

	if (!z->pcp)
		return 0;
	for (unsigned c = 0; c < m->cfg.pcp_cpus; c++) {
		const struct sim_pcp *p = &z->pcp[c];
		uint64_t cnt = 0;
		for (unsigned pi = 0; pi < SIM_PCP_LISTS; pi++) {
			uint32_t prev = SIM_NIL, q;
			uint64_t len = 0;
			for (q = p->head[pi]; q != SIM_NIL; q = z->link[q].next) {
				uint8_t b;
				if (q >= z->npages || ++len > z->npages)
					PCP_FAIL("zone %s: cpu %u pcp list %u corrupt", z->name, c, pi);
				b = z->info[q];
				if (SIM_STATE(b) != SIM_ST_PCP ||
				    SIM_ORDER(b) != sim_pindex_order(m, pi) ||
				    sim_pindex(SIM_ORDER(b), SIM_MTOF(b)) != pi)
					PCP_FAIL("zone %s: pfn %u on cpu %u pcp list %u is not such a page",
						 z->name, q, c, pi);
				if (z->link[q].prev != prev)
					PCP_FAIL("zone %s: pcp pfn %u has a bad prev link", z->name, q);
				prev = q;
				cnt += (uint64_t)1 << SIM_ORDER(b);
			}
			if (p->tail[pi] != prev)
				PCP_FAIL("zone %s: cpu %u pcp list %u tail wrong", z->name, c, pi);
			heads += len;
		}
		if (cnt != p->count)
			PCP_FAIL("zone %s: cpu %u pcp count %u, lists hold %llu", z->name, c, p->count,
				 (unsigned long long)cnt);
		total += cnt;
	}
	if (total != z->pcp_pages)
		PCP_FAIL("zone %s: pcp pages %llu, counter says %llu", z->name,
			 (unsigned long long)total, (unsigned long long)z->pcp_pages);
	/* every SIM_ST_PCP head must be on a list */
	for (uint32_t q = 0; q < z->npages; q++)
		if (SIM_STATE(z->info[q]) == SIM_ST_PCP)
			heads--;
	if (heads != 0)
		PCP_FAIL("zone %s: per-cpu pages off every list", z->name);
	return 0;
}
