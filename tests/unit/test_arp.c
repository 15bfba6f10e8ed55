/*
 * Unit tests of kernel/net/arp.c on the host, with the interface, the clock and the card
 * replaced by stubs that record every frame sent: malformed ARP first, then answers to
 * requests for us, learning, resolution with the bounded queue of waiting packets,
 * retries and giving up, expiry, and the announcement.
 */
#include <stdlib.h>
#include <string.h>

#include <lib.h>
#include <net.h>
#include <timer.h>
#include <keel/errno.h>
#include "tap.h"

#define OUR_IP		0xc0a84c02u	/* 192.168.76.2 */
#define PEER_IP		0xc0a84c01u
#define SENT_MAX	64

static const uint8_t our_mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t peer_mac[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* What the stubs saw. */
static struct {
	struct net_config cfg;
	uint64_t now;
	uint64_t counters[NET_COUNTERS];
	int nsent;
	struct {
		uint8_t dst[ETH_ALEN];
		uint16_t type;
		size_t len;
		uint8_t frame[ETH_FRAME_MAX];
	} sent[SENT_MAX];
} st;

const uint8_t *net_mac(void) { return our_mac; }
const struct net_config *net_config(void) { return &st.cfg; }
uint64_t uptime_ms(void) { return st.now; }
void net_count(unsigned ctr, uint64_t n) { st.counters[ctr] += n; }

int net_transmit(const uint8_t *dst, uint16_t type, uint8_t *frame, size_t len)
{
	if (st.nsent < SENT_MAX) {
		memcpy(st.sent[st.nsent].dst, dst, ETH_ALEN);
		st.sent[st.nsent].type = type;
		st.sent[st.nsent].len = len;
		memcpy(st.sent[st.nsent].frame, frame, len);
	}
	st.nsent++;
	return 0;
}

/* The ARP packet of sent frame i. */
static struct arp_info
sent_arp(int i)
{
	struct arp_info a;

	memset(&a, 0, sizeof(a));
	arp_parse(st.sent[i].frame + ETH_HLEN, ARP_LEN, &a);
	return a;
}

/* Feeds an ARP packet (len bytes, maybe damaged by the caller) to arp_input. */
static void
feed(uint8_t *p, size_t len)
{
	uint8_t *copy = malloc(len);

	memcpy(copy, p, len);
	arp_input(copy, len);
	free(copy);
}

static void
test_malformed(void)
{
	uint8_t p[ARP_LEN + 4];

	arp_build(p, ARP_OP_REQUEST, peer_mac, PEER_IP, bcast, OUR_IP);
	feed(p, ARP_LEN - 1);
	p[4] = 7;
	feed(p, ARP_LEN + 4);
	p[4] = 6;
	put16(p + 2, 0x86dd);
	feed(p, ARP_LEN);
	is_int(st.nsent, 0, "short, odd hardware length, other protocol: nothing answered");
	is_int((int)st.counters[NET_CTR_ARP_BAD], 3, "...and each counted as bad arp");
	arp_build(p, ARP_OP_REQUEST, bcast, PEER_IP, bcast, OUR_IP);
	feed(p, ARP_LEN);
	is_int(st.nsent, 0, "a request from a broadcast MAC is not answered");
}

static void
test_answer_and_learn(void)
{
	uint8_t p[ARP_LEN], frame[ETH_FRAME_MAX];

	arp_build(p, ARP_OP_REQUEST, peer_mac, PEER_IP, bcast, OUR_IP + 5);
	feed(p, ARP_LEN);
	is_int(st.nsent, 0, "a request for another address is not answered");
	arp_build(p, ARP_OP_REQUEST, peer_mac, PEER_IP, bcast, OUR_IP);
	feed(p, ARP_LEN);
	is_int(st.nsent, 1, "a request for our address is answered");
	struct arp_info a = sent_arp(0);
	ok(a.op == ARP_OP_REPLY && a.spa == OUR_IP && a.tpa == PEER_IP &&
	   memcmp(a.sha, our_mac, 6) == 0 && memcmp(st.sent[0].dst, peer_mac, 6) == 0,
	   "...by a reply to the asker with our MAC");
	is_int(arp_output(PEER_IP, frame, 100), 0, "the asker was learned...");
	ok(st.nsent == 2 && st.sent[1].type == ETHERTYPE_IPV4 &&
	   memcmp(st.sent[1].dst, peer_mac, 6) == 0, "...so a packet to it goes at once");
	st.now += ARP_TTL_MS;
	arp_tick(st.now);
	st.nsent = 0;
	arp_output(PEER_IP, frame, 100);
	ok(st.nsent == 1 && st.sent[0].type == ETHERTYPE_ARP, "after ARP_TTL_MS it is asked for again");
	arp_flush();
	st.nsent = 0;
}

static void
test_resolve_queue(void)
{
	uint8_t frame[ETH_FRAME_MAX], p[ARP_LEN];
	uint64_t before = st.counters[NET_CTR_ARP_UNRESOLVED];
	int i;

	memset(frame, 0xab, sizeof(frame));
	is_int(arp_output(PEER_IP, frame, 100), 0, "a packet to an unknown address is queued");
	struct arp_info a = sent_arp(0);
	ok(st.nsent == 1 && a.op == ARP_OP_REQUEST && a.tpa == PEER_IP &&
	   memcmp(st.sent[0].dst, bcast, 6) == 0, "...and a request is broadcast");
	for (i = 1; i < ARP_QUEUE_MAX; i++)
		arp_output(PEER_IP, frame, 100 + i);
	is_int(st.nsent, 1, "more packets for it ask no more");
	is_int(arp_output(PEER_IP, frame, 99), -ENOBUFS, "the queue holds ARP_QUEUE_MAX packets");
	is_int((int)(st.counters[NET_CTR_ARP_UNRESOLVED] - before), 1,
	       "...and the one refused is counted");
	arp_build(p, ARP_OP_REPLY, peer_mac, PEER_IP, our_mac, OUR_IP);
	feed(p, ARP_LEN);
	is_int(st.nsent, 1 + ARP_QUEUE_MAX, "the reply sends every queued packet");
	for (i = 0; i < ARP_QUEUE_MAX; i++)
		if (st.sent[1 + i].len != (size_t)(100 + i) ||
		    memcmp(st.sent[1 + i].dst, peer_mac, 6) != 0)
			break;
	is_int(i, ARP_QUEUE_MAX, "...in order, to the MAC learned");
	arp_flush();
	st.nsent = 0;
}

static void
test_give_up(void)
{
	uint8_t frame[ETH_FRAME_MAX];
	uint64_t before = st.counters[NET_CTR_ARP_UNRESOLVED];

	arp_output(PEER_IP + 7, frame, 60);
	arp_output(PEER_IP + 7, frame, 60);
	for (int t = 0; t < ARP_TRIES + 2; t++) {
		st.now += ARP_RETRY_MS;
		arp_tick(st.now);
	}
	is_int(st.nsent, ARP_TRIES, "an unanswered address is asked ARP_TRIES times");
	is_int((int)(st.counters[NET_CTR_ARP_UNRESOLVED] - before), 2,
	       "then its packets are dropped and counted");
	st.nsent = 0;
	arp_output(PEER_IP + 7, frame, 60);
	is_int(st.nsent, 1, "...and the queue has room again");
	arp_flush();
	st.nsent = 0;
}

static void
test_announce(void)
{
	arp_announce();
	struct arp_info a = sent_arp(0);
	ok(st.nsent == 1 && a.op == ARP_OP_REQUEST && a.spa == OUR_IP && a.tpa == OUR_IP &&
	   memcmp(st.sent[0].dst, bcast, 6) == 0, "the announcement asks for our own address");
}

int
main(void)
{
	st.cfg.addr = OUR_IP;
	st.cfg.prefix = 24;
	st.cfg.netmask = 0xffffff00u;
	st.now = 1000;
	test_malformed();
	test_answer_and_learn();
	test_resolve_queue();
	test_give_up();
	test_announce();
	return done_testing();
}
