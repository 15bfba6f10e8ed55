/*
 * TCP's connection table, segment output and timers (tcp.h). A connection's control block
 * lives in a fixed table of TCP_CONN_MAX; its two rings (TCP_RCVBUF and TCP_SNDBUF bytes)
 * are allocated when it is synchronized and freed when it closes or reaches TIME_WAIT
 * without an open file, so memory per connection is bounded and returns to the heap.
 * (kmalloc and kfree run with interrupts off, so the receive path may call them.)
 */
#define KEEL_KERNEL_TCP
#include "arch.h"
#include "file.h"
#include "heap.h"
#include "lib.h"
#include "net.h"
#include "tcp.h"
#include "timer.h"
#include <keel/errno.h>
#include <keel/sha256.h>

struct tcp_state tcp = { .lock = LOCK_INIT("tcp") };

void tcp_init(void)
{
	uint64_t seed[4];
	uint8_t digest[SHA256_DIGEST_SIZE];

	/* RFC 6528 3: the key should be random; the cycle counter at boot is what we have. */
	seed[0] = rdtsc();
	seed[1] = uptime_us();
	seed[2] = (uint64_t)(uintptr_t)&tcp;
	seed[3] = rdtsc() * 0x9e3779b97f4a7c15ULL;
	sha256(seed, sizeof(seed), digest);
	lock_acquire(&tcp.lock);
	memcpy(tcp.isn_key, digest, sizeof(tcp.isn_key));
	tcp.next_ephemeral = TCP_EPHEMERAL_FIRST;
	lock_release(&tcp.lock);
}

uint32_t tcp_new_isn(uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport)
{
	return tcp_isn(tcp.isn_key, laddr, lport, raddr, rport, uptime_us());
}

struct tcp_conn *tcp_find(uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport)
{
	for (int i = 0; i < TCP_CONN_MAX; i++) {
		struct tcp_conn *c = &tcp.conns[i];
		if (c->used && c->state > KEEL_TCP_LISTEN && c->lport == lport &&
		    c->rport == rport && c->raddr == raddr && c->laddr == laddr)
			return c;
	}
	return NULL;
}

/*
 * A free control block, or when none is free the TIME_WAIT connection closest to its
 * end, which RFC 6191 would let a new SYN take over anyway. NULL when all are busy.
 */
struct tcp_conn *tcp_conn_alloc(void)
{
	struct tcp_conn *c = NULL;

	for (int i = 0; i < TCP_CONN_MAX && !c; i++)
		if (!tcp.conns[i].used)
			c = &tcp.conns[i];
	for (int i = 0; i < TCP_CONN_MAX && !c; i++) {
		struct tcp_conn *t = &tcp.conns[i];
		if (t->state == KEEL_TCP_TIME_WAIT && !t->has_file)
			c = t;
	}
	if (!c)
		return NULL;
	if (c->used)
		tcp_conn_free(c);
	memset(c, 0, sizeof(*c));
	c->used = true;
	c->snd_mss = TCP_MSS_DEFAULT;
	tcp_rtt_init(&c->rtt);
	return c;
}

int tcp_conn_buffers(struct tcp_conn *c)
{
	if (!c->tx)
		c->tx = kmalloc(TCP_SNDBUF);
	if (!c->rxring)
		c->rxring = kmalloc(TCP_RCVBUF);
	if (!c->tx || !c->rxring) {
		kfree(c->tx);
		kfree(c->rxring);
		c->tx = c->rxring = NULL;
		return -ENOMEM;
	}
	return 0;
}

static void free_buffers(struct tcp_conn *c)
{
	kfree(c->tx);
	kfree(c->rxring);
	c->tx = c->rxring = NULL;
	c->tx_len = 0;
	tcpbuf_init(&c->rx, NULL, 0, c->rx.nxt);
}

void tcp_conn_free(struct tcp_conn *c)
{
	free_buffers(c);
	memset(c, 0, sizeof(*c));
}

void tcp_wake(struct tcp_conn *c)
{
	waitq_wake_all(&c->wq);
	poll_wake();
}

void tcp_set_state(struct tcp_conn *c, uint8_t state)
{
	c->state = state;
	if (state == KEEL_TCP_TIME_WAIT) {
		/* RFC 9293 3.10.7.4: 2 MSL, shortened (TCP_MSL_MS). */
		c->close_at = uptime_ms() + TCP_TIME_WAIT_MS;
		c->rexmt_at = c->persist_at = c->delack_at = 0;
		if (!c->has_file)
			free_buffers(c);
	}
	tcp_wake(c);
}

void tcp_drop(struct tcp_conn *c, int err)
{
	c->state = KEEL_TCP_CLOSED;
	if (err && !c->err)
		c->err = err;
	c->rexmt_at = c->persist_at = c->delack_at = c->close_at = 0;
	tcp_wake(c);
	if (!c->has_file)
		tcp_conn_free(c);
}

uint32_t tcp_rcv_nxt(const struct tcp_conn *c)
{
	return c->rx.nxt + (c->fin_rcvd ? 1 : 0);
}

/*
 * The window to offer: the ring's room, but (RFC 9293 3.8.6.2.2, receiver-side silly
 * window avoidance) the right edge moves on only by at least min(half the ring, one MSS).
 */
uint32_t tcp_rcv_window(struct tcp_conn *c)
{
	uint32_t win, right, step;

	if (!c->rxring)
		return 0;
	win = tcpbuf_window(&c->rx);
	right = c->rx.nxt + win;
	step = MIN((uint32_t)TCP_RCVBUF / 2, (uint32_t)c->snd_mss);
	if (seq_gt(right, c->rcv_adv) && right - c->rcv_adv < step && seq_geq(c->rcv_adv, c->rx.nxt))
		win = c->rcv_adv - c->rx.nxt;
	return win;
}

/*
 * RFC 2018 4: an ACK sent while segments wait beyond a gap reports them, the block of
 * the latest one first, then the others (lowest first), as many as the option holds.
 * Only pure ACKs carry them, so that a full data segment never outgrows the MTU.
 */
static void sack_blocks(const struct tcp_conn *c, struct tcp_out *o)
{
	uint32_t all[TCPBUF_RANGES][2];
	unsigned n = tcpbuf_sack(&c->rx, all, TCPBUF_RANGES), first = 0;

	for (unsigned i = 0; i < n; i++)
		if (seq_in(c->sack_last, all[i][0], all[i][1]))
			first = i;
	for (unsigned i = 0; i < n && o->nsack < TCP_SACK_MAX; i++) {
		unsigned k = i == 0 ? first : (i <= first ? i - 1 : i);
		o->sack[o->nsack][0] = all[k][0];
		o->sack[o->nsack++][1] = all[k][1];
	}
}

/*
 * Sends one segment of the connection: len bytes of the send ring from seq on, with
 * flags (ACK added once synchronized), the options of a SYN. Returns ipv4_output's result.
 */
int tcp_send_segment(struct tcp_conn *c, uint32_t seq, uint32_t len, uint8_t flags)
{
	uint8_t frame[ETH_FRAME_MAX];
	uint8_t *seg = frame + NET_L4_OFF;
	struct tcp_out o;
	uint32_t win = tcp_rcv_window(c);
	size_t hlen;

	memset(&o, 0, sizeof(o));
	o.sport = c->lport;
	o.dport = c->rport;
	o.seq = seq;
	o.wscale = -1;
	if (c->state != KEEL_TCP_SYN_SENT) {
		flags |= TCP_ACK;
		o.ack = tcp_rcv_nxt(c);
	}
	o.flags = flags;
	if (flags & TCP_SYN) {
		/* RFC 7323 2.2: the window of a SYN is never scaled; 2.3: the option. */
		o.window = (uint16_t)MIN(win, 65535u);
		o.mss = TCP_MSS_OURS;
		if (c->state == KEEL_TCP_SYN_SENT || c->rcv_wscale)
			o.wscale = TCP_RCV_WSCALE;
		/* RFC 2018 2: offered in our SYN; in a SYN,ACK only if the peer's SYN had it. */
		o.sack_ok = c->state == KEEL_TCP_SYN_SENT || c->sack_ok;
		c->rcv_adv = c->rx.nxt + o.window;
	} else {
		o.window = (uint16_t)MIN(win >> c->rcv_wscale, 65535u);
		c->rcv_adv = c->rx.nxt + ((uint32_t)o.window << c->rcv_wscale);
		if (len == 0 && c->sack_ok && c->rxring)
			sack_blocks(c, &o);
	}
	hlen = tcp_header_len(&o);
	if (len) {
		uint32_t k = (seq - (c->iss + 1)) & (TCP_SNDBUF - 1);
		uint32_t first = MIN(len, (uint32_t)TCP_SNDBUF - k);
		memcpy(seg + hlen, c->tx + k, first);
		memcpy(seg + hlen + first, c->tx, len - first);
	}
	tcp_build(seg, c->laddr, c->raddr, &o, len);
	if (flags & TCP_ACK) {
		c->unacked_segs = 0;
		c->delack_at = 0;
		c->ack_now = false;
		c->ack_batch = false;
	}
	return ipv4_output(frame, c->raddr, IP_PROTO_TCP, hlen + len);
}

void tcp_send_ack(struct tcp_conn *c)
{
	tcp_send_segment(c, c->snd_nxt, 0, 0);
}

/* Sends a segment that belongs to no connection: a RST, or the SYN-ACK of a half-open one. */
static void send_bare(uint32_t src, uint32_t dst, const struct tcp_out *o)
{
	uint8_t frame[ETH_FRAME_MAX];

	tcp_build(frame + NET_L4_OFF, src, dst, o, 0);
	ipv4_output(frame, dst, IP_PROTO_TCP, tcp_header_len(o));
}

void tcp_send_rst_for(const struct ipv4_info *ip, const struct tcp_info *t)
{
	struct tcp_out o;

	if (t->flags & TCP_RST)
		return;			/* RFC 9293 3.10.7.1: a RST is never answered */
	memset(&o, 0, sizeof(o));
	o.sport = t->dport;
	o.dport = t->sport;
	o.wscale = -1;
	if (t->flags & TCP_ACK) {
		o.seq = t->ack;		/* <SEQ=SEG.ACK><CTL=RST> */
		o.flags = TCP_RST;
	} else {			/* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
		o.ack = t->seq + (uint32_t)t->len + !!(t->flags & TCP_SYN) + !!(t->flags & TCP_FIN);
		o.flags = TCP_RST | TCP_ACK;
	}
	send_bare(ip->dst, ip->src, &o);
	net_count(NET_CTR_TCP_RST_SENT, 1);
}

void tcp_send_synack(const struct tcp_syn *s)
{
	struct tcp_out o;

	memset(&o, 0, sizeof(o));
	o.sport = s->lport;
	o.dport = s->rport;
	o.seq = s->iss;
	o.ack = s->irs + 1;
	o.flags = TCP_SYN | TCP_ACK;
	o.window = (uint16_t)MIN((uint32_t)TCP_RCVBUF, 65535u);
	o.mss = TCP_MSS_OURS;
	o.wscale = s->wscale >= 0 ? TCP_RCV_WSCALE : -1;
	o.sack_ok = s->sack_ok;		/* RFC 2018 2 */
	send_bare(s->laddr, s->raddr, &o);
}

/* The sequence number of our FIN: after the last byte queued. */
static uint32_t fin_seq(const struct tcp_conn *c)
{
	return c->snd_una + c->tx_len;
}

static bool can_send_data(const struct tcp_conn *c)
{
	return c->state == KEEL_TCP_ESTABLISHED || c->state == KEEL_TCP_CLOSE_WAIT ||
	       c->state == KEEL_TCP_FIN_WAIT_1 || c->state == KEEL_TCP_CLOSING ||
	       c->state == KEEL_TCP_LAST_ACK;
}

/*
 * RFC 3042, Limited Transmit: the first and second duplicate ACK each let one segment of
 * new data go beyond cwnd, so that a small window still draws the three duplicate ACKs
 * that a fast retransmit needs, rather than waiting for the timer.
 */
static uint32_t limited_transmit(const struct tcp_conn *c)
{
	if (c->in_recovery || c->snd_nxt != c->snd_max)
		return 0;
	return MIN(c->dupacks, 2u) * c->snd_mss;
}

/*
 * Sends what the windows allow (RFC 5681's cwnd and the peer's window), with Nagle's
 * algorithm (RFC 9293 3.7.4) unless no-delay is set and sender-side silly window avoidance
 * (3.8.6.2.1), then the FIN after the last byte; arms the retransmission timer (RFC 6298
 * 5.1) or, when the peer's window is shut, the persist timer (3.8.6.1).
 */
void tcp_output(struct tcp_conn *c)
{
	uint64_t now = uptime_ms();

	while (can_send_data(c) && c->tx && !c->fin_acked) {
		uint32_t off = c->snd_nxt - c->snd_una, avail, wnd, usable, len;
		bool fin;

		if (c->fin_queued && c->snd_nxt == fin_seq(c) + 1)
			break;		/* everything, FIN included, is out */
		avail = c->tx_len - off;
		wnd = MIN(c->snd_wnd, c->cwnd + limited_transmit(c));
		usable = wnd > off ? wnd - off : 0;
		len = MIN(MIN(avail, usable), (uint32_t)c->snd_mss);
		fin = c->fin_queued && len == avail;
		if (len == 0 && !fin) {
			if (avail > 0 && c->snd_wnd == 0 && off == 0 && !c->rexmt_at && !c->persist_at)
				c->persist_at = now + c->rtt.rto;
			break;
		}
		if (len < c->snd_mss && !fin &&
		    !(len == avail && (c->nodelay || off == 0)) && len < c->max_sndwnd / 2)
			break;	/* Nagle: a small segment waits for the outstanding ACK */
		if (c->snd_nxt == c->snd_max && !c->rtt_start) {
			c->rtt_seq = c->snd_nxt;	/* Karn: only new data is timed */
			c->rtt_start = now;
		}
		tcp_send_segment(c, c->snd_nxt, len,
				 (uint8_t)((fin ? TCP_FIN : 0) | (len == avail && len ? TCP_PSH : 0)));
		c->snd_nxt += len + (fin ? 1 : 0);
		if (seq_gt(c->snd_nxt, c->snd_max))
			c->snd_max = c->snd_nxt;
		if (!c->rexmt_at)
			c->rexmt_at = now + c->rtt.rto;
		c->persist_at = 0;
	}
	if (c->ack_now)
		tcp_send_ack(c);
}

/* The retransmission timer went off (RFC 6298 5.4-5.7, RFC 5681 (4)). */
static void rexmt_timeout(struct tcp_conn *c, uint64_t now)
{
	c->rexmt_at = 0;
	c->rtt_start = 0;
	if (c->state == KEEL_TCP_SYN_SENT || c->state == KEEL_TCP_SYN_RECEIVED) {
		if (++c->retries > TCP_SYN_RETRIES) {
			tcp_drop(c, -ETIMEDOUT);
			return;
		}
		tcp_rtt_backoff(&c->rtt);
		tcp_send_segment(c, c->iss, 0, TCP_SYN);
		c->rexmt_at = now + c->rtt.rto;
		return;
	}
	/*
	 * RFC 9293 3.8.3: after R2 (TCP_RETRIES timeouts in a row), or once the data has
	 * waited the user timeout (3.10.8, RFC 5482) if the socket set one, the
	 * connection is given up and the user told ETIMEDOUT.
	 */
	if (c->retries == 0)
		c->stall_since = now - c->rtt.rto;
	if (++c->retries > TCP_RETRIES ||
	    (c->user_timeout && now - c->stall_since >= c->user_timeout)) {
		tcp_drop(c, -ETIMEDOUT);
		return;
	}
	c->ssthresh = tcp_cc_ssthresh(c->snd_max - c->snd_una, c->snd_mss);
	c->cwnd = c->snd_mss;		/* the loss window */
	c->in_recovery = false;
	c->dupacks = 0;
	c->recover = c->snd_max;	/* RFC 6582 4: no fast retransmit for what came before */
	tcp_rtt_backoff(&c->rtt);
	c->snd_nxt = c->snd_una;	/* go back: everything after snd_una goes again */
	tcp_output(c);
	if (!c->rexmt_at && c->snd_una != c->snd_max)
		c->rexmt_at = now + c->rtt.rto;
	/* The user timeout ends the wait, however far the backoff has gone. */
	if (c->user_timeout && c->rexmt_at > c->stall_since + c->user_timeout)
		c->rexmt_at = c->stall_since + c->user_timeout;
}

/* The persist timer: a one-byte probe into the shut window (RFC 9293 3.8.6.1). */
static void persist_timeout(struct tcp_conn *c, uint64_t now)
{
	c->persist_at = 0;
	if (c->snd_wnd != 0 || c->tx_len == 0 || !can_send_data(c)) {
		tcp_output(c);
		return;
	}
	tcp_send_segment(c, c->snd_una, 1, 0);
	net_count(NET_CTR_TCP_WINDOW_PROBES, 1);
	tcp_rtt_backoff(&c->rtt);
	c->persist_at = now + c->rtt.rto;
}

static void conn_tick(struct tcp_conn *c, uint64_t now)
{
	if (c->close_at && now >= c->close_at) {
		tcp_drop(c, c->state == KEEL_TCP_TIME_WAIT ? 0 : -ETIMEDOUT);
		return;
	}
	if (c->delack_at && now >= c->delack_at)
		tcp_send_ack(c);
	if (c->rexmt_at && now >= c->rexmt_at)
		rexmt_timeout(c, now);
	else if (c->persist_at && now >= c->persist_at)
		persist_timeout(c, now);
}

/* Half-open connections: the SYN-ACK again with backoff, then forgotten (3.10.7.2). */
static void syn_tick(struct tcp_syn *s, uint64_t now)
{
	if (now < s->resend_at)
		return;
	if (++s->retries > TCP_SYNACK_RETRIES) {
		s->used = false;
		return;
	}
	tcp_send_synack(s);
	s->resend_at = now + ((uint64_t)TCP_RTO_INIT << s->retries);
}

void tcp_tick(uint64_t now)
{
	if (now < tcp.next_tick)
		return;
	tcp.next_tick = now + TCP_TICK_MS;
	lock_acquire(&tcp.lock);
	for (int i = 0; i < TCP_CONN_MAX; i++)
		if (tcp.conns[i].used && tcp.conns[i].state != KEEL_TCP_LISTEN)
			conn_tick(&tcp.conns[i], now);
	for (int i = 0; i < TCP_SYNQ_MAX; i++)
		if (tcp.syns[i].used)
			syn_tick(&tcp.syns[i], now);
	lock_release(&tcp.lock);
}

/*
 * The connection is synchronized (ESTABLISHED from SYN-SENT or SYN-RECEIVED): the
 * congestion window starts (RFC 5681 3.1) and the send ring's accounting from iss + 1.
 */
void tcp_established(struct tcp_conn *c)
{
	c->snd_una = c->snd_nxt = c->snd_max = c->iss + 1;
	c->cwnd = tcp_cc_initial(c->snd_mss);
	c->ssthresh = TCP_CWND_MAX;
	c->recover = c->iss;
	c->retries = 0;
	c->rexmt_at = 0;
	c->rtt_start = 0;
	tcp_set_state(c, KEEL_TCP_ESTABLISHED);
}
