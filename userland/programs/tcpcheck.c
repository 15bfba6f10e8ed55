/*
 * tcpcheck: drives one TCP connection through a behaviour that tests/tcp.test watches
 * from the host's side, and prints what Keel's end saw (doc/network.md, "Tests"):
 *
 *	tcpcheck simopen HOST PORT	connects (the peer answers our SYN with a bare SYN:
 *					a simultaneous open), writes "ping\n", reads up to
 *					"pong\n", closes, then prints the states the orphaned
 *					connection passes through up to TIME_WAIT
 *	tcpcheck small HOST PORT nagle|nodelay
 *					two 1-byte writes in a row (KEEL_SO_NODELAY with
 *					nodelay), then reads to the end of file
 *	tcpcheck stall HOST PORT MS	KEEL_SO_USER_TIMEOUT of MS, writes 100 bytes that
 *					nobody acknowledges, reads: how the read ends, and
 *					whether the socket leaves sockinfo once closed
 *	tcpcheck rcvtimeo HOST PORT MS	KEEL_SO_RCVTIMEO of MS, a read from a silent peer
 *	tcpcheck pollwrite HOST PORT KIB
 *					writes KIB KiB (byte i is i % 251) in a poll loop,
 *					16 KiB a write, to a peer that reads slowly; before
 *					each write sockinfo says whether the send ring had
 *					room for it (so that the write could not block)
 *
 * Exit status 0 when the calls behaved as described, 1 otherwise.
 */
#include <err.h>
#include <errno.h>
#include <keel.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SNDBUF		65536	/* the kernel's send ring (TCP_SNDBUF, doc/network.md) */
#define CHUNK		16384

static const char *const states[] = {
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1",
	"FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT",
};

static void
usage(void)
{
	fprintf(stderr, "usage: tcpcheck simopen|small|stall|rcvtimeo|pollwrite HOST PORT [ARG]\n");
	exit(2);
}

static long
number(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || n < 0)
		usage();
	return n;
}

static int
dial(const char *host, const char *port)
{
	struct keel_sockaddr to = { .port = (uint16_t)number(port) };
	int fd;

	if (inet_parse_addr(host, &to.addr) != 0)
		usage();
	if ((fd = socket(KEEL_SOCK_TCP)) < 0)
		err(1, "socket");
	if (connect(fd, &to, 20000) < 0)
		err(1, "connect %s port %s", host, port);
	return fd;
}

/* The control block with local port lport: 1 and *si, or 0 when it is gone. */
static int
find(unsigned lport, struct keel_sockinfo *si)
{
	for (int i = 0; sockinfo(i, si) == 1; i++)
		if (si->type == KEEL_SOCK_TCP && si->local.port == lport)
			return 1;
	return 0;
}

static const char *
state_name(unsigned s)
{
	return s < sizeof(states) / sizeof(states[0]) ? states[s] : "?";
}

static unsigned
local_port(int fd)
{
	struct keel_sockaddr a;

	if (getsockname(fd, &a) < 0)
		err(1, "getsockname");
	return a.port;
}

static int
simopen(int fd)
{
	struct keel_sockinfo si;
	char buf[64];
	size_t got = 0;
	unsigned port = local_port(fd), last = 99;
	uint64_t until;
	long n;

	printf("simopen: connected, %s\n", find(port, &si) ? state_name(si.state) : "gone");
	if (write(fd, "ping\n", 5) != 5)
		err(1, "write");
	while (got < 5 && (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	printf("simopen: read %s", got ? buf : "nothing\n");
	close(fd);
	/* The orphan's states, until TIME_WAIT (which outlives us) or 10 s. */
	printf("simopen: states after close:");
	for (until = uptime_ms() + 10000; uptime_ms() < until; sleep_ms(20)) {
		if (!find(port, &si)) {
			printf(" gone");
			break;
		}
		if (si.state != last)
			printf(" %s", state_name(last = si.state));
		if (si.state == KEEL_TCP_TIME_WAIT)
			break;
	}
	printf("\n");
	return strcmp(buf, "pong\n") == 0 ? 0 : 1;
}

static int
small(int fd, const char *how)
{
	char buf[256];
	long n;

	if (strcmp(how, "nodelay") == 0 && setsockopt(fd, KEEL_SO_NODELAY, 1) < 0)
		err(1, "setsockopt");
	if (write(fd, "a", 1) != 1 || write(fd, "b", 1) != 1)
		err(1, "write");
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	printf("small %s: %s\n", how, n == 0 ? "done" : strerror(errno));
	close(fd);
	return n == 0 ? 0 : 1;
}

static int
stall(int fd, long ms)
{
	struct keel_sockinfo si;
	char buf[100];
	unsigned port = local_port(fd);
	uint64_t t0;
	long n;
	int e;

	if (setsockopt(fd, KEEL_SO_USER_TIMEOUT, ms) < 0)
		err(1, "setsockopt");
	memset(buf, 'x', sizeof(buf));
	if (write(fd, buf, sizeof(buf)) != (long)sizeof(buf))
		err(1, "write");
	t0 = uptime_ms();
	n = read(fd, buf, sizeof(buf));
	e = errno;
	printf("stall: read: %s after %llu ms\n", n < 0 ? strerror(e) : "no error",
	       (unsigned long long)(uptime_ms() - t0));
	n = write(fd, buf, 1);
	printf("stall: then write: %s\n", n < 0 ? strerror(errno) : "no error");
	close(fd);
	printf("stall: after close the socket is %s\n", find(port, &si) ? "still listed" : "gone");
	return 0;
}

static int
rcvtimeo(int fd, long ms)
{
	char buf[16];
	uint64_t t0;
	long n;

	if (setsockopt(fd, KEEL_SO_RCVTIMEO, ms) < 0)
		err(1, "setsockopt");
	t0 = uptime_ms();
	n = read(fd, buf, sizeof(buf));
	printf("rcvtimeo: read: %s after %llu ms\n", n < 0 ? strerror(errno) : "no error",
	       (unsigned long long)(uptime_ms() - t0));
	close(fd);
	return n < 0 && errno == ETIMEDOUT ? 0 : 1;
}

static int
pollwrite(int fd, long kib)
{
	static char chunk[CHUNK];
	struct keel_sockinfo si;
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	unsigned port = local_port(fd);
	uint64_t total = (uint64_t)kib * 1024, sent = 0, longest = 0;
	unsigned writes = 0, short_room = 0;
	char buf[64];

	while (sent < total) {
		size_t len = (size_t)(total - sent < CHUNK ? total - sent : CHUNK);
		uint64_t t0;
		long n;

		if (poll(&p, 1, -1) < 0)
			err(1, "poll");
		if (!(p.revents & POLLOUT))
			errx(1, "poll: revents %#x", p.revents);
		if (find(port, &si) && SNDBUF - si.tx_queued < len)
			short_room++;
		for (size_t i = 0; i < len; i++)
			chunk[i] = (char)((sent + i) % 251);
		t0 = uptime_ms();
		if ((n = write(fd, chunk, len)) <= 0)
			err(1, "write");
		if (uptime_ms() - t0 > longest)
			longest = uptime_ms() - t0;
		sent += (uint64_t)n;
		writes++;
	}
	shutdown(fd, KEEL_SHUT_WR);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	printf("pollwrite: %llu bytes in %u writes; POLLOUT with less room than the write: %u; "
	       "longest write %llu ms\n", (unsigned long long)sent, writes, short_room,
	       (unsigned long long)longest);
	return short_room == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	int fd;

	if (argc < 4)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(argv[1], "simopen") == 0 && argc == 4)
		return simopen(dial(argv[2], argv[3]));
	if (argc != 5)
		usage();
	fd = dial(argv[2], argv[3]);
	if (strcmp(argv[1], "small") == 0)
		return small(fd, argv[4]);
	if (strcmp(argv[1], "stall") == 0)
		return stall(fd, number(argv[4]));
	if (strcmp(argv[1], "rcvtimeo") == 0)
		return rcvtimeo(fd, number(argv[4]));
	if (strcmp(argv[1], "pollwrite") == 0)
		return pollwrite(fd, number(argv[4]));
	usage();
	return 2;
}
