#!/bin/sh
# fragstat diff: a state against itself is all zeros; the two hotsos captures
# of juju host 1 (rabbitmq at 09:39:52, cephmon at 09:47:16 the same day)
# give the per-order deltas worked out by hand from their buddyinfo; counter
# rates come from JSON snapshots and captures that carry their time; zones
# on one side only are listed, not an error.
. "${top_srcdir:-.}/tests/setup.sh"
need python3 python3
cd "$FIX/real"
A=x86_64-hotsos-juju-host1-via-lxd-rabbitmq-5.4.0-97
B=x86_64-hotsos-juju-host1-via-lxd-cephmon-5.4.0-97
# q FILE EXPR: evaluate a Python expression over the JSON document d.
q() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

# Itself: every delta zero, for every capture, tree and JSON.
for d in x86_64-vm-6.18-idle "$A" x86_64-fb-3.10-2node x86_64-hotsos-k8s-vm-5.4.0-99; do
	run $FRAGSTAT diff -o json "$d" "$d"
	is "$rc" 0 "$d: diff with itself exits 0"
	printf '%s\n' "$out" > "$TMP/self.json"
	is "$(q "$TMP/self.json" '(
sum(abs(x) for z in d["zones"] for k in ("free_blocks", "unusable_index", "fragmentation_index") for x in z[k].get("delta", [1]))
+ sum(z["changed_orders"] for z in d["zones"]) + sum(1 for z in d["zones"] if z["presence"] != "both")
+ sum(abs(c["delta"]) for c in d["vmstat"].values()) + sum(x for z in d["zones"] for x in z["verdicts"].get("changed", [])))')" 0.0 \
		"$d: every delta zero"
	run $FRAGSTAT diff "$d" "$d"
	is "$(printf '%s\n' "$out" | grep -c 'no change$')" "$(grep -c '^Node' "$d/proc/buddyinfo")" "$d: table says no change for each zone"
done
$FRAGSTAT snapshot --root "$A" -o json > "$TMP/a.json"
run $FRAGSTAT diff -o json "$TMP/a.json" "$A"
printf '%s\n' "$out" > "$TMP/mixed.json"
is "$(q "$TMP/mixed.json" 'sum(abs(x) for z in d["zones"] for x in z["free_blocks"]["delta"])')" 0 "JSON against its own tree: zero"

# The hotsos pair, by hand from the two buddyinfo files:
#   rabbitmq DMA32  1163 457 315 110 42 20 6 4 1 2 540
#   cephmon  DMA32  6193 5044 2306 1011 397 146 60 14 3 1 529
#   delta           5030 4587 1991 901 355 126 54 10 2 -1 -11
#   rabbitmq Normal 1973 1007 657 262 79 16 7 2 3 3 6
#   cephmon  Normal 3103 1237 633 286 215 32 11 3 3 3 6
#   delta           1130 230 -24 24 136 16 4 1 0 0 0
#   DMA is the same on both: 0 1 1 0 2 1 1 0 1 1 3.
run $FRAGSTAT diff -o json "$A" "$B"
is "$rc" 0 "hotsos pair: exit 0"
printf '%s\n' "$out" > "$TMP/pair.json"
zd() { q "$TMP/pair.json" "' '.join(str(x) for x in [z for z in d['zones'] if z['zone'] == '$1'][0]['free_blocks']['delta'])"; }
is "$(zd DMA32)" "5030 4587 1991 901 355 126 54 10 2 -1 -11" "hotsos pair: DMA32 deltas"
is "$(zd Normal)" "1130 230 -24 24 136 16 4 1 0 0 0" "hotsos pair: Normal deltas"
is "$(zd DMA)" "0 0 0 0 0 0 0 0 0 0 0" "hotsos pair: DMA unchanged"
# Free pages: DMA32 sum(n * 2^k) 1163+914+1260+880+672+640+384+512+256+1024+552960
# = 560665 -> 6193+10088+9224+8088+6352+4672+3840+1792+768+512+541696 = 593225.
is "$(q "$TMP/pair.json" "[z for z in d['zones'] if z['zone'] == 'DMA32'][0]['free_pages']['delta']")" 32560 \
	"hotsos pair: DMA32 free pages +32560"
# The same numbers from the files, column by column, for every zone.
awk 'FNR == 1 { f++ } $1 == "Node" { for (i = 5; i <= NF; i++) v[f, $4, i] = $i; z[$4] = NF }
	END { for (n in z) { s = n; for (i = 5; i <= z[n]; i++) s = s " " v[2, n, i] - v[1, n, i]; print s } }' \
	"$A/proc/buddyinfo" "$B/proc/buddyinfo" | sort > "$TMP/want"
q "$TMP/pair.json" "'\n'.join(z['zone'] + ' ' + ' '.join(map(str, z['free_blocks']['delta'])) for z in d['zones'])" | sort > "$TMP/got"
same_file "$TMP/got" "$TMP/want" "hotsos pair: deltas equal buddyinfo B - A for every zone"
is "$(q "$TMP/pair.json" 'd["interval_seconds"]')" None "trees without a time: no interval"
is "$(q "$TMP/pair.json" 'd["vmstat"]["compact_stall"]')" "{'a': 0, 'b': 0, 'delta': 0, 'reset': False, 'rate_per_second': None}" \
	"compact_stall 0 on both (host counters), no rate"
run $FRAGSTAT diff "$A" "$B"
is "$rc" 0 "hotsos pair table: exit 0"
ok "table: DMA32 order 0 row" -- sh -c 'printf "%s\n" "$1" | grep -Eq "^ +0 +1163 +6193 +\+5030 "' _ "$out"
ok "table: DMA unchanged" -- sh -c 'printf "%s\n" "$1" | grep -q "^Node 0, zone DMA: no change$"' _ "$out"

# Rates: snapshots as JSON 450 s apart, compact_stall 0 -> 900: 2 per second.
mkdir -p "$TMP/t1/proc" "$TMP/t2/proc"
cp "$A/proc/buddyinfo" "$A/proc/zoneinfo" "$TMP/t1/proc/"
cp "$B/proc/buddyinfo" "$B/proc/zoneinfo" "$TMP/t2/proc/"
sed 's/^compact_stall .*/compact_stall 100/; s/^compact_fail .*/compact_fail 40/' "$A/proc/vmstat" > "$TMP/t1/proc/vmstat"
sed 's/^compact_stall .*/compact_stall 1000/; s/^compact_fail .*/compact_fail 10/' "$B/proc/vmstat" > "$TMP/t2/proc/vmstat"
# Trees without a capture note say nothing of their time: converting them
# to JSON at two moments must not invent an interval (problem 5 of issue 12).
FRAGSTAT_FAKE_TIME=1700000000 $FRAGSTAT snapshot --root "$TMP/t1" -o json > "$TMP/t1.json"
FRAGSTAT_FAKE_TIME=1700000450 $FRAGSTAT snapshot --root "$TMP/t2" -o json > "$TMP/t2.json"
is "$(q "$TMP/t1.json" 'd["source"]["timestamp"], d["source"]["timestamp_ns"]')" "(None, None)" \
	"a tree without a note: JSON timestamp null, not the time of conversion"
run $FRAGSTAT diff -o json "$TMP/t1.json" "$TMP/t2.json"
printf '%s\n' "$out" > "$TMP/norate.json"
is "$(q "$TMP/norate.json" 'd["interval_seconds"], d["vmstat"]["compact_stall"]["delta"], d["vmstat"]["compact_stall"]["rate_per_second"]')" \
	"(None, 900, None)" "JSON of timeless trees: delta, no interval, no rate"
run $FRAGSTAT diff "$TMP/t1.json" "$TMP/t2.json"
ok "table: says the interval is unknown" -- sh -c 'printf "%s\n" "$1" | grep -q "^Interval: unknown"' _ "$out"
# A capture note records the time (as `fragstat capture` writes it); the
# JSON of such a tree keeps it, whenever it is converted.
printf 'timestamp_ns: 1700000000000000000\n' > "$TMP/t1/fragstat-capture.txt"
printf 'timestamp_ns: 1700000450000000000\n' > "$TMP/t2/fragstat-capture.txt"
FRAGSTAT_FAKE_TIME=1800000000 $FRAGSTAT snapshot --root "$TMP/t1" -o json > "$TMP/t1.json"
FRAGSTAT_FAKE_TIME=1800000000 $FRAGSTAT snapshot --root "$TMP/t2" -o json > "$TMP/t2.json"
is "$(q "$TMP/t1.json" 'd["source"]["timestamp"]')" "2023-11-14T22:13:20Z" "a capture's JSON keeps the note's time"
run $FRAGSTAT diff -o json "$TMP/t1.json" "$TMP/t2.json"
printf '%s\n' "$out" > "$TMP/rate.json"
is "$(q "$TMP/rate.json" 'd["interval_seconds"]')" 450.0 "JSON inputs: interval 450 s"
is "$(q "$TMP/rate.json" 'd["vmstat"]["compact_stall"]["delta"], d["vmstat"]["compact_stall"]["rate_per_second"]')" "(900, 2.0)" \
	"compact_stall +900 in 450 s: 2/s"
is "$(q "$TMP/rate.json" 'd["vmstat"]["compact_fail"]["reset"], d["vmstat"]["compact_fail"]["rate_per_second"]')" "(True, None)" \
	"compact_fail went back: reset, no rate"
# The same through captures of those trees: the copy keeps the source's
# time (not the time of copying).
FRAGSTAT_FAKE_TIME=1800000000 $FRAGSTAT capture --root "$TMP/t1" "$TMP/c1"
FRAGSTAT_FAKE_TIME=1800000000 $FRAGSTAT capture --root "$TMP/t2" "$TMP/c2"
run $FRAGSTAT diff -o json "$TMP/c1" "$TMP/c2"
printf '%s\n' "$out" > "$TMP/crate.json"
is "$(q "$TMP/crate.json" 'd["interval_seconds"], d["vmstat"]["compact_stall"]["rate_per_second"]')" "(450.0, 2.0)" \
	"captures: interval from their notes, 2/s"
run $FRAGSTAT diff "$TMP/c1" "$TMP/c2"
ok "table: interval and rate" -- sh -c 'printf "%s\n" "$1" | grep -q "^Interval: 450.000 s" && printf "%s\n" "$1" | grep -Eq "^compact_stall +100 +1000 +\+900 +2.000$"' _ "$out"

# Zones on one side only are reported, not an error.
mkdir -p "$TMP/z/proc"
grep -v Normal "$A/proc/buddyinfo" > "$TMP/z/proc/buddyinfo"
run $FRAGSTAT diff -o json "$TMP/z" "$A"
is "$rc" 0 "a zone only in B: exit 0"
printf '%s\n' "$out" > "$TMP/one.json"
is "$(q "$TMP/one.json" "[(z['zone'], z['presence']) for z in d['zones']]")" \
	"[('DMA', 'both'), ('DMA32', 'both'), ('Normal', 'only_b')]" "Normal listed as only in B"
run $FRAGSTAT diff "$A" "$TMP/z"
ok "table: only in A" -- sh -c 'printf "%s\n" "$1" | grep -q "^Node 0, zone Normal: only in A$"' _ "$out"

# Usage and input errors.
run $FRAGSTAT diff "$A"
is "$rc" 1 "one state: usage error"
run $FRAGSTAT diff -o xml "$A" "$B"
is "$rc" 1 "unknown format: usage error"
run $FRAGSTAT diff "$A" "$TMP/nonexistent.json"
is "$rc" 2 "unreadable B: exit 2"
ok "names the file" -- sh -c 'printf "%s" "$1" | grep -q "nonexistent.json"' _ "$err"
done_testing
