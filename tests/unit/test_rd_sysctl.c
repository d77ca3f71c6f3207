#include "config.h"

/* test_rd_sysctl.c - rd_sysctl_parse: one integer, optional sign and
 * trailing newline; the real 6.18 sysctl captures; every rejection. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers.h"
#include "snapshot.h"
#include "../tap.h"

static const char *srcdir(void)
{
	const char *t = getenv("top_srcdir");
	return t && *t ? t : ".";
}

/* Parse an exact-size copy (no NUL after the data). */
static int parse(const char *text, size_t n, struct fs_setting *out, struct fs_diag *d)
{
	char *copy = malloc(n ? n : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, text, n);
	memset(d, 0, sizeof *d);
	int r = rd_sysctl_parse(out, "test", copy, n, d);
	free(copy);
	return r;
}

static void good(const char *text, int64_t want, const char *what)
{
	struct fs_setting st = { false, 12345 };
	struct fs_diag d;
	int r = parse(text, strlen(text), &st, &d);
	is_int(r, 0, "%s: rc", what);
	ok(st.present && st.value == want, "%s: value %lld", what, (long long)st.value);
}

static void bad(const char *text, size_t n, int rc, unsigned line, unsigned col, const char *what)
{
	struct fs_setting st = { false, 12345 };
	struct fs_diag d;
	int r = parse(text, n, &st, &d);
	is_int(r, rc, "%s: rc", what);
	ok(!st.present && st.value == 12345, "%s: output untouched", what);
	is_int(d.line, line, "%s: line", what);
	is_int(d.col, col, "%s: column", what);
	ok(d.file && strcmp(d.file, "test") == 0 && d.msg[0], "%s: message \"%s\"", what, d.msg);
}

#define BAD(s, rc, l, c, w) bad(s, sizeof(s) - 1, rc, l, c, w)

static void real(const char *rel, int64_t want)
{
	char path[4096];
	struct fs_buf b;
	struct fs_setting st = { false, 0 };
	struct fs_diag d;
	snprintf(path, sizeof path, "%s/tests/fixtures/real/x86_64-vm-6.18-idle/proc/sys/vm/%s",
		 srcdir(), rel);
	if (!ok(fs_file_read(path, &b) == 0, "%s: read", rel))
		return;
	memset(&d, 0, sizeof d);
	int r = rd_sysctl_parse(&st, path, b.data, b.len, &d);
	is_int(r, 0, "%s: parses", rel);
	ok(st.present && st.value == want, "%s: %lld (cat shows %lld)", rel, (long long)st.value,
	   (long long)want);
	fs_buf_free(&b);
}

int main(void)
{
	real("extfrag_threshold", 500);
	real("compaction_proactiveness", 20);

	good("500\n", 500, "500 with newline");
	good("20", 20, "20 without newline");
	good("0\n", 0, "zero");
	good("-1\n", -1, "negative");
	good("+5\n", 5, "plus sign");
	good("9223372036854775807\n", INT64_MAX, "INT64_MAX");
	good("-9223372036854775808\n", INT64_MIN, "INT64_MIN");
	good("007\n", 7, "leading zeros");

	BAD("", -EINVAL, 1, 1, "empty file");
	BAD("\n", -EINVAL, 1, 1, "only a newline");
	BAD("-\n", -EINVAL, 1, 2, "sign only");
	BAD("abc\n", -EINVAL, 1, 1, "letters");
	BAD(" 5\n", -EINVAL, 1, 1, "leading blank");
	BAD("5 \n", -EINVAL, 1, 2, "trailing blank");
	BAD("5\t\n", -EINVAL, 1, 2, "trailing tab");
	BAD("5\n\n", -EINVAL, 2, 1, "second (empty) line");
	BAD("5\n6\n", -EINVAL, 2, 1, "second value");
	BAD("5\r\n", -EINVAL, 1, 2, "CRLF");
	BAD("5x\n", -EINVAL, 1, 2, "letter after digits");
	BAD("1.5\n", -EINVAL, 1, 2, "decimal point");
	BAD("--5\n", -EINVAL, 1, 2, "double sign");
	BAD("5\0\n", -EINVAL, 1, 2, "NUL byte");
	BAD("9223372036854775808\n", -ERANGE, 1, 1, "INT64_MAX + 1");
	BAD("-9223372036854775809\n", -ERANGE, 1, 1, "INT64_MIN - 1");
	BAD("99999999999999999999\n", -ERANGE, 1, 1, "20 digits");
	return done_testing();
}
