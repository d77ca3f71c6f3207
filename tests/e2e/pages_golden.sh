#!/bin/sh
# The page layout from a synthetic --root tree (tests/fixtures/pages/):
# kpageflags/kpagecount written by tests/pages/kpage_mk from the tree's
# `layout`, then `fragstat map` (table, JSON) and `snapshot --pages` (table,
# JSON, Prometheus) compared with tests/golden/pages/. UPDATE_GOLDEN=1
# rewrites the golden files (review the diff line by line). Also: the
# sysctl compact_unevictable_allowed, missing, short and malformed files.
. "${top_srcdir:-.}/tests/setup.sh"
GOLD=$SRC/tests/golden/pages
MK=$BUILD/tests/pages/kpage_mk
norm() { sed 's/"fragstat_version": "[^"]*"/"fragstat_version": "VERSION"/'; }
cd "$TMP"
mktree() { # mktree NAME: a fresh copy of the synthetic tree with its page files
	rm -rf "$1"
	cp -r "$FIX/pages/synthetic-6.18" "$1"
	"$MK" "$1/proc" < "$1/layout"
}
mktree syn
golden() { # golden NAME CMD...: stdout matches $GOLD/NAME, exit 0, no stderr
	_g=$1; shift
	run "$@"
	printf '%s\n' "$out" | norm > "$TMP/got"
	is "$rc" 0 "$_g: exit 0"
	is "$err" "" "$_g: nothing on stderr"
	if [ "${UPDATE_GOLDEN-}" = 1 ]; then cp "$TMP/got" "$GOLD/$_g"; fi
	same_file "$TMP/got" "$GOLD/$_g" "$_g matches golden"
}
golden map.txt $FRAGSTAT map --root syn --color never
golden map.json $FRAGSTAT map --root syn -o json
golden map-percell3.txt $FRAGSTAT map --root syn --per-cell 3 -z Normal
golden snapshot.txt $FRAGSTAT snapshot --pages --root syn
golden snapshot.json $FRAGSTAT snapshot --pages --root syn -o json
golden snapshot.prom $FRAGSTAT snapshot --pages --root syn -o prometheus

# snapshot --pages -o json validates against the shipped schema.
if python3 -c 'import jsonschema' 2>/dev/null; then
	ok "snapshot --pages JSON validates against data/fragstat.schema.json" -- python3 -c '
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' \
		"$SRC/data/fragstat.schema.json" "$GOLD/snapshot.json"
else
	echo "# python3-jsonschema not installed: schema check left out"
fi

# Colour only adds escapes: without them the map is the same text.
run $FRAGSTAT_BIN map --root syn --color always
case $out in *"$(printf '\033')["*) r=0 ;; *) r=1 ;; esac
ok "--color always colours the cells" -- test $r = 0
printf '%s\n' "$out" | sed 's/\x1b\[[0-9;]*m//g' > "$TMP/plain"
same_file "$TMP/plain" "$GOLD/map.txt" "the map without its colour escapes is the plain map"
NO_COLOR=1 run $FRAGSTAT_BIN map --root syn
case $out in *"$(printf '\033')"*) r=1 ;; *) r=0 ;; esac
ok "NO_COLOR: no escapes" -- test $r = 0

# The block classes, read from the map, as `layout` says they must be.
row() { $FRAGSTAT_BIN map --root "$1" -z "$2" | sed -n 's/^  0x[0-9a-f]* //p'; }
is "$(row syn DMA)" "-.rr" "DMA: cut, free (free + unused), reserved, holes outside System RAM"
is "$(row syn Normal)" "mmxUHmm.xUrx" "Normal: every block class where layout puts it"

# Unevictable pages move only when vm.compact_unevictable_allowed is 1.
printf '0\n' > syn/proc/sys/vm/compact_unevictable_allowed
is "$(row syn Normal)" "mmxUHUm.xUrx" "compact_unevictable_allowed=0: the mlocked block is unmovable"
rm syn/proc/sys/vm/compact_unevictable_allowed
run $FRAGSTAT_BIN map --root syn -o json
case $out in *'"compact_unevictable_allowed_assumed": true'*) r=0 ;; *) r=1 ;; esac
ok "without the sysctl the kernel default (1) is assumed, and said so" -- test $r = 0
is "$(row syn Normal)" "mmxUHmm.xUrx" "... and unevictable pages count as movable"

# Without iomem (a tree captured without it) zero pages outside RAM are "unused".
mktree noio
rm noio/proc/iomem
is "$(row noio DMA)" "-.r." "without iomem the zero pfns past RAM read as unused"

# snapshot without --pages is unchanged by the page files being there.
run $FRAGSTAT_BIN snapshot --root syn -o json
case $out in *pageblock_content*|*kpageflags*) r=1 ;; *) r=0 ;; esac
ok "snapshot without --pages says nothing about pages" -- test $r = 0

# Optional for snapshot, required for map: a missing file.
mktree miss
rm miss/proc/kpagecount
run $FRAGSTAT_BIN snapshot --pages --root miss -o json
is "$rc" 0 "snapshot --pages without kpagecount: exit 0"
case $out in *'"kpagecount": "missing"'*) r=0 ;; *) r=1 ;; esac
ok "sources.kpagecount is \"missing\"" -- test $r = 0
case $out in *pageblock_content*) r=1 ;; *) r=0 ;; esac
ok "and no zone has pageblock_content" -- test $r = 0
run $FRAGSTAT_BIN map --root miss
is "$rc" 2 "map without kpagecount: exit 2"
is "$err" "fragstat: miss/proc/kpagecount: missing" "map names the missing file"

# A zoneinfo span far past the end of the files: holes, in O(pageblocks);
# a span no machine has: refused.
mktree big
sed -i 's/^        spanned  96$/        spanned  67108864/' big/proc/zoneinfo
run $FRAGSTAT_BIN map --root big -z Normal -o json
is "$rc" 0 "a 256 GiB Normal zone over 124 pfns of files: exit 0"
case $out in *'"reserved": 8388597'*) r=0 ;; *) r=1 ;; esac
ok "the blocks past the end of the files are holes (reserved)" -- test $r = 0
sed -i 's/^        spanned  67108864$/        spanned  1099511627776/' big/proc/zoneinfo
run $FRAGSTAT_BIN map --root big
is "$rc" 2 "a span of 2^40 pageblocks: exit 2"
is "$err" "fragstat: big/proc/kpageflags: zone Normal of node 0 in zoneinfo: start_pfn 32 + spanned 1099511627776 is larger than any machine (more than 2^32 pageblocks)" "and says why"

# Malformed: a partial entry, and files of different lengths.
mktree bad
printf 'xyz' >> bad/proc/kpageflags
printf 'xyz' >> bad/proc/kpagecount
run $FRAGSTAT_BIN map --root bad
is "$rc" 2 "a partial 8-byte entry: exit 2"
is "$err" "fragstat: bad/proc/kpageflags: file ends inside the 8-byte entry of pfn 124 (a kernel file holds whole u64 entries)" "the message names file, pfn and why"
mktree short
head -c 800 short/proc/kpagecount > short/proc/c && mv short/proc/c short/proc/kpagecount
run $FRAGSTAT_BIN snapshot --pages --root short
is "$rc" 2 "kpagecount shorter than kpageflags: exit 2"
is "$err" "fragstat: short/proc/kpagecount: ends at pfn 100, but short/proc/kpageflags goes on to pfn 124 (both files cover the same pfns)" "the message names both files and pfns"
mktree fifo
rm fifo/proc/kpageflags && mkfifo fifo/proc/kpageflags
run $FRAGSTAT_BIN map --root fifo
is "$rc" 2 "a FIFO instead of kpageflags: exit 2, no hang"
is "$err" "fragstat: fifo/proc/kpageflags: not a regular file" "and says why"
mktree badio
printf 'nonsense\n' >> badio/proc/iomem
run $FRAGSTAT_BIN map --root badio
is "$rc" 2 "malformed iomem: exit 2"
is "$err" "fragstat: badio/proc/iomem:6:1: expected a hexadecimal start address" "with line and column"
# capture keeps the page layout as proc/kpage.rle; it reads back identically.
mktree syn
run $FRAGSTAT_BIN capture --root syn cap
is "$rc" 0 "capture --root syn: exit 0"
ok "the capture holds proc/kpage.rle, not the raw files" -- sh -c 'test -s cap/proc/kpage.rle && ! test -e cap/proc/kpageflags'
ok "and iomem and compact_unevictable_allowed" -- test -s cap/proc/iomem -a -s cap/proc/sys/vm/compact_unevictable_allowed
$FRAGSTAT_BIN map --root syn -o json > raw.json
$FRAGSTAT_BIN map --root cap -o json > rle.json
same_file rle.json raw.json "map from kpage.rle equals map from the raw files"
$FRAGSTAT_BIN snapshot --pages --root cap -o json | sed 's/"path": "cap"/"path": "syn"/' > rles.json
$FRAGSTAT_BIN snapshot --pages --root syn -o json > raws.json
same_file rles.json raws.json "snapshot --pages from kpage.rle equals the raw files' (but the path)"
run $FRAGSTAT_BIN capture --root cap cap2
same_file cap2/proc/kpage.rle cap/proc/kpage.rle "a capture of a capture writes the same kpage.rle"
if [ "${UPDATE_GOLDEN-}" = 1 ]; then cp cap/proc/kpage.rle "$GOLD/kpage.rle"; fi
same_file cap/proc/kpage.rle "$GOLD/kpage.rle" "kpage.rle matches golden"
run $FRAGSTAT_BIN capture --no-pages --root syn nop
is "$rc" 0 "capture --no-pages: exit 0"
ok "capture --no-pages writes no page layout" -- sh -c '! test -e nop/proc/kpage.rle'
cp -r cap badrle
sed -i '3s/.*/11 4G0 0/' badrle/proc/kpage.rle
run $FRAGSTAT_BIN map --root badrle
is "$rc" 2 "malformed kpage.rle: exit 2"
is "$err" "fragstat: badrle/proc/kpage.rle:3:4: expected FLAGS in lower-case hexadecimal (64 bits)" "names file, line, column"
cp -r cap badend
sed -i 's/^end 124$/end 125/' badend/proc/kpage.rle
run $FRAGSTAT_BIN map --root badend
is "$err" "fragstat: badend/proc/kpage.rle:32:5: end 125 but the runs cover 124 pfns" "an end that disagrees with the runs"
cp -r cap trunc
sed -i '$d' trunc/proc/kpage.rle
run $FRAGSTAT_BIN map --root trunc
is "$err" "fragstat: trunc/proc/kpage.rle:32:1: expected a run or \"end N\", found the end of the file" "a truncated kpage.rle"

# diff --pages compares block classes: the unevictable block turns unmovable.
mktree syn
mktree syn0
printf '0\n' > syn0/proc/sys/vm/compact_unevictable_allowed
golden diff.txt $FRAGSTAT diff --pages syn syn0
golden diff.json $FRAGSTAT diff --pages -o json syn syn0
run $FRAGSTAT_BIN diff syn syn0
case $out in *pageblock*) r=1 ;; *) r=0 ;; esac
ok "diff without --pages says nothing about pageblocks" -- test $r = 0

run $FRAGSTAT_BIN snapshot --pages -i /dev/null
is "$rc" 1 "--pages with --input: usage error"
done_testing
