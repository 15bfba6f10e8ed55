/* The console of console.h, on COM1. Output is written whole with interrupts off, so a
 * message printed from an interrupt handler never lands in the middle of another. */
#include "console.h"
#include "serial.h"
#include "cpu.h"

void console_write(const char *s, size_t len)
{
	uint64_t flags = irq_save();

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
	irq_restore(flags);
}

int console_getc(void)
{
	return serial_getc();
}
