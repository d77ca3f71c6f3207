#!/bin/sh
# make bench: run every benchmark and print its figures (no pass/fail).
set -u
B=${top_builddir:-.}
echo "== snapshot (table)"; "$B/tests/bench/bench_snapshot" "$B/src/fragstat" 201 table
echo "== snapshot (json)";  "$B/tests/bench/bench_snapshot" "$B/src/fragstat" 201 json
echo "== page layout (map)"; $SHELL "${top_srcdir:-.}/tests/bench/bench_map.sh" "$B/src/fragstat" 5
echo "== unique names in key/value readers"; sh "${top_srcdir:-.}/tests/bench/bench_names.sh"
