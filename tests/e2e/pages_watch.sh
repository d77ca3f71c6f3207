#!/bin/sh
# watch's page map view (key m), driven in tmux over the synthetic tree of
# tests/fixtures/pages: the selected zone's pageblocks as fragstat map draws
# them, the age of the map, and a reread on its own interval
# (--map-interval) that picks up a change in the tree.
. "${top_srcdir:-.}/tests/setup.sh"
command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"
SOCK=fragstat-pages-$$
T="tmux -L $SOCK -f /dev/null"
trap '$T kill-server >/dev/null 2>&1; rm -rf "$TMP"' EXIT
R=$TMP/syn
cp -r "$FIX/pages/synthetic-6.18" "$R"
"$BUILD/tests/pages/kpage_mk" "$R/proc" < "$R/layout"
screen() { $T capture-pane -p -t w; }
wait_screen() {
	n=0
	while ! screen | grep -Eq -- "$1"; do
		n=$((n + 1)); [ $n -gt $((${2:-10} * 10)) ] && { screen | sed 's/^/# | /'; return 1; }
		sleep 0.1
	done
}
$T new-session -d -s w -x 100 -y 30 "env PS1='fs-prompt\$ ' /bin/sh"
$T set-option -g status off >/dev/null 2>&1
wait_screen 'fs-prompt' 10
$T send-keys -t w "$FRAGSTAT watch --root '$R' -i 0.5 --map-interval 2; echo EXIT:\$?" Enter
ok "the dashboard starts" -- wait_screen '^\[1 Orders\]' 10
ok "the view list has the map" -- wait_screen ' 5 Map( |$)' 5
$T send-keys -t w m
ok "m shows the page map of the selected zone" -- wait_screen 'Page map, node 0 zone Normal: read [0-9]+s ago \(every 2s' 10
ok "with its pageblock counts" -- wait_screen '\. free 1 +m movable 4 +x mixed 3 +U unmovable 2 +H hugetlb 1 +r reserved 1' 5
ok "the ceiling with the free pages now" -- wait_screen 'compaction can free at most 3 of 12 pageblocks \(free pages now: 27\)' 5
ok "and the blocks as fragstat map draws them" -- wait_screen '^0x000000020 mmxUHmm\.xUrx' 5
printf '0\n' > "$R/proc/sys/vm/compact_unevictable_allowed"
ok "reread on its own interval: the unevictable block turns unmovable" -- wait_screen '^0x000000020 mmxUHUm\.xUrx' 10
$T send-keys -t w Z
ok "the previous zone (DMA32 is absent: DMA)" -- wait_screen '^0x000000000 -\.rr' 5
$T send-keys -t w q
ok "q quits with status 0" -- wait_screen '^EXIT:0' 10
done_testing
