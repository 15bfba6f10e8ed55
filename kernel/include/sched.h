/*
 * The scheduler: preemptive round robin over the process table, SCHED_SLICE_MS per turn,
 * driven by the timer. Only user mode is preempted: a process in the kernel runs until it
 * blocks or returns to user mode, so kernel code needs no locks beyond turning
 * interrupts off against interrupt handlers. When nothing can run, the CPU halts.
 */
#ifndef KEEL_SCHED_H
#define KEEL_SCHED_H

#include <stdint.h>

#define SCHED_SLICE_MS	10

/*
 * Something processes wait for (a line of input, a child's end). Sleepers are found by
 * scanning the table for the queue's address; the count lets a wake-up with no sleepers
 * cost nothing, which matters in interrupt handlers.
 */
struct waitq {
	unsigned waiters;
};

struct proc;

/* Starts counting time slices and waking sleepers from the timer (proc_init calls it). */
void sched_init(struct proc *kernel);

/* Returns the running process. */
struct proc *sched_current(void);

/* Gives the CPU to the next runnable process, if there is one. */
void sched_yield(void);

/*
 * Blocks the running process until someone wakes wq or the process is killed. Call with
 * interrupts off, after checking the condition waited for; returns with them off. Returns
 * 0, or -EINTR when the process was killed.
 */
int waitq_wait(struct waitq *wq);

/*
 * As waitq_wait, for at most ms milliseconds (at least one tick). Returns 0 when woken,
 * -ETIMEDOUT when the time ran out first, -EINTR when the process was killed.
 */
int waitq_wait_timeout(struct waitq *wq, uint64_t ms);

/*
 * As waitq_wait, for a caller that holds the lock l guarding the condition: l is given up
 * while the process sleeps and taken again before this returns, as xv6's sleep(chan, lk).
 * Whoever changes the condition takes l, so no wake-up falls between the check and the
 * sleep. Returns 0 or -EINTR.
 */
struct lock;
int waitq_wait_lock(struct waitq *wq, struct lock *l);

/* waitq_wait_lock for at most ms milliseconds: 0, -ETIMEDOUT or -EINTR. */
int waitq_wait_lock_timeout(struct waitq *wq, struct lock *l, uint64_t ms);

/* Makes every process blocked on wq runnable. Safe in interrupt handlers. */
void waitq_wake_all(struct waitq *wq);

/* Blocks the running process for ms milliseconds. Returns 0, or -EINTR when killed. */
int sched_sleep_ms(uint64_t ms);

/* Makes a blocked process runnable now (a kill interrupts its wait). */
void sched_wake(struct proc *p);

/* Makes a new process (P_EMBRYO) runnable. */
void sched_start(struct proc *p);

/*
 * Switches away from the running process, whose state the caller has set to P_SLEEPING
 * or P_ZOMBIE (or P_RUNNABLE to yield). Halts while nothing can run. Interrupts off.
 */
void sched_switch(void);

/* Called before every return to user mode: ends a killed process, switches when its slice is over. */
void sched_user_return(void);

#endif
