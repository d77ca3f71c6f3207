/* min_reader.c - the baseline for bench_watch.sh: reads the files that
 * `fragstat watch` reads, at the same rate and by the same cadence rules,
 * with open, read until end of file and close per file and a trivial pass
 * over the bytes, and does nothing else. No fork, no parsing, no output.
 *
 * Usage: min_reader ROOT INTERVAL COUNT [pagetypeinfo]
 * ROOT is "/" for the live system.
 *
 * What fragstat watch reads each refresh (src/cmd_watch.c, src/collect.c),
 * mirrored here:
 *   - buddyinfo, zoneinfo and vmstat: every refresh;
 *   - meminfo and the four vm sysctls: on the first refresh, then when
 *     max(10 s, interval) has passed since they were last read;
 *   - pagetypeinfo (unless disabled): on the first refresh, then when
 *     max(interval, 100 x its last read time) has passed (less the same
 *     small slack for timer jitter);
 *   - below a --root (ROOT other than "/"): proc/sys/kernel/osrelease, and
 *     proc/version when that is missing, every refresh (live, fragstat asks
 *     uname(2) instead, which reads no file).
 *
 * min_reader --cpu OUTFILE CMD... runs CMD with stdout on /dev/null and
 * writes "TOTAL USER SYSTEM" CPU seconds (from wait4) to OUTFILE;
 * min_reader --cpu-tty OUTFILE CMD... does the same with stdout left alone
 * (the dashboard needs its terminal). That is how bench_watch.sh measures
 * both sides with microsecond resolution.
 */
#include "config.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char buf[1 << 20];
static unsigned long sink;

static double now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double fmax2(double a, double b)
{
	return a > b ? a : b;
}

/* 0 when the file was read, -1 when it could not be opened. */
static int read_file(const char *root, const char *rel)
{
	char path[4096];
	if (strcmp(root, "/") == 0)
		snprintf(path, sizeof path, "/%s", rel);
	else
		snprintf(path, sizeof path, "%s/%s", root, rel);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		for (ssize_t i = 0; i < n; i++)
			sink += buf[i] == '\n';   /* touch every byte, as a parser must */
	close(fd);
	return 0;
}

static int measure(char **argv, int keep_stdout)
{
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		if (!keep_stdout) {
			int fd = open("/dev/null", O_WRONLY);
			if (fd >= 0)
				dup2(fd, 1);
		}
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	int st;
	struct rusage ru;
	if (wait4(pid, &st, 0, &ru) < 0)
		return 1;
	FILE *f = fopen(argv[0], "w");
	if (!f)
		return 1;
	double u = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
	double s = (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	fprintf(f, "%.6f %.6f %.6f\n", u + s, u, s);
	fclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "--cpu") == 0)
		return measure(argv + 2, 0);
	if (argc >= 4 && strcmp(argv[1], "--cpu-tty") == 0)
		return measure(argv + 2, 1);
	if (argc < 4) {
		fprintf(stderr, "usage: min_reader ROOT INTERVAL COUNT [pagetypeinfo]\n"
				"       min_reader --cpu|--cpu-tty OUTFILE CMD...\n");
		return 1;
	}
	const char *root = argv[1];
	double interval = strtod(argv[2], NULL);
	long count = strtol(argv[3], NULL, 10);
	int pti = argc > 4 && strcmp(argv[4], "pagetypeinfo") == 0;
	int live = strcmp(root, "/") == 0;
	static const char *const fast[] = { "proc/buddyinfo", "proc/zoneinfo", "proc/vmstat" };
	static const char *const slow[] = { "proc/meminfo", "proc/sys/vm/extfrag_threshold",
					    "proc/sys/vm/compaction_proactiveness",
					    "proc/sys/vm/watermark_scale_factor", "proc/sys/vm/min_free_kbytes" };
	double slow_last = -1, pti_last = -1, pti_cost = 0;
	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (long i = 0; i < count; i++) {
		/* In fragstat's order: osrelease, buddyinfo, pagetypeinfo,
		 * zoneinfo, vmstat, then the slow ones. */
		double now = now_mono();
		if (!live && read_file(root, "proc/sys/kernel/osrelease"))
			read_file(root, "proc/version");
		read_file(root, fast[0]);
		double period = fmax2(interval, 100 * pti_cost);
		double slack = 0.05 * interval < 0.02 ? 0.05 * interval : 0.02;
		if (pti && (pti_last < 0 || now - pti_last >= period - slack)) {
			double t0 = now_mono();
			read_file(root, "proc/pagetypeinfo");
			pti_cost = now_mono() - t0;
			pti_last = t0;
		}
		for (size_t f = 1; f < sizeof fast / sizeof fast[0]; f++)
			read_file(root, fast[f]);
		if (slow_last < 0 || now - slow_last >= fmax2(10, interval)) {
			for (size_t f = 0; f < sizeof slow / sizeof slow[0]; f++)
				read_file(root, slow[f]);
			slow_last = now;
		}
		if (i + 1 == count)
			break;
		long ns = next.tv_nsec + (long)(interval * 1e9);
		next.tv_sec += ns / 1000000000L;
		next.tv_nsec = ns % 1000000000L;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	return sink == (unsigned long)-1;
}
