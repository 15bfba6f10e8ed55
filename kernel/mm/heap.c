/*
 * The kernel heap. Small blocks come from size classes of 16 to 2048 bytes: a class takes
 * a frame at a time from the frame allocator, cuts it into equal slots and keeps the free
 * ones on a list, so kmalloc and kfree are a list pop and push. Larger blocks are runs of
 * whole frames. Frames of the classes are not given back; a class's free list is reused.
 *
 * Each slot is a 16-byte header (its state, the size asked for, the caller), the block,
 * and at least 8 canary bytes after the block's last byte. kfree checks both: a header
 * that says "free" is a double free, a changed canary is a write past the end. Either is
 * reported with the allocating and the freeing caller, and the block is not reused: it is
 * safer to lose it than to hand out memory that someone may still write.
 */
#include "arch.h"
#include "heap.h"
#include "ksyms.h"
#include "lib.h"
#include "lock.h"
#include "pmm.h"

#define NCLASSES	8		/* 16, 32, ..., 2048 */
#define MAGIC_USED	0x55534544	/* "USED" */
#define MAGIC_FREE	0x46524545	/* "FREE" */
#define MAGIC_BAD	0x42414421	/* "BAD!": reported, never reused */
#define CANARY		0x5a
#define CANARY_LEN	8
#define LARGE_CLASS	NCLASSES	/* header class of a block with frames of its own */

struct header {
	uint32_t magic;
	uint16_t cls;
	uint16_t reserved;
	uint32_t size;			/* as asked for */
	uint32_t caller;		/* low 32 bits of the allocating caller's address */
};

/* A free slot: the header, then the link in what was the block. */
struct free_slot {
	struct header h;
	struct free_slot *next;
};

static struct {
	struct lock lock;		/* guards what follows, from interrupts too */
	struct free_slot *free[NCLASSES];
	struct heap_stats stats;
} heap = { .lock = LOCK_INIT("heap") };

_Static_assert(sizeof(struct header) == HEAP_ALIGN, "the header keeps blocks aligned");

/* Returns the class whose blocks hold size bytes and the canary, or LARGE_CLASS. */
static unsigned class_for(size_t size)
{
	unsigned c = 0;

	while (c < NCLASSES && (size_t)HEAP_MIN_CLASS << c < size + CANARY_LEN)
		c++;
	return c;
}

static size_t class_bytes(unsigned c)
{
	return (size_t)HEAP_MIN_CLASS << c;
}

/* Returns the frames a large block of size bytes takes, header and canary included. */
static size_t large_frames(size_t size)
{
	return (sizeof(struct header) + size + CANARY_LEN + FRAME_SIZE - 1) / FRAME_SIZE;
}

/* Cuts a new frame into slots of class c. Returns false when there is no frame. */
static bool class_grow(unsigned c)
{
	size_t slot = sizeof(struct header) + class_bytes(c);
	uint64_t pa = pmm_alloc();
	char *page;

	if (!pa)
		return false;
	heap.stats.frames++;
	page = phys_to_virt(pa);
	for (size_t off = 0; off + slot <= FRAME_SIZE; off += slot) {
		struct free_slot *s = (struct free_slot *)(page + off);
		s->h = (struct header){ .magic = MAGIC_FREE, .cls = c };
		s->next = heap.free[c];
		heap.free[c] = s;
	}
	return true;
}

void *kpage_alloc(void)
{
	uint64_t pa = pmm_alloc();

	if (!pa)
		return NULL;
	heap.stats.pages++;
	return phys_to_virt(pa);
}

void kpage_free(void *page)
{
	if (!page)
		return;
	heap.stats.pages--;
	pmm_unref((uint64_t)page - (uint64_t)phys_to_virt(0));
}

uint64_t kpage_lend(void *page)
{
	uint64_t pa = (uint64_t)page - (uint64_t)phys_to_virt(0);

	return pmm_ref(pa) == 0 ? pa : 0;
}

bool kpage_lent(const void *page)
{
	return pmm_refs((uint64_t)page - (uint64_t)phys_to_virt(0)) > 1;
}

/* Returns the header of a new block for size bytes, or NULL. */
static struct header *block_alloc(size_t size)
{
	unsigned c = class_for(size);
	struct header *h;

	if (c == LARGE_CLASS) {
		uint64_t pa = pmm_alloc_contig(large_frames(size), PMM_NO_LIMIT);
		if (!pa)
			return NULL;
		heap.stats.frames += large_frames(size);
		h = phys_to_virt(pa);
	} else {
		if (!heap.free[c] && !class_grow(c))
			return NULL;
		h = &heap.free[c]->h;
		heap.free[c] = heap.free[c]->next;
	}
	h->cls = c;
	return h;
}

static void *kmalloc_from(size_t size, uint64_t caller)
{
	struct header *h;

	if (size == 0 || size > HEAP_MAX_ALLOC)
		return NULL;
	lock_acquire(&heap.lock);
	h = block_alloc(size);
	if (h) {
		h->magic = MAGIC_USED;
		h->size = size;
		h->caller = (uint32_t)caller;
		memset((char *)(h + 1) + size, CANARY, CANARY_LEN);
		heap.stats.bytes_in_use += size;
		heap.stats.blocks_in_use++;
	}
	lock_release(&heap.lock);
	return h ? h + 1 : NULL;
}

void *kmalloc(size_t size)
{
	return kmalloc_from(size, (uint64_t)__builtin_return_address(0));
}

void *kzalloc(size_t size)
{
	void *p = kmalloc_from(size, (uint64_t)__builtin_return_address(0));

	if (p)
		memset(p, 0, size);
	return p;
}

void *kcalloc(size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > HEAP_MAX_ALLOC / size)
		return NULL;
	p = kmalloc_from(n * size, (uint64_t)__builtin_return_address(0));
	if (p)
		memset(p, 0, n * size);
	return p;
}

/* Prints "name+0xoff" for a code address of the kernel, or the address. */
static void print_caller(const char *what, uint64_t addr)
{
	uint64_t off;
	const char *name = ksym_lookup(addr, &off);

	if (name)
		kprintf(" %s %s+0x%lx", what, name, off);
	else
		kprintf(" %s %#lx", what, addr);
}

/* Reports a broken block. The caller's full address is known; the allocator's low half. */
static void report(const char *what, struct header *h, uint64_t caller)
{
	heap.stats.errors++;
	kprintf("[!!] kfree: %s of the %u-byte block at %p;", what, h->size, (void *)(h + 1));
	/* Kernel code lives in the top 2 GiB, so its upper half is all ones. */
	print_caller("allocated by", 0xffffffff00000000UL | h->caller);
	print_caller("freed by", caller);
	kprintf("\n");
}

static bool canary_intact(const struct header *h)
{
	const unsigned char *c = (const unsigned char *)(h + 1) + h->size;

	for (int i = 0; i < CANARY_LEN; i++)
		if (c[i] != CANARY)
			return false;
	return true;
}

static void kfree_from(void *p, uint64_t caller)
{
	struct header *h = (struct header *)p - 1;

	if (!p)
		return;
	lock_acquire(&heap.lock);
	if (h->magic != MAGIC_USED) {
		report(h->magic == MAGIC_FREE ? "double free" : "free of a bad or broken block",
		       h, caller);
		lock_release(&heap.lock);
		return;
	}
	heap.stats.bytes_in_use -= h->size;
	heap.stats.blocks_in_use--;
	if (!canary_intact(h)) {
		report("write past the end", h, caller);
		h->magic = MAGIC_BAD;
	} else if (h->cls == LARGE_CLASS) {
		h->magic = MAGIC_FREE;
		heap.stats.frames -= large_frames(h->size);
		pmm_free_contig((uint64_t)h - (uint64_t)phys_to_virt(0), large_frames(h->size));
	} else {
		struct free_slot *s = (struct free_slot *)h;
		h->magic = MAGIC_FREE;
		s->next = heap.free[h->cls];
		heap.free[h->cls] = s;
	}
	lock_release(&heap.lock);
}

void kfree(void *p)
{
	kfree_from(p, (uint64_t)__builtin_return_address(0));
}

size_t kmalloc_size(const void *p)
{
	return ((const struct header *)p - 1)->size;
}

void *krealloc(void *p, size_t size)
{
	uint64_t caller = (uint64_t)__builtin_return_address(0);
	struct header *h = (struct header *)p - 1;
	void *n;

	if (!p)
		return kmalloc_from(size, caller);
	if (size == 0) {
		kfree_from(p, caller);
		return NULL;
	}
	/* Same class (and not large): the block stays; only its size and canary move. */
	if (h->magic == MAGIC_USED && h->cls != LARGE_CLASS && class_for(size) == h->cls) {
		lock_acquire(&heap.lock);
		if (!canary_intact(h))
			report("write past the end", h, caller);
		heap.stats.bytes_in_use += size - h->size;
		h->size = size;
		memset((char *)p + size, CANARY, CANARY_LEN);
		lock_release(&heap.lock);
		return p;
	}
	if (!(n = kmalloc_from(size, caller)))
		return NULL;
	memcpy(n, p, MIN(size, (size_t)h->size));
	kfree_from(p, caller);
	return n;
}

void heap_stats(struct heap_stats *s)
{
	lock_acquire(&heap.lock);

	*s = heap.stats;
	lock_release(&heap.lock);
}
