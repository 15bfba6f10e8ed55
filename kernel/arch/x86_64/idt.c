/*
 * The interrupt descriptor table: a gate for each of the 32 exceptions and the 16 PIC
 * lines, all pointing at isr.asm's stubs. The faults that can strike on a broken stack
 * (double fault, NMI, machine check) switch to their own stacks through the TSS.
 */
#include "lib.h"
#include "cpu.h"
#include "layout.h"
#include "x86_64.h"

/* Intel SDM 3A 6.14.1, figure 6-8: a 64-bit interrupt gate. */
struct __attribute__((packed)) idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
};

#define GATE_INTERRUPT	0x8e	/* present, DPL 0, 64-bit interrupt gate (IF cleared) */
#define GATE_USER	0x60	/* DPL 3: int3 may be used from ring 3 */

extern const uint64_t isr_table[NR_VECTORS_USED];

static struct idt_gate idt[256] __attribute__((aligned(16)));

static void set_gate(unsigned vector, uint64_t handler, unsigned ist, uint8_t attr)
{
	struct idt_gate *g = &idt[vector];

	g->offset_low = handler & 0xffff;
	g->selector = SEL_KCODE;
	g->ist = ist;
	g->type_attr = attr;
	g->offset_mid = (handler >> 16) & 0xffff;
	g->offset_high = handler >> 32;
	g->reserved = 0;
}

/* Fills and loads the IDT. */
void idt_init(void)
{
	struct descriptor_ptr p;

	for (unsigned v = 0; v < NR_VECTORS_USED; v++)
		set_gate(v, isr_table[v], 0, GATE_INTERRUPT);
	set_gate(VEC_DF, isr_table[VEC_DF], IST_DOUBLE_FAULT, GATE_INTERRUPT);
	set_gate(VEC_NMI, isr_table[VEC_NMI], IST_NMI, GATE_INTERRUPT);
	set_gate(VEC_MC, isr_table[VEC_MC], IST_MACHINE_CHECK, GATE_INTERRUPT);
	set_gate(VEC_BP, isr_table[VEC_BP], 0, GATE_INTERRUPT | GATE_USER);

	p.limit = sizeof(idt) - 1;
	p.base = (uint64_t)idt;
	lidt(&p);
}
