#!/bin/sh
# Name lookups in the key/value readers (issue 11): time a --root snapshot
# whose vmstat, meminfo or zoneinfo per-zone stats hold N unique names,
# against cat of the same files in the same run. Prints figures; never
# fails (timing is not a test; tests/e2e/readside.sh checks 200k names
# parse within a CPU limit).
set -u
B=${top_builddir:-.}
S=${top_srcdir:-.}
F=$B/src/fragstat
R=$S/tests/fixtures/real/x86_64-vm-6.18-idle
T=$(mktemp -d "${TMPDIR:-/tmp}/fragstat-bench-names.XXXXXX")
trap 'rm -rf "$T"' EXIT
now() { date +%s.%N; }
for n in 50000 200000; do
	for kind in vmstat meminfo zoneinfo; do
		d=$T/$kind-$n
		mkdir -p "$d/proc"
		cp "$R/proc/buddyinfo" "$d/proc/"
		case $kind in
		vmstat) awk -v n=$n 'BEGIN { for (i = 0; i < n; i++) printf "counter_%d %d\n", i, i }' >"$d/proc/vmstat" ;;
		meminfo) awk -v n=$n 'BEGIN { for (i = 0; i < n; i++) printf "Key%d:  %d kB\n", i, i }' >"$d/proc/meminfo" ;;
		zoneinfo) { printf 'Node 0, zone   Normal\n  pages free     100\n        min      1\n        low      2\n        high     3\n        spanned  200\n        present  200\n        protection: (0, 0, 0)\n'
			   awk -v n=$n 'BEGIN { for (i = 0; i < n; i++) printf "      stat_%d %d\n", i, i }'
			   printf '  pagesets\n    cpu: 0\n              count: 1\n  start_pfn:         4096\n'; } >"$d/proc/zoneinfo" ;;
		esac
		t0=$(now); cat "$d"/proc/* >/dev/null; t1=$(now)
		"$F" snapshot --root "$d" --no-kernel-check >/dev/null 2>&1; rc=$?; t2=$(now)
		awk -v k=$kind -v n=$n -v t0="$t0" -v t1="$t1" -v t2="$t2" -v rc=$rc \
			'BEGIN { c = t1 - t0; f = t2 - t1
				 printf "%-8s %6d unique names: fragstat %.3f s, cat %.3f s, ratio %.1f (exit %d)\n", k, n, f, c, (c > 0 ? f / c : 0), rc }'
	done
done
