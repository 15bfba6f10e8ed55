/*
 * The 8253/8254 programmable interval timer, channel 0 at TIMER_HZ: the system clock.
 * (Intel 8254 data sheet; OSDev "Programmable Interval Timer".)
 */
#include "arch.h"
#include "timer.h"
#include <keel/errno.h>
#include "cpu.h"
#include "x86_64.h"

#define PIT_HZ		1193182
#define PIT_CH0		0x40
#define PIT_CMD		0x43
#define PIT_MODE2_CH0	0x34	/* channel 0, lobyte/hibyte, mode 2 (rate generator) */
#define PIT_DIVISOR	((PIT_HZ + TIMER_HZ / 2) / TIMER_HZ)

#define TSC_CALIBRATE_TICKS	100	/* ticks before the TSC's rate is trusted */

static struct {
	volatile uint64_t ticks;
	timer_tick_handler_t tick;
	timer_tick_handler_t hooks[TIMER_HOOKS_MAX];
	uint64_t tsc_first;		/* the TSC at the first tick */
	volatile uint64_t tsc_last;	/* ... and at the latest */
	volatile uint64_t tsc_per_tick;	/* 0 until TSC_CALIBRATE_TICKS have passed */
	uint64_t last_us;		/* what uptime_us last returned, so it never goes back */
} pit;

static void pit_irq(void)
{
	uint64_t now = rdtsc();

	pit.ticks++;
	if (pit.ticks == 1)
		pit.tsc_first = now;
	else if (pit.ticks > TSC_CALIBRATE_TICKS && now > pit.tsc_first)
		pit.tsc_per_tick = (now - pit.tsc_first) / (pit.ticks - 1);
	pit.tsc_last = now;
	if (pit.tick)
		pit.tick(pit.ticks);
	for (int i = 0; i < TIMER_HOOKS_MAX && pit.hooks[i]; i++)
		pit.hooks[i](pit.ticks);
}

int timer_add_tick_hook(timer_tick_handler_t fn)
{
	for (int i = 0; i < TIMER_HOOKS_MAX; i++)
		if (!pit.hooks[i]) {
			pit.hooks[i] = fn;
			return 0;
		}
	return -ENOSPC;
}

uint64_t uptime_us(void)
{
	uint64_t flags = irq_save(), us, frac = 0, per = pit.tsc_per_tick;

	us = pit.ticks * (1000000 / TIMER_HZ);
	if (per) {
		frac = (rdtsc() - pit.tsc_last) * (1000000 / TIMER_HZ) / per;
		if (frac >= 1000000 / TIMER_HZ)
			frac = 1000000 / TIMER_HZ - 1;	/* the tick is late: wait for it */
	}
	us += frac;
	if (us < pit.last_us)
		us = pit.last_us;
	pit.last_us = us;
	irq_restore(flags);
	return us;
}

void timer_set_tick_handler(timer_tick_handler_t fn)
{
	pit.tick = fn;
}

/* Starts channel 0 at TIMER_HZ and counts its interrupts. */
void pit_init(void)
{
	outb(PIT_CMD, PIT_MODE2_CH0);
	outb(PIT_CH0, PIT_DIVISOR & 0xff);
	outb(PIT_CH0, PIT_DIVISOR >> 8);
	irq_set_handler(0, pit_irq);
}

uint64_t timer_ticks(void)
{
	return pit.ticks;
}

/* One tick is 1000 / TIMER_HZ ms; the divisor's rounding error is below 0.02%. */
uint64_t uptime_ms(void)
{
	return pit.ticks * 1000 / TIMER_HZ;
}
