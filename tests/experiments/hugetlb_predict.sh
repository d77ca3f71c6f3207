#!/bin/sh
# hugetlb_predict.sh FRAGSTAT [MIB] - the allocation experiment of issue 12
# (root; never run by make check). Fragments MIB of memory with fragment.c,
# asks `fragstat snapshot -o json` what a hugetlb pool allocation of the
# huge page order does on every node and how many huge pages are free now
# and at most after compaction, then asks the kernel for EXTRA more huge
# pages than are free (echo N > /proc/sys/vm/nr_hugepages), reports how many
# it gave, and restores nr_hugepages and ends the fragmenter.
set -eu
FRAGSTAT=${1:?usage: hugetlb_predict.sh FRAGSTAT [MIB] [EXTRA]}
MIB=${2:-12288}
EXTRA=${3:-200}
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
old=$(cat /proc/sys/vm/nr_hugepages)
[ "$old" = 0 ] || { echo "nr_hugepages is $old, not 0: not touching it" >&2; exit 1; }
cc -O2 -o "$tmp/fragment" "$here/fragment.c"
mkfifo "$tmp/in"
"$tmp/fragment" "$MIB" < "$tmp/in" > "$tmp/ready" &
fpid=$!
exec 9> "$tmp/in"
thr=$(cat /proc/sys/vm/extfrag_threshold)
cleanup() { echo "$thr" > /proc/sys/vm/extfrag_threshold; echo 0 > /proc/sys/vm/nr_hugepages; exec 9>&-; wait $fpid 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
while ! grep -q ready "$tmp/ready" 2>/dev/null; do sleep 0.2; kill -0 $fpid; done
cat "$tmp/ready"
"$FRAGSTAT" snapshot -o json > "$tmp/before.json"
python3 - "$tmp/before.json" <<'PY' > "$tmp/pred"
import json, sys
d = json.load(open(sys.argv[1]))
now = sum(n["huge_pages"]["now"] for n in d["nodes"])
mx = sum(n["huge_pages"]["max_after_compaction"] for n in d["nodes"])
for n in d["nodes"]:
    for x in n["decisions"]:
        if x["kind"] == "hugetlb":
            print("# node %d hugetlb order %d: %s (%s)" % (n["node"], x["order"], x["outcome"], x["reason"]))
print("now=%d max=%d" % (now, mx))
PY
cat "$tmp/pred"
now=$(sed -n 's/^now=\([0-9]*\) .*/\1/p' "$tmp/pred")
max=$(sed -n 's/.* max=\([0-9]*\)$/\1/p' "$tmp/pred")
want=$((now + EXTRA))
counters() { grep -E "^(compact_(stall|success|fail|daemon_wake)|pgmigrate_success|kswapd_low_wmark_hit_quickly|pgsteal_kswapd) " /proc/vmstat | tr '\n' ' '; echo; }
echo "before: $(counters)"
start=$(date +%s.%N)
echo "$want" > /proc/sys/vm/nr_hugepages
end=$(date +%s.%N)
got=$(awk '$1 == "HugePages_Total:" { print $2 }' /proc/meminfo)
echo "after:  $(counters)"
echo "asked $want (free huge blocks now $now + $EXTRA), kernel gave $got in $(echo "$end - $start" | bc) s; fragstat: $now free now, at most $max after compaction"
"$FRAGSTAT" snapshot -o json > "$tmp/after.json"
python3 - "$tmp/after.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for n in d["nodes"]:
    for x in n["decisions"]:
        if x["kind"] == "hugetlb":
            print("# after: node %d hugetlb order %d: %s (%s)" % (n["node"], x["order"], x["outcome"], x["reason"]))
PY
# CAPTURE=DIR: also capture this state with vm.extfrag_threshold=1000
# (issue 12 problem 1), then restore the threshold.
if [ -n "${CAPTURE-}" ]; then
	echo 1000 > /proc/sys/vm/extfrag_threshold
	"$FRAGSTAT" capture "$CAPTURE"
	echo "$thr" > /proc/sys/vm/extfrag_threshold
	echo "captured $CAPTURE with extfrag_threshold 1000 (restored to $thr)"
fi
