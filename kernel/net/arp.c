/*
 * ARP (RFC 826): a cache of IPv4-to-MAC mappings that expire after ARP_TTL_MS, answers to
 * requests for our address, requests for the addresses we send to (packets wait for the
 * answer in a small queue, then are dropped after ARP_TRIES unanswered requests), and a
 * gratuitous request when our address is set (RFC 5227 2.4's announcement).
 */
#include "lib.h"
#include "net.h"
#include "timer.h"
#include <keel/errno.h>

static const uint8_t broadcast_mac[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t zero_mac[ETH_ALEN];

struct arp_entry {
	uint32_t ip;			/* 0: a free slot */
	uint8_t mac[ETH_ALEN];
	bool resolved;
	uint64_t expires;		/* resolved: when to forget; else when to ask again */
	unsigned tries;			/* requests sent while unresolved */
};

struct arp_pending {
	uint32_t next_hop;		/* 0: a free slot */
	size_t len;
	uint8_t frame[ETH_FRAME_MAX];
};

static struct {
	struct arp_entry cache[ARP_CACHE_MAX];
	struct arp_pending queue[ARP_QUEUE_MAX];
} arp;

static void arp_send(uint16_t op, const uint8_t *dst_mac, const uint8_t *tha, uint32_t tpa)
{
	uint8_t frame[ETH_ZLEN];

	arp_build(frame + ETH_HLEN, op, net_mac(), net_config()->addr, tha, tpa);
	net_transmit(dst_mac, ETHERTYPE_ARP, frame, ETH_HLEN + ARP_LEN);
}

static struct arp_entry *lookup(uint32_t ip)
{
	for (int i = 0; i < ARP_CACHE_MAX; i++)
		if (arp.cache[i].ip == ip)
			return &arp.cache[i];
	return NULL;
}

/* A slot for ip: a free one, else the one that expires first (unresolved ones are kept). */
static struct arp_entry *slot_for(uint32_t ip)
{
	struct arp_entry *e = lookup(ip), *victim = NULL;

	if (e)
		return e;
	for (int i = 0; i < ARP_CACHE_MAX; i++) {
		e = &arp.cache[i];
		if (e->ip == 0)
			return e;
		if (e->resolved && (!victim || e->expires < victim->expires))
			victim = e;
	}
	return victim ? victim : &arp.cache[0];
}

/* Sends the packets that waited for ip, now that its MAC is known. */
static void flush_queue(uint32_t ip, const uint8_t *mac)
{
	for (int i = 0; i < ARP_QUEUE_MAX; i++) {
		struct arp_pending *q = &arp.queue[i];
		if (q->next_hop != ip)
			continue;
		net_transmit(mac, ETHERTYPE_IPV4, q->frame, q->len);
		q->next_hop = 0;
	}
}

/* Drops the packets that waited for ip (nobody answered). */
static void drop_queue(uint32_t ip)
{
	for (int i = 0; i < ARP_QUEUE_MAX; i++)
		if (arp.queue[i].next_hop == ip) {
			arp.queue[i].next_hop = 0;
			net_count(NET_CTR_ARP_UNRESOLVED, 1);
		}
}

static void learn(uint32_t ip, const uint8_t *mac)
{
	struct arp_entry *e = slot_for(ip);

	if (e->ip != ip && e->ip != 0)
		drop_queue(e->ip);
	e->ip = ip;
	memcpy(e->mac, mac, ETH_ALEN);
	e->resolved = true;
	e->tries = 0;
	e->expires = uptime_ms() + ARP_TTL_MS;
	flush_queue(ip, mac);
}

void arp_input(const uint8_t *p, size_t len)
{
	const struct net_config *cfg = net_config();
	struct arp_info a;
	int why;

	if ((why = arp_parse(p, len, &a)) != 0) {
		net_count((unsigned)why, 1);
		return;
	}
	/* A sender with a broadcast or zero MAC, or without an address, teaches us nothing. */
	if (a.spa == 0 || memcmp(a.sha, broadcast_mac, ETH_ALEN) == 0 ||
	    memcmp(a.sha, zero_mac, ETH_ALEN) == 0 || cfg->addr == 0)
		return;
	/* RFC 826, "Packet Reception": update an entry we have; add one when it is for us. */
	if (lookup(a.spa) || a.tpa == cfg->addr)
		learn(a.spa, a.sha);
	if (a.op == ARP_OP_REQUEST && a.tpa == cfg->addr && a.spa != cfg->addr) {
		arp_send(ARP_OP_REPLY, a.sha, a.sha, a.spa);
		net_count(NET_CTR_ARP_REPLIED, 1);
	}
}

int arp_output(uint32_t next_hop, uint8_t *frame, size_t len)
{
	struct arp_entry *e = lookup(next_hop);
	struct arp_pending *q = NULL;

	if (e && e->resolved)
		return net_transmit(e->mac, ETHERTYPE_IPV4, frame, len);
	for (int i = 0; i < ARP_QUEUE_MAX && !q; i++)
		if (arp.queue[i].next_hop == 0)
			q = &arp.queue[i];
	if (!q) {
		net_count(NET_CTR_ARP_UNRESOLVED, 1);
		return -ENOBUFS;
	}
	q->next_hop = next_hop;
	q->len = len;
	memcpy(q->frame, frame, len);
	if (!e) {
		e = slot_for(next_hop);
		if (e->ip != 0 && e->ip != next_hop)
			drop_queue(e->ip);
		e->ip = next_hop;
		e->resolved = false;
		e->tries = 1;
		e->expires = uptime_ms() + ARP_RETRY_MS;
		arp_send(ARP_OP_REQUEST, broadcast_mac, zero_mac, next_hop);
	}
	return 0;
}

void arp_announce(void)
{
	uint32_t ip = net_config()->addr;

	if (ip)
		arp_send(ARP_OP_REQUEST, broadcast_mac, zero_mac, ip);
}

void arp_tick(uint64_t now_ms)
{
	for (int i = 0; i < ARP_CACHE_MAX; i++) {
		struct arp_entry *e = &arp.cache[i];
		if (e->ip == 0 || now_ms < e->expires)
			continue;
		if (e->resolved || e->tries >= ARP_TRIES) {
			drop_queue(e->ip);
			e->ip = 0;
			continue;
		}
		e->tries++;
		e->expires = now_ms + ARP_RETRY_MS;
		arp_send(ARP_OP_REQUEST, broadcast_mac, zero_mac, e->ip);
	}
}

void arp_flush(void)
{
	for (int i = 0; i < ARP_CACHE_MAX; i++)
		if (arp.cache[i].ip) {
			drop_queue(arp.cache[i].ip);
			arp.cache[i].ip = 0;
		}
}
