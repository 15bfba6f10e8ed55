/*
 * Buffered output for programs that write many small pieces (a line of grep, a number of
 * seq): bytes gather in a buffer and go out in writes of OUTBUF_SIZE. printf writes at
 * once (stdio.h), so a program that uses an outbuf flushes it before printing otherwise.
 *
 * A failed write ends the program as GNU's utilities end: "prog: write error: why" on
 * standard error and status 1. That is also how a program stops when the reader of its
 * pipe has gone (EPIPE): Keel has no SIGPIPE to stop it.
 */
#ifndef KEEL_USER_OUTBUF_H
#define KEEL_USER_OUTBUF_H

#include <stddef.h>

#define OUTBUF_SIZE	4096

struct outbuf {
	int fd;
	size_t used;
	char buf[OUTBUF_SIZE];
};

/* Appends n bytes at p; writes out the buffer whenever it fills. */
void out_write(struct outbuf *o, const void *p, size_t n);

/* Appends the string s. */
void out_puts(struct outbuf *o, const char *s);

/* Appends what printf would print (at most 255 bytes; no more is needed by its callers). */
__attribute__((format(printf, 2, 3))) void out_printf(struct outbuf *o, const char *fmt, ...);

/* Writes out what is buffered. */
void out_flush(struct outbuf *o);

#endif
