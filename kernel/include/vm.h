/*
 * Virtual memory: the direct map of all RAM, one address space per process (the kernel
 * half shared, the user half private), and kernel stacks with unmapped guard pages.
 * The layout is DESIGN.md's "Memory layout (virtual)"; numbers are in memlayout.h, page
 * tables behind arch.h.
 */
#ifndef KEEL_VM_H
#define KEEL_VM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Protections of a user mapping; every mapping can be read. */
#define VM_WRITE	0x1
#define VM_EXEC		0x2
#define VM_SHARED	0x4	/* the frame is not the space's: unmap and destroy leave it */

struct vm_space;

/* What vm_init() built, for the boot log. */
struct vm_info {
	uint64_t direct_map_bytes;
	uint64_t page_size;		/* of the direct map: 1 GiB or 2 MiB */
	uint64_t table_frames;		/* page tables it took */
	bool nx, smep, smap, global;
};

/*
 * Maps physical [0, top) at DIRECT_MAP_BASE, read-write and non-executable, with 1 GiB
 * pages where the CPU has them (the kernel image's frames read-only, in 4 KiB pages),
 * replaces the boot loader's map, sets up the kernel stack area and turns on global
 * pages, SMEP and SMAP where the CPU has them. Fills *info. Returns 0, or -ENOMEM when
 * the page tables cannot be allocated.
 */
int vm_init(uint64_t top, struct vm_info *info);

/* Returns the address space of the kernel (no user half), the one running at boot. */
struct vm_space *vm_kernel_space(void);

/* Returns the address space the CPU is using. */
struct vm_space *vm_current(void);

/* Returns a new address space with an empty user half, or NULL when memory is short. */
struct vm_space *vm_space_create(void);

/*
 * Frees the space, every frame mapped in its user half that is its own and every page
 * table of its user half. Switches to the kernel's space first if it is the current one.
 */
void vm_space_destroy(struct vm_space *as);

/* Makes as the current address space (loads CR3). */
void vm_switch(struct vm_space *as);

/*
 * Maps the frame at pa at the user address va (page-aligned, in user space) with prot.
 * Unless prot has VM_SHARED, the frame becomes the space's: vm_unmap and
 * vm_space_destroy free it. Returns 0, -EINVAL for a bad address, -EEXIST when va is
 * mapped already, -ENOMEM when a page table cannot be allocated.
 */
int vm_map(struct vm_space *as, uint64_t va, uint64_t pa, unsigned prot);

/*
 * Maps zeroed frames of its own over [va, va + len) (page-aligned). Returns 0 or the
 * errors of vm_map; on failure nothing of the range stays mapped.
 */
int vm_alloc(struct vm_space *as, uint64_t va, size_t len, unsigned prot);

/* Unmaps [va, va + len) of user space, freeing the frames the space owns. Returns 0 or -EINVAL. */
int vm_unmap(struct vm_space *as, uint64_t va, size_t len);

/*
 * Changes the protection of every page of [va, va + len) (VM_SHARED is kept as it was;
 * a frame another space owns too gets copy-on-write instead of write access). Returns 0, -EINVAL for a bad range, -ENOENT when a page is not mapped (then nothing
 * changes).
 */
int vm_protect(struct vm_space *as, uint64_t va, size_t len, unsigned prot);

/*
 * Looks up any address (user or kernel half) in the space. Returns 0 with the physical
 * address in *pa and the protection in *prot (either may be NULL), or -ENOENT.
 */
int vm_translate(struct vm_space *as, uint64_t va, uint64_t *pa, unsigned *prot);

/*
 * Returns a copy-on-write copy of the user half of parent (fork): the new space maps
 * every page of parent to the same frame with the same rights, but the writable pages
 * of both become read-only until a write fault copies them (vm_fault). No page is
 * copied now. Frames parent does not own (VM_SHARED) are mapped again, not shared by
 * count. Returns NULL when memory is short, with nothing allocated.
 */
struct vm_space *vm_space_fork(struct vm_space *parent);

/*
 * Resolves a fault at the user address va of as, if it can: a write to a copy-on-write
 * page gets the page a frame of its own (a copy, or the same frame when no other space
 * uses it any more) and write access. Returns 0 when the access can be retried, -EFAULT
 * when the fault is not one to resolve, -ENOMEM when the copy cannot be made.
 */
int vm_fault(struct vm_space *as, uint64_t va, bool write);

/*
 * Returns the frames the space holds: its page tables and the frames it owns (shared
 * ones counted in every space that owns them).
 */
uint64_t vm_space_frames(const struct vm_space *as);

/*
 * Returns the top of a new KSTACK_SIZE kernel stack with unmapped guard pages below it,
 * or NULL when memory or stack slots are short.
 */
void *kstack_alloc(void);

/* Frees a stack from kstack_alloc, given its top. */
void kstack_free(void *top);

/* Returns true when [addr, addr + len) lies inside a stack from kstack_alloc. */
bool kstack_contains(uint64_t addr, size_t len);

/* Returns true when addr is in the guard pages below a stack slot. */
bool kstack_guard_hit(uint64_t addr);

#endif
