# serialterm: the terminal and send/expect driver for a serial line (see serialterm.1).
bin_PROGRAMS += tools/serialterm/serialterm
tools_serialterm_serialterm_SOURCES = \
	tools/serialterm/serialterm.h \
	tools/serialterm/main.c \
	tools/serialterm/line.c \
	tools/serialterm/qemu.c \
	tools/serialterm/term.c \
	tools/serialterm/loop.c \
	tools/serialterm/display.c \
	tools/serialterm/log.c \
	tools/serialterm/interact.c \
	tools/serialterm/expect.c \
	tools/serialterm/script.c \
	tools/serialterm/exec.c \
	tools/serialterm/proto.c \
	kernel/lib/proto.c kernel/lib/path.c kernel/include/uapi/keel/proto.h
# The protocol's framing is the kernel's own code (kernel/lib/proto.c) built for the host;
# -iquote keeps kernel/include's headers (sched.h, ...) from shadowing the system's.
tools_serialterm_serialterm_CPPFLAGS = $(AM_CPPFLAGS) -DKEEL_HOST_TEST \
	-iquote $(top_srcdir)/kernel/include
dist_man_MANS += tools/serialterm/serialterm.1

# Its tests: a scripted peer on a pty, socketpair or socket (stpeer), a pseudo-terminal
# to type at interactive mode (ptyrun), a boot sector for the real QEMU; ptybench is for
# make bench.
check_PROGRAMS += tests/serialterm/stpeer tests/serialterm/ptyrun tests/serialterm/ptybench
tests_serialterm_stpeer_SOURCES = tests/serialterm/stpeer.c
tests_serialterm_ptyrun_SOURCES = tests/serialterm/ptyrun.c
tests_serialterm_ptybench_SOURCES = tests/serialterm/ptybench.c
SERIALTERM_TESTS = \
	tests/serialterm/options.test \
	tests/serialterm/script.test \
	tests/serialterm/pty.test \
	tests/serialterm/socket.test \
	tests/serialterm/exec.test \
	tests/serialterm/interactive.test \
	tests/serialterm/boot.test
TESTS += $(SERIALTERM_TESTS)
dist_check_SCRIPTS += $(SERIALTERM_TESTS)
EXTRA_DIST += \
	tests/serialterm/lib.sh \
	tests/serialterm/bootsect.asm \
	tests/serialterm/all.st
BENCHES += bench/serialterm.sh
