/*
 * The kernel's side of the system calls: the dispatcher the syscall entry calls, and
 * the handlers it dispatches to through a designated-initializer table (syscall.c).
 * Numbers and structures are user space's too: uapi/keel/syscall.h.
 */
#ifndef KEEL_SYSCALL_H
#define KEEL_SYSCALL_H

#include <stdint.h>

/* Runs system call nr with its six argument registers. Returns the result or -ENOSYS. */
long syscall_dispatch(uint64_t nr, const uint64_t args[6]);

/* File system calls (fs/sysfile.c): each takes the argument registers. */
long sys_read(const uint64_t *a);
long sys_write(const uint64_t *a);
long sys_open(const uint64_t *a);
long sys_close(const uint64_t *a);
long sys_lseek(const uint64_t *a);
long sys_sync(const uint64_t *a);	/* drivers/bcache.c */
long sys_readdir(const uint64_t *a);
long sys_mkdir(const uint64_t *a);
long sys_unlink(const uint64_t *a);
long sys_rename(const uint64_t *a);
long sys_stat(const uint64_t *a);
long sys_fstat(const uint64_t *a);
long sys_chdir(const uint64_t *a);
long sys_getcwd(const uint64_t *a);
long sys_rmdir(const uint64_t *a);
long sys_dup2(const uint64_t *a);
long sys_dup(const uint64_t *a);
long sys_fcntl(const uint64_t *a);
long sys_pipe(const uint64_t *a);
long sys_poll(const uint64_t *a);
long sys_spawn(const uint64_t *a);
long sys_execve(const uint64_t *a);

/*
 * Turns the user path at upath into an absolute one in out (KEEL_PATH_MAX + 1 bytes),
 * relative to the running process's directory. Returns 0, -EFAULT, -ENAMETOOLONG.
 */
int path_from_user(const char *upath, char *out);

/* Returns the open file of descriptor fd in the running process, or NULL. */
struct file;
struct file *fd_file(uint64_t fd);

/* Gives f the lowest free descriptor of the running process. Returns it, or -EMFILE (and drops f). */
int fd_install(struct file *f);

/* The network calls (net/sysnet.c). */
long sys_socket(const uint64_t *a);
long sys_bind(const uint64_t *a);
long sys_sendto(const uint64_t *a);
long sys_recvfrom(const uint64_t *a);
long sys_netinfo(const uint64_t *a);
long sys_listen(const uint64_t *a);
long sys_accept(const uint64_t *a);
long sys_connect(const uint64_t *a);
long sys_shutdown(const uint64_t *a);
long sys_sockname(const uint64_t *a);
long sys_setsockopt(const uint64_t *a);
long sys_sockinfo(const uint64_t *a);

/* clock_gettime (drivers/rtc.c). */
long sys_clock_gettime(const uint64_t *a);

/* Opens /dev/tty on descriptors 0, 1 and 2 of the process p (init). Returns 0 or -errno. */
struct proc;
int file_open_console(struct proc *p);

#endif
