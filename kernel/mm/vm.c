/*
 * Address spaces: the kernel's, whose tables arch_paging_init builds (the direct map of all
 * RAM, the kernel image, the stack area), and one per process whose kernel half is shared
 * and whose user half is private; and kernel stacks with unmapped guard pages below them.
 * The page tables themselves are the architecture's (arch.h); this file keeps the
 * bookkeeping: which frames a space owns, what it holds, which stack slots are in use.
 */
#include "arch.h"
#include "heap.h"
#include "lib.h"
#include "lock.h"
#include "memlayout.h"
#include "panic.h"
#include "pmm.h"
#include "vm.h"
#include <keel/errno.h>

#define KSTACK_GUARD	(KSTACK_SLOT_SIZE - KSTACK_SIZE)

struct vm_space {
	struct arch_pt pt;
	uint64_t owned;		/* frames mapped in the user half that are the space's */
};

static struct {
	struct lock lock;		/* guards kstack_used */
	struct vm_space kernel;
	struct vm_space *current;
	uint64_t kstack_used[KSTACK_SLOTS / 64];
} vm = { .lock = LOCK_INIT("vm") };

static unsigned pt_flags(unsigned prot)
{
	return ARCH_PT_USER | ((prot & VM_WRITE) ? ARCH_PT_WRITE : 0) |
	       ((prot & VM_EXEC) ? ARCH_PT_EXEC : 0) | ((prot & VM_SHARED) ? 0 : ARCH_PT_OWNED);
}

static bool user_range(uint64_t va, size_t len)
{
	return va % PAGE_SIZE == 0 && len % PAGE_SIZE == 0 && va >= USER_BASE &&
	       va <= USER_END && len <= USER_END - va;
}

int vm_init(uint64_t top, struct vm_info *info)
{
	vm.current = &vm.kernel;
	return arch_paging_init(top, &vm.kernel.pt, info);
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

	if (!as)
		return NULL;
	if (arch_pt_create(&as->pt, &vm.kernel.pt) != 0) {
		kfree(as);
		return NULL;
	}
	return as;
}

/* arch_pt_destroy's call for each user page: the space's own frames go back. */
static void release_page(uint64_t pa, unsigned flags, void *ctx)
{
	struct vm_space *as = ctx;

	if (flags & ARCH_PT_OWNED) {
		pmm_unref(pa);
		as->owned--;
	}
}

void vm_space_destroy(struct vm_space *as)
{
	if (as == &vm.kernel)
		panic("vm_space_destroy: the kernel's space");
	if (as == vm.current)
		vm_switch(&vm.kernel);
	arch_pt_destroy(&as->pt, release_page, as);
	kfree(as);
}

void vm_switch(struct vm_space *as)
{
	if (as == vm.current)
		return;
	vm.current = as;
	arch_pt_switch(&as->pt);
}

int vm_map(struct vm_space *as, uint64_t va, uint64_t pa, unsigned prot)
{
	int r;

	if (!user_range(va, PAGE_SIZE) || pa % PAGE_SIZE != 0)
		return -EINVAL;
	if ((r = arch_pt_map(&as->pt, va, pa, pt_flags(prot))) != 0)
		return r;
	if (!(prot & VM_SHARED))
		as->owned++;
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
	uint64_t pa;
	unsigned flags;

	if (!user_range(va, len))
		return -EINVAL;
	for (uint64_t p = va; p < va + len; p += PAGE_SIZE)
		if (arch_pt_unmap(&as->pt, p, &pa, &flags) == 0 && (flags & ARCH_PT_OWNED)) {
			pmm_unref(pa);
			as->owned--;
		}
	return 0;
}

int vm_protect(struct vm_space *as, uint64_t va, size_t len, unsigned prot)
{
	if (!user_range(va, len))
		return -EINVAL;
	/* All or nothing: look for a hole before changing anything. */
	for (uint64_t p = va; p < va + len; p += PAGE_SIZE)
		if (arch_pt_lookup(&as->pt, p, NULL, NULL) != 0)
			return -ENOENT;
	for (uint64_t p = va; p < va + len; p += PAGE_SIZE) {
		uint64_t pa;
		unsigned flags, want = pt_flags(prot);
		arch_pt_lookup(&as->pt, p, &pa, &flags);
		/* A frame another space owns too may not be written: it is copied first. */
		if ((want & ARCH_PT_WRITE) && (flags & ARCH_PT_OWNED) && pmm_refs(pa) > 1)
			want = (want & ~ARCH_PT_WRITE) | ARCH_PT_COW;
		arch_pt_protect(&as->pt, p, want);
	}
	return 0;
}

int vm_translate(struct vm_space *as, uint64_t va, uint64_t *pa, unsigned *prot)
{
	unsigned flags;

	if (arch_pt_lookup(&as->pt, va, pa, &flags) != 0)
		return -ENOENT;
	if (prot)
		*prot = ((flags & ARCH_PT_WRITE) ? VM_WRITE : 0) |
			((flags & ARCH_PT_EXEC) ? VM_EXEC : 0) |
			(va < USER_END && !(flags & ARCH_PT_OWNED) ? VM_SHARED : 0);
	return 0;
}

/*
 * vm_space_fork's step for each page of the parent: the child maps the same frame. A
 * frame the parent owns gets one more user, and a writable one becomes read-only and
 * copy-on-write in both; a frame it does not own (VM_SHARED) is just mapped again.
 */
static int fork_page(uint64_t va, uint64_t pa, unsigned *flags, void *ctx)
{
	struct vm_space *child = ctx;
	unsigned f = *flags;
	int r;

	if (!(f & ARCH_PT_OWNED))
		return arch_pt_map(&child->pt, va, pa, f);
	if (f & ARCH_PT_WRITE)
		f = (f & ~ARCH_PT_WRITE) | ARCH_PT_COW;
	if ((r = pmm_ref(pa)) != 0)
		return r;
	if ((r = arch_pt_map(&child->pt, va, pa, f)) != 0) {
		pmm_unref(pa);		/* the parent's user stays */
		return r;
	}
	child->owned++;
	*flags = f;
	return 0;
}

struct vm_space *vm_space_fork(struct vm_space *parent)
{
	struct vm_space *child = vm_space_create();

	if (!child)
		return NULL;
	/*
	 * On failure the parent keeps the pages already marked copy-on-write: harmless, its
	 * next write to one finds it the only user again and just makes it writable.
	 */
	if (arch_pt_visit(&parent->pt, fork_page, child) != 0) {
		vm_space_destroy(child);
		return NULL;
	}
	return child;
}

int vm_fault(struct vm_space *as, uint64_t va, bool write)
{
	uint64_t pa, copy;
	unsigned flags;

	va = ALIGN_DOWN(va, PAGE_SIZE);
	if (!write || va < USER_BASE || va >= USER_END ||
	    arch_pt_lookup(&as->pt, va, &pa, &flags) != 0 || !(flags & ARCH_PT_COW))
		return -EFAULT;
	flags = (flags | ARCH_PT_WRITE) & ~ARCH_PT_COW;
	if (pmm_refs(pa) == 1)		/* the others have copied or gone: no copy */
		return arch_pt_protect(&as->pt, va, flags);
	if (!(copy = pmm_alloc()))
		return -ENOMEM;
	memcpy(phys_to_virt(copy), phys_to_virt(pa), PAGE_SIZE);
	arch_pt_remap(&as->pt, va, copy, flags);
	pmm_unref(pa);
	return 0;
}

uint64_t vm_space_frames(const struct vm_space *as)
{
	return as->pt.tables + as->owned;
}

static uint64_t kstack_base(size_t slot)
{
	return KSTACK_AREA_BASE + slot * KSTACK_SLOT_SIZE;
}

void *kstack_alloc(void)
{
	size_t slot;
	uint64_t base;

	lock_acquire(&vm.lock);
	for (slot = 0; slot < KSTACK_SLOTS; slot++)
		if (!(vm.kstack_used[slot / 64] >> (slot % 64) & 1))
			break;
	if (slot == KSTACK_SLOTS) {
		lock_release(&vm.lock);
		return NULL;
	}
	vm.kstack_used[slot / 64] |= 1UL << (slot % 64);
	base = kstack_base(slot) + KSTACK_GUARD;
	for (uint64_t off = 0; off < KSTACK_SIZE; off += PAGE_SIZE) {
		uint64_t pa = pmm_alloc();
		if (!pa || arch_pt_map(&vm.kernel.pt, base + off, pa,
				       ARCH_PT_WRITE | ARCH_PT_GLOBAL) != 0) {
			if (pa)
				pmm_free(pa);
			lock_release(&vm.lock);
			kstack_free((void *)(base + off));	/* frees the pages mapped so far */
			return NULL;
		}
	}
	lock_release(&vm.lock);
	return (void *)(base + KSTACK_SIZE);
}

/* Unmaps the pages of the stack below top (down to its slot's guard) and frees its slot. */
void kstack_free(void *top)
{
	uint64_t t = (uint64_t)top, slot = (t - 1 - KSTACK_AREA_BASE) / KSTACK_SLOT_SIZE, pa;
	lock_acquire(&vm.lock);

	for (uint64_t p = kstack_base(slot) + KSTACK_GUARD; p < t; p += PAGE_SIZE)
		if (arch_pt_unmap(&vm.kernel.pt, p, &pa, NULL) == 0)
			pmm_free(pa);
	vm.kstack_used[slot / 64] &= ~(1UL << (slot % 64));
	lock_release(&vm.lock);
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
