#!/bin/sh
# Every published broken input gives exit status 2 and a message naming the
# file and the line (file:line:col: what was expected), never a crash.
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
		run $FRAGSTAT snapshot --root "$root" -o json
		is "$rc" 2 "$d/$f: exit status 2"
		ok "$d/$f: message names file:line:col" -- sh -c 'printf "%s\n" "$1" | grep -q "^fragstat: .*/$2:[0-9][0-9]*:[0-9][0-9]*: ."' _ "$err" "$f"
		is "$out" "" "$d/$f: no report printed"
	done
done
done_testing
