#!/bin/sh
# Boot and build figures (issue: foundation): time from kernel entry and from QEMU start
# to the ready line on SeaBIOS and OVMF, a clean build with make -j2, the ISO's size, and
# the edit loop (touch one kernel file, make, boot to ready). Medians of BENCH_RUNS runs.
# Run through `make bench` in a configured build directory.
set -u
: "${top_srcdir:=.}" "${QEMU:=qemu-system-x86_64}" "${QEMU_ACCEL:=tcg}"
. "$top_srcdir/bench/lib.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keel-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# boot_once IMAGE FIRMWARE: prints "WALL_MS READY_MS": from starting QEMU (through
# serialterm, which stops it at the line) to the ready line, and the kernel's own figure
# from kmain's entry.
boot_once() {
	log=$tmp/com1
	: > "$log"
	start=$(now_ms)
	tools/serialterm/serialterm -q --log "$log" --timeout 60 --boot "$1" \
		$( [ "$2" = uefi ] && echo --uefi ) --expect 'keel: ready in [0-9]+ ms' \
		-- -nic none </dev/null >/dev/null 2>&1
	end=$(now_ms)
	ready=$(tr -d '\r' < "$log" | sed -n 's/.*keel: ready in \([0-9]*\) ms.*/\1/p')
	echo "$((end - start)) ${ready:-n/a}"
}

boot_figures() {
	runs=$tmp/runs-$2
	: > "$runs"
	for i in $(seq "$BENCH_RUNS"); do boot_once "$1" "$2" >> "$runs"; done
	row "kernel entry to ready ($2)" "$(cut -d' ' -f2 "$runs" | median)" ms "goal < 20 (TCG)"
	goal=1000; [ "$2" = uefi ] && goal=6000
	row "QEMU start to ready ($2)" "$(cut -d' ' -f1 "$runs" | median)" ms "goal < $goal"
}

tools/mkboot/mkboot --iso "$tmp/keel.iso" --kernel kernel/keel.elf || exit 1
boot_figures "$tmp/keel.iso" bios
boot_figures "$tmp/keel.iso" uefi
row "ISO size (keel.iso)" "$(( $(wc -c < keel.iso) / 1024 ))" KiB "hybrid BIOS+UEFI, GRUB modules trimmed"

# A clean build of the whole tree as a new user makes it, from the release tree that
# `make distdir` writes (configure included), so nothing of the tree being measured from
# is touched; the edit loop then edits that copy.
build=$tmp/build
make -s distdir distdir="$build" >/dev/null 2>&1 || { echo "bench: make distdir failed" >&2; exit 1; }
(cd "$build" && ./configure -q >/dev/null 2>&1) || { echo "bench: configure failed" >&2; exit 1; }
: > "$tmp/builds"
for i in $(seq "$BENCH_RUNS"); do
	make -C "$build" -s clean >/dev/null 2>&1
	start=$(now_ms)
	make -C "$build" -s -j2 >/dev/null 2>&1 || { echo "bench: build failed" >&2; exit 1; }
	echo $(( $(now_ms) - start )) >> "$tmp/builds"
done
row "clean build, make -j2" "$(median < "$tmp/builds")" ms "kernel, tools, keel.iso"

# The edit loop: touch one kernel source, rebuild, boot to the ready line.
: > "$tmp/loops"
for i in $(seq "$BENCH_RUNS"); do
	touch "$build/kernel/main.c"
	start=$(now_ms)
	make -C "$build" -s >/dev/null 2>&1 || { echo "bench: rebuild failed" >&2; exit 1; }
	mid=$(now_ms)
	set -- $(boot_once "$build/keel.iso" bios)
	echo "$(( mid - start + $1 )) $(( mid - start ))" >> "$tmp/loops"
done
row "edit loop: touch kernel/main.c, make, boot to ready" "$(cut -d' ' -f1 "$tmp/loops" | median)" ms "goal < 3000"
row "  of which make (compile, link twice, ISO)" "$(cut -d' ' -f2 "$tmp/loops" | median)" ms ""
