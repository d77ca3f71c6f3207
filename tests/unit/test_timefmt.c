/* test_timefmt.c - RFC 3339 times as fragstat prints them. */
#include "config.h"

#include <string.h>

#include "timefmt.h"
#include "../tap.h"

int main(void)
{
	char buf[FS_RFC3339_MAX], small[5];
	is_str(fs_rfc3339(buf, sizeof buf, 0), "1970-01-01T00:00:00Z", "the epoch");
	is_str(fs_rfc3339(buf, sizeof buf, 1700000000), "2023-11-14T22:13:20Z", "FRAGSTAT_FAKE_TIME's default");
	is_str(fs_rfc3339(buf, sizeof buf, -1), "1969-12-31T23:59:59Z", "one second before the epoch");
	is_str(fs_rfc3339(buf, sizeof buf, 9223372036LL), "2262-04-11T23:47:16Z",
	       "the last second 64-bit nanoseconds reach");
	is_str(fs_rfc3339(buf, sizeof buf, -9223372037LL), "1677-09-21T00:12:43Z",
	       "the first second 64-bit nanoseconds reach");
	fs_rfc3339(small, sizeof small, 1700000000);
	ok(strlen(small) < sizeof small, "a buffer too small gets a terminated text");
	return done_testing();
}
