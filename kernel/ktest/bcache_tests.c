/*
 * Self-test of the block cache's shrinker through the real frame allocator: a disk in
 * memory fills every buffer of the cache, then the test takes every free frame there is.
 * pmm_alloc, finding none, must ask the cache, which gives back the pages of its clean
 * buffers beyond BCACHE_KEEP (and keeps a dirty one's); once the frames are back, the
 * dirty block still reads and syncs. The host's test_bcache covers the cache's side alone.
 */
#include "arch.h"
#include "bcache.h"
#include "heap.h"
#include "ktest.h"
#include "mm.h"
#include "pmm.h"
#include <keel/errno.h>

#define RD_SECTORS	((uint64_t)(BCACHE_COUNT + 16) * (BCACHE_BLOCK / 512))

static uint8_t *rd_bytes;

static int rd_read(struct block_dev *d, uint64_t lba, uint32_t count, void *buf)
{
	(void)d;
	memcpy(buf, rd_bytes + lba * 512, (size_t)count * 512);
	return 0;
}

static int rd_write(struct block_dev *d, uint64_t lba, uint32_t count, const void *buf)
{
	(void)d;
	memcpy(rd_bytes + lba * 512, buf, (size_t)count * 512);
	return 0;
}

static const struct block_ops rd_ops = { .read = rd_read, .write = rd_write };

/* Not registered (no /dev node, no partitions): the cache keys its buffers by it, so it stays. */
static struct block_dev rd = { .name = "ktestrd", .ops = &rd_ops, .sectors = RD_SECTORS,
			       .sector_size = 512, .disk = &rd, .lock = LOCK_INIT("ktestrd") };

struct held {
	struct held *next;
};

static long rd_io(uint64_t off, void *buf, size_t len, bool write)
{
	struct iobuf b = { buf, false };

	return bcache_io(&rd, off, &b, len, write);
}

KTEST(bcache, pages_go_back_when_frames_run_out)
{
	struct bcache_stats before, after;
	struct held *list = NULL, *h;
	uint64_t pa, taken = 0;
	uint8_t byte, k = 'K';

	if (!bcache_ready())
		KEXPECT_EQ(bcache_init(), 0);
	if (!rd_bytes && !(rd_bytes = kzalloc(RD_SECTORS * 512))) {
		KEXPECT(rd_bytes != NULL);
		return;
	}
	for (uint64_t b = 0; b < BCACHE_COUNT; b++)
		KEXPECT_EQ(rd_io(b * BCACHE_BLOCK, &byte, 1, false), 1);
	KEXPECT_EQ(rd_io(0, &k, 1, true), 1);
	bcache_get_stats(&before);
	KEXPECT_EQ(before.held, BCACHE_COUNT);

	/* Every frame, the cache's pages among them once pmm_alloc has asked for those. */
	while ((pa = pmm_alloc()) != 0) {
		h = phys_to_virt(pa);
		h->next = list;
		list = h;
		taken++;
	}
	bcache_get_stats(&after);
	while (list) {
		h = list;
		list = h->next;
		pmm_free((uint64_t)h - (uint64_t)phys_to_virt(0));
	}

	KEXPECT_EQ(after.given_back - before.given_back, BCACHE_COUNT - BCACHE_KEEP - 1);
	KEXPECT_EQ(after.held, BCACHE_KEEP + 1);
	KEXPECT(taken > BCACHE_COUNT - BCACHE_KEEP);
	KEXPECT_EQ(rd_io(0, &byte, 1, false), 1);
	KEXPECT_EQ(byte, 'K');
	KEXPECT_EQ(bcache_sync(), 0);
	KEXPECT_EQ(rd_bytes[0], 'K');
}
