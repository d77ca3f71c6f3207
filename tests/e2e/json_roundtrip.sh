#!/bin/sh
# A snapshot written as JSON and read back with --input gives the same report
# (apart from the source's kind and path).
. "${top_srcdir:-.}/tests/setup.sh"
cd "$FIX/real"
strip() { grep -v -e '"kind":' -e '"path":' -e '"sources":' -e '": "\(ok\|missing\|unread\|denied\)"' ; }
for d in */; do
	d=${d%/}
	[ -f "$d/proc/buddyinfo" ] || continue
	$FRAGSTAT --root "$d" -o json > "$TMP/a.json"
	run $FRAGSTAT --input "$TMP/a.json" -o json
	is "$rc" 0 "$d: --input reads fragstat JSON"
	printf '%s\n' "$out" | strip > "$TMP/b"; strip < "$TMP/a.json" > "$TMP/a"
	same_file "$TMP/b" "$TMP/a" "$d: JSON round trip"
	run sh -c "$FRAGSTAT --input - -o table < '$TMP/a.json'"
	is "$rc" 0 "$d: --input - reads stdin"
done
echo '{"schema_version": 1, "source": {}}' > "$TMP/bad.json"
run $FRAGSTAT --input "$TMP/bad.json"
is "$rc" 2 "incomplete JSON: exit 2"
ok "names the missing key" -- sh -c 'printf "%s" "$1" | grep -q "source.orders: expected"' _ "$err"
printf '{"schema_version": 1,\n "source": [}' > "$TMP/bad2.json"
run $FRAGSTAT --input "$TMP/bad2.json"
is "$rc" 2 "invalid JSON: exit 2"
ok "syntax error has line and column" -- sh -c 'printf "%s" "$1" | grep -q "bad2.json:2:[0-9]*: invalid JSON"' _ "$err"
# Times whose nanoseconds do not fit 64 bits are refused, not wrapped.
$FRAGSTAT --root "$FIX/real/x86_64-vm-6.18-idle" -o json |
	sed -e 's/"timestamp": [^,]*/"timestamp": "1011-11-14T22:13:20Z"/' -e 's/"timestamp_ns"/"old_timestamp_ns"/' > "$TMP/old.json"
run $FRAGSTAT --input "$TMP/old.json"
is "$rc" 2 "a timestamp before 1970: exit 2"
ok "names source.timestamp" -- sh -c 'printf "%s" "$1" | grep -q "source.timestamp: expected a time between 1970 and 2262"' _ "$err"
done_testing
