/*
 * The global descriptor table and the task state segment. In long mode segments are flat;
 * what matters is the order of the selectors (syscall/sysret, see layout.h), the TSS's RSP0
 * (the stack an interrupt from ring 3 lands on) and its interrupt stacks for the faults that
 * must not run on a possibly broken stack.
 */
#include "lib.h"
#include "cpu.h"
#include "layout.h"
#include "x86_64.h"

/* Intel SDM 3A 8.7, figure 8-11: the 64-bit TSS. */
struct __attribute__((packed)) tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
};

/* Stacks reserved in boot.asm, each above an unmapped guard page. */
extern char kstack_top[], ist_df_top[], ist_nmi_top[], ist_mc_top[];

static struct {
	uint64_t gdt[GDT_ENTRIES];
	struct tss tss;
} cpu0 __attribute__((aligned(16)));

/*
 * Intel SDM 3A 3.4.5, figure 3-8: a code or data descriptor. In 64-bit mode base and limit
 * are ignored; the access byte (present, DPL, type) and the L bit for code are what count.
 */
#define SEG_PRESENT	(1UL << 47)
#define SEG_DPL(n)	((uint64_t)(n) << 45)
#define SEG_CODE_DATA	(1UL << 44)
#define SEG_EXEC	(1UL << 43)
#define SEG_RW		(1UL << 41)	/* readable code, writable data */
#define SEG_LONG	(1UL << 53)
#define SEG_DB		(1UL << 54)	/* 32-bit default operand size */
#define SEG_GRAN	(1UL << 55)
#define SEG_FLAT	(0xffffUL | (0xfUL << 48))	/* limit 0xfffff, in pages with SEG_GRAN */

static uint64_t segment(int dpl, int code, int is64)
{
	uint64_t d = SEG_PRESENT | SEG_DPL(dpl) | SEG_CODE_DATA | SEG_RW | SEG_FLAT | SEG_GRAN;

	if (code)
		d |= SEG_EXEC | (is64 ? SEG_LONG : SEG_DB);
	else
		d |= SEG_DB;
	return d;
}

/* Intel SDM 3A 8.2.3, figure 8-4: the 16-byte TSS descriptor, type 9 (available). */
static void set_tss_descriptor(uint64_t *slot, const struct tss *tss)
{
	uint64_t base = (uint64_t)tss, limit = sizeof(*tss) - 1;

	slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (9UL << 40) | SEG_PRESENT |
		  (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	slot[1] = base >> 32;
}

/* Builds and loads the GDT and the TSS. */
void gdt_init(void)
{
	struct descriptor_ptr p;

	cpu0.gdt[SEL_KCODE / 8] = segment(0, 1, 1);
	cpu0.gdt[SEL_KDATA / 8] = segment(0, 0, 0);
	cpu0.gdt[SEL_UCODE32 / 8] = segment(3, 1, 0);
	cpu0.gdt[SEL_UDATA / 8] = segment(3, 0, 0);
	cpu0.gdt[SEL_UCODE / 8] = segment(3, 1, 1);

	cpu0.tss.rsp[0] = (uint64_t)kstack_top;
	cpu0.tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)ist_df_top;
	cpu0.tss.ist[IST_NMI - 1] = (uint64_t)ist_nmi_top;
	cpu0.tss.ist[IST_MACHINE_CHECK - 1] = (uint64_t)ist_mc_top;
	cpu0.tss.iomap_base = sizeof(cpu0.tss);	/* no I/O permission bitmap */
	set_tss_descriptor(&cpu0.gdt[SEL_TSS / 8], &cpu0.tss);

	p.limit = sizeof(cpu0.gdt) - 1;
	p.base = (uint64_t)cpu0.gdt;
	lgdt_reload(&p, SEL_KCODE, SEL_KDATA);
	ltr(SEL_TSS);
}

/* Sets the stack the CPU switches to on an interrupt or exception from ring 3. */
void tss_set_rsp0(uint64_t rsp0)
{
	cpu0.tss.rsp[0] = rsp0;
}
