/*
 * The wire formats of the protocols Keel speaks (Ethernet II, ARP, IPv4, ICMP, UDP, TCP, DHCP)
 * and the pure functions that check and build their headers (kernel/net/wire.c). Nothing
 * here touches a device or the stack's state, so the host unit tests (tests/unit/test_net)
 * run the same code on malformed input. Everything on the wire is big-endian; the
 * functions take and give host-order numbers and read bytes one at a time, so a header
 * at any alignment is fine.
 */
#ifndef KEEL_NETPROTO_H
#define KEEL_NETPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ETH_ALEN		6
#define ETH_HLEN		14
#define ETH_ZLEN		60	/* the shortest frame, padded, without the FCS */
#define ETH_FRAME_MAX		1514	/* the longest frame we send or take, without the FCS */
#define ETH_MTU			1500
#define ETHERTYPE_IPV4		0x0800
#define ETHERTYPE_ARP		0x0806

#define ARP_LEN			28	/* RFC 826 for Ethernet and IPv4 */
#define ARP_HTYPE_ETHER		1
#define ARP_OP_REQUEST		1
#define ARP_OP_REPLY		2

#define IPV4_HLEN		20	/* without options: the only kind we send or take */
#define IPV4_TTL		64
#define IPV4_FLAG_MF		0x2000
#define IPV4_OFFSET_MASK	0x1fff
#define IP_PROTO_ICMP		1
#define IP_PROTO_UDP		17

#define ICMP_HLEN		8
#define ICMP_ECHO_REPLY		0
#define ICMP_ECHO_REQUEST	8

#define UDP_HLEN		8

/* RFC 9293 3.1: the header; 3.2: the options this stack reads and writes. */
#define IP_PROTO_TCP		6
#define TCP_HLEN		20	/* without options */
#define TCP_HLEN_MAX		60
#define TCP_FIN			0x01
#define TCP_SYN			0x02
#define TCP_RST			0x04
#define TCP_PSH			0x08
#define TCP_ACK			0x10
#define TCP_URG			0x20
#define TCP_OPT_END		0
#define TCP_OPT_NOP		1
#define TCP_OPT_MSS		2	/* RFC 9293 3.2, length 4 */
#define TCP_OPT_WSCALE		3	/* RFC 7323 2.2, length 3 */
#define TCP_OPT_SACK_OK		4	/* RFC 2018 2, length 2 */
#define TCP_OPT_SACK		5	/* RFC 2018 3, length 2 + 8n */
#define TCP_WSCALE_MAX		14	/* RFC 7323 2.3: larger shifts are taken as 14 */
#define TCP_SACK_MAX		4	/* blocks in one option (3 beside timestamps) */

/* Where each layer starts in a frame we build: there are never options or VLAN tags. */
#define NET_IP_OFF		ETH_HLEN
#define NET_L4_OFF		(ETH_HLEN + IPV4_HLEN)
#define NET_UDP_DATA_OFF	(NET_L4_OFF + UDP_HLEN)

/* RFC 2131 and 2132. */
#define DHCP_SERVER_PORT	67
#define DHCP_CLIENT_PORT	68
#define DHCP_FIXED_LEN		236	/* op .. file, before the magic cookie */
#define DHCP_MAGIC		0x63825363u
#define DHCP_MSG_LEN		548	/* what we send: BOOTP's 300 bytes and more (slirp wants 548) */
#define DHCP_DISCOVER		1
#define DHCP_OFFER		2
#define DHCP_REQUEST		3
#define DHCP_ACK		5
#define DHCP_NAK		6
#define DHCP_OPT_PAD		0
#define DHCP_OPT_NETMASK	1
#define DHCP_OPT_ROUTER		3
#define DHCP_OPT_DNS		6
#define DHCP_OPT_REQUESTED_IP	50
#define DHCP_OPT_LEASE		51
#define DHCP_OPT_MSG_TYPE	53
#define DHCP_OPT_SERVER_ID	54
#define DHCP_OPT_PARAMS		55
#define DHCP_OPT_END		255

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * The Internet checksum (RFC 1071): net_sum adds len bytes to a running 32-bit sum as
 * big-endian 16-bit words (an odd last byte padded with zero); net_fold folds the carries
 * and returns the one's complement. A header whose checksum field is right sums to 0.
 */
uint32_t net_sum(const void *data, size_t len, uint32_t sum);
uint16_t net_fold(uint32_t sum);
uint16_t net_checksum(const void *data, size_t len);

/* The sum of the pseudo-header that UDP's checksum covers (RFC 768). */
uint32_t net_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len);

/*
 * The parsers: each checks a header in the len bytes at p and fills its structure. They
 * return 0, or the NET_CTR_* counter (keel/net.h) that names why the packet is dropped.
 */
struct eth_info {
	const uint8_t *dst, *src;
	uint16_t type;
	const uint8_t *payload;
	size_t len;
};
int eth_parse(const uint8_t *p, size_t len, struct eth_info *e);

struct arp_info {
	uint16_t op;
	uint8_t sha[ETH_ALEN], tha[ETH_ALEN];
	uint32_t spa, tpa;
};
int arp_parse(const uint8_t *p, size_t len, struct arp_info *a);

struct ipv4_info {
	uint32_t src, dst;
	uint8_t proto, ttl;
	uint16_t id;
	const uint8_t *payload;		/* after the header, up to the total length */
	size_t len;			/* total length less the header (frame padding is cut) */
};
int ipv4_parse(const uint8_t *p, size_t len, struct ipv4_info *ip);

struct icmp_info {
	uint8_t type, code;
	uint16_t id, seq;		/* echo request and reply only */
};
int icmp_parse(const uint8_t *p, size_t len, struct icmp_info *ic);

struct udp_info {
	uint16_t sport, dport;
	const uint8_t *payload;
	size_t len;
};
int udp_parse(const struct ipv4_info *ip, struct udp_info *u);

/* A TCP segment: its header's fields and the options we know (RFC 9293 3.1, 3.2). */
struct tcp_info {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;			/* TCP_FIN ... TCP_URG */
	uint16_t window;		/* as sent: not yet scaled */
	uint16_t urgent;
	uint16_t mss;			/* 0: no MSS option */
	int8_t wscale;			/* -1: no window scale option; else 0-14 */
	bool sack_ok;
	uint8_t nsack;
	uint32_t sack[TCP_SACK_MAX][2];	/* [left, right) edges */
	const uint8_t *payload;
	size_t len;
};
int tcp_parse(const struct ipv4_info *ip, struct tcp_info *t);

/*
 * What tcp_build writes: the header's fields and the options to send (mss 0, wscale
 * -1, sack_ok false and nsack 0 leave them out).
 */
struct tcp_out {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t window;
	uint16_t mss;
	int8_t wscale;
	bool sack_ok;
	uint8_t nsack;
	uint32_t sack[TCP_SACK_MAX][2];
};

/* The header length (options padded to 4 bytes) that tcp_build will write for o. */
size_t tcp_header_len(const struct tcp_out *o);

/*
 * Writes the header for o at p, whose payload of len bytes already follows at p +
 * tcp_header_len(o), and the checksum over both with the pseudo-header.
 */
void tcp_build(uint8_t *p, uint32_t src, uint32_t dst, const struct tcp_out *o, size_t len);

/*
 * Sequence numbers compare modulo 2^32 (RFC 9293 3.4): a is before b when b - a, as a
 * signed 32-bit number, is positive, which holds within half the space.
 */
static inline bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool seq_leq(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline bool seq_geq(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }
/* lo <= a < hi, for a window [lo, hi) shorter than 2^31. */
static inline bool seq_in(uint32_t a, uint32_t lo, uint32_t hi) { return a - lo < hi - lo; }

/*
 * RFC 9293 3.10.7.4, the first check of a synchronized connection: is a segment of len
 * bytes (SYN and FIN counted) at seq acceptable to a receiver expecting rcv_nxt with a
 * window of rcv_wnd? The four cases of the RFC's table.
 */
bool tcp_acceptable(uint32_t seq, uint32_t len, uint32_t rcv_nxt, uint32_t rcv_wnd);

/*
 * RFC 5961 3.2: what to do with a RST of a synchronized connection. A RST whose sequence
 * number is exactly rcv_nxt resets it; one elsewhere in the window is answered with a
 * challenge ACK (an attacker guessing blindly rarely hits the exact number, and a true
 * peer then sends the right one); one outside the window is dropped.
 */
enum tcp_rst_action { TCP_RST_DROP, TCP_RST_CHALLENGE, TCP_RST_RESET };
enum tcp_rst_action tcp_rst_check(uint32_t seq, uint32_t rcv_nxt, uint32_t rcv_wnd);

/*
 * RFC 6528: an initial sequence number, M + F(local address and port, remote address
 * and port, secret key), M a clock ticking every 4 microseconds and F a keyed hash
 * (SHA-256 here), so that numbers of one connection's incarnations still grow with time
 * while another host's cannot be guessed from them.
 */
uint32_t tcp_isn(const uint8_t key[16], uint32_t laddr, uint16_t lport, uint32_t raddr,
		 uint16_t rport, uint64_t now_us);

/* Writes an Ethernet header at p. */
void eth_build(uint8_t *p, const uint8_t *dst, const uint8_t *src, uint16_t type);

/* Writes an ARP packet for Ethernet and IPv4 at p (ARP_LEN bytes). */
void arp_build(uint8_t *p, uint16_t op, const uint8_t *sha, uint32_t spa, const uint8_t *tha,
	       uint32_t tpa);

/* Writes an option-less IPv4 header at p for payload_len bytes after it, checksum included. */
void ipv4_build(uint8_t *p, uint32_t src, uint32_t dst, uint8_t proto, uint16_t payload_len,
		uint16_t id);

/* Writes a UDP header at p before the len bytes of data after it, checksum included. */
void udp_build(uint8_t *p, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
	       size_t len);

/* What a DHCP message says that the client needs (RFC 2131 and RFC 2132). */
struct dhcp_info {
	uint8_t type;			/* DHCP_OFFER, DHCP_ACK, ...; 0 when absent */
	uint32_t yiaddr, server, netmask, router, dns, lease;
};

/*
 * Checks a DHCP reply (UDP payload p, len bytes) for transaction xid and hardware address
 * mac and reads its options. Returns 0, or -1 when it is malformed or not ours: too short,
 * op not BOOTREPLY, another xid or address, no magic cookie, an option running past the end.
 */
int dhcp_parse(const uint8_t *p, size_t len, uint32_t xid, const uint8_t *mac,
	       struct dhcp_info *d);

/*
 * Writes a DHCP message from mac (a DISCOVER, or a REQUEST for requested from server) at
 * p, which has room for max bytes. Returns its length (DHCP_MSG_LEN, padded), or 0 when
 * max is smaller than that.
 */
size_t dhcp_build(uint8_t *p, size_t max, uint8_t type, uint32_t xid, const uint8_t *mac,
		  uint32_t requested, uint32_t server);

/*
 * Reads a dotted-quad IPv4 address ("10.0.2.15") of exactly len bytes. Returns 0, or -1
 * for anything else (missing or extra parts, numbers above 255, other characters).
 */
int inet_parse(const char *s, size_t len, uint32_t *addr);

/* Reads "ADDR/PREFIX" (prefix 0-32; "/PREFIX" may be left out: 24). Returns 0 or -1. */
int inet_parse_cidr(const char *s, uint32_t *addr, unsigned *prefix);

/* The netmask of a prefix length, and the prefix of a netmask (-1 when not contiguous). */
uint32_t inet_mask(unsigned prefix);
int inet_prefix(uint32_t mask);

#endif
