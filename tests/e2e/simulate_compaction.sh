#!/bin/sh
# simulate: how every compaction run ended per zone (result, reason, the
# pfns where the scanners stopped) and its counters by vmstat's names.
. "$top_srcdir/tests/setup.sh"
have jq || skip_all "jq not installed (Debian package jq)"

# vm.compact_memory on a capture, nothing else running: the per-zone
# counters of the run add up to the totals
cap="$FIX/real/x86_64-vm-6.18-idle"
run $FRAGSTAT simulate --from "$cap" --compaction full --seeds 1 -o json
is "$rc" 0 "--from with full compaction"
printf '%s\n' "$out" >"$TMP/f.json"
is "$(jq '.compaction.compact_memory.zones | length' "$TMP/f.json")" \
	"$(jq '.simulation.zones | length' "$TMP/f.json")" "compact_memory: an end for every zone"
for k in compact_migrate_scanned compact_free_scanned compact_isolated pgmigrate_success pgmigrate_fail; do
	is "$(jq "[.compaction.compact_memory.zones[].$k] | add" "$TMP/f.json")" \
		"$(jq ".counters.$k" "$TMP/f.json")" "compact_memory: $k of the zones add up to the counter"
done
ok "compact_memory: the scanners stopped inside each zone" -- test "$(jq '
	[.simulation.zones as $z | .compaction.compact_memory.zones[] as $e |
	 $z[] | select(.zone == $e.zone) |
	 ($e.migrate_pfn >= .start_pfn and $e.migrate_pfn <= .start_pfn + .pages and
	  $e.free_pfn >= .start_pfn and $e.free_pfn <= .start_pfn + .pages)] | all' "$TMP/f.json")" = true
ok "compact_memory: every end has a result and a reason" -- test "$(jq '
	[.compaction.compact_memory.zones[] | (.result | length > 0) and (.reason | length > 0)] | all' "$TMP/f.json")" = true
run $FRAGSTAT simulate --from "$cap" --compaction full --seeds 1
ok "table: compact_memory's end per zone" -- sh -c 'printf "%s\n" "$1" | grep -Eq "^    Normal +[a-z_]+ \([a-z_]+\); scanners stopped at pfn [0-9]+ \(migrate\), [0-9]+ \(free\)$"' _ "$out"
ok "table: the run's counters by vmstat's names" -- sh -c 'printf "%s\n" "$1" | grep -Eq "^ +compact_migrate_scanned [0-9]+, compact_free_scanned [0-9]+, compact_isolated [0-9]+,$"' _ "$out"

# kcompactd: every run counted per zone, the last one's end kept
run $FRAGSTAT simulate --memory 16M --ops 3000 -w slab --seed 3 --compaction proactive \
	--proactive-interval 250 -o json
printf '%s\n' "$out" >"$TMP/p.json"
runs=$(jq '.compaction.kcompactd.runs' "$TMP/p.json")
ok "kcompactd ran ($runs runs)" -- test "$runs" -gt 0
is "$(jq '[.compaction.kcompactd.results.Normal[]] | add' "$TMP/p.json")" "$runs" \
	"kcompactd: the end states counted add up to the runs"
is "$(jq '.counters.compact_runs' "$TMP/p.json")" "$runs" \
	"kcompactd: one compact_zone run per kcompactd run (one zone, no direct compaction)"
is "$(jq '.compaction.kcompactd.last.zones[0] | .compact_daemon_migrate_scanned == .compact_migrate_scanned' "$TMP/p.json")" \
	true "kcompactd: the daemon's scanned counters"
# no compaction at all: no "compaction" object
run $FRAGSTAT simulate --memory 16M --ops 100 --compaction none -o json
is "$(printf '%s\n' "$out" | jq 'has("compaction")')" false "no compaction ran: no compaction object"

# the man page names every key
MAN=$SRC/man/fragstat.1.in
for k in $(jq -r '(.compaction | keys[]), (.compaction.compact_memory | keys[]),
	(.compaction.compact_memory.zones[0] | keys[])' "$TMP/f.json") \
	$(jq -r '(.compaction.kcompactd | keys[]), (.compaction.kcompactd.last.zones[0] | keys[])' "$TMP/p.json"); do
	ok "man page mentions simulate JSON key $k" -- sh -c 'sed -n "/^\.SH SIMULATE/,/^\.SH EVENTS/p" "$1" | sed "s/\\\\-/-/g; s/\\\\f[BIR]//g" | grep -qF "$2"' _ "$MAN" "$k"
done

done_testing
