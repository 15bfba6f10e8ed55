/*
 * netstat: the sockets, one a line, in the columns of Linux's `netstat -tunp`: protocol,
 * bytes not yet read and not yet acknowledged, local and foreign address, TCP state, and
 * the process that opened it (doc/network.md). -t shows only TCP, -u only UDP (and ICMP),
 * -l only listening sockets. Unlike Linux's, listening sockets are shown without -a.
 */
#include <err.h>
#include <getopt.h>
#include <keel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const tcp_states[] = {
	[KEEL_TCP_CLOSED] = "CLOSE",
	[KEEL_TCP_LISTEN] = "LISTEN",
	[KEEL_TCP_SYN_SENT] = "SYN_SENT",
	[KEEL_TCP_SYN_RECEIVED] = "SYN_RECV",
	[KEEL_TCP_ESTABLISHED] = "ESTABLISHED",
	[KEEL_TCP_FIN_WAIT_1] = "FIN_WAIT1",
	[KEEL_TCP_FIN_WAIT_2] = "FIN_WAIT2",
	[KEEL_TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[KEEL_TCP_CLOSING] = "CLOSING",
	[KEEL_TCP_LAST_ACK] = "LAST_ACK",
	[KEEL_TCP_TIME_WAIT] = "TIME_WAIT",
};

static void
usage(void)
{
	fprintf(stderr, "usage: netstat [-ltu]\n");
	exit(2);
}

/* "10.0.2.15:80", or "0.0.0.0:*" for a port not yet set, as Linux writes them. */
static char *
endpoint(const struct keel_sockaddr *a, char *buf, size_t size)
{
	char addr[INET_ADDR_LEN];

	inet_format(a->addr, addr);
	if (a->port)
		snprintf(buf, size, "%s:%u", addr, a->port);
	else
		snprintf(buf, size, "%s:*", addr);
	return buf;
}

static const char *
proto_name(int type)
{
	switch (type) {
	case KEEL_SOCK_TCP:
		return "tcp";
	case KEEL_SOCK_UDP:
		return "udp";
	case KEEL_SOCK_ICMP:
		return "icmp";
	default:
		return "?";
	}
}

int
main(int argc, char **argv)
{
	int only_tcp = 0, only_udp = 0, only_listen = 0, opt;
	struct keel_sockinfo s;
	char local[32], remote[32], pid[16];

	while ((opt = getopt(argc, argv, "hltu")) != -1) {
		switch (opt) {
		case 'l':
			only_listen = 1;
			break;
		case 't':
			only_tcp = 1;
			break;
		case 'u':
			only_udp = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	printf("Proto Recv-Q Send-Q %-21s %-21s %-11s PID\n", "Local Address", "Foreign Address",
	       "State");
	for (int i = 0;; i++) {
		int rc = sockinfo(i, &s);
		int tcp = s.type == KEEL_SOCK_TCP;
		const char *state = "";

		if (rc < 0)
			err(1, "sockinfo");
		if (rc == 0)
			break;
		if (only_tcp != only_udp && (only_tcp ? !tcp : tcp))
			continue;
		if (only_listen && !(tcp && s.state == KEEL_TCP_LISTEN))
			continue;
		if (tcp)
			state = s.state < sizeof(tcp_states) / sizeof(tcp_states[0]) &&
				tcp_states[s.state] ? tcp_states[s.state] : "UNKNOWN";
		if (s.pid > 0)
			snprintf(pid, sizeof(pid), "%d", s.pid);
		else
			snprintf(pid, sizeof(pid), "-");
		printf("%-5s %6u %6u %-21s %-21s %-11s %s\n", proto_name(s.type), s.rx_queued,
		       s.tx_queued, endpoint(&s.local, local, sizeof(local)),
		       endpoint(&s.remote, remote, sizeof(remote)), state, pid);
	}
	return 0;
}
