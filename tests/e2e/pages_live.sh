#!/bin/sh
# The live page layout (root): memory whose frames we know reads as movable
# frames in movable pageblocks, and as free after it is freed; creating many
# files in a tmpfs (dentries and inodes: slab) adds slab pages and unmovable
# or mixed pageblocks. Other engineers' work runs beside this test, so the
# block checks ask for a clear majority, not every block. SKIP without root.
. "${top_srcdir:-.}/tests/setup.sh"
[ "$(id -u)" -eq 0 ] || skip_all "not root: /proc/kpageflags is mode 0400"
[ -r /proc/kpageflags ] || skip_all "no /proc/kpageflags"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
unset FRAGSTAT_FAKE_TIME
HOLD=$BUILD/tests/pages/pfn_hold
order=$(sed -n 's/^Page block order: *//p' /proc/pagetypeinfo)
[ -n "$order" ] || skip_all "no pageblock order in /proc/pagetypeinfo"

# classes FILE MAPJSON: the class of each block listed in FILE, one a line.
classes() {
	python3 - "$1" "$2" <<'PY'
import json, sys
want = [int(l) for l in open(sys.argv[1]) if l.strip()]
cls = {}
for z in json.load(open(sys.argv[2]))["zones"]:
    b = z["first_block"]
    for c, n in z["runs"]:
        for i in range(n):
            cls[b + i] = c
        b += n
for w in want:
    print(cls.get(w, "none"))
PY
}

# Without root: map refuses (exit 2, says why), snapshot --pages goes on
# with both files "denied" and nothing else changed.
if command -v setpriv >/dev/null 2>&1 &&
	setpriv --reuid=65534 --regid=65534 --clear-groups $FRAGSTAT_BIN --version >/dev/null 2>&1; then
	AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
	run $AS $FRAGSTAT_BIN map
	is "$rc" 2 "as nobody: map exits 2"
	is "$err" "fragstat: /proc/kpageflags: denied (the file is mode 0400: run as root)" "and says the file needs root"
	run $AS $FRAGSTAT_BIN snapshot --pages -o json --no-kernel-check
	is "$rc" 0 "as nobody: snapshot --pages exits 0"
	case $out in *'"kpageflags": "denied"'*'"kpagecount": "'*) r=0 ;; *) r=1 ;; esac
	ok "sources.kpageflags is denied" -- test $r = 0
	case $out in *pageblock_content*|*compaction_ceiling_blocks*) r=1 ;; *) r=0 ;; esac
	ok "and no zone has page layout keys" -- test $r = 0
else
	echo "# cannot run fragstat as nobody: the unprivileged checks are left out"
fi

# hold MODE: start pfn_hold with 256 MiB; fills frames, movable, blocks.
hold() {
	rm -f "$TMP/in" "$TMP/hold.out"
	mkfifo "$TMP/in"
	"$HOLD" 256 "$TMP/blocks" "$order" "$1" < "$TMP/in" > "$TMP/hold.out" &
	hold=$!
	exec 3> "$TMP/in"
	for i in $(seq 100); do [ -s "$TMP/hold.out" ] && break; sleep 0.1; done
	read -r _ frames _ movable _ blocks < "$TMP/hold.out"
	echo "# $1: held 256 MiB: $frames frames, $movable movable by fragstat's rules, $blocks whole pageblocks"
}
release() {
	echo done >&3
	exec 3>&-
	wait $hold
	freed=$(sed -n 's/^freed //p' "$TMP/hold.out")
}

# Base pages: the kernel interleaves them with other allocations, so the
# check is per frame (the same rules as the map, on the frames we own).
hold base
ok "base pages: the frames of 256 MiB are known from /proc/self/pagemap" -- test "${frames:-0}" -ge 60000
ok "base pages: at least 99% classify as movable ($movable of $frames)" -- test "$((${movable:-0} * 100))" -ge "$((${frames:-1} * 99))"
release
# Freed base pages go to the per-cpu lists first, and the next allocation
# anywhere on the machine takes them from there: half is asked for.
ok "base pages: right after the unmap at least half read free or unused (${freed:-0} of $frames)" -- \
	test "$((${freed:-0} * 2))" -ge "${frames:-1}"

# Huge pages (THP, madvise): each fills a pageblock, so whole blocks are ours.
hold thp
ok "thp: frames known" -- test "${frames:-0}" -ge 60000
ok "thp: at least 99% classify as movable ($movable of $frames)" -- test "$((${movable:-0} * 100))" -ge "$((${frames:-1} * 99))"
if [ "${blocks:-0}" -ge 16 ]; then
	run $FRAGSTAT_BIN map -o json
	printf '%s\n' "$out" > "$TMP/map1.json"
	is "$rc" 0 "live map -o json: exit 0"
	classes "$TMP/blocks" "$TMP/map1.json" | sort | uniq -c > "$TMP/c1"
	sed 's/^/# held: /' "$TMP/c1"
	mov=$(awk '$2 == "movable" { print $1 }' "$TMP/c1")
	bad=$(awk '$2 != "movable" && $2 != "free" { s += $1 } END { print s + 0 }' "$TMP/c1")
	ok "our blocks read movable (${mov:-0} of $blocks; at least 90%)" -- test "$((${mov:-0} * 10))" -ge "$((blocks * 9))"
	is "$bad" 0 "none of our blocks reads other than movable or free (migration may free one)"
	release
	run $FRAGSTAT_BIN map -o json
	printf '%s\n' "$out" > "$TMP/map2.json"
	classes "$TMP/blocks" "$TMP/map2.json" | sort | uniq -c > "$TMP/c2"
	sed 's/^/# freed: /' "$TMP/c2"
	free=$(awk '$2 == "free" { print $1 }' "$TMP/c2")
	ok "thp: right after the unmap at least 90% of the frames read free or unused (${freed:-0} of $frames)" -- \
		test "$((${freed:-0} * 10))" -ge "$((${frames:-1} * 9))"
	# Reading the map takes seconds, and freed 2 MiB blocks are what the
	# next huge page (make check, other engineers) takes first: a third.
	ok "after the memory is freed, the map shows our blocks free (${free:-0} of $blocks; at least a third)" -- \
		test "$((${free:-0} * 3))" -ge "$blocks"
else
	release
	echo "# only ${blocks:-0} huge pages: no free pageblocks to get them from; block checks left out"
fi

# Slab: 300,000 files in a fresh tmpfs (a dentry and a shmem inode each,
# about 1 KiB of slab a file: some 70,000 pages). tmpfs dentries cannot be
# reclaimed while the files exist, but other people's slab can shrink at
# the same moment (drop_caches, reclaim), so a try whose numbers another
# workload swamped is made once more; a wrong classification fails both.
slab_and_blocks() {
	$FRAGSTAT_BIN snapshot --pages -o json | python3 -c '
import json, sys
d = json.load(sys.stdin)
s = b = 0
for n in d["nodes"]:
    for z in n["zones"]:
        if "pages_by_class" in z:
            s += z["pages_by_class"]["slab"]
            b += z["pageblock_content"]["mixed"] + z["pageblock_content"]["unmovable"]
print(s, b)'
}
mkdir "$TMP/mnt"
if mount -t tmpfs -o size=64m,nr_inodes=400000 fragstat-test "$TMP/mnt" 2>/dev/null; then
	for try in 1 2; do
		read -r slab0 blk0 <<EOT
$(slab_and_blocks)
EOT
		mkdir "$TMP/mnt/d$try"
		(cd "$TMP/mnt/d$try" && seq 300000 | xargs touch)
		read -r slab1 blk1 <<EOT
$(slab_and_blocks)
EOT
		echo "# try $try: slab pages $slab0 -> $slab1, mixed + unmovable pageblocks $blk0 -> $blk1"
		[ "$slab1" -ge "$((slab0 + 30000))" ] && [ "$blk1" -gt "$blk0" ] && break
		rm -rf "$TMP/mnt/d$try"
	done
	ok "300,000 tmpfs files add at least 30,000 slab pages" -- test "$slab1" -ge "$((slab0 + 30000))"
	ok "and more pageblocks are mixed or unmovable" -- test "$blk1" -gt "$blk0"
	umount "$TMP/mnt"
else
	echo "# cannot mount a tmpfs: slab check left out"
fi
done_testing
