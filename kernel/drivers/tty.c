/*
 * The console tty of tty.h, on COM1. Bytes arrive in the serial interrupt handler and go
 * through the line discipline there, so echo and ^C work whether or not anyone is
 * reading. In cooked mode (the default) a line is edited here and handed to readers when
 * it ends: Enter (CR or LF) ends it with "\n"; Backspace or DEL erases a byte; ^U erases
 * the line; ^D hands over the line without a newline or, on an empty line, makes the next
 * read return 0 (end of file); ^C throws the line away and interrupts the foreground
 * process. Other control bytes are ordinary bytes, echoed as ^X (the serial protocol,
 * kernel/proto/, sees every byte first and passes on what is not a frame, a lone 0x01
 * included). In raw mode every byte goes to readers
 * as it is, without echo, and ^C is just a byte.
 *
 * ^C interrupts the foreground process group, which the shell sets for each job
 * (tcsetpgrp); when its last member ends, the group of that member's parent is foreground
 * again (proc.c). See doc/processes.md.
 */
#include "arch.h"
#include "console.h"
#include "file.h"
#include "lib.h"
#include "proc.h"
#include "ring.h"
#include "sched.h"
#include "serial.h"
#include "tty.h"
#include <keel/errno.h>

#define CTRL(c)		((c) & 0x1f)
#define DEL		0x7f

static struct {
	int mode;			/* TTY_COOKED or TTY_RAW */
	int raw_pid;			/* who asked for raw mode */
	char line[TTY_LINE_MAX];	/* the line being edited */
	size_t len;
	struct ring in;			/* finished lines (raw: bytes) for readers */
	unsigned eofs;			/* ^D on empty lines not yet read */
	struct waitq readers;
	int fg;				/* the foreground process group, 0 for none */
} tty;

static void echo(const char *s, size_t len)
{
	console_write_user(s, len);
}

/* Echoes the byte c as the line shows it: control bytes as ^X. */
static void echo_byte(char c)
{
	char caret[2] = { '^', (char)(c ^ 0x40) };

	if ((unsigned char)c < 0x20 && c != '\t')
		echo(caret, 2);
	else
		echo(&c, 1);
}

static void erase_byte(void)
{
	char c = tty.line[--tty.len];

	echo("\b \b", 3);
	if ((unsigned char)c < 0x20 && c != '\t')
		echo("\b \b", 3);
}

/* Hands the edited line to readers. */
static void commit(void)
{
	for (size_t i = 0; i < tty.len; i++)
		ring_put(&tty.in, (uint8_t)tty.line[i]);
	tty.len = 0;
	waitq_wake_all(&tty.readers);
}

void tty_input(uint8_t c)
{
	if (tty.mode == TTY_RAW) {
		ring_put(&tty.in, c);
		waitq_wake_all(&tty.readers);
		return;
	}
	switch (c) {
	case '\r':
	case '\n':
		tty.line[tty.len++] = '\n';	/* there is always room for it */
		echo("\n", 1);
		commit();
		break;
	case '\b':
	case DEL:
		if (tty.len > 0)
			erase_byte();
		break;
	case CTRL('U'):
		while (tty.len > 0)
			erase_byte();
		break;
	case CTRL('C'):
		tty.len = 0;
		echo("^C\n", 3);
		if (tty.fg)
			proc_interrupt(tty.fg);
		break;
	case CTRL('D'):
		if (tty.len == 0)
			tty.eofs++;
		commit();
		waitq_wake_all(&tty.readers);
		break;
	default:
		if (tty.len < TTY_LINE_MAX - 1) {
			tty.line[tty.len++] = (char)c;
			echo_byte((char)c);
		}
		break;
	}
}

void tty_init(void)
{
	tty.mode = TTY_COOKED;
	serial_set_rx_handler(tty_input);
}

long tty_read(char *buf, size_t len)
{
	uint64_t flags = arch_irq_save();
	size_t n = 0;
	int c;

	while (ring_count(&tty.in) == 0 && tty.eofs == 0) {
		if (waitq_wait(&tty.readers) != 0) {
			arch_irq_restore(flags);
			return -EINTR;
		}
	}
	if (ring_count(&tty.in) == 0) {
		tty.eofs--;
		arch_irq_restore(flags);
		return 0;
	}
	while (n < len && (c = ring_get(&tty.in)) >= 0) {
		buf[n++] = (char)c;
		if (c == '\n' && tty.mode == TTY_COOKED)
			break;
	}
	arch_irq_restore(flags);
	return (long)n;
}

long tty_write(const char *buf, size_t len)
{
	console_write_user(buf, len);
	return (long)len;
}

int tty_set_mode(int mode, int pid)
{
	uint64_t flags;
	int old = tty.mode;

	if (mode != TTY_COOKED && mode != TTY_RAW)
		return -EINVAL;
	flags = arch_irq_save();
	if (mode == TTY_RAW && tty.mode == TTY_COOKED)
		commit();	/* what was typed so far is not lost */
	tty.mode = mode;
	tty.raw_pid = mode == TTY_RAW ? pid : 0;
	arch_irq_restore(flags);
	return old;
}

void tty_set_foreground(int pgid)
{
	tty.fg = pgid;
}

int tty_foreground(void)
{
	return tty.fg;
}

void tty_proc_exit(int pid)
{
	if (tty.mode == TTY_RAW && tty.raw_pid == pid)
		tty_set_mode(TTY_COOKED, 0);
}

/* --- /dev/tty as an open file (file.h): data pass through a buffer on the caller's stack. */

static long tty_file_read(struct file *f, const struct iobuf *buf, size_t len)
{
	char chunk[TTY_LINE_MAX];
	long r;

	(void)f;
	if ((r = tty_read(chunk, MIN(len, sizeof(chunk)))) > 0 &&
	    iobuf_put(buf, 0, chunk, (size_t)r) != 0)
		return -EFAULT;
	return r;
}

static long tty_file_write(struct file *f, const struct iobuf *buf, size_t len)
{
	char chunk[TTY_LINE_MAX];
	size_t done = 0;

	(void)f;
	while (done < len) {
		size_t n = MIN(len - done, sizeof(chunk));
		if (iobuf_get(buf, done, chunk, n) != 0)
			return done ? (long)done : -EFAULT;
		tty_write(chunk, n);
		done += n;
	}
	return (long)done;
}

/* A line (raw: a byte) or an end of file waits to be read; output never blocks. */
static unsigned tty_file_poll(struct file *f)
{
	uint64_t flags = arch_irq_save();
	bool in = ring_count(&tty.in) > 0 || tty.eofs > 0;

	(void)f;
	arch_irq_restore(flags);
	return (in ? POLL_IN : 0) | POLL_OUT;
}

const struct file_ops tty_fops = {
	.read = tty_file_read,
	.write = tty_file_write,
	.stat = file_stat_chardev,
	.poll = tty_file_poll,
};

bool tty_file(const struct file *f)
{
	return f && f->ops == &tty_fops;
}
