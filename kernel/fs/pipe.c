/*
 * Pipes: a ring of PIPE_SIZE bytes in the kernel between a read end and a write end, two
 * open files of their own kinds. A reader blocks while the ring is empty and some writer
 * is left, and sees end of file (0) when none is; a writer blocks while it is full, and
 * when no reader is left its write fails with -EPIPE and the process gets SIGPIPE, so
 * that `yes | head` ends. Writes of at most KEEL_PIPE_BUF bytes are never split among
 * other writers' bytes (POSIX's PIPE_BUF); larger ones may be.
 *
 * Bytes move between user memory and the ring through a small buffer on the kernel stack,
 * since the pipe's lock is never held across a copy to or from user memory (lock.h).
 */
#include "file.h"
#include "heap.h"
#include "lib.h"
#include "lock.h"
#include "pipe.h"
#include "proc.h"
#include "sched.h"
#include <keel/errno.h>
#include <keel/syscall.h>

#define PIPE_SIZE	16384		/* bytes the ring holds */
#define PIPE_CHUNK	KEEL_PIPE_BUF	/* bytes moved per turn of the lock */

struct pipe {
	struct lock lock;		/* everything below */
	unsigned readers, writers;	/* open files of each end */
	size_t head, len;		/* the oldest byte's index in ring, and the count */
	struct waitq can_read, can_write;
	char ring[PIPE_SIZE];
};

/* Takes up to n bytes out of the ring into dst. Returns the count. Lock held. */
static size_t ring_take(struct pipe *p, char *dst, size_t n)
{
	size_t done = 0;

	while (done < n && p->len > 0) {
		size_t k = MIN(n - done, MIN(p->len, PIPE_SIZE - p->head));
		memcpy(dst + done, p->ring + p->head, k);
		p->head = (p->head + k) % PIPE_SIZE;
		p->len -= k;
		done += k;
	}
	return done;
}

/* Puts up to n bytes of src into the ring. Returns the count. Lock held. */
static size_t ring_put(struct pipe *p, const char *src, size_t n)
{
	size_t done = 0;

	while (done < n && p->len < PIPE_SIZE) {
		size_t tail = (p->head + p->len) % PIPE_SIZE;
		size_t k = MIN(n - done, MIN(PIPE_SIZE - p->len, PIPE_SIZE - tail));
		memcpy(p->ring + tail, src + done, k);
		p->len += k;
		done += k;
	}
	return done;
}

/*
 * Returns what the ring holds, up to len bytes, once it holds anything: a read blocks only
 * until the first byte, as on Unix. 0 at end of file, -EINTR when the reader is killed.
 */
static long pipe_read(struct file *f, const struct iobuf *buf, size_t len)
{
	struct pipe *p = f->priv;
	char chunk[PIPE_CHUNK];
	size_t done = 0;
	int err;

	while (done < len) {
		lock_acquire(&p->lock);
		while (p->len == 0 && done == 0 && p->writers > 0)
			if ((err = waitq_wait_lock(&p->can_read, &p->lock)) != 0) {
				lock_release(&p->lock);
				return err;
			}
		size_t n = ring_take(p, chunk, MIN(len - done, sizeof(chunk)));
		if (n > 0) {
			waitq_wake_all(&p->can_write);
			poll_wake();
		}
		lock_release(&p->lock);
		if (n == 0)
			break;
		/* The bytes are out of the ring: a bad buffer loses them, as on Unix. */
		if (iobuf_put(buf, done, chunk, n) != 0)
			return done > 0 ? (long)done : -EFAULT;
		done += n;
	}
	return (long)done;
}

/* A write with no reader left: -EPIPE, and SIGPIPE ends the writer on its way out. */
static long broken_pipe(void)
{
	struct proc *cur = proc_current();

	if (cur->space)
		proc_kill(cur->pid, SIGPIPE);
	return -EPIPE;
}

/*
 * Puts all len bytes into the ring, blocking while it is full. Returns len, or what went
 * in before a kill (-EINTR if nothing), a bad buffer (-EFAULT) or the last reader's close
 * (-EPIPE if nothing).
 */
static long pipe_write(struct file *f, const struct iobuf *buf, size_t len)
{
	struct pipe *p = f->priv;
	char chunk[PIPE_CHUNK];
	size_t done = 0;
	int err;

	while (done < len) {
		size_t n = MIN(len - done, sizeof(chunk)), put = 0;
		/* A write that fits in KEEL_PIPE_BUF goes in whole, not mixed with others. */
		size_t need = len <= KEEL_PIPE_BUF ? len : 1;

		if (iobuf_get(buf, done, chunk, n) != 0)
			return done > 0 ? (long)done : -EFAULT;
		lock_acquire(&p->lock);
		while (put < n) {
			if (p->readers == 0) {
				lock_release(&p->lock);
				return done + put > 0 ? (long)(done + put) : broken_pipe();
			}
			if (PIPE_SIZE - p->len < MIN(need, n - put)) {
				err = waitq_wait_lock(&p->can_write, &p->lock);
				if (err != 0) {
					lock_release(&p->lock);
					return done + put > 0 ? (long)(done + put) : err;
				}
				continue;
			}
			put += ring_put(p, chunk + put, n - put);
			waitq_wake_all(&p->can_read);
			poll_wake();
		}
		lock_release(&p->lock);
		done += n;
	}
	return (long)done;
}

/*
 * As Linux answers: the read end is readable with bytes in the ring and hung up with no
 * writer left (a read then gives 0); the write end is writable with room for a write of
 * PIPE_BUF bytes, which does not block then, and in error with no reader left.
 */
static unsigned pipe_poll(struct file *f)
{
	struct pipe *p = f->priv;
	unsigned ready = 0;

	lock_acquire(&p->lock);
	if ((f->flags & O_ACCMODE) == O_RDONLY) {
		ready |= p->len > 0 ? POLL_IN : 0;
		ready |= p->writers == 0 ? POLL_HUP : 0;
	} else {
		ready |= PIPE_SIZE - p->len >= PIPE_CHUNK ? POLL_OUT : 0;
		ready |= p->readers == 0 ? POLL_ERR : 0;
	}
	lock_release(&p->lock);
	return ready;
}

static void pipe_stat(struct file *f, struct keel_stat *st)
{
	struct pipe *p = f->priv;

	memset(st, 0, sizeof(*st));
	st->mode = KEEL_S_IFIFO | 0600;
	st->uid = proc_current()->uid;
	st->nlink = 1;
	st->size = p->len;
}

/* One end closes for good: the other side learns it, and the last close frees the pipe. */
static void pipe_close(struct file *f)
{
	struct pipe *p = f->priv;
	bool last;

	lock_acquire(&p->lock);
	if ((f->flags & O_ACCMODE) == O_RDONLY) {
		p->readers--;
		waitq_wake_all(&p->can_write);
	} else {
		p->writers--;
		waitq_wake_all(&p->can_read);
	}
	last = p->readers == 0 && p->writers == 0;
	poll_wake();
	lock_release(&p->lock);
	if (last)
		kfree(p);
}

static const struct file_ops pipe_fops = {
	.read = pipe_read,
	.write = pipe_write,
	.stat = pipe_stat,
	.poll = pipe_poll,
	.close = pipe_close,
};

int pipe_new(struct file **rd, struct file **wr)
{
	struct pipe *p;

	/* The ring is kernel memory the caller's user pays for, like a heap (proc.h). */
	if (proc_mem_admit(0, ALIGN_UP(sizeof(*p), HEAP_PAGE) / HEAP_PAGE) != 0 || !(p = kzalloc(sizeof(*p))))
		return -ENOMEM;
	p->lock = (struct lock)LOCK_INIT("pipe");
	p->readers = p->writers = 1;
	if (!(*rd = file_new(&pipe_fops, O_RDONLY, NULL, p))) {
		kfree(p);
		return -ENFILE;
	}
	if (!(*wr = file_new(&pipe_fops, O_WRONLY, NULL, p))) {
		p->writers = 0;
		file_put(*rd);		/* the last end: frees p */
		return -ENFILE;
	}
	return 0;
}
