#!/bin/sh
# Every published broken input is reported with file:line:col, never a crash.
# A broken buddyinfo (the one required file) gives exit status 2 and no
# report. A broken optional file is left out: a warning naming
# file:line:col on stderr, the source marked "malformed", the report from
# the rest and exit status 0; with --strict it is exit status 2, no report.
. "${top_srcdir:-.}/tests/setup.sh"
cd "$FIX/malformed"
for d in */; do
	d=${d%/}
	for f in $(cd "$d" && find proc sys -type f 2>/dev/null | sort); do
		root=$TMP/$d-$(basename "$f")
		rm -rf "$root"; mkdir -p "$root/proc"
		# A good buddyinfo unless the broken file is the buddyinfo itself.
		cp "$FIX/real/x86_64-vm-6.18-idle/proc/buddyinfo" "$root/proc/buddyinfo"
		mkdir -p "$root/$(dirname "$f")"
		cp "$d/$f" "$root/$f"
		run $FRAGSTAT snapshot --root "$root" -o json --strict
		is "$rc" 2 "$d/$f --strict: exit status 2"
		ok "$d/$f --strict: message names file:line:col" -- sh -c 'printf "%s\n" "$1" | grep -q "^fragstat: .*/$2:[0-9][0-9]*:[0-9][0-9]*: ."' _ "$err" "$f"
		is "$out" "" "$d/$f --strict: no report printed"
		run $FRAGSTAT snapshot --root "$root" -o json
		if [ "$f" = proc/buddyinfo ]; then
			is "$rc" 2 "$d/$f: buddyinfo is required: exit status 2"
			ok "$d/$f: message names file:line:col" -- sh -c 'printf "%s\n" "$1" | grep -q "^fragstat: .*/$2:[0-9][0-9]*:[0-9][0-9]*: ."' _ "$err" "$f"
			is "$out" "" "$d/$f: no report printed"
			continue
		fi
		is "$rc" 0 "$d/$f: optional, left out: exit status 0"
		src=$(basename "$f")
		ok "$d/$f: warning names file:line:col and the source left out" -- sh -c 'printf "%s\n" "$1" | grep -q "^fragstat: warning: .*/$2:[0-9][0-9]*:[0-9][0-9]*: .* ($3 left out; --strict makes this an error)$"' _ "$err" "$f" "$src"
		printf '%s\n' "$out" > "$TMP/out.json"
		is "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["sources"][sys.argv[2]], d["sources"]["buddyinfo"])' "$TMP/out.json" "$src")" \
			"malformed ok" "$d/$f: JSON marks $src malformed, buddyinfo ok"
		run $FRAGSTAT snapshot --root "$root"
		ok "$d/$f: the table says $src is malformed" -- sh -c 'printf "%s\n" "$1" | tr "\n" " " | grep -q "not read:.*$2 malformed"' _ "$out" "$src"
	done
done
done_testing
