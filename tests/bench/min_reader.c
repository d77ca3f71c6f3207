/* min_reader.c - the baseline for bench_watch.sh: reads the files that
 * `fragstat watch` reads, at the same rate and cadence, with one read()
 * per file and a trivial pass over the bytes, and does nothing else. No
 * fork, no parsing, no output.
 *
 * Usage: min_reader ROOT INTERVAL COUNT [pagetypeinfo]
 * ROOT is "/" for the live system.
 *
 * min_reader --cpu OUTFILE CMD... runs CMD (stdout to /dev/null) and writes
 * the CPU seconds (user + system, from wait4) it used to OUTFILE; that is
 * how bench_watch.sh measures both sides with microsecond resolution.
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

static void read_file(const char *root, const char *rel)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		for (ssize_t i = 0; i < n; i++)
			sink += buf[i] == '\n';   /* touch every byte, as a parser must */
	close(fd);
}

static int measure(char **argv)
{
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0)
			dup2(fd, 1);
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
	fprintf(f, "%.6f\n", (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
			     (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	fclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "--cpu") == 0)
		return measure(argv + 2);
	if (argc < 4) {
		fprintf(stderr, "usage: min_reader ROOT INTERVAL COUNT [pagetypeinfo]\n");
		return 1;
	}
	const char *root = argv[1];
	double interval = strtod(argv[2], NULL);
	long count = strtol(argv[3], NULL, 10);
	int pti = argc > 4 && strcmp(argv[4], "pagetypeinfo") == 0;
	static const char *const fast[] = { "proc/buddyinfo", "proc/zoneinfo", "proc/vmstat" };
	static const char *const slow[] = { "proc/meminfo", "proc/sys/vm/extfrag_threshold",
					    "proc/sys/vm/compaction_proactiveness",
					    "proc/sys/vm/watermark_scale_factor", "proc/sys/vm/min_free_kbytes" };
	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);
	double since_slow = 1e9;
	for (long i = 0; i < count; i++) {
		for (size_t f = 0; f < sizeof fast / sizeof fast[0]; f++)
			read_file(root, fast[f]);
		if (since_slow >= 10) {
			for (size_t f = 0; f < sizeof slow / sizeof slow[0]; f++)
				read_file(root, slow[f]);
			since_slow = 0;
		}
		since_slow += interval;
		if (pti)
			read_file(root, "proc/pagetypeinfo");
		if (i + 1 == count)
			break;
		long ns = next.tv_nsec + (long)(interval * 1e9);
		next.tv_sec += ns / 1000000000L;
		next.tv_nsec = ns % 1000000000L;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	return sink == (unsigned long)-1;
}
