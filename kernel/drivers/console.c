/*
 * The console of console.h, on COM1. Output is written whole with interrupts off, so a
 * message printed from an interrupt handler never lands in the middle of another.
 *
 * Kernel messages and user output (the tty) share the line. Each side that starts writing
 * while the other has left the cursor in the middle of a line first ends that line, so a
 * kernel message never starts after a prompt or half a line of a program's output, and a
 * program's output never continues a kernel message.
 *
 * During a serial protocol session (kernel/proto/) the line carries frames: console
 * output is held in a buffer meanwhile and written when the session ends. The screen
 * (screen.h), when there is one, gets the same bytes as the line, at once: it carries no
 * frames. console=serial and console=screen leave one of the two out.
 */
#include "console.h"
#include "screen.h"
#include "serial.h"
#include "arch.h"
#include "lib.h"

enum console_writer { WRITER_KERNEL, WRITER_USER };

static struct {
	enum console_writer last;	/* who wrote the last byte */
	bool mid_line;			/* the last byte was not a newline */
	bool hold;			/* a protocol session owns the line */
	char held[CONSOLE_HOLD_MAX];	/* output kept meanwhile */
	size_t nheld;
	size_t dropped;			/* bytes beyond held[] */
	bool no_serial, no_screen;	/* console=screen, console=serial */
	char out[64];			/* bytes for both sides, written in pieces */
	size_t nout;
} console;

/* Writes what console_out gathered: to the line, or kept while held; to the screen. */
static void console_flush(void)
{
	for (size_t i = 0; i < console.nout && !console.no_serial; i++) {
		if (!console.hold)
			serial_putc(console.out[i]);
		else if (console.nheld < sizeof(console.held))
			console.held[console.nheld++] = console.out[i];
		else
			console.dropped++;
	}
	if (!console.no_screen)
		screen_write(console.out, console.nout);
	console.nout = 0;
}

/* One byte of output, for both sides of the console. Interrupts are off. */
static void console_out(char c)
{
	console.out[console.nout++] = c;
	if (console.nout == sizeof(console.out))
		console_flush();
}

static void console_put(enum console_writer who, const char *s, size_t len)
{
	uint64_t flags = arch_irq_save();

	if (len > 0 && console.last != who && console.mid_line) {
		console_out('\r');
		console_out('\n');
		console.mid_line = false;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			console_out('\r');
		console_out(s[i]);
	}
	console_flush();
	if (len > 0) {
		console.last = who;
		console.mid_line = s[len - 1] != '\n';
	}
	arch_irq_restore(flags);
}

void console_write(const char *s, size_t len)
{
	console_put(WRITER_KERNEL, s, len);
}

void console_init(void)
{
	kprintf_set_output(console_write);
}

void console_write_user(const char *s, size_t len)
{
	console_put(WRITER_USER, s, len);
}

void console_fatal(void)
{
	console_hold(false);
	screen_fatal();
}

int console_select(const char *which)
{
	bool serial = strcmp(which, "serial") == 0, screen = strcmp(which, "screen") == 0;

	if (!serial && !screen)
		return -1;
	if (screen && !screen_present())
		return -2;
	console.no_screen = serial;
	console.no_serial = screen;
	return 0;
}

bool console_has_screen(void)
{
	return screen_present() && !console.no_screen;
}

void console_hold(bool on)
{
	uint64_t flags = arch_irq_save();
	size_t dropped = console.dropped;

	console.hold = on;
	if (!on) {
		for (size_t i = 0; i < console.nheld; i++)
			serial_putc(console.held[i]);
		console.nheld = 0;
		console.dropped = 0;
	}
	arch_irq_restore(flags);
	if (!on && dropped)
		kprintf("[!!] console: %zu bytes of output dropped during a protocol session\n",
			dropped);
}

void console_raw_write(const void *buf, size_t len)
{
	const char *p = buf;

	for (size_t i = 0; i < len; i++)
		serial_putc(p[i]);
}

int console_getc(void)
{
	return serial_getc();
}
