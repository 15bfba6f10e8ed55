/*
 * The 16550 UART at COM1 (National Semiconductor PC16550D data sheet; OSDev "Serial
 * Ports"; the registers are in uart16550.h). Output is polled, a byte at a time into the
 * transmit FIFO; input arrives by interrupt into a ring that the console reads, or into
 * the handler that takes it over (the tty).
 *
 * Flow control (serial_rx_stop): with the "received data available" interrupt off (IER
 * bit 0) the bytes stay in the receiver FIFO, 16 of them (data sheet, "FIFO Control
 * Register"); a byte that finds it full is lost and the overrun bit (LSR bit 1) says so.
 * QEMU's 16550 (hw/char/serial.c, serial_can_receive) tells its chardev it can take no
 * more while the FIFO is full, and reading RBR asks the chardev for input again
 * (qemu_chr_accept_input), so a socket or pty sender is simply held back: nothing is
 * lost. On real hardware the sender must obey RTS, which stopping drops (MCR bit 1): the
 * 16550 has no automatic flow control.
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
	struct ring rx;
	serial_rx_handler_t rx_handler;
	bool rx_stopped;		/* serial_rx_stop: leave bytes in the FIFO */
	unsigned overruns;		/* bytes the UART lost (LSR overrun bit) */
	unsigned lost_reported;		/* overruns + ring drops at the last serial_rx_lost */
	unsigned tx_dropped;		/* bytes the transmitter did not take in time */
	bool tx_stuck;			/* gave up waiting: not waited for until it takes a byte */
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
	while (!com1.rx_stopped) {
		uint8_t lsr = inb(COM1_PORT + UART_LSR), c;

		if (lsr & UART_LSR_OVERRUN)	/* reading LSR clears it */
			com1.overruns++;
		if (!(lsr & UART_LSR_DATA_READY))
			break;
		c = inb(COM1_PORT + UART_DATA);
		if (com1.rx_handler)
			com1.rx_handler(c);	/* which may stop us */
		else
			ring_put(&com1.rx, c);
	}
}

void serial_rx_stop(void)
{
	com1.rx_stopped = true;
	if (!com1.present)
		return;
	outb(COM1_PORT + UART_IER, 0);
	outb(COM1_PORT + UART_MCR, UART_MCR_DTR | UART_MCR_OUT2);
}

void serial_rx_start(void)
{
	com1.rx_stopped = false;
	if (!com1.present)
		return;
	outb(COM1_PORT + UART_MCR, UART_MCR_DTR_RTS | UART_MCR_OUT2);
	outb(COM1_PORT + UART_IER, UART_IER_RX_AVAILABLE);
	serial_irq();	/* what waits in the FIFO, without waiting for the interrupt */
}

unsigned serial_rx_lost(void)
{
	unsigned total = com1.overruns + com1.rx.dropped;
	unsigned n = total - com1.lost_reported;

	com1.lost_reported = total;
	return n;
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
	if (!com1.rx_stopped)
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
	if (!com1.present)
		return;
	if (serial_tx_ready())
		outb(COM1_PORT + UART_DATA, (uint8_t)c);
	else
		com1.tx_dropped++;
}

int serial_getc(void)
{
	return ring_get(&com1.rx);
}

unsigned serial_rx_dropped(void)
{
	return com1.rx.dropped;
}

unsigned serial_tx_dropped(void)
{
	unsigned n = com1.tx_dropped;

	com1.tx_dropped = 0;
	return n;
}
