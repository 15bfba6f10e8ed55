/*
 * assert(3), as C11 7.2 has it: a false expression prints
 * "prog: FILE:LINE: FUNCTION: Assertion `EXPR' failed." on stderr and aborts the program
 * (status 134, as SIGABRT would give). With NDEBUG defined it does nothing. Like the C
 * header, this one may be included again after NDEBUG changes.
 */
#undef assert
#ifdef NDEBUG
#define assert(e)	((void)0)
#else
#define assert(e)	((e) ? (void)0 : __assert_fail(#e, __FILE__, __LINE__, __func__))
#endif

#ifndef KEEL_USER_ASSERT_H
#define KEEL_USER_ASSERT_H
__attribute__((noreturn)) void __assert_fail(const char *expr, const char *file, int line,
					     const char *func);
#define static_assert _Static_assert
#endif
