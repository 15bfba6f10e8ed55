# Helpers of mkboot's boot tests, sourced after fixture.sh: boot an image in QEMU with TCG
# and read what the fixture kernel wrote on COM1.

: "${QEMU:=qemu-system-x86_64}" "${QEMU_ACCEL:=tcg}"
: "${OVMF_CODE:=/usr/share/OVMF/OVMF_CODE_4M.fd}" "${OVMF_VARS:=/usr/share/OVMF/OVMF_VARS_4M.fd}"
boot_limit=300		# seconds; a boot that hangs is a failure, not a stuck test. OVMF under
		# TCG, two boots side by side on a loaded 2-core machine, took over 60.

# qemu_boot NAME FIRMWARE DRIVE-ARGS...: boots with FIRMWARE (bios or uefi), COM1 written
# to $scratch/NAME.serial; the fixture leaves through isa-debug-exit, so QEMU's status is
# 1 when it ran to the end; that status goes to $scratch/NAME.status, so that boots can
# run side by side in the background.
qemu_boot() {
	_qb=$1 _fw=$2; shift 2
	set -- -accel "$QEMU_ACCEL" -m 128 -display none -nic none -no-reboot \
		-serial file:"$scratch/$_qb.serial" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@"
	if [ "$_fw" = uefi ]; then
		cp "$OVMF_VARS" "$scratch/$_qb.vars" || return 99
		set -- -drive if=pflash,format=raw,readonly=on,file="$OVMF_CODE" \
			-drive if=pflash,format=raw,file="$scratch/$_qb.vars" "$@"
	fi
	timeout "$boot_limit" "$QEMU" "$@" >"$scratch/$_qb.qemu" 2>&1
	echo $? >"$scratch/$_qb.status"
}

# boot_facts NAME WHAT CMDLINE [LABEL]: the facts of a boot: QEMU left through the
# fixture's exit, and the fixture saw the command line and the ramfs module, whose data
# starts with the LABEL given to fixture_ramfs.
boot_facts() {
	_qb=$1 _what=$2 _cmd=$3 _label=${4:-ramfs}
	_st=$(cat "$scratch/$_qb.status" 2>/dev/null)
	[ "$_st" = 1 ]
	tap_ok $? "$_what: the fixture kernel ran and left QEMU through isa-debug-exit"
	[ "$_st" = 1 ] || { echo "# QEMU status $_st"; tap_diag "$scratch/$_qb.qemu"
		tap_diag "$scratch/$_qb.serial"; }
	tr -d '\r' <"$scratch/$_qb.serial" >"$scratch/$_qb.lines"
	grep -qx 'keel-fixture: booted' "$scratch/$_qb.lines"
	tap_ok $? "$_what: GRUB started the kernel, which wrote on COM1"
	grep -qxF "keel-fixture: cmdline=[$_cmd]" "$scratch/$_qb.lines"
	tap_ok $? "$_what: the kernel got the command line '$_cmd' as given"
	grep -qxF "keel-fixture: module=[ramfs] data=[070702$_label]" "$scratch/$_qb.lines"
	tap_ok $? "$_what: the kernel got the ramfs module, the right one"
}
