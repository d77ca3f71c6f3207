#!/bin/sh
# The events fuzz corpus (tests/fuzz/corpus/events) through the fuzz entry
# point without libFuzzer: nothing may crash (under ASan/valgrind in CI).
. "$top_srcdir/tests/setup.sh"
R=$BUILD/tests/fuzz/replay_events
[ -x "$R" ] || skip_all "built without tracefs"
run ${VALGRIND:+$VALGRIND }"$R" "$SRC/tests/fuzz/corpus/events"
is "$rc" 0 "replay exits 0"
n=$(printf '%s\n' "$out" | grep -c '^ok ')
ok "every corpus file replayed ($n)" -- test "$n" -ge 7
case $out in *"not ok"*) r=1 ;; *) r=0 ;; esac
is "$r" 0 "no file failed"
done_testing
