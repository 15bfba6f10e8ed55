/*
 * The Realtek RTL8139 Fast Ethernet driver, the card of the classic hobby kernels.
 * References: RTL8139(A/B) data sheet (registers, section 6) and the RTL8139 Programming
 * Guide (receive ring and transmit slots). Registers through the I/O BAR; an 8 KiB
 * receive ring that the card fills with [status, length, frame, CRC] records; four
 * transmit slots used in turn.
 */
#include "arch.h"
#include "lib.h"
#include "net.h"
#include "pci.h"
#include "pmm.h"
#include <keel/errno.h>

/* Data sheet section 6: register offsets from the I/O base. */
#define RTL_IDR0	0x00		/* MAC address, 6 bytes */
#define RTL_MAR0	0x08		/* multicast filter, 8 bytes */
#define RTL_TSD0	0x10		/* transmit status of slot 0-3, 4 bytes apart */
#define RTL_TSAD0	0x20		/* transmit buffer addresses */
#define RTL_RBSTART	0x30
#define RTL_CR		0x37
#define RTL_CAPR	0x38
#define RTL_IMR		0x3c
#define RTL_ISR		0x3e
#define RTL_TCR		0x40
#define RTL_RCR		0x44
#define RTL_MPC		0x4c		/* missed packets, 24 bits; a write clears it */
#define RTL_CONFIG1	0x52
#define RTL_MSR		0x58

#define CR_BUFE		(1u << 0)	/* the receive ring is empty */
#define CR_TE		(1u << 2)
#define CR_RE		(1u << 3)
#define CR_RST		(1u << 4)
#define MSR_LINKB	(1u << 2)	/* inverse of the link status */
#define TSD_OWN		(1u << 13)	/* set when the card has the buffer's bytes */
#define TSD_TOK		(1u << 15)
#define TSD_TABT	(1u << 30)
#define TSD_TUN		(1u << 14)
#define INT_ROK		(1u << 0)
#define INT_RER		(1u << 1)
#define INT_TOK		(1u << 2)
#define INT_TER		(1u << 3)
#define INT_RXOVW	(1u << 4)
#define INT_LINKCHG	(1u << 5)
#define INT_FOVW	(1u << 6)
#define INT_WANTED	(INT_ROK | INT_RER | INT_TOK | INT_TER | INT_RXOVW | INT_LINKCHG | INT_FOVW)
/* RCR: our address, broadcast, multicast; wrap (so a frame is never split); no DMA limit. */
#define RCR_APM		(1u << 1)
#define RCR_AM		(1u << 2)
#define RCR_AB		(1u << 3)
#define RCR_WRAP	(1u << 7)
#define RCR_MXDMA_UNLIMITED (7u << 8)
#define RCR_RXFTH_NONE	(7u << 13)
#define TCR_MXDMA_1024	(6u << 8)
#define TCR_IFG_STD	(3u << 24)
#define RX_STAT_ROK	(1u << 0)	/* the packet header's status word */

#define RTL_RX_RING	8192		/* RCR.RBLEN 00 */
#define RTL_RX_ALLOC	(RTL_RX_RING + 16 + 2048)	/* WRAP lets a frame run past the end */
#define RTL_TX_SLOTS	4
#define RTL_TX_BUF	2048
#define RTL_RESET_SPINS	100000
#define RTL_CRC_LEN	4

static struct {
	uint16_t io;
	uint8_t *rx;			/* the ring, through the direct map */
	uint8_t *tx;			/* RTL_TX_SLOTS buffers */
	uint64_t tx_phys;
	unsigned rx_off;		/* where the next record starts in the ring */
	unsigned tx_next;
	struct netdev *dev;
} rtl;

static int rtl8139_transmit(struct netdev *dev, const uint8_t *frame, size_t len)
{
	uint16_t tsd = (uint16_t)(rtl.io + RTL_TSD0 + 4 * rtl.tx_next);
	uint32_t st = inl(tsd);

	(void)dev;
	/* A slot is free once the card has copied it out (OWN), or was never used. */
	if (st != 0 && !(st & TSD_OWN))
		return -ENOBUFS;
	if (st & (TSD_TABT | TSD_TUN))
		net_count(NET_CTR_TX_ERRORS, 1);
	if (len > RTL_TX_BUF)
		return -EMSGSIZE;
	memcpy(rtl.tx + rtl.tx_next * RTL_TX_BUF, frame, len);
	outl((uint16_t)(rtl.io + RTL_TSAD0 + 4 * rtl.tx_next),
	     (uint32_t)(rtl.tx_phys + rtl.tx_next * RTL_TX_BUF));
	outl(tsd, (uint32_t)len);	/* the size, OWN clear: send; early-TX threshold 0 */
	rtl.tx_next = (rtl.tx_next + 1) % RTL_TX_SLOTS;
	return 0;
}

/*
 * Programming guide, "Receive": each record is a status word, a length (CRC included),
 * the frame, the CRC, then padding to 4 bytes; CAPR trails the read offset by 16.
 */
static void rtl8139_poll(struct netdev *dev)
{
	uint16_t isr = inw(rtl.io + RTL_ISR);

	outw(rtl.io + RTL_ISR, isr);	/* write 1s to acknowledge */
	while (!(inb(rtl.io + RTL_CR) & CR_BUFE)) {
		const uint8_t *rec = rtl.rx + rtl.rx_off;
		uint16_t status = (uint16_t)(rec[0] | rec[1] << 8);
		uint16_t len = (uint16_t)(rec[2] | rec[3] << 8);
		if (!(status & RX_STAT_ROK) || len < RTL_CRC_LEN || len > RTL_RX_RING - 16) {
			/* The ring is out of step: the guide's cure is to restart the receiver. */
			net_count(NET_CTR_RX_ERRORS, 1);
			outb(rtl.io + RTL_CR, CR_TE);
			outb(rtl.io + RTL_CR, CR_TE | CR_RE);
			outl(rtl.io + RTL_RCR, RCR_APM | RCR_AM | RCR_AB | RCR_WRAP |
			     RCR_MXDMA_UNLIMITED | RCR_RXFTH_NONE);
			rtl.rx_off = 0;
			outw(rtl.io + RTL_CAPR, (uint16_t)(0u - 16));	/* CAPR trails offset 0 */
			break;
		}
		if (len > ETH_FRAME_MAX + RTL_CRC_LEN)
			net_count(NET_CTR_GIANT, 1);	/* whole, but longer than we take */
		else
			net_receive(dev, rec + 4, len - RTL_CRC_LEN);
		rtl.rx_off = (rtl.rx_off + len + 4 + 3) & ~3u;
		rtl.rx_off %= RTL_RX_RING;
		outw(rtl.io + RTL_CAPR, (uint16_t)(rtl.rx_off - 16u));
	}
	if (isr & (INT_RXOVW | INT_FOVW))
		net_count(NET_CTR_RX_DROPPED, 1);
	uint32_t missed = inl(rtl.io + RTL_MPC) & 0xffffff;
	if (missed) {
		net_count(NET_CTR_RX_DROPPED, missed);
		outl(rtl.io + RTL_MPC, 0);
	}
	net_batch_end();
}

static bool rtl8139_link_up(struct netdev *dev)
{
	(void)dev;
	return !(inb(rtl.io + RTL_MSR) & MSR_LINKB);
}

static void rtl8139_irq(void)
{
	rtl8139_poll(rtl.dev);
}

static const struct netdev_ops rtl8139_ops = {
	.transmit = rtl8139_transmit,
	.poll = rtl8139_poll,
	.link_up = rtl8139_link_up,
};

/*
 * Starts the card at pd: power on, reset, MAC, ring, receiver and transmitter,
 * interrupts. Fills dev. Returns 0, -ENODEV (no I/O BAR, reset stuck), -ENOMEM.
 */
int rtl8139_start(struct pci_dev *pd, struct netdev *dev)
{
	bool io;
	uint64_t bar = pci_bar(pd, 0, &io);
	uint64_t rx_phys, tx_phys;
	unsigned irq;
	int i;

	if (!io || bar == 0 || bar > 0xffff)
		return -ENODEV;
	rtl.io = (uint16_t)bar;
	rtl.dev = dev;
	irq = pci_enable(pd, "rtl8139");
	outb(rtl.io + RTL_CONFIG1, 0);		/* power on (LWAKE and LWPTN low) */
	outb(rtl.io + RTL_CR, CR_RST);
	for (i = 0; i < RTL_RESET_SPINS && (inb(rtl.io + RTL_CR) & CR_RST); i++)
		cpu_relax();
	if (i == RTL_RESET_SPINS)
		return -ENODEV;
	rx_phys = pmm_alloc_contig(ALIGN_UP(RTL_RX_ALLOC, FRAME_SIZE) / FRAME_SIZE, PMM_LOW_LIMIT);
	tx_phys = pmm_alloc_contig(RTL_TX_SLOTS * RTL_TX_BUF / FRAME_SIZE, PMM_LOW_LIMIT);
	if (!rx_phys || !tx_phys)
		return -ENOMEM;
	rtl.rx = phys_to_virt(rx_phys);
	rtl.tx = phys_to_virt(tx_phys);
	rtl.tx_phys = tx_phys;
	memset(rtl.rx, 0, RTL_RX_ALLOC);
	for (int b = 0; b < ETH_ALEN; b++)
		dev->mac[b] = inb(rtl.io + RTL_IDR0 + b);
	outl(rtl.io + RTL_RBSTART, (uint32_t)rx_phys);
	outl(rtl.io + RTL_MAR0, 0xffffffff);	/* take all multicast; the stack filters */
	outl(rtl.io + RTL_MAR0 + 4, 0xffffffff);
	outb(rtl.io + RTL_CR, CR_TE | CR_RE);	/* the data sheet: enable before configuring */
	outl(rtl.io + RTL_RCR, RCR_APM | RCR_AM | RCR_AB | RCR_WRAP | RCR_MXDMA_UNLIMITED |
	     RCR_RXFTH_NONE);
	outl(rtl.io + RTL_TCR, TCR_MXDMA_1024 | TCR_IFG_STD);
	outw(rtl.io + RTL_CAPR, (uint16_t)(0u - 16));	/* CAPR trails offset 0 */
	rtl.rx_off = 0;
	rtl.tx_next = 0;
	outl(rtl.io + RTL_MPC, 0);
	dev->ops = &rtl8139_ops;
	dev->irq = irq;
	if (irq != PCI_IRQ_NONE)
		irq_set_handler(irq, rtl8139_irq);
	outw(rtl.io + RTL_IMR, INT_WANTED);
	return 0;
}
