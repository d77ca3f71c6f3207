#!/bin/sh
# accuracy.sh [PAIR...] - issue 14's accuracy criteria over the ground-truth
# pairs (default: every tests/fixtures/groundtruth/*; a PAIR may also be a
# run.sh --out work directory). For each pair it runs
# `fragstat simulate --from PAIR/before --compaction full` and compares with
# PAIR/truth.json (tests/groundtruth/compare.py predict --criteria):
#   - a zone whose kernel run completed: the predicted free pages in blocks
#     >= pageblock order within 5% of the real value;
#   - a zone whose kernel run stopped early (contended, ...): the real value
#     inside the predicted [low, high] range;
#   - pages migrated within 10% when every zone's run completed.
# Prints every pair's table and a summary; exits 0 when every criterion is
# met, 1 when one is not, 2 when a pair could not be run. Not part of
# `make check` (`make groundtruth-accuracy` runs it); no root needed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
FRAGSTAT=${FRAGSTAT:-fragstat}
command -v python3 >/dev/null 2>&1 || { echo "accuracy.sh: needs python3" >&2; exit 2; }
command -v xz >/dev/null 2>&1 || { echo "accuracy.sh: needs xz (xz-utils)" >&2; exit 2; }
[ $# -gt 0 ] || set -- "$here"/../fixtures/groundtruth/*/
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gt-accuracy.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP
met=0 failed=0 broken=0
for p in "$@"; do
	p=${p%/}
	name=${p##*/}
	if [ ! -f "$p/truth.json" ] || [ ! -d "$p/before" ]; then
		echo "accuracy.sh: $p: no truth.json or before/" >&2
		broken=$((broken + 1))
		continue
	fi
	rm -rf "$tmp/b"
	cp -R "$p/before" "$tmp/b"
	[ -f "$tmp/b/proc/kpage.rle.xz" ] && xz -d "$tmp/b/proc/kpage.rle.xz"
	python3 "$here/compare.py" predict --fragstat "$FRAGSTAT" --before "$tmp/b" \
		--truth "$p/truth.json" --name "$name" --criteria
	case $? in
	0) met=$((met + 1)); echo "=> $name: every criterion met" ;;
	1) failed=$((failed + 1)); echo "=> $name: NOT every criterion met" ;;
	*) broken=$((broken + 1)); echo "=> $name: could not be compared" ;;
	esac
	echo
done
echo "accuracy: $met pair(s) meet issue 14's criteria, $failed do not, $broken could not be compared"
[ "$broken" -eq 0 ] || exit 2
[ "$failed" -eq 0 ]
