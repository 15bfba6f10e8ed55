/*
 * Self-tests of the ramfs through the VFS as the kernel builds them, on the live tree (the
 * host unit test, tests/unit/test_ramfs.c, covers the rest): a file written across pages
 * and read back, with every heap block returned once it is unlinked, a directory's life
 * through rename and readdir, and the devices under /dev. Everything happens under
 * /ktest-ramfs, removed at the end.
 */
#include "file.h"
#include "heap.h"
#include "ktest.h"
#include "ramfs.h"
#include "vfs.h"
#include <keel/errno.h>
#include <keel/syscall.h>

#define DIR_PATH	"/ktest-ramfs"

static uint64_t heap_blocks(void)
{
	struct heap_stats s;

	heap_stats(&s);
	return s.blocks_in_use;
}

KTEST(ramfs, file_across_pages_reads_back_and_frees_every_block)
{
	static unsigned char pat[3 * RAMFS_PAGE], got[3 * RAMFS_PAGE];
	struct iobuf in = { pat, false };
	uint64_t before = heap_blocks();
	struct vnode *n;

	KEXPECT_EQ(vfs_create(DIR_PATH, KEEL_S_IFDIR | 0755, 0, NULL), 0);
	KEXPECT_EQ(vfs_create(DIR_PATH "/f", KEEL_S_IFREG | 0644, 0, &n), 0);
	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] = (unsigned char)(i * 13 + 7);
	KEXPECT_EQ(n->ops->write(n, 100, &in, sizeof(pat) - 100), sizeof(pat) - 100);
	KEXPECT_EQ(vnode_read_kernel(n, 0, got, sizeof(got)), sizeof(got));
	KEXPECT(got[0] == 0 && got[99] == 0);
	KEXPECT(memcmp(got + 100, pat, sizeof(pat) - 100) == 0);
	KEXPECT_EQ(vfs_unlink(DIR_PATH "/f", 0), 0);
	KEXPECT_EQ(vnode_read_kernel(n, RAMFS_PAGE, got, 10), 10);	/* held: still readable */
	vnode_put(n);
	KEXPECT_EQ(vfs_rmdir(DIR_PATH, 0), 0);
	KEXPECT_EQ(heap_blocks(), before);
}

KTEST(ramfs, rename_and_readdir_keep_names_sorted)
{
	struct keel_dirent d;
	struct vnode *dir;

	KEXPECT_EQ(vfs_create(DIR_PATH, KEEL_S_IFDIR | 0755, 0, NULL), 0);
	KEXPECT_EQ(vfs_create(DIR_PATH "/b", KEEL_S_IFDIR | 0755, 0, NULL), 0);
	KEXPECT_EQ(vfs_create(DIR_PATH "/c", KEEL_S_IFREG | 0644, 0, NULL), 0);
	KEXPECT_EQ(vfs_symlink("c", DIR_PATH "/d", 0), 0);
	KEXPECT_EQ(vfs_rename(DIR_PATH "/c", DIR_PATH "/a", 0), 0);
	KEXPECT_EQ(vfs_rename(DIR_PATH "/b", DIR_PATH "/b/x", 0), -EINVAL);
	KEXPECT_EQ(vfs_lookup(DIR_PATH, false, 0, &dir), 0);
	KEXPECT_EQ(dir->ops->readdir(dir, 0, &d), 1);
	KEXPECT_STREQ(d.name, "a");
	KEXPECT_EQ(dir->ops->readdir(dir, 2, &d), 1);
	KEXPECT_STREQ(d.name, "d");
	KEXPECT_EQ(dir->ops->readdir(dir, 3, &d), 0);
	vnode_put(dir);
	KEXPECT_EQ(vfs_lookup(DIR_PATH "/d", true, 0, &dir), -ENOENT);	/* d -> c, now a */
	KEXPECT_EQ(vfs_rmdir(DIR_PATH, 0), -ENOTEMPTY);
	KEXPECT_EQ(vfs_unlink(DIR_PATH "/a", 0), 0);
	KEXPECT_EQ(vfs_unlink(DIR_PATH "/d", 0), 0);
	KEXPECT_EQ(vfs_rmdir(DIR_PATH "/b", 0), 0);
	KEXPECT_EQ(vfs_rmdir(DIR_PATH, 0), 0);
}

KTEST(ramfs, permissions_are_checked_for_the_uid_given)
{
	KEXPECT_EQ(vfs_create(DIR_PATH, KEEL_S_IFDIR | 0755, 0, NULL), 0);
	KEXPECT_EQ(vfs_create(DIR_PATH "/f", KEEL_S_IFREG | 0644, 1000, NULL), -EACCES);
	KEXPECT_EQ(vfs_create(DIR_PATH "/f", KEEL_S_IFREG | 0600, 0, NULL), 0);
	struct file *f;
	KEXPECT_EQ(vfs_open(DIR_PATH "/f", O_RDONLY, 0, 1000, &f), -EACCES);
	KEXPECT_EQ(vfs_unlink(DIR_PATH "/f", 1000), -EACCES);
	KEXPECT_EQ(vfs_rename(DIR_PATH "/f", DIR_PATH "/g", 1000), -EACCES);
	KEXPECT_EQ(vfs_open(DIR_PATH "/f", O_RDWR, 0, 0, &f), 0);
	file_put(f);
	KEXPECT_EQ(vfs_unlink(DIR_PATH "/f", 0), 0);
	KEXPECT_EQ(vfs_rmdir(DIR_PATH, 0), 0);
}

KTEST(vfs, dev_is_a_mounted_file_system)
{
	struct keel_stat st;
	struct vnode *up, *root;

	KEXPECT_EQ(vfs_stat("/dev/null", true, 0, &st), 0);
	KEXPECT_EQ(st.mode, KEEL_S_IFCHR | 0666);
	KEXPECT_EQ(vfs_stat("/dev/nothing", true, 0, &st), -ENOENT);
	/* ".." from devfs's root leaves through the directory it covers (a symlink target's ".."). */
	KEXPECT_EQ(vfs_create(DIR_PATH, KEEL_S_IFDIR | 0755, 0, NULL), 0);
	KEXPECT_EQ(vfs_symlink("/dev/..", DIR_PATH "/up", 0), 0);
	if (vfs_lookup(DIR_PATH "/up", true, 0, &up) == 0) {
		KEXPECT_EQ(vfs_lookup("/", true, 0, &root), 0);
		KEXPECT(up == root);
		vnode_put(up);
		vnode_put(root);
	} else {
		KEXPECT(!"the link to /dev/.. resolves");
	}
	KEXPECT_EQ(vfs_unlink(DIR_PATH "/up", 0), 0);
	KEXPECT_EQ(vfs_create("/dev/x", KEEL_S_IFREG | 0644, 0, NULL), -EROFS);
	KEXPECT_EQ(vfs_rmdir("/dev", 0), -EBUSY);
	KEXPECT_EQ(vfs_rename("/dev/null", DIR_PATH "/null", 0), -EROFS);
	KEXPECT_EQ(vfs_rmdir(DIR_PATH, 0), 0);
}

KTEST(vfs, every_directory_on_a_path_needs_search_permission)
{
	struct keel_stat st;
	struct file *f;

	KEXPECT_EQ(vfs_create(DIR_PATH, KEEL_S_IFDIR | 0700, 0, NULL), 0);
	KEXPECT_EQ(vfs_create(DIR_PATH "/sub", KEEL_S_IFDIR | 0777, 0, NULL), 0);
	KEXPECT_EQ(vfs_create(DIR_PATH "/sub/f", KEEL_S_IFREG | 0666, 0, NULL), 0);
	KEXPECT_EQ(vfs_symlink(DIR_PATH "/sub/f", "/ktest-ramfs-link", 0), 0);
	/* The file and the directory above it let anyone in; the directory above that does not. */
	KEXPECT_EQ(vfs_stat(DIR_PATH "/sub/f", true, 1000, &st), -EACCES);
	KEXPECT_EQ(vfs_stat(DIR_PATH "/nothing", true, 1000, &st), -EACCES);
	KEXPECT_EQ(vfs_stat("/ktest-ramfs-link", true, 1000, &st), -EACCES);
	KEXPECT_EQ(vfs_stat("/ktest-ramfs-link", false, 1000, &st), 0);
	KEXPECT_EQ(vfs_open(DIR_PATH "/sub/f", O_RDONLY, 0, 1000, &f), -EACCES);
	KEXPECT_EQ(vfs_open(DIR_PATH "/sub/g", O_WRONLY | O_CREAT, 0644, 1000, &f), -EACCES);
	KEXPECT_EQ(vfs_unlink(DIR_PATH "/sub/f", 1000), -EACCES);
	KEXPECT_EQ(vfs_rename(DIR_PATH "/sub/f", "/tmp-ktest-f", 1000), -EACCES);
	KEXPECT_EQ(vfs_stat(DIR_PATH "/sub/f", true, 0, &st), 0);
	KEXPECT_EQ(vfs_unlink("/ktest-ramfs-link", 0), 0);
	KEXPECT_EQ(vfs_unlink(DIR_PATH "/sub/f", 0), 0);
	KEXPECT_EQ(vfs_rmdir(DIR_PATH "/sub", 0), 0);
	KEXPECT_EQ(vfs_rmdir(DIR_PATH, 0), 0);
}

KTEST(vfs, sticky_directory_limits_removal_to_the_owners)
{
	struct vnode *d;

	KEXPECT_EQ(vfs_create(DIR_PATH, KEEL_S_IFDIR | 0777, 0, NULL), 0);
	if (vfs_lookup(DIR_PATH, true, 0, &d) == 0) {
		d->ops->chmod(d, KEEL_S_ISVTX | 0777);
		vnode_put(d);
	}
	KEXPECT_EQ(vfs_create(DIR_PATH "/root", KEEL_S_IFREG | 0666, 0, NULL), 0);
	KEXPECT_EQ(vfs_create(DIR_PATH "/rootdir", KEEL_S_IFDIR | 0777, 0, NULL), 0);
	KEXPECT_EQ(vfs_create(DIR_PATH "/guest", KEEL_S_IFREG | 0644, 1000, NULL), 0);
	KEXPECT_EQ(vfs_unlink(DIR_PATH "/root", 1000), -EPERM);
	KEXPECT_EQ(vfs_rmdir(DIR_PATH "/rootdir", 1000), -EPERM);
	KEXPECT_EQ(vfs_rename(DIR_PATH "/root", DIR_PATH "/mine", 1000), -EPERM);
	KEXPECT_EQ(vfs_rename(DIR_PATH "/guest", DIR_PATH "/root", 1000), -EPERM);
	KEXPECT_EQ(vfs_unlink(DIR_PATH "/guest", 1001), -EPERM);
	/* The entry's owner may. */
	KEXPECT_EQ(vfs_rename(DIR_PATH "/guest", DIR_PATH "/guest2", 1000), 0);
	KEXPECT_EQ(vfs_unlink(DIR_PATH "/guest2", 1000), 0);
	KEXPECT_EQ(vfs_unlink(DIR_PATH "/root", 0), 0);
	KEXPECT_EQ(vfs_rmdir(DIR_PATH "/rootdir", 0), 0);
	KEXPECT_EQ(vfs_rmdir(DIR_PATH, 0), 0);
}
