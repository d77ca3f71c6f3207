#!/bin/sh
# simulate: progress on stderr only when stderr is a terminal (operations
# done, rate, time left), nothing otherwise. FRAGSTAT_PROGRESS_DELAY_MS=0
# (tests only) shows it from the start instead of after a second.
. "$top_srcdir/tests/setup.sh"

FRAGSTAT_PROGRESS_DELAY_MS=0; export FRAGSTAT_PROGRESS_DELAY_MS
# not a terminal: nothing on stderr, the output as without progress
run $FRAGSTAT simulate --memory 16M --ops 300000 --every 30000 -o json
is "$rc" 0 "a run with stderr not a terminal"
is "$err" "" "not a terminal: nothing on stderr"
printf '%s\n' "$out" >"$TMP/a.json"
FRAGSTAT_PROGRESS_DELAY_MS= $FRAGSTAT simulate --memory 16M --ops 300000 --every 30000 -o json \
	>"$TMP/b.json" 2>/dev/null
same_file "$TMP/a.json" "$TMP/b.json" "the output does not depend on the progress setting"

# a terminal: script(1) gives the command one
if have script; then
	script -qc "$FRAGSTAT_BIN simulate --memory 16M --ops 300000 --every 30000 -o json >$TMP/t.json" \
		"$TMP/typescript" >/dev/null 2>&1
	ok "a terminal: progress lines (operations done of all)" -- \
		grep -q "simulate: [0-9]* of 300000 operations ([0-9]*%)" "$TMP/typescript"
	ok "a terminal: the rate and the time left" -- \
		grep -Eq "operations \([0-9]+%\), [0-9]+ ops/s, [0-9]+ s left" "$TMP/typescript"
	ok "a terminal: the line is cleared at the end" -- \
		sh -c 'tr "\r" "\n" < "$1" | grep -q "^$(printf "\033")\[K"' _ "$TMP/typescript"
	same_file "$TMP/t.json" "$TMP/a.json" "a terminal: the same output"
else
	skip "script(1) not installed (Debian package bsdutils): the terminal case not checked"
fi
done_testing
