/* test_sim_run.c - the simulate driver: samples, counters copied out of
 * the machine, reproducibility, progress calls, and each failure class. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "../tap.h"
#include "sim_buddy.h"
#include "sim_run.h"

static void opts(struct sim_run_opts *o, uint64_t pages, enum sim_wl_kind wl, uint64_t ops)
{
	memset(o, 0, sizeof *o);
	sim_config_default(&o->cfg);
	o->cfg.zones[0].pages = pages;
	o->wl = wl;
	o->ops = ops;
	o->seed = 3;
	o->node = -1;
	o->focus = -1;
	o->interval = 1000;
}

static uint64_t progress_calls, progress_last;
static void progress(void *ctx, const struct sim_progress *p)
{
	(void)ctx;
	ok(p->done > progress_last && p->done < p->total && p->rate > 0 && p->left >= 0,
	   "progress %llu of %llu moves forward, with a rate",
	   (unsigned long long)p->done, (unsigned long long)p->total);
	progress_last = p->done;
	progress_calls++;
}

static void test_run(void)
{
	struct sim_run_opts o;
	struct sim_run *r = NULL, *r2 = NULL;
	struct sim_run_err e;
	struct sim_sample s;

	opts(&o, 4096, SIM_WL_SLAB, 3000);
	o.every = 500;
	o.cfg.compaction = SIM_COMPACT_FULL;
	o.check = true;
	is_int(sim_run_new(&o, &r, &e), 0, "a small slab run is set up");
	is_int(sim_run_exec(r, &e), 0, "and runs under --check");
	const struct sim_result *res = sim_run_result(r);
	is_u64(res->ops, 3000, "all operations done");
	is_u64(res->pages, 4096, "machine pages copied");
	is_int((int)res->nzones, 1, "one zone");
	is_str(res->zones[0].name, "Normal", "zone name copied");
	is_str(res->compaction, "full", "mode named");
	/* start, prefill, 6 samples at 500..3000, compact_memory */
	is_u64(res->timeline->n, 9, "nine samples");
	ok(sim_timeline_get(res->timeline, res->timeline->n - 1, &s) == 0 &&
	   strcmp(s.phase, "compact_memory") == 0, "the last sample is compact_memory");
	for (unsigned c = 0; c < SIM_CNT_NR; c++)
		if (res->cnt[c] != sim_counter(sim_run_machine(r), (enum sim_cnt)c))
			ok(0, "counter %s copied", sim_cnt_name((enum sim_cnt)c));
	is_u64(res->cnt[SIM_CNT_ALLOC_SUCCESS], s.cnt[SIM_CNT_ALLOC_SUCCESS],
	       "final counters equal the last sample's");
	ok(res->compact_seconds >= 0, "compact_memory timed");

	/* same options: the same run; progress calls do not change it */
	o.progress = progress;
	o.check = false;
	is_int(sim_run_new(&o, &r2, &e), 0, "second run set up");
	is_int(sim_run_exec(r2, &e), 0, "second run with progress");
	ok(memcmp(sim_run_result(r2)->cnt, res->cnt, sizeof res->cnt) == 0,
	   "same seed: same counters (progress stretches change nothing)");
	sim_run_free(r2);
	sim_run_free(r);

	opts(&o, 4096, SIM_WL_RANDOM, 200000);
	o.progress = progress;
	progress_calls = progress_last = 0;
	is_int(sim_run_new(&o, &r, &e) || sim_run_exec(r, &e), 0, "a longer run");
	ok(progress_calls >= 1, "progress called (%llu calls)", (unsigned long long)progress_calls);
	sim_run_free(r);
	/* a delay longer than the run: no call */
	o.progress_delay = 3600;
	progress_calls = progress_last = 0;
	is_int(sim_run_new(&o, &r, &e) || sim_run_exec(r, &e), 0, "the same run, a long delay");
	is_u64(progress_calls, 0, "no progress call before the delay");
	sim_run_free(r);
}

static void test_failures(void)
{
	struct sim_run_opts o;
	struct sim_run *r = NULL;
	struct sim_run_err e;

	opts(&o, 4096, SIM_WL_NONE, 0);
	o.focus = 11;
	ok(sim_run_new(&o, &r, &e) < 0 && e.fail == SIM_RUN_USAGE && r == NULL,
	   "--order beyond the orders: a usage failure");
	ok(strstr(e.msg, "--order must be below 11") != NULL, "that says the bound: %s", e.msg);

	opts(&o, 64, SIM_WL_THP, 10);
	ok(sim_run_new(&o, &r, &e) == 0, "a tiny machine for thp");
	ok(sim_run_exec(r, &e) == -ENOSPC && e.fail == SIM_RUN_USAGE &&
	   strstr(e.msg, "the prefill cannot reach its target"),
	   "a prefill that cannot reach its target is a usage failure");
	sim_run_free(r);
	r = NULL;

	static const char bad[] = "alloc 1 0 movable\nfree 7\n";
	opts(&o, 4096, SIM_WL_TRACE, 0);
	o.trace_name = "t.trace";
	o.trace_data = bad;
	o.trace_len = sizeof bad - 1;
	ok(sim_run_new(&o, &r, &e) < 0 && e.fail == SIM_RUN_INPUT && r == NULL,
	   "a bad trace is an input failure");
	is_int((int)e.diag.line, 2, "its diagnostic names line 2");
}

int main(void)
{
	test_run();
	test_failures();
	return done_testing();
}
