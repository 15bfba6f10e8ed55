/*
 * Checking and building the headers of Ethernet, ARP, IPv4, ICMP, UDP, TCP and DHCP: pure
 * functions over byte buffers, shared by the stack and the host unit tests. Every length
 * a packet claims is checked against the bytes that arrived before anything is read.
 */
#include "lib.h"
#include "netproto.h"
#include <keel/net.h>

/*
 * RFC 1071 2(B): the one's-complement sum does not depend on byte order, so the bytes are
 * added as the CPU loads them, 32 bits at a time into 64 (carries kept above, 4.1), and
 * only the folded 16 bits are swapped into network order: a word at a time costs several
 * times less than a byte pair at a time, which counts under emulation, where the sums of
 * every segment in and out were a good part of TCP's time.
 */
uint32_t net_sum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;
	uint64_t acc = 0;
	uint32_t w;
	uint16_t h;

	for (; len >= 4; p += 4, len -= 4) {
		__builtin_memcpy(&w, p, 4);	/* any alignment; a plain load on x86 */
		acc += w;
	}
	if (len >= 2) {
		__builtin_memcpy(&h, p, 2);
		acc += h;
		p += 2;
		len -= 2;
	}
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	sum += (uint32_t)(((acc & 0xff) << 8) | (acc >> 8));	/* to network order */
	if (len)
		sum += (uint32_t)p[0] << 8;	/* an odd last byte: the high half of a word */
	if (sum & 0x80000000u)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

uint16_t net_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t net_checksum(const void *data, size_t len)
{
	return net_fold(net_sum(data, len, 0));
}

uint32_t net_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len)
{
	return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + len;
}

int eth_parse(const uint8_t *p, size_t len, struct eth_info *e)
{
	if (len < ETH_HLEN)
		return NET_CTR_RUNT;
	if (len > ETH_FRAME_MAX)
		return NET_CTR_GIANT;
	e->dst = p;
	e->src = p + ETH_ALEN;
	e->type = get16(p + 2 * ETH_ALEN);
	e->payload = p + ETH_HLEN;
	e->len = len - ETH_HLEN;
	return 0;
}

int arp_parse(const uint8_t *p, size_t len, struct arp_info *a)
{
	/* RFC 826: hardware type, protocol type, their lengths, the operation. */
	if (len < ARP_LEN || get16(p) != ARP_HTYPE_ETHER || get16(p + 2) != ETHERTYPE_IPV4 ||
	    p[4] != ETH_ALEN || p[5] != 4)
		return NET_CTR_ARP_BAD;
	a->op = get16(p + 6);
	if (a->op != ARP_OP_REQUEST && a->op != ARP_OP_REPLY)
		return NET_CTR_ARP_BAD;
	memcpy(a->sha, p + 8, ETH_ALEN);
	a->spa = get32(p + 14);
	memcpy(a->tha, p + 18, ETH_ALEN);
	a->tpa = get32(p + 24);
	return 0;
}

int ipv4_parse(const uint8_t *p, size_t len, struct ipv4_info *ip)
{
	size_t ihl, total;
	uint16_t frag;

	/* RFC 791 3.1. */
	if (len < IPV4_HLEN || p[0] >> 4 != 4)
		return NET_CTR_IP_BAD_HEADER;
	ihl = (size_t)(p[0] & 0xf) * 4;
	if (ihl < IPV4_HLEN || ihl > len)
		return NET_CTR_IP_BAD_HEADER;
	if (net_checksum(p, ihl) != 0)
		return NET_CTR_IP_BAD_CHECKSUM;
	total = get16(p + 2);
	if (total < ihl || total > len)
		return NET_CTR_IP_BAD_LENGTH;
	frag = get16(p + 6);
	if ((frag & IPV4_FLAG_MF) || (frag & IPV4_OFFSET_MASK))
		return NET_CTR_IP_FRAGMENTS;
	if (ihl != IPV4_HLEN)
		return NET_CTR_IP_OPTIONS;
	ip->id = get16(p + 4);
	ip->ttl = p[8];
	ip->proto = p[9];
	ip->src = get32(p + 12);
	ip->dst = get32(p + 16);
	ip->payload = p + ihl;
	ip->len = total - ihl;
	return 0;
}

int icmp_parse(const uint8_t *p, size_t len, struct icmp_info *ic)
{
	if (len < ICMP_HLEN || net_checksum(p, len) != 0)
		return NET_CTR_ICMP_BAD;
	ic->type = p[0];
	ic->code = p[1];
	ic->id = get16(p + 4);
	ic->seq = get16(p + 6);
	return 0;
}

int udp_parse(const struct ipv4_info *ip, struct udp_info *u)
{
	const uint8_t *p = ip->payload;
	size_t ulen;

	if (ip->len < UDP_HLEN)
		return NET_CTR_UDP_BAD_LENGTH;
	ulen = get16(p + 4);
	if (ulen < UDP_HLEN || ulen > ip->len)
		return NET_CTR_UDP_BAD_LENGTH;
	/* RFC 768: a zero checksum means the sender computed none. */
	if (get16(p + 6) != 0 &&
	    net_fold(net_sum(p, ulen, net_pseudo_sum(ip->src, ip->dst, IP_PROTO_UDP,
						     (uint16_t)ulen))) != 0)
		return NET_CTR_UDP_BAD_CHECKSUM;
	u->sport = get16(p);
	u->dport = get16(p + 2);
	u->payload = p + UDP_HLEN;
	u->len = ulen - UDP_HLEN;
	return 0;
}

void eth_build(uint8_t *p, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	memcpy(p, dst, ETH_ALEN);
	memcpy(p + ETH_ALEN, src, ETH_ALEN);
	put16(p + 2 * ETH_ALEN, type);
}

void arp_build(uint8_t *p, uint16_t op, const uint8_t *sha, uint32_t spa, const uint8_t *tha,
	       uint32_t tpa)
{
	put16(p, ARP_HTYPE_ETHER);
	put16(p + 2, ETHERTYPE_IPV4);
	p[4] = ETH_ALEN;
	p[5] = 4;
	put16(p + 6, op);
	memcpy(p + 8, sha, ETH_ALEN);
	put32(p + 14, spa);
	memcpy(p + 18, tha, ETH_ALEN);
	put32(p + 24, tpa);
}

void ipv4_build(uint8_t *p, uint32_t src, uint32_t dst, uint8_t proto, uint16_t payload_len,
		uint16_t id)
{
	p[0] = 0x45;			/* version 4, five words of header */
	p[1] = 0;
	put16(p + 2, (uint16_t)(IPV4_HLEN + payload_len));
	put16(p + 4, id);
	put16(p + 6, 0);
	p[8] = IPV4_TTL;
	p[9] = proto;
	put16(p + 10, 0);
	put32(p + 12, src);
	put32(p + 16, dst);
	put16(p + 10, net_checksum(p, IPV4_HLEN));
}

void udp_build(uint8_t *p, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
	       size_t len)
{
	uint16_t ulen = (uint16_t)(len + UDP_HLEN), sum;

	put16(p, sport);
	put16(p + 2, dport);
	put16(p + 4, ulen);
	put16(p + 6, 0);
	sum = net_fold(net_sum(p, ulen, net_pseudo_sum(src, dst, IP_PROTO_UDP, ulen)));
	put16(p + 6, sum ? sum : 0xffff);	/* RFC 768: a computed 0 is sent as all ones */
}

/*
 * Reads TCP options (RFC 9293 3.2): kinds 0 and 1 are one byte, every other kind has a
 * length byte that counts itself and the kind. One that runs past the header makes the
 * segment bad; unknown kinds, and known ones of the wrong length, are skipped.
 */
static int tcp_options(const uint8_t *p, size_t len, struct tcp_info *t)
{
	for (size_t i = 0; i < len;) {
		uint8_t kind = p[i], olen;

		if (kind == TCP_OPT_END)
			break;
		if (kind == TCP_OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len || (olen = p[i + 1]) < 2 || olen > len - i)
			return -1;
		if (kind == TCP_OPT_MSS && olen == 4) {
			t->mss = get16(p + i + 2);
		} else if (kind == TCP_OPT_WSCALE && olen == 3) {
			t->wscale = (int8_t)MIN(p[i + 2], TCP_WSCALE_MAX);
		} else if (kind == TCP_OPT_SACK_OK && olen == 2) {
			t->sack_ok = true;
		} else if (kind == TCP_OPT_SACK && olen >= 10 && (olen - 2) % 8 == 0) {
			for (size_t b = i + 2; b < i + olen && t->nsack < TCP_SACK_MAX; b += 8) {
				t->sack[t->nsack][0] = get32(p + b);
				t->sack[t->nsack++][1] = get32(p + b + 4);
			}
		}
		i += olen;
	}
	return 0;
}

int tcp_parse(const struct ipv4_info *ip, struct tcp_info *t)
{
	const uint8_t *p = ip->payload;
	size_t hlen;

	if (ip->len < TCP_HLEN)
		return NET_CTR_TCP_BAD_HEADER;
	hlen = (size_t)(p[12] >> 4) * 4;
	if (hlen < TCP_HLEN || hlen > ip->len)
		return NET_CTR_TCP_BAD_HEADER;
	if (ip->len > 0xffff || net_fold(net_sum(p, ip->len, net_pseudo_sum(ip->src, ip->dst,
						IP_PROTO_TCP, (uint16_t)ip->len))) != 0)
		return NET_CTR_TCP_BAD_CHECKSUM;
	memset(t, 0, sizeof(*t));
	t->wscale = -1;
	if (tcp_options(p + TCP_HLEN, hlen - TCP_HLEN, t) != 0)
		return NET_CTR_TCP_BAD_HEADER;
	t->sport = get16(p);
	t->dport = get16(p + 2);
	t->seq = get32(p + 4);
	t->ack = get32(p + 8);
	t->flags = p[13] & 0x3f;	/* CWR and ECE: no ECN here */
	t->window = get16(p + 14);
	t->urgent = get16(p + 18);
	t->payload = p + hlen;
	t->len = ip->len - hlen;
	return 0;
}

size_t tcp_header_len(const struct tcp_out *o)
{
	size_t n = TCP_HLEN + (o->mss ? 4 : 0) + (o->wscale >= 0 ? 3 : 0) + (o->sack_ok ? 2 : 0) +
		   (o->nsack ? 2 + 8 * (size_t)MIN(o->nsack, TCP_SACK_MAX) : 0);

	return ALIGN_UP(n, 4);
}

void tcp_build(uint8_t *p, uint32_t src, uint32_t dst, const struct tcp_out *o, size_t len)
{
	size_t hlen = tcp_header_len(o), i = TCP_HLEN;
	uint16_t total = (uint16_t)(hlen + len);

	put16(p, o->sport);
	put16(p + 2, o->dport);
	put32(p + 4, o->seq);
	put32(p + 8, o->ack);
	p[12] = (uint8_t)(hlen / 4 << 4);
	p[13] = o->flags;
	put16(p + 14, o->window);
	put16(p + 16, 0);
	put16(p + 18, 0);
	if (o->mss) {
		p[i] = TCP_OPT_MSS, p[i + 1] = 4;
		put16(p + i + 2, o->mss);
		i += 4;
	}
	if (o->wscale >= 0) {
		p[i] = TCP_OPT_WSCALE, p[i + 1] = 3, p[i + 2] = (uint8_t)o->wscale;
		i += 3;
	}
	if (o->sack_ok) {
		p[i] = TCP_OPT_SACK_OK, p[i + 1] = 2;
		i += 2;
	}
	if (o->nsack) {
		uint8_t n = (uint8_t)MIN(o->nsack, TCP_SACK_MAX);
		p[i] = TCP_OPT_SACK, p[i + 1] = (uint8_t)(2 + 8 * n);
		for (uint8_t b = 0; b < n; b++) {
			put32(p + i + 2 + 8 * b, o->sack[b][0]);
			put32(p + i + 6 + 8 * b, o->sack[b][1]);
		}
		i += 2 + 8 * (size_t)n;
	}
	while (i < hlen)
		p[i++] = TCP_OPT_END;	/* the padding (a NOP would do as well) */
	put16(p + 16, net_fold(net_sum(p, total, net_pseudo_sum(src, dst, IP_PROTO_TCP, total))));
}

/* Reads the options of a DHCP message (RFC 2132); returns -1 when one runs past the end. */
static int dhcp_options(const uint8_t *p, size_t len, struct dhcp_info *d)
{
	size_t i = 0;

	while (i < len) {
		uint8_t code = p[i++], olen;
		if (code == DHCP_OPT_PAD)
			continue;
		if (code == DHCP_OPT_END)
			return 0;
		if (i >= len)
			return -1;
		olen = p[i++];
		if (olen > len - i)
			return -1;
		const uint8_t *v = p + i;
		if (code == DHCP_OPT_MSG_TYPE && olen >= 1)
			d->type = v[0];
		else if (olen >= 4 && code == DHCP_OPT_NETMASK)
			d->netmask = get32(v);
		else if (olen >= 4 && code == DHCP_OPT_ROUTER)
			d->router = get32(v);
		else if (olen >= 4 && code == DHCP_OPT_DNS)
			d->dns = get32(v);
		else if (olen >= 4 && code == DHCP_OPT_SERVER_ID)
			d->server = get32(v);
		else if (olen >= 4 && code == DHCP_OPT_LEASE)
			d->lease = get32(v);
		i += olen;
	}
	return 0;			/* no end option: what came is still usable */
}

int dhcp_parse(const uint8_t *p, size_t len, uint32_t xid, const uint8_t *mac,
	       struct dhcp_info *d)
{
	memset(d, 0, sizeof(*d));
	if (len < DHCP_FIXED_LEN + 4 || p[0] != 2 || p[1] != ARP_HTYPE_ETHER ||
	    p[2] != ETH_ALEN || get32(p + 4) != xid || memcmp(p + 28, mac, ETH_ALEN) != 0 ||
	    get32(p + DHCP_FIXED_LEN) != DHCP_MAGIC)
		return -1;
	d->yiaddr = get32(p + 16);
	return dhcp_options(p + DHCP_FIXED_LEN + 4, len - DHCP_FIXED_LEN - 4, d);
}

size_t dhcp_build(uint8_t *p, size_t max, uint8_t type, uint32_t xid, const uint8_t *mac,
		  uint32_t requested, uint32_t server)
{
	static const uint8_t params[] = { DHCP_OPT_NETMASK, DHCP_OPT_ROUTER, DHCP_OPT_DNS };
	size_t n = DHCP_FIXED_LEN + 4;

	if (max < DHCP_MSG_LEN)
		return 0;
	memset(p, 0, n);
	p[0] = 1;			/* BOOTREQUEST */
	p[1] = ARP_HTYPE_ETHER;
	p[2] = ETH_ALEN;
	put32(p + 4, xid);
	put16(p + 10, 0x8000);		/* RFC 2131 4.1: please broadcast the reply */
	memcpy(p + 28, mac, ETH_ALEN);
	put32(p + DHCP_FIXED_LEN, DHCP_MAGIC);
	p[n++] = DHCP_OPT_MSG_TYPE;
	p[n++] = 1;
	p[n++] = type;
	if (requested) {
		p[n++] = DHCP_OPT_REQUESTED_IP;
		p[n++] = 4;
		put32(p + n, requested);
		n += 4;
	}
	if (server) {
		p[n++] = DHCP_OPT_SERVER_ID;
		p[n++] = 4;
		put32(p + n, server);
		n += 4;
	}
	p[n++] = DHCP_OPT_PARAMS;
	p[n++] = sizeof(params);
	memcpy(p + n, params, sizeof(params));
	n += sizeof(params);
	p[n++] = DHCP_OPT_END;
	memset(p + n, DHCP_OPT_PAD, DHCP_MSG_LEN - n);
	return DHCP_MSG_LEN;
}

int inet_parse(const char *s, size_t len, uint32_t *addr)
{
	uint32_t a = 0, part = 0;
	int parts = 0, digits = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (digits == 0 || ++parts > 4)
				return -1;
			a = a << 8 | part;
			part = 0;
			digits = 0;
		} else if (s[i] >= '0' && s[i] <= '9' && digits < 3) {
			part = part * 10 + (uint32_t)(s[i] - '0');
			digits++;
			if (part > 255)
				return -1;
		} else {
			return -1;
		}
	}
	if (parts != 4)
		return -1;
	*addr = a;
	return 0;
}

int inet_parse_cidr(const char *s, uint32_t *addr, unsigned *prefix)
{
	const char *slash = strchr(s, '/');
	unsigned pfx = 0;

	if (!slash) {
		*prefix = 24;
		return inet_parse(s, strlen(s), addr);
	}
	if (slash[1] == '\0' || strlen(slash + 1) > 2)
		return -1;
	for (const char *q = slash + 1; *q; q++) {
		if (*q < '0' || *q > '9')
			return -1;
		pfx = pfx * 10 + (unsigned)(*q - '0');
	}
	if (pfx > 32 || inet_parse(s, (size_t)(slash - s), addr) != 0)
		return -1;
	*prefix = pfx;
	return 0;
}

uint32_t inet_mask(unsigned prefix)
{
	return prefix == 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1);
}

int inet_prefix(uint32_t mask)
{
	int n = 0;

	while (n < 32 && (mask & (0x80000000u >> n)))
		n++;
	return inet_mask((unsigned)n) == mask ? n : -1;
}
