#!/bin/sh
# bench_watch.sh - CPU of `fragstat watch` against a minimal non-forking
# reader of the same files at the same rate (tests/bench/min_reader.c), in
# the same run, with and without pagetypeinfo, in both modes:
#   dashboard  the ncurses dashboard (the default mode), run in a detached
#              tmux session of 120x40 so that it draws to a real terminal;
#   json       --json lines to /dev/null.
# Not a test: prints figures. The issue's target: at most 2 times the
# reader, and at most 0.3 % of one CPU without pagetypeinfo.
#
# Environment: FRAGSTAT, MIN_READER (the binaries), BENCH_SECONDS (default
# 60), BENCH_INTERVAL (default 1), BENCH_ROOT (default the live system "/";
# pagetypeinfo needs root on a live system), BENCH_MODES (default
# "dashboard json"), BENCH_LOCALE (the dashboard's LC_ALL; default a UTF-8
# locale when there is one, so that the block and line glyphs are drawn).
set -eu
FRAGSTAT=${FRAGSTAT:-src/fragstat}
MIN_READER=${MIN_READER:-tests/bench/min_reader}
SECS=${BENCH_SECONDS:-60}
IV=${BENCH_INTERVAL:-1}
ROOT=${BENCH_ROOT:-/}
MODES=${BENCH_MODES:-dashboard json}
N=$(awk -v s="$SECS" -v i="$IV" 'BEGIN { n = int(s / i + 0.5); print n < 1 ? 1 : n }')
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/bench-watch.XXXXXX")
SOCK=fragstat-bench-$$
cleanup() {
	if [ -n "${TMUX_USED:-}" ]; then
		tmux -L "$SOCK" kill-server >/dev/null 2>&1 || true
	fi
	rm -rf "$TMPD"
}
trap 'st=$?; cleanup; exit $st' EXIT
trap 'exit 130' INT TERM

if [ -z "${BENCH_LOCALE:-}" ]; then
	BENCH_LOCALE=$(locale -a 2>/dev/null | grep -i -m1 -E '^(C|en_US)\.utf-?8$' || echo C)
fi

case "$FRAGSTAT" in /*) ;; *) FRAGSTAT=$(pwd)/$FRAGSTAT ;; esac
case "$MIN_READER" in /*) ;; *) MIN_READER=$(pwd)/$MIN_READER ;; esac

rootopt=
[ "$ROOT" = / ] || rootopt="--root $ROOT"

# report MODE PTI: one line from the two CPU files ("total user system").
report() {
	awk -v m="$1" -v p="$2" -v s="$SECS" -v w="$(cat "$TMPD/w")" -v r="$(cat "$TMPD/r")" 'BEGIN {
		split(w, W, " "); split(r, R, " ")
		rs = R[1] > 0 ? sprintf("%.2f", W[1] / R[1]) : "n/a"
		printf "%-9s %-7s pagetypeinfo: fragstat %7.2f ms CPU (user %.2f, sys %.2f; %.3f%% of one CPU), reader %6.2f ms (%.3f%%), ratio %s\n",
			m, p, 1000 * W[1], 1000 * W[2], 1000 * W[3], 100 * W[1] / s, 1000 * R[1], 100 * R[1] / s, rs
	}'
}

# dashboard WOPT: the dashboard in a detached tmux session; its CPU to $TMPD/w.
dashboard() {
	command -v tmux >/dev/null 2>&1 || { echo "dashboard: tmux is not installed; skipped"; return 1; }
	TMUX_USED=1
	rm -f "$TMPD/w" "$TMPD/done"
	tmux -L "$SOCK" -f /dev/null new-session -d -x 120 -y 40 \
		"env LC_ALL=$BENCH_LOCALE '$MIN_READER' --cpu-tty '$TMPD/w' '$FRAGSTAT' watch $rootopt -i '$IV' -n '$N' $1 2>'$TMPD/err'; touch '$TMPD/done'"
	return 0
}

wait_done() { # the dashboard's session has ended
	n=0
	while [ ! -f "$TMPD/done" ]; do
		n=$((n + 1))
		if [ $n -gt $(( (SECS * 2 + 60) * 5 )) ]; then
			echo "dashboard: did not finish" >&2
			return 1
		fi
		sleep 0.2
	done
	tmux -L "$SOCK" kill-server >/dev/null 2>&1 || true
	if [ ! -s "$TMPD/w" ]; then
		echo "dashboard: no CPU figure; stderr:" >&2
		cat "$TMPD/err" >&2
		return 1
	fi
}

echo "fragstat watch -i $IV -n $N vs min_reader, root $ROOT ($SECS s each, both runs in parallel; dashboard LC_ALL=$BENCH_LOCALE)"
for mode in $MODES; do
	for pti in without with; do
		if [ $pti = without ]; then wopt=--no-pagetypeinfo; ropt=; else wopt=; ropt=pagetypeinfo; fi
		# Run both at the same time so that they see the same machine.
		case $mode in
		dashboard)
			dashboard "$wopt" || continue
			"$MIN_READER" --cpu "$TMPD/r" "$MIN_READER" "$ROOT" "$IV" "$N" $ropt
			wait_done || continue
			;;
		json)
			"$MIN_READER" --cpu "$TMPD/w" "$FRAGSTAT" watch $rootopt --json -i "$IV" -n "$N" $wopt &
			wp=$!
			"$MIN_READER" --cpu "$TMPD/r" "$MIN_READER" "$ROOT" "$IV" "$N" $ropt &
			rp=$!
			wait $wp; wait $rp
			;;
		*)
			echo "unknown mode '$mode' (dashboard, json)" >&2
			exit 1
			;;
		esac
		report "$mode" "$pti"
	done
done
