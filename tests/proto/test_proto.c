/*
 * Host unit test of the serial protocol's framing (kernel/lib/proto.c): CRC-32 against
 * its check value and a bit-at-a-time reference, COBS against the paper's examples and at block edges, and
 * the frame parser on damaged input first, then on good frames, text and noise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/tap.h"
#include <keel/proto.h>

/* Feeds bytes to rx; returns the last event and counts frames, bad frames and text. */
struct tally {
	int frames, bad, text;
	struct proto_msg last;
	uint8_t payload[PROTO_PAYLOAD_MAX];
};

static void feed(struct proto_rx *rx, const uint8_t *p, size_t n, struct tally *t)
{
	for (size_t i = 0; i < n; i++) {
		switch (proto_rx_byte(rx, p[i])) {
		case PROTO_RX_FRAME:
			t->frames++;
			proto_rx_frame(rx, &t->last);
			memcpy(t->payload, t->last.payload, t->last.len);
			t->last.payload = t->payload;
			break;
		case PROTO_RX_BAD:
			t->bad++;
			break;
		case PROTO_RX_TEXT:
			t->text++;
			break;
		case PROTO_RX_SOH_TEXT:
			t->text += 2;
			break;
		case PROTO_RX_NONE:
			break;
		}
	}
}

/* The CRC bit by bit, straight from the definition (reflected, 0xedb88320). */
static uint32_t crc_reference(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffff;

	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int b = 0; b < 8; b++)
			crc = crc & 1 ? (crc >> 1) ^ 0xedb88320 : crc >> 1;
	}
	return ~crc;
}

static void test_crc(void)
{
	uint8_t buf[3000];

	is_int(proto_crc32(0, "123456789", 9), 0xcbf43926, "CRC-32 check value of 123456789");
	is_int(proto_crc32(0, "", 0), 0, "CRC-32 of nothing is 0");
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + (i >> 3));
	is_int(proto_crc32(proto_crc32(0, buf, 1000), buf + 1000, 2000),
	       (long long)crc_reference(buf, sizeof(buf)), "CRC-32 in pieces equals the bitwise one");
}

static int cobs_round_trip(const uint8_t *in, size_t len)
{
	uint8_t enc[PROTO_COBS_MAX(5000)], dec[5000];
	size_t n = proto_cobs_encode(in, len, enc);
	long m;

	if (n > PROTO_COBS_MAX(len) || memchr(enc, 0, n))
		return 0;
	m = proto_cobs_decode(enc, n, dec, sizeof(dec));
	return m == (long)len && !memcmp(in, dec, len);
}

static void test_cobs(void)
{
	static const uint8_t z[] = { 0 }, ex[] = { 0x11, 0x22, 0x00, 0x33 };
	uint8_t enc[16], out[16], big[5000];
	int all = 1;

	/* Damaged input first. */
	is_int(proto_cobs_decode((const uint8_t *)"\x00", 1, out, sizeof(out)), -1,
	       "COBS: a zero code byte is refused");
	is_int(proto_cobs_decode((const uint8_t *)"\x05\x01", 2, out, sizeof(out)), -1,
	       "COBS: a block longer than the input is refused");
	is_int(proto_cobs_decode((const uint8_t *)"\x03\x01\x02\x01", 4, out, 2), -1,
	       "COBS: output beyond the buffer is refused");
	/* The paper's examples. */
	is_int((long long)proto_cobs_encode(z, 1, enc), 2, "COBS: one zero is two bytes");
	ok(enc[0] == 1 && enc[1] == 1, "COBS: one zero is 01 01");
	proto_cobs_encode(ex, 4, enc);
	ok(!memcmp(enc, "\x03\x11\x22\x02\x33", 5), "COBS: 11 22 00 33 is 03 11 22 02 33");
	for (size_t len = 0; len < 800 && all; len++) {
		for (size_t i = 0; i < len; i++)
			big[i] = (uint8_t)(len % 3 == 0 ? 0x5a : i % 97 ? i : 0);
		all = cobs_round_trip(big, len);
	}
	ok(all, "COBS: round trips of 0-799 bytes, with and without zeros, at block edges");
	memset(big, 0xff, sizeof(big));
	ok(cobs_round_trip(big, 254) && cobs_round_trip(big, 255) && cobs_round_trip(big, 508) &&
	   cobs_round_trip(big, 5000), "COBS: runs of non-zero bytes at 254, 255, 508, 5000");
}

static size_t frame(uint8_t type, uint32_t seq, size_t len, uint8_t *out)
{
	uint8_t payload[PROTO_PAYLOAD_MAX];

	for (size_t i = 0; i < len; i++)
		payload[i] = (uint8_t)(i ^ seq);
	return proto_frame_encode(type, seq, payload, len, 0, out);
}

static void test_bad_frames(void)
{
	static struct proto_rx rx;
	uint8_t w[PROTO_WIRE_MAX + 100], f[PROTO_FRAME_MAX + 8];
	struct tally t = { 0 };
	struct proto_msg m;
	size_t n;

	memset(w, 0, sizeof(w));
	is_int((long long)proto_frame_encode(PT_DATA, 0, w, PROTO_PAYLOAD_MAX + 1, 0, w), 0,
	       "a payload beyond PROTO_PAYLOAD_MAX is not encoded");
	memset(f, 0, sizeof(f));
	ok(proto_frame_parse(f, 11, &m) == -1, "a frame shorter than header and CRC is refused");
	f[0] = PROTO_VERSION;
	proto_put16(f + 2, 5);
	proto_put32(f + 8, proto_crc32(0, f, 8));
	ok(proto_frame_parse(f, 12, &m) == -1, "a length field that disagrees is refused");
	proto_put16(f + 2, 0);
	proto_put32(f + 8, proto_crc32(0, f, 8));
	ok(proto_frame_parse(f, 12, &m) == 0, "an empty frame with a good CRC parses");
	f[0] = 0;
	proto_put32(f + 8, proto_crc32(0, f, 8));
	ok(proto_frame_parse(f, 12, &m) == -1, "version 0 is refused");
	f[0] = 2;
	proto_put32(f + 8, proto_crc32(0, f, 8));
	ok(proto_frame_parse(f, 12, &m) == 0 && m.version == 2,
	   "another version parses, so that it can be answered");

	proto_rx_init(&rx);
	n = frame(PT_DATA, 7, 100, w);
	w[20] ^= 0x40;
	feed(&rx, w, n, &t);
	ok(t.bad == 1 && t.frames == 0, "a flipped bit is a bad frame");
	n = frame(PT_DATA, 7, 100, w);
	feed(&rx, w, n - 10, &t);
	feed(&rx, (const uint8_t *)"\0", 1, &t);
	ok(t.bad == 2 && t.frames == 0, "a truncated frame is a bad frame");
	w[0] = PROTO_SOH;
	w[1] = PROTO_MAGIC;
	memset(w + 2, 0x55, sizeof(w) - 3);
	w[sizeof(w) - 1] = 0;
	feed(&rx, w, sizeof(w), &t);
	ok(t.bad == 3 && t.frames == 0 && t.text == 0, "an endless frame is dropped up to its end");
	n = frame(PT_ACK, 9, 0, w);
	feed(&rx, w, n, &t);
	ok(t.frames == 1 && t.last.type == PT_ACK && t.last.seq == 9,
	   "the parser finds the next frame after the damage");
}

static void test_good_frames(void)
{
	static struct proto_rx rx;
	uint8_t w[PROTO_WIRE_MAX];
	struct tally t = { 0 };
	size_t n;
	int good = 1;

	proto_rx_init(&rx);
	feed(&rx, (const uint8_t *)"ls\x01x\r", 5, &t);
	is_int(t.text, 5, "text and a lone SOH followed by another byte stay text");
	for (size_t len = 0; len <= PROTO_PAYLOAD_MAX && good; len += len < 300 ? 1 : 257) {
		n = frame(PT_DATA, (uint32_t)len * 3, len, w);
		feed(&rx, w, n, &t);
		good = t.last.type == PT_DATA && t.last.len == len && t.last.seq == len * 3;
		for (size_t i = 0; i < len && good; i++)
			good = t.payload[i] == (uint8_t)(i ^ (len * 3));
	}
	ok(good && t.bad == 0, "frames of 0 to PROTO_PAYLOAD_MAX bytes come back intact");
	n = proto_frame_encode(PT_BYE, 1, NULL, 0, 1, w);
	ok(w[0] == 0 && w[1] == PROTO_SOH && w[2] == PROTO_MAGIC && w[n - 1] == 0,
	   "the wire form is [00] SOH MAGIC ... 00");
	is_int((long long)frame(PT_DATA, 0, 1024, w), 2 + 1024 + 12 + 5 + 1,
	       "a 1 KiB frame costs 20 bytes of framing");
}

int main(void)
{
	test_crc();
	test_cobs();
	test_bad_frames();
	test_good_frames();
	return done_testing();
}
