#!/bin/sh
# simulate --trace: a good trace gives the expected state; every bad line
# gives exit 2 and file:line:col: expected ...
. "$top_srcdir/tests/setup.sh"

good="$SRC/tests/cases/sim-good.trace"
run $FRAGSTAT simulate --memory 16M --trace "$good" --check
is "$rc" 0 "good trace runs under --check"
if command -v jq >/dev/null 2>&1; then
	run $FRAGSTAT simulate --memory 16M --trace "$good" -o json
	printf '%s\n' "$out" >"$TMP/g.json"
	is "$(jq '.timeline[-1].used_pages' "$TMP/g.json")" 526 "used pages after the trace: 8 + 512 + 2 + 4"
	is "$(jq '.counters.alloc_success' "$TMP/g.json")" 6 "six allocations"
	is "$(jq '.counters.free' "$TMP/g.json")" 2 "two frees"
	is "$(jq -c '.final.nodes[0].zones[0].free_blocks' "$TMP/g.json")" \
		"[0,1,2,1,2,2,2,2,2,3,1]" "free blocks after the trace"
else
	skip "jq not installed (Debian package jq): state after the good trace not checked"
fi

# sim-bad.list: NAME|LINE:COL: MESSAGE|CONTENT (printf format)
while IFS='|' read -r name where content; do
	case $name in ''|'#'*) continue ;; esac
	printf "$content" >"$TMP/$name.trace"
	run $FRAGSTAT simulate --memory 16M --trace "$TMP/$name.trace"
	is "$rc" 2 "$name: exit 2"
	is "$err" "fragstat: $TMP/$name.trace:$where" "$name: $where"
done <"$SRC/tests/cases/sim-bad.list"
run $FRAGSTAT simulate --trace "$TMP/none.trace"
is "$rc" 2 "missing trace: exit 2"

done_testing
