/*
 * errno for Keel's user programs: the error numbers are the kernel's own (keel/errno.h);
 * a system call wrapper that fails returns -1 and leaves the number here.
 */
#ifndef KEEL_USER_ERRNO_H
#define KEEL_USER_ERRNO_H

#include <keel/errno.h>

extern int errno;

#endif
