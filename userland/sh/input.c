/*
 * Reading command lines. The console is switched to raw mode while a line is read, so that
 * the editor can do its own echo, arrow keys and history, and back to the mode it was in
 * (cooked) before the command runs. When the input is not a terminal (ttymode fails), lines
 * are read as they come, without editing.
 */
#include <errno.h>
#include <keel.h>
#include <string.h>
#include <unistd.h>

#include "edit.h"
#include "sh.h"

static struct {
	struct editor ed;
	struct history history;
	bool ready;
	unsigned char pending[128];	/* bytes read but not yet used */
	size_t count, next;
} in;

static void
write_out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	write_all(STDOUT_FILENO, s, n);
}

/* Returns the next byte of standard input, or -1 at its end or on an error. */
static int
next_byte(void)
{
	while (in.next == in.count) {
		ssize_t n = read(STDIN_FILENO, in.pending, sizeof(in.pending));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		in.count = (size_t)n;
		in.next = 0;
	}
	return in.pending[in.next++];
}

/* Without a terminal: the prompt, then bytes up to a newline. */
static enum input_result
plain_line(char *buf, size_t size, const char *prompt)
{
	size_t len = 0;
	int c;

	bool too_long = false;

	write_all(STDOUT_FILENO, prompt, strlen(prompt));
	while ((c = next_byte()) >= 0 && c != '\n') {
		if (len + 1 < size)
			buf[len++] = (char)c;
		else
			too_long = true;	/* read to its end, then refuse it whole */
	}
	buf[len] = '\0';
	if (too_long)
		return INPUT_TOO_LONG;
	return c < 0 && len == 0 ? INPUT_EOF : INPUT_LINE;
}

enum input_result
input_line(char *buf, size_t size, const char *prompt)
{
	enum edit_result r = EDIT_MORE;
	int old = ttymode(TTY_RAW), c;

	if (old < 0)
		return plain_line(buf, size, prompt);
	if (!in.ready) {
		edit_init(&in.ed, &in.history, write_out, NULL);
		in.ready = true;
	}
	edit_begin(&in.ed, prompt);
	while (r == EDIT_MORE && (c = next_byte()) >= 0)
		r = edit_key(&in.ed, (unsigned char)c);
	ttymode(old);
	if (r == EDIT_MORE)	/* the input ended inside the line */
		r = EDIT_EOF;
	strlcpy(buf, in.ed.line, size);
	switch (r) {
	case EDIT_DONE: return INPUT_LINE;
	case EDIT_EOF: return INPUT_EOF;
	case EDIT_TOO_LONG: return INPUT_TOO_LONG;
	default: return INPUT_INTERRUPT;
	}
}
