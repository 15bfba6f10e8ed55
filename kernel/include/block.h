/*
 * Block devices: disks (virtio-blk, NVMe) and their partitions behind one interface, as
 * xv6's virtio_disk.c and bio.c see a disk: read or write whole sectors, flush, a size
 * and a sector size. Drivers register a device; block.c lists it in the boot log, reads
 * its partition table (part.c) and gives it and each partition a node under /dev named
 * as Linux names them (vda, vda1, nvme0n1, nvme0n1p1), which opens as a file that reads
 * and writes at byte offsets. See doc/storage.md.
 */
#ifndef KEEL_BLOCK_H
#define KEEL_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lock.h"
#include "sched.h"
#include "vfs.h"

#define BLOCK_DEV_MAX		32	/* disks and partitions together */
#define BLOCK_NAME_MAX		16
#define BLOCK_XFER_MAX		262144	/* bytes a driver is asked to move at once */
#define BLOCK_TIMEOUT_MS	5000	/* a request the device has not finished by then fails */
#define BLOCK_INO_FIRST		1000	/* devfs inode numbers of block devices, after its own */

struct block_dev;

/*
 * What a driver does. lba and count are in the device's sectors; count * sector_size is
 * at most BLOCK_XFER_MAX; buf is kernel memory anywhere (the driver bounces it through
 * its own DMA buffer). Each returns 0, or -EIO when the device failed or timed out.
 * block.c calls them one at a time per disk, from a process (they may sleep).
 */
struct block_ops {
	int (*read)(struct block_dev *d, uint64_t lba, uint32_t count, void *buf);
	int (*write)(struct block_dev *d, uint64_t lba, uint32_t count, const void *buf);
	int (*flush)(struct block_dev *d);	/* NULL: the device has no write cache */
};

struct block_dev {
	struct vnode vnode;		/* its node under /dev; first, so the node finds it */
	char name[BLOCK_NAME_MAX];
	const struct block_ops *ops;	/* a partition's are its disk's */
	uint64_t sectors;
	uint32_t sector_size;
	uint64_t start;			/* a partition's first sector on its disk; 0 for a disk */
	struct block_dev *disk;		/* the disk a partition is part of; itself for a disk */
	void *priv;			/* the driver's */
	/* A disk's: the one request at a time that its driver is given. */
	struct lock lock;
	bool busy;
	struct waitq idle;
};

/*
 * Registers a disk a driver has set up (name, ops, sectors, sector_size, priv filled):
 * logs it, reads its partition table and registers the partitions. Returns 0, or -ENOSPC
 * when BLOCK_DEV_MAX devices exist already.
 */
int block_register_disk(struct block_dev *d);

/* Returns the index-th registered device (disks and partitions), or NULL past the last. */
struct block_dev *block_at(int index);

/* Returns the device called name (len bytes), or NULL. */
struct block_dev *block_find(const char *name, size_t len);

/*
 * Reads or writes count sectors at lba of d (a disk or a partition, whose bounds are
 * checked), in pieces a driver takes. Returns 0, -EINVAL past the end, -EIO.
 */
int block_read(struct block_dev *d, uint64_t lba, uint64_t count, void *buf);
int block_write(struct block_dev *d, uint64_t lba, uint64_t count, const void *buf);

/* Asks d's disk to put what it has cached on the medium. Returns 0 or -EIO. */
int block_flush(struct block_dev *d);

/*
 * Calls fn(arg) on every interrupt of the PCI line line (0-15), along with the other
 * drivers on it: INTx lines are shared, so fn checks whether its device interrupted.
 * Returns 0, or -EINVAL for a line beyond the PIC's or too many handlers.
 */
int block_irq_attach(unsigned line, void (*fn)(void *), void *arg);

/* Finds the disks on the PCI buses and starts their drivers (virtio-blk, NVMe). */
void block_init(bool quiet);

/*
 * For devfs (fs/dev.c): the node of the device called name (len bytes) with its mount
 * set to mount, or NULL; and the index-th device's directory entry (1, or 0 past the last).
 * The nodes read and write at byte offsets through vnode_ops, so they open as files of
 * vfile.c, which seeks and stats them too.
 */
struct vnode *block_lookup_node(const char *name, size_t len, struct vfs_mount *mount);
int block_dirent(uint64_t index, struct keel_dirent *d);

/* The drivers' entry points (block_init calls them for each PCI function they claim). */
struct pci_dev;
int virtio_blk_start(struct pci_dev *pd);
int nvme_start(struct pci_dev *pd);


#endif
