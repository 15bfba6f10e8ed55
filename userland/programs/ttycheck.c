/*
 * ttycheck: reads the console the way the tty tests need (tests/userland/tty.test): it
 * says "ttycheck: sleeping", sleeps MS milliseconds without reading (so that what is typed
 * meanwhile is type-ahead), says "ttycheck: reading", then makes COUNT reads of standard
 * input and prints each result on a line of its own, the bytes quoted with C escapes:
 *
 *   read: 4 "abc\n"        read: 0 (end of file)        read: error 14 (Bad address)
 *
 * With -b the first read goes to an unmapped address; the line it could not deliver must
 * come with the next. With -p MS it first says "ttycheck: polling" and polls standard
 * input for reading, at most MS milliseconds, and prints "poll: N revents 0xX". Exits 0,
 * or 2 on a usage error.
 *
 *   ttycheck [-s MS] [-p MS] [-n COUNT] [-b]
 */
#include <errno.h>
#include <getopt.h>
#include <keel.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define UNMAPPED	((char *)0x100000000000)	/* user space, never mapped */

static void
show(ssize_t n, const char *buf)
{
	if (n < 0) {
		printf("read: error %d (%s)\n", errno, strerror(errno));
		return;
	}
	if (n == 0) {
		printf("read: 0 (end of file)\n");
		return;
	}
	printf("read: %d \"", (int)n);
	for (ssize_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\n')
			printf("\\n");
		else if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	printf("\"\n");
}

int
main(int argc, char **argv)
{
	unsigned long ms = 0, count = 1;
	long poll_ms = -1;
	bool bad = false;
	char buf[300];
	int opt;

	while ((opt = getopt(argc, argv, "s:p:n:b")) != -1) {
		switch (opt) {
		case 's':
			ms = strtoul(optarg, NULL, 10);
			break;
		case 'n':
			count = strtoul(optarg, NULL, 10);
			break;
		case 'b':
			bad = true;
			break;
		case 'p':
			poll_ms = strtol(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: ttycheck [-s MS] [-p MS] [-n COUNT] [-b]\n");
			return 2;
		}
	}
	printf("ttycheck: sleeping\n");
	if (ms)
		sleep_ms(ms);
	if (poll_ms >= 0) {
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };

		printf("ttycheck: polling\n");
		int n = poll(&p, 1, (int)poll_ms);
		printf("poll: %d revents 0x%x\n", n, (unsigned)p.revents);
	}
	printf("ttycheck: reading\n");
	for (unsigned long i = 0; i < count; i++) {
		ssize_t n = read(STDIN_FILENO, bad && i == 0 ? UNMAPPED : buf, sizeof(buf));

		show(n, buf);
	}
	return 0;
}
