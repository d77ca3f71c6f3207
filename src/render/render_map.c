#include "config.h"

#include "render_map.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <string.h>

#include "render_json.h"
#include "kvocab.h"

/* Cells, their colours and the order "worst" follows: a group of blocks is
 * drawn as the class that does most to keep huge pages from forming. */
static const struct {
	char ch;
	const char *color;
	int rank;
	const char *legend;
} cells[FS_BC_COUNT + 1] = {
	[FS_BC_PARTIAL] = { '-', "\033[2m", 0, "cut by the zone span (not counted)" },
	[FS_BC_FREE] = { '.', "\033[32m", 1, "free or unused pages only" },
	[FS_BC_MOVABLE] = { 'm', "\033[36m", 2, "movable and free pages: compaction can empty it" },
	[FS_BC_RESERVED] = { 'r', "\033[34m", 3, "reserved pages or holes only" },
	[FS_BC_HUGETLB] = { 'H', "\033[35m", 4, "holds a hugetlb page" },
	[FS_BC_MIXED] = { 'x', "\033[33m", 5, "movable pages beside unmovable ones" },
	[FS_BC_UNMOVABLE] = { 'U', "\033[31m", 6, "no free or movable page" },
};

char fs_bclass_char(enum fs_bclass c)
{
	return (unsigned)c <= FS_BC_PARTIAL ? cells[c].ch : '?';
}

const char *fs_map_grouped(char *buf, size_t size, uint64_t v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof tmp, "%" PRIu64, v);
	size_t o = 0;
	for (int i = 0; i < n && o + 1 < size; i++) {
		if (i && (n - i) % 3 == 0 && o + 2 < size)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o < size ? o : size - 1] = '\0';
	return buf;
}

void fs_map_wrap(FILE *out, const char *lead, unsigned indent, unsigned width, const char *text)
{
	size_t col = strlen(lead);
	const char *p = text;
	fputs(lead, out);
	if (width < 40)
		width = 40;
	bool first = true;
	while (*p) {
		while (*p == ' ')
			p++;
		size_t w = strcspn(p, " ");
		if (!w)
			break;
		if (!first && col + 1 + w > width) {
			fprintf(out, "\n%*s", (int)indent, "");
			col = indent;
		} else if (!first) {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, w, out);
		col += w;
		p += w;
		first = false;
	}
	fputc('\n', out);
}

static uint64_t whole_blocks(const struct fs_pm_zone *z)
{
	uint64_t n = 0;
	for (int i = 0; i < FS_BC_COUNT; i++)
		n += z->blocks[i];
	return n;
}

void fs_map_limit_sentence(char *buf, size_t size, const struct fs_report *r,
			   const struct fs_zone_report *zr)
{
	const struct fs_pm_zone *z = zr->pm;
	const struct fs_pagemap *pm = r->snap->pagemap;
	char a[32], b[32], c[32], d[32], e[32], f[32], g[32];
	uint64_t stuck = z->blocks[FS_BC_MIXED] + z->blocks[FS_BC_UNMOVABLE];
	uint64_t by_blocks = z->blocks[FS_BC_FREE] + z->blocks[FS_BC_MOVABLE];
	uint64_t by_free = zr->free_pages >> pm->pageblock_order;
	uint64_t ceiling = by_blocks < by_free ? by_blocks : by_free;
	size_t o = 0;
	int n;
	if (stuck) {
		n = snprintf(buf, size, "%s pageblock%s hold%s pages compaction cannot move (",
			     fs_map_grouped(a, sizeof a, stuck), stuck == 1 ? "" : "s", stuck == 1 ? "s" : "");
		static const struct { int c; const char *what; } obst[] = {
			{ FS_PC_SLAB, "slab" }, { FS_PC_PAGETABLE, "page-table" },
			{ FS_PC_OTHER, "other kernel" }, { FS_PC_RESERVED, "reserved" },
			{ FS_PC_HOLE, "hole" }, { FS_PC_UNEVICTABLE, "unevictable" },
		};
		bool first = true;
		for (size_t i = 0; i < sizeof obst / sizeof obst[0] && n > 0 && (size_t)n < size; i++) {
			uint64_t v = z->blocker_pages[obst[i].c];
			if (!v || (obst[i].c == FS_PC_UNEVICTABLE && pm->unevictable_movable))
				continue;
			int m = snprintf(buf + n, size - (size_t)n, "%s%s %s", first ? "" : ", ",
					 fs_map_grouped(b, sizeof b, v), obst[i].what);
			if (m < 0)
				return;
			n += m;
			first = false;
		}
		if (n > 0 && (size_t)n < size)
			n += snprintf(buf + n, size - (size_t)n, " pages among them)");
		(void)c;
		(void)d;
	} else
		n = snprintf(buf, size, "no pageblock holds a page compaction cannot move");
	if (n < 0 || (size_t)n >= size)
		return;
	o = (size_t)n;
	n = snprintf(buf + o, size - o, ": compaction can free at most %s of %s pageblocks",
		     fs_map_grouped(e, sizeof e, ceiling), fs_map_grouped(f, sizeof f, whole_blocks(z)));
	if (n < 0 || (size_t)n >= size - o)
		return;
	o += (size_t)n;
	if (by_free < by_blocks) {
		n = snprintf(buf + o, size - o, " (free memory is the limit: %s free pages fill %s pageblocks)",
			     fs_map_grouped(g, sizeof g, zr->free_pages), fs_map_grouped(a, sizeof a, by_free));
		if (n < 0 || (size_t)n >= size - o)
			return;
		o += (size_t)n;
	}
	if (z->blocks[FS_BC_HUGETLB] || z->blocks[FS_BC_RESERVED])
		snprintf(buf + o, size - o, "; %s hold%s hugetlb pages, %s hold%s only reserved pages or holes",
			 fs_map_grouped(b, sizeof b, z->blocks[FS_BC_HUGETLB]),
			 z->blocks[FS_BC_HUGETLB] == 1 ? "s" : "",
			 fs_map_grouped(c, sizeof c, z->blocks[FS_BC_RESERVED]),
			 z->blocks[FS_BC_RESERVED] == 1 ? "s" : "");
}

void fs_map_unused_sentence(char *buf, size_t size, const struct fs_report *r,
			    const struct fs_zone_report *zr)
{
	const struct fs_pm_zone *z = zr->pm;
	const struct fs_zone *zn = zr->zone;
	uint64_t u = z->pages[FS_PC_UNUSED];
	char a[32], b[32], c[32], d[32];
	buf[0] = '\0';
	if (!u)
		return;
	uint64_t pcp = zn->has_pcp ? zn->pcp_count : 0;
	uint64_t rest = u > pcp ? u - pcp : 0;
	int n = snprintf(buf, size, "%s pages carry no flags and no mapping", fs_map_grouped(a, sizeof a, u));
	if (n < 0 || (size_t)n >= size)
		return;
	size_t o = (size_t)n;
	if (zn->has_pcp) {
		n = snprintf(buf + o, size - o, "; the per-cpu lists hold %s (zoneinfo \"count:\")",
			     fs_map_grouped(b, sizeof b, pcp));
		if (n < 0 || (size_t)n >= size - o)
			return;
		o += (size_t)n;
	}
	if (!rest)
		return;
	const unsigned need = FS_ZI_PRESENT | FS_ZI_MANAGED;
	/* present - managed is memblock-reserved memory; the memmap alone is
	 * about present * sizeof(struct page) / PAGE_SIZE, 1/64 with 4 KiB pages
	 * (kernel-facts-pages C.7). Far more than that, and most flagless pages
	 * are memory the kernel has not initialised yet (deferred init). */
	if ((zn->zi_have & need) == need && zn->present >= zn->managed) {
		uint64_t gap = zn->present - zn->managed;
		/* Deferred init grows in whole sections (128 MiB on x86_64):
		 * ask for at least that much, and a gap that covers most of it. */
		uint64_t section = (128ull << 20) / r->snap->page_size;
		if (gap > zn->present / 32 && rest >= section && gap >= rest / 2) {
			snprintf(buf + o, size - o,
				 "; the other %s most likely are memory the kernel has not initialised yet (present - managed = %s pages, far more than memblock reservations take)",
				 fs_map_grouped(c, sizeof c, rest), fs_map_grouped(d, sizeof d, gap));
			return;
		}
	}
	snprintf(buf + o, size - o, "; the other %s most likely are kernel allocations without page flags (vmalloc, stacks, per-cpu areas)",
		 fs_map_grouped(c, sizeof c, rest));
}

static unsigned rows_for(const struct fs_report *r, unsigned cols, uint64_t per)
{
	uint64_t rows = 0;
	for (size_t i = 0; i < r->nnodes; i++)
		for (unsigned z = 0; z < r->nodes[i].nzones; z++) {
			const struct fs_pm_zone *pz = r->nodes[i].zones[z].pm;
			if (!pz)
				continue;
			uint64_t ncells = (pz->nblocks + per - 1) / per;
			rows += (ncells + cols - 1) / cols;
		}
	return rows > 100000 ? 100000 : (unsigned)rows;
}

static void put_cell(FILE *out, bool color, int bc)
{
	if (color)
		fprintf(out, "%s%c\033[0m", cells[bc].color, cells[bc].ch);
	else
		fputc(cells[bc].ch, out);
}

int fs_render_map(FILE *out, const struct fs_report *r, const struct fs_map_opts *o)
{
	const struct fs_pagemap *pm = r->snap->pagemap;
	const unsigned label = 12;   /* "0x123456789 " */
	unsigned width = o->width < 40 ? 40 : o->width;
	unsigned cols = width - label - 2;
	unsigned rows = o->rows ? o->rows : 40;
	uint64_t per = o->per_cell;
	char sz[32], a[32], b[32], line[1024];

	if (cols > 256)
		cols = 256;
	if (!per) {
		per = 1;
		while (rows_for(r, cols, per) > rows && per < (1ull << 40))
			per *= 2;
	}
	uint64_t bbytes = r->snap->page_size << pm->pageblock_order;
	if (bbytes >= (1u << 20))
		snprintf(sz, sizeof sz, "%" PRIu64 " MiB", bbytes >> 20);
	else
		snprintf(sz, sizeof sz, "%" PRIu64 " KiB", bbytes >> 10);
	snprintf(line, sizeof line, "Physical memory by pageblock (order %d, %s%s); one cell = %s pageblock%s%s",
		 pm->pageblock_order, sz, pm->pageblock_order_assumed ? ", order assumed" : "",
		 fs_map_grouped(a, sizeof a, per), per == 1 ? "" : "s",
		 per == 1 ? "" : ", drawn as the worst of them");
	fs_map_wrap(out, "", 2, width, line);
	for (size_t i = 0; i < r->nnodes; i++) {
		const struct fs_node_report *nr = &r->nodes[i];
		for (unsigned zi = 0; zi < nr->nzones; zi++) {
			const struct fs_zone_report *zr = &nr->zones[zi];
			const struct fs_pm_zone *z = zr->pm;
			if (!z)
				continue;
			fprintf(out, "\nNode %d, zone %s: pfns 0x%" PRIx64 "-0x%" PRIx64 ", %s pageblocks\n",
				nr->node, z->name, z->start_pfn, z->end_pfn - 1, fs_map_grouped(a, sizeof a, z->nblocks));
			size_t lo = 0;
			for (int c = 0; c < FS_BC_COUNT && lo < sizeof line; c++)
				lo += (size_t)snprintf(line + lo, sizeof line - lo, "%s%s %s", c ? ", " : "",
						       fs_bclass_name(c), fs_map_grouped(b, sizeof b, z->blocks[c]));
			if (z->partial_blocks && lo < sizeof line)
				snprintf(line + lo, sizeof line - lo, "; %" PRIu64 " cut by the zone span",
					 z->partial_blocks);
			fs_map_wrap(out, "  ", 4, width, line);
			fs_map_limit_sentence(line, sizeof line, r, zr);
			fs_map_wrap(out, "  ", 4, width, line);
			fs_map_unused_sentence(line, sizeof line, r, zr);
			if (*line)
				fs_map_wrap(out, "  ", 4, width, line);
			for (uint64_t cell0 = 0; cell0 * per < z->nblocks; cell0 += cols) {
				uint64_t blk = z->first_block + cell0 * per;
				fprintf(out, "  0x%09" PRIx64 " ", blk << pm->pageblock_order);
				for (uint64_t c = cell0; c < cell0 + cols && c * per < z->nblocks; c++) {
					int worst = -1;
					for (uint64_t k = c * per; k < (c + 1) * per && k < z->nblocks; k++) {
						int bc = z->block[k];
						if (worst < 0 || cells[bc].rank > cells[worst].rank)
							worst = bc;
					}
					put_cell(out, o->color, worst);
				}
				fputc('\n', out);
			}
		}
	}
	fputs("\nLegend (worst first):", out);
	static const int order[] = { FS_BC_UNMOVABLE, FS_BC_MIXED, FS_BC_HUGETLB, FS_BC_RESERVED,
				     FS_BC_PARTIAL, FS_BC_MOVABLE, FS_BC_FREE };
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		fputs("\n  ", out);
		put_cell(out, o->color, order[i]);
		fprintf(out, " %-9s %s", fs_bclass_name(order[i]), cells[order[i]].legend);
	}
	fputs("\nRow labels are the first pfn of the row (hex).\n", out);
	return ferror(out) ? -EIO : 0;
}

#define SET(o, k, v) json_object_set_new_nocheck((o), (k), (v))

static json_t *map_zone(const struct fs_pagemap *pm, const struct fs_report *r,
			const struct fs_node_report *nr, const struct fs_zone_report *zr)
{
	const struct fs_pm_zone *z = zr->pm;
	json_t *o = json_object();
	SET(o, "node", json_integer(nr->node));
	SET(o, "zone", json_string(z->name));
	SET(o, fs_zi_fields[FS_ZF_START_PFN].key, fs_json_u64(z->start_pfn));
	SET(o, "end_pfn", fs_json_u64(z->end_pfn));
	SET(o, "first_block", fs_json_u64(z->first_block));
	SET(o, "blocks", fs_json_u64(z->nblocks));
	json_t *bc = json_object();
	for (int c = 0; c < FS_BC_COUNT; c++)
		SET(bc, fs_bclass_name(c), fs_json_u64(z->blocks[c]));
	SET(o, "pageblock_content", bc);
	SET(o, "partial_blocks", fs_json_u64(z->partial_blocks));
	json_t *pc = json_object();
	for (int c = 0; c < FS_PC_COUNT; c++)
		SET(pc, fs_pclass_name(c), fs_json_u64(z->pages[c]));
	SET(o, "pages_by_class", pc);
	SET(o, "free_pages", fs_json_u64(zr->free_pages));
	SET(o, "compaction_ceiling_blocks", fs_json_u64(fs_pm_ceiling(pm, z, zr->free_pages)));
	(void)r;
	json_t *runs = json_array();
	for (uint64_t i = 0; i < z->nblocks;) {
		uint64_t j = i + 1;
		while (j < z->nblocks && z->block[j] == z->block[i])
			j++;
		json_t *run = json_array();
		json_array_append_new(run, json_string_nocheck(fs_bclass_name(z->block[i])));
		json_array_append_new(run, fs_json_u64(j - i));
		json_array_append_new(runs, run);
		i = j;
	}
	SET(o, "runs", runs);
	return o;
}

int fs_render_map_json(FILE *out, const struct fs_report *r)
{
	const struct fs_snapshot *s = r->snap;
	const struct fs_pagemap *pm = s->pagemap;
	fs_json_oom_clear();
	json_t *root = json_object();
	if (!root)
		return -ENOMEM;
	SET(root, "schema_version", json_integer(FS_SCHEMA_VERSION));
	SET(root, "fragstat_version", json_string_nocheck(PACKAGE_VERSION));
	SET(root, "kind", json_string_nocheck("pagemap"));
	SET(root, "kernel", s->kernel ? json_string(s->kernel) : json_null());
	SET(root, "page_size", fs_json_u64(s->page_size));
	SET(root, "pageblock_order", json_integer(pm->pageblock_order));
	SET(root, "pageblock_order_assumed", json_boolean(pm->pageblock_order_assumed));
	SET(root, "compact_unevictable_allowed", json_boolean(pm->unevictable_movable));
	SET(root, "compact_unevictable_allowed_assumed", json_boolean(pm->unevictable_assumed));
	SET(root, "iomem_ranges", json_integer((json_int_t)pm->nram));
	json_t *zones = json_array();
	for (size_t i = 0; i < r->nnodes; i++)
		for (unsigned z = 0; z < r->nodes[i].nzones; z++)
			if (r->nodes[i].zones[z].pm)
				json_array_append_new(zones, map_zone(pm, r, &r->nodes[i], &r->nodes[i].zones[z]));
	SET(root, "zones", zones);
	int rc = fs_json_dumpf(root, out, FS_JSON_DUMP_FLAGS | JSON_INDENT(1));
	json_decref(root);
	if (fs_json_oom())
		return -ENOMEM;
	if (rc != 0 || fputc('\n', out) == EOF)
		return -EIO;
	return 0;
}
