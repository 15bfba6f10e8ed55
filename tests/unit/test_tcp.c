/*
 * Unit tests of TCP's pure parts on the host: sequence-number comparison across the
 * wrap, tcp_parse on malformed segments first (short, data offsets that lie, options
 * that run past the header, bad checksums), then on segments whose bytes and checksum
 * were made by hand outside this code (Python's struct and the RFC 1071 sum), then
 * tcp_build's segments parsed back; the acceptability test, RST checks and initial
 * sequence numbers (kernel/net/tcprules.c); and the receive buffer (tcpbuf.c): in
 * order, out of order with the gap filled, duplicates, the window's edges, more gaps
 * than it holds, and all of it across the 2^32 wrap; then the retransmission timer's
 * estimator (RFC 6298, figures worked by hand from its formulas) and the congestion
 * window's arithmetic (RFC 5681, RFC 6582) in tcpcc.c, their bounds first. Segments are copied to heap blocks
 * of exactly their length, so that the address sanitizer catches a read past the end.
 */
#include <stdlib.h>
#include <string.h>

#include <lib.h>
#include <netproto.h>
#include <tcpbuf.h>
#include <tcp.h>
#include <keel/net.h>
#include "tap.h"

#define ADDR_A	0x0a00020fu	/* 10.0.2.15 */
#define ADDR_B	0x0a000202u	/* 10.0.2.2 */

/* A SYN from 10.0.2.15:40000 to 10.0.2.2:80: MSS 1460, SACK permitted, NOP, window scale 7. */
static const uint8_t syn[] = {
	0x9c, 0x40, 0x00, 0x50, 0x12, 0x34, 0x56, 0x78, 0x00, 0x00, 0x00, 0x00, 0x80, 0x02,
	0xfa, 0xf0, 0x56, 0xd3, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x01, 0x03,
	0x03, 0x07, 0x01, 0x01,
};

/* "hello" from 10.0.2.2:80, PSH ACK, seq 0xfffffffe (it wraps), window 502. */
static const uint8_t hello[] = {
	0x00, 0x50, 0x9c, 0x40, 0xff, 0xff, 0xff, 0xfe, 0x12, 0x34, 0x56, 0x79, 0x50, 0x18,
	0x01, 0xf6, 0x4c, 0xb2, 0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f,
};

static uint8_t *seg;

/* Parses the n bytes at p as a segment from src to dst, copied to a block of exactly n bytes. */
static int
parse(const void *p, size_t n, uint32_t src, uint32_t dst, struct tcp_info *t)
{
	struct ipv4_info ip = { .src = src, .dst = dst, .proto = IP_PROTO_TCP, .len = n };

	free(seg);
	seg = malloc(n ? n : 1);
	memcpy(seg, p, n);
	ip.payload = seg;
	return tcp_parse(&ip, t);
}

/* A copy of the SYN with its header changed at off to v, and the checksum made right again. */
static const uint8_t *
syn_with(size_t off, uint8_t v, size_t *n)
{
	static uint8_t b[sizeof(syn)];

	memcpy(b, syn, sizeof(syn));
	b[off] = v;
	b[16] = b[17] = 0;
	uint16_t sum = net_fold(net_sum(b, sizeof(b), net_pseudo_sum(ADDR_A, ADDR_B,
					IP_PROTO_TCP, sizeof(b))));
	b[16] = (uint8_t)(sum >> 8);
	b[17] = (uint8_t)sum;
	*n = sizeof(b);
	return b;
}

static void
test_seq(void)
{
	ok(seq_lt(1, 2) && !seq_lt(2, 1) && !seq_lt(5, 5), "seq: plain order");
	ok(seq_lt(0xfffffff0u, 0x10) && seq_gt(0x10, 0xfffffff0u), "seq: across the wrap");
	ok(seq_leq(7, 7) && seq_geq(7, 7), "seq: equal is leq and geq");
	ok(seq_lt(0, 0x7fffffffu) && seq_gt(0, 0x80000001u), "seq: half the space decides");
	ok(seq_in(0xffffffffu, 0xfffffff0u, 0x20) && seq_in(0x1f, 0xfffffff0u, 0x20) &&
	   !seq_in(0x20, 0xfffffff0u, 0x20) && !seq_in(0xffffffefu, 0xfffffff0u, 0x20),
	   "seq: a window across the wrap holds its ends rightly");
}

static void
test_parse_bad(void)
{
	struct tcp_info t;
	uint8_t b[64];
	size_t n;

	is_int(parse(syn, 19, ADDR_A, ADDR_B, &t), NET_CTR_TCP_BAD_HEADER, "parse: 19 bytes");
	is_int(parse(syn, 0, ADDR_A, ADDR_B, &t), NET_CTR_TCP_BAD_HEADER, "parse: nothing");
	const uint8_t *p = syn_with(12, 4 << 4, &n);
	is_int(parse(p, n, ADDR_A, ADDR_B, &t), NET_CTR_TCP_BAD_HEADER, "parse: data offset 4 words");
	p = syn_with(12, 15 << 4, &n);
	is_int(parse(p, n, ADDR_A, ADDR_B, &t), NET_CTR_TCP_BAD_HEADER,
	       "parse: data offset 60 bytes in a 32-byte segment");
	is_int(parse(syn, sizeof(syn) - 1, ADDR_A, ADDR_B, &t), NET_CTR_TCP_BAD_HEADER,
	       "parse: cut inside its options");
	is_int(parse(syn, sizeof(syn), ADDR_A + 1, ADDR_B, &t), NET_CTR_TCP_BAD_CHECKSUM,
	       "parse: from another address (the pseudo-header counts)");
	memcpy(b, syn, sizeof(syn));
	b[5] ^= 1;
	is_int(parse(b, sizeof(syn), ADDR_A, ADDR_B, &t), NET_CTR_TCP_BAD_CHECKSUM,
	       "parse: one bit of the sequence number flipped");
	p = syn_with(21, 0, &n);	/* MSS's length 0 */
	is_int(parse(p, n, ADDR_A, ADDR_B, &t), NET_CTR_TCP_BAD_HEADER, "parse: an option of length 0");
	p = syn_with(21, 1, &n);
	is_int(parse(p, n, ADDR_A, ADDR_B, &t), NET_CTR_TCP_BAD_HEADER, "parse: an option of length 1");
	p = syn_with(21, 13, &n);	/* runs past the 12 bytes of options */
	is_int(parse(p, n, ADDR_A, ADDR_B, &t), NET_CTR_TCP_BAD_HEADER,
	       "parse: an option running past the header");
	p = syn_with(31, 3, &n);	/* the last byte: a window scale kind with no length */
	is_int(parse(p, n, ADDR_A, ADDR_B, &t), NET_CTR_TCP_BAD_HEADER,
	       "parse: an option's kind as the header's last byte");
	p = syn_with(21, 3, &n);	/* MSS of length 3: skipped, as is what it covers */
	is_int(parse(p, n, ADDR_A, ADDR_B, &t), 0, "parse: MSS of length 3");
	ok(t.mss == 0 && t.wscale == 7, "parse: ... is not taken; the options after it are");
	p = syn_with(29, 200, &n);	/* window scale 200 */
	is_int(parse(p, n, ADDR_A, ADDR_B, &t), 0, "parse: window scale 200");
	is_int(t.wscale, TCP_WSCALE_MAX, "parse: ... is taken as 14 (RFC 7323 2.3)");
	p = syn_with(20, 99, &n);	/* an unknown kind of length 4 where MSS was */
	is_int(parse(p, n, ADDR_A, ADDR_B, &t), 0, "parse: an unknown option is skipped");
	is_int(t.mss, 0, "parse: ... and gives no MSS");
	is_int(t.wscale, 7, "parse: ... the options after it are still read");
	p = syn_with(20, TCP_OPT_END, &n);
	is_int(parse(p, n, ADDR_A, ADDR_B, &t), 0, "parse: end of options first");
	ok(t.mss == 0 && t.wscale == -1 && !t.sack_ok, "parse: ... nothing after it is read");
}

static void
test_parse_good(void)
{
	struct tcp_info t;

	is_int(parse(syn, sizeof(syn), ADDR_A, ADDR_B, &t), 0, "parse: the hand-made SYN");
	ok(t.sport == 40000 && t.dport == 80 && t.seq == 0x12345678 && t.ack == 0,
	   "parse: ports and numbers");
	ok(t.flags == TCP_SYN && t.window == 64240, "parse: SYN alone, window 64240");
	ok(t.mss == 1460 && t.wscale == 7 && t.sack_ok && t.nsack == 0, "parse: its options");
	is_int((long long)t.len, 0, "parse: no data");
	is_int(parse(hello, sizeof(hello), ADDR_B, ADDR_A, &t), 0, "parse: the hand-made data segment");
	ok(t.flags == (TCP_PSH | TCP_ACK) && t.seq == 0xfffffffeu && t.ack == 0x12345679,
	   "parse: PSH ACK and its numbers");
	ok(t.len == 5 && memcmp(t.payload, "hello", 5) == 0 && t.wscale == -1 && t.mss == 0,
	   "parse: its five bytes, no options");
}

static void
test_build(void)
{
	struct tcp_out o = {
		.sport = 40000, .dport = 80, .seq = 0x12345678, .flags = TCP_SYN, .window = 64240,
		.mss = 1460, .wscale = 7, .sack_ok = true,
	};
	struct tcp_info t;
	uint8_t b[128];

	is_int((long long)tcp_header_len(&o), 32, "build: MSS, window scale, SACK-permitted: 32 bytes");
	tcp_build(b, ADDR_A, ADDR_B, &o, 0);
	is_int(parse(b, 32, ADDR_A, ADDR_B, &t), 0, "build: its SYN parses");
	ok(t.mss == 1460 && t.wscale == 7 && t.sack_ok && t.flags == TCP_SYN &&
	   t.seq == 0x12345678 && t.window == 64240, "build: ... with what was asked");

	o = (struct tcp_out){ .sport = 80, .dport = 40000, .seq = 0xfffffffe, .ack = 0x12345679,
			      .flags = TCP_PSH | TCP_ACK, .window = 502, .wscale = -1 };
	is_int((long long)tcp_header_len(&o), 20, "build: no options: 20 bytes");
	memcpy(b + 20, "hello", 5);
	tcp_build(b, ADDR_B, ADDR_A, &o, 5);
	ok(memcmp(b, hello, sizeof(hello)) == 0, "build: the data segment is the hand-made one, byte for byte");

	o.nsack = 3;
	for (uint32_t i = 0; i < 3; i++) {
		o.sack[i][0] = 1000 * i + 100;
		o.sack[i][1] = 1000 * i + 200;
	}
	is_int((long long)tcp_header_len(&o), 48, "build: three SACK blocks: 20 + 26, padded to 48");
	tcp_build(b, ADDR_B, ADDR_A, &o, 0);
	is_int(parse(b, 48, ADDR_B, ADDR_A, &t), 0, "build: a segment with SACK blocks parses");
	ok(t.nsack == 3 && t.sack[2][0] == 2100 && t.sack[2][1] == 2200, "build: ... and gives them back");
}

/* RFC 9293 3.10.7.4's table, at the window's edges and across the wrap. */
static void
test_acceptable(void)
{
	uint32_t nxt = 0xfffffff0u;

	ok(tcp_acceptable(nxt, 0, nxt, 0) && !tcp_acceptable(nxt + 1, 0, nxt, 0),
	   "acceptable: empty segment, zero window: only at rcv_nxt");
	ok(tcp_acceptable(nxt, 0, nxt, 100) && tcp_acceptable(nxt + 99, 0, nxt, 100) &&
	   !tcp_acceptable(nxt + 100, 0, nxt, 100) && !tcp_acceptable(nxt - 1, 0, nxt, 100),
	   "acceptable: empty segment: within [rcv_nxt, rcv_nxt + window)");
	ok(!tcp_acceptable(nxt, 10, nxt, 0), "acceptable: data into a zero window: never");
	ok(tcp_acceptable(nxt - 5, 10, nxt, 100), "acceptable: old bytes with new ones after them");
	ok(tcp_acceptable(nxt + 95, 10, nxt, 100), "acceptable: starting in the window, running past it");
	ok(!tcp_acceptable(nxt - 10, 10, nxt, 100), "acceptable: wholly old (ends at rcv_nxt)");
	ok(!tcp_acceptable(nxt + 100, 10, nxt, 100), "acceptable: wholly beyond the window");
}

static void
test_rst(void)
{
	uint32_t nxt = 0xfffffff0u;

	is_int(tcp_rst_check(nxt, nxt, 100), TCP_RST_RESET, "rst: exactly rcv_nxt resets");
	is_int(tcp_rst_check(nxt + 1, nxt, 100), TCP_RST_CHALLENGE, "rst: in the window, not exact: a challenge ACK");
	is_int(tcp_rst_check(nxt + 99, nxt, 100), TCP_RST_CHALLENGE, "rst: the window's last byte, across the wrap");
	is_int(tcp_rst_check(nxt + 100, nxt, 100), TCP_RST_DROP, "rst: past the window: dropped");
	is_int(tcp_rst_check(nxt - 1, nxt, 100), TCP_RST_DROP, "rst: before rcv_nxt: dropped");
	is_int(tcp_rst_check(nxt + 1, nxt, 0), TCP_RST_DROP, "rst: a zero window takes only the exact one");
}

static void
test_isn(void)
{
	static const uint8_t key[16] = { 1, 2, 3 }, other[16] = { 9 };
	uint32_t a = tcp_isn(key, ADDR_A, 80, ADDR_B, 40000, 0);

	is_int(tcp_isn(key, ADDR_A, 80, ADDR_B, 40000, 0), a, "isn: the same inputs, the same number");
	is_int(tcp_isn(key, ADDR_A, 80, ADDR_B, 40000, 4000000), a + 1000000,
	       "isn: 4 s later, a million more (a tick each 4 us)");
	ok(tcp_isn(key, ADDR_A, 80, ADDR_B, 40001, 0) != a, "isn: another remote port, another number");
	ok(tcp_isn(key, ADDR_A, 81, ADDR_B, 40000, 0) != a, "isn: another local port, another number");
	ok(tcp_isn(other, ADDR_A, 80, ADDR_B, 40000, 0) != a, "isn: another key, another number");
	ok(tcp_isn(key, ADDR_B, 80, ADDR_A, 40000, 0) != a, "isn: the addresses swapped, another number");
}

static uint8_t ring[64];
static uint8_t stream[256];

/* Reads what is readable from b into out; returns the count. */
static uint32_t
drain(struct tcpbuf *b, uint8_t *out)
{
	uint32_t total = 0, n;
	const uint8_t *p;

	while ((n = tcpbuf_peek(b, &p)) > 0) {
		memcpy(out + total, p, n);
		tcpbuf_take(b, n);
		total += n;
	}
	return total;
}

/* The receive buffer from sequence number isn on: every case twice, the second across the wrap. */
static void
test_buffer(uint32_t isn, const char *where)
{
	struct tcpbuf b;
	uint8_t out[256];
	uint32_t blocks[TCPBUF_RANGES][2];

	tcpbuf_init(&b, ring, sizeof(ring), isn);
	is_int(tcpbuf_window(&b), 64, "buffer %s: an empty one offers all its room", where);
	is_int(tcpbuf_put(&b, isn, stream, 10), 10, "buffer %s: 10 bytes in order", where);
	is_int(tcpbuf_window(&b), 54, "buffer %s: ... the window shrinks", where);
	is_int(tcpbuf_put(&b, isn + 20, stream + 20, 10), 0, "buffer %s: 10 beyond a gap: held", where);
	is_int(tcpbuf_put(&b, isn + 40, stream + 40, 5), 0, "buffer %s: 5 beyond another gap", where);
	is_int(tcpbuf_sack(&b, blocks, TCPBUF_RANGES), 2, "buffer %s: two ranges held", where);
	ok(blocks[0][0] == isn + 20 && blocks[0][1] == isn + 30 && blocks[1][0] == isn + 40,
	   "buffer %s: ... as SACK blocks, in order", where);
	is_int(tcpbuf_put(&b, isn + 5, stream + 5, 20), 20, "buffer %s: the gap filled, overlapping both sides: nxt moves to 30", where);
	is_int(tcpbuf_put(&b, isn + 2, stream + 2, 6), 0, "buffer %s: old bytes again: nothing new", where);
	is_int(tcpbuf_put(&b, isn + 30, stream + 30, 10), 15, "buffer %s: the second gap: nxt to 45", where);
	is_int(drain(&b, out), 45, "buffer %s: 45 bytes readable", where);
	ok(memcmp(out, stream, 45) == 0, "buffer %s: ... the stream's bytes, in order", where);
	is_int(tcpbuf_window(&b), 64, "buffer %s: read, the room comes back", where);

	/* The window's far edge: bytes past it are cut, a segment wholly past is dropped. */
	is_int(tcpbuf_put(&b, isn + 45 + 60, stream, 10), 0, "buffer %s: past the window's edge", where);
	is_int(tcpbuf_sack(&b, blocks, TCPBUF_RANGES), 1, "buffer %s: ... only what fits is held", where);
	is_int(blocks[0][1] - blocks[0][0], 4, "buffer %s: ... 4 bytes", where);
	is_int(tcpbuf_put(&b, isn + 45 + 64, stream, 10), 0, "buffer %s: wholly beyond", where);
	is_int(tcpbuf_sack(&b, blocks, TCPBUF_RANGES), 1, "buffer %s: ... is not held", where);
	is_int(tcpbuf_put(&b, isn + 45, stream + 45, 100), 64, "buffer %s: 100 bytes into 64 of room", where);
	is_int(tcpbuf_window(&b), 0, "buffer %s: ... a zero window", where);
	is_int(tcpbuf_put(&b, isn + 45 + 64, stream, 1), 0, "buffer %s: a byte into a zero window", where);
	is_int(drain(&b, out), 64, "buffer %s: 64 readable, across the ring's end", where);
	ok(memcmp(out, stream + 45, 64) == 0, "buffer %s: ... the right bytes", where);

	/* More gaps than it keeps: the extra segments go, and come again. */
	uint32_t base = isn + 109;
	for (uint32_t i = 0; i < TCPBUF_RANGES + 2; i++)
		tcpbuf_put(&b, base + 2 + 5 * i, stream + 2 + 5 * i, 3);
	is_int(tcpbuf_sack(&b, blocks, TCPBUF_RANGES), TCPBUF_RANGES,
	       "buffer %s: %d gaps: %d ranges held", where, TCPBUF_RANGES + 2, TCPBUF_RANGES);
	for (uint32_t i = 0; i < TCPBUF_RANGES + 2; i++)
		tcpbuf_put(&b, base + 5 * i, stream + 5 * i, 5);
	is_int(tcpbuf_readable(&b), 5 * (TCPBUF_RANGES + 2), "buffer %s: the gaps resent: all readable", where);
	is_int(drain(&b, out), 5 * (TCPBUF_RANGES + 2), "buffer %s: ... read", where);
	ok(memcmp(out, stream, 5 * (TCPBUF_RANGES + 2)) == 0, "buffer %s: ... intact", where);
	is_int(tcpbuf_sack(&b, blocks, TCPBUF_RANGES), 0, "buffer %s: nothing held after", where);
}

static void
test_rtt(void)
{
	struct tcp_rtt r;

	tcp_rtt_init(&r);
	is_int(r.rto, 1000, "rtt: no sample yet: RTO 1 s (RFC 6298 2.1)");
	tcp_rtt_sample(&r, 0);
	is_int(r.rto, TCP_RTO_MIN, "rtt: a first sample of 0 ms: the floor");
	tcp_rtt_init(&r);
	tcp_rtt_sample(&r, 10000000);
	is_int(r.rto, TCP_RTO_MAX, "rtt: a first sample of 10^7 ms: the ceiling");
	for (int i = 0; i < 20; i++)
		tcp_rtt_backoff(&r);
	is_int(r.rto, TCP_RTO_MAX, "rtt: backed off 20 times: still the ceiling");
	tcp_rtt_init(&r);
	tcp_rtt_sample(&r, 100);
	is_int(r.rto, 300, "rtt: first sample 100 ms: SRTT 100 + 4 x RTTVAR 50 = 300");
	tcp_rtt_sample(&r, 100);
	is_int(r.rto, 250, "rtt: again 100 ms: RTTVAR 37.5, RTO 250");
	tcp_rtt_sample(&r, 500);
	is_int(r.srtt8 / 8, 150, "rtt: then 500 ms: SRTT 7/8 x 100 + 1/8 x 500 = 150");
	is_int(r.rto, 663, "rtt: ... RTTVAR 3/4 x 37.5 + 1/4 x 400 = 128.25, RTO 150 + 513");
	tcp_rtt_backoff(&r);
	is_int(r.rto, 1326, "rtt: a timeout doubles it (5.5)");
	for (int i = 0; i < 50; i++)
		tcp_rtt_sample(&r, 1);
	is_int(r.rto, TCP_RTO_MIN, "rtt: a steady 1 ms link: the floor (2.4)");
}

static void
test_cc(void)
{
	is_int(tcp_cc_initial(1460), 4380, "cc: initial window, MSS 1460: 3 segments");
	is_int(tcp_cc_initial(536), 2144, "cc: ... MSS 536: 4 segments");
	is_int(tcp_cc_initial(2200), 4400, "cc: ... MSS 2200: 2 segments");
	is_int(tcp_cc_ack(TCP_CWND_MAX - 10, TCP_CWND_MAX, 1460, 1460), TCP_CWND_MAX,
	       "cc: never past the largest window");
	is_int(tcp_cc_ack(1u << 29, 1000, 536, 536), (1u << 29) + 1,
	       "cc: congestion avoidance in a huge window still grows by a byte");
	is_int(tcp_cc_ack(2920, 65535, 1460, 1460), 4380, "cc: slow start: one MSS per ACK of one");
	is_int(tcp_cc_ack(2920, 65535, 10000, 1460), 4380,
	       "cc: ... and no more for an ACK of many (RFC 3465, L = 1)");
	is_int(tcp_cc_ack(14600, 10000, 1460, 1460), 14746,
	       "cc: congestion avoidance: MSS x MSS / cwnd per ACK");
	is_int(tcp_cc_ssthresh(100000, 1460), 50000, "cc: ssthresh after a loss: half the flight");
	is_int(tcp_cc_ssthresh(1000, 1460), 2920, "cc: ... but at least 2 MSS");
	is_int(tcp_cc_partial(10000, 3000, 1460), 8460,
	       "cc: NewReno partial ACK: less what was acked, plus one MSS");
	is_int(tcp_cc_partial(10000, 500, 1460), 9500, "cc: ... no MSS back for less than one");
	is_int(tcp_cc_partial(1000, 1200, 1460), 1460, "cc: ... never below one MSS");
}

int
main(void)
{
	for (size_t i = 0; i < sizeof(stream); i++)
		stream[i] = (uint8_t)(i * 7 + 1);
	test_seq();
	test_parse_bad();
	test_parse_good();
	test_build();
	test_acceptable();
	test_rst();
	test_isn();
	test_buffer(1000, "at 1000");
	test_buffer(0xffffffd0u, "across the wrap");
	test_rtt();
	test_cc();
	free(seg);
	return done_testing();
}
