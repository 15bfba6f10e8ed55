/*
 * The printf engine of Keel's C runtime, apart from any file so that the host unit tests
 * can compare it with the host's printf. Conversions: d i u x X o c s p %, with the flags
 * - 0 + space #, a width and a precision (numbers or *), and the sizes hh h l ll z j t.
 * There is no floating point and no %n; an unknown conversion is printed as written.
 */
#ifndef KEEL_USER_FORMAT_H
#define KEEL_USER_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives n bytes of output (not NUL-terminated). */
typedef void format_put_fn(void *ctx, const char *s, size_t n);

/* Formats fmt with ap, passing the output to put in pieces. Returns the bytes produced. */
int format(format_put_fn *put, void *ctx, const char *fmt, va_list ap);

/*
 * vsnprintf: formats into buf, which has room for size bytes, truncating and ending with
 * a NUL when size > 0. Returns the length the whole output has (>= size: truncated).
 */
int format_buffer(char *buf, size_t size, const char *fmt, va_list ap);

#endif
