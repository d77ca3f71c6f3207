#!/bin/sh
# simulate: options, seed reproducibility, golden timeline, --check over
# every preset, --from a real capture.
. "$top_srcdir/tests/setup.sh"

run $FRAGSTAT simulate --help
is "$rc" 0 "--help exits 0"
ok "--help lists the workloads" -- sh -c 'printf "%s" "$1" | grep -q "bench-mixed"' _ "$out"
run $FRAGSTAT simulate --bogus
is "$rc" 1 "unknown option: exit 1"
run $FRAGSTAT simulate --workload nope
is "$rc" 1 "unknown workload: exit 1"
run $FRAGSTAT simulate --zones DMA32:2G,Normal --memory 1G
is "$rc" 1 "zones larger than --memory: exit 1"
run $FRAGSTAT simulate --compaction sometimes
is "$rc" 1 "unknown --compaction: exit 1"

# reproducibility: byte for byte, per seed
sim="$FRAGSTAT simulate --memory 32M --ops 4000 --every 1000 -w random"
$sim --seed 7 -o json >"$TMP/a.json"
$sim --seed 7 -o json >"$TMP/b.json"
$sim --seed 8 -o json >"$TMP/c.json"
same_file "$TMP/a.json" "$TMP/b.json" "same seed: identical JSON"
ok "different seed: different JSON" -- sh -c '! cmp -s "$1" "$2"' _ "$TMP/a.json" "$TMP/c.json"
$sim --seed 7 >"$TMP/a.txt"
$sim --seed 7 >"$TMP/b.txt"
same_file "$TMP/a.txt" "$TMP/b.txt" "same seed: identical table"

# golden timeline of a small fixed run (timeline and counters sections)
gold="$SRC/tests/golden/simulate"
$FRAGSTAT simulate --memory 16M --ops 3000 --every 500 -w slab --seed 3 \
	--compaction proactive --proactive-interval 250 >"$TMP/t.txt"
sed -n '/^timeline/,/^final state:/p' "$TMP/t.txt" >"$TMP/tl.txt"
same_file "$TMP/tl.txt" "$gold/timeline-small.txt" "golden timeline (table)"
if command -v jq >/dev/null 2>&1; then
	$FRAGSTAT simulate --memory 16M --ops 3000 --every 500 -w slab --seed 3 \
		--compaction proactive --proactive-interval 250 -o json |
		jq -S '{simulation, timeline, counters}' >"$TMP/tl.json"
	same_file "$TMP/tl.json" "$gold/timeline-small.json" "golden timeline (JSON)"
	run jq -r '.final.source.kind' "$TMP/a.json"
	is "$out" "simulated" "final state is a snapshot of kind simulated"
fi

# --check after every operation, every preset and compaction mode
for w in page-cache slab thp random bench-order0 bench-mixed; do
	for c in direct proactive full; do
		run $FRAGSTAT simulate --memory 16M --ops 2000 -w $w --compaction $c \
			--proactive-interval 100 --seed 11 --check
		is "$rc" 0 "--check: $w, compaction $c"
	done
done
run $FRAGSTAT simulate --memory 64M --zones DMA:16M,DMA32:16M,Normal --ops 3000 -w slab --check
is "$rc" 0 "--check: three zones"

# --from a real capture: the start equals the capture, compaction helps
cap="$FIX/real/x86_64-centos7.6-2node-fragmented"
run $FRAGSTAT simulate --from "$cap" --compaction full --check -o json
is "$rc" 0 "--from a capture with full compaction"
if command -v jq >/dev/null 2>&1 && [ "$rc" = 0 ]; then
	printf '%s\n' "$out" >"$TMP/from.json"
	$FRAGSTAT snapshot --root "$cap" -o json >"$TMP/real.json"
	is "$(jq -c '[.timeline[0].zones[].free_blocks]' "$TMP/from.json")" \
		"$(jq -c '[.nodes[0].zones[].free_blocks]' "$TMP/real.json")" \
		"--from: the seeded free lists equal the capture's node 0"
	is "$(jq -c '.simulation.from_layout.free_pages_unplaced' "$TMP/from.json")" 0 \
		"--from: every free block placed"
	ok "--from: full compaction leaves an order-9 block in Normal" -- \
		test "$(jq '.timeline[-1].zones[-1].fragmentation_index' "$TMP/from.json")" = "-1"
fi
run $FRAGSTAT simulate --from "$TMP/nonexistent"
is "$rc" 2 "--from a missing path: exit 2"

done_testing
