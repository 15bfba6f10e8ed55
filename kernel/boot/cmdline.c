/*
 * Questions about the kernel command line: is a word there, and what value does it carry.
 *
 * The command line is a list of words separated by spaces and tabs; a word is either NAME
 * or NAME=VALUE. There is no quoting, so a value cannot contain a space. When a word comes
 * more than once, the first occurrence that answers the question wins.
 */
#include <lib.h>
#include <bootinfo.h>

static bool
is_space(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Finds the next word of the command line at or after *p whose name is name. Returns a
 * pointer just past the name (at '=' or at the end of the word) and leaves *p past that
 * word, or returns NULL when no word is left.
 */
static const char *
next_match(const char **p, const char *name, size_t namelen)
{
	const char *s = *p, *word;

	for (;;) {
		while (is_space(*s))
			s++;
		if (*s == '\0') {
			*p = s;
			return NULL;
		}
		word = s;
		while (*s != '\0' && !is_space(*s))
			s++;
		/* The word must be the name itself or the name followed by '='. */
		if ((size_t)(s - word) >= namelen && strncmp(word, name, namelen) == 0 &&
		    (word + namelen == s || word[namelen] == '=')) {
			*p = s;
			return word + namelen;
		}
	}
}

/*
 * Returns true when word is on the command line, alone ("quiet") or with a value
 * ("ktest=mm"). A word that merely starts with it ("ktests") does not count. An empty word
 * or a NULL command line is never found.
 */
bool
cmdline_has(const char *cmdline, const char *word)
{
	size_t n;

	if (cmdline == NULL || word == NULL || (n = strlen(word)) == 0)
		return false;
	return next_match(&cmdline, word, n) != NULL;
}

/*
 * Copies the value of the first word=VALUE on the command line into buf, truncated to
 * len - 1 bytes and NUL-terminated (nothing is written when len is 0). Returns the whole
 * value's length, which may be 0 ("init="), so a result of len or more means it was cut
 * short. Returns -1 when the word is absent or appears only without a value.
 */
int
cmdline_get(const char *cmdline, const char *word, char *buf, size_t len)
{
	const char *p, *val, *end;
	size_t n, vlen;

	if (cmdline == NULL || word == NULL || (n = strlen(word)) == 0)
		return -1;
	p = cmdline;
	while ((val = next_match(&p, word, n)) != NULL) {
		if (*val != '=')
			continue;	/* the bare word: look for a later one with a value */
		val++;
		for (end = val; *end != '\0' && !is_space(*end); end++)
			;
		vlen = (size_t)(end - val);
		if (len > 0) {
			size_t copy = MIN(vlen, len - 1);

			memcpy(buf, val, copy);
			buf[copy] = '\0';
		}
		return vlen > INT_MAX ? INT_MAX : (int)vlen;
	}
	return -1;
}
