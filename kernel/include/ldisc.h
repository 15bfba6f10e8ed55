/*
 * The console's line discipline: what the tty does with each typed byte, and the input
 * its readers take, in order. Pure code with no locks and no devices, so that the host's
 * unit tests (tests/unit/test_ldisc.c) run it too; kernel/drivers/tty.c wraps it with the
 * interrupt handler, the readers' wait queue and the serial line's flow control.
 *
 * Input is a queue of records. In cooked mode a line is edited in line[] and becomes a
 * record when it ends (Enter, or ^D); ^D on an empty line is an empty record, an end of
 * file. A read takes from one record at most, so an end of file typed before more text
 * is read before that text. Raw bytes have no records: a read takes what is there.
 *
 * Echo in cooked mode happens as bytes are typed while someone waits to read; typed
 * ahead while nobody reads, it waits for the next cooked reader, and is dropped when
 * raw mode starts: the raw reader (the shell's line editor) echoes what it takes itself,
 * so type-ahead is shown once. See doc/processes.md, "The console".
 */
#ifndef KEEL_LDISC_H
#define KEEL_LDISC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tty.h"		/* TTY_LINE_MAX */

#define LDISC_IN_SIZE	1024	/* bytes of input waiting for readers; a power of two */
#define LDISC_ENDS_MAX	128	/* records waiting for readers; a power of two */

/* What the tty must do after a byte: wake its readers, interrupt the foreground. */
#define LDISC_WAKE	0x1
#define LDISC_INTR	0x2

typedef void (*ldisc_echo_fn)(void *ctx, const char *s, size_t len);

struct ldisc {
	int mode;			/* TTY_COOKED or TTY_RAW (keel/syscall.h) */
	char line[TTY_LINE_MAX];	/* the line being edited */
	size_t len;
	size_t line_echoed;		/* bytes of line[] echoed so far */
	uint8_t in[LDISC_IN_SIZE];	/* input for readers; head and tail run freely */
	uint32_t head, tail;
	uint32_t ends[LDISC_ENDS_MAX];	/* where each record ends, as a value of head */
	uint32_t ends_head, ends_tail;
	uint32_t unechoed;		/* bytes before head not echoed yet */
	uint32_t flushes;		/* times ^C emptied the input (see ldisc_take) */
	uint32_t dropped;		/* bytes that found the input full */
	uint32_t too_long;		/* bytes beyond a full line */
	ldisc_echo_fn echo;
	void *ctx;
};

/* Starts l empty, in cooked mode; echo goes to fn(ctx, ...). */
void ldisc_init(struct ldisc *l, ldisc_echo_fn fn, void *ctx);

/* Throws away all input, the line being edited included (as ^C does, without echo). */
void ldisc_flush(struct ldisc *l);

/*
 * Takes one typed byte. reader_waits says whether someone is waiting to read, so that
 * cooked echo shows at once. Returns LDISC_WAKE and/or LDISC_INTR (for ^C, which also
 * empties the input). A byte that finds the input full is dropped and counted in
 * l->dropped; a tty that stops its line while ldisc_full never sees that happen.
 */
unsigned ldisc_input(struct ldisc *l, uint8_t c, bool reader_waits);

/* Whether the input cannot take one more byte, whatever it is (a whole line may end). */
bool ldisc_full(const struct ldisc *l);

/* Whether the input has room again for a line of type-ahead or more (half empty). */
bool ldisc_roomy(const struct ldisc *l);

/* Whether a read would not wait: a record or raw bytes are there, or an end of file. */
bool ldisc_readable(const struct ldisc *l);

/*
 * Copies up to len bytes of the next record (raw mode: of the input) into buf without
 * taking them, and echoes what cooked type-ahead has not shown yet. Returns the count;
 * 0 with ldisc_readable true is an end of file. Sets *gen for ldisc_take.
 */
size_t ldisc_peek(struct ldisc *l, char *buf, size_t len, uint32_t *gen);

/*
 * Takes the n bytes that ldisc_peek copied (n = 0 after an end of file takes that) once
 * the reader has them. Does nothing if ^C emptied the input since (gen differs), so a
 * reader that failed to deliver them (a bad buffer) simply takes nothing.
 */
void ldisc_take(struct ldisc *l, size_t n, uint32_t gen);

/*
 * Sets TTY_COOKED or TTY_RAW. Going raw, the line typed so far goes to readers and
 * type-ahead not echoed yet never will be; going cooked, raw bytes not read yet become
 * one record. Returns the old mode.
 */
int ldisc_set_mode(struct ldisc *l, int mode);

#endif
