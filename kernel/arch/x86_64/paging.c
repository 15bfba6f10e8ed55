/*
 * The x86-64 page tables behind arch.h (Intel SDM 3A 4.5, 4-level paging): the direct map
 * of all physical memory, the kernel stack area's top-level table, and the 4 KiB mappings
 * that kernel/mm/vm.c asks for. All walks go through walk().
 *
 * The kernel half is shared by copying the kernel's PML4 entries 256-511 into every new
 * space. That is only sound if those entries never change after arch_paging_init(), so it
 * creates every kernel-half table at the top level it will ever need (the direct map's
 * PDPTs, the stack area's PDPT; the image's came from boot.asm), and later kernel mappings
 * only go below them.
 */
#include "arch.h"
#include "cpu.h"
#include "layout.h"
#include "lib.h"
#include "pmm.h"
#include "vm.h"
#include <keel/errno.h>

#define ENTRIES		512
#define PML4_KERNEL	256		/* first entry of the kernel half */
#define GIB		(1UL << 30)
#define MIB2		(1UL << 21)
#define KIB4		(1UL << 12)

extern uint64_t boot_pml4[];
extern char __kernel_phys_start[], __kernel_end[];

static struct {
	uint64_t limit;		/* of the direct map; 0 until set up: boot.asm's 4 GiB */
	uint64_t nx;		/* PTE_NX when EFER.NXE is on, else 0 (the bit would be reserved) */
} paging;

void *phys_to_virt(uint64_t pa)
{
	return (void *)(DIRECT_MAP_BASE + pa);
}

uint64_t direct_map_limit(void)
{
	return paging.limit ? paging.limit : BOOT_DIRECT_MAP_SIZE;
}

void arch_kernel_image(uint64_t *start, uint64_t *end)
{
	*start = (uint64_t)__kernel_phys_start;
	*end = (uint64_t)__kernel_end - KERNEL_VMA;
}

static uint64_t *table(uint64_t entry)
{
	return phys_to_virt(entry & PTE_ADDR);
}

/* Returns a zeroed frame for a page table, counted in pt, or 0. */
static uint64_t table_alloc(struct arch_pt *pt)
{
	uint64_t pa = pmm_alloc();

	if (pa) {
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
		pt->tables++;
	}
	return pa;
}

/*
 * The page walk (Intel SDM 3A 4.5): four levels, each indexed by 9 bits of va, from the
 * PML4 down; a PDPTE or PDE with PS set ends it early as a 1 GiB or 2 MiB page. Returns
 * the entry that maps va (which may be not present at the last level) and the size it
 * maps in *size, or NULL when a table on the way is missing. With create, missing tables
 * are made (NULL when that fails); in the user half they get U and W so that the leaf
 * alone decides (SDM 3A 4.6.1). *rights (may be NULL) gets W and U as every level grants
 * them and NX if any level sets it (SDM 3A 4.6: the most restrictive of the walk).
 */
static uint64_t *walk(struct arch_pt *pt, uint64_t va, bool create, uint64_t *size,
		      uint64_t *rights)
{
	uint64_t *t = phys_to_virt(pt->root), acc = PTE_W | PTE_U;
	uint64_t flags = PTE_P | PTE_W | (va < USER_END ? PTE_U : 0);

	for (int shift = 39;; shift -= 9) {
		uint64_t *e = &t[(va >> shift) & (ENTRIES - 1)];
		if (shift == 12 || (*e & (PTE_P | PTE_PS)) == (PTE_P | PTE_PS)) {
			if (rights)
				*rights = (acc & *e & (PTE_W | PTE_U)) | ((acc | *e) & PTE_NX);
			*size = 1UL << shift;
			return e;
		}
		if (!(*e & PTE_P)) {
			uint64_t pa;
			if (!create || !(pa = table_alloc(pt)))
				return NULL;
			*e = pa | flags;
		}
		acc = (acc & *e & (PTE_W | PTE_U)) | ((acc | *e) & PTE_NX);
		t = table(*e);
	}
}

/* The entry bits for ARCH_PT_* flags. */
static uint64_t pte_bits(unsigned flags)
{
	return PTE_P | ((flags & ARCH_PT_WRITE) ? PTE_W : 0) |
	       ((flags & ARCH_PT_EXEC) ? 0 : paging.nx) | ((flags & ARCH_PT_USER) ? PTE_U : 0) |
	       ((flags & ARCH_PT_GLOBAL) ? PTE_G : 0) | ((flags & ARCH_PT_OWNED) ? PTE_OWNED : 0) |
	       ((flags & ARCH_PT_COW) ? PTE_COW : 0);
}

/* The ARCH_PT_* flags of entry bits (rights as combined by walk()). */
static unsigned pt_flags(uint64_t e)
{
	return ((e & PTE_W) ? ARCH_PT_WRITE : 0) | ((e & PTE_NX) ? 0 : ARCH_PT_EXEC) |
	       ((e & PTE_U) ? ARCH_PT_USER : 0) | ((e & PTE_G) ? ARCH_PT_GLOBAL : 0) |
	       ((e & PTE_OWNED) ? ARCH_PT_OWNED : 0) | ((e & PTE_COW) ? ARCH_PT_COW : 0);
}

/* Drops va from the TLB when pt is in use (the kernel half is in use in every space). */
static void flush(const struct arch_pt *pt, uint64_t va)
{
	if (va >= USER_END || (read_cr3() & PTE_ADDR) == pt->root)
		invlpg(va);
}

/* Returns the leaf entry of the 4 KiB page at va when it is mapped, else NULL. */
static uint64_t *small_page(struct arch_pt *pt, uint64_t va)
{
	uint64_t size, *e = walk(pt, va, false, &size, NULL);

	return e && size == KIB4 && (*e & PTE_P) ? e : NULL;
}

int arch_pt_map(struct arch_pt *pt, uint64_t va, uint64_t pa, unsigned flags)
{
	uint64_t size, *e = walk(pt, va, true, &size, NULL);

	if (!e)
		return -ENOMEM;
	if (size != KIB4 || (*e & PTE_P))
		return -EEXIST;
	*e = pa | pte_bits(flags);
	return 0;
}

int arch_pt_unmap(struct arch_pt *pt, uint64_t va, uint64_t *pa, unsigned *flags)
{
	uint64_t *e = small_page(pt, va);

	if (!e)
		return -ENOENT;
	if (pa)
		*pa = *e & PTE_ADDR;
	if (flags)
		*flags = pt_flags(*e);
	*e = 0;
	flush(pt, va);
	return 0;
}

int arch_pt_protect(struct arch_pt *pt, uint64_t va, unsigned flags)
{
	uint64_t *e = small_page(pt, va);

	if (!e)
		return -ENOENT;
	*e = (*e & ~(PTE_W | PTE_NX | PTE_COW)) | (pte_bits(flags) & (PTE_W | PTE_NX | PTE_COW));
	flush(pt, va);
	return 0;
}

int arch_pt_remap(struct arch_pt *pt, uint64_t va, uint64_t pa, unsigned flags)
{
	uint64_t *e = small_page(pt, va);

	if (!e)
		return -ENOENT;
	*e = pa | pte_bits(flags);
	flush(pt, va);
	return 0;
}

int arch_pt_lookup(const struct arch_pt *pt, uint64_t va, uint64_t *pa, unsigned *flags)
{
	/* Without create the walk changes nothing: pt stays as it was. */
	uint64_t size, rights, *e = walk((struct arch_pt *)pt, va, false, &size, &rights);

	if (!e || !(*e & PTE_P))
		return -ENOENT;
	if (pa)
		*pa = (*e & PTE_ADDR & ~(size - 1)) | (va & (size - 1));
	if (flags)
		*flags = pt_flags((*e & ~(PTE_W | PTE_U | PTE_NX)) | rights);
	return 0;
}

/*
 * Intel SDM 3A 11.12.2-11.12.3: a 4 KiB page's PAT, PCD and PWT bits pick one of eight
 * PAT entries. Entry 4 (PAT set alone) is write-back at reset, like entry 0, and nothing
 * else sets PAT, so it can become write-combining without changing any other mapping.
 * Without PAT, PCD and PWT alone give entry 3, uncached (SDM 3A 11.12.5).
 * The direct map keeps its write-back alias of the framebuffer; the kernel never touches
 * the framebuffer through it after this (SDM 3A 11.12.4 asks that aliases not be used).
 */
#define PAT_ENTRY4_SHIFT	32
#define PAT_TYPE_WC		0x01

static uint64_t framebuffer_pte_bits(bool *wc)
{
	uint32_t a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	*wc = d & CPUID1_EDX_PAT;
	if (!*wc)
		return PTE_PCD | PTE_PWT;
	wrmsr(MSR_PAT, (rdmsr(MSR_PAT) & ~(0x7UL << PAT_ENTRY4_SHIFT)) |
		       ((uint64_t)PAT_TYPE_WC << PAT_ENTRY4_SHIFT));
	return PTE_PAT;
}

void *arch_map_framebuffer(uint64_t pa, uint64_t len, bool *wc)
{
	struct arch_pt cur = { .root = read_cr3() & PTE_ADDR };
	uint64_t start = ALIGN_DOWN(pa, KIB4), end = ALIGN_UP(pa + len, KIB4), cache, size;

	if (len == 0 || end - start > FB_AREA_SIZE || end < start)
		return NULL;
	cache = framebuffer_pte_bits(wc);
	for (uint64_t p = start; p < end; p += KIB4) {
		uint64_t va = FB_AREA_BASE + (p - start), *e = walk(&cur, va, true, &size, NULL);
		if (!e || size != KIB4)
			return NULL;
		*e = p | PTE_P | PTE_W | PTE_G | paging.nx | cache;
		invlpg(va);
	}
	return (void *)(FB_AREA_BASE + (pa - start));
}

bool arch_page_mapped(uint64_t va)
{
	struct arch_pt cur = { .root = read_cr3() & PTE_ADDR };

	return arch_pt_lookup(&cur, va, NULL, NULL) == 0;
}

void arch_pt_switch(const struct arch_pt *pt)
{
	write_cr3(pt->root);
}

int arch_pt_create(struct arch_pt *pt, const struct arch_pt *kernel)
{
	pt->tables = 0;
	if (!(pt->root = table_alloc(pt)))
		return -ENOMEM;
	memcpy((uint64_t *)phys_to_virt(pt->root) + PML4_KERNEL,
	       (uint64_t *)phys_to_virt(kernel->root) + PML4_KERNEL,
	       (ENTRIES - PML4_KERNEL) * sizeof(uint64_t));
	return 0;
}

/* What a traversal of the user half does at each page, and what it found. */
struct visit {
	arch_pt_visit_fn fn;
	void *ctx;
	bool free;		/* free each table once visited (arch_pt_destroy) */
	bool changed;		/* fn changed an entry */
};

/*
 * Visits the user-half table at pa of level (3: PDPT, 2: PD, 1: PT), which maps from va:
 * v->fn for each page mapped, its flags written back when fn changed them. Stops at fn's
 * first nonzero answer and returns it (the tables stay then, even with v->free).
 */
static int table_each(struct arch_pt *pt, uint64_t pa, int level, uint64_t va,
		      struct visit *v)
{
	uint64_t *t = phys_to_virt(pa);
	int r;

	for (size_t i = 0; i < ENTRIES; i++) {
		uint64_t at = va + (i << (12 + 9 * (level - 1)));
		if (!(t[i] & PTE_P))
			continue;
		if (level > 1) {
			if ((r = table_each(pt, t[i] & PTE_ADDR, level - 1, at, v)) != 0)
				return r;
			continue;
		}
		unsigned flags = pt_flags(t[i]), was = flags;
		if ((r = v->fn(at, t[i] & PTE_ADDR, &flags, v->ctx)) != 0)
			return r;
		if (flags != was) {
			t[i] = (t[i] & ~(PTE_W | PTE_NX | PTE_COW)) |
			       (pte_bits(flags) & (PTE_W | PTE_NX | PTE_COW));
			v->changed = true;
		}
	}
	if (v->free) {
		pmm_free(pa);
		pt->tables--;
	}
	return 0;
}

static int user_half_each(struct arch_pt *pt, struct visit *v)
{
	uint64_t *pml4 = phys_to_virt(pt->root);
	int r;

	for (size_t i = 0; i < PML4_KERNEL; i++)
		if ((pml4[i] & PTE_P) &&
		    (r = table_each(pt, pml4[i] & PTE_ADDR, 3, (uint64_t)i << 39, v)) != 0)
			return r;
	return 0;
}

int arch_pt_visit(struct arch_pt *pt, arch_pt_visit_fn fn, void *ctx)
{
	struct visit v = { .fn = fn, .ctx = ctx };
	int r = user_half_each(pt, &v);

	/* Intel SDM 3A 4.10.4.1: loading CR3 drops every non-global entry, the user half's. */
	if (v.changed && (read_cr3() & PTE_ADDR) == pt->root)
		write_cr3(pt->root);
	return r;
}

/* arch_pt_destroy's leaf function, called through the traversal. */
struct destroy_leaf {
	void (*leaf)(uint64_t pa, unsigned flags, void *ctx);
	void *ctx;
};

static int destroy_page(uint64_t va, uint64_t pa, unsigned *flags, void *ctx)
{
	const struct destroy_leaf *d = ctx;

	(void)va;
	d->leaf(pa, *flags, d->ctx);
	return 0;
}

void arch_pt_destroy(struct arch_pt *pt, void (*leaf)(uint64_t pa, unsigned flags, void *ctx),
		     void *ctx)
{
	struct destroy_leaf d = { leaf, ctx };
	struct visit v = { .fn = destroy_page, .ctx = &d, .free = true };

	user_half_each(pt, &v);
	pmm_free(pt->root);
	pt->tables--;
	pt->root = 0;
}

/*
 * Fills the page table at pt with the 4 KiB pages of physical [pa, pa + 2 MiB): leaf,
 * except that the kernel image's own frames lose W. The image is reached for writing only
 * through its higher-half mapping, whose sections have their own rights (boot.asm); an
 * alias of its text that could be written would undo W^X.
 */
static void small_pages(uint64_t *pt, uint64_t pa, uint64_t leaf, uint64_t img_start,
			uint64_t img_end)
{
	for (size_t i = 0; i < ENTRIES; i++) {
		uint64_t p = pa + i * KIB4;
		pt[i] = p | leaf | ((p >= img_start && p < img_end) ? 0 : PTE_W);
	}
}

/*
 * Builds the tables of the direct map of [0, top) under the kernel's PML4: RW+NX and
 * global, in 1 GiB pages (gib_pages) or 2 MiB pages, but 4 KiB pages without W over the
 * kernel image's frames.
 */
static int direct_map_build(struct arch_pt *kernel, uint64_t top, bool gib_pages,
			    struct vm_info *info)
{
	/*
	 * The kernel's PML4 is boot_pml4, in the image's .bss: it is written through the
	 * image's own mapping, since the direct map's alias of the image is read-only, and
	 * a write through it works only while the TLB still holds the boot map's entry.
	 */
	uint64_t *pml4 = boot_pml4, img_start, img_end;
	uint64_t leaf = PTE_P | PTE_G | paging.nx, large = leaf | PTE_W | PTE_PS;
	uint64_t new[DIRECT_MAP_MAX / (512 * GIB)] = { 0 };
	size_t npdpt = (top + 512 * GIB - 1) / (512 * GIB);

	arch_kernel_image(&img_start, &img_end);
	img_start = ALIGN_DOWN(img_start, KIB4);
	img_end = ALIGN_UP(img_end, KIB4);
	for (size_t i = 0; i < npdpt; i++) {
		uint64_t *pdpt;
		if (!(new[i] = table_alloc(kernel)))
			return -ENOMEM;
		pdpt = phys_to_virt(new[i]);
		for (size_t g = 0; g < ENTRIES && (i * ENTRIES + g) * GIB < top; g++) {
			uint64_t pa = (i * ENTRIES + g) * GIB, pd;
			bool image = img_start < pa + GIB && img_end > pa;
			if (gib_pages && !image) {
				pdpt[g] = pa | large;
				continue;
			}
			if (!(pd = table_alloc(kernel)))
				return -ENOMEM;
			for (size_t m = 0; m < ENTRIES; m++) {
				uint64_t p = pa + m * MIB2, ptp;
				if (!(img_start < p + MIB2 && img_end > p)) {
					table(pd)[m] = p | large;
					continue;
				}
				if (!(ptp = table_alloc(kernel)))
					return -ENOMEM;
				small_pages(table(ptp), p, leaf, img_start, img_end);
				table(pd)[m] = ptp | PTE_P | PTE_W;
			}
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

int arch_paging_init(uint64_t top, struct arch_pt *kernel, struct vm_info *info)
{
	uint32_t a, b, c, d, max_leaf;
	bool gib_pages;
	uint64_t pa, *pml4;

	memset(info, 0, sizeof(*info));
	kernel->root = (uint64_t)boot_pml4 - KERNEL_VMA;
	kernel->tables = 0;
	paging.nx = (rdmsr(MSR_EFER) & EFER_NXE) ? PTE_NX : 0;
	cpuid(0x80000001, 0, &a, &b, &c, &d);
	gib_pages = d & CPUID81_EDX_PDPE1GB;
	top = MIN(ALIGN_UP(MAX(top, (uint64_t)BOOT_DIRECT_MAP_SIZE), MIB2), (uint64_t)DIRECT_MAP_MAX);

	if (direct_map_build(kernel, top, gib_pages, info) != 0)
		return -ENOMEM;
	/* The stack area's PDPT, made now so that every space shares it (see the top). */
	pml4 = boot_pml4;	/* as in direct_map_build: not through the direct map */
	if (!(pa = table_alloc(kernel)))
		return -ENOMEM;
	pml4[(KSTACK_AREA_BASE >> 39) & (ENTRIES - 1)] = pa | PTE_P | PTE_W;
	info->table_frames = kernel->tables;
	write_cr3(kernel->root);
	paging.limit = info->direct_map_bytes;

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
	info->nx = paging.nx != 0;
	return 0;
}
