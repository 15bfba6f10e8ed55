/* wc: counts lines, words and bytes of files or standard input, as POSIX wc prints them. */
#include <ctype.h>
#include <stdio.h>

static long total_lines, total_words, total_bytes;

static void count(FILE *f, const char *name)
{
	long lines = 0, words = 0, bytes = 0;
	int c, in_word = 0;

	while ((c = getc(f)) != EOF) {
		bytes++;
		if (c == '\n')
			lines++;
		if (isspace(c)) {
			in_word = 0;
		} else if (!in_word) {
			in_word = 1;
			words++;
		}
	}
	printf("%7ld %7ld %7ld", lines, words, bytes);
	if (name)
		printf(" %s", name);
	putchar('\n');
	total_lines += lines;
	total_words += words;
	total_bytes += bytes;
}

int main(int argc, char *argv[])
{
	int i, status = 0;

	if (argc == 1) {
		count(stdin, NULL);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "r");
		if (f == NULL) {
			fprintf(stderr, "wc: cannot open %s\n", argv[i]);
			status = 1;
			continue;
		}
		count(f, argv[i]);
		fclose(f);
	}
	if (argc > 2)
		printf("%7ld %7ld %7ld total\n", total_lines, total_words, total_bytes);
	return status;
}
