/*
 * Open files: what a file descriptor refers to. Each kind of open file (a file or
 * directory of a file system, the console tty, /dev/null, a socket, the output of a
 * program run over the serial protocol) supplies one struct file_ops, as xv6's devsw and
 * 4.4BSD's fileops do; the system calls call through it and never ask which kind they
 * hold. Adding a kind is one file with its file_ops and, for a device, one line in dev.c.
 *
 * Spawned processes inherit their parent's descriptors, sharing the open file (and its
 * offset), as after fork in Unix.
 */
#ifndef KEEL_FILE_H
#define KEEL_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <keel/fs.h>
#include "uaccess.h"

#define FILE_MAX	1024		/* open files in the whole system */

/* What a file kind's poll operation reports: the uapi's bits (keel/fs.h). */
#define POLL_IN		KEEL_POLLIN
#define POLL_OUT	KEEL_POLLOUT
#define POLL_ERR	KEEL_POLLERR
#define POLL_HUP	KEEL_POLLHUP

struct file;
struct vnode;

/*
 * The operations of one kind of open file. read and write move up to len bytes through
 * buf (user memory for a system call: the operation copies, checked, itself) and return
 * the count or a negative errno; the access mode was checked already. A NULL operation
 * fails: read/write -EINVAL, lseek -ESPIPE, readdir -ENOTDIR. stat may not be NULL.
 */
struct file_ops {
	long (*read)(struct file *f, const struct iobuf *buf, size_t len);
	long (*write)(struct file *f, const struct iobuf *buf, size_t len);
	/* Sets the offset (whence: SEEK_*). Returns the new offset or -EINVAL. */
	int64_t (*lseek)(struct file *f, int64_t off, int whence);
	void (*stat)(struct file *f, struct keel_stat *st);
	/*
	 * Puts the next entry of a directory, a struct keel_dirent, at buf. Returns 1, 0 at
	 * the end, or -errno; the position moves only when the entry was delivered.
	 */
	int (*readdir)(struct file *f, const struct iobuf *buf);
	/*
	 * Which of POLL_IN/POLL_OUT would not block now, with POLL_ERR/POLL_HUP. NULL: always
	 * ready. A kind with a poll operation calls poll_wake() whenever the answer may change.
	 */
	unsigned (*poll)(struct file *f);
	/* The last reference is gone: release what the kind holds (priv, the vnode is the VFS's). */
	void (*close)(struct file *f);
};

struct file {
	const struct file_ops *ops;
	unsigned refs;			/* descriptors that share it */
	int flags;			/* open's flags: access mode, O_APPEND */
	uint64_t off;			/* the position; a directory's next entry */
	struct vnode *vnode;		/* a file system's node (one reference), or NULL */
	void *priv;			/* the kind's own state (a socket) */
};

/*
 * Returns a new open file of the kind ops with one reference, holding a reference to
 * vnode when it is not NULL, or NULL when FILE_MAX are open or memory is short.
 */
struct file *file_new(const struct file_ops *ops, int flags, struct vnode *vnode, void *priv);

/* Adds a reference. */
struct file *file_dup(struct file *f);

/* Drops a reference; the last one closes the file. NULL is ignored. */
void file_put(struct file *f);

/* What stat says of a character device (the tty, /dev/null, a socket): readable and writable by all. */
void file_stat_chardev(struct file *f, struct keel_stat *st);

/*
 * poll over every kind of open file (fs/poll.c): a kind whose readiness can change
 * (file_ops.poll) calls poll_wake() when it may have: data arrived or were taken, an end
 * closed. Safe in interrupt handlers and with the kind's own lock held.
 */
void poll_wake(void);

/* The generic operations of a file or directory of a file system (vfile.c). */
extern const struct file_ops vfile_ops;

#endif
