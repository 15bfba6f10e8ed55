/*
 * Processes: a table of PROC_MAX slots, each a user program in its own address space with
 * a kernel stack, open files, a current directory and its saved FPU/SSE state. Processes
 * are made by proc_fork (a copy-on-write copy of the caller) or proc_spawn (a new
 * process running a program with argv: fork and exec in one), change their program with
 * proc_exec, end by proc_exit or a fault, and are reaped by their parent with proc_wait.
 * Slot 0 is the kernel itself (pid 0): kmain after boot, the parent of init and of every
 * orphan. See doc/processes.md.
 */
#ifndef KEEL_PROC_H
#define KEEL_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include "arch.h"
#include "sched.h"
#include <keel/fs.h>
#include <keel/syscall.h>

#define PROC_MAX	64		/* processes at once, the kernel's slot included */
/*
 * A user other than root may have PROC_USER_MAX processes (zombies included) at once,
 * and never takes the last PROC_ROOT_RESERVE free slots: root can always log in, look
 * (ps) and kill. Past either, spawn and fork fail with -EAGAIN. See doc/security.md.
 */
#define PROC_USER_MAX	24
#define PROC_ROOT_RESERVE 8
/*
 * The processes of a user other than root together map at most a PROC_USER_MEM_DIV-th
 * of the memory free at boot (image, heap, stack; a forked copy counts in full, shared
 * or not), and never take frames from the root reserve (mm.h). Past either, sbrk, fork,
 * spawn and exec fail with -ENOMEM, and a copy-on-write fault ends the process.
 */
#define PROC_USER_MEM_DIV 2
#define PID_MAX		32767		/* pids count up to this, then wrap to 1 */
#define FD_MAX		KEEL_FD_MAX	/* open files per process */
#define ARGV_MAX	32		/* arguments of spawn and exec, the program's name included */
#define ENVP_MAX	64		/* environment strings of spawn and exec */
#define ARGV_BYTES_MAX	4096		/* the strings of both, NULs included */
#define PROC_KERNEL_PID	0

/* Sets the limits above: pages one user's processes may map, frames they leave free. */
void proc_set_mem_limits(uint64_t user_pages, uint64_t reserve_frames);
/* Whether the current process may take that much more: 0, or -ENOMEM past a limit. */
int proc_mem_admit(uint64_t pages, uint64_t frames);

enum proc_state {
	P_UNUSED, P_EMBRYO, P_RUNNABLE, P_RUNNING, P_SLEEPING, P_ZOMBIE,
};

struct file;
struct vm_space;

struct proc {
	uint8_t fpu[ARCH_FPU_SIZE] __attribute__((aligned(ARCH_FPU_ALIGN)));
	enum proc_state state;
	int pid;
	int pgid;			/* process group: the pid of its first member */
	int sid;			/* session: the pid of its leader */
	struct proc *parent;		/* the kernel's slot for orphans; NULL for the kernel */
	char name[PROC_NAME_MAX + 1];
	uint32_t uid;
	int exit_status;		/* W_EXITCODE or W_SIGNALED, for the parent */
	int killed;			/* a signal that ends the process at its next chance */
	uint32_t sigignore;		/* signals it ignores (bit n: signal n; never SIGKILL) */
	struct vm_space *space;		/* NULL for the kernel */
	void *kstack;			/* top of its kernel stack; NULL for the kernel's boot stack */
	uint64_t ctx;			/* saved kernel stack pointer while switched out */
	struct file *fds[FD_MAX];
	uint8_t fdflags[FD_MAX];	/* FD_CLOEXEC of each descriptor */
	char cwd[KEEL_PATH_MAX + 1];	/* absolute, without "." or ".." */
	uint64_t brk_start, brk;	/* the heap sbrk moves, [brk_start, brk) */
	uint64_t user_pages;		/* of user memory mapped: image, heap, stack */
	uint64_t cpu_ticks;
	uint64_t started_ms;
	/* The scheduler's (sched.c). */
	const struct waitq *chan;	/* what a sleeper waits for, or NULL */
	uint64_t wake_at;		/* a timed sleeper's tick to wake at, or 0 */
	struct waitq children;		/* where a parent waits for its children to end */
};

/*
 * Makes the running kernel context (kmain) the kernel's process, pid 0, and connects
 * the process layer to the CPU: system calls, user faults, returns to user mode and the
 * timer. Call once, with interrupts on, after the memory manager and the ramfs.
 */
void proc_init(void);

/* Returns the running process (the kernel's slot when no user process runs). */
struct proc *proc_current(void);

/* Returns the slot at index i of the table (0 <= i < PROC_MAX), used or not. */
struct proc *proc_at(int i);

/*
 * Starts the program at the absolute ramfs path with argc strings of argv and the
 * NULL-terminated environment envp (NULL: none) as a child of the running process, which
 * it inherits uid, current directory and the open files not marked FD_CLOEXEC from; it
 * becomes the tty's foreground when its standard input is the tty.
 * Returns the new pid, or -EAGAIN when the table or kernel stacks are full, -ENOMEM,
 * -E2BIG for too many or too long arguments, -ENOENT, -EACCES, -ENOEXEC (loader.c).
 */
int proc_spawn(const char *path, int argc, const char *const argv[], const char *const envp[]);

/*
 * Makes a child of the running process that is its copy: the address space copy-on-write
 * (vm_space_fork), the open files (shared, offsets included) and their flags, directory,
 * uid, break, name, FPU state and user registers, but rax 0. The tty's foreground stays.
 * Returns the child's pid (the child returns 0 from the system call), or -EAGAIN when the
 * table or kernel stacks are full, -ENOMEM (then nothing is left allocated), -EINVAL for
 * a process without user space.
 */
int proc_fork(void);

/*
 * Replaces the running process's program with the one at path, with argv and envp as
 * for proc_spawn. The new image is loaded into a new address space first, so on failure
 * the caller is as it was. On success the old space is freed, descriptors marked
 * FD_CLOEXEC are closed, the name, break and FPU state are new, and the system call
 * returns into the new program. Returns 0 or the errors of proc_spawn.
 */
int proc_exec(const char *path, int argc, const char *const argv[], const char *const envp[]);

/*
 * Starts a kernel thread: a process without user space (uid 0, directory "/", no open
 * files, a child of the kernel) that runs fn on its own kernel stack and never returns.
 * It cannot be killed. Returns its pid, or -EAGAIN when the table or stacks are full.
 */
int proc_start_kthread(const char *name, void (*fn)(void));

/* Ends the running process with status (W_EXITCODE or W_SIGNALED). Does not return. */
void proc_exit(int status) __attribute__((noreturn));

/*
 * Waits for a child of the running process to end (pid > 0: that child; otherwise any),
 * reaps it and stores its status. Returns its pid, 0 with WNOHANG when none has ended,
 * -ECHILD when there is no such child, -EINTR when the waiter is killed meanwhile.
 */
int proc_wait(int pid, int *status, int flags);

/*
 * Sends sig to the process pid, or to every process of the group -pid when pid < -1, or
 * of the caller's group when pid is 0: a signal other than 0 ends it (there are no
 * handlers), as soon as it returns to user mode or wakes from a blocking call. Returns 0
 * (for a group: when at least one member got it), -ESRCH, -EINVAL for a bad signal or
 * pid -1, -EPERM when the sender may not (not root, another uid; a kernel thread).
 */
int proc_kill(int pid, int sig);

/* ^C at the console: SIGINT to every process of the group pgid but init and kernel threads. */
void proc_interrupt(int pgid);

/*
 * Puts the process pid (0: the caller), which must be the caller or a child of it, into
 * the group pgid (0: pid's own number, a new group). Returns 0, -ESRCH for no such
 * process, -EINVAL for a negative pgid, -EPERM when no process leads or belongs to
 * pgid, or when pid leads a group of others already.
 */
int proc_setpgid(int pid, int pgid);

/* Returns the group of the process pid (0: the caller), or -ESRCH. */
int proc_getpgid(int pid);
/*
 * Makes the caller the leader of a new session and of a new group in it, both numbered
 * by its pid. Returns the session's number, or -EPERM when the caller leads a group
 * already (as POSIX has it: the group would span two sessions).
 */
int proc_setsid(void);
/* Returns the session of the process pid (0: the caller), or -ESRCH. */
int proc_getsid(int pid);
/* Whether a live process of the group pgid belongs to the session sid. */
bool proc_group_in_session(int pgid, int sid);
/*
 * Hangs the session sid up: SIGHUP to every live process of it (those that ignore it go
 * on, but the console refuses them, tty.c). Called when the console's session ends.
 */
void proc_hangup(int sid);

/* Whether a live process (not a zombie) belongs to the group pgid. */
bool proc_group_alive(int pgid);

/* Returns the process with pid, or NULL (zombies included). */
struct proc *proc_find(int pid);

/* Fills *pi for the index-th live process (the kernel excluded). Returns 1, or 0 past the last. */
int proc_info(int index, struct keel_procinfo *pi);

/*
 * Moves the running process's break by incr bytes (sbrk). Returns the old break, or
 * -ENOMEM when it cannot grow, -EINVAL when it would shrink below its start.
 */
long proc_sbrk(int64_t incr);

/*
 * The loader (loader.c): maps the program at path (flat or static ELF64, told apart by
 * the ELF magic) into as with a stack holding argv and the NULL-terminated envp (may be
 * NULL) in the System V layout. Fills *img. Returns 0, -ENOENT, -ENOEXEC for a malformed
 * or unsupported program, -ENOMEM, -E2BIG for more than ARGV_MAX arguments, ENVP_MAX
 * environment strings or ARGV_BYTES_MAX bytes of both.
 */
struct loader_image {
	uint64_t entry, sp;		/* where to start, and the stack pointer (at argc) */
	uint64_t argv;			/* user address of argv[0]'s pointer */
	uint64_t brk;			/* first page after the program's segments */
	uint64_t pages;			/* user pages mapped */
};
int loader_load(struct vm_space *as, const char *path, int argc, const char *const argv[],
		const char *const envp[], struct loader_image *img);

#endif
