/*
 * Reading a command line, as a small Bourne shell would. A line is a list of pipelines
 * joined by ; & && ||, a pipeline is commands joined by |, a command is words and
 * redirections (< > >> N> N>> N< N>&M). Words are separated by blanks and by those
 * operators; '...' keeps everything literally; "..." keeps blanks and expands; a
 * backslash takes the next byte literally (in "..." only before " \ $); a # that starts a
 * word starts a comment. $? $$ $NAME ${NAME} $0-$9 and $# expand outside single quotes;
 * outside double quotes the value is split at blanks into words, and an empty one makes
 * no word. Any other $ is an ordinary byte, as are bytes >= 0x80.
 *
 * The line is read one pipeline at a time, so that $? in a later pipeline is the status
 * of the one before it; parse_check reads a whole line first, so a syntax error anywhere
 * runs nothing. This file does no I/O, so the host tests can try it.
 */
#ifndef KEEL_SH_PARSE_H
#define KEEL_SH_PARSE_H

#include <stddef.h>

#define PARSE_WORDS_MAX		64	/* words of one command, argv[0] included */
#define PARSE_REDIRS_MAX	8	/* redirections of one command */
#define PARSE_PIPE_MAX		16	/* commands in one pipeline */

enum redir_kind {
	REDIR_IN,		/* N<path: read, N is 0 unless given */
	REDIR_OUT,		/* N>path: create or truncate, N is 1 unless given */
	REDIR_APPEND,		/* N>>path */
	REDIR_DUP,		/* N>&M: N becomes a copy of M */
};

struct redir {
	enum redir_kind kind;
	int fd;
	int from;		/* REDIR_DUP: M */
	const char *path;	/* the others */
};

struct command {
	int argc;		/* 0 for a command of redirections only */
	char *argv[PARSE_WORDS_MAX + 1];	/* NULL-terminated; point into the caller's buffer */
	int nredirs;
	struct redir redirs[PARSE_REDIRS_MAX];	/* in the order given */
};

/* What follows a pipeline in its list. */
enum list_op { OP_END, OP_SEMI, OP_AMP, OP_AND, OP_OR };

struct pipeline {
	int n;			/* commands, at least 1 */
	struct command cmd[PARSE_PIPE_MAX];
	enum list_op op;
};

/* What expansions expand to. */
struct parse_env {
	int status;		/* $? */
	int pid;		/* $$ */
	/* The value of the variable name (NAME, or a digit, or "#"), NULL when unset. */
	const char *(*lookup)(const char *name, void *ctx);
	void *ctx;
};

/*
 * Reads the next pipeline of the line at *line, expanding with env, into *pl, its words
 * stored in buf (size bytes), and moves *line past the operator after it. Returns 1, 0
 * when the line has nothing more, or -1 with *error set (a syntax error, an unterminated
 * quote, a pipeline that does not fit the limits above or in buf).
 */
int parse_pipeline(const char **line, const struct parse_env *env, char *buf, size_t size,
		   struct pipeline *pl, const char **error);

/* Reads the whole line without expanding anything. Returns 0, or -1 with *error set. */
int parse_check(const char *line, const char **error);

#endif
