/*
 * The physical frame allocator: a binary buddy allocator with one set of free lists below
 * 4 GiB and one above, so that 32-bit DMA memory is found without a search.
 *
 * Free blocks are linked through their own first frame, reached through the direct map, so
 * the allocator's only metadata is a bitmap with one bit per frame (set: free). Setting the
 * allocator up touches nothing but that bitmap: the free ranges are kept as a list of
 * "fresh" memory from which a block of the largest size is carved only when a zone's lists
 * run dry. That matters under QEMU, where the first write to each 2 MiB of guest RAM costs
 * the host a page allocation: touching every 4 MiB block at boot took 50 ms at 256 MiB.
 * Fresh frames have their bits clear, so no block merges into fresh memory.
 *
 * A single frame is handed out or taken back in at most PMM_MAX_ORDER splits or merges
 * (plus at most one carve), whatever the memory size or its fragmentation.
 *
 * Why the bitmap is enough to merge: when a block is freed, its buddy's first frame, if
 * free, is always the head of a free block (a larger free block around it would contain
 * the block being freed), so the order written in that head can be trusted.
 *
 * What a free may return: carving only moves a fresh range's start up, so the frames of
 * fresh range i that were ever handed out are [origin[i], fresh[i].start), the fresh ones
 * [fresh[i].start, fresh[i].end), and a frame in no [origin[i], fresh[i].end) is not the
 * allocator's (a hole, a reserved range, the bitmap). A free is checked against that, by
 * binary search, and against the bitmap (already free) before anything changes.
 */
#include "arch.h"
#include "ksyms.h"
#include "lib.h"
#include "lock.h"
#include "pmm.h"
#include <keel/errno.h>

#define PMM_ZONES	2	/* 0: below PMM_LOW_LIMIT; 1: above */
#define BLOCK_MAGIC	0x46524545424c4f43UL	/* "FREEBLOC" */
#define BITS		64

/* The header in the first frame of every free block. */
struct free_block {
	struct free_block *next, *prev;
	uint64_t order;
	uint64_t magic;
};

static struct {
	struct lock lock;		/* guards what follows, from interrupts too */
	uint64_t *bitmap;		/* one bit per frame from 0 to span_frames: 1 = free */
	uint64_t span_frames;
	struct free_block *lists[PMM_ZONES][PMM_MAX_ORDER + 1];
	uint64_t zone_free[PMM_ZONES];
	uint64_t managed;
	uint64_t meta_frames;
	uint64_t bad_frees;
	struct mem_range fresh[MEMMAP_MAX_RANGES];	/* free, never touched, sorted */
	uint64_t origin[MEMMAP_MAX_RANGES];	/* fresh[i].start as pmm_init set it */
	size_t nfresh;
	size_t cursor[PMM_ZONES];	/* first fresh range of the zone that may be non-empty */
	uint64_t fresh_frames[PMM_ZONES];
	uint64_t carve_limit;		/* fresh memory is reachable below this */
	pmm_shrinker shrinkers[PMM_SHRINKERS_MAX];
	unsigned nshrinkers;
	bool shrinking;			/* a shrinker runs: no other is asked meanwhile */
} pmm = { .lock = LOCK_INIT("pmm") };

static inline uint64_t frame_of(uint64_t pa) { return pa >> FRAME_SHIFT; }
static inline int zone_of(uint64_t pa) { return pa >= PMM_LOW_LIMIT; }

static inline bool bit_get(uint64_t f)
{
	return pmm.bitmap[f / BITS] >> (f % BITS) & 1;
}

/* Sets (on) or clears the bits of frames [f, f + n). */
static void bits_set(uint64_t f, uint64_t n, bool on)
{
	while (n > 0) {
		uint64_t bit = f % BITS, take = MIN(n, BITS - bit);
		uint64_t mask = take == BITS ? ~0UL : ((1UL << take) - 1) << bit;
		if (on)
			pmm.bitmap[f / BITS] |= mask;
		else
			pmm.bitmap[f / BITS] &= ~mask;
		f += take;
		n -= take;
	}
}

/* Returns true when any frame of [f, f + n) is free. */
static bool bits_any(uint64_t f, uint64_t n)
{
	while (n > 0) {
		uint64_t bit = f % BITS, take = MIN(n, BITS - bit);
		uint64_t mask = take == BITS ? ~0UL : ((1UL << take) - 1) << bit;
		if (pmm.bitmap[f / BITS] & mask)
			return true;
		f += take;
		n -= take;
	}
	return false;
}

static struct free_block *block_at(uint64_t pa)
{
	return phys_to_virt(pa);
}

static uint64_t block_pa(const struct free_block *b)
{
	return (uint64_t)b - (uint64_t)phys_to_virt(0);
}

static void list_push(uint64_t pa, unsigned order)
{
	struct free_block *b = block_at(pa), **head = &pmm.lists[zone_of(pa)][order];

	b->order = order;
	b->magic = BLOCK_MAGIC;
	b->prev = NULL;
	b->next = *head;
	if (*head)
		(*head)->prev = b;
	*head = b;
}

static void list_remove(struct free_block *b)
{
	uint64_t pa = block_pa(b);

	if (b->prev)
		b->prev->next = b->next;
	else
		pmm.lists[zone_of(pa)][b->order] = b->next;
	if (b->next)
		b->next->prev = b->prev;
	b->magic = 0;
}

/*
 * Puts the block of 2^order frames at pa on the free lists, merged with its buddies as far
 * as they are free. The caller has checked that the block is not free already.
 */
static void block_free(uint64_t pa, unsigned order)
{
	bits_set(frame_of(pa), 1UL << order, true);
	pmm.zone_free[zone_of(pa)] += 1UL << order;
	while (order < PMM_MAX_ORDER) {
		uint64_t buddy = pa ^ ((uint64_t)FRAME_SIZE << order);
		if (frame_of(buddy) >= pmm.span_frames || !bit_get(frame_of(buddy)))
			break;
		struct free_block *b = block_at(buddy);
		if (b->order != order || b->magic != BLOCK_MAGIC)
			break;
		list_remove(b);
		pa = MIN(pa, buddy);
		order++;
	}
	list_push(pa, order);
}

/*
 * Moves the largest aligned block at the start of zone z's first fresh range to the free
 * lists. Returns false when the zone has no fresh memory (within reach).
 */
static bool carve(int z)
{
	size_t i = pmm.cursor[z];

	while (i < pmm.nfresh && (pmm.fresh[i].start == pmm.fresh[i].end ||
				  zone_of(pmm.fresh[i].start) != z))
		i++;
	pmm.cursor[z] = i;
	if (i == pmm.nfresh || pmm.fresh[i].start >= pmm.carve_limit)
		return false;
	struct mem_range *r = &pmm.fresh[i];
	uint64_t end = MIN(r->end, pmm.carve_limit);
	unsigned order = 0;
	while (order < PMM_MAX_ORDER && (frame_of(r->start) & ((2UL << order) - 1)) == 0 &&
	       r->start + ((uint64_t)FRAME_SIZE << (order + 1)) <= end)
		order++;
	uint64_t pa = r->start;
	r->start += (uint64_t)FRAME_SIZE << order;
	pmm.fresh_frames[z] -= 1UL << order;
	pmm.zone_free[z] -= 1UL << order;	/* block_free counts them again */
	block_free(pa, order);
	return true;
}

/* Takes a block of 2^order frames from zone z's lists, splitting a larger one if need be. */
static uint64_t block_alloc(int z, unsigned order)
{
	unsigned o;

	for (;;) {
		for (o = order; o <= PMM_MAX_ORDER && !pmm.lists[z][o]; o++)
			;
		if (o <= PMM_MAX_ORDER)
			break;
		/* A carve makes at most one block; a small one may not be enough. */
		if (!carve(z))
			return 0;
	}
	struct free_block *b = pmm.lists[z][o];
	uint64_t pa = block_pa(b);
	list_remove(b);
	/* The upper halves go back, each on the list of its own size. */
	while (o > order) {
		o--;
		list_push(pa + ((uint64_t)FRAME_SIZE << o), o);
	}
	bits_set(frame_of(pa), 1UL << order, false);
	pmm.zone_free[z] -= 1UL << order;
	return pa;
}

static uint64_t block_search_below(unsigned order, uint64_t limit);

/* Frees [start, end) as the largest aligned blocks that fit. */
static void range_free(uint64_t start, uint64_t end)
{
	while (start < end) {
		unsigned order = 0;
		while (order < PMM_MAX_ORDER &&
		       (frame_of(start) & ((2UL << order) - 1)) == 0 &&
		       start + ((uint64_t)FRAME_SIZE << (order + 1)) <= end)
			order++;
		block_free(start, order);
		start += (uint64_t)FRAME_SIZE << order;
	}
}

/* Reports a bad free with the caller's address; the kernel carries on. */
static void bad_free(uint64_t pa, size_t n, const char *why, void *caller)
{
	uint64_t off;
	const char *name = ksym_lookup((uint64_t)caller, &off);

	pmm.bad_frees++;
	kprintf("[!!] pmm: free of %zu frame(s) at %#lx ignored: %s (caller %s+0x%lx)\n", n, pa,
		why, name ? name : "?", name ? off : (uint64_t)caller);
}

/* Adds [start, end) to the fresh ranges, split at the zone boundary. */
static void fresh_add(uint64_t start, uint64_t end)
{
	if (start < PMM_LOW_LIMIT && end > PMM_LOW_LIMIT) {
		fresh_add(start, PMM_LOW_LIMIT);
		start = PMM_LOW_LIMIT;
	}
	if (end <= start || pmm.nfresh == MEMMAP_MAX_RANGES)
		return;
	pmm.origin[pmm.nfresh] = start;
	pmm.fresh[pmm.nfresh++] = (struct mem_range){ start, end };
	pmm.fresh_frames[zone_of(start)] += (end - start) >> FRAME_SHIFT;
	pmm.zone_free[zone_of(start)] += (end - start) >> FRAME_SHIFT;
}

int pmm_init(const struct mem_range *r, size_t n, uint64_t early_limit, struct mem_range *meta)
{
	uint64_t bytes, *w;
	size_t i;

	memset(&pmm, 0, sizeof(pmm));
	pmm.lock = (struct lock)LOCK_INIT("pmm");
	if (n == 0)
		return -ENOMEM;
	pmm.span_frames = frame_of(r[n - 1].end);
	bytes = ALIGN_UP(ALIGN_UP(pmm.span_frames, BITS) / 8, (uint64_t)FRAME_SIZE);
	/* The bitmap goes at the top of the highest range below early_limit that holds it. */
	for (i = n; i-- > 0;) {
		uint64_t end = MIN(r[i].end, early_limit);
		if (end > r[i].start && end - r[i].start >= bytes) {
			meta->end = end;
			meta->start = end - bytes;
			break;
		}
	}
	if (i == (size_t)-1)
		return -ENOMEM;
	pmm.bitmap = phys_to_virt(meta->start);
	/* A word at a time: the kernel's memset goes by bytes, 288 KiB at 8 GiB. */
	for (w = pmm.bitmap; w < pmm.bitmap + bytes / sizeof(*w); w++)
		*w = 0;
	pmm.meta_frames = bytes >> FRAME_SHIFT;
	pmm.managed = memmap_frames(r, n);
	pmm.carve_limit = early_limit;

	for (i = 0; i < n; i++) {
		if (meta->start >= r[i].start && meta->end <= r[i].end) {
			fresh_add(r[i].start, meta->start);
			fresh_add(meta->end, r[i].end);
		} else {
			fresh_add(r[i].start, r[i].end);
		}
	}
	return 0;
}

void pmm_add_high(void)
{
	pmm.carve_limit = UINT64_MAX;
}

int pmm_shrinker_register(pmm_shrinker fn)
{
	int r = -ENOSPC;

	lock_acquire(&pmm.lock);
	if (pmm.nshrinkers < PMM_SHRINKERS_MAX) {
		pmm.shrinkers[pmm.nshrinkers++] = fn;
		r = 0;
	}
	lock_release(&pmm.lock);
	return r;
}

/*
 * Asks every shrinker for frames, outside the lock (they free frames through it). A
 * shrinker that allocates, or an interrupt's allocation meanwhile, asks none again.
 * Returns the frames they gave back.
 */
static size_t shrink(void)
{
	pmm_shrinker fn[PMM_SHRINKERS_MAX];
	unsigned n = 0;
	size_t got = 0;

	lock_acquire(&pmm.lock);
	if (!pmm.shrinking && pmm.nshrinkers > 0) {
		pmm.shrinking = true;
		n = pmm.nshrinkers;
		memcpy(fn, pmm.shrinkers, n * sizeof(fn[0]));
	}
	lock_release(&pmm.lock);
	if (n == 0)
		return 0;
	for (unsigned i = 0; i < n; i++)
		got += fn[i]();
	lock_acquire(&pmm.lock);
	pmm.shrinking = false;
	lock_release(&pmm.lock);
	return got;
}

static uint64_t alloc_one(void)
{
	uint64_t pa;

	lock_acquire(&pmm.lock);
	/* High memory first: what is below 4 GiB is kept for devices that need it. */
	pa = block_alloc(1, 0);
	if (pa == 0)
		pa = block_alloc(0, 0);
	lock_release(&pmm.lock);
	return pa;
}

uint64_t pmm_alloc(void)
{
	uint64_t pa = alloc_one();

	if (pa == 0 && shrink() > 0)
		pa = alloc_one();
	return pa;
}

/*
 * Returns why the allocator cannot take back [pa, end) (whole frames inside its span), or
 * NULL when every frame of it is handed out now. Call with interrupts off.
 */
static const char *free_refused(uint64_t pa, uint64_t end)
{
	size_t lo = 0, hi = pmm.nfresh;

	while (lo < hi) {	/* the first range that ends above pa */
		size_t mid = lo + (hi - lo) / 2;
		if (pmm.fresh[mid].end <= pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* A run may cross from one range into the next where they touch (the buddies of
	 * given frames merge across such seams): each range's part must be handed out. */
	for (uint64_t at = pa; at < end; lo++) {
		if (lo == pmm.nfresh || at < pmm.origin[lo])
			return "not frames the allocator manages";
		uint64_t upto = MIN(end, pmm.fresh[lo].end);
		if (upto > pmm.fresh[lo].start)
			return "never handed out";
		at = upto;
	}
	if (bits_any(frame_of(pa), (end - pa) >> FRAME_SHIFT))
		return "already free";
	return NULL;
}

/* Frees n frames at pa after checking that they are frames handed out; caller for reports. */
static void free_checked(uint64_t pa, size_t n, void *caller)
{
	const char *why;

	if (n == 0)
		return;
	if (pa % FRAME_SIZE != 0 || frame_of(pa) + n > pmm.span_frames || frame_of(pa) + n < n) {
		bad_free(pa, n, "not frames the allocator manages", caller);
		return;
	}
	lock_acquire(&pmm.lock);
	if ((why = free_refused(pa, pa + n * FRAME_SIZE)) != NULL)
		bad_free(pa, n, why, caller);
	else
		range_free(pa, pa + n * FRAME_SIZE);
	lock_release(&pmm.lock);
}

void pmm_free(uint64_t pa)
{
	free_checked(pa, 1, __builtin_return_address(0));
}

/*
 * Range i + 1 starts where range i, all of it handed out, ends: i takes over its frames
 * (handed out and fresh) and it goes. Call with the lock held.
 */
static void join_next(size_t i)
{
	pmm.fresh[i] = pmm.fresh[i + 1];
	memmove(&pmm.fresh[i + 1], &pmm.fresh[i + 2], (pmm.nfresh - i - 2) * sizeof(pmm.fresh[0]));
	memmove(&pmm.origin[i + 1], &pmm.origin[i + 2], (pmm.nfresh - i - 2) * sizeof(pmm.origin[0]));
	pmm.nfresh--;
	for (int z = 0; z < PMM_ZONES; z++)
		if (pmm.cursor[z] > i)
			pmm.cursor[z]--;
}

/*
 * The frame at pa becomes the allocator's: it joins the range before or after it when it
 * touches one's handed-out part, else gets a range of its own, counted as handed out,
 * and is freed like any frame handed out, so later frees of it are checked as theirs.
 */
int pmm_give(uint64_t pa)
{
	uint64_t end = pa + FRAME_SIZE;
	size_t lo = 0, hi;
	int r = 0;

	if (pa % FRAME_SIZE != 0 || frame_of(pa) >= pmm.span_frames)
		return -EINVAL;
	lock_acquire(&pmm.lock);
	for (hi = pmm.nfresh; lo < hi;) {	/* the first range that ends above pa */
		size_t mid = lo + (hi - lo) / 2;
		if (pmm.fresh[mid].end <= pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	struct mem_range *prev = lo > 0 ? &pmm.fresh[lo - 1] : NULL;
	if (lo < pmm.nfresh && pmm.origin[lo] < end) {
		r = -EEXIST;		/* the allocator's already */
	} else if (prev && prev->end == pa && prev->start == prev->end &&
		   zone_of(pmm.origin[lo - 1]) == zone_of(pa)) {
		prev->start = prev->end = end;
		/* The frame bridges two ranges: they become one, since the buddies may now
		 * merge across the seam and a run freed there must lie in one range. */
		if (lo < pmm.nfresh && pmm.origin[lo] == end && zone_of(end) == zone_of(pa))
			join_next(lo - 1);
	} else if (lo < pmm.nfresh && pmm.origin[lo] == end && zone_of(end) == zone_of(pa)) {
		pmm.origin[lo] = pa;
	} else if (pmm.nfresh == MEMMAP_MAX_RANGES) {
		r = -ENOSPC;
	} else {
		memmove(&pmm.fresh[lo + 1], &pmm.fresh[lo], (pmm.nfresh - lo) * sizeof(pmm.fresh[0]));
		memmove(&pmm.origin[lo + 1], &pmm.origin[lo], (pmm.nfresh - lo) * sizeof(pmm.origin[0]));
		pmm.fresh[lo] = (struct mem_range){ end, end };
		pmm.origin[lo] = pa;
		pmm.nfresh++;
		for (int z = 0; z < PMM_ZONES; z++)
			if (pmm.cursor[z] > lo)
				pmm.cursor[z]++;
	}
	if (r == 0) {
		pmm.managed++;
		range_free(pa, end);
	}
	lock_release(&pmm.lock);
	return r;
}

/* Returns the order of the smallest block of at least n frames. */
static unsigned order_for(size_t n)
{
	unsigned order = 0;

	while ((1UL << order) < n)
		order++;
	return order;
}

/*
 * Searches zone 0's lists for a block of at least 2^order frames that ends below limit,
 * carving fresh memory until one turns up or there is none left.
 */
static uint64_t block_alloc_below(unsigned order, uint64_t limit)
{
	do {
		uint64_t pa = block_search_below(order, limit);
		if (pa)
			return pa;
	} while (carve(0));
	return 0;
}

static uint64_t block_search_below(unsigned order, uint64_t limit)
{
	for (unsigned o = order; o <= PMM_MAX_ORDER; o++)
		for (struct free_block *b = pmm.lists[0][o]; b; b = b->next) {
			uint64_t pa = block_pa(b);
			if (pa + ((uint64_t)FRAME_SIZE << order) > limit)
				continue;
			/* Take it, split off what is not needed, keep the low end. */
			list_remove(b);
			while (o > order) {
				o--;
				list_push(pa + ((uint64_t)FRAME_SIZE << o), o);
			}
			bits_set(frame_of(pa), 1UL << order, false);
			pmm.zone_free[0] -= 1UL << order;
			return pa;
		}
	return 0;
}

static uint64_t alloc_contig(size_t n, uint64_t limit)
{
	unsigned order = order_for(n);
	uint64_t pa = 0;

	if (n == 0 || order > PMM_MAX_ORDER)
		return 0;
	lock_acquire(&pmm.lock);
	if (limit >= PMM_NO_LIMIT)
		pa = block_alloc(1, order);
	if (pa == 0 && limit >= PMM_LOW_LIMIT)
		pa = block_alloc(0, order);
	else if (pa == 0)
		pa = block_alloc_below(order, limit);	/* rare: ISA-style limits need a search */
	/* Give back the tail beyond n frames. */
	if (pa != 0 && n < (1UL << order))
		range_free(pa + n * FRAME_SIZE, pa + ((uint64_t)FRAME_SIZE << order));
	lock_release(&pmm.lock);
	return pa;
}

uint64_t pmm_alloc_contig(size_t n, uint64_t limit)
{
	uint64_t pa = alloc_contig(n, limit);

	/* A run larger than any block can be is not worth the caches' memory. */
	if (pa == 0 && n != 0 && order_for(n) <= PMM_MAX_ORDER && shrink() > 0)
		pa = alloc_contig(n, limit);
	return pa;
}

void pmm_free_contig(uint64_t pa, size_t n)
{
	free_checked(pa, n, __builtin_return_address(0));
}

void pmm_stats(struct pmm_stats *s)
{
	lock_acquire(&pmm.lock);
	s->managed_frames = pmm.managed;
	s->free_frames = pmm.zone_free[0] + pmm.zone_free[1];
	s->fresh_frames = pmm.fresh_frames[0] + pmm.fresh_frames[1];
	s->low_free_frames = pmm.zone_free[0];
	s->meta_frames = pmm.meta_frames;
	s->bad_frees = pmm.bad_frees;
	lock_release(&pmm.lock);
}

bool pmm_is_free(uint64_t pa)
{
	return frame_of(pa) < pmm.span_frames && bit_get(frame_of(pa));
}
