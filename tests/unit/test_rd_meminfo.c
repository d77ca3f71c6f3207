/* test_rd_meminfo.c - rd_meminfo_parse on the 6.18 capture and on
 * constructed inputs for every error branch. Expected values were read
 * from the fixture with grep. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers.h"
#include "../tap.h"

static const char *srcdir(void)
{
	const char *t = getenv("top_srcdir");
	return t && *t ? t : ".";
}

static uint64_t get(const struct fs_snapshot *s, const char *name, int *found)
{
	uint64_t v = 0;
	*found = fs_kv_get(&s->meminfo, name, &v);
	return v;
}

static void test_capture(void)
{
	char path[4096];
	struct fs_buf b;
	struct fs_diag d = { 0 };
	int f;

	snprintf(path, sizeof path, "%s/tests/fixtures/real/x86_64-vm-6.18-idle/proc/meminfo",
		 srcdir());
	int rc = fs_file_read(path, &b);
	is_int(rc, 0, "read the 6.18 meminfo");
	if (rc)
		return;
	struct fs_snapshot *s = fs_snapshot_new();
	rc = rd_meminfo_parse(s, path, b.data, b.len, &d);
	is_int(rc, 0, "6.18 meminfo parses");
	if (rc)
		diag("%s:%u:%u: %s", d.file, d.line, d.col, d.msg);
	is_u64(s->meminfo.n, 54, "54 keys (grep -c .)");
	if (s->meminfo.n == 54) {
		is_str(s->meminfo.items[0].name, "MemTotal", "first key");
		is_str(s->meminfo.items[53].name, "DirectMap1G", "last key");
	}
	is_u64(get(s, "MemTotal", &f), 24731708, "MemTotal kB");
	is_u64(get(s, "MemAvailable", &f), 24177212, "MemAvailable kB");
	is_u64(get(s, "Active(anon)", &f), 1056, "key with parentheses: Active(anon)");
	ok(f, "Active(anon) present");
	is_u64(get(s, "HugePages_Total", &f), 0, "HugePages_Total (no unit)");
	ok(f, "HugePages_Total present");
	is_u64(get(s, "HugePages_Surp", &f), 0, "HugePages_Surp");
	is_u64(get(s, "Hugepagesize", &f), 2048, "Hugepagesize kB");
	is_u64(get(s, "DirectMap1G", &f), 25165824, "DirectMap1G (last line)");
	get(s, "MemTotal:", &f);
	ok(!f, "colon not part of the key");
	fs_snapshot_free(s);
	fs_buf_free(&b);
}

static void bad(const char *text, int err, unsigned line, unsigned col, const char *needle,
		const char *what)
{
	struct fs_diag d;
	memset(&d, 0, sizeof d);
	struct fs_snapshot *s = fs_snapshot_new();
	int r = rd_meminfo_parse(s, "test-meminfo", text, strlen(text), &d);
	fs_snapshot_free(s);
	is_int(r, err, "%s: returns %d", what, err);
	is_str(d.file, "test-meminfo", "%s: diag names the file", what);
	is_int(d.line, line, "%s: line", what);
	is_int(d.col, col, "%s: column", what);
	ok(d.msg[0] && strstr(d.msg, needle) != NULL, "%s: message \"%s\" has \"%s\"", what, d.msg,
	   needle);
}

static void test_errors(void)
{
	struct fs_diag d;
	uint64_t v;

	bad("", -EINVAL, 1, 1, "empty file", "empty file");
	bad("MemTotal: 1 kB\n\nMemFree: 2 kB\n", -EINVAL, 2, 1, "empty line", "blank line");
	bad("MemTotal: 1 kB\n: 2 kB\n", -EINVAL, 2, 1, "expected a key", "no key");
	bad("MemTotal: 1 kB\nMemFree 2 kB\n", -EINVAL, 2, 8, "\":\"", "no colon");
	bad("MemTotal: 1 kB\nMemFree:\n", -EINVAL, 2, 9, "unsigned number", "no value");
	bad("MemTotal: 1 kB\nMemFree: -2 kB\n", -EINVAL, 2, 10, "unsigned number", "negative");
	bad("MemTotal: 1 kB\nMemFree: 2 MB\n", -EINVAL, 2, 12, "kB", "unit MB");
	bad("MemTotal: 1 kB\nMemFree: 2 kBytes\n", -EINVAL, 2, 14, "kB", "unit kBytes");
	bad("MemTotal: 1 kB\nMemFree: 2kB\n", -EINVAL, 2, 11, "kB", "unit without a blank");
	bad("MemTotal: 1 kB\nMemFree: 2 kB\r\n", -EINVAL, 2, 14, "kB", "CRLF");
	bad("MemTotal: 99999999999999999999 kB\n", -ERANGE, 1, 11, "64 bits", "overflow");
	bad("MemTotal: 1 kB\nMemTotal: 1 kB\n", -EINVAL, 2, 1, "twice", "duplicate key");
	bad("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345: 1\n", -EINVAL, 1, 1, "longer than", "long key");

	struct fs_snapshot *s = fs_snapshot_new();
	const char *ok_text = "HardwareCorrupted:12345678 kB\nHugePages_Free:        3\n\n";
	is_int(rd_meminfo_parse(s, "x", ok_text, strlen(ok_text), &d), 0,
	       "value right after the colon, no unit, trailing blank line");
	ok(fs_kv_get(&s->meminfo, "HardwareCorrupted", &v) && v == 12345678, "HardwareCorrupted");
	ok(fs_kv_get(&s->meminfo, "HugePages_Free", &v) && v == 3, "HugePages_Free");
	fs_snapshot_free(s);
}

int main(void)
{
	test_capture();
	test_errors();
	return done_testing();
}
