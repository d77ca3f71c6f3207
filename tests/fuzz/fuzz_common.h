/* fuzz_common.h - the one entry point every fuzz target and the corpus
 * replay share: parse a buffer as one input format, and when it parsed,
 * compute a report and render it, checking invariants (abort() on a wrong
 * number, so libFuzzer and the replay both see it as a crash). */
#ifndef FRAGSTAT_FUZZ_COMMON_H
#define FRAGSTAT_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

enum fuzz_target {
	FZ_BUDDYINFO,
	FZ_PAGETYPEINFO,
	FZ_ZONEINFO,
	FZ_VMSTAT,
	FZ_MEMINFO,
	FZ_EXTFRAG,
	FZ_SYSCTL,
	FZ_JSON,
	FZ_TRACE,
	FZ_NOTE,        /* a capture's fragstat-capture.txt */
	FZ_KPAGE,      /* /proc/kpageflags + kpagecount + iomem (rd_kpage.c) */
	FZ_KLOG,
	FZ_COUNT
};

/* The target's name: the corpus directory tests/fuzz/corpus/<name>/. */
const char *fuzz_target_name(enum fuzz_target t);
/* True when this build has a parser for the target. */
int fuzz_target_available(enum fuzz_target t);
/* Run one input through the target; always returns 0 (libFuzzer's rule),
 * aborts on a broken invariant. */
int fuzz_run(enum fuzz_target t, const uint8_t *data, size_t size);

/* libFuzzer's entry point, defined by each fuzz_<target>.c. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
