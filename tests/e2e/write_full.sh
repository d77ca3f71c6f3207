#!/bin/sh
# write_full.sh - writes that fail part way leave the old data as it was:
# capture --force, simulate --emit-root --force, snapshot --output and watch
# --record (cut back to its last whole line). Two ways to fail part way:
#  - a file size limit (ulimit -f, any user): write(2) stores what fits
#    below the limit, then fails with EFBIG;
#  - a full tmpfs (mount -t tmpfs -o size=64k, root only): ENOSPC.
. "$top_srcdir/tests/setup.sh"

SMALL=$FIX/real/arm32-pintu-2.6.29-2node-12orders-initial
R=$FIX/real/x86_64-vm-6.18-idle
F=$TMP/f
mkdir "$F"

skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1 # SKIP $2"; }
tree_sum() { ( cd "$1" && find . | sort && find . -type f | sort | xargs cat ) | cksum; }
# limited BLOCKS CMD...: run CMD with files limited to BLOCKS * 512 bytes
# (the unit of ulimit -f in POSIX sh); SIGXFSZ ignored so write(2) fails.
limited() {
	_b=$1; shift
	run sh -c 'trap "" XFSZ; ulimit -f "$0" && exec "$@"' "$_b" "$@"
}

# --- file size limit ---------------------------------------------------------
$FRAGSTAT capture --root "$SMALL" "$F/cap" 2>/dev/null
before=$(tree_sum "$F/cap")
limited 4 $FRAGSTAT capture --force --root "$R" "$F/cap"
is "$rc" 3 "ulimit: capture --force that cannot write zoneinfo: exit 3"
ok "ulimit: says which file" -- sh -c 'printf "%s" "$1" | grep -q "File too large"' _ "$err"
is "$(tree_sum "$F/cap")" "$before" "ulimit: the old capture is intact, not a mix"
is "$(ls -A "$F" | grep -c fragstat-)" 0 "ulimit: no private tree left beside it"

$FRAGSTAT simulate --memory 64M --ops 100 --emit-root "$F/emit" >/dev/null 2>&1
before=$(tree_sum "$F/emit")
limited 1 $FRAGSTAT simulate --memory 256M --ops 100 --emit-root "$F/emit" --force
is "$rc" 3 "ulimit: --emit-root --force that cannot finish: exit 3"
is "$(tree_sum "$F/emit")" "$before" "ulimit: the old tree is intact"

$FRAGSTAT snapshot --root "$SMALL" -o prometheus --output "$F/m.prom"
cp "$F/m.prom" "$F/m.before"
limited 4 $FRAGSTAT snapshot --root "$R" -o prometheus --output "$F/m.prom"
is "$rc" 3 "ulimit: --output that cannot be written: exit 3"
same_file "$F/m.prom" "$F/m.before" "ulimit: the old textfile stays"
is "$(ls -A "$F" | grep -c 'm.prom.fragstat-')" 0 "ulimit: no temporary left"

$FRAGSTAT watch --root "$R" --json -n 1 --record "$F/rec" >/dev/null
cp "$F/rec" "$F/rec.before"
blocks=$(( $(wc -c <"$F/rec") / 512 + 4 ))
limited "$blocks" $FRAGSTAT watch --root "$R" --json -n 1 --record "$F/rec"
is "$rc" 3 "ulimit: --record that fails part way: exit 3"
ok "ulimit: the file did grow past the old end while writing (the failure was part way)" -- \
	test "$blocks" -gt $(( $(wc -c <"$F/rec.before") / 512 ))
same_file "$F/rec" "$F/rec.before" "ulimit: the recording is cut back to its last whole line"
run $FRAGSTAT watch --root "$R" --json -n 1 --record "$F/rec"
is "$rc" 0 "the next session appends"
run $FRAGSTAT watch --replay "$F/rec" --json
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 2 "and the recording replays both sessions"

# --- a full tmpfs --------------------------------------------------------------
if [ "$(id -u)" != 0 ]; then
	skip "full tmpfs" "not root (mount -t tmpfs needs root)"
	done_testing
	exit
fi
M=$TMP/full
mkdir "$M"
if ! mount -t tmpfs -o size=64k,mode=0755 fragstat-test "$M" 2>/dev/null; then
	skip "full tmpfs" "mount -t tmpfs failed (no permission in this container)"
	done_testing
	exit
fi
trap 'umount "$M" 2>/dev/null; rm -rf "$TMP"' EXIT
# fill LEAVE: a filler file takes all but LEAVE bytes of the tmpfs.
fill() {
	rm -f "$M/filler"
	_a=$(df -B1 --output=avail "$M" | tail -1 | tr -d ' ')
	[ "$_a" -gt "$1" ] && head -c $((_a - $1)) /dev/zero >"$M/filler" 2>/dev/null
	:
}

$FRAGSTAT capture --root "$SMALL" "$M/cap" 2>/dev/null
before=$(tree_sum "$M/cap")
fill 8192
run $FRAGSTAT capture --force --root "$R" "$M/cap"
is "$rc" 3 "tmpfs: capture --force that does not fit: exit 3"
ok "tmpfs: says no space" -- sh -c 'printf "%s" "$1" | grep -q "No space left"' _ "$err"
is "$(tree_sum "$M/cap")" "$before" "tmpfs: the old capture is intact"
is "$(ls -A "$M" | grep -c fragstat-)" 0 "tmpfs: no private tree left"

run $FRAGSTAT simulate --memory 64M --ops 100 --emit-root "$M/emit" --force
is "$rc" 3 "tmpfs: --emit-root that does not fit: exit 3"
ok "tmpfs: no partial tree" -- test ! -e "$M/emit"
rm -rf "$M/cap" "$M/filler"

$FRAGSTAT snapshot --root "$SMALL" -o prometheus --output "$M/m.prom"
cp "$M/m.prom" "$TMP/m.before"
fill 8192
run $FRAGSTAT snapshot --root "$R" -o prometheus --output "$M/m.prom"
is "$rc" 3 "tmpfs: --output that does not fit: exit 3"
same_file "$M/m.prom" "$TMP/m.before" "tmpfs: the old textfile stays"
is "$(ls -A "$M" | grep -c 'm.prom.fragstat-')" 0 "tmpfs: no temporary left"
rm -f "$M/filler" "$M/m.prom"

$FRAGSTAT watch --root "$R" --json -n 1 --record "$M/rec" >/dev/null
cp "$M/rec" "$TMP/rec.before"
fill 8192
run $FRAGSTAT watch --root "$R" --json -n 1 --record "$M/rec"
is "$rc" 3 "tmpfs: --record on a full file system: exit 3"
same_file "$M/rec" "$TMP/rec.before" "tmpfs: the recording is cut back to its last whole line"

done_testing
