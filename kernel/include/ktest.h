/*
 * In-kernel self-tests. A test is a function declared with KTEST(suite, name); the `ktest`
 * boot word runs them all (`ktest=SUITE` one suite), prints TAP on the console and ends
 * QEMU with the verdict (DESIGN.md, "Tests").
 */
#ifndef KEEL_KTEST_H
#define KEEL_KTEST_H

#include <stdbool.h>
#include "arch.h"
#include "lib.h"

struct ktest {
	const char *suite;
	const char *name;
	void (*run)(void);
};

#define KTEST(suite, name)							\
	static void ktest_##suite##_##name(void);				\
	static const struct ktest ktest_entry_##suite##_##name			\
		__attribute__((used, section(".ktest"), aligned(8))) =		\
		{ #suite, #name, ktest_##suite##_##name };			\
	static void ktest_##suite##_##name(void)

/* Records a failed expectation of the running test, with where and what. */
void ktest_fail(const char *file, int line, const char *fmt, ...) __printf(3, 4);

#define KEXPECT(cond)								\
	do {									\
		if (!(cond))							\
			ktest_fail(__FILE__, __LINE__, "expected %s", #cond);	\
	} while (0)

#define KEXPECT_EQ(a, b)							\
	do {									\
		long long ka_ = (long long)(a), kb_ = (long long)(b);		\
		if (ka_ != kb_)							\
			ktest_fail(__FILE__, __LINE__, "expected %s == %s, got %lld and %lld", \
				   #a, #b, ka_, kb_);				\
	} while (0)

#define KEXPECT_STREQ(a, b)							\
	do {									\
		const char *ka_ = (a), *kb_ = (b);				\
		if (strcmp(ka_, kb_) != 0)					\
			ktest_fail(__FILE__, __LINE__, "expected %s == \"%s\", got \"%s\"", \
				   #a, kb_, ka_);				\
	} while (0)

/*
 * Runs the tests of suite (all of them when suite is NULL or empty) and prints TAP.
 * Returns the number of failed tests, or -1 when no test matched.
 */
int ktest_run(const char *suite);

/*
 * Benchmarks for `make bench`: a function declared with KBENCH(name) measures and prints
 * its figures with kbench_report and KBENCH_TIME. Only the `kbench` boot word runs them
 * (`kbench=NAME` one), each figure a line "bench NAME VALUE UNIT" on the console.
 */
struct kbench {
	const char *name;
	void (*run)(void);
};

#define KBENCH(name)								\
	static void kbench_##name(void);					\
	static const struct kbench kbench_entry_##name				\
		__attribute__((used, section(".kbench"), aligned(8))) =	\
		{ #name, kbench_##name };					\
	static void kbench_##name(void)

#define KBENCH_RUNS	5	/* a figure is the median of this many runs */

/* Returns the time-stamp counter: cycles at kbench_run's measured rate. */
uint64_t kbench_clock(void);

/* Prints "bench NAME VALUE UNIT". */
void kbench_report(const char *name, uint64_t value, const char *unit);

/*
 * Prints "bench NAME NS ns": the median of the KBENCH_RUNS cycle counts in cycles, each of
 * a run of iters iterations, as nanoseconds per iteration with one decimal.
 */
void kbench_report_ns(const char *name, uint64_t cycles[KBENCH_RUNS], uint64_t iters);

/*
 * Times KBENCH_RUNS runs of iters iterations of the statements after iters, with
 * interrupts off during each run, and reports the median per iteration as name.
 */
#define KBENCH_TIME(name, iters, ...)						\
	do {									\
		uint64_t kb_cycles_[KBENCH_RUNS];				\
		for (int kb_run_ = 0; kb_run_ < KBENCH_RUNS; kb_run_++) {	\
			uint64_t kb_flags_ = arch_irq_save();			\
			uint64_t kb_start_ = kbench_clock();			\
			for (uint64_t kb_i_ = 0; kb_i_ < (iters); kb_i_++) {	\
				__VA_ARGS__;					\
			}							\
			kb_cycles_[kb_run_] = kbench_clock() - kb_start_;	\
			arch_irq_restore(kb_flags_);				\
		}								\
		kbench_report_ns((name), kb_cycles_, (iters));			\
	} while (0)

/*
 * Calibrates the time-stamp counter against the timer, then runs the benchmark called
 * name (all of them when name is NULL or empty). Returns how many ran, or -1 when none is
 * called name.
 */
int kbench_run(const char *name);

/*
 * Returns the next number of a xorshift generator seeded the same way on every boot, so
 * that a randomized test that fails fails again the same way.
 */
uint64_t ktest_random(void);

/*
 * Writes the bytes [start, end) (a user program of user_progs.asm) to /ktest/name, unless
 * it is there already, for the process tests to spawn.
 */
void ktest_install(const char *name, const char *start, const char *end);

/* Returns the frames free in the frame allocator: what leak checks compare. */
uint64_t ktest_free_frames(void);

#endif
