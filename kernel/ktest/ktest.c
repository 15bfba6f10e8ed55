/*
 * The runner of ktest.h: walks the .ktest section the linker collects and prints TAP; and
 * the benchmarks' runner, over the .kbench section, with the clock they time by.
 */
#include "ktest.h"
#include "pmm.h"
#include "arch.h"
#include "timer.h"

#define KBENCH_CALIBRATE_MS	50	/* the timer interval the TSC is measured over */

extern const struct ktest __ktest_start[], __ktest_end[];
extern const struct kbench __kbench_start[], __kbench_end[];

static struct {
	int failures;		/* of the running test */
} ktest_state;

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	ktest_state.failures++;
	kprintf("# %s:%d: ", file, line);
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
}

static bool selected(const struct ktest *t, const char *suite)
{
	return !suite || !*suite || strcmp(t->suite, suite) == 0;
}

int ktest_run(const char *suite)
{
	int planned = 0, number = 0, failed = 0;

	for (const struct ktest *t = __ktest_start; t < __ktest_end; t++)
		planned += selected(t, suite);
	if (planned == 0)
		return -1;
	kprintf("1..%d\n", planned);
	for (const struct ktest *t = __ktest_start; t < __ktest_end; t++) {
		if (!selected(t, suite))
			continue;
		ktest_state.failures = 0;
		t->run();
		number++;
		failed += ktest_state.failures != 0;
		kprintf("%sok %d - %s: %s\n", ktest_state.failures ? "not " : "", number,
			t->suite, t->name);
	}
	return failed;
}

static struct {
	uint64_t tsc_khz;	/* time-stamp counter cycles per millisecond */
} kbench_state;

uint64_t kbench_clock(void)
{
	return rdtsc();
}

void kbench_report(const char *name, uint64_t value, const char *unit)
{
	kprintf("bench %s %lu %s\n", name, value, unit);
}

void kbench_report_ns(const char *name, uint64_t cycles[KBENCH_RUNS], uint64_t iters)
{
	/* An insertion sort of five numbers, for the median. */
	for (int i = 1; i < KBENCH_RUNS; i++)
		for (int j = i; j > 0 && cycles[j - 1] > cycles[j]; j--) {
			uint64_t t = cycles[j];
			cycles[j] = cycles[j - 1];
			cycles[j - 1] = t;
		}
	/* Tenths of a nanosecond; a run of under 1.8e12 cycles cannot overflow. */
	uint64_t tenths = cycles[KBENCH_RUNS / 2] * 10000000 / kbench_state.tsc_khz / iters;
	kprintf("bench %s %lu.%lu ns\n", name, tenths / 10, tenths % 10);
}

/* Counts the TSC's cycles over KBENCH_CALIBRATE_MS of the timer, from one tick's edge. */
static void kbench_calibrate(void)
{
	uint64_t tick = timer_ticks(), start;

	while (timer_ticks() == tick)
		cpu_relax();
	tick = timer_ticks();
	start = rdtsc();
	while (timer_ticks() < tick + KBENCH_CALIBRATE_MS * TIMER_HZ / 1000)
		cpu_relax();
	kbench_state.tsc_khz = (rdtsc() - start) / KBENCH_CALIBRATE_MS;
	if (kbench_state.tsc_khz == 0)
		kbench_state.tsc_khz = 1;
}

int kbench_run(const char *name)
{
	int ran = 0;

	kbench_calibrate();
	kbench_report("tsc", kbench_state.tsc_khz / 1000, "MHz");
	for (const struct kbench *b = __kbench_start; b < __kbench_end; b++) {
		if (name && *name && strcmp(b->name, name) != 0)
			continue;
		b->run();
		ran++;
	}
	return ran == 0 && name && *name ? -1 : ran;
}

uint64_t ktest_random(void)
{
	static uint64_t state = 0x2545f4914f6cdd1dUL;

	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

uint64_t ktest_free_frames(void)
{
	struct pmm_stats s;

	pmm_stats(&s);
	return s.free_frames;
}
