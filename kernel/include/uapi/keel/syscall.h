/*
 * The system call ABI (DESIGN.md, "System call ABI"): the `syscall` instruction with the
 * number in rax and arguments in rdi, rsi, rdx, r10, r8, r9; the result in rax, a negative
 * errno (errno.h) on failure; rcx and r11 are clobbered. User programs in C and NASM and the
 * kernel all take the numbers from here (NASM through a generated include).
 *
 * Processes are made with fork (a copy-on-write copy of the caller) and given a new
 * program with execve, or made with spawn, which is both in one call and copies nothing
 * (doc/processes.md says when to use which).
 */
#ifndef KEEL_UAPI_SYSCALL_H
#define KEEL_UAPI_SYSCALL_H

#include <stdint.h>

#define SYS_exit	0	/* (int status) */
#define SYS_read	1	/* (int fd, void *buf, size_t len) */
#define SYS_write	2	/* (int fd, const void *buf, size_t len) */
#define SYS_open	3	/* (const char *path, int flags, unsigned mode) */
#define SYS_close	4	/* (int fd) */
#define SYS_lseek	5	/* (int fd, int64_t off, int whence) */
#define SYS_readdir	6	/* (int fd, struct keel_dirent *d): 1, 0 at the end */
#define SYS_mkdir	7	/* (const char *path, unsigned mode) */
#define SYS_unlink	8	/* (const char *path) */
#define SYS_rename	9	/* (const char *from, const char *to) */
#define SYS_spawn	10	/* (const char *path, char *const argv[], char *const envp[]): pid */
#define SYS_waitpid	11	/* (int pid, int *status, int flags): pid */
#define SYS_kill	12	/* (int pid, int sig) */
#define SYS_getpid	13
#define SYS_getppid	14
#define SYS_getuid	15
#define SYS_setuid	16	/* (unsigned uid): root only */
#define SYS_sleep_ms	17	/* (uint64_t ms) */
#define SYS_uptime_ms	18
#define SYS_sbrk	19	/* (int64_t increment): the old break */
#define SYS_yield	20
#define SYS_meminfo	21	/* (struct keel_meminfo *m) */
#define SYS_procinfo	22	/* (int index, struct keel_procinfo *p): 1, 0 past the last */
#define SYS_stat	23	/* (const char *path, struct keel_stat *st) */
#define SYS_fstat	24	/* (int fd, struct keel_stat *st) */
#define SYS_chdir	25	/* (const char *path) */
#define SYS_getcwd	26	/* (char *buf, size_t len) */
#define SYS_rmdir	27	/* (const char *path) */
#define SYS_ttymode	28	/* (int mode): TTY_COOKED or TTY_RAW, returns the old one */
#define SYS_dup2	29	/* (int oldfd, int newfd) */
#define SYS_socket	30	/* (int type): KEEL_SOCK_UDP or KEEL_SOCK_ICMP (keel/net.h); an fd */
#define SYS_bind	31	/* (int fd, unsigned port): port 0 picks a free one; returns the port */
#define SYS_sendto	32	/* (int fd, const void *buf, size_t len, const struct keel_sockaddr *to) */
#define SYS_recvfrom	33	/* (int fd, void *buf, size_t len, struct keel_sockaddr *from, int64_t timeout_ms) */
#define SYS_netinfo	34	/* (int index, struct keel_netinfo *n): 1, 0 past the last */
#define SYS_pciinfo	35	/* (int index, struct keel_pciinfo *p): 1, 0 past the last */
#define SYS_uptime_us	36	/* microseconds since boot */
#define SYS_pipe	37	/* (int fds[2], int flags): fds[0] reads, fds[1] writes; flags 0 or O_CLOEXEC */
#define SYS_dup		38	/* (int fd): the lowest free descriptor, sharing fd's open file */
#define SYS_fcntl	39	/* (int fd, int cmd, long arg): F_* below */
#define SYS_fork	40	/* (): the child's pid, 0 in the child */
#define SYS_execve	41	/* (const char *path, char *const argv[], char *const envp[]) */
#define SYS_setpgid	42	/* (int pid, int pgid): 0 for pid is the caller, 0 for pgid is pid */
#define SYS_getpgid	43	/* (int pid): 0 is the caller */
#define SYS_tcsetpgrp	44	/* (int fd, int pgid): the terminal fd's foreground group */
#define SYS_tcgetpgrp	45	/* (int fd) */
#define SYS_sigignore	46	/* (int sig, int ignore): 1 ignores sig, 0 not; returns the old setting */
#define SYS_setsid	47	/* (): a new session and group led by the caller; its number */
#define SYS_getsid	48	/* (int pid): the session of pid, 0 is the caller */
#define SYS_listen	49	/* (int fd, int backlog): a bound TCP socket takes connections */
#define SYS_accept	50	/* (int fd, struct keel_sockaddr *peer): a connected socket's fd */
#define SYS_connect	51	/* (int fd, const struct keel_sockaddr *to, int64_t timeout_ms) */
#define SYS_shutdown	52	/* (int fd, int how): KEEL_SHUT_* (keel/net.h) */
#define SYS_sockname	53	/* (int fd, struct keel_sockaddr *a, int peer): local or peer address */
#define SYS_setsockopt	54	/* (int fd, int opt, long value): KEEL_SO_* (keel/net.h) */
#define SYS_clock_gettime 55	/* (int clock, struct keel_timespec *ts): KEEL_CLOCK_* below */
#define SYS_mount	56	/* (const char *dev, const char *dir, const char *fstype, const char *opts) */
#define SYS_umount	57	/* (const char *dir) */
#define SYS_sockinfo	58	/* (int index, struct keel_sockinfo *s): 1, 0 past the last */
#define SYS_mountinfo	59	/* (int index, struct keel_mountinfo *m): 1, 0 past the last */
#define SYS_reboot	60	/* (int how, uint64_t magic): KEEL_REBOOT_*, KEEL_REBOOT_MAGIC; root only */
/* 62: not used (held for a branch that took fewer). */
#define SYS_poll	61	/* (struct keel_pollfd *fds, size_t nfds, int timeout_ms): entries ready */
#define SYS_sync	63	/* (): writes the block cache's dirty buffers, flushes the disks */
#define NR_SYSCALLS	64

/* SYS_reboot's how, and the magic without which it refuses (EINVAL), as Linux's reboot(2)
 * asks for one: a stray call (a fuzzer's, a bad pointer) must not stop the machine. */
#define KEEL_REBOOT_MAGIC	0x4b45454c2d4f4646ull	/* "KEEL-OFF" */
#define KEEL_REBOOT_HALT	0	/* stop (under QEMU with isa-debug-exit, end QEMU) */
#define KEEL_REBOOT_RESTART	1	/* reset the machine */

/*
 * The clocks of clock_gettime: REALTIME is seconds since 1970-01-01 00:00:00 UTC, from
 * the CMOS real-time clock read at boot plus the time since (0 at boot when the machine
 * has no readable clock); MONOTONIC is the time since boot, which never goes back.
 */
#define KEEL_CLOCK_REALTIME	0
#define KEEL_CLOCK_MONOTONIC	1

struct keel_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;	/* 0 to 999999999 */
};

/* open flags (Linux's values). */
#define O_RDONLY	0x0000
#define O_WRONLY	0x0001
#define O_RDWR		0x0002
#define O_ACCMODE	0x0003
#define O_CREAT		0x0040
#define O_EXCL		0x0080
#define O_TRUNC		0x0200
#define O_APPEND	0x0400
#define O_DIRECTORY	0x10000
#define O_CLOEXEC	0x80000	/* the descriptor gets FD_CLOEXEC */

/* fcntl commands (Linux's values) and the descriptor flags of F_GETFD/F_SETFD */
#define F_DUPFD		0	/* the lowest free descriptor >= arg, sharing the open file */
#define F_GETFD		1
#define F_SETFD		2
#define F_GETFL		3	/* open's flags: the access mode, O_APPEND */
#define F_DUPFD_CLOEXEC	1030	/* as F_DUPFD, with FD_CLOEXEC set */
#define FD_CLOEXEC	1	/* closed by exec (and not inherited by spawn) */

/* Writes to a pipe of at most this many bytes are never split among other writers' bytes. */
#define KEEL_PIPE_BUF	512

#define SEEK_SET	0
#define SEEK_CUR	1
#define SEEK_END	2

#define KEEL_FD_MAX	64	/* descriptors per process: 0 to KEEL_FD_MAX - 1 */

#define STDIN_FILENO	0
#define STDOUT_FILENO	1
#define STDERR_FILENO	2

#define TTY_COOKED	0	/* line discipline: echo, erase, kill, ^C, ^D */
#define TTY_RAW		1	/* bytes as they come, no echo */

/* waitpid flags */
#define WNOHANG		1

/*
 * The status waitpid reports, as POSIX encodes it: an exit in bits 8-15, or the signal
 * that killed the process in bits 0-6 (a fault kills with the matching signal).
 */
#define W_EXITCODE(code)	(((code) & 0xff) << 8)
#define W_SIGNALED(sig)		((sig) & 0x7f)
#define WIFEXITED(s)		(((s) & 0x7f) == 0)
#define WEXITSTATUS(s)		(((s) >> 8) & 0xff)
#define WIFSIGNALED(s)		(((s) & 0x7f) != 0)
#define WTERMSIG(s)		((s) & 0x7f)

#define SIGHUP		1	/* the console's session ended (doc/processes.md, "Sessions") */
#define SIGINT		2	/* ^C at the console */
#define SIGILL		4	/* invalid opcode */
#define SIGBUS		7	/* alignment check */
#define SIGFPE		8	/* divide error, x87/SIMD exception */
#define SIGKILL		9
#define SIGSEGV		11	/* page fault, general protection */
#define SIGPIPE		13	/* a write to a pipe that no one reads any more */
#define SIGTERM		15

#define PROC_NAME_MAX	31

struct keel_procinfo {
	int32_t pid, ppid;
	uint32_t uid;
	uint32_t state;			/* PROC_* below */
	uint64_t memory;		/* bytes of user memory mapped */
	uint64_t cpu_ms;		/* time run */
	char name[PROC_NAME_MAX + 1];
};

#define PROC_RUNNABLE	0
#define PROC_RUNNING	1
#define PROC_SLEEPING	2
#define PROC_ZOMBIE	3

struct keel_meminfo {
	uint64_t total;			/* usable RAM, bytes */
	uint64_t free;
	uint64_t heap_in_use;		/* kernel heap */
	uint64_t heap_blocks;
};

#endif
