/*
 * libFuzzer target of TCP's pure parts (tests/tcp-fuzz.test): the input is a TCP segment
 * from 10.0.2.2 to 10.0.2.15 whose checksum is made right first (or the parser would stop
 * nearly every input there). What parses must build back to a segment that parses to the
 * same fields, and its data go into a receive buffer whose counts must stay consistent.
 */
#include <stdlib.h>
#include <string.h>

#include <lib.h>
#include <netproto.h>
#include <tcpbuf.h>

#define SRC	0x0a000202u
#define DST	0x0a00020fu

static uint8_t ring[4096];
static struct tcpbuf buf;
static int started;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t seg[65535], out[TCP_HLEN_MAX + 65535];
	struct ipv4_info ip = { .src = SRC, .dst = DST, .proto = IP_PROTO_TCP };
	struct tcp_info t, back;
	uint16_t sum;

	if (size > sizeof(seg))
		return 0;
	memcpy(seg, data, size);
	if (size >= TCP_HLEN) {		/* the checksum made right */
		seg[16] = seg[17] = 0;
		sum = net_fold(net_sum(seg, size, net_pseudo_sum(SRC, DST, IP_PROTO_TCP, (uint16_t)size)));
		seg[16] = (uint8_t)(sum >> 8);
		seg[17] = (uint8_t)sum;
	}
	ip.payload = seg;
	ip.len = size;
	if (tcp_parse(&ip, &t) != 0)
		return 0;
	if (t.payload < seg || t.payload + t.len != seg + size)
		abort();

	struct tcp_out o = { .sport = t.sport, .dport = t.dport, .seq = t.seq, .ack = t.ack,
			     .flags = t.flags, .window = t.window, .mss = t.mss,
			     .wscale = t.wscale, .sack_ok = t.sack_ok, .nsack = t.nsack };
	memcpy(o.sack, t.sack, sizeof(o.sack));
	size_t hlen = tcp_header_len(&o);
	memcpy(out + hlen, t.payload, t.len);
	tcp_build(out, SRC, DST, &o, t.len);
	ip.payload = out;
	ip.len = hlen + t.len;
	if (tcp_parse(&ip, &back) != 0 || back.seq != t.seq || back.ack != t.ack ||
	    back.flags != t.flags || back.mss != t.mss || back.wscale != t.wscale ||
	    back.sack_ok != t.sack_ok || back.nsack != t.nsack || back.len != t.len ||
	    memcmp(back.payload, t.payload, t.len) != 0)
		abort();

	if (!started) {
		tcpbuf_init(&buf, ring, sizeof(ring), t.seq);
		started = 1;
	}
	uint32_t before = tcpbuf_readable(&buf), moved = tcpbuf_put(&buf, t.seq, t.payload, t.len);
	if (tcpbuf_readable(&buf) != before + moved ||
	    tcpbuf_readable(&buf) + tcpbuf_window(&buf) != sizeof(ring))
		abort();
	if (t.flags & TCP_PSH) {	/* now and then the reader takes what is there */
		const uint8_t *p;
		uint32_t n = tcpbuf_peek(&buf, &p);
		if (n > tcpbuf_readable(&buf) || (n && (p < ring || p + n > ring + sizeof(ring))))
			abort();
		tcpbuf_take(&buf, n);
	}
	return 0;
}
