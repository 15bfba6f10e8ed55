#!/bin/sh
# Memory manager figures (the kbench boot word, kernel/ktest/bench_mm.c): a frame
# alloc+free pair and kmalloc+kfree pairs of 16 to 4096 bytes, on the fresh system and
# after fragmenting the heap and nearly all free frames, each booted at -m 64M and -m 4G
# and printed side by side; then the kernel's memory use after boot at both sizes. The
# kernel times with the TSC calibrated against the PIT; each figure is the median of 5
# runs of 20000 pairs. Run through `make bench` in a configured build directory.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${QEMU:=qemu-system-x86_64}" "${QEMU_ACCEL:=tcg}"
. "$top_srcdir/bench/lib.sh"
. "$top_srcdir/tests/lib.sh" >/dev/null
. "$top_srcdir/tests/qemu.sh" >/dev/null
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keel-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

SIZES="64M 4G"

make_image iso "$tmp/kbench.iso" kbench || { echo "bench: mkboot failed" >&2; exit 1; }
for m in $SIZES; do
	boot_until_exit "$tmp/com1-$m" "$tmp/kbench.iso" bios 300 -m "$m"
	tr -d '\r' < "$tmp/com1-$m" > "$tmp/log-$m"
	if [ "$qemu_status" != 1 ] || ! grep -q '^bench ' "$tmp/log-$m"; then
		echo "bench: the kbench boot at -m $m failed (QEMU status $qemu_status)" >&2
		tail -n 20 "$tmp/log-$m" >&2
		exit 1
	fi
done

# figure NAME: the kernel's value of the figure NAME at each size, as "A / B".
figure() {
	_out=
	for m in $SIZES; do
		_v=$(sed -n "s/^bench $1 \([0-9.]*\) .*/\1/p" "$tmp/log-$m")
		_out="${_out:+$_out / }${_v:-n/a}"
	done
	echo "$_out"
}

# memuse FIELD: a figure of the "[ok] memory use:" line at each size, in KiB, as "A / B".
memuse() {
	_out=
	for m in $SIZES; do
		_v=$(sed -n "s/^\[ok\] memory use: .*$1 \([0-9]*\) KiB.*/\1/p" "$tmp/log-$m")
		_out="${_out:+$_out / }${_v:-n/a}"
	done
	echo "$_out"
}

sizes_note="-m $(echo $SIZES | sed 's| | / -m |g')"
row "frame alloc+free pair, fresh" "$(figure pmm_alloc_free_fresh)" ns "$sizes_note"
row "frame alloc+free pair, fragmented" "$(figure pmm_alloc_free_fragmented)" ns \
	"$(figure fragmented_frames_held) frames held, every other one of all but 2048"
for size in 16 64 256 1024 4096; do
	row "kmalloc+kfree $size B, fresh" "$(figure "kmalloc_free_${size}_fresh")" ns "$sizes_note"
	row "kmalloc+kfree $size B, fragmented" "$(figure "kmalloc_free_${size}_fragmented")" ns \
		"$(figure fragmented_heap_blocks_held) blocks of 16-2048 B held, every other one freed"
done
row "kernel memory after boot: image" "$(memuse 'kernel image')" KiB "$sizes_note"
row "kernel memory after boot: page tables and frame bitmap" \
	"$(memuse 'page tables and bitmap')" KiB "$sizes_note"
row "kernel memory after boot: heap" "$(memuse 'heap')" KiB "$sizes_note, frames the heap holds"
