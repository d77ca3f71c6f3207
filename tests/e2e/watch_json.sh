#!/bin/sh
# fragstat watch without a terminal: JSON lines (schema + rates), record and
# replay, text frames, a --root tree that changes while watched, SIGTERM,
# and option errors. Every expected value comes from the trees built here.
. "${top_srcdir:-.}/tests/setup.sh"

R=$TMP/root
cp -R "$FIX/real/x86_64-vm-6.18-idle" "$R"
# Distinctive counts so that assertions cannot pass on someone else's data.
cat > "$R/proc/buddyinfo" <<'B'
Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 
Node 0, zone    DMA32   1449   1452   1453   1451     16     12      9      7      8      8    724 
Node 0, zone   Normal  12345   2191   2153   2558   1248    760    476    316    177    280   4574 
B

# A JSON line is valid when fragstat reads it back as a snapshot.
valid_json() { printf '%s\n' "$1" > "$TMP/line.json" && $FRAGSTAT --input "$TMP/line.json" -o json >/dev/null 2>&1; }

# --- three JSON lines ---------------------------------------------------
run $FRAGSTAT watch --root "$R" --json -n 3 -i 0.2
is "$rc" 0 "--json -n 3 exits 0"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 3 "--json -n 3 prints three lines"
i=0
printf '%s\n' "$out" > "$TMP/three.jsonl"
while IFS= read -r line; do
	i=$((i + 1))
	ok "line $i is valid JSON that fragstat reads back" -- valid_json "$line"
	ok "line $i has schema_version 2" -- sh -c 'case "$1" in "{\"schema_version\":2,"*) ;; *) exit 1;; esac' _ "$line"
	ok "line $i has a rates object" -- sh -c 'printf "%s" "$1" | grep -q "\"rates\":{\"interval_s\":"' _ "$line"
	ok "line $i shows the tree's Normal zone" -- sh -c 'printf "%s" "$1" | grep -q "\"zone\":\"Normal\",\"free_blocks\":\[12345,2191,2153,"' _ "$line"
done < "$TMP/three.jsonl"
ok "first line: no rates yet (valid false)" -- sh -c 'head -1 "$1" | grep -q "\"valid\":false"' _ "$TMP/three.jsonl"
ok "third line: rates valid, 0 stalls/s on a frozen tree" -- \
	sh -c 'sed -n 3p "$1" | grep -q "\"valid\":true,\"per_second\":{\"compact_stall\":0.0,"' _ "$TMP/three.jsonl"
ok "pagetypeinfo read on the first refresh" -- \
	sh -c 'head -1 "$1" | grep -q "\"pagetypeinfo\":{\"enabled\":true,\"read\":true,"' _ "$TMP/three.jsonl"
ok "debugfs is not read by watch" -- sh -c 'head -1 "$1" | grep -q "\"extfrag_index\":\"unread\""' _ "$TMP/three.jsonl"

run $FRAGSTAT watch --root "$R" --json -n 1 --no-pagetypeinfo
ok "--no-pagetypeinfo: pagetypeinfo unread" -- sh -c 'printf "%s" "$1" | grep -q "\"pagetypeinfo\":\"unread\""' _ "$out"
ok "--no-pagetypeinfo: reported as disabled" -- sh -c 'printf "%s" "$1" | grep -q "\"pagetypeinfo\":{\"enabled\":false"' _ "$out"

# --- record, then replay gives the same frames ----------------------------
run $FRAGSTAT watch --root "$R" --json -n 3 -i 0.2 --record "$TMP/rec.jsonl"
printf '%s\n' "$out" > "$TMP/stdout.jsonl"
same_file "$TMP/rec.jsonl" "$TMP/stdout.jsonl" "--record writes what --json prints"
run $FRAGSTAT watch --replay "$TMP/rec.jsonl" --json
is "$rc" 0 "--replay --json exits 0"
printf '%s\n' "$out" > "$TMP/replayed.jsonl"
same_file "$TMP/replayed.jsonl" "$TMP/rec.jsonl" "a recording replays to the same JSON frames"
run $FRAGSTAT watch --replay "$TMP/rec.jsonl" --json -n 2
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 2 "--replay honours -n"
# --record appends: a second session starts fresh in the replay.
$FRAGSTAT watch --root "$R" --json -n 2 -i 0.2 --record "$TMP/rec.jsonl" > /dev/null
run $FRAGSTAT watch --replay "$TMP/rec.jsonl" --json
printf '%s\n' "$out" > "$TMP/replayed2.jsonl"
same_file "$TMP/replayed2.jsonl" "$TMP/rec.jsonl" "appended sessions replay to the same frames"

# --- rates from a hand-made recording ---------------------------------------
# Two snapshots 2 s apart: stall 100 -> 110, success 60 -> 66, fail 40 -> 44;
# a third where compact_stall went backwards (a reset).
mkline() { # vmstat-values interval -> one JSON line on stdout
	printf 'compact_stall %s\ncompact_success %s\ncompact_fail %s\npgmigrate_success %s\n' $1 > "$R/proc/vmstat"
	$FRAGSTAT --root "$R" -o json | tr -d '\n' | sed 's/}[[:space:]]*$/,"rates":{"interval_s":'"$2"'}}/'
	echo
}
{ mkline "100 60 40 5000" 1; mkline "110 66 44 5400" 2; mkline "50 70 44 5400" 1; } > "$TMP/hand.jsonl"
run $FRAGSTAT watch --replay "$TMP/hand.jsonl" --json
is "$rc" 0 "hand-made recording replays"
printf '%s\n' "$out" > "$TMP/hand.out"
ok "stall rate 10 in 2 s = 5/s" -- sh -c 'sed -n 2p "$1" | grep -q "\"per_second\":{\"compact_stall\":5.0,\"compact_success\":3.0,\"compact_fail\":2.0,"' _ "$TMP/hand.out"
ok "pgmigrate 400 in 2 s = 200/s" -- sh -c 'sed -n 2p "$1" | grep -q "\"pgmigrate_success\":200.0"' _ "$TMP/hand.out"
ok "success ratio over the window 6/10" -- sh -c 'sed -n 2p "$1" | grep -q "\"compact_success\":6,\"compact_fail\":4,\"success_ratio\":0.6}"' _ "$TMP/hand.out"
ok "counter going backwards is a reset, rate 0" -- sh -c 'sed -n 3p "$1" | grep -q "\"compact_stall\":0.0,.*\"reset\":\[\"compact_stall\"\]"' _ "$TMP/hand.out"
ok "window keeps earlier samples: 10/14" -- sh -c 'sed -n 3p "$1" | grep -q "\"compact_success\":10,\"compact_fail\":4,"' _ "$TMP/hand.out"
cp "$FIX/real/x86_64-vm-6.18-idle/proc/vmstat" "$R/proc/vmstat"

# --- text frames when stdout is not a terminal ------------------------------
run $FRAGSTAT watch --root "$R" -n 2 -i 0.2
is "$rc" 0 "text frames exit 0"
is "$(printf '%s\n' "$out" | grep -c '^=== fragstat watch: sample ')" 2 "two text frames"
ok "text frame shows the zone table" -- sh -c 'printf "%s" "$1" | grep -q "Node 0, zone Normal"' _ "$out"
ok "text frame shows rates" -- sh -c 'printf "%s" "$1" | grep -q "^rates/s: compact_stall=0 "' _ "$out"
ok "no escape sequences in text frames" -- sh -c '! printf "%s" "$1" | grep -q "$(printf "\033")"' _ "$out"

# --- the tree changes while watched; zones come and go; SIGTERM -------------
$FRAGSTAT_BIN watch --root "$R" --json -i 0.2 > "$TMP/live.jsonl" 2> "$TMP/live.err" &
pid=$!
wait_for() { # file pattern seconds
	n=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		n=$((n + 1)); [ $n -gt $(($3 * 10)) ] && return 1; sleep 0.1
	done
}
wait_for "$TMP/live.jsonl" '"schema_version"' 10
cat > "$R/proc/buddyinfo.new" <<'B'
Node 0, zone    DMA32   1449   1452   1453   1451     16     12      9      7      8      8    724 
Node 0, zone   Normal  54321   2191   2153   2558   1248    760    476    316    177    280   4574 
B
mv "$R/proc/buddyinfo.new" "$R/proc/buddyinfo"
ok "a rewritten buddyinfo shows up in a later line" -- wait_for "$TMP/live.jsonl" '"free_blocks":\[54321,' 10
ok "a zone that disappeared is gone from the newest line" -- \
	sh -c 'tail -1 "$1" | grep -q "\"free_blocks\":\[54321," && ! tail -1 "$1" | grep -q "\"zone\":\"DMA\",\"free_blocks\""' _ "$TMP/live.jsonl"
kill -TERM $pid
wait $pid
is "$?" 143 "SIGTERM ends --json with the signal's status"
ok "every line is complete after SIGTERM" -- sh -c 'valid() { printf "%s\n" "$2" > "$1.l"; '"$FRAGSTAT_BIN"' --input "$1.l" -o json >/dev/null; }; while IFS= read -r l; do valid "$1" "$l" || exit 1; done < "$1"' _ "$TMP/live.jsonl"

# --- errors ---------------------------------------------------------------
run $FRAGSTAT watch --root "$R" --json -i 0
is "$rc" 1 "-i 0 is a usage error"
run $FRAGSTAT watch --root "$R" --json -i abc
is "$rc" 1 "-i abc is a usage error"
run $FRAGSTAT watch --root "$R" --json -n 0
is "$rc" 1 "-n 0 is a usage error"
run $FRAGSTAT watch --replay "$TMP/rec.jsonl" --root "$R"
is "$rc" 1 "--replay with --root is a usage error"
run $FRAGSTAT watch --root "$R" --json -k 11
is "$rc" 1 "--order beyond the data's orders is a usage error"
run $FRAGSTAT watch --root "$TMP/nonexistent" --json -n 1
is "$rc" 2 "missing buddyinfo: exit 2"
ok "names the file" -- sh -c 'printf "%s" "$1" | grep -q "nonexistent/proc/buddyinfo"' _ "$err"
run $FRAGSTAT watch --replay "$TMP/nonexistent.jsonl" --json
is "$rc" 2 "missing recording: exit 2"
{ head -1 "$TMP/rec.jsonl"; echo '{"schema_version": 1, "source": [}'; } > "$TMP/bad.jsonl"
run $FRAGSTAT watch --replay "$TMP/bad.jsonl" --json
is "$rc" 2 "malformed recording: exit 2"
ok "names the recording's line" -- sh -c 'printf "%s" "$1" | grep -q "bad.jsonl:2:"' _ "$err"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 1 "the good line before it was printed"
run $FRAGSTAT watch --help
ok "--help lists --replay" -- sh -c 'printf "%s" "$1" | grep -q -- "--replay FILE"' _ "$out"
if [ -w /dev/full ]; then
	run sh -c "$FRAGSTAT watch --root '$R' --json -n 1 > /dev/full"
	is "$rc" 3 "write error on stdout: exit 3"
fi
done_testing
