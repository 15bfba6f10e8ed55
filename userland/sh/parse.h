/*
 * Splitting a command line into words, as a small Bourne shell would: words are separated
 * by blanks; '...' keeps everything literally; "..." keeps blanks and expands $?; a
 * backslash takes the next byte literally (in "..." only before " \ $); $? anywhere outside
 * single quotes becomes the last command's status; a # that starts a word starts a comment.
 * Any other $ is an ordinary byte. This file does no I/O, so the host tests can try it.
 */
#ifndef KEEL_SH_PARSE_H
#define KEEL_SH_PARSE_H

#include <stddef.h>

#define PARSE_WORDS_MAX	32	/* words in one command line, argv[0] included */

struct parse_result {
	int argc;			/* 0 for a blank line or a comment */
	char *argv[PARSE_WORDS_MAX + 1];	/* NULL-terminated; point into the caller's buffer */
	const char *error;		/* when parse_line returns -1: what is wrong */
};

/*
 * Splits line into words stored in buf (size bytes), with $? expanding to status.
 * Returns the word count (also in r->argc), or -1 with r->error set for an unterminated
 * quote, a line whose words do not fit in buf, or too many words.
 */
int parse_line(const char *line, int status, char *buf, size_t size, struct parse_result *r);

#endif
