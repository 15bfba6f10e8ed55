/*
 * The 8253/8254 programmable interval timer, channel 0 at TIMER_HZ: the system clock.
 * (Intel 8254 data sheet; OSDev "Programmable Interval Timer".)
 */
#include "arch.h"
#include "timer.h"
#include "cpu.h"
#include "x86_64.h"

#define PIT_HZ		1193182
#define PIT_CH0		0x40
#define PIT_CMD		0x43
#define PIT_MODE2_CH0	0x34	/* channel 0, lobyte/hibyte, mode 2 (rate generator) */
#define PIT_DIVISOR	((PIT_HZ + TIMER_HZ / 2) / TIMER_HZ)

static struct {
	volatile uint64_t ticks;
	timer_tick_handler_t tick;
} pit;

static void pit_irq(void)
{
	pit.ticks++;
	if (pit.tick)
		pit.tick(pit.ticks);
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
