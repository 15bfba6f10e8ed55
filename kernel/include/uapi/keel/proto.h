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
#define PROTO_CHUNK_MIN		32	/* the smallest DATA payload a sender shrinks to */
#define PROTO_CHUNK_FIRST	512	/* the DATA payload a sender starts with */
#define PROTO_ERROR_TEXT_MAX	120	/* bytes of an ERROR's message */

/*
 * ERROR's code for a request in a version this end does not speak: Linux's EPROTO. The
 * ERROR frame itself is in the answering end's version, which says what it speaks.
 */
#define PROTO_EVERSION		71

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

/*
 * Payloads (doc/protocol.md, "Messages"), encoded and decoded here only. An encoder
 * writes into out, which has room for PROTO_PAYLOAD_MAX bytes, and returns the length (0
 * when the fields do not fit); a decoder checks the length and the fields' form and
 * returns 0, or -1 for a malformed payload. Strings a decoder finds point into the
 * payload.
 */
#define PROTO_HELLO_FIXED	10	/* HELLO's bytes before USER\0PASS\0 */
#define PROTO_WELCOME_SIZE	14
#define PROTO_OK_SIZE		8
#define PROTO_OK_STREAM_SIZE	16
#define PROTO_PUT_FIXED		16	/* PUT's bytes before the path */
#define PROTO_STATUS_SIZE	4	/* EXIT, DONE */
#define PROTO_NAK_GAPS		4	/* gaps a NAK names at most */
#define PROTO_ANSWER_MAX	(4 + 8 * PROTO_NAK_GAPS)	/* ACK, NAK: u32 last, NAK: gaps */
#define PROTO_NO_FRAME		0xffffffffu	/* last of the answer to a damaged frame */

struct proto_hello {		/* HELLO */
	uint16_t payload;	/* the largest payload the host accepts */
	uint32_t window;	/* the bytes it accepts in flight */
	uint32_t caps;
	const char *user, *pass;
};

struct proto_welcome {		/* WELCOME */
	uint16_t payload;	/* the largest payload of the session */
	uint32_t window;	/* the bytes the kernel accepts in flight */
	uint32_t caps;
	uint32_t uid;
};

struct proto_put {		/* PUT */
	uint32_t mode;
	uint64_t size;
	uint32_t crc;		/* of the whole file */
	const char *path;	/* path_len bytes, no NUL */
	size_t path_len;
};

struct proto_stream_info {	/* the OK of GET, LIST and STAT */
	uint64_t size;
	uint32_t mode;
	uint32_t crc;
};

struct proto_error {		/* ERROR */
	int32_t err;		/* a negative errno */
	const char *text;	/* text_len bytes, no NUL */
	size_t text_len;
};

size_t proto_hello_encode(const struct proto_hello *h, uint8_t *out);
int proto_hello_decode(const uint8_t *p, size_t len, struct proto_hello *h);
size_t proto_welcome_encode(const struct proto_welcome *w, uint8_t *out);
int proto_welcome_decode(const uint8_t *p, size_t len, struct proto_welcome *w);
size_t proto_ok_encode(uint64_t value, uint8_t *out);
int proto_ok_decode(const uint8_t *p, size_t len, uint64_t *value);
size_t proto_stream_info_encode(const struct proto_stream_info *si, uint8_t *out);
int proto_stream_info_decode(const uint8_t *p, size_t len, struct proto_stream_info *si);
size_t proto_error_encode(int32_t err, const char *text, uint8_t *out);
int proto_error_decode(const uint8_t *p, size_t len, struct proto_error *e);
size_t proto_put_encode(const struct proto_put *r, uint8_t *out);
int proto_put_decode(const uint8_t *p, size_t len, struct proto_put *r);
size_t proto_status_encode(int32_t status, uint8_t *out);
int proto_status_decode(const uint8_t *p, size_t len, int32_t *status);

/*
 * The path of PUT, GET and LIST: checks that it is absolute, at most PROTO_PATH_MAX bytes,
 * without NUL, "." or ".." components or empty names (a trailing "/" is no name). Returns
 * 0 or -1.
 */
int proto_path_check(const char *path, size_t len);

/*
 * The arguments of RUN, each ending in NUL: fills argv (room for max pointers into p)
 * and returns their count, 0 for a malformed payload, or -1 for more than max.
 */
int proto_args_decode(const uint8_t *p, size_t len, const char **argv, int max);

/*
 * Streams (doc/protocol.md, "Streams and reliability"): one sender and one receiver, used
 * by both ends. Neither reads a clock or does I/O: the caller passes the time (ms on any
 * monotonic clock) to every call, sends the frames they ask for and feeds them the frames
 * that arrive.
 */
#define PROTO_RTO_MIN_MS	50	/* the resend timeout stays within these */
#define PROTO_RTO_MAX_MS	3000
#define PROTO_RTT_INIT_MS	300	/* the round trip assumed until one is measured */
#define PROTO_SAMPLES		128	/* frames remembered until their fate is known */
#define PROTO_CWND_MIN		2048	/* bytes on their way a long round trip leaves at least */
#define PROTO_GAPS		8	/* gaps a sender has to send again at once */
#define PROTO_LOSS_HORIZON	256	/* frames of history the error rate is taken over */
#define PROTO_REORDER_MAX	32768	/* bytes a receiver keeps beyond a gap (>= windows) */

struct proto_gap {		/* bytes the receiver lacks, to send again */
	uint64_t at, to;
};

struct proto_sent {		/* a frame sent, until its fate is known */
	uint64_t from, to;
	uint64_t ms;		/* when it left, plus 1 (0: the slot is free) */
	unsigned order;		/* frames go out, and arrive, in this order */
	int again;		/* a resend */
};

struct proto_sender {
	uint64_t base;		/* every byte before it is acknowledged */
	uint64_t next;		/* the next byte never sent */
	uint64_t end;		/* the bytes there are to send, so far (the caller moves it) */
	struct proto_gap gaps[PROTO_GAPS];	/* sent again before anything new */
	unsigned ngaps;
	uint64_t recover;	/* after a timeout: acknowledgements below it show gaps */
	uint64_t heard_ms;	/* the last ACK or NAK, or the last timeout */
	uint64_t srtt, rttvar;	/* smoothed round trip and its variation, ms */
	uint64_t rtt_min;	/* the least round trip for frames of about rtt_min_chunk */
	uint32_t rtt_min_chunk;
	int measured;		/* a round trip was measured */
	uint64_t frames, lost, bytes;	/* the error rate: frames whose fate is known, */
					/* those lost, their bytes and their answers' */
	uint32_t payload_max, window;	/* negotiated; window: the most beyond base */
	uint32_t chunk, cwnd;	/* the payload, and the bytes on their way allowed now */
	int retries;		/* timeouts since base last moved */
	unsigned nsent;		/* frames sent */
	struct proto_sent sent[PROTO_SAMPLES];
};

/* Starts a stream that begins at byte start, with end bytes known so far. */
void proto_sender_init(struct proto_sender *s, uint64_t start, uint64_t end,
		       uint16_t payload_max, uint32_t window, uint64_t now);

/*
 * The next DATA frame to send now: returns its length, and its offset in *off, or 0 when
 * nothing may be sent. The caller sends it; the sender counts it as sent.
 */
size_t proto_sender_next(struct proto_sender *s, uint64_t now, uint64_t *off);

/*
 * An ACK or NAK (type) for offset seq, with its payload. Returns 1 when it acknowledged
 * new bytes; other types are ignored.
 */
int proto_sender_ack(struct proto_sender *s, uint8_t type, uint32_t seq, const uint8_t *p,
		     size_t len, uint64_t now);

/* The time at which proto_sender_timer() has something to do. */
uint64_t proto_sender_deadline(const struct proto_sender *s);

/* Goes back to the last acknowledged byte when nothing moved for the resend timeout. */
void proto_sender_timer(struct proto_sender *s, uint64_t now);

/*
 * The receiver: takes bytes in order, keeps up to PROTO_REORDER_MAX bytes beyond a gap,
 * and says what to answer. The caller takes the bytes in order out of it with
 * proto_receiver_peek() and proto_receiver_take() after each frame.
 */
struct proto_receiver {
	uint64_t have;		/* every byte before it is taken by the caller */
	uint64_t top;		/* the end of the bytes held (top > have: a gap before some) */
	uint32_t last;		/* the end of the last frame, for the answer */
	uint64_t size;		/* the stream's length, or UINT64_MAX while unknown */
	uint8_t buf[PROTO_REORDER_MAX];		/* byte off at buf[off % PROTO_REORDER_MAX] */
	uint8_t got[PROTO_REORDER_MAX / 8];	/* which of them are there */
};

void proto_receiver_init(struct proto_receiver *r, uint64_t start, uint64_t size);

/*
 * A DATA frame at offset seq. Returns the type of the answer to send, with seq r->have
 * once the bytes in order are taken and the payload of proto_receiver_answer(): PT_ACK,
 * or PT_NAK when bytes beyond a gap are held.
 */
uint8_t proto_receiver_data(struct proto_receiver *r, uint32_t seq, const uint8_t *p,
			    size_t len);

/*
 * The payload of the answer (type PT_ACK or PT_NAK) to the last frame: the end of that
 * frame (PROTO_NO_FRAME after a damaged one), so that the sender knows which frame got
 * through; a NAK adds the first gaps as pairs of offsets (from, to), the first from
 * r->have. out has room for PROTO_ANSWER_MAX bytes. Returns the length.
 */
size_t proto_receiver_answer(const struct proto_receiver *r, uint8_t type, uint8_t *out);

/* A damaged frame came: returns the answer's type, PT_NAK. */
uint8_t proto_receiver_damaged(struct proto_receiver *r);

/* The bytes in order at r->have not yet taken: returns how many follow in *p (maybe 0). */
size_t proto_receiver_peek(const struct proto_receiver *r, const uint8_t **p);

/* The caller has taken n bytes of what proto_receiver_peek() gave. */
void proto_receiver_take(struct proto_receiver *r, size_t n);

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
