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
	done
done
done_testing
