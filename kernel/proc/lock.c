/*
 * The locks of lock.h, for one CPU: a lock is interrupts off plus a held flag that
 * catches a second acquire (which on several CPUs would spin forever) and a release of
 * a lock nobody holds.
 */
#include "arch.h"
#include "lock.h"
#include "panic.h"

void lock_acquire(struct lock *l)
{
	uint64_t flags = arch_irq_save();

	if (l->held)
		panic("lock_acquire: %s is already held", l->name);
	l->held = true;
	l->irq_flags = flags;
}

void lock_release(struct lock *l)
{
	uint64_t flags = l->irq_flags;

	if (!l->held)
		panic("lock_release: %s is not held", l->name);
	l->held = false;
	arch_irq_restore(flags);
}
