/*
 * touch: creates each FILE that does not exist, empty (mode 0644, what GNU touch makes
 * under the usual umask); -c creates none. Keel's files keep no times that a program
 * can set, so an existing file is left as it is, and that is success.
 */
#include <err.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	bool no_create = false;
	int c, status = 0;

	while ((c = getopt(argc, argv, "c")) != -1) {
		if (c != 'c') {
			fprintf(stderr, "usage: touch [-c] FILE...\n");
			return 2;
		}
		no_create = true;
	}
	if (optind == argc) {
		warnx("missing file operand");
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		struct keel_stat st;
		int fd;

		if (stat(argv[i], &st) == 0 || no_create)
			continue;
		if ((fd = open(argv[i], O_WRONLY | O_CREAT, 0644)) < 0) {
			warn("cannot touch '%s'", argv[i]);
			status = 1;
			continue;
		}
		close(fd);
	}
	return status;
}
