/*
 * The shell's word splitting (userland/sh/parse.c) on the host: broken lines first
 * (unterminated quotes, too many words, a full buffer), then blanks, quotes, backslashes,
 * comments and $? expansion, including the "echo MARK$?" line serialterm --exec sends.
 */
#include <stdio.h>
#include <string.h>

#include "../unit/tap.h"
#include "parse.h"

static struct parse_result r;
static char buf[512];

/* Parses line with $? = status and returns the words joined by '|' (or "ERROR: ..."). */
static const char *
words(const char *line, int status)
{
	static char out[1024];
	size_t n = 0;

	if (parse_line(line, status, buf, sizeof(buf), &r) < 0) {
		snprintf(out, sizeof(out), "ERROR: %s", r.error);
		return out;
	}
	out[0] = '\0';
	for (int i = 0; i < r.argc; i++)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", i ? "|" : "", r.argv[i]);
	return out;
}

static void
test_errors(void)
{
	char many[200] = "";
	char small[8];

	is_str(words("echo 'abc", 0), "ERROR: unterminated '", "an open single quote");
	is_str(words("echo \"abc", 0), "ERROR: unterminated \"", "an open double quote");
	is_str(words("echo \"it's", 0), "ERROR: unterminated \"", "a ' inside \" does not close it");
	for (int i = 0; i <= PARSE_WORDS_MAX; i++)
		strcat(many, "w ");
	is_str(words(many, 0), "ERROR: too many words", "%d words are too many", PARSE_WORDS_MAX + 1);
	is_int(r.argc, 0, "... and a failed parse leaves no words");
	ok(r.argv[0] == NULL, "... and argv[0] NULL");
	is_int(parse_line("abcdefgh", 0, small, sizeof(small), &r), -1,
	       "a word longer than the buffer fails");
	is_int(parse_line("abc defg", 0, small, sizeof(small), &r), -1,
	       "words that together overflow the buffer fail");
	is_int(parse_line("$? $?", 123, small, 7, &r), -1, "expansions count against the buffer");
	is_int(parse_line("abc def", 0, small, sizeof(small), &r), 2,
	       "words that fit exactly, NULs included, do not fail");
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
	is_str(words("echo $ $x $", 5), "echo|$|$x|$", "any other $ is a $");
	is_str(words("$?", 2), "2", "$? can be the command word");
}

int
main(void)
{
	test_errors();
	test_words();
	test_quotes();
	test_status();
	return done_testing();
}
