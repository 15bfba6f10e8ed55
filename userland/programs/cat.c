/* cat: copies each file (or standard input, for none or "-") to standard output. */
#include <err.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* Copies everything from fd to standard output. Returns 0 or -1 (after a message). */
static int
copy(int fd, const char *name)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
			err(1, "standard output");
	if (n < 0) {
		warn("%s", name);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2)
		return copy(STDIN_FILENO, "standard input") < 0;
	for (int i = 1; i < argc; i++) {
		int fd = strcmp(argv[i], "-") == 0 ? STDIN_FILENO : open(argv[i], O_RDONLY);

		if (fd < 0) {
			warn("%s", argv[i]);
			status = 1;
			continue;
		}
		if (copy(fd, argv[i]) < 0)
			status = 1;
		if (fd != STDIN_FILENO)
			close(fd);
	}
	return status;
}
