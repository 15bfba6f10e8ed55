#!/bin/sh
# Storage figures (doc/storage.md): sequential write and read of a 64 MiB file through
# FAT32 on NVMe (Keel's dd, from and to the ramfs and /dev/null), raw reads of the same
# NVMe device (dd of /dev/nvme0n1), beside the host's dd of the image file (the ceiling
# under this emulation: QEMU reads that file); then 1,000 small files created, listed and
# removed (fsbench), and the sync after them. The volume has 4 KiB clusters (what
# mkfs.fat picks from 260 MB up); a second one with 512-byte clusters (what it picks for
# small volumes: an allocation per 512 bytes) takes the 64 MiB write too. Medians of
# BENCH_RUNS boots, -m 512M. Last, a Linux guest's dd of the same NVMe device under the
# same QEMU (bench/linuxguest.sh).
# Run through `make bench` in a configured build directory.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${QEMU:=qemu-system-x86_64}" "${QEMU_ACCEL:=tcg}"
. "$top_srcdir/bench/lib.sh"
. "$top_srcdir/tests/lib.sh" >/dev/null
. "$top_srcdir/tests/qemu.sh" >/dev/null
. "$top_srcdir/bench/linuxguest.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keel-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

command -v mkfs.fat >/dev/null || { echo "bench: mkfs.fat is missing (dosfstools)" >&2; exit 1; }
"$mkboot" --iso "$tmp/keel.iso" --kernel "$kernel_elf" --ramfs "$top_builddir/ramfs.img" ||
	{ echo "bench: mkboot failed" >&2; exit 1; }
head -c $((64 << 20)) /dev/urandom > "$tmp/src.img"

for i in $(seq "$BENCH_RUNS"); do
	rm -f "$tmp/fat.img"
	truncate -s 300M "$tmp/fat.img" && mkfs.fat -F 32 -s 8 "$tmp/fat.img" >/dev/null ||
		{ echo "bench: mkfs.fat failed" >&2; exit 1; }
	rm -f "$tmp/fat512.img"
	truncate -s 300M "$tmp/fat512.img" && mkfs.fat -F 32 -s 1 "$tmp/fat512.img" >/dev/null ||
		{ echo "bench: mkfs.fat failed" >&2; exit 1; }
	cat > "$tmp/script" <<'EOF'
timeout 600
expect "keel: ready in [0-9]+ ms"
login root:keel
exec mkdir /w && mount /dev/nvme0n1 /w && dd if=/dev/vda of=/tmp/src bs=64k 2>/dev/null && echo staged
exec dd if=/tmp/src of=/w/big.bin bs=64k && sync
exec umount /w && mount /dev/nvme0n1 /w && echo remounted
exec dd if=/w/big.bin of=/dev/null bs=64k
exec dd if=/dev/nvme0n1 of=/dev/null bs=64k count=1024
exec fsbench /w/small 1000
exec mkdir /s && mount /dev/nvme1n1 /s && echo mounted
exec dd if=/tmp/src of=/s/big.bin bs=64k && sync
EOF
	"$serialterm" -q --timeout 600 --log "$tmp/log-$i" --boot "$tmp/keel.iso" --script "$tmp/script" \
		-- -nic none -boot d -m 512M \
		-drive file="$tmp/src.img",format=raw,if=none,id=v0 -device virtio-blk-pci,drive=v0,disable-legacy=on \
		-drive file="$tmp/fat.img",format=raw,if=none,id=n0 -device nvme,serial=bench,drive=n0 \
		-drive file="$tmp/fat512.img",format=raw,if=none,id=n1 -device nvme,serial=bench512,drive=n1 \
		</dev/null >/dev/null 2>&1 || { echo "bench: the storage boot failed" >&2; exit 1; }
	tr -d '\r' < "$tmp/log-$i" > "$tmp/log-$i.txt"
	# dd's report lines in order: the FAT write, the FAT read, the raw read, the write
	# with 512-byte clusters.
	grep -a 'bytes copied' "$tmp/log-$i.txt" | sed 's/.* \([0-9]*\) KiB\/s$/\1/' > "$tmp/rates-$i"
	[ "$(wc -l < "$tmp/rates-$i")" -eq 4 ] || { echo "bench: dd did not report four rates" >&2; exit 1; }
	start=$(now_ms)
	dd if="$tmp/fat.img" of=/dev/null bs=64k count=1024 status=none
	echo $(( (64 * 1000) / ($(now_ms) - start + 1) )) >> "$tmp/host"
done

# nth K: the median of the K-th dd rate over the runs, in MiB/s.
nth() { for i in $(seq "$BENCH_RUNS"); do sed -n "${1}p" "$tmp/rates-$i"; done | median | awk '{ printf "%.1f", $1 / 1024 }'; }
field() { for i in $(seq "$BENCH_RUNS"); do sed -n "s/^$1 \([0-9]*\) .*/\1/p" "$tmp/log-$i.txt"; done | median; }
row "FAT32 sequential write, 64 MiB file, NVMe" "$(nth 1)" "MiB/s" "dd bs=64k from the ramfs; sync not counted"
row "FAT32 sequential write, 64 MiB, 512-byte clusters" "$(nth 4)" "MiB/s" "dd bs=64k from the ramfs; sync not counted"
row "FAT32 sequential read, 64 MiB file, NVMe" "$(nth 2)" "MiB/s" "dd bs=64k to /dev/null, after a remount"
row "raw read of the NVMe device, 64 MiB" "$(nth 3)" "MiB/s" "dd of /dev/nvme0n1 bs=64k, through the block cache (readahead)"
row "host dd of the image file, 64 MiB" "$(median < "$tmp/host")" "MiB/s" "the host's page cache: QEMU's ceiling"
row "FAT32: 1,000 small files created" "$(field create)" "files/s" "fsbench: long names, 64 bytes each"
row "FAT32: listing those 1,000" "$(field list)" "entries/s" "fsbench: readdir"
row "FAT32: sync after creating them" "$(field sync)" "ms" "fsbench"
row "FAT32: removing them" "$(field remove)" "files/s" "fsbench"

# The Linux guest: busybox dd of the same device, with the page cache dropped before each
# read (BENCH_RUNS reads in one boot).
linux_dd() {
	r=$tmp/linuxroot
	linux_guest_root "$r" nvme-core nvme || return 1
	cat >> "$r/init" <<EOF
i=0
while [ ! -b /dev/nvme0n1 ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i + 1)); done
i=0
while [ \$i -lt $BENCH_RUNS ]; do
	echo 3 > /proc/sys/vm/drop_caches
	time dd if=/dev/nvme0n1 of=/dev/null bs=64k count=1024
	i=\$((i + 1))
done
echo LINUX-DD-DONE
poweroff -f
EOF
	linux_guest_pack "$r" "$tmp/linux.cpio.gz" || return 1
	(linux_guest_qemu "$tmp/linux.cpio.gz" -m 512M -nic none \
		-drive file="$tmp/fat.img",format=raw,if=none,id=n0 -device nvme,serial=bench,drive=n0) \
		</dev/null >"$tmp/linux.log" 2>&1 &
	_q=$!
	wait_until 300 sh -c 'grep -q LINUX-DD-DONE "$1" || ! kill -0 $2 2>/dev/null' sh "$tmp/linux.log" $_q
	kill $_q 2>/dev/null
	wait $_q 2>/dev/null
	grep -q LINUX-DD-DONE "$tmp/linux.log"
}
if linux_dd; then
	# busybox time: "real	0m 0.50s"
	tr -d '\r' < "$tmp/linux.log" | sed -n 's/^real[[:space:]]*\([0-9]*\)m \([0-9.]*\)s$/\1 \2/p' |
		awk '{ print 64 / ($1 * 60 + $2) }' | median |
		awk '{ printf "| %s | %.1f | MiB/s | %s |\n", "raw read of the NVMe device, 64 MiB (Linux guest)", $1,
			"busybox time dd bs=64k (10 ms resolution) after drop_caches, Debian '"$linux_guest_version"', same QEMU device" }'
else
	row "raw read of the NVMe device, 64 MiB (Linux guest)" n/a "MiB/s" \
		"could not boot the guest (apt-get download of the kernel and busybox-static)"
fi
