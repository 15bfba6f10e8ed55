/*
 * The runtime's own string and number functions (userland/lib/string.c, stdlib.c) on the
 * host: strdup, and strtol's bases, signs and overflow. The build renames them (k...) so
 * as not to replace the C library's. memset, strlcpy and the rest are kernel/lib/string.c,
 * shared with the kernel, and tests/unit/test_string checks them.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/tap.h"

char *kstrdup(const char *);
long kstrtol(const char *, char **, int);
unsigned long kstrtoul(const char *, char **, int);
int katoi(const char *);

static void
test_strdup(void)
{
	char *d = kstrdup("dup");

	ok(d != NULL && strcmp(d, "dup") == 0, "strdup copies");
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
	test_strdup();
	test_strtol();
	return done_testing();
}
