/*
 * The one place where user space executes `syscall` (DESIGN.md, "System call ABI"): the
 * number in rax, arguments in rdi, rsi, rdx, r10, r8, r9, the result in rax (a negative
 * errno on failure), rcx and r11 clobbered. Only the runtime's wrappers (syscalls.c)
 * include this; programs call the wrappers, which set errno.
 */
#ifndef KEEL_USER_SYSCALL_H
#define KEEL_USER_SYSCALL_H

#include <keel/syscall.h>

/*
 * Set by stdio once a stream has buffered output: the wrappers of read, write, fork,
 * spawn and sleep_ms call it first, so that a program mixing printf with the system
 * calls sees its output in the order it wrote it (stdio.h).
 */
extern void (*stdio_flush_hook)(void);

static inline long
syscall0(long nr)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr) : "rcx", "r11", "memory");
	return ret;
}

static inline long
syscall1(long nr, long a1)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a1) : "rcx", "r11", "memory");
	return ret;
}

static inline long
syscall2(long nr, long a1, long a2)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a1), "S"(a2)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long
syscall3(long nr, long a1, long a2, long a3)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a1), "S"(a2), "d"(a3)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long
syscall4(long nr, long a1, long a2, long a3, long a4)
{
	register long r10 __asm__("r10") = a4;
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long
syscall5(long nr, long a1, long a2, long a3, long a4, long a5)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10),
			 "r"(r8) : "rcx", "r11", "memory");
	return ret;
}

#endif
