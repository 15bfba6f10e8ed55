# The ramfs's tests: the host unit test of kernel/fs/ramfs.c (over a kmalloc shim that can
# fail on demand) and the system test that boots sound and damaged images
# (tests/ramfs.test); and the benchmarks of the memory manager and the ramfs mount.
UNIT_TESTS_RAMFS = tests/unit/test_ramfs
check_PROGRAMS += $(UNIT_TESTS_RAMFS)
TESTS += $(UNIT_TESTS_RAMFS) tests/ramfs.test
EXTRA_DIST += tests/ramfs.test

tests_unit_test_ramfs_SOURCES = tests/unit/test_ramfs.c tests/unit/tap.h \
	kernel/fs/ramfs.c kernel/fs/vfs.c kernel/lib/path.c kernel/fs/perm.c kernel/fs/file.c \
	kernel/fs/vfile.c \
	kernel/lib/cpio.c kernel/lib/kprintf.c kernel/lib/format.c kernel/include/ramfs.h \
	kernel/include/vfs.h kernel/include/lock.h kernel/include/file.h kernel/include/uaccess.h \
	kernel/include/cpio_reader.h kernel/include/heap.h kernel/include/uapi/keel/fs.h
tests_unit_test_ramfs_CPPFLAGS = $(UNIT_DEFS)
tests_unit_test_ramfs_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_unit_test_ramfs_LDFLAGS = $(UNIT_SANITIZE)

BENCHES += bench/mm.sh bench/ramfs.sh
