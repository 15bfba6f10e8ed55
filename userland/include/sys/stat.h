/* File status and directories: stat, fstat, mkdir, with the kernel's struct keel_stat. */
#ifndef KEEL_USER_SYS_STAT_H
#define KEEL_USER_SYS_STAT_H

#include <keel/fs.h>

#define S_IFMT		KEEL_S_IFMT
#define S_IFDIR		KEEL_S_IFDIR
#define S_IFREG		KEEL_S_IFREG
#define S_IFLNK		KEEL_S_IFLNK
#define S_IFCHR		KEEL_S_IFCHR
#define S_IFBLK		KEEL_S_IFBLK
#define S_ISDIR(m)	KEEL_S_ISDIR(m)
#define S_ISREG(m)	KEEL_S_ISREG(m)
#define S_ISLNK(m)	KEEL_S_ISLNK(m)
#define S_ISCHR(m)	KEEL_S_ISCHR(m)
#define S_ISBLK(m)	KEEL_S_ISBLK(m)

int stat(const char *path, struct keel_stat *st);
int fstat(int fd, struct keel_stat *st);
int mkdir(const char *path, unsigned mode);

#endif
