#include "config.h"

#ifdef HAVE_TRACEFS

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_events.h"
#include "ev.h"
#include "ev_decode.h"
#include "ev_trace.h"
#include "load.h"
#include "snapshot.h"

/* pfn -> live allocation of the recording */
struct live {
	uint64_t *pfn;     /* key + 1 (0 = empty), tombstone UINT64_MAX */
	uint64_t *id;
	uint8_t *order;
	size_t cap, n, used;
};

static size_t slot_of(const struct live *h, uint64_t key)
{
	return (size_t)((key * UINT64_C(0x9e3779b97f4a7c15)) >> 17) & (h->cap - 1);
}

static int live_grow(struct live *h)
{
	struct live n = { 0 };
	n.cap = h->cap ? h->cap * 2 : 1u << 16;
	n.pfn = calloc(n.cap, sizeof *n.pfn);
	n.id = malloc(n.cap * sizeof *n.id);
	n.order = malloc(n.cap);
	if (!n.pfn || !n.id || !n.order) {
		free(n.pfn);
		free(n.id);
		free(n.order);
		return -ENOMEM;
	}
	for (size_t i = 0; i < h->cap; i++)
		if (h->pfn[i] && h->pfn[i] != UINT64_MAX) {
			size_t j = slot_of(&n, h->pfn[i]);
			while (n.pfn[j])
				j = (j + 1) & (n.cap - 1);
			n.pfn[j] = h->pfn[i];
			n.id[j] = h->id[i];
			n.order[j] = h->order[i];
			n.n++;
			n.used++;
		}
	free(h->pfn);
	free(h->id);
	free(h->order);
	*h = n;
	return 0;
}

static long live_find(const struct live *h, uint64_t pfn)
{
	if (!h->cap)
		return -1;
	uint64_t key = pfn + 1;
	for (size_t i = slot_of(h, key);; i = (i + 1) & (h->cap - 1)) {
		if (!h->pfn[i])
			return -1;
		if (h->pfn[i] == key)
			return (long)i;
	}
}

static int live_put(struct live *h, uint64_t pfn, uint64_t id, unsigned order)
{
	if (2 * (h->used + 1) > h->cap && live_grow(h))
		return -ENOMEM;
	uint64_t key = pfn + 1;
	size_t i = slot_of(h, key);
	while (h->pfn[i] && h->pfn[i] != UINT64_MAX)
		i = (i + 1) & (h->cap - 1);
	if (!h->pfn[i])
		h->used++;
	h->pfn[i] = key;
	h->id[i] = id;
	h->order[i] = (uint8_t)order;
	h->n++;
	return 0;
}

static void live_del(struct live *h, long i)
{
	h->pfn[i] = UINT64_MAX;
	h->n--;
}

struct rec_state {
	FILE *out;
	struct live live;
	uint64_t next_id;
	uint64_t allocs, frees, failed_allocs, other_mt, pre_frees, pre_free_pages, inferred_frees,
		 order_mismatch;
	struct ev_recbuf rb;   /* dropped: records this reader could not keep */
};

static const char *mt_word(int64_t mt)
{
	/* gfp_migratetype(): 0 Unmovable, 1 Movable, 2 Reclaimable */
	switch (mt) {
	case 0: return "unmovable";
	case 1: return "movable";
	case 2: return "reclaimable";
	default: return NULL;
	}
}

/* Turn the records before `until` into trace lines (mm_page_alloc and
 * mm_page_free fire in __alloc_pages / __free_pages, i.e. as the caller
 * sees it, whether the page came from or went to a per-CPU list). */
static int process(struct rec_state *s, uint64_t until, bool all)
{
	size_t k = ev_recbuf_before(&s->rb, until, all, ev_rec_cmp_ts);
	for (size_t i = 0; i < k; i++) {
		const struct ev_rec *r = &s->rb.r[i];
		uint64_t pfn = (uint64_t)r->f[0];
		long at;
		if (r->kind == EV_PAGE_ALLOC) {
			if (r->f[0] == -1) {   /* pfn -1UL: the allocation failed */
				s->failed_allocs++;
				continue;
			}
			const char *mt = mt_word(r->f[2]);
			if (!mt || r->f[1] < 0 || r->f[1] > 15) {
				s->other_mt++;
				continue;
			}
			if ((at = live_find(&s->live, pfn)) >= 0) {
				/* allocated again without a recorded free: the free was lost */
				fprintf(s->out, "free %" PRIu64 " # inferred: pfn 0x%" PRIx64 " allocated again\n",
					s->live.id[at], pfn);
				live_del(&s->live, at);
				s->inferred_frees++;
			}
			uint64_t id = s->next_id++;
			if (live_put(&s->live, pfn, id, (unsigned)r->f[1]))
				return -ENOMEM;
			fprintf(s->out, "alloc %" PRIu64 " %d %s\n", id, (int)r->f[1], mt);
			s->allocs++;
		} else {
			int order = r->kind == EV_PAGE_FREE ? (int)r->f[1] : 0;
			if ((at = live_find(&s->live, pfn)) < 0) {
				s->pre_frees++;
				if (order >= 0 && order < 32)
					s->pre_free_pages += UINT64_C(1) << order;
				continue;
			}
			if (s->live.order[at] != order)
				s->order_mismatch++;
			fprintf(s->out, "free %" PRIu64 "\n", s->live.id[at]);
			live_del(&s->live, at);
			s->frees++;
		}
	}
	ev_recbuf_shift(&s->rb, k);
	return ferror(s->out) ? -EIO : 0;
}

/* Run another fragstat command in a child with stdout to /dev/null. */
static int run_child(int (*fn)(int, char **), int argc, char **argv)
{
	fflush(NULL);   /* no buffered output may be written twice or out of place */
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			close(fd);
		}
		_exit(fn(argc, argv));
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static int capture(const char *dir)
{
	char a0[] = "capture";
	char *argv[] = { a0, (char *)(uintptr_t)dir, NULL };
	return run_child(cmd_capture_main, 2, argv);
}

/* Pages on per-CPU lists: the "count:" lines of zoneinfo's pagesets. */
static int64_t pcp_pages(const char *root)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/proc/zoneinfo", root);
	struct fs_buf b = { 0 };
	if (fs_file_read(path, &b))
		return -1;
	int64_t sum = 0;
	for (const char *p = b.data; (p = strstr(p, "\n              count: ")); ) {
		p += strlen("\n              count: ");
		sum += strtoll(p, NULL, 10);
	}
	fs_buf_free(&b);
	return sum;
}

static void compare(const char *real_dir, const char *sim_dir)
{
	struct fs_snapshot *real = NULL, *sim = NULL;
	struct fs_diag d = { 0 };
	if (fs_load_state(real_dir, &real, &d) || fs_load_state(sim_dir, &sim, &d)) {
		fs_err("events: cannot compare the end states:");
		fs_err_diag(&d);
		fs_snapshot_free(real);
		return;
	}
	printf("\nEnd state, free blocks per order: real (%s) / simulated (%s)\n", real_dir, sim_dir);
	const struct fs_node *rn = real->nnodes ? &real->nodes[0] : NULL;
	const struct fs_node *sn = sim->nnodes ? &sim->nodes[0] : NULL;
	unsigned orders = real->orders < sim->orders ? real->orders : sim->orders;
	for (unsigned z = 0; rn && sn && z < rn->nzones; z++) {
		const struct fs_zone *rz = &rn->zones[z], *sz = NULL;
		for (unsigned k = 0; k < sn->nzones; k++)
			if (strcmp(sn->zones[k].name, rz->name) == 0)
				sz = &sn->zones[k];
		if (!rz->has_buddy)
			continue;   /* listed by zoneinfo only: not populated */
		if (!sz) {
			printf("  node %d %s: not simulated\n", rn->id, rz->name);
			continue;
		}
		printf("  node %d %s\n    %-10s", rn->id, rz->name, "order");
		for (unsigned o = 0; o < orders; o++)
			printf(" %7u", o);
		printf("\n    %-10s", "real");
		for (unsigned o = 0; o < orders; o++)
			printf(" %7" PRIu64, rz->free[o]);
		printf("\n    %-10s", "simulated");
		for (unsigned o = 0; o < orders; o++)
			printf(" %7" PRIu64, sz->free[o]);
		printf("\n");
		if (rz->has_types && sz->has_types) {
			for (unsigned m = 0; m < real->nmt; m++) {
				int sm = -1;
				for (unsigned k = 0; k < sim->nmt; k++)
					if (strcmp(sim->mt_names[k], real->mt_names[m]) == 0)
						sm = (int)k;
				uint64_t rp = 0, sp = 0;
				for (unsigned o = 0; o < orders; o++) {
					rp += rz->free_by_type[m][o] << o;
					if (sm >= 0)
						sp += sz->free_by_type[sm][o] << o;
				}
				if (rp || sp)
					printf("    %-12s free pages: real %" PRIu64 ", simulated %" PRIu64 "\n",
					       real->mt_names[m], rp, sp);
			}
		}
	}
	fs_snapshot_free(real);
	fs_snapshot_free(sim);
}

int ev_record_trace(const char *file, uint64_t duration_ns, unsigned buffer_kb,
		    volatile sig_atomic_t *stop)
{
	char start_dir[4200], end_dir[4200], sim_dir[4200];
	struct ev_trace *t = NULL;
	struct ev_trace_info ti;
	struct fs_diag d = { 0 };
	struct ev_trace_opts to = { .want = EV_MASK_RECORD, .buffer_kb = buffer_kb };
	struct ev_decode_stats st = { 0 };
	struct rec_state s = { .rb = { .max = 1u << 22, .first = 65536 } };
	int status = FS_EXIT_OK, rc;
	FILE *out = NULL;

	snprintf(start_dir, sizeof start_dir, "%s.start", file);
	snprintf(end_dir, sizeof end_dir, "%s.end", file);
	snprintf(sim_dir, sizeof sim_dir, "%s.sim", file);
	struct stat sb;
	if (lstat(start_dir, &sb) == 0 || lstat(end_dir, &sb) == 0 || lstat(sim_dir, &sb) == 0 || lstat(file, &sb) == 0) {
		fs_err("events: %s, %s.start, .end or .sim exists: --record-trace writes new files only", file, file);
		return FS_EXIT_USAGE;
	}
	rc = ev_trace_open(&to, &t, &ti, &d);
	if (rc) {
		if (rc == -EPERM)
			fs_err("events: %s (run as root)", d.msg);
		else
			fs_err_diag(&d);
		ev_trace_close(t);
		return rc == -ENOMEM ? FS_EXIT_INTERNAL : FS_EXIT_INPUT;
	}
	int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 || !(out = fdopen(fd, "w"))) {
		fs_err("%s: %s", file, strerror(errno));
		if (fd >= 0)
			close(fd);
		ev_trace_close(t);
		return FS_EXIT_OUTPUT;
	}
	s.out = out;
	setvbuf(out, NULL, _IOFBF, 1 << 16);
	fprintf(out, "# fragstat events --record-trace: kmem:mm_page_alloc and mm_page_free as\n"
		"# 'fragstat simulate --trace' operations; IDs number the allocations; replay with\n"
		"#   fragstat simulate --from %s --trace %s\n", start_dir, file);

	/* The starting state, taken just before recording starts. */
	fflush(out);
	uint64_t c0 = ev_trace_now();
	rc = capture(start_dir);
	uint64_t c1 = ev_trace_now();
	if (rc != 0) {
		fs_err("events: capturing the starting state into %s failed (capture status %d)", start_dir, rc);
		status = FS_EXIT_INPUT;
		goto out;
	}
	uint64_t lost0 = 0, lost1 = 0;
	ev_trace_lost(t, &lost0, &d);
	if ((rc = ev_trace_start(t, &d))) {
		fs_err_diag(&d);
		status = FS_EXIT_INPUT;
		goto out;
	}
	struct rusage ru0, ru1;
	getrusage(RUSAGE_SELF, &ru0);
	uint64_t t0 = ev_trace_now(), end = t0 + duration_ns;
	for (;;) {
		uint64_t now = ev_trace_now();
		bool last = *stop || now >= end;
		if (last) {
			ev_trace_stop(t);
			now = ev_trace_now();
		} else {
			struct timespec ts = { 0, 100000000 };   /* drain ten times a second */
			nanosleep(&ts, NULL);
			now = ev_trace_now();
		}
		rc = ev_trace_drain(t, ev_recbuf_sink, &s.rb, &st, &d);
		if (!rc)
			rc = process(&s, now, last);
		if (rc == -ENOMEM) {
			fs_err("out of memory");
			status = FS_EXIT_INTERNAL;
			goto out;
		}
		if (rc == -EIO) {
			fs_err("%s: write failed", file);
			status = FS_EXIT_OUTPUT;
			goto out;
		}
		if (rc) {
			fs_err_diag(&d);
			status = FS_EXIT_INPUT;
			goto out;
		}
		if (last)
			break;
	}
	uint64_t t1 = ev_trace_now();
	getrusage(RUSAGE_SELF, &ru1);
	/* Nothing of the trace may sit in a stdio buffer a child inherits. */
	if (fflush(out) != 0) {
		fs_err("%s: write failed", file);
		status = FS_EXIT_OUTPUT;
		goto out;
	}
	double cpu = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec + ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
		     (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec + ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
	ev_trace_lost(t, &lost1, &d);
	rc = capture(end_dir);
	uint64_t t2 = ev_trace_now();
	if (rc != 0) {
		fs_err("events: capturing the end state into %s failed (capture status %d)", end_dir, rc);
		status = FS_EXIT_INPUT;
		goto out;
	}
	uint64_t lost = lost1 - lost0 + st.missed_known;
	fprintf(out,
		"# recorded %.3f s: %" PRIu64 " allocations, %" PRIu64 " frees written\n"
		"# not written: %" PRIu64 " frees of %" PRIu64 " pages allocated before the recording (or tail pages\n"
		"#   of split allocations): the starting state holds them as allocated\n"
		"# not written: %" PRIu64 " failed allocations, %" PRIu64 " of other migratetypes\n"
		"# %" PRIu64 " frees inferred (page allocated again with no free seen), %" PRIu64
		" frees of another order than allocated\n"
		"# lost: %" PRIu64 " events dropped by the ring buffer, %" PRIu64 " by fragstat's reader\n"
		"# %" PRIu64 " allocations still live at the end\n",
		(double)(t1 - t0) / 1e9, s.allocs, s.frees, s.pre_frees, s.pre_free_pages, s.failed_allocs, s.other_mt,
		s.inferred_frees, s.order_mismatch, lost, s.rb.dropped, (uint64_t)s.live.n);
	if (fclose(out) != 0) {
		out = NULL;
		fs_err("%s: write failed", file);
		status = FS_EXIT_OUTPUT;
		goto out;
	}
	out = NULL;
	rc = ev_trace_close(t);
	t = NULL;
	if (rc)
		fs_err("events: removing the tracefs instance %s failed: %s", ti.instance, strerror(-rc));

	printf("Recorded %.3f s of kmem:mm_page_alloc/mm_page_free into %s\n", (double)(t1 - t0) / 1e9, file);
	printf("  starting state: %s (captured %.0f ms, ending %.0f ms before the recording began)\n", start_dir,
	       (double)(c1 - c0) / 1e6, (double)(t0 - c1) / 1e6);
	printf("  end state:      %s (captured in %.0f ms after the recording stopped)\n", end_dir,
	       (double)(t2 - t1) / 1e6);
	printf("  page map:       not captured (this fragstat has no page-map reader; --from\n"
	       "                  synthesizes the layout from the free lists)\n");
	printf("  written: %" PRIu64 " allocations, %" PRIu64 " frees\n", s.allocs, s.frees);
	printf("  read: %" PRIu64 " events (%.0f/s); fragstat's CPU while recording: %.2f s (%.0f%% of one CPU)\n",
	       st.records, (double)st.records * 1e9 / (double)(t1 - t0), cpu, 100.0 * cpu * 1e9 / (double)(t1 - t0));
	printf("  left out: %" PRIu64 " frees (%" PRIu64 " pages) of pages allocated before the\n"
	       "            recording or tail pages of split allocations (the starting state\n"
	       "            holds them as allocated); %" PRIu64 " failed allocations; %" PRIu64 "\n"
	       "            allocations of other migratetypes\n", s.pre_frees, s.pre_free_pages, s.failed_allocs,
	       s.other_mt);
	printf("  inferred: %" PRIu64 " frees (a page allocated again with no free seen)\n"
	       "  %" PRIu64 " frees of another order than allocated (replayed as freeing it whole)\n",
	       s.inferred_frees, s.order_mismatch);
	printf("  lost: %" PRIu64 " events dropped by the ring buffer, %" PRIu64 " by fragstat's reader%s\n", lost,
	       s.rb.dropped, lost || s.rb.dropped ? ": the trace misses operations" : "");
	int64_t p0 = pcp_pages(start_dir), p1 = pcp_pages(end_dir);
	printf("  per-CPU lists: pages of order <= 3 freed into them stay off the buddy lists\n"
	       "                 (zoneinfo pagesets count: %" PRId64 " pages at the start, %" PRId64
	       " at the end);\n                 the simulator frees straight to the buddy lists\n", p0, p1);
	fflush(stdout);

	char a0[] = "simulate", a1[] = "--from", a3[] = "--trace", a5[] = "--emit-root", a7[] = "-o", a8[] = "json";
	char *argv[] = { a0, a1, start_dir, a3, (char *)(uintptr_t)file, a5, sim_dir, a7, a8, NULL };
	rc = run_child(cmd_simulate_main, 9, argv);
	if (rc != 0) {
		fs_err("events: 'fragstat simulate --from %s --trace %s' failed (status %d)", start_dir, file, rc);
		status = FS_EXIT_INTERNAL;
		goto out;
	}
	compare(end_dir, sim_dir);
out:
	if (out)
		fclose(out);
	if (t && (rc = ev_trace_close(t)))
		fs_err("events: removing the tracefs instance %s failed: %s", ti.instance, strerror(-rc));
	free(s.rb.r);
	free(s.live.pfn);
	free(s.live.id);
	free(s.live.order);
	return status;
}

#endif
