#!/bin/sh
# textfile_unit.sh - data/fragstat-textfile.service: ExecStart is fragstat
# snapshot --output itself (no shell), TimeoutStartSec= is set, the unit
# rates 2.0 or lower in `systemd-analyze security --offline=true`, and the
# ExecStart line, run as root without any capability (the unit's empty
# CapabilityBoundingSet=, NoNewPrivileges=, UMask=0077), still reads
# pagetypeinfo and debugfs and writes a 0644 file.
. "$top_srcdir/tests/setup.sh"

U=$SRC/data/fragstat-textfile.service
# The value of KEY= in the [Service] section (last one wins, as in systemd).
key() { sed -n "s/^$1=//p" "$U" | tail -1; }

exec_start=$(key ExecStart)
is "$exec_start" 'fragstat snapshot -o prometheus $FRAGSTAT_OPTS --output /var/lib/fragstat/fragstat.prom' \
	"ExecStart calls fragstat snapshot --output directly"
ok "no shell anywhere in the unit's commands" -- sh -c '! grep -E "^Exec[A-Za-z]*=.*(/bin/sh|bash| -c )" "$1"' _ "$U"
ok "TimeoutStartSec= is set" -- test -n "$(key TimeoutStartSec)"
is "$(key StateDirectory)" fragstat "the directory is systemd's StateDirectory (root's, 0755)"
is "$(key CapabilityBoundingSet)" "" "no capability: root reads its own 0400 files as their owner"
ok "nothing hides /proc/pagetypeinfo (ProcSubset=pid) or maps root away (PrivateUsers=)" -- \
	sh -c '! grep -Eq "^(ProcSubset=pid|PrivateUsers=(yes|true|1))" "$1"' _ "$U"

if command -v systemd-analyze >/dev/null 2>&1; then
	score=$(systemd-analyze security --offline=true "$U" 2>&1 |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	echo "# systemd-analyze security: $score"
	ok "systemd-analyze security rates the unit 2.0 or lower (got '$score')" -- \
		awk -v s="$score" 'BEGIN { exit !(s != "" && s + 0 <= 2.0) }'
else
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - systemd-analyze security # SKIP systemd-analyze not installed"
fi

# Run the ExecStart line as the unit would, into a test directory.
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null 2>&1; then
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - ExecStart as root without capabilities # SKIP not root or no setpriv"
	done_testing
	exit
fi
mkdir -m 0755 "$TMP/state"
# shellcheck disable=SC2086
set -- $(printf '%s\n' "$exec_start" | sed "s|\\\$FRAGSTAT_OPTS||; s|/var/lib/fragstat/|$TMP/state/|")
shift   # "fragstat": the binary under test instead
run sh -c 'umask 077; exec setpriv --bounding-set=-all --inh-caps=-all --no-new-privs "$@"' _ \
	$FRAGSTAT_BIN "$@"
is "$rc" 0 "ExecStart without capabilities: exit 0 ($err)"
is "$(stat -c %a "$TMP/state/fragstat.prom" 2>&1)" 644 "the textfile is 0644 under UMask=0077"
$FRAGSTAT snapshot -o prometheus >"$TMP/plain.prom" 2>/dev/null
for src in pagetypeinfo extfrag_index unusable_index; do
	is "$(grep "^fragstat_source_up{source=\"$src\"}" "$TMP/state/fragstat.prom")" \
		"$(grep "^fragstat_source_up{source=\"$src\"}" "$TMP/plain.prom")" \
		"without capabilities, $src is read as by root"
done
# Every system call the ExecStart makes passes the unit's SystemCallFilter=.
if command -v strace >/dev/null 2>&1 && command -v systemd-analyze >/dev/null 2>&1 &&
	[ -z "${VALGRIND:-}" ]; then
	strace -f -c -o "$TMP/strace" "$FRAGSTAT_BIN" "$@" >/dev/null 2>&1
	python3 - "$U" "$TMP/strace" >"$TMP/denied" <<'PY'
import subprocess, sys
def expand(name, seen):
    out = subprocess.run(["systemd-analyze", "syscall-filter", name],
                         capture_output=True, text=True).stdout.splitlines()[1:]
    calls = set()
    for l in (x.strip() for x in out):
        if not l or l.startswith("#"):
            continue
        if l.startswith("@"):
            if l not in seen:
                seen.add(l)
                calls |= expand(l, seen)
        else:
            calls.add(l)
    return calls
allow, deny = set(), set()
for line in open(sys.argv[1]):
    if line.startswith("SystemCallFilter="):
        v = line.split("=", 1)[1].strip()
        neg = v.startswith("~")
        for item in v.lstrip("~").split():
            calls = expand(item, set()) if item.startswith("@") else {item}
            (deny if neg else allow).update(calls)
used = [l.split()[-1] for l in open(sys.argv[2])
        if len(l.split()) >= 5 and l.split()[-1] not in ("syscall", "total")
        and not l.split()[-1].startswith("-")]
print(" ".join(u for u in used if u not in allow or u in deny))
PY
	is "$(cat "$TMP/denied")" "" "every system call of the ExecStart passes SystemCallFilter="
	echo "# system calls used: $(awk 'NF >= 5 && $NF != "syscall" && $NF != "total" && $NF !~ /^-/ { n++ } END { print n }' "$TMP/strace")"
else
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - system call filter # SKIP strace or systemd-analyze missing (or under valgrind)"
fi
echo "# pagetypeinfo/debugfs as root here: $(grep -c '^fragstat_source_up{source="\(pagetypeinfo\|extfrag_index\)"} 1' "$TMP/plain.prom") of 2 up"

done_testing
