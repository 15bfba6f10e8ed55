# Booting Keel under QEMU for the system tests, through serialterm. Source after
# tests/lib.sh.
#
#   make_image KIND OUT [CMDLINE]   builds an ISO (KIND iso) or ESP image (KIND esp) of the
#                                   kernel with mkboot; bails out if mkboot fails
#   boot_expect LOG IMAGE FIRMWARE REGEX SECONDS [QEMU ARGS...]
#                                   boots IMAGE (FIRMWARE bios or uefi) until a line on
#                                   COM1 matches REGEX, then stops QEMU; returns serialterm's
#                                   status (0 matched, 3 timed out, 5 QEMU ended first)
#   boot_until_exit LOG IMAGE FIRMWARE SECONDS [QEMU ARGS...]
#                                   boots IMAGE until QEMU ends (the kernel's tests end it
#                                   through isa-debug-exit); sets qemu_status
#   log_has LOG REGEX, log_lacks LOG REGEX
#
# Everything COM1 says is appended to LOG. serialterm starts QEMU with TCG (QEMU_ACCEL
# overrides), restricted user networking and the isa-debug-exit device.

serialterm="$top_builddir/tools/serialterm/serialterm"
mkboot="$top_builddir/tools/mkboot/mkboot"
kernel_elf="$top_builddir/kernel/keel.elf"
qemu_status=

need_prog "${QEMU:-qemu-system-x86_64}" qemu-system-x86
need_built "$serialterm" "$mkboot" "$kernel_elf"

make_image() {
	"$mkboot" "--$1" "$2" --kernel "$kernel_elf" --cmdline "${3:-}" ||
		tap_bail "mkboot could not build the $1 image $2"
}

# firmware_flag FIRMWARE: serialterm's option for it.
firmware_flag() {
	[ "$1" = uefi ] && echo --uefi
}

boot_expect() {
	_log=$1 _image=$2 _fw=$3 _regex=$4 _secs=$5
	shift 5
	"$serialterm" -q --log "$_log" --timeout "$_secs" --boot "$_image" \
		$(firmware_flag "$_fw") --expect "$_regex" -- "$@" </dev/null >/dev/null 2>>"$_log.stderr"
}

boot_until_exit() {
	_log=$1 _image=$2 _fw=$3 _secs=$4
	shift 4
	# serialterm's own limit too: its default of 30 s would end a long run early.
	timeout "$_secs" "$serialterm" -q --log "$_log" --timeout "$_secs" --qemu-status --boot "$_image" \
		$(firmware_flag "$_fw") -- "$@" </dev/null >/dev/null 2>>"$_log.stderr"
	qemu_status=$?
}

# log_has LOG REGEX: the fact that LOG has a line matching REGEX. Carriage returns are
# dropped first: COM1 lines end in CR LF, and GRUB leaves a CR before the kernel's first.
log_has() {
	tr -d '\r' < "$1" | grep -a -q -E "$2"
}

# log_lacks LOG REGEX: the fact that no line of LOG matches REGEX.
log_lacks() {
	! log_has "$1" "$2"
}
