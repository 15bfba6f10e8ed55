/*
 * The 16550 UART's registers and the bits Keel uses (National Semiconductor PC16550D data
 * sheet, table II and the register descriptions after it), and COM1's I/O port. Shared by
 * the serial driver and boot.asm's early error report, which sees these #define lines
 * through the generated kernel/gen/uart16550.inc: keep each a plain number.
 */
#ifndef KEEL_UART16550_H
#define KEEL_UART16550_H

#define COM1_PORT		0x3f8
#define UART_CLOCK_BAUD		115200	/* the baud rate of divisor 1 */

/* Register offsets from the port. */
#define UART_DATA		0	/* RBR on read, THR on write; divisor low with DLAB */
#define UART_IER		1	/* divisor high with DLAB */
#define UART_FCR		2	/* IIR on read */
#define UART_LCR		3
#define UART_MCR		4
#define UART_LSR		5

#define UART_IER_RX_AVAILABLE	0x01
#define UART_FCR_ENABLE_CLEAR_14 0xc7	/* FIFOs on, both cleared, interrupt at 14 bytes */
#define UART_LCR_8N1		0x03
#define UART_LCR_DLAB		0x80
#define UART_MCR_DTR		0x01	/* data terminal ready */
#define UART_MCR_DTR_RTS	0x03	/* ... and request to send: the sender may send */
#define UART_MCR_OUT2		0x08	/* gates the UART's interrupt onto the bus */
#define UART_MCR_LOOPBACK	0x10
#define UART_LSR_DATA_READY	0x01
#define UART_LSR_OVERRUN	0x02	/* a byte found the receiver FIFO full and was lost */
#define UART_LSR_THR_EMPTY	0x20

#endif
