/*
 * The system call table (DESIGN.md, "System call ABI"; numbers in uapi/keel/syscall.h)
 * and the calls about processes, time, memory and the machine (PCI functions for lspci).
 * The file calls are in fs/sysfile.c, the network calls in net/sysnet.c.
 * Every handler takes the six argument registers and checks them itself: a number past
 * the table or without a handler is -ENOSYS, a bad pointer -EFAULT.
 */
#include "arch.h"
#include "lib.h"
#include "mm.h"
#include "pci.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "timer.h"
#include "tty.h"
#include "uaccess.h"
#include <keel/errno.h>

typedef long (*sys_fn)(const uint64_t *a);

static long sys_exit(const uint64_t *a)
{
	proc_exit(W_EXITCODE((int)a[0]));
}

static long sys_waitpid(const uint64_t *a)
{
	int status = 0, r;

	if (a[2] & ~(uint64_t)WNOHANG)
		return -EINVAL;
	/* Check the pointer first, so a bad one does not cost the child its status. */
	if (a[1] && copy_to_user((void *)a[1], &status, sizeof(status)) != 0)
		return -EFAULT;
	r = proc_wait((int)a[0], &status, (int)a[2]);
	if (r > 0 && a[1])
		copy_to_user((void *)a[1], &status, sizeof(status));
	return r;
}

static long sys_fork(const uint64_t *a)
{
	(void)a;
	return proc_fork();
}

static long sys_kill(const uint64_t *a)
{
	return proc_kill((int)a[0], (int)a[1]);
}

static long sys_getpid(const uint64_t *a)
{
	(void)a;
	return proc_current()->pid;
}

static long sys_getppid(const uint64_t *a)
{
	(void)a;
	return proc_current()->parent->pid;
}

static long sys_getuid(const uint64_t *a)
{
	(void)a;
	return proc_current()->uid;
}

static long sys_setuid(const uint64_t *a)
{
	struct proc *p = proc_current();

	if (a[0] > UINT32_MAX)
		return -EINVAL;
	if (p->uid != 0 && a[0] != p->uid)
		return -EPERM;
	p->uid = (uint32_t)a[0];
	return 0;
}

static long sys_sleep_ms(const uint64_t *a)
{
	return sched_sleep_ms(a[0]);
}

static long sys_uptime_ms(const uint64_t *a)
{
	(void)a;
	return (long)uptime_ms();
}

static long sys_uptime_us(const uint64_t *a)
{
	(void)a;
	return (long)uptime_us();
}

static long sys_sbrk(const uint64_t *a)
{
	return proc_sbrk((int64_t)a[0]);
}

static long sys_yield(const uint64_t *a)
{
	(void)a;
	sched_yield();
	return 0;
}

static long sys_meminfo(const uint64_t *a)
{
	struct keel_meminfo m;
	struct mem_info mi;

	mem_info_get(&mi);
	m.total = mi.total;
	m.free = mi.free;
	m.heap_in_use = mi.heap_in_use;
	m.heap_blocks = mi.heap_blocks;
	return copy_to_user((void *)a[0], &m, sizeof(m));
}

static long sys_procinfo(const uint64_t *a)
{
	struct keel_procinfo pi;

	if ((int64_t)a[0] < 0 || a[0] > PROC_MAX)
		return 0;
	if (proc_info((int)a[0], &pi) == 0)
		return 0;
	return copy_to_user((void *)a[1], &pi, sizeof(pi)) ? -EFAULT : 1;
}

static long sys_pciinfo(const uint64_t *a)
{
	struct pci_dev *d;

	if ((int64_t)a[0] < 0 || a[0] > PCI_DEVICES_MAX || !(d = pci_at((int)a[0])))
		return 0;
	return copy_to_user((void *)a[1], &d->info, sizeof(d->info)) ? -EFAULT : 1;
}

static long sys_ttymode(const uint64_t *a)
{
	return tty_set_mode((int)a[0], proc_current()->pid);
}

static long sys_setpgid(const uint64_t *a)
{
	return proc_setpgid((int)a[0], (int)a[1]);
}

static long sys_getpgid(const uint64_t *a)
{
	return proc_getpgid((int)a[0]);
}

static long sys_setsid(const uint64_t *a)
{
	(void)a;
	return proc_setsid();
}

static long sys_getsid(const uint64_t *a)
{
	return proc_getsid((int)a[0]);
}

/*
 * Checks that cur may hand the console on, and gives it to cur's session when cur leads
 * one that may take it. Returns 0 when the console is cur's session's already, or no
 * session has had it since boot; or after giving it to cur's session when cur leads it
 * and is root (init's next login: a session still holding the console is hung up first)
 * or nobody has had the console yet. Otherwise -EPERM.
 */
static int console_claim(struct proc *cur)
{
	int sid = tty_session();

	if (sid == cur->sid)
		return 0;
	if (cur->sid != cur->pid || (cur->uid != 0 && sid != 0))
		return sid == 0 ? 0 : -EPERM;
	if (sid > 0) {
		tty_hangup();
		proc_hangup(sid);
	}
	tty_claim(cur->sid);
	return 0;
}

/*
 * tcsetpgrp: hands the terminal to the group pgid, which must have a member in the
 * caller's session. Only the foreground group may hand it on (or anyone, once that group
 * has ended), so a background job cannot take the terminal from the job in front. A
 * session leader's call makes the console its session's (console_claim).
 */
static long sys_tcsetpgrp(const uint64_t *a)
{
	struct proc *cur = proc_current();
	int fg = tty_foreground(), err;

	if (!tty_file(fd_file(a[0])))
		return -ENOTTY;
	if ((int64_t)a[1] <= 0 || !proc_group_in_session((int)a[1], cur->sid))
		return -EPERM;
	if (cur->pgid != fg && fg != 0 && proc_group_alive(fg) && cur->uid != 0)
		return -EPERM;
	if ((err = console_claim(cur)) != 0)
		return err;
	tty_set_foreground((int)a[1]);
	return 0;
}

static long sys_tcgetpgrp(const uint64_t *a)
{
	if (!tty_file(fd_file(a[0])))
		return -ENOTTY;
	return tty_foreground();
}

/*
 * sigignore: the one disposition a signal can have besides ending the process. An
 * interactive shell ignores SIGINT, so that ^C ends the job, not the shell. Kept by
 * exec and fork, cleared by spawn. SIGKILL cannot be ignored.
 */
static long sys_sigignore(const uint64_t *a)
{
	struct proc *p = proc_current();
	uint32_t bit = 1u << (a[0] & 31);
	long old;

	if (a[0] == 0 || a[0] >= 32 || a[0] == SIGKILL || a[1] > 1)
		return -EINVAL;
	old = (p->sigignore & bit) != 0;
	p->sigignore = a[1] ? p->sigignore | bit : p->sigignore & ~bit;
	return old;
}

static const sys_fn syscalls[NR_SYSCALLS] = {
	[SYS_exit] = sys_exit,
	[SYS_read] = sys_read,
	[SYS_write] = sys_write,
	[SYS_open] = sys_open,
	[SYS_close] = sys_close,
	[SYS_lseek] = sys_lseek,
	[SYS_readdir] = sys_readdir,
	[SYS_mkdir] = sys_mkdir,
	[SYS_unlink] = sys_unlink,
	[SYS_rename] = sys_rename,
	[SYS_spawn] = sys_spawn,
	[SYS_waitpid] = sys_waitpid,
	[SYS_kill] = sys_kill,
	[SYS_getpid] = sys_getpid,
	[SYS_getppid] = sys_getppid,
	[SYS_getuid] = sys_getuid,
	[SYS_setuid] = sys_setuid,
	[SYS_sleep_ms] = sys_sleep_ms,
	[SYS_uptime_ms] = sys_uptime_ms,
	[SYS_sbrk] = sys_sbrk,
	[SYS_yield] = sys_yield,
	[SYS_meminfo] = sys_meminfo,
	[SYS_procinfo] = sys_procinfo,
	[SYS_stat] = sys_stat,
	[SYS_fstat] = sys_fstat,
	[SYS_chdir] = sys_chdir,
	[SYS_getcwd] = sys_getcwd,
	[SYS_rmdir] = sys_rmdir,
	[SYS_ttymode] = sys_ttymode,
	[SYS_dup2] = sys_dup2,
	[SYS_socket] = sys_socket,
	[SYS_bind] = sys_bind,
	[SYS_sendto] = sys_sendto,
	[SYS_recvfrom] = sys_recvfrom,
	[SYS_netinfo] = sys_netinfo,
	[SYS_pciinfo] = sys_pciinfo,
	[SYS_uptime_us] = sys_uptime_us,
	[SYS_pipe] = sys_pipe,
	[SYS_dup] = sys_dup,
	[SYS_fcntl] = sys_fcntl,
	[SYS_setpgid] = sys_setpgid,
	[SYS_getpgid] = sys_getpgid,
	[SYS_tcsetpgrp] = sys_tcsetpgrp,
	[SYS_tcgetpgrp] = sys_tcgetpgrp,
	[SYS_sigignore] = sys_sigignore,
	[SYS_setsid] = sys_setsid,
	[SYS_getsid] = sys_getsid,
	[SYS_fork] = sys_fork,
	[SYS_execve] = sys_execve,
	[SYS_clock_gettime] = sys_clock_gettime,
	[SYS_poll] = sys_poll,
	[SYS_sync] = sys_sync,
	[SYS_listen] = sys_listen,
	[SYS_accept] = sys_accept,
	[SYS_connect] = sys_connect,
	[SYS_shutdown] = sys_shutdown,
	[SYS_sockname] = sys_sockname,
	[SYS_setsockopt] = sys_setsockopt,
	[SYS_sockinfo] = sys_sockinfo,
};

long syscall_dispatch(uint64_t nr, const uint64_t args[6])
{
	if (nr >= NR_SYSCALLS || !syscalls[nr])
		return -ENOSYS;
	return syscalls[nr](args);
}
