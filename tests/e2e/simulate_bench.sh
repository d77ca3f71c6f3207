#!/bin/sh
# bench-order0 / bench-mixed replay the op sequence: the reference
# allocator (an independent implementation of the sequence) ends with the
# same used pages and failure count when no allocation fails on either side.
. "$top_srcdir/tests/setup.sh"

REF=${top_builddir:-$BUILD}/tests/bench/sim_ref_buddy
test -x "$REF" || skip_all "reference allocator not built"
command -v jq >/dev/null 2>&1 || skip_all "jq not installed"

for spec in "bench-order0 order0" "bench-mixed mixed" "bench-mixed mixed types"; do
	set -- $spec
	extra=""; [ -n "${3-}" ] && extra="--types 70,20,10"
	for ops in 0 1 2 1000 50001; do
		run $FRAGSTAT simulate --memory 64M -w $1 --ops $ops --seed 9 $extra -o json
		is "$rc" 0 "$1 ${3-} $ops ops runs"
		printf '%s\n' "$out" >"$TMP/s.json"
		sim=$(jq -r '"\(.timeline[-1].used_pages) \(.counters.alloc_fail)"' "$TMP/s.json")
		ref=$("$REF" 16384 $ops 9 $2 ${3-} | awk '{print $5, $4}')
		is "$sim" "$ref" "$1 ${3-}: used pages and failures after $ops ops equal the reference replay"
	done
done
run $FRAGSTAT simulate --memory 64M -w bench-mixed --ops 1000 -o json
ok "bench output carries perf figures" -- sh -c 'printf "%s" "$1" | jq -e ".perf.steady_pairs_per_sec and .perf.metadata_bytes_per_page and .perf.init_ns_per_page" >/dev/null' _ "$out"

done_testing
