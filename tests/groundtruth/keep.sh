#!/bin/sh
# keep.sh WORK DEST - turn a ground-truth run's work directory (run.sh --out
# WORK, or run.sh --keep DEST directly) into a regression fixture DEST:
# before/ and after/ (the two captures, proc/kpage.rle compressed with
# xz -9), truth.json and SOURCE (how the pair was made, from WORK/params and
# the compaction trace). tests/e2e/groundtruth_fixtures.sh reads it.
set -eu
work=${1:?usage: keep.sh WORK DEST}
dest=${2:?usage: keep.sh WORK DEST}
[ -e "$dest" ] && { echo "keep.sh: $dest exists" >&2; exit 1; }
command -v xz >/dev/null 2>&1 || { echo "keep.sh: needs xz (xz-utils)" >&2; exit 1; }
param() { sed -n "s/^$1=//p" "$work/params"; }
mkdir -p "$dest"
cp -a "$work/before" "$work/after" "$work/truth.json" "$dest/"
for s in before after; do
	[ -f "$dest/$s/proc/kpage.rle" ] && xz -9 -T1 "$dest/$s/proc/kpage.rle"
done
{
	echo "Ground-truth pair of issue 14, made as root by"
	echo "  tests/groundtruth/run.sh $(param args)"
	echo "(make groundtruth GT_ARGS='...') and kept with tests/groundtruth/keep.sh on $(param date),"
	echo "kernel $(param kernel),"
	echo "$(param cpus) CPUs, MemTotal $(param mem_total_kb) kB, boot options: $(param cmdline)"
	echo "Other engineers' builds and tests ran on the machine at the same time."
	echo
	echo "Pattern: gt_frag frag $(param gt_frag)"
	echo "  -> $(param ready)"
	echo "before/ and after/: 'fragstat capture' trees taken just before and just"
	echo "after 'echo 1 > /proc/sys/vm/compact_memory' (caches dropped and memory"
	echo "compacted before the pattern was built; compaction_proactiveness 0;"
	echo "percpu_pagelist_high_fraction 1000 while building, restored before the"
	echo "captures). proc/kpage.rle.xz: 'xz -d' gives the capture's kpage.rle byte"
	echo "for byte."
	echo "truth.json: tests/groundtruth/compare.py truth over /proc/{buddyinfo,"
	echo "vmstat,zoneinfo} copied by 'gt_frag compact' right before and after the"
	echo "write (pre, post) and the compaction tracepoints of that process."
	if [ -s "$work/trace.txt" ]; then
		echo "End of each zone's run (mm_compaction_end):"
		grep -o 'mm_compaction_end:.*' "$work/trace.txt" | sed 's/^mm_compaction_end: /  /'
	fi
} > "$dest/SOURCE"
echo "fixture kept in $dest ($(du -sk "$dest" | cut -f1) KiB on disk)"
