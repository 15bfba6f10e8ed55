/*
 * UDP (RFC 768): received datagrams are checked (length, checksum with the pseudo-header)
 * and handed to the DHCP client or to the socket bound to their port; datagrams are sent
 * with a checksum always.
 */
#include "lib.h"
#include "net.h"
#include <keel/errno.h>

void udp_input(const struct ipv4_info *ip)
{
	struct udp_info u;
	int why;

	if ((why = udp_parse(ip, &u)) != 0) {
		net_count((unsigned)why, 1);
		return;
	}
	if (u.dport == DHCP_CLIENT_PORT && u.sport == DHCP_SERVER_PORT) {
		dhcp_input(ip, &u);
		return;
	}
	if (net_config()->addr == 0 || !socket_deliver_udp(ip, &u))
		net_count(NET_CTR_UDP_NO_PORT, 1);
}

int udp_output(uint8_t *frame, uint16_t sport, uint32_t dst, uint16_t dport, size_t len)
{
	if (len > ETH_FRAME_MAX - NET_UDP_DATA_OFF)
		return -EMSGSIZE;
	udp_build(frame + NET_L4_OFF, net_config()->addr, dst, sport, dport, len);
	return ipv4_output(frame, dst, IP_PROTO_UDP, UDP_HLEN + len);
}
