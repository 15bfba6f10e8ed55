/*
 * Unit tests of the console's line discipline (kernel/lib/ldisc.c) on the host: what a
 * reader gets for what is typed, in order, ends of file among lines included; what is
 * echoed and when (at once while someone reads, later for type-ahead, never for
 * type-ahead a raw reader takes); ^C emptying the input; a read that could not deliver
 * its bytes leaving them; and the full input the tty stops its line for.
 */
#include <string.h>

#include <keel/syscall.h>
#include <ldisc.h>
#include <lib.h>
#include "tap.h"

static struct ldisc l;
static char echoed[4096];
static size_t nechoed;

static void
echo_sink(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	if (nechoed + len < sizeof(echoed)) {
		memcpy(echoed + nechoed, s, len);
		nechoed += len;
	}
	echoed[nechoed] = '\0';
}

/* Returns what was echoed since the last call. */
static const char *
echo_taken(void)
{
	static char copy[sizeof(echoed)];

	memcpy(copy, echoed, nechoed + 1);
	nechoed = 0;
	echoed[0] = '\0';
	return copy;
}

static void
fresh(void)
{
	ldisc_init(&l, echo_sink, NULL);
	echo_taken();
}

/* Types s; reader says whether someone waits to read. Returns the events of its bytes. */
static unsigned
type(const char *s, bool reader)
{
	unsigned ev = 0;

	for (; *s; s++)
		ev |= ldisc_input(&l, (uint8_t)*s, reader);
	return ev;
}

/* One read of up to len bytes: "" at an end of file, "(none)" when it would wait. */
static const char *
rd(size_t len)
{
	static char buf[TTY_LINE_MAX + 1];
	uint32_t gen;
	size_t n;

	if (!ldisc_readable(&l))
		return "(none)";
	n = ldisc_peek(&l, buf, MIN(len, sizeof(buf) - 1), &gen);
	ldisc_take(&l, n, gen);
	buf[n] = '\0';
	return buf;
}

static void
test_malformed(void)
{
	char buf[8];
	uint32_t gen;

	fresh();
	ok(!ldisc_readable(&l), "empty input is not readable");
	is_int((long long)ldisc_peek(&l, buf, sizeof(buf), &gen), 0, "...and peeks nothing");
	type("abc\r", true);
	ldisc_take(&l, 4, gen + 1);
	is_str(rd(100), "abc\n", "a take with another generation takes nothing");
	is_str(rd(100), "(none)", "...and a good one took the line");

	fresh();
	for (int i = 0; i < 300; i++)
		ldisc_input(&l, 'x', false);
	ldisc_input(&l, '\r', false);
	is_int((long long)strlen(rd(1000)), TTY_LINE_MAX, "a 300-byte line is cut to 255 and its newline");
	is_int(l.too_long, 45, "...and the 45 bytes beyond are counted");

	fresh();
	ldisc_set_mode(&l, TTY_RAW);
	while (!ldisc_full(&l))
		ldisc_input(&l, 'r', false);
	is_int(l.dropped, 0, "nothing is dropped before the input is full");
	is_int(ldisc_input(&l, 'r', false), 0, "a byte that finds it full is refused");
	is_int(l.dropped, 1, "...and counted");
	ok(LDISC_IN_SIZE - (l.head - l.tail) >= TTY_LINE_MAX - 1,
	   "full leaves room for a whole line typed before the tty stopped");
	ok(!ldisc_roomy(&l), "a full input is not roomy");
	ldisc_set_mode(&l, TTY_COOKED);
	is_int(type("\x03", false), LDISC_INTR, "^C still works when the input is full");
	ok(ldisc_roomy(&l) && !ldisc_readable(&l), "...and empties it");

	fresh();
	for (int i = 0; i < 6 * 100; i++)
		ldisc_input(&l, i % 100 == 99 ? '\r' : 'a', false);
	for (int i = 0; i < 200; i++)
		ldisc_input(&l, 'b', false);
	ok(ldisc_full(&l), "the line being edited counts toward a full input");
	ldisc_set_mode(&l, TTY_RAW);
	ok(ldisc_full(&l), "...so going raw, which hands it over, leaves it as full as it was");
}

static void
test_cooked(void)
{
	fresh();
	is_int(type("abc", true), 0, "typing wakes nobody before the line ends");
	ok(!ldisc_readable(&l), "an unfinished line is not readable");
	is_int(type("\r", true), LDISC_WAKE, "Enter wakes the readers");
	is_str(echo_taken(), "abc\n", "a waiting reader sees the echo as it is typed");
	is_str(rd(100), "abc\n", "CR ends the line with a newline");

	type("abx\bc\n", true);
	is_str(echo_taken(), "abx\b \bc\n", "Backspace erases a byte and its echo");
	is_str(rd(100), "abc\n", "...from the line");
	type("junk\x15ok\x7f\x7fyes\r", true);
	is_str(rd(100), "yes\n", "^U and DEL erase");
	type("\x01\r", true);
	is_str(rd(100), "\x01\n", "a control byte is an ordinary byte");

	fresh();
	type("\x01", true);
	is_str(echo_taken(), "^A", "...echoed as a caret");

	fresh();
	type("abcd\n", true);
	is_str(rd(2), "ab", "a short read takes part of a line");
	is_str(rd(100), "cd\n", "...and the next the rest, and no more");
	is_str(rd(100), "(none)", "...then nothing is left");
	type("one\ntwo\n", true);
	is_str(rd(100), "one\n", "a read takes one line at most");
	is_str(rd(100), "two\n", "...the next the next");
}

static void
test_eof(void)
{
	fresh();
	type("\x04" "abc\r", false);
	is_str(rd(100), "", "^D typed before a line is an end of file before it");
	is_str(rd(100), "abc\n", "...and the line comes after");
	is_str(rd(100), "(none)", "...and nothing else");

	type("ab\x04" "cd\r", false);
	is_str(rd(100), "ab", "^D in a line hands over what is typed, without a newline");
	is_str(rd(100), "cd\n", "...and the rest is a line of its own");

	type("ab\x04\x04", false);
	is_str(rd(100), "ab", "ab^D^D: the line");
	is_str(rd(100), "", "...then an end of file");
	is_str(rd(100), "(none)", "...each read once");
}

static void
test_echo(void)
{
	fresh();
	type("ls\r", false);
	is_str(echo_taken(), "", "type-ahead while nobody reads is not echoed yet");
	is_str(rd(100), "ls\n", "...a cooked reader gets it");
	is_str(echo_taken(), "ls\n", "...and the echo shows when it comes");

	type("pwd\rcd", false);
	type("x", true);
	is_str(echo_taken(), "pwd\ncdx", "a reader's arrival shows type-ahead before the new byte");

	fresh();
	type("echo hi\rpart", false);
	ldisc_set_mode(&l, TTY_RAW);
	is_str(echo_taken(), "", "type-ahead is never echoed when raw mode starts");
	is_str(rd(100), "echo hi\n", "...a raw reader gets its lines");
	is_str(rd(100), "part", "...and the unfinished line");
	is_str(echo_taken(), "", "...without echo: the raw reader echoes what it takes");

	fresh();
	type("ab", true);
	echo_taken();
	ldisc_set_mode(&l, TTY_RAW);
	is_str(echo_taken(), "\b \b\b \b", "an unfinished line echoed already is erased when raw mode starts");
	is_str(rd(100), "ab", "...and goes to the raw reader");

	fresh();
	type("ab\x01", true);
	type("\x7f", false);
	is_str(echo_taken(), "ab^A\b \b\b \b", "erasing a shown control byte erases its caret");
	type("c", false);
	type("\x7f", false);
	is_str(echo_taken(), "", "erasing a byte not shown yet echoes nothing");
}

static void
test_raw(void)
{
	fresh();
	ldisc_set_mode(&l, TTY_RAW);
	is_int(type("x", false), LDISC_WAKE, "a raw byte wakes the readers");
	type("\x03\x04y", false);
	is_str(rd(100), "x\x03\x04y", "raw bytes, ^C and ^D included, come as they are");
	is_str(echo_taken(), "", "...without echo");
	type("zz", false);
	ldisc_set_mode(&l, TTY_COOKED);
	ok(ldisc_readable(&l), "raw bytes left when cooked mode starts are readable");
	is_str(rd(100), "zz", "...as one record");
	is_str(rd(100), "(none)", "...once");
}

static void
test_intr_and_failed_read(void)
{
	char buf[16];
	uint32_t gen;
	size_t n;

	fresh();
	type("rm -r /\rls", false);
	is_int(type("\x03", false), LDISC_INTR, "^C interrupts");
	is_str(echo_taken(), "^C\n", "...echoes ^C at once");
	ok(!ldisc_readable(&l), "...and throws the type-ahead away");

	type("abc\r", false);
	n = ldisc_peek(&l, buf, sizeof(buf), &gen);
	is_int((long long)n, 4, "a peek sees the line");
	is_str(rd(100), "abc\n", "a reader that could not deliver it (no take) leaves it");

	type("old\r", false);
	n = ldisc_peek(&l, buf, sizeof(buf), &gen);
	type("\x03new\r", false);
	ldisc_take(&l, n, gen);
	is_str(rd(100), "new\n", "a take after ^C emptied the input takes nothing new");
}

int
main(void)
{
	test_malformed();
	test_cooked();
	test_eof();
	test_echo();
	test_raw();
	test_intr_and_failed_read();
	return done_testing();
}
