/*
 * Unit tests of kernel/drivers/bcache.c on the host, over a disk in memory that counts
 * its reads and writes and can be told to fail: reads are cached, writes stay in the
 * cache until sync or eviction (write-back), a partial write keeps the rest of its block,
 * a whole-block write reads nothing, eviction takes the least recently used block, a
 * partition and its disk share buffers, and failures leave nothing half done.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bcache.h>
#include <heap.h>
#include <pmm.h>
#include <keel/errno.h>
#include "tap.h"

#define SS	512

static struct {
	uint8_t *bytes;
	int reads, writes, flushes;
	bool fail_read, fail_write;
	bool shrink_in_read;		/* a read asks the cache's shrinker, as an allocation there would */
	long shrunk_in_read;
} fake;
static struct block_dev disk, part;

/* Pages, which can be made to run out; the shrinker the cache registers, to call as pmm would. */
static struct { int live; bool out; pmm_shrinker shrinker; } pages;
void *kpage_alloc(void)
{
	if (pages.out)
		return NULL;
	pages.live++;
	return aligned_alloc(4096, 4096);
}
void kpage_free(void *p) { if (p) { pages.live--; free(p); } }
int pmm_shrinker_register(pmm_shrinker fn) { pages.shrinker = fn; return 0; }

/* --- What bcache.c calls: the block layer, the lock API, the heap, user copies. */
int block_read(struct block_dev *d, uint64_t lba, uint64_t count, void *buf)
{
	if (lba + count > d->sectors) {
		ok(false, "a read inside the disk (LBA %llu + %llu)", (unsigned long long)lba,
		   (unsigned long long)count);
		return -EINVAL;
	}
	fake.reads++;
	if (fake.shrink_in_read)
		fake.shrunk_in_read = (long)pages.shrinker();
	if (fake.fail_read)
		return -EIO;
	memcpy(buf, fake.bytes + (d->start + lba) * SS, count * SS);
	return 0;
}

int block_write(struct block_dev *d, uint64_t lba, uint64_t count, const void *buf)
{
	if (lba + count > d->sectors) {
		ok(false, "a write inside the disk");
		return -EINVAL;
	}
	fake.writes++;
	if (fake.fail_write)
		return -EIO;
	memcpy(fake.bytes + (d->start + lba) * SS, buf, count * SS);
	return 0;
}

int block_flush(struct block_dev *d) { (void)d; fake.flushes++; return 0; }
struct block_dev *block_at(int index) { return index == 0 ? &disk : index == 1 ? &part : NULL; }
void lock_acquire(struct lock *l) { l->held = true; }
void lock_release(struct lock *l) { l->held = false; }
int waitq_wait_lock(struct waitq *wq, struct lock *l) { (void)wq, (void)l; return 0; }
void waitq_wake_all(struct waitq *wq) { (void)wq; }
void *kmalloc(size_t size) { return malloc(size); }
void kfree(void *p) { free(p); }

int copy_to_user(void *d, const void *s, size_t n) { (void)d, (void)s, (void)n; return -EFAULT; }
int copy_from_user(void *d, const void *s, size_t n) { (void)d, (void)s, (void)n; return -EFAULT; }

/* A disk of 8 MiB + 1 sector (its last block is short); part starts at sector 3. */
#define DISK_SECTORS	(16384 + 1)

static void setup(void)
{
	fake.bytes = malloc(DISK_SECTORS * SS);
	for (size_t i = 0; i < DISK_SECTORS * SS; i++)
		fake.bytes[i] = (uint8_t)(i * 7 + i / SS);
	disk = (struct block_dev){ .name = "vda", .sectors = DISK_SECTORS, .sector_size = SS };
	disk.disk = &disk;
	part = (struct block_dev){ .name = "vda1", .sectors = 1000, .sector_size = SS,
				   .start = 3, .disk = &disk };
}

static long io(struct block_dev *d, uint64_t off, void *buf, size_t len, bool write)
{
	struct iobuf b = { buf, false };

	return bcache_io(d, off, &b, len, write);
}

static void test_reads(void)
{
	uint8_t buf[6000];
	struct bcache_stats st;

	fake.reads = 0;
	is_int(io(&disk, 100, buf, 6000, false), 6000, "a read across two blocks gives all its bytes");
	ok(memcmp(buf, fake.bytes + 100, 6000) == 0, "the bytes are the disk's");
	is_int(fake.reads, 1, "the two blocks came from the disk in one request");
	io(&disk, 200, buf, 100, false);
	io(&disk, 5000, buf, 100, false);
	is_int(fake.reads, 1, "reading them again does not reach the disk");
	bcache_get_stats(&st);
	ok(st.hits >= 1, "and counts as a hit");
	is_int(io(&disk, (uint64_t)DISK_SECTORS * SS - 10, buf, 100, false), 10,
	       "a read at the end of the short last block stops at the disk's end");
	is_int(io(&disk, (uint64_t)DISK_SECTORS * SS, buf, 100, false), 0, "a read at the end gives 0");
	is_int(io(&disk, (uint64_t)DISK_SECTORS * SS, buf, 1, true), -ENOSPC, "a write at the end is ENOSPC");
}

static void test_runs(void)
{
	static uint8_t buf[11 * BCACHE_BLOCK];
	uint8_t b;

	io(&disk, 101 * BCACHE_BLOCK, &b, 1, false);	/* block 101 cached */
	io(&disk, 105 * BCACHE_BLOCK, "X", 1, true);	/* block 105 cached and dirty */
	fake.reads = 0;
	is_int(io(&disk, 100 * BCACHE_BLOCK, buf, sizeof(buf), false), (long)sizeof(buf),
	       "an 11-block read around cached blocks gives all its bytes");
	is_int(fake.reads, 3, "the absent runs (100, 102-104, 106-110) came in one request each");
	ok(memcmp(buf, fake.bytes + 100 * BCACHE_BLOCK, 5 * BCACHE_BLOCK) == 0 &&
	   buf[5 * BCACHE_BLOCK] == 'X' &&
	   memcmp(buf + 5 * BCACHE_BLOCK + 1, fake.bytes + 105 * BCACHE_BLOCK + 1,
		  6 * BCACHE_BLOCK - 1) == 0,
	   "with the disk's bytes, and the cache's dirty one where it was written");
	bcache_sync();
}

static void test_write_back(void)
{
	uint8_t buf[BCACHE_BLOCK], before[BCACHE_BLOCK];
	uint64_t off = 10 * BCACHE_BLOCK;

	memcpy(before, fake.bytes + off, sizeof(before));
	fake.writes = 0;
	is_int(io(&disk, off + 5, "hello", 5, true), 5, "a partial write is taken");
	is_int(fake.writes, 0, "it does not reach the disk yet (write-back)");
	io(&disk, off, buf, sizeof(buf), false);
	ok(memcmp(buf + 5, "hello", 5) == 0, "a read sees it from the cache");
	ok(memcmp(buf, before, 5) == 0 && memcmp(buf + 10, before + 10, sizeof(buf) - 10) == 0,
	   "the rest of the block is the disk's");
	fake.flushes = 0;
	is_int(bcache_sync(), 0, "sync succeeds");
	ok(fake.writes == 1 && memcmp(fake.bytes + off + 5, "hello", 5) == 0,
	   "sync wrote the block to the disk, once");
	ok(fake.flushes >= 1, "sync flushed the disk");
	fake.writes = 0;
	bcache_sync();
	is_int(fake.writes, 0, "a second sync writes nothing");

	memset(buf, 'W', sizeof(buf));
	fake.reads = 0;
	io(&disk, 20 * BCACHE_BLOCK, buf, sizeof(buf), true);
	is_int(fake.reads, 0, "a whole-block write reads nothing from the disk");
	bcache_sync();
}

static void test_partition(void)
{
	uint8_t buf[16];

	is_int(io(&part, 1000, "PART", 4, true), 4, "a write through the partition");
	io(&disk, 3 * SS + 1000, buf, 4, false);
	ok(memcmp(buf, "PART", 4) == 0, "the disk sees it at the partition's start + offset");
	bcache_sync();
	ok(memcmp(fake.bytes + 3 * SS + 1000, "PART", 4) == 0, "and it lands there");
	is_int(io(&part, 1000 * SS, buf, 1, false), 0, "a read past the partition's end gives 0");
}

static void test_eviction(void)
{
	uint8_t b;
	uint64_t far = 2 * BCACHE_BLOCK;	/* blocks 2.. BCACHE_COUNT + 2 */

	io(&disk, 0, "D", 1, true);		/* block 0 dirty */
	fake.writes = 0;
	for (int i = 0; i < BCACHE_COUNT; i++) {
		if ((uint64_t)(i + 2) * BCACHE_BLOCK >= (uint64_t)DISK_SECTORS * SS)
			break;
		io(&disk, far + (uint64_t)i * BCACHE_BLOCK % ((uint64_t)DISK_SECTORS * SS - far), &b, 1, false);
	}
	ok(fake.writes >= 1 && fake.bytes[0] == 'D', "evicting a dirty block writes it back first");
	fake.reads = 0;
	io(&disk, 0, &b, 1, false);
	ok(b == 'D', "the evicted block reads back from the disk");
}

static void test_failures(void)
{
	uint8_t buf[8];
	uint64_t off = 400 * BCACHE_BLOCK;	/* a block nothing above touched */

	fake.fail_read = true;
	is_int(io(&disk, off, buf, 8, false), -EIO, "a failed disk read is EIO");
	fake.fail_read = false;
	is_int(io(&disk, off, buf, 8, false), 8, "the block is read afresh once the disk works");
	ok(memcmp(buf, fake.bytes + off, 8) == 0, "with the disk's bytes, not a failed read's");

	io(&disk, off, "F", 1, true);
	fake.fail_write = true;
	is_int(bcache_sync(), -EIO, "a failed write-back makes sync fail");
	fake.fail_write = false;
	fake.writes = 0;
	is_int(bcache_sync(), 0, "the next sync tries again and succeeds");
	ok(fake.writes == 1 && fake.bytes[off] == 'F', "the block stayed dirty until written");
	struct iobuf bad = { (void *)16, true };
	uint8_t keep = fake.bytes[off + 1];
	ok(bcache_io(&disk, off + 1, &bad, 1, true) == -EFAULT, "a write from a bad user address is EFAULT");
	io(&disk, off + 1, buf, 1, false);
	ok(buf[0] == keep, "and changed nothing in the cache");
}

static void test_shrink(void)
{
	struct bcache_stats st;
	uint8_t buf[8];
	uint64_t base = 600 * BCACHE_BLOCK;	/* blocks 600 to 600 + BCACHE_COUNT */

	for (int i = 0; i < BCACHE_COUNT; i++)
		io(&disk, base + (uint64_t)i * BCACHE_BLOCK, buf, 1, false);
	io(&disk, base, "S", 1, true);		/* one dirty buffer */
	bcache_get_stats(&st);
	is_int((long)st.held, BCACHE_COUNT, "reading BCACHE_COUNT blocks gives every buffer its page");
	is_int(pages.live, BCACHE_COUNT, "pages held: one a buffer");
	ok(pages.shrinker == bcache_shrink, "the cache registered its shrinker");

	fake.shrink_in_read = true;
	io(&disk, 1500 * BCACHE_BLOCK, buf, 1, false);
	fake.shrink_in_read = false;
	is_int(fake.shrunk_in_read, 0, "asked while a request goes through the cache, it gives nothing");
	long freed = (long)pages.shrinker();
	bcache_get_stats(&st);
	is_int(freed, BCACHE_COUNT - BCACHE_KEEP - 1,
	       "under pressure, every clean buffer beyond BCACHE_KEEP gives its page back");
	is_int(pages.live, BCACHE_KEEP + 1, "the kept ones and the dirty one hold theirs");
	ok(st.held == BCACHE_KEEP + 1 && st.given_back == (uint64_t)freed, "the stats count them");

	pages.out = true;
	fake.reads = 0;
	for (int i = 0; i < 3 * BCACHE_KEEP; i++)
		is_int(io(&disk, (uint64_t)(1000 + i) * BCACHE_BLOCK, buf, 8, false), 8,
		       "with no page to be had, reads go on through the kept buffers (block %d)", 1000 + i);
	ok(memcmp(buf, fake.bytes + (uint64_t)(1000 + 3 * BCACHE_KEEP - 1) * BCACHE_BLOCK, 8) == 0,
	   "with the disk's bytes");
	is_int(pages.live, BCACHE_KEEP + 1, "and take no more pages");
	is_int(io(&disk, base, buf, 1, false), 1, "the dirty buffer kept its write");
	ok(buf[0] == 'S', "which reads back");
	pages.out = false;
	is_int(bcache_sync(), 0, "sync writes it");
	ok(fake.bytes[base] == 'S', "to the disk");
	io(&disk, 2000 * BCACHE_BLOCK, buf, 1, false);
	bcache_get_stats(&st);
	ok(st.held > BCACHE_KEEP + 1, "once pages can be had, the cache grows again (%llu buffers)",
	   (unsigned long long)st.held);
}

int main(void)
{
	setup();
	is_int(bcache_init(), 0, "the cache allocates its buffers");
	test_reads();
	test_runs();
	test_write_back();
	test_partition();
	test_eviction();
	test_failures();
	test_shrink();
	free(fake.bytes);
	return done_testing();
}
