/* Waiting for a child: waitpid and the W* macros of the status (keel/syscall.h). */
#ifndef KEEL_USER_SYS_WAIT_H
#define KEEL_USER_SYS_WAIT_H

#include <keel/syscall.h>

/* Waits for the child pid to end (flags: 0 or WNOHANG). Returns its pid, 0, or -1. */
int waitpid(int pid, int *status, int flags);

#endif
