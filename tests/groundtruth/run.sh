#!/bin/sh
# run.sh - ground truth for `fragstat simulate --from CAPTURE --compaction full`
# (issue 14). Root; a benchmark, never a test: it prints predicted vs real and
# exits 0 unless the machine could not be set up. `make groundtruth
# GT_ARGS='...'` runs it with the build's fragstat and gt_frag.
#
# One run: start clean (sync, drop caches, compact), set
# vm.compaction_proactiveness 0 and vm.percpu_pagelist_high_fraction 1000,
# build a known pattern with gt_frag, restore the per-cpu fraction and let
# the per-cpu lists settle, `fragstat capture` (with the page map), time
# `echo 1 > /proc/sys/vm/compact_memory` (gt_frag compact, traced with the
# compaction tracepoints in a private tracefs instance), capture again, and
# compare with `fragstat simulate --from BEFORE --compaction full`
# (compare.py). The machine is left as found: fragmenter ended, sysctls and
# nr_hugepages restored, trace instance and temporary files removed, also on
# error, SIGINT and SIGTERM.
#
# Options (see tests/groundtruth/README for the patterns):
#   --pattern alt|random|runs|cache|shmem|hugetlb|refill   (default alt)
#   --mib N          anonymous memory fragmented (default 2048)
#   --run N          pages in each hole and each held run (runs; default 16)
#   --cache-mib N    page cache mixed in (cache, shmem; default MIB/2)
#   --hugetlb N      huge pages held (hugetlb; default MIB/16)
#   --refill-mib N   memory touched after the holes (refill; default MIB/2)
#   --steps N        slices the pattern is built in (default 64)
#   --seed N         for --pattern random/hugetlb (default 1)
#   --no-drop        do not drop caches and compact first
#   --keep DIR       keep the pair as a fixture in DIR (before/, after/ with
#                    kpage.rle xz-compressed, truth.json, SOURCE)
#   --out DIR        keep the whole work directory in DIR (a new directory)
#   --settle SEC     wait at most SEC s for the per-cpu lists (default 10)
set -u
FRAGSTAT=${FRAGSTAT:-fragstat}
here=$(cd "$(dirname "$0")" && pwd)
GT_FRAG=${GT_FRAG:-$here/gt_frag}
pattern=alt run= mib=2048 cache_mib= hugetlb= refill_mib= steps=64 seed=1 drop=1 keep= out= settle=10
cmdline="$*"
while [ $# -gt 0 ]; do
	case $1 in
	--pattern) pattern=$2; shift ;;
	--mib) mib=$2; shift ;;
	--run) run=$2; shift ;;
	--cache-mib) cache_mib=$2; shift ;;
	--hugetlb) hugetlb=$2; shift ;;
	--refill-mib) refill_mib=$2; shift ;;
	--steps) steps=$2; shift ;;
	--seed) seed=$2; shift ;;
	--no-drop) drop= ;;
	--keep) keep=$2; shift ;;
	--out) out=$2; shift ;;
	--settle) settle=$2; shift ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: unknown option $1 (try --help)" >&2; exit 1 ;;
	esac
	shift
done
die() { echo "run.sh: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "needs root (kpageflags, compact_memory, sysctls)"
[ -x "$GT_FRAG" ] || die "no gt_frag at $GT_FRAG (make builds it)"
"$FRAGSTAT" --version >/dev/null 2>&1 || die "cannot run $FRAGSTAT"
command -v python3 >/dev/null 2>&1 || die "needs python3"
[ -n "$keep" ] && ! command -v xz >/dev/null 2>&1 && die "--keep needs xz (xz-utils)"
[ -n "$keep" ] && [ -e "$keep" ] && die "--keep $keep exists"
[ -n "$out" ] && [ -e "$out" ] && die "--out $out exists"
case $pattern in
alt) frag="--anon $mib --free alt" ;;
random) frag="--anon $mib --free random" ;;
runs) frag="--anon $mib --free run${run:=16}" ;;
cache | shmem) frag="--anon $mib --free alt --cache-mib ${cache_mib:=$((mib / 2))}" ;;
hugetlb) frag="--anon $mib --free random --hugetlb ${hugetlb:=$((mib / 16))}" ;;
refill) frag="--anon $mib --free alt --refill ${refill_mib:=$((mib / 2))}" ;;
*) die "unknown pattern $pattern" ;;
esac
frag="$frag --steps $steps --seed $seed"
VM=/proc/sys/vm
hp0=$(cat $VM/nr_hugepages)
[ "$hp0" = 0 ] || die "nr_hugepages is $hp0, not 0: someone else holds huge pages; not touching it"
pro0=$(cat $VM/compaction_proactiveness)
pcp0=
[ -w $VM/percpu_pagelist_high_fraction ] && pcp0=$(cat $VM/percpu_pagelist_high_fraction)

work=$(mktemp -d "${TMPDIR:-/tmp}/groundtruth.XXXXXX") || die "mktemp"
fpid= tinst= mnt=
cleanup() {
	trap - EXIT INT TERM HUP
	if [ -n "$fpid" ]; then
		exec 9>&-
		kill "$fpid" 2>/dev/null
		wait "$fpid" 2>/dev/null
	fi
	echo "$pro0" > $VM/compaction_proactiveness
	[ -n "$pcp0" ] && echo "$pcp0" > $VM/percpu_pagelist_high_fraction
	echo 0 > $VM/nr_hugepages
	if [ -n "$tinst" ] && [ -d "$tinst" ]; then
		echo 0 > "$tinst/tracing_on"
		echo > "$tinst/set_event" 2>/dev/null
		rmdir "$tinst"
	fi
	[ -n "$mnt" ] && umount "$mnt" 2>/dev/null
	if [ -n "$out" ] && [ -d "$work" ]; then
		rm -f "$work/cache.dat" "$work/in"
		[ -n "$mnt" ] && rmdir "$mnt" 2>/dev/null
		mv "$work" "$out" && echo "work directory kept in $out"
	else
		rm -rf "$work"
	fi
	echo "restored: compaction_proactiveness $pro0${pcp0:+, percpu_pagelist_high_fraction $pcp0}, nr_hugepages 0" >&2
}
trap cleanup EXIT
trap 'echo "run.sh: interrupted" >&2; exit 130' INT TERM HUP

kernel=$(uname -r)
{
	echo "kernel=$kernel"
	echo "pattern=$pattern"
	echo "mib=$mib"
	echo "gt_frag=$frag"
	echo "args=$cmdline"
	echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "mem_total_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"
	echo "cpus=$(nproc)"
	echo "cmdline=$(cat /proc/cmdline)"
} > "$work/params"

# With deferred_init=lazy (vendor kernels) part of the last zone is not in
# the allocator yet: say so, the pattern then lands on what is.
awk '/^Node/ { z = $4 } $1 == "present" { p[z] = $2 } $1 == "managed" { m[z] = $2 }
	END { for (z in p) if (p[z] > 0 && p[z] - m[z] > p[z] / 20)
		printf "note: zone %s has %d of %d present pages not managed (deferred init?)\n", z, p[z] - m[z], p[z] }' /proc/zoneinfo

if [ -n "$drop" ]; then
	sync
	echo 3 > $VM/drop_caches
	echo 1 > $VM/compact_memory
fi
echo 0 > $VM/compaction_proactiveness
[ -n "$pcp0" ] && echo 1000 > $VM/percpu_pagelist_high_fraction

cachefile=
case $pattern in
cache) cachefile=$work/cache.dat ;;
shmem)
	mnt=$work/tmpfs
	mkdir "$mnt" && mount -t tmpfs -o "size=$((cache_mib + 16))m,mode=0700" gt-harness "$mnt" || die "cannot mount a tmpfs"
	cachefile=$mnt/cache.dat ;;
esac
mkfifo "$work/in"
# shellcheck disable=SC2086
"$GT_FRAG" frag $frag ${cachefile:+--cache "$cachefile"} < "$work/in" > "$work/ready" &
fpid=$!
exec 9> "$work/in"
t0=$(date +%s)
until grep -q '^ready' "$work/ready" 2>/dev/null; do
	kill -0 "$fpid" 2>/dev/null || die "gt_frag ended before it was ready"
	[ $(($(date +%s) - t0)) -lt 600 ] || die "gt_frag not ready after 600 s"
	sleep 0.2
done
echo "pattern $pattern: gt_frag $frag: $(cut -d' ' -f2- "$work/ready")"
echo "ready=$(cut -d' ' -f2- "$work/ready")" >> "$work/params"

# Per-cpu lists: back to the machine's setting, then wait until the counts
# settle (stop changing by more than 1% over a second) or SETTLE seconds.
[ -n "$pcp0" ] && echo "$pcp0" > $VM/percpu_pagelist_high_fraction
pcp() { awk '$1 == "count:" { s += $2 } END { print s + 0 }' /proc/zoneinfo; }
prev=$(pcp) i=0
while [ $i -lt "$settle" ]; do
	sleep 1
	i=$((i + 1))
	now=$(pcp)
	d=$((now - prev))
	[ "${d#-}" -le $((prev / 100 + 64)) ] && break
	prev=$now
done
echo "per-cpu lists: $(pcp) pages after ${i} s"

"$FRAGSTAT" capture "$work/before" > /dev/null || die "capture before failed"

T=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)
if [ -n "$T" ] && [ -d "$T/instances" ] && [ -d "$T/events/compaction/mm_compaction_end" ]; then
	tinst=$T/instances/gt-harness-$$
	mkdir "$tinst" || die "cannot create $tinst"
	echo 8192 > "$tinst/buffer_size_kb"
	for e in mm_compaction_begin mm_compaction_end mm_compaction_migratepages; do
		echo 1 > "$tinst/events/compaction/$e/enable"
	done
	echo 1 > "$tinst/tracing_on"
else
	echo "note: no tracefs with the compaction events: end status unavailable"
fi
"$GT_FRAG" compact "$work" > "$work/compact.out" || die "compact_memory failed"
if [ -n "$tinst" ]; then
	echo 0 > "$tinst/tracing_on"
	cat "$tinst/trace" > "$work/trace.txt"
	echo > "$tinst/set_event"
	rmdir "$tinst" && tinst=
fi
"$FRAGSTAT" capture "$work/after" > /dev/null || die "capture after failed"

python3 "$here/compare.py" truth "$work" > "$work/truth.json" || die "compare.py truth failed"
python3 "$here/compare.py" predict --fragstat "$FRAGSTAT" --before "$work/before" \
	--truth "$work/truth.json" --json "$work/result.json" --name "$pattern-$mib" || echo "run.sh: prediction failed" >&2

[ -n "$keep" ] && sh "$here/keep.sh" "$work" "$keep"
exit 0
