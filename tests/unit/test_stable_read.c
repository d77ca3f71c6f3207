/* test_stable_read.c - buddyinfo read around the debugfs files: which
 * files were read, how often, and whether the two buddyinfo reads agreed. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect.h"
#include "../tap.h"

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) == EOF || fclose(f) != 0) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
}

int main(void)
{
	char dir[] = "/tmp/fragstat-stable.XXXXXX";
	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	char b[128], e[128], u[128], none[128];
	snprintf(b, sizeof b, "%s/buddyinfo", dir);
	snprintf(e, sizeof e, "%s/extfrag_index", dir);
	snprintf(u, sizeof u, "%s/unusable_index", dir);
	snprintf(none, sizeof none, "%s/missing", dir);
	const char *bi = "Node 0, zone   Normal      1      2      3\n";
	put(b, bi);
	put(e, "Node 0, zone   Normal -1.000 -1.000 -1.000\n");
	put(u, "Node 0, zone   Normal 0.000 0.100 0.300\n");

	struct fs_stable_read sr;
	is_int(fs_read_buddyinfo_stable(b, e, u, 20, &sr), 0, "all three files: 0");
	ok(sr.stable && sr.attempts == 1, "unchanged buddyinfo: stable after one round (%u)", sr.attempts);
	ok(sr.buddy.len == strlen(bi) && memcmp(sr.buddy.data, bi, sr.buddy.len) == 0, "buddyinfo kept");
	ok(sr.err_extfrag == 0 && sr.extfrag.len > 0 && sr.err_unusable == 0 && sr.unusable.len > 0,
	   "both debugfs files kept");
	fs_stable_read_free(&sr);

	is_int(fs_read_buddyinfo_stable(b, none, NULL, 20, &sr), 0, "no debugfs file: 0");
	ok(!sr.stable && sr.attempts == 1, "no debugfs file: not stable (nothing to agree with), one round");
	ok(sr.err_extfrag == -ENOENT && sr.err_unusable == -ENAMETOOLONG,
	   "a missing file is -ENOENT, a path that could not be named -ENAMETOOLONG");
	ok(sr.buddy.len == strlen(bi), "no debugfs file: buddyinfo still kept");
	fs_stable_read_free(&sr);

	is_int(fs_read_buddyinfo_stable(b, e, none, 20, &sr), 0, "one debugfs file: 0");
	ok(sr.stable && sr.err_extfrag == 0 && sr.err_unusable == -ENOENT, "one debugfs file is enough to agree");
	fs_stable_read_free(&sr);

	is_int(fs_read_buddyinfo_stable(none, e, u, 20, &sr), -ENOENT, "no buddyinfo: its error");
	ok(sr.err_buddy == -ENOENT && sr.buddy.data == NULL && sr.extfrag.data == NULL,
	   "no buddyinfo: nothing kept");
	fs_stable_read_free(&sr);

	unlink(b);
	unlink(e);
	unlink(u);
	rmdir(dir);
	return done_testing();
}
