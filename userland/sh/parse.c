/*
 * The shell's command-line reader (see parse.h): a loop over the bytes of a pipeline,
 * with the quoting state of the word being read in a small enum, writing each word's
 * bytes into the caller's buffer and pointing argv and redirections at them.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

enum quote { QUOTE_NONE, QUOTE_SINGLE, QUOTE_DOUBLE };

struct parser {
	const char *p;		/* the next byte of the line */
	char *out, *end;	/* where the next byte of a word goes, and the buffer's end */
	const struct parse_env *env;	/* NULL: expand nothing (parse_check) */
	struct command *cmd;	/* the command being read */
	char *word;		/* where the word being read starts */
	bool in_word;		/* whether a word has begun (quotes alone begin one) */
	const char *error;
};

static const char *const full = "the line is too long";

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The bytes that end a word when not quoted, besides blanks. */
static bool
is_operator(char c)
{
	return c == '|' || c == '&' || c == ';' || c == '<' || c == '>';
}

static bool
is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Appends one byte to the current word. Returns false (and sets the error) when full. */
static bool
put(struct parser *ps, char c)
{
	if (ps->out >= ps->end) {
		ps->error = full;
		return false;
	}
	*ps->out++ = c;
	ps->in_word = true;
	return true;
}

/* Ends the current word, if one has begun, and adds it to the command's arguments. */
static bool
end_word(struct parser *ps)
{
	if (!ps->in_word)
		return true;
	if (ps->out >= ps->end) {
		ps->error = full;
		return false;
	}
	*ps->out++ = '\0';
	ps->in_word = false;
	if (ps->cmd->argc == PARSE_WORDS_MAX) {
		ps->error = "too many words";
		return false;
	}
	ps->cmd->argv[ps->cmd->argc++] = ps->word;
	ps->word = ps->out;
	return true;
}

/*
 * Reads the name after a $ at ps->p (which points past the $) into name. Returns its
 * length in the line, or 0 when what follows is not an expansion (the $ is a byte then).
 */
static size_t
expansion_name(const char *p, char *name, size_t size)
{
	size_t n = 0, len;

	if (*p == '?' || *p == '$' || *p == '#' || *p == '!' || is_digit(*p)) {
		name[0] = *p;
		name[1] = '\0';
		return 1;
	}
	if (*p == '{') {
		for (len = 1; is_name_start(p[len]) || (len > 1 && is_digit(p[len])); len++)
			if (n + 1 < size)
				name[n++] = p[len];
		name[n] = '\0';
		return p[len] == '}' && len > 1 ? len + 1 : 0;
	}
	if (!is_name_start(*p))
		return 0;
	for (len = 0; is_name_start(p[len]) || is_digit(p[len]); len++)
		if (n + 1 < size)
			name[n++] = p[len];
	name[n] = '\0';
	return len;
}

/* Puts the value of $name into the word: as it is in "...", split at blanks outside. */
static bool
expand(struct parser *ps, const char *name, bool quoted)
{
	char digits[16];
	const char *v;

	if (!ps->env)
		return true;
	if (strcmp(name, "?") == 0 || strcmp(name, "$") == 0) {
		snprintf(digits, sizeof(digits), "%d", name[0] == '?' ? ps->env->status : ps->env->pid);
		v = digits;
	} else {
		v = ps->env->lookup ? ps->env->lookup(name, ps->env->ctx) : NULL;
	}
	for (; v && *v; v++) {
		if (!quoted && is_blank(*v)) {
			if (!end_word(ps))
				return false;
		} else if (!put(ps, *v)) {
			return false;
		}
	}
	return true;
}

/*
 * Reads one word starting at ps->p (not a blank or an operator) into the buffer: none,
 * one, or several when an expansion outside quotes holds blanks. Returns false with the
 * error set when it cannot.
 */
static bool
read_word(struct parser *ps)
{
	enum quote q = QUOTE_NONE;
	char name[64];
	size_t len;

	for (; *ps->p != '\0' && (q != QUOTE_NONE || !(is_blank(*ps->p) || is_operator(*ps->p)));
	     ps->p++) {
		char c = *ps->p;

		if (q == QUOTE_SINGLE) {
			if (c == '\'')
				q = QUOTE_NONE;
			else if (!put(ps, c))
				return false;
		} else if (c == '\'' && q == QUOTE_NONE) {
			q = QUOTE_SINGLE;
			ps->in_word = true;
		} else if (c == '"') {
			q = q == QUOTE_DOUBLE ? QUOTE_NONE : QUOTE_DOUBLE;
			ps->in_word = true;
		} else if (c == '\\' && ps->p[1] != '\0' &&
			   (q == QUOTE_NONE || ps->p[1] == '"' || ps->p[1] == '\\' || ps->p[1] == '$')) {
			if (!put(ps, *++ps->p))
				return false;
		} else if (c == '$' && (len = expansion_name(ps->p + 1, name, sizeof(name))) > 0) {
			ps->p += len;
			if (!expand(ps, name, q == QUOTE_DOUBLE))
				return false;
		} else if (!put(ps, c)) {
			return false;
		}
	}
	if (q != QUOTE_NONE) {
		ps->error = q == QUOTE_SINGLE ? "unterminated '" : "unterminated \"";
		return false;
	}
	return end_word(ps);
}

/* A syntax error at the operator op ("newline" at the end of the line). */
static bool
unexpected(struct parser *ps, const char *op)
{
	static char msg[80];

	snprintf(msg, sizeof(msg), "syntax error near unexpected %s", op);
	ps->error = msg;
	return false;
}

/* Whether the line has nothing more but blanks and a comment. */
static bool
at_end(const char *p)
{
	while (is_blank(*p))
		p++;
	return *p == '\0' || *p == '#';
}

/*
 * Reads a redirection at ps->p: [N]< [N]> [N]>> [N]>&M, then the path (a word).
 * Returns false with the error set when it is malformed.
 */
static bool
read_redir(struct parser *ps)
{
	struct command *cmd = ps->cmd;
	struct redir *r;
	int fd = -1;

	if (cmd->nredirs == PARSE_REDIRS_MAX) {
		ps->error = "too many redirections";
		return false;
	}
	r = &cmd->redirs[cmd->nredirs];
	if (is_digit(*ps->p))
		fd = *ps->p++ - '0';
	if (*ps->p == '<') {
		r->kind = REDIR_IN;
		ps->p++;
	} else if (ps->p[1] == '>') {
		r->kind = REDIR_APPEND;
		ps->p += 2;
	} else if (ps->p[1] == '&') {
		r->kind = REDIR_DUP;
		ps->p += 2;
		if (!is_digit(*ps->p) || is_digit(ps->p[1]))
			return unexpected(ps, "'>&' (a descriptor 0-9 must follow)");
		r->from = *ps->p++ - '0';
	} else {
		r->kind = REDIR_OUT;
		ps->p++;
	}
	r->fd = fd >= 0 ? fd : r->kind == REDIR_IN ? 0 : 1;
	if (r->kind != REDIR_DUP) {
		int words = cmd->argc;
		while (is_blank(*ps->p))
			ps->p++;
		if (*ps->p == '\0' || *ps->p == '#' || is_operator(*ps->p))
			return unexpected(ps, *ps->p && *ps->p != '#' ? (char[]){ '\'', *ps->p, '\'', 0 } : "newline");
		if (!read_word(ps))
			return false;
		if (cmd->argc != words + 1) {
			ps->error = "a redirection needs one file name";
			return false;
		}
		r->path = cmd->argv[--cmd->argc];	/* the word was the path, not an argument */
		cmd->argv[cmd->argc] = NULL;
	}
	cmd->nredirs++;
	return true;
}

/* Whether a redirection starts at p: < or >, or one digit right before them. */
static bool
redir_starts(const char *p)
{
	return *p == '<' || *p == '>' || (is_digit(*p) && (p[1] == '<' || p[1] == '>'));
}

static bool
command_empty(const struct command *c)
{
	return c->argc == 0 && c->nredirs == 0;
}

/* Reads the operator at ps->p that ends a pipeline. Returns false on a syntax error. */
static bool
read_list_op(struct parser *ps, struct pipeline *pl)
{
	const char *p = ps->p;

	if (*p == '&' && p[1] == '&')
		pl->op = OP_AND, ps->p += 2;
	else if (*p == '|' && p[1] == '|')
		pl->op = OP_OR, ps->p += 2;
	else if (*p == '&')
		pl->op = OP_AMP, ps->p++;
	else if (*p == ';')
		pl->op = OP_SEMI, ps->p++;
	else
		pl->op = OP_END;
	if (command_empty(&pl->cmd[pl->n - 1]))
		return pl->op == OP_END && pl->n > 1 ? unexpected(ps, "newline")
		       : pl->op == OP_END ? true
		       : unexpected(ps, pl->op == OP_AND ? "'&&'" : pl->op == OP_OR ? "'||'"
					: pl->op == OP_AMP ? "'&'" : "';'");
	if ((pl->op == OP_AND || pl->op == OP_OR) && at_end(ps->p))
		return unexpected(ps, "newline");
	return true;
}

int
parse_pipeline(const char **line, const struct parse_env *env, char *buf, size_t size,
	       struct pipeline *pl, const char **error)
{
	struct parser ps = { *line, buf, buf + size, env, NULL, buf, false, NULL };

	pl->n = 1;
	ps.cmd = &pl->cmd[0];
	ps.cmd->argc = ps.cmd->nredirs = 0;
	if (at_end(ps.p))
		return 0;
	for (;;) {
		while (is_blank(*ps.p))
			ps.p++;
		char c = *ps.p;
		if (c == '\0' || c == '#' || c == ';' || (c == '&') || (c == '|' && ps.p[1] == '|')) {
			if (!read_list_op(&ps, pl))
				break;
			pl->cmd[pl->n - 1].argv[pl->cmd[pl->n - 1].argc] = NULL;
			if (pl->op == OP_END)
				ps.p += strlen(ps.p);	/* past a comment */
			*line = ps.p;
			return 1;
		}
		if (c == '|') {
			if (command_empty(ps.cmd) || at_end(ps.p + 1)) {
				unexpected(&ps, command_empty(ps.cmd) ? "'|'" : "newline");
				break;
			}
			if (pl->n == PARSE_PIPE_MAX) {
				ps.error = "too many commands in a pipeline";
				break;
			}
			ps.cmd->argv[ps.cmd->argc] = NULL;
			ps.cmd = &pl->cmd[pl->n++];
			ps.cmd->argc = ps.cmd->nredirs = 0;
			ps.p++;
			continue;
		}
		if (redir_starts(ps.p) ? !read_redir(&ps) : !read_word(&ps))
			break;
	}
	*error = ps.error;
	return -1;
}

int
parse_check(const char *line, const char **error)
{
	static char buf[4096];
	static struct pipeline pl;
	int r;

	while ((r = parse_pipeline(&line, NULL, buf, sizeof(buf), &pl, error)) > 0)
		;
	return r;
}
