/* klog_scan.h - the line scanner of the kernel-log reader (klog_scan.c).
 * Ownership: fs_klog_scan() fills an fs_klines the caller releases with
 * fs_klines_free(), also after a failure. */
#ifndef FRAGSTAT_KLOG_SCAN_H
#define FRAGSTAT_KLOG_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "klog.h"

/* One logical kernel line: prefixes stripped, wraps joined. */
struct fs_kline {
	char *text;              /* NUL-terminated, owned */
	size_t len;
	unsigned lineno;         /* first input line it came from (1-based) */
	unsigned joined;         /* continuation lines appended */
	bool prefixed;           /* carried a timestamp / syslog prefix */
	bool cut;                /* longer than FS_KLOG_MAX_LINE: cut */
	char time[48];           /* the prefix's time as printed, or "" */
};

struct fs_klines {
	struct fs_kline *v;
	size_t n, cap;
	unsigned physical;       /* input lines */
	bool quoted_printable;
};

/* Scan data into logical lines. Returns 0 or -ENOMEM. */
int fs_klog_scan(const char *data, size_t len, struct fs_klines *out);
void fs_klines_free(struct fs_klines *ls);

#endif
