/*
 * Reporting states that cannot happen: panic() and assert() print where and why with a
 * backtrace, then stop the machine. User-caused conditions are never panics.
 */
#ifndef KEEL_PANIC_H
#define KEEL_PANIC_H

#include <stdbool.h>
#include "lib.h"

/* Prints "panic: " and the message with a backtrace, then halts (or ends QEMU, see below). */
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;

/* Called by panic() and by fatal exceptions once they have printed their report. */
void panic_stop(void) __noreturn;

/*
 * When on, panic_stop() ends QEMU with a failure status instead of halting: the self-test
 * and crash-test runs set it so that a broken kernel ends the test at once.
 */
void panic_exit_qemu(bool on);

void assert_fail(const char *expr, const char *file, int line, const char *func) __noreturn;

#define assert(cond) \
	((cond) ? (void)0 : assert_fail(#cond, __FILE__, __LINE__, __func__))

#endif
