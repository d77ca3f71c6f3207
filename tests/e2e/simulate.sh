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
else
	skip "jq not installed (Debian package jq): golden JSON timeline not compared"
fi

# --check after every operation, every preset and compaction mode
for w in page-cache slab thp random fragment thp-fragmented bench-order0 bench-mixed; do
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
elif ! have jq; then
	skip "jq not installed (Debian package jq): --from start state not compared"
fi
# --from every capture with free lists: every free page placed and the
# invariants hold through full compaction (a few captures' pagetypeinfo
# was read at another moment than their buddyinfo, so only the consistent
# ones below are compared list by list)
if command -v jq >/dev/null 2>&1; then
	for cap in "$FIX"/real/*/; do
		[ -f "$cap/proc/buddyinfo" ] || continue
		name=$(basename "$cap")
		run $FRAGSTAT simulate --from "$cap" --compaction full --check -o json
		is "$rc" 0 "--from $name: runs under --check"
		printf '%s\n' "$out" >"$TMP/f.json"
		is "$(jq -c '.simulation.from_layout.free_pages_unplaced' "$TMP/f.json")" 0 \
			"--from $name: every free page placed"
	done
	cap="$FIX/real/x86_64-vm-6.18-idle"
	$FRAGSTAT simulate --from "$cap" --compaction none -o json >"$TMP/f.json"
	$FRAGSTAT snapshot --root "$cap" -o json >"$TMP/r.json"
	is "$(jq -c '[.timeline[0].zones[].free_blocks]' "$TMP/f.json")" \
		"$(jq -c '[.nodes[0].zones[].free_blocks]' "$TMP/r.json")" \
		"--from x86_64-vm-6.18-idle: seeded free lists equal the capture's"
	# the capture whose two Unmovable DMA32 pageblocks are almost wholly
	# free: the per-type counts must match too (it left 64 pages out)
	cap="$FIX/real/x86_64-vm-6.18-idle"
	$FRAGSTAT simulate --from "$cap" --compaction none -o json >"$TMP/f.json"
	is "$(jq -c '.final.nodes[0].zones[1].free_blocks_by_type.Unmovable' "$TMP/f.json")" \
		"[2,4,3,3,3,3,4,2,1,0,0]" "--from x86_64-vm-6.18-idle: DMA32 Unmovable lists placed in full"
else
	skip "jq not installed (Debian package jq): --from every capture not compared"
fi

# fragment: a fragmented state (no free order-9 block, fragmentation index
# above 0.5), which full compaction cannot undo
run $FRAGSTAT simulate --memory 64M -w fragment --ops 2000 --seed 5 --compaction full -o json
is "$rc" 0 "fragment runs"
if command -v jq >/dev/null 2>&1; then
	printf '%s\n' "$out" >"$TMP/fr.json"
	ok "fragment: order-9 fragmentation index above 0.5 after the prefill" -- \
		test "$(jq '[.timeline[] | select(.phase == "prefill") | .zones[0].fragmentation_index > 0.5] | all' "$TMP/fr.json")" = true
	ok "fragment: still above 0.5 in the final state (after compact_memory)" -- \
		test "$(jq '.timeline[-1].zones[0].fragmentation_index > 0.5' "$TMP/fr.json")" = true
	ok "fragment: unmovable pageblocks exist (the refill mix)" -- \
		test "$(jq '.final.nodes[0].zones[0].pageblocks.Unmovable > 0' "$TMP/fr.json")" = true
else
	skip "jq not installed (Debian package jq): fragment state not checked"
fi

# thp-fragmented: THP requests on memory fragmented by order-0 holes end in
# direct compaction (compact_stall), which mostly succeeds
run $FRAGSTAT simulate --memory 64M -w thp-fragmented --ops 20000 --seed 1 -o json
is "$rc" 0 "thp-fragmented runs"
if command -v jq >/dev/null 2>&1; then
	printf '%s\n' "$out" >"$TMP/tf.json"
	ok "thp-fragmented: direct compaction stalls (compact_stall > 0)" -- \
		test "$(jq '.counters.compact_stall' "$TMP/tf.json")" -gt 0
	ok "thp-fragmented: compaction migrated pages and some stalls succeeded" -- \
		test "$(jq '.counters.pgmigrate_success > 0 and .counters.compact_success > 0' "$TMP/tf.json")" = true
	is "$(jq '.counters.compact_stall == .counters.compact_success + .counters.compact_fail' "$TMP/tf.json")" \
		true "thp-fragmented: every stall ends in success or fail"
	ok "thp-fragmented: no free pageblock-order block after the prefill" -- \
		test "$(jq '[.timeline[] | select(.phase == "prefill") | .zones[0].free_blocks[9:] | add == 0] | all' "$TMP/tf.json")" = true
else
	skip "jq not installed (Debian package jq): thp-fragmented not checked"
fi

# a workload that only frees is warned about on stderr; one that allocates is not
run $FRAGSTAT simulate --from "$FIX/real/x86_64-fb-3.10-2node" -w page-cache --ops 20
is "$rc" 0 "--from a full capture, 20 operations"
ok "a workload that only frees: warned" -- sh -c 'printf "%s" "$1" | grep -q "warning: simulate: the workload only freed pages (20 frees, no allocation)"' _ "$err"
run $FRAGSTAT simulate --memory 16M --ops 200
ok "a workload that allocates: no warning" -- test -z "$err"

run $FRAGSTAT simulate --from "$TMP/nonexistent"
is "$rc" 2 "--from a missing path: exit 2"

done_testing
