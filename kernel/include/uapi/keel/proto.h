/*
 * The serial protocol: framed binary messages multiplexed with typed text on the console
 * line, shared by the kernel (kernel/proto/) and serialterm. doc/protocol.md is the
 * specification; this header is its one definition in code, and kernel/lib/proto.c its
 * one implementation of the framing (CRC-32, COBS, the frame parser), compiled into both.
 *
 * On the wire a frame is
 *
 *	[0x00] SOH MAGIC COBS(header | payload | CRC-32) 0x00
 *
 * COBS (Cheshire & Baker, "Consistent Overhead Byte Stuffing", IEEE/ACM ToN 1999) leaves
 * no zero byte inside, so 0x00 always ends a frame and a receiver finds the next one after
 * any damage. The optional leading 0x00 ends whatever partial frame noise left open. The
 * header is little-endian; the CRC (ISO-HDLC / IEEE 802.3, reflected polynomial
 * 0xedb88320, as zlib's crc32()) covers the header and the payload.
 */
#ifndef KEEL_UAPI_PROTO_H
#define KEEL_UAPI_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define PROTO_SOH		0x01
#define PROTO_MAGIC		0xa5	/* never a UTF-8 lead byte: nobody types SOH then this */
#define PROTO_VERSION		1

#define PROTO_HDR_SIZE		8
#define PROTO_CRC_SIZE		4
#define PROTO_PAYLOAD_MIN	1024	/* every implementation accepts payloads this big */
#define PROTO_PAYLOAD_MAX	4096	/* the most either side may offer in HELLO */
#define PROTO_FRAME_MAX		(PROTO_HDR_SIZE + PROTO_PAYLOAD_MAX + PROTO_CRC_SIZE)
#define PROTO_COBS_MAX(n)	((n) + (n) / 254 + 1)
#define PROTO_WIRE_MAX		(3 + PROTO_COBS_MAX(PROTO_FRAME_MAX) + 1)
#define PROTO_PATH_MAX		255	/* bytes of a path in PUT, GET, LIST (no NUL) */
#define PROTO_ARGS_MAX		4096	/* bytes of RUN's arguments, NULs included */
#define PROTO_WINDOW_MAX	65536	/* bytes in flight a receiver may offer */

/* Header fields (offsets into a decoded frame). */
#define PROTO_OFF_VERSION	0	/* u8: PROTO_VERSION */
#define PROTO_OFF_TYPE		1	/* u8: enum proto_type */
#define PROTO_OFF_LEN		2	/* u16: payload bytes */
#define PROTO_OFF_SEQ		4	/* u32: request number, or stream offset */

/* Capability bits of HELLO and WELCOME. */
#define PROTO_CAP_PUT		(1u << 0)
#define PROTO_CAP_GET		(1u << 1)
#define PROTO_CAP_LIST		(1u << 2)
#define PROTO_CAP_RUN		(1u << 3)
#define PROTO_CAP_STAT		(1u << 4)
#define PROTO_CAP_RESUME	(1u << 5)

/* Message types; doc/protocol.md gives each one's payload. */
enum proto_type {
	PT_HELLO = 0x01,	/* host: u16 payload max, u32 window, u32 caps, USER\0PASS\0 */
	PT_WELCOME = 0x02,	/* kernel: u16 payload max, u32 window, u32 caps, u32 uid */
	PT_OK = 0x03,		/* answer: u64 value (size, offset, pid: per request) */
	PT_ERROR = 0x04,	/* answer: i32 negative errno, then a message (no NUL) */
	PT_BYE = 0x05,		/* host: the session ends; answered by OK */
	PT_ABORT = 0x06,	/* either: the transfer in progress ends; no answer */
	PT_PUT = 0x10,		/* host: u32 mode, u64 size, u32 crc of the file, PATH */
	PT_GET = 0x11,		/* host: PATH; OK has u64 size, u32 mode, u32 crc */
	PT_LIST = 0x12,		/* host: PATH; OK has the size of the listing text */
	PT_RUN = 0x13,		/* host: ARG0\0ARG1\0...; OK has the pid */
	PT_STAT = 0x14,		/* host: empty; OK has the size of the status text */
	PT_DATA = 0x20,		/* either: seq is the offset of the payload in the stream */
	PT_ACK = 0x21,		/* either: seq is the offset received up to (cumulative) */
	PT_NAK = 0x22,		/* either: resend from offset seq (a bad or missing frame) */
	PT_EXIT = 0x23,		/* kernel: RUN ended; seq = output bytes, payload i32 status */
	PT_DONE = 0x24,		/* kernel: PUT ended; seq = file size, payload i32 0 or -errno */
};

/* What proto_rx_byte() makes of a received byte. */
enum proto_rx_event {
	PROTO_RX_NONE,		/* kept (part of a frame, or an SOH waiting for the next byte) */
	PROTO_RX_TEXT,		/* the byte is text */
	PROTO_RX_SOH_TEXT,	/* a held SOH, then this byte, are text */
	PROTO_RX_FRAME,		/* a good frame is in the parser: see proto_rx_frame() */
	PROTO_RX_BAD,		/* a damaged frame (COBS, length or CRC) was dropped */
};

enum proto_rx_state { PROTO_RX_IDLE, PROTO_RX_GOT_SOH, PROTO_RX_IN_FRAME, PROTO_RX_SKIP };

/* The receiver: feed it every byte from the line in order. */
struct proto_rx {
	enum proto_rx_state state;
	size_t len;				/* encoded bytes collected */
	uint8_t wire[PROTO_COBS_MAX(PROTO_FRAME_MAX)];
	uint8_t frame[PROTO_FRAME_MAX];		/* the last good frame, decoded */
	size_t frame_len;
};

/* A decoded frame's fields, pointing into the buffer it was parsed from. */
struct proto_msg {
	uint8_t version;	/* a peer of another version is told so, not ignored */
	uint8_t type;
	uint16_t len;
	uint32_t seq;
	const uint8_t *payload;
};

/* CRC-32 (ISO-HDLC): start with crc = 0, feed pieces in order. */
uint32_t proto_crc32(uint32_t crc, const void *buf, size_t len);

/* COBS-encodes len bytes into out (room for PROTO_COBS_MAX(len)). Returns the length. */
size_t proto_cobs_encode(const uint8_t *in, size_t len, uint8_t *out);

/* Decodes COBS (no trailing zero) into out (room for max). Returns the length or -1. */
long proto_cobs_decode(const uint8_t *in, size_t len, uint8_t *out, size_t max);

/*
 * Builds the wire form of a frame into out (room for PROTO_WIRE_MAX): with lead, a 0x00
 * first. Returns its length, or 0 when len exceeds PROTO_PAYLOAD_MAX.
 */
size_t proto_frame_encode(uint8_t type, uint32_t seq, const void *payload, size_t len,
			  int lead, uint8_t *out);

/*
 * Checks a decoded frame (length, CRC) and fills *m. Returns 0 or -1. The header's layout
 * is the same in every version, so a frame of another version parses: the receiver
 * answers it with ERROR rather than stay silent.
 */
int proto_frame_parse(const uint8_t *frame, size_t len, struct proto_msg *m);

/* Resets the receiver to look for a new frame. */
void proto_rx_init(struct proto_rx *rx);

/* Feeds one byte from the line. Never fails: damage gives PROTO_RX_BAD and a new hunt. */
enum proto_rx_event proto_rx_byte(struct proto_rx *rx, uint8_t c);

/* The good frame of the last PROTO_RX_FRAME, valid until the next byte is fed. */
void proto_rx_frame(const struct proto_rx *rx, struct proto_msg *m);

/* Little-endian field access, for payloads. */
static inline void proto_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void proto_put32(uint8_t *p, uint32_t v)
{
	proto_put16(p, (uint16_t)v);
	proto_put16(p + 2, (uint16_t)(v >> 16));
}

static inline void proto_put64(uint8_t *p, uint64_t v)
{
	proto_put32(p, (uint32_t)v);
	proto_put32(p + 4, (uint32_t)(v >> 32));
}

static inline uint16_t proto_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t proto_get32(const uint8_t *p)
{
	return proto_get16(p) | (uint32_t)proto_get16(p + 2) << 16;
}

static inline uint64_t proto_get64(const uint8_t *p)
{
	return proto_get32(p) | (uint64_t)proto_get32(p + 4) << 32;
}

#endif
