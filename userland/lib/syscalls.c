/*
 * The system call wrappers: each passes its arguments to the kernel and turns a negative
 * answer into -1 with errno set, as POSIX callers expect.
 */
#include <errno.h>
#include <fcntl.h>
#include <keel.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "syscall.h"

int errno;
void (*stdio_flush_hook)(void);

/* Flushes stdio's pending output before a call that could show it out of order. */
#define SYNC()	do { if (stdio_flush_hook != NULL) stdio_flush_hook(); } while (0)

/* Returns r, or -1 with errno = -r when r is an error. */
static long
check(long r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

#define SYS0(nr)		check(syscall0(nr))
#define SYS1(nr, a)		check(syscall1(nr, (long)(a)))
#define SYS2(nr, a, b)		check(syscall2(nr, (long)(a), (long)(b)))
#define SYS3(nr, a, b, c)	check(syscall3(nr, (long)(a), (long)(b), (long)(c)))

ssize_t read(int fd, void *buf, size_t len) { SYNC(); return SYS3(SYS_read, fd, buf, len); }
ssize_t write(int fd, const void *buf, size_t len) { SYNC(); return SYS3(SYS_write, fd, buf, len); }
int close(int fd) { return (int)SYS1(SYS_close, fd); }
off_t lseek(int fd, off_t off, int whence) { return SYS3(SYS_lseek, fd, off, whence); }
int dup2(int oldfd, int newfd) { return (int)SYS2(SYS_dup2, oldfd, newfd); }
int dup(int fd) { return (int)SYS1(SYS_dup, fd); }
int sync(void) { return (int)SYS0(SYS_sync); }
int pipe(int fds[2]) { return (int)SYS2(SYS_pipe, fds, 0); }
int pipe2(int fds[2], int flags) { return (int)SYS2(SYS_pipe, fds, flags); }
int fcntl(int fd, int cmd, long arg) { return (int)SYS3(SYS_fcntl, fd, cmd, arg); }
int unlink(const char *path) { return (int)SYS1(SYS_unlink, path); }
int rmdir(const char *path) { return (int)SYS1(SYS_rmdir, path); }
int rename(const char *from, const char *to) { return (int)SYS2(SYS_rename, from, to); }
int chdir(const char *path) { return (int)SYS1(SYS_chdir, path); }
int mkdir(const char *path, unsigned mode) { return (int)SYS2(SYS_mkdir, path, mode); }
int stat(const char *path, struct keel_stat *st) { return (int)SYS2(SYS_stat, path, st); }
int fstat(int fd, struct keel_stat *st) { return (int)SYS2(SYS_fstat, fd, st); }
int readdir(int fd, struct keel_dirent *d) { return (int)SYS2(SYS_readdir, fd, d); }

int
open(const char *path, int flags, ...)
{
	unsigned mode = 0;
	va_list ap;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = va_arg(ap, unsigned);
		va_end(ap);
	}
	return (int)SYS3(SYS_open, path, flags, mode);
}

char *
getcwd(char *buf, size_t len)
{
	return SYS2(SYS_getcwd, buf, len) < 0 ? NULL : buf;
}

pid_t getpid(void) { return (pid_t)SYS0(SYS_getpid); }
pid_t getppid(void) { return (pid_t)SYS0(SYS_getppid); }
uid_t getuid(void) { return (uid_t)SYS0(SYS_getuid); }
int setuid(uid_t uid) { return (int)SYS1(SYS_setuid, uid); }

int spawn(const char *path, char *const argv[]) { SYNC(); return (int)SYS3(SYS_spawn, path, argv, environ); }
pid_t fork(void) { SYNC(); return (pid_t)SYS0(SYS_fork); }

int
execve(const char *path, char *const argv[], char *const envp[])
{
	return (int)SYS3(SYS_execve, path, argv, envp);
}

int execv(const char *path, char *const argv[]) { return execve(path, argv, environ); }
int waitpid(int pid, int *status, int flags) { return (int)SYS3(SYS_waitpid, pid, status, flags); }
int kill(int pid, int sig) { return (int)SYS2(SYS_kill, pid, sig); }

sighandler_t
signal(int sig, sighandler_t handler)
{
	long old;

	if (handler != SIG_DFL && handler != SIG_IGN) {
		errno = EINVAL;		/* no handlers in Keel */
		return SIG_ERR;
	}
	old = SYS2(SYS_sigignore, sig, handler == SIG_IGN);
	return old < 0 ? SIG_ERR : old ? SIG_IGN : SIG_DFL;
}
int setpgid(pid_t pid, pid_t pgid) { return (int)SYS2(SYS_setpgid, pid, pgid); }
pid_t getpgid(pid_t pid) { return (pid_t)SYS1(SYS_getpgid, pid); }
pid_t getpgrp(void) { return (pid_t)SYS1(SYS_getpgid, 0); }
int tcsetpgrp(int fd, pid_t pgid) { return (int)SYS2(SYS_tcsetpgrp, fd, pgid); }
pid_t tcgetpgrp(int fd) { return (pid_t)SYS1(SYS_tcgetpgrp, fd); }
pid_t setsid(void) { return (pid_t)SYS0(SYS_setsid); }
pid_t getsid(pid_t pid) { return (pid_t)SYS1(SYS_getsid, pid); }

int
isatty(int fd)
{
	return syscall1(SYS_tcgetpgrp, fd) >= 0;	/* only the terminal has a foreground group */
}

int ttymode(int mode) { return (int)SYS1(SYS_ttymode, mode); }
int yield(void) { return (int)SYS0(SYS_yield); }
int sleep_ms(uint64_t ms) { SYNC(); return (int)SYS1(SYS_sleep_ms, ms); }
uint64_t uptime_ms(void) { return (uint64_t)syscall0(SYS_uptime_ms); }
int meminfo(struct keel_meminfo *m) { return (int)SYS1(SYS_meminfo, m); }
int procinfo(int index, struct keel_procinfo *p) { return (int)SYS2(SYS_procinfo, index, p); }
uint64_t uptime_us(void) { return (uint64_t)syscall0(SYS_uptime_us); }

int socket(int type) { return (int)SYS1(SYS_socket, type); }
int bind(int fd, unsigned port) { return (int)SYS2(SYS_bind, fd, port); }
int listen(int fd, int backlog) { return (int)SYS2(SYS_listen, fd, backlog); }
int accept(int fd, struct keel_sockaddr *peer) { SYNC(); return (int)SYS2(SYS_accept, fd, peer); }
int getsockname(int fd, struct keel_sockaddr *a) { return (int)SYS3(SYS_sockname, fd, a, 0); }
int getpeername(int fd, struct keel_sockaddr *a) { return (int)SYS3(SYS_sockname, fd, a, 1); }
int shutdown(int fd, int how) { return (int)SYS2(SYS_shutdown, fd, how); }
int setsockopt(int fd, int opt, long value) { return (int)SYS3(SYS_setsockopt, fd, opt, value); }
int sockinfo(int index, struct keel_sockinfo *s) { return (int)SYS2(SYS_sockinfo, index, s); }

int
connect(int fd, const struct keel_sockaddr *to, int64_t timeout_ms)
{
	SYNC();
	return (int)SYS3(SYS_connect, fd, to, timeout_ms);
}

int netinfo(int index, struct keel_netinfo *n) { return (int)SYS2(SYS_netinfo, index, n); }
int pciinfo(int index, struct keel_pciinfo *p) { return (int)SYS2(SYS_pciinfo, index, p); }

long
sendto(int fd, const void *buf, size_t len, const struct keel_sockaddr *to)
{
	return check(syscall4(SYS_sendto, fd, (long)buf, (long)len, (long)to));
}

long
recvfrom(int fd, void *buf, size_t len, struct keel_sockaddr *from, int64_t timeout_ms)
{
	return check(syscall5(SYS_recvfrom, fd, (long)buf, (long)len, (long)from, timeout_ms));
}

void *
sbrk(intptr_t increment)
{
	long r = SYS1(SYS_sbrk, increment);

	return r < 0 ? (void *)-1 : (void *)r;
}

void
_exit(int status)
{
	for (;;)
		syscall1(SYS_exit, status);
}

ssize_t
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {	/* a write that makes no progress would loop forever */
			errno = EIO;
			return -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)len;
}

int mount(const char *dev, const char *dir, const char *fstype, const char *opts)
{
	return (int)check(syscall4(SYS_mount, (long)dev, (long)dir, (long)fstype, (long)opts));
}
int umount(const char *dir) { return (int)SYS1(SYS_umount, dir); }
int mountinfo(int index, struct keel_mountinfo *m) { return (int)SYS2(SYS_mountinfo, index, m); }
int reboot(int how) { return (int)SYS2(SYS_reboot, how, KEEL_REBOOT_MAGIC); }
