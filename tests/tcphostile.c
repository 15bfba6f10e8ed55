/*
 * tcphostile: throws hostile TCP segments at Keel through a packet socket (Linux
 * packet(7), root), for tests/tcp.test. Two kinds of attack:
 *
 *	tcphostile IFACE DST_MAC SRC_IP DST_IP PORT flood N
 *		N SYNs to PORT from random ports of random addresses .100-.249 of SRC_IP's /24,
 *		which nobody answers for: half-open connections that never complete.
 *	tcphostile IFACE DST_MAC SRC_IP DST_IP PORT conn
 *		segments that need no connection first (a bad checksum, SYN+FIN, from the real
 *		address), then a real connection from this host's TCP to PORT which sends
 *		"before\n"; learns the sequence numbers from Keel's ACK (read off the packet
 *		socket) and injects into it: RSTs with wrong sequence numbers (in the window
 *		and far out of it), data far outside the window, a SYN; then sends "after\n",
 *		closes its side and reads until Keel closes. Keel's side must have taken
 *		exactly "before\nafter\n" (the test checks) and the connection must survive:
 *		exit status 1 when it was reset.
 *
 * Prints one line per step. Exit status 0, 1 on a failure, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "netproto.h"

static struct {
	int fd, ifindex;
	uint8_t src_mac[ETH_ALEN], dst_mac[ETH_ALEN];
	uint32_t src_ip, dst_ip;
	uint16_t port;
} hs;

static void
usage(void)
{
	fprintf(stderr, "usage: tcphostile IFACE DST_MAC SRC_IP DST_IP PORT flood N | conn\n");
	exit(2);
}

static void
open_iface(const char *name)
{
	struct ifreq ifr;
	struct sockaddr_ll me = { .sll_family = AF_PACKET, .sll_protocol = htons(ETHERTYPE_IPV4) };

	if ((hs.fd = socket(AF_PACKET, SOCK_RAW, htons(ETHERTYPE_IPV4))) < 0)
		err(1, "packet socket (root or CAP_NET_RAW is needed)");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(hs.fd, SIOCGIFINDEX, &ifr) != 0)
		err(1, "%s", name);
	hs.ifindex = ifr.ifr_ifindex;
	if (ioctl(hs.fd, SIOCGIFHWADDR, &ifr) != 0)
		err(1, "%s: its MAC address", name);
	memcpy(hs.src_mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	me.sll_ifindex = hs.ifindex;
	if (bind(hs.fd, (struct sockaddr *)&me, sizeof(me)) != 0)
		err(1, "bind to %s", name);
}

/* Sends one TCP segment from src:sport with o's fields and len bytes of data. */
static void
send_segment(uint32_t src, const struct tcp_out *o, const void *data, size_t len,
	     int bad_checksum)
{
	uint8_t f[ETH_FRAME_MAX];
	uint8_t *tcp = f + NET_L4_OFF;
	size_t hlen = tcp_header_len(o);
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_ifindex = hs.ifindex,
				  .sll_halen = ETH_ALEN };

	memset(f, 0, sizeof(f));
	eth_build(f, hs.dst_mac, hs.src_mac, ETHERTYPE_IPV4);
	memcpy(tcp + hlen, data, len);
	tcp_build(tcp, src, hs.dst_ip, o, len);
	if (bad_checksum)
		tcp[16] ^= 0x5a;
	ipv4_build(f + NET_IP_OFF, src, hs.dst_ip, IP_PROTO_TCP, (uint16_t)(hlen + len),
		   (uint16_t)rand());
	memcpy(to.sll_addr, hs.dst_mac, ETH_ALEN);
	if (sendto(hs.fd, f, NET_L4_OFF + hlen + len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		err(1, "sendto");
}

static struct tcp_out
segment_to_port(uint16_t sport, uint32_t seq, uint32_t ack, uint8_t flags)
{
	struct tcp_out o;

	memset(&o, 0, sizeof(o));
	o.sport = sport;
	o.dport = hs.port;
	o.seq = seq;
	o.ack = ack;
	o.flags = flags;
	o.window = 65535;
	o.wscale = -1;
	return o;
}

static void
flood(long n)
{
	uint32_t net = hs.src_ip & 0xffffff00u;

	for (long i = 0; i < n; i++) {
		uint32_t src = net | (uint32_t)(100 + rand() % 150);
		struct tcp_out o = segment_to_port((uint16_t)(1024 + rand() % 60000),
						   (uint32_t)rand(), 0, TCP_SYN);
		o.mss = 1460;
		send_segment(src, &o, NULL, 0, 0);
	}
	printf("flood: sent %ld SYNs\n", n);
}

/*
 * Waits up to 3 s for a segment from Keel's port to ours carrying ACK; fills *seq and
 * *ack with its numbers. Returns 0, or -1 when none came.
 */
static int
sniff_ack(uint16_t ours, uint32_t *seq, uint32_t *ack)
{
	uint8_t f[ETH_FRAME_MAX + 64];
	struct pollfd p = { .fd = hs.fd, .events = POLLIN };

	while (poll(&p, 1, 3000) > 0) {
		ssize_t n = recv(hs.fd, f, sizeof(f), 0);
		struct ipv4_info ip;
		struct tcp_info t;
		if (n < ETH_HLEN || ipv4_parse(f + ETH_HLEN, (size_t)n - ETH_HLEN, &ip) != 0)
			continue;
		if (ip.proto != IP_PROTO_TCP || ip.src != hs.dst_ip || tcp_parse(&ip, &t) != 0)
			continue;
		if (t.sport == hs.port && t.dport == ours && (t.flags & TCP_ACK)) {
			*seq = t.seq;
			*ack = t.ack;
			return 0;
		}
	}
	return -1;
}

static int
conn(void)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(hs.port),
				  .sin_addr.s_addr = htonl(hs.dst_ip) };
	struct sockaddr_in me;
	socklen_t melen = sizeof(me);
	uint32_t kseq, kack;
	char buf[256];
	ssize_t n;
	int s;

	/* No connection needed: these must be dropped and counted. */
	for (int i = 0; i < 5; i++) {
		struct tcp_out o = segment_to_port((uint16_t)(40000 + i), 1000, 0, TCP_SYN);
		send_segment(hs.src_ip, &o, NULL, 0, 1);	/* bad checksum */
		o.flags = TCP_SYN | TCP_FIN;
		send_segment(hs.src_ip, &o, NULL, 0, 0);
	}
	printf("bad checksums and SYN+FIN: sent 5 each\n");

	if ((s = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		err(1, "socket");
	if (connect(s, (struct sockaddr *)&to, sizeof(to)) != 0)
		err(1, "connect");
	if (getsockname(s, (struct sockaddr *)&me, &melen) != 0)
		err(1, "getsockname");
	uint16_t ours = ntohs(me.sin_port);
	/* Drain what the packet socket saw of the handshake, then learn the numbers. */
	while (recv(hs.fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	if (write(s, "before\n", 7) != 7)
		err(1, "write");
	if (sniff_ack(ours, &kseq, &kack) != 0)
		errx(1, "no ACK from Keel for the first bytes");
	printf("connected: port %u, Keel's seq %u, it expects %u\n", ours, kseq, kack);

	struct tcp_out o = segment_to_port(ours, kack + 1000, kseq, TCP_RST);
	send_segment(hs.src_ip, &o, NULL, 0, 0);	/* in the window, not exact: challenge */
	o.seq = kack + 50000000u;
	send_segment(hs.src_ip, &o, NULL, 0, 0);	/* far out of the window: dropped */
	o.seq = kack - 50000000u;
	send_segment(hs.src_ip, &o, NULL, 0, 0);
	o.flags = TCP_ACK | TCP_PSH;
	o.seq = kack + 50000000u;
	send_segment(hs.src_ip, &o, "EVIL\n", 5, 0);	/* data out of the window */
	o.seq = kack - 100000u;
	send_segment(hs.src_ip, &o, "EVIL\n", 5, 0);
	o.flags = TCP_SYN;
	o.seq = kack + 10;
	send_segment(hs.src_ip, &o, NULL, 0, 0);	/* SYN in a synchronized state */
	printf("injected: 3 RSTs with wrong numbers, 2 segments outside the window, a SYN\n");
	usleep(300000);

	if (write(s, "after\n", 6) != 6)
		err(1, "write after the attack (the connection was reset?)");
	if (shutdown(s, SHUT_WR) != 0)
		err(1, "shutdown");
	while ((n = read(s, buf, sizeof(buf))) > 0)
		;
	if (n < 0)
		err(1, "read after the attack (the connection was reset?)");
	close(s);
	printf("conn: the connection survived and closed cleanly\n");
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 7)
		usage();
	if (sscanf(argv[2], "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &hs.dst_mac[0], &hs.dst_mac[1],
		   &hs.dst_mac[2], &hs.dst_mac[3], &hs.dst_mac[4], &hs.dst_mac[5]) != 6)
		usage();
	struct in_addr a;
	if (inet_pton(AF_INET, argv[3], &a) != 1)
		usage();
	hs.src_ip = ntohl(a.s_addr);
	if (inet_pton(AF_INET, argv[4], &a) != 1)
		usage();
	hs.dst_ip = ntohl(a.s_addr);
	hs.port = (uint16_t)atoi(argv[5]);
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	open_iface(argv[1]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(argv[6], "flood") == 0 && argc == 8) {
		flood(atol(argv[7]));
		return 0;
	}
	if (strcmp(argv[6], "conn") == 0)
		return conn();
	usage();
}
