/*
 * The kernel's small C library: memory and string functions and formatted printing.
 * Everything here is pure except kprintf/kvprintf, which write to the console; the pure
 * parts are also compiled for the host and unit-tested there.
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
/* Host unit tests: the host's C library stands in for the functions below. */
#include <string.h>
#else
/* The compiler may emit calls to these four itself, so they keep their standard names. */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
#endif

/*
 * Formats like C99 vsnprintf into buf, writing at most size bytes including the NUL (nothing
 * when size is 0). Returns the length the whole output would have had. Conversions: %d %i
 * %u %x %X %p %s %c %%, with the flags '-', '0' and '#' (0x before a nonzero %x), a field
 * width (digits or '*'), a precision (digits or '*': the most bytes of a %s, the fewest
 * digits of a number), and the size prefixes hh, h, l, ll, z. %p prints 0x and 16 hex
 * digits; %s of NULL prints (null). An unknown conversion is copied out as it stands.
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Formats as above and writes the result to the console. Returns the number of bytes written. */
int kvprintf(const char *fmt, va_list ap);
int kprintf(const char *fmt, ...) __printf(1, 2);

#endif
