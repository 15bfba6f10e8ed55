/*
 * Unit tests of kernel/net/wire.c on the host: the Internet checksum, and the parsers of
 * Ethernet, ARP, IPv4, ICMP, UDP and DHCP, malformed input first (short, lying lengths,
 * bad checksums, odd sizes, fragments, options), then the packets the builders make.
 * Each packet is copied to a heap block of exactly its length, so that the address
 * sanitizer catches a read past its end.
 */
#include <stdlib.h>
#include <string.h>

#include <lib.h>
#include <netproto.h>
#include <keel/net.h>
#include "tap.h"

static uint8_t *pkt;

/* Returns a heap copy of the n bytes at p, exactly n long (freed at the next call). */
static const uint8_t *
exact(const void *p, size_t n)
{
	free(pkt);
	pkt = malloc(n ? n : 1);
	memcpy(pkt, p, n);
	return pkt;
}

static const uint8_t mac_a[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t mac_b[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
#define ADDR_A	0x0a00020fu	/* 10.0.2.15 */
#define ADDR_B	0x0a000202u	/* 10.0.2.2 */

static void
test_checksum(void)
{
	/* RFC 1071 3: the example's words sum to ddf2 (carries folded). */
	static const uint8_t rfc[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	static const uint8_t odd[] = { 0x01, 0x02, 0x03 };
	uint8_t ones[4096];

	is_int(net_checksum(exact(rfc, sizeof(rfc)), sizeof(rfc)), (uint16_t)~0xddf2,
	       "RFC 1071's example sums to 0xddf2");
	is_int(net_checksum(exact(odd, 3), 3), (uint16_t)~(0x0102 + 0x0300),
	       "an odd last byte is padded with zero");
	is_int(net_checksum(exact("", 0), 0), 0xffff, "nothing sums to zero: checksum ffff");
	memset(ones, 0xff, sizeof(ones));
	is_int(net_checksum(exact(ones, sizeof(ones)), sizeof(ones)), 0,
	       "4096 bytes of ff: the carries fold back");

	/* The word-at-a-time sum against RFC 1071 4.1's byte pairs, at every length up to a
	 * frame and every alignment, from a running sum as the pseudo-header gives it. */
	uint8_t buf[1600];
	unsigned seed = 12345, bad = 0;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)((seed = seed * 1103515245u + 12345u) >> 16);
	for (size_t off = 0; off < 4; off++)
		for (size_t len = 0; len + off <= sizeof(buf); len++) {
			uint32_t ref = 0xfffe7u, got = net_sum(buf + off, len, 0xfffe7u);
			size_t k;
			for (k = 0; k + 1 < len; k += 2)
				ref += (uint32_t)buf[off + k] << 8 | buf[off + k + 1];
			if (k < len)
				ref += (uint32_t)buf[off + k] << 8;
			bad += net_fold(ref) != net_fold(got);
		}
	is_int(bad, 0, "word sums equal byte-pair sums at every length and alignment");
}

/* A good IPv4 header of 20 bytes for len bytes of payload, into p. */
static void
ip_header(uint8_t *p, uint8_t proto, uint16_t payload)
{
	ipv4_build(p, ADDR_B, ADDR_A, proto, payload, 7);
}

static void
test_ipv4(void)
{
	uint8_t p[64];
	struct ipv4_info ip;

	memset(p, 0, sizeof(p));
	ip_header(p, IP_PROTO_UDP, 8);
	is_int(ipv4_parse(exact(p, 19), 19, &ip), NET_CTR_IP_BAD_HEADER, "19 bytes: too short");
	p[0] = 0x65;
	is_int(ipv4_parse(exact(p, 28), 28, &ip), NET_CTR_IP_BAD_HEADER, "version 6 is refused");
	p[0] = 0x44;
	is_int(ipv4_parse(exact(p, 28), 28, &ip), NET_CTR_IP_BAD_HEADER, "a 16-byte header is refused");
	p[0] = 0x4f;
	is_int(ipv4_parse(exact(p, 28), 28, &ip), NET_CTR_IP_BAD_HEADER,
	       "a 60-byte header in 28 bytes is refused");
	ip_header(p, IP_PROTO_UDP, 8);
	p[10] ^= 1;
	is_int(ipv4_parse(exact(p, 28), 28, &ip), NET_CTR_IP_BAD_CHECKSUM, "a bad checksum is caught");
	ip_header(p, IP_PROTO_UDP, 100);
	is_int(ipv4_parse(exact(p, 28), 28, &ip), NET_CTR_IP_BAD_LENGTH,
	       "a total length beyond the frame is refused");
	ipv4_build(p, ADDR_B, ADDR_A, IP_PROTO_UDP, 0, 7);
	put16(p + 2, 12);
	put16(p + 10, 0);
	put16(p + 10, net_checksum(p, 20));
	is_int(ipv4_parse(exact(p, 28), 28, &ip), NET_CTR_IP_BAD_LENGTH,
	       "a total length shorter than the header is refused");
	ip_header(p, IP_PROTO_UDP, 8);
	put16(p + 6, IPV4_FLAG_MF);
	put16(p + 10, 0);
	put16(p + 10, net_checksum(p, 20));
	is_int(ipv4_parse(exact(p, 28), 28, &ip), NET_CTR_IP_FRAGMENTS, "a first fragment is dropped");
	put16(p + 6, 185);
	put16(p + 10, 0);
	put16(p + 10, net_checksum(p, 20));
	is_int(ipv4_parse(exact(p, 28), 28, &ip), NET_CTR_IP_FRAGMENTS, "a later fragment is dropped");
	memset(p, 0, sizeof(p));
	ipv4_build(p, ADDR_B, ADDR_A, IP_PROTO_UDP, 8, 7);
	p[0] = 0x46;			/* one word of options (zeros: end of list) */
	put16(p + 2, 32);
	put16(p + 10, 0);
	put16(p + 10, net_checksum(p, 24));
	is_int(ipv4_parse(exact(p, 32), 32, &ip), NET_CTR_IP_OPTIONS, "options are counted, not parsed");

	ip_header(p, IP_PROTO_UDP, 8);
	is_int(ipv4_parse(exact(p, 46), 46, &ip), 0, "a good header in a padded frame parses");
	ok(ip.src == ADDR_B && ip.dst == ADDR_A && ip.proto == IP_PROTO_UDP && ip.ttl == IPV4_TTL,
	   "...with its addresses, protocol and TTL");
	is_int((int)ip.len, 8, "...and the payload ends at the total length, not the padding");
}

static void
test_udp(void)
{
	uint8_t p[64];
	struct ipv4_info ip;
	struct udp_info u;

	memset(p, 0, sizeof(p));
	memcpy(p + 20 + UDP_HLEN, "echo", 4);
	ip_header(p, IP_PROTO_UDP, UDP_HLEN + 4);
	udp_build(p + 20, ADDR_B, ADDR_A, 5000, 7, 4);
	ipv4_parse(p, 32, &ip);

	struct ipv4_info short_ip = ip;
	short_ip.len = 7;
	short_ip.payload = exact(p + 20, 7);
	is_int(udp_parse(&short_ip, &u), NET_CTR_UDP_BAD_LENGTH, "7 bytes: no UDP header");
	uint8_t bad[12];
	memcpy(bad, p + 20, 12);
	put16(bad + 4, 7);
	struct ipv4_info b = ip;
	b.payload = exact(bad, 12);
	is_int(udp_parse(&b, &u), NET_CTR_UDP_BAD_LENGTH, "a UDP length below 8 is refused");
	memcpy(bad, p + 20, 12);
	put16(bad + 4, 13);
	b.payload = exact(bad, 12);
	is_int(udp_parse(&b, &u), NET_CTR_UDP_BAD_LENGTH, "a UDP length beyond the IP payload is refused");
	memcpy(bad, p + 20, 12);
	bad[8] ^= 0x20;
	b.payload = exact(bad, 12);
	is_int(udp_parse(&b, &u), NET_CTR_UDP_BAD_CHECKSUM, "a changed byte fails the checksum");
	memcpy(bad, p + 20, 12);
	b.src = ADDR_B + 1;
	b.payload = exact(bad, 12);
	is_int(udp_parse(&b, &u), NET_CTR_UDP_BAD_CHECKSUM, "the pseudo-header's addresses count");
	b.src = ip.src;
	put16(bad + 6, 0);
	bad[8] ^= 0x20;
	b.payload = exact(bad, 12);
	is_int(udp_parse(&b, &u), 0, "a zero checksum means none (RFC 768)");

	ip.payload = exact(p + 20, 12);
	is_int(udp_parse(&ip, &u), 0, "udp_build's datagram parses");
	ok(u.sport == 5000 && u.dport == 7 && u.len == 4 && memcmp(u.payload, "echo", 4) == 0,
	   "...with its ports and data");
}

static void
test_icmp(void)
{
	uint8_t p[16] = { ICMP_ECHO_REQUEST, 0, 0, 0, 0x12, 0x34, 0x00, 0x01, 'p', 'i', 'n', 'g' };
	struct icmp_info ic;

	put16(p + 2, net_checksum(p, 12));
	is_int(icmp_parse(exact(p, 7), 7, &ic), NET_CTR_ICMP_BAD, "7 bytes: too short for ICMP");
	is_int(icmp_parse(exact(p, 11), 11, &ic), NET_CTR_ICMP_BAD, "a cut message fails its checksum");
	is_int(icmp_parse(exact(p, 12), 12, &ic), 0, "an echo request parses");
	ok(ic.type == ICMP_ECHO_REQUEST && ic.id == 0x1234 && ic.seq == 1, "...with its id and seq");
}

static void
test_eth_arp(void)
{
	uint8_t f[ETH_FRAME_MAX + 1], a[ARP_LEN];
	struct eth_info e;
	struct arp_info ar;

	memset(f, 0, sizeof(f));
	eth_build(f, mac_a, mac_b, ETHERTYPE_ARP);
	is_int(eth_parse(exact(f, 13), 13, &e), NET_CTR_RUNT, "13 bytes are a runt");
	is_int(eth_parse(exact(f, ETH_FRAME_MAX + 1), ETH_FRAME_MAX + 1, &e), NET_CTR_GIANT,
	       "1515 bytes are a giant");
	is_int(eth_parse(exact(f, ETH_HLEN), ETH_HLEN, &e), 0, "a bare header parses");
	ok(e.type == ETHERTYPE_ARP && e.len == 0 && memcmp(e.src, mac_b, 6) == 0,
	   "...with its type and source");

	arp_build(a, ARP_OP_REQUEST, mac_b, ADDR_B, mac_a, ADDR_A);
	is_int(arp_parse(exact(a, ARP_LEN - 1), ARP_LEN - 1, &ar), NET_CTR_ARP_BAD, "27 bytes of ARP");
	a[4] = 8;
	is_int(arp_parse(exact(a, ARP_LEN), ARP_LEN, &ar), NET_CTR_ARP_BAD, "a hardware length of 8");
	a[4] = 6;
	a[5] = 16;
	is_int(arp_parse(exact(a, ARP_LEN), ARP_LEN, &ar), NET_CTR_ARP_BAD, "a protocol length of 16");
	a[5] = 4;
	put16(a, 6);
	is_int(arp_parse(exact(a, ARP_LEN), ARP_LEN, &ar), NET_CTR_ARP_BAD, "hardware type 6");
	put16(a, ARP_HTYPE_ETHER);
	put16(a + 6, 3);
	is_int(arp_parse(exact(a, ARP_LEN), ARP_LEN, &ar), NET_CTR_ARP_BAD, "operation 3 (RARP)");
	put16(a + 6, ARP_OP_REQUEST);
	is_int(arp_parse(exact(a, ARP_LEN), ARP_LEN, &ar), 0, "arp_build's request parses");
	ok(ar.op == ARP_OP_REQUEST && ar.spa == ADDR_B && ar.tpa == ADDR_A &&
	   memcmp(ar.sha, mac_b, 6) == 0, "...with its addresses");
}

static void
test_dhcp(void)
{
	uint8_t m[DHCP_MSG_LEN];
	struct dhcp_info d;
	size_t n;

	is_int((int)dhcp_build(m, DHCP_MSG_LEN - 1, DHCP_DISCOVER, 1, mac_a, 0, 0), 0,
	       "dhcp_build wants room for a whole message");
	n = dhcp_build(m, sizeof(m), DHCP_DISCOVER, 0x1234, mac_a, 0, 0);
	is_int((int)n, DHCP_MSG_LEN, "a DISCOVER is padded to 548 bytes");
	m[0] = 2;			/* make it look like the server's reply */
	is_int(dhcp_parse(exact(m, 239), 239, 0x1234, mac_a, &d), -1, "a message without the cookie");
	is_int(dhcp_parse(exact(m, n), n, 0x1235, mac_a, &d), -1, "another transaction's reply");
	is_int(dhcp_parse(exact(m, n), n, 0x1234, mac_b, &d), -1, "another machine's reply");
	m[0] = 1;
	is_int(dhcp_parse(exact(m, n), n, 0x1234, mac_a, &d), -1, "a request is no reply");
	m[0] = 2;
	/* Options: type OFFER, then a netmask whose length runs past the end. */
	size_t o = DHCP_FIXED_LEN + 4;
	uint8_t opts[] = { DHCP_OPT_MSG_TYPE, 1, DHCP_OFFER, DHCP_OPT_NETMASK, 4, 255, 255 };
	memcpy(m + o, opts, sizeof(opts));
	is_int(dhcp_parse(exact(m, o + sizeof(opts)), o + sizeof(opts), 0x1234, mac_a, &d), -1,
	       "an option running past the end");
	uint8_t good[] = { DHCP_OPT_PAD, DHCP_OPT_MSG_TYPE, 1, DHCP_OFFER, DHCP_OPT_NETMASK, 4,
			   255, 255, 255, 0, DHCP_OPT_ROUTER, 4, 10, 0, 2, 2, DHCP_OPT_SERVER_ID, 4,
			   10, 0, 2, 2, DHCP_OPT_LEASE, 4, 0, 1, 81, 128, DHCP_OPT_END };
	memcpy(m + o, good, sizeof(good));
	put32(m + 16, ADDR_A);
	is_int(dhcp_parse(exact(m, o + sizeof(good)), o + sizeof(good), 0x1234, mac_a, &d), 0,
	       "an OFFER parses");
	ok(d.type == DHCP_OFFER && d.yiaddr == ADDR_A && d.netmask == 0xffffff00u &&
	   d.router == ADDR_B && d.server == ADDR_B && d.lease == 86400,
	   "...with the address, netmask, router, server and lease");
	uint8_t cut[] = { DHCP_OPT_MSG_TYPE };
	memcpy(m + o, cut, 1);
	is_int(dhcp_parse(exact(m, o + 1), o + 1, 0x1234, mac_a, &d), -1,
	       "an option code without its length");
}

static void
test_inet(void)
{
	static const char *const bad[] = {
		"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "1.2.3.", ".1.2.3", "0001.1.1.1",
		"a.b.c.d", "1.2.3.4 ", "-1.2.3.4",
	};
	uint32_t a = 0x55;
	unsigned prefix;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *s = strdup(bad[i]);
		is_int(inet_parse(s, strlen(s), &a), -1, "\"%s\" is no address", bad[i]);
		free(s);
	}
	ok(a == 0x55, "a refused address leaves *addr alone");
	is_int(inet_parse("10.0.2.15", 9, &a), 0, "10.0.2.15 parses");
	ok(a == ADDR_A, "...as 0x0a00020f");
	is_int(inet_parse_cidr("10.0.2.15/33", &a, &prefix), -1, "prefix 33 is refused");
	is_int(inet_parse_cidr("10.0.2.15/", &a, &prefix), -1, "an empty prefix is refused");
	is_int(inet_parse_cidr("10.0.2.15/2x", &a, &prefix), -1, "a prefix with letters is refused");
	is_int(inet_parse_cidr("192.168.76.2/16", &a, &prefix), 0, "192.168.76.2/16 parses");
	ok(a == 0xc0a84c02u && prefix == 16, "...with its prefix");
	is_int(inet_parse_cidr("10.1.2.3", &a, &prefix), 0, "no prefix parses...");
	is_int((int)prefix, 24, "...as /24");
	ok(inet_mask(0) == 0 && inet_mask(24) == 0xffffff00u && inet_mask(32) == 0xffffffffu,
	   "inet_mask of 0, 24 and 32");
	is_int(inet_prefix(0xffff0000u), 16, "255.255.0.0 is /16");
	is_int(inet_prefix(0xff00ff00u), -1, "255.0.255.0 is not a prefix");
}

int
main(void)
{
	test_checksum();
	test_ipv4();
	test_udp();
	test_icmp();
	test_eth_arp();
	test_dhcp();
	test_inet();
	free(pkt);
	return done_testing();
}
