# Booting Keel under QEMU for the system tests. Source after tests/lib.sh.
#
#   make_image KIND OUT [CMDLINE]   builds an ISO (KIND iso) or ESP image (KIND esp) of the
#                                   kernel with mkboot
#   qemu_start LOG IMAGE FIRMWARE [QEMU ARGS...]
#                                   boots IMAGE (bios or uefi) with COM1 written to LOG
#   qemu_expect LOG REGEX SECONDS   waits until LOG has a line matching REGEX (grep -E)
#   qemu_wait SECONDS               waits for QEMU to end; sets qemu_status
#   qemu_stop                       ends QEMU if it still runs
#
# QEMU runs under TCG unless QEMU_ACCEL says otherwise, with no network (no traffic leaves
# the machine) and with the isa-debug-exit device the kernel's tests end QEMU through.

: "${QEMU:=qemu-system-x86_64}" "${QEMU_ACCEL:=tcg}"
mkboot="$top_builddir/tools/mkboot/mkboot"
kernel_elf="$top_builddir/kernel/keel.elf"
qemu_pid=
qemu_status=

need_prog "$QEMU" qemu-system-x86
[ -x "$mkboot" ] || tap_skip_all "mkboot is not built"
[ -f "$kernel_elf" ] || tap_skip_all "kernel/keel.elf is not built"

make_image() {
	"$mkboot" "--$1" "$2" --kernel "$kernel_elf" --cmdline "${3:-}"
}

qemu_start() {
	_log=$1 _image=$2 _fw=$3
	shift 3
	set -- -accel "$QEMU_ACCEL" -m 256M -display none -no-reboot -nic none \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial "file:$_log" "$@"
	case $_image in
	*.iso) set -- "$@" -cdrom "$_image" ;;
	*) set -- "$@" -drive "format=raw,file=$_image" ;;
	esac
	if [ "$_fw" = uefi ]; then
		[ -f "$OVMF_CODE" ] || tap_skip_all "OVMF firmware is missing (Debian package: ovmf)"
		cp "$OVMF_VARS" "$_log.vars" && chmod u+w "$_log.vars"
		set -- "$@" -drive "if=pflash,format=raw,readonly=on,file=$OVMF_CODE" \
			-drive "if=pflash,format=raw,file=$_log.vars"
	fi
	: > "$_log"
	"$QEMU" "$@" 2>"$_log.stderr" &
	qemu_pid=$!
	at_exit "qemu_stop"
}

qemu_running() {
	[ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null
}

# Polls every 50 ms; also gives up as soon as QEMU has ended and the line is not there.
qemu_expect() {
	_deadline=$(( $(date +%s) + $3 ))
	while :; do
		log_has "$1" "$2" && return 0
		qemu_running || { log_has "$1" "$2"; return $?; }
		[ "$(date +%s)" -lt "$_deadline" ] || return 1
		sleep 0.05
	done
}

qemu_wait() {
	_deadline=$(( $(date +%s) + $1 ))
	while qemu_running && [ "$(date +%s)" -lt "$_deadline" ]; do
		sleep 0.05
	done
	qemu_stop
}

qemu_stop() {
	[ -n "$qemu_pid" ] || return 0
	if kill -0 "$qemu_pid" 2>/dev/null; then
		kill "$qemu_pid" 2>/dev/null
		wait "$qemu_pid" 2>/dev/null
		qemu_status=killed
	else
		wait "$qemu_pid" 2>/dev/null
		qemu_status=$?
	fi
	qemu_pid=
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
