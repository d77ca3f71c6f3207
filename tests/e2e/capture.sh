#!/bin/sh
# fragstat capture: a capture of a tree holds the same bytes and gives the
# same snapshot; a non-empty DIR is refused unless --force; the note tells
# kernel, page size, time and what could not be read; a live capture gives
# the same zones and orders as a live snapshot taken at the same moment.
. "${top_srcdir:-.}/tests/setup.sh"
cd "$FIX/real"
# The path differs; so does how the page size is known (the copy's note
# records what the tree implied): page_size itself must be equal.
strip() { grep -v -e '"path":' -e '"page_size_source":'; }

n=0
for d in */; do
	d=${d%/}
	[ -f "$d/proc/buddyinfo" ] || continue
	n=$((n + 1))
	run $FRAGSTAT capture --root "$d" "$TMP/c-$d"
	is "$rc" 0 "$d: capture exits 0"
	# Byte for byte, every file fragstat reads that the tree has.
	same=yes
	for f in proc/buddyinfo proc/pagetypeinfo proc/zoneinfo proc/vmstat proc/meminfo \
		proc/sys/vm/extfrag_threshold proc/sys/vm/compaction_proactiveness \
		proc/sys/vm/watermark_scale_factor proc/sys/vm/min_free_kbytes \
		sys/kernel/debug/extfrag/extfrag_index sys/kernel/debug/extfrag/unusable_index; do
		if [ -f "$d/$f" ]; then
			cmp -s "$d/$f" "$TMP/c-$d/$f" || { same="$f differs"; break; }
		elif [ -e "$TMP/c-$d/$f" ]; then
			same="$f appeared"; break
		fi
	done
	is "$same" yes "$d: the capture holds the same files"
	$FRAGSTAT snapshot --root "$d" -o json | strip > "$TMP/want"
	$FRAGSTAT snapshot --root "$TMP/c-$d" -o json | strip > "$TMP/got"
	same_file "$TMP/got" "$TMP/want" "$d: snapshot of the capture = snapshot of the tree"
done
ok "captured $n trees" -- test "$n" -gt 20

d=x86_64-vm-6.18-idle
c=$TMP/c-$d
note=$c/fragstat-capture.txt
ok "note written" -- test -f "$note"
# The tree has no note of its own: the copy has no time either (not the
# time of copying, FRAGSTAT_FAKE_TIME here).
is "$(grep '^time:' "$note")" "time: unknown (the source tree does not say)" "note: a timeless tree gives no time"
is "$(grep -c '^timestamp_ns:' "$note")" 0 "note: no timestamp_ns for a timeless tree"
# A capture of a capture keeps the first one's time and page size.
mkdir -p "$TMP/noted/proc"
cp "$d/proc/buddyinfo" "$TMP/noted/proc/"
printf 'page_size: 65536\ntimestamp_ns: 1600000000123456789\n' > "$TMP/noted/fragstat-capture.txt"
run $FRAGSTAT capture --root "$TMP/noted" "$TMP/noted-c"
is "$(grep -e '^time:' -e '^timestamp_ns:' -e '^page_size:' "$TMP/noted-c/fragstat-capture.txt" | tr '\n' ' ')" \
	"page_size: 65536 time: 2020-09-13T12:26:40Z timestamp_ns: 1600000000123456789 " "capture of a capture: its time and page size kept"
run $FRAGSTAT snapshot --root "$TMP/noted-c" -o json
printf '%s\n' "$out" > "$TMP/noted.json"
is "$(python3 -c 'import json,sys; s = json.load(open(sys.argv[1]))["source"]; print(s["timestamp_ns"], s["page_size"], s["page_size_source"], s["page_size_assumed"])' "$TMP/noted.json")" \
	"1600000000123456789 65536 capture False" "snapshot of a capture: the note's time and page size"
# A note whose values do not parse gives no time and no page size, not a guess.
printf 'page_size: 3000\ntimestamp_ns: 17e17\n' > "$TMP/noted/fragstat-capture.txt"
run $FRAGSTAT snapshot --root "$TMP/noted" -o json
printf '%s\n' "$out" > "$TMP/bad-note.json"
is "$(python3 -c 'import json,sys; s = json.load(open(sys.argv[1]))["source"]; print(s["timestamp"], s["page_size_source"])' "$TMP/bad-note.json")" \
	"None assumed" "a note that does not parse: no time, page size not from it"
# The tree does not say its page size: MemTotal 24731708 kB over the
# 3840 + 772917 + 5406170 = 6182927 managed pages of zoneinfo is 4096 bytes.
is "$(grep '^page_size:' "$note")" "page_size: 4096" "note: page size inferred for a tree"
is "$(grep '^kernel:' "$note")" "kernel: unknown" "note: kernel unknown without osrelease"
# two sysctls, osrelease, and the seven decision-engine inputs the 2023 capture predates
is "$(grep -c '^not captured:' "$note")" 10 "note: ten files missing (two sysctls, seven engine inputs, osrelease)"
ok "note: says why" -- grep -q '^not captured: proc/sys/vm/watermark_scale_factor (No such file or directory)$' "$note"
ok "note: lists buddyinfo captured" -- grep -q '^captured: proc/buddyinfo$' "$note"
is "$(grep '^buddyinfo_stable:' "$note")" "buddyinfo_stable: yes" "note: buddyinfo agreed around debugfs"

# Refuse a non-empty directory, keep it as it was; --force writes.
ls -R "$c" > "$TMP/before"
cp "$c/proc/buddyinfo" "$TMP/buddy.before"
run $FRAGSTAT capture --root x86_64-hotsos-openstack-compute4-5.4.0-97 "$c"
is "$rc" 1 "non-empty DIR: exit 1"
ok "non-empty DIR: says --force" -- sh -c 'printf "%s" "$1" | grep -q -- "not empty; use --force"' _ "$err"
ls -R "$c" > "$TMP/after"
same_file "$TMP/after" "$TMP/before" "non-empty DIR: nothing added"
same_file "$c/proc/buddyinfo" "$TMP/buddy.before" "non-empty DIR: nothing replaced"
run $FRAGSTAT capture --force --root x86_64-hotsos-openstack-compute4-5.4.0-97 "$c"
is "$rc" 0 "--force: exit 0"
same_file "$c/proc/buddyinfo" x86_64-hotsos-openstack-compute4-5.4.0-97/proc/buddyinfo "--force: buddyinfo replaced"
ok "--force: a file the new source lacks is not left behind" -- test ! -e "$c/proc/pagetypeinfo"
ok "--force: nor debugfs" -- test ! -e "$c/sys/kernel/debug/extfrag/extfrag_index"
is "$(grep '^buddyinfo_stable:' "$c/fragstat-capture.txt")" "buddyinfo_stable: n/a (no debugfs)" "note: no debugfs"

# A kernel release in the tree goes into the note and the snapshot.
mkdir -p "$TMP/rel/proc/sys/kernel"
cp x86_64-hotsos-openstack-compute4-5.4.0-97/proc/buddyinfo "$TMP/rel/proc/"
echo 5.4.0-99-generic > "$TMP/rel/proc/sys/kernel/osrelease"
run $FRAGSTAT capture --root "$TMP/rel" "$TMP/rel-c"
is "$rc" 0 "tree with osrelease: exit 0"
is "$(grep '^kernel:' "$TMP/rel-c/fragstat-capture.txt")" "kernel: 5.4.0-99-generic" "note: kernel from osrelease"
is "$(grep '^page_size:' "$TMP/rel-c/fragstat-capture.txt")" "page_size: unknown" "note: page size unknown without zoneinfo and meminfo"
same_file "$TMP/rel-c/proc/sys/kernel/osrelease" "$TMP/rel/proc/sys/kernel/osrelease" "osrelease captured"

# No buddyinfo: exit 2, nothing written.
mkdir -p "$TMP/empty/proc"
run $FRAGSTAT capture --root "$TMP/empty" "$TMP/none"
is "$rc" 2 "no buddyinfo: exit 2"
ok "no buddyinfo: names the file" -- sh -c 'printf "%s" "$1" | grep -q "empty/proc/buddyinfo"' _ "$err"
ok "no buddyinfo: DIR not created" -- test ! -e "$TMP/none"
run $FRAGSTAT capture
is "$rc" 1 "no DIR: usage error"
echo x > "$TMP/file"
run $FRAGSTAT capture --root "$d" "$TMP/file"
is "$rc" 1 "DIR is a file: usage error"

# Live: the capture and a live snapshot taken at the same moment show the
# same nodes, zones and orders (the free counts may move in between).
if [ -r /proc/buddyinfo ]; then
	run $FRAGSTAT capture "$TMP/live"
	is "$rc" 0 "live capture: exit 0"
	is "$(grep '^time:' "$TMP/live/fragstat-capture.txt")" "time: 2023-11-14T22:13:20Z" \
		"live capture: note time is RFC 3339 (FRAGSTAT_FAKE_TIME 1700000000)"
	is "$(grep '^timestamp_ns:' "$TMP/live/fragstat-capture.txt")" "timestamp_ns: 1700000000000000000" \
		"live capture: note timestamp_ns"
	is "$(grep '^page_size:' "$TMP/live/fragstat-capture.txt")" "page_size: $(getconf PAGESIZE)" \
		"live capture: this machine's page size"
	$FRAGSTAT snapshot -o json > "$TMP/live.json"
	$FRAGSTAT snapshot --root "$TMP/live" -o json > "$TMP/cap.json"
	shape='import json, sys
d = json.load(open(sys.argv[1]))
print(d["source"]["orders"], [(n["node"], [z["zone"] for z in n["zones"]]) for n in d["nodes"]])'
	if have python3; then
		is "$(python3 -c "$shape" "$TMP/cap.json")" "$(python3 -c "$shape" "$TMP/live.json")" \
			"live capture: same orders, nodes and zones as a live snapshot"
	else
		skip "python3 not installed: live capture shape not compared"
	fi
	is "$(grep '^kernel:' "$TMP/live/fragstat-capture.txt")" "kernel: $(uname -r)" "live capture: kernel release"
	is "$(grep '^page_size:' "$TMP/live/fragstat-capture.txt")" "page_size: $(getconf PAGESIZE)" "live capture: page size"
	# Every source the live snapshot could read is in the capture.
	for src in buddyinfo:proc/buddyinfo zoneinfo:proc/zoneinfo vmstat:proc/vmstat \
		pagetypeinfo:proc/pagetypeinfo extfrag_index:sys/kernel/debug/extfrag/extfrag_index; do
		if ! have python3; then
			skip "python3 not installed: live capture of ${src#*:} not checked"; continue
		fi
		st=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["sources"][sys.argv[2]])' "$TMP/live.json" "${src%%:*}")
		if [ "$st" = ok ]; then
			ok "live capture: ${src#*:} captured" -- test -s "$TMP/live/${src#*:}"
		else
			ok "live capture: ${src#*:} ($st live) listed as not captured" -- \
				grep -q "^not captured: ${src#*:} " "$TMP/live/fragstat-capture.txt"
		fi
	done
else
	_tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP /proc/buddyinfo not readable here"
fi
done_testing
