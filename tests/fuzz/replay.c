/* replay.c - run every corpus file through the fuzz entry points, without
 * libFuzzer; part of every `make check`.
 *
 * Usage: replay [CORPUS_DIR]   (default $top_srcdir/tests/fuzz/corpus)
 * Prints one TAP line per target with the number of files replayed. A
 * broken invariant or a memory error aborts (the harness reports the crash
 * and the last file named on stderr). A target whose corpus directory is
 * missing or empty fails: the corpus is part of the source tree.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"
#include "procfs.h"
#include "../tap.h"

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replay every regular file in dir; returns the count, or -errno. */
static long replay_dir(enum fuzz_target t, const char *dir)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return -errno;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(dp))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			char **nn = realloc(names, ncap * sizeof *nn);
			if (!nn)
				abort();
			names = nn;
			cap = ncap;
		}
		if (!(names[n++] = strdup(de->d_name)))
			abort();
	}
	closedir(dp);
	if (n)
		qsort(names, n, sizeof *names, cmp_names);
	long count = 0;
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		struct fs_buf b;
		if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= (int)sizeof path ||
		    stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		int r = fs_file_read(path, &b);
		if (r) {
			diag("%s: %s", path, strerror(-r));
			count = r;
			break;
		}
		/* Named first, so a crash shows which input it was. */
		fprintf(stderr, "replay %s\n", path);
		fuzz_run(t, (const uint8_t *)b.data, b.len);
		fs_buf_free(&b);
		count++;
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return count;
}

int main(int argc, char **argv)
{
	const char *top = getenv("top_srcdir");
	char corpus[4096];
	if (argc > 1)
		snprintf(corpus, sizeof corpus, "%s", argv[1]);
	else
		snprintf(corpus, sizeof corpus, "%s/tests/fuzz/corpus", top && *top ? top : ".");
	for (int t = 0; t < FZ_COUNT; t++) {
		char dir[4200];
		const char *name = fuzz_target_name((enum fuzz_target)t);
		if (!fuzz_target_available((enum fuzz_target)t)) {
			printf("ok %d - %s # SKIP no parser for this target in this build\n", ++tap_n, name);
			continue;
		}
		snprintf(dir, sizeof dir, "%s/%s", corpus, name);
		long c = replay_dir((enum fuzz_target)t, dir);
		if (c < 0)
			diag("%s: %s", dir, strerror((int)-c));
		ok(c > 0, "%s: %ld corpus files replayed", name, c < 0 ? 0 : c);
	}
	return done_testing();
}
