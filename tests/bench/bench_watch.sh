#!/bin/sh
# bench_watch.sh - CPU of `fragstat watch --json` against a minimal
# non-forking reader of the same files at the same rate, in the same run,
# with and without pagetypeinfo. Not a test: prints figures.
#
# Environment: FRAGSTAT, MIN_READER (the binaries), BENCH_SECONDS (default
# 60), BENCH_INTERVAL (default 1), BENCH_ROOT (default the live system "/";
# pagetypeinfo needs root on a live system).
set -eu
FRAGSTAT=${FRAGSTAT:-src/fragstat}
MIN_READER=${MIN_READER:-tests/bench/min_reader}
SECS=${BENCH_SECONDS:-60}
IV=${BENCH_INTERVAL:-1}
ROOT=${BENCH_ROOT:-/}
N=$(awk -v s="$SECS" -v i="$IV" 'BEGIN { n = int(s / i + 0.5); print n < 1 ? 1 : n }')
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/bench-watch.XXXXXX")
trap 'rm -rf "$TMPD"' EXIT

# cpu OUT CMD...: CPU seconds (user + system) of CMD into OUT.
cpu() { out=$1; shift; "$MIN_READER" --cpu "$out" "$@"; }

rootopt=
[ "$ROOT" = / ] || rootopt="--root $ROOT"
echo "fragstat watch --json -i $IV -n $N vs min_reader, root $ROOT ($SECS s each, both runs in parallel)"
for mode in without with; do
	if [ $mode = without ]; then wopt=--no-pagetypeinfo; ropt=; else wopt=; ropt=pagetypeinfo; fi
	# Run both at the same time so that they see the same machine.
	cpu "$TMPD/w" "$FRAGSTAT" watch $rootopt --json -i "$IV" -n "$N" $wopt &
	wp=$!
	cpu "$TMPD/r" "$MIN_READER" "$ROOT" "$IV" "$N" $ropt &
	rp=$!
	wait $wp; wait $rp
	w=$(cat "$TMPD/w"); r=$(cat "$TMPD/r")
	awk -v w="$w" -v r="$r" -v s="$SECS" -v m="$mode" 'BEGIN {
		ratio = r > 0 ? w / r : 0
		rs = (r > 0) ? sprintf("%.2f", ratio) : "n/a"
		printf "%s pagetypeinfo: fragstat %.4f s CPU (%.3f%% of one CPU), reader %.4f s (%.3f%%), ratio %s\n",
			m, w, 100 * w / s, r, 100 * r / s, rs
	}'
done
