/* test_stable_read.c - buddyinfo read around the debugfs files: which
 * files were read, how often, and whether the two buddyinfo reads agreed. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procfs.h"

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

static char root[64];

static void path(char *buf, size_t size, const char *rel)
{
	snprintf(buf, size, "%s/%s", root, rel);
}

static void tree(bool buddy, bool extfrag, bool unusable)
{
	static const char *bi = "Node 0, zone   Normal      1      2      3\n";
	char p[256];
	path(p, sizeof p, "proc");
	mkdir(p, 0755);
	path(p, sizeof p, "sys/kernel/debug/extfrag");
	char cmd[512];
	snprintf(cmd, sizeof cmd, "mkdir -p '%s'", p);
	if (system(cmd) != 0) {
		printf("Bail out! mkdir\n");
		exit(1);
	}
	path(p, sizeof p, "proc/buddyinfo");
	unlink(p);
	if (buddy)
		put(p, bi);
	path(p, sizeof p, "sys/kernel/debug/extfrag/extfrag_index");
	unlink(p);
	if (extfrag)
		put(p, "Node 0, zone   Normal -1.000 -1.000 -1.000\n");
	path(p, sizeof p, "sys/kernel/debug/extfrag/unusable_index");
	unlink(p);
	if (unusable)
		put(p, "Node 0, zone   Normal 0.000 0.100 0.300\n");
}

int main(void)
{
	snprintf(root, sizeof root, "/tmp/fragstat-stable.XXXXXX");
	if (!mkdtemp(root)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	const char *bi = "Node 0, zone   Normal      1      2      3\n";
	struct fs_stable_read sr;

	tree(true, true, true);
	is_int(fs_read_buddyinfo_stable(root, 20, &sr, NULL), 0, "all three files: 0");
	ok(sr.stable && sr.attempts == 1, "unchanged buddyinfo: stable after one round (%u)", sr.attempts);
	ok(sr.buddy.len == strlen(bi) && memcmp(sr.buddy.data, bi, sr.buddy.len) == 0, "buddyinfo kept");
	ok(sr.err_extfrag == 0 && sr.extfrag.len > 0 && sr.err_unusable == 0 && sr.unusable.len > 0,
	   "both debugfs files kept");
	fs_stable_read_free(&sr);

	tree(true, false, false);
	is_int(fs_read_buddyinfo_stable(root, 20, &sr, NULL), 0, "no debugfs file: 0");
	ok(!sr.stable && sr.attempts == 1, "no debugfs file: not stable (nothing to agree with), one round");
	ok(sr.err_extfrag == -ENOENT && sr.err_unusable == -ENOENT, "a missing file is -ENOENT");
	ok(sr.buddy.len == strlen(bi), "no debugfs file: buddyinfo still kept");
	fs_stable_read_free(&sr);

	tree(true, true, false);
	is_int(fs_read_buddyinfo_stable(root, 20, &sr, NULL), 0, "one debugfs file: 0");
	ok(sr.stable && sr.err_extfrag == 0 && sr.err_unusable == -ENOENT, "one debugfs file is enough to agree");
	fs_stable_read_free(&sr);

	/* A debugfs file that is a link out of the tree is refused, not
	 * merely unreadable. */
	char p[256];
	path(p, sizeof p, "sys/kernel/debug/extfrag/unusable_index");
	if (symlink("/etc/hostname", p) != 0) {
		printf("Bail out! symlink\n");
		return 1;
	}
	struct fs_diag d = { 0 };
	int r = fs_read_buddyinfo_stable(root, 20, &sr, &d);
	ok(r < 0 && fs_read_refused(r), "a debugfs link out of the tree is refused (%d)", r);
	ok(d.file && strstr(d.file, "unusable_index"), "the refusal names the file");
	fs_stable_read_free(&sr);
	unlink(p);

	tree(false, true, true);
	is_int(fs_read_buddyinfo_stable(root, 20, &sr, NULL), -ENOENT, "no buddyinfo: its error");
	ok(sr.err_buddy == -ENOENT && sr.buddy.data == NULL && sr.extfrag.data == NULL,
	   "no buddyinfo: nothing kept");
	fs_stable_read_free(&sr);

	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		return 1;
	return done_testing();
}
