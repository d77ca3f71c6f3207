#!/bin/sh
# Issue 11, the read side, replayed as an attacker would: links out of a
# --root tree, FIFOs in it, empty names, many unique names, endless or
# signalled replays. Each check fails on the build before the fix (c6af3fb).
. "${top_srcdir:-.}/tests/setup.sh"
command -v timeout >/dev/null 2>&1 || skip_all "no timeout(1)"
R=$FIX/real/x86_64-vm-6.18-idle
SECS=10
[ -n "${VALGRIND-}" ] && SECS=120

# guarded CMD...: run under a timeout so that a hang is a failure (rc 137).
guarded() { run timeout -s KILL $SECS "$@"; }
tree() { rm -rf "$TMP/$1"; cp -r "$R" "$TMP/$1"; echo "$TMP/$1"; }
has() { printf '%s\n' "$1" | grep -q -- "$2"; }
lacks() { ! printf '%s\n' "$1" | grep -q -- "$2"; }

# The "secret": a file outside every tree, that no output may show.
SECRET=$TMP/secret
printf 'SECRET-root:$6$hash:19000:0:99999:7:::\n' > "$SECRET"
chmod 0600 "$SECRET"

# ---- links out of the tree -------------------------------------------------
T=$(tree link-os)
mkdir -p "$T/proc/sys/kernel"
ln -s "$SECRET" "$T/proc/sys/kernel/osrelease"
for fmt in table json prometheus; do
	guarded $FRAGSTAT snapshot --root "$T" -o $fmt
	is "$rc" 2 "osrelease -> secret outside the tree ($fmt): exit 2"
	ok "osrelease -> secret ($fmt): the secret is not printed" -- lacks "$out$err" SECRET
	ok "osrelease -> secret ($fmt): refusal names the file" -- \
		has "$err" "^fragstat: $T/proc/sys/kernel/osrelease: refused: \(the path leaves the --root tree\|a symbolic link\)"
done
T=$(tree link-pti)
rm "$T/proc/pagetypeinfo"; ln -s "$SECRET" "$T/proc/pagetypeinfo"
guarded $FRAGSTAT snapshot --root "$T"
is "$rc" 2 "pagetypeinfo -> secret: exit 2"
ok "pagetypeinfo -> secret: no 16-byte quote of the secret" -- lacks "$out$err" SECRET
T=$(tree link-rel)
rm "$T/proc/vmstat"; ln -s ../../../../../../../../../../..$SECRET "$T/proc/vmstat"
guarded $FRAGSTAT snapshot --root "$T" -o json
is "$rc" 2 "relative ../ link out of the tree: exit 2"
ok "relative ../ link: refused" -- has "$err" "proc/vmstat: refused: \(the path leaves\|a symbolic link\)"
T=$(tree link-dir)
mv "$T/proc" "$TMP/outside-proc"; ln -s "$TMP/outside-proc" "$T/proc"
guarded $FRAGSTAT snapshot --root "$T"
is "$rc" 2 "proc -> a directory outside the tree: exit 2"
# A link inside the tree that stays inside is followed (openat2) or refused
# (kernels before 5.6); this machine has openat2 when its kernel is >= 5.6.
T=$(tree link-in)
mv "$T/proc/vmstat" "$T/vmstat.real"; ln -s ../vmstat.real "$T/proc/vmstat"
guarded $FRAGSTAT snapshot --root "$T" -o json
case ${FRAGSTAT_NO_OPENAT2:+walk}$(uname -r) in
walk*|[0-4].*|5.[0-5].*) is "$rc" 2 "a link that stays inside the tree: refused without openat2" ;;
*) is "$rc" 0 "a link that stays inside the tree: followed"
   ok "the linked vmstat was read" -- has "$out" '"vmstat": "ok"' ;;
esac
# The tree itself may be a link (the user named it).
ln -s "$R" "$TMP/tree-link"
guarded $FRAGSTAT snapshot --root "$TMP/tree-link" -o json
is "$rc" 0 "--root given as a link to a tree: read"
# capture copies the tree: the secret must not reach the copy.
T=$(tree link-cap)
mkdir -p "$T/proc/sys/kernel"; ln -s "$SECRET" "$T/proc/sys/kernel/osrelease"
rm -rf "$TMP/cap"
guarded $FRAGSTAT capture --root "$T" "$TMP/cap"
ok "capture --root with a link out: the secret is in no copied file" -- sh -c '! grep -rq SECRET "$1" 2>/dev/null' _ "$TMP/cap"
ok "capture --root with a link out: not silently successful" -- test "$rc" -ne 0 -o ! -e "$TMP/cap/proc/sys/kernel/osrelease"

# The O_NOFOLLOW walk (kernels without openat2), forced: every link below
# the root is refused, inside or out; a plain tree reads as before.
guarded env FRAGSTAT_NO_OPENAT2=1 $FRAGSTAT snapshot --root "$R" -o json
is "$rc" 0 "walk: a plain tree reads"
printf '%s\n' "$out" > "$TMP/walk.json"
guarded $FRAGSTAT snapshot --root "$R" -o json
ok "walk: same report as with openat2" -- sh -c 'printf "%s\n" "$1" | cmp -s - "$2"' _ "$out" "$TMP/walk.json"
T=$(tree walk-out)
mkdir -p "$T/proc/sys/kernel"; ln -s "$SECRET" "$T/proc/sys/kernel/osrelease"
guarded env FRAGSTAT_NO_OPENAT2=1 $FRAGSTAT snapshot --root "$T"
is "$rc" 2 "walk: a link out of the tree refused"
ok "walk: the secret is not printed" -- lacks "$out$err" SECRET
T=$(tree walk-in)
mv "$T/proc/vmstat" "$T/vmstat.real"; ln -s ../vmstat.real "$T/proc/vmstat"
guarded env FRAGSTAT_NO_OPENAT2=1 $FRAGSTAT snapshot --root "$T"
is "$rc" 2 "walk: a link inside the tree refused too (documented)"
ok "walk: says it is a link" -- has "$err" "proc/vmstat: refused: a symbolic link"
T=$(tree walk-dir)
mv "$T/proc" "$T/realproc"; ln -s realproc "$T/proc"
guarded env FRAGSTAT_NO_OPENAT2=1 $FRAGSTAT snapshot --root "$T"
is "$rc" 2 "walk: a linked directory component refused"
T=$(tree walk-fifo)
rm "$T/proc/zoneinfo"; mkfifo "$T/proc/zoneinfo"
guarded env FRAGSTAT_NO_OPENAT2=1 $FRAGSTAT snapshot --root "$T"
is "$rc" 2 "walk: a FIFO refused without blocking"

# ---- FIFOs in the tree: refused at once, every command --------------------
for f in proc/buddyinfo proc/zoneinfo proc/meminfo proc/sys/vm/min_free_kbytes sys/kernel/debug/extfrag/extfrag_index; do
	T=$(tree fifo)
	mkdir -p "$T/$(dirname $f)"; rm -f "$T/$f"; mkfifo "$T/$f"
	guarded $FRAGSTAT snapshot --root "$T"
	is "$rc" 2 "FIFO $f: snapshot exit 2 (no hang)"
	is "$err" "fragstat: $T/$f: refused: a FIFO, not a regular file" "FIFO $f: clear message"
done
T=$(tree fifo)
rm "$T/proc/vmstat"; mkfifo "$T/proc/vmstat"
guarded $FRAGSTAT diff "$R" "$T"
is "$rc" 2 "FIFO in a diff side: exit 2 (no hang)"
guarded $FRAGSTAT watch --root "$T" -n 2 -i 0.1
is "$rc" 2 "FIFO in watch --root: exit 2 (no hang)"
guarded $FRAGSTAT simulate --from "$T" --ops 10
is "$rc" 2 "FIFO in simulate --from: exit 2 (no hang)"
rm -rf "$TMP/cap"
guarded $FRAGSTAT capture --root "$T" "$TMP/cap"
ok "FIFO in capture --root: no hang ($rc)" -- test "$rc" -ne 137
T=$(tree fifo-note)
rm -f "$T/fragstat-capture.txt"; mkfifo "$T/fragstat-capture.txt"
guarded $FRAGSTAT diff "$T" "$R"
ok "FIFO as a capture note in diff: no hang ($rc)" -- test "$rc" -ne 137
T=$(tree dev)
rm "$T/proc/meminfo"; ln -s /dev/zero "$T/proc/meminfo"
guarded $FRAGSTAT snapshot --root "$T"
is "$rc" 2 "meminfo -> /dev/zero: exit 2"

# ---- empty names ------------------------------------------------------------
guarded $FRAGSTAT snapshot --root ""
is "$rc" 1 "snapshot --root '': usage error, not the live machine"
guarded $FRAGSTAT --root "" -o json
is "$rc" 1 "--root '' (no command): usage error"
guarded $FRAGSTAT watch --root "" -n 1 --json
is "$rc" 1 "watch --root '': usage error"
guarded $FRAGSTAT snapshot --input ""
is "$rc" 1 "snapshot --input '': usage error"
guarded $FRAGSTAT simulate --from "" --ops 1
is "$rc" 1 "simulate --from '': usage error"
guarded $FRAGSTAT capture --root "" "$TMP/cap-empty"
is "$rc" 1 "capture --root '': usage error"
ok "capture --root '': nothing written" -- test ! -e "$TMP/cap-empty"

# ---- many unique names: linear time -----------------------------------------
T=$(tree many)
awk 'BEGIN { for (i = 0; i < 200000; i++) printf "counter_%d %d\n", i, i }' > "$T/proc/vmstat"
awk 'BEGIN { for (i = 0; i < 200000; i++) printf "Key%d:  %d kB\n", i, i }' > "$T/proc/meminfo"
CPU=20
[ -n "${VALGRIND-}" ] && CPU=600
run sh -c "ulimit -t $CPU; exec \"\$@\"" _ $FRAGSTAT snapshot --root "$T" -o json
is "$rc" 0 "200000 unique vmstat and meminfo names parse within ${CPU} s of CPU"

# ---- watch --replay: bounded, streamed, signals -----------------------------
run sh -c 'timeout -s KILL 20 "$@" </dev/null' _ $FRAGSTAT watch --replay /dev/zero --json
is "$rc" 2 "watch --replay /dev/zero: exit 2 (bounded, not killed)"
ok "watch --replay /dev/zero: says it is too large" -- has "$err" "/dev/zero: larger than 64 MiB"
$FRAGSTAT watch --root "$R" --json -n 6 -i 0.05 > "$TMP/rec.jsonl"
# Pretend the recording was made every 2 s: a paced replay would take 10 s.
IV=2
[ -n "${VALGRIND-}" ] && IV=30   # paced: 5 x IV seconds
sed "s/\"interval_s\": [0-9.e-]*/\"interval_s\": $IV/" "$TMP/rec.jsonl" > "$TMP/rec2.jsonl"
start=$(date +%s)
run timeout -s KILL $((10 * IV)) $FRAGSTAT watch --replay "$TMP/rec2.jsonl" --json -i $IV
end=$(date +%s)
is "$rc" 0 "watch --replay --json: exit 0"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 6 "watch --replay --json: every line"
ok "watch --replay --json -i $IV: written at once, not paced ($((end - start)) s < $((4 * IV)) s)" -- test $((end - start)) -lt $((4 * IV))
mkfifo "$TMP/rfifo"
timeout -s KILL 20 $FRAGSTAT_BIN watch --replay "$TMP/rfifo" --json >/dev/null 2>"$TMP/sig.err" &
pid=$!
sleep 0.5
kill -TERM $pid 2>/dev/null
wait $pid
is "$?" 143 "SIGTERM while a replay waits for its FIFO: exit 143 (128+15)"
(exec 3>"$TMP/rfifo"; head -c 100 "$TMP/rec.jsonl" >&3; sleep 3) &
feeder=$!
timeout -s KILL 20 $FRAGSTAT_BIN watch --replay "$TMP/rfifo" --json >/dev/null 2>"$TMP/sig.err" &
pid=$!
sleep 1
kill -TERM $pid 2>/dev/null
wait $pid
is "$?" 143 "SIGTERM while a replay is being read: exit 143"
ok "SIGTERM during the load: no \"Input/output error\"" -- lacks "$(cat "$TMP/sig.err")" "Input/output error"
kill $feeder 2>/dev/null; wait $feeder 2>/dev/null

# ---- control bytes from input never reach a terminal raw --------------------
J=$TMP/base.json
$FRAGSTAT snapshot --root "$R" -o json > "$J"
# mutate PYEXPR: a copy of $J changed by a Python statement on d.
mutate() {
	python3 - "$J" "$TMP/m.json" "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"))
PY
}
ESC=$(printf '\033')
for case in \
	'd["nodes"][0]["zones"][0]["zone"] = "Nor\u001b[2Jmal"' \
	'd["nodes"][0]["zones"][0]["zone"] = "Normal\nNode 9"' \
	'd["migratetypes"][0] = "Unmov\u001b]0;pwned\u0007able"' \
	'd["source"]["kernel"] = "6.1\u001b[31m-evil"' \
	'd["source"]["kernel"] = "6.1\nfake line"' \
	'd["vmstat"]["comp\u001bact"] = 1' \
	'z = d["nodes"][0]["zones"][0]; z["free_blocks_by_type"]["Mov\u0007"] = z["free_blocks"]'; do
	mutate "$case"
	for fmt in table prometheus; do
		guarded $FRAGSTAT snapshot --input "$TMP/m.json" -o $fmt
		is "$rc" 2 "JSON input with a control byte ($case, $fmt): refused, exit 2"
		ok "... no raw ESC or BEL on the terminal" -- sh -c '! printf "%s" "$1" | grep -q "[$(printf "\033\007")]"' _ "$out$err"
	done
done
# A parse error quoting the input ("near '...'"): the control byte escaped.
printf '{"schema_version": 1, \033[2J\007 }' > "$TMP/esc.json"
guarded $FRAGSTAT snapshot --input "$TMP/esc.json"
is "$rc" 2 "JSON with a raw escape sequence: exit 2"
ok "... the message quotes it as \\x1b, not raw" -- sh -c 'printf "%s" "$1" | grep -q "x1b" && ! printf "%s" "$1" | grep -q "$(printf "\033")"' _ "$err"
# A path with a newline and an escape sequence: escaped wherever it is shown.
NL='
'
T="$TMP/evil${NL}fragstat: injected${ESC}[2J"
cp -r "$R" "$T"
guarded $FRAGSTAT snapshot --root "$T"
is "$rc" 0 "--root path with a newline and ESC: read"
ok "... the table shows it escaped (\\x0a, \\x1b)" -- has "$out" 'evil\\x0afragstat: injected\\x1b\[2J'
ok "... no line of the output starts with the injected text" -- lacks "$out" '^fragstat: injected'
ok "... no raw ESC" -- sh -c '! printf "%s" "$1" | grep -q "$(printf "\033")"' _ "$out"
rm -rf "$TMP/capnl"
guarded $FRAGSTAT capture --root "$T" "$TMP/capnl"
is "$rc" 0 "capture --root from that path: exit 0"
ok "... the note has no injected line" -- sh -c '! grep -q "^fragstat: injected" "$1/fragstat-capture.txt"' _ "$TMP/capnl"
ok "... the note's source line is escaped" -- grep -q '^source: .*evil\\x0afragstat' "$TMP/capnl/fragstat-capture.txt"
printf 'evil\n' > "$T/proc/zoneinfo"
guarded $FRAGSTAT snapshot --root "$T" -o json
ok "... a warning naming that path is escaped too" -- sh -c '! printf "%s" "$1" | grep -q "^fragstat: injected"' _ "$err"
# The release file of a tree with control bytes: not a release.
T=$(tree osrel)
mkdir -p "$T/proc/sys/kernel"
printf '6.1\033[31m-x\n' > "$T/proc/sys/kernel/osrelease"
guarded $FRAGSTAT snapshot --root "$T" -o prometheus
is "$rc" 0 "osrelease with an escape sequence: read"
ok "... not used as the kernel label (no ESC in the output)" -- sh -c '! printf "%s" "$1" | grep -q "$(printf "\033")"' _ "$out"
ok "... the kernel is unknown" -- has "$out" 'kernel="unknown"'

# ---- 64-bit values -----------------------------------------------------------
T=$(tree u64)
sed -i 's/^compact_stall .*/compact_stall 18446744073709551615/; s/^compact_fail .*/compact_fail 18446604437880297808/; s/^compact_success .*/compact_success 9223372036854775808/' "$T/proc/vmstat"
guarded $FRAGSTAT snapshot --root "$T" -o json
is "$rc" 0 "vmstat counters above INT64_MAX: read"
printf '%s\n' "$out" > "$TMP/u64.json"
is "$(python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))["vmstat"]; print(v["compact_stall"], v["compact_fail"], v["compact_success"])' "$TMP/u64.json")" \
	"18446744073709551615 18446604437880297808 9223372036854775808" "JSON holds the exact integers (not 9223372036854775807)"
guarded $FRAGSTAT snapshot --input "$TMP/u64.json" -o json
is "$rc" 0 "the JSON with them reads back"
printf '%s\n' "$out" > "$TMP/u64b.json"
is "$(python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))["vmstat"]; print(v["compact_stall"], v["compact_fail"])' "$TMP/u64b.json")" \
	"18446744073709551615 18446604437880297808" "round trip: exact"
guarded $FRAGSTAT snapshot --input "$TMP/u64.json" -o prometheus
ok "prometheus: the exact value" -- has "$out" 'compact_stall.* 18446744073709551615$'
sed 's/18446744073709551615/18446744073709551616/' "$TMP/u64.json" > "$TMP/u65.json"
guarded $FRAGSTAT snapshot --input "$TMP/u65.json"
is "$rc" 2 "2^64 in JSON input: refused"
ok "... with line and column" -- has "$err" 'u65.json:[0-9]*:[0-9]*: '
T=$(tree big63)
printf 'Node 0, zone   Normal 9223372036854775808 9223372036854775808 0 0 0 0 0 0 0 0 0\n' > "$T/proc/buddyinfo"
guarded $FRAGSTAT snapshot --root "$T" --no-kernel-check
is "$rc" 2 "two free counts of 2^63 (they summed to 0 pages): refused"
ok "... at file:line:col" -- has "$err" "proc/buddyinfo:1:23: "
lacks_zero() { ! printf '%s\n' "$1" | grep -q ': 0 free pages'; }
ok "... and never reported as 0 free pages" -- lacks_zero "$out"

# ---- one node id limit ---------------------------------------------------------
for id in 65535 65536 2147483647; do
	T=$(tree node$id)
	printf 'Node %s, zone   Normal      1      2      3      4      5      6      7      8      9     10     11 \n' $id > "$T/proc/buddyinfo"
	rm -f "$T/proc/zoneinfo" "$T/proc/pagetypeinfo"
	rm -rf "$T/sys"
	guarded $FRAGSTAT snapshot --root "$T" -o json
	if [ "$rc" = 0 ]; then
		printf '%s\n' "$out" > "$TMP/n.json"
		guarded $FRAGSTAT snapshot --input "$TMP/n.json" -o json
		is "$rc" 0 "node $id: read from the tree, and its JSON reads back"
	else
		is "$rc" 2 "node $id: refused by the tree reader as by JSON input"
	fi
done

# ---- simulate: the prefill stops; the timeline does not grow memory ---------
for args in "--memory 1M" "--memory 1G --min-free-kbytes 1000000"; do
	guarded $FRAGSTAT simulate $args --ops 10
	is "$rc" 1 "simulate $args: stops with exit 1 (no endless prefill)"
	ok "simulate $args: says the prefill cannot reach its target" -- has "$err" "the prefill cannot reach its target"
done
if [ -z "${VALGRIND-}" ] && sh -c 'ulimit -v 100000; exec "$@"' _ $FRAGSTAT --version >/dev/null 2>&1; then
	# 100000 samples: about 140 MB before (table), 6 MB now.
	run sh -c 'ulimit -v 100000; exec timeout -s KILL 120 "$@"' _ $FRAGSTAT simulate --ops 100000 --every 1
	is "$rc" 0 "simulate --ops 100000 --every 1 within 100 MB of address space"
	is "$(printf '%s\n' "$out" | grep -c '^ *[0-9][0-9]* Normal ')" 100002 "... and every sample is in the timeline"
else
	echo "# this build cannot run under ulimit -v (sanitizer or valgrind): timeline memory not checked"
fi

done_testing
