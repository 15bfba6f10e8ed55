/*
 * ptybench.c: bytes per second through a pty pair, for bench/serialterm.sh.
 *
 *   ptybench BYTES -- PROGRAM ARGS...
 *
 * Makes a raw pty pair, runs PROGRAM with "@LINE@" in its arguments replaced by the pty's
 * path and its standard output on a pipe, writes BYTES bytes of text into the pty, and
 * times how long it takes until all of them have come out of the pipe. Prints the rate in
 * bytes per second. PROGRAM's standard input is a pipe that stays open and silent, so
 * that it is not told "end of input" while the bytes flow; it is stopped at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static double seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char *subst(const char *arg, const char *path)
{
	const char *at = strstr(arg, "@LINE@");
	char *out;

	if (!at)
		return (char *)arg;
	if (asprintf(&out, "%.*s%s%s", (int)(at - arg), arg, path, at + 6) == -1)
		exit(1);
	return out;
}

int main(int argc, char **argv)
{
	long long total, sent = 0, got = 0;
	int master, slave, out[2], in[2];
	char wbuf[4096], rbuf[65536], *path;
	struct termios t;
	double start;
	pid_t pid;

	if (argc < 4 || strcmp(argv[2], "--") != 0) {
		fprintf(stderr, "usage: ptybench BYTES -- PROGRAM ARGS...\n");
		return 2;
	}
	total = atoll(argv[1]);
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master == -1 || grantpt(master) || unlockpt(master) || !(path = ptsname(master)))
		return perror("ptybench: pty"), 1;
	slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);	/* held: no hang-up early */
	tcgetattr(slave, &t);
	cfmakeraw(&t);
	tcsetattr(slave, TCSANOW, &t);
	for (size_t i = 0; i < sizeof wbuf; i++)
		wbuf[i] = i % 64 == 63 ? '\n' : (char)(' ' + i % 95);
	if (pipe(out) == -1 || pipe(in) == -1)
		return perror("ptybench: pipe"), 1;
	for (int i = 3; i < argc; i++)
		argv[i] = subst(argv[i], path);
	pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(master);
		close(in[1]);
		close(out[0]);
		execvp(argv[3], argv + 3);
		_exit(127);
	}
	close(out[1]);
	close(in[0]);
	fcntl(master, F_SETFL, O_NONBLOCK);
	start = seconds();
	while (got < total) {
		struct pollfd p[2] = { { .fd = master, .events = sent < total ? POLLOUT : 0 },
				       { .fd = out[0], .events = POLLIN } };

		if (poll(p, 2, 10000) <= 0)
			return fprintf(stderr, "ptybench: stalled at %lld bytes\n", got), 1;
		if (p[0].revents & POLLOUT) {
			size_t n = total - sent < (long long)sizeof wbuf ? (size_t)(total - sent)
								       : sizeof wbuf;
			ssize_t w = write(master, wbuf, n);

			if (w > 0)
				sent += w;
		}
		if (p[1].revents & (POLLIN | POLLHUP)) {
			ssize_t r = read(out[0], rbuf, sizeof rbuf);

			if (r <= 0)
				return fprintf(stderr, "ptybench: output ended at %lld bytes\n", got), 1;
			got += r;
		}
	}
	printf("%.0f\n", (double)total / (seconds() - start));
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	return 0;
}
