/*
 * What the rest of the kernel asks of the processor and the platform, whatever it is. The
 * x86-64 implementation lives in kernel/arch/x86_64, whose own headers no file outside it
 * includes.
 */
#ifndef KEEL_ARCH_H
#define KEEL_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm_info;

#define NR_IRQS 16

typedef void (*irq_handler_t)(void);

/* Installs the GDT with the TSS and the IDT. Interrupts stay off. */
void arch_init(void);

/* Sets up the interrupt controller and the timer, then enables interrupts. */
void arch_irq_init(void);

/* Calls fn on every interrupt of line irq (0-15) and unmasks the line. */
void irq_set_handler(unsigned irq, irq_handler_t fn);

/* The handler of line irq, or NULL (so a driver sharing the line can call it too). */
irq_handler_t irq_get_handler(unsigned irq);

/* Disables interrupts and returns a token for arch_irq_restore (whether they were on). */
uint64_t arch_irq_save(void);

/* Enables interrupts again if they were on when arch_irq_save returned flags. */
void arch_irq_restore(uint64_t flags);

/*
 * The processor operations that drivers and libraries call by their x86 names: port I/O
 * (the UART, PCI configuration, port-mapped NICs), the spin-wait hint and the time-stamp
 * counter. Arch code inlines them (cpu.h); elsewhere they are calls. Interrupts are
 * arch_irq_save and arch_irq_restore above.
 */
uint8_t inb(uint16_t port);
void outb(uint16_t port, uint8_t v);
uint16_t inw(uint16_t port);
void outw(uint16_t port, uint16_t v);
uint32_t inl(uint16_t port);
void outl(uint16_t port, uint32_t v);
void cpu_relax(void);
uint64_t rdtsc(void);

/* The caller's frame pointer, where backtraces start (the compiler knows it: no asm). */
static inline __attribute__((always_inline)) uint64_t read_rbp(void)
{
	return (uint64_t)__builtin_frame_address(0);
}

/* A fault in user mode, as the exception handler passes it to the process layer. */
struct user_fault {
	unsigned vector;	/* the exception: 14 for a page fault */
	uint64_t addr;		/* the address for a page fault (CR2), else 0 */
	uint64_t rip;
	bool write, exec, present;	/* page faults: the access and whether a page was there */
};
typedef void (*user_fault_handler_t)(const struct user_fault *f);

/*
 * Sets the function that takes faults of user code (the process layer: it kills the
 * process). It must not return to the faulting code unless it fixed the cause. Until one
 * is set, a user fault is reported and stops the machine.
 */
void arch_set_user_fault_handler(user_fault_handler_t fn);

/*
 * Sets the function that takes a page fault of a kernel copy (copy_to_user and friends,
 * the exception table) on a user address: it returns true when it fixed the cause (a
 * copy-on-write page copied), and the copy goes on; false makes the copy fail. Without
 * one, every such fault fails the copy.
 */
typedef bool (*copy_fault_handler_t)(const struct user_fault *f);
void arch_set_copy_fault_handler(copy_fault_handler_t fn);

/*
 * Sets the function called before every return to user mode, from a system call or an
 * interrupt, with the process's kernel stack current (the process layer: it ends killed
 * processes and switches when the time slice is over). It may switch to other contexts.
 */
typedef void (*user_return_handler_t)(void);
void arch_set_user_return_handler(user_return_handler_t fn);

/*
 * System calls: the handler gets the number and the six argument registers and returns
 * what user code finds in rax. arch_syscall_init sets it and turns the syscall
 * instruction on; the handler runs with interrupts enabled on the process's kernel stack.
 */
typedef long (*syscall_handler_t)(uint64_t nr, const uint64_t args[6]);
void arch_syscall_init(syscall_handler_t fn);

/* Sets the kernel stack the CPU switches to when user code enters the kernel. */
void arch_set_kernel_stack(uint64_t top);

/*
 * Prepares a new context at the top of a kernel stack that, when switched to, enters user
 * mode at rip with stack pointer rsp, interrupts on, arg0 and arg1 in the first two
 * argument registers and every other register zero. Returns the value for
 * arch_context_switch's next.
 */
uint64_t arch_context_new(void *kstack_top, uint64_t rip, uint64_t rsp, uint64_t arg0,
			  uint64_t arg1);

/*
 * Prepares a new context at the top of a kernel stack that, when switched to, returns to
 * user mode with the registers the running process had when it entered the kernel (at
 * the top of its stack parent_kstack_top), except rax, which is 0: the child of fork.
 * Returns the value for arch_context_switch's next.
 */
uint64_t arch_context_fork(void *kstack_top, const void *parent_kstack_top);

/*
 * Makes the running process, whose kernel stack's top is kstack_top, return to user mode
 * at rip with stack pointer rsp, arg0 and arg1 in the first two argument registers and
 * the other registers zero (as arch_context_new), from the system call it is in: exec.
 */
void arch_context_exec(void *kstack_top, uint64_t rip, uint64_t rsp, uint64_t arg0,
		       uint64_t arg1);

/*
 * Prepares a context at the top of a kernel stack that, when switched to, calls fn in
 * kernel mode with interrupts on: a kernel thread, which never enters user mode. fn must
 * not return. Returns the value for arch_context_switch's next.
 */
uint64_t arch_kthread_new(void *kstack_top, void (*fn)(void));

/*
 * Saves the current kernel context, stores its stack pointer in *save, and resumes the
 * one whose stack pointer is next (from arch_context_new or an earlier *save). Returns
 * when someone switches back. Call with interrupts off.
 */
void arch_context_switch(uint64_t *save, uint64_t next);

/* The x87/MMX/SSE state of user code (FXSAVE, Intel SDM 1 10.5): 512 bytes, 16-aligned. */
#define ARCH_FPU_SIZE	512
#define ARCH_FPU_ALIGN	16

/* Turns the SSE state on (CR0, CR4); the kernel itself never uses it. */
void arch_fpu_init(void);

/* Fills area with the state a new process starts with (all exceptions masked). */
void arch_fpu_init_state(void *area);

void arch_fpu_save(void *area);
void arch_fpu_restore(const void *area);

/*
 * The last kernel fault that the exception table recovered from: for tests that fault on
 * purpose and want to see what the CPU reported.
 */
struct fixup_record {
	uint64_t count;		/* recovered faults so far */
	unsigned vector;
	uint64_t addr, error, rip;
};
void arch_last_fixup(struct fixup_record *r);

/* Waits for the next interrupt with interrupts enabled. */
void arch_idle(void);

/* Turns interrupts off and halts the processor for good. */
void arch_halt(void) __attribute__((noreturn));

/* Resets the machine through the keyboard controller's reset line; halts if that fails. */
void arch_reset(void) __attribute__((noreturn));

/*
 * Ends QEMU through its isa-debug-exit device (iobase 0xf4), which makes QEMU exit with
 * status (code << 1) | 1. Returns only when there is no such device.
 */
void qemu_exit(unsigned code);

#define QEMU_EXIT_PASS	0	/* QEMU's exit status 1 */
#define QEMU_EXIT_FAIL	1	/* QEMU's exit status 3 */

/*
 * Prints "backtrace:" and one line per frame, starting at the code address rip in the
 * frame whose frame pointer is rbp. Stops at the first frame pointer outside a kernel
 * stack, so a corrupt chain ends the walk instead of faulting.
 */
void backtrace_print(uint64_t rip, uint64_t rbp);

/* Returns true when [addr, addr + len) lies inside one of the kernel's stacks. */
bool kernel_stack_contains(uint64_t addr, size_t len);

/* Returns the name of the kernel stack whose guard page holds addr, or NULL. */
const char *kernel_stack_guard_hit(uint64_t addr);

/* Returns the kernel's address of physical memory at pa (the direct map). */
void *phys_to_virt(uint64_t pa);

/* Returns the end of the physical memory that the direct map covers so far. */
uint64_t direct_map_limit(void);

/* Gives the physical range [*start, *end) of the kernel image, from its linker script. */
void arch_kernel_image(uint64_t *start, uint64_t *end);

/*
 * Page tables. An address space's tables are a struct arch_pt: where its top-level table
 * is and how many table frames it holds; what the entries look like is the architecture's
 * business. Pages are 4 KiB and described by ARCH_PT_* flags; every mapped page can be
 * read. Table frames come from pmm_alloc.
 */
#define ARCH_PT_WRITE	0x01
#define ARCH_PT_EXEC	0x02
#define ARCH_PT_USER	0x04	/* reachable from user mode */
#define ARCH_PT_GLOBAL	0x08	/* stays in the TLB when the address space changes */
#define ARCH_PT_OWNED	0x10	/* for the caller: kept in the entry, no meaning to the CPU */
#define ARCH_PT_COW	0x20	/* for the caller too: a shared page to copy on its first write */

struct arch_pt {
	uint64_t root;		/* physical address of the top-level table */
	uint64_t tables;	/* page-table frames it holds, the top one included */
};

/*
 * Builds the kernel's page tables in *kernel: the direct map of physical [0, top) with
 * large pages, except for the kernel image's own frames, which get 4 KiB pages without
 * write access (W^X holds for every alias); and the top-level table of the kernel stack
 * area. Switches to them and turns on global pages, SMEP and SMAP where the CPU has
 * them. Fills *info. Returns 0, or -ENOMEM.
 */
int arch_paging_init(uint64_t top, struct arch_pt *kernel, struct vm_info *info);

/*
 * Makes *pt an address space with an empty user half and kernel's kernel half (shared:
 * the kernel half's top-level entries never change after arch_paging_init). Returns 0 or
 * -ENOMEM.
 */
int arch_pt_create(struct arch_pt *pt, const struct arch_pt *kernel);

/*
 * Frees every user-half table of pt and its top-level table, after calling leaf(pa,
 * flags, ctx) for each page mapped in the user half (the frames are the caller's).
 */
void arch_pt_destroy(struct arch_pt *pt, void (*leaf)(uint64_t pa, unsigned flags, void *ctx),
		     void *ctx);

/*
 * Maps the 4 KiB page at va (page-aligned) to the frame at pa with flags, making the
 * tables on the way. Returns 0, -EEXIST when va is mapped already, -ENOMEM.
 */
int arch_pt_map(struct arch_pt *pt, uint64_t va, uint64_t pa, unsigned flags);

/*
 * Unmaps the 4 KiB page at va and flushes it from the TLB. Gives what it mapped in *pa
 * and *flags (either may be NULL). Returns 0, or -ENOENT when nothing was mapped there.
 */
int arch_pt_unmap(struct arch_pt *pt, uint64_t va, uint64_t *pa, unsigned *flags);

/*
 * Sets the ARCH_PT_WRITE and ARCH_PT_EXEC rights and the ARCH_PT_COW mark of the 4 KiB
 * page at va to those of flags, keeping its frame and other flags. Returns 0, or -ENOENT
 * when it is not mapped.
 */
int arch_pt_protect(struct arch_pt *pt, uint64_t va, unsigned flags);

/*
 * Points the mapped 4 KiB page at va at the frame pa with flags instead, and flushes it
 * from the TLB. Returns 0, or -ENOENT when it is not mapped.
 */
int arch_pt_remap(struct arch_pt *pt, uint64_t va, uint64_t pa, unsigned flags);

/*
 * Calls fn(va, pa, &flags, ctx) for every page mapped in the user half of pt, in address
 * order. fn may change the flags (the rights and ARCH_PT_COW; the frame stays), which
 * the entry then keeps; a nonzero return stops the walk. Flushes the TLB of what changed.
 * Returns 0 or what fn returned.
 */
typedef int (*arch_pt_visit_fn)(uint64_t va, uint64_t pa, unsigned *flags, void *ctx);
int arch_pt_visit(struct arch_pt *pt, arch_pt_visit_fn fn, void *ctx);

/*
 * Looks up any address. Returns 0 with the physical address in *pa and the rights in
 * *flags (either may be NULL; the rights are those of the whole walk: a right is there
 * only if every level grants it), or -ENOENT.
 */
int arch_pt_lookup(const struct arch_pt *pt, uint64_t va, uint64_t *pa, unsigned *flags);

/* Makes pt the tables the CPU uses. */
void arch_pt_switch(const struct arch_pt *pt);

/*
 * Maps len bytes of device memory at physical pa (a framebuffer) at FB_AREA_BASE for the
 * kernel, write-combining where the CPU has PAT, else uncached; *wc says which. Returns
 * the address of pa there, or NULL when it does not fit or tables cannot be had. Call it
 * once, before the first process: every address space shares what it maps.
 */
void *arch_map_framebuffer(uint64_t pa, uint64_t len, bool *wc);

/* Returns true when the address va is mapped in the tables the CPU is using. */
bool arch_page_mapped(uint64_t va);

/*
 * Copies n bytes, recovering from a fault on either side (the exception table): returns
 * the bytes not copied, 0 on success. With open_user set, access to user pages is opened
 * for the copy alone; set it only when SMAP is on (vm_info.smap: without SMAP the
 * instructions that open it do not exist).
 */
size_t arch_copy(void *dst, const void *src, size_t n, bool open_user);

/* Runs the deliberate fault named by the crashtest= word; returns -1 for an unknown name. */
int crashtest_run(const char *name);

#endif
