#!/bin/sh
# --kernel-format reproduces the captured debugfs files: byte for byte in the
# current print format, the same values for a capture in the old format.
# Only captures whose SOURCE says buddyinfo and the debugfs files describe
# the same instant can agree; for the others fragstat must report that the
# kernel's values differ.
. "${top_srcdir:-.}/tests/setup.sh"
cd "$FIX/real"

# compare CAPTURE FILE MODE: MODE bytes (current format) or values (old format)
compare() {
	d=$1 f=$2 mode=$3
	cap=$d/sys/kernel/debug/extfrag/$f
	run $FRAGSTAT snapshot --root "$d" --kernel-format $f
	is "$rc" 0 "$d: --kernel-format $f exits 0"
	printf '%s\n' "$out" > "$TMP/ours"
	cp "$cap" "$TMP/theirs"
	# Published copies that lost the kernel's trailing space: strip ours too.
	grep -q ' $' "$cap" || sed -i 's/ *$//' "$TMP/ours"
	if [ "$mode" = values ]; then
		tr -s ' ' < "$TMP/ours" > "$TMP/o2"; tr -s ' ' < "$TMP/theirs" > "$TMP/t2"
		same_file "$TMP/o2" "$TMP/t2" "$d: $f has the same values as the old-format capture"
	else
		same_file "$TMP/ours" "$TMP/theirs" "$d: $f byte for byte"
	fi
}

# Current format, captured at one instant (kernel 6.18).
compare x86_64-vm-6.18-idle extfrag_index bytes
compare x86_64-vm-6.18-idle unusable_index bytes
# 2.6.34: one "cat" of all three files; extfrag in the old "%d.%03d" format
# (unusable_index has one format in every era).
compare x86_64-aa-2.6.34-thp-workstation-after-compact extfrag_index values
compare x86_64-aa-2.6.34-thp-workstation-after-compact unusable_index bytes

kcheck() {
	run $FRAGSTAT snapshot --root "$1" -o json
	is "$rc" 0 "$1: json exits 0"
	printf '%s' "$out" > "$TMP/k.json"
	if ! have python3; then skip "python3 not installed: $1: kernel_check $2"; return; fi
	ok "$1: kernel_check $2" -- python3 -c '
import json, sys
k = json.load(open(sys.argv[1]))["kernel_check"]
want = sys.argv[2] == "agrees"
sys.exit(0 if k["available"] and k["compared"] > 0 and k["agree"] == want
         and (k["mismatches"] == 0) == want else 1)' "$TMP/k.json" "$2"
}
kcheck x86_64-vm-6.18-idle agrees
kcheck x86_64-aa-2.6.34-thp-workstation-after-compact agrees
# Captured one after the other (their SOURCE says so): the kernel's numbers
# describe a slightly different buddyinfo, and fragstat must say so.
kcheck x86_64-fb-3.10-2node disagrees
kcheck x86_64-hotsos-k8s-vm-5.4.0-99 disagrees
run $FRAGSTAT snapshot --root x86_64-hotsos-k8s-vm-5.4.0-99 --detail
ok "table flags the disagreement" -- sh -c 'printf "%s" "$1" | grep -q "kernel cross-check: DISAGREES"' _ "$out"
ok "table marks the differing orders" -- sh -c 'printf "%s" "$1" | grep -q "the kernel.s debugfs index differs"' _ "$out"
# One free block of order 8 and nothing else: the fragmentation index of
# orders 9 and 10 is -500 and -250 (1000 - (1000 + 256 * 1000 / 2^k) / 1).
# The kernel prints them with C division ("0.-500"); --kernel-format copies
# that, every table prints the sign in front ("-0.500").
mkdir -p "$TMP/neg/proc"
printf 'Node 0, zone   Normal      0      0      0      0      0      0      0      0      1      0      0 \n' \
	> "$TMP/neg/proc/buddyinfo"
run $FRAGSTAT snapshot --root "$TMP/neg" --kernel-format extfrag_index
is "$out" "Node 0, zone   Normal -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000  0.-500  0.-250 " \
	"--kernel-format: a negative index as the kernel prints it"
run $FRAGSTAT snapshot --root "$TMP/neg" --detail
ok "table: fragmentation index -0.500 in the diagnosis" -- sh -c 'printf "%s" "$1" | grep -q "fragmentation index -0.500 <= 0.500"' _ "$out"
ok "table: -0.500 in the zone row" -- sh -c 'printf "%s" "$1" | grep -q "^node 0 Normal .* -0.500 "' _ "$out"
ok "table: -0.250 at order 10" -- sh -c 'printf "%s" "$1" | grep -q "^  *10 .* 1.000 *-0.250"' _ "$out"
ok "table: never the kernel's 0.-500" -- sh -c '! printf "%s" "$1" | grep -q "0\.-"' _ "$out"
done_testing
