/* The COM1 serial port, a 16550 UART: the console of every Keel machine (DESIGN.md). */
#ifndef KEEL_SERIAL_H
#define KEEL_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Sets COM1 to 115200 8N1 with FIFOs on. Returns false when no UART answers there. */
bool serial_init(void);

/* Starts receiving by interrupt (IRQ 4) into a ring buffer; needs arch_irq_init first. */
void serial_enable_rx(void);

/*
 * Hands every received byte to fn, in the interrupt handler, instead of the ring that
 * serial_getc reads (the tty takes input over this way). Bytes already in the ring go
 * to fn at once.
 */
typedef void (*serial_rx_handler_t)(uint8_t c);
void serial_set_rx_handler(serial_rx_handler_t fn);

/*
 * Flow control for the receiver: serial_rx_stop turns the receive interrupt off and
 * leaves bytes in the UART, whose 16-byte FIFO then fills and holds the sender back (QEMU
 * stops reading its chardev; real hardware would need RTS, see serial.c);
 * serial_rx_start turns it on again and hands what waits to the handler at once. Both
 * with interrupts off; the handler may call serial_rx_stop.
 */
void serial_rx_stop(void);
void serial_rx_start(void);

/* Returns how many received bytes the UART lost (overruns) since the last call. */
unsigned serial_rx_lost(void);

/*
 * Sends one byte, waiting for room in the transmitter; drops it (and counts it) when the
 * transmitter has taken nothing for a quarter of a second, and then drops bytes without
 * waiting until it takes one again.
 */
void serial_putc(char c);

/* Returns how many bytes serial_putc dropped since the last call. */
unsigned serial_tx_dropped(void);

/* Returns the next received byte, or -1 when none is waiting. */
int serial_getc(void);

/* Returns how many received bytes were lost because nobody read them in time. */
unsigned serial_rx_dropped(void);

#endif
