/*
 * dd: copies blocks from if= (standard input) to of= (standard output) as POSIX dd does,
 * for reading and writing disks at sector offsets: bs=N bytes a block, count=N blocks,
 * skip=N blocks of the input and seek=N blocks of the output first. The output is not
 * truncated (it is usually a disk). Like GNU dd, it reports the records and bytes moved
 * and the rate on standard error. A short read is written as it is and counts as a
 * partial record.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <keel.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DD_BS_MAX	(1ul << 20)

static struct {
	const char *in, *out;
	unsigned long bs, count, skip, seek;
	bool have_count;
} dd = { .bs = 512 };

/* A number operand: digits, optionally k (1024) or M (1024 * 1024). */
static unsigned long
number(const char *op, const char *s)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (*end == 'k' || *end == 'K')
		n *= 1024, end++;
	else if (*end == 'M')
		n *= 1024 * 1024, end++;
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0)
		errx(2, "invalid number for %s: '%s'", op, s);
	return n;
}

static void
parse(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq)
			errx(2, "unrecognized operand '%s' (usage: dd [if=F] [of=F] [bs=N] "
			     "[count=N] [skip=N] [seek=N])", argv[i]);
		*eq = '\0';
		const char *op = argv[i], *v = eq + 1;
		if (strcmp(op, "if") == 0)
			dd.in = v;
		else if (strcmp(op, "of") == 0)
			dd.out = v;
		else if (strcmp(op, "bs") == 0)
			dd.bs = number(op, v);
		else if (strcmp(op, "count") == 0)
			dd.count = number(op, v), dd.have_count = true;
		else if (strcmp(op, "skip") == 0)
			dd.skip = number(op, v);
		else if (strcmp(op, "seek") == 0)
			dd.seek = number(op, v);
		else
			errx(2, "unrecognized operand '%s'", op);
	}
	if (dd.bs == 0 || dd.bs > DD_BS_MAX)
		errx(2, "bs must be 1 to %lu bytes", DD_BS_MAX);
}

static int
open_at(const char *path, int flags, unsigned long blocks, int fd)
{
	if (path && (fd = open(path, flags, 0644)) < 0)
		err(1, "%s", path);
	if (blocks && lseek(fd, (off_t)(blocks * dd.bs), SEEK_SET) < 0)
		err(1, "cannot seek %s", path ? path : "standard input/output");
	return fd;
}

int
main(int argc, char **argv)
{
	unsigned long full = 0, partial = 0, bytes = 0;
	uint64_t t0, ms;
	char *buf;
	int in, out;
	ssize_t n;

	parse(argc, argv);
	in = open_at(dd.in, O_RDONLY, dd.skip, STDIN_FILENO);
	out = open_at(dd.out, O_WRONLY | O_CREAT, dd.seek, STDOUT_FILENO);
	if (!(buf = malloc(dd.bs)))
		errx(1, "no memory for a %lu-byte block", dd.bs);
	t0 = uptime_us();
	while ((!dd.have_count || full + partial < dd.count) && (n = read(in, buf, dd.bs)) != 0) {
		if (n < 0)
			err(1, "%s", dd.in ? dd.in : "standard input");
		if (write_all(out, buf, (size_t)n) < 0)
			err(1, "%s", dd.out ? dd.out : "standard output");
		if ((size_t)n == dd.bs)
			full++;
		else
			partial++;
		bytes += (unsigned long)n;
	}
	ms = (uptime_us() - t0) / 1000;
	fprintf(stderr, "%lu+%lu records in\n%lu+%lu records out\n", full, partial, full, partial);
	fprintf(stderr, "%lu bytes copied, %lu ms, %lu KiB/s\n", bytes, (unsigned long)ms,
		ms ? (unsigned long)(bytes / 1024 * 1000 / ms) : 0ul);
	return 0;
}
