#!/bin/sh
# The live machine: snapshot works; as root with debugfs, the kernel
# cross-check agrees (fragstat's integers equal the kernel's debugfs files).
. "${top_srcdir:-.}/tests/setup.sh"
[ -r /proc/buddyinfo ] || skip_all "no readable /proc/buddyinfo"
unset FRAGSTAT_FAKE_TIME
run $FRAGSTAT snapshot -o json
is "$rc" 0 "live snapshot exits 0"
printf '%s' "$out" > "$TMP/live.json"
# pycheck DESC PROGRAM: PROGRAM (Python, the JSON document in d) exits 0.
pycheck() {
	if have python3; then
		ok "$1" -- python3 -c "import json, sys; d = json.load(open(sys.argv[1])); $2" "$TMP/live.json"
	else
		skip "python3 not installed: $1"
	fi
}
pycheck "live JSON parses and has nodes" 'sys.exit(0 if d["source"]["kind"]=="live" and d["nodes"] else 1)'
if [ "$(id -u)" -ne 0 ]; then
	pycheck "non-root: debugfs reported as not readable" 'sys.exit(0 if d["sources"]["extfrag_index"] in ("denied","missing") else 1)'
	done_testing; exit $?
fi
if [ ! -r /sys/kernel/debug/extfrag/extfrag_index ]; then
	mount -t debugfs none /sys/kernel/debug 2>/dev/null
fi
if [ ! -r /sys/kernel/debug/extfrag/extfrag_index ]; then
	echo "# debugfs extfrag files not available (no CONFIG_DEBUG_FS or COMPACTION)"
	done_testing; exit $?
fi
run $FRAGSTAT snapshot -o json
is "$rc" 0 "live snapshot with debugfs exits 0"
printf '%s' "$out" > "$TMP/live.json"
pycheck "cross-check compared values and agrees" '
k = d["kernel_check"]
print("# kernel_check:", k)
sys.exit(0 if k["available"] and k["compared"] > 0 and k["agree"] and k["stable"] else 1)'
# And --kernel-format equals the file when buddyinfo did not move meanwhile.
for i in 1 2 3 4 5 6 7 8 9 10; do
	cat /proc/buddyinfo > "$TMP/b1"
	cat /sys/kernel/debug/extfrag/extfrag_index > "$TMP/k"
	$FRAGSTAT snapshot --kernel-format extfrag_index > "$TMP/ours"
	cat /proc/buddyinfo > "$TMP/b2"
	cmp -s "$TMP/b1" "$TMP/b2" && break
done
if cmp -s "$TMP/b1" "$TMP/b2"; then
	same_file "$TMP/ours" "$TMP/k" "--kernel-format extfrag_index equals the live debugfs file"
fi
done_testing
