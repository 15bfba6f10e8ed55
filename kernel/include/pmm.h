/*
 * The physical memory manager: which 4 KiB frames of RAM are free, handed out one at a time
 * in constant time or as contiguous runs for DMA. Also the conversion of the firmware's
 * memory map into sorted, page-aligned ranges of usable RAM (memmap.c), which the host unit
 * tests check on their own.
 */
#ifndef KEEL_PMM_H
#define KEEL_PMM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "bootinfo.h"

#define FRAME_SIZE		4096
#define FRAME_SHIFT		12
#define PMM_MAX_ORDER		10		/* the largest block: 2^10 frames, 4 MiB */
#define PMM_LOW_LIMIT		0x100000000UL	/* the low zone ends at 4 GiB (32-bit DMA) */
#define PMM_NO_LIMIT		UINT64_MAX
#define MEMMAP_MAX_RANGES	(2 * BOOTINFO_MAX_MMAP + 2 * BOOTINFO_MAX_MODULES + 16)

/* A range of physical memory, [start, end). */
struct mem_range {
	uint64_t start, end;
};

/*
 * Computes the usable RAM of a firmware memory map, in any order and with any overlaps:
 * the union of the available entries minus every byte that another entry claims, shrunk
 * to whole frames. Writes at most max ranges to out, sorted and disjoint, and returns how
 * many; *dropped (may be NULL) counts the ranges there was no room for.
 */
size_t memmap_usable(const struct boot_mmap_entry *map, size_t n, struct mem_range *out,
		     size_t max, size_t *dropped);

/*
 * Takes [start, end), widened to whole frames, out of the n sorted ranges in r (room for
 * max). Returns the new count. When a range would split in two and there is no room, the
 * smaller piece is given up and *dropped (may be NULL) is incremented.
 */
size_t memmap_remove(struct mem_range *r, size_t n, size_t max, uint64_t start, uint64_t end,
		     size_t *dropped);

/* Returns the number of frames in the n ranges of r. */
uint64_t memmap_frames(const struct mem_range *r, size_t n);

/*
 * Builds the allocator over the n sorted free ranges of r, taking its own bitmap out of
 * them (the range it took is written to *meta); touches no other memory. Every frame counts
 * as free at once, but only those below early_limit (what the direct map covers so far)
 * are handed out before pmm_add_high(). Returns 0, or -ENOMEM when no range below
 * early_limit holds the bitmap.
 */
int pmm_init(const struct mem_range *r, size_t n, uint64_t early_limit, struct mem_range *meta);

/* Lets the allocator use the frames above early_limit, once the direct map reaches them. */
void pmm_add_high(void);

/*
 * Returns the physical address of a free frame, or 0 when there is none. The frame's
 * contents are whatever they were. Constant time: at most PMM_MAX_ORDER block splits;
 * when no frame is free, the shrinkers are asked for some first (pmm_alloc_contig too).
 */
uint64_t pmm_alloc(void);

/*
 * A shrinker gives memory back when the allocator has none left: it frees what it can
 * (caches it can refill), through pmm_free or kfree, and returns the frames it freed.
 * It may be called wherever an allocation happens, from interrupts too, and from inside
 * its own subsystem: so it never sleeps or allocates, and gives up (returns 0) when its
 * structures are in use. pmm_shrinker_register adds one for good; returns 0, or -ENOSPC
 * past PMM_SHRINKERS_MAX.
 */
#define PMM_SHRINKERS_MAX	4
typedef size_t (*pmm_shrinker)(void);
int pmm_shrinker_register(pmm_shrinker fn);

/*
 * Returns a frame to the allocator. A frame that is not handed out (already free, never
 * handed out, or not the allocator's at all) is reported with the caller and ignored.
 */
void pmm_free(uint64_t pa);

/*
 * Hands the allocator a frame it did not manage until now, such as a page of a boot
 * module no one reads any more; it is free at once and checked as others from then on.
 * Returns 0, -EINVAL for a frame beyond the allocator's bitmap, -EEXIST for one it
 * manages already, -ENOSPC when it has no room to note the frame (the frame stays out).
 */
int pmm_give(uint64_t pa);

/*
 * Returns the address of n contiguous free frames (n <= 2^PMM_MAX_ORDER), aligned to the
 * power of two at or above n, ending at or below limit (PMM_NO_LIMIT for anywhere,
 * PMM_LOW_LIMIT for 32-bit DMA); 0 when there are none.
 */
uint64_t pmm_alloc_contig(size_t n, uint64_t limit);

/*
 * Returns the n frames at pa from pmm_alloc_contig (or any n frames handed out) to the
 * allocator; checked as pmm_free checks, all or nothing.
 */
void pmm_free_contig(uint64_t pa, size_t n);

/*
 * Shared frames (pmm_ref.c): a frame handed out has one user until pmm_ref adds more
 * (copy-on-write after fork: each address space that owns the frame is a user).
 * pmm_ref returns 0, or -ENOMEM when the count's leaf cannot be allocated. pmm_unref
 * drops a user and frees the frame with the last one, so it stands for pmm_free for any
 * frame that may be shared. pmm_refs returns the users (1 for a frame never shared).
 */
int pmm_ref(uint64_t pa);
void pmm_unref(uint64_t pa);
unsigned pmm_refs(uint64_t pa);

/* Returns the frames holding use counts now: 0 when no frame is shared (for tests). */
uint64_t pmm_ref_leaves(void);

/* Figures for the memory-information interface and the tests. */
struct pmm_stats {
	uint64_t managed_frames;	/* frames given to pmm_init, its bitmap included */
	uint64_t free_frames;
	uint64_t low_free_frames;	/* of which below PMM_LOW_LIMIT */
	uint64_t fresh_frames;		/* of which never handed out yet */
	uint64_t meta_frames;		/* the allocator's own bitmap */
	uint64_t bad_frees;		/* double frees and frees of frames never handed out */
};
void pmm_stats(struct pmm_stats *s);

/* Returns true when the frame at pa is free (for tests). */
bool pmm_is_free(uint64_t pa);

#endif
