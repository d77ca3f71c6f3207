/* test_sim_workload.c - splitmix64, the benchmark op sequence against an
 * independent replay, every preset under the checker, traces. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "../tap.h"
#include "rng.h"
#include "sim_buddy.h"
#include "sim_compact.h"
#include "sim_workload.h"

static struct sim_machine *mk(uint64_t pages, enum sim_compact_mode mode, bool nowm)
{
	struct sim_config c;
	struct sim_machine *m = NULL;

	sim_config_default(&c);
	c.zones[0].pages = pages;
	c.no_watermarks = nowm;
	c.compaction = mode;
	return sim_machine_new(&c, &m) ? NULL : m;
}

static void test_rng(void)
{
	struct fs_rng r;

	fs_rng_seed(&r, 0);
	is_u64(fs_rng_next(&r), UINT64_C(0xe220a8397b1dcdaf), "splitmix64(0) #1");
	is_u64(fs_rng_next(&r), UINT64_C(0x6e789e6aa1b965f4), "splitmix64(0) #2");
	is_u64(fs_rng_next(&r), UINT64_C(0x06c45d188009454f), "splitmix64(0) #3");
}

/* Independent replay of the bench sequence (its own splitmix64,
 * its own used/live bookkeeping), compared op by op. */
static uint64_t ref_state;
static uint64_t ref_next(void)
{
	uint64_t z = (ref_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void test_bench_sequence(enum sim_wl_kind kind)
{
	static const unsigned w[11] = { 700, 80, 80, 60, 30, 10, 10, 10, 10, 8, 2 };
	static unsigned live[1 << 15];
	const uint64_t N = 1 << 14;
	struct sim_machine *m = mk(N, SIM_COMPACT_NONE, true);
	struct sim_wl_params p = { .seed = 42 };
	struct sim_wl *wl = NULL;
	uint64_t used = 0, len = 0, mismatch = 0, fails = 0;
	const unsigned steps = 20000;

	if (!m || sim_wl_new(kind, &p, m, &wl)) {
		ok(0, "bench workload");
		return;
	}
	ref_state = 42;
	/* prefill */
	while (used < N / 2) {
		unsigned o = 0;
		struct sim_wl_event ev;
		if (kind == SIM_WL_BENCH_MIXED) {
			uint64_t r = ref_next() % 1000, c = 0;
			for (o = 0; o < 11; o++)
				if (r < (c += w[o]))
					break;
		}
		if (sim_wl_prefill_step(wl) != 0) {
			mismatch++;
			break;
		}
		sim_wl_last(wl, &ev);
		if (!ev.alloc || ev.order != o)
			mismatch++;
		if (ev.ok) {
			live[len++] = o;
			used += 1u << o;
		} else {
			fails++;
		}
	}
	is_int(sim_wl_prefill_step(wl), 1, "%s: prefill ends where the replay's does",
	       sim_wl_name(kind));
	for (unsigned i = 0; i < steps; i++) {
		struct sim_wl_event ev;
		if (sim_wl_step(wl) != 0) {
			mismatch++;
			break;
		}
		sim_wl_last(wl, &ev);
		if (2 * used >= N && len) {
			uint64_t k = ref_next() % len;
			if (ev.alloc || ev.index != k || ev.order != live[k])
				mismatch++;
			used -= 1u << live[k];
			live[k] = live[--len];
		} else {
			unsigned o = 0;
			if (kind == SIM_WL_BENCH_MIXED) {
				uint64_t r = ref_next() % 1000, c = 0;
				for (o = 0; o < 11; o++)
					if (r < (c += w[o]))
						break;
			}
			if (!ev.alloc || ev.order != o)
				mismatch++;
			if (ev.ok) {
				live[len++] = o;
				used += 1u << o;
			} else {
				fails++;
			}
		}
	}
	is_u64(mismatch, 0, "%s: %u ops equal the independent replay", sim_wl_name(kind), steps);
	is_u64(sim_wl_used_pages(wl), used, "%s: used pages agree", sim_wl_name(kind));
	if (fails)
		diag("%s: %llu allocations failed (both sides agree on which)", sim_wl_name(kind),
		     (unsigned long long)fails);
	sim_wl_free(wl);
	sim_machine_free(m);
}

/* Every preset under the checker after every op, with each compaction mode. */
static void test_presets_checked(void)
{
	static const enum sim_wl_kind kinds[] = { SIM_WL_PAGE_CACHE, SIM_WL_SLAB, SIM_WL_THP,
						  SIM_WL_RANDOM, SIM_WL_BENCH_ORDER0,
						  SIM_WL_BENCH_MIXED };
	static const enum sim_compact_mode modes[] = { SIM_COMPACT_DIRECT, SIM_COMPACT_NONE,
						       SIM_COMPACT_PROACTIVE, SIM_COMPACT_FULL };

	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		for (size_t md = 0; md < 4; md++) {
			struct sim_machine *m = mk(4096, modes[md], false);
			struct sim_wl_params p = { .seed = 7 + k * 4 + md };
			struct sim_wl *wl = NULL;
			char msg[256] = "";
			int bad = 0, rc = 0;
			unsigned i;
			if (!m || sim_wl_new(kinds[k], &p, m, &wl)) {
				ok(0, "set up");
				continue;
			}
			while ((rc = sim_wl_prefill_step(wl)) == 0 && !bad)
				bad = sim_check(m, msg, sizeof msg);
			for (i = 0; i < 1500 && !bad; i++) {
				rc = sim_wl_step(wl);
				if (rc < 0)
					break;
				if (modes[md] == SIM_COMPACT_PROACTIVE && i % 100 == 99)
					sim_compact_proactive(m);
				bad = sim_check(m, msg, sizeof msg);
			}
			if (!bad && modes[md] == SIM_COMPACT_FULL) {
				sim_compact_memory(m);
				bad = sim_check(m, msg, sizeof msg);
			}
			if (bad)
				diag("%s", msg);
			ok(!bad && rc >= 0, "%s, compaction mode %zu: invariants after every op",
			   sim_wl_name(kinds[k]), md);
			if (!bad) {
				bad = sim_wl_free_all(wl) || sim_check(m, msg, sizeof msg);
				ok(!bad && sim_zone_free_pages(m, 0) == 4096 &&
					   sim_zone_nr_free(m, 0, 10) == 4,
				   "%s: free-all merges back to four order-10 blocks",
				   sim_wl_name(kinds[k]));
			}
			sim_wl_free(wl);
			sim_machine_free(m);
		}
}

static void test_trace(void)
{
	static const char good[] =
		"# a comment\n"
		"alloc 1 0 movable\n"
		"alloc 2 3 unmovable   # trailing comment\n"
		"\n"
		"  alloc 7 9 R\n"
		"free 1\n"
		"alloc 1 1 M\n";
	static const struct { const char *text; unsigned line, col; const char *msg; } bad[] = {
		{ "alloc 1 0 movable\nallocate 2 0 movable\n", 2, 1, "expected 'alloc' or 'free'" },
		{ "alloc x 0 movable\n", 1, 7, "expected an ID" },
		{ "alloc 1 11 movable\n", 1, 9, "expected an order 0..10" },
		{ "alloc 1 0 sticky\n", 1, 11, "expected a migratetype" },
		{ "alloc 1 0 movable extra\n", 1, 19, "expected end of line" },
		{ "free 3\n", 1, 6, "expected the ID of a live allocation" },
		{ "alloc 1 0 M\nalloc 1 0 M\n", 2, 7, "expected an ID that is not allocated" },
		{ "alloc 99999999999999999999 0 M\n", 1, 7, "expected an ID below 2^64" },
	};
	struct sim_machine *m = mk(4096, SIM_COMPACT_DIRECT, false);
	struct sim_wl *w = NULL;
	struct fs_diag d = { 0 };
	int rc;

	rc = sim_wl_trace("good.trace", good, strlen(good), m, &w, &d);
	is_int(rc, 0, "good trace parses");
	if (rc == 0) {
		is_u64(sim_wl_trace_ops(w), 5, "five operations");
		while (sim_wl_step(w) == 0)
			;
		is_u64(sim_wl_used_pages(w), 8 + 512 + 2, "used pages 8 + 512 + 2");
		is_u64(sim_zone_free_pages(m, 0), 4096 - 522, "zone free pages agree");
		is_u64(sim_zone_blocks(m, 0, SIM_MT_RECLAIMABLE), 2, "the order-9 reclaimable request claimed a free order-10 block (2 pageblocks)");
		sim_wl_free(w);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&d, 0, sizeof d);
		rc = sim_wl_trace("bad.trace", bad[i].text, strlen(bad[i].text), m, &w, &d);
		ok(rc == -EINVAL && d.line == bad[i].line && d.col == bad[i].col &&
			   strncmp(d.msg, bad[i].msg, strlen(bad[i].msg)) == 0,
		   "bad trace %zu: %u:%u: %s", i, bad[i].line, bad[i].col, bad[i].msg);
		if (rc != -EINVAL || d.line != bad[i].line || d.col != bad[i].col)
			diag("  got rc %d at %u:%u: %s", rc, d.line, d.col, d.msg);
	}
	sim_machine_free(m);
}

int main(void)
{
	enum sim_wl_kind k;

	test_rng();
	ok(sim_wl_parse("thp", &k) == 0 && k == SIM_WL_THP, "preset names parse");
	ok(sim_wl_parse("trace", &k) == -EINVAL, "trace is not a preset name");
	test_bench_sequence(SIM_WL_BENCH_ORDER0);
	test_bench_sequence(SIM_WL_BENCH_MIXED);
	test_presets_checked();
	test_trace();
	return done_testing();
}
