/*
 * The 16550 UART at COM1 (National Semiconductor PC16550D data sheet; OSDev "Serial
 * Ports"; the registers are in uart16550.h). Output is polled, a byte at a time into the
 * transmit FIFO; input arrives by interrupt into a ring that the console reads.
 */
#include "arch.h"
#include "ring.h"
#include "serial.h"
#include "timer.h"
#include "uart16550.h"

#define COM1_IRQ	4
#define TX_STALL_MS	250		/* a transmitter that takes no byte for this long is stuck */
#define TX_SPIN_MAX	2000000		/* the same while the clock stands still (interrupts off) */

static struct {
	bool present;
	bool tx_stuck;			/* gave up waiting: not waited for until it takes a byte */
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

/*
 * Waits for room in the transmitter. Returns false when it is stuck. A line that pushes
 * back keeps it busy for a while: QEMU's does, for tens of milliseconds at a time, while
 * the far end of its socket reads slowly, and a byte dropped then is a byte lost (a
 * damaged frame of the serial protocol). So the limit is time, not a count of reads,
 * which take 0.1 to 1 us depending on the machine; and a transmitter given up once is not
 * waited for again until it takes a byte by itself, so that a dead one costs the wait
 * once, not for every byte.
 */
static bool serial_tx_ready(void)
{
	uint64_t start = uptime_ms();

	for (unsigned long spin = 0; !(inb(COM1_PORT + UART_LSR) & UART_LSR_THR_EMPTY); spin++) {
		if (com1.tx_stuck || uptime_ms() - start > TX_STALL_MS || spin == TX_SPIN_MAX) {
			com1.tx_stuck = true;
			return false;
		}
	}
	com1.tx_stuck = false;
	return true;
}

void serial_putc(char c)
{
	if (com1.present && serial_tx_ready())
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
