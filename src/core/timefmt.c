#include "config.h"

#include "timefmt.h"

#include <stdio.h>
#include <time.h>

char *fs_rfc3339(char *buf, size_t size, int64_t sec)
{
	time_t t = (time_t)sec;
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "1970-01-01T00:00:00Z");
	return buf;
}
