/*
 * The shell's word splitting (userland/sh/parse.c) on the host: broken lines first
 * (unterminated quotes, too many words, a full buffer), then blanks, quotes, backslashes,
 * comments and $? expansion, including the "echo MARK$?" line serialterm --exec sends.
 */
#include <stdio.h>
#include <string.h>

#include "../unit/tap.h"
#include "parse.h"

static struct pipeline pl;
static char buf[512];
static struct { int argc; char **argv; } r;	/* the first command of the last parse */

static const char *
lookup(const char *name, void *ctx)
{
	(void)ctx;
	if (strcmp(name, "HOME") == 0)
		return "/root";
	if (strcmp(name, "SPACED") == 0)
		return " a  b ";
	if (strcmp(name, "EMPTY") == 0)
		return "";
	if (strcmp(name, "1") == 0)
		return "one";
	if (strcmp(name, "#") == 0)
		return "1";
	return NULL;
}

/* Parses the first pipeline of line with $? = status; returns its first command's words joined by '|' (or "ERROR: ..."). */
static const char *
words(const char *line, int status)
{
	static char out[1024];
	struct parse_env env = { status, 42, lookup, NULL };
	const char *error = NULL;
	size_t n = 0;
	int got = parse_pipeline(&line, &env, buf, sizeof(buf), &pl, &error);

	r.argc = 0;
	r.argv = pl.cmd[0].argv;
	if (got < 0) {
		snprintf(out, sizeof(out), "ERROR: %s", error);
		return out;
	}
	out[0] = '\0';
	if (got == 0)
		return out;
	r.argc = pl.cmd[0].argc;
	for (int i = 0; i < r.argc; i++)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", i ? "|" : "", r.argv[i]);
	return out;
}

/* The whole line as the shell reads it: pipelines as "a b | c" joined by their operators, redirections as [fd kind path]. */
static const char *
structure(const char *line)
{
	static const char *const ops[] = { "", " ; ", " & ", " && ", " || " };
	static const char *const kinds[] = { "<", ">", ">>", ">&" };
	static char out[2048];
	struct parse_env env = { 0, 42, lookup, NULL };
	const char *error = NULL;
	size_t n = 0;
	int got;

	out[0] = '\0';
	while ((got = parse_pipeline(&line, &env, buf, sizeof(buf), &pl, &error)) > 0) {
		for (int c = 0; c < pl.n; c++) {
			const struct command *cmd = &pl.cmd[c];
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%s", c ? " | " : "");
			for (int i = 0; i < cmd->argc; i++)
				n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", i ? " " : "",
						      cmd->argv[i]);
			for (int i = 0; i < cmd->nredirs; i++) {
				const struct redir *rd = &cmd->redirs[i];
				if (rd->kind == REDIR_DUP)
					n += (size_t)snprintf(out + n, sizeof(out) - n, "[%d>&%d]", rd->fd, rd->from);
				else
					n += (size_t)snprintf(out + n, sizeof(out) - n, "[%d%s%s]", rd->fd,
							      kinds[rd->kind], rd->path);
			}
		}
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s", ops[pl.op]);
	}
	if (got < 0)
		snprintf(out, sizeof(out), "ERROR: %s", error);
	return out;
}

/* Parses line into a buffer of size bytes. Returns what parse_pipeline returns. */
static int
parse_small(const char *line, size_t size, char *small)
{
	struct parse_env env = { 123, 42, lookup, NULL };
	const char *error;

	return parse_pipeline(&line, &env, small, size, &pl, &error);
}

static void
test_errors(void)
{
	char many[200] = "";
	char small[8];
	const char *error;

	is_str(words("echo 'abc", 0), "ERROR: unterminated '", "an open single quote");
	is_str(words("echo \"abc", 0), "ERROR: unterminated \"", "an open double quote");
	is_str(words("echo \"it's", 0), "ERROR: unterminated \"", "a ' inside \" does not close it");
	for (int i = 0; i <= PARSE_WORDS_MAX; i++)
		strcat(many, "w ");
	is_str(words(many, 0), "ERROR: too many words", "%d words are too many", PARSE_WORDS_MAX + 1);
	is_int(r.argc, 0, "... and a failed parse leaves no words");
	is_int(parse_small("abcdefgh", sizeof(small), small), -1, "a word longer than the buffer fails");
	is_int(parse_small("abc defg", sizeof(small), small), -1,
	       "words that together overflow the buffer fail");
	is_int(parse_small("$? $?", 7, small), -1, "expansions count against the buffer");
	is_int(parse_small("abc def", sizeof(small), small), 1,
	       "words that fit exactly, NULs included, do not fail");
	is_str(structure("ls |"), "ERROR: syntax error near unexpected newline", "a pipe to nothing");
	is_str(structure("| ls"), "ERROR: syntax error near unexpected '|'", "a pipe from nothing");
	is_str(structure("ls | | wc"), "ERROR: syntax error near unexpected '|'", "an empty command in a pipeline");
	is_str(structure("; ls"), "ERROR: syntax error near unexpected ';'", "a list from nothing");
	is_str(structure("ls &&"), "ERROR: syntax error near unexpected newline", "&& at the end");
	is_str(structure("ls && || wc"), "ERROR: syntax error near unexpected '||'", "&& then ||");
	is_str(structure("echo >"), "ERROR: syntax error near unexpected newline", "> without a file");
	is_str(structure("echo > | wc"), "ERROR: syntax error near unexpected '|'", "> then |");
	is_str(structure("echo 2>&x"), "ERROR: syntax error near unexpected '>&' (a descriptor 0-9 must follow)",
	       ">& needs a descriptor");
	is_str(structure("echo >$EMPTY"), "ERROR: a redirection needs one file name", "a file name that expands to nothing");
	is_str(structure("echo >$SPACED"), "ERROR: a redirection needs one file name", "... or to two");
	is_int(parse_check("echo a; ls |", &error), -1, "parse_check finds an error after a good pipeline");
	is_int(parse_check("echo $? && ls", &error), 0, "... and passes a good line");
}

static void
test_words(void)
{
	is_str(words("", 0), "", "an empty line has no words");
	is_int(r.argc, 0, "... argc 0");
	is_str(words(" \t  ", 0), "", "a blank line has none");
	is_str(words("ls", 0), "ls", "one word");
	ok(r.argv[1] == NULL, "argv ends with NULL");
	is_str(words("  ls   -l\t/bin  ", 0), "ls|-l|/bin", "blanks and tabs separate words");
	is_str(words("echo hi\r", 0), "echo|hi", "a CR at the end is a blank");
	is_str(words("# a comment", 0), "", "a line that is a comment has no words");
	is_str(words("echo a # b c", 0), "echo|a", "a # that starts a word starts a comment");
	is_str(words("echo a#b", 0), "echo|a#b", "a # inside a word is a #");
}

static void
test_quotes(void)
{
	is_str(words("echo 'a  b' \"c  d\"", 0), "echo|a  b|c  d", "quotes keep blanks");
	is_str(words("echo ''", 0), "echo|", "'' is an empty word");
	is_str(words("echo \"\"x", 0), "echo|x", "\"\" next to text adds nothing");
	is_str(words("echo a'b'\"c\"d", 0), "echo|abcd", "quoted parts join the word");
	is_str(words("echo \"it's\"", 0), "echo|it's", "' inside \"\"");
	is_str(words("echo '\"'", 0), "echo|\"", "\" inside ''");
	is_str(words("echo a\\ b", 0), "echo|a b", "a backslash keeps a blank");
	is_str(words("echo \\'x", 0), "echo|'x", "a backslash keeps a quote");
	is_str(words("echo '\\n'", 0), "echo|\\n", "no escapes inside ''");
	is_str(words("echo \"a\\\"b\\\\c\\n\"", 0), "echo|a\"b\\c\\n",
	       "inside \"\" a backslash escapes only \" \\ and $");
	is_str(words("echo end\\", 0), "echo|end\\", "a backslash at the end stays");
}

static void
test_status(void)
{
	is_str(words("echo $?", 0), "echo|0", "$? expands to the status");
	is_str(words("echo $?", 127), "echo|127", "... whatever it is");
	is_str(words("echo __serialterm_4242_0:$?", 130), "echo|__serialterm_4242_0:130",
	       "the status line serialterm --exec sends");
	is_str(words("echo \"[$?]\"", 1), "echo|[1]", "$? expands inside \"\"");
	is_str(words("echo '$?'", 1), "echo|$?", "... but not inside ''");
	is_str(words("echo \\$?", 1), "echo|$?", "... nor after a backslash");
	is_str(words("echo $?$?", 12), "echo|1212", "twice in a word");
	is_str(words("echo $ $% $", 5), "echo|$|$%|$", "any other $ is a $");
	is_str(words("$?", 2), "2", "$? can be the command word");
}

static void
test_variables(void)
{
	is_str(words("echo $HOME ${HOME}x \"$HOME\"", 0), "echo|/root|/rootx|/root", "$NAME and ${NAME}");
	is_str(words("echo $UNSET x", 0), "echo|x", "an unset variable outside quotes makes no word");
	is_str(words("echo \"$UNSET\" x", 0), "echo||x", "... inside quotes an empty one");
	is_str(words("echo $SPACED", 0), "echo|a|b", "outside quotes a value splits at blanks");
	is_str(words("echo \"$SPACED\"", 0), "echo| a  b ", "... inside quotes it does not");
	is_str(words("echo x$SPACED", 0), "echo|x|a|b", "... and the split joins the text before");
	is_str(words("echo $$ $1 $#", 0), "echo|42|one|1", "$$, $1 and $#");
	is_str(words("echo '$HOME' \\$HOME", 0), "echo|$HOME|$HOME", "not in '' or after a backslash");
	is_str(words("echo ${HOME", 0), "echo|${HOME", "an unclosed ${ is text");
	is_str(words("echo caf\xc3\xa9", 0), "echo|caf\xc3\xa9", "bytes >= 0x80 are kept");
}

static void
test_operators(void)
{
	is_str(structure("a | b | c"), "a | b | c", "a pipeline");
	is_str(structure("a|b"), "a | b", "| needs no blanks");
	is_str(structure("a 'x|y' \"|\" \\|"), "a x|y | |", "a quoted | is a byte");
	is_str(structure("a; b & c && d || e"), "a ; b & c && d || e", "lists");
	is_str(structure("a;"), "a ; ", "a ; at the end");
	is_str(structure("a &"), "a & ", "a background job");
	is_str(structure("sort < in > out"), "sort[0<in][1>out]", "< and >");
	is_str(structure("echo x >> log 2>&1"), "echo x[1>>log][2>&1]", ">> and 2>&1");
	is_str(structure("cmd 2>err 2>>err2 0<in"), "cmd[2>err][2>>err2][0<in]", "numbered redirections");
	is_str(structure("echo a2>f"), "echo a2[1>f]", "a digit inside a word is not a descriptor");
	is_str(structure("echo 12>f"), "echo 12[1>f]", "... nor two digits");
	is_str(structure(">out"), "[1>out]", "a command of redirections only");
	is_str(structure("echo >\"a b\""), "echo[1>a b]", "a quoted file name");
	is_str(structure("echo a # | b"), "echo a", "a comment hides operators");
	is_str(structure("echo a#|b"), "echo a# | b", "a # inside a word is a byte");
}

int
main(void)
{
	test_errors();
	test_words();
	test_quotes();
	test_status();
	test_variables();
	test_operators();
	return done_testing();
}
