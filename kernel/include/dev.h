/*
 * The devices under /dev (fs/dev.c): the devfs file system type that main mounts there,
 * and the operations of /dev/null, which the protocol's programs get as standard input.
 */
#ifndef KEEL_DEV_H
#define KEEL_DEV_H

#include "file.h"
#include "vfs.h"

#define DEV_DIR		"/dev"

extern const struct vfs_type devfs_type;
extern const struct file_ops null_fops;

#endif
