#include "config.h"

#include "render.h"

#include <errno.h>
#include <string.h>

#include "fragindex.h"

int fs_format_parse(const char *s, enum fs_format *out)
{
	if (strcmp(s, "table") == 0)
		*out = FS_FMT_TABLE;
	else if (strcmp(s, "json") == 0)
		*out = FS_FMT_JSON;
	else if (strcmp(s, "prometheus") == 0 || strcmp(s, "prom") == 0)
		*out = FS_FMT_PROMETHEUS;
	else
		return -EINVAL;
	return 0;
}

int fs_render(FILE *out, const struct fs_report *r, const struct fs_render_opts *o)
{
	switch (o->format) {
	case FS_FMT_TABLE: return fs_render_table(out, r, o);
	case FS_FMT_JSON: return fs_render_json(out, r, o);
	case FS_FMT_PROMETHEUS: return fs_render_prometheus(out, r, o);
	}
	return -EINVAL;
}

int fs_render_kernel_format(FILE *out, const struct fs_report *r, int which)
{
	/* Same zones, same order as the kernel walks them: every populated zone
	 * of every node, in buddyinfo order (the report keeps that order). */
	enum fs_kfmt fmt = which == FS_SRC_EXTFRAG_INDEX ? FS_KFMT_EXTFRAG : FS_KFMT_UNUSABLE;
	char buf[64];
	for (size_t i = 0; i < r->nnodes; i++) {
		const struct fs_node_report *nr = &r->nodes[i];
		for (unsigned z = 0; z < nr->nzones; z++) {
			const struct fs_zone_report *zr = &nr->zones[z];
			if (!zr->indices_ok)
				return -ERANGE;
			fs_kfmt_prefix(buf, sizeof buf, nr->node, zr->zone->name);
			fputs(buf, out);
			for (unsigned k = 0; k < r->orders; k++) {
				int v = which == FS_SRC_EXTFRAG_INDEX ? zr->fragidx[k] : zr->unusable[k];
				fs_kfmt_value(buf, sizeof buf, fmt, v);
				fputs(buf, out);
			}
			fputc('\n', out);
		}
	}
	return ferror(out) ? -EIO : 0;
}
