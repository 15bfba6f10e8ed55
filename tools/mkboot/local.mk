# mkboot: checks a kernel and a ramfs and makes the bootable ISO and ESP images of them.
bin_PROGRAMS += tools/mkboot/mkboot
tools_mkboot_mkboot_SOURCES = tools/mkboot/mkboot.h tools/mkboot/main.c \
	tools/mkboot/check.c tools/mkboot/helpers.c tools/mkboot/scratch.c \
	tools/mkboot/image.c tools/mkboot/repro.c tools/mkboot/disk.c \
	tools/common/outfile.c tools/common/outfile.h
tools_mkboot_mkboot_CPPFLAGS = $(AM_CPPFLAGS) -DGRUB_LIBDIR='"$(GRUB_LIBDIR)"'
tools_mkboot_mkboot_CFLAGS = $(AM_CFLAGS) $(LIBELF_CFLAGS)
tools_mkboot_mkboot_LDADD = $(LIBELF_LIBS)
dist_man_MANS += tools/mkboot/mkboot.1

# The tests build their fixture kernels from fixture.asm, linked by fixture.ld; fixture.sh
# and boot.sh are their shared shell helpers.
MKBOOT_TESTS = \
	tests/mkboot/usage.test \
	tests/mkboot/bad-input.test \
	tests/mkboot/helpers.test \
	tests/mkboot/images.test \
	tests/mkboot/boot-iso.test \
	tests/mkboot/boot-esp.test \
	tests/mkboot/same-bytes.test
TESTS += $(MKBOOT_TESTS)
EXTRA_DIST += $(MKBOOT_TESTS) tests/mkboot/fixture.asm tests/mkboot/fixture.ld \
	tests/mkboot/fixture.sh tests/mkboot/boot.sh
