/*
 * Page tables (Intel SDM 3A 4.5, 4-level paging): the direct map of all physical memory,
 * address spaces whose kernel half is shared and whose user half is private, and the
 * kernel stack area where each stack sits above unmapped guard pages.
 *
 * The kernel half is shared by copying the kernel's PML4 entries 256-511 into every new
 * space. That is only sound if those entries never change after vm_init(), so vm_init()
 * creates every kernel-half table at the top level it will ever need (the direct map's
 * PDPTs, the stack area's PDPT; the image's came from boot.asm), and later kernel
 * mappings only go below them.
 */
#include "arch.h"
#include "cpu.h"
#include "heap.h"
#include "layout.h"
#include "lib.h"
#include "panic.h"
#include "pmm.h"
#include "vm.h"
#include <keel/errno.h>

#define PTE_ADDR	0x000ffffffffff000UL
#define PTE_NX		(1UL << 63)
#define ENTRIES		512
#define PML4_KERNEL	256		/* first entry of the kernel half */
#define GIB		(1UL << 30)
#define MIB2		(1UL << 21)
#define IA32_EFER	0xc0000080	/* Intel SDM 4, table 2-2 */
#define EFER_NXE	(1UL << 11)
#define KSTACK_GUARD	(KSTACK_SLOT_SIZE - KSTACK_SIZE)

struct vm_space {
	uint64_t pml4;		/* physical */
	uint64_t frames;	/* page tables and owned frames */
};

extern uint64_t boot_pml4[];

static struct {
	struct vm_space kernel;
	struct vm_space *current;
	uint64_t nx;		/* PTE_NX when EFER.NXE is on, else 0 (the bit would be reserved) */
	uint64_t kstack_used[KSTACK_SLOTS / 64];
} vm;

static uint64_t *table(uint64_t entry)
{
	return phys_to_virt(entry & PTE_ADDR);
}

/* Returns a zeroed frame for a page table, counted against as, or 0. */
static uint64_t table_alloc(struct vm_space *as)
{
	uint64_t pa = pmm_alloc();

	if (pa) {
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
		as->frames++;
	}
	return pa;
}

/*
 * Returns the level-1 entry for va in as, creating the tables on the way when create is
 * set (NULL when that fails or, without create, when a table is missing). Tables in the
 * user half get PTE_U so that the leaf entry alone decides (SDM 3A 4.6.1).
 */
static uint64_t *pte_find(struct vm_space *as, uint64_t va, bool create)
{
	uint64_t *t = phys_to_virt(as->pml4);
	uint64_t flags = PTE_P | PTE_W | (va < USER_END ? PTE_U : 0);

	for (int shift = 39; shift > 12; shift -= 9) {
		uint64_t *e = &t[(va >> shift) & (ENTRIES - 1)];
		if (!(*e & PTE_P)) {
			uint64_t pa;
			if (!create || !(pa = table_alloc(as)))
				return NULL;
			*e = pa | flags;
		} else if (*e & PTE_PS) {
			return NULL;	/* a large page: not ours to split */
		}
		t = table(*e);
	}
	return &t[(va >> 12) & (ENTRIES - 1)];
}

static uint64_t prot_bits(unsigned prot)
{
	return PTE_P | PTE_U | ((prot & VM_WRITE) ? PTE_W : 0) | ((prot & VM_EXEC) ? 0 : vm.nx) |
	       ((prot & VM_SHARED) ? 0 : PTE_OWNED);
}

static void flush(struct vm_space *as, uint64_t va)
{
	if (as == vm.current || va >= USER_END)
		invlpg(va);
}

static bool user_range(uint64_t va, size_t len)
{
	return va % PAGE_SIZE == 0 && len % PAGE_SIZE == 0 && va >= USER_BASE &&
	       va <= USER_END && len <= USER_END - va;
}

/* Builds the tables of the direct map for [0, top) under the kernel's PML4. */
static int direct_map_build(uint64_t top, bool gib_pages, struct vm_info *info)
{
	uint64_t *pml4 = phys_to_virt(vm.kernel.pml4);
	uint64_t leaf = PTE_P | PTE_W | PTE_G | PTE_PS | vm.nx;
	uint64_t new[DIRECT_MAP_MAX / (512 * GIB)] = { 0 };
	size_t npdpt = (top + 512 * GIB - 1) / (512 * GIB);

	for (size_t i = 0; i < npdpt; i++) {
		uint64_t *pdpt;
		if (!(new[i] = table_alloc(&vm.kernel)))
			return -ENOMEM;
		pdpt = phys_to_virt(new[i]);
		for (size_t g = 0; g < ENTRIES && (i * ENTRIES + g) * GIB < top; g++) {
			uint64_t pa = (i * ENTRIES + g) * GIB, pd;
			if (gib_pages) {
				pdpt[g] = pa | leaf;
				continue;
			}
			if (!(pd = table_alloc(&vm.kernel)))
				return -ENOMEM;
			for (size_t m = 0; m < ENTRIES; m++)
				table(pd)[m] = (pa + m * MIB2) | leaf;
			pdpt[g] = pd | PTE_P | PTE_W;
		}
	}
	/* Only now switch over: until here the boot map is what phys_to_virt relies on. */
	for (size_t i = 0; i < npdpt; i++)
		pml4[PML4_KERNEL + i] = new[i] | PTE_P | PTE_W;
	info->direct_map_bytes = ALIGN_UP(top, GIB);	/* whole GiBs in both cases */
	info->page_size = gib_pages ? GIB : MIB2;
	return 0;
}

int vm_init(uint64_t top, struct vm_info *info)
{
	uint32_t a, b, c, d, max_leaf;
	bool gib_pages;
	uint64_t frames, pa;
	uint64_t *pml4;

	memset(info, 0, sizeof(*info));
	vm.kernel.pml4 = (uint64_t)boot_pml4 - KERNEL_VMA;
	vm.current = &vm.kernel;
	vm.nx = (rdmsr(IA32_EFER) & EFER_NXE) ? PTE_NX : 0;
	cpuid(0x80000001, 0, &a, &b, &c, &d);
	gib_pages = d & CPUID81_EDX_PDPE1GB;
	top = MIN(ALIGN_UP(MAX(top, (uint64_t)BOOT_DIRECT_MAP_SIZE), MIB2), (uint64_t)DIRECT_MAP_MAX);

	frames = vm.kernel.frames;
	if (direct_map_build(top, gib_pages, info) != 0)
		return -ENOMEM;
	/* The stack area's PDPT, made now so that every space shares it (see the top). */
	pml4 = phys_to_virt(vm.kernel.pml4);
	if (!(pa = table_alloc(&vm.kernel)))
		return -ENOMEM;
	pml4[(KSTACK_AREA_BASE >> 39) & (ENTRIES - 1)] = pa | PTE_P | PTE_W;
	info->table_frames = vm.kernel.frames - frames;
	write_cr3(vm.kernel.pml4);
	direct_map_set_limit(info->direct_map_bytes);

	/* Intel SDM 3A 4.10.2.4: global pages survive CR3 loads; the kernel half is global. */
	write_cr4(read_cr4() | CR4_PGE);
	info->global = true;
	cpuid(0, 0, &max_leaf, &b, &c, &d);
	if (max_leaf >= 7) {
		/* Intel SDM 3A 4.6.1: SMEP stops the kernel running user code, SMAP reading it. */
		cpuid(7, 0, &a, &b, &c, &d);
		info->smep = b & CPUID7_EBX_SMEP;
		info->smap = b & CPUID7_EBX_SMAP;
		write_cr4(read_cr4() | (info->smep ? CR4_SMEP : 0) | (info->smap ? CR4_SMAP : 0));
	}
	info->nx = vm.nx != 0;
	return 0;
}

struct vm_space *vm_kernel_space(void)
{
	return &vm.kernel;
}

struct vm_space *vm_current(void)
{
	return vm.current;
}

struct vm_space *vm_space_create(void)
{
	struct vm_space *as = kzalloc(sizeof(*as));
	uint64_t *kernel = phys_to_virt(vm.kernel.pml4);

	if (!as)
		return NULL;
	if (!(as->pml4 = table_alloc(as))) {
		kfree(as);
		return NULL;
	}
	memcpy((uint64_t *)phys_to_virt(as->pml4) + PML4_KERNEL, kernel + PML4_KERNEL,
	       (ENTRIES - PML4_KERNEL) * sizeof(uint64_t));
	return as;
}

/* Frees a user-half table at level (3: PDPT, 2: PD, 1: PT) and everything below it. */
static void table_free(struct vm_space *as, uint64_t pa, int level)
{
	uint64_t *t = phys_to_virt(pa);

	for (size_t i = 0; i < ENTRIES; i++) {
		if (!(t[i] & PTE_P))
			continue;
		if (level > 1)
			table_free(as, t[i] & PTE_ADDR, level - 1);
		else if (t[i] & PTE_OWNED) {
			pmm_free(t[i] & PTE_ADDR);
			as->frames--;
		}
	}
	pmm_free(pa);
	as->frames--;
}

void vm_space_destroy(struct vm_space *as)
{
	uint64_t *pml4 = phys_to_virt(as->pml4);

	if (as == &vm.kernel)
		panic("vm_space_destroy: the kernel's space");
	if (as == vm.current)
		vm_switch(&vm.kernel);
	for (size_t i = 0; i < PML4_KERNEL; i++)
		if (pml4[i] & PTE_P)
			table_free(as, pml4[i] & PTE_ADDR, 3);
	pmm_free(as->pml4);
	kfree(as);
}

void vm_switch(struct vm_space *as)
{
	if (as == vm.current)
		return;
	vm.current = as;
	write_cr3(as->pml4);
}

int vm_map(struct vm_space *as, uint64_t va, uint64_t pa, unsigned prot)
{
	uint64_t *pte;

	if (!user_range(va, PAGE_SIZE) || pa % PAGE_SIZE != 0)
		return -EINVAL;
	if (!(pte = pte_find(as, va, true)))
		return -ENOMEM;
	if (*pte & PTE_P)
		return -EEXIST;
	*pte = pa | prot_bits(prot);
	if (!(prot & VM_SHARED))
		as->frames++;
	return 0;
}

int vm_alloc(struct vm_space *as, uint64_t va, size_t len, unsigned prot)
{
	int r;

	if (!user_range(va, len))
		return -EINVAL;
	for (size_t off = 0; off < len; off += PAGE_SIZE) {
		uint64_t pa = pmm_alloc();
		if (!pa) {
			vm_unmap(as, va, off);
			return -ENOMEM;
		}
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
		if ((r = vm_map(as, va + off, pa, prot & ~VM_SHARED)) != 0) {
			pmm_free(pa);
			vm_unmap(as, va, off);
			return r;
		}
	}
	return 0;
}

int vm_unmap(struct vm_space *as, uint64_t va, size_t len)
{
	if (!user_range(va, len))
		return -EINVAL;
	for (uint64_t p = va; p < va + len; p += PAGE_SIZE) {
		uint64_t *pte = pte_find(as, p, false);
		if (!pte || !(*pte & PTE_P))
			continue;
		if (*pte & PTE_OWNED) {
			pmm_free(*pte & PTE_ADDR);
			as->frames--;
		}
		*pte = 0;
		flush(as, p);
	}
	return 0;
}

int vm_protect(struct vm_space *as, uint64_t va, size_t len, unsigned prot)
{
	if (!user_range(va, len))
		return -EINVAL;
	for (uint64_t p = va; p < va + len; p += PAGE_SIZE) {
		uint64_t *pte = pte_find(as, p, false);
		if (!pte || !(*pte & PTE_P))
			return -ENOENT;
	}
	for (uint64_t p = va; p < va + len; p += PAGE_SIZE) {
		uint64_t *pte = pte_find(as, p, false);
		*pte = (*pte & (PTE_ADDR | PTE_OWNED)) | (prot_bits(prot) & ~PTE_OWNED);
		flush(as, p);
	}
	return 0;
}

int vm_translate(struct vm_space *as, uint64_t va, uint64_t *pa, unsigned *prot)
{
	uint64_t e = as->pml4, nx = 0, w = PTE_W;

	/* Intel SDM 3A 4.6: the rights of a page are the most restrictive of its walk. */
	for (int shift = 39; shift >= 12; shift -= 9) {
		e = table(e)[(va >> shift) & (ENTRIES - 1)];
		if (!(e & PTE_P))
			return -ENOENT;
		nx |= e & PTE_NX;
		w &= e;
		if (shift == 12 || (shift < 39 && (e & PTE_PS))) {
			uint64_t size = 1UL << shift;
			if (pa)
				*pa = (e & PTE_ADDR & ~(size - 1)) | (va & (size - 1));
			if (prot)
				*prot = (w ? VM_WRITE : 0) | (nx ? 0 : VM_EXEC) |
					(shift == 12 && !(e & PTE_OWNED) && va < USER_END ?
					 VM_SHARED : 0);
			return 0;
		}
	}
	return -ENOENT;
}

uint64_t vm_space_frames(const struct vm_space *as)
{
	return as->frames;
}

static uint64_t kstack_base(size_t slot)
{
	return KSTACK_AREA_BASE + slot * KSTACK_SLOT_SIZE;
}

void *kstack_alloc(void)
{
	size_t slot;
	uint64_t flags = irq_save(), base;

	for (slot = 0; slot < KSTACK_SLOTS; slot++)
		if (!(vm.kstack_used[slot / 64] >> (slot % 64) & 1))
			break;
	if (slot == KSTACK_SLOTS) {
		irq_restore(flags);
		return NULL;
	}
	vm.kstack_used[slot / 64] |= 1UL << (slot % 64);
	base = kstack_base(slot) + KSTACK_GUARD;
	for (uint64_t off = 0; off < KSTACK_SIZE; off += PAGE_SIZE) {
		uint64_t pa = pmm_alloc(), *pte = NULL;
		if (pa)
			pte = pte_find(&vm.kernel, base + off, true);
		if (!pte) {
			if (pa)
				pmm_free(pa);
			irq_restore(flags);
			kstack_free((void *)(base + off));	/* frees the pages mapped so far */
			return NULL;
		}
		*pte = pa | PTE_P | PTE_W | PTE_G | vm.nx;
	}
	irq_restore(flags);
	return (void *)(base + KSTACK_SIZE);
}

/* Unmaps the pages of the stack below top (down to its slot's guard) and frees its slot. */
void kstack_free(void *top)
{
	uint64_t t = (uint64_t)top, slot = (t - 1 - KSTACK_AREA_BASE) / KSTACK_SLOT_SIZE;
	uint64_t flags = irq_save();

	for (uint64_t p = kstack_base(slot) + KSTACK_GUARD; p < t; p += PAGE_SIZE) {
		uint64_t *pte = pte_find(&vm.kernel, p, false);
		if (pte && (*pte & PTE_P)) {
			pmm_free(*pte & PTE_ADDR);
			*pte = 0;
			invlpg(p);
		}
	}
	vm.kstack_used[slot / 64] &= ~(1UL << (slot % 64));
	irq_restore(flags);
}

bool kstack_contains(uint64_t addr, size_t len)
{
	uint64_t off, slot;

	if (addr < KSTACK_AREA_BASE || addr >= KSTACK_AREA_BASE + KSTACK_SLOTS * KSTACK_SLOT_SIZE)
		return false;
	slot = (addr - KSTACK_AREA_BASE) / KSTACK_SLOT_SIZE;
	off = (addr - KSTACK_AREA_BASE) % KSTACK_SLOT_SIZE;
	return (vm.kstack_used[slot / 64] >> (slot % 64) & 1) && off >= KSTACK_GUARD &&
	       len <= KSTACK_SLOT_SIZE - off;
}

bool kstack_guard_hit(uint64_t addr)
{
	return addr >= KSTACK_AREA_BASE &&
	       addr < KSTACK_AREA_BASE + KSTACK_SLOTS * KSTACK_SLOT_SIZE &&
	       (addr - KSTACK_AREA_BASE) % KSTACK_SLOT_SIZE < KSTACK_GUARD;
}
