/*
 * Questions about the page tables the CPU is using, by a read-only walk through the direct
 * map, and where the direct map ends. The tables themselves belong to kernel/mm/vm.c.
 */
#include "arch.h"
#include "cpu.h"
#include "layout.h"

#define PTE_ADDR_MASK	0x000ffffffffff000UL

void *phys_to_virt(uint64_t pa)
{
	return (void *)(DIRECT_MAP_BASE + pa);
}

static struct {
	uint64_t limit;		/* 0 until vm_init: boot.asm's BOOT_DIRECT_MAP_SIZE */
} paging;

uint64_t direct_map_limit(void)
{
	return paging.limit ? paging.limit : BOOT_DIRECT_MAP_SIZE;
}

extern char __kernel_phys_start[], __kernel_end[];

void arch_kernel_image(uint64_t *start, uint64_t *end)
{
	*start = (uint64_t)__kernel_phys_start;
	*end = (uint64_t)__kernel_end - KERNEL_VMA;
}

void direct_map_set_limit(uint64_t limit)
{
	paging.limit = limit;
}

static const uint64_t *table_at(uint64_t entry)
{
	return (const uint64_t *)(DIRECT_MAP_BASE + (entry & PTE_ADDR_MASK));
}

/* Intel SDM 3A 4.5: four levels, each indexed by 9 bits of the address; PS ends the walk. */
bool arch_page_mapped(uint64_t va)
{
	uint64_t entry = read_cr3();

	for (int shift = 39; shift >= 12; shift -= 9) {
		entry = table_at(entry)[(va >> shift) & 0x1ff];
		if (!(entry & PTE_P))
			return false;
		if (shift != 12 && shift != 39 && (entry & PTE_PS))
			return true;
	}
	return true;
}
