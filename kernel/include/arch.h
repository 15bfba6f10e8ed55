/*
 * What the rest of the kernel asks of the processor and the platform, whatever it is. The
 * x86-64 implementation lives in kernel/arch/x86_64.
 */
#ifndef KEEL_ARCH_H
#define KEEL_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NR_IRQS 16

typedef void (*irq_handler_t)(void);

/* Installs the GDT with the TSS and the IDT. Interrupts stay off. */
void arch_init(void);

/* Sets up the interrupt controller and the timer, then enables interrupts. */
void arch_irq_init(void);

/* Calls fn on every interrupt of line irq (0-15) and unmasks the line. */
void irq_set_handler(unsigned irq, irq_handler_t fn);

/* Disables interrupts and returns a token for arch_irq_restore (whether they were on). */
uint64_t arch_irq_save(void);

/* Enables interrupts again if they were on when arch_irq_save returned flags. */
void arch_irq_restore(uint64_t flags);

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

/* Records that the direct map now covers physical [0, limit) (called by vm_init). */
void direct_map_set_limit(uint64_t limit);

/* Returns true when the kernel address va is mapped (for tests of the page tables). */
bool arch_page_mapped(uint64_t va);

/* Runs the deliberate fault named by the crashtest= word; returns -1 for an unknown name. */
int crashtest_run(const char *name);

#endif
