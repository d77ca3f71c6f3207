#!/bin/sh
# Benchmark (not a test; figures only): the page layout.
# 1. Live `fragstat map` against `cat /proc/kpageflags /proc/kpagecount`
#    (the kernel's own cost is the floor), interleaved pairs, median ratio;
#    wall time and peak RSS of each (GNU time).
# 2. Peak RSS of `fragstat map --root` over sparse synthetic trees of 1, 4
#    and 16 Mi pfns: it grows with pageblocks (1 byte each), not pages.
# 3. `fragstat snapshot` with and without --pages.
# Needs root for 1 and 3; usage: bench_map.sh FRAGSTAT [PAIRS]
set -u
F=$1
PAIRS=${2:-5}
T=$(mktemp -d "${TMPDIR:-/tmp}/fragstat-bench-map.XXXXXX")
trap 'rm -rf "$T"' EXIT
TIME=/usr/bin/time
[ -x $TIME ] || { echo "bench_map: needs GNU time (/usr/bin/time)"; exit 0; }
# measure NAME CMD...: appends "wall_seconds max_rss_kib" to $T/NAME
measure() {
	_n=$1; shift
	$TIME -f '%e %M' -o "$T/.t" "$@" > /dev/null 2>&1
	cat "$T/.t" >> "$T/$_n"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
if [ "$(id -u)" -eq 0 ] && [ -r /proc/kpageflags ]; then
	pfns=$(($(stat -c %s /proc/kpageflags 2>/dev/null || echo 0)))
	echo "live: $(uname -r), $(awk '/MemTotal/ { print $2 / 1048576 " GiB" }' /proc/meminfo)"
	for i in $(seq "$PAIRS"); do
		measure cat cat /proc/kpageflags /proc/kpagecount
		measure map "$F" map --color never
		measure snap "$F" snapshot --no-kernel-check
		measure snappages "$F" snapshot --no-kernel-check --pages
	done
	paste "$T/cat" "$T/map" | awk '{ print $3 / $1 }' > "$T/ratio"
	printf 'cat kpageflags+kpagecount: median %ss, peak RSS %s KiB\n' \
		"$(cut -d' ' -f1 "$T/cat" | median)" "$(cut -d' ' -f2 "$T/cat" | median)"
	printf 'fragstat map:              median %ss, peak RSS %s KiB\n' \
		"$(cut -d' ' -f1 "$T/map" | median)" "$(cut -d' ' -f2 "$T/map" | sort -n | tail -1)"
	printf 'map / cat wall time:       median ratio %s over %s interleaved pairs (target <= 1.25)\n' \
		"$(median < "$T/ratio")" "$PAIRS"
	printf 'snapshot:                  median %ss; with --pages %ss\n' \
		"$(cut -d' ' -f1 "$T/snap" | median)" "$(cut -d' ' -f1 "$T/snappages" | median)"
else
	echo "live: not root, live figures left out"
fi
# Sparse trees: one Normal zone of N pfns, every page reading 0 (unused);
# no pagetypeinfo, so the pageblock order is assumed (9 with 4 KiB pages).
for mi in 1 4 16; do
	n=$((mi * 1048576))
	d=$T/sparse$mi
	mkdir -p "$d/proc"
	printf 'Node 0, zone   Normal      0      0      0      0      0      0      0      0      0      0      1 \n' > "$d/proc/buddyinfo"
	cat > "$d/proc/zoneinfo" <<ZI
Node 0, zone   Normal
  pages free     1024
        min      1
        low      2
        high     3
        spanned  $n
        present  $n
        managed  $n
        protection: (0)
  pagesets
    cpu: 0
              count: 0
              high:  6
              batch: 1
  node_unreclaimable:  0
  start_pfn:           0
ZI
	truncate -s $((n * 8)) "$d/proc/kpageflags" "$d/proc/kpagecount"
	: > "$T/sp$mi"
	measure sp$mi "$F" map --root "$d" --color never
	printf 'map --root, %2s Mi pfns (%3s GiB, %5s pageblocks): %ss, peak RSS %s KiB\n' "$mi" "$((mi * 4))" \
		"$((n / 512))" "$(cut -d' ' -f1 "$T/sp$mi")" "$(cut -d' ' -f2 "$T/sp$mi")"
done
