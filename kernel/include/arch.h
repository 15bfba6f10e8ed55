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

/* Returns true when the kernel address va is mapped (for tests of the page tables). */
bool arch_page_mapped(uint64_t va);

/* Runs the deliberate fault named by the crashtest= word; returns -1 for an unknown name. */
int crashtest_run(const char *name);

#endif
