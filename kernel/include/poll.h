/*
 * poll over every kind of open file (fs/poll.c). A file kind whose readiness can change
 * (file_ops.poll) calls poll_wake() when it may have: data arrived or was taken, an end
 * closed. Safe in interrupt handlers and with the kind's own lock held.
 */
#ifndef KEEL_POLL_H
#define KEEL_POLL_H

void poll_wake(void);

#endif
