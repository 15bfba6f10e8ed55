/*
 * Memory and string functions (keel/string.h), the one implementation that the kernel,
 * user space's C runtime and the host tests each compile with their own flags.
 *
 * memset moves eight bytes at a time when the pointer allows it, memcpy and memmove at
 * any alignment, because programs copy whole file buffers with them and the kernel copies
 * pages, file data and packets; everything else goes a byte at a time, for clarity.
 */
#include <stdint.h>

#include <keel/string.h>

/*
 * Compilers recognise a loop that fills or copies memory and replace it with a call to
 * memset or memcpy, which inside memset itself would recurse forever. These attributes
 * turn that pattern matching off for the functions below.
 */
#ifdef __clang__
#define NO_LIBCALLS	__attribute__((no_builtin))
#else
#define NO_LIBCALLS	__attribute__((optimize("no-tree-loop-distribute-patterns")))
#endif

/* A word that may alias anything, so the 8-byte copies are not undone by the optimiser. */
typedef uint64_t __attribute__((may_alias)) word_t;
/* The same at any address: x86-64 loads and stores words at any alignment. */
typedef uint64_t __attribute__((may_alias, aligned(1))) uword_t;

/* Whether the two addresses are both 8-byte aligned. */
static int
aligned8(const void *a, const void *b)
{
	return (((uintptr_t)a | (uintptr_t)b) & 7) == 0;
}

/*
 * Copies n bytes upwards in memory, a word at a time at any alignment (network payloads
 * and file data land at any offset), first word first. Safe for overlapping ranges when
 * dst is below src: each word is read before it is stored, and a store ends below the
 * next word to read, since d + 8 <= s + 8.
 */
NO_LIBCALLS static void
copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
	for (; n >= 8; n -= 8, d += 8, s += 8)
		*(uword_t *)(void *)d = *(const uword_t *)(const void *)s;
	while (n-- > 0)
		*d++ = *s++;
}

NO_LIBCALLS void *
memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	if (aligned8(d, d)) {
		uint64_t v = 0x0101010101010101ULL * (unsigned char)c;

		for (; n >= 8; n -= 8, d += 8)
			*(word_t *)(void *)d = v;
	}
	while (n-- > 0)
		*d++ = (unsigned char)c;
	return dst;
}

NO_LIBCALLS void *
memcpy(void *dst, const void *src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

NO_LIBCALLS void *
memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n) {
		copy_forward(d, s, n);
		return dst;
	}
	/* dst overlaps the end of src: go from the end, so each byte is read before it is written over. */
	while (n-- > 0)
		d[n] = s[n];
	return dst;
}

int
memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n > 0; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

void *
memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n > 0; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t
strlen(const char *s)
{
	const char *p = s;

	while (*p != '\0')
		p++;
	return (size_t)(p - s);
}

size_t
strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0')
		n++;
	return n;
}

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

int
strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;

	for (; n > 0; n--, p++, q++)
		if (*p != *q || *p == '\0')
			return *p - *q;
	return 0;
}

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

char *
strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (*s == '\0')
			return (char *)last;
	}
}

char *
strcpy(char *dst, const char *src)
{
	return memcpy(dst, src, strlen(src) + 1);
}

char *
strcat(char *dst, const char *src)
{
	strcpy(dst + strlen(dst), src);
	return dst;
}

size_t
strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

size_t
strlcat(char *dst, const char *src, size_t size)
{
	size_t used = strnlen(dst, size);

	if (used == size)	/* no NUL in dst's size bytes: nothing can be appended */
		return size + strlen(src);
	return used + strlcpy(dst + used, src, size - used);
}
