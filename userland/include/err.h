/*
 * BSD's err(3) family, so that every program reports errors the same way:
 * "prog: what went wrong: why" on stderr. err and errx then exit with the given status.
 */
#ifndef KEEL_USER_ERR_H
#define KEEL_USER_ERR_H

#include <stdio.h>

/* The program's name: the last component of argv[0], set before main runs. */
extern const char *progname;

__attribute__((noreturn)) PRINTF_LIKE(2, 3) void err(int status, const char *fmt, ...);
__attribute__((noreturn)) PRINTF_LIKE(2, 3) void errx(int status, const char *fmt, ...);
PRINTF_LIKE(1, 2) void warn(const char *fmt, ...);	/* with ": strerror(errno)" */
PRINTF_LIKE(1, 2) void warnx(const char *fmt, ...);

#endif
