#!/bin/sh
# The real dashboard, driven in tmux: first screen, the tree changing under
# it, zones going away, help listing every key, pause, views, resize, ASCII
# and Unicode graphs, and the terminal restored after q, SIGTERM, SIGHUP,
# SIGQUIT and C-c; buddyinfo vanishing and coming back while it runs.
. "${top_srcdir:-.}/tests/setup.sh"
command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"

SOCK=fragstat-test-$$
T="tmux -L $SOCK -f /dev/null"
trap '$T kill-server >/dev/null 2>&1; rm -rf "$TMP"' EXIT

R=$TMP/root
cp -R "$FIX/real/x86_64-vm-6.18-idle" "$R"
buddy() { # Normal's order-0 count, then whether DMA is listed (yes/no)
	{
		[ "$2" = yes ] && echo 'Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 '
		echo 'Node 0, zone    DMA32   1449   1452   1453   1451     16     12      9      7      8      8    724 '
		echo "Node 0, zone   Normal  $1   2191   2153   2558   1248    760    476    316    177    280   4574 "
	} > "$R/proc/buddyinfo.new"
	mv "$R/proc/buddyinfo.new" "$R/proc/buddyinfo"
}
buddy 12345 yes

screen() { $T capture-pane -p -t w; }
# wait_screen PATTERN [SECONDS]: true once the pane shows PATTERN (grep -E).
wait_screen() {
	n=0
	while ! screen | grep -Eq -- "$1"; do
		n=$((n + 1)); [ $n -gt $((${2:-10} * 10)) ] && { screen | sed 's/^/# | /'; return 1; }
		sleep 0.1
	done
}
gone() { # wait until PATTERN is no longer on the screen
	n=0
	while screen | grep -Eq -- "$1"; do
		n=$((n + 1)); [ $n -gt 100 ] && { screen | sed 's/^/# | /'; return 1; }
		sleep 0.1
	done
}

# A shell in a 100x30 window; the prompt marks "back at the shell".
$T new-session -d -s w -x 100 -y 30 "env PS1='fs-prompt\$ ' /bin/sh"
$T set-option -g status off >/dev/null 2>&1
wait_screen 'fs-prompt' 10
$T send-keys -t w "stty -g > '$TMP/stty.before'; echo \$\$ > /dev/null" Enter
# The wrapper ignores SIGINT itself so that it can report how fragstat ended
# (fragstat installs its own handler, which replaces the inherited SIG_IGN).
cat > "$TMP/run.sh" <<RUN
ulimit -c 0   # SIGQUIT is re-raised: no core file
trap '' INT
sh -c 'echo \$\$ > "$TMP/pid"; exec $FRAGSTAT watch --root "$R" -i 0.2'
echo EXIT:\$?
stty -g > "$TMP/stty.after"
RUN
START="sh '$TMP/run.sh'"
$T send-keys -t w "$START" Enter

# --- first screen ---------------------------------------------------------
ok "first screen: the Orders view" -- wait_screen '^\[1 Orders\]' 10
ok "first screen: zone list with the selected zone" -- wait_screen '^zones: +DMA +DMA32 +\[Normal\]'
ok "first screen: Normal's order-0 row from the tree" -- wait_screen '^ +0 +12345 +12345 '
ok "first screen: the focus order row, verdict ok" -- wait_screen '^> 9 +280 +143k .* -1\.000 ok'
ok "first screen: the focus verdict explained" -- wait_screen '^ok: free .* a free block of order >= 9'
ok "first screen: watermarks from zoneinfo" -- wait_screen '^watermarks +min 14773 +low 20179 +high 25585'
ok "first screen: compaction rates" -- wait_screen '^compaction/s +stall 0 +success 0 +fail 0'
ok "ASCII graphs under LC_ALL=C" -- sh -c "$T capture-pane -p -t w | grep -q '^ 10 .*#####' && ! $T capture-pane -p -t w | grep -q \"\$(printf '\342\226\210')\""
ok "key hints on the last line" -- sh -c "$T capture-pane -p -t w | tail -1 | grep -q '^q quit  ? help  space pause'"

# --- the tree changes between refreshes -----------------------------------
buddy 54321 yes
ok "a rewritten buddyinfo appears" -- wait_screen '^ +0 +54321 +54321 '
buddy 54321 no
ok "a zone that disappears leaves the zone list" -- wait_screen '^zones: +DMA32 +\[Normal\]'
buddy 54321 yes
ok "and comes back" -- wait_screen '^zones: +DMA +DMA32 +\[Normal\]'

# --- help -----------------------------------------------------------------
$T send-keys -t w '?'
ok "? opens the help screen" -- wait_screen 'fragstat watch - keys'
missing=
for k in 'q F10 +quit' '\? h F1 ' 'space p +pause' '\+ +longer interval' '- +shorter interval' 'Tab +next view' \
	 'n +next node' 'z Right +next zone' 'o Down +focus the next higher' 'O Up +focus the next lower' \
	 't +replay: step' 'T +replay: step to the previous' 'j +replay: jump'; do
	screen | grep -Eq "^  $k" || missing="$missing [$k]"
done
is "$missing" "" "help lists every key of the issue"
$T send-keys -t w x
ok "any key closes help" -- wait_screen '^\[1 Orders\]'

# --- pause ----------------------------------------------------------------
$T send-keys -t w ' '
ok "space pauses" -- wait_screen 'PAUSED'
buddy 77777 yes
sleep 1.2   # six intervals
ok "paused: the screen keeps the old sample" -- sh -c "$T capture-pane -p -t w | grep -Eq '^ +0 +54321 ' && ! $T capture-pane -p -t w | grep -q 77777"
$T send-keys -t w ' '
ok "space resumes and the new sample shows" -- wait_screen '^ +0 +77777 +77777 '
ok "PAUSED is gone" -- gone 'PAUSED'

# --- views ----------------------------------------------------------------
$T send-keys -t w Tab
ok "Tab: migratetypes view" -- wait_screen '^ 1 Orders  \[2 Migratetypes\]'
ok "migratetypes: Movable row from pagetypeinfo" -- wait_screen '^Movable +2572 +946 +1344 '
$T send-keys -t w Tab
ok "Tab: compaction view" -- wait_screen '\[3 Compaction\]'
ok "compaction: counters since boot from vmstat" -- wait_screen '^compact_migrate_scanned +8\.76M +0 '
$T send-keys -t w Tab
ok "Tab: watermarks view" -- wait_screen '\[4 Watermarks\]'
ok "watermarks: every zone with min/low/high" -- wait_screen '^> +0 Normal .* 14773 +20179 +25585 '
$T send-keys -t w Tab
ok "Tab: map view (the tree has no page layout)" -- wait_screen '\[5 Map\]'
ok "map: says why there is no map" -- wait_screen '^Page map: missing'
$T send-keys -t w Tab
ok "Tab cycles back to orders" -- wait_screen '^\[1 Orders\]'
$T send-keys -t w z
ok "z selects the next zone (wraps to DMA)" -- wait_screen '^zones: +\[DMA\] +DMA32 +Normal'
$T send-keys -t w o
ok "o moves the focus order up" -- wait_screen '^> ?10 '

# --- resize ---------------------------------------------------------------
$T resize-window -t w -x 60 -y 20
ok "resize to 60x20: the status line moves to row 20" -- \
	sh -c 'n=0; while :; do l=$('"$T"' capture-pane -p -t w | sed -n 20p); case "$l" in "q quit"*) exit 0;; esac; n=$((n+1)); [ $n -gt 100 ] && exit 1; sleep 0.1; done'
ok "resize: no line wider than 60" -- sh -c "! $T capture-pane -p -t w | awk 'length > 60 { bad = 1 } END { exit !bad }'"
$T resize-window -t w -x 120 -y 40
ok "resize to 120x40: the status line on row 40" -- \
	sh -c 'n=0; while :; do l=$('"$T"' capture-pane -p -t w | sed -n 40p); case "$l" in "q quit"*) exit 0;; esac; n=$((n+1)); [ $n -gt 100 ] && exit 1; sleep 0.1; done'

# --- q restores the terminal ------------------------------------------------
$T send-keys -t w q
ok "q quits with status 0" -- wait_screen '^EXIT:0([^0-9]|$)'
ok "q: the dashboard is gone (alternate screen left)" -- sh -c "! $T capture-pane -p -t w | grep -q 'zones:'"
ok "q: the shell prompt is back" -- wait_screen 'fs-prompt\$ ?$'
sleep 0.2
same_file "$TMP/stty.after" "$TMP/stty.before" "q: terminal modes restored (stty -g)"

# --- SIGTERM restores the terminal ------------------------------------------
rm -f "$TMP/stty.after" "$TMP/pid"
$T send-keys -t w clear Enter "$START" Enter
wait_screen '^\[1 Orders\]' 10
kill -TERM "$(cat "$TMP/pid")"
ok "SIGTERM: exits with 128+15" -- wait_screen '^EXIT:143'
ok "SIGTERM: the dashboard is gone" -- sh -c "! $T capture-pane -p -t w | grep -q 'zones:'"
sleep 0.2
same_file "$TMP/stty.after" "$TMP/stty.before" "SIGTERM: terminal modes restored"

# --- C-c (SIGINT) -----------------------------------------------------------
rm -f "$TMP/stty.after"
$T send-keys -t w clear Enter "$START" Enter
wait_screen '^\[1 Orders\]' 10
$T send-keys -t w C-c
ok "C-c: exits with 128+2" -- wait_screen '^EXIT:130'
sleep 0.2
same_file "$TMP/stty.after" "$TMP/stty.before" "C-c: terminal modes restored"

# --- SIGHUP (the terminal went away) -----------------------------------------
rm -f "$TMP/stty.after" "$TMP/pid"
$T send-keys -t w clear Enter "$START" Enter
wait_screen '^\[1 Orders\]' 10
kill -HUP "$(cat "$TMP/pid")"
ok "SIGHUP: exits with 128+1" -- wait_screen '^EXIT:129'
sleep 0.2
same_file "$TMP/stty.after" "$TMP/stty.before" "SIGHUP: terminal modes restored"

# --- SIGQUIT (C-\\) restores the terminal too (issue 11) -----------------------
rm -f "$TMP/stty.after" "$TMP/pid"
$T send-keys -t w clear Enter "$START" Enter
wait_screen '^\[1 Orders\]' 10
kill -QUIT "$(cat "$TMP/pid")"
ok "SIGQUIT: exits with 128+3" -- wait_screen '^EXIT:131'
ok "SIGQUIT: the dashboard is gone (alternate screen left)" -- sh -c "! $T capture-pane -p -t w | grep -q 'zones:'"
sleep 0.2
same_file "$TMP/stty.after" "$TMP/stty.before" "SIGQUIT: terminal modes restored (echo back on)"

# --- buddyinfo vanishes and comes back while the dashboard runs -------------
rm -f "$TMP/stty.after"
$T send-keys -t w clear Enter "$START" Enter
wait_screen '^\[1 Orders\]' 10
mv "$R/proc/buddyinfo" "$TMP/buddyinfo.away"
ok "vanished buddyinfo: the status line names it" -- wait_screen 'proc/buddyinfo: No such file' 10
ok "vanished buddyinfo: the dashboard keeps running" -- sh -c "$T capture-pane -p -t w | grep -q 'zones:'"
ok "vanished buddyinfo: the last good numbers stay on screen" -- sh -c "$T capture-pane -p -t w | grep -q '^ *0 *77777 '"
buddy 54321 yes
ok "buddyinfo back: the new counts are shown" -- wait_screen '^ +0 +54321 +54321 ' 10
ok "buddyinfo back: the error is gone from the status line" -- sh -c "! $T capture-pane -p -t w | grep -q 'buddyinfo: No such file'"
$T send-keys -t w q
ok "after the gap, q still exits 0" -- wait_screen '^EXIT:0([^0-9]|$)' 10
sleep 0.2
same_file "$TMP/stty.after" "$TMP/stty.before" "after the gap: terminal modes restored"

# --- Unicode graphs with a UTF-8 locale --------------------------------------
utf=$(locale -a 2>/dev/null | grep -i -m1 -E '^(C|en_US)\.utf-?8$' || true)
if [ -n "$utf" ]; then
	$T send-keys -t w clear Enter "LC_ALL=$utf $START" Enter
	ok "UTF-8 locale: block characters in the histogram" -- wait_screen "^ 10 .*$(printf '\342\226\210')" 10
	$T send-keys -t w q
	wait_screen '^EXIT:0([^0-9]|$)' 10
else
	ok "# SKIP no UTF-8 locale" -- true
fi

# --- 80x24: opens on the zone in trouble, Up/Down follow the rows, every
# view and the help fit ------------------------------------------------------
# The openstack capture: DMA32 has the most free memory (90124 pages) and
# serves the order-9 THP fault; Normal, first in the zonelist, has no free
# block of order >= 9. The dashboard must open on Normal, not on DMA32.
$T send-keys -t w q
$T new-session -d -s s -x 80 -y 24 "$FRAGSTAT watch --root '$FIX/real/x86_64-hotsos-openstack-compute4-5.4.0-97' -i 5; sleep 30"
screen() { $T capture-pane -p -t s; }
ok "80x24: opens on the zone in trouble (Normal), not the largest (DMA32)" -- wait_screen '^zones: +DMA +DMA32 +\[Normal\]' 10
ok "80x24: a tree without a capture note has no time" -- wait_screen '^ fragstat watch .* time unknown ' 5
ok "80x24: the focus row is order 9" -- wait_screen '^> 9 ' 5
$T send-keys -t s Down
ok "80x24: Down moves the focus to the row below (order 10)" -- wait_screen '^>10 ' 5
$T send-keys -t s Up Up
ok "80x24: Up moves it to the row above (order 8)" -- wait_screen '^> 8 ' 5
ok "80x24: orders view shows its last section" -- wait_screen '^compaction/s' 5
$T send-keys -t s 3
ok "80x24: compaction view shows the node line, whole" -- wait_screen '^node 0: no proactive compaction \(before 5\.9\)  huge pages 133 now, 178 max$|^node 0: proactive score unknown  huge pages 133 now, 178 max$' 5
$T send-keys -t s 4
ok "80x24: watermarks view legend, whole" -- wait_screen '> the selected zone$' 5
ok "80x24: watermarks view header, whole" -- wait_screen '^node zone .* order [0-9]+  free:mlh$' 5
$T send-keys -t s '?'
ok "80x24: help shows the last key (C-l) too" -- wait_screen 'C-l +redraw the screen' 5
ok "80x24: help shows the colours line" -- wait_screen 'Colours: green ok' 5
$T send-keys -t s q
$T kill-session -t s >/dev/null 2>&1 || true
done_testing
