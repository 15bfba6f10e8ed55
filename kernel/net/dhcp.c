/*
 * The DHCP client (RFC 2131): DISCOVER, OFFER, REQUEST, ACK, all broadcast, in the
 * background after boot. Unanswered messages are sent again after 2, 4, 8, 16 seconds
 * and then every 16 (RFC 2131 4.1 asks for such a backoff); at half the lease the
 * address is asked for again (T1, RFC 2131 4.4.5), by broadcast as in INIT-REBOOT.
 */
#include "arch.h"
#include "lib.h"
#include "net.h"
#include "timer.h"

#define DHCP_RETRY_FIRST_MS	2000
#define DHCP_RETRY_MAX_MS	16000
#define DHCP_DEFAULT_PREFIX	24	/* when the server names no netmask */

enum dhcp_state { DHCP_IDLE, DHCP_SELECTING, DHCP_REQUESTING, DHCP_BOUND };

static struct {
	enum dhcp_state state;
	uint32_t xid;
	uint32_t offered, server;	/* from the OFFER we answer */
	uint64_t deadline;		/* the next retransmission or renewal, in ms */
	uint64_t backoff;
} dhcp;

static void dhcp_send(uint8_t type)
{
	uint8_t frame[ETH_FRAME_MAX];
	size_t len;

	len = dhcp_build(frame + NET_UDP_DATA_OFF, sizeof(frame) - NET_UDP_DATA_OFF, type,
			 dhcp.xid, net_mac(), type == DHCP_REQUEST ? dhcp.offered : 0,
			 type == DHCP_REQUEST ? dhcp.server : 0);
	if (len)
		udp_output(frame, DHCP_CLIENT_PORT, KEEL_ADDR_BROADCAST, DHCP_SERVER_PORT, len);
	dhcp.deadline = uptime_ms() + dhcp.backoff;
	dhcp.backoff = MIN(dhcp.backoff * 2, DHCP_RETRY_MAX_MS);
}

void dhcp_start(void)
{
	const uint8_t *mac = net_mac();

	if (!mac)
		return;
	dhcp.xid = (uint32_t)uptime_us() ^ get32(mac + 2);
	dhcp.state = DHCP_SELECTING;
	dhcp.backoff = DHCP_RETRY_FIRST_MS;
	dhcp_send(DHCP_DISCOVER);
}

static void bound(const struct dhcp_info *d)
{
	int prefix = inet_prefix(d->netmask);
	const struct net_config *c = net_config();
	uint32_t lease_ms = d->lease ? MIN(d->lease, 0x7fffffffu / 1000) * 1000 : 3600000;

	if (prefix <= 0)
		prefix = DHCP_DEFAULT_PREFIX;
	dhcp.state = DHCP_BOUND;
	dhcp.deadline = uptime_ms() + lease_ms / 2;
	if (c->how != NET_CONFIG_DHCP || c->addr != d->yiaddr || c->gateway != d->router ||
	    c->prefix != (unsigned)prefix)
		net_configure(d->yiaddr, (unsigned)prefix, d->router, d->dns, NET_CONFIG_DHCP);
}

void dhcp_input(const struct ipv4_info *ip, const struct udp_info *u)
{
	struct dhcp_info d;

	(void)ip;
	if (dhcp_parse(u->payload, u->len, dhcp.xid, net_mac(), &d) != 0)
		return;
	if (dhcp.state == DHCP_SELECTING && d.type == DHCP_OFFER && d.yiaddr && d.server) {
		dhcp.offered = d.yiaddr;
		dhcp.server = d.server;
		dhcp.state = DHCP_REQUESTING;
		dhcp.backoff = DHCP_RETRY_FIRST_MS;
		dhcp_send(DHCP_REQUEST);
	} else if (dhcp.state == DHCP_REQUESTING && d.type == DHCP_ACK && d.yiaddr) {
		bound(&d);
	} else if (dhcp.state == DHCP_REQUESTING && d.type == DHCP_NAK) {
		dhcp_start();
	}
}

void dhcp_tick(uint64_t now_ms)
{
	if (dhcp.state == DHCP_IDLE || now_ms < dhcp.deadline)
		return;
	switch (dhcp.state) {
	case DHCP_SELECTING:
		dhcp_send(DHCP_DISCOVER);
		break;
	case DHCP_REQUESTING:
		dhcp_send(DHCP_REQUEST);
		break;
	case DHCP_BOUND:
		dhcp.offered = net_config()->addr;
		dhcp.state = DHCP_REQUESTING;
		dhcp.backoff = DHCP_RETRY_FIRST_MS;
		dhcp_send(DHCP_REQUEST);
		break;
	case DHCP_IDLE:
		break;
	}
}
