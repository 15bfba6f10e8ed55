/*
 * The process table of proc.h: spawning a program, ending, reaping, killing, and turning
 * a fault of user code into the end of its process (with one line on the console and a
 * signal status for the parent). Slot 0 is the kernel's own context.
 */
#include "arch.h"
#include "file.h"
#include "heap.h"
#include "lib.h"
#include "panic.h"
#include "pmm.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "timer.h"
#include "tty.h"
#include "vm.h"
#include "memlayout.h"
#include <keel/errno.h>

/* Keep the sbrk heap this far below the stack's guard page, so the two never meet. */
#define BRK_GAP		(1UL << 20)
#define BRK_LIMIT	(USER_END - USER_STACK_SIZE - USER_STACK_GUARD - BRK_GAP)

static struct {
	struct proc table[PROC_MAX];
	int last_pid;
} ptable;

struct proc *proc_current(void)
{
	return sched_current();
}

struct proc *proc_at(int i)
{
	return &ptable.table[i];
}

struct proc *proc_find(int pid)
{
	for (int i = 0; i < PROC_MAX; i++)
		if (ptable.table[i].state != P_UNUSED && ptable.table[i].state != P_EMBRYO &&
		    ptable.table[i].pid == pid)
			return &ptable.table[i];
	return NULL;
}

/* Intel SDM 3A 6.3.1: which signal each exception of user code ends its process with. */
static int fault_signal(unsigned vector)
{
	switch (vector) {
	case 0: case 16: case 19:	return SIGFPE;	/* #DE, #MF, #XM */
	case 6:				return SIGILL;	/* #UD */
	case 17:			return SIGBUS;	/* #AC */
	default:			return SIGSEGV;	/* #PF, #GP, #SS, #NP, ... */
	}
}

static const char *fault_name(unsigned vector)
{
	switch (vector) {
	case 0:		return "divide error";
	case 6:		return "invalid opcode";
	case 13:	return "general protection fault";
	case 14:	return "page fault";
	case 16:	return "x87 floating-point error";
	case 17:	return "alignment check";
	case 19:	return "SIMD floating-point exception";
	case 12:	return "stack-segment fault";
	default:	return "exception";
	}
}

/* The memory limits of users other than root (proc.h); 0 while unset: no limit. */
static struct {
	uint64_t user_pages;		/* that one user's processes may map together */
	uint64_t reserve_frames;	/* the frames they leave free */
} mem_limits;

void proc_set_mem_limits(uint64_t user_pages, uint64_t reserve_frames)
{
	mem_limits.user_pages = user_pages;
	mem_limits.reserve_frames = reserve_frames;
}

/*
 * Whether a process of uid may map `pages` more pages, of which `frames` are yet to be taken
 * from the allocator. Returns 0, or -ENOMEM past the user's share or into the reserve.
 * Root is never refused here: the reserve is its.
 */
static int user_mem_admit(uint32_t uid, uint64_t pages, uint64_t frames)
{
	struct pmm_stats st;
	uint64_t mine = 0, flags;

	if (uid == 0)
		return 0;
	pmm_stats(&st);
	if (st.free_frames < mem_limits.reserve_frames + frames)
		return -ENOMEM;
	if (!mem_limits.user_pages)
		return 0;
	flags = arch_irq_save();
	for (int i = 1; i < PROC_MAX; i++) {
		const struct proc *s = &ptable.table[i];
		if (s->state != P_UNUSED && s->uid == uid)
			mine += s->user_pages;
	}
	arch_irq_restore(flags);
	return mine + pages > mem_limits.user_pages ? -ENOMEM : 0;
}

int proc_mem_admit(uint64_t pages, uint64_t frames)
{
	return user_mem_admit(proc_current()->uid, pages, frames);
}

/*
 * A write to a copy-on-write page (after fork) by the program or by a copy the kernel
 * makes for it: the page gets a frame of its own. Returns 0 when the access may be
 * retried, -EFAULT for a fault to report as such, -ENOMEM when no frame was left: then
 * the console has its line and the process is marked to end with SIGKILL.
 */
static int cow_fault(struct proc *p, const struct user_fault *f)
{
	int r;

	if (f->vector != 14 || !f->write || !f->present || !p->space)
		return -EFAULT;
	if ((r = user_mem_admit(p->uid, 0, 1)) == 0)
		r = vm_fault(p->space, f->addr, true);
	if (r == -ENOMEM) {
		kprintf("pid %d (%s): out of memory copying the page at 0x%lx (rip 0x%lx)\n",
			p->pid, p->name, f->addr, f->rip);
		p->killed = SIGKILL;
	}
	return r;
}

/* A kernel copy to a copy-on-write page goes on once it has been copied. */
static bool proc_copy_fault(const struct user_fault *f)
{
	return cow_fault(proc_current(), f) == 0;
}

/* A fault of user code: one line on the console, then the process ends with the signal. */
static void proc_fault(const struct user_fault *f)
{
	struct proc *p = proc_current();
	int r = cow_fault(p, f);

	if (r == 0)
		return;
	if (r == -ENOMEM)
		proc_exit(W_SIGNALED(SIGKILL));
	if (f->vector == 14)
		kprintf("pid %d (%s): page fault at 0x%lx (rip 0x%lx)\n", p->pid, p->name, f->addr,
			f->rip);
	else
		kprintf("pid %d (%s): %s (rip 0x%lx)\n", p->pid, p->name,
			fault_name(f->vector), f->rip);
	proc_exit(W_SIGNALED(fault_signal(f->vector)));
}

void proc_init(void)
{
	struct proc *k = &ptable.table[0];

	k->state = P_RUNNING;
	k->pid = PROC_KERNEL_PID;
	memcpy(k->name, "kernel", 7);
	k->cwd[0] = '/';
	k->started_ms = uptime_ms();
	sched_init(k);
	arch_set_user_fault_handler(proc_fault);
	arch_set_copy_fault_handler(proc_copy_fault);
	arch_set_user_return_handler(sched_user_return);
	arch_syscall_init(syscall_dispatch);
}

/* Whether n is some process's pid, group or session: a new process must not take it. */
static bool pid_taken(int n)
{
	for (int i = 0; i < PROC_MAX; i++) {
		const struct proc *p = &ptable.table[i];
		if (p->state != P_UNUSED && (p->pid == n || p->pgid == n || p->sid == n))
			return true;
	}
	return false;
}

/*
 * Reserves a free slot with a fresh pid for a process of uid, or returns NULL: when the
 * table is full, or uid is not root and has PROC_USER_MAX processes or would take one of
 * the last PROC_ROOT_RESERVE free slots.
 */
static struct proc *slot_alloc(uint32_t uid)
{
	struct proc *p = NULL;
	uint64_t flags = arch_irq_save();
	int free = 0, mine = 0;

	for (int i = PROC_MAX - 1; i > 0; i--) {
		const struct proc *s = &ptable.table[i];
		if (s->state == P_UNUSED) {
			p = &ptable.table[i];
			free++;
		} else if (s->uid == uid) {
			mine++;
		}
	}
	if (uid != 0 && (free <= PROC_ROOT_RESERVE || mine >= PROC_USER_MAX))
		p = NULL;
	if (p) {
		do {
			ptable.last_pid = ptable.last_pid >= PID_MAX ? 1 : ptable.last_pid + 1;
		} while (pid_taken(ptable.last_pid));
		memset((char *)p + sizeof(p->fpu), 0, sizeof(*p) - sizeof(p->fpu));
		p->pid = ptable.last_pid;
		p->state = P_EMBRYO;
	}
	arch_irq_restore(flags);
	return p;
}

static void slot_free(struct proc *p)
{
	if (p->space)
		vm_space_destroy(p->space);
	if (p->kstack)
		kstack_free(p->kstack);
	p->space = NULL;
	p->kstack = NULL;
	p->state = P_UNUSED;
}

/* The last component of path, cut to fit a process name. */
static void set_name(struct proc *p, const char *path)
{
	const char *base = path;

	for (const char *s = path; *s; s++)
		if (*s == '/' && s[1])
			base = s + 1;
	size_t n = 0;
	while (base[n] && base[n] != '/' && n < PROC_NAME_MAX) {
		p->name[n] = base[n];
		n++;
	}
	p->name[n] = '\0';
}

/* What a child gets from its parent whether it is forked or spawned. */
static void inherit(struct proc *p, struct proc *parent)
{
	p->parent = parent;
	p->uid = parent->uid;
	memcpy(p->cwd, parent->cwd, sizeof(p->cwd));
	p->started_ms = uptime_ms();
}

int proc_spawn(const char *path, int argc, const char *const argv[], const char *const envp[])
{
	struct proc *parent = proc_current(), *p;
	struct loader_image img;
	int err;

	if (!(p = slot_alloc(parent->uid)))
		return -EAGAIN;
	if (!(p->kstack = kstack_alloc())) {
		slot_free(p);
		return -EAGAIN;
	}
	if (!(p->space = vm_space_create())) {
		slot_free(p);
		return -ENOMEM;
	}
	if ((err = loader_load(p->space, path, argc, argv, envp, &img)) != 0 ||
	    (err = user_mem_admit(parent->uid, img.pages, 0)) != 0) {
		slot_free(p);
		return err;
	}
	inherit(p, parent);
	/*
	 * The kernel's children (init) lead groups and sessions of their own; others join
	 * their parent's.
	 */
	p->pgid = parent->pid == PROC_KERNEL_PID ? p->pid : parent->pgid;
	p->sid = parent->pid == PROC_KERNEL_PID ? p->pid : parent->sid;
	set_name(p, path);
	/* spawn is fork and exec in one: descriptors marked close-on-exec stay behind. */
	for (int fd = 0; fd < FD_MAX; fd++)
		if (parent->fds[fd] && !(parent->fdflags[fd] & FD_CLOEXEC))
			p->fds[fd] = file_dup(parent->fds[fd]);
	p->brk_start = p->brk = img.brk;
	p->user_pages = img.pages;
	arch_fpu_init_state(p->fpu);
	p->ctx = arch_context_new(p->kstack, img.entry, img.sp, (uint64_t)argc, img.argv);
	sched_start(p);
	return p->pid;
}

int proc_fork(void)
{
	struct proc *parent = proc_current(), *p;

	if (!parent->space)
		return -EINVAL;		/* the kernel and its threads have no user half */
	if (user_mem_admit(parent->uid, parent->user_pages, 0) != 0)
		return -ENOMEM;
	if (!(p = slot_alloc(parent->uid)))
		return -EAGAIN;
	if (!(p->kstack = kstack_alloc())) {
		slot_free(p);
		return -EAGAIN;
	}
	if (!(p->space = vm_space_fork(parent->space))) {
		slot_free(p);
		return -ENOMEM;
	}
	inherit(p, parent);
	p->pgid = parent->pgid;
	p->sid = parent->sid;
	p->sigignore = parent->sigignore;	/* spawn clears it; fork and exec keep it */
	memcpy(p->name, parent->name, sizeof(p->name));
	for (int fd = 0; fd < FD_MAX; fd++)
		if (parent->fds[fd]) {
			p->fds[fd] = file_dup(parent->fds[fd]);
			p->fdflags[fd] = parent->fdflags[fd];
		}
	p->brk_start = parent->brk_start;
	p->brk = parent->brk;
	p->user_pages = parent->user_pages;
	/* The kernel never touches the FPU: the registers hold the parent's state. */
	arch_fpu_save(p->fpu);
	p->ctx = arch_context_fork(p->kstack, parent->kstack);
	sched_start(p);
	return p->pid;
}

int proc_exec(const char *path, int argc, const char *const argv[], const char *const envp[])
{
	struct proc *p = proc_current();
	struct vm_space *space, *old = p->space;
	struct loader_image img;
	int err;

	if (!old)
		return -EINVAL;
	/* The new image is built aside: on any failure the caller goes on untouched. */
	if (!(space = vm_space_create()))
		return -ENOMEM;
	if ((err = loader_load(space, path, argc, argv, envp, &img)) != 0 ||
	    (err = user_mem_admit(p->uid, img.pages - MIN(img.pages, p->user_pages), 0)) != 0) {
		vm_space_destroy(space);
		return err;
	}
	p->space = space;
	vm_switch(space);
	vm_space_destroy(old);
	set_name(p, path);
	for (int fd = 0; fd < FD_MAX; fd++)
		if (p->fds[fd] && (p->fdflags[fd] & FD_CLOEXEC)) {
			file_put(p->fds[fd]);
			p->fds[fd] = NULL;
			p->fdflags[fd] = 0;
		}
	p->brk_start = p->brk = img.brk;
	p->user_pages = img.pages;
	arch_fpu_init_state(p->fpu);
	arch_fpu_restore(p->fpu);
	arch_context_exec(p->kstack, img.entry, img.sp, (uint64_t)argc, img.argv);
	return 0;
}

int proc_start_kthread(const char *name, void (*fn)(void))
{
	struct proc *p;

	if (!(p = slot_alloc(0)))
		return -EAGAIN;
	if (!(p->kstack = kstack_alloc())) {
		slot_free(p);
		return -EAGAIN;
	}
	p->parent = &ptable.table[0];
	p->pgid = p->sid = p->pid;
	set_name(p, name);
	p->cwd[0] = '/';
	p->started_ms = uptime_ms();
	p->ctx = arch_kthread_new(p->kstack, fn);
	sched_start(p);
	return p->pid;
}

void proc_exit(int status)
{
	struct proc *p = proc_current(), *kernel = &ptable.table[0];
	bool orphans_dead = false;

	if (p == kernel)
		panic("proc_exit: the kernel cannot exit");
	for (int fd = 0; fd < FD_MAX; fd++) {
		file_put(p->fds[fd]);
		p->fds[fd] = NULL;
	}
	tty_proc_exit(p->pid);
	/* The address space goes now (we are on the kernel stack, in the kernel half). */
	vm_space_destroy(p->space);
	p->space = NULL;
	p->user_pages = 0;
	arch_irq_save();	/* off until the switch away: nothing may see half an exit */
	for (int i = 1; i < PROC_MAX; i++) {
		struct proc *c = &ptable.table[i];
		if (c->state != P_UNUSED && c->parent == p) {
			c->parent = kernel;
			orphans_dead |= c->state == P_ZOMBIE;
		}
	}
	if (orphans_dead)
		waitq_wake_all(&kernel->children);
	p->exit_status = status;
	p->state = P_ZOMBIE;
	/* The foreground job is over: the terminal goes back to whoever started it. */
	if (tty_foreground() == p->pgid && !proc_group_alive(p->pgid))
		tty_set_foreground(p->parent->pgid);
	/*
	 * The console's session ends with its leader: the console is freed (its input thrown
	 * away) and every process of the session gets SIGHUP, before the parent (init) hears
	 * of it and offers a new login.
	 */
	if (p->sid == p->pid && tty_session() == p->sid) {
		tty_hangup();
		proc_hangup(p->sid);
	}
	waitq_wake_all(&p->parent->children);
	sched_switch();
	panic("proc_exit: pid %d ran after its end", p->pid);
}

int proc_wait(int pid, int *status, int flags)
{
	struct proc *cur = proc_current();
	uint64_t irq = arch_irq_save();
	int r;

	for (;;) {
		bool have = false;
		for (int i = 1; i < PROC_MAX; i++) {
			struct proc *c = &ptable.table[i];
			if (c->state == P_UNUSED || c->state == P_EMBRYO || c->parent != cur ||
			    (pid > 0 && c->pid != pid))
				continue;
			have = true;
			if (c->state == P_ZOMBIE) {
				r = c->pid;
				if (status)
					*status = c->exit_status;
				arch_irq_restore(irq);
				slot_free(c);
				return r;
			}
		}
		if (!have) {
			r = -ECHILD;
			break;
		}
		if (flags & WNOHANG) {
			r = 0;
			break;
		}
		if ((r = waitq_wait(&cur->children)) != 0)
			break;
	}
	arch_irq_restore(irq);
	return r;
}

/* Delivers sig to p; the caller has checked the right to. */
static void deliver(struct proc *p, int sig)
{
	uint64_t flags;

	if (sig != SIGKILL && (p->sigignore & (1u << sig)))
		return;
	flags = arch_irq_save();
	if (!p->killed)
		p->killed = sig;
	if (p->state == P_SLEEPING)
		p->state = P_RUNNABLE;
	arch_irq_restore(flags);
}

/* Whether p is a process a signal can reach: live, with user space (not the kernel or a thread). */
static bool live_user(const struct proc *p)
{
	return p->state != P_UNUSED && p->state != P_EMBRYO && p->state != P_ZOMBIE && p->space;
}

/* Sends sig to p if the caller may. Returns 0, -EPERM. */
static int kill_one(struct proc *p, int sig)
{
	struct proc *cur = proc_current();

	if (cur->uid != 0 && cur->uid != p->uid)
		return -EPERM;
	if (sig != 0)
		deliver(p, sig);
	return 0;
}

int proc_kill(int pid, int sig)
{
	struct proc *p;
	int r = -ESRCH;

	if (sig < 0 || sig >= 32 || pid == -1)
		return -EINVAL;
	if (pid > 0) {
		if (!(p = proc_find(pid)) || p->state == P_ZOMBIE)
			return -ESRCH;
		if (!p->space)
			return -EPERM;		/* a kernel thread (proc_start_kthread) */
		return kill_one(p, sig);
	}
	/* A group: the caller's for 0. Success when anyone got it, else why not. */
	int pgid = pid == 0 ? proc_current()->pgid : -pid;
	for (int i = 1; i < PROC_MAX; i++) {
		p = &ptable.table[i];
		if (live_user(p) && p->pgid == pgid) {
			int e = kill_one(p, sig);
			if (r != 0)
				r = e;
		}
	}
	return r;
}

void proc_interrupt(int pgid)
{
	for (int i = 1; i < PROC_MAX; i++) {
		struct proc *p = &ptable.table[i];
		if (live_user(p) && p->pgid == pgid && p->parent->pid != PROC_KERNEL_PID)
			deliver(p, SIGINT);
	}
}

bool proc_group_alive(int pgid)
{
	for (int i = 1; i < PROC_MAX; i++) {
		const struct proc *p = &ptable.table[i];
		if (p->state != P_UNUSED && p->state != P_EMBRYO && p->state != P_ZOMBIE &&
		    p->pgid == pgid)
			return true;
	}
	return false;
}

/*
 * Whether the caller may put a process into the group pgid: it has a member, or its
 * leader-to-be is the caller or a child of it (a shell forming a pipeline's group may
 * find the first member ended before it joined: the number is still reserved then).
 */
static bool group_joinable(const struct proc *cur, int pgid)
{
	for (int i = 1; i < PROC_MAX; i++) {
		const struct proc *p = &ptable.table[i];
		if (p->state == P_UNUSED || p->state == P_EMBRYO)
			continue;
		if (p->pgid == pgid || (p->pid == pgid && (p == cur || p->parent == cur)))
			return true;
	}
	return false;
}

int proc_setpgid(int pid, int pgid)
{
	struct proc *cur = proc_current(), *p = pid == 0 ? cur : proc_find(pid);

	if (pgid < 0)
		return -EINVAL;
	if (!p || p->state == P_ZOMBIE || (p != cur && p->parent != cur))
		return -ESRCH;
	if (pgid == 0)
		pgid = p->pid;
	if (pgid == p->pgid)
		return 0;
	/* A new group takes the leader's number; an existing one must have a member. */
	if (pgid != p->pid && !group_joinable(cur, pgid))
		return -EPERM;
	/* A leader stays with its group while others are in it, so its number stays unique. */
	if (p->pgid == p->pid)
		for (int i = 1; i < PROC_MAX; i++) {
			const struct proc *o = &ptable.table[i];
			if (o != p && o->state != P_UNUSED && o->state != P_ZOMBIE && o->pgid == p->pid)
				return -EPERM;
		}
	p->pgid = pgid;
	return 0;
}

int proc_getpgid(int pid)
{
	struct proc *p = pid == 0 ? proc_current() : proc_find(pid);

	return p ? p->pgid : -ESRCH;
}

int proc_setsid(void)
{
	struct proc *cur = proc_current();

	if (cur->pgid == cur->pid)
		return -EPERM;
	/* Not leading a group, its pid names no group (pid_taken): the numbers are free. */
	cur->sid = cur->pgid = cur->pid;
	return cur->sid;
}

int proc_getsid(int pid)
{
	struct proc *p = pid == 0 ? proc_current() : proc_find(pid);

	return p ? p->sid : -ESRCH;
}

bool proc_group_in_session(int pgid, int sid)
{
	for (int i = 1; i < PROC_MAX; i++) {
		const struct proc *p = &ptable.table[i];
		if (p->state != P_UNUSED && p->state != P_EMBRYO && p->state != P_ZOMBIE &&
		    p->pgid == pgid && p->sid == sid)
			return true;
	}
	return false;
}

void proc_hangup(int sid)
{
	/*
	 * Not the session's leader when it is the kernel's child: init, whose session a
	 * custom init may have made the console's (orphans are the kernel's children too,
	 * but only a leader is skipped, and it loses the console all the same).
	 */
	for (int i = 1; i < PROC_MAX; i++) {
		struct proc *p = &ptable.table[i];
		if (live_user(p) && p->sid == sid &&
		    !(p->pid == sid && p->parent->pid == PROC_KERNEL_PID))
			deliver(p, SIGHUP);
	}
}

int proc_info(int index, struct keel_procinfo *pi)
{
	static const uint32_t states[] = {
		[P_RUNNABLE] = PROC_RUNNABLE, [P_RUNNING] = PROC_RUNNING,
		[P_SLEEPING] = PROC_SLEEPING, [P_ZOMBIE] = PROC_ZOMBIE,
	};

	for (int i = 1; i < PROC_MAX; i++) {
		const struct proc *p = &ptable.table[i];
		if (p->state == P_UNUSED || p->state == P_EMBRYO || index-- > 0)
			continue;
		memset(pi, 0, sizeof(*pi));
		pi->pid = p->pid;
		pi->ppid = p->parent ? p->parent->pid : 0;
		pi->uid = p->uid;
		pi->state = states[p->state];
		pi->memory = p->user_pages * PAGE_SIZE;
		pi->cpu_ms = p->cpu_ticks * 1000 / TIMER_HZ;
		memcpy(pi->name, p->name, sizeof(pi->name));
		return 1;
	}
	return 0;
}

long proc_sbrk(int64_t incr)
{
	struct proc *p = proc_current();
	uint64_t old = p->brk, now = ALIGN_UP(old, PAGE_SIZE), next;
	int err;

	if (incr >= 0) {
		if ((uint64_t)incr > BRK_LIMIT - old)
			return -ENOMEM;
		next = ALIGN_UP(old + incr, PAGE_SIZE);
		if (next > now && ((err = user_mem_admit(p->uid, (next - now) / PAGE_SIZE,
							 (next - now) / PAGE_SIZE)) != 0 ||
				   (err = vm_alloc(p->space, now, next - now, VM_WRITE)) != 0))
			return err;
		p->user_pages += (next - now) / PAGE_SIZE;
	} else {
		if ((uint64_t)0 - (uint64_t)incr > old - p->brk_start)
			return -EINVAL;
		next = ALIGN_UP(old + incr, PAGE_SIZE);
		vm_unmap(p->space, next, now - next);
		p->user_pages -= (now - next) / PAGE_SIZE;
	}
	p->brk = old + incr;
	return (long)old;
}
