/*
 * The network stack: one interface (the first network card a driver claims), Ethernet
 * demultiplexing, ARP, IPv4 with ICMP echo and UDP, DHCP or a static address, and sockets
 * for user space. See doc/network.md.
 *
 * Concurrency: the whole stack runs with interrupts off, on the one CPU: in the card's
 * interrupt handler (receive), in the timer's (retransmissions, expiry, polling), and in
 * system calls between arch_irq_save and arch_irq_restore. So it needs no other lock, may
 * never block, and never allocates (the heap is not safe in interrupt handlers): every
 * buffer exists before traffic does.
 */
#ifndef KEEL_NET_H
#define KEEL_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "netproto.h"
#include <keel/net.h>

#define NET_TICK_MS		100	/* how often the stack's timers run */
#define ARP_CACHE_MAX		16
#define ARP_TTL_MS		60000	/* an entry is asked for again after this */
#define ARP_RETRY_MS		1000
#define ARP_TRIES		3	/* requests before queued packets are dropped */
#define ARP_QUEUE_MAX		8	/* packets waiting for a resolution, all addresses */
#define SOCK_MAX		32	/* sockets in the whole system */
#define SOCK_QUEUE_MAX		8	/* datagrams waiting in one socket */
#define UDP_EPHEMERAL_FIRST	49152	/* bind(0) picks from here up (RFC 6335) */

struct netdev;

/* What a network card's driver gives the stack. All are called with interrupts off. */
struct netdev_ops {
	/* Copies a frame (ETH_HLEN to ETH_FRAME_MAX bytes) to the card. Returns 0 or -ENOBUFS. */
	int (*transmit)(struct netdev *dev, const uint8_t *frame, size_t len);
	/* Hands every received frame to net_receive, then calls net_batch_end once, and
	 * acknowledges the card's events. */
	void (*poll)(struct netdev *dev);
	bool (*link_up)(struct netdev *dev);
	/* Optional: adds the card's own error counters to the stack's (net_count). Called
	 * when the counters are read, so the receive path reads no statistics registers. */
	void (*stats)(struct netdev *dev);
};

struct netdev {
	const char *driver;
	uint8_t mac[ETH_ALEN];
	unsigned irq;			/* PCI_IRQ_NONE: polled from the timer */
	const struct netdev_ops *ops;
};

/*
 * The drivers (drivers/e1000.c, drivers/rtl8139.c): each starts the card at pd (reset,
 * MAC, rings in DMA memory below 4 GiB, interrupts) and fills dev. Returns 0, -ENODEV
 * when the card cannot be reached or does not come out of reset, -ENOMEM.
 */
struct pci_dev;
int e1000_start(struct pci_dev *pd, struct netdev *dev);
int rtl8139_start(struct pci_dev *pd, struct netdev *dev);

/* The interface's addresses, host byte order; addr 0 while unconfigured. */
struct net_config {
	uint32_t addr, netmask, gateway, dns;
	unsigned prefix;
	int how;			/* NET_CONFIG_* */
};

/*
 * Finds a network card among the PCI functions, starts its driver and configures the
 * interface from the command line (ip=ADDR/PREFIX gw=ADDR) or else by DHCP, which goes
 * on in the background: the "[ok] net:" line comes when it is done. Logs what it does
 * unless quiet. Call with interrupts on, after pci_init.
 */
void net_init(const char *cmdline, bool quiet);

/* A driver's entry: a received frame (without FCS), in the card's buffer. */
void net_receive(struct netdev *dev, const uint8_t *frame, size_t len);
/* After the last net_receive of a poll: what waits for the end of a batch (TCP's ACKs). */
void net_batch_end(void);

/* Adds n to counter ctr (NET_CTR_*). */
void net_count(unsigned ctr, uint64_t n);

/* Returns the interface's configuration (all zero without an interface). */
const struct net_config *net_config(void);

/* Sets the address (DHCP's or the command line's), logs it and announces it by ARP. */
void net_configure(uint32_t addr, unsigned prefix, uint32_t gateway, uint32_t dns, int how);

/* Our MAC address, or NULL without an interface. */
const uint8_t *net_mac(void);

/*
 * Sends the frame (len bytes, Ethernet header space at the start) to the MAC dst with
 * EtherType type, padding it to ETH_ZLEN (frame must have room). Returns 0, -ENETDOWN,
 * -ENOBUFS.
 */
int net_transmit(const uint8_t *dst, uint16_t type, uint8_t *frame, size_t len);

/* Fills *ni for interface index. Returns 1, or 0 past the last. */
int net_info(int index, struct keel_netinfo *ni);

/* ARP (arp.c). */
void arp_input(const uint8_t *p, size_t len);
/*
 * Sends the IPv4 frame to next_hop's MAC, asking for it first when the cache does not
 * know it (the frame waits in a queue of ARP_QUEUE_MAX). Returns 0 (sent or queued),
 * -ENOBUFS when the queue is full, -ENETDOWN.
 */
int arp_output(uint32_t next_hop, uint8_t *frame, size_t len);
void arp_announce(void);		/* a gratuitous ARP request for our address */
void arp_tick(uint64_t now_ms);
void arp_flush(void);

/* IPv4 and ICMP (ipv4.c). */
void ipv4_input(const uint8_t *p, size_t len);
/*
 * Sends the l4_len bytes at frame + NET_L4_OFF to dst as protocol proto from our address
 * (or from 0.0.0.0 while unconfigured, for DHCP), routing through the gateway when dst is
 * outside our network. frame has room for ETH_FRAME_MAX bytes. Returns 0, -EMSGSIZE,
 * -ENETUNREACH, -ENETDOWN, -ENOBUFS.
 */
int ipv4_output(uint8_t *frame, uint32_t dst, uint8_t proto, size_t l4_len);

/* UDP (udp.c). */
void udp_input(const struct ipv4_info *ip);
/* Sends len bytes at frame + NET_UDP_DATA_OFF from sport to dst:dport. As ipv4_output. */
int udp_output(uint8_t *frame, uint16_t sport, uint32_t dst, uint16_t dport, size_t len);

/* DHCP client (dhcp.c). */
void dhcp_start(void);
void dhcp_input(const struct ipv4_info *ip, const struct udp_info *u);
void dhcp_tick(uint64_t now_ms);

/* Sockets (socket.c): what the system calls use. The kernel side of an fd's socket. */
struct socket;
/* Delivery from the protocols: returns true when a socket took the datagram. */
bool socket_deliver_udp(const struct ipv4_info *ip, const struct udp_info *u);
bool socket_deliver_icmp(const struct ipv4_info *ip, const struct icmp_info *ic);

/* Returns a new socket of type KEEL_SOCK_*, or NULL (-ENFILE, -ENOMEM in *err). */
struct socket *socket_create(int type, int *err);
void socket_release(struct socket *s);
/* Binds to port (0: a free one). Returns the port, -EADDRINUSE, -EINVAL. */
int socket_bind(struct socket *s, unsigned port);
/* Sends len bytes of the user buffer ubuf to *to. Returns len, or a negative errno. */
long socket_sendto(struct socket *s, const void *ubuf, size_t len, const struct keel_sockaddr *to);
/* Whether a datagram waits in s. */
bool socket_pending(struct socket *s);
/*
 * Waits up to timeout_ms (KEEL_WAIT_FOREVER, KEEL_NO_WAIT) for a datagram, copies at most
 * len bytes of it to ubuf (the rest is lost) and its source to *from. Returns the bytes
 * copied, -ETIMEDOUT, -EAGAIN, -EINTR, -EFAULT.
 */
long socket_recvfrom(struct socket *s, void *ubuf, size_t len, struct keel_sockaddr *from,
		     int64_t timeout_ms);
/* Fills *si with the index-th UDP or ICMP socket (for sockinfo). Returns 1, or 0 past the last. */
int socket_info(int index, struct keel_sockinfo *si);

#endif
