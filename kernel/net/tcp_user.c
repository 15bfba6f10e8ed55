/*
 * TCP's user calls (RFC 9293 3.10.1-3.10.6) behind the stream socket's system calls and
 * file operations (sysnet.c): open, bind, listen, accept, connect, read, write,
 * shutdown, close, poll and the options. Reads and writes copy between user memory and a
 * ring with the lock given up (lock.h): the reader owns the ring's bytes before RCV.NXT,
 * the writer the send ring's room after the last byte queued, and the receive path
 * touches neither.
 */
#define KEEL_KERNEL_TCP
#include "file.h"
#include "lib.h"
#include "net.h"
#include "proc.h"
#include "tcp.h"
#include "timer.h"
#include "uaccess.h"
#include <keel/errno.h>

#define TCP_WAIT_MAX_MS		(1ULL << 40)	/* longer is forever */

static int32_t current_pid(void)
{
	struct proc *p = sched_current();

	return p ? p->pid : 0;
}

struct tcp_conn *tcp_open(int *err)
{
	struct tcp_conn *c;

	lock_acquire(&tcp.lock);
	if ((c = tcp_conn_alloc())) {
		c->has_file = true;
		c->state = KEEL_TCP_CLOSED;
		c->pid = current_pid();
	}
	lock_release(&tcp.lock);
	if (!c)
		*err = -ENFILE;
	return c;
}

/* Whether port is free for c: no other control block has it, or (reuse) only orphans. */
static bool port_free(const struct tcp_conn *c, uint16_t port, bool reuse)
{
	for (int i = 0; i < TCP_CONN_MAX; i++) {
		const struct tcp_conn *o = &tcp.conns[i];
		if (o == c || !o->used || o->lport != port)
			continue;
		if (!reuse || o->has_file || o->state == KEEL_TCP_LISTEN)
			return false;
	}
	for (int i = 0; i < TCP_SYNQ_MAX; i++)
		if (tcp.syns[i].used && tcp.syns[i].lport == port && !reuse)
			return false;
	return true;
}

static uint16_t ephemeral_port(const struct tcp_conn *c)
{
	for (unsigned n = 0; n <= 65535u - TCP_EPHEMERAL_FIRST; n++) {
		uint16_t p = tcp.next_ephemeral;
		tcp.next_ephemeral = p == 65535 ? TCP_EPHEMERAL_FIRST : (uint16_t)(p + 1);
		if (port_free(c, p, false))
			return p;
	}
	return 0;
}

int tcp_bind(struct tcp_conn *c, unsigned port)
{
	int r;

	if (port > 65535)
		return -EINVAL;
	lock_acquire(&tcp.lock);
	if (c->state != KEEL_TCP_CLOSED || c->lport)
		r = -EINVAL;
	else if (port == 0)
		r = (c->lport = ephemeral_port(c)) ? c->lport : -EADDRINUSE;
	else if (!port_free(c, (uint16_t)port, c->reuseaddr))
		r = -EADDRINUSE;
	else
		r = c->lport = (uint16_t)port;
	lock_release(&tcp.lock);
	return r;
}

int tcp_listen(struct tcp_conn *c, int backlog)
{
	int r = 0;

	lock_acquire(&tcp.lock);
	if (c->state == KEEL_TCP_LISTEN) {
		c->backlog = MAX(1, MIN(backlog, TCP_BACKLOG_MAX));
	} else if (c->state != KEEL_TCP_CLOSED || c->raddr) {
		r = -EINVAL;
	} else if (!c->lport && !(c->lport = ephemeral_port(c))) {
		r = -EADDRINUSE;
	} else {
		c->backlog = MAX(1, MIN(backlog, TCP_BACKLOG_MAX));
		c->laddr = 0;
		c->state = KEEL_TCP_LISTEN;
	}
	lock_release(&tcp.lock);
	return r;
}

/* Waits on c's queue with the lock held, until deadline (0: forever). */
static int wait_until(struct tcp_conn *c, uint64_t deadline)
{
	uint64_t now;

	if (!deadline)
		return waitq_wait_lock(&c->wq, &tcp.lock);
	if ((now = uptime_ms()) >= deadline)
		return -ETIMEDOUT;
	return waitq_wait_lock_timeout(&c->wq, &tcp.lock, deadline - now);
}

static uint64_t deadline_of(int64_t timeout_ms)
{
	if (timeout_ms < 0 || (uint64_t)timeout_ms > TCP_WAIT_MAX_MS)
		return 0;
	return uptime_ms() + (uint64_t)timeout_ms + (timeout_ms == 0);
}

struct tcp_conn *tcp_accept(struct tcp_conn *l, struct keel_sockaddr *peer, int *err)
{
	struct tcp_conn *c = NULL;
	int r = 0;

	lock_acquire(&tcp.lock);
	while (!c && r == 0) {
		if (l->state != KEEL_TCP_LISTEN) {
			r = -EINVAL;
			break;
		}
		for (int i = 0; i < TCP_CONN_MAX; i++) {
			struct tcp_conn *o = &tcp.conns[i];
			if (o->used && o->parent == l && (!c || o->born < c->born))
				c = o;
		}
		if (!c)
			r = wait_until(l, 0);
	}
	if (c) {
		c->parent = NULL;
		c->has_file = true;
		c->pid = current_pid();
		peer->addr = c->raddr;
		peer->port = c->rport;
		peer->pad = 0;
	}
	lock_release(&tcp.lock);
	*err = r;
	return c;
}

int tcp_connect(struct tcp_conn *c, const struct keel_sockaddr *to, int64_t timeout_ms)
{
	uint64_t deadline = deadline_of(timeout_ms);
	uint32_t us = net_config()->addr;
	int r = 0;

	if (to->addr == KEEL_ADDR_ANY || to->port == 0 || to->addr == KEEL_ADDR_BROADCAST)
		return -EINVAL;
	if (us == 0)
		return -ENETUNREACH;
	lock_acquire(&tcp.lock);
	if (c->state == KEEL_TCP_LISTEN)
		r = -EINVAL;
	else if (c->state == KEEL_TCP_SYN_SENT)
		r = -EALREADY;
	else if (c->state != KEEL_TCP_CLOSED || c->raddr)
		r = -EISCONN;
	else if (!c->lport && !(c->lport = ephemeral_port(c)))
		r = -EADDRINUSE;
	else if (tcp_find(us, c->lport, to->addr, to->port))
		r = -EADDRINUSE;
	else
		r = tcp_conn_buffers(c);
	if (r) {
		lock_release(&tcp.lock);
		return r;
	}
	c->laddr = us;
	c->raddr = to->addr;
	c->rport = to->port;
	c->iss = tcp_new_isn(us, c->lport, to->addr, to->port);
	c->snd_una = c->iss;
	c->snd_nxt = c->snd_max = c->iss + 1;
	tcpbuf_init(&c->rx, c->rxring, TCP_RCVBUF, 0);
	c->err = 0;
	c->retries = 0;			/* a connect after one that failed starts afresh */
	tcp_rtt_init(&c->rtt);
	c->state = KEEL_TCP_SYN_SENT;
	c->rtt_start = uptime_ms();
	c->rtt_seq = c->iss;
	c->rexmt_at = c->rtt_start + c->rtt.rto;
	tcp_send_segment(c, c->iss, 0, TCP_SYN);	/* 3.10.1: "<SEQ=ISS><CTL=SYN>" */
	while (r == 0 && (c->state == KEEL_TCP_SYN_SENT || c->state == KEEL_TCP_SYN_RECEIVED))
		r = wait_until(c, deadline);
	if (c->state == KEEL_TCP_SYN_SENT || c->state == KEEL_TCP_SYN_RECEIVED) {
		c->state = KEEL_TCP_CLOSED;	/* timed out or interrupted: forget it */
		c->rexmt_at = 0;
	} else if (c->state == KEEL_TCP_CLOSED) {
		r = c->err ? c->err : -ECONNREFUSED;
		c->err = 0;
	} else {
		r = 0;
	}
	if (c->state == KEEL_TCP_CLOSED)
		c->raddr = 0, c->rport = 0;
	lock_release(&tcp.lock);
	return r;
}

/* Tells the peer about a window that opened by two segments or half the ring (RFC 1122 4.2.3.3). */
static void window_update(struct tcp_conn *c)
{
	uint32_t right = c->rx.nxt + tcpbuf_window(&c->rx);

	if (c->state < KEEL_TCP_ESTABLISHED || c->fin_rcvd)
		return;
	if (seq_gt(right, c->rcv_adv) && (right - c->rcv_adv >= 2u * c->snd_mss ||
					  right - c->rcv_adv >= TCP_RCVBUF / 2))
		tcp_send_ack(c);
}

long tcp_read(struct tcp_conn *c, const struct iobuf *buf, size_t len)
{
	uint64_t deadline = c->rcvtimeo ? uptime_ms() + c->rcvtimeo : 0;
	size_t done = 0;
	long r = 0;

	if (len == 0)
		return 0;
	lock_acquire(&tcp.lock);
	for (;;) {
		if (c->rxring && tcpbuf_readable(&c->rx) > 0)
			break;
		if (c->shut_rd || c->fin_rcvd)
			goto out;
		if (c->err) {
			r = c->err;
			c->err = 0;
			goto out;
		}
		if (c->state == KEEL_TCP_CLOSED || c->state == KEEL_TCP_LISTEN ||
		    c->state == KEEL_TCP_SYN_SENT) {
			r = c->state == KEEL_TCP_CLOSED && c->rxring ? 0 : -ENOTCONN;
			goto out;
		}
		if ((r = wait_until(c, deadline)) != 0)
			goto out;
	}
	while (done < len) {
		const uint8_t *p;
		uint32_t n = tcpbuf_peek(&c->rx, &p);
		if (n == 0)
			break;
		n = (uint32_t)MIN((size_t)n, len - done);
		lock_release(&tcp.lock);
		int bad = iobuf_put(buf, done, p, n);
		lock_acquire(&tcp.lock);
		if (bad) {
			r = -EFAULT;
			break;
		}
		tcpbuf_take(&c->rx, n);
		done += n;
	}
	window_update(c);
out:
	lock_release(&tcp.lock);
	return done ? (long)done : r;
}

long tcp_write(struct tcp_conn *c, const struct iobuf *buf, size_t len)
{
	size_t done = 0;
	long r = 0;

	lock_acquire(&tcp.lock);
	while (done < len) {
		if (c->err) {
			r = c->err;
			c->err = 0;
			break;
		}
		if ((c->state != KEEL_TCP_ESTABLISHED && c->state != KEEL_TCP_CLOSE_WAIT) ||
		    c->fin_queued) {
			r = c->state == KEEL_TCP_SYN_SENT || (c->state == KEEL_TCP_CLOSED && !c->tx) ?
				    -ENOTCONN : -EPIPE;
			break;
		}
		uint32_t room = TCP_SNDBUF - c->tx_len;
		if (room == 0) {
			if ((r = wait_until(c, 0)) != 0)
				break;
			continue;
		}
		uint32_t n = (uint32_t)MIN((size_t)room, len - done);
		uint32_t at = (c->snd_una + c->tx_len - (c->iss + 1)) & (TCP_SNDBUF - 1);
		uint32_t first = MIN(n, (uint32_t)TCP_SNDBUF - at);
		uint8_t *tx = c->tx;
		lock_release(&tcp.lock);
		int bad = iobuf_get(buf, done, tx + at, first) ||
			  iobuf_get(buf, done + first, tx, n - first);
		lock_acquire(&tcp.lock);
		if (bad) {
			r = -EFAULT;
			break;
		}
		c->tx_len += n;
		done += n;
		tcp_output(c);
	}
	lock_release(&tcp.lock);
	return done ? (long)done : r;
}

/* Queues our FIN (3.10.4 CLOSE in ESTABLISHED or CLOSE-WAIT). Lock held. */
static void send_fin(struct tcp_conn *c)
{
	if (c->fin_queued)
		return;
	if (c->state == KEEL_TCP_ESTABLISHED)
		tcp_set_state(c, KEEL_TCP_FIN_WAIT_1);
	else if (c->state == KEEL_TCP_CLOSE_WAIT)
		tcp_set_state(c, KEEL_TCP_LAST_ACK);
	else
		return;
	c->fin_queued = true;
	tcp_output(c);
}

int tcp_shutdown(struct tcp_conn *c, int how)
{
	int r = 0;

	if (how != KEEL_SHUT_RD && how != KEEL_SHUT_WR && how != KEEL_SHUT_RDWR)
		return -EINVAL;
	lock_acquire(&tcp.lock);
	if (c->state < KEEL_TCP_SYN_RECEIVED) {
		r = -ENOTCONN;
	} else {
		if (how != KEEL_SHUT_WR)
			c->shut_rd = true;
		if (how != KEEL_SHUT_RD)
			send_fin(c);
		tcp_wake(c);
	}
	lock_release(&tcp.lock);
	return r;
}

/* A listener closes: its half-open and unaccepted connections are reset. Lock held. */
static void listener_close(struct tcp_conn *l)
{
	for (int i = 0; i < TCP_SYNQ_MAX; i++)
		if (tcp.syns[i].used && tcp.syns[i].listener == l)
			tcp.syns[i].used = false;
	for (int i = 0; i < TCP_CONN_MAX; i++) {
		struct tcp_conn *c = &tcp.conns[i];
		if (c->used && c->parent == l) {
			tcp_send_segment(c, c->snd_nxt, 0, TCP_RST);
			net_count(NET_CTR_TCP_RST_SENT, 1);
			tcp_drop(c, 0);
		}
	}
}

void tcp_close(struct tcp_conn *c)
{
	lock_acquire(&tcp.lock);
	c->has_file = false;
	c->shut_rd = true;
	switch (c->state) {
	case KEEL_TCP_LISTEN:
		listener_close(c);
		tcp_conn_free(c);
		break;
	case KEEL_TCP_CLOSED:
	case KEEL_TCP_SYN_SENT:
		tcp_conn_free(c);
		break;
	case KEEL_TCP_TIME_WAIT:
		tcp_set_state(c, KEEL_TCP_TIME_WAIT);	/* frees the rings, keeps the wait */
		break;
	default:
		if (c->state == KEEL_TCP_SYN_RECEIVED ||
		    (c->rxring && tcpbuf_readable(&c->rx) > 0)) {
			/*
			 * Unread data: RFC 9293 3.10.4 lets ABORT be the close; RST, as Linux.
			 * A simultaneous open not yet synchronized is given up the same way.
			 */
			tcp_send_segment(c, c->snd_nxt, 0, TCP_RST);
			net_count(NET_CTR_TCP_RST_SENT, 1);
			tcp_drop(c, 0);
			break;
		}
		send_fin(c);
		if (c->state == KEEL_TCP_FIN_WAIT_2)
			c->close_at = uptime_ms() + TCP_FIN_WAIT_2_MS;
		break;
	}
	lock_release(&tcp.lock);
}

unsigned tcp_poll(struct tcp_conn *c)
{
	unsigned bits = 0;

	lock_acquire(&tcp.lock);
	if (c->state == KEEL_TCP_LISTEN) {
		for (int i = 0; i < TCP_CONN_MAX; i++)
			if (tcp.conns[i].used && tcp.conns[i].parent == c)
				bits = POLL_IN;
	} else {
		bool readable = c->rxring && tcpbuf_readable(&c->rx) > 0;
		if (readable || c->fin_rcvd || c->shut_rd || c->err || c->state == KEEL_TCP_CLOSED)
			bits |= POLL_IN;
		if ((c->state == KEEL_TCP_ESTABLISHED || c->state == KEEL_TCP_CLOSE_WAIT) &&
		    !c->fin_queued && TCP_SNDBUF - c->tx_len >= TCP_POLLOUT_ROOM)
			bits |= POLL_OUT;
		if (c->err)
			bits |= POLL_ERR;
		if (c->state == KEEL_TCP_CLOSED || (c->fin_rcvd && c->fin_queued))
			bits |= POLL_HUP;
	}
	lock_release(&tcp.lock);
	return bits;
}

int tcp_sockname(struct tcp_conn *c, struct keel_sockaddr *a, bool peer)
{
	int r = 0;

	lock_acquire(&tcp.lock);
	a->pad = 0;
	if (peer) {
		a->addr = c->raddr;
		a->port = c->rport;
		if (!c->raddr)
			r = -ENOTCONN;
	} else {
		a->addr = c->laddr;
		a->port = c->lport;
	}
	lock_release(&tcp.lock);
	return r;
}

int tcp_setsockopt(struct tcp_conn *c, int opt, long value)
{
	int r = 0;

	lock_acquire(&tcp.lock);
	switch (opt) {
	case KEEL_SO_NODELAY:
		c->nodelay = value != 0;
		if (c->nodelay && c->tx)
			tcp_output(c);
		break;
	case KEEL_SO_RCVTIMEO:
		if (value < 0)
			r = -EINVAL;
		else
			c->rcvtimeo = (uint64_t)value;
		break;
	case KEEL_SO_USER_TIMEOUT:
		if (value < 0)
			r = -EINVAL;
		else
			c->user_timeout = (uint64_t)value;
		break;
	case KEEL_SO_REUSEADDR:
		c->reuseaddr = value != 0;
		break;
	default:
		r = -EINVAL;
	}
	lock_release(&tcp.lock);
	return r;
}

int tcp_info(int index, struct keel_sockinfo *si)
{
	int seen = 0, r = 0;

	lock_acquire(&tcp.lock);
	for (int i = 0; i < TCP_CONN_MAX && !r; i++) {
		struct tcp_conn *c = &tcp.conns[i];
		if (!c->used || seen++ != index)
			continue;
		memset(si, 0, sizeof(*si));
		si->type = KEEL_SOCK_TCP;
		si->state = c->state;
		si->pid = c->has_file ? c->pid : 0;
		si->local.addr = c->laddr;
		si->local.port = c->lport;
		si->remote.addr = c->raddr;
		si->remote.port = c->rport;
		si->rx_queued = c->rxring ? tcpbuf_readable(&c->rx) : 0;
		si->tx_queued = c->tx_len;
		r = 1;
	}
	lock_release(&tcp.lock);
	return r;
}

int tcp_count(void)
{
	int n = 0;

	lock_acquire(&tcp.lock);
	for (int i = 0; i < TCP_CONN_MAX; i++)
		n += tcp.conns[i].used;
	lock_release(&tcp.lock);
	return n;
}
