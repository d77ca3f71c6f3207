#!/bin/sh
# json_writers.sh - every JSON text fragstat writes is made by
# src/render/json_write.c (fs_json_dumpf, fs_json_dumps), the one place
# that prints fs_json_u64()'s 64-bit markers as exact integers and adds
# FS_JSON_DUMP_FLAGS. Any other source file that calls jansson's
# json_dump*() (or rewrites the markers itself) fails this test.
. "${top_srcdir:-.}/tests/setup.sh"

ONE=src/render/json_write.c

# dumpers DIR: "FILE:LINE: text" for each call of json_dump*() or
# fs_json_u64_fixup() outside $ONE and its header, comments
# skipped.
dumpers() {
	(cd "$1" && find src -name '*.[ch]' | LC_ALL=C sort | while read -r f; do
		case $f in "$ONE" | "${ONE%.c}.h") continue ;; esac
		awk -v f="$f" '
			{ line = $0 }
			incomment { if (sub(/.*\*\//, "", line)) incomment = 0; else next }
			{ gsub(/\/\*([^*]|\*+[^*\/])*\*+\//, "", line) }
			sub(/\/\*.*/, "", line) { incomment = 1 }
			{ sub(/\/\/.*/, "", line) }
			line ~ /(^|[^A-Za-z0-9_])(json_dump(s|f|b|fd|_file|_callback)|fs_json_u64_fixup)[ \t]*\(/ {
				print f ":" FNR ": " $0
			}' "$f"
	done)
}

# The checker can fail: a made-up tree with a hand dump of each kind, one
# commented out, and the one allowed file.
mkdir -p "$TMP/bad/src/render" "$TMP/bad/src/cmd"
cat > "$TMP/bad/src/render/json_write.c" <<'C'
char *t = json_dumps(doc, 0);
C
cat > "$TMP/bad/src/cmd/cmd_x.c" <<'C'
	char *t = json_dumps(doc, FS_JSON_DUMP_FLAGS);
	json_dumpf(doc, stdout, 0);
	n = json_dumpb (doc, buf, len, 0);
	/* json_dumps(doc, 0) in a comment */
	n = fs_json_u64_fixup(t, n);
	my_json_dumps_helper(doc);
	fs_json_dumps(doc, 0, NULL);
C
dumpers "$TMP/bad" | sed 's/:[^:]*$//' > "$TMP/got"
printf '%s\n' src/cmd/cmd_x.c:1 src/cmd/cmd_x.c:2 src/cmd/cmd_x.c:3 src/cmd/cmd_x.c:5 > "$TMP/want"
same_file "$TMP/got" "$TMP/want" "the checker finds each hand dump in a made-up tree, and only those"

# The tree itself.
ok "the one writer exists and dumps" -- grep -q 'json_dumps(' "$SRC/$ONE"
dumpers "$SRC" > "$TMP/bad.txt"
ok "no file but $ONE calls json_dump*() or rewrites the 64-bit markers" -- test ! -s "$TMP/bad.txt"
sed 's/^/# /' "$TMP/bad.txt"
done_testing
