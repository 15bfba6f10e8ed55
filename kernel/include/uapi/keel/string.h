/*
 * The memory and string functions of kernel/lib/string.c: one implementation, compiled
 * into the kernel, into user space's C runtime (whose <string.h> includes this header and
 * adds what needs malloc) and into host tests. They keep the C library's names because
 * compilers emit calls to memset, memcpy, memmove and memcmp on their own.
 */
#ifndef KEEL_UAPI_STRING_H
#define KEEL_UAPI_STRING_H

#include <stddef.h>

/* Fills n bytes at dst with the byte c. Returns dst. */
void *memset(void *dst, int c, size_t n);
/* Copies n bytes from src to dst; the two must not overlap. Returns dst. */
void *memcpy(void *dst, const void *src, size_t n);
/* Copies n bytes from src to dst, which may overlap. Returns dst. */
void *memmove(void *dst, const void *src, size_t n);
/*
 * Compares n bytes as unsigned chars. Returns a negative number, zero or a positive
 * number as the first differing byte of a is below, equal to or above that of b.
 */
int memcmp(const void *a, const void *b, size_t n);
/* Returns the first byte c (as unsigned char) in the n bytes at s, or NULL. */
void *memchr(const void *s, int c, size_t n);

/* Returns the number of bytes in s before its terminating NUL. */
size_t strlen(const char *s);
/* Returns strlen(s), or max if there is no NUL in the first max bytes; reads no further. */
size_t strnlen(const char *s, size_t max);
/* Compares two strings as unsigned chars, with memcmp's sign convention. */
int strcmp(const char *a, const char *b);
/* As strcmp, looking at no more than n bytes. */
int strncmp(const char *a, const char *b, size_t n);
/* Returns the first c in s, or NULL; the terminating NUL counts, so strchr(s, 0) is the end. */
char *strchr(const char *s, int c);
/* Returns the last c in s, or NULL; as strchr for c == 0. */
char *strrchr(const char *s, int c);
/* Copies the string src, NUL included, to dst. Returns dst. */
char *strcpy(char *dst, const char *src);
/* Appends the string src to the string in dst. Returns dst. */
char *strcat(char *dst, const char *src);
/*
 * Copies src into dst, which has room for size bytes, truncating and always ending with
 * a NUL (when size > 0). Returns strlen(src): a result >= size means it was truncated.
 */
size_t strlcpy(char *dst, const char *src, size_t size);
/* Appends src to the string in dst as strlcpy would. Returns the length it tried for. */
size_t strlcat(char *dst, const char *src, size_t size);

#endif
