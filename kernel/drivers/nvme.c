/*
 * NVMe over PCI (class 01/08/02): the controller enabled with an admin queue pair, the
 * controller and namespace 1 identified, one I/O submission/completion queue pair, and
 * READ, WRITE and FLUSH one command at a time (block.c serializes them) through a 64 KiB
 * bounce buffer below 4 GiB described by PRPs. Completions come by the pin-based (INTx)
 * interrupt, masked through INTMS while the admin queue is polled, or by polling when no
 * line is routed. A command unfinished past BLOCK_TIMEOUT_MS fails with -EIO and the
 * controller is reset and brought up again, so one lost command does not hang the disk.
 * Spec: NVM Express Base Specification 1.4 (sections cited), NVM Command Set in its 6.
 */
#include "arch.h"
#include "block.h"
#include "heap.h"
#include "lib.h"
#include "pci.h"
#include "pmm.h"
#include "timer.h"
#include <keel/errno.h>

/* 3.1: controller registers. */
#define REG_CAP		0x00
#define REG_INTMS	0x0c
#define REG_INTMC	0x10
#define REG_CC		0x14
#define REG_CSTS	0x1c
#define REG_AQA		0x24
#define REG_ASQ		0x28
#define REG_ACQ		0x30
#define REG_DOORBELLS	0x1000

#define CAP_MQES(c)	((uint32_t)((c) & 0xffff))		/* 0-based */
#define CAP_TO_MS(c)	((uint32_t)(((c) >> 24) & 0xff) * 500)
#define CAP_DSTRD(c)	((uint32_t)(((c) >> 32) & 0xf))
#define CAP_MPSMIN(c)	((uint32_t)(((c) >> 48) & 0xf))	/* 2^(12 + n) bytes */

#define CC_EN		(1u << 0)
#define CC_IOSQES	(6u << 16)	/* 64-byte submission entries (2^6) */
#define CC_IOCQES	(4u << 20)	/* 16-byte completion entries (2^4) */
#define CSTS_RDY	(1u << 0)
#define CSTS_CFS	(1u << 1)

/* 5: admin commands; 6 of the NVM command set: I/O commands. */
#define ADMIN_CREATE_SQ	0x01
#define ADMIN_CREATE_CQ	0x05
#define ADMIN_IDENTIFY	0x06
#define IO_FLUSH	0x00
#define IO_WRITE	0x01
#define IO_READ		0x02
#define CNS_NAMESPACE	0
#define CNS_CONTROLLER	1

#define QDEPTH		16		/* entries per queue: one command in flight needs 2 */
#define NVME_PAGE	4096		/* CC.MPS 0: the memory page PRPs describe */
#define NVME_MAX	4

/* 4.2 and 4.6: a submission queue entry and a completion queue entry. */
struct sqe {
	uint32_t cdw0;			/* opcode 7:0, command identifier 31:16 */
	uint32_t nsid;
	uint64_t rsvd;
	uint64_t mptr;
	uint64_t prp1, prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};
struct cqe {
	uint32_t dw0, dw1;
	uint16_t sq_head, sq_id;
	uint16_t cid;
	uint16_t status;		/* phase tag bit 0, status field 15:1 */
};

struct queue {
	volatile struct sqe *sq;
	volatile struct cqe *cq;
	uint64_t sq_phys, cq_phys;
	uint16_t tail, head;
	uint8_t phase;
	unsigned qid;
};

/* The DMA region's pages, in order; the bounce buffer follows. */
enum { PG_ASQ, PG_ACQ, PG_IOSQ, PG_IOCQ, PG_IDENT, PG_PRPS, PG_COUNT };

struct nvme {
	struct block_dev dev;
	volatile uint8_t *regs;
	uint64_t cap;
	uint64_t dma;			/* physical: PG_COUNT pages, then the bounce buffer */
	uint8_t *vdma;
	struct queue admin, io;
	uint32_t max_sectors;		/* per command: MDTS and the bounce buffer */
	uint16_t cid;
	bool vwc, broken;
	unsigned irq;
	struct lock lock;		/* io's completion queue, shared with the interrupt */
	bool done;
	uint16_t status;
	struct waitq wq;
};

static struct {
	int count;
} nv;

static uint32_t rd32(struct nvme *n, unsigned r) { return *(volatile uint32_t *)(n->regs + r); }
static void wr32(struct nvme *n, unsigned r, uint32_t v) { *(volatile uint32_t *)(n->regs + r) = v; }
static uint64_t rd64(struct nvme *n, unsigned r) { return rd32(n, r) | (uint64_t)rd32(n, r + 4) << 32; }
static void wr64(struct nvme *n, unsigned r, uint64_t v) { wr32(n, r, (uint32_t)v); wr32(n, r + 4, (uint32_t)(v >> 32)); }

static uint64_t page_phys(struct nvme *n, int pg) { return n->dma + (uint64_t)pg * NVME_PAGE; }
static void *page_virt(struct nvme *n, int pg) { return n->vdma + (size_t)pg * NVME_PAGE; }
static uint64_t bounce_phys(struct nvme *n) { return page_phys(n, PG_COUNT); }
static void *bounce_virt(struct nvme *n) { return page_virt(n, PG_COUNT); }

/* 3.1.24-25: queue y's doorbells, 4 << CAP.DSTRD bytes apart. */
static void ring_sq(struct nvme *n, struct queue *q)
{
	wr32(n, REG_DOORBELLS + (2 * q->qid) * (4u << CAP_DSTRD(n->cap)), q->tail);
}

static void ring_cq(struct nvme *n, struct queue *q)
{
	wr32(n, REG_DOORBELLS + (2 * q->qid + 1) * (4u << CAP_DSTRD(n->cap)), q->head);
}

static void queue_init(struct nvme *n, struct queue *q, unsigned qid, int sq_pg, int cq_pg)
{
	q->sq_phys = page_phys(n, sq_pg);
	q->cq_phys = page_phys(n, cq_pg);
	q->sq = page_virt(n, sq_pg);
	q->cq = page_virt(n, cq_pg);
	memset((void *)q->sq, 0, NVME_PAGE);
	memset((void *)q->cq, 0, NVME_PAGE);
	q->tail = q->head = 0;
	q->phase = 1;		/* 4.6: the tag the controller writes on its first pass */
	q->qid = qid;
}

static void submit(struct nvme *n, struct queue *q, struct sqe *c)
{
	c->cdw0 |= (uint32_t)++n->cid << 16;
	q->sq[q->tail] = *c;
	q->tail = (q->tail + 1) % QDEPTH;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ring_sq(n, q);
}

/* 4.6: takes the completion at the head if its phase tag is current. Returns whether. */
static bool reap(struct nvme *n, struct queue *q, uint16_t *status)
{
	volatile struct cqe *e = &q->cq[q->head];
	uint16_t st = e->status;

	if ((st & 1) != q->phase)
		return false;
	*status = st >> 1;
	if (++q->head == QDEPTH) {
		q->head = 0;
		q->phase ^= 1;
	}
	ring_cq(n, q);		/* 7.5.1: this is also what deasserts the pin interrupt */
	return true;
}

/* Polls q for the command just submitted, until deadline. Returns 0, -EIO, -ETIMEDOUT. */
static int poll_done(struct nvme *n, struct queue *q, uint64_t ms)
{
	uint64_t deadline = uptime_ms() + ms;
	uint16_t status;

	while (uptime_ms() < deadline) {
		if (reap(n, q, &status))
			return status == 0 ? 0 : -EIO;
		cpu_relax();
	}
	return -ETIMEDOUT;
}

static int admin(struct nvme *n, struct sqe *c)
{
	submit(n, &n->admin, c);
	return poll_done(n, &n->admin, BLOCK_TIMEOUT_MS);
}

/* 3.1.5-6 and 7.6.1: CC.EN to 0 and waits for CSTS.RDY to follow, up to CAP.TO. */
static int disable(struct nvme *n)
{
	uint64_t deadline = uptime_ms() + CAP_TO_MS(n->cap) + 500;

	wr32(n, REG_CC, rd32(n, REG_CC) & ~CC_EN);
	while (rd32(n, REG_CSTS) & CSTS_RDY)
		if (uptime_ms() > deadline)
			return -EIO;
	return 0;
}

/* 7.6.1: admin queue registers, then CC (NVM command set, 4 KiB pages), then RDY. */
static int enable(struct nvme *n)
{
	uint64_t deadline = uptime_ms() + CAP_TO_MS(n->cap) + 500;
	uint32_t csts;

	queue_init(n, &n->admin, 0, PG_ASQ, PG_ACQ);
	wr32(n, REG_AQA, (QDEPTH - 1) << 16 | (QDEPTH - 1));
	wr64(n, REG_ASQ, n->admin.sq_phys);
	wr64(n, REG_ACQ, n->admin.cq_phys);
	wr32(n, REG_CC, CC_IOSQES | CC_IOCQES | CC_EN);
	while (!((csts = rd32(n, REG_CSTS)) & CSTS_RDY))
		if ((csts & CSTS_CFS) || uptime_ms() > deadline)
			return -EIO;
	return 0;
}

/* 5.15: Identify, into the PG_IDENT page. */
static int identify(struct nvme *n, uint32_t cns, uint32_t nsid)
{
	struct sqe c = { .cdw0 = ADMIN_IDENTIFY, .nsid = nsid, .prp1 = page_phys(n, PG_IDENT),
			 .cdw10 = cns };

	return admin(n, &c);
}

/* 5.4 and 5.3: the I/O completion queue (interrupts on, vector 0), then its submission queue. */
static int io_queues(struct nvme *n)
{
	struct sqe cq = { .cdw0 = ADMIN_CREATE_CQ, .prp1 = page_phys(n, PG_IOCQ),
			  .cdw10 = (QDEPTH - 1) << 16 | 1, .cdw11 = 1u << 1 | 1 };
	struct sqe sq = { .cdw0 = ADMIN_CREATE_SQ, .prp1 = page_phys(n, PG_IOSQ),
			  .cdw10 = (QDEPTH - 1) << 16 | 1, .cdw11 = 1u << 16 | 1 };
	int r;

	queue_init(n, &n->io, 1, PG_IOSQ, PG_IOCQ);
	if ((r = admin(n, &cq)) != 0)
		return r;
	return admin(n, &sq);
}

/*
 * Disable, enable, and the I/O queues, with the interrupt masked while the admin queue is
 * polled: nothing reaps the admin queue from the interrupt, and an INTx line left
 * asserted on a line another driver unmasked would storm. Unmasks it again when the
 * driver's handler is attached (unmask).
 */
static int bring_up(struct nvme *n, bool unmask)
{
	int r;

	if ((r = disable(n)) != 0 || (r = enable(n)) != 0)
		return r;
	wr32(n, REG_INTMS, 1);		/* 3.1.3: pin-based, vector 0 */
	if ((r = io_queues(n)) != 0)
		return r;
	if (unmask)
		wr32(n, REG_INTMC, 1);	/* 3.1.4 */
	return 0;
}

/* 5.15.2.1 (Figure 249) and 5.15.2.2 (Figure 250): what the driver needs of the answers. */
static int identify_all(struct nvme *n)
{
	const uint8_t *id = page_virt(n, PG_IDENT);
	uint32_t mdts_bytes, lbads;
	int r;

	if ((r = identify(n, CNS_CONTROLLER, 0)) != 0)
		return r;
	n->vwc = id[525] & 1;			/* VWC: a volatile write cache, so FLUSH */
	mdts_bytes = id[77] ? (1u << (12 + CAP_MPSMIN(n->cap))) << id[77] : BLOCK_XFER_MAX;
	if ((r = identify(n, CNS_NAMESPACE, 1)) != 0)
		return r;
	uint64_t nsze;
	memcpy(&nsze, id, 8);
	lbads = id[128 + 4 * (id[26] & 0xf) + 2];	/* LBAF[FLBAS].LBADS: 2^n bytes */
	if (nsze == 0 || lbads < 9 || lbads > 12)
		return -ENODEV;			/* no namespace 1, or sectors we cannot bounce */
	n->dev.sectors = nsze;
	n->dev.sector_size = 1u << lbads;
	n->max_sectors = MIN(mdts_bytes, (uint32_t)BLOCK_XFER_MAX) >> lbads;
	return n->max_sectors ? 0 : -ENODEV;
}

static void nvme_irq(void *arg)
{
	struct nvme *n = arg;
	uint16_t status;

	lock_acquire(&n->lock);
	if (!n->done && reap(n, &n->io, &status)) {
		n->status = status;
		n->done = true;
		waitq_wake_all(&n->wq);
	}
	lock_release(&n->lock);
}

/* Waits for the I/O command's completion: asleep for the interrupt, or polling. */
static int wait_io(struct nvme *n)
{
	uint64_t deadline = uptime_ms() + BLOCK_TIMEOUT_MS;
	uint16_t status;

	lock_acquire(&n->lock);
	while (!n->done && uptime_ms() < deadline) {
		if (n->irq != PCI_IRQ_NONE &&
		    waitq_wait_lock_timeout(&n->wq, &n->lock, BLOCK_TIMEOUT_MS) != -EINTR)
			continue;
		/* No line (or a killed process, which must still see the command end). */
		if (reap(n, &n->io, &status)) {
			n->status = status;
			n->done = true;
		}
		lock_release(&n->lock);
		cpu_relax();
		lock_acquire(&n->lock);
	}
	bool done = n->done;
	lock_release(&n->lock);
	return done ? (n->status == 0 ? 0 : -EIO) : -ETIMEDOUT;
}

/* 3.1.5 (CC.EN): a reset aborts what the controller held; bring it up again for the next. */
static int recover(struct nvme *n)
{
	kprintf("[!!] %s: command timed out; resetting the controller\n", n->dev.name);
	if (bring_up(n, n->irq != PCI_IRQ_NONE) != 0) {
		kprintf("[!!] %s: the controller does not come back; out of use\n", n->dev.name);
		n->broken = true;
	}
	return -EIO;
}

/* 4.3: PRP1 the bounce buffer's first page; PRP2 the second page, or a list of the rest. */
static int io(struct nvme *n, uint8_t opcode, uint64_t lba, uint32_t count)
{
	uint32_t len = count * n->dev.sector_size;
	uint64_t *list = page_virt(n, PG_PRPS);
	struct sqe c = { .cdw0 = opcode, .nsid = 1 };
	int r;

	if (n->broken)
		return -EIO;
	if (opcode != IO_FLUSH) {
		c.prp1 = bounce_phys(n);
		if (len > 2 * NVME_PAGE) {
			for (uint32_t i = 1; i * NVME_PAGE < len; i++)
				list[i - 1] = bounce_phys(n) + (uint64_t)i * NVME_PAGE;
			c.prp2 = page_phys(n, PG_PRPS);
		} else if (len > NVME_PAGE) {
			c.prp2 = bounce_phys(n) + NVME_PAGE;
		}
		c.cdw10 = (uint32_t)lba;			/* 6.9, 6.15: SLBA */
		c.cdw11 = (uint32_t)(lba >> 32);
		c.cdw12 = count - 1;				/* NLB, 0-based */
	}
	lock_acquire(&n->lock);
	n->done = false;
	lock_release(&n->lock);
	submit(n, &n->io, &c);
	if ((r = wait_io(n)) == -ETIMEDOUT)
		return recover(n);
	return r;
}

static struct nvme *nvme_of(struct block_dev *d)
{
	return d->priv;
}

static int nvme_read(struct block_dev *d, uint64_t lba, uint32_t count, void *buf)
{
	struct nvme *n = nvme_of(d);
	int r = 0;

	while (count > 0 && r == 0) {
		uint32_t k = MIN(count, n->max_sectors);
		if ((r = io(n, IO_READ, lba, k)) == 0)
			memcpy(buf, bounce_virt(n), (size_t)k * d->sector_size);
		buf = (char *)buf + (size_t)k * d->sector_size;
		lba += k;
		count -= k;
	}
	return r;
}

static int nvme_write(struct block_dev *d, uint64_t lba, uint32_t count, const void *buf)
{
	struct nvme *n = nvme_of(d);
	int r = 0;

	while (count > 0 && r == 0) {
		uint32_t k = MIN(count, n->max_sectors);
		memcpy(bounce_virt(n), buf, (size_t)k * d->sector_size);
		r = io(n, IO_WRITE, lba, k);
		buf = (const char *)buf + (size_t)k * d->sector_size;
		lba += k;
		count -= k;
	}
	return r;
}

/* 6.8 of the NVM command set: Flush, when the controller says it has a volatile cache. */
static int nvme_flush(struct block_dev *d)
{
	struct nvme *n = nvme_of(d);

	return n->vwc ? io(n, IO_FLUSH, 0, 0) : 0;
}

static const struct block_ops nvme_ops = {
	.read = nvme_read,
	.write = nvme_write,
	.flush = nvme_flush,
};

int nvme_start(struct pci_dev *pd)
{
	uint64_t bar;
	struct nvme *n;
	bool io_bar;
	int r;

	bar = pci_bar(pd, 0, &io_bar);
	if (io_bar || bar == 0 || bar + 0x2000 > direct_map_limit())
		return -ENODEV;
	if (nv.count == NVME_MAX || !(n = kzalloc(sizeof(*n))))
		return -ENOMEM;
	if (!(n->dma = pmm_alloc_contig(PG_COUNT + BLOCK_XFER_MAX / NVME_PAGE, PMM_LOW_LIMIT)))
		return -ENOMEM;		/* at boot: what was taken stays taken */
	n->vdma = phys_to_virt(n->dma);
	n->regs = phys_to_virt(bar);
	n->lock = (struct lock)LOCK_INIT("nvme");
	n->irq = pci_enable(pd, "nvme");
	n->cap = rd64(n, REG_CAP);
	ksnprintf(n->dev.name, BLOCK_NAME_MAX, "nvme%dn1", nv.count);
	if (CAP_MQES(n->cap) + 1 < QDEPTH || CAP_MPSMIN(n->cap) != 0)
		return -ENODEV;		/* queues too short, or no 4 KiB pages */
	if ((r = bring_up(n, false)) != 0 || (r = identify_all(n)) != 0) {
		disable(n);
		return r;
	}
	if (n->irq != PCI_IRQ_NONE && block_irq_attach(n->irq, nvme_irq, n) != 0)
		n->irq = PCI_IRQ_NONE;
	if (n->irq != PCI_IRQ_NONE)
		wr32(n, REG_INTMC, 1);	/* 3.1.4: the handler is there now */
	n->dev.ops = &nvme_ops;
	n->dev.priv = n;
	nv.count++;
	return block_register_disk(&n->dev);
}
