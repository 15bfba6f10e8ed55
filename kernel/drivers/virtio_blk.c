/*
 * virtio-blk over the virtio 1.x ("modern") PCI transport, after xv6-riscv's
 * virtio_disk.c: one split virtqueue, one request in flight (block.c serializes them),
 * each request a chain of three descriptors (header, data, status) through a DMA page
 * and a 64 KiB bounce buffer below 4 GiB. Completion comes by the INTx line (the ISR
 * status register says whether it was ours) or, with no line routed, by polling the used
 * ring. A request the device leaves unfinished past BLOCK_TIMEOUT_MS fails with -EIO and
 * the device is reset and left out of use, since it may still own the buffers.
 * Spec: Virtual I/O Device (VIRTIO) Version 1.1, cited by section.
 */
#include "arch.h"
#include "block.h"
#include "heap.h"
#include "lib.h"
#include "pci.h"
#include "pmm.h"
#include "timer.h"
#include <keel/errno.h>

/* 4.1.4: the vendor-specific capabilities that locate the structures in the BARs. */
#define PCI_CAP_PTR		0x34
#define PCI_STATUS_CAPS		0x0010
#define PCI_CAP_VENDOR		0x09
#define VIRTIO_PCI_CAP_COMMON	1
#define VIRTIO_PCI_CAP_NOTIFY	2
#define VIRTIO_PCI_CAP_ISR	3
#define VIRTIO_PCI_CAP_DEVICE	4

/* 4.1.4.3: struct virtio_pci_common_cfg. */
#define COMMON_DFSELECT		0x00
#define COMMON_DF		0x04
#define COMMON_GFSELECT		0x08
#define COMMON_GF		0x0c
#define COMMON_STATUS		0x14
#define COMMON_Q_SELECT		0x16
#define COMMON_Q_SIZE		0x18
#define COMMON_Q_ENABLE		0x1c
#define COMMON_Q_NOFF		0x1e
#define COMMON_Q_DESC		0x20
#define COMMON_Q_AVAIL		0x28
#define COMMON_Q_USED		0x30

/* 2.1: device status bits. */
#define STATUS_ACKNOWLEDGE	1
#define STATUS_DRIVER		2
#define STATUS_DRIVER_OK	4
#define STATUS_FEATURES_OK	8

/* 6 and 5.2.3: feature bits. */
#define VIRTIO_F_VERSION_1	32
#define VIRTIO_BLK_F_BLK_SIZE	6
#define VIRTIO_BLK_F_FLUSH	9

/* 5.2.4: struct virtio_blk_config. */
#define BLK_CFG_CAPACITY	0x00	/* in 512-byte sectors, whatever blk_size says */
#define BLK_CFG_BLK_SIZE	0x14

/* 5.2.6: requests. */
#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_S_OK		0
#define VIRTIO_SECTOR		512

/* 2.6.5: descriptor flags. */
#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2

#define VQ_SIZE		8		/* one request of three descriptors at a time */
#define VBLK_MAX	8		/* disks this driver drives */
#define RESET_SPINS	1000000

/* 2.6.5, 2.6.6, 2.6.8: the split virtqueue's three parts, all in one DMA page. */
struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};
struct virtq_avail {
	uint16_t flags, idx;
	uint16_t ring[VQ_SIZE];
	uint16_t used_event;
};
struct virtq_used {
	uint16_t flags, idx;
	struct { uint32_t id, len; } ring[VQ_SIZE];
	uint16_t avail_event;
};
/* 5.2.6: struct virtio_blk_req's header and status byte. */
struct blk_req {
	uint32_t type, reserved;
	uint64_t sector;
};

/* The page's layout: 2.6 asks 16-byte alignment of descriptors, 2 of avail, 4 of used. */
#define OFF_DESC	0
#define OFF_AVAIL	256
#define OFF_USED	512
#define OFF_REQ		1024
#define OFF_STATUS	1088

struct vblk {
	struct block_dev dev;
	volatile uint8_t *common, *notify, *isr, *cfg;
	uint64_t page, bounce;		/* physical */
	uint8_t *vpage, *vbounce;
	uint16_t last_used;
	bool flush, broken;
	unsigned irq;
	struct lock lock;		/* done and the used ring, shared with the interrupt */
	struct waitq done;
};

static struct {
	struct vblk *disks[VBLK_MAX];
	int count;
} vb;

static uint8_t r8(volatile uint8_t *b, unsigned o) { return *(volatile uint8_t *)(b + o); }
static uint16_t r16(volatile uint8_t *b, unsigned o) { return *(volatile uint16_t *)(b + o); }
static uint32_t r32(volatile uint8_t *b, unsigned o) { return *(volatile uint32_t *)(b + o); }
static void w8(volatile uint8_t *b, unsigned o, uint8_t v) { *(volatile uint8_t *)(b + o) = v; }
static void w16(volatile uint8_t *b, unsigned o, uint16_t v) { *(volatile uint16_t *)(b + o) = v; }
static void w32(volatile uint8_t *b, unsigned o, uint32_t v) { *(volatile uint32_t *)(b + o) = v; }
static void w64(volatile uint8_t *b, unsigned o, uint64_t v)
{
	w32(b, o, (uint32_t)v);		/* 4.1.3.1: 64-bit fields as two 32-bit writes */
	w32(b, o + 4, (uint32_t)(v >> 32));
}

static volatile struct virtq_desc *desc(struct vblk *v) { return (void *)(v->vpage + OFF_DESC); }
static volatile struct virtq_avail *avail(struct vblk *v) { return (void *)(v->vpage + OFF_AVAIL); }
static volatile struct virtq_used *used(struct vblk *v) { return (void *)(v->vpage + OFF_USED); }

/* Maps the structure a capability at cap points to. NULL when its BAR is out of reach. */
static volatile uint8_t *cap_map(struct pci_dev *pd, uint8_t cap)
{
	uint8_t bar = pci_read8(pd, cap + 4);
	uint32_t off = pci_read32(pd, cap + 8), len = pci_read32(pd, cap + 12);
	bool io;
	uint64_t base;

	if (bar > 5 || (base = pci_bar(pd, bar, &io)) == 0 || io ||
	    base + off + len > direct_map_limit())
		return NULL;
	return (volatile uint8_t *)phys_to_virt(base + off);
}

/* 4.1.4: walks the capability list for the four structures the driver uses. */
static int caps_find(struct pci_dev *pd, struct vblk *v, uint32_t *notify_mult)
{
	int guard = 48;		/* a looping list must not hang the boot */

	if (!(pci_read16(pd, PCI_STATUS) & PCI_STATUS_CAPS))
		return -ENODEV;
	for (uint8_t c = pci_read8(pd, PCI_CAP_PTR) & 0xfc; c && guard--; c = pci_read8(pd, c + 1) & 0xfc) {
		if (pci_read8(pd, c) != PCI_CAP_VENDOR)
			continue;
		switch (pci_read8(pd, c + 3)) {	/* cfg_type */
		case VIRTIO_PCI_CAP_COMMON: if (!v->common) v->common = cap_map(pd, c); break;
		case VIRTIO_PCI_CAP_ISR: if (!v->isr) v->isr = cap_map(pd, c); break;
		case VIRTIO_PCI_CAP_DEVICE: if (!v->cfg) v->cfg = cap_map(pd, c); break;
		case VIRTIO_PCI_CAP_NOTIFY:
			if (!v->notify) {
				v->notify = cap_map(pd, c);
				*notify_mult = pci_read32(pd, c + 16);
			}
			break;
		}
	}
	return v->common && v->notify && v->isr && v->cfg ? 0 : -ENODEV;
}

/* 4.1.4.3.1: writing 0 resets the device; it reads 0 once the reset is done. */
static bool dev_reset(struct vblk *v)
{
	w8(v->common, COMMON_STATUS, 0);
	for (int i = 0; i < RESET_SPINS; i++) {
		if (r8(v->common, COMMON_STATUS) == 0)
			return true;
		cpu_relax();
	}
	return false;
}

static uint64_t features_read(struct vblk *v)
{
	w32(v->common, COMMON_DFSELECT, 0);
	uint64_t lo = r32(v->common, COMMON_DF);
	w32(v->common, COMMON_DFSELECT, 1);
	return lo | (uint64_t)r32(v->common, COMMON_DF) << 32;
}

/* 3.1.1 steps 4-6: accepts VERSION_1 (required: no legacy layout here) and FLUSH. */
static int features_negotiate(struct vblk *v)
{
	uint64_t offered = features_read(v), want;

	if (!(offered & (1ull << VIRTIO_F_VERSION_1)))
		return -ENODEV;
	want = offered & ((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_BLK_F_FLUSH) |
			  (1ull << VIRTIO_BLK_F_BLK_SIZE));
	v->flush = want & (1ull << VIRTIO_BLK_F_FLUSH);
	w32(v->common, COMMON_GFSELECT, 0);
	w32(v->common, COMMON_GF, (uint32_t)want);
	w32(v->common, COMMON_GFSELECT, 1);
	w32(v->common, COMMON_GF, (uint32_t)(want >> 32));
	w8(v->common, COMMON_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
	if (!(r8(v->common, COMMON_STATUS) & STATUS_FEATURES_OK))
		return -ENODEV;		/* 3.1.1 step 6: the device refused the subset */
	return 0;
}

/* 4.1.5.1.3: queue 0 (5.2.2: requestq), its size, its three parts, enabled. */
static int queue_setup(struct vblk *v, uint32_t notify_mult)
{
	uint16_t max;

	w16(v->common, COMMON_Q_SELECT, 0);
	max = r16(v->common, COMMON_Q_SIZE);
	if (max < 3)
		return -ENODEV;
	w16(v->common, COMMON_Q_SIZE, max < VQ_SIZE ? max : VQ_SIZE);
	if (max < VQ_SIZE)
		return -ENODEV;		/* the layout above is for VQ_SIZE entries */
	w64(v->common, COMMON_Q_DESC, v->page + OFF_DESC);
	w64(v->common, COMMON_Q_AVAIL, v->page + OFF_AVAIL);
	w64(v->common, COMMON_Q_USED, v->page + OFF_USED);
	/* 4.1.4.4: the queue's notify address. */
	v->notify += (uint32_t)r16(v->common, COMMON_Q_NOFF) * notify_mult;
	w16(v->common, COMMON_Q_ENABLE, 1);
	return 0;
}

/* 4.1.4.5 and 4.1.5.3: reading the ISR status acknowledges; bit 0 is a used-ring update. */
static void vblk_irq(void *arg)
{
	struct vblk *v = arg;

	if (r8(v->isr, 0) & 1) {
		lock_acquire(&v->lock);
		waitq_wake_all(&v->done);
		lock_release(&v->lock);
	}
}

static bool completed(struct vblk *v)
{
	return *(volatile uint16_t *)&used(v)->idx != v->last_used;
}

/*
 * Waits for the device to put the request on the used ring: asleep when an interrupt
 * will come, else polling. Returns 0, or -EIO on a timeout.
 */
static int wait_used(struct vblk *v)
{
	uint64_t deadline = uptime_ms() + BLOCK_TIMEOUT_MS;

	lock_acquire(&v->lock);
	while (!completed(v) && uptime_ms() < deadline) {
		if (v->irq != PCI_IRQ_NONE &&
		    waitq_wait_lock_timeout(&v->done, &v->lock, BLOCK_TIMEOUT_MS) != -EINTR)
			continue;
		/* No line, or a killed process (which must not leave the device our buffers). */
		lock_release(&v->lock);
		cpu_relax();
		lock_acquire(&v->lock);
	}
	bool ok = completed(v);
	lock_release(&v->lock);
	if (ok) {
		v->last_used++;
		return 0;
	}
	kprintf("[!!] %s: request timed out; the device is reset and out of use\n", v->dev.name);
	v->broken = true;
	dev_reset(v);
	return -EIO;
}

/* 2.6.13: a chain of header, data (len 0: none) and status; made available; notified. */
static int request(struct vblk *v, uint32_t type, uint64_t sector, uint32_t len, bool dev_writes)
{
	volatile struct virtq_desc *d = desc(v);
	volatile struct blk_req *req = (void *)(v->vpage + OFF_REQ);
	volatile uint8_t *status = v->vpage + OFF_STATUS;
	int n = 0, r;

	if (v->broken)
		return -EIO;
	req->type = type;
	req->reserved = 0;
	req->sector = sector;
	*status = 0xff;
	d[n++] = (struct virtq_desc){ v->page + OFF_REQ, sizeof(struct blk_req), VIRTQ_DESC_F_NEXT, 1 };
	if (len)
		d[n++] = (struct virtq_desc){ v->bounce, len,
			VIRTQ_DESC_F_NEXT | (dev_writes ? VIRTQ_DESC_F_WRITE : 0), 2 };
	d[n] = (struct virtq_desc){ v->page + OFF_STATUS, 1, VIRTQ_DESC_F_WRITE, 0 };
	if (!len)
		d[0].next = 1;
	/* 2.6.13.2 and .3: the ring entry, then (after a barrier) the index the device reads. */
	avail(v)->ring[avail(v)->idx % VQ_SIZE] = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	avail(v)->idx++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	w16(v->notify, 0, 0);		/* 4.1.5.2: the queue's index */
	if ((r = wait_used(v)) != 0)
		return r;
	return *status == VIRTIO_BLK_S_OK ? 0 : -EIO;
}

static struct vblk *vblk_of(struct block_dev *d)
{
	return d->priv;
}

/* 5.2.6: sector is always in 512-byte units. */
static int vblk_read(struct block_dev *d, uint64_t lba, uint32_t count, void *buf)
{
	struct vblk *v = vblk_of(d);
	uint32_t len = count * d->sector_size;
	int r = request(v, VIRTIO_BLK_T_IN, lba * (d->sector_size / VIRTIO_SECTOR), len, true);

	if (r == 0)
		memcpy(buf, v->vbounce, len);
	return r;
}

static int vblk_write(struct block_dev *d, uint64_t lba, uint32_t count, const void *buf)
{
	struct vblk *v = vblk_of(d);
	uint32_t len = count * d->sector_size;

	memcpy(v->vbounce, buf, len);
	return request(v, VIRTIO_BLK_T_OUT, lba * (d->sector_size / VIRTIO_SECTOR), len, false);
}

/* 5.2.6.2: a FLUSH when the device offered VIRTIO_BLK_F_FLUSH (else writes are durable). */
static int vblk_flush(struct block_dev *d)
{
	struct vblk *v = vblk_of(d);

	return v->flush ? request(v, VIRTIO_BLK_T_FLUSH, 0, 0, false) : 0;
}

static const struct block_ops vblk_ops = {
	.read = vblk_read,
	.write = vblk_write,
	.flush = vblk_flush,
};

/* 3.1.1: the driver's initialization sequence, up to DRIVER_OK. */
static int vblk_init(struct pci_dev *pd, struct vblk *v)
{
	uint32_t notify_mult = 0, bs = VIRTIO_SECTOR;
	int r;

	if ((r = caps_find(pd, v, &notify_mult)) != 0)
		return r;
	if (!dev_reset(v))
		return -EIO;
	w8(v->common, COMMON_STATUS, STATUS_ACKNOWLEDGE);
	w8(v->common, COMMON_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
	if ((r = features_negotiate(v)) != 0 || (r = queue_setup(v, notify_mult)) != 0) {
		dev_reset(v);
		return r;
	}
	w8(v->common, COMMON_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK |
	   STATUS_DRIVER_OK);
	if (features_read(v) & (1ull << VIRTIO_BLK_F_BLK_SIZE))
		bs = r32(v->cfg, BLK_CFG_BLK_SIZE);
	if (bs < VIRTIO_SECTOR || bs > 4096 || (bs & (bs - 1)))
		bs = VIRTIO_SECTOR;
	v->dev.sector_size = bs;
	/* 5.2.4: a config read is stable only if the generation did not change meanwhile. */
	v->dev.sectors = (r32(v->cfg, BLK_CFG_CAPACITY) |
			  (uint64_t)r32(v->cfg, BLK_CFG_CAPACITY + 4) << 32) / (bs / VIRTIO_SECTOR);
	return 0;
}

int virtio_blk_start(struct pci_dev *pd)
{
	struct vblk *v;
	int r;

	if (vb.count == VBLK_MAX || !(v = kzalloc(sizeof(*v))))
		return -ENOMEM;
	v->page = pmm_alloc_contig(1, PMM_LOW_LIMIT);
	v->bounce = pmm_alloc_contig(BLOCK_XFER_MAX / FRAME_SIZE, PMM_LOW_LIMIT);
	if (!v->page || !v->bounce)
		return -ENOMEM;		/* at boot: what was taken stays taken */
	v->vpage = phys_to_virt(v->page);
	v->vbounce = phys_to_virt(v->bounce);
	memset(v->vpage, 0, FRAME_SIZE);
	v->lock = (struct lock)LOCK_INIT("virtio-blk");
	v->irq = pci_enable(pd, "virtio-blk");
	if ((r = vblk_init(pd, v)) != 0)
		return r;
	if (v->irq != PCI_IRQ_NONE && block_irq_attach(v->irq, vblk_irq, v) != 0)
		v->irq = PCI_IRQ_NONE;
	ksnprintf(v->dev.name, BLOCK_NAME_MAX, "vd%c", 'a' + vb.count);
	v->dev.ops = &vblk_ops;
	v->dev.priv = v;
	vb.disks[vb.count++] = v;
	return block_register_disk(&v->dev);
}
