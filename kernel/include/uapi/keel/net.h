/*
 * The network ABI that user space shares with the kernel: sockets (UDP datagrams and ICMP
 * echo, both on file descriptors), the interface's configuration and counters (ifconfig),
 * and the PCI devices (lspci). Addresses and ports are in host byte order here; the
 * kernel converts at the wire. See doc/network.md.
 */
#ifndef KEEL_UAPI_NET_H
#define KEEL_UAPI_NET_H

#include <stdint.h>

/* socket(type): the two kinds of socket there are. */
#define KEEL_SOCK_UDP		1	/* datagrams; bind, sendto, recvfrom */
#define KEEL_SOCK_ICMP		2	/* ICMP echo, like Linux's ping sockets (below) */
#define KEEL_SOCK_TCP		3	/* a byte stream: bind, listen and accept, or connect;
					   then read and write (send, recv), shutdown, close */

/*
 * An IPv4 address and port, both in host byte order: 10.0.2.2 is 0x0a000202. ICMP
 * sockets leave port 0.
 *
 * An ICMP socket sends what sendto gives it as an ICMP message, which must be an echo
 * request (type 8, code 0, at least 8 bytes); the kernel puts the socket's identifier in
 * the header and computes the checksum. recvfrom returns the echo replies carrying that
 * identifier, header included, as they came (RFC 792).
 */
struct keel_sockaddr {
	uint32_t addr;
	uint16_t port;
	uint16_t pad;
};

#define KEEL_ADDR_ANY		0x00000000u
#define KEEL_ADDR_BROADCAST	0xffffffffu
#define KEEL_UDP_PAYLOAD_MAX	1472	/* 1500 less the IPv4 and UDP headers */

/* recvfrom's timeout: wait forever, or not at all (-EAGAIN when nothing is queued). */
#define KEEL_WAIT_FOREVER	(-1)
#define KEEL_NO_WAIT		0

/* shutdown(fd, how): stop receiving, sending (a FIN), or both. */
#define KEEL_SHUT_RD		0
#define KEEL_SHUT_WR		1
#define KEEL_SHUT_RDWR		2

/* setsockopt(fd, opt, value): the options a TCP socket has. */
#define KEEL_SO_NODELAY		1	/* 1: no Nagle; small writes go out at once */
#define KEEL_SO_RCVTIMEO	2	/* milliseconds a read waits (-ETIMEDOUT); 0: forever */
#define KEEL_SO_REUSEADDR	3	/* 1: bind a port that TIME_WAIT connections still hold */
#define KEEL_SO_USER_TIMEOUT	4	/* ms sent data may stay unacknowledged before the
					   connection ends with ETIMEDOUT (RFC 5482); 0: only
					   after the retries (minutes) */

/* The states of a TCP connection as sockinfo reports them (RFC 9293, section 3.3.2). */
#define KEEL_TCP_CLOSED		0
#define KEEL_TCP_LISTEN		1
#define KEEL_TCP_SYN_SENT	2
#define KEEL_TCP_SYN_RECEIVED	3
#define KEEL_TCP_ESTABLISHED	4
#define KEEL_TCP_FIN_WAIT_1	5
#define KEEL_TCP_FIN_WAIT_2	6
#define KEEL_TCP_CLOSE_WAIT	7
#define KEEL_TCP_CLOSING	8
#define KEEL_TCP_LAST_ACK	9
#define KEEL_TCP_TIME_WAIT	10

/* What sockinfo reports of a socket, for netstat. */
struct keel_sockinfo {
	uint8_t type;			/* KEEL_SOCK_* */
	uint8_t state;			/* KEEL_TCP_* for TCP, 0 otherwise */
	uint16_t pad;
	int32_t pid;			/* the process that opened it; 0 once closed (TIME_WAIT) */
	struct keel_sockaddr local, remote;
	uint32_t rx_queued, tx_queued;	/* bytes not yet read, not yet acknowledged */
};

/* What netinfo reports of an interface: the counters are indexed by NET_CTR_*. */
#define NET_CTR_RX_PACKETS		0	/* frames the card delivered */
#define NET_CTR_RX_BYTES		1
#define NET_CTR_TX_PACKETS		2	/* frames handed to the card */
#define NET_CTR_TX_BYTES		3
#define NET_CTR_RX_DROPPED		4	/* the card had no buffer (missed packets) */
#define NET_CTR_RX_ERRORS		5	/* the card flagged a bad frame (CRC, alignment) */
#define NET_CTR_TX_DROPPED		6	/* transmit ring full, or no link */
#define NET_CTR_TX_ERRORS		7
#define NET_CTR_RUNT			8	/* shorter than an Ethernet header */
#define NET_CTR_GIANT			9	/* longer than the largest frame we take */
#define NET_CTR_ETHERTYPE		10	/* neither IPv4 nor ARP */
#define NET_CTR_ARP_BAD			11	/* malformed ARP (odd lengths, types) */
#define NET_CTR_ARP_REPLIED		12	/* requests for our address answered */
#define NET_CTR_ARP_UNRESOLVED		13	/* packets dropped: no ARP reply, or queue full */
#define NET_CTR_IP_BAD_HEADER		14	/* version, header length */
#define NET_CTR_IP_BAD_CHECKSUM		15
#define NET_CTR_IP_BAD_LENGTH		16	/* total length beyond the frame, or short */
#define NET_CTR_IP_FRAGMENTS		17	/* fragments: not reassembled */
#define NET_CTR_IP_OPTIONS		18	/* headers with options: not handled */
#define NET_CTR_IP_NOT_OURS		19	/* addressed to someone else */
#define NET_CTR_IP_PROTOCOL		20	/* neither ICMP, UDP nor TCP */
#define NET_CTR_ICMP_BAD		21	/* bad checksum or short */
#define NET_CTR_ICMP_ECHO_REPLIED	22	/* echo requests answered */
#define NET_CTR_ICMP_OTHER		23	/* types we do not handle */
#define NET_CTR_UDP_BAD_CHECKSUM	24
#define NET_CTR_UDP_BAD_LENGTH		25
#define NET_CTR_UDP_NO_PORT		26	/* no socket bound to the port */
#define NET_CTR_SOCK_QUEUE_FULL		27	/* a socket's queue was full */
#define NET_CTR_TCP_BAD_CHECKSUM	28
#define NET_CTR_TCP_BAD_HEADER		29	/* data offset or options out of bounds */
#define NET_CTR_TCP_BAD_SEGMENT		30	/* SYN with FIN or RST, to a broadcast, port 0 */
#define NET_CTR_TCP_RST_SENT		31	/* resets sent: closed ports, bad ACKs, aborts */
#define NET_CTR_TCP_OUT_OF_WINDOW	32	/* segments outside the receive window */
#define NET_CTR_TCP_CHALLENGE_ACKS	33	/* RFC 5961: RSTs and SYNs answered with an ACK */
#define NET_CTR_TCP_SYN_EVICTED		34	/* half-open connections pushed out by new SYNs */
#define NET_CTR_TCP_RETRANSMITS		35	/* segments sent again (timeouts, fast retransmit) */
#define NET_CTR_TCP_WINDOW_PROBES	36	/* one-byte probes into a shut window (persist) */
#define NET_COUNTERS			37
#define NET_COUNTERS_MAX		48	/* room in the structure; new ones are appended */

#define NET_CONFIG_NONE		0	/* no address yet */
#define NET_CONFIG_STATIC	1	/* from ip= and gw= on the kernel command line */
#define NET_CONFIG_DHCP		2

struct keel_netinfo {
	char name[8];			/* "eth0" */
	char driver[16];		/* "e1000", "rtl8139" */
	uint8_t mac[6];
	uint8_t link_up;
	uint8_t config;			/* NET_CONFIG_* */
	uint32_t addr, netmask, gateway, dns;	/* host byte order */
	uint32_t prefix;		/* the netmask's length */
	uint32_t irq;			/* 0xff when the card is polled */
	uint64_t counters[NET_COUNTERS_MAX];
};

/* What pciinfo reports of a PCI function. */
struct keel_pciinfo {
	uint8_t bus, slot, func, header;
	uint16_t vendor, device;
	uint8_t class_code, subclass, prog_if, revision;
	uint8_t irq_line, irq_pin;	/* irq_line 0xff: none assigned */
	uint16_t pad;
	uint32_t bar[6];
	char driver[16];		/* the kernel's driver for it, "" for none */
};

#endif
