#!/bin/sh
# fragstat events --from-raw on recordings from real kernels (no root):
# golden table/JSON/Prometheus output, counts that agree with the kernel's
# own text output of the same events (independent.txt.gz), broken
# recordings rejected with file and line, errors without root.
. "$top_srcdir/tests/setup.sh"

$FRAGSTAT_BIN events --help 2>&1 | grep -q 'This fragstat was built without' && skip_all "built without tracefs"
command -v jq >/dev/null 2>&1 || skip_all "jq not installed"

GOLD=$SRC/tests/golden/events
for d in "$FIX"/events/*/; do
	name=$(basename "$d")
	for fmt in table json prometheus; do
		run $FRAGSTAT events --from-raw "$d" -o $fmt
		is "$rc" 0 "$name: -o $fmt exits 0"
		printf '%s\n' "$out" | sed "s|$FIX|FIXTURES|g; s|\"fragstat_version\": \"[^\"]*\"|\"fragstat_version\": \"VERSION\"|" >"$TMP/$name.$fmt"
		if [ -n "${UPDATE_GOLDEN-}" ]; then
			mkdir -p "$GOLD" && cp "$TMP/$name.$fmt" "$GOLD/$name.$fmt"
		fi
		same_file "$TMP/$name.$fmt" "$GOLD/$name.$fmt" "$name: -o $fmt matches the golden output"
	done
	run $FRAGSTAT events --from-raw "$d" --json-lines
	is "$rc" 0 "$name: --json-lines exits 0"
	printf '%s\n' "$out" >"$TMP/lines"
	is "$(jq -s 'length' "$TMP/lines")" "$(( $(jq '.intervals | length' "$TMP/$name.json") + 1 ))" \
		"$name: one line per interval and a totals line"
	is "$(jq -s -c '[.[:-1][].extfrag_events] | add' "$TMP/lines")" "$(jq '.totals.extfrag_events' "$TMP/$name.json")" \
		"$name: JSON lines add up to the totals"

	[ -f "$d/independent.txt.gz" ] || continue
	gzip -dc "$d/independent.txt.gz" >"$TMP/ind.txt"
	J=$TMP/$name.json
	start=$(jq .totals.start_ns "$J")
	end=$(jq .totals.end_ns "$J")
	# count PATTERN [SUBSTRING [FIELD]]: events in fragstat's window (text
	# timestamps are microseconds), or the sum of FIELD=N over them.
	count() {
		awk -v s="$start" -v e="$end" -v pat="$1" -v sel="${2-}" -v fld="${3-}" '
			$0 ~ pat {
				for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { ts = $i; break }
				sub(/:$/, "", ts); split(ts, p, ".")
				t = p[1] * 1000000000 + p[2] * 1000
				if (!(t >= s - 999 && t < e && (sel == "" || index($0, sel)))) next
				if (fld == "") { n++; next }
				for (i = 1; i <= NF; i++) if (index($i, fld "=") == 1) n += substr($i, length(fld) + 2)
			}
			END { print n + 0 }' "$TMP/ind.txt"
	}
	is "$(count 'mm_page_alloc_extfrag:')" "$(jq .totals.extfrag_events "$J")" "$name: extfrag events = kernel text"
	is "$(count 'mm_page_alloc_extfrag:' change_ownership=1)" "$(jq .totals.extfrag_claims "$J")" "$name: claims = kernel text"
	is "$(count 'mm_page_alloc_extfrag:' 'alloc_migratetype=0 fallback_migratetype=1')" \
		"$(jq '[.totals.extfrag[] | select(.alloc_migratetype == "Unmovable" and .fallback_migratetype == "Movable") | .count] | add // 0' "$J")" \
		"$name: Unmovable from Movable = kernel text"
	is "$(count 'mm_compaction_end:')" "$(jq .totals.compaction_runs "$J")" "$name: compaction runs = kernel text"
	for st in $(jq -r '.totals.compaction_end_status | keys[]' "$J"); do
		is "$(count 'mm_compaction_end:' "status=$st")" "$(jq ".totals.compaction_end_status.\"$st\"" "$J")" \
			"$name: end status $st = kernel text"
	done
	is "$(count 'mm_compaction_isolate_migratepages:' '' nr_scanned)" \
		"$(jq '[.totals.compaction[].migrate_scanned] | add // 0' "$J")" "$name: migrate scanner pages = kernel text"
	is "$(count 'mm_compaction_migratepages:' '' nr_migrated)" \
		"$(jq '[.totals.compaction[].migrated] | add // 0' "$J")" "$name: pages migrated = kernel text"
done

# The documents validate against data/fragstat-events.schema.json, which
# rejects a broken one; the man page mentions every key.
if python3 -c 'import jsonschema' 2>/dev/null; then
	base=$FIX/events/x86_64-6.18-fragmenter-compact
	$FRAGSTAT events --from-raw "$base" -o json >"$TMP/doc.json"
	$FRAGSTAT events --from-raw "$base" --json-lines >"$TMP/lines.json"
	jq -c '.totals.compaction[0].trigger = "sometimes"' "$TMP/doc.json" >"$TMP/bad.json"
	cat >"$TMP/v.py" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
v = cls(schema)
for path in sys.argv[2:]:
    for line in open(path).read().splitlines() if path.endswith("lines.json") else [open(path).read()]:
        err = next(iter(v.iter_errors(json.loads(line))), None)
        print("ok" if err is None else "bad: " + err.message[:100])
PY
	run python3 "$TMP/v.py" "$SRC/data/fragstat-events.schema.json" "$TMP/doc.json" "$TMP/lines.json"
	is "$(printf '%s\n' "$out" | sort -u)" "ok" "document and JSON lines validate against the events schema"
	run python3 "$TMP/v.py" "$SRC/data/fragstat-events.schema.json" "$TMP/bad.json"
	case $out in bad:*) r=0 ;; *) r=1 ;; esac
	is "$r" 0 "the schema rejects an unknown trigger"
fi
jq -r '[paths | map(select(type == "string")) | last] | unique[]' "$TMP/doc.json" 2>/dev/null >"$TMP/keys" ||
	$FRAGSTAT events --from-raw "$FIX/events/x86_64-6.18-fragmenter-compact" -o json |
	jq -r '[paths | map(select(type == "string")) | last] | unique[]' >"$TMP/keys"
while read -r k; do
	case $k in complete|contended|mm_*) continue ;; esac   # values of this recording, not keys
	ok "man page mentions events JSON key $k" -- grep -q "$k" "$SRC/man/fragstat.1.in"
done <"$TMP/keys"

# Broken recordings: exit 2, the file (and line) named.
base=$FIX/events/x86_64-6.18-fragmenter-compact
broken() {
	rm -rf "$TMP/b" && cp -r "$base" "$TMP/b"
}
broken; printf 'fragstat-events 1\nsubbuf_size 4096\ncpus 2\nbogus 1\n' >"$TMP/b/meta"
run $FRAGSTAT events --from-raw "$TMP/b"
is "$rc" 2 "unknown meta key: exit 2"
case $err in *"/meta:4:1: expected a known key"*) r=0 ;; *) r=1 ;; esac
is "$r" 0 "unknown meta key: file:line:col named ($err)"
broken; sed -i 's/^cpus 2$/cpus x/' "$TMP/b/meta"
run $FRAGSTAT events --from-raw "$TMP/b"
is "$rc" 2 "bad CPU count: exit 2"
case $err in *"/meta:3:6: expected a CPU count"*) r=0 ;; *) r=1 ;; esac
is "$r" 0 "bad CPU count: column named ($err)"
broken; head -c 5000 "$base/per_cpu/cpu0.raw" >"$TMP/b/per_cpu/cpu0.raw"
run $FRAGSTAT events --from-raw "$TMP/b"
is "$rc" 2 "truncated sub-buffer: exit 2"
case $err in *"cpu0.raw: expected sub-buffers of 4096 bytes, found 904 at offset 4096"*) r=0 ;; *) r=1 ;; esac
is "$r" 0 "truncated sub-buffer: file and offset named ($err)"
broken; printf '\377\377\377\377\377\377\377\177' | dd of="$TMP/b/per_cpu/cpu0.raw" bs=1 seek=8 conv=notrunc 2>/dev/null
run $FRAGSTAT events --from-raw "$TMP/b"
is "$rc" 2 "corrupt commit word: exit 2"
case $err in *"cpu0.raw: at offset 0: expected "*) r=0 ;; *) r=1 ;; esac
is "$r" 0 "corrupt commit word: file and offset named ($err)"
broken; sed -i 's/field:int status;/field:int state;/' "$TMP/b/events/compaction/mm_compaction_end/format"
run $FRAGSTAT events --from-raw "$TMP/b"
is "$rc" 2 "format without the status field: exit 2"
case $err in *"mm_compaction_end/format: expected the print fmt to use declared fields, found REC->status"*) r=0 ;; *) r=1 ;; esac
is "$r" 0 "format without the status field: named ($err)"
broken; sed -i 's/field:int status;/field:int state;/; s/REC->status/REC->state/g' "$TMP/b/events/compaction/mm_compaction_end/format"
run $FRAGSTAT events --from-raw "$TMP/b"
is "$rc" 2 "a consistent format without the status field: exit 2"
case $err in *"mm_compaction_end/format: expected a field named 'status'"*) r=0 ;; *) r=1 ;; esac
is "$r" 0 "a consistent format without the status field: named ($err)"
broken; rm "$TMP/b/meta"
run $FRAGSTAT events --from-raw "$TMP/b"
is "$rc" 2 "no meta: exit 2"
# An event missing from the recording's kernel is reported, not an error.
broken; rm -r "$TMP/b/events/compaction/mm_compaction_deferred"
run $FRAGSTAT events --from-raw "$TMP/b" -o json
is "$rc" 0 "a kernel without mm_compaction_deferred: exit 0"
is "$(printf '%s' "$out" | jq -c .recording.missing_events)" '["compaction:mm_compaction_deferred"]' \
	"the missing event is listed"

# Usage errors.
run $FRAGSTAT events --interval 0
is "$rc" 1 "--interval 0: usage error"
run $FRAGSTAT events --json-lines -o prometheus
is "$rc" 1 "--json-lines with prometheus: usage error"
run $FRAGSTAT events extra
is "$rc" 1 "an argument: usage error"

# Without root: exit 2 and why.
if [ "$(id -u)" != 0 ]; then
	run $FRAGSTAT events --duration 0.1
	is "$rc" 2 "not root: exit 2"
	case $err in *"needs root"*) r=0 ;; *) r=1 ;; esac
	is "$r" 0 "not root: says root is needed ($err)"
elif command -v setpriv >/dev/null 2>&1 && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups "$FRAGSTAT_BIN" --version >/dev/null 2>&1; then
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$FRAGSTAT_BIN" events --duration 0.1
	is "$rc" 2 "as nobody: exit 2"
	case $err in *"needs root"*) r=0 ;; *) r=1 ;; esac
	is "$r" 0 "as nobody: says root is needed ($err)"
fi

done_testing
