# System tests: boot images under QEMU (TCG) on SeaBIOS and OVMF and check what the kernel
# prints on COM1. They need the kernel and mkboot built.
SYSTEM_TESTS = \
	tests/debug.test \
	tests/rtc.test \
	tests/boot-bios.test \
	tests/boot-uefi.test \
	tests/boot-words.test \
	tests/ktest.test \
	tests/crash.test \
	tests/proc.test

TESTS += $(SYSTEM_TESTS)
EXTRA_DIST += $(SYSTEM_TESTS) tests/lib.sh tests/qemu.sh
check_DATA += kernel/keel.elf
BENCHES += bench/userland.sh
