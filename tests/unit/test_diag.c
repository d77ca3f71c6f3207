/* test_diag.c - diagnostics: the filler copies the file name, the text the
 * user sees has the position parts that are known. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "diag.h"
#include "../tap.h"

int main(void)
{
	struct fs_diag d;
	char buf[FS_DIAG_TEXT_MAX], path[64];

	memset(&d, 0, sizeof d);
	strcpy(path, "/proc/buddyinfo");
	is_int(fs_diag_set(&d, path, 3, 7, "expected %s", "a count"), -EINVAL, "fs_diag_set returns -EINVAL");
	path[0] = 'X';
	is_str(d.file, "/proc/buddyinfo", "the file name is copied, not pointed to");
	is_str(fs_diag_format(&d, buf, sizeof buf), "/proc/buddyinfo:3:7: expected a count",
	       "file:line:col: message");
	d.col = 0;
	is_str(fs_diag_format(&d, buf, sizeof buf), "/proc/buddyinfo:3: expected a count",
	       "no column: file:line: message");
	d.line = 0;
	is_str(fs_diag_format(&d, buf, sizeof buf), "/proc/buddyinfo: expected a count",
	       "no line: file: message");
	fs_diag_set(&d, NULL, 2, 1, "bad");
	ok(d.file == NULL, "no file name: file is NULL");
	is_str(fs_diag_format(&d, buf, sizeof buf), "(input):2:1: bad", "no file name: (input)");
	fs_diag_set(&d, d.file_store, 1, 1, "same store");
	ok(d.file == d.file_store, "the diagnostic's own file_store may be passed back");
	is_int(fs_diag_set(NULL, "f", 1, 1, "x"), -EINVAL, "a NULL diagnostic is allowed");

	char longname[700];
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	fs_diag_set(&d, longname, 1, 1, "%s", longname);
	is_int((int)strlen(d.file), (int)sizeof d.file_store - 1, "a long file name is cut to file_store");
	is_int((int)strlen(d.msg), (int)sizeof d.msg - 1, "a long message is cut to msg");
	fs_diag_format(&d, buf, sizeof buf);
	ok(strlen(buf) < sizeof buf && strstr(buf, ":1:1: a") != NULL,
	   "FS_DIAG_TEXT_MAX holds the longest diagnostic");
	char small[8];
	is_str(fs_diag_format(&d, small, sizeof small), "aaaaaaa", "a small buffer gets a cut, terminated text");
	return done_testing();
}
