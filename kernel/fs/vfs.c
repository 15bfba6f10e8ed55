/*
 * The VFS of vfs.h: the mount table, the path walk that hands each component to the file
 * system it lies in, and the calls that check permissions and then ask a file system to
 * act. Also compiled for the host's unit tests, with the ramfs behind it.
 *
 * Locking: the mount table and every vnode's reference count are guarded by the VFS's
 * busy flag (vfs_enter, vfs_leave), and so is each walk (the file systems' trees change
 * only inside these calls, never in an interrupt). It is a sleeping lock, since a file
 * system on a disk (FAT) reads its directories in the middle of a walk and waits for the
 * disk there; the struct lock beside it guards only the flag. File data are read and
 * written outside it (vfile.c): with one CPU and a kernel that is not preempted, nothing
 * runs between a write's pages; several CPUs will need a sleeping lock per vnode there.
 */
#include "file.h"
#include "heap.h"
#include "lib.h"
#include "lock.h"
#include "sched.h"
#include "vfs.h"
#include <keel/errno.h>
#include <keel/mount.h>
#include <keel/syscall.h>

struct vfs_mount {
	const struct vfs_type *type;
	struct vnode *root;		/* the mounted file system's root */
	struct vnode *on;		/* the directory it covers; NULL for "/" */
	struct block_dev *dev;		/* the disk it lives on, or NULL */
	char devname[KEEL_MOUNT_DEV_MAX];
	char dir[KEEL_PATH_MAX + 1];
	char opts[KEEL_MOUNT_OPTS_MAX];
};

static struct {
	struct lock lock;		/* busy */
	bool busy;
	struct waitq idle;
	struct vfs_mount mounts[VFS_MOUNT_MAX];
	struct vnode *root;		/* "/" */
} vfs = { .lock = LOCK_INIT("vfs") };

/* Takes the VFS, waiting (asleep) while another process holds it. */
static void vfs_enter(void)
{
	lock_acquire(&vfs.lock);
	while (vfs.busy)
		waitq_wait_lock(&vfs.idle, &vfs.lock);
	vfs.busy = true;
	lock_release(&vfs.lock);
}

static void vfs_leave(void)
{
	lock_acquire(&vfs.lock);
	vfs.busy = false;
	waitq_wake_all(&vfs.idle);
	lock_release(&vfs.lock);
}

/* ---------------------------------------------------------------------------------------
 * Vnodes */

void vnode_init(struct vnode *v, const struct vnode_ops *ops, const struct vnode *root)
{
	v->ops = ops;
	v->fops = NULL;
	v->mount = root ? root->mount : NULL;
	v->covered = NULL;
	v->refs = 0;
}

static struct vnode *get_locked(struct vnode *v)
{
	v->refs++;
	return v;
}

static void put_locked(struct vnode *v)
{
	if (v && --v->refs == 0 && v->ops->inactive)
		v->ops->inactive(v);
}

struct vnode *vnode_get(struct vnode *v)
{
	vfs_enter();
	get_locked(v);
	vfs_leave();
	return v;
}

void vnode_put(struct vnode *v)
{
	if (!v)
		return;
	vfs_enter();
	put_locked(v);
	vfs_leave();
}

uint32_t vnode_mode(struct vnode *v)
{
	struct keel_stat st;

	v->ops->stat(v, &st);
	return st.mode;
}

long vnode_read_kernel(struct vnode *v, uint64_t off, void *buf, size_t len)
{
	struct iobuf b = { buf, false };

	return v->ops->read ? v->ops->read(v, off, &b, len) : -EINVAL;
}

/* ---------------------------------------------------------------------------------------
 * Mounts */

static int walk(const char *path, bool follow, uint32_t uid, struct vnode **out);

/* Copies src into dst of n bytes, cut short to fit (the host's tests lack strlcpy). */
static void copy_name(char *dst, const char *src, size_t n)
{
	size_t len = strnlen(src, n - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* Mounts on path what type makes of dev (NULL for a memory file system). */
static int mount_at(const char *path, const struct vfs_type *type, struct block_dev *dev,
		    const char *devname, const char *opts)
{
	struct vfs_mount *m = NULL;
	struct vnode *on = NULL, *root;
	int err = 0;

	if (strlen(path) > KEEL_PATH_MAX)
		return -ENAMETOOLONG;
	if (strcmp(path, "/") != 0) {
		if (!vfs.root)
			return -ENOENT;
		if ((err = walk(path, true, 0, &on)) != 0)
			return err;
		err = 0;
		if (!KEEL_S_ISDIR(vnode_mode(on))) {
			put_locked(on);
			return -ENOTDIR;
		}
	} else if (vfs.root) {
		return -EBUSY;
	}
	for (size_t i = 0; i < VFS_MOUNT_MAX; i++) {
		if (!vfs.mounts[i].root && !m)
			m = &vfs.mounts[i];
		else if (dev && vfs.mounts[i].root && vfs.mounts[i].dev == dev)
			err = -EBUSY;	/* one instance per volume, or their caches would differ */
	}
	if (!m || (on && on->covered) || err) {
		put_locked(on);
		return !m ? -ENOSPC : -EBUSY;
	}
	/* The walk above crossed mounts: on is the top directory there, never covered. */
	err = dev ? type->mount_dev(dev, opts, &root) : type->mount(&root);
	if (err) {
		put_locked(on);
		return err;
	}
	*m = (struct vfs_mount){ .type = type, .root = root, .on = on, .dev = dev };
	copy_name(m->devname, devname, sizeof(m->devname));
	copy_name(m->dir, path, sizeof(m->dir));
	copy_name(m->opts, opts ? opts : "", sizeof(m->opts));
	root->mount = m;
	if (on)
		on->covered = m;	/* the mount keeps the reference to on */
	else
		vfs.root = root;
	return 0;
}

int vfs_mount(const char *path, const struct vfs_type *type)
{
	int err;

	vfs_enter();
	err = mount_at(path, type, NULL, "none", "");
	vfs_leave();
	return err;
}

int vfs_mount_dev(const char *path, const struct vfs_type *type, struct block_dev *dev,
		  const char *devname, const char *opts)
{
	int err;

	if (!type->mount_dev || !dev)
		return -ENODEV;
	vfs_enter();
	err = mount_at(path, type, dev, devname, opts);
	vfs_leave();
	return err;
}

int vfs_umount(const char *path)
{
	struct vnode *v;
	struct vfs_mount *m;
	int err;

	vfs_enter();
	if ((err = walk(path, true, 0, &v)) != 0)
		goto out;
	m = v->mount;
	if (!m || v != m->root || !m->on || !m->type->unmount) {
		put_locked(v);
		err = -EINVAL;
		goto out;
	}
	put_locked(v);
	/* The mount's own reference is the root's last one when nothing is open there. */
	if (m->root->refs > 1 || (err = m->type->unmount(m->root)) != 0) {
		err = err ? err : -EBUSY;
		goto out;
	}
	m->on->covered = NULL;
	put_locked(m->on);
	memset(m, 0, sizeof(*m));
out:
	vfs_leave();
	return err;
}

int vfs_mountinfo(int index, struct keel_mountinfo *mi)
{
	int seen = 0, r = 0;

	vfs_enter();
	for (size_t i = 0; i < VFS_MOUNT_MAX; i++) {
		struct vfs_mount *m = &vfs.mounts[i];
		if (!m->root || seen++ != index)
			continue;
		memset(mi, 0, sizeof(*mi));
		copy_name(mi->dev, m->devname, sizeof(mi->dev));
		copy_name(mi->dir, m->dir, sizeof(mi->dir));
		copy_name(mi->fstype, m->type->name, sizeof(mi->fstype));
		copy_name(mi->opts, m->opts, sizeof(mi->opts));
		r = 1;
		break;
	}
	vfs_leave();
	return r;
}

/* ---------------------------------------------------------------------------------------
 * The walk */

/* The node a step from dir to name[0..len) lands on, mounts and ".." at a mount's root taken into account. */
static int step(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
	struct vnode *child;
	int err;

	/* ".." from the root of a mounted file system leaves through the directory it covers. */
	if (len == 2 && name[0] == '.' && name[1] == '.')
		while (dir->mount && dir == dir->mount->root && dir->mount->on)
			dir = dir->mount->on;
	if (!dir->ops->lookup)
		return -ENOTDIR;
	if ((err = dir->ops->lookup(dir, name, len, &child)) != 0)
		return err;
	get_locked(child);
	while (child->covered) {
		struct vnode *root = child->covered->root;
		put_locked(child);
		child = get_locked(root);
	}
	*out = child;
	return 0;
}

/*
 * Walks path from the root for uid, under the lock. Every directory the walk passes must
 * let uid search it (MAY_EXEC), the one place where that is checked: every system call,
 * the serial protocol and the loader come through here. Symlinks met on the way are
 * followed; the last component's is followed when follow is set. Relative link targets
 * start at the link's directory. Returns the node with one reference.
 */
typedef char walk_path[KEEL_PATH_MAX + 1];

static int walk_in(const char *path, bool follow, uint32_t uid, struct vnode **out,
		   walk_path **buf)
{
	int which = 0, links = 0, err;
	struct vnode *n;
	const char *p = path;
	struct keel_stat st;		/* n's */

	if (!vfs.root)
		return -ENOENT;
	if (!p || *p != '/')
		return -EINVAL;
	if (strnlen(p, KEEL_PATH_MAX + 1) > KEEL_PATH_MAX)
		return -ENAMETOOLONG;
	n = get_locked(vfs.root);
	n->ops->stat(n, &st);
	for (;;) {
		const char *start = p, *name;
		size_t len = path_next(&p, &name);

		if (len == 0) {
			/* "name/" names a directory, as in POSIX. */
			if (name != start && !KEEL_S_ISDIR(st.mode)) {
				put_locked(n);
				return -ENOTDIR;
			}
			*out = n;
			return 0;
		}
		err = len > KEEL_NAME_MAX ? -ENAMETOOLONG : !KEEL_S_ISDIR(st.mode) ? -ENOTDIR :
		      perm_check(&st, uid, MAY_EXEC);
		if (err) {
			put_locked(n);
			return err;
		}
		if (len == 1 && name[0] == '.')
			continue;
		struct vnode *child;
		if ((err = step(n, name, len, &child)) != 0) {
			put_locked(n);
			return err;
		}
		const char *rest = p;
		while (*rest == '/')
			rest++;
		bool last = *rest == '\0';
		/* A trailing slash follows even the last link: "link/" is its target. */
		struct keel_stat cst;
		child->ops->stat(child, &cst);
		if (!KEEL_S_ISLNK(cst.mode) || (last && !follow && rest == p)) {
			put_locked(n);
			n = child;
			st = cst;
			continue;
		}
		/* Replace the link by its target: target + the rest of the path. */
		if (!*buf && !(*buf = kmalloc(2 * sizeof(walk_path)))) {
			put_locked(child);
			put_locked(n);
			return -ENOMEM;
		}
		char *next = (*buf)[which ^= 1];
		err = ++links > VFS_SYMLINK_MAX ? -ELOOP :
		      cst.size + strlen(p) > KEEL_PATH_MAX ? -ENAMETOOLONG : 0;
		if (!err && vnode_read_kernel(child, 0, next, cst.size) != (long)cst.size)
			err = -EIO;
		put_locked(child);
		if (err) {
			put_locked(n);
			return err;
		}
		memmove(next + cst.size, p, strlen(p) + 1);
		p = next;
		if (*p == '/') {
			put_locked(n);
			n = get_locked(vfs.root);
			n->ops->stat(n, &st);
		}
	}
}

/*
 * walk_in's two paths of KEEL_PATH_MAX, for a link's target and the rest of the path,
 * come from the heap when the first link is met, since a walk runs deep in a system
 * call's stack.
 */
static int walk(const char *path, bool follow, uint32_t uid, struct vnode **out)
{
	walk_path *buf = NULL;
	int err = walk_in(path, follow, uid, out, &buf);

	kfree(buf);
	return err;
}

int vfs_lookup(const char *path, bool follow, uint32_t uid, struct vnode **out)
{
	int err;

	vfs_enter();
	err = walk(path, follow, uid, out);
	vfs_leave();
	return err;
}

int vfs_stat(const char *path, bool follow, uint32_t uid, struct keel_stat *st)
{
	struct vnode *v;
	int err = vfs_lookup(path, follow, uid, &v);

	if (err)
		return err;
	v->ops->stat(v, st);
	vnode_put(v);
	return 0;
}

/*
 * Under the lock: finds the directory of path, which uid must be allowed to change (write
 * and search), and copies the last component to name. Returns the directory with a reference.
 */
static int walk_parent(const char *path, uint32_t uid, struct vnode **dir, char *name)
{
	char dpath[KEEL_PATH_MAX + 1];
	struct keel_stat st;
	int err;

	if ((err = path_split(path, dpath, name)) != 0 || (err = walk(dpath, true, uid, dir)) != 0)
		return err;
	(*dir)->ops->stat(*dir, &st);
	err = !KEEL_S_ISDIR(st.mode) ? -ENOTDIR : perm_check(&st, uid, MAY_WRITE | MAY_EXEC);
	if (!err && !(*dir)->ops->create)
		err = -EROFS;
	if (err)
		put_locked(*dir);
	return err;
}

/* ---------------------------------------------------------------------------------------
 * Changing the tree */

/* vfs_create under the lock. */
static int create_locked(const char *path, uint32_t mode, uint32_t uid, struct vnode **out)
{
	char name[KEEL_NAME_MAX + 1];
	struct vnode *dir, *v;
	int err;

	if ((err = walk_parent(path, uid, &dir, name)) != 0)
		return err;
	/* "name/" would be a directory. */
	if (!KEEL_S_ISDIR(mode) && path[strlen(path) - 1] == '/')
		err = -EISDIR;
	else
		err = dir->ops->create(dir, name, mode, uid, uid, &v);
	put_locked(dir);
	if (err)
		return err;
	/* A node nobody takes is handed back at once, so a file system can let it go. */
	get_locked(v);
	if (out)
		*out = v;
	else
		put_locked(v);
	return 0;
}

int vfs_create(const char *path, uint32_t mode, uint32_t uid, struct vnode **out)
{
	int err;

	vfs_enter();
	err = create_locked(path, mode, uid, out);
	vfs_leave();
	return err;
}

int vfs_symlink(const char *target, const char *path, uint32_t uid)
{
	size_t len = strnlen(target, KEEL_PATH_MAX + 1);
	struct iobuf b = { (void *)target, false };
	struct vnode *v;
	int err;

	if (len == 0)
		return -ENOENT;
	if (len > KEEL_PATH_MAX)
		return -ENAMETOOLONG;
	if ((err = vfs_create(path, KEEL_S_IFLNK | 0777, uid, &v)) != 0)
		return err;
	err = v->ops->write(v, 0, &b, len) == (long)len ? 0 : -ENOSPC;
	vnode_put(v);
	if (err)
		vfs_unlink(path, 0);	/* no half-made link is left */
	return err;
}

/* Whether path names the root: slashes only. */
static bool is_root(const char *path)
{
	while (*path == '/')
		path++;
	return *path == '\0';
}

/* perm_sticky for the entry v of dir. */
static int sticky_check(struct vnode *dir, struct vnode *v, uint32_t uid)
{
	struct keel_stat dst, st;

	if (uid == 0)
		return 0;
	dir->ops->stat(dir, &dst);
	v->ops->stat(v, &st);
	return perm_sticky(&dst, &st, uid);
}

/* Removes path's node for uid: a non-directory, or with dir_only an empty directory. */
static int remove_node(const char *path, uint32_t uid, bool dir_only)
{
	char name[KEEL_NAME_MAX + 1];
	struct vnode *dir, *v;
	int err = 0;

	vfs_enter();
	if (is_root(path)) {
		err = dir_only ? -EBUSY : -EISDIR;
	} else if (path[strlen(path) - 1] == '/' && (err = walk(path, false, uid, &v)) == 0) {
		/* "name/" names a directory (a link's target): unlink refuses it either way. */
		if (!KEEL_S_ISDIR(vnode_mode(v)))
			err = -ENOTDIR;
		else if (!dir_only)
			err = -EISDIR;
		put_locked(v);
	}
	if (!err && (err = walk_parent(path, uid, &dir, name)) == 0) {
		/* A file system mounted here cannot be removed under itself. */
		if ((err = step(dir, name, strlen(name), &v)) == 0) {
			err = v->mount != dir->mount ? -EBUSY : sticky_check(dir, v, uid);
			put_locked(v);
		}
		if (!err)
			err = dir->ops->remove(dir, name, dir_only);
		put_locked(dir);
	}
	vfs_leave();
	return err;
}

int vfs_unlink(const char *path, uint32_t uid)
{
	return remove_node(path, uid, false);
}

int vfs_rmdir(const char *path, uint32_t uid)
{
	return remove_node(path, uid, true);
}

int vfs_rename(const char *from, const char *to, uint32_t uid)
{
	char fname[KEEL_NAME_MAX + 1], tname[KEEL_NAME_MAX + 1];
	struct vnode *fdir, *tdir;
	int err;

	vfs_enter();
	if (is_root(from)) {
		err = -EBUSY;
		goto out;
	}
	if ((err = walk_parent(from, uid, &fdir, fname)) != 0)
		goto out;
	if ((err = walk_parent(to, uid, &tdir, tname)) == 0) {
		struct vnode *v;
		if ((err = step(fdir, fname, strlen(fname), &v)) == 0) {
			/* "name/" cannot be where a non-directory goes; a mount point stays. */
			if (!KEEL_S_ISDIR(vnode_mode(v)) && to[strlen(to) - 1] == '/')
				err = -ENOTDIR;
			else if (v->mount != fdir->mount)
				err = -EBUSY;
			else
				err = sticky_check(fdir, v, uid);
			put_locked(v);
		}
		/* What the move replaces is removed from a sticky directory too. */
		if (!err && step(tdir, tname, strlen(tname), &v) == 0) {
			err = sticky_check(tdir, v, uid);
			put_locked(v);
		}
		if (!err && fdir->mount != tdir->mount)
			err = -EXDEV;
		if (!err)
			err = fdir->ops->rename ? fdir->ops->rename(fdir, fname, tdir, tname) : -EROFS;
		put_locked(tdir);
	}
	put_locked(fdir);
out:
	vfs_leave();
	return err;
}

/* ---------------------------------------------------------------------------------------
 * Opening */

int vfs_open(const char *path, int flags, uint32_t mode, uint32_t uid, struct file **out)
{
	int acc = flags & O_ACCMODE, err;
	unsigned want = acc == O_RDONLY ? MAY_READ : acc == O_WRONLY ? MAY_WRITE :
			MAY_READ | MAY_WRITE;
	bool created = false;
	struct keel_stat st;
	struct vnode *v;

	if (acc == O_ACCMODE)
		return -EINVAL;
	vfs_enter();
	err = walk(path, true, uid, &v);
	if (err == -ENOENT && (flags & O_CREAT)) {
		err = create_locked(path, KEEL_S_IFREG | (mode & KEEL_S_PERM), uid, &v);
		created = err == 0;
	} else if (err == 0 && (flags & O_CREAT) && (flags & O_EXCL)) {
		put_locked(v);
		err = -EEXIST;
	}
	vfs_leave();
	if (err)
		return err;
	v->ops->stat(v, &st);
	if (!created)
		err = perm_check(&st, uid, want);
	if (!err && KEEL_S_ISDIR(st.mode) && acc != O_RDONLY)
		err = -EISDIR;
	if (!err && (flags & O_DIRECTORY) && !KEEL_S_ISDIR(st.mode))
		err = -ENOTDIR;
	if (!err && (flags & O_TRUNC) && acc != O_RDONLY && KEEL_S_ISREG(st.mode))
		err = v->ops->truncate ? v->ops->truncate(v, 0) : -EROFS;
	if (!err && !(*out = file_new(v->fops ? v->fops : &vfile_ops, flags, v, NULL)))
		err = -ENFILE;
	vnode_put(v);
	return err;
}

#ifdef KEEL_HOST_TEST
/* Forgets every mount, so that a host unit test can mount a fresh tree ("/" first). */
void vfs_forget(void)
{
	memset(vfs.mounts, 0, sizeof(vfs.mounts));
	vfs.root = NULL;
}
#endif
