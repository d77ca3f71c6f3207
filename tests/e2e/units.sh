#!/bin/sh
# The systemd units that `make install` puts in the unit directory pass
# `systemd-analyze verify` without a word (unknown keys, bad values and a
# Documentation= man page that does not exist are all reported there); the
# man page they name is the one built here.
. "${top_srcdir:-.}/tests/setup.sh"
need systemd-analyze systemd
need man man-db
mkdir -p "$TMP/man/man1"
cp "$BUILD/man/fragstat.1" "$TMP/man/man1/fragstat.1"
# ExecStart names fragstat by its name (systemd looks it up in its PATH);
# verify checks that the command exists, so it is pointed at this build.
mkdir -p "$TMP/units"
sed "s|^ExecStart=fragstat |ExecStart=$FRAGSTAT |" "$SRC/data/fragstat-textfile.service" \
	> "$TMP/units/fragstat-textfile.service"
cp "$SRC/data/fragstat-textfile.timer" "$TMP/units/"
for u in fragstat-textfile.service fragstat-textfile.timer; do
	run env MANPATH="$TMP/man" systemd-analyze verify "$TMP/units/$u"
	is "$rc:$out$err" "0:" "systemd-analyze verify $u finds nothing"
done
# The check can fail: a unit with a misspelt setting is reported.
sed 's/^Type=oneshot$/Type=oneshoot/' "$SRC/data/fragstat-textfile.service" > "$TMP/fragstat-textfile.service"
run env MANPATH="$TMP/man" systemd-analyze verify "$TMP/fragstat-textfile.service"
ok "a misspelt Type= is reported" -- sh -c 'printf "%s" "$1" | grep -q "oneshoot"' _ "$out$err"
done_testing
