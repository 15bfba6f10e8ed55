/*
 * The block cache, after xv6's bio.c: BCACHE_COUNT buffers of BCACHE_BLOCK bytes of some
 * disk, kept in least-recently-used order, through which the /dev nodes read and write.
 * Writes are write-back: a buffer becomes dirty, and reaches its disk when it is evicted
 * or at bcache_sync (the sync system call), which also asks each disk to flush its own
 * cache. Buffers are keyed by the disk and the byte offset on it, so a partition and its
 * disk share them. One request at a time goes through the cache (its busy flag, waited
 * for on a wait queue, is held across the disk I/O and the copies): simple, and the
 * disks serialize their requests anyway.
 *
 * Memory: BCACHE_KEEP buffers get their page at bcache_init and keep it; the others get
 * one when the cache first needs them, and give it back when the frame allocator runs out
 * (bcache_shrink, a pmm shrinker), so the cache is bounded by BCACHE_COUNT pages and
 * shrinks to BCACHE_KEEP under pressure. A buffer without a page sits at the LRU list's
 * tail, so the cache grows again before it reuses pages.
 */
#include "bcache.h"
#include "heap.h"
#include "lib.h"
#include "pmm.h"
#include "proc.h"
#include "syscall.h"
#include <keel/errno.h>

struct bbuf {
	struct block_dev *disk;		/* NULL: holds nothing */
	uint64_t block;			/* its byte offset on the disk / BCACHE_BLOCK */
	uint32_t bytes;			/* BCACHE_BLOCK, less for a disk's short last block */
	bool dirty;
	uint8_t cls;			/* the highest write class it holds (bcache_io_class) */
	struct bbuf *prev, *next;	/* the LRU list: lru.next is the most recent */
	uint8_t *data;			/* a page, or NULL (then disk is NULL too) */
};

static struct {
	struct lock lock;		/* busy; taken alone by bcache_shrink */
	bool busy;
	struct waitq idle;
	struct bbuf bufs[BCACHE_COUNT];
	struct bbuf lru;
	struct bcache_stats stats;
	uint8_t *scratch;		/* a write's user bytes, before they touch a buffer */
	uint8_t *run;			/* BCACHE_RUN blocks read at once */
	uint8_t *wrun;			/* BCACHE_RUN blocks written at once (a read's run is in use then) */
	struct block_dev *seq_disk;	/* where the last read ended: one that starts there */
	uint64_t seq_pos;		/* reads ahead (a byte offset on seq_disk) */
	struct waitq flushq;		/* the flusher waits here between its rounds */
	bool flush_now;			/* bcache_shrink met dirty buffers: a round at once */
	bool ready;
} bc = { .lock = LOCK_INIT("bcache") };

static void unlink_buf(struct bbuf *b)
{
	b->prev->next = b->next;
	b->next->prev = b->prev;
}

static void push_front(struct bbuf *b)
{
	b->next = bc.lru.next;
	b->prev = &bc.lru;
	bc.lru.next->prev = b;
	bc.lru.next = b;
}

static void push_back(struct bbuf *b)
{
	b->prev = bc.lru.prev;
	b->next = &bc.lru;
	bc.lru.prev->next = b;
	bc.lru.prev = b;
}

int bcache_init(void)
{
	int i;

	bc.lru.next = bc.lru.prev = &bc.lru;
	for (i = 0; i < BCACHE_COUNT; i++) {
		bc.bufs[i] = (struct bbuf){ .data = NULL };
		push_back(&bc.bufs[i]);
	}
	for (i = 0; i < BCACHE_KEEP && (bc.bufs[i].data = kpage_alloc()); i++)
		;
	if (i < BCACHE_KEEP || !(bc.scratch = kmalloc(BCACHE_BLOCK)) ||
	    !(bc.run = kmalloc(BCACHE_RUN * BCACHE_BLOCK)) ||
	    !(bc.wrun = kmalloc(BCACHE_RUN * BCACHE_BLOCK))) {
		for (i = 0; i < BCACHE_KEEP; i++) {
			kpage_free(bc.bufs[i].data);
			bc.bufs[i].data = NULL;
		}
		kfree(bc.scratch);
		kfree(bc.run);
		bc.scratch = bc.run = NULL;
		return -ENOMEM;
	}
	/* The kept buffers in front: the LRU tail holds those without a page (see above). */
	for (i = BCACHE_KEEP - 1; i >= 0; i--) {
		unlink_buf(&bc.bufs[i]);
		push_front(&bc.bufs[i]);
	}
	bc.stats.held = BCACHE_KEEP;
	pmm_shrinker_register(bcache_shrink);
	bc.ready = true;
	return 0;
}

size_t bcache_shrink(void)
{
	size_t freed = 0;

	lock_acquire(&bc.lock);
	/* In use (by the very allocation that asks, maybe): nothing can be taken now. */
	if (bc.ready && !bc.busy) {
		for (int i = BCACHE_KEEP; i < BCACHE_COUNT; i++) {
			struct bbuf *b = &bc.bufs[i];
			if (b->data && b->dirty) {
				/* No I/O here: the flusher writes it now, and a later call frees it. */
				bc.flush_now = true;
				waitq_wake_all(&bc.flushq);
			}
			if (!b->data || b->dirty)
				continue;
			kpage_free(b->data);
			b->data = NULL;
			b->disk = NULL;
			unlink_buf(b);
			push_back(b);
			freed++;
		}
		bc.stats.held -= freed;
		bc.stats.given_back += freed;
	}
	lock_release(&bc.lock);
	return freed;
}

/*
 * The buffer to reuse: the least recent one, given a page if it has none; when no page
 * can be had, the least recent one with a page (the BCACHE_KEEP always have theirs).
 */
static struct bbuf *victim(void)
{
	struct bbuf *b = bc.lru.prev;

	if (b->data)
		return b;
	if ((b->data = kpage_alloc()) != NULL) {
		bc.stats.held++;
		return b;
	}
	while (!b->data)
		b = b->prev;
	return b;
}

static void take(void)
{
	lock_acquire(&bc.lock);
	while (bc.busy)
		waitq_wait_lock(&bc.idle, &bc.lock);
	bc.busy = true;
	lock_release(&bc.lock);
}

static void give(void)
{
	lock_acquire(&bc.lock);
	bc.busy = false;
	waitq_wake_all(&bc.idle);
	lock_release(&bc.lock);
}

static int write_one(struct bbuf *b)
{
	uint32_t ss = b->disk->sector_size;
	int r = block_write(b->disk, b->block * (BCACHE_BLOCK / ss), b->bytes / ss, b->data);

	if (r == 0) {
		b->dirty = false;
		b->cls = 0;
		bc.stats.writebacks++;
	}
	return r;
}

static struct bbuf *find(struct block_dev *disk, uint64_t block);

/* The dirty buffer of disk in class cls with the lowest block, or NULL. */
static struct bbuf *lowest_dirty(struct block_dev *disk, uint8_t cls)
{
	struct bbuf *low = NULL;

	for (int i = 0; i < BCACHE_COUNT; i++) {
		struct bbuf *b = &bc.bufs[i];
		if (b->disk == disk && b->dirty && b->cls == cls && (!low || b->block < low->block))
			low = b;
	}
	return low;
}

/*
 * Writes every dirty buffer of disk in class cls, runs of consecutive blocks (up to
 * BCACHE_RUN) in one request each, then has the disk flush them to its medium. Returns 0
 * or the first error.
 */
static int write_class(struct block_dev *disk, uint8_t cls)
{
	uint32_t ss = disk->sector_size;
	struct bbuf *b, *run[BCACHE_RUN];
	bool any = false;
	int r;

	while ((b = lowest_dirty(disk, cls))) {
		uint32_t n = 1, bytes = b->bytes;
		run[0] = b;
		memcpy(bc.wrun, b->data, b->bytes);
		while (n < BCACHE_RUN && bytes == n * BCACHE_BLOCK) {
			struct bbuf *nb = find(disk, b->block + n);
			if (!nb || !nb->dirty || nb->cls != cls)
				break;
			memcpy(bc.wrun + bytes, nb->data, nb->bytes);
			bytes += nb->bytes;
			run[n++] = nb;
		}
		if ((r = block_write(disk, b->block * (BCACHE_BLOCK / ss), bytes / ss, bc.wrun)) != 0)
			return r;
		for (uint32_t i = 0; i < n; i++) {
			run[i]->dirty = false;
			run[i]->cls = 0;
		}
		bc.stats.writebacks += n;
		any = true;
	}
	return any ? block_flush(disk) : 0;
}

/*
 * Writes b back, after (and flushed before it) every dirty buffer of a lower class on its
 * disk. A classed buffer takes every dirty one of its class along (b among them): a
 * file system dirties them in streams, and one flush for the lot is far cheaper than one
 * for each buffer evicted.
 */
static int writeback(struct bbuf *b)
{
	int r;

	if (b->cls == 0)
		return write_one(b);
	for (uint8_t c = 1; c <= b->cls && b->dirty; c++)
		if ((r = write_class(b->disk, c)) != 0)
			return r;
	return 0;
}

static struct bbuf *find(struct block_dev *disk, uint64_t block)
{
	for (struct bbuf *b = bc.lru.next; b != &bc.lru; b = b->next)
		if (b->disk == disk && b->block == block)
			return b;
	return NULL;
}

/* Makes b, the least recent buffer, hold block (bytes of data), clean and most recent. */
static void install(struct bbuf *b, struct block_dev *disk, uint64_t block,
		    const uint8_t *data, uint32_t bytes)
{
	b->disk = disk;
	b->block = block;
	b->bytes = bytes;
	b->dirty = false;
	memcpy(b->data, data, bytes);
	unlink_buf(b);
	push_front(b);
}

/* How many of the blocks from block on, at most n, are absent before the first cached one. */
static uint64_t absent_run(struct block_dev *disk, uint64_t block, uint64_t n)
{
	for (int i = 0; i < BCACHE_COUNT; i++) {
		const struct bbuf *b = &bc.bufs[i];
		if (b->disk == disk && b->block >= block && b->block - block < n)
			n = b->block - block;
	}
	return n;
}

/*
 * A read that misses at block brings in, with one request, up to BCACHE_RUN absent
 * blocks from there that the read wants (max; more when it reads on where the last read
 * ended: readahead), since a request per 4 KiB block costs the disk far more than the
 * bytes. Returns 0 or the read's error.
 */
static int fill_run(struct block_dev *disk, uint64_t block, uint64_t max)
{
	uint32_t ss = disk->sector_size;
	uint64_t disk_bytes = disk->sectors * ss, n, bytes;
	int r;

	if (find(disk, block))
		return 0;
	n = MIN(max, (uint64_t)BCACHE_RUN);
	n = MIN(n, (disk_bytes - block * BCACHE_BLOCK + BCACHE_BLOCK - 1) / BCACHE_BLOCK);
	n = MAX(absent_run(disk, block, n), 1);
	bytes = MIN(n * BCACHE_BLOCK, disk_bytes - block * BCACHE_BLOCK);
	if ((r = block_read(disk, block * (BCACHE_BLOCK / ss), bytes / ss, bc.run)) != 0)
		return r;
	bc.stats.misses += n;
	for (uint64_t i = 0; i < n; i++) {
		struct bbuf *b = victim();
		if (b->disk && b->dirty && writeback(b) != 0)
			break;		/* the rest will be read one by one */
		install(b, disk, block + i, bc.run + i * BCACHE_BLOCK,
			(uint32_t)MIN((uint64_t)BCACHE_BLOCK, bytes - i * BCACHE_BLOCK));
	}
	return 0;
}

/*
 * A long read (a stream: dd of a device, a large file) of BCACHE_RUN blocks none of
 * which is cached goes from one request straight to the reader, through bc.run: it
 * costs no lookups and no copies into buffers, and does not push out what others use
 * (scan resistance, as page caches do for sequential reads). Returns the bytes moved
 * (at most want, from pos) or an error; 0 when the cache must serve the read instead.
 */
static long stream(struct block_dev *disk, uint64_t pos, const struct iobuf *buf, size_t done,
		   size_t want)
{
	uint32_t ss = disk->sector_size, within = pos % BCACHE_BLOCK;
	uint64_t block = pos / BCACHE_BLOCK, disk_bytes = disk->sectors * ss, bytes;
	int r;

	if (within + want < (size_t)BCACHE_RUN * BCACHE_BLOCK ||
	    (block + BCACHE_RUN) * BCACHE_BLOCK > disk_bytes ||
	    absent_run(disk, block, BCACHE_RUN) < BCACHE_RUN)
		return 0;
	bytes = (uint64_t)BCACHE_RUN * BCACHE_BLOCK;
	if ((r = block_read(disk, block * (BCACHE_BLOCK / ss), bytes / ss, bc.run)) != 0)
		return r;
	bc.stats.streamed += BCACHE_RUN;
	want = MIN(want, (size_t)(bytes - within));
	return (r = iobuf_put(buf, done, bc.run + within, want)) != 0 ? r : (long)want;
}

/*
 * The buffer of disk's block, most recent now: found, or the least recent one reused
 * (written back first when dirty) and, when fill, read from the disk. NULL with *err
 * when a write-back or the read fails.
 */
static struct bbuf *get(struct block_dev *disk, uint64_t block, bool fill, int *err)
{
	uint32_t ss = disk->sector_size;
	uint64_t disk_bytes = disk->sectors * ss, off = block * BCACHE_BLOCK;
	struct bbuf *b;

	if ((b = find(disk, block))) {
		bc.stats.hits++;
		goto found;
	}
	bc.stats.misses++;
	b = victim();
	if (b->disk && b->dirty && (*err = writeback(b)) != 0)
		return NULL;		/* it stays, dirty, for the next sync to try */
	b->disk = disk;
	b->block = block;
	b->bytes = (uint32_t)MIN((uint64_t)BCACHE_BLOCK, disk_bytes - off);
	b->dirty = false;
	if (fill && (*err = block_read(disk, off / ss, b->bytes / ss, b->data)) != 0) {
		b->disk = NULL;
		return NULL;
	}
found:
	unlink_buf(b);
	push_front(b);
	return b;
}

bool bcache_ready(void)
{
	return bc.ready;
}

long bcache_io(struct block_dev *d, uint64_t off, const struct iobuf *buf, size_t len,
	       bool write)
{
	return bcache_io_class(d, off, buf, len, write, 0);
}

long bcache_io_class(struct block_dev *d, uint64_t off, const struct iobuf *buf, size_t len,
		     bool write, uint8_t cls)
{
	struct block_dev *disk = d->disk;
	uint64_t size = d->sectors * d->sector_size, base = d->start * d->sector_size;
	size_t done = 0;
	int r = 0;

	if (off >= size)
		return write ? -ENOSPC : 0;	/* as Linux says at a block device's end */
	len = MIN(len, size - off);
	take();
	bool ahead = !write && disk == bc.seq_disk && base + off == bc.seq_pos;
	while (done < len && r == 0) {
		uint64_t pos = base + off + done;
		uint32_t within = pos % BCACHE_BLOCK;
		size_t n = MIN(len - done, (size_t)(BCACHE_BLOCK - within));
		bool whole = within == 0 && n == BCACHE_BLOCK;
		struct bbuf *b;

		if (!write) {
			long got = stream(disk, pos, buf, done, len - done);
			if (got < 0) {
				r = (int)got;
				break;
			}
			if (got > 0) {
				done += (size_t)got;
				continue;
			}
		}
		/* A fault in the user's bytes must leave no buffer half changed. */
		if (write && (r = iobuf_get(buf, done, bc.scratch, n)) != 0)
			break;
		if (!write && (r = fill_run(disk, pos / BCACHE_BLOCK, ahead ? BCACHE_RUN :
					    (within + len - done + BCACHE_BLOCK - 1) / BCACHE_BLOCK)) != 0)
			break;
		if (!(b = get(disk, pos / BCACHE_BLOCK, !write || !whole, &r)))
			break;
		n = MIN(n, (size_t)(b->bytes - within));
		if (write) {
			memcpy(b->data + within, bc.scratch, n);
			b->dirty = true;
			b->cls = MAX(b->cls, cls);
		} else if ((r = iobuf_put(buf, done, b->data + within, n)) != 0) {
			break;
		}
		done += n;
	}
	if (!write) {
		bc.seq_disk = disk;
		bc.seq_pos = base + off + done;
	}
	give();
	return done > 0 ? (long)done : r;
}

int bcache_writeback(void)
{
	struct block_dev *d;
	int r = 0, e;

	if (!bc.ready)
		return 0;
	take();
	for (int i = 0; (d = block_at(i)); i++) {
		bool any = false;
		if (d->disk != d)
			continue;
		for (uint8_t c = 1; c < BCACHE_CLASSES; c++)
			if ((e = write_class(d, c)) != 0 && !r)
				r = e;
		for (int k = 0; k < BCACHE_COUNT; k++)
			if (bc.bufs[k].disk == d && bc.bufs[k].dirty) {
				if ((e = write_one(&bc.bufs[k])) != 0 && !r)
					r = e;
				any = true;
			}
		if (any && (e = block_flush(d)) != 0 && !r)
			r = e;
	}
	give();
	return r;
}

#ifndef KEEL_HOST_TEST
/*
 * The flusher: what a power cut can lose is at most BCACHE_FLUSH_MS old. Memory pressure
 * (bcache_shrink) calls a round early, so that dirty pages can be given back too.
 */
static void flusher(void)
{
	for (;;) {
		lock_acquire(&bc.lock);
		while (!bc.flush_now &&
		       waitq_wait_lock_timeout(&bc.flushq, &bc.lock, BCACHE_FLUSH_MS) == 0)
			;
		bc.flush_now = false;
		lock_release(&bc.lock);
		bcache_writeback();
	}
}

int bcache_start_flusher(void)
{
	static bool started;
	int pid;

	if (started)
		return 0;
	if ((pid = proc_start_kthread("kflush", flusher)) < 0)
		return pid;
	started = true;
	return 0;
}
#endif

int bcache_sync(void)
{
	struct block_dev *d;
	int r = 0, e;

	if (!bc.ready)
		return 0;
	take();
	/* The classes in their order, each flushed before the next (bcache_io_class). */
	for (uint8_t c = 1; c < BCACHE_CLASSES; c++)
		for (int i = 0; (d = block_at(i)); i++)
			if (d->disk == d && (e = write_class(d, c)) != 0 && !r)
				r = e;
	for (int i = 0; i < BCACHE_COUNT; i++)
		if (bc.bufs[i].disk && bc.bufs[i].dirty && (e = write_one(&bc.bufs[i])) != 0 && !r)
			r = e;
	give();
	for (int i = 0; (d = block_at(i)); i++)
		if (d->disk == d && (e = block_flush(d)) != 0 && !r)
			r = e;
	return r;
}

int bcache_sync_dev(struct block_dev *d)
{
	int r = 0;

	if (!bc.ready)
		return 0;
	take();
	for (uint8_t c = 1; c < BCACHE_CLASSES && r == 0; c++)
		r = write_class(d->disk, c);
	for (int i = 0; i < BCACHE_COUNT && r == 0; i++)
		if (bc.bufs[i].disk == d->disk && bc.bufs[i].dirty)
			r = write_one(&bc.bufs[i]);
	give();
	return r ? r : block_flush(d);
}

void bcache_get_stats(struct bcache_stats *s)
{
	*s = bc.stats;
}

/* sync(): anyone may ask, as in Unix; it only makes sure of what was written. */
long sys_sync(const uint64_t *a)
{
	(void)a;
	return bcache_sync();
}
