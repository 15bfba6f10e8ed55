/*
 * The block layer: the registry of disks and partitions, one request at a time per disk
 * (a disk's drivers have one queue slot in flight), partitions as windows onto their
 * disk, and the /dev nodes that read and write them at byte offsets, a partial sector
 * being read, changed and written back whole. No cache yet: every read reaches the disk.
 */
#include "arch.h"
#include "bcache.h"
#include "block.h"
#include "heap.h"
#include "lib.h"
#include "part.h"
#include "pci.h"
#include <keel/errno.h>

static struct {
	struct block_dev *devs[BLOCK_DEV_MAX];
	int count;
	bool quiet;
	/* Interrupt lines the drivers share: theirs, and what the line had before (a NIC). */
	struct { unsigned line; void (*fn)(void *); void *arg; } irqs[BLOCK_DEV_MAX];
	int nirqs;
	irq_handler_t chained[NR_IRQS];
	bool cached;			/* the block cache is there */
} blk;

/* --- Interrupts: PCI INTx lines are shared, so every handler on the line is asked. */

static void irq_line(unsigned line)
{
	for (int i = 0; i < blk.nirqs; i++)
		if (blk.irqs[i].line == line)
			blk.irqs[i].fn(blk.irqs[i].arg);
	if (blk.chained[line])
		blk.chained[line]();
}

#define LINE(n) static void line##n(void) { irq_line(n); }
LINE(0) LINE(1) LINE(2) LINE(3) LINE(4) LINE(5) LINE(6) LINE(7)
LINE(8) LINE(9) LINE(10) LINE(11) LINE(12) LINE(13) LINE(14) LINE(15)
static const irq_handler_t line_handlers[NR_IRQS] = {
	line0, line1, line2, line3, line4, line5, line6, line7,
	line8, line9, line10, line11, line12, line13, line14, line15,
};

int block_irq_attach(unsigned line, void (*fn)(void *), void *arg)
{
	irq_handler_t old;

	if (line >= NR_IRQS || blk.nirqs == BLOCK_DEV_MAX)
		return -EINVAL;
	old = irq_get_handler(line);
	if (old != line_handlers[line])
		blk.chained[line] = old;
	blk.irqs[blk.nirqs].line = line;
	blk.irqs[blk.nirqs].fn = fn;
	blk.irqs[blk.nirqs].arg = arg;
	blk.nirqs++;
	irq_set_handler(line, line_handlers[line]);
	return 0;
}

struct block_dev *block_at(int index)
{
	return index >= 0 && index < blk.count ? blk.devs[index] : NULL;
}

struct block_dev *block_find(const char *name, size_t len)
{
	for (int i = 0; i < blk.count; i++)
		if (strlen(blk.devs[i]->name) == len && strncmp(blk.devs[i]->name, name, len) == 0)
			return blk.devs[i];
	return NULL;
}

/* Waits for d's disk to take no other request, and takes it. */
static void disk_take(struct block_dev *disk)
{
	lock_acquire(&disk->lock);
	while (disk->busy)
		waitq_wait_lock(&disk->idle, &disk->lock);	/* a kill waits its turn too */
	disk->busy = true;
	lock_release(&disk->lock);
}

static void disk_give(struct block_dev *disk)
{
	lock_acquire(&disk->lock);
	disk->busy = false;
	waitq_wake_all(&disk->idle);
	lock_release(&disk->lock);
}

/* Moves count sectors at lba of d through its driver, BLOCK_XFER_MAX bytes at a time. */
static int block_io(struct block_dev *d, uint64_t lba, uint64_t count, void *buf, bool write)
{
	struct block_dev *disk = d->disk;
	uint32_t per = BLOCK_XFER_MAX / d->sector_size;
	int r = 0;

	if (lba > d->sectors || count > d->sectors - lba)
		return -EINVAL;
	lba += d->start;
	disk_take(disk);
	while (count > 0 && r == 0) {
		uint32_t n = count < per ? (uint32_t)count : per;
		r = write ? disk->ops->write(disk, lba, n, buf) : disk->ops->read(disk, lba, n, buf);
		buf = (char *)buf + (uint64_t)n * d->sector_size;
		lba += n;
		count -= n;
	}
	disk_give(disk);
	return r;
}

int block_read(struct block_dev *d, uint64_t lba, uint64_t count, void *buf)
{
	return block_io(d, lba, count, buf, false);
}

int block_write(struct block_dev *d, uint64_t lba, uint64_t count, const void *buf)
{
	return block_io(d, lba, count, (void *)buf, true);
}

int block_flush(struct block_dev *d)
{
	struct block_dev *disk = d->disk;
	int r;

	if (!disk->ops->flush)
		return 0;
	disk_take(disk);
	r = disk->ops->flush(disk);
	disk_give(disk);
	return r;
}

/* --- The /dev nodes: byte offsets over sectors. */

static struct block_dev *node_dev(struct vnode *v)
{
	return (struct block_dev *)v;	/* the vnode is the first member */
}

static uint64_t dev_bytes(const struct block_dev *d)
{
	return d->sectors * d->sector_size;
}

/*
 * Moves len bytes at off between buf and the device: through the block cache, or, when
 * it could not be allocated, straight to the disk through a kernel buffer of
 * BLOCK_XFER_MAX: whole sectors straight, a partial one by reading it first (so a write
 * keeps the bytes around the ones written). Stops at the device's end. Two writers of
 * bytes in the same sector can lose one's change (each writes back the sector it read):
 * the block cache will hold the sector once for both.
 */
static long node_io(struct vnode *v, uint64_t off, const struct iobuf *buf, size_t len,
		    bool write)
{
	struct block_dev *d = node_dev(v);
	uint32_t ss = d->sector_size;
	size_t done = 0;
	char *k;
	int r = 0;

	if (blk.cached)
		return bcache_io(d, off, buf, len, write);
	if (off >= dev_bytes(d))
		return write ? -ENOSPC : 0;	/* as Linux says at a block device's end */
	len = MIN(len, dev_bytes(d) - off);
	if (!(k = kmalloc(BLOCK_XFER_MAX)))
		return -ENOMEM;
	while (done < len && r == 0) {
		uint64_t pos = off + done, lba = pos / ss;
		uint32_t head = pos % ss;
		size_t n = MIN(len - done, (size_t)BLOCK_XFER_MAX - head);
		uint64_t count = (head + n + ss - 1) / ss;
		bool partial = head != 0 || n % ss != 0;

		if (!write || partial)
			r = block_read(d, lba, count, k);
		if (r == 0 && !write)
			r = iobuf_put(buf, done, k + head, n);
		else if (r == 0 && (r = iobuf_get(buf, done, k + head, n)) == 0)
			r = block_write(d, lba, count, k);
		if (r == 0)
			done += n;
	}
	kfree(k);
	return done > 0 ? (long)done : r;
}

static long node_read(struct vnode *v, uint64_t off, const struct iobuf *buf, size_t len)
{
	return node_io(v, off, buf, len, false);
}

static long node_write(struct vnode *v, uint64_t off, const struct iobuf *buf, size_t len)
{
	return node_io(v, off, buf, len, true);
}

static void node_stat(struct vnode *v, struct keel_stat *st)
{
	struct block_dev *d = node_dev(v);

	memset(st, 0, sizeof(*st));
	for (int i = 0; i < blk.count; i++)
		if (blk.devs[i] == d)
			st->ino = BLOCK_INO_FIRST + (uint32_t)i;
	st->mode = KEEL_S_IFBLK | 0600;		/* a disk is everyone's files: root's alone */
	st->nlink = 1;
	st->size = dev_bytes(d);
}

static const struct vnode_ops node_ops = {
	.read = node_read,
	.write = node_write,
	.stat = node_stat,
};

struct vnode *block_lookup_node(const char *name, size_t len, struct vfs_mount *mount)
{
	struct block_dev *d = block_find(name, len);

	if (!d)
		return NULL;
	d->vnode.mount = mount;
	return &d->vnode;
}

int block_dirent(uint64_t index, struct keel_dirent *d)
{
	if (index >= (uint64_t)blk.count)
		return 0;
	memset(d, 0, sizeof(*d));
	d->ino = BLOCK_INO_FIRST + (uint32_t)index;
	d->mode = KEEL_S_IFBLK | 0600;
	memcpy(d->name, blk.devs[index]->name, strlen(blk.devs[index]->name));
	return 1;
}

/* --- Registration. */

static int add(struct block_dev *d)
{
	if (blk.count == BLOCK_DEV_MAX)
		return -ENOSPC;
	vnode_init(&d->vnode, &node_ops, NULL);
	d->vnode.refs = 1;		/* never freed: devices stay */
	blk.devs[blk.count++] = d;
	return 0;
}

static void log_dev(const struct block_dev *d, const char *what)
{
	uint64_t bytes = dev_bytes(d);

	if (blk.quiet)
		return;
	if (bytes >= (1ull << 30))
		kprintf("[ok] %s: %lu GiB, %u-byte sectors%s\n", d->name, bytes >> 30,
			d->sector_size, what);
	else
		kprintf("[ok] %s: %lu MiB, %u-byte sectors%s\n", d->name, bytes >> 20,
			d->sector_size, what);
}

static int part_read(void *ctx, uint64_t lba, void *buf)
{
	return block_read(ctx, lba, 1, buf);
}

/* Linux's names: a 'p' before the number when the disk's name ends in a digit (nvme0n1p1). */
static void part_name(char *out, const char *disk, uint32_t number)
{
	size_t n = strlen(disk);

	ksnprintf(out, BLOCK_NAME_MAX, "%s%s%u", disk,
		  disk[n - 1] >= '0' && disk[n - 1] <= '9' ? "p" : "", number);
}

/* Reads disk's partition table and registers each partition. */
static void scan_partitions(struct block_dev *disk)
{
	struct part_table t;
	struct block_dev *p;
	void *buf = kmalloc(disk->sector_size);
	int r;

	if (!buf || (r = part_scan(part_read, disk, disk->sectors, disk->sector_size, buf, &t)) != 0) {
		kprintf("[!!] %s: cannot read the partition table\n", disk->name);
		kfree(buf);
		return;
	}
	kfree(buf);
	if (t.note)
		kprintf("[!!] %s: %s\n", disk->name, t.note);
	for (int i = 0; i < t.count; i++) {
		if (!(p = kzalloc(sizeof(*p))))
			return;
		*p = (struct block_dev){ .ops = disk->ops, .sectors = t.entries[i].sectors,
			.sector_size = disk->sector_size, .start = t.entries[i].start, .disk = disk };
		part_name(p->name, disk->name, t.entries[i].number);
		if (add(p) != 0) {
			kfree(p);
			return;
		}
		log_dev(p, t.kind == PART_GPT ? ", GPT partition" : ", MBR partition");
	}
}

int block_register_disk(struct block_dev *d)
{
	int r;

	/* The cache's 1 MiB is taken with the first disk: a machine without one keeps it. */
	if (blk.count == 0 && !(blk.cached = bcache_init() == 0))
		kprintf("[!!] block: no memory for the block cache; the disks go uncached\n");
	d->disk = d;
	d->start = 0;
	d->lock = (struct lock)LOCK_INIT("block");
	if ((r = add(d)) != 0) {
		kprintf("[!!] %s: more than %d block devices; not registered\n", d->name,
			BLOCK_DEV_MAX);
		return r;
	}
	log_dev(d, "");
	scan_partitions(d);
	return 0;
}

/* The drivers, by PCI identity (class/subclass/prog-if for NVMe, IDs for virtio). */
static bool is_virtio_blk(const struct pci_dev *pd)
{
	/* Virtio 1.1, 4.1.2.1: 0x1040 + device ID 2 is modern-only; 0x1001 is transitional. */
	return pd->info.vendor == 0x1af4 && (pd->info.device == 0x1042 || pd->info.device == 0x1001);
}

/* PCI 3.0 Appendix D: mass storage (01), NVM (08), NVMe (02). */
static bool is_nvme(const struct pci_dev *pd)
{
	return pd->info.class_code == 0x01 && pd->info.subclass == 0x08 && pd->info.prog_if == 0x02;
}

void block_init(bool quiet)
{
	struct pci_dev *pd;
	int r;

	blk.quiet = quiet;
	for (int i = 0; (pd = pci_at(i)); i++) {
		if (is_virtio_blk(pd))
			r = virtio_blk_start(pd);
		else if (is_nvme(pd))
			r = nvme_start(pd);
		else
			continue;
		if (r != 0)
			kprintf("[!!] block: the disk at PCI %02x:%02x.%x does not start (error %d)\n",
				pd->bus, pd->slot, pd->func, -r);
	}
}
