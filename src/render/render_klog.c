/* render_klog.c - `fragstat log` output: a table for people, a JSON
 * document (reports[]) for programs. Reads parsed reports and their
 * analyses; computes nothing but sums for the timeline. */
#include "config.h"

#include "render_klog.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fragindex.h"
#include "render_json.h"
#include "report.h"

#define SET(o, k, v) json_object_set_new_nocheck((o), "" k "", (v))


/* Print lead + text wrapped at 80 columns at blanks; continuation lines
 * are indented by `indent` spaces. A word longer than the line is cut. */
static void wrap(FILE *out, unsigned indent, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void wrap(FILE *out, unsigned indent, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	const unsigned width = 80;
	const char *p = buf;
	unsigned col = 0;
	bool first = true;
	while (*p) {
		unsigned avail = width - (first ? 0 : indent);
		size_t len = strlen(p);
		if (!first)
			fprintf(out, "%*s", (int)indent, "");
		if (len <= avail) {
			fprintf(out, "%s\n", p);
			return;
		}
		size_t cut = avail;
		while (cut > 0 && p[cut] != ' ')
			cut--;
		if (cut == 0)
			cut = avail;
		fprintf(out, "%.*s\n", (int)cut, p);
		p += cut;
		while (*p == ' ')
			p++;
		first = false;
		(void)col;
	}
}

static void zname(const struct fs_klog_zone *z, char *buf, size_t n)
{
	if (z->node_printed)
		snprintf(buf, n, "Node %d %s", z->node, z->name);
	else
		snprintf(buf, n, "%s", z->name);
}

static uint64_t total_free_kb(const struct fs_klog_report *r, bool *any)
{
	uint64_t t = 0;
	*any = false;
	for (size_t i = 0; i < r->nzones; i++)
		if (r->zones[i].has_zone_line) {
			t += r->zones[i].free_kb;
			*any = true;
		}
	return t;
}

static const char *result(const struct fs_klog_zcheck *c)
{
	if (c->node_excluded)
		return "node";
	if (!c->usable)
		return "-";
	if (!c->checked)
		return "?";
	if (c->pass)
		return "pass";
	if (c->wmark_ok)
		return "noblock";
	if (c->pass_no_reserve && c->reserve > 0)
		return "reserve";
	if (c->pass_with_all)
		return "ha/cma";
	return "below";
}

static void idx(char *buf, size_t n, bool ok, int v)
{
	if (!ok)
		snprintf(buf, n, "-");
	else
		fs_index_format(buf, n, v, false);
}

static const char *order_str(const struct fs_klog_report *r, char *buf, size_t n)
{
	if (r->order < 0)
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%d", r->order);
	return buf;
}

static void header_line(FILE *out, const struct fs_klog_report *r)
{
	char b[512];
	int l = snprintf(b, sizeof b, "  %s", fs_klog_trigger_name(r->trigger));
	if (r->task[0])
		l += snprintf(b + l, sizeof b - (size_t)l, " by %s", r->task);
	if (r->order >= 0)
		l += snprintf(b + l, sizeof b - (size_t)l, ", order %d", r->order);
	if (r->trigger == FS_KT_VMALLOC && r->vmalloc_size)
		l += snprintf(b + l, sizeof b - (size_t)l, ", %" PRIu64 " bytes", r->vmalloc_size);
	if (r->has_gfp)
		snprintf(b + l, sizeof b - (size_t)l, ", gfp %s", r->gfp);
	wrap(out, 4, "%s", b);
}

static void detail(FILE *out, const struct fs_klog *log, size_t i, const struct fs_klog_report *r,
		   const struct fs_klog_analysis *a)
{
	char b1[32], b2[32];
	fprintf(out, "\nReport %zu: line %u%s%s%s\n", i + 1, r->line, r->time[0] ? " [" : "",
		r->time, r->time[0] ? "]" : "");
	header_line(out, r);
	if (r->has_nodemask || r->has_cpuset || r->has_mems)
		wrap(out, 4, "  nodemask %s, cpuset %s, mems_allowed %s",
			r->has_nodemask ? r->nodemask : "-", r->has_cpuset ? r->cpuset : "-",
			r->has_mems ? r->mems_allowed : "-");
	char ords[24] = "";
	if (r->snap && r->snap->orders)
		snprintf(ords, sizeof ords, ", %u orders", r->snap->orders);
	wrap(out, 4, "  kernel %s; page size %" PRIu64 " KiB%s%s; %s",
	     r->kernel[0] ? r->kernel : "not printed", r->page_size / 1024,
	     r->page_size_assumed ? " (assumed)" : " (first buddy column)", ords,
	     r->complete ? "complete" : "INCOMPLETE");
	if (a->has_request)
		wrap(out, 4, "  request: %s; zones up to %s%s%s", a->context, a->highest,
		     a->allowed[0] ? "; nodes " : "", a->allowed);
	wrap(out, 4, "  cause: %s", a->line);
	for (unsigned k = 0; k < a->nnotes; k++)
		wrap(out, 4, "  note: %s", a->notes[k]);
	for (unsigned k = 0; k < a->ndec; k++) {
		char reason[600];
		fs_decision_reason(&a->dec[k], reason, sizeof reason);
		wrap(out, 4, "  decision engine (gfp flags only; task flags are not printed), from node %d: %s",
		     a->dec[k].node, reason);
	}
	if (r->nzones) {
		fprintf(out, "  %-15s %9s %9s %8s %9s %-7s %6s %6s\n", "zone", "free kB", "buddy kB",
			"min kB", "resrv kB", "check", "frag", "unus");
		for (unsigned k = 0; k < a->n; k++) {
			const struct fs_klog_zcheck *c = &a->z[k];
			const struct fs_klog_zone *z = &r->zones[c->zone];
			char zn[FS_NAME_MAX + 16], fr[24], bu[24], mi[24], rs[24], fi[16], un[16];
			zname(z, zn, sizeof zn);
			snprintf(fr, sizeof fr, z->has_zone_line ? "%" PRIu64 : "-", z->free_kb);
			if (z->buddy_complete)
				snprintf(bu, sizeof bu, "%" PRIu64, z->buddy_empty ? 0 : z->total_kb);
			else
				snprintf(bu, sizeof bu, z->has_buddy_line ? "cut" : "-");
			snprintf(mi, sizeof mi, z->has_min ? "%" PRIu64 : "-", z->min_kb);
			if (c->checked && c->reserve_known)
				snprintf(rs, sizeof rs, "%" PRIu64, (uint64_t)c->reserve * (r->page_size / 1024));
			else
				snprintf(rs, sizeof rs, "-");
			idx(fi, sizeof fi, c->checked && c->idx_ok, c->fragidx);
			idx(un, sizeof un, c->checked && c->idx_ok, c->unusable);
			if (!c->checked && z->buddy_complete && !z->buddy_empty && z->orders > a->order) {
				struct fs_contig_info info;
				if (fs_fill_contig(z->count, z->orders, a->order, &info) == 0) {
					idx(fi, sizeof fi, true, fs_fragmentation_index(a->order, z->orders - 1, &info));
					idx(un, sizeof un, true, fs_unusable_index(a->order, &info));
				}
			}
			fprintf(out, "  %-15s %9s %9s %8s %9s %-7s %6s %6s\n", zn, fr, bu, mi, rs, result(c),
				fi, un);
		}
		fprintf(out, "  check: pass / below (min) / reserve (lowmem_reserve) / ha/cma / noblock\n"
			     "  (no block of the order) / node (excluded) / - (zone above the request's)\n");
		fprintf(out, "  frag, unus: fragmentation and unusable index at order %u\n", a->order);
	}
	if (r->nhuge) {
		char hb[1600];
		int l = snprintf(hb, sizeof hb, "  huge pages (free/total):");
		for (size_t k = 0; k < r->nhuge && l < (int)sizeof hb - 80; k++)
			l += snprintf(hb + l, sizeof hb - (size_t)l, "%s node %d %" PRIu64 "kB %" PRIu64 "/%" PRIu64,
				      k ? "," : "", r->huge[k].node, r->huge[k].size_kb, r->huge[k].free,
				      r->huge[k].total);
		wrap(out, 4, "%s", hb);
	}
	if (r->has_swap_free || r->has_swap_total)
		fprintf(out, "  swap: free %skB of %skB\n",
			r->has_swap_free ? (snprintf(b1, sizeof b1, "%" PRIu64, r->swap_free_kb), b1) : "?",
			r->has_swap_total ? (snprintf(b2, sizeof b2, "%" PRIu64, r->swap_total_kb), b2) : "?");
	for (unsigned k = 0; k < r->ndiag; k++) {
		if (r->diag[k].line)
			wrap(out, 4, "  diagnostic: %s:%u: %s", log->file ? log->file : "(input)",
			     r->diag[k].line, r->diag[k].msg);
		else
			wrap(out, 4, "  diagnostic: %s: %s", log->file ? log->file : "(input)", r->diag[k].msg);
	}
	if (r->ndiag_lost)
		fprintf(out, "  diagnostic: %u more not shown\n", r->ndiag_lost);
}

int fs_render_klog(FILE *out, const struct fs_klog *log, const struct fs_klog_analysis *an)
{
	unsigned analysed = 0;
	for (size_t i = 0; i < log->n; i++)
		analysed += log->reports[i].analysable;
	fprintf(out, "%s: %zu report%s, %u analysed%s\n", log->file ? log->file : "(input)", log->n,
		log->n == 1 ? "" : "s", analysed, log->quoted_printable ? " (quoted-printable decoded)" : "");
	char ob[16];
	for (size_t i = 0; i < log->n; i++) {
		const struct fs_klog_report *r = &log->reports[i];
		wrap(out, 4, "#%zu line %u, %s, order %s: %s", i + 1, r->line,
		     fs_klog_kind_name(r->kind), order_str(r, ob, sizeof ob), an[i].line);
	}
	if (log->n > 1) {
		fprintf(out, "\nTimeline:\n  %-3s %-24s %-3s %-8s %-14s %s\n", "#", "time", "ord", "kind",
			"cause", "zones free kB");
		uint64_t prev = 0;
		bool have_prev = false;
		for (size_t i = 0; i < log->n; i++) {
			const struct fs_klog_report *r = &log->reports[i];
			bool any;
			uint64_t t = total_free_kb(r, &any);
			char ch[48] = "-";
			if (any && have_prev)
				snprintf(ch, sizeof ch, "%" PRIu64 " (%+" PRId64 ")", t,
					 (int64_t)t - (int64_t)prev);
			else if (any)
				snprintf(ch, sizeof ch, "%" PRIu64, t);
			const char *kind = r->kind == FS_KLOG_ALLOC_FAILURE ? "failure"
					   : fs_klog_kind_name(r->kind);
			fprintf(out, "  %-3zu %-24.24s %-3s %-8s %-14.14s %s\n", i + 1,
				r->time[0] ? r->time : "-", order_str(r, ob, sizeof ob), kind,
				fs_klog_cause_name(an[i].cause), ch);
			if (any) {
				prev = t;
				have_prev = true;
			}
		}
	}
	for (size_t i = 0; i < log->n; i++)
		detail(out, log, i, &log->reports[i], &an[i]);
	if (log->reports_lost)
		fprintf(out, "\n%u more reports not read (limit %u)\n", log->reports_lost, FS_KLOG_MAX_REPORTS);
	return ferror(out) ? -EIO : 0;
}

/* ---- JSON ---- */

static json_t *str_or_null(bool has, const char *s)
{
	return has ? json_string(s) : json_null();
}

static json_t *printed_zone(const struct fs_klog_report *r, const struct fs_klog_zone *z)
{
	json_t *o = json_object();
	SET(o, "zone_line", z->has_zone_line ? json_integer(z->zone_line) : json_null());
	SET(o, "buddy_line", z->has_buddy_line ? json_integer(z->buddy_line) : json_null());
	SET(o, "buddy_complete", json_boolean(z->buddy_complete));
	if (z->has_zone_line) {
		SET(o, "free_kb", fs_json_u64(z->free_kb));
		if (z->has_boost)
			SET(o, "boost_kb", fs_json_u64(z->boost_kb));
		if (z->has_min)
			SET(o, "min_kb", fs_json_u64(z->min_kb));
		if (z->has_low)
			SET(o, "low_kb", fs_json_u64(z->low_kb));
		if (z->has_high)
			SET(o, "high_kb", fs_json_u64(z->high_kb));
		if (z->has_present)
			SET(o, "present_kb", fs_json_u64(z->present_kb));
		if (z->has_managed)
			SET(o, "managed_kb", fs_json_u64(z->managed_kb));
		if (z->has_free_cma)
			SET(o, "free_cma_kb", fs_json_u64(z->free_cma_kb));
		if (z->has_reserved_ha)
			SET(o, "reserved_highatomic_kb", fs_json_u64(z->reserved_ha_kb));
		if (z->has_free_ha)
			SET(o, "free_highatomic_kb", fs_json_u64(z->free_ha_kb));
		if (z->nreserve)
			SET(o, "lowmem_reserve", fs_json_u64_array(z->reserve, z->nreserve));
	}
	if (z->buddy_complete && !z->buddy_empty) {
		SET(o, "buddy_total_kb", fs_json_u64(z->total_kb));
		SET(o, "buddy_sum_kb", fs_json_u64(z->sum_kb));
		SET(o, "buddy_total_matches", json_boolean(z->total_kb == z->sum_kb));
	}
	if (z->buddy_empty)
		SET(o, "buddy_empty", json_true());
	if (z->has_letters) {
		json_t *a = json_array();
		for (unsigned k = 0; k < z->orders; k++) {
			char l[12];
			fs_klog_letters(z->types[k], l, sizeof l);
			json_array_append_new(a, json_string(l));
		}
		SET(o, "migratetypes_present", a);
	}
	SET(o, "zone_type", z->type >= 0 ? json_integer(z->type) : json_null());
	(void)r;
	return o;
}

/* Add the printed view of each zone to the snapshot document's zones. */
static void annotate(json_t *snap, const struct fs_klog_report *r)
{
	json_t *nodes = json_object_get(snap, "nodes");
	size_t i;
	json_t *n;
	json_array_foreach(nodes, i, n) {
		json_int_t id = json_integer_value(json_object_get(n, "node"));
		/* kcompactd's proactive score needs the vm sysctls, which a log
		 * does not print: no score rather than one from assumed defaults. */
		SET(n, "proactive", json_null());
		/* The engine's decisions for every allocation kind describe
		 * hypothetical requests; the report's decisions[] are the ones
		 * for the request the log shows. */
		json_object_del(n, "decisions");
		json_object_del(n, "outcomes_by_order");
		const char *keys[] = { "zones", "unlisted_zones" };
		for (int k = 0; k < 2; k++) {
			json_t *zs = json_object_get(n, keys[k]), *z;
			size_t j;
			json_array_foreach(zs, j, z) {
				const char *name = json_string_value(json_object_get(z, "zone"));
				json_object_del(z, "verdicts");
				for (size_t m = 0; name && m < r->nzones; m++)
					if (r->zones[m].node == id && strcmp(r->zones[m].name, name) == 0)
						SET(z, "printed", printed_zone(r, &r->zones[m]));
			}
		}
	}
	/* A log carries no clock the snapshot could use; proc files were not read. */
	json_t *src = json_object_get(snap, "source");
	SET(src, "timestamp", json_null());
	SET(src, "timestamp_ns", json_null());
	json_object_del(snap, "sources");
}

static json_t *engine_decisions(const struct fs_klog_analysis *a)
{
	json_t *arr = json_array();
	for (unsigned k = 0; k < a->ndec; k++) {
		const struct fs_decision *d = &a->dec[k];
		char buf[600];
		json_t *o = json_object();
		SET(o, "node", json_integer(d->node));
		SET(o, "order", json_integer(d->order));
		SET(o, "decided", json_boolean(d->decided));
		SET(o, "outcome", d->decided ? json_string(fs_outcome_name(d->outcome)) : json_null());
		SET(o, "rule", json_string(fs_rule_name(d->rule)));
		SET(o, "zone", d->zone[0] ? json_string(d->zone) : json_null());
		SET(o, "zone_node", d->zone_node >= 0 ? json_integer(d->zone_node) : json_null());
		SET(o, "highest_zoneidx", json_integer(d->highest_zoneidx));
		SET(o, "can_wait", json_boolean(d->can_wait));
		SET(o, "compaction_allowed", json_boolean(d->compaction_allowed));
		SET(o, "era_version", json_integer(d->era_version));
		fs_decision_reason(d, buf, sizeof buf);
		SET(o, "reason", json_string(buf));
		json_t *zs = json_array();
		for (unsigned i = 0; i < d->nzones; i++) {
			fs_zone_decision_line(d, i, buf, sizeof buf);
			json_array_append_new(zs, json_string(buf));
		}
		SET(o, "zones", zs);
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *decisions(const struct fs_klog_report *r, const struct fs_klog_analysis *a)
{
	json_t *arr = json_array();
	for (unsigned i = 0; i < a->n; i++) {
		const struct fs_klog_zcheck *c = &a->z[i];
		const struct fs_klog_zone *z = &r->zones[c->zone];
		json_t *o = json_object();
		SET(o, "node", json_integer(z->node));
		SET(o, "zone", json_string(z->name));
		SET(o, "usable", json_boolean(c->usable));
		SET(o, "node_excluded", json_boolean(c->node_excluded));
		SET(o, "checked", json_boolean(c->checked));
		if (c->checked) {
			SET(o, "result", json_string(result(c)));
			SET(o, "free_pages", json_integer(c->free));
			SET(o, "minus_order", json_integer(c->sub_order));
			SET(o, "minus_highatomic", json_integer(c->sub_ha));
			SET(o, "minus_cma", json_integer(c->sub_cma));
			SET(o, "min_mark", json_integer(c->mark));
			SET(o, "reserve", c->reserve_known ? json_integer(c->reserve) : json_null());
			SET(o, "watermark_ok", json_boolean(c->wmark_ok));
			SET(o, "block_ok", json_boolean(c->block_ok));
			SET(o, "pass", json_boolean(c->pass));
			SET(o, "fragmentation_index", c->idx_ok ? json_real(c->fragidx / 1000.0) : json_null());
			SET(o, "unusable_index", c->idx_ok ? json_real(c->unusable / 1000.0) : json_null());
		}
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *report_json(const struct fs_klog *log, const struct fs_klog_report *r,
			   const struct fs_klog_analysis *a)
{
	json_t *o = json_object();
	SET(o, "line", json_integer(r->line));
	SET(o, "end_line", json_integer(r->end_line));
	SET(o, "time", r->time[0] ? json_string(r->time) : json_null());
	SET(o, "kind", json_string(fs_klog_kind_name(r->kind)));
	SET(o, "trigger", json_string(fs_klog_trigger_name(r->trigger)));
	SET(o, "task", str_or_null(r->task[0], r->task));
	SET(o, "order", r->order >= 0 ? json_integer(r->order) : json_null());
	SET(o, "gfp", str_or_null(r->has_gfp, r->gfp));
	SET(o, "nodemask", str_or_null(r->has_nodemask, r->nodemask));
	SET(o, "cpuset", str_or_null(r->has_cpuset, r->cpuset));
	SET(o, "mems_allowed", str_or_null(r->has_mems, r->mems_allowed));
	if (r->trigger == FS_KT_VMALLOC) {
		SET(o, "vmalloc_size", r->vmalloc_size ? fs_json_u64(r->vmalloc_size) : json_null());
		SET(o, "vmalloc_reason", str_or_null(r->vmalloc_reason[0], r->vmalloc_reason));
	}
	if (r->trigger == FS_KT_STALL)
		SET(o, "stall_ms", fs_json_u64(r->stall_ms));
	SET(o, "kernel", str_or_null(r->kernel[0], r->kernel));
	SET(o, "complete", json_boolean(r->complete));
	SET(o, "analysed", json_boolean(r->analysable));
	SET(o, "page_size", fs_json_u64(r->page_size));
	SET(o, "page_size_assumed", json_boolean(r->page_size_assumed));

	json_t *req = json_object();
	SET(req, "context", json_string(a->context));
	SET(req, "direct_reclaim", json_boolean(a->direct_reclaim));
	SET(req, "may_compact", json_boolean(a->may_compact));
	SET(req, "cma_allowed", json_boolean(a->cma_ok));
	SET(req, "reserves", json_boolean(a->reserves));
	SET(req, "highest_zone", json_string(a->highest));
	SET(req, "allowed_nodes", a->allowed[0] ? json_string(a->allowed) : json_null());
	SET(req, "watermark_rule", json_string(a->old_check ? "before 4.4" : "4.4+"));
	SET(req, "gfp_decoded", json_boolean(a->gfp_decoded));
	SET(o, "request", a->has_request ? req : (json_decref(req), json_null()));

	json_t *cause = json_object();
	SET(cause, "kind", json_string(fs_klog_cause_name(a->cause)));
	SET(cause, "text", json_string(a->line));
	json_t *notes = json_array();
	for (unsigned k = 0; k < a->nnotes; k++)
		json_array_append_new(notes, json_string(a->notes[k]));
	SET(cause, "notes", notes);
	SET(o, "cause", cause);

	json_t *snap = json_null();
	if (r->snap && r->snap->nnodes) {
		struct fs_report_opts ro = { .focus_order = r->order >= 0 ? r->order : 0, .node_filter = -1 };
		struct fs_report *rep = fs_report_new(r->snap, &ro);
		json_t *s = rep ? fs_json_report(rep) : NULL;
		fs_report_free(rep);
		if (s) {
			annotate(s, r);
			snap = s;
		}
	}
	SET(o, "snapshot", snap);
	SET(o, "decisions", engine_decisions(a));
	SET(o, "zone_checks", decisions(r, a));

	json_t *hp = json_array();
	for (size_t k = 0; k < r->nhuge; k++) {
		json_t *h = json_object();
		SET(h, "node", json_integer(r->huge[k].node));
		SET(h, "size_kb", fs_json_u64(r->huge[k].size_kb));
		SET(h, "total", fs_json_u64(r->huge[k].total));
		SET(h, "free", fs_json_u64(r->huge[k].free));
		SET(h, "surplus", fs_json_u64(r->huge[k].surp));
		json_array_append_new(hp, h);
	}
	SET(o, "hugepages", hp);
	json_t *sw = json_object();
	SET(sw, "free_kb", r->has_swap_free ? fs_json_u64(r->swap_free_kb) : json_null());
	SET(sw, "total_kb", r->has_swap_total ? fs_json_u64(r->swap_total_kb) : json_null());
	SET(o, "swap", sw);
	json_t *pg = json_object();
	SET(pg, "ram", r->has_pages_ram ? fs_json_u64(r->pages_ram) : json_null());
	SET(pg, "reserved", r->has_pages_reserved ? fs_json_u64(r->pages_reserved) : json_null());
	SET(pg, "highmem", r->has_pages_highmem ? fs_json_u64(r->pages_highmem) : json_null());
	SET(pg, "cma_reserved", r->has_cma_reserved ? fs_json_u64(r->cma_reserved) : json_null());
	SET(o, "pages", pg);
	json_t *ctr = json_object();
	for (size_t k = 0; k < r->counters.n; k++)
		json_object_set_new(ctr, r->counters.items[k].name, fs_json_u64(r->counters.items[k].value));
	SET(o, "counters", ctr);
	json_t *nl = json_array();
	for (size_t k = 0; k < r->nnodes; k++) {
		json_t *n = json_object();
		SET(n, "node", json_integer(r->nodes[k].id));
		SET(n, "all_unreclaimable", r->nodes[k].has_unreclaimable ?
			json_boolean(r->nodes[k].all_unreclaimable) : json_null());
		json_array_append_new(nl, n);
	}
	SET(o, "node_lines", nl);
	json_t *dg = json_array();
	for (unsigned k = 0; k < r->ndiag; k++) {
		json_t *d = json_object();
		SET(d, "file", json_string(log->file ? log->file : "(input)"));
		SET(d, "line", r->diag[k].line ? json_integer(r->diag[k].line) : json_null());
		SET(d, "message", json_string(r->diag[k].msg));
		json_array_append_new(dg, d);
	}
	SET(o, "diagnostics", dg);
	SET(o, "diagnostics_not_shown", json_integer(r->ndiag_lost));
	return o;
}

int fs_render_klog_json(FILE *out, const struct fs_klog *log, const struct fs_klog_analysis *an,
			bool compact)
{
	fs_json_oom_clear();
	json_t *root = json_object();
	if (!root)
		return -ENOMEM;
	unsigned analysed = 0;
	for (size_t i = 0; i < log->n; i++)
		analysed += log->reports[i].analysable;
	SET(root, "schema_version", json_integer(FS_SCHEMA_VERSION));
	SET(root, "fragstat_version", json_string(PACKAGE_VERSION));
	SET(root, "file", log->file ? json_string(log->file) : json_null());
	SET(root, "lines", json_integer(log->lines));
	SET(root, "quoted_printable", json_boolean(log->quoted_printable));
	SET(root, "reports_analysed", json_integer(analysed));
	SET(root, "reports_not_read", json_integer(log->reports_lost));
	json_t *reps = json_array();
	for (size_t i = 0; i < log->n; i++)
		json_array_append_new(reps, report_json(log, &log->reports[i], &an[i]));
	SET(root, "reports", reps);
	if (fs_json_oom()) {
		json_decref(root);
		return -ENOMEM;
	}
	size_t flags = FS_JSON_DUMP_FLAGS | (compact ? JSON_COMPACT : JSON_INDENT(2));
	int rc = fs_json_dumpf(root, out, flags);
	json_decref(root);
	if (rc != 0 && !ferror(out))
		return -ENOMEM;
	if (rc != 0 || fputc('\n', out) == EOF)
		return -EIO;
	return 0;
}
