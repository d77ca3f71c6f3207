#!/bin/sh
# bench_events.sh - overhead of fragstat events (root, tracefs). Not a test.
#
# 1. The reader at high rates: tests/bench/pagefault_load (each page one
#    mm_page_alloc and one mm_page_free) runs LOADS processes; `fragstat
#    events --record-trace` reads them for BENCH_SECONDS. Printed: events
#    per second read, events lost, fragstat's CPU while recording, and the
#    load's pages/s against the same load without tracing, measured in the
#    same run (baseline first, then traced, interleaved per load level).
# 2. `fragstat events` (report mode) over BENCH_SECONDS on this machine as
#    it is: its CPU from /proc/PID/stat.
set -u
FRAGSTAT=${FRAGSTAT:-src/fragstat}
LOAD=${LOAD:-tests/bench/pagefault_load}
SECS=${BENCH_SECONDS:-5}
BUF=${BENCH_BUFFER_KB:-4096}
[ "$(id -u)" = 0 ] || { echo "bench_events: needs root"; exit 0; }
TMP=$(mktemp -d /tmp/bench-events.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
tck=$(getconf CLK_TCK)

echo "== reader at high event rates (buffer ${BUF} KiB/CPU, ${SECS} s) =="
printf '%-6s %14s %14s %12s %12s %10s %10s\n' loads "base pages/s" "traced pages/s" "slowdown" "events/s" lost "cpu %"
for loads in 1 2; do
	# baseline
	i=0; : >"$TMP/base"
	while [ $i -lt $loads ]; do "$LOAD" "$SECS" >>"$TMP/base" & i=$((i + 1)); done
	wait
	base=$(awk '{ s += $1 } END { printf "%.0f", s }' "$TMP/base")
	# traced
	rm -rf "$TMP"/rt*
	"$FRAGSTAT" events --record-trace "$TMP/rt" --duration $((SECS + 1)) --buffer-kb "$BUF" >"$TMP/out" 2>&1 &
	fp=$!
	sleep 0.5
	i=0; : >"$TMP/traced"
	while [ $i -lt $loads ]; do "$LOAD" "$SECS" >>"$TMP/traced" & i=$((i + 1)); done
	while [ "$(wc -l <"$TMP/traced")" -lt $loads ]; do sleep 0.2; done
	wait $fp
	traced=$(awk '{ s += $1 } END { printf "%.0f", s }' "$TMP/traced")
	evs=$(sed -n 's/.*read: [0-9]* events (\([0-9]*\)\/s).*/\1/p' "$TMP/out")
	cpu=$(sed -n 's/.*(\([0-9]*\)% of one CPU).*/\1/p' "$TMP/out")
	lost=$(sed -n 's/.*lost: \([0-9]*\) events dropped by the ring buffer, \([0-9]*\) by.*/\1+\2/p' "$TMP/out")
	printf '%-6s %14s %14s %11.2fx %12s %10s %10s\n' $loads "$base" "$traced" \
		"$(awk -v b="$base" -v t="$traced" 'BEGIN { print (t > 0 ? b / t : 0) }')" "$evs" "$lost" "$cpu"
done

echo "== report mode: fragstat events for ${SECS} s on this machine =="
"$FRAGSTAT" events --duration "$SECS" -o json >"$TMP/ev.json" &
fp=$!
sleep 0.5
t1=$(awk '{ print $14 + $15 }' /proc/$fp/stat)
wait $fp
# utime+stime of the whole run is not readable after exit: measure a
# second run to its end from the outside with /usr/bin/time when present.
if command -v /usr/bin/time >/dev/null 2>&1; then
	/usr/bin/time -f '%U %S %e' "$FRAGSTAT" events --duration "$SECS" -o json >/dev/null 2>"$TMP/time"
	awk '{ printf "cpu %.2f s user + %.2f s sys over %.1f s (%.2f%% of one CPU)\n", $1, $2, $3, 100 * ($1 + $2) / $3 }' "$TMP/time"
else
	echo "cpu after 0.5 s: $t1 ticks (CLK_TCK $tck); /usr/bin/time not installed"
fi
records=$(jq '[.totals.records[]] | add // 0' "$TMP/ev.json" 2>/dev/null)
echo "records in ${SECS} s: ${records:-?}"
