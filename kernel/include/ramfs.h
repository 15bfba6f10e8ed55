/*
 * The ramfs: Keel's only file system, a tree in memory. It starts as the boot module (a
 * cpio image, see uapi/keel/cpio.h) and changes at run time until reboot. Paths are
 * absolute; the process layer turns relative ones into absolute ones and checks
 * permissions, so the system calls on files stay thin wrappers around these functions.
 */
#ifndef KEEL_RAMFS_H
#define KEEL_RAMFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <keel/fs.h>
#include "heap.h"

#define RAMFS_SYMLINK_MAX	8		/* links followed in one lookup */
#define RAMFS_FILE_MAX		(256UL << 20)	/* bytes in one file */
#define RAMFS_PAGE		HEAP_PAGE	/* file data are kept in pages of this size */

struct ramfs_node {
	char name[KEEL_NAME_MAX + 1];
	uint32_t ino, mode, uid, gid;
	uint64_t mtime;
	struct ramfs_node *parent;	/* the root is its own parent */
	struct ramfs_node *children;	/* of a directory, sorted by name */
	struct ramfs_node *next;	/* the next entry of the parent directory */
	uint64_t size;			/* bytes of data */
	const unsigned char *image_data; /* data still in the boot image, read-only */
	unsigned char **pages;		/* else: size bytes in pages, NULL for a hole */
	size_t npages;			/* length of the pages array */
	unsigned refs;			/* open files holding the node */
	bool linked;			/* still in the tree */
};

struct ramfs_stats {
	size_t files, dirs, symlinks;
	uint64_t bytes;			/* of file data */
	uint64_t image_bytes;		/* of that, still read in place from the boot image */
	size_t skipped;			/* image entries of other types (devices, pipes) */
};

/* Makes the empty tree: just "/", mode 0755, owned by root. Returns 0 or -ENOMEM. */
int ramfs_init(void);

/*
 * Adds every entry of the cpio image (size bytes at image) to the tree. File data are
 * read in place until written, so the image must stay where it is. Returns 0, or a
 * negative errno after damage or exhaustion, with a one-line description in err; the
 * entries before the damage stay.
 */
int ramfs_mount_image(const void *image, size_t size, char *err, size_t errlen);

/*
 * From now on, gives every page of the last mounted image that no file reads from to
 * release (the frame allocator), now and whenever a file stops reading from the image
 * (it is written, truncated or removed). Pages the image only partly fills are kept.
 * Returns the number of pages released now. Call it once, after the mount.
 */
int ramfs_image_release(void (*release)(void *page));

/*
 * Finds the node at path. Symlinks are followed on the way, and at the end when follow is
 * true. Returns 0 with *out set, or -ENOENT, -ENOTDIR, -ELOOP, -ENAMETOOLONG, -EINVAL.
 */
int ramfs_lookup(const char *path, bool follow, struct ramfs_node **out);

/* Creates a regular file (mode: permission bits). Returns 0 with *out, or -EEXIST, ... */
int ramfs_create(const char *path, uint32_t mode, uint32_t uid, uint32_t gid,
		 struct ramfs_node **out);
int ramfs_mkdir(const char *path, uint32_t mode, uint32_t uid, uint32_t gid);
int ramfs_symlink(const char *target, const char *path, uint32_t uid, uint32_t gid);

/* Removes a file or symlink (-EISDIR for a directory), or an empty directory (rmdir). */
int ramfs_unlink(const char *path);
int ramfs_rmdir(const char *path);

/*
 * Moves from to to, replacing a file there, or an empty directory with a directory.
 * Returns -EINVAL for a directory into itself, -EISDIR/-ENOTDIR for type clashes.
 */
int ramfs_rename(const char *from, const char *to);

/* Reads up to len bytes at off. Returns the count (0 at the end) or -EISDIR. */
long ramfs_read(struct ramfs_node *n, uint64_t off, void *buf, size_t len);

/*
 * Writes len bytes at off, growing the file (a gap reads as zeros). Returns the count
 * written, or -ENOSPC/-EFBIG when nothing could be.
 */
long ramfs_write(struct ramfs_node *n, uint64_t off, const void *buf, size_t len);

/* Sets the file's size, freeing or zero-filling. Returns 0, -ENOSPC, -EFBIG or -EISDIR. */
int ramfs_truncate(struct ramfs_node *n, uint64_t size);

/* Fills *d with the index-th entry of dir. Returns 1, 0 past the last, or -ENOTDIR. */
int ramfs_readdir(const struct ramfs_node *dir, size_t index, struct keel_dirent *d);

void ramfs_stat(const struct ramfs_node *n, struct keel_stat *st);

/* An open file holds its node: an unlinked node lives until the last ramfs_put. */
void ramfs_get(struct ramfs_node *n);
void ramfs_put(struct ramfs_node *n);

void ramfs_get_stats(struct ramfs_stats *s);

#endif
