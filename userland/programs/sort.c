/*
 * sort: sorts the lines of files (or standard input) together, as GNU sort does with
 * LC_ALL=C: by their bytes, or with -n by the number at their start (blanks, an optional
 * "-", digits, a "." and more digits: arbitrarily long, never converted; anything else
 * counts as 0), with -f as if lowercase letters were uppercase. Lines that compare equal
 * are then ordered by all their bytes, unless -u, which prints only the first line of
 * each run of equal ones. -r reverses; -o FILE writes FILE only once all is read, so it
 * may be one of the inputs. A last line without a newline gets one.
 */
#include <ctype.h>
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

struct line {
	const char *s;
	size_t len;		/* without the newline */
};

static struct {
	bool numeric, reverse, unique, fold;
	struct line *lines;
	size_t nlines, cap;
	struct outbuf out;
} sort = { .out = { .fd = STDOUT_FILENO } };

static int
compare_bytes(const struct line *a, const struct line *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int r = memcmp(a->s, b->s, n);

	return r != 0 ? r : (a->len > b->len) - (a->len < b->len);
}

static int
compare_folded(const struct line *a, const struct line *b)
{
	size_t n = a->len < b->len ? a->len : b->len;

	for (size_t i = 0; i < n; i++) {
		int ca = toupper((unsigned char)a->s[i]), cb = toupper((unsigned char)b->s[i]);

		if (ca != cb)
			return ca - cb;
	}
	return (a->len > b->len) - (a->len < b->len);
}

/* A number at the start of a line, as the digits of its integer and fraction parts. */
struct number {
	bool negative;
	const char *integer, *fraction;
	size_t nint, nfrac;	/* without leading, trailing zeros */
};

static void
parse_number(const struct line *l, struct number *n)
{
	const char *p = l->s, *end = l->s + l->len;

	memset(n, 0, sizeof(*n));
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p < end && *p == '-') {
		n->negative = true;
		p++;
	}
	while (p < end && *p == '0')
		p++;
	n->integer = p;
	while (p < end && isdigit((unsigned char)*p))
		p++;
	n->nint = (size_t)(p - n->integer);
	if (p < end && *p == '.') {
		n->fraction = ++p;
		while (p < end && isdigit((unsigned char)*p))
			p++;
		n->nfrac = (size_t)(p - n->fraction);
		while (n->nfrac > 0 && n->fraction[n->nfrac - 1] == '0')
			n->nfrac--;
	}
	if (n->nint == 0 && n->nfrac == 0)	/* "-0" and "-" are 0 */
		n->negative = false;
}

static int
compare_numbers(const struct line *a, const struct line *b)
{
	struct number x, y;
	int r;

	parse_number(a, &x);
	parse_number(b, &y);
	if (x.negative != y.negative)
		return x.negative ? -1 : 1;
	if (x.nint != y.nint) {
		r = x.nint < y.nint ? -1 : 1;
	} else if ((r = memcmp(x.integer, y.integer, x.nint)) == 0) {
		for (size_t i = 0; r == 0 && (i < x.nfrac || i < y.nfrac); i++)
			r = (i < x.nfrac ? x.fraction[i] : '0') - (i < y.nfrac ? y.fraction[i] : '0');
	}
	return x.negative ? -r : r;
}

static int
compare(const void *pa, const void *pb)
{
	const struct line *a = pa, *b = pb;
	int r = 0;

	if (sort.numeric)
		r = compare_numbers(a, b);
	else if (sort.fold)
		r = compare_folded(a, b);
	if (r == 0 && !(sort.unique && (sort.numeric || sort.fold)))
		r = compare_bytes(a, b);	/* the last resort; -u keeps the first instead */
	return sort.reverse ? -r : r;
}

static void
add_line(const char *s, size_t len)
{
	if (sort.nlines == sort.cap) {
		size_t cap = sort.cap > 0 ? sort.cap * 2 : 256;
		struct line *p = realloc(sort.lines, cap * sizeof(*p));

		if (p == NULL)
			errx(2, "out of memory");
		sort.lines = p;
		sort.cap = cap;
	}
	sort.lines[sort.nlines++] = (struct line){ s, len };
}

/* Reads a file whole and adds its lines. The data stays for the lines to point into. */
static void
read_file(const char *file)
{
	bool std = strcmp(file, "-") == 0;
	int fd = std ? STDIN_FILENO : open(file, O_RDONLY);
	char *data;
	ssize_t len;

	if (fd < 0)
		err(2, "cannot read: %s", file);
	len = read_all(fd, &data);
	if (len < 0)
		err(2, "read failed: %s", file);
	if (!std)
		close(fd);
	for (size_t i = 0; i < (size_t)len;) {
		const char *nl = memchr(data + i, '\n', (size_t)len - i);
		size_t n = nl != NULL ? (size_t)(nl - (data + i)) : (size_t)len - i;

		add_line(data + i, n);
		i += n + 1;
	}
}

int
main(int argc, char **argv)
{
	const char *output = NULL;
	int c;

	while ((c = getopt(argc, argv, "fno:ru")) != -1) {
		switch (c) {
		case 'f': sort.fold = true; break;
		case 'n': sort.numeric = true; break;
		case 'o': output = optarg; break;
		case 'r': sort.reverse = true; break;
		case 'u': sort.unique = true; break;
		default:
			fprintf(stderr, "usage: sort [-fnru] [-o FILE] [FILE]...\n");
			return 2;
		}
	}
	if (optind == argc)
		read_file("-");
	for (int i = optind; i < argc; i++)
		read_file(argv[i]);
	qsort(sort.lines, sort.nlines, sizeof(struct line), compare);
	if (output != NULL) {
		sort.out.fd = open(output, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (sort.out.fd < 0)
			err(2, "open failed: %s", output);
	}
	for (size_t i = 0; i < sort.nlines; i++) {
		if (sort.unique && i > 0 && compare(&sort.lines[i - 1], &sort.lines[i]) == 0)
			continue;
		out_write(&sort.out, sort.lines[i].s, sort.lines[i].len);
		out_write(&sort.out, "\n", 1);
	}
	out_flush(&sort.out);
	return 0;
}
