/*
 * Unit tests of kernel/boot/cmdline.c on the host: which words cmdline_has() finds, and
 * what cmdline_get() copies out, truncation included. Each command line is copied to a
 * heap block of exactly its size first, so that the address sanitizer catches any read
 * past its NUL.
 */
#include <stdlib.h>
#include <string.h>

#include <lib.h>
#include <bootinfo.h>
#include "tap.h"

static char *line;

/* Returns a heap copy of s that is exactly as long as s, for the next call to use. */
static const char *
cl(const char *s)
{
	size_t n = strlen(s) + 1;

	free(line);
	line = malloc(n);
	memcpy(line, s, n);
	return line;
}

static void
test_edge_cases(void)
{
	char buf[8] = "XXXXXXX";

	ok(!cmdline_has(NULL, "quiet"), "a NULL command line has no words");
	is_int(cmdline_get(NULL, "init", buf, sizeof(buf)), -1, "...and no values");
	ok(!cmdline_has(cl(""), "quiet"), "an empty command line has no words");
	ok(!cmdline_has(cl("   \t "), "quiet"), "a blank command line has no words");
	ok(!cmdline_has(cl("quiet"), ""), "the empty word is never found");
	is_int(cmdline_get(cl("=x"), "", buf, sizeof(buf)), -1, "...nor its value");
	is_str(buf, "XXXXXXX", "a failed cmdline_get leaves buf alone");
}

static void
test_has(void)
{
	ok(cmdline_has(cl("ktest"), "ktest"), "a word alone is found");
	ok(cmdline_has(cl("ktest=mm"), "ktest"), "a word with a value is found");
	ok(cmdline_has(cl("ktest="), "ktest"), "a word with an empty value is found");
	ok(!cmdline_has(cl("ktests"), "ktest"), "a longer word is not a match");
	ok(!cmdline_has(cl("ktests=1"), "ktest"), "a longer word with a value is not a match");
	ok(!cmdline_has(cl("xktest"), "ktest"), "a word ending in it is not a match");
	ok(!cmdline_has(cl("kte"), "ktest"), "a shorter word is not a match");
	ok(!cmdline_has(cl("init=ktest"), "ktest"), "a value is not a word");
	ok(cmdline_has(cl("quiet ktest init=/bin/sh"), "ktest"), "a word in the middle");
	ok(cmdline_has(cl("quiet init=/bin/sh ktest"), "ktest"), "a word at the end");
	ok(cmdline_has(cl("  \tktest\t "), "ktest"), "spaces and tabs around a word");
	ok(cmdline_has(cl("quiet\tktest"), "ktest"), "a tab separates words");
	ok(!cmdline_has(cl("quiet ktestx ktests"), "ktest"), "near misses only: not found");
	ok(cmdline_has(cl("ktest=mm"), "ktest=mm"), "a word=value can be asked for whole");
}

static void
test_get(void)
{
	char buf[16], small[3];

	memset(buf, 'X', sizeof(buf));
	is_int(cmdline_get(cl("ktest"), "ktest", buf, sizeof(buf)), -1,
	    "a word without a value gives -1");
	is_int(cmdline_get(cl("quiet"), "ktest", buf, sizeof(buf)), -1,
	    "an absent word gives -1");
	is_int(cmdline_get(cl("ktest=mm"), "ktest", buf, sizeof(buf)), 2,
	    "ktest=mm gives the length 2");
	is_str(buf, "mm", "...and the value mm");
	is_int(cmdline_get(cl("quiet ktest=mm init=/bin/sh"), "init", buf, sizeof(buf)), 7,
	    "a value at the end of the line");
	is_str(buf, "/bin/sh", "...is copied whole");
	is_int(cmdline_get(cl("init=/bin/sh\tquiet"), "init", buf, sizeof(buf)), 7,
	    "a value ends at a tab");
	is_str(buf, "/bin/sh", "...which is not copied");
	is_int(cmdline_get(cl("init= quiet"), "init", buf, sizeof(buf)), 0,
	    "an empty value gives 0");
	is_str(buf, "", "...and an empty string");
	is_int(cmdline_get(cl("ktest ktest=fs"), "ktest", buf, sizeof(buf)), 2,
	    "a bare word is passed over for a later one with a value");
	is_str(buf, "fs", "...whose value is copied");
	is_int(cmdline_get(cl("ktest=a ktest=bb"), "ktest", buf, sizeof(buf)), 1,
	    "of two values, the first counts");
	is_str(buf, "a", "...and is copied");
	is_int(cmdline_get(cl("ktests=x"), "ktest", buf, sizeof(buf)), -1,
	    "a longer word's value is not taken");
	is_int(cmdline_get(cl("ip=10.0.2.15=x"), "ip", buf, sizeof(buf)), 11,
	    "a value may contain '='");
	is_str(buf, "10.0.2.15=x", "...and is copied with it");

	memset(small, 'X', sizeof(small));
	is_int(cmdline_get(cl("init=/bin/sh"), "init", small, sizeof(small)), 7,
	    "a truncated value still reports its whole length");
	ok(memcmp(small, "/b", 3) == 0, "...and the buffer holds len-1 bytes and a NUL");

	memset(small, 'X', sizeof(small));
	is_int(cmdline_get(cl("init=/bin/sh"), "init", small, 1), 7, "len 1");
	ok(small[0] == '\0' && small[1] == 'X', "...holds only the NUL");

	memset(small, 'X', sizeof(small));
	is_int(cmdline_get(cl("init=/bin/sh"), "init", small, 0), 7, "len 0");
	ok(small[0] == 'X', "...writes nothing");
	is_int(cmdline_get(cl("init=/bin/sh"), "init", NULL, 0), 7,
	    "len 0 with a NULL buffer measures the value");
}

int
main(void)
{
	test_edge_cases();
	test_has();
	test_get();
	free(line);
	return done_testing();
}
