/*
 * ptyrun.c: runs a program on a new pseudo-terminal and types at it, for serialterm's
 * tests of interactive mode.
 *
 *   ptyrun [-w TEXT | -k KEYS | -p MS | -s SIGNAL]... -- PROGRAM ARGS...
 *
 * PROGRAM gets the pty as its controlling terminal and its standard input, output and
 * error. The steps run in order: -w waits (10 s at most) until TEXT appears after what the
 * previous -w matched, -k types KEYS (escapes \r \n \e \\ \xHH), -p pauses, -s sends
 * SIGNAL (a number) to the terminal's foreground process group. Everything PROGRAM writes
 * is copied to standard output. Exits with PROGRAM's status, or 125 if a -w failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int master = -1;
static char *seen;		/* output since the last -w */
static size_t nseen;

static long ms_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Copies output for up to ms. Returns 1 if there was some, 0 if not, -1 once the pty has
 * no writer left. */
static int pump(int ms)
{
	struct pollfd p = { .fd = master, .events = POLLIN };
	char buf[4096];
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return 0;
	n = read(master, buf, sizeof buf);
	if (n <= 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	fwrite(buf, 1, (size_t)n, stdout);
	fflush(stdout);
	seen = realloc(seen, nseen + (size_t)n);
	memcpy(seen + nseen, buf, (size_t)n);
	nseen += (size_t)n;
	return 1;
}

static size_t unescape(char *s)
{
	char *o = s;

	for (char *p = s; *p; p++) {
		if (*p != '\\' || !p[1]) {
			*o++ = *p;
			continue;
		}
		switch (*++p) {
		case 'r': *o++ = '\r'; break;
		case 'n': *o++ = '\n'; break;
		case 'e': *o++ = 033; break;
		case 'x': {
			char hex[3] = { p[1], p[1] ? p[2] : 0, 0 };

			*o++ = (char)strtol(hex, NULL, 16);
			p += 2;
			break;
		}
		default: *o++ = *p; break;
		}
	}
	return (size_t)(o - s);
}

static int wait_for(const char *text)
{
	long until = ms_now() + 10000;

	char *hit;
	size_t used;

	while (!(hit = memmem(seen, nseen, text, strlen(text)))) {
		if (ms_now() > until || pump(100) < 0) {
			fprintf(stderr, "ptyrun: \"%s\" did not appear\n", text);
			return -1;
		}
	}
	used = (size_t)(hit - seen) + strlen(text);	/* what follows counts for the next -w */
	memmove(seen, seen + used, nseen - used);
	nseen -= used;
	return 0;
}

static pid_t spawn(char **argv)
{
	char *name;
	pid_t pid;

	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master == -1 || grantpt(master) || unlockpt(master) || !(name = ptsname(master))) {
		perror("ptyrun: pty");
		exit(125);
	}
	pid = fork();
	if (pid == 0) {
		int s;

		setsid();
		s = open(name, O_RDWR);
		ioctl(s, TIOCSCTTY, 0);
		dup2(s, 0);
		dup2(s, 1);
		dup2(s, 2);
		if (s > 2)
			close(s);
		close(master);
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	return pid;
}

int main(int argc, char **argv)
{
	int c, st, status = 0;
	char *steps[64];
	int nsteps = 0;
	pid_t pid;

	while ((c = getopt(argc, argv, "+w:k:p:s:")) != -1) {
		if (c == '?' || nsteps == 64)
			return 125;
		steps[nsteps] = malloc(strlen(optarg) + 2);
		steps[nsteps][0] = (char)c;
		strcpy(steps[nsteps] + 1, optarg);
		nsteps++;
	}
	if (optind >= argc)
		return 125;
	pid = spawn(argv + optind);
	for (int i = 0; i < nsteps && status == 0; i++) {
		char *a = steps[i] + 1;
		long until;

		switch (steps[i][0]) {
		case 'w':
			if (wait_for(a) < 0)
				status = 125;
			break;
		case 'k':
			if (write(master, a, unescape(a)) < 0)
				status = 125;
			break;
		case 'p':
			for (until = ms_now() + atoi(a); ms_now() < until;)
				pump((int)(until - ms_now()));
			break;
		case 's':
			kill(-tcgetpgrp(master), atoi(a));
			break;
		}
	}
	if (status)
		kill(pid, SIGKILL);
	for (long until = ms_now() + 10000; waitpid(pid, &st, WNOHANG) == 0;) {
		if (ms_now() > until) {
			fprintf(stderr, "ptyrun: the program did not end\n");
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return 125;
		}
		if (pump(50) < 0)
			usleep(10000);
	}
	while (pump(20) == 1)	/* what is left in the pty */
		;
	if (status)
		return status;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
