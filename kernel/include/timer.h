/* The system clock: milliseconds since the kernel started, driven by the timer interrupt. */
#ifndef KEEL_TIMER_H
#define KEEL_TIMER_H

#include <stdint.h>

#define TIMER_HZ 1000

/* Returns the milliseconds since the timer started (early in kmain). */
uint64_t uptime_ms(void);

/* Returns the timer interrupts counted so far. */
uint64_t timer_ticks(void);

/*
 * Returns the ticks in ms milliseconds, at most UINT64_MAX / 2 (forever, but a sum with
 * the tick count that cannot wrap), however large ms is.
 */
static inline uint64_t timer_ms_to_ticks(uint64_t ms)
{
	return ms > UINT64_MAX / 2 / TIMER_HZ ? UINT64_MAX / 2 : ms * TIMER_HZ / 1000;
}

/*
 * Sets the function called on every tick, in the timer's interrupt handler with
 * interrupts off (the scheduler: time slices and sleepers).
 */
typedef void (*timer_tick_handler_t)(uint64_t ticks);
void timer_set_tick_handler(timer_tick_handler_t fn);

/*
 * Adds a function called on every tick after the one above, in the same conditions (the
 * network stack's timers). Keep it short: it runs TIMER_HZ times a second. Returns 0, or
 * -ENOSPC when TIMER_HOOKS_MAX are set.
 */
#define TIMER_HOOKS_MAX	4
int timer_add_tick_hook(timer_tick_handler_t fn);

/*
 * Returns the microseconds since the timer started: the tick count, refined within the
 * tick by the time-stamp counter (whose rate is measured against the ticks as they come).
 * Never goes backwards; exact to the tick when the counter's rate is not known yet.
 */
uint64_t uptime_us(void);

#endif
