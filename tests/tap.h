/* tap.h - a tiny TAP producer for the C unit tests (automake tap-driver.sh). */
#ifndef FRAGSTAT_TAP_H
#define FRAGSTAT_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

static inline __attribute__((format(printf, 2, 0))) void tap_vok(int cond, const char *fmt, va_list ap)
{
	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	vprintf(fmt, ap);
	putchar('\n');
}

static inline __attribute__((format(printf, 2, 3))) int ok(int cond, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tap_vok(cond, fmt, ap);
	va_end(ap);
	return cond;
}

static inline __attribute__((format(printf, 1, 2))) void diag(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("# ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
}

#define is_int(got, want, ...) \
	(ok((long long)(got) == (long long)(want), __VA_ARGS__) ? 1 : \
	 (diag("  got %lld, want %lld", (long long)(got), (long long)(want)), 0))
#define is_u64(got, want, ...) \
	(ok((uint64_t)(got) == (uint64_t)(want), __VA_ARGS__) ? 1 : \
	 (diag("  got %" PRIu64 ", want %" PRIu64, (uint64_t)(got), (uint64_t)(want)), 0))
static inline int tap_str_eq(const char *got, const char *want)
{
	return got && want && strcmp(got, want) == 0;
}
static inline const char *tap_str_show(const char *s)
{
	return s ? s : "(null)";
}
#define is_str(got, want, ...) \
	(ok(tap_str_eq((got), (want)), __VA_ARGS__) ? 1 : \
	 (diag("  got \"%s\", want \"%s\"", tap_str_show(got), tap_str_show(want)), 0))

/* Print the plan (at the end) and return the exit status. */
static inline int done_testing(void)
{
	printf("1..%d\n", tap_n);
	if (tap_n == 0) {
		printf("Bail out! no test ran\n");
		return 99;
	}
	return tap_failed ? 1 : 0;
}

#endif
