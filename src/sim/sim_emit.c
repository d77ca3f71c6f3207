#include "config.h"

#include "sim_emit.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvocab.h"
#include "sim_internal.h"

/* vmstat order of the kernel's vmstat_text for the counters we keep */
static const enum sim_cnt sim_vmstat_order[] = {
	SIM_CNT_PGMIGRATE_SUCCESS,
	SIM_CNT_PGMIGRATE_FAIL,
	SIM_CNT_COMPACT_MIGRATE_SCANNED,
	SIM_CNT_COMPACT_FREE_SCANNED,
	SIM_CNT_COMPACT_ISOLATED,
	SIM_CNT_COMPACT_STALL,
	SIM_CNT_COMPACT_FAIL,
	SIM_CNT_COMPACT_SUCCESS,
	SIM_CNT_COMPACT_DAEMON_WAKE,
	SIM_CNT_COMPACT_DAEMON_MIGRATE_SCANNED,
	SIM_CNT_COMPACT_DAEMON_FREE_SCANNED,
};
_Static_assert(sizeof sim_vmstat_order / sizeof sim_vmstat_order[0] == SIM_CNT_NR_VMSTAT,
	       "vmstat order table out of sync");

uint64_t sim_min_free_kbytes(const struct sim_machine *m)
{
	return m->min_free_kbytes;
}

static uint64_t sim_free_total(const struct sim_machine *m)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < m->nzones; i++)
		n += m->zones[i].free_pages;
	return n;
}

/* Zone i's zoneinfo fields (every one of kvocab.h's, and protection). */
static void sim_zone_fields(const struct sim_machine *m, unsigned i, struct fs_zone *fz)
{
	const struct sim_zone *z = &m->zones[i];
	uint64_t gap = z->wmark[1] - z->wmark[0];

	fz->has_zoneinfo = true;
	fz->zi_index = (int)i;
	fz->zi_have = FS_ZI_PROTECTION;
	for (unsigned f = 0; f < FS_ZF_COUNT; f++)
		fz->zi_have |= fs_zi_fields[f].bit;
	fz->pages_free = z->free_pages;
	fz->boost = 0;
	fz->min = z->wmark[0];
	fz->low = z->wmark[1];
	fz->high = z->wmark[2];
	fz->promo = z->wmark[2] + gap;
	fz->spanned = fz->present = fz->managed = z->npages;
	fz->cma = 0;
	fz->start_pfn = z->start_pfn;
	fz->nprotection = m->nzones;
	for (unsigned j = 0; j < m->nzones; j++)
		fz->protection[j] = z->reserve[j];
}

int sim_emit_snapshot(const struct sim_machine *m, struct fs_snapshot *s)
{
	struct fs_node *n;

	s->kind = FS_KIND_SIMULATED;
	s->page_size = m->cfg.page_size;
	s->page_size_assumed = false;
	s->page_size_from = FS_PS_SIMULATED;
	s->orders = m->orders;
	s->pageblock_order = (int)m->pbo;
	s->pages_per_block = m->pb_pages;
	s->time_known = false;   /* a simulated state was never read from a kernel */
	s->time_sec = 0;
	s->time_nsec = 0;
	s->src[FS_SRC_BUDDYINFO] = FS_ST_OK;
	s->src[FS_SRC_PAGETYPEINFO] = FS_ST_OK;
	s->src[FS_SRC_ZONEINFO] = FS_ST_OK;
	s->src[FS_SRC_VMSTAT] = FS_ST_OK;
	s->src[FS_SRC_EXTFRAG_THRESHOLD] = FS_ST_OK;
	s->src[FS_SRC_COMPACTION_PROACTIVENESS] = FS_ST_OK;
	s->src[FS_SRC_WATERMARK_SCALE_FACTOR] = FS_ST_OK;
	s->src[FS_SRC_MIN_FREE_KBYTES] = FS_ST_OK;
	s->nmt = 0;
	for (unsigned t = 0; t < SIM_NR_MT; t++)
		if (fs_snapshot_mt_index(s, sim_mt_name((enum sim_mt)t)) != (int)t)
			return -ENOMEM;
	n = fs_snapshot_node_get(s, 0);
	if (!n)
		return -ENOMEM;
	for (unsigned i = 0; i < m->nzones; i++) {
		const struct sim_zone *z = &m->zones[i];
		struct fs_zone *fz = fs_node_zone_get(n, z->name);
		if (!fz)
			return -ENOMEM;
		fz->has_buddy = true;
		fz->has_types = true;
		fz->has_blocks = true;
		for (unsigned o = 0; o < m->orders; o++) {
			fz->free[o] = z->nr_free[o];
			for (unsigned t = 0; t < SIM_NR_MT; t++)
				fz->free_by_type[t][o] = z->nr_mt[o][t];
		}
		for (unsigned t = 0; t < SIM_NR_MT; t++)
			fz->blocks[t] = sim_zone_blocks(m, i, (enum sim_mt)t);
		sim_zone_fields(m, i, fz);
		if (fs_kv_set(&fz->zone_stats, fs_vm_name(FS_VM_NR_FREE_PAGES), z->free_pages))
			return -ENOMEM;
	}
	s->extfrag_threshold.present = true;
	s->extfrag_threshold.value = m->cfg.extfrag_threshold;
	s->compaction_proactiveness.present = true;
	s->compaction_proactiveness.value = m->cfg.proactiveness;
	s->watermark_scale_factor.present = true;
	s->watermark_scale_factor.value = m->cfg.watermark_scale_factor;
	s->min_free_kbytes.present = true;
	s->min_free_kbytes.value = (int64_t)sim_min_free_kbytes(m);
	if (fs_kv_set(&s->vmstat, fs_vm_name(FS_VM_NR_FREE_PAGES), sim_free_total(m)))
		return -ENOMEM;
	for (unsigned c = 0; c < SIM_CNT_NR_VMSTAT; c++)
		if (fs_kv_set(&s->vmstat, sim_cnt_name(sim_vmstat_order[c]),
			      m->cnt[sim_vmstat_order[c]]))
			return -ENOMEM;
	return 0;
}

/* ---- /proc files ---------------------------------------------------------------- */

static int sim_write_buddyinfo(const struct sim_machine *m, FILE *f)
{
	for (unsigned i = 0; i < m->nzones; i++) {
		fprintf(f, "Node %d, zone %8s ", 0, m->zones[i].name);
		for (unsigned o = 0; o < m->orders; o++)
			fprintf(f, "%6" PRIu64 " ", m->zones[i].nr_free[o]);
		fputc('\n', f);
	}
	return 0;
}

static int sim_write_pagetypeinfo(const struct sim_machine *m, FILE *f)
{
	fprintf(f, "Page block order: %u\n", m->pbo);
	fprintf(f, "Pages per block:  %lu\n", (unsigned long)m->pb_pages);
	fputc('\n', f);
	fprintf(f, "%-43s ", "Free pages count per migrate type at order");
	for (unsigned o = 0; o < m->orders; o++)
		fprintf(f, "%6u ", o);
	fputc('\n', f);
	for (unsigned i = 0; i < m->nzones; i++)
		for (unsigned t = 0; t < SIM_NR_MT; t++) {
			fprintf(f, "Node %4d, zone %8s, type %12s ", 0, m->zones[i].name,
				sim_mt_name((enum sim_mt)t));
			for (unsigned o = 0; o < m->orders; o++) {
				uint64_t v = m->zones[i].nr_mt[o][t];
				/* the kernel stops counting when the count reaches
				 * 100000 and prints it capped (5.4+:
				 * pagetypeinfo_showfree_print, ++freecount >= 100000) */
				fprintf(f, "%s%6" PRIu64 " ", v >= FS_PAGETYPE_COUNT_CAP ? FS_CAPPED_MARK : "",
					v >= FS_PAGETYPE_COUNT_CAP ? (uint64_t)FS_PAGETYPE_COUNT_CAP : v);
			}
			fputc('\n', f);
		}
	fprintf(f, "\n%-23s", "Number of blocks type ");
	for (unsigned t = 0; t < SIM_NR_MT; t++)
		fprintf(f, "%12s ", sim_mt_name((enum sim_mt)t));
	fputc('\n', f);
	for (unsigned i = 0; i < m->nzones; i++) {
		fprintf(f, "Node %d, zone %8s ", 0, m->zones[i].name);
		for (unsigned t = 0; t < SIM_NR_MT; t++)
			fprintf(f, "%12" PRIu64 " ", sim_zone_blocks(m, i, (enum sim_mt)t));
		fputc('\n', f);
	}
	return 0;
}

static int sim_write_zoneinfo(const struct sim_machine *m, FILE *f)
{
	for (unsigned i = 0; i < m->nzones; i++) {
		const struct sim_zone *z = &m->zones[i];
		struct fs_zone fz = { .zi_index = -1 };
		unsigned k = 0;
		fprintf(f, "Node %d, zone %8s", 0, z->name);
		if (i == 0) {
			fprintf(f, "\n  per-node stats");
			fprintf(f, "\n      %-12s %lu", fs_vm_name(FS_VM_NR_INACTIVE_ANON), 0UL);
			fprintf(f, "\n      %-12s %lu", fs_vm_name(FS_VM_NR_ACTIVE_ANON), 0UL);
		}
		/* zoneinfo_show_print: "pages free", then kvocab.h's fields in
		 * the kernel's order ("%-8s" fits the longest, "spanned"). */
		sim_zone_fields(m, i, &fz);
		fprintf(f, "\n  %s     %" PRIu64, fs_zi_fields[FS_ZF_FREE].name, fz.pages_free);
		for (const struct fs_zi_field *zf; (zf = fs_zi_kline(k + 1)) != NULL; k++)
			fprintf(f, "\n        %-8s %" PRIu64, zf->name, fs_zi_get(&fz, zf));
		fprintf(f, "\n        %s: (%" PRId64, FS_ZI_PROTECTION_NAME, z->reserve[0]);
		for (unsigned j = 1; j < m->nzones; j++)
			fprintf(f, ", %" PRId64, z->reserve[j]);
		fputc(')', f);
		fprintf(f, "\n      %-12s %" PRIu64, fs_vm_name(FS_VM_NR_FREE_PAGES), z->free_pages);
		fprintf(f, "\n      %-12s %lu", fs_vm_name(FS_VM_NR_FREE_CMA), 0UL);
		fprintf(f, "\n  pagesets");
		fprintf(f, "\n    cpu: %i"
			"\n              count:    %i"
			"\n              high:     %i"
			"\n              batch:    %i"
			"\n              high_min: %i"
			"\n              high_max: %i", 0, 0, 0, 1, 0, 0);
		fprintf(f, "\n  vm stats threshold: %d", 0);
		fprintf(f, "\n  node_unreclaimable:  %u"
			"\n  %s:           %" PRIu64, 0U, fs_zi_fields[FS_ZF_START_PFN].name, z->start_pfn);
		fputc('\n', f);
	}
	return 0;
}

static int sim_write_vmstat(const struct sim_machine *m, FILE *f)
{
	fprintf(f, "%s %" PRIu64 "\n", fs_vm_name(FS_VM_NR_FREE_PAGES), sim_free_total(m));
	for (unsigned c = 0; c < SIM_CNT_NR_VMSTAT; c++)
		fprintf(f, "%s %" PRIu64 "\n", sim_cnt_name(sim_vmstat_order[c]),
			m->cnt[sim_vmstat_order[c]]);
	return 0;
}

/* Print one file into memory with writer, then into the tree. */
static int sim_put(struct sw_tree *t, const char *rel, const struct sim_machine *m,
		   int (*writer)(const struct sim_machine *, FILE *), int64_t value,
		   struct sw_diag *d)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	if (!f)
		return -ENOMEM;
	if (writer)
		writer(m, f);
	else
		fprintf(f, "%" PRId64 "\n", value);
	if (ferror(f)) {
		fclose(f);
		free(text);
		return -ENOMEM;
	}
	if (fclose(f)) {
		free(text);
		return -ENOMEM;
	}
	rc = sw_tree_put(t, rel, text, len, d);
	free(text);
	return rc;
}

/* The note a capture writes beside its files (collect.c reads it): the
 * page size, which no /proc file of the tree states; no time (a simulated
 * state was never read from a clock). */
static int sim_write_note(const struct sim_machine *m, FILE *f)
{
	fprintf(f, "# fragstat simulate --emit-root: a simulated state in the --root layout.\n"
		   "# Read it with: fragstat snapshot --root DIR.\n");
	fprintf(f, "fragstat_version: %s\n", PACKAGE_VERSION);
	fprintf(f, "source: simulated\n");
	fprintf(f, "page_size: %" PRIu64 "\n", m->cfg.page_size);
	return 0;
}

int sim_emit_root(const struct sim_machine *m, struct sw_tree *t, struct sw_diag *d)
{
	static const char *const files[] = { "proc/buddyinfo", "proc/pagetypeinfo",
					     "proc/zoneinfo", "proc/vmstat", "fragstat-capture.txt" };
	int (*const writers[])(const struct sim_machine *, FILE *) = {
		sim_write_buddyinfo, sim_write_pagetypeinfo, sim_write_zoneinfo, sim_write_vmstat,
		sim_write_note,
	};
	const struct { const char *rel; int64_t v; } sysvm[] = {
		{ "proc/sys/vm/extfrag_threshold", m->cfg.extfrag_threshold },
		{ "proc/sys/vm/compaction_proactiveness", m->cfg.proactiveness },
		{ "proc/sys/vm/watermark_scale_factor", m->cfg.watermark_scale_factor },
		{ "proc/sys/vm/min_free_kbytes", (int64_t)sim_min_free_kbytes(m) },
	};
	int rc;

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		if ((rc = sim_put(t, files[i], m, writers[i], 0, d)))
			return rc;
	for (size_t i = 0; i < sizeof sysvm / sizeof sysvm[0]; i++)
		if ((rc = sim_put(t, sysvm[i].rel, m, NULL, sysvm[i].v, d)))
			return rc;
	return 0;
}

int sim_emit_root_commit(const struct sim_machine *m, struct sw_tree *t, struct sw_diag *d)
{
	int rc = sim_emit_root(m, t, d);

	if (rc) {
		sw_tree_abort(t);
		return rc;
	}
	return sw_tree_commit(t, d);
}
