#!/bin/sh
# The table answers first and fits one screen (issue 12, items 3 and 5):
# a 3-zone host's default table is at most 40 lines and leads with the
# bottom line; the per-order and per-migratetype tables are behind
# --detail/-v; buddyinfo-only captures get the index diagnosis, labelled as
# without watermarks; pagetypeinfo-only captures are summed, with capped
# cells as lower bounds; --page-size only where the data does not tell.
. "${top_srcdir:-.}/tests/setup.sh"
cd "$FIX/real"
has() { printf '%s\n' "$out" | grep -Eq -- "$1"; }

# One screen for every real 3-zone host with zoneinfo.
for d in x86_64-vm-6.18-idle x86_64-hotsos-k8s-vm-5.4.0-99 x86_64-hotsos-openstack-compute4-5.4.0-97 \
	x86_64-hotsos-juju-host1-via-lxd-cephmon-5.4.0-97; do
	run $FRAGSTAT snapshot --root "$d"
	is "$rc" 0 "$d: exit 0"
	n=$(printf '%s\n' "$out" | wc -l)
	ok "$d: default table fits one screen ($n <= 40 lines)" -- test "$n" -le 40
	ok "$d: the bottom line comes first" -- sh -c 'printf "%s\n" "$1" | grep -m1 -E "^(Order|  node)" | grep -q "^Order 9 (2M), THP fault:"' _ "$out"
	ok "$d: one line per node with the outcome and capacity" -- has '^  node 0: .*; [0-9,]+ free now, at most [0-9,]+ after'
	ok "$d: no per-migratetype grid by default" -- sh -c '! printf "%s\n" "$1" | grep -q "by migratetype"' _ "$out"
	run $FRAGSTAT snapshot --root "$d" --detail
	ok "$d: --detail has every zone's table" -- has '^Node 0, zone Normal: '
	ok "$d: --detail has each zone's check for the kind" -- has '^    DMA: kept by its lowmem reserve'
done
run $FRAGSTAT snapshot --root x86_64-vm-6.18-idle -v
ok "-v is --detail: per-migratetype grid" -- has '^  by migratetype order +Unmov'
# DMA, kept out only by its lowmem reserve, is not trouble: not under
# Attention, and its zone row says why.
run $FRAGSTAT snapshot --root x86_64-vm-6.18-idle
ok "idle: nothing under Attention" -- has '^  nothing else: the other kinds are served on the fast path$'
ok "idle: DMA's row says lowmem reserve" -- has '^node 0 DMA +15M +7 +0\.066 +-1\.000 +13  lowmem reserve$'
# Evidence from vmstat and meminfo of that capture (compact_stall 1,
# compact_fail 0, compact_success 1, thp_fault_fallback 0; MemAvailable
# 24110484 kB of MemTotal 24731708 kB; HugePages_Total 0).
ok "idle: compaction evidence" -- has '^  compaction since boot: stalls 1, failed 0, succeeded 1; THP fault fallbacks 0$'
ok "idle: MemAvailable and the hugetlb pool" -- has '^  MemAvailable 23\.0G of 23\.5G; hugetlb pool 0 x 2M \(0 free'
# Proactive compaction only where the era has it: a 5.4 host never.
run $FRAGSTAT snapshot --root x86_64-hotsos-juju-host0-via-lxd-vault-5.4.0-97
ok "5.4-era host: no proactive compaction line" -- sh -c '! printf "%s\n" "$1" | grep -qi -e "proactive compaction" -e kcompactd' _ "$out"

# The README shows the first lines for the openstack capture: they must be
# what fragstat prints.
run $FRAGSTAT snapshot --root x86_64-hotsos-openstack-compute4-5.4.0-97
printf '%s\n' "$out" | sed -n '/^Order 9 (2M), THP fault:$/,/other kinds:/p' > "$TMP/got"
sed -n '/^    Order 9 (2M), THP fault:$/,/other kinds:/p' "$SRC/README" | sed 's/^    //' > "$TMP/want"
ok "README example has lines" -- test -s "$TMP/want"
same_file "$TMP/got" "$TMP/want" "README example = fragstat's output"

# Buddyinfo only: the index diagnosis, said to be without watermarks. The fb
# capture: node 0 DMA32 fragidx 0.990 at order 9, no free block there.
run $FRAGSTAT snapshot --root x86_64-fb-3.10-2node
is "$rc" 0 "buddyinfo only: exit 0"
ok "buddyinfo only: labelled as without watermarks" -- has '^  \(no zoneinfo watermarks: not the kernel.s whole decision\)$'
ok "buddyinfo only: fragmentation told from the index" -- has '^    DMA32: no free block of order >= 9; fragmentation index 0\.990 > 0\.500$'
ok "buddyinfo only: ideal compaction capacity per node" -- has '^  node 1: 0 free now, at most 13 after compaction$'
ok "buddyinfo only: no longer 'no verdict'" -- sh -c '! printf "%s\n" "$1" | grep -q "no verdict"' _ "$out"

# pagetypeinfo only: summed over types. martins3's Normal has Movable order 0
# printed ">100000": order 0 is a lower bound; order 9 is exact
# (Unmovable 14 + Movable 1269 + Reclaimable 1 = 1284).
run $FRAGSTAT snapshot --root x86_64-martins3-48cpu-pagetypeinfo-capped --detail
is "$rc" 0 "pagetypeinfo only: exit 0 (no longer refused)"
ok "pagetypeinfo only: says where the counts come from" -- has '^free blocks summed from pagetypeinfo \(no buddyinfo\)'
ok "pagetypeinfo only: capped sum shown as a lower bound" -- has '^ +0 +4K +>100141 +>100141 +0\.000 +-1\.000'
ok "pagetypeinfo only: order 9 exact" -- has '^> +9 +2M +1284 +657408 +- +-1\.000'
run $FRAGSTAT snapshot --root x86_64-martins3-48cpu-pagetypeinfo-capped -o json
printf '%s\n' "$out" > "$TMP/pti.json"
is "$(python3 -c 'import json,sys; z = json.load(open(sys.argv[1]))["nodes"][0]["zones"][2]; print(z["free_blocks_source"], z["lower_bounds"]["free_blocks"][:2], z["lower_bounds"]["unusable_index_exact"][:2])' "$TMP/pti.json")" \
	"pagetypeinfo [True, False] [True, False]" "pagetypeinfo only: JSON flags the lower bounds"
run $FRAGSTAT snapshot --input "$TMP/pti.json" -o json
is "$(printf '%s\n' "$out" | grep -c '"free_blocks_source": "pagetypeinfo"')" 3 "pagetypeinfo only: survives the JSON round trip"
run $FRAGSTAT snapshot --root x86_64-martins3-48cpu-pagetypeinfo-capped -o prometheus --prometheus-detail
ok "pagetypeinfo only: no Prometheus series for a lower bound" -- sh -c '! printf "%s\n" "$1" | grep -q "^fragstat_free_blocks{node=\"0\",zone=\"Normal\",order=\"0\"}"' _ "$out"
ok "pagetypeinfo only: exact series kept" -- has '^fragstat_free_blocks\{node="0",zone="Normal",order="9"\} 1284$'
mkdir -p "$TMP/none/proc"
run $FRAGSTAT snapshot --root "$TMP/none"
is "$rc" 2 "neither buddyinfo nor pagetypeinfo: exit 2"
ok "neither: names buddyinfo and says pagetypeinfo is missing too" -- sh -c 'printf "%s" "$1" | grep -q "none/proc/buddyinfo: No such file or directory (and no pagetypeinfo free lists to sum instead)"' _ "$err"

# --page-size: only where the data does not tell.
run $FRAGSTAT snapshot --root x86_64-vm-6.18-idle --page-size 64K
is "$rc" 1 "--page-size against meminfo+zoneinfo: usage error"
ok "--page-size conflict: says what the data says" -- sh -c 'printf "%s" "$1" | grep -q "its pages are 4096 bytes (from meminfo MemTotal over zoneinfo.s managed pages)"' _ "$err"
run $FRAGSTAT snapshot --root x86_64-vm-6.18-idle --page-size 4K
is "$rc" 0 "--page-size equal to the data's: accepted"
run $FRAGSTAT snapshot --root arm64-64k-hisilicon-d03
ok "14 orders, page size assumed: the hint" -- has '^14 orders is what arm64 kernels with 64K pages print: if this is one,$'
run $FRAGSTAT snapshot --root arm64-64k-hisilicon-d03 --page-size 64K
is "$rc" 0 "14-order capture with --page-size 64K: exit 0"
ok "--page-size 64K: 64K pages, no hint" -- sh -c 'printf "%s\n" "$1" | grep -q "64K pages (--page-size), 14 orders" && ! printf "%s\n" "$1" | grep -q "^14 orders is"' _ "$out"
ok "--page-size 64K: the huge page order is 13 (512M)" -- has '^Order 13 \(512M\)'
run $FRAGSTAT snapshot --root arm64-64k-hisilicon-d03 --page-size 64K -o json
printf '%s\n' "$out" > "$TMP/ps.json"
is "$(python3 -c 'import json,sys; s = json.load(open(sys.argv[1]))["source"]; print(s["page_size"], s["page_size_source"])' "$TMP/ps.json")" \
	"65536 option" "JSON records that the page size came from --page-size"
run $FRAGSTAT snapshot --input "$TMP/ps.json"
ok "JSON read back keeps it" -- has '64K pages \(--page-size\), 14 orders'
run $FRAGSTAT snapshot --input "$TMP/ps.json" --page-size 16K
ok "a page size that only an option gave may be given again" -- has '16K pages \(--page-size\)'
run $FRAGSTAT snapshot --input "$FIX/../golden/snapshot/x86_64-vm-6.18-idle.json" --page-size 64K
is "$rc" 1 "JSON whose page size the data gave: a different --page-size is refused"
run $FRAGSTAT watch --root x86_64-vm-6.18-idle --page-size 64K -n 1
is "$rc" 1 "watch --page-size against the data: usage error"
run $FRAGSTAT watch --root arm64-64k-hisilicon-d03 --page-size 64K -n 1
is "$rc" 0 "watch --page-size for a capture that does not tell: exit 0"
ok "watch --page-size: the frame uses it" -- has '64K pages \(--page-size\), 14 orders'
done_testing
