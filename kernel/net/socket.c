/*
 * Sockets: UDP ports and ICMP echo identifiers that user processes own through file
 * descriptors (the system calls are in proc/sysnet.c). Each socket has a queue of
 * SOCK_QUEUE_MAX datagrams, allocated when it is made, so that delivery in the interrupt
 * handler needs no allocation; a datagram that finds the queue full is counted and dropped.
 */
#include "arch.h"
#include "file.h"
#include "heap.h"
#include "lib.h"
#include "net.h"
#include "proc.h"
#include "sched.h"
#include "timer.h"
#include "uaccess.h"
#include <keel/errno.h>

#define SOCK_TIMEOUT_MAX_MS	(1ULL << 40)	/* longer waits are waits forever */
#define ICMP_ID_FIRST		0x4b00		/* "K": where ICMP identifiers start */

struct dgram {
	uint32_t addr;
	uint16_t port;
	uint16_t len;
	uint8_t data[ETH_MTU];
};

struct socket {
	bool used;
	int type;			/* KEEL_SOCK_UDP or KEEL_SOCK_ICMP */
	int32_t pid;			/* the process that made it, for sockinfo */
	uint16_t port;			/* UDP: the bound port (0: none yet); ICMP: the identifier */
	struct waitq readers;
	unsigned head, count;		/* the queue: count datagrams from head on */
	struct dgram *queue;		/* SOCK_QUEUE_MAX of them */
};

static struct {
	struct socket socks[SOCK_MAX];
	uint16_t next_ephemeral;
	uint16_t next_icmp_id;
} sockets;

static struct socket *find(int type, uint16_t port)
{
	for (int i = 0; i < SOCK_MAX; i++) {
		struct socket *s = &sockets.socks[i];
		if (s->used && s->type == type && s->port == port && port != 0)
			return s;
	}
	return NULL;
}

/* Queues a datagram for s and wakes its readers. Interrupts off. */
static void enqueue(struct socket *s, uint32_t addr, uint16_t port, const uint8_t *data,
		    size_t len)
{
	struct dgram *d;

	if (s->count == SOCK_QUEUE_MAX) {
		net_count(NET_CTR_SOCK_QUEUE_FULL, 1);
		return;
	}
	d = &s->queue[(s->head + s->count++) % SOCK_QUEUE_MAX];
	d->addr = addr;
	d->port = port;
	d->len = (uint16_t)MIN(len, sizeof(d->data));
	memcpy(d->data, data, d->len);
	waitq_wake_all(&s->readers);
	poll_wake();
}

bool socket_deliver_udp(const struct ipv4_info *ip, const struct udp_info *u)
{
	struct socket *s = find(KEEL_SOCK_UDP, u->dport);

	if (!s)
		return false;
	enqueue(s, ip->src, u->sport, u->payload, u->len);
	return true;
}

bool socket_deliver_icmp(const struct ipv4_info *ip, const struct icmp_info *ic)
{
	struct socket *s = find(KEEL_SOCK_ICMP, ic->id);

	if (!s)
		return false;
	enqueue(s, ip->src, 0, ip->payload, ip->len);
	return true;
}

/* A port or identifier no socket of type has, counting up from *next within [first, 65535]. */
static uint16_t free_port(int type, uint16_t *next, uint16_t first)
{
	for (unsigned n = 0; n <= 65535u - first; n++) {
		uint16_t p = *next;
		*next = p == 65535 ? first : (uint16_t)(p + 1);
		if (!find(type, p))
			return p;
	}
	return 0;
}

struct socket *socket_create(int type, int *err)
{
	struct dgram *q;
	struct socket *s = NULL;

	if (type != KEEL_SOCK_UDP && type != KEEL_SOCK_ICMP) {
		*err = -EINVAL;
		return NULL;
	}
	if (!(q = kcalloc(SOCK_QUEUE_MAX, sizeof(*q)))) {
		*err = -ENOMEM;
		return NULL;
	}
	uint64_t flags = arch_irq_save();
	if (!sockets.next_ephemeral) {
		sockets.next_ephemeral = UDP_EPHEMERAL_FIRST;
		sockets.next_icmp_id = ICMP_ID_FIRST;
	}
	for (int i = 0; i < SOCK_MAX && !s; i++)
		if (!sockets.socks[i].used)
			s = &sockets.socks[i];
	if (s) {
		memset(s, 0, sizeof(*s));
		s->used = true;
		s->type = type;
		s->queue = q;
		s->pid = sched_current() ? sched_current()->pid : 0;
		if (type == KEEL_SOCK_ICMP)
			s->port = free_port(type, &sockets.next_icmp_id, 1);
	}
	arch_irq_restore(flags);
	if (!s) {
		kfree(q);
		*err = -ENFILE;
	}
	return s;
}

void socket_release(struct socket *s)
{
	uint64_t flags = arch_irq_save();
	struct dgram *q = s->queue;

	s->used = false;
	s->port = 0;
	s->queue = NULL;
	arch_irq_restore(flags);
	kfree(q);
}

int socket_bind(struct socket *s, unsigned port)
{
	int r;

	if (s->type != KEEL_SOCK_UDP || port > 65535)
		return -EINVAL;
	uint64_t flags = arch_irq_save();
	if (s->port != 0)
		r = -EINVAL;		/* bound already, as POSIX has it */
	else if (port == 0)
		r = (s->port = free_port(KEEL_SOCK_UDP, &sockets.next_ephemeral,
					 UDP_EPHEMERAL_FIRST)) ? s->port : -EADDRINUSE;
	else if (find(KEEL_SOCK_UDP, (uint16_t)port))
		r = -EADDRINUSE;
	else
		r = s->port = (uint16_t)port;
	arch_irq_restore(flags);
	return r;
}

long socket_sendto(struct socket *s, const void *ubuf, size_t len, const struct keel_sockaddr *to)
{
	uint8_t frame[ETH_FRAME_MAX];
	uint8_t *data = frame + (s->type == KEEL_SOCK_UDP ? NET_UDP_DATA_OFF : NET_L4_OFF);
	int r;

	if (to->addr == KEEL_ADDR_ANY || (s->type == KEEL_SOCK_UDP && to->port == 0))
		return -EDESTADDRREQ;
	if (len > (size_t)(frame + sizeof(frame) - data))
		return -EMSGSIZE;
	if (copy_from_user(data, ubuf, len) != 0)
		return -EFAULT;
	if (s->type == KEEL_SOCK_UDP && s->port == 0 && (r = socket_bind(s, 0)) < 0)
		return r;
	if (s->type == KEEL_SOCK_ICMP) {
		if (len < ICMP_HLEN || data[0] != ICMP_ECHO_REQUEST || data[1] != 0)
			return -EINVAL;
		put16(data + 4, s->port);
		put16(data + 2, 0);
		put16(data + 2, net_checksum(data, len));
	}
	uint64_t flags = arch_irq_save();
	if (s->type == KEEL_SOCK_UDP)
		r = udp_output(frame, s->port, to->addr, to->port, len);
	else
		r = ipv4_output(frame, to->addr, IP_PROTO_ICMP, len);
	arch_irq_restore(flags);
	return r < 0 ? r : (long)len;
}

bool socket_pending(struct socket *s)
{
	uint64_t flags = arch_irq_save();
	bool pending = s->count > 0;

	arch_irq_restore(flags);
	return pending;
}

long socket_recvfrom(struct socket *s, void *ubuf, size_t len, struct keel_sockaddr *from,
		     int64_t timeout_ms)
{
	uint8_t data[ETH_MTU];		/* the datagram leaves the queue with interrupts off */
	bool forever = timeout_ms < 0 || (uint64_t)timeout_ms > SOCK_TIMEOUT_MAX_MS;
	uint64_t deadline = forever ? 0 : uptime_ms() + (uint64_t)timeout_ms;
	uint64_t flags = arch_irq_save();
	int r = 0;

	while (s->count == 0) {
		uint64_t now = uptime_ms();
		if (!forever && now >= deadline) {
			r = timeout_ms == 0 ? -EAGAIN : -ETIMEDOUT;
			break;
		}
		r = forever ? waitq_wait(&s->readers) :
			      waitq_wait_timeout(&s->readers, deadline - now);
		if (r == -EINTR)
			break;
		r = 0;
	}
	if (s->count == 0) {
		arch_irq_restore(flags);
		return r ? r : -ETIMEDOUT;
	}
	struct dgram *d = &s->queue[s->head];
	size_t n = MIN(len, d->len);
	memcpy(data, d->data, n);
	from->addr = d->addr;
	from->port = d->port;
	from->pad = 0;
	s->head = (s->head + 1) % SOCK_QUEUE_MAX;
	s->count--;
	arch_irq_restore(flags);
	return copy_to_user(ubuf, data, n) != 0 ? -EFAULT : (long)n;
}

int socket_info(int index, struct keel_sockinfo *si)
{
	int seen = 0, r = 0;
	uint64_t flags = arch_irq_save();

	for (int i = 0; i < SOCK_MAX && !r; i++) {
		struct socket *s = &sockets.socks[i];
		if (!s->used || seen++ != index)
			continue;
		memset(si, 0, sizeof(*si));
		si->type = (uint8_t)s->type;
		si->pid = s->pid;
		si->local.addr = net_config()->addr;
		si->local.port = s->port;
		for (unsigned k = 0; k < s->count; k++)
			si->rx_queued += s->queue[(s->head + k) % SOCK_QUEUE_MAX].len;
		r = 1;
	}
	arch_irq_restore(flags);
	return r;
}
