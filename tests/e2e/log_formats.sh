#!/bin/sh
# `fragstat log` on variations of real dumps, one per format rule: each
# variant must give the same parsed snapshot and cause as the clean dump it
# was made from (prefixes, quoting, quoted-printable, wrapping, rsyslog
# #012 / journal \x0a, missing letters, 64K pages), or the documented
# difference (cut-off report -> complete:false with a diagnostic; no report
# -> exit 2). Also: several reports (timeline), --root, hostile bytes.
. "${top_srcdir:-.}/tests/setup.sh"
D=$FIX/dmesg
S=$FIX/dmesg-synthetic
BASE=$D/x86_64-4.12rc4-order0-highuser-movable-vmware/log
q() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
# the parsed facts that must not depend on how the log was pasted
facts() {
	q "$1" "[(r['kind'], r['order'], r['gfp'], r['task'], r['page_size'], r['complete'], r['cause']['kind'], r['cpuset'], r['mems_allowed'], [(n['node'], [(z['zone'], z['free_blocks'], z['watermarks'], z['zoneinfo'].get('protection'), z['printed'].get('migratetypes_present')) for z in n['zones']]) for n in r['snapshot']['nodes']]) for r in d['reports']]"
}
$FRAGSTAT log -o json "$BASE" > "$TMP/base.json"
want=$(facts "$TMP/base.json")
ok "base parses" -- test -n "$want"

# variant NAME: $TMP/NAME.log is the transformed log
variant() {
	run $FRAGSTAT log -o json "$TMP/$1.log"
	printf '%s\n' "$out" > "$TMP/$1.json"
	is "$rc" 0 "$1: exits 0"
	is "$(facts "$TMP/$1.json")" "$want" "$1: same snapshot and cause as the clean dump"
}

sed 's/^\[ *[0-9.]*\] //' "$BASE" > "$TMP/no-timestamps.log"; variant no-timestamps
sed 's/^\[ *[0-9.]*\] /Jun 10 20:57:46 vm kernel: /' "$BASE" > "$TMP/syslog.log"; variant syslog
sed 's/^\[ *[0-9.]*\] /Jun 10 20:57:46 vm kernel: [   72.1] /' "$BASE" > "$TMP/syslog-and-timestamp.log"; variant syslog-and-timestamp
sed 's/^\[ *[0-9.]*\] /[Sat Jun 10 20:57:46 2017] /' "$BASE" > "$TMP/dmesg-T.log"; variant dmesg-T
sed 's/^\(\[ *[0-9.]*\]\) /\1[  T2236] /' "$BASE" > "$TMP/caller-id.log"; variant caller-id
sed 's/^\[ *[0-9.]*\] /kern  :warn  : /' "$BASE" > "$TMP/dmesg-x.log"; variant dmesg-x
sed 's/^/> /' "$BASE" > "$TMP/quoted.log"; variant quoted
sed 's/^/>> /' "$BASE" > "$TMP/quoted-twice.log"; variant quoted-twice
sed 's/^/\t/' "$BASE" > "$TMP/tab-indented.log"; variant tab-indented
sed '1s/^\[/ /; 1s/^ //; 1s/^/122365.832373] /' "$BASE" > "$TMP/lost-bracket.log"; variant lost-bracket
# other programs' syslog lines in between are ignored
sed 's/^\[ *[0-9.]*\] /Jun 10 20:57:46 vm kernel: /; 5a\
Jun 10 20:57:46 vm systemd[1]: Started Session 3 of user root.' "$BASE" > "$TMP/syslog-foreign-lines.log"; variant syslog-foreign-lines
# quoted-printable: '=' as =3D, soft breaks every 76 columns (also inside numbers)
python3 -c '
import sys
out = []
for line in open(sys.argv[1]):
    line = line.rstrip("\n").replace("=", "=3D")
    while len(line) > 75:
        cut = 75
        while "=" in line[cut - 2:cut]:   # never inside an =XX escape
            cut -= 1
        out.append(line[:cut] + "=")
        line = line[cut:]
    out.append(line)
print("\n".join(out))' "$BASE" > "$TMP/quoted-printable.log"; variant quoted-printable
# hard wraps at 72 columns: continuation lines carry no timestamp
fold -w 72 "$BASE" > "$TMP/wrapped-72.log"; variant wrapped-72
fold -w 120 "$BASE" > "$TMP/wrapped-120.log"; variant wrapped-120
# no timestamps and a wrapped buddy line (joined by content: no total yet)
sed 's/^\[ *[0-9.]*\] //' "$BASE" | sed 's/\(Node 0 DMA32: .*(UMEH)\) \(52\*64kB\)/\1\n\2/' > "$TMP/wrapped-buddy-no-prefix.log"; variant wrapped-buddy-no-prefix
# rsyslog #012 and journal \x0a join the Mem-Info counters into one record
python3 -c '
import sys, re
t = open(sys.argv[1]).read()
t = re.sub(r"\n\[ *[0-9.]*\]  (active_file|unevictable|slab_reclaimable|mapped|free:)", r"#012 \1", t)
print(t, end="")' "$BASE" > "$TMP/rsyslog-012.log"; variant rsyslog-012
python3 -c '
import sys, re
t = open(sys.argv[1]).read()
t = re.sub(r"\n\[ *[0-9.]*\]  (active_file|unevictable|slab_reclaimable|mapped|free:)", r"\\x0a \1", t)
print(t, end="")' "$BASE" > "$TMP/journal-x0a.log"; variant journal-x0a
# the next record glued onto a line (re-flowed syslog)
python3 -c '
import sys
t = open(sys.argv[1]).read()
t = t.replace("free_cma:0kB\n[   72.112517] lowmem_reserve", "free_cma:0kB        [   72.112517] lowmem_reserve")
print(t, end="")' "$BASE" > "$TMP/glued-record.log"; variant glued-record
# CRLF line ends
sed 's/$/\r/' "$BASE" > "$TMP/crlf.log"; variant crlf

# missing migratetype letters (before 3.5): same counts, no letters
sed 's/ ([UMEHRCI]*)//g' "$BASE" > "$TMP/noletters.log"
run $FRAGSTAT log -o json "$TMP/noletters.log"
printf '%s\n' "$out" > "$TMP/noletters.json"
is "$rc" 0 "no letters: exits 0"
is "$(q "$TMP/noletters.json" "[z['free_blocks'] for n in d['reports'][0]['snapshot']['nodes'] for z in n['zones']]")" \
   "$(q "$TMP/base.json" "[z['free_blocks'] for n in d['reports'][0]['snapshot']['nodes'] for z in n['zones']]")" \
   "no letters: same free blocks"
is "$(q "$TMP/noletters.json" "[z['printed'].get('migratetypes_present') for n in d['reports'][0]['snapshot']['nodes'] for z in n['zones']]")" \
   "[None, None]" "no letters: no migratetype presence claimed"

# 64 KiB pages: every kB figure x16 -> same page counts, page size 65536
python3 -c '
import sys, re
t = open(sys.argv[1]).read()
t = re.sub(r"(\d+)kB", lambda m: str(int(m.group(1)) * 16) + "kB", t)
print(t, end="")' "$BASE" > "$TMP/64k.log"
run $FRAGSTAT log -o json "$TMP/64k.log"
printf '%s\n' "$out" > "$TMP/64k.json"
is "$(q "$TMP/64k.json" "d['reports'][0]['page_size']")" 65536 "64K: page size from the first column"
is "$(q "$TMP/64k.json" "[(z['free_blocks'], z['watermarks'], z['zoneinfo']['pages_free']) for n in d['reports'][0]['snapshot']['nodes'] for z in n['zones']]")" \
   "$(q "$TMP/base.json" "[(z['free_blocks'], z['watermarks'], z['zoneinfo']['pages_free']) for n in d['reports'][0]['snapshot']['nodes'] for z in n['zones']]")" \
   "64K: same pages, watermarks and free pages"

# cut off in the middle of the DMA32 buddy line: reported, incomplete
sed '/Node 0 DMA32: /s/ 52\*64kB.*//' "$BASE" | sed '/hugepages_total/,$d' > "$TMP/cut.log"
run $FRAGSTAT log -o json "$TMP/cut.log"
printf '%s\n' "$out" > "$TMP/cut.json"
is "$rc" 0 "cut buddy line: exit 0 (the DMA zone is whole)"
is "$(q "$TMP/cut.json" "d['reports'][0]['complete']")" False "cut buddy line: complete false"
ok "cut buddy line: diagnostic names the line and the total" -- \
	sh -c 'grep -q "\"line\": 43" "$1" && grep -q "Node 0 DMA32: expected .= NkB" "$1"' _ "$TMP/cut.json"
# cut before any buddy line: nothing to analyse -> exit 2
sed '/Node 0 DMA: /,$d' "$BASE" > "$TMP/cut2.log"
run $FRAGSTAT log "$TMP/cut2.log"
is "$rc" 2 "cut before the buddy lines: exit 2"
ok "cut before the buddy lines: says so" -- sh -c 'printf "%s" "$1" | grep -q "none could be analysed"' _ "$err"
ok "cut before the buddy lines: the report is still listed" -- sh -c 'printf "%s" "$1" | grep -q "INCOMPLETE"' _ "$out"
# a total that does not match the counts: a diagnostic, not a silent number
sed 's/= 45476kB/= 45480kB/' "$BASE" > "$TMP/badtotal.log"
run $FRAGSTAT log "$TMP/badtotal.log"
is "$rc" 0 "wrong total: exit 0"
ok "wrong total: diagnostic with both figures" -- sh -c 'printf "%s" "$1" | grep -q "45476kB but the kernel printed = 45480kB"' _ "$out"
# no report at all
printf 'hello\nworld\n' > "$TMP/none.log"
run $FRAGSTAT log "$TMP/none.log"
is "$rc" 2 "no report: exit 2"
ok "no report: says what was expected" -- sh -c 'printf "%s" "$1" | grep -q "no allocation failure"' _ "$err"

# several reports: a timeline and the change between them
cat "$BASE" "$D/x86_64-6.19.11-cachyos-kswapd-order0-dmesg-T-zspages/log" "$S/fragmentation-order4.log" > "$TMP/three.log"
run $FRAGSTAT log "$TMP/three.log"
is "$rc" 0 "three reports: exit 0"
ok "three reports: timeline" -- sh -c 'printf "%s\n" "$1" | grep -q "^Timeline:"' _ "$out"
ok "three reports: change in free memory" -- sh -c 'printf "%s\n" "$1" | grep -q "407928 (+356240)"' _ "$out"
ok "three reports: table fits 80 columns" -- sh -c '! printf "%s\n" "$1" | sed 1d | grep -q "^.\{81\}"' _ "$out"
run $FRAGSTAT log -o json "$TMP/three.log"
printf '%s\n' "$out" > "$TMP/three.json"
is "$(q "$TMP/three.json" "[(r['line'], r['kind'], r['order'], r['cause']['kind']) for r in d['reports']]")" \
   "[(1, 'allocation_failure', 0, 'no_memory'), (55, 'allocation_failure', 0, 'lowmem_reserve'), (122, 'allocation_failure', 4, 'fragmentation')]" \
   "three reports: lines, kinds, orders, causes"

# synthetic causes
run $FRAGSTAT log -o json "$S/fragmentation-order4.log"
printf '%s\n' "$out" > "$TMP/frag.json"
is "$(q "$TMP/frag.json" "d['reports'][0]['cause']['kind']")" fragmentation "fragmentation: named"
ok "fragmentation: the sentence says free above min, no block" -- \
	sh -c 'grep -q "has 200000kB free, above min 10000kB, but no free block of order 4 (64kB)" "$1"' _ "$TMP/frag.json"
run $FRAGSTAT log -o json "$S/highatomic-order0.log"
printf '%s\n' "$out" > "$TMP/ha.json"
is "$(q "$TMP/ha.json" "d['reports'][0]['cause']['kind']")" highatomic_cma "highatomic: named"
is "$(q "$TMP/ha.json" "d['reports'][0]['zone_checks'][0]['minus_highatomic']")" 2048 "highatomic: free_highatomic subtracted"
# GFP_ATOMIC may use the highatomic reserve and half of min: it passes
sed 's/mode:0xcc0(GFP_KERNEL)/mode:0x820(GFP_ATOMIC)/' "$S/highatomic-order0.log" > "$TMP/ha-atomic.log"
run $FRAGSTAT log -o json "$TMP/ha-atomic.log"
printf '%s\n' "$out" > "$TMP/ha-atomic.json"
is "$(q "$TMP/ha-atomic.json" "(d['reports'][0]['cause']['kind'], d['reports'][0]['zone_checks'][0]['minus_highatomic'], d['reports'][0]['zone_checks'][0]['min_mark'])")" \
   "('state_passes', 0, 750)" "GFP_ATOMIC: no highatomic subtracted, min 2000 pages halved (__GFP_HIGH) less a quarter (non-blocking): 750"

# header variants by era, each followed by the same dump
sed -n '/Mem-Info/,$p' "$BASE" > "$TMP/dump.part"
hdr() {
	printf '%s\n' "$2" > "$TMP/h-$1.log"
	cat "$TMP/dump.part" >> "$TMP/h-$1.log"
	run $FRAGSTAT log -o json "$TMP/h-$1.log"
	printf '%s\n' "$out" > "$TMP/h-$1.json"
	is "$(q "$TMP/h-$1.json" "[(r['kind'], r['trigger'], r['task'], r['order'], r['gfp'], r['nodemask'], r.get('vmalloc_size'), r.get('stall_ms')) for r in d['reports']]")" "$3" "header $1"
}
hdr 2.6-dot 'hotplug: page allocation failure. order:0, mode:0x20' \
	"[('allocation_failure', 'page allocation failure', 'hotplug', 0, '0x20', None, None, None)]"
hdr oom-notask 'oom-killer: gfp_mask=0xd0, order=1' \
	"[('oom', 'oom-killer', None, 1, '0xd0', None, None, None)]"
hdr oom-4.9-nodemask 'proc-vmstat invoked oom-killer: gfp_mask=0x27000c0(GFP_KERNEL_ACCOUNT|__GFP_NOTRACK), nodemask=(null), order=2, oom_score_adj=0' \
	"[('oom', 'oom-killer', 'proc-vmstat', 2, '0x27000c0(GFP_KERNEL_ACCOUNT|__GFP_NOTRACK)', '(null)', None, None)]"
hdr stall 'kvm: page allocation stalls for 194572ms, order:9, mode:0x4740ca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_THISNODE)' \
	"[('allocation_failure', 'page allocation stall', 'kvm', 9, '0x4740ca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_THISNODE)', None, None, 194572)]"
hdr vmalloc-4.x 'kworker/u16:2: vmalloc: allocation failure: 4096 bytes, mode:0xdc0(GFP_KERNEL|__GFP_ZERO)' \
	"[('allocation_failure', 'vmalloc failure', 'kworker/u16:2', None, '0xdc0(GFP_KERNEL|__GFP_ZERO)', None, 4096, None)]"
hdr vmemmap 'kworker/0:1: vmemmap alloc failure: order:9, mode:0x4cc0(GFP_KERNEL|__GFP_RETRY_MAYFAIL), nodemask=(null),cpuset=/,mems_allowed=0' \
	"[('allocation_failure', 'vmemmap allocation failure', 'kworker/0:1', 9, '0x4cc0(GFP_KERNEL|__GFP_RETRY_MAYFAIL)', '(null)', None, None)]"
hdr sysrq-lower 'sysrq: Show Memory' \
	"[('show_mem', 'SysRq show memory', None, None, None, None, None, None)]"
# a header wrapped by a mailer inside a word, with no prefixes to tell
printf 'x: page allocation failure: order:0, mode:0x14201ca(GFP_HIGHUSER_MOV\nABLE|__GFP_COLD)\n' > "$TMP/h-wrap.log"
cat "$TMP/dump.part" >> "$TMP/h-wrap.log"
run $FRAGSTAT log -o json "$TMP/h-wrap.log"
is "$(q /dev/stdin "d['reports'][0]['gfp']" <<EOT
$out
EOT
)" "0x14201ca(GFP_HIGHUSER_MOVABLE|__GFP_COLD)" "header wrapped inside a flag name is joined"

# control bytes in the input never reach the output raw
printf '[    1.0] bad\001\033[31mtask: page allocation failure: order:0, mode:0xcc0(GFP_KERNEL)\n' > "$TMP/ctl.log"
sed -n '/Mem-Info/,$p' "$BASE" >> "$TMP/ctl.log"
run $FRAGSTAT log "$TMP/ctl.log"
is "$rc" 0 "control bytes: exit 0"
ok "control bytes: none in the output" -- sh -c '! printf "%s" "$1" | LC_ALL=C grep -q "[[:cntrl:]]"' _ "$(printf '%s' "$out" | tr -d '\n')"

# --root: a sosreport's dmesg; a link out of the tree is not followed
mkdir -p "$TMP/sos/sos_commands/kernel"
cp "$BASE" "$TMP/sos/sos_commands/kernel/dmesg"
run $FRAGSTAT log --root "$TMP/sos" -o json
is "$rc" 0 "--root: exit 0"
is "$(q /dev/stdin "d['file'].endswith('sos_commands/kernel/dmesg')" <<EOT
$out
EOT
)" True "--root: reads sos_commands/kernel/dmesg"
mkdir -p "$TMP/sos2/var/log"
ln -s "$BASE" "$TMP/sos2/var/log/messages"
run $FRAGSTAT log --root "$TMP/sos2"
is "$rc" 2 "--root: a symbolic link is refused"
run $FRAGSTAT log --root "$TMP/nonexistent"
is "$rc" 2 "--root: missing directory -> 2"
run $FRAGSTAT log "$BASE" --root "$TMP/sos"
is "$rc" 1 "FILE and --root together: usage error"
run $FRAGSTAT log -o yaml "$BASE"
is "$rc" 1 "unknown format: usage error"
run $FRAGSTAT log < "$BASE"
is "$rc" 0 "stdin: exit 0"
done_testing
