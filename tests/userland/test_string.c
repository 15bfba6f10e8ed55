/*
 * The runtime's string and number functions (userland/lib/string.c, stdlib.c) on the
 * host. They are renamed (k...) by the build so as not to replace the C library's, and
 * checked against byte loops written here: overlapping moves, alignments, the bounded
 * copies, and strtol's bases, signs and overflow. The renames apply to this file too, so
 * it calls no string function of its own but through those loops.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/tap.h"

void *kmemset(void *, int, size_t);
void *kmemcpy(void *, const void *, size_t);
void *kmemmove(void *, const void *, size_t);
int kmemcmp(const void *, const void *, size_t);
void *kmemchr(const void *, int, size_t);
size_t kstrlen(const char *);
size_t kstrnlen(const char *, size_t);
int kstrcmp(const char *, const char *);
int kstrncmp(const char *, const char *, size_t);
char *kstrchr(const char *, int);
char *kstrrchr(const char *, int);
char *kstrcpy(char *, const char *);
char *kstrcat(char *, const char *);
size_t kstrlcpy(char *, const char *, size_t);
size_t kstrlcat(char *, const char *, size_t);
char *kstrdup(const char *);
long kstrtol(const char *, char **, int);
unsigned long kstrtoul(const char *, char **, int);
int katoi(const char *);

static void
fill(void *p, int c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((unsigned char *)p)[i] = (unsigned char)c;
}

static void
copy(void *dst, const void *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((unsigned char *)dst)[i] = ((const unsigned char *)src)[i];
}

static int
same(const void *a, const void *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (((const unsigned char *)a)[i] != ((const unsigned char *)b)[i])
			return 0;
	return 1;
}

/* Sets buf to the string s. */
static void
set(char *buf, const char *s)
{
	do
		*buf++ = *s;
	while (*s++ != '\0');
}

static int
sign(int x)
{
	return (x > 0) - (x < 0);
}

/* memset and memcpy at every alignment and length up to 40 against a byte loop. */
static void
test_memset_memcpy(void)
{
	unsigned char a[64], b[64], want[64];
	int bad_set = 0, bad_cpy = 0;

	for (size_t off = 0; off < 8; off++) {
		for (size_t len = 0; len <= 40; len++) {
			fill(a, 0x11, sizeof(a));
			copy(want, a, sizeof(a));
			for (size_t i = 0; i < len; i++)
				want[off + i] = 0xab;
			bad_set += kmemset(a + off, 0xab, len) != a + off ||
				   !same(a, want, sizeof(a));
			for (size_t i = 0; i < sizeof(b); i++)
				b[i] = (unsigned char)i;
			copy(want, a, sizeof(a));
			copy(want + off, b + (7 - off), len);
			bad_cpy += kmemcpy(a + off, b + (7 - off), len) != a + off ||
				   !same(a, want, sizeof(a));
		}
	}
	is_int(bad_set, 0, "memset fills exactly len bytes at any alignment");
	is_int(bad_cpy, 0, "memcpy copies exactly len bytes between any alignments");
}

static void
test_memmove(void)
{
	char buf[32];

	set(buf, "abcdefghij");
	kmemmove(buf + 2, buf, 8);
	is_str(buf, "ababcdefgh", "memmove copies backwards when dst is above an overlapping src");
	set(buf, "abcdefghij");
	kmemmove(buf, buf + 2, 9);
	is_str(buf, "cdefghij", "memmove copies forwards when dst is below");
	set(buf, "0123456789abcdefghijklmnop");
	kmemmove(buf + 8, buf, 16);
	is_str(buf, "01234567" "0123456789abcdef" "op", "an overlapping 8-aligned move of 16 bytes");
}

static void
test_compare(void)
{
	is_int(sign(kmemcmp("abc", "abd", 3)), -1, "memcmp orders by the first difference");
	is_int(sign(kmemcmp("\xff", "\x01", 1)), 1, "memcmp compares bytes as unsigned");
	is_int(kmemcmp("abc", "abd", 2), 0, "memcmp looks at n bytes only");
	is_int(sign(kstrcmp("abc", "abcd")), -1, "a prefix sorts first");
	is_int(sign(kstrcmp("b", "abc")), 1, "strcmp orders by the first byte");
	is_int(sign(kstrcmp("\xe9", "e")), 1, "strcmp compares bytes as unsigned");
	is_int(kstrcmp("same", "same"), 0, "equal strings compare equal");
	is_int(kstrncmp("abcX", "abcY", 3), 0, "strncmp stops after n");
	is_int(sign(kstrncmp("ab", "abc", 5)), -1, "strncmp stops at a NUL");
	is_int(kstrncmp("x", "y", 0), 0, "strncmp of 0 bytes is equal");
}

static void
test_search(void)
{
	const char *s = "hello/world/";

	ok(kstrchr(s, '/') == s + 5, "strchr finds the first");
	ok(kstrrchr(s, '/') == s + 11, "strrchr finds the last");
	ok(kstrchr(s, 'z') == NULL && kstrrchr(s, 'z') == NULL, "missing bytes give NULL");
	ok(kstrchr(s, '\0') == s + 12, "strchr finds the terminating NUL");
	ok(kmemchr(s, 'w', 6) == NULL && kmemchr(s, 'w', 7) == s + 6, "memchr looks at n bytes");
	is_int(kstrlen(""), 0, "strlen of the empty string");
	is_int(kstrlen(s), 12, "strlen");
	is_int(kstrnlen(s, 4), 4, "strnlen stops at max");
	is_int(kstrnlen("ab", 10), 2, "strnlen stops at the NUL");
}

static void
test_copies(void)
{
	char buf[8];
	char *d;

	is_int(kstrlcpy(buf, "abcdefghijk", sizeof(buf)), 11, "strlcpy returns the source length");
	is_str(buf, "abcdefg", "... and truncates with a NUL");
	is_int(kstrlcpy(buf, "xyz", 0), 3, "strlcpy into size 0 writes nothing");
	is_str(buf, "abcdefg", "... indeed");
	kstrlcpy(buf, "ab", sizeof(buf));
	is_int(kstrlcat(buf, "cdefghij", sizeof(buf)), 10, "strlcat returns the length it tried for");
	is_str(buf, "abcdefg", "... and truncates");
	kstrcpy(buf, "ab");
	kstrcat(buf, "cd");
	is_str(buf, "abcd", "strcpy then strcat");
	d = kstrdup("dup");
	is_str(d, "dup", "strdup copies");
	free(d);
}

static void
test_strtol(void)
{
	char *end;

	is_int(kstrtol("  -42xyz", &end, 10), -42, "strtol skips blanks, takes a sign");
	is_str(end, "xyz", "... and stops at the first non-digit");
	is_int(kstrtol("0x1F", NULL, 16), 31, "base 16 takes 0x");
	is_int(kstrtol("0x1F", NULL, 0), 31, "base 0 sees 0x");
	is_int(kstrtol("017", NULL, 0), 15, "base 0 sees octal");
	is_int(kstrtol("z", NULL, 36), 35, "base 36");
	kstrtol("0x", &end, 16);
	is_str(end, "x", "\"0x\" alone is the number 0 followed by x");
	kstrtol("  +", &end, 10);
	ok(*end == ' ', "no digits: end is the start");
	errno = 0;
	is_int(kstrtol("9223372036854775807", NULL, 10), LONG_MAX, "LONG_MAX");
	is_int(errno, 0, "... without ERANGE");
	is_int(kstrtol("-9223372036854775808", NULL, 10), LONG_MIN, "LONG_MIN");
	errno = 0;
	is_int(kstrtol("9223372036854775808", NULL, 10), LONG_MAX, "overflow gives LONG_MAX");
	is_int(errno, ERANGE, "... and ERANGE");
	errno = 0;
	is_int(kstrtol("-99999999999999999999", NULL, 10), LONG_MIN, "underflow gives LONG_MIN");
	is_int(errno, ERANGE, "... and ERANGE");
	ok(kstrtoul("18446744073709551615", NULL, 10) == ULONG_MAX, "strtoul reaches ULONG_MAX");
	errno = 0;
	ok(kstrtoul("18446744073709551616", NULL, 10) == ULONG_MAX && errno == ERANGE,
	   "strtoul overflows to ULONG_MAX with ERANGE");
	ok(kstrtoul("-1", NULL, 10) == ULONG_MAX, "strtoul negates as C says");
	is_int(katoi("123abc"), 123, "atoi");
}

int
main(void)
{
	test_memset_memcpy();
	test_memmove();
	test_compare();
	test_search();
	test_copies();
	test_strtol();
	return done_testing();
}
