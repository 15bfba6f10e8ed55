/*
 * poll(2): waits until one of several descriptors of any kind (pipes, the terminal,
 * sockets, files) can be read or written, or the timeout (milliseconds; -1: none)
 * passes. Returns the number of entries with revents set, 0 at the timeout, or -1.
 */
#ifndef KEEL_USER_POLL_H
#define KEEL_USER_POLL_H

#include <keel/fs.h>

#define POLLIN		KEEL_POLLIN
#define POLLOUT		KEEL_POLLOUT
#define POLLERR		KEEL_POLLERR
#define POLLHUP		KEEL_POLLHUP
#define POLLNVAL	KEEL_POLLNVAL

typedef unsigned long nfds_t;

struct pollfd {
	int fd;
	short events;
	short revents;
};

int poll(struct pollfd *fds, nfds_t nfds, int timeout);

#endif
