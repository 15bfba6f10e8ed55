/* Signals: Keel has no handlers, only kill, which ends a process with a signal's status. */
#ifndef KEEL_USER_SIGNAL_H
#define KEEL_USER_SIGNAL_H

#include <keel/syscall.h>	/* SIGINT, SIGKILL, ... */

int kill(int pid, int sig);

#endif
