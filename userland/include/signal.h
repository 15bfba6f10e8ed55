/*
 * Signals: Keel has no handlers. A signal ends the process with a signal's status, unless
 * the process ignores it (signal(sig, SIG_IGN); kept by exec, cleared by spawn).
 */
#ifndef KEEL_USER_SIGNAL_H
#define KEEL_USER_SIGNAL_H

#include <keel/syscall.h>	/* SIGINT, SIGKILL, ... */

int kill(int pid, int sig);	/* pid < -1: the group -pid; 0: the caller's group */

typedef void (*sighandler_t)(int);
#define SIG_DFL	((sighandler_t)0)
#define SIG_IGN	((sighandler_t)1)
#define SIG_ERR	((sighandler_t)-1)

/* Only SIG_DFL and SIG_IGN. Returns the old one, or SIG_ERR. */
sighandler_t signal(int sig, sighandler_t handler);

#endif
