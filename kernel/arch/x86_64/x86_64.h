/*
 * What the x86-64 files share among themselves: the saved state of an interrupted context,
 * vector numbers, and each part's set-up function. The rest of the kernel sees arch.h.
 */
#ifndef KEEL_ARCH_X86_64_H
#define KEEL_ARCH_X86_64_H

#include <stdint.h>

/*
 * An interrupted context as isr.asm lays it out on the stack: the general registers it
 * pushes, the vector and error code, then what the CPU pushed (Intel SDM 3A 6.14.1).
 */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

#define NR_EXCEPTIONS	32
#define IRQ_BASE	0x20	/* the PIC's lines start here after remapping */
#define NR_VECTORS_USED	(IRQ_BASE + 16)

/* Exception vectors (Intel SDM 3A 6.3.1, table 6-1). */
enum {
	VEC_DE = 0, VEC_DB = 1, VEC_NMI = 2, VEC_BP = 3, VEC_OF = 4, VEC_BR = 5, VEC_UD = 6,
	VEC_NM = 7, VEC_DF = 8, VEC_TS = 10, VEC_NP = 11, VEC_SS = 12, VEC_GP = 13,
	VEC_PF = 14, VEC_MF = 16, VEC_AC = 17, VEC_MC = 18, VEC_XM = 19, VEC_VE = 20,
	VEC_CP = 21,
};

void trap_dispatch(struct trap_frame *tf);

/* Runs the process layer's checks before a return to user mode (kill, reschedule). */
void trap_user_return(void);

/* Hands the user context of tf to the process layer as a fault (it does not return). */
void trap_user_fault(const struct trap_frame *tf);

/*
 * An entry of the exception table (the .extable section, filled by copy_fixup in cpu.h):
 * a fault at insn in kernel mode resumes at fixup instead of being fatal.
 */
struct extable_entry {
	uint64_t insn, fixup;
};

/* The kernel's response to int3 in ktest: counts it and returns. */
extern volatile uint64_t trap_breakpoints;

void gdt_init(void);
void idt_init(void);
void pic_init(void);
void pic_unmask(unsigned irq);
void pic_eoi(unsigned irq);
int pic_spurious(unsigned irq);
void pit_init(void);
void tss_set_rsp0(uint64_t rsp0);

#endif
