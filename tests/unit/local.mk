# Host unit tests of the kernel's pure library code, kernel/lib (which user space shares:
# tests/userland tests some of it too). Each test program is built from its
# test file and the kernel's own .c files, with the host compiler and every target's own
# flags, so its objects get names of their own and never collide with the kernel's
# kernel/**/*.o. The sanitizers turn a read past a buffer into a failed test.

# KEEL_HOST_TEST makes lib.h leave memset, strlen and the rest to the host's C library.
UNIT_DEFS = -DKEEL_HOST_TEST -I$(top_srcdir)/kernel/include -I$(top_srcdir)/kernel/include/uapi
UNIT_SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# test_string checks Keel's own memset and friends (kernel/lib/string.c), so it does not
# define KEEL_HOST_TEST; instead it renames them, so that they do not replace the C
# library's.
UNIT_STRING_RENAMES = -Dmemset=kmemset -Dmemcpy=kmemcpy -Dmemmove=kmemmove \
	-Dmemcmp=kmemcmp -Dmemchr=kmemchr -Dstrlen=kstrlen -Dstrnlen=kstrnlen \
	-Dstrcmp=kstrcmp -Dstrncmp=kstrncmp -Dstrchr=kstrchr -Dstrrchr=kstrrchr \
	-Dstrcpy=kstrcpy -Dstrcat=kstrcat -Dstrlcpy=kstrlcpy -Dstrlcat=kstrlcat

UNIT_TESTS = \
	tests/unit/test_kprintf \
	tests/unit/test_multiboot2 \
	tests/unit/test_cmdline \
	tests/unit/test_string \
	tests/unit/test_ldisc \
	tests/unit/test_vt \
	tests/unit/test_kbd
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)

tests_unit_test_kprintf_SOURCES = tests/unit/test_kprintf.c tests/unit/tap.h \
	kernel/lib/kprintf.c kernel/lib/format.c kernel/include/lib.h \
	kernel/include/uapi/keel/format.h
tests_unit_test_kprintf_CPPFLAGS = $(UNIT_DEFS)
tests_unit_test_kprintf_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_unit_test_kprintf_LDFLAGS = $(UNIT_SANITIZE)

tests_unit_test_multiboot2_SOURCES = tests/unit/test_multiboot2.c tests/unit/tap.h \
	kernel/boot/multiboot2.c kernel/lib/kprintf.c kernel/lib/format.c kernel/include/bootinfo.h \
	kernel/include/uapi/keel/multiboot2.h kernel/include/uapi/keel/errno.h
tests_unit_test_multiboot2_CPPFLAGS = $(UNIT_DEFS)
tests_unit_test_multiboot2_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_unit_test_multiboot2_LDFLAGS = $(UNIT_SANITIZE)

tests_unit_test_cmdline_SOURCES = tests/unit/test_cmdline.c tests/unit/tap.h \
	kernel/boot/cmdline.c
tests_unit_test_cmdline_CPPFLAGS = $(UNIT_DEFS)
tests_unit_test_cmdline_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_unit_test_cmdline_LDFLAGS = $(UNIT_SANITIZE)

tests_unit_test_string_SOURCES = tests/unit/test_string.c tests/unit/tap.h \
	kernel/lib/string.c kernel/include/uapi/keel/string.h
tests_unit_test_string_CPPFLAGS = $(UNIT_STRING_RENAMES) \
	-I$(top_srcdir)/kernel/include -I$(top_srcdir)/kernel/include/uapi
tests_unit_test_string_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_unit_test_string_LDFLAGS = $(UNIT_SANITIZE)

# The console's line discipline (kernel/lib/ldisc.c), without the tty around it.
tests_unit_test_ldisc_SOURCES = tests/unit/test_ldisc.c tests/unit/tap.h \
	kernel/lib/ldisc.c kernel/include/ldisc.h kernel/include/tty.h
tests_unit_test_ldisc_CPPFLAGS = $(UNIT_DEFS)
tests_unit_test_ldisc_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_unit_test_ldisc_LDFLAGS = $(UNIT_SANITIZE)

# The screen console's terminal emulator (kernel/lib/vt.c), on a grid in memory.
tests_unit_test_vt_SOURCES = tests/unit/test_vt.c tests/unit/tap.h \
	kernel/lib/vt.c kernel/include/vt.h
tests_unit_test_vt_CPPFLAGS = $(UNIT_DEFS)
tests_unit_test_vt_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_unit_test_vt_LDFLAGS = $(UNIT_SANITIZE)

# The keyboard's scan code translation and layouts (kernel/lib/kbd.c).
tests_unit_test_kbd_SOURCES = tests/unit/test_kbd.c tests/unit/tap.h \
	kernel/lib/kbd.c kernel/include/kbd.h
tests_unit_test_kbd_CPPFLAGS = $(UNIT_DEFS)
tests_unit_test_kbd_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_unit_test_kbd_LDFLAGS = $(UNIT_SANITIZE)
