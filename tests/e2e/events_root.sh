#!/bin/sh
# fragstat events as root: a fragmenting workload and vm.compact_memory give
# plausible counts that agree exactly with an independent reader (a second
# tracefs instance read as text); the top-level tracing state is unchanged;
# no instance is left after SIGINT, SIGTERM, SIGHUP, or SIGKILL and the next
# run. Tolerates other compaction on the machine: only counts inside
# fragstat's own time window are compared.

# Without a tracefs mount anywhere, run in a private mount namespace with
# one (fragstat would do the same by itself).
if [ "$(id -u)" = 0 ] && ! awk '$3 == "tracefs" { f = 1 } END { exit !f }' /proc/mounts &&
	grep -q tracefs /proc/filesystems && [ -z "${EV_UNSHARED-}" ] && command -v unshare >/dev/null 2>&1; then
	EV_UNSHARED=1 exec unshare -m --propagation private sh -c \
		'mount -t tracefs nodev /sys/kernel/tracing && exec sh "$0"' "$0"
fi
. "$top_srcdir/tests/setup.sh"

[ "$(id -u)" = 0 ] || skip_all "not root"
grep -q tracefs /proc/filesystems || skip_all "no tracefs in this kernel"
$FRAGSTAT_BIN events --help 2>&1 | grep -q 'This fragstat was built without' && skip_all "built without tracefs"
command -v jq >/dev/null 2>&1 || skip_all "jq not installed"
T=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)
[ -n "$T" ] && [ -d "$T/instances" ] || skip_all "tracefs not mounted"
[ -w /proc/sys/vm/compact_memory ] || skip_all "no vm.compact_memory"
FRAG=$BUILD/tests/events/fragmenter
[ -x "$FRAG" ] || skip_all "fragmenter not built"

jqe() { jq -e "$@" >/dev/null; }
state() {
	printf 'tracing_on=%s tracer=%s\n' "$(cat "$T/tracing_on")" "$(cat "$T/current_tracer")"
	sort "$T/set_event"
}
state >"$TMP/state.before"

# The independent reader: its own instance, monotonic clock, no overwrite.
IND=$T/instances/fsindep-$$
mkdir "$IND" || skip_all "cannot create a tracefs instance"
cleanup_ind() { [ -d "$IND" ] && { echo 0 >"$IND/tracing_on"; echo >"$IND/set_event"; rmdir "$IND"; }; }
trap 'cleanup_ind; rm -rf "$TMP"' EXIT
echo 0 >"$IND/tracing_on"
echo mono >"$IND/trace_clock"
echo 0 >"$IND/options/overwrite"
echo 16384 >"$IND/buffer_size_kb"
echo 1 >"$IND/events/kmem/mm_page_alloc_extfrag/enable"
echo 1 >"$IND/events/compaction/mm_compaction_end/enable"
echo 1 >"$IND/tracing_on"

# Until SIGINT, so that the workload is inside the window however slow
# the machine is.
$FRAGSTAT events --interval 2 -o json >"$TMP/ev.json" 2>"$TMP/ev.err" &
EVPID=$!
sleep 1
"$FRAG" 3 >/dev/null
echo 1 >/proc/sys/vm/compact_memory
sleep 0.3
kill -INT $EVPID
wait $EVPID
rc=$?
echo 0 >"$IND/tracing_on"
is "$rc" 0 "events (stopped by SIGINT) exits 0"
# (an earlier killed run may have left an instance, which is removed and said)
is "$(grep -v 'tracefs instance(s) left by fragstat processes that no longer run' "$TMP/ev.err")" "" \
	"no other message on stderr"
cat "$IND/trace" >"$TMP/ind.txt"
ind_lost=$(cat "$IND"/per_cpu/cpu*/stats | awk '/^(overrun|dropped events):/ { n += $NF } END { print n + 0 }')
cleanup_ind

ok "JSON document" -- jqe '.totals and .intervals and .recording' "$TMP/ev.json"
ev() { jq -r "$1" "$TMP/ev.json"; }
n=$(ev '.intervals | length')
ok "intervals of 2 s, the last one shorter ($n)" -- \
	jqe '[.intervals[:-1][].seconds] | all(. > 1.99 and . < 2.01)' "$TMP/ev.json"
is "$(ev '[.intervals[].extfrag_events] | add')" "$(ev .totals.extfrag_events)" "intervals add up to the total"
# Whether the fragmenter makes the kernel fall back depends on the free
# lists it meets: on a machine whose Unmovable pageblocks have room there
# is none, and the independent reader below must then count none either.
if [ "$(ev .totals.extfrag_events)" -gt 0 ]; then
	ok "unmovable fallbacks among the $(ev .totals.extfrag_events) extfrag events" -- \
		jq -e '[.totals.extfrag[] | select(.alloc_migratetype == "Unmovable")] | length > 0' "$TMP/ev.json"
else
	skip "the workload caused no fallback on this machine's free lists (checked against the kernel's own trace below)"
fi
nzones=$(awk '/^Node/ { n++ } END { print n }' /proc/buddyinfo)
ok "compact_memory ran every zone ($(ev .totals.compaction_runs) runs >= $nzones zones)" -- \
	test "$(ev .totals.compaction_runs)" -ge "$nzones"
ok "manual runs of order -1" -- \
	jq -e '[.totals.compaction[] | select(.trigger == "manual" and .order == -1)] | length > 0' "$TMP/ev.json"
is "$(ev .totals.lost_events)" 0 "no event lost by fragstat's buffer"

# Compare with the independent reader inside fragstat's window. Text
# timestamps are microseconds; the window is nanoseconds.
start=$(ev .totals.start_ns)
end=$(ev .totals.end_ns)
count() {
	awk -v s="$start" -v e="$end" -v pat="$1" -v sel="${2-}" '
		$0 ~ pat {
			for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { ts = $i; break }
			sub(/:$/, "", ts); split(ts, p, ".")
			t = p[1] * 1000000000 + p[2] * 1000
			if (t >= s - 999 && t < e && (sel == "" || index($0, sel))) n++
		}
		END { print n + 0 }' "$TMP/ind.txt"
}
if [ "$ind_lost" = 0 ]; then
	is "$(count mm_page_alloc_extfrag:)" "$(ev .totals.extfrag_events)" "extfrag events agree with the independent reader"
	is "$(count mm_page_alloc_extfrag: change_ownership=1)" "$(ev .totals.extfrag_claims)" "claims agree"
	is "$(count mm_compaction_end:)" "$(ev .totals.compaction_runs)" "compaction runs agree"
	for st in $(ev '.totals.compaction_end_status | keys[]'); do
		is "$(count mm_compaction_end: "status=$st")" "$(ev ".totals.compaction_end_status.\"$st\"")" \
			"end status $st agrees"
	done
else
	ok "# SKIP independent reader lost $ind_lost events" -- true
fi
state >"$TMP/state.after"
same_file "$TMP/state.after" "$TMP/state.before" "top-level tracing_on, current_tracer, set_event unchanged"
ok "no fragstat instance left" -- test ! -e "$T/instances/fragstat-$EVPID"

# Signals: the instance is removed, the totals are printed, status 0.
for sig in INT TERM HUP; do
	$FRAGSTAT_BIN events -o json >"$TMP/sig.json" 2>"$TMP/sig.err" &
	pid=$!
	n=0
	while [ ! -d "$T/instances/fragstat-$pid" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
	ok "SIG$sig: instance fragstat-$pid exists while running" -- test -d "$T/instances/fragstat-$pid"
	sleep 0.3
	kill -$sig $pid
	wait $pid
	is "$?" 0 "SIG$sig: exit status 0"
	ok "SIG$sig: instance removed" -- test ! -e "$T/instances/fragstat-$pid"
	ok "SIG$sig: totals printed" -- jqe '.totals.lost_events >= 0' "$TMP/sig.json"
done

# SIGKILL leaves the instance; the next run removes it and says so.
$FRAGSTAT_BIN events >/dev/null 2>&1 &
pid=$!
n=0
while [ ! -d "$T/instances/fragstat-$pid" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
kill -KILL $pid
wait $pid 2>/dev/null
ok "SIGKILL: instance fragstat-$pid left behind" -- test -d "$T/instances/fragstat-$pid"
run $FRAGSTAT events --duration 0.2
is "$rc" 0 "next run exits 0"
ok "next run removed it" -- test ! -e "$T/instances/fragstat-$pid"
case $err in *"removed 1 tracefs instance"*|*"removed "*" tracefs instance"*) r=0 ;; *) r=1 ;; esac
is "$r" 0 "next run says it removed a stale instance"
state >"$TMP/state.after"
same_file "$TMP/state.after" "$TMP/state.before" "top-level state still unchanged"

# --record-trace: a trace the simulator replays on the captured start.
# (Without valgrind: replaying a whole machine's memory under it takes
# many minutes; the unit and fixture tests cover the code it shares.)
run $FRAGSTAT_BIN events --record-trace "$TMP/rt" --duration 1.5
is "$rc" 0 "--record-trace exits 0"
ok "trace, start and end captures written" -- test -s "$TMP/rt" -a -s "$TMP/rt.start/proc/buddyinfo" -a -s "$TMP/rt.end/proc/buddyinfo"
case $out in *"End state, free blocks per order: real"*simulated*) r=0 ;; *) r=1 ;; esac
is "$r" 0 "the real and simulated end states are compared"
case $out in *"left out: "*" frees ("*"lost: "*"per-CPU lists"*) r=0 ;; *) r=1 ;; esac
is "$r" 0 "what the recording left out, lost and the per-CPU lists are stated"
allocs=$(grep -c '^alloc ' "$TMP/rt")
ok "the trace holds allocations ($allocs)" -- test "$allocs" -gt 0
run $FRAGSTAT_BIN simulate --from "$TMP/rt.start" --trace "$TMP/rt" -o json
is "$rc" 0 "simulate --from START --trace FILE replays it"
is "$(printf '%s' "$out" | jq '.counters.alloc_success + .counters.alloc_fail')" "$allocs" \
	"the simulator ran every recorded allocation"
ok "no instance left after --record-trace" -- sh -c "! ls '$T/instances' | grep -q '^fragstat-'"
run $FRAGSTAT_BIN events --record-trace "$TMP/rt" --duration 0.1
is "$rc" 1 "--record-trace does not overwrite"
$FRAGSTAT_BIN events --record-trace "$TMP/rt2" --duration 30 >"$TMP/rt2.out" 2>&1 &
pid=$!
n=0
while [ ! -d "$T/instances/fragstat-$pid" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
sleep 0.5
kill -INT $pid
wait $pid
is "$?" 0 "--record-trace stopped by SIGINT: exit 0"
ok "--record-trace after SIGINT: instance removed" -- test ! -e "$T/instances/fragstat-$pid"
ok "--record-trace after SIGINT: trace and comparison written" -- grep -q "End state, free blocks" "$TMP/rt2.out"

# watch: the events panel ('e') shows the last interval; quitting removes
# the instance.
if command -v tmux >/dev/null 2>&1; then
	S=fsev$$
	tmux new-session -d -s $S -x 100 -y 40 "$FRAGSTAT_BIN watch --interval 0.5; sleep 5" 2>/dev/null
	sleep 1
	wpid=$(pgrep -f -n "^$FRAGSTAT_BIN watch --interval 0.5")
	tmux send-keys -t $S e
	sleep 0.5
	echo 1 >/proc/sys/vm/compact_memory
	# The panel shows the last interval only: look at it for 2 s.
	: >"$TMP/pane"
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		tmux capture-pane -t $S -p >>"$TMP/pane"
		sleep 0.1
	done
	ok "watch: events panel shown" -- grep -q 'Events, last 0.5 s' "$TMP/pane"
	ok "watch: compaction runs in the panel" -- grep -Eq 'compaction runs [1-9]' "$TMP/pane"
	ok "watch: instance fragstat-$wpid while the panel runs" -- test -d "$T/instances/fragstat-$wpid"
	tmux send-keys -t $S q
	sleep 0.5
	ok "watch: instance removed on quit" -- test ! -e "$T/instances/fragstat-$wpid"
	tmux kill-session -t $S 2>/dev/null
fi

# Without any tracefs mount, fragstat mounts one in a private namespace
# and leaves the caller's mount table as it was.
if command -v unshare >/dev/null 2>&1; then
	run unshare -m --propagation private sh -c '
		awk '"'"'$3 == "tracefs" { print $2 }'"'"' /proc/mounts | sort -r | while read -r m; do umount "$m"; done
		awk '"'"'$3 == "tracefs" { f = 1 } END { exit f }'"'"' /proc/mounts || exit 9
		'"$FRAGSTAT_BIN"' events --duration 0.3 -o json >/dev/null || exit $?
		awk '"'"'$3 == "tracefs" { f = 1 } END { exit f }'"'"' /proc/mounts || exit 8'
	is "$rc" 0 "no tracefs mounted: fragstat mounts its own privately and leaves none behind"
fi

done_testing
