#!/bin/sh
# Golden table and JSON output of `fragstat snapshot --root` for every real
# capture that has a buddyinfo. UPDATE_GOLDEN=1 rewrites the golden files
# (review the diff before committing them).
. "${top_srcdir:-.}/tests/setup.sh"
GOLD=$SRC/tests/golden/snapshot
cd "$FIX/real"
norm() { sed 's/"fragstat_version": "[^"]*"/"fragstat_version": "VERSION"/'; }
for d in */; do
	d=${d%/}
	[ -f "$d/proc/buddyinfo" ] || continue
	for fmt in table json; do
		ext=$([ $fmt = table ] && echo txt || echo json)
		run $FRAGSTAT snapshot --root "$d" -o $fmt --color never
		printf '%s\n' "$out" | norm > "$TMP/got"
		is "$rc" 0 "$d: $fmt exits 0"
		is "$err" "" "$d: $fmt writes nothing to stderr"
		if [ "${UPDATE_GOLDEN-}" = 1 ]; then cp "$TMP/got" "$GOLD/$d.$ext"; fi
		same_file "$TMP/got" "$GOLD/$d.$ext" "$d: $fmt matches golden"
		if [ $fmt = table ]; then
			# 80 columns (the first line names the source path and may be longer)
			ok "$d: table fits 80 columns" -- sh -c '! sed 1d "$1" | grep -q "^.\{81\}"' _ "$TMP/got"
		fi
	done
done
done_testing
