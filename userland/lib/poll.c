/* poll(2): the kernel's entries are laid out as struct pollfd (checked below). */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <keel/syscall.h>

#include "syscall.h"

_Static_assert(sizeof(struct pollfd) == sizeof(struct keel_pollfd) &&
	       offsetof(struct pollfd, revents) == offsetof(struct keel_pollfd, revents),
	       "struct pollfd is the kernel's struct keel_pollfd");

int
poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	long r = syscall3(SYS_poll, (long)fds, (long)nfds, (long)timeout);

	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return (int)r;
}
