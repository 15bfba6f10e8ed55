/*
 * Allocation for the host tools, which can do nothing useful once memory runs out: each
 * function exits with the program's name and the reason (err(3)) instead of returning
 * NULL. Static inline, so that a tool needs the header and nothing more.
 */
#ifndef KEEL_TOOLS_XALLOC_H
#define KEEL_TOOLS_XALLOC_H

#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void *
xmalloc(size_t n)
{
	void *p;

	if ((p = malloc(n == 0 ? 1 : n)) == NULL)
		err(1, NULL);
	return p;
}

static inline void *
xcalloc(size_t n, size_t size)
{
	void *p;

	if ((p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size)) == NULL)
		err(1, NULL);
	return p;
}

static inline void *
xreallocarray(void *p, size_t n, size_t size)
{
	if ((p = reallocarray(p, n == 0 ? 1 : n, size == 0 ? 1 : size)) == NULL)
		err(1, NULL);
	return p;
}

static inline void *
xrealloc(void *p, size_t n)
{
	return xreallocarray(p, n, 1);
}

static inline char *
xstrdup(const char *s)
{
	char *d;

	if ((d = strdup(s)) == NULL)
		err(1, NULL);
	return d;
}

static inline char * __attribute__((format(printf, 1, 2)))
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		err(1, NULL);
	return s;
}

#endif
