# The memory manager's tests: host unit tests of the map conversion and the frame
# allocator, and the system test that boots at -m 32M and -m 8G (tests/mm.test).
UNIT_TESTS_MM = tests/unit/test_pmm
check_PROGRAMS += $(UNIT_TESTS_MM)
TESTS += $(UNIT_TESTS_MM) tests/mm.test
EXTRA_DIST += tests/mm.test

tests_unit_test_pmm_SOURCES = tests/unit/test_pmm.c tests/unit/tap.h \
	kernel/mm/pmm.c kernel/mm/memmap.c kernel/include/pmm.h
tests_unit_test_pmm_CPPFLAGS = $(UNIT_DEFS)
tests_unit_test_pmm_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_unit_test_pmm_LDFLAGS = $(UNIT_SANITIZE)
