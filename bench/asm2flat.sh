#!/bin/sh
# asm2flat figures (issue: asm2flat): the time to make a flat binary of a three-object
# program (tests/asm2flat/multi-*.asm) with asm2flat, against NASM, ld and objcopy doing
# the same, from sources and from objects. Each sample times BENCH_LOOPS builds; the
# figures are medians of BENCH_RUNS samples, in ms per build.
# Run through `make bench` in a configured build directory.
set -u
: "${top_srcdir:=.}" "${NASM:=nasm}" "${KERNEL_LD:=ld}" "${OBJCOPY:=objcopy}"
: "${BENCH_LOOPS:=20}"
. "$top_srcdir/bench/lib.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keel-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

asm2flat=tools/asm2flat/asm2flat
progs=$top_srcdir/tests/asm2flat
srcs="$progs/multi-main.asm $progs/multi-data.asm $progs/multi-util.asm"
nasm_opts="-I$progs/ -DEXIT_CODE=7"
objs="$tmp/main.o $tmp/data.o $tmp/util.o"
ld_quiet=
$KERNEL_LD --help 2>/dev/null | grep -q -- --no-warn-rwx-segments && ld_quiet=--no-warn-rwx-segments

with_asm2flat() { "$asm2flat" $nasm_opts -o "$tmp/a2f.bin" $srcs; }
with_asm2flat_objs() { "$asm2flat" -o "$tmp/a2f-o.bin" $objs; }
assemble() {
	for f in main data util; do
		$NASM -f elf64 $nasm_opts -o "$tmp/$f.o" "$progs/multi-$f.asm" || return 1
	done
}
link_gnu() {
	$KERNEL_LD $ld_quiet -N -Ttext=0x400000 -o "$tmp/gnu.elf" $objs &&
	$OBJCOPY -O binary --set-section-flags .bss=alloc,load,contents "$tmp/gnu.elf" "$tmp/gnu.bin"
}
with_gnu() { assemble && link_gnu; }

# sample CMD: prints the ms per run of CMD, run BENCH_LOOPS times in a row.
sample() {
	start=$(now_ms)
	i=0
	while [ $i -lt "$BENCH_LOOPS" ]; do
		"$1" >/dev/null 2>&1 || { echo "bench: $1 failed" >&2; exit 1; }
		i=$((i + 1))
	done
	awk -v t=$(( $(now_ms) - start )) -v n="$BENCH_LOOPS" 'BEGIN { printf "%.2f\n", t / n }'
}

# figure CMD: the median of BENCH_RUNS samples of CMD.
figure() {
	: >"$tmp/runs"
	for r in $(seq "$BENCH_RUNS"); do sample "$1" >>"$tmp/runs" || exit 1; done
	median <"$tmp/runs"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f\n", a / b; else print "n/a" }'; }

assemble || { echo "bench: nasm failed" >&2; exit 1; }
with_asm2flat && link_gnu && cmp -s "$tmp/a2f.bin" "$tmp/gnu.bin" ||
	{ echo "bench: asm2flat's image differs from ld's and objcopy's" >&2; exit 1; }

a=$(figure with_asm2flat)
g=$(figure with_gnu)
ao=$(figure with_asm2flat_objs)
go=$(figure link_gnu)
row "asm2flat, 3 sources to flat binary" "$a" ms "NASM runs 3 times inside"
row "nasm x3 + ld -N + objcopy, same" "$g" ms ""
row "asm2flat / (nasm + ld + objcopy)" "$(ratio "$a" "$g")" ratio "goal <= 1"
row "asm2flat, 3 objects to flat binary (link only)" "$ao" ms ""
row "ld -N + objcopy, same" "$go" ms ""
row "asm2flat / (ld + objcopy), link only" "$(ratio "$ao" "$go")" ratio "goal <= 1"
