/*
 * The shell's line editor. The console is in raw mode while the shell reads a line, so
 * the editor echoes and edits itself, byte by byte, for a VT100-style terminal:
 *
 *	printable bytes		insert at the cursor (echoed as typed when at the end)
 *	Backspace, DEL, ^H	erase before the cursor
 *	Left/Right, ^B/^F	move;  Home/End, ^A/^E: to the start, the end
 *	Up/Down, ^P/^N		walk the history
 *	Delete, ^D		erase under the cursor; ^D on an empty line is end of input
 *	^U, ^K			erase to the start, to the end;  ^L: clear the screen
 *	^C			abandon the line;  Enter (CR or LF): take it
 *
 * It does no I/O of its own: it is fed bytes and writes through a callback, so the host
 * tests can type at it.
 */
#ifndef KEEL_SH_EDIT_H
#define KEEL_SH_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "history.h"

#define EDIT_LINE_MAX	HISTORY_LINE	/* bytes of a line, NUL included */

typedef void edit_write_fn(void *ctx, const char *s, size_t n);

enum edit_result {
	EDIT_MORE,		/* the line goes on */
	EDIT_DONE,		/* Enter: the line is in ed->line */
	EDIT_EOF,		/* ^D on an empty line */
	EDIT_INTERRUPT,		/* ^C: the line was abandoned */
	EDIT_TOO_LONG,		/* Enter, but bytes were typed past EDIT_LINE_MAX: refused */
};

enum edit_escape { ESC_NONE, ESC_SEEN, ESC_CSI, ESC_SS3 };

struct editor {
	char line[EDIT_LINE_MAX];	/* NUL-terminated */
	size_t len, pos;		/* the line's length and the cursor */
	const char *prompt;
	struct history *history;	/* may be NULL */
	int browsing;			/* -1, or which history line is shown */
	char draft[EDIT_LINE_MAX];	/* the typed line, kept while browsing */
	enum edit_escape esc;		/* inside an escape sequence */
	unsigned param;			/* the number of "ESC [ 3 ~" */
	bool overflow;			/* a byte did not fit in the line */
	bool after_cr;			/* the last line ended in CR: a LF now belongs to it */
	edit_write_fn *write;
	void *ctx;
};

/* Sets up an editor that writes through write(ctx, ...) and remembers lines in history. */
void edit_init(struct editor *ed, struct history *history, edit_write_fn *write, void *ctx);

/* Starts a new line: writes the prompt. */
void edit_begin(struct editor *ed, const char *prompt);

/* Takes one byte typed. A line taken with Enter goes into the history too. */
enum edit_result edit_key(struct editor *ed, unsigned char c);

#endif
