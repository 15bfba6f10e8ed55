/*
 * hexdump: shows files (or standard input) as hexdump -C does: the offset, 16 bytes in
 * hex in two groups of 8, and the same bytes as text between bars; a run of identical
 * lines is shown once and then "*". -C is accepted for habit's sake.
 */
#include <err.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define HEX_LINE	16

static struct {
	unsigned char line[HEX_LINE], prev[HEX_LINE];
	size_t used;		/* bytes in line */
	unsigned long offset;	/* of line's first byte */
	bool have_prev, squeezing;
} hd;

static void
print_line(void)
{
	char text[HEX_LINE + 1];

	if (hd.used == HEX_LINE && hd.have_prev && memcmp(hd.line, hd.prev, HEX_LINE) == 0) {
		if (!hd.squeezing)
			printf("*\n");
		hd.squeezing = true;
		return;
	}
	hd.squeezing = false;
	printf("%08lx ", hd.offset);
	for (size_t i = 0; i < HEX_LINE; i++) {
		if (i < hd.used)
			printf("%s %02x", i == 8 ? " " : "", hd.line[i]);
		else
			printf("%s   ", i == 8 ? " " : "");
		text[i] = hd.line[i] >= 0x20 && hd.line[i] < 0x7f ? (char)hd.line[i] : '.';
	}
	text[hd.used] = '\0';
	printf("  |%s|\n", text);
	memcpy(hd.prev, hd.line, HEX_LINE);
	hd.have_prev = true;
}

static void
take(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		hd.line[hd.used++] = p[i];
		if (hd.used == HEX_LINE) {
			print_line();
			hd.offset += HEX_LINE;
			hd.used = 0;
		}
	}
}

static int
dump(int fd, const char *name)
{
	unsigned char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		take(buf, (size_t)n);
	if (n < 0) {
		warn("%s", name);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	int status = 0, i = 1;

	if (i < argc && strcmp(argv[i], "-C") == 0)
		i++;
	if (i == argc)
		status = dump(STDIN_FILENO, "standard input") < 0;
	for (; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);

		if (fd < 0 || dump(fd, argv[i]) < 0) {
			if (fd < 0)
				warn("%s", argv[i]);
			status = 1;
		}
		if (fd >= 0)
			close(fd);
	}
	if (hd.used > 0)
		print_line();
	if (hd.offset + hd.used > 0)
		printf("%08lx\n", hd.offset + hd.used);
	return status;
}
