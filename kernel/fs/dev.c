/*
 * devfs, mounted at /dev: one file system whose nodes are the character devices of the
 * table below, each opening as its driver's file_ops, and the block devices the block
 * layer has registered (block.c owns their nodes). A new character device is its driver's
 * file_ops and one line in the table. Also /dev/null's own operations.
 */
#include "block.h"
#include "dev.h"
#include "file.h"
#include "lib.h"
#include "tty.h"
#include "vfs.h"
#include <keel/errno.h>

static long null_read(struct file *f, const struct iobuf *buf, size_t len)
{
	(void)f, (void)buf, (void)len;
	return 0;
}

static long null_write(struct file *f, const struct iobuf *buf, size_t len)
{
	(void)f, (void)buf;
	return (long)MIN(len, (size_t)INT64_MAX);
}

const struct file_ops null_fops = {
	.read = null_read,
	.write = null_write,
	.stat = file_stat_chardev,
};

/* The devices: a name under /dev and what opening it gives. */
static const struct device {
	const char *name;
	const struct file_ops *fops;
} devices[] = {
	{ "null", &null_fops },
	{ "tty", &tty_fops },
};

#define DEV_INO_FIRST	2	/* the root is inode 1 */

static struct {
	struct vnode root;
	struct vnode nodes[ARRAY_SIZE(devices)];
} devfs;

/* Which device v is, or -1 for the root. */
static int index_of(const struct vnode *v)
{
	return v == &devfs.root ? -1 : (int)(v - devfs.nodes);
}

static int devfs_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
	if (dir != &devfs.root)
		return -ENOTDIR;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		*out = &devfs.root;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(devices); i++)
		if (strlen(devices[i].name) == len && strncmp(devices[i].name, name, len) == 0) {
			/* vfs_mount names the instance after devfs_mount has made the nodes. */
			devfs.nodes[i].mount = devfs.root.mount;
			*out = &devfs.nodes[i];
			return 0;
		}
	if ((*out = block_lookup_node(name, len, devfs.root.mount)))
		return 0;
	return -ENOENT;
}

static int devfs_readdir(struct vnode *dir, uint64_t index, struct keel_dirent *d)
{
	if (dir != &devfs.root)
		return -ENOTDIR;
	if (index >= ARRAY_SIZE(devices))
		return block_dirent(index - ARRAY_SIZE(devices), d);
	memset(d, 0, sizeof(*d));
	d->ino = DEV_INO_FIRST + (uint32_t)index;
	d->mode = KEEL_S_IFCHR | 0666;
	memcpy(d->name, devices[index].name, strlen(devices[index].name));
	return 1;
}

static void devfs_stat(struct vnode *v, struct keel_stat *st)
{
	int i = index_of(v);

	memset(st, 0, sizeof(*st));
	st->ino = (uint32_t)(i + DEV_INO_FIRST);
	st->mode = i < 0 ? KEEL_S_IFDIR | 0755 : KEEL_S_IFCHR | 0666;
	st->nlink = 1;
}

static const struct vnode_ops devfs_ops = {
	.lookup = devfs_lookup,
	.readdir = devfs_readdir,
	.stat = devfs_stat,
};

static int devfs_mount(struct vnode **root)
{
	if (devfs.root.ops)
		return -EBUSY;		/* one instance: the devices are the machine's */
	vnode_init(&devfs.root, &devfs_ops, NULL);
	devfs.root.refs = 1;		/* the mount's; no devfs node is ever freed */
	for (size_t i = 0; i < ARRAY_SIZE(devices); i++) {
		vnode_init(&devfs.nodes[i], &devfs_ops, NULL);
		devfs.nodes[i].fops = devices[i].fops;
		devfs.nodes[i].refs = 1;
	}
	*root = &devfs.root;
	return 0;
}

const struct vfs_type devfs_type = { .name = "devfs", .mount = devfs_mount };
