/*
 * Unit tests of kernel/lib/string.c, the memory and string functions of the kernel and of
 * user space's C runtime, on the host. The build renames them (-Dmemset=kmemset and so
 * on, for this program only), so the names below are Keel's versions while the C library
 * keeps its own; this file therefore includes no <string.h>, and checks the word-at-a-time
 * copies against byte loops of its own. Buffers that end without a NUL come from the heap
 * at their exact size, so the address sanitizer catches any read past them.
 */
#include <stdlib.h>

#include <lib.h>
#include "tap.h"

/* Returns a heap block of exactly n bytes copied from s. */
static char *
exact(const char *s, size_t n)
{
	char *p = malloc(n);

	for (size_t i = 0; i < n; i++)
		p[i] = s[i];
	return p;
}

static bool
all_bytes(const unsigned char *p, size_t n, unsigned char c)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != c)
			return false;
	}
	return true;
}

static void
fill(unsigned char *p, unsigned char c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = c;
}

static bool
same(const unsigned char *a, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i])
			return false;
	}
	return true;
}

/* memset and memcpy at every alignment and length up to 40, against byte loops. */
static void
test_alignments(void)
{
	unsigned char a[64], b[64], want[64];
	int bad_set = 0, bad_cpy = 0;

	for (size_t off = 0; off < 8; off++) {
		for (size_t len = 0; len <= 40; len++) {
			fill(a, 0x11, sizeof(a));
			fill(want, 0x11, sizeof(want));
			fill(want + off, 0xab, len);
			bad_set += memset(a + off, 0xab, len) != a + off ||
			    !same(a, want, sizeof(a));
			for (size_t i = 0; i < sizeof(b); i++)
				b[i] = (unsigned char)i;
			for (size_t i = 0; i < len; i++)
				want[off + i] = b[7 - off + i];
			bad_cpy += memcpy(a + off, b + (7 - off), len) != a + off ||
			    !same(a, want, sizeof(a));
		}
	}
	is_int(bad_set, 0, "memset fills exactly n bytes at any alignment");
	is_int(bad_cpy, 0, "memcpy copies exactly n bytes between any alignments");
}

static void
test_memset(void)
{
	unsigned char b[16];

	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = 0xaa;
	ok(memset(b + 2, 0x5c, 10) == b + 2, "memset returns dst");
	ok(all_bytes(b + 2, 10, 0x5c) && b[1] == 0xaa && b[12] == 0xaa,
	    "memset fills exactly n bytes");
	memset(b, 0x1ff, sizeof(b));
	ok(all_bytes(b, sizeof(b), 0xff), "memset uses c converted to unsigned char");
	memset(b, 0, 0);
	ok(b[0] == 0xff, "memset of 0 bytes writes nothing");
}

static void
test_memcpy_memmove(void)
{
	char a[16] = "0123456789";
	char b[16] = "abcdefghij";
	char *p;

	ok(memcpy(b, a, 4) == b, "memcpy returns dst");
	ok(memcmp(b, "0123efghij", 11) == 0, "memcpy copies exactly n bytes");

	p = exact("0123456789", 10);
	ok(memmove(p + 2, p, 6) == p + 2, "memmove returns dst");
	ok(memcmp(p, "0101234589", 10) == 0, "memmove to a higher, overlapping address");
	free(p);

	p = exact("0123456789", 10);
	memmove(p, p + 3, 7);
	ok(memcmp(p, "3456789789", 10) == 0, "memmove to a lower, overlapping address");
	memmove(p, p, 10);
	ok(memcmp(p, "3456789789", 10) == 0, "memmove onto itself changes nothing");
	memmove(p + 1, p, 0);
	ok(memcmp(p, "3456789789", 10) == 0, "memmove of 0 bytes changes nothing");
	free(p);
}

/* Overlapping moves long enough for the word-at-a-time path, both ways. */
static void
test_memmove_words(void)
{
	unsigned char a[48], want[48];
	int bad_up = 0, bad_down = 0;

	for (size_t shift = 1; shift <= 16; shift++) {
		for (size_t i = 0; i < sizeof(a); i++)
			a[i] = want[i] = (unsigned char)i;
		for (size_t i = 0; i < 32; i++)
			want[shift + i] = (unsigned char)i;
		bad_up += memmove(a + shift, a, 32) != a + shift || !same(a, want, sizeof(a));
		for (size_t i = 0; i < sizeof(a); i++)
			a[i] = want[i] = (unsigned char)i;
		for (size_t i = 0; i < 32; i++)
			want[i] = (unsigned char)(shift + i);
		bad_down += memmove(a, a + shift, 32) != a || !same(a, want, sizeof(a));
	}
	is_int(bad_up, 0, "memmove up by 1 to 16 bytes over 32 overlapping bytes");
	is_int(bad_down, 0, "memmove down by 1 to 16 bytes over 32 overlapping bytes");
}

static void
test_memcmp(void)
{
	char *p = exact("abc\x80", 4), *q = exact("abc\x01", 4);

	ok(memcmp(p, q, 3) == 0, "memcmp of equal bytes is 0");
	ok(memcmp(p, q, 4) > 0, "memcmp compares bytes as unsigned");
	ok(memcmp(q, p, 4) < 0, "memcmp is antisymmetric");
	ok(memcmp(p, q, 0) == 0, "memcmp of 0 bytes is 0");
	free(p);
	free(q);
}

static void
test_strlen(void)
{
	char *p = exact("abcdef", 6);		/* no NUL */

	is_int((long long)strlen(""), 0, "strlen of the empty string");
	is_int((long long)strlen("hello"), 5, "strlen of hello");
	is_int((long long)strnlen(p, 6), 6, "strnlen stops at max without a NUL");
	is_int((long long)strnlen(p, 3), 3, "strnlen of a longer string is max");
	is_int((long long)strnlen("ab", 10), 2, "strnlen of a shorter string is its length");
	is_int((long long)strnlen(p, 0), 0, "strnlen with max 0 reads nothing");
	free(p);
}

static void
test_strcmp(void)
{
	char *p = exact("abc", 3);		/* no NUL */
	char *q = exact("abd", 3);

	ok(strcmp("abc", "abc") == 0, "strcmp of equal strings is 0");
	ok(strcmp("abc", "abd") < 0, "strcmp: abc < abd");
	ok(strcmp("abd", "abc") > 0, "strcmp: abd > abc");
	ok(strcmp("ab", "abc") < 0, "strcmp: a prefix sorts first");
	ok(strcmp("abc", "ab") > 0, "strcmp: a longer string sorts last");
	ok(strcmp("\x80", "\x01") > 0, "strcmp compares bytes as unsigned");
	ok(strcmp("", "") == 0, "strcmp of two empty strings is 0");
	ok(strncmp(p, q, 2) == 0, "strncmp stops after n bytes");
	ok(strncmp(p, q, 3) < 0, "strncmp sees a difference in the nth byte");
	ok(strncmp("abc", "abc", 10) == 0, "strncmp stops at the NUL");
	ok(strncmp("ab", "abc", 10) < 0, "strncmp: a prefix sorts first");
	ok(strncmp("x", "y", 0) == 0, "strncmp of 0 bytes is 0");
	free(p);
	free(q);
}

static void
test_strchr(void)
{
	const char *s = "hello";

	ok(strchr(s, 'l') == s + 2, "strchr finds the first match");
	ok(strchr(s, 'h') == s, "strchr finds the first byte");
	ok(strchr(s, 'z') == NULL, "strchr of an absent byte is NULL");
	ok(strchr(s, '\0') == s + 5, "strchr of NUL finds the end");
	ok(strchr("a\xe9", 0xe9) != NULL, "strchr takes c as an int holding an unsigned char");
}

static void
test_strrchr_memchr(void)
{
	const char *s = "hello/world/";
	char *p = exact("abcabc", 6);		/* no NUL */

	ok(strrchr(s, '/') == s + 11, "strrchr finds the last match");
	ok(strrchr(s, 'z') == NULL, "strrchr of an absent byte is NULL");
	ok(strrchr(s, '\0') == s + 12, "strrchr of NUL finds the end");
	ok(memchr(p, 'c', 6) == p + 2, "memchr finds the first match");
	ok(memchr(p, 'c', 2) == NULL, "memchr looks at n bytes only");
	ok(memchr(p, 'a' + 256, 6) == p, "memchr takes c as an unsigned char");
	ok(memchr(p, 'x', 0) == NULL, "memchr of 0 bytes finds nothing");
	free(p);
}

static void
test_copies(void)
{
	char buf[8];

	fill((unsigned char *)buf, 'X', sizeof(buf));
	is_int((long long)strlcpy(buf, "abcdefghijk", sizeof(buf)), 11,
	    "strlcpy returns the length of src");
	ok(memcmp(buf, "abcdefg", 8) == 0, "strlcpy cuts src to size - 1 bytes and a NUL");
	fill((unsigned char *)buf, 'X', sizeof(buf));
	is_int((long long)strlcpy(buf, "xyz", 0), 3, "strlcpy into size 0 still measures");
	ok(buf[0] == 'X', "strlcpy into size 0 writes nothing");
	strlcpy(buf, "ab", sizeof(buf));
	is_int((long long)strlcat(buf, "cdefghij", sizeof(buf)), 10,
	    "strlcat returns the length it tried for");
	ok(memcmp(buf, "abcdefg", 8) == 0, "strlcat cuts with a NUL");
	fill((unsigned char *)buf, 'X', sizeof(buf));
	is_int((long long)strlcat(buf, "ab", sizeof(buf)), 10,
	    "strlcat onto a buffer without a NUL counts size + strlen(src)");
	ok(buf[7] == 'X', "... and writes nothing");
	ok(strcpy(buf, "ab") == buf && strcat(buf, "cd") == buf &&
	    memcmp(buf, "abcd", 5) == 0, "strcpy then strcat");
}

int
main(void)
{
	test_alignments();
	test_memset();
	test_memcpy_memmove();
	test_memmove_words();
	test_memcmp();
	test_strlen();
	test_strcmp();
	test_strchr();
	test_strrchr_memchr();
	test_copies();
	return done_testing();
}
