/*
 * A TCP connection's receive buffer (kernel/net/tcpbuf.c): a ring that holds, by
 * sequence number, both the bytes received in order and not yet read and the segments
 * that came beyond a gap (RFC 9293 3.10.7.4: "segments with higher beginning sequence
 * numbers may be held"), so that a retransmission filling the gap releases them all at
 * once. The window it offers is the room left, so the sender can never overrun it.
 * Pure code over a caller's memory, run by the host unit tests too.
 */
#ifndef KEEL_TCPBUF_H
#define KEEL_TCPBUF_H

#include <stddef.h>
#include <stdint.h>

#define TCPBUF_RANGES	8	/* runs of bytes held beyond a gap; more are dropped */

struct tcpbuf {
	uint8_t *ring;
	uint32_t size;			/* a power of two */
	uint32_t head;			/* sequence number of the first byte not read */
	uint32_t nxt;			/* RCV.NXT: the first byte not received in order */
	uint8_t nranges;
	uint32_t ranges[TCPBUF_RANGES][2];	/* held beyond nxt: [from, to), in order, apart */
};

/* Starts an empty buffer over ring (size bytes, a power of two) expecting byte seq next. */
void tcpbuf_init(struct tcpbuf *b, uint8_t *ring, uint32_t size, uint32_t seq);

/* The receive window: bytes that may come from nxt on (RFC 9293 3.8.6.2.2). */
uint32_t tcpbuf_window(const struct tcpbuf *b);

/*
 * Takes len bytes that start at sequence number seq: what lies outside [nxt, nxt +
 * window) is cut off, what is new is kept. Returns how far nxt moved (bytes now readable
 * in order that were not before).
 */
uint32_t tcpbuf_put(struct tcpbuf *b, uint32_t seq, const uint8_t *data, size_t len);

/* Bytes readable in order. */
uint32_t tcpbuf_readable(const struct tcpbuf *b);

/*
 * Points *p at the next readable bytes that lie in one piece of the ring and returns
 * their count (0 when none); tcpbuf_take(n) then consumes n of them.
 */
uint32_t tcpbuf_peek(const struct tcpbuf *b, const uint8_t **p);
void tcpbuf_take(struct tcpbuf *b, uint32_t n);

/* The ranges held beyond the gap, for SACK blocks (RFC 2018): at most max, in order. */
unsigned tcpbuf_sack(const struct tcpbuf *b, uint32_t (*blocks)[2], unsigned max);

#endif
