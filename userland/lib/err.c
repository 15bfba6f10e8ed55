/* err(3) and friends: "prog: message[: strerror(errno)]" on stderr (see err.h). */
#include <assert.h>
#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prints the message as one line. errnum < 0 leaves out the error string. */
static void
report(int errnum, const char *fmt, va_list ap)
{
	char msg[256];
	int n;

	n = snprintf(msg, sizeof(msg), "%s: ", progname);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	if (errnum >= 0)
		fprintf(stderr, "%s: %s\n", msg, strerror(errnum));
	else
		fprintf(stderr, "%s\n", msg);
}

void
err(int status, const char *fmt, ...)
{
	int errnum = errno;
	va_list ap;

	va_start(ap, fmt);
	report(errnum, fmt, ap);
	va_end(ap);
	exit(status);
}

void
errx(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(-1, fmt, ap);
	va_end(ap);
	exit(status);
}

void
warn(const char *fmt, ...)
{
	int errnum = errno;
	va_list ap;

	va_start(ap, fmt);
	report(errnum, fmt, ap);
	va_end(ap);
}

void
warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(-1, fmt, ap);
	va_end(ap);
}

/* What a failed assert() calls (assert.h): the message glibc prints, then abort. */
void
__assert_fail(const char *expr, const char *file, int line, const char *func)
{
	fprintf(stderr, "%s: %s:%d: %s: Assertion `%s' failed.\n", progname, file, line, func,
		expr);
	abort();
}
