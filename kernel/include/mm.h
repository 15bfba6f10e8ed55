/*
 * The memory manager as a whole: bringing it up from the boot loader's memory map (the
 * frame allocator, then the direct map and the kernel's page tables), and the figures the
 * `mem` command shows. The parts have headers of their own: pmm.h, vm.h, heap.h, uaccess.h.
 */
#ifndef KEEL_MM_H
#define KEEL_MM_H

#include <stddef.h>
#include <stdint.h>
#include "bootinfo.h"
#include "vm.h"

#define MM_MAX_RESERVED		(4 + BOOTINFO_MAX_MODULES)

/* A range of RAM kept from the frame allocator, and why. */
struct mm_reserved {
	uint64_t start, end;	/* physical, [start, end) */
	const char *what;
};

/* What mm_init did, for the boot log. */
struct mm_boot {
	uint64_t usable_frames;		/* RAM in the map, whole frames, overlaps resolved */
	size_t usable_ranges;
	struct mm_reserved reserved[MM_MAX_RESERVED];
	size_t nreserved;
	uint64_t free_frames;		/* once mm_init is done */
	size_t dropped;			/* map ranges there was no room for */
	struct vm_info vm;
};

/*
 * Brings up the frame allocator over the RAM of bi's memory map, less the first MiB, the
 * kernel image, the boot information at info_phys, the modules and the allocator's own
 * bitmap; then maps all RAM at DIRECT_MAP_BASE and frees the memory above the boot map.
 * Fills *out. Returns 0, or -ENOMEM when memory is too short to start (the kernel cannot
 * go on then).
 */
int mm_init(const struct bootinfo *bi, uint64_t info_phys, struct mm_boot *out);

/* The memory figures, in bytes: what the `mem` command prints. */
struct mem_info {
	uint64_t total;			/* usable RAM in the map */
	uint64_t free;			/* in free frames */
	uint64_t heap_in_use;		/* asked for by kmalloc's callers */
	uint64_t heap_blocks;		/* blocks in use */
	uint64_t heap_held;		/* frames the heap holds, free slots included */
	uint64_t kernel_image;
	uint64_t kernel_tables;		/* the direct map's and the allocator's bitmap */
};
void mem_info_get(struct mem_info *mi);

/*
 * The memory only root's work may take: MEM_ROOT_RESERVE_MIN bytes of what is free at
 * boot, or its MEM_ROOT_RESERVE_DIV-th part if that is more. The files of the ramfs and
 * the processes of other users leave it, so that root can always log in, look and remove
 * (doc/security.md).
 */
#define MEM_ROOT_RESERVE_MIN	(16UL << 20)
#define MEM_ROOT_RESERVE_DIV	8

#endif
