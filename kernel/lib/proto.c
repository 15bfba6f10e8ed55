/*
 * The serial protocol's framing (uapi/keel/proto.h): CRC-32, COBS and the frame parser.
 * Pure code, compiled into the kernel and, with KEEL_HOST_TEST, into serialterm, the host
 * unit test and the fuzz target, so both ends of the line share one implementation.
 */
#include "lib.h"
#include <keel/proto.h>

/*
 * CRC-32 as ISO-HDLC / IEEE 802.3 define it: reflected polynomial 0xedb88320, initial
 * value and final xor 0xffffffff. Four bits at a time through a 16-entry table, fast
 * enough for a serial line and small enough to check by eye.
 */
static const uint32_t crc_nibble[16] = {
	0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4, 0x4db26158,
	0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c, 0x9b64c2b0, 0x86d3d2d4,
	0xa00ae278, 0xbdbdf21c,
};

uint32_t proto_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		crc = (crc >> 4) ^ crc_nibble[crc & 15];
		crc = (crc >> 4) ^ crc_nibble[crc & 15];
	}
	return ~crc;
}

/*
 * COBS (Cheshire & Baker 1999): each block is a code byte n followed by n - 1 non-zero
 * bytes; a block with n < 255 stands for its bytes and a zero, except at the very end.
 */
size_t proto_cobs_encode(const uint8_t *in, size_t len, uint8_t *out)
{
	size_t code_at = 0, o = 1;
	uint8_t code = 1;

	for (size_t i = 0; i < len; i++) {
		if (in[i] == 0) {
			out[code_at] = code;
			code_at = o++;
			code = 1;
			continue;
		}
		out[o++] = in[i];
		if (++code == 0xff) {
			out[code_at] = code;
			code_at = o++;
			code = 1;
		}
	}
	out[code_at] = code;
	return o;
}

long proto_cobs_decode(const uint8_t *in, size_t len, uint8_t *out, size_t max)
{
	size_t i = 0, o = 0;

	while (i < len) {
		uint8_t code = in[i++];

		if (code == 0)
			return -1;
		for (unsigned j = 1; j < code; j++) {
			if (i >= len || in[i] == 0 || o >= max)
				return -1;
			out[o++] = in[i++];
		}
		if (code != 0xff && i < len) {
			if (o >= max)
				return -1;
			out[o++] = 0;
		}
	}
	return (long)o;
}

size_t proto_frame_encode(uint8_t type, uint32_t seq, const void *payload, size_t len,
			  int lead, uint8_t *out)
{
	uint8_t frame[PROTO_FRAME_MAX];
	size_t n = 0;

	if (len > PROTO_PAYLOAD_MAX)
		return 0;
	frame[PROTO_OFF_VERSION] = PROTO_VERSION;
	frame[PROTO_OFF_TYPE] = type;
	proto_put16(frame + PROTO_OFF_LEN, (uint16_t)len);
	proto_put32(frame + PROTO_OFF_SEQ, seq);
	if (len)
		memcpy(frame + PROTO_HDR_SIZE, payload, len);
	proto_put32(frame + PROTO_HDR_SIZE + len, proto_crc32(0, frame, PROTO_HDR_SIZE + len));
	if (lead)
		out[n++] = 0;
	out[n++] = PROTO_SOH;
	out[n++] = PROTO_MAGIC;
	n += proto_cobs_encode(frame, PROTO_HDR_SIZE + len + PROTO_CRC_SIZE, out + n);
	out[n++] = 0;
	return n;
}

int proto_frame_parse(const uint8_t *frame, size_t len, struct proto_msg *m)
{
	size_t plen;

	if (len < PROTO_HDR_SIZE + PROTO_CRC_SIZE || frame[PROTO_OFF_VERSION] == 0)
		return -1;
	plen = proto_get16(frame + PROTO_OFF_LEN);
	if (plen > PROTO_PAYLOAD_MAX || plen != len - PROTO_HDR_SIZE - PROTO_CRC_SIZE)
		return -1;
	if (proto_get32(frame + PROTO_HDR_SIZE + plen) !=
	    proto_crc32(0, frame, PROTO_HDR_SIZE + plen))
		return -1;
	m->version = frame[PROTO_OFF_VERSION];
	m->type = frame[PROTO_OFF_TYPE];
	m->len = (uint16_t)plen;
	m->seq = proto_get32(frame + PROTO_OFF_SEQ);
	m->payload = frame + PROTO_HDR_SIZE;
	return 0;
}

void proto_rx_init(struct proto_rx *rx)
{
	rx->state = PROTO_RX_IDLE;
	rx->len = 0;
	rx->frame_len = 0;
}

/* The end of an encoded frame: decode and check it. */
static enum proto_rx_event rx_end(struct proto_rx *rx)
{
	struct proto_msg m;
	long n = proto_cobs_decode(rx->wire, rx->len, rx->frame, sizeof(rx->frame));

	rx->state = PROTO_RX_IDLE;
	rx->len = 0;
	if (n < 0 || proto_frame_parse(rx->frame, (size_t)n, &m) != 0) {
		rx->frame_len = 0;
		return PROTO_RX_BAD;
	}
	rx->frame_len = (size_t)n;
	return PROTO_RX_FRAME;
}

enum proto_rx_event proto_rx_byte(struct proto_rx *rx, uint8_t c)
{
	switch (rx->state) {
	case PROTO_RX_IDLE:
		if (c != PROTO_SOH)
			return PROTO_RX_TEXT;
		rx->state = PROTO_RX_GOT_SOH;
		return PROTO_RX_NONE;
	case PROTO_RX_GOT_SOH:
		if (c != PROTO_MAGIC) {
			rx->state = PROTO_RX_IDLE;
			return PROTO_RX_SOH_TEXT;
		}
		rx->state = PROTO_RX_IN_FRAME;
		rx->len = 0;
		return PROTO_RX_NONE;
	case PROTO_RX_IN_FRAME:
		if (c == 0)
			return rx_end(rx);
		if (rx->len == sizeof(rx->wire)) {
			rx->state = PROTO_RX_SKIP;	/* too long: drop it up to its end */
			return PROTO_RX_BAD;
		}
		rx->wire[rx->len++] = c;
		return PROTO_RX_NONE;
	case PROTO_RX_SKIP:
		if (c == 0)
			rx->state = PROTO_RX_IDLE;
		return PROTO_RX_NONE;
	}
	return PROTO_RX_TEXT;
}

void proto_rx_frame(const struct proto_rx *rx, struct proto_msg *m)
{
	if (proto_frame_parse(rx->frame, rx->frame_len, m) != 0)
		m->type = 0;
}
