/*
 * tail: prints the last 10 lines (-n N lines, -c N bytes) of files or standard input, or
 * with "+N" everything from line (byte) N on, as GNU tail does; several files get
 * "==> NAME <==" headers as in head. The old form "tail -N" is "tail -n N". Each input
 * is read whole into memory first, which is simple and right for Keel's in-memory files;
 * there is no -f.
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
	bool from_start;	/* "+N": from the Nth on */
	unsigned long count;
	bool headers, printed_one;
	struct outbuf out;
} tail = { .count = 10, .out = { .fd = STDOUT_FILENO } };

/* Reads a count for -n or -c, with an optional "+" (from the start) or "-". */
static void
parse_count(const char *s, const char *what)
{
	const char *digits = s + (*s == '+' || *s == '-');
	char *end;

	errno = 0;
	tail.count = strtoul(digits, &end, 10);
	if (*digits < '0' || *digits > '9' || *end != '\0' || errno != 0)
		errx(1, "invalid number of %s: '%s'", what, s);
	tail.from_start = *s == '+';
}

/* The offset in data (len bytes) where the output starts. */
static size_t
tail_start(const char *data, size_t len)
{
	size_t i;
	unsigned long n;

	if (tail.bytes) {
		if (tail.from_start)	/* "+N": byte N, counting from 1 */
			return tail.count > len ? len : tail.count > 0 ? tail.count - 1 : 0;
		return tail.count > len ? 0 : len - tail.count;
	}
	if (tail.from_start) {		/* "+N": after N - 1 newlines */
		for (i = 0, n = 1; i < len && n < tail.count; i++)
			if (data[i] == '\n')
				n++;
		return i;
	}
	if (tail.count == 0)
		return len;
	/* Back from the end, counting newlines; the last line's own one does not count. */
	i = len;
	if (i > 0 && data[i - 1] == '\n')
		i--;
	for (n = 0; i > 0; i--)
		if (data[i - 1] == '\n' && ++n == tail.count)
			break;
	return i;
}

/* Prints the tail of one file ("-" is standard input). Returns 0 or -1. */
static int
tail_file(const char *file)
{
	bool std = strcmp(file, "-") == 0;
	const char *name = std ? "standard input" : file;
	int fd = std ? STDIN_FILENO : open(file, O_RDONLY);
	char *data;
	ssize_t len;

	if (fd < 0) {
		out_flush(&tail.out);
		warn("cannot open '%s' for reading", file);
		return -1;
	}
	if (tail.headers) {
		out_printf(&tail.out, "%s==> %s <==\n", tail.printed_one ? "\n" : "", name);
		tail.printed_one = true;
	}
	len = read_all(fd, &data);
	if (!std)
		close(fd);
	if (len < 0) {
		out_flush(&tail.out);
		warn("error reading '%s'", name);
		return -1;
	}
	if (len > 0) {
		size_t start = tail_start(data, (size_t)len);

		out_write(&tail.out, data + start, (size_t)len - start);
	}
	free(data);
	return 0;
}

int
main(int argc, char **argv)
{
	int c, status = 0, quiet = 0, verbose = 0;

	/* "tail -5" is "tail -n 5". */
	if (argc > 1 && argv[1][0] == '-' && argv[1][1] >= '0' && argv[1][1] <= '9') {
		parse_count(argv[1], "lines");
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	while ((c = getopt(argc, argv, "c:n:qv")) != -1) {
		switch (c) {
		case 'c': tail.bytes = true; parse_count(optarg, "bytes"); break;
		case 'n': tail.bytes = false; parse_count(optarg, "lines"); break;
		case 'q': quiet = 1; verbose = 0; break;
		case 'v': verbose = 1; quiet = 0; break;
		default:
			fprintf(stderr, "usage: tail [-qv] [-n [+]LINES | -c [+]BYTES] [FILE]...\n");
			return 2;
		}
	}
	tail.headers = verbose || (!quiet && argc - optind > 1);
	if (optind == argc)
		status = tail_file("-") < 0;
	for (int i = optind; i < argc; i++)
		if (tail_file(argv[i]) < 0)
			status = 1;
	out_flush(&tail.out);
	return status;
}
