#!/bin/sh
# --kernel-format reproduces the captured debugfs files: byte for byte in the
# current print format, the same values for captures of the old format.
. "${top_srcdir:-.}/tests/setup.sh"
cd "$FIX/real"
n=0
for d in */; do
	d=${d%/}
	[ -f "$d/proc/buddyinfo" ] || continue
	for f in extfrag_index unusable_index; do
		cap=$d/sys/kernel/debug/extfrag/$f
		[ -f "$cap" ] || continue
		n=$((n + 1))
		run $FRAGSTAT snapshot --root "$d" --kernel-format $f
		is "$rc" 0 "$d: --kernel-format $f exits 0"
		printf '%s\n' "$out" > "$TMP/ours"
		# Many published copies lost the kernel's trailing space: compare
		# with it stripped when the capture has none.
		if grep -q ' $' "$cap"; then cp "$cap" "$TMP/theirs"; else
			sed 's/ *$//' "$TMP/ours" > "$TMP/o2"; mv "$TMP/o2" "$TMP/ours"; cp "$cap" "$TMP/theirs"; fi
		if [ $f = extfrag_index ] && ! grep -q '  [0-9]\.' "$cap" && grep -q ' [0-9]\.[0-9]' "$cap"; then
			# old "%d.%03d" capture: the same values, spacing aside
			tr -s ' ' < "$TMP/ours" > "$TMP/o2"; tr -s ' ' < "$TMP/theirs" > "$TMP/t2"
			same_file "$TMP/o2" "$TMP/t2" "$d: $f values equal the old-format capture"
		else
			same_file "$TMP/ours" "$TMP/theirs" "$d: $f byte for byte"
		fi
	done
done
ok "captures with debugfs files were found ($n)" -- test "$n" -ge 7
# The JSON kernel_check agrees on the same captures.
for d in x86_64-vm-6.18-idle x86_64-fb-3.10-2node x86_64-hotsos-k8s-vm-5.4.0-99 x86_64-aa-2.6.34-thp-workstation-after-compact; do
	run $FRAGSTAT snapshot --root "$d" -o json
	ok "$d: kernel_check agrees" -- sh -c "printf '%s' \"\$1\" | python3 -c 'import json,sys; k=json.load(sys.stdin)[\"kernel_check\"]; sys.exit(0 if k[\"available\"] and k[\"agree\"] and k[\"compared\"] > 0 else 1)'" _ "$out"
done
done_testing
