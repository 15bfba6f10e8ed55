/*
 * The virtual file system: the one seam between the system calls (and the serial
 * protocol, and the loader) and the file systems behind them. A path resolves through the
 * mount table to a (file system, node) pair, a struct vnode whose vnode_ops the file
 * system supplies; an open vnode becomes a struct file (file.h) whose file_ops are the
 * generic ones of vfile.c, or a device's own. Nothing above this header names a file
 * system. See doc/architecture.md for how a read() travels.
 *
 * Paths given to vfs_* are absolute and clean (path_resolve makes them so); permissions
 * are checked here, for the uid the caller names, in one place: perm_check.
 */
#ifndef KEEL_VFS_H
#define KEEL_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <keel/fs.h>
#include "path.h"
#include "uaccess.h"

/* What perm_check is asked for: read, write, and execute or (directories) search. */
#define MAY_READ	4
#define MAY_WRITE	2
#define MAY_EXEC	1

#define VFS_SYMLINK_MAX	8		/* symlinks followed in one lookup */
#define VFS_MOUNT_MAX	8		/* file systems mounted at once */

struct vnode;
struct file;
struct file_ops;
struct vfs_mount;

/*
 * What a file system does with its nodes. Every operation that hands out a vnode hands
 * out a reference the caller drops with vnode_put. Names are single components, never
 * "." (the VFS does not ask) but ".." may be asked of lookup: the directory's parent, the
 * file system's root being its own. Operations a file system lacks are NULL and fail with
 * -EROFS, -ENOTDIR or -EINVAL as fits.
 */
struct vnode_ops {
	int (*lookup)(struct vnode *dir, const char *name, size_t len, struct vnode **out);
	/* mode: type (KEEL_S_IFREG, _IFDIR, _IFLNK) and permission bits. -EEXIST when taken. */
	int (*create)(struct vnode *dir, const char *name, uint32_t mode, uint32_t uid,
		      uint32_t gid, struct vnode **out);
	/* Removes name from dir: a non-directory (-EISDIR otherwise), or with dir_only an empty directory. */
	int (*remove)(struct vnode *dir, const char *name, bool dir_only);
	/* Moves fdir/fname to tdir/tname within the file system, replacing what is there. */
	int (*rename)(struct vnode *fdir, const char *fname, struct vnode *tdir, const char *tname);
	/* Reads or writes up to len bytes at off through buf. Returns the count, or a negative errno. */
	long (*read)(struct vnode *v, uint64_t off, const struct iobuf *buf, size_t len);
	long (*write)(struct vnode *v, uint64_t off, const struct iobuf *buf, size_t len);
	int (*truncate)(struct vnode *v, uint64_t size);
	/* Fills *d with the index-th entry of dir. Returns 1, 0 past the last, or -ENOTDIR. */
	int (*readdir)(struct vnode *dir, uint64_t index, struct keel_dirent *d);
	void (*stat)(struct vnode *v, struct keel_stat *st);
	/* Sets the permission bits. */
	int (*chmod)(struct vnode *v, uint32_t perm);
	/* The last reference is gone: a node no longer in the tree may be freed. */
	void (*inactive)(struct vnode *v);
	/*
	 * Optional: lends the frame holding the file's page index (its bytes from index *
	 * PAGE_SIZE, zeros past the end) to a mapping, which drops it with pmm_unref. A file
	 * system that has it lets programs share their text instead of copying it. Returns the
	 * frame's address, or 0 when memory is out.
	 */
	uint64_t (*lend_page)(struct vnode *v, uint64_t index);
};

/*
 * A node as the VFS sees it, the first member of each file system's own node. fops, when
 * set, is what opening it gives (a device); otherwise it opens as a file of the file
 * system (vfile.c).
 */
struct vnode {
	const struct vnode_ops *ops;
	const struct file_ops *fops;
	struct vfs_mount *mount;	/* the file system it belongs to */
	struct vfs_mount *covered;	/* a file system mounted on this directory, or NULL */
	unsigned refs;			/* lookups in progress and open files */
};

/*
 * A file system type. A memory one (ramfs, devfs) has mount: it makes an instance and
 * returns its root (one reference). One that lives on a disk has mount_dev instead: it
 * reads the volume on dev with the mount options opts ("uid=0,gid=0"), and returns its
 * root likewise or -EINVAL for a volume it refuses; and unmount, which writes back what
 * it holds and frees the instance of root, or refuses with -EBUSY while any node but the
 * root is in use. Both are called with the VFS held (no lookup runs meanwhile).
 */
struct block_dev;
struct vfs_type {
	const char *name;
	int (*mount)(struct vnode **root);
	int (*mount_dev)(struct block_dev *dev, const char *opts, struct vnode **root);
	int (*unmount)(struct vnode *root);
};

/* Sets v's fields for a node of the instance that root belongs to (file systems call it). */
void vnode_init(struct vnode *v, const struct vnode_ops *ops, const struct vnode *root);

/* Adds a reference to v and returns it. */
struct vnode *vnode_get(struct vnode *v);

/* Drops a reference; the last one tells the file system (inactive). NULL is ignored. */
void vnode_put(struct vnode *v);

/* Returns v's type and permission bits. */
uint32_t vnode_mode(struct vnode *v);

/* Reads up to len bytes at off into the kernel buffer buf. Returns the count or -errno. */
long vnode_read_kernel(struct vnode *v, uint64_t off, void *buf, size_t len);

/* --- Permissions (perm.c). */

/*
 * Returns 0 when uid may do want (MAY_* bits) to the node st describes, else -EACCES.
 * Root may do anything; otherwise the owner's bits apply to the owner and the other bits
 * to everyone else (there are no groups).
 */
int perm_check(const struct keel_stat *st, uint32_t uid, unsigned want);

/*
 * Returns 0 when uid may remove or rename the entry st describes out of the directory
 * dir describes: always, unless dir is sticky (KEEL_S_ISVTX) and uid is neither root nor
 * the owner of the entry or of the directory; then -EPERM.
 */
int perm_sticky(const struct keel_stat *dir, const struct keel_stat *st, uint32_t uid);

/* --- The VFS calls (vfs.c). */

/* Mounts a new instance of type on the directory path ("/" first, on nothing). Returns 0 or -errno. */
int vfs_mount(const char *path, const struct vfs_type *type);

/*
 * Mounts the file system of type (one with mount_dev) on the block device dev, whose
 * path was devname, on the directory path with the options opts. Returns 0, -EBUSY when
 * dev or path has a file system mounted already, -ENOTDIR, -ENOSPC when VFS_MOUNT_MAX
 * are mounted, or the file system's refusal (-EINVAL for a volume it cannot read).
 */
int vfs_mount_dev(const char *path, const struct vfs_type *type, struct block_dev *dev,
		  const char *devname, const char *opts);

/*
 * Unmounts the file system mounted at path after writing back what it holds. Returns
 * 0, -EINVAL when path is not a mount point (or is "/"), -EBUSY while a file or
 * directory of it is open.
 */
int vfs_umount(const char *path);

/* Fills *m with the index-th mount. Returns 1, or 0 past the last. */
struct keel_mountinfo;
int vfs_mountinfo(int index, struct keel_mountinfo *m);

/*
 * Finds the node at path for uid, with one reference. Symlinks are followed on the way,
 * and at the end when follow is set; every directory passed needs search permission
 * (MAY_EXEC) for uid. Returns 0, or -ENOENT, -ENOTDIR, -EACCES, -ELOOP, -ENAMETOOLONG.
 * The kernel's own lookups pass uid 0.
 */
int vfs_lookup(const char *path, bool follow, uint32_t uid, struct vnode **out);

/* vfs_lookup, then the node's stat. */
int vfs_stat(const char *path, bool follow, uint32_t uid, struct keel_stat *st);

/*
 * Opens path for uid as open(2) does (flags O_*; mode for O_CREAT): permission checks,
 * creation, O_EXCL, O_TRUNC, O_DIRECTORY. Returns 0 with a new file in *out, or -errno.
 */
int vfs_open(const char *path, int flags, uint32_t mode, uint32_t uid, struct file **out);

/*
 * Creates a node of the given type and permission bits at path for uid, who needs write
 * and search permission on the directory. Returns 0 (with a reference in *out when out is
 * not NULL), -EEXIST, -EACCES, ...
 */
int vfs_create(const char *path, uint32_t mode, uint32_t uid, struct vnode **out);

/* Makes a symlink at path pointing at target (uid as above). */
int vfs_symlink(const char *target, const char *path, uint32_t uid);

/*
 * Removes a non-directory (unlink) or an empty directory (rmdir) at path for uid; in a
 * sticky directory only the owners may (-EPERM).
 */
int vfs_unlink(const char *path, uint32_t uid);
int vfs_rmdir(const char *path, uint32_t uid);

/*
 * Moves from to to for uid (write and search permission on both directories, and the
 * sticky rule of unlink for what is moved and what is replaced); -EXDEV across mounts.
 */
int vfs_rename(const char *from, const char *to, uint32_t uid);

#endif
