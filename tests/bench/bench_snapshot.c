/* Benchmark (not a test): `fragstat snapshot` against `cat` of the same
 * files, interleaved, median of N pairs; plus fragstat's in-process CPU per
 * snapshot (collect + report + render into /dev/null).
 * Usage: bench_snapshot FRAGSTAT [PAIRS] [FORMAT] */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collect.h"
#include "render.h"
#include "report.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run argv with stdout/stderr to /dev/null; wall seconds, child CPU in *cpu. */
static double run(char *const argv[], double *cpu)
{
	double t0 = now();
	pid_t p = fork();
	if (p == 0) {
		int fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		dup2(fd, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	int st;
	struct rusage ru;
	wait4(p, &st, 0, &ru);
	double t = now() - t0;
	*cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
	return t;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp);
	return v[n / 2];
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FRAGSTAT [PAIRS] [FORMAT]\n", argv[0]);
		return 1;
	}
	int pairs = argc > 2 ? atoi(argv[2]) : 201;
	const char *fmt = argc > 3 ? argv[3] : "table";
	if (pairs < 101)
		pairs = 101;
	/* The files fragstat reads live (readable ones only, so cat succeeds). */
	static const char *const files[] = {
		"/proc/buddyinfo", "/proc/pagetypeinfo", "/proc/zoneinfo", "/proc/vmstat",
		"/proc/meminfo", "/proc/sys/vm/extfrag_threshold",
		"/proc/sys/vm/compaction_proactiveness", "/proc/sys/vm/watermark_scale_factor",
		"/proc/sys/vm/min_free_kbytes", "/sys/kernel/debug/extfrag/extfrag_index",
		"/sys/kernel/debug/extfrag/unusable_index",
	};
	char *cat_argv[16] = { (char *)(uintptr_t)"cat" };
	int n = 1;
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		if (access(files[i], R_OK) == 0)
			cat_argv[n++] = (char *)(uintptr_t)files[i];
	cat_argv[n] = NULL;
	char *fs_argv[] = { argv[1], (char *)(uintptr_t)"snapshot", (char *)(uintptr_t)"-o",
			    (char *)(uintptr_t)fmt, NULL };

	double *wc = calloc((size_t)pairs, sizeof *wc), *wf = calloc((size_t)pairs, sizeof *wf);
	double *cf = calloc((size_t)pairs, sizeof *cf), *cc = calloc((size_t)pairs, sizeof *cc);
	double *ratio = calloc((size_t)pairs, sizeof *ratio);
	for (int i = 0; i < 5; i++) {   /* warm up */
		double c;
		run(cat_argv, &c);
		run(fs_argv, &c);
	}
	for (int i = 0; i < pairs; i++) {
		if (i & 1) {
			wf[i] = run(fs_argv, &cf[i]);
			wc[i] = run(cat_argv, &cc[i]);
		} else {
			wc[i] = run(cat_argv, &cc[i]);
			wf[i] = run(fs_argv, &cf[i]);
		}
		ratio[i] = wf[i] / wc[i];
	}
	double mr = median(ratio, pairs);
	double mwc = median(wc, pairs), mwf = median(wf, pairs);
	double mcc = median(cc, pairs), mcf = median(cf, pairs);

	/* In-process: the work fragstat does per snapshot, without exec and
	 * dynamic linking. */
	int iters = 2000;
	FILE *null = fopen("/dev/null", "w");
	struct fs_render_opts ro = { .format = strcmp(fmt, "json") == 0 ? FS_FMT_JSON : FS_FMT_TABLE,
				     .width = 80 };
	struct rusage r0, r1;
	getrusage(RUSAGE_SELF, &r0);
	double t0 = now();
	for (int i = 0; i < iters; i++) {
		struct fs_snapshot *s = fs_snapshot_new();
		struct fs_collect_result res;
		struct fs_diag d;
		struct fs_collect_opts co = { .root = NULL, .mask = FS_SRC_ALL, .use_procps = true,
					      .kernel_check = true };
		if (fs_collect(s, &co, &res, &d) == 0) {
			struct fs_report_opts rep = { .focus_order = -1, .node_filter = -1 };
			struct fs_report *r = fs_report_new(s, &rep);
			fs_render(null, r, &ro);
			fs_report_free(r);
		}
		fs_snapshot_free(s);
	}
	double wall = (now() - t0) / iters;
	getrusage(RUSAGE_SELF, &r1);
	double ucpu = ((double)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) +
		       (r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) / 1e6) / iters;
	double scpu = ((double)(r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) +
		       (r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) / 1e6) / iters;

	printf("snapshot benchmark (%d interleaved pairs, format %s, %d files readable)\n", pairs, fmt, n - 1);
	printf("  cat of the same files:   median wall %8.1f us, child CPU %8.1f us\n", mwc * 1e6, mcc * 1e6);
	printf("  fragstat snapshot:       median wall %8.1f us, child CPU %8.1f us\n", mwf * 1e6, mcf * 1e6);
	printf("  ratio fragstat/cat:      median of pair ratios %.3f (target <= 1.25)\n", mr);
	printf("  in-process per snapshot: wall %8.1f us; own (user) CPU %6.1f us (target <= 200 us),\n"
	       "                           kernel (sys) CPU producing the files %6.1f us\n",
	       wall * 1e6, ucpu * 1e6, scpu * 1e6);
	return 0;
}
