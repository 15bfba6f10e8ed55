# mkramfs: makes, lists, extracts, extends and verifies ramfs images (newc cpio archives).
# It reads images with the kernel's own reader, kernel/lib/cpio.c, compiled for the host;
# the per-target flags give that object a name of its own beside the kernel's.
bin_PROGRAMS += tools/mkramfs/mkramfs
tools_mkramfs_mkramfs_SOURCES = tools/mkramfs/mkramfs.h tools/mkramfs/main.c \
	tools/mkramfs/collect.c tools/mkramfs/listfile.c tools/mkramfs/write.c \
	tools/mkramfs/read.c tools/mkramfs/extract.c kernel/lib/cpio.c \
	tools/common/outfile.c tools/common/outfile.h \
	kernel/include/cpio_reader.h kernel/include/uapi/keel/cpio.h
tools_mkramfs_mkramfs_CPPFLAGS = $(AM_CPPFLAGS) -DKEEL_HOST_TEST -I$(top_srcdir)/kernel/include
dist_man_MANS += tools/mkramfs/mkramfs.1

# The reader's unit test, under the sanitizers like the other host unit tests, and its
# fuzz target, which tests/mkramfs/fuzz.test builds with clang when there is one.
check_PROGRAMS += tests/mkramfs/test_cpio
tests_mkramfs_test_cpio_SOURCES = tests/mkramfs/test_cpio.c tests/unit/tap.h \
	kernel/lib/cpio.c kernel/include/cpio_reader.h
tests_mkramfs_test_cpio_CPPFLAGS = $(UNIT_DEFS)
tests_mkramfs_test_cpio_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_mkramfs_test_cpio_LDFLAGS = $(UNIT_SANITIZE)

# The tool's tests: lib.sh holds their shared helpers, fuzz.test makes the fuzzer's seeds.
MKRAMFS_TESTS = \
	tests/mkramfs/usage.test \
	tests/mkramfs/bad-images.test \
	tests/mkramfs/create.test \
	tests/mkramfs/list-file.test \
	tests/mkramfs/extract.test \
	tests/mkramfs/add.test \
	tests/mkramfs/interop.test \
	tests/mkramfs/partial-output.test \
	tests/mkramfs/fuzz.test
TESTS += tests/mkramfs/test_cpio $(MKRAMFS_TESTS)
EXTRA_DIST += $(MKRAMFS_TESTS) tests/mkramfs/lib.sh \
	tests/mkramfs/fuzz_cpio.c
CLEANFILES += tests/mkramfs/fuzz_cpio

BENCHES += bench/mkramfs.sh
