#!/bin/sh
# Golden table and JSON output of `fragstat log` for every real dump in
# tests/fixtures/dmesg, plus checks that do not depend on the golden files:
# the kernel's own "= NkB" totals equal the parsed buddy counts, the
# request's order and gfp match the header line, the page size is the first
# buddy column. UPDATE_GOLDEN=1 rewrites the golden files (review the diff
# line by line before committing them).
. "${top_srcdir:-.}/tests/setup.sh"
GOLD=$SRC/tests/golden/log
cd "$FIX/dmesg"
norm() { sed 's/"fragstat_version": "[^"]*"/"fragstat_version": "VERSION"/'; }
q() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
for d in */; do
	d=${d%/}
	for fmt in table json; do
		ext=$([ $fmt = table ] && echo txt || echo json)
		run $FRAGSTAT log -o $fmt "$d/log"
		printf '%s\n' "$out" | norm > "$TMP/got.$ext"
		is "$rc" 0 "$d: $fmt exits 0"
		is "$err" "" "$d: $fmt writes nothing to stderr"
		if [ "${UPDATE_GOLDEN-}" = 1 ]; then cp "$TMP/got.$ext" "$GOLD/$d.$ext"; fi
		same_file "$TMP/got.$ext" "$GOLD/$d.$ext" "$d: $fmt matches golden"
	done
	ok "$d: table fits 80 columns" -- sh -c '! sed 1d "$1" | grep -q "^.\{81\}"' _ "$TMP/got.txt"
	j=$TMP/got.json
	is "$(q "$j" "len(d['reports'])")" 1 "$d: one report"
	is "$(q "$j" "d['reports'][0]['complete']")" True "$d: report complete"
	is "$(q "$j" "d['reports'][0]['diagnostics']")" "[]" "$d: no diagnostics"
	# every whole buddy line: parsed counts x sizes == the printed total
	is "$(q "$j" "sorted(set(z['printed']['buddy_total_matches'] for n in d['reports'][0]['snapshot']['nodes'] for z in n['zones'] if 'buddy_total_kb' in z['printed']))")" \
		"[True]" "$d: buddy counts add up to the kernel's totals"
	# the free_blocks in the snapshot give the same total in pages
	is "$(q "$j" "sorted(set(sum(c << o for o, c in enumerate(z['free_blocks'])) * d['reports'][0]['page_size'] // 1024 == z['printed']['buddy_total_kb'] for n in d['reports'][0]['snapshot']['nodes'] for z in n['zones'] if 'buddy_total_kb' in z['printed']))")" \
		"[True]" "$d: snapshot free_blocks match the printed totals"
	# order and gfp as the header line prints them
	hdr=$(grep -m1 -E 'page allocation failure|invoked oom-killer|vmalloc error|Show Memory' "$d/log")
	order=$(q "$j" "d['reports'][0]['order']")
	case $hdr in
	*order:*|*order=*)
		want=$(printf '%s\n' "$hdr" | sed -n 's/.*order[:=]\([0-9]*\).*/\1/p')
		is "$order" "$want" "$d: order as printed" ;;
	*) is "$order" None "$d: no order printed, none reported" ;;
	esac
	gfp=$(q "$j" "d['reports'][0]['gfp']")
	case $gfp in
	None) ok "$d: no gfp" -- true ;;
	*) ok "$d: gfp as printed ($gfp)" -- sh -c 'tr -d "\n" < "$1" | sed "s/=\$//; s/=3D/=/g; s/> //g" | grep -qF "$2"' _ "$d/log" "${gfp%%(*}" ;;
	esac
	ps=$(q "$j" "d['reports'][0]['page_size']")
	col=$(grep -m1 -oE '[0-9]+\*[0-9]+kB' "$d/log" | head -1 | sed 's/.*\*//; s/kB//')
	is "$ps" "$((col * 1024))" "$d: page size from the first buddy column"
done
done_testing
