# System tests: boot images under QEMU (TCG) on SeaBIOS and OVMF and check what the kernel
# prints on COM1. They need the kernel and mkboot built.
SYSTEM_TESTS = \
	tests/screen.test \
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

# The screen test's renderer: the kernel's terminal emulator, font and palette on the host.
check_PROGRAMS += tests/screen/screencmp
tests_screen_screencmp_SOURCES = tests/screen/screencmp.c kernel/lib/vt.c kernel/include/vt.h
nodist_tests_screen_screencmp_SOURCES = kernel/gen/font8x16.c
tests_screen_screencmp_CPPFLAGS = -DKEEL_HOST_TEST -I$(top_srcdir)/kernel/include \
	-I$(top_srcdir)/kernel/include/uapi
check_DATA += kernel/keel.elf
BENCHES += bench/userland.sh bench/screen.sh

# Two builds of the distributed sources, byte for byte (doc/images.md).
EXTRA_DIST += tests/repro.test	# in TESTS first (Makefile.am): it is long

# Every command of README.md, doc/*.md and the man pages' EXAMPLES, run (doc/testing.md).
TESTS += tests/docs.test
EXTRA_DIST += tests/docs.test tests/docs/hello.c tests/docs/foo.c tests/docs/bar.c \
	tests/docs/hello.asm tests/docs/lib.asm tests/docs/initramfs.list tests/docs/root/etc/motd
