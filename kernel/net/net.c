/*
 * The interface: which card carries it, its addresses, its counters; Ethernet
 * demultiplexing by EtherType; the stack's timers; and net_init, which starts it all at
 * boot. The drivers (drivers/e1000.c, drivers/rtl8139.c) are chosen by PCI ID.
 */
#include "arch.h"
#include "bootinfo.h"
#include "lib.h"
#include "net.h"
#include "pci.h"
#include "tcp.h"
#include "timer.h"
#include <keel/errno.h>

#define NET_TICKS	(NET_TICK_MS * TIMER_HZ / 1000)
#define NET_ARG_MAX	32

/* The cards we drive, by PCI vendor and device ID. */
static const struct nic_driver {
	uint16_t vendor, device;
	const char *name;
	int (*start)(struct pci_dev *pd, struct netdev *dev);
} nic_drivers[] = {
	{ 0x8086, 0x100e, "e1000", e1000_start },	/* 82540EM, QEMU's default */
	{ 0x8086, 0x100f, "e1000", e1000_start },	/* 82545EM */
	{ 0x10ec, 0x8139, "rtl8139", rtl8139_start },
};

static struct {
	struct netdev dev;
	bool up;			/* a driver started the card */
	bool quiet;
	bool verbose;	/* log what comes after boot too (DHCP's address) */
	struct net_config cfg;
	uint64_t counters[NET_COUNTERS];
	uint64_t next_tick;
} net;

void net_count(unsigned ctr, uint64_t n)
{
	if (ctr < NET_COUNTERS)
		net.counters[ctr] += n;
}

const struct net_config *net_config(void)
{
	return &net.cfg;
}

const uint8_t *net_mac(void)
{
	return net.up ? net.dev.mac : NULL;
}

void net_batch_end(void)
{
	tcp_batch_end();
}

void net_receive(struct netdev *dev, const uint8_t *frame, size_t len)
{
	struct eth_info e;
	int why;

	(void)dev;
	net_count(NET_CTR_RX_PACKETS, 1);
	net_count(NET_CTR_RX_BYTES, len);
	if ((why = eth_parse(frame, len, &e)) != 0) {
		net_count((unsigned)why, 1);
		return;
	}
	switch (e.type) {
	case ETHERTYPE_ARP:
		arp_input(e.payload, e.len);
		break;
	case ETHERTYPE_IPV4:
		ipv4_input(e.payload, e.len);
		break;
	default:
		net_count(NET_CTR_ETHERTYPE, 1);
	}
}

int net_transmit(const uint8_t *dst, uint16_t type, uint8_t *frame, size_t len)
{
	if (!net.up)
		return -ENETDOWN;
	eth_build(frame, dst, net.dev.mac, type);
	if (len < ETH_ZLEN) {
		memset(frame + len, 0, ETH_ZLEN - len);
		len = ETH_ZLEN;
	}
	if (net.dev.ops->transmit(&net.dev, frame, len) != 0) {
		net_count(NET_CTR_TX_DROPPED, 1);
		return -ENOBUFS;
	}
	net_count(NET_CTR_TX_PACKETS, 1);
	net_count(NET_CTR_TX_BYTES, len);
	return 0;
}

static void log_addr(const char *what, uint32_t a)
{
	kprintf("%s%u.%u.%u.%u", what, a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

void net_configure(uint32_t addr, unsigned prefix, uint32_t gateway, uint32_t dns, int how)
{
	bool changed = addr != net.cfg.addr;

	net.cfg.addr = addr;
	net.cfg.prefix = prefix;
	net.cfg.netmask = inet_mask(prefix);
	net.cfg.gateway = gateway;
	net.cfg.dns = dns;
	net.cfg.how = how;
	if (changed)
		arp_flush();
	/*
	 * DHCP's answer comes after the login prompt: it would be printed over it, so it is
	 * logged only with the verbose word (ifconfig shows the address).
	 */
	if (how == NET_CONFIG_DHCP ? net.verbose : !net.quiet) {
		log_addr("[ok] net: ", addr);
		kprintf("/%u", prefix);
		if (gateway)
			log_addr(" gw ", gateway);
		kprintf(" (%s)\n", how == NET_CONFIG_DHCP ? "dhcp" : "static");
	}
	arp_announce();
}

/*
 * The stack's clock: timers every NET_TICK_MS, TCP's every TCP_TICK_MS; the receive ring
 * every tick without an IRQ.
 */
static void net_tick(uint64_t ticks)
{
	if (net.dev.irq == PCI_IRQ_NONE)
		net.dev.ops->poll(&net.dev);
	tcp_tick(uptime_ms());		/* every TCP_TICK_MS: its own clock check */
	if (ticks < net.next_tick)
		return;
	net.next_tick = ticks + NET_TICKS;
	arp_tick(uptime_ms());
	dhcp_tick(uptime_ms());
}

/* Reads ip=ADDR/PREFIX and gw=ADDR. Returns 1 when ip= is there, 0 when not, -1 when bad. */
static int static_config(const char *cmdline, uint32_t *addr, unsigned *prefix, uint32_t *gw)
{
	char arg[NET_ARG_MAX];

	*gw = 0;
	if (cmdline_get(cmdline, "ip", arg, sizeof(arg)) < 0)
		return 0;
	if (strcmp(arg, "dhcp") == 0)
		return 0;
	if (inet_parse_cidr(arg, addr, prefix) != 0 || *addr == 0)
		return -1;
	if (cmdline_get(cmdline, "gw", arg, sizeof(arg)) >= 0 &&
	    inet_parse(arg, strlen(arg), gw) != 0)
		return -1;
	return 1;
}

/* Starts the driver of the first card we know. Returns 0, or -ENODEV when there is none. */
static int start_card(void)
{
	struct pci_dev *pd;

	for (int i = 0; (pd = pci_at(i)); i++)
		for (size_t k = 0; k < ARRAY_SIZE(nic_drivers); k++) {
			const struct nic_driver *drv = &nic_drivers[k];
			if (pd->info.vendor != drv->vendor || pd->info.device != drv->device)
				continue;
			net.dev.driver = drv->name;
			int r = drv->start(pd, &net.dev);
			if (r == 0)
				return 0;
			kprintf("[!!] net: %s at %02x:%02x.%x did not start (error %d)\n",
				drv->name, pd->bus, pd->slot, pd->func, -r);
		}
	return -ENODEV;
}

void net_init(const char *cmdline, bool quiet)
{
	uint32_t addr, gw;
	unsigned prefix;
	int st;

	net.quiet = quiet;
	net.verbose = !quiet && cmdline_has(cmdline, "verbose");
	if (start_card() != 0) {
		if (!quiet)
			kprintf("[ok] net: no network card we know\n");
		return;
	}
	tcp_init();
	uint64_t flags = arch_irq_save();
	net.up = true;
	net.next_tick = timer_ticks() + NET_TICKS;
	arch_irq_restore(flags);
	if (!quiet) {
		const uint8_t *m = net.dev.mac;
		kprintf("[ok] net: eth0 is %s, MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s, ",
			net.dev.driver, m[0], m[1], m[2], m[3], m[4], m[5],
			net.dev.ops->link_up(&net.dev) ? "up" : "down");
		if (net.dev.irq == PCI_IRQ_NONE)
			kprintf("polled\n");
		else
			kprintf("IRQ %u\n", net.dev.irq);
	}
	if (timer_add_tick_hook(net_tick) != 0)
		kprintf("[!!] net: no room for the timer hook; no retransmissions\n");
	st = static_config(cmdline, &addr, &prefix, &gw);
	flags = arch_irq_save();
	if (st > 0)
		net_configure(addr, prefix, gw, 0, NET_CONFIG_STATIC);
	else
		dhcp_start();
	arch_irq_restore(flags);
	if (st < 0)
		kprintf("[!!] net: ip= wants ADDR/PREFIX and gw= ADDR; using DHCP\n");
}

int net_info(int index, struct keel_netinfo *ni)
{
	if (index != 0 || !net.up)
		return 0;
	memset(ni, 0, sizeof(*ni));
	memcpy(ni->name, "eth0", 5);
	ksnprintf(ni->driver, sizeof(ni->driver), "%s", net.dev.driver);
	memcpy(ni->mac, net.dev.mac, ETH_ALEN);
	uint64_t flags = arch_irq_save();
	if (net.dev.ops->stats)
		net.dev.ops->stats(&net.dev);
	ni->link_up = net.dev.ops->link_up(&net.dev);
	ni->config = (uint8_t)net.cfg.how;
	ni->addr = net.cfg.addr;
	ni->netmask = net.cfg.netmask;
	ni->gateway = net.cfg.gateway;
	ni->dns = net.cfg.dns;
	ni->prefix = net.cfg.prefix;
	ni->irq = net.dev.irq;
	memcpy(ni->counters, net.counters, sizeof(net.counters));
	arch_irq_restore(flags);
	return 1;
}
