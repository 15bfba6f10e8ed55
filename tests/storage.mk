# Storage's tests (doc/storage.md): the host unit tests of the partition-table parser
# (malformed tables first) and of the block cache, and one system test that boots QEMU
# with virtio-blk and NVMe disks made on the host with sfdisk and sgdisk.
UNIT_TESTS_STORAGE = tests/unit/test_part tests/unit/test_bcache tests/unit/test_fat
check_PROGRAMS += $(UNIT_TESTS_STORAGE)
TESTS += $(UNIT_TESTS_STORAGE) tests/storage.test tests/fat.test tests/disk.test
EXTRA_DIST += tests/storage.test tests/fat.test tests/disk.test

tests_unit_test_part_SOURCES = tests/unit/test_part.c tests/unit/tap.h \
	kernel/fs/part.c kernel/include/part.h
tests_unit_test_part_CPPFLAGS = $(UNIT_DEFS)
tests_unit_test_part_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_unit_test_part_LDFLAGS = $(UNIT_SANITIZE)

# The block cache over a disk in memory (stubs for the block layer, locks and the heap).
tests_unit_test_bcache_SOURCES = tests/unit/test_bcache.c tests/unit/tap.h \
	kernel/drivers/bcache.c kernel/include/bcache.h
tests_unit_test_bcache_CPPFLAGS = $(UNIT_DEFS)
tests_unit_test_bcache_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_unit_test_bcache_LDFLAGS = $(UNIT_SANITIZE)

# FAT's pure half (boot sector checks, names, times), with a fuzz loop over boot sectors
# and long-name entries.
tests_unit_test_fat_SOURCES = tests/unit/test_fat.c tests/unit/tap.h \
	kernel/fs/fat_fmt.c kernel/include/fat.h
tests_unit_test_fat_CPPFLAGS = $(UNIT_DEFS)
tests_unit_test_fat_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_unit_test_fat_LDFLAGS = $(UNIT_SANITIZE)
BENCHES += bench/storage.sh
