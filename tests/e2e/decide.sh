#!/bin/sh
# The decision engine on the real captures of issue 12's problems 1-4:
# the sentences name the rule that decided and the numbers make them true.
. "${top_srcdir:-.}/tests/setup.sh"
cd "$FIX/real"
# dec CAPTURE KIND FIELD [snapshot options]: one field of node 0's decision
dec() {
	c=$1 k=$2 f=$3; shift 3
	$FRAGSTAT snapshot --root "$c" -o json "$@" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for x in d["nodes"][0]["decisions"]:
    if x["kind"] == sys.argv[1]:
        print(x[sys.argv[2]])' "$k" "$f"
}

# Problem 1: threshold 1000 on a fragmented 6.18 host.
c=x86_64-vm-6.18-threshold1000-fragmented
is "$(dec $c movable outcome)" reclaim "problem 1: movable order 9 reclaims"
is "$(dec $c movable rule)" threshold "problem 1: the threshold decided"
is "$(dec $c movable reason)" "fragmented (index 0.997 in Normal), but vm.extfrag_threshold=1000 stops the kernel from compacting: it will reclaim; lower the threshold or compact by hand" \
	"problem 1: the cause is fragmentation and the threshold"
run $FRAGSTAT snapshot --root $c
ok "problem 1: the table does not call it lack of memory" -- sh -c '! printf "%s" "$1" | grep -q "lack of memory\|lack free memory"' _ "$out"
ok "problem 1: the table names the threshold" -- sh -c 'printf "%s" "$1" | tr "\n" " " | grep -q "vm.extfrag_threshold=1000 stops the kernel from *compacting"' _ "$out"
# The kernel's own index for this capture (debugfs) is the one quoted.
ok "problem 1: debugfs says 0.997 for Normal order 9" -- sh -c 'awk "\$4 == \"Normal\" { exit \$14 != \"0.997\" }" "$1"' _ "$c/sys/kernel/debug/extfrag/extfrag_index"

# Problem 2: 5.4 host, Normal between min and low: DMA32 serves at once.
c=x86_64-hotsos-k8s-vm-5.4.0-99
is "$(dec $c movable outcome --order 3)" ok "problem 2: order 3 is ok"
is "$(dec $c movable zone --order 3)" DMA32 "problem 2: from DMA32"
# Blocks from pagetypeinfo's DMA32 lists (orders >= 3): Unmovable 25 +
# Movable 292 + Reclaimable 55 = 372 (buddyinfo, read at another moment, says 263).
is "$(dec $c movable reason --order 3)" "ok from DMA32 (fast path): free 21173 - 7 > low 15872 + reserve 952, 372 free blocks of order >= 3; Normal fails its low watermark (free 5146 - 7 <= low 5162 + reserve 0)" \
	"problem 2: the sentence with true inequalities"
# 21173 - 7 > 15872 + 952 and 5146 - 7 <= 5162: check the arithmetic here too.
ok "problem 2: the numbers hold" -- test $((21173 - 7)) -gt $((15872 + 952)) -a $((5146 - 7)) -le 5162
out=$($FRAGSTAT snapshot --root $c -o json --order 0 | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join(d["nodes"][0]["outcomes_by_order"]["movable"]))')
is "$out" "ok ok ok ok ok ok ok ok ok ok ok" "problem 2: every order ok on the node (no reclaim/compact flip-flop)"
run $FRAGSTAT snapshot --root $c --order 0
ok "problem 2: no false 'free 5146 <= min 4130' at order 0" -- sh -c '! printf "%s" "$1" | grep -q "free 5146 <= min 4130"' _ "$out"

# Problem 3: DMA is kept by its reserve, not trouble; the node alert is quiet.
for c in x86_64-vm-6.18-idle x86_64-hotsos-juju-host1-via-lxd-rabbitmq-5.4.0-97 x86_64-hotsos-openstack-compute4-5.4.0-97; do
	$FRAGSTAT snapshot --root $c -o prometheus > "$TMP/m"
	is "$(awk '$1 == "fragstat_verdict{node=\"0\",zone=\"DMA\",order=\"9\"}" { print $2 }' "$TMP/m")" "" "problem 3: $c: no per-zone verdicts by default"
	is "$(grep -c '^fragstat_node_verdict{.*kind="movable"} [1-9]' "$TMP/m")" 0 "problem 3: $c: node verdicts for movable requests all 0"
	run $FRAGSTAT snapshot --root $c
	ok "problem 3: $c: DMA's row says it is kept by its lowmem reserve" -- sh -c 'printf "%s\n" "$1" | grep -q "^node 0 DMA .*  lowmem reserve$"' _ "$out"
	ok "problem 3: $c: DMA is not under Attention" -- sh -c '! printf "%s\n" "$1" | sed -n "/^Attention:/,/^\$/p" | grep -q DMA' _ "$out"
done

# Problem 4: no proactive compaction output where the kernel may predate 5.9.
for c in x86_64-hotsos-juju-host0-via-lxd-vault-5.4.0-97 x86_64-hotsos-k8s-vm-5.4.0-99; do
	run $FRAGSTAT snapshot --root $c
	ok "problem 4: $c: no kcompactd sentence" -- sh -c '! printf "%s" "$1" | grep -q "kcompactd"' _ "$out"
	run $FRAGSTAT snapshot --root $c -o prometheus
	ok "problem 4: $c: no fragstat_proactive_would_compact" -- sh -c '! printf "%s" "$1" | grep -q "^fragstat_proactive_would_compact"' _ "$out"
	run $FRAGSTAT snapshot --root $c -o json
	ok "problem 4: $c: era inferred before 5.16 and said so" -- sh -c 'printf "%s" "$1" | grep -q "zoneinfo prints no boost line (before 5.16)"' _ "$out"
done
# A 6.18 capture with the sysctl keeps it.
run $FRAGSTAT snapshot --root x86_64-vm-6.18-idle
ok "the 6.18 capture keeps the proactive line" -- sh -c 'printf "%s" "$1" | grep -q "kcompactd idle"' _ "$out"
done_testing
