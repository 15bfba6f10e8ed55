/*
 * The scheduler of sched.h: round robin over the process table, starting after the
 * running process, so every runnable process gets a turn before anyone gets a second.
 * The timer counts the running process's slice down and wakes timed sleepers; the switch
 * itself happens only at a return to user mode (sched_user_return) or when a process
 * blocks, so the kernel is never preempted (one CPU, no locks needed).
 */
#include "arch.h"
#include "lock.h"
#include "panic.h"
#include "proc.h"
#include "sched.h"
#include "timer.h"
#include "vm.h"
#include <keel/errno.h>

#define SLICE_TICKS	(SCHED_SLICE_MS * TIMER_HZ / 1000)

static struct {
	struct proc *current;
	volatile bool need_resched;
	unsigned slice_left;
	uint64_t next_wake;		/* the earliest wake_at of a timed sleeper, or UINT64_MAX */
} sched;

static void tick(uint64_t ticks)
{
	struct proc *cur = sched.current;

	/* The idle loop runs on the stack of the last process, which is asleep: not its time. */
	if (cur->state == P_RUNNING)
		cur->cpu_ticks++;
	if (sched.slice_left > 0 && --sched.slice_left == 0)
		sched.need_resched = true;
	if (ticks < sched.next_wake)
		return;
	sched.next_wake = UINT64_MAX;
	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *p = proc_at(i);
		if (p->state != P_SLEEPING || p->wake_at == 0)
			continue;
		if (p->wake_at <= ticks) {
			p->wake_at = 0;
			p->state = P_RUNNABLE;
			sched.need_resched = true;
		} else if (p->wake_at < sched.next_wake) {
			sched.next_wake = p->wake_at;
		}
	}
}

void sched_init(struct proc *kernel)
{
	sched.current = kernel;
	sched.next_wake = UINT64_MAX;
	sched.slice_left = SLICE_TICKS;
	timer_set_tick_handler(tick);
}

struct proc *sched_current(void)
{
	return sched.current;
}

/* The next runnable process after the running one, the running one last; or NULL. */
static struct proc *pick_next(void)
{
	int start = 0;

	for (int i = 0; i < PROC_MAX; i++)
		if (proc_at(i) == sched.current)
			start = i;
	for (int k = 1; k <= PROC_MAX; k++) {
		struct proc *p = proc_at((start + k) % PROC_MAX);
		if (p->state == P_RUNNABLE || (p->state == P_RUNNING && p == sched.current))
			return p;
	}
	return NULL;
}

void sched_switch(void)
{
	struct proc *prev = sched.current, *next;

	/* The idle loop: with nothing to run, wait for an interrupt to make something runnable. */
	while (!(next = pick_next())) {
		arch_idle();
		arch_irq_save();
	}
	sched.need_resched = false;
	sched.slice_left = SLICE_TICKS;
	next->state = P_RUNNING;
	if (next == prev)
		return;
	sched.current = next;
	/* The kernel itself never touches the FPU: the state in the registers is prev's. */
	if (prev->space)
		arch_fpu_save(prev->fpu);
	if (next->space) {
		arch_fpu_restore(next->fpu);
		arch_set_kernel_stack((uint64_t)next->kstack);
		vm_switch(next->space);
	} else {
		vm_switch(vm_kernel_space());
	}
	arch_context_switch(&prev->ctx, next->ctx);
}

void sched_yield(void)
{
	uint64_t flags = arch_irq_save();

	sched.current->state = P_RUNNABLE;
	sched_switch();
	arch_irq_restore(flags);
}

int waitq_wait(struct waitq *wq)
{
	struct proc *cur = sched.current;

	if (cur->killed)
		return -EINTR;
	cur->chan = wq;
	wq->waiters++;
	cur->state = P_SLEEPING;
	sched_switch();
	wq->waiters--;
	cur->chan = NULL;
	return cur->killed ? -EINTR : 0;
}

int waitq_wait_lock(struct waitq *wq, struct lock *l)
{
	/* Interrupts stay off across the switch; l's saved flags are ours, not the next holder's. */
	uint64_t irq = l->irq_flags;
	int r;

	if (!lock_held(l))
		panic("waitq_wait_lock: %s is not held", l->name);
	l->held = false;
	r = waitq_wait(wq);
	lock_acquire(l);
	l->irq_flags = irq;
	return r;
}

int waitq_wait_lock_timeout(struct waitq *wq, struct lock *l, uint64_t ms)
{
	uint64_t irq = l->irq_flags;
	int r;

	if (!lock_held(l))
		panic("waitq_wait_lock_timeout: %s is not held", l->name);
	l->held = false;
	r = waitq_wait_timeout(wq, ms);
	lock_acquire(l);
	l->irq_flags = irq;
	return r;
}

int waitq_wait_timeout(struct waitq *wq, uint64_t ms)
{
	struct proc *cur = sched.current;
	uint64_t ticks = timer_ms_to_ticks(ms);
	bool timed_out;

	if (cur->killed)
		return -EINTR;
	cur->wake_at = timer_ticks() + (ticks ? ticks : 1);
	if (cur->wake_at < sched.next_wake)
		sched.next_wake = cur->wake_at;
	cur->chan = wq;
	wq->waiters++;
	cur->state = P_SLEEPING;
	sched_switch();
	wq->waiters--;
	cur->chan = NULL;
	timed_out = cur->wake_at == 0;	/* the timer clears it when it wakes a sleeper */
	cur->wake_at = 0;
	return cur->killed ? -EINTR : timed_out ? -ETIMEDOUT : 0;
}

void waitq_wake_all(struct waitq *wq)
{
	if (wq->waiters == 0)
		return;
	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *p = proc_at(i);
		if (p->state == P_SLEEPING && p->chan == wq)
			p->state = P_RUNNABLE;
	}
}

int sched_sleep_ms(uint64_t ms)
{
	struct proc *cur = sched.current;
	uint64_t flags = arch_irq_save(), ticks = timer_ms_to_ticks(ms);
	int r = 0;

	cur->wake_at = timer_ticks() + (ticks ? ticks : 1);
	if (cur->wake_at < sched.next_wake)
		sched.next_wake = cur->wake_at;
	while (cur->wake_at != 0) {
		if (cur->killed) {
			r = -EINTR;
			break;
		}
		cur->state = P_SLEEPING;
		sched_switch();
	}
	cur->wake_at = 0;
	arch_irq_restore(flags);
	return r;
}

void sched_wake(struct proc *p)
{
	uint64_t flags = arch_irq_save();

	if (p->state == P_SLEEPING)
		p->state = P_RUNNABLE;
	arch_irq_restore(flags);
}

void sched_start(struct proc *p)
{
	uint64_t flags = arch_irq_save();

	p->state = P_RUNNABLE;
	arch_irq_restore(flags);
}

void sched_user_return(void)
{
	struct proc *cur = sched.current;

	for (;;) {
		if (cur->killed)
			proc_exit(W_SIGNALED(cur->killed));
		if (!sched.need_resched)
			return;
		sched_yield();
	}
}
