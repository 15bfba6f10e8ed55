/*
 * Self-tests of the ramfs as the kernel builds it, on the live tree (the host unit test,
 * tests/unit/test_ramfs.c, covers the rest): a file written across pages and read back,
 * with every heap block returned once it is unlinked, and a directory's life through
 * rename and readdir. Everything happens under /ktest-ramfs, removed at the end.
 */
#include "heap.h"
#include "ktest.h"
#include "ramfs.h"
#include <keel/errno.h>

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
	uint64_t before = heap_blocks();
	struct ramfs_node *n;

	KEXPECT_EQ(ramfs_mkdir(DIR_PATH, 0755, 0, 0), 0);
	KEXPECT_EQ(ramfs_create(DIR_PATH "/f", 0644, 0, 0, &n), 0);
	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] = (unsigned char)(i * 13 + 7);
	KEXPECT_EQ(ramfs_write(n, 100, pat, sizeof(pat) - 100), sizeof(pat) - 100);
	KEXPECT_EQ(ramfs_read(n, 0, got, sizeof(got)), sizeof(got));
	KEXPECT(got[0] == 0 && got[99] == 0);
	KEXPECT(memcmp(got + 100, pat, sizeof(pat) - 100) == 0);
	ramfs_get(n);
	KEXPECT_EQ(ramfs_unlink(DIR_PATH "/f"), 0);
	KEXPECT_EQ(ramfs_read(n, RAMFS_PAGE, got, 10), 10);
	ramfs_put(n);
	KEXPECT_EQ(ramfs_rmdir(DIR_PATH), 0);
	KEXPECT_EQ(heap_blocks(), before);
}

KTEST(ramfs, rename_and_readdir_keep_names_sorted)
{
	struct keel_dirent d;
	struct ramfs_node *dir;

	KEXPECT_EQ(ramfs_mkdir(DIR_PATH, 0755, 0, 0), 0);
	KEXPECT_EQ(ramfs_mkdir(DIR_PATH "/b", 0755, 0, 0), 0);
	KEXPECT_EQ(ramfs_create(DIR_PATH "/c", 0644, 0, 0, NULL), 0);
	KEXPECT_EQ(ramfs_symlink("c", DIR_PATH "/d", 0, 0), 0);
	KEXPECT_EQ(ramfs_rename(DIR_PATH "/c", DIR_PATH "/a"), 0);
	KEXPECT_EQ(ramfs_rename(DIR_PATH "/b", DIR_PATH "/b/x"), -EINVAL);
	KEXPECT_EQ(ramfs_lookup(DIR_PATH, false, &dir), 0);
	KEXPECT_EQ(ramfs_readdir(dir, 0, &d), 1);
	KEXPECT_STREQ(d.name, "a");
	KEXPECT_EQ(ramfs_readdir(dir, 2, &d), 1);
	KEXPECT_STREQ(d.name, "d");
	KEXPECT_EQ(ramfs_readdir(dir, 3, &d), 0);
	KEXPECT_EQ(ramfs_lookup(DIR_PATH "/d", true, &dir), -ENOENT);	/* d -> c, now a */
	KEXPECT_EQ(ramfs_rmdir(DIR_PATH), -ENOTEMPTY);
	KEXPECT_EQ(ramfs_unlink(DIR_PATH "/a"), 0);
	KEXPECT_EQ(ramfs_unlink(DIR_PATH "/d"), 0);
	KEXPECT_EQ(ramfs_rmdir(DIR_PATH "/b"), 0);
	KEXPECT_EQ(ramfs_rmdir(DIR_PATH), 0);
}
