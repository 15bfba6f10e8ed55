/*
 * Bringing the memory manager up, in the only order that works: usable RAM from the map,
 * the reserved ranges taken out, the frame allocator over what is below the boot loader's
 * 4 GiB direct map, then the full direct map (its tables from that allocator), then the
 * RAM above. Also the memory figures for the `mem` command.
 */
#include "arch.h"
#include "heap.h"
#include "memlayout.h"
#include "lib.h"
#include "mm.h"
#include "pmm.h"
#include "uaccess.h"
#include <keel/errno.h>
#include <keel/multiboot2.h>

#define FIRST_MIB	0x100000	/* BIOS data, EBDA, ROMs; and real-mode trampolines later */

static struct {
	struct mem_range ranges[MEMMAP_MAX_RANGES];
	uint64_t usable_frames;
	uint64_t image_bytes, meta_bytes, table_frames;
} mm;

static void reserve(struct mm_boot *b, uint64_t start, uint64_t end, const char *what)
{
	if (b->nreserved < MM_MAX_RESERVED && end > start)
		b->reserved[b->nreserved++] = (struct mm_reserved){ start, end, what };
}

/* The end of the RAM the direct map must reach: every entry that is memory, not holes. */
static uint64_t ram_top(const struct bootinfo *bi)
{
	uint64_t top = 0;

	for (size_t i = 0; i < bi->mmap_count; i++) {
		const struct boot_mmap_entry *e = &bi->mmap[i];
		if (e->type == MB2_MEM_AVAILABLE || e->type == MB2_MEM_ACPI ||
		    e->type == MB2_MEM_NVS)
			top = MAX(top, e->base + e->length < e->base ? UINT64_MAX : e->base + e->length);
	}
	return top;
}

int mm_init(const struct bootinfo *bi, uint64_t info_phys, struct mm_boot *out)
{
	struct mem_range meta;
	uint64_t image_start, image_end;
	size_t n;
	int r;

	memset(out, 0, sizeof(*out));
	n = memmap_usable(bi->mmap, bi->mmap_count, mm.ranges, MEMMAP_MAX_RANGES, &out->dropped);
	out->usable_frames = mm.usable_frames = memmap_frames(mm.ranges, n);
	out->usable_ranges = n;

	arch_kernel_image(&image_start, &image_end);
	mm.image_bytes = image_end - image_start;
	reserve(out, 0, FIRST_MIB, "first MiB");
	reserve(out, image_start, image_end, "kernel image");
	reserve(out, info_phys, info_phys + bi->total_size, "boot information");
	for (size_t i = 0; i < bi->module_count; i++)
		reserve(out, bi->modules[i].start, bi->modules[i].end, "module");
	for (size_t i = 0; i < out->nreserved; i++)
		n = memmap_remove(mm.ranges, n, MEMMAP_MAX_RANGES, out->reserved[i].start,
				  out->reserved[i].end, &out->dropped);
	/* Beyond what the direct map can hold, RAM cannot be used. */
	n = memmap_remove(mm.ranges, n, MEMMAP_MAX_RANGES, DIRECT_MAP_MAX, UINT64_MAX,
			  &out->dropped);

	if ((r = pmm_init(mm.ranges, n, direct_map_limit(), &meta)) != 0)
		return r;
	reserve(out, meta.start, meta.end, "frame bitmap");
	mm.meta_bytes = meta.end - meta.start;
	if ((r = vm_init(MIN(ram_top(bi), DIRECT_MAP_MAX), &out->vm)) != 0)
		return r;
	mm.table_frames = out->vm.table_frames;
	pmm_add_high();
	uaccess_init(out->vm.smap);

	struct pmm_stats ps;
	pmm_stats(&ps);
	out->free_frames = ps.free_frames;
	return 0;
}

void mem_info_get(struct mem_info *mi)
{
	struct pmm_stats ps;
	struct heap_stats hs;

	pmm_stats(&ps);
	heap_stats(&hs);
	mi->total = mm.usable_frames * FRAME_SIZE;
	mi->free = ps.free_frames * FRAME_SIZE;
	mi->heap_in_use = hs.bytes_in_use;
	mi->heap_blocks = hs.blocks_in_use;
	mi->heap_held = hs.frames * FRAME_SIZE;
	mi->kernel_image = mm.image_bytes;
	mi->kernel_tables = mm.table_frames * FRAME_SIZE + mm.meta_bytes;
}
