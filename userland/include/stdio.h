/*
 * Formatted output of Keel's C runtime. A FILE is only a file descriptor: every call
 * writes what it formats before returning (at most a few hundred bytes per write), so
 * there is nothing to flush and nothing lost when a program exits or is killed.
 * The conversions are those of keel/format.h (no floating point).
 */
#ifndef KEEL_USER_STDIO_H
#define KEEL_USER_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF	(-1)

typedef struct keel_file {
	int fd;
} FILE;

extern FILE *const stdin, *const stdout, *const stderr;

#define PRINTF_LIKE(f, a)	__attribute__((format(printf, f, a)))

PRINTF_LIKE(1, 2) int printf(const char *fmt, ...);
PRINTF_LIKE(2, 3) int fprintf(FILE *f, const char *fmt, ...);
PRINTF_LIKE(2, 3) int dprintf(int fd, const char *fmt, ...);
PRINTF_LIKE(3, 4) int snprintf(char *buf, size_t size, const char *fmt, ...);
int vprintf(const char *fmt, va_list ap);
int vfprintf(FILE *f, const char *fmt, va_list ap);
int vdprintf(int fd, const char *fmt, va_list ap);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

int fputs(const char *s, FILE *f);
int puts(const char *s);		/* s and a newline on stdout */
int fputc(int c, FILE *f);
int putchar(int c);

/* Prints "s: " (when s is not NULL or empty) and strerror(errno) on stderr. */
void perror(const char *s);

#endif
