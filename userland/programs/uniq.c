/*
 * uniq: prints the lines of INPUT (or standard input) with runs of equal adjacent lines
 * shown once, to OUTPUT (or standard output), as GNU uniq does: -c puts each run's
 * count before it ("%7lu "), -d prints only runs of more than one line, -u only lines
 * that have no equal neighbour, -i compares without regard to case. A last line without
 * a newline is compared and printed as if it had one.
 */
#include <ctype.h>
#include <err.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linereader.h>
#include <outbuf.h>

static struct {
	bool count, repeated, unique, ignore_case;
	char *prev;		/* the run's first line, without its newline */
	size_t prev_len, prev_cap;
	unsigned long run;	/* lines in the run */
	struct outbuf out;
} uniq = { .out = { .fd = STDOUT_FILENO } };

static bool
same(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++)
		if (a[i] != b[i] && (!uniq.ignore_case ||
		    tolower((unsigned char)a[i]) != tolower((unsigned char)b[i])))
			return false;
	return true;
}

/* Prints the run that has ended, if the options select it. */
static void
end_run(void)
{
	if (uniq.run == 0 || (uniq.repeated && uniq.run == 1) || (uniq.unique && uniq.run > 1))
		return;
	if (uniq.count)
		out_printf(&uniq.out, "%7lu ", uniq.run);
	out_write(&uniq.out, uniq.prev, uniq.prev_len);
	out_write(&uniq.out, "\n", 1);
}

/* Starts a run with this line. */
static void
start_run(const char *line, size_t len)
{
	if (len > uniq.prev_cap) {
		char *p = realloc(uniq.prev, len);

		if (p == NULL)
			errx(1, "out of memory");
		uniq.prev = p;
		uniq.prev_cap = len;
	}
	memcpy(uniq.prev, line, len);
	uniq.prev_len = len;
	uniq.run = 1;
}

int
main(int argc, char **argv)
{
	struct line_reader r;
	const char *input = "-";
	char *line;
	ssize_t n;
	int c, fd = STDIN_FILENO;

	while ((c = getopt(argc, argv, "cdiu")) != -1) {
		switch (c) {
		case 'c': uniq.count = true; break;
		case 'd': uniq.repeated = true; break;
		case 'i': uniq.ignore_case = true; break;
		case 'u': uniq.unique = true; break;
		default:
			fprintf(stderr, "usage: uniq [-cdiu] [INPUT [OUTPUT]]\n");
			return 2;
		}
	}
	if (argc - optind > 2) {
		warnx("extra operand '%s'", argv[optind + 2]);
		return 2;
	}
	if (optind < argc)
		input = argv[optind];
	if (strcmp(input, "-") != 0 && (fd = open(input, O_RDONLY)) < 0)
		err(1, "%s", input);
	if (argc - optind == 2 && strcmp(argv[optind + 1], "-") != 0) {
		uniq.out.fd = open(argv[optind + 1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (uniq.out.fd < 0)
			err(1, "%s", argv[optind + 1]);
	}
	lines_init(&r, fd);
	while ((n = lines_next(&r, &line)) > 0) {
		size_t len = (size_t)n - (line[n - 1] == '\n');

		if (uniq.run > 0 && same(uniq.prev, uniq.prev_len, line, len)) {
			uniq.run++;
			continue;
		}
		end_run();
		start_run(line, len);
	}
	end_run();
	out_flush(&uniq.out);
	if (n < 0)
		err(1, "%s", input);
	return 0;
}
