#!/bin/sh
# simulate --from: the capture's vm settings unless given, options that
# contradict the capture refused, the prediction per zone (one run with a
# page layout, a range over seeds without).
. "$top_srcdir/tests/setup.sh"
have jq || skip_all "jq not installed (Debian package jq)"
has() { printf "%s\n" "$1" | grep -qF -- "$2"; }

cap="$FIX/real/x86_64-vm-6.18-threshold1000-fragmented"
for opt in "--memory 1G" "--zones Normal:1G" "--orders 12" "--page-size 16K" "--pageblock-order 8"; do
	run $FRAGSTAT simulate --from "$cap" $opt
	is "$rc" 1 "--from with $opt: usage error"
	ok "--from with $opt: says what contradicts" -- has "$err" "${opt% *} contradicts --from"
done
run $FRAGSTAT simulate --seeds 3
is "$rc" 1 "--seeds without --from: usage error"
run $FRAGSTAT simulate --from "$cap" --seeds 0
is "$rc" 1 "--seeds 0: usage error"

# the capture's settings (extfrag_threshold 1000, min_free_kbytes 67584)
run $FRAGSTAT simulate --from "$cap" --compaction full --seeds 3 -o json
is "$rc" 0 "--from a capture with vm settings"
printf '%s\n' "$out" >"$TMP/a.json"
is "$(jq -c '.simulation.vm_settings.extfrag_threshold' "$TMP/a.json")" \
	'{"value":1000,"source":"capture","modelled":true}' "extfrag_threshold from the capture"
is "$(jq -c '.simulation.kernel_rules' "$TMP/a.json")" \
	'{"version":"6.18","source":"capture","release":"6.18.44-fc-v1272"}' \
	"kernel rules: the capture's kernel"
# the era rules follow the capture's kernel: older, newer, none
cp -R "$cap" "$TMP/k"
for rel in "6.1.0-13-amd64:6.1:capture" "7.3.1:6.18:newest" ":6.18:default"; do
	r=${rel%%:*} rest=${rel#*:}
	if [ -n "$r" ]; then printf '%s\n' "$r" >"$TMP/k/proc/sys/kernel/osrelease"
	else rm -f "$TMP/k/proc/sys/kernel/osrelease"; fi
	run $FRAGSTAT simulate --from "$TMP/k" --seeds 1 -o json
	is "$(printf '%s\n' "$out" | jq -r '.simulation.kernel_rules | "\(.version):\(.source)"')" \
		"$rest" "kernel rules for release '$r': $rest"
done
run $FRAGSTAT simulate --from "$TMP/k" --seeds 1
ok "table: kernel rules without a release" -- has "$out" \
	"kernel rules: 6.18 (the capture names no kernel: the newest the simulator models)"
is "$(jq -c '.simulation.vm_settings.min_free_kbytes.source' "$TMP/a.json")" '"capture"' \
	"min_free_kbytes from the capture"
is "$(jq -c '.simulation.vm_settings.compact_unevictable_allowed' "$TMP/a.json")" \
	'{"value":1,"source":"capture","modelled":true}' "compact_unevictable_allowed: captured and modelled"
is "$(jq -c '.final.settings.extfrag_threshold, .final.settings.min_free_kbytes' "$TMP/a.json" | tr '\n' ' ')" \
	"1000 67584 " "the machine ran with the captured settings"
# an option wins over the capture, and the output says so
run $FRAGSTAT simulate --from "$cap" --extfrag-threshold 300 --proactiveness 0 -o json
printf '%s\n' "$out" >"$TMP/b.json"
is "$(jq -c '.simulation.vm_settings.extfrag_threshold' "$TMP/b.json")" \
	'{"value":300,"source":"option","modelled":true}' "--extfrag-threshold wins over the capture"
is "$(jq -c '.final.settings.extfrag_threshold, .final.settings.compaction_proactiveness' "$TMP/b.json" | tr '\n' ' ')" \
	"300 0 " "the machine ran with the given settings"
run $FRAGSTAT simulate --from "$cap" --extfrag-threshold 300
ok "table: the option's value marked as given" -- sh -c 'printf "%s\n" "$1" | grep -Eq "^  extfrag_threshold +300  option$"' _ "$out"
ok "table: a captured value marked" -- sh -c 'printf "%s\n" "$1" | grep -Eq "^  min_free_kbytes +67584  capture$"' _ "$out"

# prediction: every zone, low <= high, equal to the final free lists of
# seed 42 when one seed; a synthesized layout by default over 5 seeds
is "$(jq '[.final.nodes[0].zones[] | has("prediction")] | all' "$TMP/a.json")" true \
	"every final zone carries a prediction"
is "$(jq -c '[.final.nodes[0].zones[].prediction | .basis, .seeds, .seed_first, .seed_last] | unique' "$TMP/a.json")" \
	'[3,42,44,"synthesized"]' "synthesized layout, seeds 42..44"
is "$(jq '[.final.nodes[0].zones[].prediction | .free_pages_ge_pageblock_low <= .free_pages_ge_pageblock_high] | all' "$TMP/a.json")" \
	true "low <= high in every zone"
run $FRAGSTAT simulate --from "$cap" --compaction full -o json
printf '%s\n' "$out" >"$TMP/d.json"
is "$(jq '.final.nodes[0].zones[0].prediction.seeds' "$TMP/d.json")" 5 "5 seeds by default"
run $FRAGSTAT simulate --from "$cap" --compaction full --seeds 1 -o json
printf '%s\n' "$out" >"$TMP/c.json"
pbo=$(jq '.simulation.pageblock_order' "$TMP/c.json")
is "$(jq -c "[.final.nodes[0].zones[] | .prediction.free_pages_ge_pageblock_low]" "$TMP/c.json")" \
	"$(jq -c "[.final.nodes[0].zones[] | [.free_blocks | to_entries[] | select(.key >= $pbo) | .value * pow(2; .key)] | add]" "$TMP/c.json")" \
	"one seed: the prediction is the final free pages in blocks >= pageblock order"
is "$(jq -c '[.final.nodes[0].zones[].prediction | .free_pages_ge_pageblock_low == .free_pages_ge_pageblock_high] | all' "$TMP/c.json")" \
	true "one seed: low == high"
# the range is the min and max of the single-seed runs
lo=; hi=
for s in 42 43 44; do
	v=$($FRAGSTAT simulate --from "$cap" --compaction full --seeds 1 --seed $s -o json |
		jq '.final.nodes[0].zones[-1].prediction.free_pages_ge_pageblock_low')
	[ -z "$lo" ] || [ "$v" -lt "$lo" ] && lo=$v
	[ -z "$hi" ] || [ "$v" -gt "$hi" ] && hi=$v
done
is "$(jq -c '.final.nodes[0].zones[-1].prediction | [.free_pages_ge_pageblock_low, .free_pages_ge_pageblock_high]' "$TMP/a.json")" \
	"[$lo,$hi]" "the range over seeds 42..44 is the min and max of the three runs"
run $FRAGSTAT simulate --from "$cap" --compaction full --seeds 3
ok "table: the prediction is labelled a range over seeds" -- has "$out" "range over 3 seeds (42..44), synthesized layout"
para=$(printf '%s\n' "$out" | tr -s '\n ' '  ')
ok "table: the assumptions are stated" -- has "$para" "The range covers only these placements"
ok "table: what the range does not include" -- has "$para" "does not include the simulator's own error"
run $FRAGSTAT simulate --memory 16M --ops 100 -o json
is "$(printf '%s\n' "$out" | jq '[.final.nodes[0].zones[] | has("prediction")] | any')" false \
	"no prediction without --from"

# the man page names every key simulate adds for --from
MAN=$SRC/man/fragstat.1.in
for k in $(jq -r '(.simulation | keys[]), (.simulation.vm_settings | keys[]),
	(.simulation.vm_settings.extfrag_threshold | keys[]),
	(.final.nodes[0].zones[0].prediction | keys[])' "$TMP/a.json"); do
	ok "man page mentions simulate JSON key $k" -- sh -c 'sed -n "/^\.SH SIMULATE/,/^\.SH EVENTS/p" "$1" | sed "s/\\\\-/-/g; s/\\\\f[BIR]//g" | grep -qF "$2"' _ "$MAN" "$k"
done

done_testing
