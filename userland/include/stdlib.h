/* Memory allocation, number conversion and process exit of Keel's C runtime. */
#ifndef KEEL_USER_STDLIB_H
#define KEEL_USER_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS	0
#define EXIT_FAILURE	1
#define RAND_MAX	0x7fffffff

typedef struct { int quot, rem; } div_t;
typedef struct { long quot, rem; } ldiv_t;

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
long long strtoll(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
long atol(const char *s);
long long atoll(const char *s);

int abs(int n);
long labs(long n);
long long llabs(long long n);
div_t div(int num, int den);
ldiv_t ldiv(long num, long den);

/* Finds key in the n sorted elements at base; NULL when it is not there. */
void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmp)(const void *, const void *));

/* A pseudo-random number in 0..RAND_MAX; srand(seed) restarts the sequence (seed 1 at start). */
int rand(void);
void srand(unsigned seed);

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

/* exit calls the atexit functions (last first), flushes every stream and ends the program. */
int atexit(void (*fn)(void));
__attribute__((noreturn)) void exit(int status);
__attribute__((noreturn)) void abort(void);

#endif
