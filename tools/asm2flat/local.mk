# asm2flat: assembles NASM programs and links them, itself, into Keel's flat binaries.
bin_PROGRAMS += tools/asm2flat/asm2flat
tools_asm2flat_asm2flat_SOURCES = tools/asm2flat/asm2flat.h tools/asm2flat/main.c \
	tools/asm2flat/link.c tools/asm2flat/flatten.c \
	tools/common/outfile.c tools/common/outfile.h
tools_asm2flat_asm2flat_CFLAGS = $(AM_CFLAGS) $(LIBELF_CFLAGS)
tools_asm2flat_asm2flat_LDADD = $(LIBELF_LIBS)
dist_man_MANS += tools/asm2flat/asm2flat.1

# The tests build their programs from the .asm files here and compare asm2flat's images
# with those of ld and objcopy; lib.sh is their shared shell helper.
ASM2FLAT_TESTS = \
	tests/asm2flat/usage.test \
	tests/asm2flat/bad-input.test \
	tests/asm2flat/compare.test \
	tests/asm2flat/partial-output.test
TESTS += $(ASM2FLAT_TESTS)
ASM2FLAT_FIXTURES = \
	tests/asm2flat/lib.sh \
	tests/asm2flat/hello.asm \
	tests/asm2flat/multi-main.asm \
	tests/asm2flat/multi-util.asm \
	tests/asm2flat/multi-data.asm \
	tests/asm2flat/multi.inc \
	tests/asm2flat/noentry.asm \
	tests/asm2flat/textorder-a.asm \
	tests/asm2flat/textorder-b.asm
EXTRA_DIST += $(ASM2FLAT_TESTS) $(ASM2FLAT_FIXTURES)

BENCHES += bench/asm2flat.sh
