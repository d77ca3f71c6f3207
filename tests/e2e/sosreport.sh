#!/bin/sh
# A sosreport works as a --root: sos stores /proc and /sys files at their
# own paths, beside sos_commands/, sos_logs/, sos_reports/ and its symlinks
# (free, uname, ...). Built here the way sos lays it out, from the hotsos
# k8s capture (itself taken from a real sosreport), with the files sos
# keeps that fragstat does not read and without debugfs (sos leaves it out).
. "${top_srcdir:-.}/tests/setup.sh"
need python3 python3
cd "$FIX/real"
F=x86_64-hotsos-k8s-vm-5.4.0-99
S=$TMP/sosreport-k8s-vm-2022-02-10-abcdefg
mkdir -p "$S/proc/sys/vm" "$S/proc/sys/kernel" "$S/sys/kernel/mm/transparent_hugepage" \
	"$S/sos_commands/memory" "$S/sos_commands/kernel" "$S/sos_logs" "$S/sos_reports" \
	"$S/etc" "$S/var/log"
for f in buddyinfo zoneinfo vmstat pagetypeinfo; do cp "$F/proc/$f" "$S/proc/$f"; done
echo "5.4.0-99-generic" > "$S/proc/sys/kernel/osrelease"
echo 400 > "$S/proc/sys/vm/extfrag_threshold"
echo 67584 > "$S/proc/sys/vm/min_free_kbytes"
echo "always [madvise] never" > "$S/sys/kernel/mm/transparent_hugepage/enabled"
printf 'MemTotal: 1 kB\n' > "$S/sos_commands/memory/free_-m"
echo "Linux k8s-vm 5.4.0-99-generic #112-Ubuntu SMP x86_64 GNU/Linux" > "$S/sos_commands/kernel/uname_-a"
printf 'vm.extfrag_threshold = 400\n' > "$S/sos_commands/kernel/sysctl_-a"
echo "sos report started" > "$S/sos_logs/sos.log"
echo '{"version": "4.3"}' > "$S/sos_reports/manifest.json"
echo "sosreport: 4.3" > "$S/version.txt"
ln -s sos_commands/memory/free_-m "$S/free"
ln -s sos_commands/kernel/uname_-a "$S/uname"
echo k8s-vm > "$S/etc/hostname"

run $FRAGSTAT snapshot --root "$S" -o json
is "$rc" 0 "snapshot --root SOSREPORT exits 0"
printf '%s\n' "$out" > "$TMP/sos.json"
$FRAGSTAT snapshot --root "$F" -o json > "$TMP/fix.json"
q() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
is "$(q "$TMP/sos.json" 'd["source"]["kernel"]')" 5.4.0-99-generic "kernel release from proc/sys/kernel/osrelease"
is "$(q "$TMP/sos.json" 'd["settings"]["extfrag_threshold"]')" 400 "extfrag_threshold read from proc/sys/vm"
is "$(q "$TMP/sos.json" 'd["settings"]["min_free_kbytes"]')" 67584 "min_free_kbytes read from proc/sys/vm"
is "$(q "$TMP/sos.json" 'd["sources"]["extfrag_index"], d["sources"]["pagetypeinfo"], d["sources"]["meminfo"]')" \
	"('missing', 'ok', 'missing')" "no debugfs in a sosreport: missing, not an error"
zones='[(n["node"], z["zone"], z["free_blocks"], z["unusable_index"], z["fragmentation_index"]) for n in d["nodes"] for z in n["zones"]]'
is "$(q "$TMP/sos.json" "$zones")" "$(q "$TMP/fix.json" "$zones")" "same zones, blocks and indices as the capture it came from"
# Free blocks equal the sosreport's own buddyinfo (Normal, order 0 and 10).
want=$(awk '$4 == "Normal" { print $5, $15 }' "$S/proc/buddyinfo")
is "$(q "$TMP/sos.json" '" ".join(str(z["free_blocks"][k]) for n in d["nodes"] for z in n["zones"] if z["zone"] == "Normal" for k in (0, 10))')" \
	"$want" "Normal order 0 and 10 from the sosreport's buddyinfo ($want)"
run $FRAGSTAT snapshot --root "$S"
is "$rc" 0 "table from a sosreport"
if command -v promtool > /dev/null 2>&1; then
	$FRAGSTAT snapshot --root "$S" -o prometheus > "$TMP/sos.prom"
	run promtool check metrics < "$TMP/sos.prom"
	is "$rc:$out$err" "0:" "prometheus from a sosreport passes promtool"
	ok "fragstat_info carries the kernel" -- grep -q '^fragstat_info{.*kernel="5.4.0-99-generic"' "$TMP/sos.prom"
else
	skip "promtool not installed (Debian package prometheus): sosreport metrics not checked"
fi
run $FRAGSTAT diff -o json "$F" "$S"
is "$rc" 0 "diff capture sosreport: exit 0"
printf '%s\n' "$out" > "$TMP/d.json"
is "$(q "$TMP/d.json" 'sum(abs(x) for z in d["zones"] for x in z["free_blocks"]["delta"])')" 0 "diff: no block changed"
run $FRAGSTAT capture --root "$S" "$TMP/cap"
is "$rc" 0 "capture from a sosreport"
same_file "$TMP/cap/proc/sys/kernel/osrelease" "$S/proc/sys/kernel/osrelease" "capture keeps osrelease"
ok "capture leaves sos's own files out" -- test ! -e "$TMP/cap/sos_commands"
done_testing
