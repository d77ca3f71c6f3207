#!/bin/sh
# simulate --emit-root: `fragstat snapshot --root DIR` reads the state back
# with the simulator's own indices.
. "$top_srcdir/tests/setup.sh"

$FRAGSTAT snapshot --help >/dev/null 2>&1 || skip_all "no snapshot command"
command -v jq >/dev/null 2>&1 || skip_all "jq not installed"

for spec in "-w random --memory 64M" "-w slab --memory 64M --zones DMA:16M,DMA32:16M,Normal" \
	"-w thp --memory 32M --compaction full"; do
	rm -rf "$TMP/root"
	run $FRAGSTAT simulate $spec --ops 5000 --seed 5 --emit-root "$TMP/root" -o json
	is "$rc" 0 "$spec: simulate with --emit-root"
	printf '%s\n' "$out" >"$TMP/sim.json"
	for f in buddyinfo pagetypeinfo zoneinfo vmstat; do
		ok "$spec: proc/$f written" -- test -s "$TMP/root/proc/$f"
	done
	run $FRAGSTAT snapshot --root "$TMP/root" -o json
	is "$rc" 0 "$spec: snapshot --root reads it"
	printf '%s\n' "$out" >"$TMP/snap.json"
	for k in free_blocks unusable_index fragmentation_index verdicts watermarks \
		free_blocks_by_type pageblocks; do
		is "$(jq -c "[.nodes[].zones[].$k]" "$TMP/snap.json")" \
			"$(jq -c "[.final.nodes[].zones[].$k]" "$TMP/sim.json")" \
			"$spec: $k round-trips"
	done
	is "$(jq -c '.vmstat.compact_stall, .vmstat.pgmigrate_success' "$TMP/snap.json")" \
		"$(jq -c '.counters.compact_stall, .counters.pgmigrate_success' "$TMP/sim.json")" \
		"$spec: vmstat counters round-trip"
	is "$(jq -c '[.nodes[].zones[].fragmentation_index[9]]' "$TMP/snap.json")" \
		"$(jq -c '[.timeline[-1].zones[].fragmentation_index]' "$TMP/sim.json")" \
		"$spec: order-9 index equals the timeline's last sample"
done

# sizes round-trip for any page size: the tree's capture note tells it
for ps in "4K 11 9 64M" "16K 12 10 256M" "64K 14 13 4G"; do
	set -- $ps
	rm -rf "$TMP/root"
	run $FRAGSTAT simulate --page-size $1 --orders $2 --pageblock-order $3 --memory $4 \
		-w random --ops 3000 --seed 9 --emit-root "$TMP/root" -o json
	is "$rc" 0 "$1 pages: simulate with --emit-root"
	printf '%s\n' "$out" >"$TMP/sim.json"
	ok "$1 pages: the note names the page size" -- grep -qx "page_size: $(jq '.simulation.page_size' "$TMP/sim.json")" "$TMP/root/fragstat-capture.txt"
	run $FRAGSTAT snapshot --root "$TMP/root" -o json
	is "$rc" 0 "$1 pages: snapshot --root reads it"
	printf '%s\n' "$out" >"$TMP/snap.json"
	is "$(jq -c '[.source.page_size, .source.page_size_source]' "$TMP/snap.json")" \
		"[$(jq '.simulation.page_size' "$TMP/sim.json"),\"capture\"]" "$1 pages: page size read from the note"
	for k in free_bytes free_pages free_blocks huge_pages watermarks; do
		is "$(jq -c "[.nodes[].zones[].$k]" "$TMP/snap.json")" \
			"$(jq -c "[.final.nodes[].zones[].$k]" "$TMP/sim.json")" "$1 pages: $k round-trips"
	done
done
# without the note a 64K tree's size would be a guess
rm "$TMP/root/fragstat-capture.txt"
run $FRAGSTAT snapshot --root "$TMP/root" -o json
is "$(printf '%s\n' "$out" | jq -c '.source.page_size_source')" '"assumed"' \
	"without the note the page size is assumed (the note is what round-trips it)"

done_testing
