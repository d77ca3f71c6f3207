#!/bin/sh
# simulate --from a capture with a page layout (src/sim/sim_layout.c): the
# synthetic tree of tests/fixtures/pages/ seeded page by page (free lists
# per order and per type worked by hand below), the raw files and the
# kpage.rle form seed the same machine, the result does not depend on the
# seed, and the real layouts of tests/fixtures/simfrom/ (see its SOURCE)
# seed their free blocks exactly and survive full compaction under --check.
# Bad layouts: a malformed kpage.rle and a link leaving the tree fail.
. "${top_srcdir:-.}/tests/setup.sh"
need jq jq
MK=$BUILD/tests/pages/kpage_mk
cd "$TMP"
rm -rf syn
cp -r "$FIX/pages/synthetic-6.18" syn
"$MK" syn/proc < syn/layout

# The synthetic layout (pageblock order 3, orders 0..3; see its `layout`):
# DMA (pfns 1..31): free runs 1..7 -> 1/o0 2/o1 4/o2, and 8..11 -> 8/o2
#   (12..15 are unused: not free). Free blocks [1,1,2,0].
# Normal (pfns 32..127): free runs 36..39 -> 36/o2, 88..95 -> 88/o3,
#   97..103 -> 97/o0 98/o1 100/o2, 120..123 -> 120/o2. Free blocks [1,1,3,1].
# Pageblock types: pagetypeinfo says DMA 1 Unmovable of 4, Normal 4 of 12.
#   DMA: no block holds an unmovable page: the lowest pfn, block 0
#   (1/o0 2/o1 4/o2 on Unmovable, 8/o2 on Movable).
#   Normal, by unmovable minus movable pages: block 56..63 (slab order 2,
#   two page tables, an order-1 compound page: 8), 104..111 (zero page: 1),
#   then the lowest blocks with 0: 64..71 (hugetlb) and 88..95 (free):
#   88/o3 on Unmovable, the rest Movable.
run $FRAGSTAT simulate --from syn --compaction none --check -o json
is "$rc" 0 "synthetic layout: exit 0 under --check"
printf '%s\n' "$out" > raw.json
is "$(jq -c '[.timeline[0].zones[].free_blocks]' raw.json)" "[[1,1,2,0],[1,1,3,1]]" \
	"synthetic layout: free blocks per order placed from the layout"
is "$(jq -c '[.final.nodes[0].zones[].free_blocks_by_type | .Unmovable, .Movable]' raw.json)" \
	"[[1,1,1,0],[0,0,1,0],[0,0,0,1],[1,1,3,0]]" \
	"synthetic layout: free blocks per type (pageblock types chosen to pagetypeinfo's counts)"
is "$(jq -c '[.final.nodes[0].zones[].pageblocks.Unmovable]' raw.json)" "[1,4]" \
	"synthetic layout: pagetypeinfo's Unmovable block counts kept"

# The same layout as kpage.rle (gaps read 0, as kpage_mk writes them).
mkdir -p rle
cp -r syn/. rle/
rm rle/proc/kpageflags rle/proc/kpagecount
awk '
	/^#/ { next }
	{ sub(/#.*/, "") }
	$1 == "end" { end = $2; next }
	NF == 4 { n++; p[n] = $1; l[n] = $2; f[n] = tolower($3); c[n] = $4 }
	END {
		print "fragstat-kpage-rle 1"
		at = 0
		for (i = 1; i <= n; i++) {
			if (p[i] > at) print p[i] - at, 0, 0
			print l[i], f[i], c[i]
			at = p[i] + l[i]
		}
		if (end > at) print end - at, 0, 0
		print "end", end
	}' syn/layout > rle/proc/kpage.rle
run $FRAGSTAT simulate --from rle --compaction none --check -o json
is "$rc" 0 "kpage.rle form: exit 0"
printf '%s\n' "$out" | sed 's|"from": "rle"|"from": "syn"|' > rle.json
same_file raw.json rle.json "kpage.rle form seeds the same machine as the raw files"

# A known layout is deterministic: the seed changes nothing.
$FRAGSTAT simulate --from syn --compaction full --seed 1 -o json > s1.json
$FRAGSTAT simulate --from syn --compaction full --seed 9 -o json |
	sed 's|"seed": 9|"seed": 1|; s|"seed_first": 9|"seed_first": 1|; s|"seed_last": 9|"seed_last": 1|' > s9.json
same_file s1.json s9.json "synthetic layout: seeds 1 and 9 give the same run"

# Real layouts (tests/fixtures/simfrom/SOURCE).
buddy() { # the free blocks per order of buddyinfo rows, as JSON arrays
	awk '{ printf "%s[", sep; s = ""; for (i = 5; i <= NF; i++) { printf "%s%s", s, $i; s = "," }
	       printf "]"; sep = "," } END { print "" }' "$1"
}
for name in x86_64-6.18-dma32 x86_64-6.18-window; do
	cap="$FIX/simfrom/$name"
	run $FRAGSTAT simulate --from "$cap" --compaction full --check -o json
	is "$rc" 0 "$name: full compaction under --check"
	printf '%s\n' "$out" > real.json
	is "$(jq -c '[.timeline[0].zones[].free_blocks]' real.json)" "[$(buddy "$cap/proc/buddyinfo")]" \
		"$name: the seeded free blocks are the capture's (buddyinfo and layout agree)"
	is "$(jq -c '[.timeline[-1].zones[].free_pages]' real.json)" \
		"$(jq -c '[.timeline[0].zones[].free_pages]' real.json)" \
		"$name: compaction keeps the number of free pages"
	$FRAGSTAT simulate --from "$cap" --compaction full --seed 5 -o json |
		sed 's|"seed": 5|"seed": 42|; s|"seed_first": 5|"seed_first": 42|; s|"seed_last": 5|"seed_last": 42|' > real5.json
	same_file real.json real5.json "$name: another seed gives the same run"
done

# A workload on a seeded layout never frees a reserved page or a hugetlb
# folio (sim_free refuses reserved pages: the run would fail).
run $FRAGSTAT simulate --from "$FIX/simfrom/x86_64-6.18-window" -w random --ops 3000 --seed 3
is "$rc" 0 "window: a random workload over the seeded layout runs"

# Bad layouts: an error naming the file, exit 2.
mkdir -p bad
cp -r rle/. bad/
sed -i 's/^end 124$/end 125/' bad/proc/kpage.rle
run $FRAGSTAT simulate --from bad --compaction none
is "$rc" 2 "malformed kpage.rle: exit 2"
ok "malformed kpage.rle: the message names the file and line" -- \
	sh -c 'printf "%s" "$1" | grep -q "kpage.rle:[0-9]*:[0-9]*: end 125 but the runs cover 124 pfns"' _ "$err"
mkdir -p evil/proc
cp syn/proc/buddyinfo syn/proc/zoneinfo syn/proc/pagetypeinfo evil/proc/
ln -s "$TMP/rle/proc/kpage.rle" evil/proc/kpage.rle
run $FRAGSTAT simulate --from evil --compaction none
is "$rc" 2 "kpage.rle linking outside the tree: exit 2"
ok "link outside the tree: refused" -- sh -c 'printf "%s" "$1" | grep -q "refused"' _ "$err"
done_testing
