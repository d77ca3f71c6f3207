#!/bin/sh
# A real node_exporter serves fragstat's metrics: the ExecStart of the
# shipped data/fragstat-textfile.service writes them (temporary file, then
# rename) into a textfile directory, prometheus-node-exporter runs on a free
# loopback port with only the textfile collector, and its /metrics carries
# fragstat's families with the capture's numbers and no textfile error.
# A failing fragstat leaves the previous metrics in place and no temporary.
. "${top_srcdir:-.}/tests/setup.sh"
NE=$(command -v prometheus-node-exporter || command -v node_exporter || true)
[ -n "$NE" ] || skip_all "prometheus-node-exporter not installed"
command -v python3 > /dev/null 2>&1 || skip_all "python3 needed to fetch /metrics"
D=$FIX/real/x86_64-vm-6.18-idle
TF=$TMP/textfile
mkdir -p "$TF" "$TMP/bin"

# fragstat as the unit finds it: on PATH.
printf '#!/bin/sh\nexec %s "$@"\n' "$FRAGSTAT" > "$TMP/bin/fragstat"
chmod +x "$TMP/bin/fragstat"
# The unit's ExecStart, continuation lines joined and $$ unescaped.
python3 - "$SRC/data/fragstat-textfile.service" > "$TMP/exec.sh" <<'EOF'
import sys
text = open(sys.argv[1]).read().replace("\\\n", " ")
cmd = [l for l in text.split("\n") if l.startswith("ExecStart=")][0][len("ExecStart="):]
print(cmd.replace("$$", "$"))
EOF
ok "the unit has an ExecStart" -- grep -q "fragstat snapshot -o prometheus" "$TMP/exec.sh"
unit() { env PATH="$TMP/bin:$PATH" TEXTFILE_DIR="$TF" FRAGSTAT_OPTS="$1" sh "$TMP/exec.sh"; }
run unit "--root $D --prometheus-detail"
is "$rc" 0 "the unit's command succeeds"
ok "it wrote fragstat.prom" -- test -s "$TF/fragstat.prom"
is "$(ls -A "$TF")" fragstat.prom "no temporary file is left"
is "$(stat -c %a "$TF/fragstat.prom")" 644 "readable by node_exporter's user (0644)"
cp "$TF/fragstat.prom" "$TMP/good.prom"
run unit "--root $TMP/nonexistent"
ok "a failing fragstat fails the unit" -- test "$rc" -ne 0
same_file "$TF/fragstat.prom" "$TMP/good.prom" "and leaves the previous metrics as they were"
is "$(ls -A "$TF")" fragstat.prom "and removes its temporary file"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$NE" --web.listen-address="127.0.0.1:$port" --collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$TF" > "$TMP/ne.log" 2>&1 &
pid=$!
fetch() {
	python3 - "$port" <<'EOF'
import sys, urllib.request
print(urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=5).read().decode())
EOF
}
# Bounded wait for the port (at most 10 s).
i=0
while ! fetch > "$TMP/metrics" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -ge 50 ] || ! kill -0 $pid 2>/dev/null; then break; fi
	sleep 0.2
done
kill $pid 2>/dev/null
wait $pid 2>/dev/null
ok "node_exporter answered on 127.0.0.1:$port" -- grep -q '^node_textfile_scrape_error' "$TMP/metrics"
if ! grep -q '^node_textfile_scrape_error' "$TMP/metrics"; then sed 's/^/# /' "$TMP/ne.log" | head -10; fi
is "$(awk '$1 == "node_textfile_scrape_error" { print $2 }' "$TMP/metrics")" 0 "no textfile scrape error"
ok "mtime of fragstat.prom exported" -- grep -q 'node_textfile_mtime_seconds{file=".*fragstat.prom"}' "$TMP/metrics"
# node_exporter sorts labels by name. Values from the capture's files.
v() { awk -v k="$1" '$1 == k { print $2 }' "$TMP/metrics"; }
want=$(awk '$4 == "Normal" { print $15 }' "$D/proc/buddyinfo")
is "$(v 'fragstat_free_blocks{node="0",order="10",zone="Normal"}')" "$want" "free blocks Normal order 10 = buddyinfo ($want)"
want=$(awk '$1 == "compact_stall" { print $2 }' "$D/proc/vmstat")
is "$(v fragstat_vmstat_compact_stall_total)" "$want" "compact_stall counter ($want)"
ok "counter typed as counter" -- grep -q '^# TYPE fragstat_vmstat_compact_stall_total counter$' "$TMP/metrics"
want=$(awk '$4 == "Normal" { print $14 + 0 }' "$D/sys/kernel/debug/extfrag/unusable_index")
is "$(v 'fragstat_unusable_index{node="0",order="9",zone="Normal"}')" "$want" "unusable index Normal order 9 = debugfs ($want)"
# Every family fragstat wrote is served.
grep '^# TYPE fragstat_' "$TF/fragstat.prom" | awk '{ print $3 }' | sort > "$TMP/wrote"
grep '^# TYPE fragstat_' "$TMP/metrics" | awk '{ print $3 }' | sort > "$TMP/served"
same_file "$TMP/served" "$TMP/wrote" "node_exporter serves every fragstat family"
ok "at least 30 families" -- test "$(wc -l < "$TMP/served")" -ge 30
ok "the node verdict is served" -- grep -q '^fragstat_node_verdict{kind="movable",node="0",order="9"} 0$' "$TMP/metrics"
done_testing
