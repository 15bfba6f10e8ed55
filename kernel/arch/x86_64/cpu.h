/*
 * Every instruction the kernel's C code needs that C cannot say, as an inline wrapper.
 * Inline assembly lives here and nowhere else (STYLE.md, convention 5). Only files in
 * kernel/arch/x86_64 include this header.
 */
#ifndef KEEL_ARCH_CPU_H
#define KEEL_ARCH_CPU_H

#include <stddef.h>
#include <stdint.h>

/*
 * The wrappers that arch.h also declares for the rest of the kernel (port I/O, cpu_relax,
 * rdtsc) are CPU_EXPORT: GNU C's "extern inline" (the gcc
 * manual, "An Inline Function is As Fast As a Macro"), which arch code inlines and which
 * emits no code of its own. cpu.c includes this header with CPU_EXPORT empty, and so holds
 * the one out-of-line copy that callers outside kernel/arch link against.
 */
#ifndef CPU_EXPORT
#define CPU_EXPORT extern inline __attribute__((gnu_inline, always_inline))
#endif

#define RFLAGS_IF	(1UL << 9)
#define CR0_MP		(1UL << 1)
#define CR0_EM		(1UL << 2)
#define CR0_TS		(1UL << 3)
#define CR4_OSFXSR	(1UL << 9)
#define CR4_OSXMMEXCPT	(1UL << 10)
#define CR4_PGE		(1UL << 7)
#define CR4_SMEP	(1UL << 20)
#define CR4_SMAP	(1UL << 21)

/* Intel SDM 2A, CPUID: the feature bits the memory manager looks at. */
#define CPUID7_EBX_SMEP		(1U << 7)
#define CPUID7_EBX_SMAP		(1U << 20)
#define CPUID81_EDX_PDPE1GB	(1U << 26)
#define CPUID1_EDX_PAT		(1U << 16)

CPU_EXPORT void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

CPU_EXPORT uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

CPU_EXPORT void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

CPU_EXPORT uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

CPU_EXPORT void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

CPU_EXPORT uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* A write to an unused port: about a microsecond, for devices that want a pause. */
static inline void io_wait(void)
{
	outb(0x80, 0);
}

static inline void cli(void)
{
	__asm__ volatile("cli" ::: "memory");
}

static inline void sti(void)
{
	__asm__ volatile("sti" ::: "memory");
}

static inline void hlt(void)
{
	__asm__ volatile("hlt" ::: "memory");
}

/* Enables interrupts and halts until the next one, with no window in between (sti's shadow). */
static inline void sti_hlt(void)
{
	__asm__ volatile("sti; hlt" ::: "memory");
}

CPU_EXPORT void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static inline void int3(void)
{
	__asm__ volatile("int3" ::: "memory");
}

static inline uint64_t read_rflags(void)
{
	uint64_t v;
	__asm__ volatile("pushfq; popq %0" : "=r"(v) : : "memory");
	return v;
}

/* Disables interrupts and returns whether they were on, for irq_restore. */
static inline uint64_t irq_save(void)
{
	uint64_t flags;
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

static inline void irq_restore(uint64_t flags)
{
	if (flags & RFLAGS_IF)
		__asm__ volatile("sti" ::: "memory");
}

static inline uint64_t read_cr0(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline void write_cr0(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline void invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c,
			 uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

CPU_EXPORT uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/*
 * Intel SDM 3A 4.6.1: with CR4.SMAP on, the kernel may touch user pages only while
 * RFLAGS.AC is set. stac and clac are #UD on a CPU without SMAP: call them only when it
 * has it.
 */
static inline void stac(void)
{
	__asm__ volatile("stac" ::: "memory", "cc");
}

static inline void clac(void)
{
	__asm__ volatile("clac" ::: "memory", "cc");
}

/*
 * Copies n bytes with rep movsq and rep movsb for the last few, recovering from a fault
 * on either side: both instructions are in the exception table (trap.c), whose fixup
 * resumes with rcx holding what was not copied (Intel SDM 2B, REP: the count is updated
 * as the string operation goes, so a fault leaves it exact), in quadwords for movsq,
 * turned back into bytes. Eight bytes a step rather than one: under emulation each step
 * costs about the same. Returns the number of bytes not copied: 0 on success.
 */
static inline size_t copy_fixup(void *dst, const void *src, size_t n)
{
	size_t tail = n & 7;

	n >>= 3;
	__asm__ volatile(
		"1:\trep movsq\n"
		"\tmov %[tail], %%rcx\n"
		"2:\trep movsb\n"
		"\tjmp 3f\n"
		"4:\tlea (%[tail], %%rcx, 8), %%rcx\n"
		"3:\n"
		"\t.pushsection .extable, \"a\"\n"
		"\t.balign 8\n"
		"\t.quad 1b, 4b\n"
		"\t.quad 2b, 3b\n"
		"\t.popsection"
		: "+D"(dst), "+S"(src), "+c"(n) : [tail] "r"(tail) : "memory");
	return n;
}

/*
 * Intel SDM 1 10.5 (FXSAVE area): saves and restores the x87, MMX and SSE state of user
 * code in 512 bytes aligned to 16. The kernel itself is built without SSE, so the state
 * in the registers at a context switch is always the user's.
 */
static inline void fxsave(void *area)
{
	__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

static inline void fxrstor(const void *area)
{
	__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

/* The operand of lgdt and lidt (Intel SDM 3A 3.5.1, figure 3-11). */
struct __attribute__((packed)) descriptor_ptr {
	uint16_t limit;
	uint64_t base;
};

static inline void lidt(const struct descriptor_ptr *p)
{
	__asm__ volatile("lidt %0" : : "m"(*p));
}

static inline void ltr(uint16_t sel)
{
	__asm__ volatile("ltr %0" : : "r"(sel));
}

/* Loads a GDT and reloads every segment register from it (CS through a far return). */
static inline void lgdt_reload(const struct descriptor_ptr *p, uint16_t code, uint16_t data)
{
	__asm__ volatile(
		"lgdt %0\n\t"
		"pushq %q1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movw %w2, %%ds\n\t"
		"movw %w2, %%es\n\t"
		"movw %w2, %%ss\n\t"
		"xorl %%eax, %%eax\n\t"
		"movw %%ax, %%fs\n\t"
		"movw %%ax, %%gs"
		: : "m"(*p), "r"((uint64_t)code), "r"((uint64_t)data) : "rax", "memory");
}

#endif
