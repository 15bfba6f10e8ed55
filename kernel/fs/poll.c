/*
 * poll: waits until one of several open files of any kind may be read or written. Each
 * kind answers for its files through file_ops.poll (no operation: always ready), and
 * calls poll_wake() whenever that answer may have changed: a pipe written, read or
 * closed, a line typed, a datagram queued.
 *
 * Pollers share one wait queue and a generation count. A poller notes the generation,
 * asks every file, and sleeps only if the generation has not moved since: a change that
 * falls between its questions and its sleep moves the count, so no wake-up is lost,
 * without holding any lock of the files while it asks. Every poller wakes at every
 * change and asks again; with a few pollers that costs less than a queue per file.
 */
#include "file.h"
#include "heap.h"
#include "lock.h"
#include "sched.h"
#include "syscall.h"
#include "timer.h"
#include "uaccess.h"
#include <keel/errno.h>

static struct {
	struct lock lock;	/* the generation and the sleepers */
	struct waitq wq;
	uint64_t gen;
} pollers = { .lock = LOCK_INIT("poll") };

void poll_wake(void)
{
	lock_acquire(&pollers.lock);
	pollers.gen++;
	waitq_wake_all(&pollers.wq);
	lock_release(&pollers.lock);
}

static uint64_t poll_generation(void)
{
	uint64_t gen;

	lock_acquire(&pollers.lock);
	gen = pollers.gen;
	lock_release(&pollers.lock);
	return gen;
}

/*
 * Sleeps until a change after generation gen, for at most ms milliseconds (UINT64_MAX:
 * no limit). Returns 0, -ETIMEDOUT, or -EINTR when the process is killed.
 */
static int poll_sleep(uint64_t gen, uint64_t ms)
{
	int r = 0;

	lock_acquire(&pollers.lock);
	if (pollers.gen == gen)
		r = ms == UINT64_MAX ? waitq_wait_lock(&pollers.wq, &pollers.lock)
				     : waitq_wait_lock_timeout(&pollers.wq, &pollers.lock, ms);
	lock_release(&pollers.lock);
	return r;
}

/* Fills in each entry's revents. Returns how many entries have some. */
static long poll_scan(struct keel_pollfd *pf, size_t n)
{
	long ready = 0;

	for (size_t i = 0; i < n; i++) {
		struct file *f;
		unsigned bits;

		pf[i].revents = 0;
		if (pf[i].fd < 0)
			continue;
		if (!(f = fd_file((uint64_t)pf[i].fd))) {
			bits = KEEL_POLLNVAL;
		} else {
			bits = f->ops->poll ? f->ops->poll(f) : POLL_IN | POLL_OUT;
			bits &= (unsigned)(uint16_t)pf[i].events | POLL_ERR | POLL_HUP;
		}
		pf[i].revents = (int16_t)bits;
		ready += bits != 0;
	}
	return ready;
}

/* poll(struct keel_pollfd *fds, size_t nfds, int timeout_ms): negative waits for ever. */
long sys_poll(const uint64_t *a)
{
	size_t n = a[1], bytes = n * sizeof(struct keel_pollfd);
	int timeout = (int)a[2];
	uint64_t deadline = timeout < 0 ? UINT64_MAX : uptime_ms() + (uint64_t)timeout;
	struct keel_pollfd *pf;
	long ready;

	if (n > KEEL_POLL_MAX)
		return -EINVAL;
	if (!(pf = kmalloc(bytes ? bytes : 1)))
		return -ENOMEM;
	/* No entries is a sleep of timeout_ms, whatever the pointer (as on Linux). */
	if (bytes > 0 && copy_from_user(pf, (const void *)a[0], bytes) != 0) {
		kfree(pf);
		return -EFAULT;
	}
	for (;;) {
		uint64_t gen = poll_generation(), now;
		int r;

		if ((ready = poll_scan(pf, n)) != 0 || timeout == 0)
			break;
		if ((now = uptime_ms()) >= deadline)
			break;
		r = poll_sleep(gen, deadline == UINT64_MAX ? UINT64_MAX : deadline - now);
		if (r == -EINTR) {
			ready = -EINTR;
			break;
		}
	}
	if (ready >= 0 && bytes > 0 && copy_to_user((void *)a[0], pf, bytes) != 0)
		ready = -EFAULT;
	kfree(pf);
	return ready;
}
