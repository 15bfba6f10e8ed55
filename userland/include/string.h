/*
 * Memory and string functions of Keel's C runtime: those of keel/string.h, which the
 * kernel shares (kernel/lib/string.c), and those that need the runtime (userland/lib).
 */
#ifndef KEEL_USER_STRING_H
#define KEEL_USER_STRING_H

#include <stddef.h>
#include <keel/string.h>

/* Returns a copy of s from malloc, or NULL when there is no memory (userland/lib/string.c). */
char *strdup(const char *s);

/* C11's other string functions (userland/lib/strmore.c); strcoll and strxfrm as in the C locale. */
char *strncpy(char *dst, const char *src, size_t n);
char *strncat(char *dst, const char *src, size_t n);
char *strstr(const char *hay, const char *needle);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char *strpbrk(const char *s, const char *accept);
char *strtok(char *s, const char *delim);
char *strtok_r(char *s, const char *delim, char **save);
int strcoll(const char *a, const char *b);
size_t strxfrm(char *dst, const char *src, size_t n);

/* Returns the message for an error number ("No such file or directory"). */
char *strerror(int errnum);

#endif
