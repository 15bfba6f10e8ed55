#!/bin/sh
# ramfs figures: the time the kernel takes to mount a 16 MiB image at boot (its own
# "[ok] ramfs: ... in N ms" line), for one image of 4096 files of 4 KiB in 64 directories
# and one of a single 16 MiB file, and the kernel memory each costs: heap and free memory
# after boot against a boot without a ramfs. File data are read in place from the module,
# so the heap pays only for the nodes; the module's own frames stay reserved. Medians of
# BENCH_RUNS boots at -m 256M. Run through `make bench` in a configured build directory.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${QEMU:=qemu-system-x86_64}" "${QEMU_ACCEL:=tcg}"
. "$top_srcdir/bench/lib.sh"
. "$top_srcdir/tests/lib.sh" >/dev/null
. "$top_srcdir/tests/qemu.sh" >/dev/null
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keel-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkramfs=tools/mkramfs/mkramfs

# The two 16 MiB trees and their images.
mkdir -p "$tmp/many" "$tmp/one"
head -c $((16 << 20)) /dev/urandom > "$tmp/data"
for d in $(seq 0 63); do
	mkdir "$tmp/many/d$d"
	for f in $(seq 0 63); do
		dd if="$tmp/data" of="$tmp/many/d$d/f$f" bs=4096 skip=$((d * 64 + f)) count=1 2>/dev/null
	done
done
mv "$tmp/data" "$tmp/one/big"
"$mkramfs" -o "$tmp/many.img" -C "$tmp/many" . || exit 1
"$mkramfs" -o "$tmp/one.img" -C "$tmp/one" . || exit 1
rm -rf "$tmp/many" "$tmp/one"

# boots NAME [RAMFS]: boots BENCH_RUNS times to the ready line; the logs are NAME-1...
boots() {
	"$mkboot" --iso "$tmp/$1.iso" --kernel "$kernel_elf" ${2:+--ramfs "$2"} ||
		{ echo "bench: mkboot failed" >&2; exit 1; }
	for i in $(seq "$BENCH_RUNS"); do
		: > "$tmp/$1-$i"
		boot_expect "$tmp/$1-$i" "$tmp/$1.iso" bios 'keel: ready in' 120 -m 256M ||
			{ echo "bench: the $1 boot did not get to the ready line" >&2; exit 1; }
		tr -d '\r' < "$tmp/$1-$i" > "$tmp/$1-$i.txt"
	done
}

# field NAME SED-REGEX: the median over NAME's boots of the number the regex captures.
field() {
	for i in $(seq "$BENCH_RUNS"); do
		sed -n "s/$2/\1/p" "$tmp/$1-$i.txt"
	done | median
}

heap_kib='^\[ok\] memory use: .* heap \([0-9]*\) KiB.*'
heap_bytes='^\[ok\] memory use: .*, \([0-9]*\) bytes in use.*'
free_kib='^\[ok\] memory use: .*; \([0-9]*\) KiB free.*'
mount_ms='^\[ok\] ramfs: .* in \([0-9]*\) ms; .*$'

boots none
base_heap=$(field none "$heap_kib")
base_bytes=$(field none "$heap_bytes")
base_free=$(field none "$free_kib")
for shape in many one; do
	boots "$shape" "$tmp/$shape.img"
	case $shape in
	many) what="4096 files of 4 KiB in 64 directories" ;;
	one) what="one 16 MiB file" ;;
	esac
	row "ramfs mount, 16 MiB image: $what" "$(field "$shape" "$mount_ms")" ms \
		"kernel's own figure, checksums verified (070702)"
	row "  heap it costs" "$(( $(field "$shape" "$heap_kib") - base_heap ))" KiB \
		"frames the heap holds, against no ramfs ($(( $(field "$shape" "$heap_bytes") - base_bytes )) bytes in use)"
	row "  free memory it costs" "$(( base_free - $(field "$shape" "$free_kib") ))" KiB \
		"the image is read in place: $(( $(wc -c < "$tmp/$shape.img") / 1024 )) KiB of it"
done
