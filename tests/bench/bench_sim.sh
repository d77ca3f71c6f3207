#!/bin/sh
# bench_sim.sh - figures for `fragstat simulate` against the textbook
# reference allocator (tests/bench/sim_ref_buddy), replaying the same op
# sequence. Prints figures only; nothing here is a pass/fail test.
# Env: FRAGSTAT, REF (binaries), OPS (default 4000000), BIG (1 = also 2^24).
set -eu
FRAGSTAT=${FRAGSTAT:-src/fragstat}
REF=${REF:-tests/bench/sim_ref_buddy}
OPS=${OPS:-4000000}
command -v jq >/dev/null 2>&1 || { echo "bench_sim: jq needed"; exit 0; }

sim() { # PAGES WORKLOAD [extra...] -> JSON perf + counters
	pages=$1; wl=$2; shift 2
	$FRAGSTAT simulate --memory $((pages * 4096)) -w "$wl" --ops "$OPS" --seed 42 \
		--compaction none --every "$OPS" "$@" -o json |
		jq -c '[.perf.steady_pairs_per_sec, .perf.metadata_bytes_per_page, .perf.init_ns_per_page, .counters.alloc_fail]'
}

printf '%-28s %12s %12s %6s %8s %8s %8s\n' case sim_pairs/s ref_pairs/s ratio B/page init_ns ref_fail
for shift in 18 22; do
	pages=$((1 << shift))
	for spec in "bench-order0 order0" "bench-mixed mixed" "bench-order0 order0 types" "bench-mixed mixed types"; do
		set -- $spec
		wl=$1; kind=$2; types=${3-}
		extra=""; [ -n "$types" ] && extra="--types 70,20,10"
		s=$(sim $pages $wl $extra)
		r=$($REF $pages "$OPS" 42 $kind $types)
		sp=$(echo "$s" | jq '.[0]'); ref=$(echo "$r" | cut -d' ' -f1)
		printf '%-28s %12.0f %12.0f %6.2f %8.2f %8.3f %8s\n' "2^$shift $wl${types:+ 70/20/10}" \
			"$sp" "$ref" "$(echo "$sp $ref" | awk '{print $1/$2}')" \
			"$(echo "$s" | jq '.[1]')" "$(echo "$s" | jq '.[2]')" "$(echo "$r" | cut -d' ' -f4)"
	done
done

# scaling: cost per op at 2^24 vs 2^18 pages
s18=$(sim $((1 << 18)) bench-mixed | jq '.[0]')
s24=$(sim $((1 << 24)) bench-mixed | jq '.[0]')
echo "scaling bench-mixed: per-op cost 2^24 / 2^18 = $(echo "$s18 $s24" | awk '{printf "%.2f", $1/$2}')"

# compaction: vm.compact_memory on real fragmented states (--from), the
# largest first; time per page scanned and per migration
for cap in ${CAPTURES:-x86_64-cn-memdebug-doc-buddyinfo x86_64-fb-3.10-2node x86_64-centos7.6-2node-fragmented}; do
	d=${FIXTURES:-$(dirname "$0")/../fixtures/real}/$cap
	[ -d "$d" ] || continue
	out=$($FRAGSTAT simulate --from "$d" --compaction full --perf -o json)
	cs=$(echo "$out" | jq '.perf.compact_memory_seconds')
	pages=$(echo "$out" | jq '[.simulation.zones[].pages] | add')
	scanned=$(echo "$out" | jq '.counters.compact_migrate_scanned + .counters.compact_free_scanned')
	migrated=$(echo "$out" | jq '.counters.pgmigrate_success')
	seq=$($REF "$pages" 0 42 order0 | cut -d' ' -f3)
	pairs=$(sim 262144 bench-order0 | jq '.[0]')
	echo "compact_memory from $cap: $pages pages ($(echo $pages | awk '{printf "%.1f", $1*4096/2^30}') GiB), $cs s; scanned $scanned, migrated $migrated"
	echo "$cs $scanned $seq" | awk '{printf "  per page scanned: %.2f ns = %.2f x a sequential pass over the page array (%.3f ns/page)\n", $1*1e9/$2, ($1*1e9/$2)/$3, $3}'
	echo "$cs $migrated $pairs" | awk '{ if ($2 > 0) printf "  per migration (all compaction time charged to migrations): %.1f ns = %.2f x an alloc+free pair (%.1f ns)\n", $1*1e9/$2, ($1*1e9/$2)/(1e9/$3), 1e9/$3 }'
	echo "$cs $pages" | awk '{printf "  scaled to 24 GiB: %.3f s (kernel: 0.5 to 1.3 s; target <= 0.05 to 0.13 s)\n", $1 * 6291456 / $2}'
done
