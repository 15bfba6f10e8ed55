/*
 * The two cascaded 8259A interrupt controllers, remapped so that their 16 lines arrive at
 * vectors 0x20-0x2f instead of on top of the CPU's exceptions (Intel 8259A data sheet,
 * "Initialization Command Words"; OSDev "8259 PIC").
 */
#include "cpu.h"
#include "x86_64.h"

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define ICW1_INIT	0x11	/* ICW4 follows, cascade mode, edge-triggered */
#define ICW4_8086	0x01
#define OCW2_EOI	0x20
#define OCW3_READ_ISR	0x0b
#define CASCADE_IRQ	2

static struct {
	uint16_t mask;		/* bit n set: line n masked */
} pic = { .mask = 0xffff };

static void pic_write_mask(void)
{
	outb(PIC1_DATA, pic.mask & 0xff);
	outb(PIC2_DATA, pic.mask >> 8);
}

/* Remaps both controllers to IRQ_BASE and masks every line but the cascade. */
void pic_init(void)
{
	outb(PIC1_CMD, ICW1_INIT); io_wait();
	outb(PIC2_CMD, ICW1_INIT); io_wait();
	outb(PIC1_DATA, IRQ_BASE); io_wait();		/* ICW2: vector base */
	outb(PIC2_DATA, IRQ_BASE + 8); io_wait();
	outb(PIC1_DATA, 1 << CASCADE_IRQ); io_wait();	/* ICW3: slave on line 2 */
	outb(PIC2_DATA, CASCADE_IRQ); io_wait();	/* ICW3: slave's identity */
	outb(PIC1_DATA, ICW4_8086); io_wait();
	outb(PIC2_DATA, ICW4_8086); io_wait();
	pic.mask = 0xffff & ~(1 << CASCADE_IRQ);
	pic_write_mask();
}

void pic_unmask(unsigned irq)
{
	pic.mask &= ~(1u << irq);
	pic_write_mask();
}

void pic_eoi(unsigned irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, OCW2_EOI);
	outb(PIC1_CMD, OCW2_EOI);
}

static uint8_t read_isr(uint16_t cmd)
{
	outb(cmd, OCW3_READ_ISR);
	return inb(cmd);
}

/*
 * Returns 1 when a line-7 or line-15 interrupt is spurious (its in-service bit is clear):
 * the controller raised it for a request that went away. A spurious 15 still needs an EOI
 * on the master, which saw a real request on the cascade line.
 */
int pic_spurious(unsigned irq)
{
	if (irq == 7 && !(read_isr(PIC1_CMD) & 0x80))
		return 1;
	if (irq == 15 && !(read_isr(PIC2_CMD) & 0x80)) {
		outb(PIC1_CMD, OCW2_EOI);
		return 1;
	}
	return 0;
}
