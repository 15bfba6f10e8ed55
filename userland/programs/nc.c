/*
 * nc: a TCP connection between standard input and output and a peer. "nc HOST PORT"
 * connects; "nc -l [-p] PORT" waits for one connection. One poll loop shuttles both ways
 * at once: what comes on standard input goes to the peer, what comes from the peer goes
 * to standard output. At the end of standard input nc shuts down its sending side (the
 * peer reads end of file) and goes on reading until the peer closes, or with -q SECS for
 * at most SECS seconds more (0: quit at once), as the usual nc does. -w SECS bounds the
 * connection's setup. With -k a listening nc takes one connection after another, as
 * OpenBSD's does (standard input goes to the first; once it has ended, each connection
 * gets its end at once). Exit status: 0 when the connection ended well, 1 on an error, 2
 * on a usage error.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <keel.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NC_BUF		16384

static bool stdin_done;		/* standard input has ended (and stays so) */

static void
usage(void)
{
	fprintf(stderr, "usage: nc [-q SECS] [-w SECS] HOST PORT\n"
			"       nc -l [-k] [-q SECS] [-p] PORT\n");
	exit(2);
}

static long
number(const char *s, long min, long max, const char *what)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno || n < min || n > max) {
		warnx("%s is %s: not a number from %ld to %ld", what, s, min, max);
		usage();
	}
	return n;
}

/* Returns a socket listening on port. */
static int
nc_listen(long port)
{
	int l;

	if ((l = socket(KEEL_SOCK_TCP)) < 0)
		err(1, "socket");
	setsockopt(l, KEEL_SO_REUSEADDR, 1);
	if (bind(l, (unsigned)port) < 0)
		err(1, "port %ld", port);
	if (listen(l, 8) < 0)
		err(1, "listen");
	return l;
}

/* Waits for the next connection on the listening socket l. */
static int
nc_accept(int l)
{
	struct keel_sockaddr peer;
	int fd;

	if ((fd = accept(l, &peer)) < 0)
		err(1, "accept");
	return fd;
}

static int
nc_connect(const char *host, long port, long wait_secs)
{
	struct keel_sockaddr to = { 0, 0, 0 };
	int fd;

	if (inet_parse_addr(host, &to.addr) != 0)
		errx(1, "%s: unknown address (a dotted quad, such as 10.0.2.2)", host);
	to.port = (uint16_t)port;
	if ((fd = socket(KEEL_SOCK_TCP)) < 0)
		err(1, "socket");
	if (connect(fd, &to, wait_secs < 0 ? KEEL_WAIT_FOREVER : wait_secs * 1000) < 0) {
		if (errno == ECONNREFUSED)
			errx(1, "%s port %ld: connection refused", host, port);
		if (errno == ETIMEDOUT)
			errx(1, "%s port %ld: connection timed out", host, port);
		err(1, "%s port %ld", host, port);
	}
	return fd;
}

/*
 * The loop: both directions until the peer closes (and standard input ended), or -q's
 * time after the end of standard input. Returns the exit status.
 */
static int
nc_shuttle(int sock, long quit_secs)
{
	static char buf[NC_BUF];
	struct pollfd p[2];
	bool in_open = !stdin_done;
	uint64_t quit_at = 0;

	if (stdin_done && shutdown(sock, KEEL_SHUT_WR) < 0 && errno != ENOTCONN)
		err(1, "shutdown");

	for (;;) {
		int timeout = -1;
		p[0].fd = in_open ? 0 : -1;
		p[0].events = POLLIN;
		p[1].fd = sock;
		p[1].events = POLLIN;
		if (quit_at) {
			uint64_t now = uptime_ms();
			if (now >= quit_at)
				return 0;
			timeout = (int)(quit_at - now);
		}
		if (poll(p, 2, timeout) < 0) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			long n = read(sock, buf, sizeof(buf));
			if (n < 0)
				err(1, "read from the connection");
			if (n == 0)
				return 0;	/* the peer closed its side */
			if (write_all(1, buf, (size_t)n) < 0)
				err(1, "write to standard output");
		}
		if (in_open && (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			long n = read(0, buf, sizeof(buf));
			if (n < 0)
				err(1, "read from standard input");
			if (n == 0) {
				in_open = false;
				stdin_done = true;
				if (shutdown(sock, KEEL_SHUT_WR) < 0 && errno != ENOTCONN)
					err(1, "shutdown");
				if (quit_secs == 0)
					return 0;
				if (quit_secs > 0)
					quit_at = uptime_ms() + (uint64_t)quit_secs * 1000;
			} else if (write_all(sock, buf, (size_t)n) < 0) {
				err(1, "write to the connection");
			}
		}
	}
}

int
main(int argc, char **argv)
{
	long quit_secs = -1, wait_secs = -1, port = -1;
	bool listening = false, keep = false;
	int c, sock;

	while ((c = getopt(argc, argv, "klp:q:w:h")) != -1) {
		switch (c) {
		case 'k':
			keep = true;
			break;
		case 'l':
			listening = true;
			break;
		case 'p':
			port = number(optarg, 1, 65535, "the port");
			break;
		case 'q':
			quit_secs = number(optarg, -1, 86400, "-q");
			break;
		case 'w':
			wait_secs = number(optarg, 1, 86400, "-w");
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (listening) {
		if (argc == 1 && port < 0)
			port = number(argv[0], 1, 65535, "the port");
		else if (argc != 0 || port < 0)
			usage();
		int l = nc_listen(port);
		if (keep)
			for (;;) {
				sock = nc_accept(l);
				nc_shuttle(sock, quit_secs);
				close(sock);
			}
		sock = nc_accept(l);
		close(l);
	} else {
		if (argc != 2 || port >= 0 || keep)
			usage();
		sock = nc_connect(argv[0], number(argv[1], 1, 65535, "the port"), wait_secs);
	}
	return nc_shuttle(sock, quit_secs);
}
