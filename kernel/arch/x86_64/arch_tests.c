/* Self-tests of the processor set-up: exceptions, the timer, the page tables, symbols. */
#include "arch.h"
#include "ksyms.h"
#include "ktest.h"
#include "timer.h"
#include "cpu.h"
#include "layout.h"
#include "x86_64.h"

extern char kstack_guard[], kstack_bottom[], __text_start[], __kernel_phys_start[];
void kmain(uint32_t magic, uint64_t info_phys);

KTEST(idt, breakpoint_returns_with_registers_intact)
{
	uint64_t before = trap_breakpoints;
	volatile uint64_t canary = 0x1234567890abcdefUL;

	int3();
	KEXPECT_EQ(trap_breakpoints, before + 1);
	KEXPECT_EQ(canary, 0x1234567890abcdefUL);
}

KTEST(timer, ticks_advance_at_1000_hz)
{
	uint64_t start = timer_ticks();

	while (timer_ticks() < start + 20)
		arch_idle();
	KEXPECT(timer_ticks() >= start + 20);
	KEXPECT_EQ(uptime_ms(), timer_ticks() * 1000 / TIMER_HZ);
}

KTEST(timer, interrupts_are_on)
{
	KEXPECT(read_rflags() & RFLAGS_IF);
}

KTEST(paging, boot_stack_guard_page_is_unmapped)
{
	KEXPECT(!arch_page_mapped((uint64_t)kstack_guard));
	KEXPECT(arch_page_mapped((uint64_t)kstack_bottom));
	KEXPECT_EQ(kernel_stack_guard_hit((uint64_t)kstack_guard + 8) != NULL, 1);
}

KTEST(paging, identity_map_is_gone)
{
	KEXPECT(!arch_page_mapped((uint64_t)__kernel_phys_start));
	KEXPECT(arch_page_mapped((uint64_t)phys_to_virt((uint64_t)__kernel_phys_start)));
}

KTEST(paging, kernel_text_is_mapped_and_stack_is_in_a_kernel_stack)
{
	KEXPECT(arch_page_mapped((uint64_t)__text_start));
	KEXPECT(kernel_stack_contains(read_rbp(), 16));
}

KTEST(gdt, tss_rsp0_and_selectors_follow_sysret_order)
{
	KEXPECT_EQ(SEL_KDATA, SEL_KCODE + 8);
	KEXPECT_EQ(SEL_UDATA, SEL_UCODE32 + 8);
	KEXPECT_EQ(SEL_UCODE, SEL_UCODE32 + 16);
}

KTEST(ksyms, lookup_by_address_and_name)
{
	uint64_t off = 1;

	KEXPECT_STREQ(ksym_lookup((uint64_t)kmain, &off), "kmain");
	KEXPECT_EQ(off, 0);
	KEXPECT_STREQ(ksym_lookup((uint64_t)kmain + 5, &off), "kmain");
	KEXPECT_EQ(off, 5);
	KEXPECT(ksym_lookup(0x1000, &off) == NULL);
	KEXPECT_EQ(ksym_address("ktest_run"), (uint64_t)ktest_run);
	KEXPECT_EQ(ksym_address("no_such_function"), 0);
}
