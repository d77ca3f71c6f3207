#!/bin/sh
# Command line contract: help, version, usage errors, exit statuses, output errors.
. "${top_srcdir:-.}/tests/setup.sh"
R=$FIX/real/x86_64-vm-6.18-idle
run $FRAGSTAT --help
is "$rc" 0 "--help exits 0"
ok "--help lists the commands" -- sh -c 'printf "%s" "$1" | grep -q "snapshot" && printf "%s" "$1" | grep -q "simulate"' _ "$out"
run $FRAGSTAT snapshot --help
is "$rc" 0 "snapshot --help exits 0"
for opt in --root --input --format --color --kernel-format --node --zone --order --no-kernel-check --page-size; do
	ok "snapshot --help documents $opt" -- sh -c 'printf "%s" "$1" | grep -q -- "$2"' _ "$out" "$opt"
	ok "man page documents $opt" -- grep -q -- "$(echo "$opt" | sed 's/-/\\\\-/g')" "$SRC/man/fragstat.1.in"
done
run $FRAGSTAT --version
is "$rc" 0 "--version exits 0"
ok "--version prints the version" -- sh -c 'printf "%s" "$1" | grep -q "^fragstat [0-9]"' _ "$out"
run $FRAGSTAT nosuchcommand
is "$rc" 1 "unknown command: exit 1"
ok "unknown command is named" -- sh -c 'printf "%s" "$1" | grep -q "unknown command .nosuchcommand."' _ "$err"
run $FRAGSTAT snapshot --bogus
is "$rc" 1 "unknown option: exit 1"
run $FRAGSTAT snapshot -o yaml --root "$R"
is "$rc" 1 "unknown format: exit 1"
run $FRAGSTAT snapshot --root "$R" --order 11
is "$rc" 1 "--order beyond the data: exit 1"
run $FRAGSTAT snapshot --root "$R" --input x.json
is "$rc" 1 "--root with --input: exit 1"
run $FRAGSTAT snapshot --root "$TMP/nonexistent"
is "$rc" 2 "missing buddyinfo: exit 2"
ok "missing buddyinfo names the file" -- sh -c 'printf "%s" "$1" | grep -q "nonexistent/proc/buddyinfo: No such file"' _ "$err"
# Without a command, snapshot runs.
run $FRAGSTAT --root "$R" -o json
is "$rc" 0 "default command is snapshot"
# Output errors are failures.
if [ -w /dev/full ]; then
	$FRAGSTAT --root "$R" > /dev/full 2>"$TMP/e"; rc=$?
	is "$rc" 3 "writing to /dev/full: exit 3"
	ok "/dev/full error is reported" -- grep -q "error writing output" "$TMP/e"
fi
# Optional sources missing: reported, report goes on.
mkdir -p "$TMP/only/proc"; cp "$R/proc/buddyinfo" "$TMP/only/proc/"
run $FRAGSTAT --root "$TMP/only" -o json
is "$rc" 0 "buddyinfo alone is enough"
ok "missing sources are marked missing" -- sh -c 'printf "%s" "$1" | grep -q "\"zoneinfo\": \"missing\""' _ "$out"
run $FRAGSTAT --root "$TMP/only"
ok "table names the sources it could not read" -- sh -c 'printf "%s" "$1" | grep -q "^not read: pagetypeinfo missing"' _ "$out"
# Denied sources (only meaningful when not root: root reads anything).
if [ "$(id -u)" -ne 0 ]; then
	cp -r "$R" "$TMP/denied"; chmod 000 "$TMP/denied/proc/pagetypeinfo"
	run $FRAGSTAT --root "$TMP/denied" -o json
	is "$rc" 0 "denied pagetypeinfo: report goes on"
	ok "denied pagetypeinfo is marked denied" -- sh -c 'printf "%s" "$1" | grep -q "\"pagetypeinfo\": \"denied\""' _ "$out"
fi
done_testing
