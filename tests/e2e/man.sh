#!/bin/sh
# The man page matches the program: it is valid man(7), documents every
# option --help lists, every verdict, and every key a snapshot zone has.
. "${top_srcdir:-.}/tests/setup.sh"
MAN=$SRC/man/fragstat.1.in
if command -v groff >/dev/null 2>&1; then
	run groff -man -ww -z "$MAN"
	is "$err" "" "groff -man -ww finds no problem"
else
	skip "groff not installed (Debian package groff-base): man page syntax not checked"
fi
for cmd in snapshot watch simulate diff capture map events log; do
	$FRAGSTAT $cmd --help | grep -o -- '--[a-z][a-z-]*' | sort -u > "$TMP/opts"
	while read -r opt; do
		pat=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
		ok "man page documents $cmd $opt" -- grep -q -- "$pat" "$MAN"
	done < "$TMP/opts"
done
for v in ok ok_after_kswapd compact reclaim reserved unknown; do
	ok "per-zone verdicts: $v explained" -- sh -c "sed -n '/^\.SS Per-zone verdicts/,/^\.SH /p' '$MAN' | grep -q '^\.B $v\$'"
done
for v in ok ok_after_kswapd compact reclaim fail movable thp kernel atomic noio hugetlb; do
	ok "THE ALLOCATION DECISION names $v" -- sh -c "sed -n '/^\.SH THE ALLOCATION DECISION/,/^\.SH /p' '$MAN' | grep -q '^\.BR* $v'"
done
have python3 || { skip "python3 not installed: JSON keys not checked"; done_testing; exit $?; }
$FRAGSTAT --root "$FIX/real/x86_64-vm-6.18-idle" -o json > "$TMP/s.json"
python3 - "$TMP/s.json" > "$TMP/keys" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
keys = set(d) | set(d["source"]) | set(d["nodes"][0]) | set(d["nodes"][0]["zones"][0])
keys |= set(d["nodes"][0]["zones"][0]["verdicts"][0])
keys |= set(d["nodes"][0]["proactive"]) | set(d["kernel_check"])
print("\n".join(sorted(keys)))
PY
ok "JSON keys listed from a snapshot" -- test -s "$TMP/keys"
while read -r k; do
	pat=$(printf '%s' "$k" | sed 's/_/\\\\?_/g')
	ok "man page mentions JSON key $k" -- grep -q "$k" "$MAN"
done < "$TMP/keys"
# every key of a `fragstat log` report (the zone_checks and printed objects too)
$FRAGSTAT log -o json "$FIX/dmesg/arm64-6.1.69-kunpeng-4node-order5-qp/log" > "$TMP/l.json"
python3 - "$TMP/l.json" > "$TMP/lkeys" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
r = d["reports"][0]
keys = set(d) | set(r) | set(r["request"]) | set(r["cause"]) | set(r["zone_checks"][0])
keys |= set(r["decisions"][0]) | set(r["pages"]) | set(r["diagnostics"][0] if r["diagnostics"] else {})
for n in r["snapshot"]["nodes"]:
    for z in n["zones"]:
        keys |= set(z["printed"])
print("\n".join(sorted(keys)))
PY
while read -r k; do
	ok "man page mentions log JSON key $k" -- sh -c 'sed -n "/^\.SH LOG/,/^\.SH JSON SCHEMA/p" "$1" | grep -qF "$2"' _ "$MAN" "$k"
done < "$TMP/lkeys"
done_testing
