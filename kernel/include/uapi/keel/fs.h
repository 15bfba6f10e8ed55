/*
 * The file system as user space sees it: file types and permission bits (Linux's values,
 * which are also cpio's), the limits on names and paths, and the records that stat and
 * readdir fill in.
 */
#ifndef KEEL_UAPI_FS_H
#define KEEL_UAPI_FS_H

#include <stdint.h>

/*
 * Linux's NAME_MAX: a VFAT long name is up to 255 UTF-16 units, so a name of 255 bytes
 * must fit under a few directories (a UTF-8 name longer than this shows as its alias).
 */
#define KEEL_NAME_MAX	255	/* bytes in one path component */
#define KEEL_PATH_MAX	1023	/* bytes in a whole path */

#define KEEL_S_IFMT	0170000
#define KEEL_S_IFIFO	0010000		/* a pipe (fstat of either end) */
#define KEEL_S_IFCHR	0020000		/* a device: /dev/null, /dev/tty (and sockets' fstat) */
#define KEEL_S_IFDIR	0040000
#define KEEL_S_IFBLK	0060000		/* a disk or partition: /dev/vda, /dev/nvme0n1p1 */
#define KEEL_S_IFREG	0100000
#define KEEL_S_IFLNK	0120000
#define KEEL_S_PERM	0007777
#define KEEL_S_ISUID	0004000		/* ignored: see doc/security.md */
#define KEEL_S_ISGID	0002000		/* ignored likewise */
#define KEEL_S_ISVTX	0001000		/* sticky: only owners remove or rename entries */

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

/* poll: one entry per descriptor, laid out as POSIX's struct pollfd; Linux's bit values. */
struct keel_pollfd {
	int32_t fd;		/* negative: the entry is skipped (revents 0) */
	int16_t events;		/* what the caller waits for: KEEL_POLLIN, KEEL_POLLOUT */
	int16_t revents;	/* what holds: those of events, and ERR, HUP, NVAL always */
};

#define KEEL_POLLIN	0x0001	/* a read would not block (data, or the end of file) */
#define KEEL_POLLOUT	0x0004	/* a write would not block */
#define KEEL_POLLERR	0x0008	/* a write would fail: a pipe with no reader left */
#define KEEL_POLLHUP	0x0010	/* the other end is gone: a pipe with no writer left */
#define KEEL_POLLNVAL	0x0020	/* fd is not open */
#define KEEL_POLL_MAX	256	/* entries one poll call takes */

#endif
