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
 *	tcphostile IFACE DST_MAC SRC_IP DST_IP PORT peer
 *		a TCP peer written by hand at SRC_IP, an address of the namespace's /24 that
 *		the host does not have: it answers Keel's ARP for it with a made-up MAC, so
 *		the host's own TCP never sees the segments (nor resets them), and it plays
 *		what a normal peer would not, for userland/programs/tcpcheck on Keel's side,
 *		one connection to each port from PORT on, in turn:
 *		PORT: Keel's SYN is answered with a bare SYN (simultaneous open, RFC 9293
 *		3.5 figure 7): Keel must send SYN,ACK with its own ISS; our SYN,ACK then
 *		completes it; "ping\n" comes, "pong\n" goes. Keel's FIN is answered by our
 *		FIN that does not acknowledge it (simultaneous close, figure 8): Keel must
 *		acknowledge ours while its FIN stays out (CLOSING); ours comes 1 s later.
 *		PORT+1 and PORT+2: two 1-byte writes, nothing acknowledged for 1 s. With
 *		Nagle (PORT+1) the second byte must not go alone before our ACK (RFC 9293
 *		3.7.4); with KEEL_SO_NODELAY (PORT+2) it must. Then we send a byte beyond
 *		a gap: Keel's ACK must report it in a SACK block (RFC 2018, offered in our
 *		SYN,ACK), before the byte that fills the gap goes.
 *		PORT+3: after the handshake we fall silent: Keel must send its data again
 *		(RFC 6298 5.4) and then give up.
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
	fprintf(stderr, "usage: tcphostile IFACE DST_MAC SRC_IP DST_IP PORT flood N | conn | peer\n");
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

/* The peer: a made-up MAC for SRC_IP, locally administered. */
static const uint8_t peer_mac[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x6b, 0x65, 0x6c };
static int arp_fd = -1;

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
open_arp(void)
{
	struct sockaddr_ll me = { .sll_family = AF_PACKET, .sll_protocol = htons(ETHERTYPE_ARP),
				  .sll_ifindex = hs.ifindex };

	if ((arp_fd = socket(AF_PACKET, SOCK_RAW, htons(ETHERTYPE_ARP))) < 0)
		err(1, "packet socket for ARP");
	if (bind(arp_fd, (struct sockaddr *)&me, sizeof(me)) != 0)
		err(1, "bind the ARP socket");
}

/* Answers an ARP request for SRC_IP (RFC 826) with peer_mac. */
static void
answer_arp(void)
{
	uint8_t f[ETH_FRAME_MAX + 64];
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_ifindex = hs.ifindex,
				  .sll_halen = ETH_ALEN };
	struct arp_info a;
	ssize_t n = recv(arp_fd, f, sizeof(f), 0);

	if (n < ETH_HLEN || arp_parse(f + ETH_HLEN, (size_t)n - ETH_HLEN, &a) != 0 ||
	    a.op != ARP_OP_REQUEST || a.tpa != hs.src_ip || a.spa != hs.dst_ip)
		return;
	memset(f, 0, sizeof(f));
	eth_build(f, a.sha, peer_mac, ETHERTYPE_ARP);
	arp_build(f + ETH_HLEN, ARP_OP_REPLY, peer_mac, hs.src_ip, a.sha, a.spa);
	memcpy(to.sll_addr, a.sha, ETH_ALEN);
	if (sendto(arp_fd, f, ETH_ZLEN, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		err(1, "sendto (ARP)");
}

struct seg {
	struct tcp_info t;
	uint8_t data[ETH_FRAME_MAX];
};

/*
 * Waits up to ms for a segment from Keel to SRC_IP:port, answering ARP meanwhile.
 * Returns 1 with it in *s, or 0 when none came.
 */
static int
peer_recv(uint16_t port, int ms, struct seg *s)
{
	uint64_t end = now_ms() + (uint64_t)ms;
	uint8_t f[ETH_FRAME_MAX + 64];

	for (uint64_t now; (now = now_ms()) < end;) {
		struct pollfd p[2] = { { .fd = hs.fd, .events = POLLIN },
				       { .fd = arp_fd, .events = POLLIN } };
		struct ipv4_info ip;

		if (poll(p, 2, (int)(end - now)) <= 0)
			continue;
		if (p[1].revents & POLLIN)
			answer_arp();
		if (!(p[0].revents & POLLIN))
			continue;
		ssize_t n = recv(hs.fd, f, sizeof(f), 0);
		if (n < ETH_HLEN || ipv4_parse(f + ETH_HLEN, (size_t)n - ETH_HLEN, &ip) != 0)
			continue;
		if (ip.proto != IP_PROTO_TCP || ip.src != hs.dst_ip || ip.dst != hs.src_ip ||
		    tcp_parse(&ip, &s->t) != 0 || s->t.dport != port)
			continue;
		memcpy(s->data, s->t.payload, s->t.len);
		s->t.payload = s->data;
		return 1;
	}
	return 0;
}

/* One connection of the peer: our port, Keel's, and both sides' next numbers. */
struct pconn {
	uint16_t port, kport;
	uint32_t iss, snd_nxt, rcv_nxt;
};

static void
peer_send(const struct pconn *c, uint8_t flags, const void *data, size_t len)
{
	struct tcp_out o;

	memset(&o, 0, sizeof(o));
	o.sport = c->port;
	o.dport = c->kport;
	o.seq = flags & TCP_SYN ? c->iss : c->snd_nxt;
	o.ack = flags & TCP_ACK ? c->rcv_nxt : 0;
	o.flags = flags;
	o.window = 65535;
	o.wscale = -1;
	if (flags & TCP_SYN) {
		o.mss = 1460;
		o.sack_ok = true;	/* RFC 2018 2 */
	}
	send_segment(hs.src_ip, &o, data, len, 0);
}

/* Waits up to ms for Keel's SYN to port; fills c. Returns 0, or -1. */
static int
peer_syn(struct pconn *c, uint16_t port, int ms, uint32_t *kiss)
{
	struct seg s;

	memset(c, 0, sizeof(*c));
	c->port = port;
	while (peer_recv(port, ms, &s))
		if (s.t.flags == TCP_SYN) {
			c->kport = s.t.sport;
			*kiss = s.t.seq;
			c->rcv_nxt = s.t.seq + 1;
			c->iss = (uint32_t)rand();
			c->snd_nxt = c->iss + 1;
			return 0;
		}
	return -1;
}

/* Passive open: Keel's SYN, our SYN,ACK (and its ACK comes with what follows). */
static int
peer_accept(struct pconn *c, uint16_t port, const char *what)
{
	uint32_t kiss;

	if (peer_syn(c, port, 120000, &kiss) != 0) {
		printf("%s: no SYN from Keel\n", what);
		return -1;
	}
	peer_send(c, TCP_SYN | TCP_ACK, NULL, 0);
	return 0;
}

/* Simultaneous open, data both ways, simultaneous close. */
static int
peer_simultaneous(uint16_t port)
{
	struct pconn c;
	struct seg s;
	uint32_t kiss, kfin;
	int got = 0, refins = 0;

	/* Keel's tcpcheck runs after the other steps of tcp.test: wait long. */
	if (peer_syn(&c, port, 900000, &kiss) != 0) {
		printf("simopen: no SYN from Keel\n");
		return 1;
	}
	peer_send(&c, TCP_SYN, NULL, 0);	/* line 3: a SYN, not a SYN,ACK */
	while (!got && peer_recv(port, 5000, &s))
		got = s.t.flags == (TCP_SYN | TCP_ACK) && s.t.seq == kiss && s.t.ack == c.snd_nxt;
	if (!got) {
		printf("simopen: Keel did not answer our SYN with SYN,ACK <SEQ=ISS><ACK=our ISS+1>\n");
		return 1;
	}
	printf("simopen: Keel answered our SYN with SYN,ACK: it is in SYN-RECEIVED\n");
	peer_send(&c, TCP_SYN | TCP_ACK, NULL, 0);	/* line 6: ours, which ends it */
	for (got = 0; !got && peer_recv(port, 5000, &s);)
		got = s.t.len == 5 && s.t.seq == c.rcv_nxt && memcmp(s.data, "ping\n", 5) == 0;
	if (!got) {
		printf("simopen: no \"ping\" from Keel: the connection did not open\n");
		return 1;
	}
	c.rcv_nxt += 5;
	peer_send(&c, TCP_ACK | TCP_PSH, "pong\n", 5);
	c.snd_nxt += 5;
	printf("simopen: \"ping\" came, \"pong\" went\n");
	/* Keel closes after reading pong: its FIN (after its ACK of pong, maybe with it). */
	for (got = 0; !got && peer_recv(port, 5000, &s);)
		got = (s.t.flags & TCP_FIN) && s.t.seq + s.t.len == c.rcv_nxt;
	if (!got) {
		printf("simclose: no FIN from Keel\n");
		return 1;
	}
	kfin = c.rcv_nxt;
	/* Our FIN crosses Keel's: it acknowledges the data, not Keel's FIN. */
	peer_send(&c, TCP_FIN | TCP_ACK, NULL, 0);
	c.snd_nxt++;
	for (got = 0; !got && peer_recv(port, 5000, &s);)
		got = (s.t.flags & TCP_ACK) && s.t.ack == c.snd_nxt;
	if (!got) {
		printf("simclose: Keel did not acknowledge our FIN\n");
		return 1;
	}
	printf("simclose: Keel acknowledged our FIN while its own was unacknowledged (CLOSING)\n");
	/* A second of silence: Keel, in CLOSING, sends its FIN again. */
	while (peer_recv(port, 1000, &s))
		refins += (s.t.flags & TCP_FIN) && s.t.seq == kfin;
	c.rcv_nxt = kfin + 1;
	peer_send(&c, TCP_ACK, NULL, 0);	/* both sides now in TIME_WAIT */
	printf("simclose: Keel sent its FIN again %d times; now acknowledged\n", refins);
	/*
	 * No lingering to ACK a FIN again: the link is clean, and Keel's next SYN, for
	 * PORT+1, comes at once; missed, it would come back only after a second.
	 */
	return 0;
}

/* Two 1-byte writes; nothing acknowledged for 1 s. nodelay: whether "b" must go alone. */
static int
peer_small(uint16_t port, int nodelay)
{
	const char *what = nodelay ? "nodelay" : "nagle";
	struct pconn c;
	struct seg s;
	uint32_t first;
	uint8_t bytes[2] = { 0, 0 };
	unsigned have = 0, segs = 0;
	int alone = 0;
	uint64_t end;
	char seen[256] = "";

	if (peer_accept(&c, port, what) != 0)
		return 1;
	first = c.rcv_nxt;
	uint64_t start = now_ms();
	for (end = start + 1000; !(nodelay && alone);) {
		uint64_t now = now_ms();
		if (now >= end)
			break;
		if (!peer_recv(port, (int)(end - now), &s) || s.t.len == 0)
			continue;
		uint32_t off = s.t.seq - first;
		size_t n = strlen(seen);
		snprintf(seen + n, sizeof(seen) - n, " %.*s@%u(%ums)", s.t.len < 2 ? (int)s.t.len : 2,
			 s.data, off, (unsigned)(now_ms() - start));
		for (size_t i = 0; i < s.t.len && off + i < 2; i++)
			bytes[off + i] = s.data[i], have |= 1u << (off + i);
		alone |= off == 1;
		segs++;
	}
	printf("%s: data before our ACK (bytes@offset(ms after our SYN,ACK)):%s\n", what, seen);
	/* Now acknowledge; the rest comes. */
	c.rcv_nxt = first + (have & 1 ? (have & 2 ? 2 : 1) : 0);
	peer_send(&c, TCP_ACK, NULL, 0);
	while (have != 3 && peer_recv(port, 3000, &s)) {
		uint32_t off = s.t.seq - first;
		for (size_t i = 0; i < s.t.len && off + i < 2; i++)
			bytes[off + i] = s.data[i], have |= 1u << (off + i);
		if (have & 1)
			c.rcv_nxt = first + (have & 2 ? 2 : 1);
		peer_send(&c, TCP_ACK, NULL, 0);
	}
	if (have != 3 || memcmp(bytes, "ab", 2) != 0) {
		printf("%s: the two bytes did not both come\n", what);
		return 1;
	}
	/* SACK (RFC 2018 4): a byte beyond a gap must come back in a block of Keel's ACK. */
	c.snd_nxt++;
	peer_send(&c, TCP_ACK | TCP_PSH, "y", 1);
	c.snd_nxt--;
	int sacked = 0;
	while (!sacked && peer_recv(port, 3000, &s))
		sacked = s.t.ack == c.snd_nxt && s.t.nsack > 0 && s.t.sack[0][0] == c.snd_nxt + 1 &&
			 s.t.sack[0][1] == c.snd_nxt + 2;
	peer_send(&c, TCP_ACK | TCP_PSH, "x", 1);	/* fills the gap */
	c.snd_nxt += 2;
	if (!sacked) {
		printf("%s: Keel's ACK did not report the byte beyond the gap in a SACK block\n", what);
		return 1;
	}
	printf("%s: the byte sent beyond a gap came back in a SACK block\n", what);
	/* Our FIN; Keel reads the end, closes, and its FIN gets our ACK. */
	peer_send(&c, TCP_FIN | TCP_ACK, NULL, 0);
	c.snd_nxt++;
	int fin = 0;
	while (!fin && peer_recv(port, 5000, &s))
		if ((fin = (s.t.flags & TCP_FIN) != 0)) {
			c.rcv_nxt = s.t.seq + (uint32_t)s.t.len + 1;
			peer_send(&c, TCP_ACK, NULL, 0);
		}
	if (!fin) {
		printf("%s: no FIN from Keel\n", what);
		return 1;
	}
	if (nodelay != alone) {
		printf("%s: the second byte %s alone before the first was acknowledged\n", what,
		       alone ? "went" : "did not go");
		return 1;
	}
	printf("%s: as expected, the second byte %s alone before the ACK (%u segments)\n", what,
	       alone ? "went" : "did not go", segs);
	return 0;
}

/* After the handshake, nothing: Keel sends its data again and again, then stops. */
static int
peer_silent(uint16_t port)
{
	struct pconn c;
	struct seg s;
	uint32_t first;
	unsigned sent = 0;

	if (peer_accept(&c, port, "silent") != 0)
		return 1;
	first = c.rcv_nxt;
	/* Keel's user timeout is 2 s; after 3 s of silence from Keel it has given up. */
	while (peer_recv(port, 3000, &s))
		sent += s.t.len > 0 && s.t.seq == first;
	printf("silent: Keel sent its data %u times, then nothing for 3 s\n", sent);
	return sent >= 2 ? 0 : 1;
}

static int
peer(void)
{
	int bad = 0;

	memcpy(hs.src_mac, peer_mac, ETH_ALEN);
	open_arp();
	bad |= peer_simultaneous(hs.port);
	bad |= peer_small((uint16_t)(hs.port + 1), 0);
	bad |= peer_small((uint16_t)(hs.port + 2), 1);
	bad |= peer_silent((uint16_t)(hs.port + 3));
	return bad;
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
	if (strcmp(argv[6], "peer") == 0)
		return peer();
	usage();
}
