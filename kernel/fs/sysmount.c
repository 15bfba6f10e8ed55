/*
 * The mount calls (SYS_mount 56, SYS_umount 57, SYS_mountinfo 59): root mounts a block
 * device's file system on a directory, unmounts it when nothing there is open or any
 * process's current directory, and anyone may list the mounts (keel/mount.h). And
 * SYS_reboot (60), which writes everything back before it halts or resets the machine.
 */
#include "arch.h"
#include "bcache.h"
#include "block.h"
#include "fat.h"
#include "lib.h"
#include "proc.h"
#include "syscall.h"
#include "uaccess.h"
#include "vfs.h"
#include <keel/errno.h>
#include <keel/mount.h>
#include <keel/syscall.h>

#define DEV_PREFIX	"/dev/"

/* The file system types a disk may hold, by the names mount(8) knows them by. */
static const struct {
	const char *name;
	const struct vfs_type *type;
} types[] = {
	{ "vfat", &fat_type },
	{ "fat", &fat_type },
	{ "msdos", &fat_type },
};

/* Copies an optional user string (NULL: "") into buf of max bytes. Returns 0 or -errno. */
static int opt_string(uint64_t u, char *buf, size_t max)
{
	long n;

	buf[0] = '\0';
	if (!u)
		return 0;
	n = strncpy_from_user(buf, (const char *)u, max);
	return n < 0 ? (int)n : 0;
}

long sys_mount(const uint64_t *a)
{
	char dev[KEEL_PATH_MAX + 1], dir[KEEL_PATH_MAX + 1];
	char fstype[KEEL_MOUNT_TYPE_MAX], opts[KEEL_MOUNT_OPTS_MAX];
	const struct vfs_type *type = NULL;
	struct keel_stat st;
	struct block_dev *bd;
	int err;

	if (proc_current()->uid != 0)
		return -EPERM;
	if ((err = path_from_user((const char *)a[0], dev)) != 0 ||
	    (err = path_from_user((const char *)a[1], dir)) != 0 ||
	    (err = opt_string(a[2], fstype, sizeof(fstype))) != 0 ||
	    (err = opt_string(a[3], opts, sizeof(opts))) != 0)
		return err;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (fstype[0] == '\0' || strcmp(fstype, types[i].name) == 0) {
			type = types[i].type;
			break;
		}
	if (!type)
		return -ENODEV;
	if ((err = vfs_stat(dev, true, 0, &st)) != 0)
		return err;
	/* A block device's node is /dev/NAME (devfs has no other directories). */
	if (!KEEL_S_ISBLK(st.mode) || strncmp(dev, DEV_PREFIX, strlen(DEV_PREFIX)) != 0 ||
	    !(bd = block_find(dev + strlen(DEV_PREFIX), strlen(dev + strlen(DEV_PREFIX)))))
		return -ENOTBLK;
	if (strlen(dev) >= KEEL_MOUNT_DEV_MAX)
		return -ENAMETOOLONG;
	return vfs_mount_dev(dir, type, bd, dev, opts);
}

/* Whether path is dir or lies below it. */
static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

long sys_umount(const uint64_t *a)
{
	char dir[KEEL_PATH_MAX + 1];
	int err;

	if (proc_current()->uid != 0)
		return -EPERM;
	if ((err = path_from_user((const char *)a[0], dir)) != 0)
		return err;
	/* A process working in there holds it as an open directory would. */
	for (int i = 0; i < PROC_MAX; i++) {
		struct proc *p = proc_at(i);
		if (p->state != P_UNUSED && p->state != P_ZOMBIE && under(p->cwd, dir))
			return -EBUSY;
	}
	return vfs_umount(dir);
}

long sys_mountinfo(const uint64_t *a)
{
	struct keel_mountinfo m;
	int r;

	if (a[0] > VFS_MOUNT_MAX)
		return 0;
	if ((r = vfs_mountinfo((int)a[0], &m)) == 1 && copy_to_user((void *)a[1], &m, sizeof(m)) != 0)
		return -EFAULT;
	return r;
}

long sys_reboot(const uint64_t *a)
{
	int err;

	if (proc_current()->uid != 0)
		return -EPERM;
	if ((a[0] != KEEL_REBOOT_HALT && a[0] != KEEL_REBOOT_RESTART) || a[1] != KEEL_REBOOT_MAGIC)
		return -EINVAL;
	/* The programs unmounted what they could; whatever is still mounted is written back. */
	if ((err = bcache_sync()) != 0)
		kprintf("[!!] reboot: the disks could not all be written back (error %d)\n", -err);
	if (a[0] == KEEL_REBOOT_RESTART) {
		kprintf("keel: restarting\n");
		arch_reset();
	}
	kprintf("keel: halted\n");
	qemu_exit(QEMU_EXIT_PASS);
	arch_halt();
}
