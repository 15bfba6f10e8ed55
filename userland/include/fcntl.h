/* open(2) and its flags (Linux's values, from keel/syscall.h). */
#ifndef KEEL_USER_FCNTL_H
#define KEEL_USER_FCNTL_H

#include <keel/syscall.h>

/* Opens path; mode (permission bits) is used with O_CREAT. Returns a descriptor or -1. */
int open(const char *path, int flags, ...);

/* F_GETFD/F_SETFD (FD_CLOEXEC), F_GETFL, F_DUPFD, F_DUPFD_CLOEXEC. Returns per command, or -1. */
int fcntl(int fd, int cmd, long arg);

#endif
