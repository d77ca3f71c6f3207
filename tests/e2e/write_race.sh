#!/bin/sh
# write_race.sh - a racing unprivileged user (tests/e2e/swap_race.py, inotify)
# swaps every name fragstat creates for a link to a root-owned 0600 file, as
# soon as it appears. Run as root: fragstat as root, the attacker as nobody.
#  A. The attacker owns the (empty) capture DIR or the textfile directory
#     (issue 11: DIR/fragstat-capture.txt planted when DIR/proc appears):
#     fragstat refuses to write there at all.
#  B. A shared sticky directory (like /tmp): the attacker races every
#     temporary and directory fragstat makes; nothing goes through a link.
. "$top_srcdir/tests/setup.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root (fragstat as root against an unprivileged attacker)"
command -v setpriv >/dev/null 2>&1 || skip_all "setpriv (util-linux) not installed"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
$AS "$PY" -c 'import ctypes; ctypes.CDLL(None).inotify_init1' 2>/dev/null ||
	skip_all "nobody cannot run python3 with ctypes"

R=$FIX/real/x86_64-vm-6.18-idle
# The race needs a place nobody can reach: $TMP is 0700.
A=$(mktemp -d /tmp/fragstat-race.XXXXXX)
chmod 0755 "$A"
ATT=
trap '[ -n "$ATT" ] && kill "$ATT" 2>/dev/null; rm -rf "$A" "$TMP"' EXIT
printf 'secret\n' >"$A/victim"
chmod 0600 "$A/victim"
RACE=$SRC/tests/e2e/swap_race.py

intact() {
	ok "$1: victim unchanged" -- test "$(cat "$A/victim")" = secret
	is "$(stat -c '%a %U' "$A/victim")" "600 root" "$1: victim still 0600 root"
}
# attack DIR SECONDS: start the attacker on DIR and wait until it watches.
attack() {
	: >"$A/att.log"
	$AS "$PY" "$RACE" "$1" "$A/victim" "$2" >"$A/att.log" 2>&1 &
	ATT=$!
	for _i in $(seq 100); do
		grep -q ready "$A/att.log" && return 0
		sleep 0.05
	done
	return 1
}
finish() {
	wait "$ATT" 2>/dev/null
	grep -c "^swapped" "$A/att.log" | sed "s|^|# attacker swaps that the kernel allowed: |"
	grep "^events" "$A/att.log" | sed "s|^|# attacker |"
	ATT=
}
finish_old() {
	wait "$ATT" 2>/dev/null
	ATT=
}

# --- A: the attacker owns DIR -------------------------------------------------
mkdir -m 0755 "$A/att"
chown 65534:65534 "$A/att"
$AS mkdir "$A/att/cap"
attack "$A/att" 3
for i in 1 2 3 4 5; do
	run $FRAGSTAT capture --root "$R" "$A/att/cap"
	is "$rc" 3 "A$i: capture into a DIR nobody owns: exit 3 (refused)"
	run $FRAGSTAT snapshot --root "$R" -o prometheus --output "$A/att/fragstat.prom"
	is "$rc" 3 "A$i: --output into a directory nobody owns: exit 3 (refused)"
done
ok "A: the refusal names the owner" -- sh -c 'printf "%s" "$1" | grep -q "owned by uid 65534"' _ "$err"
finish
intact A
ok "A: nothing of root's in nobody's directory" -- sh -c '! find "$1" -user root | grep -q .' _ "$A/att"

# --- B: a shared sticky directory ----------------------------------------------
mkdir -m 1777 "$A/shared"
attack "$A/shared" 8
n=0
bad=0
refused=0
for i in 1 2 3 4 5 6 7 8; do
	run timeout 600 $FRAGSTAT capture --root "$R" "$A/shared/cap$i"
	[ "$rc" = 0 ] || bad=$((bad + 1))
	run timeout 600 $FRAGSTAT simulate --memory 64M --ops 200 --emit-root "$A/shared/emit$i"
	[ "$rc" = 0 ] || bad=$((bad + 1))
	n=$((n + 2))
	# The attacker may plant a link at the textfile's name first: fragstat
	# then refuses (a denial of service nobody can prevent in a shared
	# directory), and otherwise replaces whatever it finds there.
	run timeout 600 $FRAGSTAT snapshot --root "$R" -o prometheus --output "$A/shared/fragstat.prom"
	if [ "$rc" = 3 ] && printf '%s' "$err" | grep -q "symbolic link"; then
		refused=$((refused + 1))
	elif [ "$rc" != 0 ]; then
		bad=$((bad + 1))
	fi
done
finish
is "$bad" 0 "B: all $n captures and --emit-root trees written despite the attacker, --output written or refused"
echo "# --output refused $refused times of 8 (a link planted at its name)"
ok "B: the attacker saw fragstat's names appear (the race ran)" -- \
	sh -c 'grep "^events" "$1" | awk "{ exit !(\$2 > 0) }"' _ "$A/att.log"
intact B
rm -f "$A/shared/fragstat.prom"
run $FRAGSTAT snapshot --root "$R" -o prometheus --output "$A/shared/fragstat.prom"
is "$rc" 0 "B: --output once the link is gone"
ok "B: the textfile is a regular file of root's" -- test -f "$A/shared/fragstat.prom" -a ! -L "$A/shared/fragstat.prom"
$FRAGSTAT snapshot --root "$R" -o prometheus >"$TMP/want.prom"
same_file "$A/shared/fragstat.prom" "$TMP/want.prom" "B: the textfile holds the metrics"
for i in 1 8; do
	ok "B: cap$i/fragstat-capture.txt is fragstat's file, not a link" -- \
		test -f "$A/shared/cap$i/fragstat-capture.txt" -a ! -L "$A/shared/cap$i/fragstat-capture.txt"
done
is "$(find "$A/shared" -path "$A/shared/cap*" -user 65534 | wc -l | tr -d ' ')" 0 \
	"B: nothing of the attacker's inside the captures"
is "$(find "$A/shared" -maxdepth 1 -name '.*fragstat-*' | wc -l | tr -d ' ')" 0 "B: no temporary left"

done_testing
