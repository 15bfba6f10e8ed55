/* open(2) and its flags (Linux's values, from keel/syscall.h). */
#ifndef KEEL_USER_FCNTL_H
#define KEEL_USER_FCNTL_H

#include <keel/syscall.h>

/* Opens path; mode (permission bits) is used with O_CREAT. Returns a descriptor or -1. */
int open(const char *path, int flags, ...);

#endif
