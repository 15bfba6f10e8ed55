/*
 * ping: sends ICMP echo requests to a host and reports each reply with its sequence
 * number and round-trip time, then a summary with the loss and min/avg/max/mdev, as the
 * ping of other systems does. Keel has no signal handlers, so ^C ends ping without the
 * summary: the count is 4 unless -c says otherwise (0: until interrupted).
 *
 *	ping HOST [-c COUNT] [-i INTERVAL_MS] [-s SIZE] [-W TIMEOUT_MS]
 *
 * Exit status: 0 when a reply came, 1 when none did, 2 for usage and other errors.
 */
#include <err.h>
#include <errno.h>
#include <keel.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PING_DEFAULT_COUNT	4
#define PING_DEFAULT_INTERVAL	1000
#define PING_DEFAULT_SIZE	56	/* data bytes after the ICMP header, as elsewhere */
#define PING_MIN_SIZE		8	/* the send time travels in the data */
#define PING_MAX_SIZE		(1500 - 20 - 8)
#define PING_MIN_INTERVAL	1	/* root or not: this is a test machine's ping */
#define PING_DEFAULT_WAIT	2000	/* how long to wait for the last reply */
#define PING_SEEN_BITS		65536

static struct {
	uint32_t host;
	char name[INET_ADDR_LEN];
	long count, interval, size, wait;
	int fd;
	long sent, received, dups;
	uint64_t rtt_min, rtt_max, rtt_sum, rtt_sum2;	/* microseconds (squares in us^2) */
	uint8_t seen[PING_SEEN_BITS / 8];
	uint8_t packet[8 + PING_MAX_SIZE];
} ping;

static void
usage(void)
{
	errx(2, "usage: ping HOST [-c COUNT] [-i INTERVAL_MS] [-s SIZE] [-W TIMEOUT_MS]");
}

static long
number(const char *s, const char *what, long min, long max)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || n < min || n > max)
		errx(2, "%s is %s: not a number from %ld to %ld", what, s, min, max);
	return n;
}

/* Options may come before or after the host, as with the ping people know. */
static void
parse_args(int argc, char **argv)
{
	const char *host = NULL;

	ping.count = PING_DEFAULT_COUNT;
	ping.interval = PING_DEFAULT_INTERVAL;
	ping.size = PING_DEFAULT_SIZE;
	ping.wait = PING_DEFAULT_WAIT;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-' || a[1] == '\0') {
			if (host)
				usage();
			host = a;
			continue;
		}
		if (a[2] != '\0' || i + 1 == argc || !strchr("ciWs", a[1]))
			usage();
		const char *v = argv[++i];
		switch (a[1]) {
		case 'c': ping.count = number(v, "the count", 0, 1000000); break;
		case 'i': ping.interval = number(v, "the interval", PING_MIN_INTERVAL, 3600000); break;
		case 's': ping.size = number(v, "the size", PING_MIN_SIZE, PING_MAX_SIZE); break;
		case 'W': ping.wait = number(v, "the timeout", 1, 3600000); break;
		}
	}
	if (!host)
		usage();
	if (inet_parse_addr(host, &ping.host) != 0)
		errx(2, "%s: not an IPv4 address (there is no DNS: write 10.0.2.2)", host);
	inet_format(ping.host, ping.name);
}

static void
put_time(uint8_t *p, uint64_t t)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(t >> (8 * i));
}

static uint64_t
get_time(const uint8_t *p)
{
	uint64_t t = 0;

	for (int i = 7; i >= 0; i--)
		t = t << 8 | p[i];
	return t;
}

static void
send_request(long seq)
{
	uint8_t *p = ping.packet;
	struct keel_sockaddr to = { ping.host, 0, 0 };
	size_t len = 8 + (size_t)ping.size;

	memset(p, 0, len);
	p[0] = 8;			/* echo request; the kernel fills in the id and checksum */
	p[6] = (uint8_t)(seq >> 8);
	p[7] = (uint8_t)seq;
	for (size_t i = 16; i < len; i++)
		p[i] = (uint8_t)i;	/* a pattern, as the usual pings send */
	put_time(p + 8, uptime_us());
	if (sendto(ping.fd, p, len, &to) < 0)
		warn("sendto %s", ping.name);
	else
		ping.sent++;
}

#define MS_LEN	24

/* Writes microseconds as milliseconds with three decimals into buf (MS_LEN bytes). */
static char *
ms(uint64_t us, char *buf)
{
	snprintf(buf, MS_LEN, "%lu.%03lu", (unsigned long)(us / 1000), (unsigned long)(us % 1000));
	return buf;
}

/* Takes replies until deadline (uptime in ms). */
static void
receive_until(uint64_t deadline)
{
	uint8_t buf[8 + PING_MAX_SIZE];
	struct keel_sockaddr from;
	uint64_t now;

	while ((now = uptime_ms()) < deadline) {
		long n = recvfrom(ping.fd, buf, sizeof(buf), &from, (int64_t)(deadline - now));
		if (n < 0) {
			if (errno != ETIMEDOUT)
				warn("recvfrom");
			return;
		}
		if (n < 16 || buf[0] != 0 || from.addr != ping.host)
			continue;
		unsigned seq = (unsigned)(buf[6] << 8 | buf[7]);
		uint64_t rtt = uptime_us() - get_time(buf + 8);
		bool dup = ping.seen[seq / 8] & (1u << (seq % 8));
		ping.seen[seq / 8] |= (uint8_t)(1u << (seq % 8));
		char t[MS_LEN];
		/* One printf a line, so that a kernel message cannot land inside it. */
		printf("%ld bytes from %s: icmp_seq=%u time=%s ms%s\n", n, ping.name, seq,
		       ms(rtt, t), dup ? " (DUP!)" : "");
		if (dup) {
			ping.dups++;
			continue;
		}
		ping.received++;
		ping.rtt_sum += rtt;
		ping.rtt_sum2 += rtt * rtt;
		if (ping.received == 1 || rtt < ping.rtt_min)
			ping.rtt_min = rtt;
		if (rtt > ping.rtt_max)
			ping.rtt_max = rtt;
		if (ping.count && ping.received == ping.count)
			return;
	}
}

/* The integer square root, for mdev. */
static uint64_t
isqrt(uint64_t v)
{
	uint64_t r = 0;

	for (uint64_t bit = 1ULL << 62; bit; bit >>= 2) {
		if (v >= r + bit) {
			v -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
	}
	return r;
}

static void
summary(uint64_t elapsed_ms)
{
	long lost = ping.sent - ping.received;

	printf("--- %s ping statistics ---\n", ping.name);
	char dups[32] = "";
	if (ping.dups)
		snprintf(dups, sizeof(dups), ", +%ld duplicates", ping.dups);
	printf("%ld packets transmitted, %ld received%s, %ld%% packet loss, time %lums\n",
	       ping.sent, ping.received, dups, ping.sent ? lost * 100 / ping.sent : 0,
	       (unsigned long)elapsed_ms);
	if (ping.received == 0)
		return;
	uint64_t avg = ping.rtt_sum / (uint64_t)ping.received;
	uint64_t var = ping.rtt_sum2 / (uint64_t)ping.received - avg * avg;
	char t[4][MS_LEN];
	printf("rtt min/avg/max/mdev = %s/%s/%s/%s ms\n", ms(ping.rtt_min, t[0]), ms(avg, t[1]),
	       ms(ping.rtt_max, t[2]), ms(isqrt(var), t[3]));
}

int
main(int argc, char **argv)
{
	uint64_t start;

	parse_args(argc, argv);
	if ((ping.fd = socket(KEEL_SOCK_ICMP)) < 0)
		err(2, "socket");
	printf("PING %s (%s) %ld(%ld) bytes of data.\n", ping.name, ping.name, ping.size,
	       ping.size + 28);
	start = uptime_ms();
	for (long seq = 1; ping.count == 0 || seq <= ping.count; seq++) {
		uint64_t sent_at = uptime_ms();
		send_request(seq & 0xffff);
		bool last = ping.count && seq == ping.count;
		receive_until(sent_at + (uint64_t)(last ? (ping.interval > ping.wait ?
						       ping.interval : ping.wait) : ping.interval));
		if (ping.count && ping.received == ping.count)
			break;
	}
	summary(uptime_ms() - start);
	close(ping.fd);
	return ping.received ? 0 : 1;
}
