/*
 * The 16550 UART at COM1 (National Semiconductor PC16550D data sheet; OSDev "Serial
 * Ports"). Output is polled, a byte at a time into the transmit FIFO; input arrives by
 * interrupt into a ring that the console reads.
 */
#include "arch.h"
#include "ring.h"
#include "serial.h"
#include "cpu.h"

#define COM1		0x3f8
#define COM1_IRQ	4
#define BAUD_BASE	115200

/* Register offsets (PC16550D, table II). */
#define REG_DATA	0	/* RBR on read, THR on write; divisor low with DLAB */
#define REG_IER		1	/* divisor high with DLAB */
#define REG_FCR		2	/* IIR on read */
#define REG_LCR		3
#define REG_MCR		4
#define REG_LSR		5

#define IER_RX_AVAILABLE 0x01
#define FCR_ENABLE_CLEAR_14 0xc7	/* FIFOs on, both cleared, interrupt at 14 bytes */
#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define MCR_DTR_RTS	0x03
#define MCR_OUT2	0x08		/* gates the UART's interrupt onto the bus */
#define MCR_LOOPBACK	0x10
#define LSR_DATA_READY	0x01
#define LSR_THR_EMPTY	0x20
#define TX_SPIN_LIMIT	100000		/* about 100 ms: a dead UART must not hang the kernel */

static struct {
	bool present;
	struct ring rx;
	serial_rx_handler_t rx_handler;
} com1;

bool serial_init(void)
{
	outb(COM1 + REG_IER, 0);
	outb(COM1 + REG_LCR, LCR_DLAB);
	outb(COM1 + REG_DATA, BAUD_BASE / 115200);
	outb(COM1 + REG_IER, 0);
	outb(COM1 + REG_LCR, LCR_8N1);
	outb(COM1 + REG_FCR, FCR_ENABLE_CLEAR_14);

	/* A byte sent in loopback mode must come back, or there is no UART here. */
	outb(COM1 + REG_MCR, MCR_LOOPBACK | MCR_DTR_RTS);
	outb(COM1 + REG_DATA, 0xae);
	com1.present = inb(COM1 + REG_DATA) == 0xae;
	outb(COM1 + REG_MCR, MCR_DTR_RTS | MCR_OUT2);
	return com1.present;
}

static void serial_irq(void)
{
	while (inb(COM1 + REG_LSR) & LSR_DATA_READY) {
		uint8_t c = inb(COM1 + REG_DATA);
		if (com1.rx_handler)
			com1.rx_handler(c);
		else
			ring_put(&com1.rx, c);
	}
}

void serial_set_rx_handler(serial_rx_handler_t fn)
{
	uint64_t flags = irq_save();
	int c;

	com1.rx_handler = fn;
	while ((c = ring_get(&com1.rx)) >= 0)	/* what came before goes to the handler too */
		fn((uint8_t)c);
	irq_restore(flags);
}

void serial_enable_rx(void)
{
	if (!com1.present)
		return;
	irq_set_handler(COM1_IRQ, serial_irq);
	outb(COM1 + REG_IER, IER_RX_AVAILABLE);
	serial_irq();	/* bytes that came before the interrupt was on */
}

void serial_putc(char c)
{
	if (!com1.present)
		return;
	for (int spin = 0; !(inb(COM1 + REG_LSR) & LSR_THR_EMPTY); spin++)
		if (spin == TX_SPIN_LIMIT)
			return;
	outb(COM1 + REG_DATA, (uint8_t)c);
}

int serial_getc(void)
{
	return ring_get(&com1.rx);
}

unsigned serial_rx_dropped(void)
{
	return com1.rx.dropped;
}
