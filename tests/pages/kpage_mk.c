/* kpage_mk: write synthetic /proc/kpageflags and /proc/kpagecount files.
 *
 * Usage: kpage_mk DIR < description. The description has one run per line,
 * "PFN N FLAGS COUNT" (PFN, N and COUNT decimal, FLAGS hexadecimal with or
 * without 0x), and one "end PFN" line giving the file length in pfns;
 * '#' starts a comment. Pfns not in any run read 0, as holes do on 6.18.
 * Values are native-endian u64, as the kernel writes them. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	char line[256], path[4096];
	uint64_t end = 0, *fl = NULL, *ct = NULL;
	if (argc != 2) {
		fprintf(stderr, "usage: kpage_mk DIR < description\n");
		return 1;
	}
	unsigned lineno = 0;
	while (fgets(line, sizeof line, stdin)) {
		uint64_t pfn, n, flags, count;
		lineno++;
		char *h = strchr(line, '#');
		if (h)
			*h = '\0';
		if (strspn(line, " \t\n") == strlen(line))
			continue;
		if (sscanf(line, " end %" SCNu64, &end) == 1) {
			if (end > (1u << 24)) {
				fprintf(stderr, "kpage_mk: line %u: end too large\n", lineno);
				return 1;
			}
			fl = calloc(end ? end : 1, 8);
			ct = calloc(end ? end : 1, 8);
			if (!fl || !ct)
				return 1;
			continue;
		}
		if (sscanf(line, "%" SCNu64 " %" SCNu64 " %" SCNx64 " %" SCNu64, &pfn, &n, &flags, &count) != 4 ||
		    !fl || pfn > end || n > end - pfn) {
			fprintf(stderr, "kpage_mk: line %u: expected \"PFN N FLAGS COUNT\" after \"end PFN\", inside it\n", lineno);
			return 1;
		}
		for (uint64_t i = pfn; i < pfn + n; i++) {
			fl[i] = flags;
			ct[i] = count;
		}
	}
	const char *names[2] = { "kpageflags", "kpagecount" };
	uint64_t *bufs[2] = { fl, ct };
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s/%s", argv[1], names[i]);
		FILE *f = fopen(path, "wb");
		if (!f || (end && fwrite(bufs[i], 8, end, f) != end) || fclose(f) != 0) {
			perror(path);
			return 1;
		}
	}
	free(fl);
	free(ct);
	return 0;
}
