/*
 * The line discipline of ldisc.h. The input is a byte ring whose head and tail run
 * freely (reduced modulo LDISC_IN_SIZE on use), and beside it a ring of record ends,
 * each a value of head; a record is the bytes from the previous end (or the tail) to its
 * end, so an empty one is an end of file in its place among the lines.
 */
#include "ldisc.h"
#include "lib.h"
#include <keel/syscall.h>

#define CTRL(c)		((c) & 0x1f)
#define DEL		0x7f

static uint32_t in_count(const struct ldisc *l)
{
	return l->head - l->tail;
}

static uint32_t ends_count(const struct ldisc *l)
{
	return l->ends_head - l->ends_tail;
}

static void in_put(struct ldisc *l, uint8_t c)
{
	l->in[l->head++ % LDISC_IN_SIZE] = c;
}

static void end_record(struct ldisc *l)
{
	l->ends[l->ends_head++ % LDISC_ENDS_MAX] = l->head;
}

/* Shows c as the line does: control bytes as ^X, a newline as one. */
static void echo_char(struct ldisc *l, char c)
{
	char caret[2] = { '^', (char)(c ^ 0x40) };

	if ((unsigned char)c < 0x20 && c != '\t' && c != '\n')
		l->echo(l->ctx, caret, 2);
	else
		l->echo(l->ctx, &c, 1);
}

/* Echoes what was typed while nobody read: the records' bytes, then the line's. */
static void catch_up(struct ldisc *l)
{
	for (uint32_t i = l->head - l->unechoed; i != l->head; i++)
		echo_char(l, (char)l->in[i % LDISC_IN_SIZE]);
	l->unechoed = 0;
	for (; l->line_echoed < l->len; l->line_echoed++)
		echo_char(l, l->line[l->line_echoed]);
}

/* Erases the last byte of the line, and its echo if it was shown. */
static void erase_byte(struct ldisc *l)
{
	char c = l->line[--l->len];

	if (l->len >= l->line_echoed)
		return;
	l->line_echoed = l->len;
	l->echo(l->ctx, "\b \b", 3);
	if ((unsigned char)c < 0x20 && c != '\t')
		l->echo(l->ctx, "\b \b", 3);
}

/* Moves the line to the input; its bytes not echoed yet stay so. */
static void commit(struct ldisc *l)
{
	for (size_t i = 0; i < l->len; i++)
		in_put(l, (uint8_t)l->line[i]);
	l->unechoed += (uint32_t)(l->len - l->line_echoed);
	l->len = 0;
	l->line_echoed = 0;
}

/* ^C: the line and all unread input go, as POSIX's ISIG without NOFLSH says. */
void ldisc_flush(struct ldisc *l)
{
	l->tail = l->head;
	l->ends_tail = l->ends_head;
	l->len = 0;
	l->line_echoed = 0;
	l->unechoed = 0;
	l->flushes++;
}

void ldisc_init(struct ldisc *l, ldisc_echo_fn fn, void *ctx)
{
	memset(l, 0, sizeof(*l));
	l->mode = TTY_COOKED;
	l->echo = fn;
	l->ctx = ctx;
}

/* The bytes held: the input's, and the line's, which a change of mode or Enter adds. */
static uint32_t held(const struct ldisc *l)
{
	return in_count(l) + (uint32_t)l->len;
}

bool ldisc_full(const struct ldisc *l)
{
	/* The next byte may start a whole line, and a change to cooked mode end a record. */
	return LDISC_IN_SIZE - held(l) < TTY_LINE_MAX || LDISC_ENDS_MAX - ends_count(l) < 2;
}

bool ldisc_roomy(const struct ldisc *l)
{
	return held(l) <= LDISC_IN_SIZE / 2 && ends_count(l) <= LDISC_ENDS_MAX / 2;
}

bool ldisc_readable(const struct ldisc *l)
{
	return ends_count(l) > 0 || (l->mode == TTY_RAW && in_count(l) > 0);
}

/* Cooked mode: edits the line. Echo is deferred unless someone waits to read. */
static unsigned cooked_input(struct ldisc *l, uint8_t c, bool reader_waits)
{
	if (reader_waits)
		catch_up(l);
	switch (c) {
	case '\r':
	case '\n':
		l->line[l->len++] = '\n';	/* there is always room for it */
		break;
	case '\b':
	case DEL:
		if (l->len > 0)
			erase_byte(l);
		return 0;
	case CTRL('U'):
		while (l->len > 0)
			erase_byte(l);
		return 0;
	case CTRL('C'):
		ldisc_flush(l);
		l->echo(l->ctx, "^C\n", 3);
		return LDISC_INTR;
	case CTRL('D'):
		break;
	default:
		if (l->len >= TTY_LINE_MAX - 1) {
			l->too_long++;
			return 0;
		}
		l->line[l->len++] = (char)c;
		if (reader_waits)
			catch_up(l);
		return 0;
	}
	if (reader_waits)	/* the newline; ^D shows nothing */
		catch_up(l);
	commit(l);
	end_record(l);
	return LDISC_WAKE;
}

unsigned ldisc_input(struct ldisc *l, uint8_t c, bool reader_waits)
{
	bool needs_no_room = l->mode == TTY_COOKED &&
		(c == CTRL('C') || c == CTRL('U') || c == '\b' || c == DEL);

	if (ldisc_full(l) && !needs_no_room) {
		l->dropped++;
		return 0;
	}
	if (l->mode == TTY_COOKED)
		return cooked_input(l, c, reader_waits);
	in_put(l, c);
	return LDISC_WAKE;
}

size_t ldisc_peek(struct ldisc *l, char *buf, size_t len, uint32_t *gen)
{
	uint32_t avail = 0;
	size_t n;

	if (l->mode == TTY_COOKED)
		catch_up(l);
	if (ends_count(l) > 0)
		avail = l->ends[l->ends_tail % LDISC_ENDS_MAX] - l->tail;
	else if (l->mode == TTY_RAW)
		avail = in_count(l);
	n = MIN(len, (size_t)avail);
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)l->in[(l->tail + i) % LDISC_IN_SIZE];
	*gen = l->flushes;
	return n;
}

void ldisc_take(struct ldisc *l, size_t n, uint32_t gen)
{
	if (gen != l->flushes)
		return;
	l->tail += (uint32_t)MIN(n, (size_t)in_count(l));
	if (ends_count(l) > 0 && l->ends[l->ends_tail % LDISC_ENDS_MAX] == l->tail)
		l->ends_tail++;		/* that record is read; one record a read */
}

int ldisc_set_mode(struct ldisc *l, int mode)
{
	int old = l->mode;

	if (mode == TTY_RAW && old == TTY_COOKED) {
		/* The raw reader echoes what it takes: take back what was shown of the line,
		 * forget what was not. */
		while (l->line_echoed > 0) {
			char c = l->line[--l->line_echoed];
			l->echo(l->ctx, "\b \b", 3);
			if ((unsigned char)c < 0x20 && c != '\t')
				l->echo(l->ctx, "\b \b", 3);
		}
		l->unechoed = 0;
		commit(l);
	} else if (mode == TTY_COOKED && old == TTY_RAW) {
		bool loose = ends_count(l) == 0 ?
			in_count(l) > 0 : l->ends[(l->ends_head - 1) % LDISC_ENDS_MAX] != l->head;
		if (loose)
			end_record(l);
	}
	l->mode = mode;
	return old;
}
