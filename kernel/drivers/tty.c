/*
 * The console tty of tty.h, on COM1. Bytes arrive in the serial interrupt handler and go
 * through the line discipline (ldisc.h: editing, ^C, ^D, echo, the readers' input) there,
 * so ^C works whether or not anyone is reading. The serial protocol, kernel/proto/, sees
 * every byte first and passes on what is not a frame, a lone 0x01 included.
 *
 * Flow control: when the input cannot take another line, the tty stops the serial line
 * (serial_rx_stop: the UART's receive interrupt off, its FIFO left to fill), so a paste
 * waits in the sender instead of being lost, and starts it again when readers have
 * emptied half of the input. If nobody reads for TTY_STALL_MS while the line is stopped,
 * it starts anyway and the bytes that find the input full are dropped, counted and
 * reported: otherwise ^C (which empties the input) and protocol frames could never
 * arrive past a program that ignores its input. See doc/processes.md, "The console".
 *
 * ^C interrupts the foreground process group, which the shell sets for each job
 * (tcsetpgrp); when its last member ends, the group of that member's parent is foreground
 * again (proc.c). See doc/processes.md.
 */
#include "arch.h"
#include "console.h"
#include "file.h"
#include "ldisc.h"
#include "lib.h"
#include "proc.h"
#include "sched.h"
#include "serial.h"
#include "timer.h"
#include "tty.h"
#include <keel/errno.h>

#define TTY_STALL_MS	5000	/* a stopped line with nobody reading starts again */

enum rx_state {
	RX_ON,		/* the serial line runs */
	RX_STOPPED,	/* the input is full: the line waits for readers */
	RX_OVERFLOW,	/* full, but nobody read for TTY_STALL_MS: running, dropping */
};

static struct {
	struct ldisc ld;		/* guarded by turning interrupts off */
	int raw_pid;			/* who asked for raw mode */
	struct waitq readers;
	unsigned waiting;		/* readers asleep in readers */
	bool busy;			/* a reader is copying out what it peeked */
	enum rx_state rx;
	uint64_t stalled_since;		/* tick of the stop, or of the last read since */
	int fg;				/* the foreground process group, 0 for none */
	int sid;			/* the session it belongs to, 0 or TTY_HUNG_UP (tty.h) */
} tty;

static void tty_echo(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	console_write_user(s, len);
}

/* Stops or starts the serial line after the input changed. Interrupts are off. */
static void tty_flow(void)
{
	if (tty.rx == RX_ON && ldisc_full(&tty.ld)) {
		tty.rx = RX_STOPPED;
		tty.stalled_since = timer_ticks();
		serial_rx_stop();
	} else if (tty.rx != RX_ON && ldisc_roomy(&tty.ld)) {
		bool was_stopped = tty.rx == RX_STOPPED;

		tty.rx = RX_ON;
		if (was_stopped)
			serial_rx_start();	/* may call tty_input for what waits */
	}
}

/* Every tick: a line stopped for TTY_STALL_MS with nobody reading runs again. */
static void tty_tick(uint64_t ticks)
{
	if (tty.rx == RX_STOPPED && ticks - tty.stalled_since >= timer_ms_to_ticks(TTY_STALL_MS)) {
		tty.rx = RX_OVERFLOW;
		serial_rx_start();
	}
}

void tty_input(uint8_t c)
{
	unsigned ev = ldisc_input(&tty.ld, c, tty.waiting > 0);

	if (ev & LDISC_WAKE) {
		waitq_wake_all(&tty.readers);
		poll_wake();
	}
	if ((ev & LDISC_INTR) && tty.fg)
		proc_interrupt(tty.fg);
	tty_flow();
}

void tty_init(void)
{
	ldisc_init(&tty.ld, tty_echo, NULL);
	if (timer_add_tick_hook(tty_tick) != 0)
		kprintf("[!!] tty: no timer hook left: a full input may stop the line for good\n");
	serial_set_rx_handler(tty_input);
}

/* Says what input or output was lost since the last report (with interrupts on). */
static void tty_report_losses(void)
{
	uint64_t flags = arch_irq_save();
	unsigned dropped = tty.ld.dropped, too_long = tty.ld.too_long;
	unsigned uart = serial_rx_lost(), out = serial_tx_dropped();

	tty.ld.dropped = tty.ld.too_long = 0;
	arch_irq_restore(flags);
	if (dropped)
		kprintf("[!!] tty: %u bytes of input dropped: nobody read for %d s\n",
			dropped, TTY_STALL_MS / 1000);
	if (too_long)
		kprintf("[!!] tty: %u bytes dropped beyond a %d-byte line\n", too_long,
			TTY_LINE_MAX - 1);
	if (uart)
		kprintf("[!!] tty: %u bytes lost by the UART\n", uart);
	if (out)
		kprintf("[!!] console: %u bytes of output dropped: the line did not take them\n",
			out);
}

/*
 * Waits for input and copies up to len bytes of it to buf without taking them; the
 * caller takes them with tty_take (or leaves them, when it could not deliver them).
 * Returns the count (0 at an end of file) or -EINTR; on success the caller is the only
 * reader until tty_take.
 */
static long tty_peek(char *buf, size_t len, uint32_t *gen)
{
	uint64_t flags = arch_irq_save();
	size_t n;

	for (;;) {
		int r;

		/* Asked again after every wait: a hang-up may have come meanwhile. */
		if (!tty_may_use(false)) {
			arch_irq_restore(flags);
			return -EIO;
		}
		if (!tty.busy && ldisc_readable(&tty.ld))
			break;
		tty.waiting++;
		r = waitq_wait(&tty.readers);
		tty.waiting--;
		if (r != 0) {
			arch_irq_restore(flags);
			return -EINTR;
		}
	}
	n = ldisc_peek(&tty.ld, buf, len, gen);
	tty.busy = true;
	arch_irq_restore(flags);
	return (long)n;
}

/* Takes the n bytes tty_peek gave once the reader delivered them (0 for none, or EOF). */
static void tty_take(size_t n, uint32_t gen, bool delivered)
{
	uint64_t flags = arch_irq_save();

	if (delivered) {
		ldisc_take(&tty.ld, n, gen);
		tty.stalled_since = timer_ticks();
	}
	tty.busy = false;
	waitq_wake_all(&tty.readers);	/* the next reader, if any */
	tty_flow();
	arch_irq_restore(flags);
	tty_report_losses();
}

long tty_read(char *buf, size_t len)
{
	uint32_t gen;
	long r;

	if (len == 0)
		return 0;
	r = tty_peek(buf, len, &gen);
	if (r >= 0)
		tty_take((size_t)r, gen, true);
	return r;
}

long tty_write(const char *buf, size_t len)
{
	console_write_user(buf, len);
	return (long)len;
}

int tty_set_mode(int mode, int pid)
{
	uint64_t flags;
	int old;

	if (mode != TTY_COOKED && mode != TTY_RAW)
		return -EINVAL;
	flags = arch_irq_save();
	old = ldisc_set_mode(&tty.ld, mode);
	tty.raw_pid = mode == TTY_RAW ? pid : 0;
	waitq_wake_all(&tty.readers);	/* the line typed so far, or raw bytes, are a read now */
	poll_wake();
	tty_flow();
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

int tty_session(void)
{
	return tty.sid;
}

void tty_claim(int sid)
{
	uint64_t flags = arch_irq_save();

	tty.sid = sid;
	arch_irq_restore(flags);
}

void tty_hangup(void)
{
	uint64_t flags = arch_irq_save();

	tty.sid = TTY_HUNG_UP;
	tty.fg = 0;
	ldisc_flush(&tty.ld);
	ldisc_set_mode(&tty.ld, TTY_COOKED);
	tty.raw_pid = 0;
	waitq_wake_all(&tty.readers);
	poll_wake();		/* a poller of the console sees it readable (EIO) now */
	tty_flow();
	arch_irq_restore(flags);
}

bool tty_may_use(bool write)
{
	const struct proc *p = proc_current();

	return tty.sid == 0 || p->sid == tty.sid || (write && p->uid == 0);
}

void tty_proc_exit(int pid)
{
	if (tty.ld.mode == TTY_RAW && tty.raw_pid == pid)
		tty_set_mode(TTY_COOKED, 0);
}

/* --- /dev/tty as an open file (file.h): data pass through a buffer on the caller's stack. */

/* What cannot be copied to the reader (a bad buffer) stays for the next read. */
static long tty_file_read(struct file *f, const struct iobuf *buf, size_t len)
{
	char chunk[TTY_LINE_MAX];
	uint32_t gen;
	bool delivered;
	long r;

	(void)f;
	if (len == 0)
		return 0;
	if ((r = tty_peek(chunk, MIN(len, sizeof(chunk)), &gen)) < 0)
		return r;
	delivered = r == 0 || iobuf_put(buf, 0, chunk, (size_t)r) == 0;
	tty_take((size_t)r, gen, delivered);
	return delivered ? r : -EFAULT;
}

static long tty_file_write(struct file *f, const struct iobuf *buf, size_t len)
{
	char chunk[TTY_LINE_MAX];
	size_t done = 0;

	(void)f;
	/* A process left from an earlier session cannot pose as the next login. */
	if (!tty_may_use(true))
		return -EIO;
	while (done < len) {
		size_t n = MIN(len - done, sizeof(chunk));
		if (iobuf_get(buf, done, chunk, n) != 0)
			return done ? (long)done : -EFAULT;
		tty_write(chunk, n);
		done += n;
	}
	return (long)done;
}

/*
 * A line (raw: a byte) or an end of file waits to be read; output never blocks. A process
 * the console refuses (an earlier session's) is told it may read, and its read fails at
 * once: it learns nothing of when someone types.
 */
static unsigned tty_file_poll(struct file *f)
{
	uint64_t flags = arch_irq_save();
	bool in = ldisc_readable(&tty.ld) || !tty_may_use(false);

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
