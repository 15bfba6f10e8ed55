/*
 * wc: counts the lines, words and bytes of files (or standard input), as GNU wc prints
 * them: the counts right-aligned in a common width, a "total" line for several files.
 * A word is a run of printable bytes between white space; other bytes (controls, bytes
 * above 0x7e) neither start nor end a word, as in GNU wc in the C locale. -m counts
 * characters, which in Keel's ASCII are bytes.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef KEEL_HOST_TEST	/* also built for the host, to be held against GNU wc */
typedef struct stat file_stat;
#define STAT_MODE(st)	((st).st_mode)
#define STAT_SIZE(st)	((unsigned long)(st).st_size)
#else
typedef struct keel_stat file_stat;
#define STAT_MODE(st)	((st).mode)
#define STAT_SIZE(st)	((unsigned long)(st).size)
#endif

struct counts {
	unsigned long lines, words, bytes;
};

static struct {
	int lines, words, chars, bytes;		/* which columns to print */
	int width;
	struct counts total;
} wc;

static int
is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Counts what fd holds into *c. Returns 0, or -1 (after a message) when a read fails. */
static int
count(int fd, const char *name, struct counts *c)
{
	unsigned char buf[4096];
	int in_word = 0;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			warn("%s", name);
			return -1;
		}
		c->bytes += (unsigned long)n;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n')
				c->lines++;
			if (is_space(buf[i])) {
				c->words += in_word;
				in_word = 0;
			} else if (buf[i] >= 0x20 && buf[i] < 0x7f) {
				in_word = 1;
			}
		}
	}
	c->words += in_word;
	return 0;
}

static void
print_counts(const struct counts *c, const char *name)
{
	const char *sep = "";

	if (wc.lines)
		printf("%s%*lu", sep, wc.width, c->lines), sep = " ";
	if (wc.words)
		printf("%s%*lu", sep, wc.width, c->words), sep = " ";
	if (wc.chars)
		printf("%s%*lu", sep, wc.width, c->bytes), sep = " ";
	if (wc.bytes)
		printf("%s%*lu", sep, wc.width, c->bytes), sep = " ";
	if (name != NULL)
		printf(" %s", name);
	printf("\n");
}

/*
 * GNU wc's column width: wide enough for the sum of the sizes of the regular files among
 * the operands, and at least 7 when one of them is something else (a tty, a pipe), whose
 * size is not known beforehand. One file and one column need no alignment: width 1.
 */
static int
column_width(int nfiles, char **files)
{
	unsigned long total = 0;
	int width = 1, minimum = 1, columns = wc.lines + wc.words + wc.chars + wc.bytes;

	if (nfiles <= 1 && columns == 1)
		return 1;
	for (int i = 0; i < nfiles || (nfiles == 0 && i == 0); i++) {
		file_stat st;
		int r = nfiles == 0 || strcmp(files[i], "-") == 0 ?
			fstat(STDIN_FILENO, &st) : stat(files[i], &st);

		if (r < 0)
			continue;
		if (S_ISREG(STAT_MODE(st)))
			total += STAT_SIZE(st);
		else
			minimum = 7;
	}
	for (; total >= 10; total /= 10)
		width++;
	return width > minimum ? width : minimum;
}

/* Counts and prints one operand. Returns 0 or -1. */
static int
wc_file(const char *file)
{
	struct counts c = { 0, 0, 0 };
	int stdin_ = file == NULL || strcmp(file, "-") == 0;
	int fd = stdin_ ? STDIN_FILENO : open(file, O_RDONLY);
	int r;

	if (fd < 0) {
		warn("%s", file);
		return -1;
	}
	r = count(fd, file != NULL ? file : "standard input", &c);
	if (!stdin_)
		close(fd);
	print_counts(&c, file);		/* even after a read error, as GNU wc does */
	wc.total.lines += c.lines;
	wc.total.words += c.words;
	wc.total.bytes += c.bytes;
	return r;
}

int
main(int argc, char **argv)
{
	int c, status = 0, nfiles;

	while ((c = getopt(argc, argv, "clmw")) != -1) {
		switch (c) {
		case 'c': wc.bytes = 1; break;
		case 'l': wc.lines = 1; break;
		case 'm': wc.chars = 1; break;
		case 'w': wc.words = 1; break;
		default:
			fprintf(stderr, "usage: wc [-clmw] [FILE]...\n");
			return 2;
		}
	}
	if (!wc.lines && !wc.words && !wc.chars && !wc.bytes)
		wc.lines = wc.words = wc.bytes = 1;
	nfiles = argc - optind;
	wc.width = column_width(nfiles, argv + optind);
	if (nfiles == 0)
		return wc_file(NULL) < 0;
	for (int i = optind; i < argc; i++)
		if (wc_file(argv[i]) < 0)
			status = 1;
	if (nfiles > 1)
		print_counts(&wc.total, "total");
	return status;
}
