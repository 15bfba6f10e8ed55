/*
 * The printf engine (kernel/lib/format.c), the one behind the kernel's kprintf and
 * ksnprintf and user space's printf family; the host unit tests compare it with the
 * host's printf. Conversions: d i u x X o c s p %, with the flags - 0 + space #, a width
 * and a precision (numbers or *), and the sizes hh h l ll z j t. Where C leaves a choice
 * or the behaviour undefined:
 *
 *	%p	"0x" and all 16 lowercase hex digits, NULL included (0x0000000000000000), so
 *		that addresses line up; only the width and '-' apply to it;
 *	%s	of NULL prints "(null)";
 *	unknown	an unknown conversion, or one cut off by the end of the format, is printed
 *		as written and takes no argument.
 *
 * There is no floating point and no %n. A width or precision beyond INT_MAX is INT_MAX.
 */
#ifndef KEEL_UAPI_FORMAT_H
#define KEEL_UAPI_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives n bytes of output (not NUL-terminated). */
typedef void format_put_fn(void *ctx, const char *s, size_t n);

/*
 * Formats fmt with ap, passing the output to put in pieces (runs of the format's text
 * whole, and each conversion in a few pieces). Returns the bytes produced, or INT_MAX when
 * there were more.
 */
int format(format_put_fn *put, void *ctx, const char *fmt, va_list ap);

/*
 * vsnprintf: formats into buf, which has room for size bytes, truncating and ending with
 * a NUL when size > 0. Returns the length the whole output has (>= size: truncated).
 */
int format_buffer(char *buf, size_t size, const char *fmt, va_list ap);

#endif
