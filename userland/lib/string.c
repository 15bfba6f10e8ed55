/*
 * The string functions of the C runtime that need the runtime itself (malloc). The rest,
 * memset to strlcat, are kernel/lib/string.c, the one implementation that the kernel
 * shares (keel/string.h).
 */
#include <stdlib.h>
#include <string.h>

/* Returns a copy of s from malloc, or NULL when there is no memory. */
char *
strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	return p != NULL ? memcpy(p, s, n) : NULL;
}
