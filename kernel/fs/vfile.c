/*
 * The file_ops of a file or directory of a file system (file.h): reads and writes at the
 * open file's offset through the vnode's operations, seeks, directory entries one by one.
 */
#include "file.h"
#include "vfs.h"
#include <keel/errno.h>
#include <keel/syscall.h>

static long vfile_read(struct file *f, const struct iobuf *buf, size_t len)
{
	struct vnode *v = f->vnode;
	long r = v->ops->read ? v->ops->read(v, f->off, buf, len) : -EINVAL;

	if (r > 0)
		f->off += (uint64_t)r;
	return r;
}

static long vfile_write(struct file *f, const struct iobuf *buf, size_t len)
{
	struct vnode *v = f->vnode;
	struct keel_stat st;
	long r;

	if (!v->ops->write)
		return -EROFS;
	if (f->flags & O_APPEND) {
		v->ops->stat(v, &st);
		f->off = st.size;
	}
	if ((r = v->ops->write(v, f->off, buf, len)) > 0)
		f->off += (uint64_t)r;
	return r;
}

static int64_t vfile_lseek(struct file *f, int64_t off, int whence)
{
	struct keel_stat st;
	int64_t base;

	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (int64_t)f->off; break;
	case SEEK_END: f->vnode->ops->stat(f->vnode, &st); base = (int64_t)st.size; break;
	default: return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->off = (uint64_t)(base + off);
	return (int64_t)f->off;
}

static void vfile_stat(struct file *f, struct keel_stat *st)
{
	f->vnode->ops->stat(f->vnode, st);
}

static int vfile_readdir(struct file *f, const struct iobuf *buf)
{
	struct vnode *v = f->vnode;
	struct keel_dirent d;
	int r = v->ops->readdir ? v->ops->readdir(v, f->off, &d) : -ENOTDIR;

	if (r != 1)
		return r;
	if (iobuf_put(buf, 0, &d, sizeof(d)) != 0)
		return -EFAULT;
	f->off++;
	return 1;
}

const struct file_ops vfile_ops = {
	.read = vfile_read,
	.write = vfile_write,
	.lseek = vfile_lseek,
	.stat = vfile_stat,
	.readdir = vfile_readdir,
};
