/*
 * Unit tests of the memory map conversion (kernel/mm/memmap.c) and the frame allocator
 * (kernel/mm/pmm.c) on the host. Physical memory is an 8 GiB anonymous mapping that the
 * host only backs where it is touched, so the zone above 4 GiB is real too.
 */
#include <stdbool.h>
#include <stdint.h>
#include <keel/errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <sys/mman.h>

#include <lib.h>
#include <lock.h>
#include <pmm.h>
#include <keel/multiboot2.h>
#include "tap.h"

#define ARENA	(8UL << 30)
#define HELD	4096

static char *arena;

/* What the allocator needs of the kernel around it. */
void *phys_to_virt(uint64_t pa) { return arena + pa; }
void lock_acquire(struct lock *l) { l->held = true; }
void lock_release(struct lock *l) { l->held = false; }
const char *ksym_lookup(uint64_t addr, uint64_t *off) { (void)addr; *off = 0; return NULL; }
int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	printf("# ");
	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

static void test_memmap(void)
{
	/* Unsorted, overlapping, touching, unaligned, and a reserved hole inside. */
	const struct boot_mmap_entry map[] = {
		{ 0x100000, 0x100000, MB2_MEM_AVAILABLE },
		{ 0x0, 0x9fc00, MB2_MEM_AVAILABLE },
		{ 0x9fc00, 0x400, MB2_MEM_RESERVED },
		{ 0x180000, 0x100800, MB2_MEM_AVAILABLE },	/* overlaps, ends unaligned */
		{ 0x280800, 0x800, MB2_MEM_AVAILABLE },		/* touches: completes a frame */
		{ 0x150010, 0x10, MB2_MEM_ACPI },		/* a hole of one frame */
		{ 0x300000, 0, MB2_MEM_AVAILABLE },		/* empty */
		{ 0xfffffffffffff000, 0x2000, MB2_MEM_AVAILABLE },	/* wraps */
	};
	struct mem_range r[8];
	size_t n = memmap_usable(map, ARRAY_SIZE(map), r, ARRAY_SIZE(r), NULL);

	is_int(n, 3, "the map gives three usable ranges");
	ok(r[0].start == 0 && r[0].end == 0x9f000, "the low range stops at the reserved frame");
	ok(r[1].start == 0x100000 && r[1].end == 0x150000, "overlaps merge up to the ACPI hole");
	ok(r[2].start == 0x151000 && r[2].end == 0x281000,
	   "touching unaligned entries make whole frames");
	ok(r[2].end < 0xfffffffffffff000,
	   "an entry that would wrap past 2^64 leaves no frame (none would fit under the top)");
	n = memmap_remove(r, 3, ARRAY_SIZE(r), 0x120010, 0x120020, NULL);
	is_int(n, 4, "removing a piece from the middle splits a range");
	ok(r[1].end == 0x120000 && r[2].start == 0x121000, "the removed piece widens to frames");
	is_int(memmap_frames(r, n), 0x9f + 0x20 + 0x2f + 0x130, "the frames add up");
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void test_pmm(void)
{
	/* Two ranges below 4 GiB with odd edges, one above. */
	struct mem_range r[] = {
		{ 0x132000, 0x800000 }, { 0x1000000, 0x3000000 }, { 0x100000000, 0x108000000 },
	}, meta;
	static uint64_t held[HELD];
	struct pmm_stats s;
	uint64_t total, pa;
	size_t n = 0, dup = 0;

	is_int(pmm_init(r, ARRAY_SIZE(r), 0x100000000, &meta), 0, "pmm_init takes the ranges");
	ok(meta.start >= 0x1000000 && meta.end == 0x3000000, "the bitmap is at the top below 4 GiB");
	pmm_stats(&s);
	total = memmap_frames(r, ARRAY_SIZE(r));
	is_int(s.free_frames, total - s.meta_frames, "every frame but the bitmap's is free");
	pa = pmm_alloc();
	ok(pa != 0 && pa < 0x100000000, "before pmm_add_high, frames come from below 4 GiB");
	pmm_free(pa);
	pmm_add_high();
	pa = pmm_alloc();
	ok(pa >= 0x100000000, "then high memory is used first");
	pmm_free(pa);

	srand(1);
	for (int round = 0; round < 200000; round++) {
		if (n < HELD && (n == 0 || rand() % 3 != 0)) {
			held[n++] = pmm_alloc();
		} else {
			size_t i = (size_t)rand() % n;
			pmm_free(held[i]);
			held[i] = held[--n];
		}
	}
	qsort(held, n, sizeof(*held), cmp);
	for (size_t i = 1; i < n; i++)
		dup += held[i] == held[i - 1];
	is_int(dup, 0, "random stress hands no frame out twice");
	pmm_stats(&s);
	is_int(s.free_frames, total - s.meta_frames - n, "the free count follows the stress");
	while (n > 0)
		pmm_free(held[--n]);

	/* Many frames out at once, then all back. */
	while (n < HELD && (pa = pmm_alloc()) != 0)
		held[n++] = pa;
	is_int(n, HELD, "a few thousand frames are there");
	for (size_t i = 0; i < n; i++)
		pmm_free(held[i]);
	n = 0;
	pa = pmm_alloc_contig(3, PMM_LOW_LIMIT);
	ok(pa != 0 && pa % 0x4000 == 0 && pa + 0x3000 <= PMM_LOW_LIMIT,
	   "a 3-frame DMA run is below 4 GiB and aligned to 4 frames");
	pmm_free_contig(pa, 3);
	pa = pmm_alloc_contig(1, 0x1000000);
	ok(pa != 0 && pa < 0x1000000, "an ISA-style limit is honoured");
	pmm_free(pa);
	pmm_free(pa);
	pmm_stats(&s);
	is_int(s.bad_frees, 1, "a double free is counted and ignored");
	is_int(s.free_frames, total - s.meta_frames, "every frame is back at the end");
	/* Frees of frames that were never handed out: each counted, none taken. */
	pmm_free(r[2].end - FRAME_SIZE);
	pmm_stats(&s);
	is_int(s.bad_frees, 2, "a free of a fresh frame (never carved) is counted");
	pmm_free(0x900000);
	pmm_free(0x100000);
	pmm_free(meta.start);
	pmm_free_contig(r[0].end - FRAME_SIZE, 2);
	pmm_stats(&s);
	is_int(s.bad_frees, 6, "frees in a hole, below the first range, in the bitmap, "
	       "and a run across a range's end are counted");
	is_int(s.free_frames, total - s.meta_frames, "and none of them changes the free count");
	ok(!pmm_is_free(0x900000) && !pmm_is_free(meta.start),
	   "the hole and the bitmap are still not free frames");
	is_int(pmm_alloc_contig(2048, PMM_NO_LIMIT), 0, "a run beyond the largest block fails");
}

/* A shrinker that gives back one frame of a cache when asked, while it holds any. */
static struct { uint64_t frames[2]; size_t n; int asked; } cache;

static size_t cache_shrink(void)
{
	cache.asked++;
	if (cache.n == 0)
		return 0;
	pmm_free(cache.frames[--cache.n]);
	return 1;
}

/* Running out: 0 from pmm_alloc, never a crash, and everything comes back. */
static void test_exhaustion(void)
{
	struct mem_range r[] = { { 0x200000, 0x240000 } }, meta;
	static uint64_t held[64];
	struct pmm_stats s;
	size_t n = 0;
	uint64_t pa;

	pmm_init(r, 1, 0x100000000, &meta);
	pmm_add_high();
	while (n < ARRAY_SIZE(held) && (pa = pmm_alloc()) != 0)
		held[n++] = pa;
	is_int(n, 63, "64 frames less the bitmap's can be had");
	is_int(pmm_alloc(), 0, "then pmm_alloc returns 0");
	is_int(pmm_alloc_contig(1, PMM_LOW_LIMIT), 0, "and so does pmm_alloc_contig");

	/* A cache of two frames, and its shrinker: asked only when the allocator has none. */
	cache.frames[0] = held[--n];
	cache.frames[1] = held[--n];
	cache.n = 2;
	is_int(pmm_shrinker_register(cache_shrink), 0, "a shrinker registers");
	held[n++] = pa = pmm_alloc();
	ok(pa != 0 && cache.n == 1 && cache.asked == 1,
	   "at none free, the shrinker is asked (allocations that failed before it came leave no trace) "
	   "and its frame handed out");
	held[n++] = pa = pmm_alloc_contig(1, PMM_NO_LIMIT);
	ok(pa != 0 && cache.n == 0, "pmm_alloc_contig asks it too");
	int asked = cache.asked;
	is_int(pmm_alloc(), 0, "a shrinker with nothing left: 0");
	is_int(cache.asked, asked + 1, "after asking it once");
	is_int(pmm_alloc_contig((size_t)2 << PMM_MAX_ORDER, PMM_NO_LIMIT), 0,
	       "a run larger than any block fails");
	is_int(cache.asked, asked + 1, "without asking the shrinker");
	while (n > 0)
		pmm_free(held[--n]);
	pmm_stats(&s);
	is_int(s.free_frames, 63, "all of them come back");
	pa = pmm_alloc_contig(32, PMM_NO_LIMIT);
	ok(pa != 0 && pa % (32 * FRAME_SIZE) == 0, "and merge into an aligned run of 32");
}

/*
 * Frames the allocator was not given at first (a boot module's) handed over one by one:
 * free at once, handed out and freed again as their own, refused twice or beyond the
 * bitmap; pages given next to each other or out of order all count.
 */
static void test_give(void)
{
	/* A hole of 16 frames at 0x240000 between two ranges: the module. */
	struct mem_range r[] = { { 0x200000, 0x240000 }, { 0x250000, 0x290000 } }, meta;
	struct pmm_stats s0, s;
	static uint64_t held[256];
	size_t n = 0;
	uint64_t pa;
	bool all = true;

	pmm_init(r, 2, 0x100000000, &meta);
	pmm_add_high();
	pmm_stats(&s0);
	for (int i = 0; i < 16; i++)	/* odd ones first, then even: out of order */
		all &= pmm_give(0x240000 + (uint64_t)((i * 2 + (i >= 8)) % 16) * FRAME_SIZE) == 0;
	ok(all, "16 frames of a hole are given, out of order");
	pmm_stats(&s);
	is_int(s.free_frames, s0.free_frames + 16, "... and are free at once");
	is_int(s.managed_frames, s0.managed_frames + 16, "... and managed");
	is_int(s.bad_frees, 0, "... with no bad free reported");
	is_int(pmm_give(0x240000), -EEXIST, "giving a frame twice: EEXIST");
	is_int(pmm_give(0x200000), -EEXIST, "giving a frame it had from the start: EEXIST");
	is_int(pmm_give(0x290000 + 64 * FRAME_SIZE), -EINVAL, "a frame beyond the bitmap: EINVAL");
	is_int(pmm_give(0x240001), -EINVAL, "an unaligned address: EINVAL");
	while (n < ARRAY_SIZE(held) && (pa = pmm_alloc()) != 0)
		held[n++] = pa;
	pmm_stats(&s);
	is_int(s.free_frames, 0, "every frame can be had, the given ones too");
	/* The given frames alone back: their buddies merge across where their ranges met. */
	for (size_t i = 0; i < n; i++)
		if (held[i] >= 0x240000 && held[i] < 0x250000) {
			pmm_free(held[i]);
			held[i--] = held[--n];
		}
	pa = pmm_alloc_contig(16, PMM_NO_LIMIT);
	is_int(pa, 0x240000, "the 16 given frames, freed, make one run");
	pmm_free_contig(pa, 16);
	pmm_stats(&s);
	is_int(s.bad_frees, 0, "... which is freed as one (their ranges became one)");
	while (n > 0)
		pmm_free(held[--n]);
	pmm_stats(&s);
	is_int(s.free_frames, s0.free_frames + 16, "and all of them are taken back");
	is_int(s.bad_frees, 0, "... the given ones as the allocator's own");
	pa = pmm_alloc_contig(16, PMM_NO_LIMIT);
	ok(pa != 0, "freed, the given frames merge with their neighbours into runs");
	pmm_free_contig(pa, 16);
}

int main(void)
{
	arena = mmap(NULL, ARENA, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (arena == MAP_FAILED) {
		/* The arena is this test's fixture: without it the test fails, never skips. */
		perror("test_pmm: mmap");
		printf("Bail out! cannot map an 8 GiB arena (MAP_NORESERVE)\n");
		return 1;
	}
	test_memmap();
	test_pmm();
	test_exhaustion();
	test_give();
	return done_testing();
}
