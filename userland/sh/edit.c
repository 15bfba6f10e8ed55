/*
 * The shell's line editor (see edit.h): the line is redrawn whole ("\r", the prompt, the
 * line, erase to the end of the screen line, cursor back) after any change that is not
 * simply typing or erasing at the end, which echo like a terminal in cooked mode would.
 * A line ends with "\n" alone: Keel's console turns it into CR LF, as a tty's ONLCR does.
 */
#include <stdio.h>
#include <string.h>

#include "edit.h"

#define CTRL(c)	((c) & 0x1f)
#define ESC	0x1b
#define DEL	0x7f

static void
out(struct editor *ed, const char *s, size_t n)
{
	ed->write(ed->ctx, s, n);
}

static void
out_str(struct editor *ed, const char *s)
{
	out(ed, s, strlen(s));
}

/* Draws the prompt and line again and puts the cursor back where it belongs. */
static void
refresh(struct editor *ed)
{
	char back[24];

	out_str(ed, "\r");
	out_str(ed, ed->prompt);
	out(ed, ed->line, ed->len);
	out_str(ed, "\x1b[K");
	if (ed->pos < ed->len) {
		snprintf(back, sizeof(back), "\x1b[%zuD", ed->len - ed->pos);
		out_str(ed, back);
	}
}

/* Replaces the whole line with s, cursor at its end. */
static void
set_line(struct editor *ed, const char *s)
{
	ed->len = strnlen(s, EDIT_LINE_MAX - 1);
	memcpy(ed->line, s, ed->len);
	ed->line[ed->len] = '\0';
	ed->pos = ed->len;
	refresh(ed);
}

static void
insert(struct editor *ed, char c)
{
	if (ed->len + 1 >= EDIT_LINE_MAX) {
		out_str(ed, "\a");	/* full: the line will be refused, not run cut */
		ed->overflow = true;
		return;
	}
	memmove(ed->line + ed->pos + 1, ed->line + ed->pos, ed->len - ed->pos + 1);
	ed->line[ed->pos++] = c;
	ed->len++;
	if (ed->pos == ed->len)
		out(ed, &c, 1);
	else
		refresh(ed);
}

/* Removes n bytes at from (within the line). */
static void
erase(struct editor *ed, size_t from, size_t n)
{
	memmove(ed->line + from, ed->line + from + n, ed->len - from - n + 1);
	ed->len -= n;
	if (ed->pos > from)
		ed->pos = ed->pos >= from + n ? ed->pos - n : from;
}

static void
erase_back(struct editor *ed)
{
	if (ed->pos == 0)
		return;
	erase(ed, ed->pos - 1, 1);
	if (ed->pos == ed->len)
		out_str(ed, "\b \b");
	else
		refresh(ed);
}

static void
erase_here(struct editor *ed)
{
	if (ed->pos < ed->len) {
		erase(ed, ed->pos, 1);
		refresh(ed);
	}
}

/* Moves the cursor to pos (ignored when outside the line). */
static void
move_to(struct editor *ed, size_t pos)
{
	if (pos > ed->len || pos == ed->pos)
		return;
	if (pos + 1 == ed->pos) {
		out_str(ed, "\b");
	} else if (pos == ed->pos + 1) {
		out(ed, &ed->line[ed->pos], 1);	/* stepping over a byte is writing it */
	} else {
		ed->pos = pos;
		refresh(ed);
	}
	ed->pos = pos;
}

static void
move_left(struct editor *ed)
{
	if (ed->pos > 0)
		move_to(ed, ed->pos - 1);
}

/* Shows the history line step places older (or newer, for step < 0) than the current. */
static void
browse(struct editor *ed, int step)
{
	int to = ed->browsing + step;
	const char *s;

	if (ed->history == NULL || to < -1 || (to >= 0 && history_get(ed->history, to) == NULL))
		return;
	if (ed->browsing == -1)
		memcpy(ed->draft, ed->line, ed->len + 1);
	ed->browsing = to;
	s = to == -1 ? ed->draft : history_get(ed->history, to);
	set_line(ed, s);
}

static enum edit_result
finish(struct editor *ed, enum edit_result r, const char *echo)
{
	out_str(ed, echo);
	if (r == EDIT_DONE && ed->overflow)
		r = EDIT_TOO_LONG;
	if (r == EDIT_DONE && ed->history != NULL)
		history_add(ed->history, ed->line);
	if (r != EDIT_DONE)
		ed->line[ed->len = ed->pos = 0] = '\0';
	return r;
}

/* The key that ends an escape sequence: ESC [ X, ESC O X, or ESC [ N ~. */
static void
escape_key(struct editor *ed, unsigned char c)
{
	if (c == '~') {		/* VT220 keys: 1 or 7 Home, 3 Delete, 4 or 8 End */
		switch (ed->param) {
		case 1: case 7: move_to(ed, 0); break;
		case 3: erase_here(ed); break;
		case 4: case 8: move_to(ed, ed->len); break;
		default: break;
		}
		return;
	}
	switch (c) {
	case 'A': browse(ed, 1); break;
	case 'B': browse(ed, -1); break;
	case 'C': move_to(ed, ed->pos + 1); break;
	case 'D': move_left(ed); break;
	case 'H': move_to(ed, 0); break;
	case 'F': move_to(ed, ed->len); break;
	default: break;
	}
}

/* Takes a byte of an escape sequence. */
static void
escape_byte(struct editor *ed, unsigned char c)
{
	if (ed->esc == ESC_SEEN) {	/* c is '[' or 'O' */
		ed->esc = c == '[' ? ESC_CSI : ESC_SS3;
		ed->param = 0;
		return;
	}
	if (ed->esc == ESC_CSI && c >= '0' && c <= '9') {
		ed->param = ed->param * 10 + (c - '0');
		return;
	}
	if (ed->esc == ESC_CSI && c == ';')
		return;
	ed->esc = ESC_NONE;
	escape_key(ed, c);
}

void
edit_init(struct editor *ed, struct history *history, edit_write_fn *write, void *ctx)
{
	memset(ed, 0, sizeof(*ed));
	ed->history = history;
	ed->write = write;
	ed->ctx = ctx;
	ed->prompt = "";
	ed->browsing = -1;
}

void
edit_begin(struct editor *ed, const char *prompt)
{
	ed->prompt = prompt;
	ed->line[0] = '\0';
	ed->len = ed->pos = 0;
	ed->browsing = -1;
	ed->esc = ESC_NONE;
	ed->overflow = false;
	out_str(ed, prompt);
}

enum edit_result
edit_key(struct editor *ed, unsigned char c)
{
	bool after_cr = ed->after_cr;

	ed->after_cr = false;
	if (ed->esc == ESC_SEEN && c != '[' && c != 'O')
		ed->esc = ESC_NONE;	/* a lone ESC: the byte after it is an ordinary key */
	if (ed->esc != ESC_NONE) {
		escape_byte(ed, c);
		return EDIT_MORE;
	}
	switch (c) {
	case '\r':
		ed->after_cr = true;
		return finish(ed, EDIT_DONE, "\n");
	case '\n':
		if (after_cr)		/* the LF of a CR LF */
			return EDIT_MORE;
		return finish(ed, EDIT_DONE, "\n");
	case CTRL('C'): return finish(ed, EDIT_INTERRUPT, "^C\n");
	case CTRL('D'):
		if (ed->len == 0)
			return finish(ed, EDIT_EOF, "\n");
		erase_here(ed);
		break;
	case DEL:
	case CTRL('H'): erase_back(ed); break;
	case CTRL('A'): move_to(ed, 0); break;
	case CTRL('E'): move_to(ed, ed->len); break;
	case CTRL('B'): move_left(ed); break;
	case CTRL('F'): move_to(ed, ed->pos + 1); break;
	case CTRL('P'): browse(ed, 1); break;
	case CTRL('N'): browse(ed, -1); break;
	case CTRL('U'): erase(ed, 0, ed->pos); refresh(ed); break;
	case CTRL('K'): erase(ed, ed->pos, ed->len - ed->pos); refresh(ed); break;
	case CTRL('L'): out_str(ed, "\x1b[H\x1b[2J"); refresh(ed); break;
	case ESC: ed->esc = ESC_SEEN; break;
	default:
		if (c >= 0x20 && c < DEL)
			insert(ed, (char)c);
		break;
	}
	return EDIT_MORE;
}
