#include "config.h"

#include "ev_live.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "ev_trace.h"
#include "snapshot.h"

static void copy_names(struct ev_names *n, const struct ev_decoder *dec, enum ev_kind k, const char *field)
{
	n->n = 0;
	for (int64_t v = -1; v < 64 && n->n < EV_MAX_NAMES; v++) {
		const char *s = ev_decoder_symbol(dec, k, field, v);
		if (s) {
			n->value[n->n] = v;
			snprintf(n->name[n->n++], EV_NAME_MAX, "%s", s);
		}
	}
}

void ev_cfg_from_decoder(struct ev_agg_config *cfg, const struct ev_decoder *dec)
{
	copy_names(&cfg->status, dec, EV_COMPACT_END, "status");
	copy_names(&cfg->zone_idx, dec, EV_SUITABLE, "idx");
	if (!cfg->zone_idx.n)
		copy_names(&cfg->zone_idx, dec, EV_DEFERRED, "idx");
	copy_names(&cfg->migrate_reason, dec, EV_MIGRATE_PAGES, "reason");
	cfg->status_continue = -1;
	for (unsigned i = 0; i < cfg->status.n; i++)
		if (strcmp(cfg->status.name[i], "continue") == 0)
			cfg->status_continue = (int)cfg->status.value[i];
}

void ev_cfg_from_live(struct ev_agg_config *cfg)
{
	struct fs_snapshot *s = fs_snapshot_new();
	struct fs_collect_opts o = { .mask = FS_SRC_BIT(FS_SRC_PAGETYPEINFO) | FS_SRC_BIT(FS_SRC_ZONEINFO) };
	struct fs_collect_result res;
	struct fs_diag d = { 0 };
	cfg->pageblock_order = -1;
	if (s && fs_collect(s, &o, &res, &d) == 0) {
		cfg->pageblock_order = s->pageblock_order;
		for (unsigned i = 0; i < s->nmt && i < 8; i++)
			snprintf(cfg->mt_names[i], EV_NAME_MAX, "%s", s->mt_names[i]);
		cfg->nmt = s->nmt < 8 ? s->nmt : 8;
		for (size_t n = 0; n < s->nnodes; n++)
			for (unsigned z = 0; z < s->nodes[n].nzones && cfg->nzones < EV_MAX_ZONES; z++) {
				const struct fs_zone *zz = &s->nodes[n].zones[z];
				if (!(zz->zi_have & FS_ZI_START_PFN) || !zz->spanned)
					continue;
				struct ev_zone_ref *r = &cfg->zones[cfg->nzones++];
				r->nid = s->nodes[n].id;
				snprintf(r->name, sizeof r->name, "%s", zz->name);
				r->start_pfn = zz->start_pfn;
				r->spanned = zz->spanned;
			}
	}
	fs_snapshot_free(s);
	int nk = ev_find_kcompactd(cfg->kcd_pids, 64);
	cfg->nkcd = nk > 0 ? (unsigned)nk : 0;
}

struct ev_live {
	struct ev_trace *t;
	struct ev_agg *a;
	struct ev_agg_config cfg;
	struct ev_recbuf rb;          /* dropped: records this reader could not keep */
	uint64_t lost_prev;
	struct ev_decode_stats st;
};

static void explain(char *why, size_t size, int rc, const struct fs_diag *d)
{
	if (rc == -EPERM)
		snprintf(why, size, "events need root (tracefs)");
	else if (d->file)
		snprintf(why, size, "events unavailable: %s: %s", d->file, d->msg);
	else
		snprintf(why, size, "events unavailable: %s", d->msg[0] ? d->msg : strerror(-rc));
}

int ev_live_open(struct ev_live **out, unsigned buffer_kb, char *why, size_t whysize)
{
	struct ev_trace_opts o = { .want = EV_MASK_REPORT, .buffer_kb = buffer_kb };
	struct ev_trace_info ti;
	struct fs_diag d = { 0 };
	*out = NULL;
	struct ev_live *l = calloc(1, sizeof *l);
	if (!l)
		return -ENOMEM;
	l->rb.max = 1u << 20;
	int rc = ev_trace_open(&o, &l->t, &ti, &d);
	if (rc) {
		explain(why, whysize, rc, &d);
		ev_live_close(l);
		return rc;
	}
	ev_cfg_from_live(&l->cfg);
	ev_cfg_from_decoder(&l->cfg, ev_trace_decoder(l->t));
	ev_trace_lost(l->t, &l->lost_prev, &d);
	uint64_t t0 = ev_trace_now();
	if ((rc = ev_trace_start(l->t, &d)) || !(l->a = ev_agg_new(&l->cfg, t0))) {
		rc = rc ? rc : -ENOMEM;
		explain(why, whysize, rc, &d);
		ev_live_close(l);
		return rc;
	}
	*out = l;
	return 0;
}

int ev_live_tick(struct ev_live *l, char *why, size_t whysize)
{
	struct fs_diag d = { 0 };
	uint64_t now = ev_trace_now(), lost = 0;
	int rc = ev_trace_drain(l->t, ev_recbuf_sink, &l->rb, &l->st, &d);
	if (rc) {
		explain(why, whysize, rc, &d);
		return rc;
	}
	size_t k = ev_recbuf_before(&l->rb, now, false, ev_rec_cmp_ts);
	for (size_t i = 0; i < k; i++)
		if ((rc = ev_agg_feed(l->a, &l->rb.r[i])))
			return rc;
	ev_recbuf_shift(&l->rb, k);
	if (ev_trace_lost(l->t, &lost, &d) == 0 && lost >= l->lost_prev) {
		ev_agg_add_lost(l->a, lost - l->lost_prev, 0);
		l->lost_prev = lost;
	}
	ev_agg_add_lost(l->a, l->rb.dropped, 0);   /* bounded: shown with the lost events */
	l->rb.dropped = 0;
	ev_agg_close(l->a, now);
	return 0;
}

const struct ev_stats *ev_live_last(const struct ev_live *l) { return ev_agg_interval(l->a); }
const struct ev_agg_config *ev_live_cfg(const struct ev_live *l) { return &l->cfg; }

void ev_live_close(struct ev_live *l)
{
	if (!l)
		return;
	ev_trace_close(l->t);
	ev_agg_free(l->a);
	free(l->rb.r);
	free(l);
}
