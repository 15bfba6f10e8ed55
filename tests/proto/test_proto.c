/*
 * Host unit test of the serial protocol's shared code (kernel/lib/proto.c): CRC-32 against
 * its check value and a bit-at-a-time reference, COBS against the paper's examples and at
 * block edges, the frame parser on damaged input first, then on good frames, text and
 * noise; every payload's decoder on malformed payloads first, then round trips; the
 * stream receiver; and the sender and receiver together over a simulated line with a
 * clock of its own, clean and noisy.
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

static void test_bad_payloads(void)
{
	static const char *bad_paths[] = { "", "tmp/x", "//x", "/a//b", "/a/./b", "/a/..", "/.",
					   "/a/b/../c" };
	const char *argv[4];
	uint8_t p[PROTO_PAYLOAD_MAX + 1] = { 0 };
	char path[PROTO_PATH_MAX + 2];
	struct proto_hello h;
	struct proto_welcome w;
	struct proto_stream_info si;
	struct proto_error e;
	struct proto_put put;
	uint64_t v;
	int32_t st;
	int all = 1;

	ok(proto_hello_decode(p, 11, &h) == -1, "HELLO: shorter than its fields and two NULs");
	memcpy(p + PROTO_HELLO_FIXED, "root\0keel", 9);
	ok(proto_hello_decode(p, PROTO_HELLO_FIXED + 9, &h) == -1,
	   "HELLO: a password without its NUL");
	memcpy(p + PROTO_HELLO_FIXED, "root", 4);
	ok(proto_hello_decode(p, PROTO_HELLO_FIXED + 4, &h) == -1, "HELLO: a user without NUL");
	memcpy(p + PROTO_HELLO_FIXED, "root\0keel\0x", 12);
	ok(proto_hello_decode(p, PROTO_HELLO_FIXED + 12, &h) == -1,
	   "HELLO: bytes after the password");
	ok(proto_welcome_decode(p, PROTO_WELCOME_SIZE - 1, &w) == -1, "WELCOME: too short");
	ok(proto_ok_decode(p, PROTO_OK_SIZE - 1, &v) == -1, "OK: too short for its value");
	ok(proto_stream_info_decode(p, PROTO_OK_STREAM_SIZE - 1, &si) == -1,
	   "OK of GET: too short for size, mode and CRC");
	ok(proto_status_decode(p, 3, &st) == -1, "EXIT, DONE: too short for the status");
	ok(proto_error_decode(p, 3, &e) == -1, "ERROR: too short for the errno");
	proto_put32(p, 5);
	ok(proto_error_decode(p, 4, &e) == -1, "ERROR: an errno that is not negative");
	ok(proto_put_decode(p, PROTO_PUT_FIXED, &put) == -1, "PUT: no path");
	ok(proto_put_decode(p, PROTO_PUT_FIXED + PROTO_PATH_MAX + 1, &put) == -1,
	   "PUT: a path beyond PROTO_PATH_MAX");
	put = (struct proto_put){ .path = path, .path_len = PROTO_PATH_MAX + 1 };
	is_int((long long)proto_put_encode(&put, p), 0, "PUT: a path too long is not encoded");
	for (size_t i = 0; i < sizeof(bad_paths) / sizeof(*bad_paths); i++)
		all &= proto_path_check(bad_paths[i], strlen(bad_paths[i])) == -1;
	ok(all, "paths: empty, relative, empty names, . and .. are refused");
	ok(proto_path_check("/a\0b", 4) == -1, "paths: a NUL inside is refused");
	memset(path, 'a', sizeof(path));
	path[0] = '/';
	ok(proto_path_check(path, PROTO_PATH_MAX + 1) == -1, "paths: 256 bytes are too many");
	ok(proto_args_decode((const uint8_t *)"", 0, argv, 4) == 0, "RUN: no arguments");
	ok(proto_args_decode((const uint8_t *)"ls", 2, argv, 4) == 0, "RUN: no final NUL");
	ok(proto_args_decode((const uint8_t *)"\0ls", 4, argv, 4) == 0, "RUN: an empty program");
	ok(proto_args_decode((const uint8_t *)"a\0b\0c\0", 6, argv, 2) == -1,
	   "RUN: more arguments than there is room for");
}

static void test_good_payloads(void)
{
	uint8_t p[PROTO_PAYLOAD_MAX];
	char path[PROTO_PATH_MAX + 1];
	struct proto_hello h = { .payload = 4096, .window = 16384, .caps = 0x3f, .user = "root",
				 .pass = "keel" }, h2;
	struct proto_welcome w = { 2048, 32768, 0x21, 1000 }, w2;
	struct proto_stream_info si = { 1ull << 33, 0100755, 0xcbf43926 }, si2;
	struct proto_put put = { 0644, 123456789012ull, 0xdeadbeef, "/tmp/x", 6 }, put2;
	struct proto_error e;
	const char *argv[4];
	size_t n;
	uint64_t v;
	int32_t st;

	n = proto_hello_encode(&h, p);
	ok(n == PROTO_HELLO_FIXED + 10 && proto_hello_decode(p, n, &h2) == 0 &&
	   h2.payload == 4096 && h2.window == 16384 && h2.caps == 0x3f &&
	   !strcmp(h2.user, "root") && !strcmp(h2.pass, "keel"), "HELLO: a round trip");
	h.pass = "";
	n = proto_hello_encode(&h, p);
	ok(proto_hello_decode(p, n, &h2) == 0 && !strcmp(h2.pass, ""), "HELLO: an empty password");
	n = proto_welcome_encode(&w, p);
	ok(n == PROTO_WELCOME_SIZE && proto_welcome_decode(p, n, &w2) == 0 &&
	   w2.payload == w.payload && w2.window == w.window && w2.caps == w.caps &&
	   w2.uid == w.uid, "WELCOME: a round trip");
	n = proto_ok_encode(0x0102030405060708ull, p);
	ok(n == 8 && p[0] == 8 && p[7] == 1 && proto_ok_decode(p, n, &v) == 0 &&
	   v == 0x0102030405060708ull, "OK: a little-endian u64 round trip");
	n = proto_stream_info_encode(&si, p);
	ok(n == PROTO_OK_STREAM_SIZE && proto_stream_info_decode(p, n, &si2) == 0 &&
	   si2.size == si.size && si2.mode == si.mode && si2.crc == si.crc,
	   "OK of GET: a round trip");
	n = proto_put_encode(&put, p);
	ok(n == PROTO_PUT_FIXED + 6 && proto_put_decode(p, n, &put2) == 0 &&
	   put2.mode == put.mode && put2.size == put.size && put2.crc == put.crc &&
	   put2.path_len == 6 && !memcmp(put2.path, "/tmp/x", 6), "PUT: a round trip");
	n = proto_status_encode(-2, p);
	ok(n == 4 && proto_status_decode(p, n, &st) == 0 && st == -2, "EXIT, DONE: a round trip");
	n = proto_error_encode(-PROTO_EVERSION, "version mismatch", p);
	ok(proto_error_decode(p, n, &e) == 0 && e.err == -PROTO_EVERSION && e.text_len == 16 &&
	   !memcmp(e.text, "version mismatch", 16), "ERROR: a round trip, version mismatch");
	memset(path, 'x', sizeof(path) - 1);
	path[sizeof(path) - 1] = 0;
	n = proto_error_encode(-1, path, p);
	is_int((long long)n, 4 + PROTO_ERROR_TEXT_MAX, "ERROR: a long message is cut");
	ok(proto_path_check("/", 1) == 0 && proto_path_check("/tmp/", 5) == 0 &&
	   proto_path_check("/bin/.x..", 9) == 0, "paths: /, a trailing / and dotted names");
	memset(path, 'a', sizeof(path));
	path[0] = '/';
	ok(proto_path_check(path, PROTO_PATH_MAX) == 0, "paths: 255 bytes are allowed");
	ok(proto_args_decode((const uint8_t *)"ls\0-l\0\0", 7, argv, 4) == 3 &&
	   !strcmp(argv[0], "ls") && !strcmp(argv[1], "-l") && !strcmp(argv[2], ""),
	   "RUN: the arguments, an empty one among them");
}

/* Takes everything in order out of r into out; returns how much. */
static size_t take_all(struct proto_receiver *r, uint8_t *out)
{
	const uint8_t *p;
	size_t n, total = 0;

	while ((n = proto_receiver_peek(r, &p)) > 0) {
		memcpy(out + r->have, p, n);
		proto_receiver_take(r, n);
		total += n;
	}
	return total;
}

static void test_receiver(void)
{
	static struct proto_receiver r;
	static uint8_t data[3 * PROTO_REORDER_MAX], out[3 * PROTO_REORDER_MAX];
	int all = 1;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 31 + (i >> 9));
	proto_receiver_init(&r, 0, 1000);
	is_int(proto_receiver_data(&r, 100, data + 100, 100), PT_NAK,
	       "receiver: a frame beyond the first byte missing is answered by NAK");
	is_int((long long)take_all(&r, out), 0, "receiver: nothing after a gap is taken");
	proto_receiver_data(&r, 2000, data, 10);
	is_int((long long)r.top, 200, "receiver: a frame beyond the size is not kept");
	is_int(proto_receiver_data(&r, 0, data, 50), PT_NAK,
	       "receiver: part of the gap filled, still a gap: NAK");
	is_int((long long)take_all(&r, out), 50, "receiver: the bytes before the gap are taken");
	is_int(proto_receiver_data(&r, 40, data + 40, 60), PT_ACK,
	       "receiver: an overlapping frame that fills the gap: ACK");
	ok(take_all(&r, out) == 150 && r.have == 200 && !memcmp(out, data, 200),
	   "receiver: the kept bytes follow in order");
	is_int(proto_receiver_data(&r, 0, data, 100), PT_ACK, "receiver: a duplicate is ACKed");
	is_int((long long)r.have, 200, "receiver: and changes nothing");

	/* A stream of unknown length through the ring, frames of 1000 in reverse pairs. */
	proto_receiver_init(&r, 0, UINT64_MAX);
	for (size_t off = 0; off + 2000 <= sizeof(data) && all; off += 2000) {
		all &= proto_receiver_data(&r, (uint32_t)off + 1000, data + off + 1000, 1000) ==
		       PT_NAK;
		all &= proto_receiver_data(&r, (uint32_t)off, data + off, 1000) == PT_ACK;
		take_all(&r, out);
	}
	ok(all && r.have == sizeof(data) - sizeof(data) % 2000 && !memcmp(out, data, r.have),
	   "receiver: swapped frames across the ring's wrap come out in order");
}

/* A NAK's payload: it answers the frame that ends at last; the receiver lacks from to to. */
static size_t nak(uint8_t *p, uint32_t last, uint32_t from, uint32_t to)
{
	proto_put32(p, last);
	proto_put32(p + 4, from);
	proto_put32(p + 8, to);
	return 12;
}

static void test_sender(void)
{
	static struct proto_sender s;
	uint8_t p[PROTO_ANSWER_MAX];
	uint64_t off;
	size_t n, first[5];

	proto_sender_init(&s, 0, 65536, PROTO_PAYLOAD_MAX, 16384, 0);
	for (int i = 0; i < 5; i++)
		first[i] = proto_sender_next(&s, 0, &off);
	ok(first[0] == PROTO_CHUNK_FIRST && first[3] == PROTO_CHUNK_FIRST && first[4] == 0,
	   "sender: a stream starts with four frames of 512 bytes, whatever the largest payload");
	/* Each answered at once, without a loss: the frames grow as the root of the bytes. */
	for (uint32_t end = PROTO_CHUNK_FIRST; end <= 4 * PROTO_CHUNK_FIRST; end += PROTO_CHUNK_FIRST) {
		proto_put32(p, end);
		proto_sender_ack(&s, PT_ACK, end, p, 4, 1);
	}
	for (off = 0, n = 0; off < 32768 && (n = proto_sender_next(&s, 1, &off)) > 0;) {
		proto_put32(p, (uint32_t)(off + n));	/* the frame it answers ends there */
		proto_sender_ack(&s, PT_ACK, (uint32_t)(off + n), p, 4, 1);
	}
	ok(s.chunk > 1024 && s.chunk < 2048,
	   "sender: after 32 KiB on a clean line, frames of 1-2 KiB (%u)", s.chunk);

	/* Frames of 1 KiB; the first is lost: the answer to the second names it. */
	proto_sender_init(&s, 0, 65536, PROTO_PAYLOAD_MIN, 16384, 0);
	while (proto_sender_next(&s, 0, &off) > 0)
		;
	n = nak(p, 2048, 0, 1024);
	proto_sender_ack(&s, PT_NAK, 0, p, n, 100);
	n = proto_sender_next(&s, 100, &off);
	ok(n > 0 && off == 0, "sender: the bytes a NAK names go again first");
	while (proto_sender_next(&s, 100, &off) > 0)
		;
	n = proto_sender_next(&s, 5000, &off);
	ok(n > 0 && off == 0, "sender: a resend not answered in time goes again");
}

/*
 * A simulated serial line between a sender and a receiver, rate bytes a second each way
 * with a latency, whose bytes are damaged with a chance p each. A damaged frame is lost;
 * most of the time (when its start survives) the receiver sees a damaged frame and
 * answers NAK, as kernel/proto/proto.c and serialterm do. With deep set, the sender
 * writes all it may at once into a queue before the line, as into a socket's buffer
 * (serialterm's side of the relay); else no faster than the line takes it, as a UART.
 * Time is the simulation's own, in microseconds.
 */
struct sim_frame {
	uint64_t at;		/* when its last byte arrives */
	uint8_t type;		/* 0: damaged */
	uint32_t seq;
	size_t len;
	uint8_t nak[PROTO_ANSWER_MAX];
};

struct sim_dir {
	struct sim_frame q[8192];
	unsigned head, tail;
	uint64_t free_at;	/* when the line is free to start the next frame */
};

static uint64_t sim_rng = 88172645463325252ull;

static double sim_random(void)
{
	sim_rng ^= sim_rng << 13;
	sim_rng ^= sim_rng >> 7;
	sim_rng ^= sim_rng << 17;
	return (double)(sim_rng >> 11) / 9007199254740992.0;
}

static struct sim_frame *sim_send(struct sim_dir *d, uint64_t now, double p, uint8_t type,
				  uint32_t seq, size_t len)
{
	size_t wire = len + 20;
	double ok_chance = 1;
	struct sim_frame *f = &d->q[d->head % 8192];

	for (size_t i = 0; i < wire; i++)
		ok_chance *= 1 - p;
	d->free_at = (d->free_at > now ? d->free_at : now) + (uint64_t)(wire * 1e6 / 11520);
	if (sim_random() >= ok_chance) {
		if (sim_random() >= 0.9)
			return NULL;		/* its start was hit: nobody sees it */
		type = 0;
	}
	*f = (struct sim_frame){ .at = d->free_at + 2000, .type = type, .seq = seq, .len = len };
	d->head++;
	return f;
}

/* The receiver's answer to a frame or a damaged one, on the way back. */
static void sim_answer(struct sim_dir *up, struct proto_receiver *r, uint64_t now, double p,
		       uint8_t type)
{
	uint8_t b[PROTO_ANSWER_MAX];
	size_t n = proto_receiver_answer(r, type, b);
	struct sim_frame *f = sim_send(up, now, p, type, (uint32_t)r->have, n);

	if (f)
		memcpy(f->nak, b, n);
}

/*
 * Sends size bytes from data through the line; returns the simulated milliseconds it
 * took (0 when the data came out wrong), and the sender's final payload in *chunk.
 */
static uint64_t simulate(const uint8_t *data, size_t size, double p, int deep, uint32_t *chunk)
{
	static struct sim_dir down, up;
	static struct proto_sender s;
	static struct proto_receiver r;
	static uint8_t out[1 << 20];
	uint64_t start = 1000000, now = start;

	memset(&down, 0, sizeof(down));
	memset(&up, 0, sizeof(up));
	proto_sender_init(&s, 0, size, PROTO_PAYLOAD_MAX, 16384, now / 1000);
	proto_receiver_init(&r, 0, size);
	while (r.have < size && now < 3600000000ull) {
		uint64_t off;
		size_t n;

		proto_sender_timer(&s, now / 1000);
		while ((deep || down.free_at <= now + 1000) &&
		       (n = proto_sender_next(&s, now / 1000, &off)))
			sim_send(&down, now, p, PT_DATA, (uint32_t)off, n);
		for (; down.tail != down.head && down.q[down.tail % 8192].at <= now; down.tail++) {
			struct sim_frame *f = &down.q[down.tail % 8192];

			if (f->type == 0) {
				sim_answer(&up, &r, now, p, proto_receiver_damaged(&r));
				continue;
			}
			n = proto_receiver_data(&r, f->seq, data + f->seq, f->len);
			take_all(&r, out);
			sim_answer(&up, &r, now, p, (uint8_t)n);
		}
		for (; up.tail != up.head && up.q[up.tail % 8192].at <= now; up.tail++) {
			struct sim_frame *f = &up.q[up.tail % 8192];

			if (f->type)
				proto_sender_ack(&s, f->type, f->seq, f->nak, f->len, now / 1000);
		}
		now += 250;
	}
	*chunk = s.chunk;
	if (getenv("SIM_DEBUG"))
		fprintf(stderr, "p %g%s: have %llu of %zu in %llu ms, chunk %u cwnd %u srtt %llu\n", p,
			deep ? " deep" : "", (unsigned long long)r.have, size,
			(unsigned long long)(now - start) / 1000, s.chunk, s.cwnd,
			(unsigned long long)s.srtt);
	return r.have == size && !memcmp(out, data, size) ? (now - start) / 1000 : 0;
}

/* Goodput over the simulated line, as a share of its rate. */
static double sim_share(const uint8_t *data, size_t size, double p, int deep, uint32_t *chunk)
{
	uint64_t ms = simulate(data, size, p, deep, chunk);

	return ms ? (double)size / (double)ms * 1000 / 11520 : 0;
}

static void test_streams(void)
{
	static uint8_t data[1 << 18];
	uint32_t chunk;
	double r;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 131 + (i >> 11));
	r = sim_share(data, 65536, 0.01, 0, &chunk);
	ok(r > 0, "streams: 64 KiB through 1%% of damaged bytes arrive intact");
	ok(r >= 0.15, "streams: and at 0.15 of the line rate or more (%.2f)", r);
	ok(chunk >= 24 && chunk <= 64, "streams: with payloads near the best, 36 bytes (%u)", chunk);
	r = sim_share(data, 65536, 0.01, 1, &chunk);
	ok(r >= 0.15, "streams: the same from a deep queue (%.2f)", r);
	r = sim_share(data, sizeof(data), 0.0001, 0, &chunk);
	ok(r >= 0.80, "streams: through 0.01%% at 0.80 of the line rate or more (%.2f)", r);
	ok(chunk >= 200 && chunk <= 900, "streams: with payloads near the best, 450 bytes (%u)",
	   chunk);
	r = sim_share(data, sizeof(data), 0.0001, 1, &chunk);
	ok(r >= 0.80, "streams: the same from a deep queue (%.2f)", r);
	r = sim_share(data, sizeof(data), 0, 1, &chunk);
	ok(r >= 0.98 && chunk == PROTO_PAYLOAD_MAX,
	   "streams: on a clean line at 0.98 of the line rate, in the largest frames (%.2f)", r);
}

int main(void)
{
	test_crc();
	test_cobs();
	test_bad_frames();
	test_good_frames();
	test_bad_payloads();
	test_good_payloads();
	test_receiver();
	test_sender();
	test_streams();
	return done_testing();
}
