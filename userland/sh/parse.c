/*
 * The shell's word splitter (see parse.h): a loop over the bytes of the line with the
 * quoting state in a small enum, writing each word's bytes into the caller's buffer.
 */
#include <stdbool.h>
#include <stdio.h>

#include "parse.h"

enum quote { QUOTE_NONE, QUOTE_SINGLE, QUOTE_DOUBLE };

struct parser {
	const char *p;		/* the next byte of the line */
	char *out, *end;	/* where the next byte of a word goes, and the buffer's end */
	int status;		/* what $? expands to */
	struct parse_result *r;
};

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Appends one byte to the current word. Returns false when the buffer is full. */
static bool
put(struct parser *ps, char c)
{
	if (ps->out >= ps->end)
		return false;
	*ps->out++ = c;
	return true;
}

/* Appends the decimal status for $?. Returns false when the buffer is full. */
static bool
put_status(struct parser *ps)
{
	char digits[16];
	int n = snprintf(digits, sizeof(digits), "%d", ps->status);

	for (int i = 0; i < n; i++)
		if (!put(ps, digits[i]))
			return false;
	return true;
}

/*
 * Reads one word starting at ps->p (not a blank) into the buffer, NUL-terminated.
 * Returns NULL on success, or what is wrong.
 */
static const char *
read_word(struct parser *ps)
{
	enum quote q = QUOTE_NONE;
	const char *full = "the line is too long";

	for (; *ps->p != '\0' && (q != QUOTE_NONE || !is_blank(*ps->p)); ps->p++) {
		char c = *ps->p;

		if (q == QUOTE_SINGLE) {
			if (c == '\'')
				q = QUOTE_NONE;
			else if (!put(ps, c))
				return full;
		} else if (c == '\'' && q == QUOTE_NONE) {
			q = QUOTE_SINGLE;
		} else if (c == '"') {
			q = q == QUOTE_DOUBLE ? QUOTE_NONE : QUOTE_DOUBLE;
		} else if (c == '\\' && ps->p[1] != '\0' &&
			   (q == QUOTE_NONE || ps->p[1] == '"' || ps->p[1] == '\\' || ps->p[1] == '$')) {
			if (!put(ps, *++ps->p))
				return full;
		} else if (c == '$' && ps->p[1] == '?') {
			ps->p++;
			if (!put_status(ps))
				return full;
		} else if (!put(ps, c)) {
			return full;
		}
	}
	if (q != QUOTE_NONE)
		return q == QUOTE_SINGLE ? "unterminated '" : "unterminated \"";
	return put(ps, '\0') ? NULL : full;
}

int
parse_line(const char *line, int status, char *buf, size_t size, struct parse_result *r)
{
	struct parser ps = { line, buf, buf + size, status, r };

	r->argc = 0;
	r->error = NULL;
	for (;;) {
		while (is_blank(*ps.p))
			ps.p++;
		if (*ps.p == '\0' || *ps.p == '#')
			break;
		if (r->argc == PARSE_WORDS_MAX) {
			r->error = "too many words";
			break;
		}
		r->argv[r->argc++] = ps.out;
		if ((r->error = read_word(&ps)) != NULL)
			break;
	}
	if (r->error != NULL) {
		r->argc = 0;
		r->argv[0] = NULL;
		return -1;
	}
	r->argv[r->argc] = NULL;
	return r->argc;
}
