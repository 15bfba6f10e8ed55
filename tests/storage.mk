# Storage's tests (doc/storage.md): the host unit test of the partition-table parser
# (malformed tables first), and one system test that boots QEMU with a virtio-blk and an
# NVMe disk made on the host with sfdisk and sgdisk.
UNIT_TESTS_STORAGE = tests/unit/test_part
check_PROGRAMS += $(UNIT_TESTS_STORAGE)
TESTS += $(UNIT_TESTS_STORAGE) tests/storage.test
EXTRA_DIST += tests/storage.test

tests_unit_test_part_SOURCES = tests/unit/test_part.c tests/unit/tap.h \
	kernel/fs/part.c kernel/include/part.h
tests_unit_test_part_CPPFLAGS = $(UNIT_DEFS)
tests_unit_test_part_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_unit_test_part_LDFLAGS = $(UNIT_SANITIZE)
