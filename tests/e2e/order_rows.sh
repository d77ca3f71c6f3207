#!/bin/sh
# The rows "Node N, zone NAME f0 f1 ..." of buddyinfo, extfrag_index and
# unusable_index go through one row parser (fs_parse_order_rows); every
# diagnostic it gives is the one each reader gave before (golden file,
# written by the readers of commit c6af3fb), byte for byte, with the exit
# status (--strict: a malformed optional file is an error, as it was).
. "${top_srcdir:-.}/tests/setup.sh"
LIST=$SRC/tests/cases/order-rows.list
GOLD=$SRC/tests/golden/order-rows.txt
: > "$TMP/got"
grep -v '^#' "$LIST" | while IFS='|' read -r name file content; do
	d=$TMP/$name
	mkdir -p "$d/proc" "$d/sys/kernel/debug/extfrag"
	if [ "$file" = buddyinfo ]; then
		# shellcheck disable=SC2059
		printf "$content" > "$d/proc/buddyinfo"
	else
		printf 'Node 0, zone   Normal 1 2 3\nNode 0, zone      DMA 1 2 3\n' > "$d/proc/buddyinfo"
		# shellcheck disable=SC2059
		printf "$content" > "$d/sys/kernel/debug/extfrag/$file"
	fi
	(cd "$d" && $FRAGSTAT snapshot --strict --root . -o json > /dev/null 2> "$TMP/err"; echo "$name: exit $?") >> "$TMP/got"
	sed "s/^/$name: /" "$TMP/err" >> "$TMP/got"
done
if [ -n "${UPDATE_GOLDEN-}" ]; then cp "$TMP/got" "$GOLD"; fi
same_file "$TMP/got" "$GOLD" "every row diagnostic as before"
ok "the cases give diagnostics (the check can fail)" -- test "$(grep -c ': fragstat: ' "$GOLD")" -ge 30
done_testing
