#!/bin/sh
# Without privileges the live report degrades as documented: a 0400
# /proc/pagetypeinfo is "denied", debugfs extfrag is "denied" or "missing",
# the report goes on (exit 0) and the table says what it could not read.
# Run as root, the test checks the same as user nobody (setpriv or su).
. "${top_srcdir:-.}/tests/setup.sh"
[ -r /proc/buddyinfo ] || skip_all "no readable /proc/buddyinfo"
unset FRAGSTAT_FAKE_TIME

AS=""
if [ "$(id -u)" -eq 0 ]; then
	if command -v setpriv >/dev/null 2>&1 &&
		setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
		AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
	else
		skip_all "running as root and cannot drop to nobody (no setpriv)"
	fi
	# nobody must reach the binary (a build below a 0700 home would not do).
	$AS $FRAGSTAT_BIN --version >/dev/null 2>&1 ||
		skip_all "user nobody cannot run $FRAGSTAT_BIN"
	echo "# root: running fragstat as nobody"
fi
uid=$($AS id -u)
ok "running unprivileged (uid $uid)" -- test "$uid" -ne 0

run $AS $FRAGSTAT snapshot -o json
is "$rc" 0 "unprivileged live snapshot: exit 0"
printf '%s\n' "$out" >"$TMP/live.json"
src() {
	sed -n "/^  \"sources\": {/,/^  }/s/^    \"$1\": \"\\([a-z]*\\)\".*/\\1/p" "$TMP/live.json"
}
is "$(src buddyinfo)" ok "sources.buddyinfo is ok"
if [ -e /proc/pagetypeinfo ] && ! $AS test -r /proc/pagetypeinfo; then
	is "$(src pagetypeinfo)" denied "sources.pagetypeinfo is \"denied\" ($(stat -c %a /proc/pagetypeinfo) root)"
else
	echo "# /proc/pagetypeinfo is readable here: the denied path is covered by cli.sh/errinject.sh"
fi
case $(src extfrag_index) in
denied|missing) ok "sources.extfrag_index is denied or missing ($(src extfrag_index))" -- true ;;
*) ok "sources.extfrag_index is denied or missing (got '$(src extfrag_index)')" -- false ;;
esac
ok "the kernel cross-check is unavailable" -- sh -c 'grep -A3 "\"kernel_check\"" "$1" | grep -q "\"available\": false"' _ "$TMP/live.json"

run $AS $FRAGSTAT snapshot
is "$rc" 0 "unprivileged live table: exit 0"
if [ -e /proc/pagetypeinfo ] && ! $AS test -r /proc/pagetypeinfo; then
	ok "the table says pagetypeinfo was denied" -- sh -c 'printf "%s\n" "$1" | grep -q "^not read:.* pagetypeinfo denied"' _ "$out"
fi
ok "the table names extfrag_index as not read" -- sh -c 'printf "%s\n" "$1" | grep -q "^not read:.* extfrag_index \(denied\|missing\)"' _ "$out"
done_testing
