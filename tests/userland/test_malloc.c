/*
 * The runtime's allocator (userland/lib/malloc.c) on the host, over a fake sbrk that
 * hands out a fixed arena: alignment, reuse, merging, growth, running out, calloc's
 * overflow check and realloc, then many random operations with the contents checked.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/tap.h"

void *kmalloc(size_t);
void *kcalloc(size_t, size_t);
void *krealloc(void *, size_t);
void kfree(void *);
long malloc_check(void);

#define ARENA	(1024 * 1024)

static _Alignas(16) char arena[ARENA + 16];
static size_t brk_at = 8;	/* a misaligned start, which malloc must pad */
static int sbrk_calls;

/* The fake sbrk: grows within the arena, fails beyond it. */
void *
test_sbrk(intptr_t incr)
{
	char *old = arena + brk_at;

	sbrk_calls++;
	if (incr < 0 || brk_at + (size_t)incr > sizeof(arena)) {
		errno = ENOMEM;
		return (void *)-1;
	}
	brk_at += (size_t)incr;
	return old;
}

static void
test_bad_sizes(void)
{
	errno = 0;
	ok(kmalloc(SIZE_MAX) == NULL && errno == ENOMEM, "malloc(SIZE_MAX) fails with ENOMEM");
	ok(kmalloc(SIZE_MAX - 8) == NULL, "a size that overflows with the header fails");
	ok(kcalloc(SIZE_MAX / 2, 3) == NULL, "calloc whose product overflows fails");
	ok(kmalloc(ARENA * 2) == NULL, "more than sbrk can give fails");
	is_int(malloc_check(), 0, "... leaving the heap empty and sound");
}

static void
test_basics(void)
{
	char *a = kmalloc(1), *b = kmalloc(100), *c;
	int *z;

	ok(a != NULL && b != NULL, "small blocks are handed out");
	ok((uintptr_t)a % 16 == 0 && (uintptr_t)b % 16 == 0, "... aligned to 16");
	ok(b >= a + 16 || a >= b + 112, "... without overlapping");
	memset(a, 'a', 1);
	memset(b, 'b', 100);
	kfree(b);
	c = kmalloc(100);
	ok(c == b, "a block freed is handed out again for the same size");
	kfree(c);
	kfree(a);
	ok(malloc_check() > 0, "freed blocks merge into a sound free list");
	z = kcalloc(10, sizeof(int));
	ok(z != NULL && z[0] == 0 && z[9] == 0, "calloc zeroes");
	kfree(z);
	kfree(NULL);
	ok(malloc_check() > 0, "free(NULL) does nothing");
}

static void
test_merge(void)
{
	void *p[8];
	long before = malloc_check(), after;

	for (int i = 0; i < 8; i++)
		p[i] = kmalloc(64);
	for (int i = 0; i < 8; i += 2)
		kfree(p[i]);
	for (int i = 1; i < 8; i += 2)
		kfree(p[i]);
	after = malloc_check();
	is_int(after, before, "freeing all blocks in any order gives all the bytes back");
	ok(kmalloc(before - 64) != NULL, "... as one block big enough for nearly all of them");
}

static void
test_realloc(void)
{
	char *p = kmalloc(10), *q;

	strcpy(p, "keel");
	ok(krealloc(p, 8) == p, "shrinking stays in place");
	q = krealloc(p, 5000);
	ok(q != NULL && strcmp(q, "keel") == 0, "growing keeps the contents");
	ok(krealloc(q, 0) == NULL, "realloc to 0 frees and gives NULL");
	q = krealloc(NULL, 16);
	ok(q != NULL, "realloc(NULL, n) is malloc");
	kfree(q);
}

/* Random allocations and frees; each block is filled with its own byte and checked. */
static void
test_random(void)
{
	enum { SLOTS = 64 };
	unsigned char *p[SLOTS] = { 0 };
	size_t size[SLOTS] = { 0 };
	int corrupt = 0, failed = 0;

	srand(7);
	for (int step = 0; step < 20000; step++) {
		int i = rand() % SLOTS;

		if (p[i] != NULL) {
			for (size_t k = 0; k < size[i]; k++)
				corrupt += p[i][k] != (unsigned char)i;
			if (rand() % 3 == 0) {
				size[i] = (size_t)rand() % 3000;
				p[i] = krealloc(p[i], size[i] ? size[i] : 1);
				failed += p[i] == NULL;
				if (p[i] != NULL)
					memset(p[i], i, size[i]);
			} else {
				kfree(p[i]);
				p[i] = NULL;
			}
		} else {
			size[i] = (size_t)rand() % (rand() % 10 == 0 ? 20000 : 300);
			p[i] = kmalloc(size[i]);
			failed += p[i] == NULL;
			if (p[i] != NULL)
				memset(p[i], i, size[i]);
		}
	}
	is_int(failed, 0, "20000 random operations within the arena all succeed");
	is_int(corrupt, 0, "... and no block is overwritten by another");
	ok(malloc_check() >= 0, "... and the free list stays sound");
	for (int i = 0; i < SLOTS; i++)
		kfree(p[i]);
	ok(malloc_check() > 0, "freeing everything leaves a sound list");
}

int
main(void)
{
	test_bad_sizes();
	test_basics();
	test_merge();
	test_realloc();
	test_random();
	ok(sbrk_calls > 0 && brk_at < ARENA, "the heap grew by sbrk, within the arena");
	return done_testing();
}
