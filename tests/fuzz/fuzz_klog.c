/* fuzz_klog.c - libFuzzer target: see fuzz_common.c for what it checks. */
#include "config.h"

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_run(FZ_KLOG, data, size);
}
