/* The COM1 serial port, a 16550 UART: the console of every Keel machine (DESIGN.md). */
#ifndef KEEL_SERIAL_H
#define KEEL_SERIAL_H

#include <stdbool.h>
#include <stddef.h>

/* Sets COM1 to 115200 8N1 with FIFOs on. Returns false when no UART answers there. */
bool serial_init(void);

/* Starts receiving by interrupt (IRQ 4) into a ring buffer; needs arch_irq_init first. */
void serial_enable_rx(void);

/* Sends one byte, waiting for room in the transmitter. */
void serial_putc(char c);

/* Returns the next received byte, or -1 when none is waiting. */
int serial_getc(void);

/* Returns how many received bytes were lost because nobody read them in time. */
unsigned serial_rx_dropped(void);

#endif
