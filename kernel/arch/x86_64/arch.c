/* The x86-64 side of arch.h: bringing up the CPU's tables, interrupts, idling, stopping. */
#include "arch.h"
#include "cpu.h"
#include "x86_64.h"

#define QEMU_DEBUG_EXIT_PORT 0xf4

void arch_init(void)
{
	gdt_init();
	idt_init();
	arch_fpu_init();
}

void arch_irq_init(void)
{
	pic_init();
	pit_init();
	sti();
}

uint64_t arch_irq_save(void)
{
	return irq_save();
}

void arch_irq_restore(uint64_t flags)
{
	irq_restore(flags);
}

void arch_idle(void)
{
	sti_hlt();
}

void arch_halt(void)
{
	for (;;) {
		cli();
		hlt();
	}
}

void arch_reset(void)
{
	cli();
	/* The 8042's command 0xFE pulses the CPU's reset line; wait until its input buffer is empty. */
	for (int i = 0; i < 100000 && (inb(0x64) & 2); i++)
		;
	outb(0x64, 0xFE);
	arch_halt();
}

void qemu_exit(unsigned code)
{
	outl(QEMU_DEBUG_EXIT_PORT, code);
}
