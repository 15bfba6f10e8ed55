/*
 * The ramfs: a file system in memory behind the VFS (vfs.h), mounted at "/". It starts as
 * the boot module (a cpio image, see uapi/keel/cpio.h) and changes at run time until
 * reboot. Everything but mounting the image goes through its vnode_ops; the VFS resolves
 * paths and checks permissions.
 */
#ifndef KEEL_RAMFS_H
#define KEEL_RAMFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <keel/fs.h>
#include "heap.h"
#include "vfs.h"

#define RAMFS_FILE_MAX		(256UL << 20)	/* bytes in one file */
#define RAMFS_PAGE		HEAP_PAGE	/* file data are kept in pages of this size */
#define RAMFS_USERS_MAX		16		/* users other than root whose usage is kept */
/*
 * The files never take the root reserve (MEM_ROOT_RESERVE_MIN, mm.h): processes (root's
 * login, ls, rm) have it. One user other than root may take a RAMFS_USER_DIV-th part of
 * the rest.
 */
#define RAMFS_USER_DIV		2

/* A node: the VFS's vnode first, then the ramfs's own. */
#define RAMFS_LEVELS	8	/* of a directory's skip list: O(log n) up to 4^8 entries */

/*
 * Names up to RAMFS_NAME_INLINE bytes live in the node, which the inline buffer fills to
 * the heap's 512-byte class (doc/memory.md); longer ones, up to KEEL_NAME_MAX, get a block
 * of their own. A 256-byte array in every node would put each in the 1 KiB class.
 */
#define RAMFS_NAME_INLINE	231

struct ramfs_node {
	struct vnode vn;
	char *name;			/* iname, or a block of the heap */
	uint32_t ino, mode, uid, gid;
	uint64_t mtime;
	struct ramfs_node *parent;	/* the root is its own parent */
	/*
	 * A directory's entries are a skip list sorted by name: children[i] is the first
	 * entry linked on level i, next[i] an entry's successor there. Level 0 holds every
	 * entry; each higher one about a quarter of the one below, so lookup and insertion
	 * take O(log n) steps. readdir's cursor makes a sequential listing linear.
	 */
	struct ramfs_node *children[RAMFS_LEVELS];
	struct ramfs_node *next[RAMFS_LEVELS];
	unsigned levels;		/* how many levels this entry is linked on */
	struct ramfs_node *cursor;	/* of a directory: the entry readdir gave last, or NULL */
	uint64_t cursor_index;		/* its index */
	uint64_t size;			/* bytes of data */
	const unsigned char *image_data; /* data still in the boot image, read-only */
	unsigned char **pages;		/* else: size bytes in pages, NULL for a hole */
	size_t npages;			/* length of the pages array */
	bool linked;			/* still in the tree */
	char iname[RAMFS_NAME_INLINE + 1];
};

struct ramfs_stats {
	size_t files, dirs, symlinks;
	uint64_t bytes;			/* of file data */
	uint64_t image_bytes;		/* of that, still read in place from the boot image */
	size_t skipped;			/* image entries of other types (devices, pipes) */
};

/* The file system type for vfs_mount: a new, empty tree, "/" mode 0755 owned by root. */
extern const struct vfs_type ramfs_type;

/*
 * Adds every entry of the cpio image (size bytes at image) to the tree, which must be
 * mounted at "/". File data are read in place until written, so the image must stay where
 * it is. Returns 0, or a negative errno after damage or exhaustion, with a one-line
 * description in err; the entries before the damage stay.
 */
int ramfs_mount_image(const void *image, size_t size, char *err, size_t errlen);

/*
 * From now on, gives every page of the last mounted image that no file reads from to
 * release (the frame allocator), now and whenever a file stops reading from the image
 * (it is written, truncated or removed). Pages the image only partly fills are kept.
 * Returns the number of pages released now. Call it once, after the mount.
 */
int ramfs_image_release(void (*release)(void *page));

void ramfs_get_stats(struct ramfs_stats *s);
/*
 * Limits the kernel memory the ramfs's files may take (data pages and nodes, charged to
 * each node's owner): limit bytes in all, user_limit bytes for each user but root (0: no
 * limit). Past the first a write or create fails with -ENOSPC, past the second with
 * -EDQUOT, as does a new user's first byte when RAMFS_USERS_MAX users have some already.
 * Removing never needs memory. Call before mounting the image.
 */
void ramfs_set_limits(uint64_t limit, uint64_t user_limit);
/* Bytes charged in all, and to uid. */
uint64_t ramfs_used(void);
uint64_t ramfs_user_used(uint32_t uid);

#endif
