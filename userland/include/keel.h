/*
 * Keel's own system calls, the ones POSIX has no name for: making processes, the console's
 * mode, time, and what ps and mem report. Like the others they return -1 with errno set
 * when the kernel answers with an error.
 */
#ifndef KEEL_USER_KEEL_H
#define KEEL_USER_KEEL_H

#include <stdint.h>
#include <keel/fs.h>
#include <keel/syscall.h>

/*
 * Starts the program at path in a new process with the NULL-terminated argv; the child
 * inherits the caller's uid, working directory and open files. Returns its pid. There is
 * no fork: spawn and waitpid are how a shell runs a command.
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

#endif
