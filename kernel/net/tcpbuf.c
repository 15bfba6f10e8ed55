/*
 * The TCP receive buffer (tcpbuf.h). Every position is a sequence number, and every
 * comparison is made as an offset from head, which stays within the ring's size of
 * everything held, so the arithmetic is right across the wrap of the sequence space.
 */
#include "lib.h"
#include "tcpbuf.h"

void tcpbuf_init(struct tcpbuf *b, uint8_t *ring, uint32_t size, uint32_t seq)
{
	memset(b, 0, sizeof(*b));
	b->ring = ring;
	b->size = size;
	b->head = b->nxt = seq;
}

uint32_t tcpbuf_window(const struct tcpbuf *b)
{
	return b->size - (b->nxt - b->head);
}

uint32_t tcpbuf_readable(const struct tcpbuf *b)
{
	return b->nxt - b->head;
}

/* Copies len bytes that go at sequence number seq into the ring (in up to two pieces). */
static void ring_copy(struct tcpbuf *b, uint32_t seq, const uint8_t *data, uint32_t len)
{
	uint32_t at = seq & (b->size - 1), first = MIN(len, b->size - at);

	memcpy(b->ring + at, data, first);
	memcpy(b->ring, data + first, len - first);
}

/*
 * Records [from, to) as held beyond nxt, merged with the ranges it touches. Returns 0,
 * or -1 when it touches none and no room is left for it (the bytes are dropped then).
 */
static int range_add(struct tcpbuf *b, uint32_t from, uint32_t to)
{
	uint32_t lo = from - b->head, hi = to - b->head;
	unsigned i = 0, j;

	while (i < b->nranges && b->ranges[i][1] - b->head < lo)
		i++;			/* ranges wholly before, not touching */
	for (j = i; j < b->nranges && b->ranges[j][0] - b->head <= hi; j++) {
		lo = MIN(lo, b->ranges[j][0] - b->head);
		hi = MAX(hi, b->ranges[j][1] - b->head);
	}
	if (j == i && b->nranges == TCPBUF_RANGES)
		return -1;
	/* ranges[i, j) are replaced by one. */
	memmove(b->ranges[i + 1], b->ranges[j], (b->nranges - j) * sizeof(b->ranges[0]));
	b->nranges = (uint8_t)(b->nranges - (j - i) + 1);
	b->ranges[i][0] = b->head + lo;
	b->ranges[i][1] = b->head + hi;
	return 0;
}

uint32_t tcpbuf_put(struct tcpbuf *b, uint32_t seq, const uint8_t *data, size_t len)
{
	uint32_t start = b->nxt, win = tcpbuf_window(b), from, to;
	/* Where the bytes lie from nxt: before it (old, negative) or within the window. */
	int64_t s = (int32_t)(seq - start), e = s + (int64_t)MIN(len, (size_t)UINT32_MAX);

	if (e <= 0 || s >= (int64_t)win)
		return 0;		/* all old, or all beyond the window */
	if (s < 0) {
		data += -s;
		s = 0;
	}
	e = MIN(e, (int64_t)win);
	from = start + (uint32_t)s;
	to = start + (uint32_t)e;
	if (s > 0 && range_add(b, from, to) != 0)
		return 0;
	ring_copy(b, from, data, to - from);
	if (s > 0)
		return 0;
	/* In order: nxt moves past it, and past every held range it reaches. */
	b->nxt = to;
	while (b->nranges && b->ranges[0][0] - b->head <= b->nxt - b->head) {
		if (b->ranges[0][1] - b->head > b->nxt - b->head)
			b->nxt = b->ranges[0][1];
		memmove(b->ranges[0], b->ranges[1], (b->nranges - 1) * sizeof(b->ranges[0]));
		b->nranges--;
	}
	return b->nxt - start;
}

uint32_t tcpbuf_peek(const struct tcpbuf *b, const uint8_t **p)
{
	uint32_t at = b->head & (b->size - 1);

	*p = b->ring + at;
	return MIN(tcpbuf_readable(b), b->size - at);
}

void tcpbuf_take(struct tcpbuf *b, uint32_t n)
{
	b->head += MIN(n, tcpbuf_readable(b));
}

unsigned tcpbuf_sack(const struct tcpbuf *b, uint32_t (*blocks)[2], unsigned max)
{
	unsigned n = MIN(max, (unsigned)b->nranges);

	for (unsigned i = 0; i < n; i++) {
		blocks[i][0] = b->ranges[i][0];
		blocks[i][1] = b->ranges[i][1];
	}
	return n;
}
