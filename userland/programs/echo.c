/*
 * echo: prints its arguments, separated by spaces, and a newline (none with -n). With -e
 * it reads backslash escapes as GNU echo does: \\ \a \b \e \n \r \t, \0NNN (octal), and
 * \c (stop here, no newline); so a script can write the console's colour sequences.
 */
#include <stdio.h>
#include <string.h>

static int newline = 1;

/* Prints s with its escapes read. Returns 0 after \c, which ends all output. */
static int
put_escaped(const char *s)
{
	static const char from[] = "\\abenrt", to[] = "\\\a\b\x1b\n\r\t";

	for (; *s; s++) {
		const char *e;
		if (*s != '\\' || !s[1]) {
			putchar(*s);
		} else if (s[1] == 'c') {
			newline = 0;
			return 0;
		} else if (s[1] == '0') {
			int v = 0, i;
			for (i = 0, s += 2; i < 3 && *s >= '0' && *s <= '7'; i++, s++)
				v = v * 8 + (*s - '0');
			putchar(v);
			s--;
		} else if ((e = strchr(from, s[1]))) {
			putchar(to[e - from]);
			s++;
		} else {
			putchar(*s);	/* not an escape: the backslash stays */
		}
	}
	return 1;
}

int
main(int argc, char **argv)
{
	int i = 1, escapes = 0;

	for (; i < argc && (strcmp(argv[i], "-n") == 0 || strcmp(argv[i], "-e") == 0); i++) {
		if (argv[i][1] == 'n')
			newline = 0;
		else
			escapes = 1;
	}
	for (int first = i; i < argc; i++) {
		if (i > first)
			putchar(' ');
		if (!escapes)
			fputs(argv[i], stdout);
		else if (!put_escaped(argv[i]))
			break;
	}
	if (newline)
		putchar('\n');
	return 0;
}
