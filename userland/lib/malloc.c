/*
 * malloc and free over sbrk: a first-fit allocator with one free list kept in address
 * order, so that free can merge a block with its free neighbours. Every block starts
 * with a 16-byte header and is a multiple of 16 bytes, so every pointer it hands out is
 * aligned for any type, SSE's included. The heap grows in steps of at least
 * MALLOC_GROW bytes and never shrinks: Keel's programs are short-lived.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MALLOC_ALIGN	16
#define MALLOC_GROW	(64 * 1024)
#define MALLOC_MIN	(2 * sizeof(struct block))	/* the smallest block worth splitting off */

struct block {
	size_t size;		/* bytes, header included; a multiple of MALLOC_ALIGN */
	struct block *next;	/* the next free block by address, while this one is free */
};

_Static_assert(sizeof(struct block) == MALLOC_ALIGN, "the header keeps payloads aligned");

static struct block *free_list;

static void *
payload(struct block *b)
{
	return b + 1;
}

static struct block *
header(void *p)
{
	return (struct block *)p - 1;
}

static char *
end_of(struct block *b)
{
	return (char *)b + b->size;
}

/* Returns the block size for a request of n bytes, or 0 when that would overflow. */
static size_t
block_size(size_t n)
{
	if (n > SIZE_MAX - sizeof(struct block) - MALLOC_ALIGN)
		return 0;
	n = (n + sizeof(struct block) + MALLOC_ALIGN - 1) & ~(size_t)(MALLOC_ALIGN - 1);
	return n < MALLOC_MIN ? MALLOC_MIN : n;
}

/* Puts b on the free list in address order, merging it with free neighbours. */
static void
release(struct block *b)
{
	struct block *prev = NULL, *next = free_list;

	while (next != NULL && next < b) {
		prev = next;
		next = next->next;
	}
	b->next = next;
	if (next != NULL && end_of(b) == (char *)next) {
		b->size += next->size;
		b->next = next->next;
	}
	if (prev == NULL) {
		free_list = b;
	} else if (end_of(prev) == (char *)b) {
		prev->size += b->size;
		prev->next = b->next;
	} else {
		prev->next = b;
	}
}

/* Gets at least need more bytes from sbrk onto the free list. Returns 0 or -1. */
static int
grow(size_t need)
{
	uintptr_t brk = (uintptr_t)sbrk(0);
	size_t pad = (MALLOC_ALIGN - brk % MALLOC_ALIGN) % MALLOC_ALIGN;
	size_t step = need > MALLOC_GROW ? need : MALLOC_GROW;
	struct block *b;
	char *p;

	if (brk == (uintptr_t)-1 || step > SIZE_MAX - pad)
		return -1;
	p = sbrk((intptr_t)(step + pad));
	if (p == (void *)-1)
		return -1;
	b = (struct block *)(p + pad);
	b->size = step;
	release(b);
	return 0;
}

/* Takes a block of size bytes off the free list (first fit). Returns it, or NULL. */
static struct block *
take(size_t size)
{
	struct block **link = &free_list, *b;

	for (b = free_list; b != NULL; link = &b->next, b = b->next) {
		if (b->size < size)
			continue;
		if (b->size - size >= MALLOC_MIN) {	/* hand out the tail, keep the head */
			b->size -= size;
			b = (struct block *)end_of(b);
			b->size = size;
		} else {
			*link = b->next;
		}
		return b;
	}
	return NULL;
}

/* Returns n bytes aligned to 16, or NULL with errno = ENOMEM. */
void *
malloc(size_t n)
{
	size_t size = block_size(n);
	struct block *b;

	if (size == 0) {
		errno = ENOMEM;
		return NULL;
	}
	b = take(size);
	if (b == NULL && grow(size) == 0)
		b = take(size);
	if (b == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	return payload(b);
}

void
free(void *p)
{
	if (p != NULL)
		release(header(p));
}

/* Returns count * size zeroed bytes, or NULL when the product overflows or is too big. */
void *
calloc(size_t count, size_t size)
{
	void *p;

	if (size != 0 && count > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	p = malloc(count * size);
	return p != NULL ? memset(p, 0, count * size) : NULL;
}

/*
 * Resizes p to n bytes, in place when the block is big enough, else by moving it. Returns
 * the new pointer, or NULL (p untouched) when there is no memory. realloc(p, 0) frees p
 * and returns NULL.
 */
void *
realloc(void *p, size_t n)
{
	size_t size = block_size(n);
	struct block *b;
	void *q;

	if (p == NULL)
		return malloc(n);
	if (n == 0) {
		free(p);
		return NULL;
	}
	b = header(p);
	if (size != 0 && size <= b->size)
		return p;
	q = malloc(n);
	if (q == NULL)
		return NULL;
	memcpy(q, p, b->size - sizeof(struct block));
	free(p);
	return q;
}

/*
 * For the unit tests: checks the free list's invariants (address order, no two blocks
 * touching, sizes that are multiples of 16). Returns the number of free bytes, or -1.
 */
long
malloc_check(void)
{
	long bytes = 0;

	for (struct block *b = free_list; b != NULL; b = b->next) {
		if (b->size < MALLOC_MIN || b->size % MALLOC_ALIGN != 0 ||
		    (b->next != NULL && end_of(b) >= (char *)b->next))
			return -1;
		bytes += (long)b->size;
	}
	return bytes;
}
