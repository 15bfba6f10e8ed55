/*
 * The shell's line editor and history (userland/sh/edit.c, history.c) on the host: bytes
 * are typed at it and what it would write to the console is captured. Typing at the end
 * of the line must echo exactly what was typed (serialterm finds a command's echo that
 * way); the rest redraws the line.
 */
#include <stdio.h>
#include <string.h>

#include "../unit/tap.h"
#include "edit.h"

static char screen[4096];
static size_t shown;
static struct history hist;
static struct editor ed;
static enum edit_result last;

static void
capture(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	if (shown + n < sizeof(screen)) {
		memcpy(screen + shown, s, n);
		shown += n;
		screen[shown] = '\0';
	}
}

/* Starts a line with the prompt "$ " and forgets what was shown. */
static void
begin(void)
{
	shown = 0;
	screen[0] = '\0';
	edit_begin(&ed, "$ ");
}

/* Types the bytes of s; returns the last result. */
static enum edit_result
type(const char *s)
{
	last = EDIT_MORE;
	for (; *s != '\0'; s++)
		last = edit_key(&ed, (unsigned char)*s);
	return last;
}

static void
test_history_ring(void)
{
	struct history h = { .count = 0 };
	char line[16];

	ok(history_get(&h, 0) == NULL, "an empty history has no lines");
	history_add(&h, "   ");
	is_int(h.count, 0, "blank lines are not remembered");
	history_add(&h, "one");
	history_add(&h, "one");
	is_int(h.count, 1, "a line equal to the newest is not added again");
	history_add(&h, "two");
	is_str(history_get(&h, 0), "two", "the newest is 0");
	is_str(history_get(&h, 1), "one", "the older is 1");
	ok(history_get(&h, 2) == NULL && history_get(&h, -1) == NULL, "out of range is NULL");
	for (int i = 0; i < HISTORY_MAX + 5; i++) {
		snprintf(line, sizeof(line), "cmd%d", i);
		history_add(&h, line);
	}
	is_int(h.count, HISTORY_MAX, "the history holds at most %d lines", HISTORY_MAX);
	snprintf(line, sizeof(line), "cmd%d", 5);
	is_str(history_get(&h, HISTORY_MAX - 1), line, "the oldest kept is the right one");
}

static void
test_typing(void)
{
	begin();
	is_str(screen, "$ ", "edit_begin writes the prompt");
	is_int(type("echo hi"), EDIT_MORE, "typing goes on until Enter");
	is_str(screen, "$ echo hi", "typed bytes are echoed as they are");
	is_int(type("\r"), EDIT_DONE, "CR ends the line");
	is_str(ed.line, "echo hi", "... which holds what was typed");
	is_str(screen, "$ echo hi\n", "... and Enter echoes a newline");
	begin();
	is_int(type("\n"), EDIT_MORE, "the LF of a CR LF is not a second, empty line");
	is_int(type("x\n"), EDIT_DONE, "a LF alone ends a line");
	is_str(ed.line, "x", "... and only the LF is dropped");
	begin();
	{
		char longer[EDIT_LINE_MAX + 10];
		memset(longer, 'x', sizeof(longer) - 1);
		longer[sizeof(longer) - 1] = '\0';
		type(longer);
		is_int(type("\r"), EDIT_TOO_LONG, "a line typed past its limit is refused at Enter, not run cut");
		begin();
		is_int(type("ok\r"), EDIT_DONE, "... and the next line is taken again");
	}
	begin();
	type("ab\x7f" "c\b" "d\r");
	is_str(ed.line, "ad", "DEL and ^H erase the byte before the cursor");
	is_str(screen, "$ ab\b \bc\b \bd\n", "... echoed as backspace, space, backspace");
	begin();
	type("\x7f\x7fok\r");
	is_str(ed.line, "ok", "erasing on an empty line does nothing");
	begin();
	is_int(type("a\x01\x02\x05\tz\x1b\r"), EDIT_DONE, "a lone ESC does not swallow Enter");
	is_str(ed.line, "az", "Tab and other control bytes insert nothing");
	begin();
	type("abc\x15xy\r");
	is_str(ed.line, "xy", "^U erases the line");
}

static void
test_cursor(void)
{
	begin();
	type("acd\x1b[D\x1b[D" "b\r");
	is_str(ed.line, "abcd", "Left twice then typing inserts in the middle");
	begin();
	type("bc\x01" "a\x05" "d\r");
	is_str(ed.line, "abcd", "^A goes to the start, ^E to the end");
	begin();
	type("xbc\x1b[H\x1b[3~" "a\x1b[F!\r");
	is_str(ed.line, "abc!", "Home, Delete (ESC [ 3 ~) and End");
	begin();
	type("ab\x1bOHx\x1bOF\r");
	is_str(ed.line, "xab", "ESC O H and ESC O F as some terminals send them");
	begin();
	type("abcd\x02\x02\x0b\r");
	is_str(ed.line, "ab", "^B moves left and ^K erases to the end");
	begin();
	type("ab\x1b[D\x1b[D\x1b[D\x1b[C\x1b[C\x1b[C\x1b[C" "c\r");
	is_str(ed.line, "abc", "the cursor stays inside the line");
	begin();
	type("ab\x02\x04\r");
	is_str(ed.line, "a", "^D inside a line erases under the cursor");
	begin();
	type("abc\x1b[D");
	shown = 0;
	type("X");
	is_str(screen, "\r$ abXc\x1b[K\x1b[1D", "an insertion inside the line redraws it");
	type("\r");
}

static void
test_endings(void)
{
	begin();
	is_int(type("\x04"), EDIT_EOF, "^D on an empty line is end of input");
	begin();
	is_int(type("half\x03"), EDIT_INTERRUPT, "^C abandons the line");
	is_str(screen, "$ half^C\n", "... showing ^C");
	is_str(ed.line, "", "... and leaves it empty");
	ok(strcmp(history_get(&hist, 0), "half") != 0, "... and out of the history");
	begin();
	for (int i = 0; i < EDIT_LINE_MAX + 10; i++)
		edit_key(&ed, 'x');
	is_int((long long)ed.len, EDIT_LINE_MAX - 1, "a line stops growing when full");
	ok(strchr(screen, '\a') != NULL, "... and rings the bell");
	type("\r");
}

static void
test_history_keys(void)
{
	memset(&hist, 0, sizeof(hist));
	begin();
	type("first\r");
	begin();
	type("second\r");
	is_str(history_get(&hist, 0), "second", "lines taken with Enter go into the history");
	begin();
	type("\x1b[A\r");
	is_str(ed.line, "second", "Up recalls the newest line");
	begin();
	type("\x1b[A\x1b[A\x1b[A\r");
	is_str(ed.line, "first", "Up stops at the oldest");
	begin();
	type("draft\x1b[A\x1b[B\r");
	is_str(ed.line, "draft", "Down past the newest gives back the line being typed");
	memset(&hist, 0, sizeof(hist));
	history_add(&hist, "one");
	history_add(&hist, "two");
	begin();
	type("\x10\x10\x0e\r");	/* two, one, then back to two */
	is_str(ed.line, "two", "^P and ^N walk it too");
	begin();
	type("\x1b[Ax\r");
	is_str(ed.line, "twox", "a recalled line can be edited");
	is_str(history_get(&hist, 1), "two", "... without changing the history");
}

int
main(void)
{
	test_history_ring();
	edit_init(&ed, &hist, capture, NULL);
	test_typing();
	test_cursor();
	test_endings();
	test_history_keys();
	return done_testing();
}
