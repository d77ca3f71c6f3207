#!/bin/sh
# write_safety.sh - every writer (capture, simulate --emit-root, watch
# --record, snapshot --output) against the attacks of issue 11: planted
# links, FIFOs, umask 000, bad names, non-empty targets, torn recordings,
# directories other users can write. Each victim is a 0600 file that must
# come out byte for byte and mode for mode as it went in.
. "$top_srcdir/tests/setup.sh"

R=$FIX/real/x86_64-vm-6.18-idle
B=$FIX/real/x86_64-hotsos-openstack-compute4-5.4.0-97
T=$TMP/w
mkdir -m 0755 "$T"

victim() {   # victim NAME: a fresh 0600 file holding "secret NAME"
	printf 'secret %s\n' "$1" >"$T/$1"
	chmod 0600 "$T/$1"
}
intact() {   # intact NAME DESC
	ok "$2: victim unchanged" -- test "$(cat "$T/$1")" = "secret $1"
	is "$(stat -c %a "$T/$1")" 600 "$2: victim still 0600"
}
says() {     # says TEXT DESC: stderr holds TEXT
	ok "$2" -- sh -c 'printf "%s" "$1" | grep -q -- "$2"' _ "$err" "$1"
}
mode() { stat -c %a "$1"; }
# run_to SECONDS CMD...: run, killed if it hangs (rc 124). Every run here
# is bounded: the old build hung on FIFOs.
run_to() {
	_s=$1; shift
	run timeout "$_s" "$@"
}

# --- capture --force through planted links ----------------------------------
victim v1
run_to 600 $FRAGSTAT capture --root "$R" "$T/cap"
is "$rc" 0 "capture into a new DIR"
rm -f "$T/cap/proc/buddyinfo" "$T/cap/fragstat-capture.txt"
ln -s "$T/v1" "$T/cap/proc/buddyinfo"
ln -s "$T/v1" "$T/cap/fragstat-capture.txt"
rm -rf "$T/cap/proc/sys/vm"
ln -s "$T" "$T/cap/proc/sys/vm"
run_to 600 $FRAGSTAT capture --force --root "$B" "$T/cap"
is "$rc" 0 "capture --force over planted links"
intact v1 "capture --force over planted links"
ok "capture --force: buddyinfo is a new regular file" -- test -f "$T/cap/proc/buddyinfo" -a ! -L "$T/cap/proc/buddyinfo"
same_file "$T/cap/proc/buddyinfo" "$B/proc/buddyinfo" "capture --force: the new buddyinfo"
ok "capture --force: the planted directory link is gone, nothing written through it" -- \
	test ! -L "$T/cap/proc/sys/vm" -a ! -e "$T/min_free_kbytes"
is "$(ls -A "$T" | grep -c fragstat-)" 0 "capture --force: no private tree left beside DIR"

# --- a FIFO in the capture DIR ------------------------------------------------
mkdir -p "$T/capf/proc"
mkfifo "$T/capf/proc/buddyinfo" "$T/capf/fragstat-capture.txt"
run_to 120 $FRAGSTAT capture --force --root "$R" "$T/capf"
is "$rc" 0 "capture --force over FIFOs finishes (no hang)"
ok "the FIFOs were replaced by files" -- test -f "$T/capf/proc/buddyinfo" -a -f "$T/capf/fragstat-capture.txt"
mkfifo "$T/fifo-dir"
run_to 120 $FRAGSTAT capture --root "$R" "$T/fifo-dir"
is "$rc" 1 "a FIFO as DIR: exit 1, no hang"

# --- --force keeps what fragstat did not write ------------------------------------
echo mine >"$T/cap/notes.txt"
run_to 600 $FRAGSTAT capture --force --root "$R" "$T/cap"
is "$rc" 1 "--force refuses a DIR holding files fragstat does not write"
says "notes.txt" "and names the file"
ok "that file is kept" -- test "$(cat "$T/cap/notes.txt")" = mine
rm "$T/cap/notes.txt"

# --- names that must never be written ---------------------------------------------
run_to 600 $FRAGSTAT capture --root "$R" ""
is "$rc" 1 "capture '': exit 1"
says "empty file name" "capture '': says the name is empty"
run_to 600 $FRAGSTAT capture --root "$R" /
is "$rc" 1 "capture /: exit 1"
# As root, run these as nobody, so that a regression cannot write the live /proc.
AS=
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
for d in "" / /proc/fragstat-emit /proc /sys/fragstat-emit /dev/fragstat-emit; do
	run_to 600 $AS $FRAGSTAT simulate --memory 64M --ops 100 --emit-root "$d" -o json
	is "$rc" 1 "simulate --emit-root '$d': exit 1"
	ok "simulate --emit-root '$d': refused before the run (no output)" -- test -z "$out"
	ok "simulate --emit-root '$d': says why" -- sh -c 'printf "%s" "$1" | grep -Eq "empty file name|to / itself|/proc, /sys or /dev"' _ "$err"
done
ok "nothing was created under /proc" -- test ! -e /proc/fragstat-emit
run_to 600 $AS $FRAGSTAT snapshot --root "$R" -o prometheus --output /proc/sys/vm/fragstat.prom
is "$rc" 1 "snapshot --output under /proc: exit 1"
run_to 600 $FRAGSTAT watch --root "$R" --json -n 1 --record ""
is "$rc" 1 "watch --record '': exit 1"

# --- --emit-root into a non-empty directory ------------------------------------------
mkdir -p "$T/fromcap"
run_to 600 $FRAGSTAT capture --root "$R" "$T/fromcap/c"
( cd "$T/fromcap/c" && find . -type f | sort | xargs cat ) >"$T/fromcap.before"
run_to 600 $FRAGSTAT simulate --from "$T/fromcap/c" --ops 100 --emit-root "$T/fromcap/c" -o json
is "$rc" 1 "--emit-root into the capture it came --from: exit 1"
says "not empty; use --force" "and says --force"
( cd "$T/fromcap/c" && find . -type f | sort | xargs cat ) >"$T/fromcap.after"
same_file "$T/fromcap.after" "$T/fromcap.before" "the capture is untouched"
run_to 600 $FRAGSTAT simulate --from "$T/fromcap/c" --ops 100 --emit-root "$T/fromcap/c" --force -o json
is "$rc" 0 "--emit-root --force replaces it"
ok "the capture note went with the old tree (the new one is the simulator's)" -- \
	sh -c '! grep -q "^buddyinfo_reads:" "$1" && grep -qx "source: simulated" "$1"' _ "$T/fromcap/c/fragstat-capture.txt"
run_to 600 $FRAGSTAT snapshot --root "$T/fromcap/c" -o json
is "$rc" 0 "the emitted tree reads back"
mkdir "$T/own"; echo x >"$T/own/keep"
run_to 600 $FRAGSTAT simulate --memory 64M --ops 100 --emit-root "$T/own" --force
is "$rc" 1 "--emit-root --force refuses a directory of other files"
ok "and keeps them" -- test -f "$T/own/keep"
run_to 600 $FRAGSTAT simulate --memory 64M --ops 100 --force
is "$rc" 1 "--force without --emit-root: usage error"

# --- umask 000 -------------------------------------------------------------------
(
	umask 000
	timeout 600 $FRAGSTAT capture --root "$R" "$T/u-cap" 2>/dev/null
	timeout 600 $FRAGSTAT simulate --memory 64M --ops 100 --emit-root "$T/u-emit" >/dev/null 2>&1
	timeout 600 $FRAGSTAT watch --root "$R" --json -n 1 --record "$T/u-rec" >/dev/null 2>&1
	timeout 600 $FRAGSTAT snapshot --root "$R" -o prometheus --output "$T/u.prom" 2>/dev/null
)
for f in u-cap/proc/buddyinfo u-cap/fragstat-capture.txt u-emit/proc/buddyinfo \
	u-emit/proc/sys/vm/min_free_kbytes u-rec u.prom; do
	is "$(mode "$T/$f" 2>&1)" 644 "umask 000: $f is 0644"
done
for f in u-cap u-cap/proc u-cap/proc/sys/vm u-emit u-emit/proc; do
	is "$(mode "$T/$f" 2>&1)" 755 "umask 000: $f/ is 0755"
done
(
	umask 077
	timeout 600 $FRAGSTAT snapshot --root "$R" -o prometheus --output "$T/u77.prom" 2>/dev/null
)
is "$(mode "$T/u77.prom")" 644 "umask 077: the textfile is still 0644 (node_exporter reads it)"

# --- --record through a link, into a FIFO, torn last line -------------------------
victim v2
ln -s "$T/v2" "$T/rec-link"
run_to 600 $FRAGSTAT watch --root "$R" --json -n 1 --record "$T/rec-link"
is "$rc" 3 "--record LINK: exit 3"
says "symbolic link" "--record LINK: says it is a link"
intact v2 "--record LINK"
mkfifo "$T/rec-fifo"
run_to 120 $FRAGSTAT watch --root "$R" --json -n 1 --record "$T/rec-fifo"
is "$rc" 3 "--record FIFO: exit 3, no hang"
timeout 600 $FRAGSTAT watch --root "$R" --json -n 1 --record "$T/rec" >/dev/null
head -c 100 "$T/rec" >>"$T/rec"      # a session killed mid-line
run_to 600 $FRAGSTAT watch --root "$R" --json -n 1 --record "$T/rec"
is "$rc" 0 "--record after a torn line: exit 0"
says "removed a torn last line (100 bytes)" "--record: says what it cut"
is "$(wc -l <"$T/rec" | tr -d ' ')" 2 "--record: two whole lines"
run_to 600 $FRAGSTAT watch --replay "$T/rec" --json
is "$rc" 0 "the repaired recording replays"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 2 "both sessions replay"

# --- snapshot --output ------------------------------------------------------------
victim v3
ln -s "$T/v3" "$T/link.prom"
run_to 600 $FRAGSTAT snapshot --root "$R" -o prometheus --output "$T/link.prom"
is "$rc" 3 "--output LINK: exit 3"
intact v3 "--output LINK"
run_to 600 $FRAGSTAT snapshot --root "$R" -o prometheus --output "$T/m.prom"
is "$rc" 0 "--output: exit 0"
is "$out" "" "--output: nothing on stdout"
$FRAGSTAT snapshot --root "$R" -o prometheus >"$T/m.want"
same_file "$T/m.prom" "$T/m.want" "--output writes what stdout would"
: >"$T/.m.prom.fragstat-Stale1"
mkfifo "$T/.m.prom.fragstat-Fifo01"
run_to 120 $FRAGSTAT snapshot --root "$B" -o prometheus --output "$T/m.prom"
is "$rc" 0 "--output again, with stale temporaries"
ok "the stale temporary is removed" -- test ! -e "$T/.m.prom.fragstat-Stale1"
ok "a FIFO with a temporary's name is not (not ours to judge), and no hang" -- test -p "$T/.m.prom.fragstat-Fifo01"
run_to 600 $FRAGSTAT snapshot --root "$T/nonexistent" -o prometheus --output "$T/m.prom"
is "$rc" 2 "--output with an unreadable source: exit 2"
$FRAGSTAT snapshot --root "$B" -o prometheus >"$T/m.want"
same_file "$T/m.prom" "$T/m.want" "the old file stays when fragstat fails"

# --- directories another user can write -------------------------------------------
mkdir -m 0777 "$T/open"; chmod 0777 "$T/open"
for w in "capture --root $R $T/open/cap" "snapshot --root $R -o prometheus --output $T/open/m.prom" \
	"watch --root $R --json -n 1 --record $T/open/rec" \
	"simulate --memory 64M --ops 100 --emit-root $T/open/emit"; do
	run_to 600 $FRAGSTAT $w
	is "$rc" 3 "${w%% *} into a world-writable directory: exit 3"
	says "writable by others" "${w%% *}: says why"
done
is "$(ls -A "$T/open" | wc -l | tr -d ' ')" 0 "nothing was written there"
ln -s open "$T/to-open"
run_to 600 $FRAGSTAT snapshot --root "$R" -o prometheus --output "$T/to-open/m.prom"
is "$rc" 3 "--output through a link to that directory: exit 3"
if [ "$(id -u)" = 0 ]; then
	mkdir -m 0755 "$T/theirs"; chown 65534 "$T/theirs"
	run_to 600 $FRAGSTAT capture --root "$R" "$T/theirs/cap"
	is "$rc" 3 "as root, capture under a directory another user owns: exit 3"
	says "owned by uid 65534" "and names the owner"
	mkdir -m 0755 "$T/theirs-cap"; chown 65534 "$T/theirs-cap"
	run_to 600 $FRAGSTAT capture --root "$R" "$T/theirs-cap"
	is "$rc" 3 "as root, capture into an empty DIR another user owns: exit 3"
	ln -s "$T" "$T/theirs/up"; chown -h 65534 "$T/theirs/up"
	run_to 600 $FRAGSTAT snapshot --root "$R" -o prometheus --output "$T/theirs/up/x.prom"
	is "$rc" 3 "as root, a path through another user's directory: exit 3"
	ok "nothing written there" -- test ! -e "$T/x.prom"
	mkdir -m 1777 "$T/sticky"
	victim v4
	chmod 0711 "$TMP"     # let nobody reach the sticky directory
	if setpriv --reuid=65534 --regid=65534 --clear-groups ln "$T/v4" "$T/sticky/rec" 2>/dev/null; then
		run_to 600 $FRAGSTAT watch --root "$R" --json -n 1 --record "$T/sticky/rec"
		is "$rc" 3 "as root, --record to another user's hard link of root's file: exit 3"
		says "hard links" "and says why"
		intact v4 "--record to a planted hard link"
	else
		_tap_n=$((_tap_n + 1))
		echo "ok $_tap_n - planted hard link # SKIP fs.protected_hardlinks stops nobody from linking"
	fi
	chmod 0700 "$TMP"
	ln -s "$T" "$T/sticky/lnk"; chown -h 65534 "$T/sticky/lnk"
	run_to 600 $FRAGSTAT snapshot --root "$R" -o prometheus --output "$T/sticky/lnk/y.prom"
	is "$rc" 3 "as root, another user's link in a sticky directory is not followed"
	says "belongs to uid 65534" "and says whose it is"
fi

done_testing
