/*
 * panic() and assert(): the report of a state that cannot happen, then a stop. Not in
 * lib/, which calls nothing above itself: this takes the console back from a protocol
 * session, prints a backtrace and stops the CPU.
 */
#include "arch.h"
#include "console.h"
#include "panic.h"

static struct {
	bool exit_qemu;
	bool in_panic;
} panic_state;

void panic_exit_qemu(bool on)
{
	panic_state.exit_qemu = on;
}

void panic_stop(void)
{
	if (panic_state.exit_qemu)
		qemu_exit(QEMU_EXIT_FAIL);
	arch_halt();
}

static void __attribute__((noreturn)) panic_report(void)
{
	backtrace_print((uint64_t)__builtin_return_address(0), read_rbp());
	panic_stop();
}

void panic(const char *fmt, ...)
{
	va_list ap;

	arch_irq_save();	/* off for good: nothing may run beside the report */
	if (panic_state.in_panic)
		panic_stop();		/* a panic while reporting one: say nothing more */
	panic_state.in_panic = true;
	console_fatal();
	kprintf("\npanic: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	panic_report();
}

void assert_fail(const char *expr, const char *file, int line, const char *func)
{
	panic("assertion failed: %s, at %s:%d in %s()", expr, file, line, func);
}
