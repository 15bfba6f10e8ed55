/*
 * yes: prints its arguments joined by spaces (or "y") and a newline, over and over, until
 * a write fails; that is how it ends when the reader of its pipe has gone (EPIPE), since
 * Keel has no SIGPIPE. Lines go out many to a write.
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define YES_BUF	4096

int
main(int argc, char **argv)
{
	size_t len = 0, used = 0;
	char *line, *buf;

	for (int i = 1; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if (argc < 2)
		len = 2;
	line = malloc(len);
	buf = malloc(len > YES_BUF ? len : YES_BUF);
	if (line == NULL || buf == NULL)
		errx(1, "out of memory");
	if (argc < 2) {
		memcpy(line, "y\n", 2);
	} else {
		for (int i = 1, at = 0; i < argc; i++) {
			size_t n = strlen(argv[i]);

			memcpy(line + at, argv[i], n);
			at += (int)n;
			line[at++] = i + 1 < argc ? ' ' : '\n';
		}
	}
	do {		/* as many whole lines as fit, at least one */
		memcpy(buf + used, line, len);
		used += len;
	} while (used + len <= YES_BUF);
	for (;;)
		if (write_all(STDOUT_FILENO, buf, used) < 0)
			err(1, "standard output");
}
