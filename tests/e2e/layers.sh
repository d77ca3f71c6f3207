#!/bin/sh
# The layers in HACKING.md, enforced: no source file includes a header its
# layer must not see. The rules are data (RULES below): a new area adds a
# line. A project header ("x.h") is named by its path under src/ (headers
# are found through -I, so "render_json.h" is src/render/render_json.h); a
# system header by <x.h>.
#
# Each rule: FILES FORBIDDEN EXCEPT WHY
#   FILES      shell pattern over the including file (src/core/*)
#   FORBIDDEN  shell pattern over what it includes (src/render/*, <jansson.h>)
#   EXCEPT     files the rule leaves out (- for none)
#   WHY        the sentence printed when the rule is broken
. "${top_srcdir:-.}/tests/setup.sh"

RULES='
src/core/snapshot.h  *                    -                     the model includes no other header of the project
src/core/snapshot.h  config.h             -                     the model includes no other header of the project
src/core/*           src/readers/*        -                     computation does not include collection
src/core/*           src/render/*         -                     computation does not include presentation
src/core/*           src/watch/*          -                     computation does not include the dashboard
src/core/*           src/cmd/*            -                     computation does not include the commands
src/core/*           src/sim/*            -                     computation does not include the simulator
src/readers/*        src/render/*         -                     collection does not include presentation
src/readers/*        src/watch/*          -                     collection does not include the dashboard
src/readers/*        src/cmd/*            -                     collection does not include the commands (cli.h, cmd_*)
src/render/*         src/readers/procfs.h -                     presentation does not include the file readers
src/render/*         src/readers/rd_*.h   -                     presentation does not include the file readers
src/render/*         src/readers/readers.h -                    presentation does not include the file readers
src/render/*         src/sim/sim_internal.h -                   presentation does not include the simulator internals
src/io/*             src/render/*         -                     file writing does not include presentation
src/io/*             src/watch/*          -                     file writing does not include the dashboard
src/io/*             src/cmd/*            -                     file writing does not include the commands
src/events/*         src/render/*         -                     event collection and aggregation do not include presentation
src/events/*         src/watch/*          -                     event collection and aggregation do not include the dashboard
src/events/*         src/cmd/*            -                     event collection and aggregation do not include the commands
src/klog/*           src/render/*         -                     kernel-log parsing does not include presentation
src/klog/*           src/watch/*          -                     kernel-log parsing does not include the dashboard
src/klog/*           src/cmd/*            -                     kernel-log parsing does not include the commands
src/render/*         src/klog/klog_read.h -                     presentation does not include the file readers
src/*.h              <jansson.h>          -                     jansson does not leak through a header
src/core/*           <jansson.h>          -                     computation does not parse or write JSON
src/*                <curses.h>           src/watch/ui_curses.h curses only through src/watch/ui_curses.h
src/*                <ncurses.h>          src/watch/ui_curses.h curses only through src/watch/ui_curses.h
src/*                <ncursesw/*>         src/watch/ui_curses.h curses only through src/watch/ui_curses.h
src/*                <term.h>             src/watch/ui_curses.h curses only through src/watch/ui_curses.h
src/*                src/watch/ui_curses.h src/watch/ui*.c      curses only through src/watch/ui_curses.h
src/watch/ui_hist.c  src/watch/ui_curses.h -                    the history ring is pure: it builds and tests without curses
src/watch/ui_keys.c  src/watch/ui_curses.h -                    the key actions are pure: they build and test without curses
src/watch/ui_select.c src/watch/ui_curses.h -                   the selection is pure: it builds and tests without curses
src/watch/ui*        src/readers/*        -                     the dashboard draws what it is given: collection stays in watch_live.c
src/watch/*          src/cmd/*            -                     the dashboard does not include the commands
src/render/*         src/watch/*          -                     presentation does not include the dashboard
'

# includes DIR: one line "FILE:LINE TARGET" per #include of every source
# file under DIR/src, TARGET resolved to src/... for project headers.
includes() {
	(cd "$1" && find src -name '*.[ch]' | LC_ALL=C sort) > "$TMP/files"
	(cd "$1" && find src -name '*.h') | awk -F/ '{ print $NF, $0 }' | LC_ALL=C sort > "$TMP/headers"
	(cd "$1" && xargs awk '
		/^[ \t]*#[ \t]*include[ \t]*[<"]/ {
			s = $0; sub(/^[ \t]*#[ \t]*include[ \t]*/, "", s)
			if (substr(s, 1, 1) == "<") { t = s; sub(/>.*/, ">", t) }
			else { t = substr(s, 2); sub(/".*/, "", t); t = "\"" t }
			print FILENAME ":" FNR, t
		}' < "$TMP/files") |
	awk 'NR == FNR { path[$1] = $2; next }
		substr($2, 1, 1) == "\"" {
			h = substr($2, 2); n = split(h, p, "/")
			if (p[n] in path) $2 = path[p[n]]; else $2 = h
		}
		{ print }' "$TMP/headers" -
}

# violations: read "FILE:LINE TARGET" lines, print "FILE:LINE: includes
# TARGET: WHY" for every rule broken.
violations() {
	printf '%s\n' "$RULES" | while read -r files forbidden except why; do
		[ -n "$files" ] || continue
		while read -r where target; do
			f=${where%:*}
			# shellcheck disable=SC2254
			case $f in $files) ;; *) continue ;; esac
			# shellcheck disable=SC2254
			case $target in $forbidden) ;; *) continue ;; esac
			if [ "$except" != - ]; then
				# shellcheck disable=SC2254
				case $f in $except) continue ;; esac
			fi
			# "*" in the model rule means a project header, not a system one.
			if [ "$forbidden" = '*' ]; then
				case $target in src/*) ;; *) continue ;; esac
			fi
			echo "$where: includes $target: $why"
		done < "$TMP/inc"
	done
}

# The checker can fail: a tree with one broken rule of each kind.
mkdir -p "$TMP/bad/src/core" "$TMP/bad/src/readers" "$TMP/bad/src/render" "$TMP/bad/src/watch"
printf '#include "procfs.h"\n' > "$TMP/bad/src/core/snapshot.h"
printf '#include <stdio.h>\n#include "render_json.h"\n' > "$TMP/bad/src/readers/load.c"
printf '#include <jansson.h>\n' > "$TMP/bad/src/render/render_json.h"
printf '#include "procfs.h"\n#include <curses.h>\n' > "$TMP/bad/src/render/render.c"
printf '#include <curses.h>\n' > "$TMP/bad/src/watch/ui_curses.h"
printf '#include "ui_curses.h"\n' > "$TMP/bad/src/watch/ui.c"
printf '/* nothing */\n' > "$TMP/bad/src/readers/procfs.h"
includes "$TMP/bad" > "$TMP/inc"
violations | LC_ALL=C sort > "$TMP/got"
LC_ALL=C sort > "$TMP/want" <<'EOF'
src/core/snapshot.h:1: includes src/readers/procfs.h: computation does not include collection
src/core/snapshot.h:1: includes src/readers/procfs.h: the model includes no other header of the project
src/readers/load.c:2: includes src/render/render_json.h: collection does not include presentation
src/render/render.c:1: includes src/readers/procfs.h: presentation does not include the file readers
src/render/render.c:2: includes <curses.h>: curses only through src/watch/ui_curses.h
src/render/render_json.h:1: includes <jansson.h>: jansson does not leak through a header
EOF
same_file "$TMP/got" "$TMP/want" "the checker finds each broken rule in a made-up tree, and only those"

# The tree itself.
includes "$SRC" > "$TMP/inc"
ok "the sources include something (the scan works)" -- test "$(wc -l < "$TMP/inc")" -gt 100
violations > "$TMP/bad.txt"
ok "no source file includes a header its layer must not see" -- test ! -s "$TMP/bad.txt"
sed 's/^/# /' "$TMP/bad.txt"
# Every rule's FILES pattern names files that exist (a moved folder would
# otherwise turn its rules off without a word).
printf '%s\n' "$RULES" | while read -r files _; do
	[ -n "$files" ] || continue
	n=$(while read -r f; do
		# shellcheck disable=SC2254
		case $f in $files) echo "$f" ;; esac
	done < "$TMP/files" | wc -l)
	[ "$n" -gt 0 ] || echo "$files"
done | LC_ALL=C sort -u > "$TMP/empty"
ok "every rule applies to some file" -- test ! -s "$TMP/empty"
sed 's/^/# no file matches /' "$TMP/empty"
done_testing
