/*
 * The file system as user space sees it: file types and permission bits (Linux's values,
 * which are also cpio's), the limits on names and paths, and the records that stat and
 * readdir fill in.
 */
#ifndef KEEL_UAPI_FS_H
#define KEEL_UAPI_FS_H

#include <stdint.h>

#define KEEL_NAME_MAX	63	/* bytes in one path component */
#define KEEL_PATH_MAX	255	/* bytes in a whole path */

#define KEEL_S_IFMT	0170000
#define KEEL_S_IFIFO	0010000		/* a pipe (fstat of either end) */
#define KEEL_S_IFCHR	0020000		/* a device: /dev/null, /dev/tty (and sockets' fstat) */
#define KEEL_S_IFDIR	0040000
#define KEEL_S_IFBLK	0060000		/* a disk or partition: /dev/vda, /dev/nvme0n1p1 */
#define KEEL_S_IFREG	0100000
#define KEEL_S_IFLNK	0120000
#define KEEL_S_PERM	0007777

#define KEEL_S_ISDIR(m)	(((m) & KEEL_S_IFMT) == KEEL_S_IFDIR)
#define KEEL_S_ISREG(m)	(((m) & KEEL_S_IFMT) == KEEL_S_IFREG)
#define KEEL_S_ISLNK(m)	(((m) & KEEL_S_IFMT) == KEEL_S_IFLNK)
#define KEEL_S_ISFIFO(m)	(((m) & KEEL_S_IFMT) == KEEL_S_IFIFO)
#define KEEL_S_ISCHR(m)	(((m) & KEEL_S_IFMT) == KEEL_S_IFCHR)
#define KEEL_S_ISBLK(m)	(((m) & KEEL_S_IFMT) == KEEL_S_IFBLK)

struct keel_stat {
	uint32_t ino;
	uint32_t mode;		/* type and permission bits */
	uint32_t uid, gid;
	uint32_t nlink;
	uint32_t reserved;
	uint64_t size;		/* bytes; for a symlink, the target's length */
	uint64_t mtime;		/* seconds since 1970, as the image had it; 0 for new files */
};

struct keel_dirent {
	uint32_t ino;
	uint32_t mode;
	char name[KEEL_NAME_MAX + 1];
};

#endif
