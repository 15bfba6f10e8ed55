/* Memory allocation, number conversion and process exit of Keel's C runtime. */
#ifndef KEEL_USER_STDLIB_H
#define KEEL_USER_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS	0
#define EXIT_FAILURE	1

/* The allocator (lib/malloc.c) grows the heap with sbrk and never gives memory back. */
void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);

/* Sorts n elements of size bytes at base by cmp; stable (lib/qsort.c is a merge sort). */
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

int atoi(const char *s);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);

/*
 * The environment (lib/env.c): getenv returns the value of NAME or NULL; setenv sets it
 * (overwrite 0 keeps a value already there) and unsetenv removes it; both return 0, or
 * -1 with errno EINVAL for an empty name or one with '=', ENOMEM.
 */
char *getenv(const char *name);
int setenv(const char *name, const char *value, int overwrite);
int unsetenv(const char *name);
/* Empties the environment (glibc's clearenv); returns 0. */
int clearenv(void);

__attribute__((noreturn)) void exit(int status);
__attribute__((noreturn)) void abort(void);

#endif
