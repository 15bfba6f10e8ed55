/*
 * Standard input and output of Keel's C runtime, as C11 7.21 has them: FILE streams with
 * buffers. stdout is line-buffered on the terminal and fully buffered otherwise, stdin
 * likewise, stderr unbuffered (each call one write). exit() and returning from main flush
 * every stream; _exit() and a signal do not.
 *
 * So that programs mixing stdio with the system calls keep their order, the runtime's
 * read, write, fork and spawn wrappers flush pending stream output first (a check of one
 * pointer when there is none). The printf conversions are those of keel/format.h: no
 * floating point. There is no scanf, tmpfile, freopen, wide characters or locale.
 */
#ifndef KEEL_USER_STDIO_H
#define KEEL_USER_STDIO_H

#include <stdarg.h>
#include <stddef.h>
#include <keel/syscall.h>	/* SEEK_SET, SEEK_CUR, SEEK_END */

#define EOF		(-1)
#define BUFSIZ		1024
#define FOPEN_MAX	64
#define FILENAME_MAX	256

#define _IOFBF		0	/* fully buffered */
#define _IOLBF		1	/* line buffered */
#define _IONBF		2	/* unbuffered */

typedef struct keel_file FILE;
typedef long fpos_t;

extern FILE *const stdin, *const stdout, *const stderr;

#define PRINTF_LIKE(f, a)	__attribute__((format(printf, f, a)))

/* Opening and closing. Modes: r, w, a, r+, w+, a+, each with an optional b (ignored). */
FILE *fopen(const char *path, const char *mode);
FILE *fdopen(int fd, const char *mode);
int fclose(FILE *f);
int fileno(FILE *f);
int setvbuf(FILE *f, char *buf, int mode, size_t size);
void setbuf(FILE *f, char *buf);
int fflush(FILE *f);		/* NULL: every stream */

/* Formatted output. */
PRINTF_LIKE(1, 2) int printf(const char *fmt, ...);
PRINTF_LIKE(2, 3) int fprintf(FILE *f, const char *fmt, ...);
PRINTF_LIKE(2, 3) int dprintf(int fd, const char *fmt, ...);
PRINTF_LIKE(3, 4) int snprintf(char *buf, size_t size, const char *fmt, ...);
PRINTF_LIKE(2, 3) int sprintf(char *buf, const char *fmt, ...);
int vprintf(const char *fmt, va_list ap);
int vfprintf(FILE *f, const char *fmt, va_list ap);
int vdprintf(int fd, const char *fmt, va_list ap);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int vsprintf(char *buf, const char *fmt, va_list ap);

/* Characters, lines and blocks. */
int fputc(int c, FILE *f);
int putc(int c, FILE *f);
int putchar(int c);
int fputs(const char *s, FILE *f);
int puts(const char *s);		/* s and a newline on stdout */
size_t fwrite(const void *p, size_t size, size_t n, FILE *f);
int fgetc(FILE *f);
int getc(FILE *f);
int getchar(void);
int ungetc(int c, FILE *f);		/* one byte of push-back */
char *fgets(char *s, int size, FILE *f);
size_t fread(void *p, size_t size, size_t n, FILE *f);
/* POSIX: reads a line (up to delim) into *line, growing it with realloc; -1 at the end. */
long getline(char **line, size_t *cap, FILE *f);
long getdelim(char **line, size_t *cap, int delim, FILE *f);

/* Position and state. */
int fseek(FILE *f, long off, int whence);
long ftell(FILE *f);
void rewind(FILE *f);
int fgetpos(FILE *f, fpos_t *pos);
int fsetpos(FILE *f, const fpos_t *pos);
int feof(FILE *f);
int ferror(FILE *f);
void clearerr(FILE *f);

/* Prints "s: " (when s is not NULL or empty) and strerror(errno) on stderr. */
void perror(const char *s);
int remove(const char *path);		/* unlink, or rmdir for a directory */
int rename(const char *from, const char *to);

#endif
