/*
 * The console of console.h, on COM1. Output is written whole with interrupts off, so a
 * message printed from an interrupt handler never lands in the middle of another.
 *
 * Kernel messages and user output (the tty) share the line. Each side that starts writing
 * while the other has left the cursor in the middle of a line first ends that line, so a
 * kernel message never starts after a prompt or half a line of a program's output, and a
 * program's output never continues a kernel message.
 */
#include "console.h"
#include "serial.h"
#include "cpu.h"

enum console_writer { WRITER_KERNEL, WRITER_USER };

static struct {
	enum console_writer last;	/* who wrote the last byte */
	bool mid_line;			/* the last byte was not a newline */
} console;

static void console_put(enum console_writer who, const char *s, size_t len)
{
	uint64_t flags = irq_save();

	if (len > 0 && console.last != who && console.mid_line) {
		serial_putc('\r');
		serial_putc('\n');
		console.mid_line = false;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
	if (len > 0) {
		console.last = who;
		console.mid_line = s[len - 1] != '\n';
	}
	irq_restore(flags);
}

void console_write(const char *s, size_t len)
{
	console_put(WRITER_KERNEL, s, len);
}

void console_write_user(const char *s, size_t len)
{
	console_put(WRITER_USER, s, len);
}

int console_getc(void)
{
	return serial_getc();
}
