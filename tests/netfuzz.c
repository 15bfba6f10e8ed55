/*
 * netfuzz: writes malformed Ethernet frames, or a flood of good echo requests, to a
 * network interface through a packet socket (Linux packet(7), needs CAP_NET_RAW), for
 * tests/net-tap.test to throw at Keel through a tap device. Each KIND is sent COUNT times:
 *
 *	runt          a bare 14-byte IPv4 frame, no payload (Linux sends nothing shorter through
 *	              a packet socket, and the card pads it to 60 bytes of zeros: a bad header)
 *	giant         a 2000-byte IPv4 frame (the interface's MTU must allow it)
 *	ip-checksum   an echo request with a wrong IPv4 header checksum
 *	ip-length     an echo request whose IPv4 total length is beyond the frame
 *	ip-options    an echo request with 4 bytes of IPv4 options
 *	ip-fragment   the first fragment of an echo request
 *	udp-checksum  a datagram to port 7 with a wrong UDP checksum
 *	arp-hlen      an ARP request with a hardware address length of 7
 *	flood         good echo requests as fast as they go; then counts the replies
 *	udp-rtt       (not malformed) COUNT datagrams to DST_IP port 7 through an ordinary
 *	              UDP socket, one at a time, each waiting for its echo: for bench/net.sh
 *
 *	netfuzz [-n COUNT] [-w WAIT_MS] IFACE DST_MAC SRC_IP DST_IP KIND...
 *
 * Prints "KIND: sent N" per kind (and "flood: replies M", "udp-rtt: N round trips in T ms,
 * per second R"). Exit status 0, 1 when a send
 * fails, 2 for usage errors.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <err.h>
#include <getopt.h>
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

#define FUZZ_FRAME_MAX	2048
#define FLOOD_ID	0x4242

static struct {
	int fd, ifindex;
	uint8_t src_mac[ETH_ALEN], dst_mac[ETH_ALEN];
	uint32_t src_ip, dst_ip;
	long count, wait_ms;
} fz;

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: netfuzz [-n COUNT] [-w WAIT_MS] IFACE DST_MAC SRC_IP DST_IP KIND...\n"
		"kinds: runt giant ip-checksum ip-length ip-options ip-fragment udp-checksum\n"
		"       arp-hlen flood\n");
	exit(status);
}

static void
send_frame(const uint8_t *f, size_t len)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_ifindex = fz.ifindex,
				  .sll_halen = ETH_ALEN };

	memcpy(to.sll_addr, fz.dst_mac, ETH_ALEN);
	if (sendto(fz.fd, f, len, 0, (struct sockaddr *)&to, sizeof(to)) != (ssize_t)len)
		err(1, "sendto of a %zu-byte frame", len);
}

/* An echo request with seq and len bytes of data, headers included; returns its length. */
static size_t
echo_request(uint8_t *f, uint16_t seq, size_t data)
{
	uint8_t *icmp = f + NET_L4_OFF;

	eth_build(f, fz.dst_mac, fz.src_mac, ETHERTYPE_IPV4);
	memset(icmp, 0, ICMP_HLEN + data);
	icmp[0] = ICMP_ECHO_REQUEST;
	put16(icmp + 4, FLOOD_ID);
	put16(icmp + 6, seq);
	for (size_t i = 0; i < data; i++)
		icmp[ICMP_HLEN + i] = (uint8_t)i;
	put16(icmp + 2, net_checksum(icmp, ICMP_HLEN + data));
	ipv4_build(f + NET_IP_OFF, fz.src_ip, fz.dst_ip, IP_PROTO_ICMP, (uint16_t)(ICMP_HLEN + data), seq);
	return NET_L4_OFF + ICMP_HLEN + data;
}

static void
fix_ip_checksum(uint8_t *ip, size_t hlen)
{
	put16(ip + 10, 0);
	put16(ip + 10, net_checksum(ip, hlen));
}

/* Builds one frame of kind into f; returns its length, or 0 for an unknown kind. */
static size_t
build(const char *kind, uint8_t *f, uint16_t seq)
{
	size_t len;

	memset(f, 0, FUZZ_FRAME_MAX);
	if (strcmp(kind, "runt") == 0) {
		eth_build(f, fz.dst_mac, fz.src_mac, ETHERTYPE_IPV4);
		return ETH_HLEN;
	}
	if (strcmp(kind, "giant") == 0) {
		len = echo_request(f, seq, 2000 - NET_L4_OFF - ICMP_HLEN);
		return len;
	}
	if (strcmp(kind, "arp-hlen") == 0) {
		eth_build(f, fz.dst_mac, fz.src_mac, ETHERTYPE_ARP);
		arp_build(f + ETH_HLEN, ARP_OP_REQUEST, fz.src_mac, fz.src_ip, fz.dst_mac, fz.dst_ip);
		f[ETH_HLEN + 4] = 7;
		return ETH_HLEN + ARP_LEN + 1;
	}
	if (strcmp(kind, "udp-checksum") == 0) {
		eth_build(f, fz.dst_mac, fz.src_mac, ETHERTYPE_IPV4);
		memcpy(f + NET_UDP_DATA_OFF, "fuzz", 4);
		udp_build(f + NET_L4_OFF, fz.src_ip, fz.dst_ip, 40000, 7, 4);
		f[NET_L4_OFF + 6] ^= 0x55;
		ipv4_build(f + NET_IP_OFF, fz.src_ip, fz.dst_ip, IP_PROTO_UDP, UDP_HLEN + 4, seq);
		return NET_UDP_DATA_OFF + 4;
	}
	len = echo_request(f, seq, 32);
	uint8_t *ip = f + NET_IP_OFF;
	if (strcmp(kind, "ip-checksum") == 0) {
		ip[10] ^= 0x5a;
	} else if (strcmp(kind, "ip-length") == 0) {
		put16(ip + 2, 1400);
		fix_ip_checksum(ip, IPV4_HLEN);
	} else if (strcmp(kind, "ip-fragment") == 0) {
		put16(ip + 6, IPV4_FLAG_MF);
		fix_ip_checksum(ip, IPV4_HLEN);
	} else if (strcmp(kind, "ip-options") == 0) {
		memmove(ip + IPV4_HLEN + 4, ip + IPV4_HLEN, len - NET_L4_OFF);
		memset(ip + IPV4_HLEN, 1, 4);	/* four no-operation options */
		ip[0] = 0x46;
		put16(ip + 2, (uint16_t)(get16(ip + 2) + 4));
		fix_ip_checksum(ip, IPV4_HLEN + 4);
		len += 4;
	} else if (strcmp(kind, "flood") != 0) {
		return 0;
	}
	return len;
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Counts the echo replies to the flood that arrive within fz.wait_ms. */
static long
count_replies(void)
{
	uint8_t f[FUZZ_FRAME_MAX];
	long deadline = now_ms() + fz.wait_ms, replies = 0, left;
	struct pollfd p = { .fd = fz.fd, .events = POLLIN };

	while ((left = deadline - now_ms()) > 0 && poll(&p, 1, (int)left) > 0) {
		ssize_t n = recv(fz.fd, f, sizeof(f), 0);
		if (n >= NET_L4_OFF + ICMP_HLEN && get16(f + 12) == ETHERTYPE_IPV4 &&
		    f[NET_IP_OFF + 9] == IP_PROTO_ICMP && f[NET_L4_OFF] == ICMP_ECHO_REPLY &&
		    get16(f + NET_L4_OFF + 4) == FLOOD_ID)
			replies++;
	}
	return replies;
}

/* Echo round trips through udpecho, one at a time; a lost one waits a second. */
static void
udp_rtt(void)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(7),
				  .sin_addr.s_addr = htonl(fz.dst_ip) };
	char msg[32], back[64];
	long ok_count = 0, start = now_ms(), ms;
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct pollfd p = { .fd = s, .events = POLLIN };

	if (s < 0 || connect(s, (struct sockaddr *)&to, sizeof(to)) != 0)
		err(1, "udp socket");
	memset(msg, 'k', sizeof(msg));
	for (long i = 0; i < fz.count; i++) {
		if (send(s, msg, sizeof(msg), 0) != (ssize_t)sizeof(msg))
			err(1, "send");
		if (poll(&p, 1, 1000) > 0 && recv(s, back, sizeof(back), 0) == (ssize_t)sizeof(msg))
			ok_count++;
	}
	ms = now_ms() - start;
	printf("udp-rtt: %ld round trips in %ld ms, per second %ld\n", ok_count, ms,
	       ms ? ok_count * 1000 / ms : 0);
	close(s);
}

static void
open_iface(const char *name)
{
	struct ifreq ifr;

	if ((fz.fd = socket(AF_PACKET, SOCK_RAW, htons(ETHERTYPE_IPV4))) < 0)
		err(1, "packet socket (root or CAP_NET_RAW is needed)");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fz.fd, SIOCGIFINDEX, &ifr) != 0)
		err(1, "%s", name);
	fz.ifindex = ifr.ifr_ifindex;
	if (ioctl(fz.fd, SIOCGIFHWADDR, &ifr) != 0)
		err(1, "%s: its MAC address", name);
	memcpy(fz.src_mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	struct sockaddr_ll me = { .sll_family = AF_PACKET, .sll_protocol = htons(ETHERTYPE_IPV4),
				  .sll_ifindex = fz.ifindex };
	if (bind(fz.fd, (struct sockaddr *)&me, sizeof(me)) != 0)
		err(1, "bind to %s", name);
}

static void
parse_ip(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		errx(2, "%s is not an IPv4 address", s);
	*out = ntohl(a.s_addr);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'n' }, { "wait", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	uint8_t f[FUZZ_FRAME_MAX];
	int c;

	fz.count = 10;
	fz.wait_ms = 2000;
	while ((c = getopt_long(argc, argv, "n:w:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': fz.count = strtol(optarg, NULL, 10); break;
		case 'w': fz.wait_ms = strtol(optarg, NULL, 10); break;
		case 'h': usage(0); break;
		case 'V': puts("netfuzz (Keel tests)"); return 0;
		default: usage(2);
		}
	}
	if (argc - optind < 5 || fz.count < 1 || fz.wait_ms < 0)
		usage(2);
	if (sscanf(argv[optind + 1], "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &fz.dst_mac[0],
		   &fz.dst_mac[1], &fz.dst_mac[2], &fz.dst_mac[3], &fz.dst_mac[4],
		   &fz.dst_mac[5]) != 6)
		errx(2, "%s is not a MAC address", argv[optind + 1]);
	parse_ip(argv[optind + 2], &fz.src_ip);
	parse_ip(argv[optind + 3], &fz.dst_ip);
	open_iface(argv[optind]);
	for (int k = optind + 4; k < argc; k++) {
		const char *kind = argv[k];
		if (strcmp(kind, "udp-rtt") == 0) {
			udp_rtt();
			continue;
		}
		for (long i = 0; i < fz.count; i++) {
			size_t len = build(kind, f, (uint16_t)(i + 1));
			if (len == 0)
				errx(2, "%s: no such kind", kind);
			send_frame(f, len);
		}
		printf("%s: sent %ld\n", kind, fz.count);
		if (strcmp(kind, "flood") == 0)
			printf("flood: replies %ld\n", count_replies());
		fflush(stdout);
	}
	return 0;
}
