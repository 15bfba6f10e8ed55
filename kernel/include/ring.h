/*
 * A byte ring buffer for one producer (an interrupt handler) and one consumer. Pure code,
 * also compiled for the host's unit tests.
 */
#ifndef KEEL_RING_H
#define KEEL_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RING_SIZE 1024		/* a power of two */

struct ring {
	volatile uint32_t head;		/* next byte to write; only the producer moves it */
	volatile uint32_t tail;		/* next byte to read; only the consumer moves it */
	uint32_t dropped;		/* bytes lost because the ring was full */
	uint8_t buf[RING_SIZE];
};

/* Stores c; returns false (and counts a dropped byte) when the ring is full. */
bool ring_put(struct ring *r, uint8_t c);

/* Returns the oldest byte, or -1 when the ring is empty. */
int ring_get(struct ring *r);

/* Returns the number of bytes waiting. */
size_t ring_count(const struct ring *r);

#endif
