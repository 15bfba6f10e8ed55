/*
 * A tiny Test Anything Protocol helper for the host unit tests: each check prints one "ok"
 * or "not ok" line, and done_testing() gives main() its exit status. Everything is static
 * inline so that each test program carries its own copy and unused helpers cost nothing.
 *
 *	plan(3);				(optional: done_testing() prints it otherwise)
 *	ok(x == 1, "x is one after %s", what);
 *	is_int(f(), 4, "f returns four");
 *	is_str(buf, "abc", "buf holds abc");
 *	return done_testing();
 *
 * It uses no string function of the C library, so that it can check the kernel's own.
 */
#ifndef KEEL_TAP_H
#define KEEL_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static struct {
	int planned;	/* -1 until plan() */
	int run;
	int failed;
} tap_state = { -1, 0, 0 };

#define TAP_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Announces that n tests will follow. */
static inline void
plan(int n)
{
	tap_state.planned = n;
	printf("1..%d\n", n);
}

/* Prints a comment line, which TAP consumers show but do not count. */
static inline TAP_PRINTF(1, 2) void
diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

static inline void
tap_result(bool pass, const char *fmt, va_list ap)
{
	tap_state.run++;
	if (!pass)
		tap_state.failed++;
	printf("%sok %d - ", pass ? "" : "not ", tap_state.run);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	fflush(stdout);
}

/* Passes when cond is true. Returns cond. */
static inline TAP_PRINTF(2, 3) bool
ok(bool cond, const char *name, ...)
{
	va_list ap;

	va_start(ap, name);
	tap_result(cond, name, ap);
	va_end(ap);
	return cond;
}

/* Passes when got == want; says both when it fails. */
static inline TAP_PRINTF(3, 4) bool
is_int(long long got, long long want, const char *name, ...)
{
	va_list ap;
	bool pass = got == want;

	va_start(ap, name);
	tap_result(pass, name, ap);
	va_end(ap);
	if (!pass)
		diag("     got: %lld\n#   wanted: %lld", got, want);
	return pass;
}

static inline bool
tap_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* Passes when the two strings are equal (or both NULL); says both when it fails. */
static inline TAP_PRINTF(3, 4) bool
is_str(const char *got, const char *want, const char *name, ...)
{
	va_list ap;
	bool pass = tap_streq(got, want);

	va_start(ap, name);
	tap_result(pass, name, ap);
	va_end(ap);
	if (!pass)
		diag("     got: %s%s%s\n#   wanted: %s%s%s", got ? "\"" : "", got ? got : "NULL",
		    got ? "\"" : "", want ? "\"" : "", want ? want : "NULL", want ? "\"" : "");
	return pass;
}

/*
 * Ends the run: prints the plan if plan() was not called. Returns the exit status for
 * main(): 0 when every test passed and as many ran as were planned, 1 otherwise.
 */
static inline int
done_testing(void)
{
	if (tap_state.planned < 0)
		printf("1..%d\n", tap_state.run);
	else if (tap_state.planned != tap_state.run)
		diag("planned %d tests but ran %d", tap_state.planned, tap_state.run);
	if (tap_state.failed > 0)
		diag("failed %d of %d tests", tap_state.failed, tap_state.run);
	fflush(stdout);
	return tap_state.failed == 0 &&
	    (tap_state.planned < 0 || tap_state.planned == tap_state.run) ? 0 : 1;
}

#endif
