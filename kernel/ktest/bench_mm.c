/*
 * Benchmarks of the memory manager (the `kbench` boot word; bench/mm.sh makes a table of
 * them): a frame alloc+free pair, and kmalloc+kfree pairs of 16 to 4096 bytes, first on
 * the system as it booted, then again after fragmenting the heap and nearly all free
 * frames. Booted at several memory sizes, the figures show whether either cost grows with
 * the memory size or with fragmentation (neither should: both are list pops and pushes).
 */
#include "arch.h"
#include "heap.h"
#include "ktest.h"
#include "pmm.h"

#define PAIRS		20000		/* alloc+free pairs in one timed run */
#define KEEP_FREE	2048		/* frames left free when fragmenting (8 MiB) */
#define HEAP_FRAG_MAX	(64UL << 20)	/* at most this many bytes of blocks fragment the heap */

static const size_t pair_sizes[] = { 16, 64, 256, 1024, 4096 };

/* A block or frame held while fragmenting, linked through its own first bytes. */
struct held {
	struct held *next;
};

static uint64_t frame_of(const struct held *h)
{
	return (uint64_t)h - (uint64_t)phys_to_virt(0);
}

/* Times every pair and reports each as NAME_when. */
static void measure(const char *when)
{
	char name[48];
	uint64_t pa;
	void *p;

	ksnprintf(name, sizeof(name), "pmm_alloc_free_%s", when);
	KBENCH_TIME(name, PAIRS, pa = pmm_alloc(); pmm_free(pa));
	for (size_t i = 0; i < ARRAY_SIZE(pair_sizes); i++) {
		ksnprintf(name, sizeof(name), "kmalloc_free_%zu_%s", pair_sizes[i], when);
		KBENCH_TIME(name, PAIRS, p = kmalloc(pair_sizes[i]); kfree(p));
	}
}

/*
 * Frees every other element of list (in list order, so that no freed neighbour has a
 * freed neighbour to merge with) through release. Returns the elements that are left.
 */
static struct held *drop_every_other(struct held *list, void (*release)(struct held *))
{
	struct held *kept = NULL, *next;
	bool drop = false;

	for (struct held *h = list; h; h = next, drop = !drop) {
		next = h->next;
		if (drop) {
			release(h);
		} else {
			h->next = kept;
			kept = h;
		}
	}
	return kept;
}

static void block_release(struct held *h)
{
	kfree(h);
}

static void frame_release(struct held *h)
{
	pmm_free(frame_of(h));
}

/* Fills a quarter of free memory (at most HEAP_FRAG_MAX) with blocks of random classes. */
static struct held *heap_fragment(size_t *count)
{
	uint64_t budget = MIN(HEAP_FRAG_MAX, ktest_free_frames() * FRAME_SIZE / 4), bytes = 0;
	struct held *list = NULL, *h;

	*count = 0;
	while (bytes < budget) {
		size_t size = HEAP_MIN_CLASS + ktest_random() % (HEAP_MAX_CLASS - HEAP_MIN_CLASS);
		if (!(h = kmalloc(size)))
			break;
		h->next = list;
		list = h;
		bytes += size;
		(*count)++;
	}
	*count -= *count / 2;
	return drop_every_other(list, block_release);
}

/* Takes all free frames but KEEP_FREE, then frees every other one. */
static struct held *pmm_fragment(uint64_t *count)
{
	uint64_t take = ktest_free_frames() > KEEP_FREE ? ktest_free_frames() - KEEP_FREE : 0;
	struct held *list = NULL, *h;
	uint64_t pa;

	*count = 0;
	while (*count < take && (pa = pmm_alloc()) != 0) {
		h = phys_to_virt(pa);
		h->next = list;
		list = h;
		(*count)++;
	}
	*count -= *count / 2;
	return drop_every_other(list, frame_release);
}

static void release_all(struct held *list, void (*release)(struct held *))
{
	struct held *next;

	for (; list; list = next) {
		next = list->next;
		release(list);
	}
}

KBENCH(mm)
{
	struct held *blocks, *frames;
	uint64_t nframes;
	size_t nblocks;

	kbench_report("free_frames_at_start", ktest_free_frames(), "frames");
	measure("fresh");
	blocks = heap_fragment(&nblocks);
	frames = pmm_fragment(&nframes);
	kbench_report("fragmented_heap_blocks_held", nblocks, "blocks");
	kbench_report("fragmented_frames_held", nframes, "frames");
	kbench_report("fragmented_free_frames", ktest_free_frames(), "frames");
	measure("fragmented");
	release_all(frames, frame_release);
	release_all(blocks, block_release);
}
