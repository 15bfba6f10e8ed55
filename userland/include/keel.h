/*
 * Keel's own system calls, the ones POSIX has no name for: making processes, the console's
 * mode, time, and what ps and mem report. Like the others they return -1 with errno set
 * when the kernel answers with an error.
 */
#ifndef KEEL_USER_KEEL_H
#define KEEL_USER_KEEL_H

#include <stdint.h>
#include <stddef.h>
#include <keel/fs.h>
#include <keel/net.h>
#include <keel/syscall.h>

/*
 * Starts the program at path in a new process with the NULL-terminated argv and the
 * caller's environ; the child inherits the caller's uid, working directory and the open
 * files not marked FD_CLOEXEC. Returns its pid. It is fork and execv in one call, without
 * copying anything of the caller (unistd.h has fork and execve).
 */
int spawn(const char *path, char *const argv[]);

/* Fills *d with the next entry of the open directory fd. Returns 1, 0 at the end, or -1. */
int readdir(int fd, struct keel_dirent *d);

/* Sets the console to TTY_COOKED or TTY_RAW. Returns the mode it had, or -1. */
int ttymode(int mode);

int yield(void);
int sleep_ms(uint64_t ms);
uint64_t uptime_ms(void);		/* since boot */
int meminfo(struct keel_meminfo *m);

/* Fills *p with the index-th process. Returns 1, 0 past the last, or -1. */
int procinfo(int index, struct keel_procinfo *p);

uint64_t uptime_us(void);		/* since boot, for timing round trips */

/*
 * Sockets (keel/net.h, doc/network.md): socket(KEEL_SOCK_UDP or KEEL_SOCK_ICMP) returns
 * a file descriptor that close() closes. bind(fd, 0) picks a free port; both return the
 * port. recvfrom waits up to timeout_ms (KEEL_WAIT_FOREVER, KEEL_NO_WAIT) and fails with
 * ETIMEDOUT. Addresses and ports are in host byte order.
 */
int socket(int type);
int bind(int fd, unsigned port);
long sendto(int fd, const void *buf, size_t len, const struct keel_sockaddr *to);
long recvfrom(int fd, void *buf, size_t len, struct keel_sockaddr *from, int64_t timeout_ms);

/*
 * TCP (socket(KEEL_SOCK_TCP)): a server binds, listens and accepts; a client connects,
 * waiting up to timeout_ms (KEEL_WAIT_FOREVER) for the handshake. Both then read and
 * write the connection's fd. getsockname and getpeername give the two ends; sockinfo
 * lists the sockets for netstat (1, 0 past the last, -1 on error).
 */
int listen(int fd, int backlog);
int accept(int fd, struct keel_sockaddr *peer);
int connect(int fd, const struct keel_sockaddr *to, int64_t timeout_ms);
int shutdown(int fd, int how);
int getsockname(int fd, struct keel_sockaddr *a);
int getpeername(int fd, struct keel_sockaddr *a);
int setsockopt(int fd, int opt, long value);
int sockinfo(int index, struct keel_sockinfo *s);

/* Fills *n with interface index (1), or returns 0 past the last; -1 on error. */
int netinfo(int index, struct keel_netinfo *n);

/* Fills *p with the index-th PCI function (1), or returns 0 past the last; -1 on error. */
int pciinfo(int index, struct keel_pciinfo *p);

/* Reads a dotted quad ("10.0.2.2") into *addr (host order). Returns 0, or -1. */
int inet_parse_addr(const char *s, uint32_t *addr);

/* Writes addr as a dotted quad into buf (at least INET_ADDR_LEN bytes); returns buf. */
#define INET_ADDR_LEN	16
char *inet_format(uint32_t addr, char *buf);

/*
 * Mounts (root only): mount puts the file system of type fstype ("vfat"; NULL: vfat) on
 * the block device dev on the directory dir with the options opts ("uid=N,gid=N"; NULL:
 * none); umount takes it off (EBUSY while anything there is open or a process's current
 * directory). mountinfo fills *m with the index-th mount: 1, 0 past the last, -1 on error.
 */
#include <keel/mount.h>
int mount(const char *dev, const char *dir, const char *fstype, const char *opts);
int umount(const char *dir);
int mountinfo(int index, struct keel_mountinfo *m);

/* Writes the disks back, then halts or resets the machine (how: KEEL_REBOOT_*). Root only; -1 on error. */
int reboot(int how);

#endif
