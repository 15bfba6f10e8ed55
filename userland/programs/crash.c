/*
 * crash: faults on purpose, for the system tests of doc/processes.md, "Faults": each mode
 * makes the CPU raise one exception in ring 3, which must end this process alone, with
 * one console line from the kernel and a signal status for the shell's $?.
 *
 *   crash pf     writes to address 0: page fault, SIGSEGV
 *   crash gp     reads a non-canonical address: general protection, SIGSEGV
 *   crash ud     ud2: invalid opcode, SIGILL
 *   crash de     divides by zero: divide error, SIGFPE
 *   crash ac     sets RFLAGS.AC and reads a misaligned word: alignment check, SIGBUS, but
 *                only where CR0.AM is on and the CPU checks (QEMU's TCG does not); if
 *                the read goes through, crash says so and exits with status 3
 *   crash stack  recurses without end into the stack's guard page: page fault, SIGSEGV
 *   crash loop   says so, then spins forever, for ^C and kill
 *
 * The faulting instructions are inline assembly, here and nowhere else in user space but
 * the runtime's syscall.h: this is a test program, and C would let the compiler turn
 * undefined behaviour into something other than the one instruction we mean.
 */
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define EXIT_NO_FAULT	3	/* the fault did not happen */
#define RFLAGS_AC	(1UL << 18)

static void
fault_pf(void)
{
	__asm__ volatile("movl $1, 0" : : : "memory");
}

static void
fault_gp(void)
{
	/* The first address past the lower canonical half: #GP, not #PF (Intel SDM 3A 3.3.7.1). */
	uint64_t v, addr = 0x0000800000000000;

	__asm__ volatile("movq (%1), %0" : "=r"(v) : "r"(addr) : "memory");
}

static void
fault_ud(void)
{
	__asm__ volatile("ud2");
}

static void
fault_de(void)
{
	uint32_t lo = 1, hi = 0, zero = 0;

	__asm__ volatile("divl %2" : "+a"(lo), "+d"(hi) : "r"(zero));
}

static void
fault_ac(void)
{
	static uint64_t words[2];
	uint32_t v;
	const char *odd = (const char *)words + 1;

	/*
	 * Intel SDM 3A 6.15, interrupt 17: CPL 3, CR0.AM and RFLAGS.AC, a misaligned operand.
	 * The pushes first step over the red zone, where the compiler may keep locals.
	 */
	__asm__ volatile("leaq -128(%%rsp), %%rsp\n\t"
			 "pushfq\n\t"
			 "orq %2, (%%rsp)\n\t"
			 "popfq\n\t"
			 "movl (%1), %0\n\t"
			 "pushfq\n\t"
			 "andq %3, (%%rsp)\n\t"
			 "popfq\n\t"
			 "leaq 128(%%rsp), %%rsp"
			 : "=&r"(v) : "r"(odd), "i"(RFLAGS_AC), "i"(~RFLAGS_AC) : "memory", "cc");
	(void)v;
}

/* Never set: it only tells the compiler that the recursion below could end. */
static volatile int stack_enough;

/* Each frame holds a page the compiler cannot drop, so the guard page comes quickly. */
static int
fault_stack(int depth)
{
	volatile char page[4096];

	page[0] = (char)depth;
	if (stack_enough)
		return depth;
	return fault_stack(depth + 1) + page[0];
}

/* Says that it spins, so that a test knows when to press ^C, then spins. */
static void
spin(void)
{
	printf("crash: spinning until killed (pid %d)\n", getpid());
	for (;;)
		__asm__ volatile("" : : : "memory");
}

static void
usage(void)
{
	errx(2, "usage: crash pf|gp|ud|de|ac|stack|loop");
}

int
main(int argc, char **argv)
{
	const char *mode = argc == 2 ? argv[1] : "";

	if (strcmp(mode, "pf") == 0)
		fault_pf();
	else if (strcmp(mode, "gp") == 0)
		fault_gp();
	else if (strcmp(mode, "ud") == 0)
		fault_ud();
	else if (strcmp(mode, "de") == 0)
		fault_de();
	else if (strcmp(mode, "ac") == 0)
		fault_ac();
	else if (strcmp(mode, "stack") == 0)
		fault_stack(0);
	else if (strcmp(mode, "loop") == 0)
		spin();
	else
		usage();
	printf("crash: %s: no fault (for ac: alignment checks are off here)\n", mode);
	return EXIT_NO_FAULT;
}
