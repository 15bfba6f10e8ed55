/*
 * udpecho: a UDP echo server (RFC 862): every datagram that comes to PORT (7 unless
 * given) goes back to where it came from. -c N ends it after N datagrams, -t SECONDS
 * after that long without one; otherwise it runs until interrupted.
 */
#include <err.h>
#include <errno.h>
#include <keel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define UDPECHO_PORT	7

static void
usage(void)
{
	errx(2, "usage: udpecho [-c COUNT] [-t IDLE_SECONDS] [PORT]");
}

static long
number(const char *s, long min, long max)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || n < min || n > max)
		usage();
	return n;
}

int
main(int argc, char **argv)
{
	static uint8_t buf[KEEL_UDP_PAYLOAD_MAX];
	long count = 0, idle = 0, port = UDPECHO_PORT, echoed = 0;
	struct keel_sockaddr from;
	int fd;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			count = number(argv[++i], 1, 1000000000);
		else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
			idle = number(argv[++i], 1, 86400);
		else if (argv[i][0] != '-')
			port = number(argv[i], 1, 65535);
		else
			usage();
	}
	if ((fd = socket(KEEL_SOCK_UDP)) < 0)
		err(1, "socket");
	if (bind(fd, (unsigned)port) < 0)
		err(1, "bind %ld", port);
	printf("udpecho: listening on port %ld\n", port);
	while (count == 0 || echoed < count) {
		long n = recvfrom(fd, buf, sizeof(buf), &from, idle ? idle * 1000 : KEEL_WAIT_FOREVER);
		if (n < 0) {
			if (errno == ETIMEDOUT)
				break;
			err(1, "recvfrom");
		}
		if (sendto(fd, buf, (size_t)n, &from) < 0)
			warn("sendto");
		echoed++;
	}
	printf("udpecho: echoed %ld datagrams\n", echoed);
	close(fd);
	return 0;
}
