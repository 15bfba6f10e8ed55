/*
 * From the firmware's memory map to usable RAM. The map may come unsorted, with entries
 * that overlap, touch, or start and end anywhere; what comes out is a sorted list of
 * disjoint, frame-aligned ranges that no entry other than an available one claims.
 * Pure code, compiled for the host unit tests as well.
 */
#include "lib.h"
#include "pmm.h"
#include <keel/multiboot2.h>

#define FRAME_MASK	((uint64_t)FRAME_SIZE - 1)

/* The end of an entry, saturated: a length that runs past 2^64 ends at the top. */
static uint64_t entry_end(const struct boot_mmap_entry *e)
{
	return e->base + e->length < e->base ? UINT64_MAX : e->base + e->length;
}

/* Inserts [start, end) into the sorted list, merging with what it overlaps or touches. */
static size_t range_add(struct mem_range *r, size_t n, size_t max, uint64_t start,
			uint64_t end, size_t *dropped)
{
	size_t i = 0, j;

	while (i < n && r[i].end < start)
		i++;
	/* r[i..j) overlap or touch the new range: they become one. */
	for (j = i; j < n && r[j].start <= end; j++) {
		start = MIN(start, r[j].start);
		end = MAX(end, r[j].end);
	}
	if (j > i) {
		r[i] = (struct mem_range){ start, end };
		memmove(&r[i + 1], &r[j], (n - j) * sizeof(*r));
		return n - (j - i - 1);
	}
	if (n == max) {
		if (dropped)
			(*dropped)++;
		return n;
	}
	memmove(&r[i + 1], &r[i], (n - i) * sizeof(*r));
	r[i] = (struct mem_range){ start, end };
	return n + 1;
}

size_t memmap_remove(struct mem_range *r, size_t n, size_t max, uint64_t start, uint64_t end,
		     size_t *dropped)
{
	start &= ~FRAME_MASK;
	end = end > UINT64_MAX - FRAME_MASK ? UINT64_MAX & ~FRAME_MASK : ALIGN_UP(end, FRAME_SIZE);
	if (end <= start)
		return n;
	for (size_t i = 0; i < n; i++) {
		struct mem_range *x = &r[i];
		if (x->end <= start || x->start >= end)
			continue;
		if (x->start < start && x->end > end) {
			/* The hole is inside: two pieces. */
			if (n == max) {
				if (dropped)
					(*dropped)++;
				if (start - x->start >= x->end - end)
					x->end = start;
				else
					x->start = end;
				continue;
			}
			memmove(&r[i + 2], &r[i + 1], (n - i - 1) * sizeof(*r));
			r[i + 1] = (struct mem_range){ end, x->end };
			x->end = start;
			n++;
			i++;
		} else if (x->start < start) {
			x->end = start;
		} else if (x->end > end) {
			x->start = end;
		} else {
			memmove(x, x + 1, (n - i - 1) * sizeof(*r));
			n--;
			i--;
		}
	}
	return n;
}

size_t memmap_usable(const struct boot_mmap_entry *map, size_t n, struct mem_range *out,
		     size_t max, size_t *dropped)
{
	size_t count = 0, kept = 0;

	/* Byte ranges first: two available entries may share a frame between them. */
	for (size_t i = 0; i < n; i++)
		if (map[i].type == MB2_MEM_AVAILABLE && map[i].length > 0)
			count = range_add(out, count, max, map[i].base, entry_end(&map[i]), dropped);
	/* What any other entry claims is not RAM to use, whatever the available ones say. */
	for (size_t i = 0; i < n; i++)
		if (map[i].type != MB2_MEM_AVAILABLE && map[i].length > 0)
			count = memmap_remove(out, count, max, map[i].base, entry_end(&map[i]),
					      dropped);
	/* Whole frames only. */
	for (size_t i = 0; i < count; i++) {
		uint64_t s = ALIGN_UP(out[i].start, (uint64_t)FRAME_SIZE);
		uint64_t e = out[i].end & ~FRAME_MASK;
		if (out[i].start > UINT64_MAX - FRAME_MASK || e <= s)
			continue;
		out[kept++] = (struct mem_range){ s, e };
	}
	return kept;
}

uint64_t memmap_frames(const struct mem_range *r, size_t n)
{
	uint64_t frames = 0;

	for (size_t i = 0; i < n; i++)
		frames += (r[i].end - r[i].start) >> FRAME_SHIFT;
	return frames;
}
