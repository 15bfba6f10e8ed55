# Tests of user space (doc/userland.md). Included from userland/local.mk.
#
# Host unit tests: the runtime's pure parts (those it shares with the kernel are in
# kernel/lib) and the shell's parser and line editor, compiled for the host with the
# sanitizers. Sources that define functions the C library also has are compiled with
# those functions renamed (k...), so both can be linked.
USERLAND_TEST_DEFS = -DKEEL_HOST_TEST -I$(top_srcdir)/userland/lib -I$(top_srcdir)/userland/sh \
	-I$(top_srcdir)/kernel/include/uapi
USERLAND_STRING_RENAMES = -Dstrdup=kstrdup -Dstrtol=kstrtol -Dstrtoul=kstrtoul -Datoi=katoi
USERLAND_MALLOC_RENAMES = -Dmalloc=kmalloc -Dcalloc=kcalloc -Drealloc=krealloc -Dfree=kfree \
	-Dsbrk=test_sbrk

USERLAND_UNIT_TESTS = \
	tests/userland/test_sha256 \
	tests/userland/test_passwd \
	tests/userland/test_format \
	tests/userland/test_string \
	tests/userland/test_malloc \
	tests/userland/test_sh_parse \
	tests/userland/test_sh_edit \
	tests/userland/test_http
check_PROGRAMS += $(USERLAND_UNIT_TESTS)
TESTS += $(USERLAND_UNIT_TESTS)

tests_userland_test_sha256_SOURCES = tests/userland/test_sha256.c tests/unit/tap.h \
	kernel/lib/sha256.c kernel/include/uapi/keel/sha256.h
tests_userland_test_sha256_CPPFLAGS = $(USERLAND_TEST_DEFS)
tests_userland_test_sha256_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_userland_test_sha256_LDFLAGS = $(UNIT_SANITIZE)

tests_userland_test_passwd_SOURCES = tests/userland/test_passwd.c tests/unit/tap.h \
	kernel/lib/pwhash.c kernel/lib/sha256.c kernel/lib/passwd.c \
	kernel/include/uapi/keel/pwhash.h kernel/include/uapi/keel/passwd.h
tests_userland_test_passwd_CPPFLAGS = $(USERLAND_TEST_DEFS)
tests_userland_test_passwd_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_userland_test_passwd_LDFLAGS = $(UNIT_SANITIZE)

tests_userland_test_format_SOURCES = tests/userland/test_format.c tests/unit/tap.h \
	kernel/lib/format.c kernel/include/uapi/keel/format.h
tests_userland_test_format_CPPFLAGS = $(USERLAND_TEST_DEFS)
tests_userland_test_format_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_userland_test_format_LDFLAGS = $(UNIT_SANITIZE)

tests_userland_test_string_SOURCES = tests/userland/test_string.c tests/unit/tap.h \
	userland/lib/string.c userland/lib/stdlib.c
tests_userland_test_string_CPPFLAGS = $(USERLAND_TEST_DEFS) $(USERLAND_STRING_RENAMES)
tests_userland_test_string_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_userland_test_string_LDFLAGS = $(UNIT_SANITIZE)

tests_userland_test_malloc_SOURCES = tests/userland/test_malloc.c tests/unit/tap.h \
	userland/lib/malloc.c
tests_userland_test_malloc_CPPFLAGS = $(USERLAND_TEST_DEFS) $(USERLAND_MALLOC_RENAMES)
tests_userland_test_malloc_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_userland_test_malloc_LDFLAGS = $(UNIT_SANITIZE)

tests_userland_test_sh_parse_SOURCES = tests/userland/test_sh_parse.c tests/unit/tap.h \
	userland/sh/parse.c userland/sh/parse.h
tests_userland_test_sh_parse_CPPFLAGS = $(USERLAND_TEST_DEFS)
tests_userland_test_sh_parse_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_userland_test_sh_parse_LDFLAGS = $(UNIT_SANITIZE)

tests_userland_test_sh_edit_SOURCES = tests/userland/test_sh_edit.c tests/unit/tap.h \
	userland/sh/edit.c userland/sh/history.c userland/sh/edit.h userland/sh/history.h
tests_userland_test_sh_edit_CPPFLAGS = $(USERLAND_TEST_DEFS)
tests_userland_test_sh_edit_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_userland_test_sh_edit_LDFLAGS = $(UNIT_SANITIZE)

tests_userland_test_http_SOURCES = tests/userland/test_http.c tests/unit/tap.h \
	userland/lib/http.c userland/lib/http.h
tests_userland_test_http_CPPFLAGS = $(USERLAND_TEST_DEFS)
tests_userland_test_http_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_userland_test_http_LDFLAGS = $(UNIT_SANITIZE)

# hexdump uses only POSIX calls, so its very source is built for the host and compared
# with the host's hexdump -C.
check_PROGRAMS += tests/userland/hexdump_host
tests_userland_hexdump_host_SOURCES = userland/programs/hexdump.c
tests_userland_hexdump_host_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE)
tests_userland_hexdump_host_LDFLAGS = $(UNIT_SANITIZE)

# The utilities that need nothing of Keel but its line reader, output buffer, getopt and
# qsort are built for the host from their very sources, with those parts of the runtime
# (getopt and qsort renamed, so as not to meet the C library's), and utils.test holds
# their output against GNU's. An explicit rule, not automake programs: one for them all.
USERLAND_HOST_UTILS = wc grep head tail sort uniq seq tee yes
USERLAND_HOST_UTIL_BINS = $(USERLAND_HOST_UTILS:%=tests/userland/host/%)
USERLAND_HOST_LIB = userland/lib/linereader.c userland/lib/outbuf.c userland/lib/qsort.c \
	userland/lib/getopt.c tests/userland/host_compat.c
USERLAND_HOST_RENAMES = -Dqsort=keel_qsort -Dgetopt=keel_getopt -Doptind=keel_optind \
	-Doptarg=keel_optarg -Dopterr=keel_opterr -Doptopt=keel_optopt
USERLAND_HOST_CFLAGS = $(AM_CFLAGS) $(UNIT_SANITIZE) -DKEEL_HOST_TEST $(USERLAND_HOST_RENAMES) \
	-include $(top_srcdir)/tests/userland/host_compat.h \
	-idirafter $(top_srcdir)/userland/include
tests/userland/host/%: userland/programs/%.c $(USERLAND_HOST_LIB:%=$(top_srcdir)/%) \
		$(top_srcdir)/tests/userland/host_compat.h $(ULIB_HDRS:%=$(top_srcdir)/%)
	@$(MKDIR_P) $(@D)
	$(AM_V_CC)$(CC) $(USERLAND_HOST_CFLAGS) $(CFLAGS) -o $@ $< \
	    $(USERLAND_HOST_LIB:%=$(top_srcdir)/%)
check_DATA += $(USERLAND_HOST_UTIL_BINS)
CLEANFILES += $(USERLAND_HOST_UTIL_BINS)
EXTRA_DIST += tests/userland/host_compat.h tests/userland/host_compat.c \
	tests/userland/utils-fixtures.sh tests/userland/utils-guest.sh

# Tests of what the build makes: the programs' ELF headers, mkpasswd, the image; and the
# system test that logs in on a booted Keel and runs commands through serialterm.
USERLAND_SCRIPT_TESTS = \
	tests/userland/mkpasswd.test \
	tests/userland/hexdump.test \
	tests/userland/utils.test \
	tests/userland/programs.test \
	tests/userland/image.test \
	tests/userland/console.test \
	tests/userland/tty.test \
	tests/userland/shell.test \
	tests/userland/security.test \
	tests/userland/sh-scripts.test
TESTS += $(USERLAND_SCRIPT_TESTS)

# The programs the build puts in /bin, C (USERLAND_PROGRAMS) and flat (USERLAND_FLAT_PROGRAMS),
# by name: the tests check every one, so a program added to the build is checked too.
AM_TESTS_ENVIRONMENT += USERLAND_PROGRAMS='$(USERLAND_C_NAMES)'; \
	USERLAND_FLAT_PROGRAMS='$(notdir $(USERLAND_ASM_IMAGES:.bin=))'; \
	export USERLAND_PROGRAMS USERLAND_FLAT_PROGRAMS;
EXTRA_DIST += $(USERLAND_SCRIPT_TESTS) tests/userland/local.mk
# The scripts sh-scripts.test runs in Keel and under the host's sh, and their input.
EXTRA_DIST += tests/userland/sh/pipes.sh tests/userland/sh/redirs.sh tests/userland/sh/lists.sh \
	tests/userland/sh/vars.sh tests/userland/sh/jobs.sh tests/userland/sh/scripts.sh \
	tests/userland/sh/utils.sh tests/userland/sh/args.sh tests/userland/sh/hashbang.sh \
	tests/userland/sh/small.txt
check_DATA += ramfs.img
