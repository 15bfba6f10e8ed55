/*
 * The kernel's memory and string functions: the few pieces of the C library that kernel
 * code and the compiler itself (for structure copies and initializers) rely on. They are
 * written for clarity, a byte at a time; none of them is on a path where that matters yet.
 */
#include <lib.h>

/*
 * Compilers recognise a byte loop that fills or copies memory and replace it with a call
 * to memset or memcpy, which inside memset itself would recurse forever. These attributes
 * turn that pattern matching off for the functions below.
 */
#ifdef __clang__
#define NO_LIBCALLS	__attribute__((no_builtin))
#else
#define NO_LIBCALLS	__attribute__((optimize("no-tree-loop-distribute-patterns")))
#endif

/* Fills n bytes at dst with the byte c. Returns dst. */
NO_LIBCALLS void *
memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n-- > 0)
		*d++ = (unsigned char)c;
	return dst;
}

/* Copies n bytes from src to dst; the two must not overlap. Returns dst. */
NO_LIBCALLS void *
memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n-- > 0)
		*d++ = *s++;
	return dst;
}

/* Copies n bytes from src to dst, which may overlap. Returns dst. */
NO_LIBCALLS void *
memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s) {
		/* Moving down: each byte is read before anything is written over it. */
		while (n-- > 0)
			*d++ = *s++;
	} else {
		/* Moving up: go from the end so the tail of src is read before it is overwritten. */
		d += n;
		s += n;
		while (n-- > 0)
			*--d = *--s;
	}
	return dst;
}

/*
 * Compares n bytes as unsigned chars. Returns a negative number, zero or a positive number
 * as the first differing byte of a is below, equal to or above that of b.
 */
int
memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n > 0; n--, p++, q++) {
		if (*p != *q)
			return *p - *q;
	}
	return 0;
}

/* Returns the number of bytes in s before its terminating NUL. */
size_t
strlen(const char *s)
{
	const char *p = s;

	while (*p != '\0')
		p++;
	return (size_t)(p - s);
}

/* Returns strlen(s), or max if there is no NUL in the first max bytes; reads no further. */
size_t
strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0')
		n++;
	return n;
}

/* Compares two strings as unsigned chars, with memcmp's sign convention. */
int
strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;

	while (*p != '\0' && *p == *q) {
		p++;
		q++;
	}
	return *p - *q;
}

/* Compares at most n bytes of two strings, stopping at the first NUL; as strcmp otherwise. */
int
strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;

	for (; n > 0; n--, p++, q++) {
		if (*p != *q || *p == '\0')
			return *p - *q;
	}
	return 0;
}

/*
 * Returns a pointer to the first byte c (converted to char) in s, or NULL when there is
 * none. The terminating NUL counts as part of s, so strchr(s, '\0') points at the end.
 */
char *
strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (*s == '\0')
			return NULL;
	}
}
