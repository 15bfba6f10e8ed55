/*
 * Deliberate kernel faults, chosen by the crashtest=NAME boot word, so that tests can check
 * what the exception report says. Each fault happens in a function of its own, whose name
 * the backtrace must show.
 */
#include "arch.h"
#include "lib.h"
#include "cpu.h"

/* Volatile so that the compiler cannot see the faults coming and fold them away. */
static volatile uint64_t *volatile bad_pointer = (uint64_t *)0x10;
static volatile int zero;
static volatile int sink;
static volatile int recursion_on = 1;

static void __attribute__((noinline)) crash_pf(void)
{
	*bad_pointer = 0xdead;
}

static void __attribute__((noinline)) crash_de(void)
{
	sink = 100 / zero;
}

static void __attribute__((noinline)) crash_ud(void)
{
	__builtin_trap();	/* ud2 */
}

static int __attribute__((noinline)) crash_stack_recurse(int depth)
{
	volatile char frame[512];

	frame[0] = (char)depth;
	if (recursion_on)
		return crash_stack_recurse(depth + 1) + frame[0];
	return frame[0];
}

static void __attribute__((noinline)) crash_stack(void)
{
	sink = crash_stack_recurse(0);
}

static const struct {
	const char *name;
	void (*run)(void);
} crashtests[] = {
	{ "pf", crash_pf },
	{ "de", crash_de },
	{ "ud", crash_ud },
	{ "stack", crash_stack },
};

int crashtest_run(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(crashtests); i++)
		if (strcmp(name, crashtests[i].name) == 0) {
			kprintf("crashtest: %s\n", name);
			crashtests[i].run();
			return 0;
		}
	return -1;
}
