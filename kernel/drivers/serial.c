/*
 * The 16550 UART at COM1 (National Semiconductor PC16550D data sheet; OSDev "Serial
 * Ports"; the registers are in uart16550.h). Output is polled, a byte at a time into the
 * transmit FIFO; input arrives by interrupt into a ring that the console reads.
 */
#include "arch.h"
#include "ring.h"
#include "serial.h"
#include "uart16550.h"

#define COM1_IRQ	4
#define TX_SPIN_LIMIT	100000		/* about 100 ms: a dead UART must not hang the kernel */

static struct {
	bool present;
	struct ring rx;
	serial_rx_handler_t rx_handler;
} com1;

bool serial_init(void)
{
	outb(COM1_PORT + UART_IER, 0);
	outb(COM1_PORT + UART_LCR, UART_LCR_DLAB);
	outb(COM1_PORT + UART_DATA, UART_CLOCK_BAUD / 115200);
	outb(COM1_PORT + UART_IER, 0);
	outb(COM1_PORT + UART_LCR, UART_LCR_8N1);
	outb(COM1_PORT + UART_FCR, UART_FCR_ENABLE_CLEAR_14);

	/* A byte sent in loopback mode must come back, or there is no UART here. */
	outb(COM1_PORT + UART_MCR, UART_MCR_LOOPBACK | UART_MCR_DTR_RTS);
	outb(COM1_PORT + UART_DATA, 0xae);
	com1.present = inb(COM1_PORT + UART_DATA) == 0xae;
	outb(COM1_PORT + UART_MCR, UART_MCR_DTR_RTS | UART_MCR_OUT2);
	return com1.present;
}

static void serial_irq(void)
{
	while (inb(COM1_PORT + UART_LSR) & UART_LSR_DATA_READY) {
		uint8_t c = inb(COM1_PORT + UART_DATA);
		if (com1.rx_handler)
			com1.rx_handler(c);
		else
			ring_put(&com1.rx, c);
	}
}

void serial_set_rx_handler(serial_rx_handler_t fn)
{
	uint64_t flags = arch_irq_save();
	int c;

	com1.rx_handler = fn;
	while ((c = ring_get(&com1.rx)) >= 0)	/* what came before goes to the handler too */
		fn((uint8_t)c);
	arch_irq_restore(flags);
}

void serial_enable_rx(void)
{
	if (!com1.present)
		return;
	irq_set_handler(COM1_IRQ, serial_irq);
	outb(COM1_PORT + UART_IER, UART_IER_RX_AVAILABLE);
	serial_irq();	/* bytes that came before the interrupt was on */
}

void serial_putc(char c)
{
	if (!com1.present)
		return;
	for (int spin = 0; !(inb(COM1_PORT + UART_LSR) & UART_LSR_THR_EMPTY); spin++)
		if (spin == TX_SPIN_LIMIT)
			return;
	outb(COM1_PORT + UART_DATA, (uint8_t)c);
}

int serial_getc(void)
{
	return ring_get(&com1.rx);
}

unsigned serial_rx_dropped(void)
{
	return com1.rx.dropped;
}
