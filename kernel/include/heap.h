/*
 * The kernel heap: kmalloc and kfree for objects of any size, in power-of-two size classes
 * carved out of frames (through the direct map), whole frames beyond the largest class.
 * Every block carries a header and a canary after its last byte, so a double free or a
 * write past the end is reported, with the caller, when the block is freed.
 */
#ifndef KEEL_HEAP_H
#define KEEL_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HEAP_ALIGN		16	/* every block's address is a multiple of this */
#define HEAP_MIN_CLASS		16
#define HEAP_MAX_CLASS		2048	/* larger blocks get frames of their own */
/* The most kmalloc hands out in one block: 4 MiB (the largest run of frames) less a frame. */
#define HEAP_MAX_ALLOC		((4UL << 20) - 4096)

/* Returns a block of at least size bytes aligned to HEAP_ALIGN, or NULL (also for size 0). */
void *kmalloc(size_t size);

/* As kmalloc, with the block's bytes zeroed. */
void *kzalloc(size_t size);

/* As kzalloc for n objects of size bytes; NULL when n * size overflows. */
void *kcalloc(size_t n, size_t size);

/*
 * Resizes the block p (NULL: like kmalloc) to size bytes (0: frees it and returns NULL),
 * keeping its contents up to the smaller size. Returns the block, maybe moved, or NULL
 * when there is no memory, in which case p is left as it was.
 */
void *krealloc(void *p, size_t size);

/*
 * Frees a block from kmalloc and friends; NULL is ignored. A block that is already free,
 * or whose canary was overwritten, is reported with the caller and not reused.
 */
void kfree(void *p);

/* Returns the bytes that can be used in the block p (its size as asked for). */
size_t kmalloc_size(const void *p);

/*
 * Returns one page (HEAP_PAGE bytes, page-aligned, not zeroed) straight from the frame
 * allocator, with no header or canary: for data kept in whole pages, such as file contents,
 * where kmalloc(HEAP_PAGE) would take two frames. NULL when memory is out.
 */
#define HEAP_PAGE		4096
void *kpage_alloc(void);

/*
 * Gives up a page of kpage_alloc; NULL is ignored. The frame goes back to the allocator
 * with its last user: a page lent to address spaces (kpage_lend) outlives its owner's free.
 */
void kpage_free(void *page);

/*
 * Lends a page of kpage_alloc to a mapping: the page gets one more user, which the mapping
 * drops with pmm_unref when it goes. Returns the page's frame, or 0 when memory is out.
 */
uint64_t kpage_lend(void *page);

/* True while a page of kpage_alloc is lent out: its owner may not change it in place. */
bool kpage_lent(const void *page);

struct heap_stats {
	uint64_t bytes_in_use;		/* as asked for by the callers */
	uint64_t blocks_in_use;
	uint64_t pages;			/* handed out by kpage_alloc */
	uint64_t frames;		/* frames the heap holds, free blocks included */
	uint64_t errors;		/* double frees and overwritten canaries seen */
};
void heap_stats(struct heap_stats *s);

#endif
