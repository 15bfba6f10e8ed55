/*
 * The Intel 8254x ("e1000") Gigabit Ethernet driver, for the 82540EM that QEMU emulates
 * by default. References: Intel PCI/PCI-X Family of Gigabit Ethernet Controllers Software
 * Developer's Manual (8254x SDM), sections 13 (registers), 3.2 (receive descriptors), 3.3
 * (transmit descriptors), 14 (initialization). Registers through BAR0's memory; rings and
 * buffers in frames below 4 GiB; receive by interrupt (or by the timer without one).
 */
#include "arch.h"
#include "lib.h"
#include "net.h"
#include "pci.h"
#include "pmm.h"
#include "timer.h"
#include <keel/errno.h>

/* 8254x SDM 13.4: register offsets. */
#define REG_CTRL	0x0000
#define REG_STATUS	0x0008
#define REG_EERD	0x0014
#define REG_ICR		0x00c0
#define REG_IMS		0x00d0
#define REG_ITR		0x00c4		/* 13.4.18: interrupt throttling, 256 ns units */
#define REG_IMC		0x00d8
#define REG_RCTL	0x0100
#define REG_TCTL	0x0400
#define REG_TIPG	0x0410
#define REG_RDBAL	0x2800
#define REG_RDBAH	0x2804
#define REG_RDLEN	0x2808
#define REG_RDH		0x2810
#define REG_RDT		0x2818
#define REG_TDBAL	0x3800
#define REG_TDBAH	0x3804
#define REG_TDLEN	0x3808
#define REG_TDH		0x3810
#define REG_TDT		0x3818
#define REG_CRCERRS	0x4000		/* 13.7: statistics, cleared on read */
#define REG_RXERRC	0x400c
#define REG_MPC		0x4010
#define REG_RUC		0x40a4		/* receive undersize (runts) */
#define REG_ROC		0x40ac		/* receive oversize (giants) */
#define REG_MTA		0x5200		/* 128 dwords of multicast table */
#define REG_RAL0	0x5400
#define REG_RAH0	0x5404

#define CTRL_ASDE	(1u << 5)	/* 13.4.1 */
#define CTRL_SLU	(1u << 6)
#define CTRL_RST	(1u << 26)
#define STATUS_LU	(1u << 1)	/* 13.4.2 */
#define EERD_START	(1u << 0)	/* 13.4.4 (82540EM) */
#define EERD_DONE	(1u << 4)
#define RAH_AV		(1u << 31)
#define RCTL_EN		(1u << 1)	/* 13.4.22 */
#define RCTL_BAM	(1u << 15)
#define RCTL_SECRC	(1u << 26)	/* strip the CRC: frames come without FCS */
#define TCTL_EN		(1u << 1)	/* 13.4.33 */
#define TCTL_PSP	(1u << 3)	/* pad short packets */
#define TCTL_CT		(0x10u << 4)
#define TCTL_COLD	(0x40u << 12)
#define TIPG_8023	(10u | 8u << 10 | 6u << 20)	/* 13.4.34: IPGT, IPGR1, IPGR2 */
#define ICR_TXDW	(1u << 0)	/* 13.4.17 */
#define ICR_LSC		(1u << 2)
#define ICR_RXDMT0	(1u << 4)
#define ICR_RXO		(1u << 6)
#define ICR_RXT0	(1u << 7)
#define IMS_WANTED	(ICR_LSC | ICR_RXDMT0 | ICR_RXO | ICR_RXT0)

#define RXD_STAT_DD	(1u << 0)	/* 3.2.3 */
#define RXD_STAT_EOP	(1u << 1)
#define RXD_ERR_MASK	0x97		/* CE, SE, SEQ, CXE, RXE: a bad frame */
#define TXD_CMD_EOP	(1u << 0)	/* 3.3.3 */
#define TXD_CMD_IFCS	(1u << 1)
#define TXD_CMD_RS	(1u << 3)
#define TXD_STAT_DD	(1u << 0)

#define E1000_RX_RING	128		/* descriptors (a 64 KiB window of frames and more); */
#define E1000_TX_RING	64		/* RDLEN must be a multiple of 128 bytes, one page at most */
#define E1000_ITR	200		/* at most one interrupt in 51 us: frames come in batches */
#define E1000_BUF_SIZE	2048		/* RCTL.BSIZE 00: 2048-byte receive buffers */
#define E1000_RESET_SPINS	100000
#define E1000_EEPROM_SPINS	100000

struct rx_desc {
	uint64_t addr;
	uint16_t length, checksum;
	uint8_t status, errors;
	uint16_t special;
} __attribute__((packed));

struct tx_desc {
	uint64_t addr;
	uint16_t length;
	uint8_t cso, cmd, status, css;
	uint16_t special;
} __attribute__((packed));

static struct {
	volatile uint8_t *mmio;
	volatile struct rx_desc *rx;
	volatile struct tx_desc *tx;
	uint8_t *rx_buf, *tx_buf;	/* E1000_BUF_SIZE per descriptor */
	unsigned rx_next, tx_next;
	bool rx_discard;		/* dropping the rest of a frame that spans buffers */
	struct netdev *dev;
} e1000;

static uint32_t rd(uint32_t reg)
{
	return *(volatile uint32_t *)(e1000.mmio + reg);
}

static void wr(uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(e1000.mmio + reg) = v;
}

/* 8254x SDM 5.3.1 and 13.4.4: a word of the EEPROM through EERD; -1 when it never answers. */
static int eeprom_read(uint8_t addr)
{
	wr(REG_EERD, EERD_START | (uint32_t)addr << 8);
	for (int i = 0; i < E1000_EEPROM_SPINS; i++) {
		uint32_t v = rd(REG_EERD);
		if (v & EERD_DONE)
			return (int)(v >> 16);
	}
	return -1;
}

/* The MAC: receive address 0 when valid (QEMU and the EEPROM loader fill it), else the EEPROM. */
static void read_mac(uint8_t *mac)
{
	uint32_t lo = rd(REG_RAL0), hi = rd(REG_RAH0);

	if (hi & RAH_AV) {
		for (int i = 0; i < 4; i++)
			mac[i] = (uint8_t)(lo >> (8 * i));
		mac[4] = (uint8_t)hi;
		mac[5] = (uint8_t)(hi >> 8);
		return;
	}
	for (uint8_t w = 0; w < 3; w++) {
		int v = eeprom_read(w);	/* 8254x SDM 5.6.1: words 0-2 are the address */
		mac[2 * w] = (uint8_t)(v & 0xff);
		mac[2 * w + 1] = (uint8_t)((v >> 8) & 0xff);
	}
}

static int e1000_transmit(struct netdev *dev, const uint8_t *frame, size_t len)
{
	volatile struct tx_desc *d = &e1000.tx[e1000.tx_next];

	(void)dev;
	/* A descriptor is ours again when the card wrote back DD (we always ask with RS). */
	if (d->cmd && !(d->status & TXD_STAT_DD))
		return -ENOBUFS;
	if (len > E1000_BUF_SIZE)
		return -EMSGSIZE;
	memcpy(e1000.tx_buf + e1000.tx_next * E1000_BUF_SIZE, frame, len);
	d->length = (uint16_t)len;
	d->status = 0;
	d->cmd = TXD_CMD_EOP | TXD_CMD_IFCS | TXD_CMD_RS;
	e1000.tx_next = (e1000.tx_next + 1) % E1000_TX_RING;
	wr(REG_TDT, e1000.tx_next);
	return 0;
}

/*
 * Takes every frame the card has written, then gives the descriptors back (3.2.6) with one
 * write of the tail: under emulation every register access is a costly exit, so the
 * receive path makes two, whatever the number of frames.
 */
static void e1000_poll(struct netdev *dev)
{
	int done = 0;

	rd(REG_ICR);			/* 13.4.17: reading acknowledges the causes */
	for (; done < E1000_RX_RING; done++) {
		volatile struct rx_desc *d = &e1000.rx[e1000.rx_next];
		if (!(d->status & RXD_STAT_DD))
			break;
		bool eop = d->status & RXD_STAT_EOP;
		if (e1000.rx_discard || !eop || d->length > E1000_BUF_SIZE) {
			/* 3.2.3: a frame longer than a buffer spans descriptors; only the last has EOP. */
			if (!e1000.rx_discard)
				net_count(NET_CTR_GIANT, 1);
			e1000.rx_discard = !eop;
		} else if (d->errors & RXD_ERR_MASK) {
			net_count(NET_CTR_RX_ERRORS, 1);
		} else {
			net_receive(dev, e1000.rx_buf + e1000.rx_next * E1000_BUF_SIZE, d->length);
		}
		d->status = 0;
		e1000.rx_next = (e1000.rx_next + 1) % E1000_RX_RING;
	}
	/* 3.2.6: the card owns RDH up to RDT - 1; the slot before rx_next stays ours. */
	if (done)
		wr(REG_RDT, (e1000.rx_next + E1000_RX_RING - 1) % E1000_RX_RING);
	net_batch_end();
}

/* 13.7: the statistics registers clear when read. */
static void e1000_stats(struct netdev *dev)
{
	(void)dev;
	net_count(NET_CTR_RX_DROPPED, rd(REG_MPC));
	net_count(NET_CTR_RX_ERRORS, rd(REG_CRCERRS) + rd(REG_RXERRC));
	net_count(NET_CTR_RUNT, rd(REG_RUC));
	net_count(NET_CTR_GIANT, rd(REG_ROC));
}

static bool e1000_link_up(struct netdev *dev)
{
	(void)dev;
	return rd(REG_STATUS) & STATUS_LU;
}

static void e1000_irq(void)
{
	e1000_poll(e1000.dev);
}

static const struct netdev_ops e1000_ops = {
	.transmit = e1000_transmit,
	.poll = e1000_poll,
	.link_up = e1000_link_up,
	.stats = e1000_stats,
};

/* 8254x SDM 14.5 and 14.6: the receive and transmit rings. */
static int rings_init(void)
{
	uint64_t rx_ring = pmm_alloc_contig(1, PMM_LOW_LIMIT);
	uint64_t tx_ring = pmm_alloc_contig(1, PMM_LOW_LIMIT);
	uint64_t rx_buf = pmm_alloc_contig(E1000_RX_RING * E1000_BUF_SIZE / FRAME_SIZE, PMM_LOW_LIMIT);
	uint64_t tx_buf = pmm_alloc_contig(E1000_TX_RING * E1000_BUF_SIZE / FRAME_SIZE, PMM_LOW_LIMIT);

	if (!rx_ring || !tx_ring || !rx_buf || !tx_buf)
		return -ENOMEM;		/* at boot: what was taken stays taken */
	e1000.rx = phys_to_virt(rx_ring);
	e1000.tx = phys_to_virt(tx_ring);
	e1000.rx_buf = phys_to_virt(rx_buf);
	e1000.tx_buf = phys_to_virt(tx_buf);
	memset((void *)e1000.rx, 0, FRAME_SIZE);
	memset((void *)e1000.tx, 0, FRAME_SIZE);
	for (int i = 0; i < E1000_RX_RING; i++)
		e1000.rx[i].addr = rx_buf + (uint64_t)i * E1000_BUF_SIZE;
	for (int i = 0; i < E1000_TX_RING; i++)
		e1000.tx[i].addr = tx_buf + (uint64_t)i * E1000_BUF_SIZE;

	wr(REG_RDBAL, (uint32_t)rx_ring);
	wr(REG_RDBAH, 0);
	wr(REG_RDLEN, E1000_RX_RING * sizeof(struct rx_desc));
	wr(REG_RDH, 0);
	wr(REG_RDT, E1000_RX_RING - 1);	/* all but one buffer are the card's */
	wr(REG_RCTL, RCTL_EN | RCTL_BAM | RCTL_SECRC);

	wr(REG_TDBAL, (uint32_t)tx_ring);
	wr(REG_TDBAH, 0);
	wr(REG_TDLEN, E1000_TX_RING * sizeof(struct tx_desc));
	wr(REG_TDH, 0);
	wr(REG_TDT, 0);
	wr(REG_TIPG, TIPG_8023);
	wr(REG_TCTL, TCTL_EN | TCTL_PSP | TCTL_CT | TCTL_COLD);
	return 0;
}

/*
 * Starts the card at pd: reset, MAC, rings, link up, interrupts. Fills dev. Returns 0,
 * -ENODEV when its registers are not reachable, -ENOMEM.
 */
int e1000_start(struct pci_dev *pd, struct netdev *dev)
{
	bool io;
	uint64_t bar = pci_bar(pd, 0, &io);
	unsigned irq;
	int r;

	if (io || bar == 0 || bar + 0x20000 > direct_map_limit())
		return -ENODEV;
	irq = pci_enable(pd, "e1000");
	e1000.mmio = phys_to_virt(bar);
	e1000.dev = dev;

	wr(REG_IMC, 0xffffffff);		/* 14.4: interrupts off during the reset */
	wr(REG_CTRL, rd(REG_CTRL) | CTRL_RST);
	for (int i = 0; i < E1000_RESET_SPINS && (rd(REG_CTRL) & CTRL_RST); i++)
		cpu_relax();
	wr(REG_IMC, 0xffffffff);
	rd(REG_ICR);
	wr(REG_CTRL, (rd(REG_CTRL) | CTRL_SLU | CTRL_ASDE) & ~CTRL_RST);
	for (int i = 0; i < 128; i++)
		wr(REG_MTA + 4 * i, 0);
	read_mac(dev->mac);
	if ((r = rings_init()) != 0)
		return r;
	dev->ops = &e1000_ops;
	dev->irq = irq;
	if (irq != PCI_IRQ_NONE)
		irq_set_handler(irq, e1000_irq);
	wr(REG_ITR, E1000_ITR);
	wr(REG_IMS, IMS_WANTED);
	return 0;
}
