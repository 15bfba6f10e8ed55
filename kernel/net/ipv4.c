/*
 * IPv4 (RFC 791) and ICMP echo (RFC 792). Received datagrams are checked (net_parse's
 * ipv4_parse: version, header length, checksum, total length, fragments, options) and
 * counted and dropped when anything is off; what is for us goes to ICMP, UDP or TCP. Sending
 * routes directly within our network and through the gateway beyond it.
 */
#include "lib.h"
#include "net.h"
#include "tcp.h"
#include <keel/errno.h>

static const uint8_t broadcast_mac[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static struct {
	uint16_t next_id;		/* the identification of the next datagram we send */
} ipv4;

/* Whether dst is an address of ours: our own, the broadcasts, anything while unconfigured. */
static bool for_us(uint32_t dst)
{
	const struct net_config *c = net_config();

	return c->addr == 0 || dst == c->addr || dst == KEEL_ADDR_BROADCAST ||
	       (c->netmask && dst == (c->addr | ~c->netmask));
}

/* Answers an echo request (RFC 792, "Echo or Echo Reply Message") with the same data. */
static void icmp_echo_reply(const struct ipv4_info *ip)
{
	uint8_t frame[ETH_FRAME_MAX];
	uint8_t *icmp = frame + NET_L4_OFF;

	if (ip->len > ETH_FRAME_MAX - NET_L4_OFF)
		return;
	memcpy(icmp, ip->payload, ip->len);
	icmp[0] = ICMP_ECHO_REPLY;
	put16(icmp + 2, 0);
	put16(icmp + 2, net_checksum(icmp, ip->len));
	if (ipv4_output(frame, ip->src, IP_PROTO_ICMP, ip->len) == 0)
		net_count(NET_CTR_ICMP_ECHO_REPLIED, 1);
}

static void icmp_input(const struct ipv4_info *ip)
{
	const struct net_config *c = net_config();
	struct icmp_info ic;
	int why;

	if ((why = icmp_parse(ip->payload, ip->len, &ic)) != 0) {
		net_count((unsigned)why, 1);
		return;
	}
	if (ic.type == ICMP_ECHO_REQUEST && ic.code == 0) {
		/* Only to our own address: RFC 1122 3.2.2.6 lets broadcast pings go unanswered. */
		if (c->addr != 0 && ip->dst == c->addr)
			icmp_echo_reply(ip);
		return;
	}
	if (ic.type == ICMP_ECHO_REPLY && socket_deliver_icmp(ip, &ic))
		return;
	net_count(NET_CTR_ICMP_OTHER, 1);
}

void ipv4_input(const uint8_t *p, size_t len)
{
	struct ipv4_info ip;
	int why;

	if ((why = ipv4_parse(p, len, &ip)) != 0) {
		net_count((unsigned)why, 1);
		return;
	}
	if (!for_us(ip.dst)) {
		net_count(NET_CTR_IP_NOT_OURS, 1);
		return;
	}
	switch (ip.proto) {
	case IP_PROTO_ICMP:
		icmp_input(&ip);
		break;
	case IP_PROTO_UDP:
		udp_input(&ip);
		break;
	case IP_PROTO_TCP:
		tcp_input(&ip);
		break;
	default:
		net_count(NET_CTR_IP_PROTOCOL, 1);
	}
}

int ipv4_output(uint8_t *frame, uint32_t dst, uint8_t proto, size_t l4_len)
{
	const struct net_config *c = net_config();
	uint32_t next_hop = dst;
	size_t len = NET_L4_OFF + l4_len;

	if (!net_mac())
		return -ENETDOWN;
	if (len > ETH_FRAME_MAX)
		return -EMSGSIZE;
	ipv4_build(frame + NET_IP_OFF, c->addr, dst, proto, (uint16_t)l4_len, ipv4.next_id++);
	if (dst == KEEL_ADDR_BROADCAST || (c->netmask && dst == (c->addr | ~c->netmask)))
		return net_transmit(broadcast_mac, ETHERTYPE_IPV4, frame, len);
	if (c->addr == 0)
		return -ENETUNREACH;
	if ((dst & c->netmask) != (c->addr & c->netmask)) {
		if (c->gateway == 0)
			return -ENETUNREACH;
		next_hop = c->gateway;
	}
	return arp_output(next_hop, frame, len);
}
