/*
 * The byte ring of ring.h. Head and tail run freely and are reduced modulo RING_SIZE on use,
 * so a full ring and an empty one differ (head - tail is RING_SIZE or 0).
 */
#include "ring.h"

bool ring_put(struct ring *r, uint8_t c)
{
	if (r->head - r->tail >= RING_SIZE) {
		r->dropped++;
		return false;
	}
	r->buf[r->head % RING_SIZE] = c;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	r->head++;
	return true;
}

int ring_get(struct ring *r)
{
	if (r->head == r->tail)
		return -1;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	uint8_t c = r->buf[r->tail % RING_SIZE];
	r->tail++;
	return c;
}

size_t ring_count(const struct ring *r)
{
	return r->head - r->tail;
}
