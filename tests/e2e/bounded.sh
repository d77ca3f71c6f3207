#!/bin/sh
# Bounded resources: a huge or endless input gives a clear error (exit 2,
# the file named) with bounded memory (ulimit -v) and time (CPU seconds,
# ulimit -t; and a wall-clock backstop, timeout, for a run that waits
# instead of working), never an exhausted machine. The limit is on CPU, not
# on the clock, so a loaded machine (make -j, CI) does not fail the test. fragstat reads at most 16 MiB of a kernel file
# (FS_FILE_MAX) and 64 MiB of JSON on stdin.
. "${top_srcdir:-.}/tests/setup.sh"
command -v timeout >/dev/null 2>&1 || skip_all "no timeout(1)"
R=$FIX/real/x86_64-vm-6.18-idle
SECS=5
[ -n "${VALGRIND-}" ] && SECS=60
WALL=$((SECS * 12))
MEM=400000   # KiB of address space
# ASan and valgrind reserve far more address space than they use: there
# the time limit alone bounds the run.
LIMIT="ulimit -v $MEM;"
if [ -n "${VALGRIND-}" ] || ! sh -c "$LIMIT exec \"\$@\"" _ $FRAGSTAT --version >/dev/null 2>&1; then
	echo "# this build cannot run under ulimit -v $MEM (sanitizer or valgrind): time limit only"
	LIMIT=""
fi

# bounded CMD...: run CMD under the limits; sets $out $err $rc.
bounded() {
	run sh -c "$LIMIT ulimit -t $SECS; exec timeout -s KILL $WALL \"\$@\"" _ "$@"
}

# tree NAME: a --root tree with every file of $R; echoes its path.
tree() {
	rm -rf "$TMP/$1"; cp -r "$R" "$TMP/$1"; echo "$TMP/$1"
}

# ---- a 3 GiB sparse buddyinfo -------------------------------------------
T=$(tree sparse)
rm "$T/proc/buddyinfo"
if truncate -s 3G "$T/proc/buddyinfo" 2>/dev/null; then
	bounded $FRAGSTAT --root "$T"
	is "$rc" 2 "3 GiB sparse buddyinfo: exit 2 (not killed, not out of memory)"
	is "$err" "fragstat: $T/proc/buddyinfo: file larger than 16 MiB; not a kernel file" \
		"3 GiB sparse buddyinfo: clear message"
	is "$out" "" "3 GiB sparse buddyinfo: no report"
fi

# ---- /dev/zero as buddyinfo: a link out of the tree, refused -----------
T=$(tree zero)
ln -sf /dev/zero "$T/proc/buddyinfo"
bounded $FRAGSTAT --root "$T" -o json
is "$rc" 2 "/dev/zero as buddyinfo: exit 2"
# (openat2 says the path leaves the tree; the walk, used under valgrind,
# refuses every link.)
case $err in
"fragstat: $T/proc/buddyinfo: refused: the path leaves the --root tree"*|"fragstat: $T/proc/buddyinfo: refused: a symbolic link"*) e=refused ;;
*) e=$err ;;
esac
is "$e" refused "/dev/zero as buddyinfo: refused as a link out of the tree"

# ---- 200 MB of valid-looking rows, through a FIFO: refused at once -------
# (Before, the rows were read up to the 16 MiB bound; a FIFO in a tree is
# now refused without waiting for a writer, see readside.sh.)
T=$(tree rows)
rm "$T/proc/buddyinfo"; mkfifo "$T/proc/buddyinfo"
timeout 30 sh -c 'yes "Node 0, zone   Normal  38012  21034   9021   2310    410     33      2      0      0      0      0 " |
	head -c 200000000 >"$1"' _ "$T/proc/buddyinfo" 2>/dev/null &
writer=$!
bounded $FRAGSTAT --root "$T" --no-kernel-check
is "$rc" 2 "200 MB of buddyinfo rows in a FIFO: exit 2"
is "$err" "fragstat: $T/proc/buddyinfo: refused: a FIFO, not a regular file" \
	"200 MB of buddyinfo rows in a FIFO: refused as a FIFO"
kill $writer 2>/dev/null; wait

# ---- an endless line without a newline, through a FIFO -------------------
T=$(tree endless)
rm "$T/proc/zoneinfo"; mkfifo "$T/proc/zoneinfo"
timeout 30 sh -c 'yes x | tr -d "\n" >"$1"' _ "$T/proc/zoneinfo" 2>/dev/null &
writer=$!
bounded $FRAGSTAT --root "$T"
is "$rc" 2 "endless zoneinfo in a FIFO: exit 2 (refused, although optional)"
is "$err" "fragstat: $T/proc/zoneinfo: refused: a FIFO, not a regular file" \
	"endless zoneinfo in a FIFO: refused as a FIFO"
kill $writer 2>/dev/null; wait

# ---- 15 MiB of distinct rows: under the size bound, but too many nodes ---
T=$(tree nodes)
awk 'BEGIN { for (i = 0; i < 200000; i++) printf "Node %d, zone   Normal 1 2 3 4 5 6 7 8 9 10 11 \n", i }' \
	>"$T/proc/buddyinfo"
bounded $FRAGSTAT --root "$T" --no-kernel-check
is "$rc" 2 "200000 nodes in buddyinfo: exit 2"
ok "200000 nodes in buddyinfo: names buddyinfo:line:col" -- sh -c 'printf "%s" "$1" | grep -q "proc/buddyinfo:[0-9]*:[0-9]*: "' _ "$err"

# ---- JSON input: huge, endless, deep ---------------------------------------
if truncate -s 3G "$TMP/huge.json" 2>/dev/null; then
	bounded $FRAGSTAT --input "$TMP/huge.json"
	is "$rc" 2 "3 GiB --input: exit 2"
	ok "3 GiB --input: says it is too large" -- sh -c 'printf "%s" "$1" | grep -q "huge.json: larger than fragstat reads"' _ "$err"
fi
run sh -c "$LIMIT exec timeout -s KILL $SECS \"\$@\" </dev/zero" _ $FRAGSTAT --input -
is "$rc" 2 "--input - from /dev/zero: exit 2"
ok "--input - from /dev/zero: says it is too large" -- sh -c 'printf "%s" "$1" | grep -q "(stdin): larger than fragstat reads"' _ "$err"
awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "["; }' >"$TMP/deep.json"
bounded $FRAGSTAT --input "$TMP/deep.json"
is "$rc" 2 "1000000 nested arrays: exit 2"
ok "1000000 nested arrays: names the file" -- sh -c 'printf "%s" "$1" | grep -q "^fragstat: .*deep.json:"' _ "$err"
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "{\"nodes\":"; printf "1"; for (i = 0; i < 100000; i++) printf "}" }' >"$TMP/deepobj.json"
bounded $FRAGSTAT --input "$TMP/deepobj.json"
is "$rc" 2 "100000 nested objects: exit 2"
awk 'BEGIN { printf "{\"schema_version\": 1, \"nodes\": ["; for (i = 0; i < 300000; i++) printf "%s{\"node\": %d, \"zones\": []}", i ? "," : "", i; printf "]}" }' >"$TMP/wide.json"
bounded $FRAGSTAT --input "$TMP/wide.json"
ok "300000 nodes in JSON: exit 0 or 2, within the limits ($rc)" -- test "$rc" -eq 2 -o "$rc" -eq 0
done_testing
