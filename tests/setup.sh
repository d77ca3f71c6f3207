# tests/setup.sh - sourced by every shell test. Emits TAP.
#
# Provides: $FRAGSTAT (the binary, prefixed with $VALGRIND when set),
# $SRC (top_srcdir), $FIX (tests/fixtures), $TMP (removed on exit),
# ok COND-CMD DESCRIPTION..., is GOT WANT DESC, skip_all REASON,
# have CMD, need CMD WHERE, skip REASON,
# run CMD... (captures $out, $err, $rc), and done_testing.
#
# Optional tools (python3, jq, promtool, tmux, groff, ...): `make check`
# installs nothing, so a test that needs one says so instead of passing
# silently: `need` skips the whole file with the reason, `skip` marks one
# test point skipped where only a few checks need the tool.
set -u
LC_ALL=C; export LC_ALL
TZ=UTC; export TZ
NO_COLOR=1; export NO_COLOR
COLUMNS=80; export COLUMNS
FRAGSTAT_FAKE_TIME=${FRAGSTAT_FAKE_TIME-1700000000}; export FRAGSTAT_FAKE_TIME
SRC=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${top_builddir:-$SRC}
FIX=$SRC/tests/fixtures
FRAGSTAT_BIN=${FRAGSTAT:-$BUILD/src/fragstat}
FRAGSTAT="${VALGRIND:+$VALGRIND }$FRAGSTAT_BIN"
# valgrind does not know openat2(2) (it warns and fails it with ENOSYS):
# under valgrind, reads below a --root take the O_NOFOLLOW walk instead.
if [ -n "${VALGRIND-}" ]; then FRAGSTAT_NO_OPENAT2=1; export FRAGSTAT_NO_OPENAT2; fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/fragstat-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
_tap_n=0
_tap_failed=0

# ok DESC -- CMD...: passes when CMD exits 0.
ok() {
	_d=$1; shift
	[ "${1-}" = "--" ] && shift
	_tap_n=$((_tap_n + 1))
	if "$@"; then
		echo "ok $_tap_n - $_d"
	else
		echo "not ok $_tap_n - $_d"
		_tap_failed=$((_tap_failed + 1))
	fi
}

# is GOT WANT DESC: string equality, shows both on failure.
is() {
	_tap_n=$((_tap_n + 1))
	if [ "$1" = "$2" ]; then
		echo "ok $_tap_n - $3"
	else
		echo "not ok $_tap_n - $3"
		printf '%s\n' "# got:  $1" "# want: $2" | head -20
		_tap_failed=$((_tap_failed + 1))
	fi
}

# same_file GOT_FILE WANT_FILE DESC: byte equality with a diff on failure.
same_file() {
	_tap_n=$((_tap_n + 1))
	if cmp -s "$1" "$2"; then
		echo "ok $_tap_n - $3"
	else
		echo "not ok $_tap_n - $3"
		diff -u "$2" "$1" | head -40 | sed 's/^/# /'
		_tap_failed=$((_tap_failed + 1))
	fi
}

# run CMD...: runs it, storing stdout in $out, stderr in $err, status in $rc.
run() {
	set +e
	"$@" >"$TMP/.out" 2>"$TMP/.err"
	rc=$?
	set -e
	out=$(cat "$TMP/.out")
	err=$(cat "$TMP/.err")
	set +e
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

# have CMD: CMD is on PATH.
have() { command -v "$1" >/dev/null 2>&1; }

# need CMD WHERE: skip the whole file unless CMD is on PATH (WHERE names
# the Debian package that has it).
need() { have "$1" || skip_all "$1 not installed${2:+ (Debian package $2)}"; }

# skip REASON: one test point, skipped because of REASON.
skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n # SKIP $*"
}

done_testing() {
	echo "1..$_tap_n"
	if [ "$_tap_n" -eq 0 ]; then echo "Bail out! no test ran"; exit 99; fi
	[ "$_tap_failed" -eq 0 ]
}
