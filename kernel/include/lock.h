/*
 * The kernel's one lock API. Every structure that interrupt handlers or several processes
 * touch is guarded by a struct lock beside it. Today there is one CPU, so taking a lock
 * turns interrupts off (remembering whether they were on) and marks it held; taking a held
 * lock panics instead of hanging. Multiprocessor support changes this file (a spin on an
 * atomic flag), not its callers. A lock is held for a short, bounded stretch: never across
 * a sleep, a copy to or from user memory, or a loop over file data.
 */
#ifndef KEEL_LOCK_H
#define KEEL_LOCK_H

#include <stdbool.h>
#include <stdint.h>

struct lock {
	const char *name;	/* for the panic report */
	bool held;
	uint64_t irq_flags;	/* what lock_release restores */
};

#define LOCK_INIT(n)	{ .name = (n), .held = false, .irq_flags = 0 }

/* Takes l, with interrupts off until lock_release. Panics when l is already held. */
void lock_acquire(struct lock *l);

/* Gives l back and restores interrupts as they were. Panics when l is not held. */
void lock_release(struct lock *l);

/* Whether l is held (for assertions). */
static inline bool lock_held(const struct lock *l)
{
	return l->held;
}

#endif
