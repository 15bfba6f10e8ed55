/*
 * The block cache (drivers/bcache.c): the /dev nodes of block devices read and write
 * through it; writes reach the disk when a buffer is evicted or at bcache_sync.
 */
#ifndef KEEL_BCACHE_H
#define KEEL_BCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "block.h"
#include "uaccess.h"

#define BCACHE_BLOCK	4096	/* bytes a buffer holds: a page, whole sectors of any disk */
#define BCACHE_COUNT	256	/* buffers: 1 MiB at most */
#define BCACHE_KEEP	32	/* of them, those whose pages are never given back: 128 KiB */
#define BCACHE_FLUSH_MS	5000	/* the flusher writes dirty buffers back this often */
#define BCACHE_RUN	64	/* blocks a read that misses brings in at once: 256 KiB */

struct bcache_stats {
	uint64_t hits, misses, writebacks;
	uint64_t streamed;		/* blocks read past the buffers (long reads) */
	uint64_t held;			/* buffers that have a page now */
	uint64_t given_back;		/* pages given back under memory pressure, in all */
};

/* Allocates the buffers. Returns 0, or -ENOMEM (the /dev nodes then go straight to the disks). */
int bcache_init(void);

/*
 * Reads or writes len bytes at byte offset off of d (a disk or a partition) through the
 * cache, a partial block being read first. Returns the bytes moved (fewer at the end of
 * d), or -ENOSPC for a write at or past the end, -EIO, -EFAULT when nothing moved.
 */
long bcache_io(struct block_dev *d, uint64_t off, const struct iobuf *buf, size_t len,
	       bool write);

/*
 * bcache_io for a file system that orders its writes: cls (1 to BCACHE_CLASSES - 1) says
 * what the bytes are, and a dirty buffer reaches the disk only after every dirty buffer
 * of a lower class on the same disk has been written and flushed: FAT's allocation (1)
 * before file data (2) before directory entries (3), at eviction and at sync alike. A
 * buffer holding several classes counts as the highest. Class 0 (bcache_io) is unordered.
 */
#define BCACHE_CLASSES	4
long bcache_io_class(struct block_dev *d, uint64_t off, const struct iobuf *buf, size_t len,
		     bool write, uint8_t cls);

/* Whether the buffers exist (bcache_init succeeded); a file system needs them. */
bool bcache_ready(void);

/*
 * Writes every dirty buffer back (classes in order) and flushes the disks that were
 * written to; an idle cache costs nothing. Returns 0 or the first error.
 */
int bcache_writeback(void);

/*
 * Starts, once, the kernel thread that calls bcache_writeback every BCACHE_FLUSH_MS; the
 * first mount of a disk file system does (not boot: init must be process 1). Returns 0
 * or -errno.
 */
int bcache_start_flusher(void);

/* Writes every dirty buffer to its disk, then flushes each disk. Returns 0 or the first error. */
int bcache_sync(void);

/*
 * bcache_sync for d's disk alone: a file system calls it where the order of its writes
 * needs more than the classes give (before freeing what an entry no longer points at).
 */
int bcache_sync_dev(struct block_dev *d);

void bcache_get_stats(struct bcache_stats *s);

/*
 * The cache's pmm shrinker (bcache_init registers it): gives back the pages of clean
 * buffers beyond BCACHE_KEEP, unless a request is going through the cache. Dirty buffers
 * stay, and the flusher is woken to write them back, so that a later call frees them too.
 * Returns the pages given back.
 */
size_t bcache_shrink(void);

#endif
