#!/bin/sh
# snapshot -o prometheus: promtool accepts the output of every capture, the
# free block series are exactly the capture's buddyinfo, and on the capture
# that has every file the indices equal the kernel's own debugfs values and
# the watermarks, counters and source states equal what its files say.
. "${top_srcdir:-.}/tests/setup.sh"
command -v promtool >/dev/null 2>&1 || skip_all "promtool not installed (Debian package prometheus)"
cd "$FIX/real"

# buddyinfo -> the fragstat_free_blocks series it must give, sorted.
want_blocks() {
	awk '$1 == "Node" { n = $2; sub(",", "", n); z = $4
		for (i = 5; i <= NF; i++)
			printf "fragstat_free_blocks{node=\"%s\",zone=\"%s\",order=\"%d\"} %s\n", n, z, i - 5, $i }' "$1" | sort
}
# the value of one series (exact name and labels) in file $2
val() { awk -v k="$1" '$1 == k { print $2; f = 1 } END { if (!f) print "absent" }' "$2"; }

for d in */; do
	d=${d%/}
	[ -f "$d/proc/buddyinfo" ] || continue
	# Default: node verdicts and per-zone summaries, a few hundred series at most.
	run $FRAGSTAT snapshot --root "$d" -o prometheus
	is "$rc" 0 "$d: exit 0"
	printf '%s\n' "$out" > "$TMP/m0"
	run promtool check metrics < "$TMP/m0"
	is "$rc:$out$err" "0:" "$d: promtool check metrics is silent (default)"
	ok "$d: no per-order zone families by default" -- sh -c '! grep -q "^fragstat_free_blocks{" "$1"' _ "$TMP/m0"
	nz=$(grep -c '^fragstat_zone_free_bytes{' "$TMP/m0")
	ns=$(grep -vc '^#' "$TMP/m0")
	if [ "$nz" -le 3 ]; then
		ok "$d: $ns default series for $nz zones (at most 200 for 3 zones)" -- test "$ns" -le 200
	fi
	run $FRAGSTAT snapshot --root "$d" -o prometheus --prometheus-detail
	is "$rc" 0 "$d: exit 0"
	printf '%s\n' "$out" > "$TMP/m"
	run promtool check metrics < "$TMP/m"
	is "$rc:$out$err" "0:" "$d: promtool check metrics is silent"
	ok "$d: no NaN or Inf" -- sh -c '! grep -v "^#" "$1" | awk "{ print \$NF }" | grep -qi "nan\|inf"' _ "$TMP/m"
	ok "$d: every family named fragstat_" -- sh -c '! grep -v "^#" "$1" | grep -qv "^fragstat_"' _ "$TMP/m"
	grep '^fragstat_free_blocks{' "$TMP/m" | sort > "$TMP/got"
	want_blocks "$d/proc/buddyinfo" > "$TMP/want"
	same_file "$TMP/got" "$TMP/want" "$d: fragstat_free_blocks is the capture's buddyinfo"
	run $FRAGSTAT snapshot --root "$d" -o prometheus --prometheus-detail --prometheus-no-migratetype
	printf '%s\n' "$out" > "$TMP/m2"
	ok "$d: --prometheus-no-migratetype leaves no migratetype label" -- \
		sh -c '! grep -q "migratetype=" "$1"' _ "$TMP/m2"
	run promtool check metrics < "$TMP/m2"
	is "$rc:$out$err" "0:" "$d: promtool accepts the output without migratetypes"
done

# The capture with every file: values against the files themselves.
d=x86_64-vm-6.18-idle
$FRAGSTAT snapshot --root "$d" -o prometheus --prometheus-detail > "$TMP/m"
# Indices: the kernel's debugfs files, value for value.
for f in unusable_index:fragstat_unusable_index extfrag_index:fragstat_fragmentation_index; do
	awk -v fam="${f#*:}" '$1 == "Node" { n = $2; sub(",", "", n); z = $4
		for (i = 5; i <= NF; i++)
			printf "%s{node=\"%s\",zone=\"%s\",order=\"%d\"} %.3f\n", fam, n, z, i - 5, $i }' \
		"$d/sys/kernel/debug/extfrag/${f%%:*}" | sort > "$TMP/want"
	grep "^${f#*:}{" "$TMP/m" | awk '{ printf "%s %.3f\n", $1, $2 }' | sort > "$TMP/got"
	same_file "$TMP/got" "$TMP/want" "$d: ${f#*:} equals the kernel's ${f%%:*}"
done
# Free bytes: blocks x 2^order x 4096 (x86_64 page), from buddyinfo.
awk '$1 == "Node" { n = $2; sub(",", "", n); z = $4
	for (i = 5; i <= NF; i++)
		printf "fragstat_free_bytes{node=\"%s\",zone=\"%s\",order=\"%d\"} %.0f\n", n, z, i - 5, $i * 2 ^ (i - 5) * 4096 }' \
	"$d/proc/buddyinfo" | sort > "$TMP/want"
grep '^fragstat_free_bytes{' "$TMP/m" | sort > "$TMP/got"
same_file "$TMP/got" "$TMP/want" "$d: fragstat_free_bytes = blocks x 2^order x page size"
# Watermarks of Normal, from zoneinfo.
for w in min low high; do
	pages=$(awk -v w="$w" '/^Node 0, zone +Normal/ { z = 1; next } /^Node/ { z = 0 } z && $1 == w { print $2; exit }' "$d/proc/zoneinfo")
	is "$(val "fragstat_watermark_pages{node=\"0\",zone=\"Normal\",watermark=\"$w\"}" "$TMP/m")" "$pages" \
		"$d: Normal $w watermark pages from zoneinfo ($pages)"
	is "$(val "fragstat_watermark_bytes{node=\"0\",zone=\"Normal\",watermark=\"$w\"}" "$TMP/m")" "$((pages * 4096))" \
		"$d: Normal $w watermark bytes"
done
managed=$(awk '/^Node 0, zone +Normal/ { z = 1; next } /^Node/ { z = 0 } z && $1 == "managed" { print $2; exit }' "$d/proc/zoneinfo")
is "$(val 'fragstat_zone_managed_pages{node="0",zone="Normal"}' "$TMP/m")" "$managed" "$d: Normal managed pages"
# Counters, from vmstat.
for c in compact_stall compact_success pgmigrate_success compact_daemon_wake; do
	v=$(awk -v c="$c" '$1 == c { print $2 }' "$d/proc/vmstat")
	is "$(val "fragstat_vmstat_${c}_total" "$TMP/m")" "$v" "$d: ${c} counter is $v"
	ok "$d: ${c} typed counter" -- grep -q "^# TYPE fragstat_vmstat_${c}_total counter\$" "$TMP/m"
done
ok "$d: nr_free_pages (a gauge) is not a counter" -- sh -c '! grep -q "nr_free_pages_total" "$1"' _ "$TMP/m"
# Sources: the capture has no watermark_scale_factor file, has buddyinfo.
is "$(val 'fragstat_source_up{source="buddyinfo"}' "$TMP/m")" 1 "$d: buddyinfo up"
is "$(val 'fragstat_source_up{source="watermark_scale_factor"}' "$TMP/m")" 0 "$d: missing watermark_scale_factor is down"
is "$(val 'fragstat_kernel_check_agree' "$TMP/m")" 1 "$d: kernel check agrees"
# Verdicts, worked by hand from zoneinfo: DMA has 3840 free pages but
# lowmem_reserve 24137 above it, so even order 0 fails: reclaim (2).
# Normal has 5024808 free and low 20179 with no reserve, and free blocks
# of every order: ok (0) for order 0 and order 10 (4574 free blocks).
is "$(val 'fragstat_verdict{node="0",zone="DMA",order="0"}' "$TMP/m")" -2 "$d: DMA order 0 kept by its lowmem reserve = -2"
is "$(val 'fragstat_verdict{node="0",zone="Normal",order="0"}' "$TMP/m")" 0 "$d: Normal order 0 verdict ok = 0"
is "$(val 'fragstat_verdict{node="0",zone="Normal",order="10"}' "$TMP/m")" 0 "$d: Normal order 10 verdict ok = 0"
# Proactive: compaction_proactiveness 20 gives wmark_low 80 and high 90.
is "$(cat "$d/proc/sys/vm/compaction_proactiveness")" 20 "$d: fixture proactiveness is 20"
is "$(val 'fragstat_proactive_wmark_low_ratio{node="0"}' "$TMP/m")" 0.8 "$d: wmark low 80/100"
is "$(val 'fragstat_proactive_wmark_high_ratio{node="0"}' "$TMP/m")" 0.9 "$d: wmark high 90/100"
# Huge pages now in Normal: blocks of order 9 and 10, in order-9 units.
hn=$(awk '$4 == "Normal" { print $14 + 2 * $15 }' "$d/proc/buddyinfo")
is "$(val 'fragstat_huge_page_blocks_free{node="0",zone="Normal"}' "$TMP/m")" "$hn" "$d: Normal huge page blocks free ($hn)"
# Label values are escaped: a zone name with a quote and a backslash.
mkdir -p "$TMP/esc/proc"
printf 'Node 0, zone   Nor"m\\al      1      2      3 \n' > "$TMP/esc/proc/buddyinfo"
run $FRAGSTAT snapshot --root "$TMP/esc" -o prometheus --prometheus-detail
is "$rc" 0 "odd zone name: exit 0"
printf '%s\n' "$out" > "$TMP/esc.prom"
is "$(grep '^fragstat_free_blocks{' "$TMP/esc.prom" | sed -n 3p)" 'fragstat_free_blocks{node="0",zone="Nor\"m\\al",order="2"} 3' \
	"quote and backslash escaped in the zone label"
run promtool check metrics < "$TMP/esc.prom"
is "$rc:$out$err" "0:" "promtool parses the escaped labels"
# HELP and TYPE for every family, once.
fams=$(grep -v '^#' "$TMP/m" | sed 's/[{ ].*//' | uniq | sort)
is "$(grep '^# TYPE' "$TMP/m" | awk '{ print $3 }' | sort)" "$fams" "$d: one TYPE per family"
is "$(grep '^# HELP' "$TMP/m" | awk '{ print $3 }' | sort)" "$fams" "$d: one HELP per family"
done_testing
