/*
 * The printf engine of the kernel and the runtime (kernel/lib/format.c) against the
 * host's snprintf: every conversion, flag, width, precision and size it supports must
 * print the same bytes and return the same count; then truncation, and what Keel decides
 * otherwise than glibc (%p) or where C leaves the behaviour undefined.
 * tests/unit/test_kprintf checks the kernel's side, with expected strings written out.
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../unit/tap.h"
#include <keel/format.h>

static __attribute__((format(printf, 3, 4))) int
keel_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_buffer(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* One fact: fmt with these arguments prints the host's bytes and returns its count. */
#define SAME(fmt, ...) do {							\
	char want[256], got[256];						\
	int nw = snprintf(want, sizeof(want), fmt, __VA_ARGS__);		\
	int ng = keel_snprintf(got, sizeof(got), fmt, __VA_ARGS__);		\
	bool same = ng == nw && strcmp(got, want) == 0;				\
									\
	ok(same, "%s prints \"%s\"", #fmt ", " #__VA_ARGS__, want);		\
	if (!same)								\
		diag("got \"%s\" (count %d), the host \"%s\" (%d)", got, ng, want, nw); \
} while (0)

/*
 * SAME for the formats gcc rightly frowns on ('0' with '-' or a precision, ' ' with '+')
 * whose behaviour C still defines: the format goes through a variable, out of the
 * compiler's sight.
 */
#define SAME_RAW(fmt, ...) do {							\
	const char *raw = fmt;							\
	char want[256], got[256];						\
	int nw = snprintf(want, sizeof(want), raw, __VA_ARGS__);		\
	int ng = keel_snprintf(got, sizeof(got), raw, __VA_ARGS__);		\
	bool same = ng == nw && strcmp(got, want) == 0;				\
									\
	ok(same, "%s prints \"%s\"", #fmt ", " #__VA_ARGS__, want);		\
	if (!same)								\
		diag("got \"%s\" (count %d), the host \"%s\" (%d)", got, ng, want, nw); \
} while (0)

/* One fact where Keel and glibc differ: fmt with these arguments prints want. */
#define IS(want, fmt, ...) do {							\
	char got[256];								\
	int ng = keel_snprintf(got, sizeof(got), fmt, __VA_ARGS__);		\
	bool same = ng == (int)strlen(want) && strcmp(got, want) == 0;		\
									\
	ok(same, "%s prints \"%s\"", #fmt ", " #__VA_ARGS__, want);		\
	if (!same)								\
		diag("got \"%s\" (count %d)", got, ng);			\
} while (0)

static void
test_integers(void)
{
	SAME("%d", 0);
	SAME("%d", -1);
	SAME("%d", INT_MAX);
	SAME("%d", INT_MIN);
	SAME("%i|%u", 42, 42u);
	SAME("%u", UINT_MAX);
	SAME("%ld", LONG_MIN);
	SAME("%lu", ULONG_MAX);
	SAME("%lld", LLONG_MIN);
	SAME("%llu", ULLONG_MAX);
	SAME("%zu|%zd", (size_t)123456789, (ssize_t)-5);
	SAME("%jd|%ju", INTMAX_MIN, UINTMAX_MAX);
	SAME("%td", (ptrdiff_t)-77);
	SAME("%hd|%hu", (short)-3, (unsigned short)65535);
	SAME("%hhd|%hhu", (signed char)-128, (unsigned char)255);
	SAME("%hhd", 300);
	SAME("%hu", 70000);
	SAME("%x|%X|%o", 0xbeefu, 0xbeefu, 8u);
	SAME("%lx", 0xffffffffffffffffUL);
	SAME("%lo", 01777777777777777777777UL);
}

static void
test_flags(void)
{
	SAME("[%5d]", 42);
	SAME("[%-5d]", 42);
	SAME("[%05d]", -42);
	SAME("[%+d|%+d]", 5, -5);
	SAME("[% d|% d]", 5, -5);
	SAME_RAW("[%+ d]", 5);
	SAME_RAW("[%-05d]", 7);
	SAME("[%#x|%#X|%#o]", 255u, 255u, 8u);
	SAME("[%#x|%#o]", 0u, 0u);
	SAME("[%#10x]", 255u);
	SAME("[%#010x]", 255u);
	SAME_RAW("[%08.3d]", 5);
	SAME("[%.5d]", -42);
	SAME("[%.0d]", 0);
	SAME("[%5.0d]", 0);
	SAME("[%.0x]", 0u);
	SAME("[%#.0o]", 0u);
	SAME("[%#.3o]", 8u);
	SAME("[%#5.3o]", 1u);
	SAME("[%*d]", 6, 1);
	SAME("[%-*d]", 6, 1);
	SAME("[%*d]", -6, 1);
	SAME("[%.*d]", 4, 1);
	SAME("[%.*d]", -4, 1);
	SAME("[%*.*d]", 8, 3, -1);
}

static void
test_strings(void)
{
	const char *volatile null = NULL;	/* out of the optimiser's sight too */

	SAME("%s", "");
	SAME("%s|%s", "a", "bc");
	SAME("[%10s]", "right");
	SAME("[%-10s]", "left");
	SAME("[%.3s]", "truncated");
	SAME("[%8.3s]", "truncated");
	SAME("[%.*s]", 2, "xyz");
	SAME("[%.10s]", "short");
	SAME("%c%c%c", 'a', 'b', 'c');
	SAME("[%3c|%-3c]", 'x', 'y');
	SAME("100%%%s", "");
	SAME("%s", null);
}

/* keel/format.h: %p is 0x and 16 digits, NULL too, where glibc prints the fewest and (nil). */
static void
test_pointers(void)
{
	IS("0x0000000000400000", "%p", (void *)0x400000);
	IS("0x0000000000000000", "%p", (void *)NULL);
	IS("0xffffffff80000000", "%p", (void *)0xffffffff80000000UL);
	IS("[  0x00000000deadbeef]", "[%20p]", (void *)0xdeadbeef);
	IS("[0x00000000deadbeef  ]", "[%-20p]", (void *)0xdeadbeef);
}

static void
test_truncation(void)
{
	char buf[8];

	memset(buf, 'X', sizeof(buf));
	is_int(keel_snprintf(buf, 5, "%s", "abcdefgh"), 8, "truncated output still counts all");
	is_str(buf, "abcd", "... and keeps size - 1 bytes and a NUL");
	is_int(buf[5], 'X', "... and writes nothing past size");
	is_int(keel_snprintf(NULL, 0, "%d", 12345), 5, "size 0 writes nothing and counts");
	memset(buf, 'X', sizeof(buf));
	is_int(keel_snprintf(buf, 1, "%d", 7), 1, "size 1 holds just the NUL");
	is_int(buf[0], '\0', "... which is written");
	/* Formats the compiler would warn about, through variables. */
	const char *unknown = "%Q", *dangling = "ab%";

	is_int(keel_snprintf(buf, sizeof(buf), unknown, 0), 2, "an unknown conversion is printed as is");
	is_str(buf, "%Q", "... %%Q stays %%Q");
	keel_snprintf(buf, sizeof(buf), dangling, 0);
	is_str(buf, "ab%", "a format ending in %% prints it");
}

int
main(void)
{
	test_integers();
	test_flags();
	test_strings();
	test_pointers();
	test_truncation();
	return done_testing();
}
