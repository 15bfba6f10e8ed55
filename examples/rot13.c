/*
 * rot13: copies its standard input, or the files it names, to standard output with each
 * ASCII letter moved 13 places round the alphabet. Applied twice, it gives the text back.
 */
#include <ctype.h>
#include <err.h>
#include <fcntl.h>
#include <unistd.h>

static char rot13(char c)
{
	if (islower((unsigned char)c))
		return 'a' + (c - 'a' + 13) % 26;
	if (isupper((unsigned char)c))
		return 'A' + (c - 'A' + 13) % 26;
	return c;
}

/* Returns 0 once fd is copied to the end, -1 after reporting an error. */
static int copy(int fd, const char *name)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			buf[i] = rot13(buf[i]);
		if (write(STDOUT_FILENO, buf, n) != n) {
			warn("write");
			return -1;
		}
	}
	if (n < 0) {
		warn("%s", name);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2)
		return copy(STDIN_FILENO, "standard input") < 0;
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			warn("%s", argv[i]);
			status = 1;
			continue;
		}
		if (copy(fd, argv[i]) < 0)
			status = 1;
		close(fd);
	}
	return status;
}
