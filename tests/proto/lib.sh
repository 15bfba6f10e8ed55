# Shared helpers of the serial protocol's system test and benchmark: Keel under QEMU with
# COM1 on a unix socket, so that several serialterm runs (and the relay) can use it one
# after another. Source after tests/lib.sh (or bench/lib.sh), with top_builddir set.
#
#   proto_image OUT          an ISO of the kernel with ramfs.img
#   proto_boot IMAGE SOCK    starts QEMU in the background, COM1 a server on SOCK that
#                            waits for its first client; kills QEMU at exit; bails out if
#                            SOCK does not appear within 60 s
#   st ARGS...               serialterm on the line, quiet, with a 60 s limit

serialterm="$top_builddir/tools/serialterm/serialterm"
relay="$top_builddir/tests/proto/relay"

proto_image() {
	"$top_builddir/tools/mkboot/mkboot" --iso "$1" --kernel "$top_builddir/kernel/keel.elf" \
		--ramfs "$top_builddir/ramfs.img" >/dev/null
}

proto_boot() {
	rm -f "$2"
	"${QEMU:-qemu-system-x86_64}" -accel "${QEMU_ACCEL:-tcg}" -m 256M -display none \
		-no-reboot -nic user,model=e1000,restrict=on -cdrom "$1" \
		-serial "unix:$2,server=on,wait=on" </dev/null >/dev/null 2>&1 &
	proto_qemu=$!
	at_exit "kill $proto_qemu 2>/dev/null"
	wait_until 60 test -S "$2" || tap_bail "QEMU made no socket $2 in 60 s"
}
