#!/bin/sh
# README's two commands: ./quickstart installs what building and running
# need and no more (no test tools), tools/install-deps --test (what .ci/run
# uses) adds every optional tool the tests use. apt-get, dpkg-query and sudo
# are stand-ins here that record what would be installed; nothing is.
. "${top_srcdir:-.}/tests/setup.sh"
mkdir -p "$TMP/bin"
cat > "$TMP/bin/dpkg-query" <<'SH'
#!/bin/sh
exit 1
SH
cat > "$TMP/bin/apt-get" <<SH
#!/bin/sh
[ "\$1" = install ] && echo "\$@" >> "$TMP/installed"
exit 0
SH
cat > "$TMP/bin/sudo" <<'SH'
#!/bin/sh
exec "$@"
SH
chmod +x "$TMP/bin/dpkg-query" "$TMP/bin/apt-get" "$TMP/bin/sudo"
ok "quickstart installs through tools/install-deps without --test" -- \
	grep -qx 'tools/install-deps' "$SRC/quickstart"
ok "quickstart runs no other installer" -- sh -c '! grep -v "^#" "$1" | grep -q -- "--test\|apt-get\|pip"' _ "$SRC/quickstart"

# words FILE: the package names apt-get was given, one a line.
words() { tr ' ' '\n' < "$1" | grep -v '^-\|^install$\|^$' | sort -u; }
rm -f "$TMP/installed"
run env PATH="$TMP/bin:$PATH" sh "$SRC/tools/install-deps"
is "$rc" 0 "install-deps exits 0"
words "$TMP/installed" > "$TMP/build"
for p in build-essential autoconf automake pkg-config libjansson-dev libncurses-dev \
	libproc2-dev libtracefs-dev libtraceevent-dev; do
	ok "build deps include $p" -- grep -qx "$p" "$TMP/build"
done
for p in valgrind clang libfuzzer-14-dev prometheus prometheus-node-exporter tmux \
	python3 python3-jsonschema jq lintian; do
	ok "build deps leave out $p" -- sh -c '! grep -qx "$1" "$2"' _ "$p" "$TMP/build"
done

rm -f "$TMP/installed"
run env PATH="$TMP/bin:$PATH" sh "$SRC/tools/install-deps" --test
is "$rc" 0 "install-deps --test exits 0"
words "$TMP/installed" > "$TMP/test"
for p in $(cat "$TMP/build") valgrind clang libclang-rt-14-dev libfuzzer-14-dev prometheus \
	prometheus-node-exporter tmux python3 python3-jsonschema jq groff-base man-db systemd \
	dpkg-dev debhelper lintian; do
	ok "test deps include $p" -- grep -qx "$p" "$TMP/test"
done
run env PATH="$TMP/bin:$PATH" sh "$SRC/tools/install-deps" --tset
is "$rc" 1 "an unknown option is a usage error"
done_testing
