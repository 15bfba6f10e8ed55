# The Linux guest that benchmarks compare Keel with: Debian's generic kernel (the cloud
# flavour lacks the e1000 and NVMe modules) and busybox-static, taken from Debian's
# packages with apt-get download and dpkg -x, never installed, and kept in
# $LINUX_GUEST_WORK (default ${TMPDIR:-/tmp}/keel-linux-guest) between runs. The guest
# boots with QEMU's -kernel and -initrd: an initramfs of busybox, the modules asked for
# and an /init the caller writes.

: "${LINUX_GUEST_WORK:=${TMPDIR:-/tmp}/keel-linux-guest}"

# linux_guest_fetch: the kernel and busybox unpacked under $LINUX_GUEST_WORK/x; sets
# linux_guest_kernel (the vmlinuz) and linux_guest_version.
linux_guest_fetch() {
	_x=$LINUX_GUEST_WORK/x
	mkdir -p "$LINUX_GUEST_WORK/debs" "$_x" || return 1
	if ! ls "$_x"/boot/vmlinuz-* >/dev/null 2>&1 || [ ! -x "$_x/bin/busybox" ]; then
		_kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
			sed -n 's/.*Depends: \(linux-image-[^ ]*\)/\1/p' | head -n 1)
		(cd "$LINUX_GUEST_WORK/debs" && apt-get download "$_kpkg" busybox-static) >/dev/null 2>&1 ||
			return 1
		for _d in "$LINUX_GUEST_WORK"/debs/*.deb; do dpkg -x "$_d" "$_x" || return 1; done
	fi
	linux_guest_kernel=$(ls "$_x"/boot/vmlinuz-* | head -n 1)
	linux_guest_version=${linux_guest_kernel##*/vmlinuz-}
}

# linux_guest_root DIR MODULE...: an initramfs tree in DIR with busybox, each module and
# those it needs as DIR/NAME.ko (uncompressed), and the start of DIR/init: busybox's
# applets, /proc, /sys, /dev, then the modules loaded, each after those it needs. The caller adds its files and appends
# its lines to DIR/init.
linux_guest_root() {
	_r=$1
	shift
	linux_guest_fetch || return 1
	mkdir -p "$_r/bin" "$_r/proc" "$_r/sys" "$_r/dev" "$_r/tmp" &&
		cp "$LINUX_GUEST_WORK/x/bin/busybox" "$_r/bin/busybox" || return 1
	{
		echo '#!/bin/busybox sh'
		echo '/bin/busybox --install -s /bin'
		echo 'mount -t proc proc /proc'
		echo 'mount -t sysfs sysfs /sys'
		echo 'mount -t devtmpfs devtmpfs /dev'
	} > "$_r/init" && chmod 755 "$_r/init" || return 1
	for _m in "$@"; do
		linux_guest_module "$_r" "$_m" || return 1
	done
}

# linux_guest_module DIR MODULE: MODULE as DIR/MODULE.ko after the modules it depends on
# (the depends= of its .modinfo), each loaded by DIR/init once.
linux_guest_module() {
	[ -f "$1/$2.ko" ] && return 0
	_ko=$(find "$LINUX_GUEST_WORK/x/lib/modules" \( -name "$2.ko*" -o -name "$(echo "$2" | tr _ -).ko*" \
		-o -name "$(echo "$2" | tr - _).ko*" \) | head -n 1)
	case $_ko in
	*.ko.xz) xz -dc "$_ko" > "$1/$2.ko" ;;
	*.ko) cp "$_ko" "$1/$2.ko" ;;
	*) return 1 ;;
	esac || return 1
	for _d in $(tr '\0' '\n' < "$1/$2.ko" | sed -n 's/^depends=//p' | tr , ' '); do
		linux_guest_module "$1" "$_d" || return 1
	done
	echo "insmod /$2.ko" >> "$1/init"
}

# linux_guest_pack DIR OUT: DIR as a gzipped newc initramfs.
linux_guest_pack() {
	(cd "$1" && find . | cpio -o -H newc --quiet) | gzip > "$2"
}

# linux_guest_qemu INITRD QEMU-ARGS...: boot the guest, its console on stdout, in place
# of the shell (exec), so that the caller can background it and kill it by its pid.
linux_guest_qemu() {
	_i=$1
	shift
	linux_guest_fetch || return 1
	exec qemu-system-x86_64 -accel "${QEMU_ACCEL:-tcg}" -display none -serial stdio -no-reboot \
		-kernel "$linux_guest_kernel" -initrd "$_i" -append 'console=ttyS0 quiet panic=-1' "$@"
}
