/*
 * head: prints the first 10 lines (-n N lines, -c N bytes) of files or standard input,
 * as GNU head does: for several files each comes after a "==> NAME <==" header, the
 * headers after the first with an empty line before them (-q leaves headers out, -v
 * prints one even for a single file). "-n -N" prints all but the last N lines (and
 * "-c -N" all but the last N bytes), reading the whole input first. The old form
 * "head -N" is "head -n N".
 */
#include <err.h>
#include <errno.h>
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
	bool bytes;		/* -c: count bytes, not lines */
	bool all_but;		/* "-N": all but the last count */
	unsigned long count;
	bool headers, printed_one;
	struct outbuf out;
} head = { .count = 10, .out = { .fd = STDOUT_FILENO } };

/* Reads a count for -n or -c, "+" allowed, "-" for all but; a bad one ends the program. */
static void
parse_count(const char *s, const char *what)
{
	const char *digits = s + (*s == '+' || *s == '-');
	char *end;

	errno = 0;
	head.count = strtoul(digits, &end, 10);
	if (*digits < '0' || *digits > '9' || *end != '\0' || errno != 0)
		errx(1, "invalid number of %s: '%s'", what, s);
	head.all_but = *s == '-';
}

/* Copies all but the last lines or bytes of fd. Returns 0, or -1 when a read fails. */
static int
head_all_but(int fd)
{
	char *data;
	ssize_t len = read_all(fd, &data);
	size_t end;
	unsigned long n = 0;

	if (len < 0)
		return -1;
	end = (size_t)len;
	if (head.bytes) {
		end = head.count < end ? end - head.count : 0;
	} else {
		unsigned long lines = 0, keep;

		for (size_t i = 0; i < end; i++)
			lines += data[i] == '\n';
		if (end > 0 && data[end - 1] != '\n')	/* a last line without its newline */
			lines++;
		keep = lines > head.count ? lines - head.count : 0;
		for (end = 0; end < (size_t)len && n < keep; end++)
			n += data[end] == '\n';
	}
	out_write(&head.out, data, end);
	free(data);
	return 0;
}

/* Copies the first lines or bytes of fd. Returns 0, or -1 when a read fails. */
static int
head_fd(int fd)
{
	unsigned long left = head.count;

	if (head.all_but)
		return head_all_but(fd);
	if (head.bytes) {
		char buf[4096];

		while (left > 0) {
			ssize_t n = read(fd, buf, left < sizeof(buf) ? left : sizeof(buf));

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return n < 0 ? -1 : 0;
			out_write(&head.out, buf, (size_t)n);
			left -= (unsigned long)n;
		}
		return 0;
	}

	struct line_reader r;
	ssize_t n = 0;
	char *line;

	lines_init(&r, fd);
	while (left > 0 && (n = lines_next(&r, &line)) > 0) {
		out_write(&head.out, line, (size_t)n);
		left--;
	}
	lines_free(&r);
	return n < 0 ? -1 : 0;
}

/* Prints the head of one file ("-" is standard input). Returns 0 or -1. */
static int
head_file(const char *file)
{
	bool std = strcmp(file, "-") == 0;
	int fd = std ? STDIN_FILENO : open(file, O_RDONLY);
	int r;

	if (fd < 0) {
		out_flush(&head.out);
		warn("cannot open '%s' for reading", file);
		return -1;
	}
	if (head.headers) {
		out_printf(&head.out, "%s==> %s <==\n", head.printed_one ? "\n" : "",
			   std ? "standard input" : file);
		head.printed_one = true;
	}
	r = head_fd(fd);
	if (r < 0) {
		out_flush(&head.out);
		warn("error reading '%s'", std ? "standard input" : file);
	}
	if (!std)
		close(fd);
	return r;
}

int
main(int argc, char **argv)
{
	int c, status = 0, quiet = 0, verbose = 0;

	/* "head -5" is "head -n 5". */
	if (argc > 1 && argv[1][0] == '-' && argv[1][1] >= '0' && argv[1][1] <= '9') {
		parse_count(argv[1] + 1, "lines");
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	while ((c = getopt(argc, argv, "c:n:qv")) != -1) {
		switch (c) {
		case 'c': head.bytes = true; parse_count(optarg, "bytes"); break;
		case 'n': head.bytes = false; parse_count(optarg, "lines"); break;
		case 'q': quiet = 1; verbose = 0; break;
		case 'v': verbose = 1; quiet = 0; break;
		default:
			fprintf(stderr, "usage: head [-qv] [-n LINES | -c BYTES] [FILE]...\n");
			return 2;
		}
	}
	head.headers = verbose || (!quiet && argc - optind > 1);
	if (optind == argc)
		status = head_file("-") < 0;
	for (int i = optind; i < argc; i++)
		if (head_file(argv[i]) < 0)
			status = 1;
	out_flush(&head.out);
	return status;
}
