/*
 * The kernel's small C library, kernel/lib/: memory and string functions, formatted
 * printing, and the other pure code the kernel shares with user space and the host tools
 * (keel/string.h, keel/format.h and their neighbours in uapi/keel/). Nothing in
 * kernel/lib calls up into the rest of the kernel: kprintf writes through an output
 * function that the console driver registers (kprintf_set_output).
 */
#ifndef KEEL_LIB_H
#define KEEL_LIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)	(((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))

#define __printf(f, a)	__attribute__((format(printf, f, a)))
#define __noreturn	__attribute__((noreturn))

#ifdef KEEL_HOST_TEST
/* Host tools and unit tests of kernel code: the host's C library stands in for these. */
#include <limits.h>
#include <string.h>
#else
#include <keel/string.h>
/*
 * The kernel is built with -nostdinc, and not every gcc's <limits.h> stands without a C
 * library's (Debian's includes the system's), so the limits it needs come from here.
 */
#define INT_MAX		__INT_MAX__
#define INT_MIN		(-__INT_MAX__ - 1)
#define UINT_MAX	(__INT_MAX__ * 2U + 1U)
#define LONG_MAX	__LONG_MAX__
#define ULONG_MAX	(__LONG_MAX__ * 2UL + 1UL)
#endif

/*
 * Formats like C99 vsnprintf into buf, writing at most size bytes including the NUL
 * (nothing when size is 0). Returns the length the whole output would have had. The
 * conversions are those of keel/format.h, the engine shared with user space's printf.
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/*
 * Formats as above and hands the result to the output function, in pieces of at most
 * KPRINTF_CHUNK bytes. Returns the number of bytes formatted, which are dropped while no
 * output function is set.
 */
#define KPRINTF_CHUNK	128
int kvprintf(const char *fmt, va_list ap);
int kprintf(const char *fmt, ...) __printf(1, 2);

/*
 * Sets where kprintf's output goes: the console driver passes console_write early in
 * kmain, so that kernel/lib need not know the console. NULL drops the output.
 */
void kprintf_set_output(void (*write)(const char *s, size_t len));

#endif
