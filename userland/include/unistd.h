/*
 * The POSIX-shaped system calls of Keel (lib/syscalls.c). Each returns what the kernel
 * returns, or -1 with errno set when the kernel answers with an error. Keel's own calls,
 * spawn and the rest, are in keel.h.
 */
#ifndef KEEL_USER_UNISTD_H
#define KEEL_USER_UNISTD_H

#include <stddef.h>
#include <stdint.h>
#include <keel/syscall.h>	/* STDIN_FILENO, SEEK_SET, ... */

typedef long ssize_t;
typedef int64_t off_t;
typedef int pid_t;
typedef unsigned uid_t;

ssize_t read(int fd, void *buf, size_t len);
ssize_t write(int fd, const void *buf, size_t len);
int close(int fd);
off_t lseek(int fd, off_t off, int whence);
int dup2(int oldfd, int newfd);
int dup(int fd);			/* the lowest free descriptor */
int sync(void);			/* POSIX's returns nothing; this one -1 when a disk failed */
int pipe(int fds[2]);			/* fds[0] reads what fds[1] writes */
int pipe2(int fds[2], int flags);	/* flags: 0 or O_CLOEXEC */
int unlink(const char *path);
int rmdir(const char *path);
int rename(const char *from, const char *to);
int chdir(const char *path);
char *getcwd(char *buf, size_t len);	/* buf, or NULL */

/* The environment, "NAME=value" strings ending in a NULL (lib/env.c; getenv in stdlib.h). */
extern char **environ;

/*
 * Makes a child that is a copy of the caller (memory copied lazily, on write; open files
 * shared). Returns the child's pid in the parent and 0 in the child, or -1.
 */
pid_t fork(void);

/*
 * Runs the program at path in place of the caller, with argv and the environment envp
 * (execv: environ). Descriptors marked FD_CLOEXEC are closed. Returns only on failure:
 * -1, with the caller as it was.
 */
int execve(const char *path, char *const argv[], char *const envp[]);
int execv(const char *path, char *const argv[]);

pid_t getpid(void);
pid_t getppid(void);
uid_t getuid(void);
int setuid(uid_t uid);			/* root only */

/* Process groups and the terminal's foreground group (doc/processes.md). */
int setpgid(pid_t pid, pid_t pgid);	/* 0 for pid: the caller; 0 for pgid: pid */
pid_t getpgid(pid_t pid);
pid_t getpgrp(void);
int tcsetpgrp(int fd, pid_t pgid);
pid_t tcgetpgrp(int fd);
/* Sessions: the console belongs to one at a time (doc/processes.md, "Sessions"). */
pid_t setsid(void);			/* the caller leads a new session; not a group leader */
pid_t getsid(pid_t pid);		/* 0: the caller */
int isatty(int fd);			/* 1 for the terminal, else 0 */

/* Moves the end of the data segment by increment. Returns the old end, or (void *)-1. */
void *sbrk(intptr_t increment);

__attribute__((noreturn)) void _exit(int status);

/* Writes all len bytes, retrying short writes. Returns len, or -1 with errno set. */
ssize_t write_all(int fd, const void *buf, size_t len);

#endif
