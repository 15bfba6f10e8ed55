/*
 * The mount calls' shared layout (SYS_mount 56, SYS_umount 57, SYS_mountinfo 59): what
 * mountinfo reports of each mounted file system, for the mount program's listing.
 */
#ifndef KEEL_UAPI_MOUNT_H
#define KEEL_UAPI_MOUNT_H

#include <stdint.h>

#define KEEL_MOUNT_DEV_MAX	32	/* bytes of a device's path, NUL included */
#define KEEL_MOUNT_TYPE_MAX	16	/* bytes of a file system type's name, NUL included */
#define KEEL_MOUNT_OPTS_MAX	64	/* bytes of the options, NUL included */

struct keel_mountinfo {
	char dev[KEEL_MOUNT_DEV_MAX];		/* "/dev/nvme0n1p1", or "none" for memory */
	char dir[256];				/* where: "/", "/dev", "/disk" */
	char fstype[KEEL_MOUNT_TYPE_MAX];	/* "ramfs", "devfs", "vfat" */
	char opts[KEEL_MOUNT_OPTS_MAX];		/* as given to mount ("uid=0,gid=0"), or "" */
};

#endif
