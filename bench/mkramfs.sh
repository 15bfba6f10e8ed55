#!/bin/sh
# mkramfs figures (issue: mkramfs): making and listing an image of 1,000 files holding
# 100 MiB, against GNU cpio on the same tree (-H crc, which sums the data as mkramfs's
# default format does; the list is cpio -tv, ls -l-like as --list is). Medians of
# BENCH_RUNS runs with the tree in the page cache; the ratio's goal is at most 1.
# Run through `make bench` in a configured build directory.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${CPIO:=cpio}"
. "$top_srcdir/bench/lib.sh"
mkramfs="$top_builddir/tools/mkramfs/mkramfs"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keel-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The tree: 1,000 files of 100 KiB in 10 directories, of random (incompressible) bytes.
head -c $((100 * 1024 * 1024)) /dev/urandom >"$tmp/blob"
for d in 0 1 2 3 4 5 6 7 8 9; do
	mkdir -p "$tmp/tree/d$d"
	for f in $(seq 0 99); do
		n=$((d * 100 + f))
		dd if="$tmp/blob" of="$tmp/tree/d$d/f$f" bs=102400 skip="$n" count=1 2>/dev/null
	done
done
rm "$tmp/blob"

# time_ms CMD...: the wall-clock milliseconds of one run of CMD (its output discarded).
time_ms() {
	t0=$(now_ms)
	"$@" >/dev/null 2>&1 || echo "# failed: $*" >&2
	echo $(( $(now_ms) - t0 ))
}
mk_create() { "$mkramfs" -o "$tmp/m.img" -C "$tmp/tree" .; }
cpio_create() { (cd "$tmp/tree" && find . | LC_ALL=C sort | "$CPIO" -o -H crc --quiet >"$tmp/c.img"); }
mk_list() { "$mkramfs" --list "$tmp/m.img"; }
cpio_list() { "$CPIO" -tv --quiet <"$tmp/m.img"; }

# figures NAME A B: medians of runs of A and B (alternated), then their rows.
figures() {
	: >"$tmp/a"; : >"$tmp/b"
	"$2" >/dev/null 2>&1; "$3" >/dev/null 2>&1	# warm the cache
	for i in $(seq "$BENCH_RUNS"); do
		time_ms "$2" >>"$tmp/a"
		time_ms "$3" >>"$tmp/b"
	done
	a=$(median <"$tmp/a") b=$(median <"$tmp/b")
	row "mkramfs $1, 1,000 files / 100 MiB" "$a" ms "median of $BENCH_RUNS"
	row "GNU cpio $1, same tree" "$b" ms "median of $BENCH_RUNS"
	row "mkramfs / cpio, $1" "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b ? a / b : 0 }')" \
		ratio "goal <= 1"
}

if ! command -v "$CPIO" >/dev/null 2>&1; then
	row "mkramfs vs GNU cpio" n/a - "cpio is missing (Debian package: cpio)"
	exit 0
fi
figures create mk_create cpio_create
figures list mk_list cpio_list
row "image size, 1,000 files / 100 MiB" "$(wc -c <"$tmp/m.img")" bytes "mkramfs, 070702"
