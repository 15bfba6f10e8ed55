/*
 * Open files (file.h): reference-counted, shared by the descriptors that dup2 and spawn
 * make. A file of a file system holds its vnode, so an unlinked file lives until its last
 * close; what else a kind holds, its close gives back.
 */
#include "file.h"
#include "heap.h"
#include "lib.h"
#include "lock.h"
#include "vfs.h"
#include <keel/syscall.h>

static struct {
	struct lock lock;		/* open and every file's refs */
	unsigned open;			/* files in existence, against FILE_MAX */
} files = { .lock = LOCK_INIT("files") };

struct file *file_new(const struct file_ops *ops, int flags, struct vnode *vnode, void *priv)
{
	struct file *f;

	lock_acquire(&files.lock);
	if (files.open >= FILE_MAX) {
		lock_release(&files.lock);
		return NULL;
	}
	files.open++;
	lock_release(&files.lock);
	if (!(f = kzalloc(sizeof(*f)))) {
		lock_acquire(&files.lock);
		files.open--;
		lock_release(&files.lock);
		return NULL;
	}
	f->ops = ops;
	f->refs = 1;
	f->flags = flags;
	f->vnode = vnode ? vnode_get(vnode) : NULL;
	f->priv = priv;
	return f;
}

struct file *file_dup(struct file *f)
{
	lock_acquire(&files.lock);
	f->refs++;
	lock_release(&files.lock);
	return f;
}

void file_put(struct file *f)
{
	unsigned left;

	if (!f)
		return;
	lock_acquire(&files.lock);
	left = --f->refs;
	if (left == 0)
		files.open--;
	lock_release(&files.lock);
	if (left > 0)
		return;
	if (f->ops->close)
		f->ops->close(f);
	vnode_put(f->vnode);
	kfree(f);
}

void file_stat_chardev(struct file *f, struct keel_stat *st)
{
	(void)f;
	memset(st, 0, sizeof(*st));
	st->mode = KEEL_S_IFCHR | 0666;
	st->nlink = 1;
}
