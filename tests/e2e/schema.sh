#!/bin/sh
# Every JSON document fragstat writes validates against the shipped schema
# (data/fragstat.schema.json): snapshot -o json for every capture (also read
# back through --input), watch --json lines and simulate's final state when
# those commands exist. Broken documents must be rejected, so the check
# cannot pass by accepting anything.
. "${top_srcdir:-.}/tests/setup.sh"
python3 -c 'import jsonschema' 2>/dev/null || skip_all "python3-jsonschema not installed"
SCHEMA=$SRC/data/fragstat.schema.json

# validate FILE...: each file holds one document or JSON lines. Prints one
# line per document: "ok" or the first error. Also checks what a schema
# cannot say: per-order arrays have source.orders elements, and no NaN.
cat > "$TMP/validate.py" <<'EOF'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
v = cls(schema)
def bad_const(c):
    raise ValueError("not JSON: " + c)
def orders_ok(d):
    n = d["source"]["orders"]
    for node in d["nodes"]:
        for z in node["zones"]:
            for k in ("free_blocks", "unusable_index", "fragmentation_index", "extfrag_percent", "verdicts"):
                if k in z and len(z[k]) != n:
                    return "%s of node %s zone %s has %d elements, not %d" % (k, node["node"], z["zone"], len(z[k]), n)
            for t, a in z.get("free_blocks_by_type", {}).items():
                if len(a) != n:
                    return "free_blocks_by_type.%s: %d elements, not %d" % (t, len(a), n)
            for i, vd in enumerate(z.get("verdicts", [])):
                if vd["order"] != i:
                    return "verdicts[%d].order is %d" % (i, vd["order"])
    return None
for path in sys.argv[2:]:
    text = open(path).read()
    try:
        docs = [json.loads(text, parse_constant=bad_const)]
    except ValueError:
        try:
            docs = [json.loads(l, parse_constant=bad_const) for l in text.splitlines() if l.strip()]
        except ValueError as e:
            print("%s: %s" % (path, e)); continue
    for d in docs:
        errs = sorted(v.iter_errors(d), key=lambda e: list(e.path))
        if errs:
            e = errs[0]
            print("%s: %s: %s" % (path, "/".join(map(str, e.path)), e.message[:200])); continue
        o = orders_ok(d)
        print("%s: %s" % (path, o) if o else "ok")
EOF
validate() { python3 "$TMP/validate.py" "$SCHEMA" "$@"; }

run python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$SCHEMA"
is "$rc" 0 "the schema is JSON"

cd "$FIX/real"
n=0
for d in */; do
	d=${d%/}
	[ -f "$d/proc/buddyinfo" ] || continue
	$FRAGSTAT snapshot --root "$d" -o json > "$TMP/$d.json" || echo "snapshot $d failed" >&2
	$FRAGSTAT snapshot --input "$TMP/$d.json" -o json > "$TMP/$d.in.json" || echo "--input $d failed" >&2
	n=$((n + 1))
done
validate "$TMP"/*.json > "$TMP/res"
is "$(grep -vc '^ok$' "$TMP/res")" 0 "snapshot JSON of $n captures (and read back) validates"
grep -v '^ok$' "$TMP/res" | head -5 | sed 's/^/# /'
is "$(grep -c '^ok$' "$TMP/res")" $((n * 2)) "all $((n * 2)) documents were checked"

# The schema rejects what fragstat must never write.
d=x86_64-vm-6.18-idle
python3 - "$TMP/$d.json" "$TMP" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1])); out = sys.argv[2]
def w(name, f):
    x = json.loads(json.dumps(d)); f(x); json.dump(x, open("%s/bad-%s.json" % (out, name), "w"))
w("version", lambda x: x.__setitem__("schema_version", 3))
w("verdict", lambda x: x["nodes"][0]["zones"][0]["verdicts"][0].__setitem__("verdict", "maybe"))
w("index", lambda x: x["nodes"][0]["zones"][2]["unusable_index"].__setitem__(3, 1.5))
w("missing", lambda x: x.pop("sources"))
w("status", lambda x: x["sources"].__setitem__("buddyinfo", "fine"))
w("negative", lambda x: x["nodes"][0]["zones"][1]["free_blocks"].__setitem__(0, -1))
w("orders", lambda x: x["nodes"][0]["zones"][1]["free_blocks"].pop())
w("typo", lambda x: x["nodes"][0]["zones"][1].__setitem__("fre_pages", 1))
EOF
for b in version verdict index missing status negative orders typo; do
	is "$(validate "$TMP/bad-$b.json" | grep -c '^ok$')" 0 "a document with a bad $b is rejected"
done

# watch --json lines, when watch exists and can be bounded.
if $FRAGSTAT_BIN watch --help > "$TMP/wh" 2>/dev/null; then
	cnt=""
	for o in --count --iterations --samples; do
		grep -q -- "$o" "$TMP/wh" && { cnt=$o; break; }
	done
	[ -z "$cnt" ] && grep -q -- '-n[ ,]' "$TMP/wh" && cnt=-n
	iv=""
	grep -q -- '--interval' "$TMP/wh" && iv="--interval 0.1"
	if [ -n "$cnt" ]; then
		# shellcheck disable=SC2086
		timeout 20 $FRAGSTAT watch --root "$d" --json $cnt 3 $iv > "$TMP/watch.jsonl"
		is "$?" 0 "watch --json $cnt 3 exits 0"
		is "$(grep -c . "$TMP/watch.jsonl")" 3 "watch --json wrote 3 lines"
		validate "$TMP/watch.jsonl" > "$TMP/res"
		is "$(grep -vc '^ok$' "$TMP/res")" 0 "every watch --json line validates"
		grep -v '^ok$' "$TMP/res" | head -3 | sed 's/^/# /'
	else
		_tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP watch --help names no option to bound the number of samples"
	fi
else
	_tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP watch is not available"
fi

# simulate's final state ("final" of simulate -o json), when simulate exists:
# from scratch and seeded from a capture.
if $FRAGSTAT_BIN simulate --help > /dev/null 2>&1; then
	for args in "--memory 64M --zones DMA32:32M,Normal --ops 2000" "--from $d --ops 2000"; do
		# shellcheck disable=SC2086
		run $FRAGSTAT simulate $args -o json
		is "$rc" 0 "simulate $args -o json exits 0"
		printf '%s\n' "$out" > "$TMP/sim.json"
		python3 -c 'import json, sys; json.dump(json.load(open(sys.argv[1]))["final"], open(sys.argv[2], "w"))' \
			"$TMP/sim.json" "$TMP/final.json"
		is "$(validate "$TMP/final.json")" ok "simulate $args: the final state validates"
		ok "simulate's source.kind is simulated" -- grep -q '"kind": *"simulated"' "$TMP/final.json"
	done
else
	_tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP simulate is not available"
fi
done_testing
