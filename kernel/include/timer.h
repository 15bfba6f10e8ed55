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
 * Sets the function called on every tick, in the timer's interrupt handler with
 * interrupts off (the scheduler: time slices and sleepers).
 */
typedef void (*timer_tick_handler_t)(uint64_t ticks);
void timer_set_tick_handler(timer_tick_handler_t fn);

#endif
