/*
 * Unit tests of kernel/lib/kprintf.c and the engine under it (kernel/lib/format.c) on the
 * host: conversions, flags and sizes of ksnprintf against the C99 behaviour and the
 * choices keel/format.h states, written out here (tests/userland/test_format compares the
 * same engine with the host's printf); truncation; and kprintf's delivery of long output
 * to a stand-in output function that records what it is given.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <lib.h>
#include "tap.h"

static char buf[512];

/*
 * Passes when the output in buf is want and the returned length n is want's length; the
 * two facts belong together, so they are one test.
 */
static void
fmt_is(int n, const char *want, const char *name)
{
	bool pass = strcmp(buf, want) == 0 && n == (int)strlen(want);

	ok(pass, "%s", name);
	if (!pass)
		diag("got \"%s\" (returned %d), wanted \"%s\" (%zu)", buf, n, want, strlen(want));
}

#define FMT_IS(want, name, ...) fmt_is(ksnprintf(buf, sizeof(buf), __VA_ARGS__), want, name)

/*
 * Formats without the compiler's printf format check, for the formats it rightly frowns
 * on (unknown conversions, flags C ignores, NULL for %s) whose behaviour is still defined.
 */
static int
raw_format(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return n;
}

/* The stand-in output function: everything kprintf writes lands in captured. */
static char captured[16384];
static size_t captured_len, console_calls, console_max;

static void
capture_write(const char *s, size_t len)
{
	console_calls++;
	if (len > console_max)
		console_max = len;
	if (captured_len + len <= sizeof(captured)) {
		memcpy(captured + captured_len, s, len);
		captured_len += len;
	}
}

static void
console_reset(void)
{
	captured_len = console_calls = console_max = 0;
}

static int
call_kvprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

static void
test_plain(void)
{
	FMT_IS("", "empty format gives empty output", "%s", "");
	FMT_IS("hello, world\n", "text without conversions is copied", "hello, world\n");
	FMT_IS("100%", "%% prints one percent sign", "100%%");
	FMT_IS("a%b", "%% between text", "a%%b");
}

static void
test_unknown(void)
{
	int n;

	n = raw_format("%q");
	fmt_is(n, "%q", "unknown conversion %q is copied as it stands");
	n = raw_format("x%-5qy");
	fmt_is(n, "x%-5qy", "unknown conversion with flags and width is copied whole");
	n = raw_format("abc%");
	fmt_is(n, "abc%", "a lone % at the end is copied");
	n = raw_format("abc%-0");
	fmt_is(n, "abc%-0", "a conversion cut off by the end of the format is copied");
	n = raw_format("%q%d", 7);
	fmt_is(n, "%q7", "an unknown conversion takes no argument");
}

static void
test_signed(void)
{
	FMT_IS("0", "%d of 0", "%d", 0);
	FMT_IS("42", "%d of 42", "%d", 42);
	FMT_IS("-42", "%d of -42", "%d", -42);
	FMT_IS("-17", "%i is %d", "%i", -17);
	FMT_IS("2147483647", "%d of INT_MAX", "%d", INT_MAX);
	FMT_IS("-2147483648", "%d of INT_MIN", "%d", INT_MIN);
	FMT_IS("-9223372036854775808", "%lld of LLONG_MIN", "%lld", LLONG_MIN);
	FMT_IS("9223372036854775807", "%lld of LLONG_MAX", "%lld", LLONG_MAX);
	FMT_IS("-9223372036854775808", "%ld of LONG_MIN", "%ld", LONG_MIN);
	FMT_IS("-56", "%hhd of 200 wraps to a signed char", "%hhd", 200);
	FMT_IS("-128", "%hhd of SCHAR_MIN", "%hhd", SCHAR_MIN);
	FMT_IS("4464", "%hd of 70000 wraps to a short", "%hd", 70000);
	FMT_IS("-32768", "%hd of SHRT_MIN", "%hd", SHRT_MIN);
	FMT_IS("-1", "%zd of -1", "%zd", (ssize_t)-1);
	FMT_IS("-5 6 -7", "several %d in a row", "%d %d %d", -5, 6, -7);
}

static void
test_unsigned(void)
{
	FMT_IS("0", "%u of 0", "%u", 0u);
	FMT_IS("4294967295", "%u of UINT_MAX", "%u", UINT_MAX);
	FMT_IS("44", "%hhu of 300 wraps to an unsigned char", "%hhu", 300);
	FMT_IS("1", "%hu of 65537 wraps to an unsigned short", "%hu", 65537);
	FMT_IS("18446744073709551615", "%lu of ULONG_MAX", "%lu", ULONG_MAX);
	FMT_IS("18446744073709551615", "%llu of ULLONG_MAX", "%llu", ULLONG_MAX);
	FMT_IS("18446744073709551615", "%zu of SIZE_MAX", "%zu", SIZE_MAX);
	FMT_IS("deadbeef", "%x is lower case", "%x", 0xdeadbeefu);
	FMT_IS("DEADBEEF", "%X is upper case", "%X", 0xdeadbeefu);
	FMT_IS("0", "%x of 0", "%x", 0u);
	FMT_IS("ffffffff", "%x of -1 is the unsigned int", "%x", -1);
	FMT_IS("ff", "%hhx of -1", "%hhx", (unsigned char)-1);
	FMT_IS("ffff", "%hx of 0xffff", "%hx", (unsigned short)0xffff);
	FMT_IS("123456789abcdef0", "%lx of a 64-bit value", "%lx", 0x123456789abcdef0ul);
	FMT_IS("FEDCBA9876543210", "%llX of a 64-bit value", "%llX", 0xfedcba9876543210ull);
	FMT_IS("1000", "%zx of 4096", "%zx", (size_t)4096);
}

static void
test_width_and_flags(void)
{
	FMT_IS("   42", "%5d pads on the left", "%5d", 42);
	FMT_IS("42   |", "%-5d pads on the right", "%-5d|", 42);
	FMT_IS("00042", "%05d pads with zeros", "%05d", 42);
	FMT_IS("-0042", "%05d puts the sign before the zeros", "%05d", -42);
	fmt_is(raw_format("%-05d|", 42), "42   |", "%-05d ignores '0' with '-'");
	FMT_IS("123456", "a width smaller than the number is ignored", "%3d", 123456);
	FMT_IS("0000beef", "%08x pads hex with zeros", "%08x", 0xbeefu);
	FMT_IS("  -1", "%4d of -1", "%4d", -1);
	FMT_IS("0xbeef", "%#x puts 0x before the digits", "%#x", 0xbeefu);
	FMT_IS("0XBEEF", "%#X puts 0X before the digits", "%#X", 0xbeefu);
	FMT_IS("0", "%#x of 0 has no prefix", "%#x", 0u);
	FMT_IS("0xffffffff80000000", "%#lx of a kernel address", "%#lx",
	    0xffffffff80000000ul);
	FMT_IS("0x00ff", "%#06x puts the zeros after 0x", "%#06x", 0xffu);
	FMT_IS("  0xff", "%#6x pads before 0x", "%#6x", 0xffu);
	FMT_IS("0xff  |", "%-#6x pads after", "%-#6x|", 0xffu);
	FMT_IS("    7", "%*d takes the width from the arguments", "%*d", 5, 7);
	FMT_IS("7    |", "a negative %*d width means '-'", "%*d|", -5, 7);
	FMT_IS("00007", "%0*d pads with zeros to the argument width", "%0*d", 5, 7);
	FMT_IS("    A|", "%5c", "%5c|", 'A');
	FMT_IS("A    |", "%-5c", "%-5c|", 'A');
	FMT_IS("  hi|", "%4s", "%4s|", "hi");
	FMT_IS("hi  |", "%-4s", "%-4s|", "hi");
	fmt_is(raw_format("%04s|", "hi"), "  hi|", "%04s pads a string with spaces");
	FMT_IS("  hi|", "%*s", "%*s|", 4, "hi");
}

static void
test_precision(void)
{
	/* An array without a NUL: with a precision, nothing past it may be read. */
	static const char abc[3] = { 'a', 'b', 'c' };

	FMT_IS("abc", "%.3s cuts a string", "%.3s", "abcdef");
	FMT_IS("abc", "%.3s reads no further than 3 bytes", "%.3s", abc);
	FMT_IS("ab", "%.*s takes the precision from the arguments", "%.*s", 2, abc);
	FMT_IS("", "%.0s prints nothing", "%.0s", "abc");
	FMT_IS("", "%.s is a precision of 0", "%.s", "abc");
	FMT_IS("abc", "%.10s of a shorter string prints it whole", "%.10s", "abc");
	FMT_IS("abcdef", "a negative %.*s precision is no precision", "%.*s", -1, "abcdef");
	FMT_IS("   ab|", "%5.2s", "%5.2s|", "abcdef");
	FMT_IS("ab   |", "%-5.2s", "%-5.2s|", "abcdef");
	FMT_IS("007", "%.3d gives at least 3 digits", "%.3d", 7);
	FMT_IS("-007", "%.3d of -7", "%.3d", -7);
	FMT_IS("  007", "%5.3d", "%5.3d", 7);
	fmt_is(raw_format("%05.3d", 7), "  007", "%05.3d ignores '0' with a precision");
	FMT_IS("", "%.0d of 0 prints no digits", "%.0d", 0);
	FMT_IS("00ff", "%.4x", "%.4x", 0xffu);
}

static void
test_char_string_pointer(void)
{
	const char *null = NULL;

	FMT_IS("A", "%c", "%c", 'A');
	FMT_IS("x", "%c of an int", "%c", (int)'x');
	FMT_IS("hello", "%s", "%s", "hello");
	fmt_is(raw_format("%s", null), "(null)", "%s of NULL prints (null)");
	fmt_is(raw_format("%.3s", null), "(nu", "%.3s of NULL cuts (null)");
	FMT_IS("0x0000000000001234", "%p prints 0x and 16 hex digits", "%p", (void *)0x1234);
	FMT_IS("0x0000000000000000", "%p of NULL", "%p", NULL);
	FMT_IS("0xffffffff80000000", "%p of a kernel address", "%p",
	    (void *)0xffffffff80000000ul);
	FMT_IS("  0x0000000000000001", "%20p pads on the left", "%20p", (void *)1);
	FMT_IS("0x0000000000000001  |", "%-20p pads on the right", "%-20p|", (void *)1);
	FMT_IS("x=5 s=ok c=! p=0x00000000000000ff", "mixed conversions",
	    "x=%d s=%s c=%c p=%p", 5, "ok", '!', (void *)0xff);
}

/*
 * Formats into a heap buffer of exactly size bytes, so the address sanitizer catches any
 * write past it, and returns what ksnprintf returned.
 */
static int
format_exact(char **out, size_t size, const char *fmt, ...) __printf(3, 4);

static int
format_exact(char **out, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	*out = size > 0 ? malloc(size) : NULL;
	if (size > 0)
		memset(*out, 'X', size);
	va_start(ap, fmt);
	n = kvsnprintf(*out, size, fmt, ap);
	va_end(ap);
	return n;
}

static void
test_truncation(void)
{
	char *p, small[8];
	int n;

	n = format_exact(&p, 5, "hello world");
	is_int(n, 11, "a truncated output returns the whole length");
	is_str(p, "hell", "a truncated output keeps size-1 bytes and a NUL");
	free(p);

	n = format_exact(&p, 4, "%d", 123456);
	ok(n == 6 && strcmp(p, "123") == 0, "a number is cut at the buffer's end");
	free(p);

	n = format_exact(&p, 1, "abc");
	ok(n == 3 && p[0] == '\0', "size 1 holds only the NUL");
	free(p);

	n = format_exact(&p, 12, "hello world");
	ok(n == 11 && strcmp(p, "hello world") == 0, "an output that just fits is whole");
	free(p);

	n = format_exact(&p, 11, "hello world");
	ok(n == 11 && strcmp(p, "hello worl") == 0, "one byte short loses the last byte");
	free(p);

	memset(small, 'X', sizeof(small));
	n = ksnprintf(small, 0, "abc%d", 5);
	ok(n == 4 && memcmp(small, "XXXXXXXX", 8) == 0, "size 0 writes nothing");

	n = ksnprintf(NULL, 0, "%s and %d", "length", 12345);
	is_int(n, 16, "size 0 with a NULL buffer measures the output");

	memset(small, 'X', sizeof(small));
	n = ksnprintf(small, 4, "%-10s|", "ab");
	ok(n == 11 && strcmp(small, "ab ") == 0 && small[4] == 'X',
	    "padding is cut too, and nothing past size is touched");

	n = format_exact(&p, 3, "%p", (void *)1);
	ok(n == 18 && strcmp(p, "0x") == 0, "%%p is cut like the rest");
	free(p);
}

static void
test_kprintf(void)
{
	char line[3000];
	size_t i;
	int n;

	console_reset();
	kprintf_set_output(NULL);
	n = kprintf("lost %d\n", 1);
	ok(n == 7 && console_calls == 0, "without an output function kprintf drops its output");
	kprintf_set_output(capture_write);

	for (i = 0; i < sizeof(line) - 1; i++)
		line[i] = (char)('a' + i % 26);
	line[sizeof(line) - 1] = '\0';

	console_reset();
	n = kprintf("hello %d\n", 42);
	ok(n == 9 && captured_len == 9 && memcmp(captured, "hello 42\n", 9) == 0,
	    "kprintf writes a short line to the console");

	console_reset();
	n = kprintf("%s", "");
	ok(n == 0 && captured_len == 0, "kprintf of nothing writes nothing");

	console_reset();
	n = kprintf("<%s>", line);
	ok(n == 3001 && captured_len == 3001 && captured[0] == '<' &&
	    memcmp(captured + 1, line, 2999) == 0 && captured[3000] == '>',
	    "3001 bytes through kprintf arrive whole and in order");
	ok(console_calls > 1 && console_max <= 128,
	    "long output goes out in several pieces of at most 128 bytes (%zu calls, "
	    "largest %zu)", console_calls, console_max);

	console_reset();
	n = kprintf("%5000d|", 1);
	ok(n == 5001 && captured_len == 5001 && captured[4998] == ' ' &&
	    captured[4999] == '1' && captured[5000] == '|', "a 5000-wide field arrives whole");

	console_reset();
	n = kprintf("%.128s", line);
	ok(n == 128 && captured_len == 128 && console_calls == 1,
	    "exactly one buffer's worth is one write");

	console_reset();
	n = kprintf("%.129s", line);
	ok(n == 129 && captured_len == 129 && console_calls == 2,
	    "one byte more than a buffer is two writes");

	console_reset();
	n = call_kvprintf("%s-%u", "kv", 7u);
	ok(n == 4 && captured_len == 4 && memcmp(captured, "kv-7", 4) == 0,
	    "kvprintf takes a va_list");
}

int
main(void)
{
	test_plain();
	test_unknown();
	test_signed();
	test_unsigned();
	test_width_and_flags();
	test_precision();
	test_char_string_pointer();
	test_truncation();
	test_kprintf();
	return done_testing();
}
