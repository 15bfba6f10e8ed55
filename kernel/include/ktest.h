/*
 * In-kernel self-tests. A test is a function declared with KTEST(suite, name); the `ktest`
 * boot word runs them all (`ktest=SUITE` one suite), prints TAP on the console and ends
 * QEMU with the verdict (DESIGN.md, "Tests").
 */
#ifndef KEEL_KTEST_H
#define KEEL_KTEST_H

#include <stdbool.h>
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

#endif
