/*
 * tee: copies standard input to standard output and to each FILE (created, or emptied;
 * -a appends). An output that fails is reported and dropped, and the others go on; tee
 * stops when none is left or at the end of the input (a pipe whose reader is gone ends it
 * by SIGPIPE, or fails with EPIPE when that is ignored). The status is 1 if anything failed.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#define TEE_MAX_FILES	32

int
main(int argc, char **argv)
{
	int fds[TEE_MAX_FILES + 1], nfds = 1, live, flags = O_TRUNC, c, status = 0;
	const char *names[TEE_MAX_FILES + 1] = { "standard output" };
	char buf[4096];
	ssize_t n;

	while ((c = getopt(argc, argv, "a")) != -1) {
		if (c != 'a') {
			fprintf(stderr, "usage: tee [-a] [FILE]...\n");
			return 2;
		}
		flags = O_APPEND;
	}
	if (argc - optind > TEE_MAX_FILES)
		errx(1, "more than %d files", TEE_MAX_FILES);
	fds[0] = STDOUT_FILENO;
	for (int i = optind; i < argc; i++) {
		/* Keel has no umask: 0644 is what GNU tee makes under the usual 022. */
		int fd = open(argv[i], O_WRONLY | O_CREAT | flags, 0644);

		if (fd < 0) {
			warn("%s", argv[i]);
			status = 1;
			continue;
		}
		names[nfds] = argv[i];
		fds[nfds++] = fd;
	}
	live = nfds;
	while (live > 0 && (n = read(STDIN_FILENO, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			warn("standard input");
			status = 1;
			break;
		}
		for (int i = 0; i < nfds; i++) {
			if (fds[i] < 0 || write_all(fds[i], buf, (size_t)n) >= 0)
				continue;
			warn("%s", names[i]);
			status = 1;
			fds[i] = -1;
			live--;
		}
	}
	for (int i = 1; i < nfds; i++)
		if (fds[i] >= 0 && close(fds[i]) < 0) {
			warn("%s", names[i]);
			status = 1;
		}
	return status;
}
