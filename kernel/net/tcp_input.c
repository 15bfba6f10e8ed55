/*
 * TCP's event processing for arriving segments (RFC 9293 3.10.7): a segment goes to the
 * connection with its four numbers, else to a half-open connection of a listener (the SYN
 * queue), else to a listener on its port, else it is answered with a RST. The sections
 * of the RFC are cited where each check is made.
 *
 * The SYN queue: a SYN to a listener costs one small entry (struct tcp_syn), no buffers,
 * in a table of TCP_SYNQ_MAX shared by the listeners, at most TCP_SYNQ_PER_LISTENER each.
 * When a listener's share or the table is full, the oldest half-open entry gives way to
 * the new SYN: a flood then evicts its own entries while a real client, which answers our
 * SYN-ACK within a round trip, still completes (doc/network.md, "Backlog").
 */
#define KEEL_KERNEL_TCP
#include "lib.h"
#include "net.h"
#include "tcp.h"
#include "timer.h"
#include <keel/errno.h>

static uint32_t seg_len(const struct tcp_info *t)
{
	return (uint32_t)t->len + !!(t->flags & TCP_SYN) + !!(t->flags & TCP_FIN);
}

static struct tcp_conn *find_listener(uint32_t laddr, uint16_t lport)
{
	for (int i = 0; i < TCP_CONN_MAX; i++) {
		struct tcp_conn *c = &tcp.conns[i];
		if (c->used && c->state == KEEL_TCP_LISTEN && c->lport == lport &&
		    (c->laddr == 0 || c->laddr == laddr))
			return c;
	}
	return NULL;
}

static struct tcp_syn *find_syn(uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport)
{
	for (int i = 0; i < TCP_SYNQ_MAX; i++) {
		struct tcp_syn *s = &tcp.syns[i];
		if (s->used && s->lport == lport && s->rport == rport && s->raddr == raddr &&
		    s->laddr == laddr)
			return s;
	}
	return NULL;
}

static unsigned accept_queue_len(const struct tcp_conn *l)
{
	unsigned n = 0;

	for (int i = 0; i < TCP_CONN_MAX; i++)
		if (tcp.conns[i].used && tcp.conns[i].parent == l)
			n++;
	return n;
}

/* A SYN queue entry for a new SYN to l: a free one, else the oldest of l's or of all. */
static struct tcp_syn *syn_slot(const struct tcp_conn *l)
{
	struct tcp_syn *free = NULL, *oldest_l = NULL, *oldest = NULL;
	unsigned mine = 0;

	for (int i = 0; i < TCP_SYNQ_MAX; i++) {
		struct tcp_syn *s = &tcp.syns[i];
		if (!s->used) {
			if (!free)
				free = s;
			continue;
		}
		if (!oldest || s->sent_at < oldest->sent_at)
			oldest = s;
		if (s->listener == l) {
			mine++;
			if (!oldest_l || s->sent_at < oldest_l->sent_at)
				oldest_l = s;
		}
	}
	if (mine >= TCP_SYNQ_PER_LISTENER) {
		net_count(NET_CTR_TCP_SYN_EVICTED, 1);
		return oldest_l;
	}
	if (free)
		return free;
	net_count(NET_CTR_TCP_SYN_EVICTED, 1);
	return oldest;
}

/* RFC 9293 3.10.7.2: a segment for a listener. */
static void listen_segment(struct tcp_conn *l, const struct ipv4_info *ip, const struct tcp_info *t)
{
	struct tcp_syn *s;

	if (t->flags & TCP_RST)
		return;			/* "An incoming RST should be ignored" */
	if (t->flags & TCP_ACK) {
		tcp_send_rst_for(ip, t);	/* "<SEQ=SEG.ACK><CTL=RST>" */
		return;
	}
	if (!(t->flags & TCP_SYN))
		return;
	if (!(s = syn_slot(l)))
		return;
	memset(s, 0, sizeof(*s));
	s->used = true;
	s->listener = l;
	s->laddr = ip->dst;
	s->raddr = ip->src;
	s->lport = t->dport;
	s->rport = t->sport;
	s->irs = t->seq;
	s->iss = tcp_new_isn(s->laddr, s->lport, s->raddr, s->rport);
	s->mss = t->mss ? t->mss : TCP_MSS_DEFAULT;
	s->wscale = t->wscale;
	s->sack_ok = t->sack_ok;
	s->sent_at = uptime_ms();
	s->resend_at = s->sent_at + TCP_RTO_INIT;
	/* Data on the SYN is not kept: the peer sends it again once we acknowledge. */
	tcp_send_synack(s);
}

/* Takes the peer's MSS and window scale from its SYN (RFC 9293 3.7.1, RFC 7323 2.2). */
static void take_options(struct tcp_conn *c, uint16_t mss, int8_t wscale)
{
	c->snd_mss = (uint16_t)MAX(MIN(mss ? mss : TCP_MSS_DEFAULT, TCP_MSS_OURS), 64);
	if (wscale >= 0) {
		c->snd_wscale = (uint8_t)wscale;
		c->rcv_wscale = TCP_RCV_WSCALE;
	} else {
		c->snd_wscale = c->rcv_wscale = 0;
	}
}

static void segment(struct tcp_conn *c, const struct ipv4_info *ip, const struct tcp_info *t);

/*
 * The ACK that completes a passive open (3.10.7.4, SYN-RECEIVED, fifth check): the
 * half-open entry becomes a connection in the listener's accept queue, with its buffers.
 * When the queue or the table is full the segment is dropped and the entry kept: the peer
 * sends again.
 */
static void syn_segment(struct tcp_syn *s, const struct ipv4_info *ip, const struct tcp_info *t)
{
	struct tcp_conn *l = s->listener, *c;

	if (t->flags & TCP_RST) {
		if (t->seq == s->irs + 1)
			s->used = false;	/* RFC 5961 3.2: only the exact number */
		return;
	}
	if (t->flags & TCP_SYN) {
		if (t->seq == s->irs)
			tcp_send_synack(s);	/* our SYN-ACK was lost */
		return;
	}
	if (!(t->flags & TCP_ACK))
		return;
	if (t->ack != s->iss + 1) {
		tcp_send_rst_for(ip, t);	/* "<SEQ=SEG.ACK><CTL=RST>" */
		return;
	}
	if (!tcp_acceptable(t->seq, seg_len(t), s->irs + 1, TCP_RCVBUF))
		return;
	if (accept_queue_len(l) >= (unsigned)l->backlog || !(c = tcp_conn_alloc()))
		return;
	if (tcp_conn_buffers(c) != 0) {
		tcp_conn_free(c);
		return;
	}
	c->laddr = s->laddr;
	c->raddr = s->raddr;
	c->lport = s->lport;
	c->rport = s->rport;
	c->iss = s->iss;
	c->irs = s->irs;
	c->parent = l;
	c->born = ++tcp.births;
	c->nodelay = l->nodelay;
	c->rcvtimeo = l->rcvtimeo;
	c->user_timeout = l->user_timeout;
	c->sack_ok = s->sack_ok;
	tcpbuf_init(&c->rx, c->rxring, TCP_RCVBUF, s->irs + 1);
	c->rcv_adv = s->irs + 1 + MIN((uint32_t)TCP_RCVBUF, 65535u);
	take_options(c, s->mss, s->wscale);
	if (s->retries == 0)
		tcp_rtt_sample(&c->rtt, (uint32_t)(uptime_ms() - s->sent_at));
	tcp_established(c);
	c->snd_wnd = (uint32_t)t->window << c->snd_wscale;
	c->max_sndwnd = c->snd_wnd;
	c->snd_wl1 = t->seq;
	c->snd_wl2 = t->ack;
	s->used = false;
	tcp_wake(l);
	segment(c, ip, t);		/* its data and FIN, if any */
}

/* RFC 9293 3.10.7.3: a segment for a connection in SYN-SENT. */
static void syn_sent_segment(struct tcp_conn *c, const struct ipv4_info *ip,
			     const struct tcp_info *t)
{
	bool ack = t->flags & TCP_ACK;

	if (ack && (seq_leq(t->ack, c->iss) || seq_gt(t->ack, c->snd_max))) {
		tcp_send_rst_for(ip, t);
		return;
	}
	if (t->flags & TCP_RST) {
		if (ack)
			tcp_drop(c, -ECONNREFUSED);	/* "error: connection reset" */
		return;
	}
	if (!(t->flags & TCP_SYN))
		return;
	c->irs = t->seq;
	tcpbuf_init(&c->rx, c->rxring, TCP_RCVBUF, t->seq + 1);
	take_options(c, t->mss, t->wscale);
	c->sack_ok = t->sack_ok;	/* we offered it; the peer's SYN says (RFC 2018 2) */
	if (ack) {
		if (c->retries == 0 && c->rtt_start)
			tcp_rtt_sample(&c->rtt, (uint32_t)(uptime_ms() - c->rtt_start));
		tcp_established(c);
		/* The window of a SYN is not scaled (RFC 7323 2.2). */
		c->snd_wnd = c->max_sndwnd = t->window;
		c->snd_wl1 = t->seq;
		c->snd_wl2 = t->ack;
		c->ack_now = true;
		tcp_output(c);
		return;
	}
	/* Simultaneous open: "<SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>", SYN-RECEIVED. */
	c->snd_wnd = c->max_sndwnd = t->window;
	c->snd_wl1 = t->seq;
	c->state = KEEL_TCP_SYN_RECEIVED;
	tcp_send_segment(c, c->iss, 0, TCP_SYN);
}

/*
 * Simultaneous open (RFC 9293 3.5, figure 7, line 6): in SYN-RECEIVED after our SYN met
 * the peer's, the peer's SYN,ACK <SEQ=IRS><ACK=ISS+1> completes the handshake. Taken to
 * the letter, 3.10.7.4's first check finds that segment wholly before RCV.NXT and would
 * answer it with an ACK, leaving us in SYN-RECEIVED until the peer sends more; like
 * Linux, we take it as the ACK of our SYN that it carries. Returns whether it was taken.
 */
static bool crossing_synack(struct tcp_conn *c, const struct tcp_info *t)
{
	if ((t->flags & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) != (TCP_SYN | TCP_ACK) ||
	    t->seq != c->irs || t->len != 0 || !seq_gt(t->ack, c->snd_una) ||
	    seq_gt(t->ack, c->snd_max))
		return false;
	tcp_established(c);
	c->snd_wnd = c->max_sndwnd = t->window;	/* a SYN's window is not scaled */
	c->snd_wl1 = t->seq;
	c->snd_wl2 = t->ack;
	c->ack_now = true;		/* in case our SYN,ACK was the one lost */
	tcp_output(c);
	return true;
}

/* Sends one segment again from snd_una: fast retransmit, a NewReno partial ACK. */
static void retransmit_first(struct tcp_conn *c)
{
	uint32_t len = MIN(c->tx_len, (uint32_t)c->snd_mss);
	bool fin = c->fin_queued && len == c->tx_len;

	tcp_send_segment(c, c->snd_una, len, fin ? TCP_FIN : 0);
	c->rtt_start = 0;		/* Karn: the timed segment may be this one */
	net_count(NET_CTR_TCP_RETRANSMITS, 1);
}

/* New data acknowledged (3.10.7.4 fifth check; RFC 6298 5.2-5.3; RFC 5681, RFC 6582). */
static void new_ack(struct tcp_conn *c, uint32_t ack)
{
	uint32_t acked = ack - c->snd_una, data = MIN(acked, c->tx_len);
	uint64_t now = uptime_ms();

	c->tx_len -= data;
	if (acked > data && c->fin_queued)
		c->fin_acked = true;
	c->snd_una = ack;
	if (seq_lt(c->snd_nxt, c->snd_una))
		c->snd_nxt = c->snd_una;
	if (c->rtt_start && seq_gt(ack, c->rtt_seq)) {
		tcp_rtt_sample(&c->rtt, (uint32_t)(now - c->rtt_start));
		c->rtt_start = 0;
	}
	c->retries = 0;
	if (c->in_recovery) {
		if (seq_geq(ack, c->recover)) {
			/* RFC 6582 3.2 step 6, a full ACK: deflate the window. */
			c->cwnd = MIN(c->ssthresh, (c->snd_max - c->snd_una) + c->snd_mss);
			c->in_recovery = false;
		} else {
			/* Step 5, a partial ACK: the next hole goes at once. */
			retransmit_first(c);
			c->cwnd = tcp_cc_partial(c->cwnd, data, c->snd_mss);
		}
	} else {
		c->cwnd = tcp_cc_ack(c->cwnd, c->ssthresh, data, c->snd_mss);
	}
	c->dupacks = 0;
	c->rexmt_at = c->snd_una == c->snd_max ? 0 : now + c->rtt.rto;
	tcp_wake(c);			/* room in the send ring */
}

/* A duplicate ACK (RFC 5681 2, 3.2; RFC 6582 3.2). */
static void dup_ack(struct tcp_conn *c)
{
	if (c->in_recovery) {
		c->cwnd += c->snd_mss;	/* step 4: one more segment left the network */
		return;
	}
	/*
	 * Step 1: recover is one past the highest byte sent when the last recovery or
	 * timeout began, so an ACK at recover already covers more than that byte.
	 */
	if (++c->dupacks != 3 || !seq_geq(c->snd_una, c->recover))
		return;
	/* Fast retransmit: steps 1-3. */
	c->ssthresh = tcp_cc_ssthresh(c->snd_max - c->snd_una, c->snd_mss);
	c->recover = c->snd_max;
	c->in_recovery = true;
	retransmit_first(c);
	c->cwnd = c->ssthresh + 3 * (uint32_t)c->snd_mss;
}

/*
 * Whether the ACK reports, in SACK blocks, data held beyond una: RFC 5681 2 lets a SACK
 * sender count such an ACK as a duplicate whatever its window says (Linux's window may
 * grow while it holds them). Any block above una counts, not only news.
 */
static bool sacks_above(const struct tcp_info *t, uint32_t una)
{
	for (unsigned i = 0; i < t->nsack; i++)
		if (seq_gt(t->sack[i][0], una))
			return true;
	return false;
}

/* The ACK field of a synchronized connection's segment (3.10.7.4, fifth check). */
static bool ack_segment(struct tcp_conn *c, const struct ipv4_info *ip, const struct tcp_info *t)
{
	uint32_t wnd = (uint32_t)t->window << c->snd_wscale;

	if (c->state == KEEL_TCP_SYN_RECEIVED) {
		if (!seq_gt(t->ack, c->snd_una) || seq_gt(t->ack, c->snd_max)) {
			tcp_send_rst_for(ip, t);
			return false;
		}
		tcp_established(c);
		c->snd_wnd = c->max_sndwnd = wnd;
		c->snd_wl1 = t->seq;
		c->snd_wl2 = t->ack;
	}
	if (seq_gt(t->ack, c->snd_max)) {
		tcp_send_ack(c);	/* acknowledges what was never sent */
		return false;
	}
	if (seq_lt(t->ack, c->snd_una))
		return true;		/* old: ignored, the rest of the segment still counts */
	/* The window, from the newest segment only (SND.WL1, SND.WL2). */
	if (seq_lt(c->snd_wl1, t->seq) || (c->snd_wl1 == t->seq && seq_leq(c->snd_wl2, t->ack))) {
		bool grew = wnd > c->snd_wnd;
		c->snd_wnd = wnd;
		c->snd_wl1 = t->seq;
		c->snd_wl2 = t->ack;
		c->max_sndwnd = MAX(c->max_sndwnd, wnd);
		if (wnd)
			c->persist_at = 0;
		/*
		 * A window that grew is an update, not a duplicate. RFC 5681 2 wants the
		 * window unchanged for a duplicate, but a receiver that holds segments
		 * beyond a hole offers less room with each (Linux does), so its duplicate
		 * ACKs would never count and every loss would wait for the timer.
		 */
		if (t->ack == c->snd_una && grew && !sacks_above(t, c->snd_una)) {
			tcp_wake(c);
			return true;
		}
	}
	if (seq_gt(t->ack, c->snd_una))
		new_ack(c, t->ack);
	else if (t->len == 0 && !(t->flags & TCP_FIN) && c->snd_una != c->snd_max)
		dup_ack(c);
	if (c->fin_acked) {
		if (c->state == KEEL_TCP_FIN_WAIT_1) {
			tcp_set_state(c, KEEL_TCP_FIN_WAIT_2);
			if (!c->has_file)
				c->close_at = uptime_ms() + TCP_FIN_WAIT_2_MS;
		} else if (c->state == KEEL_TCP_CLOSING) {
			tcp_set_state(c, KEEL_TCP_TIME_WAIT);
		} else if (c->state == KEEL_TCP_LAST_ACK) {
			tcp_drop(c, 0);
			return false;
		}
	}
	return true;
}

/* The text (3.10.7.4, seventh check): into the ring, acknowledged now or a little later. */
static void data_segment(struct tcp_conn *c, const struct tcp_info *t)
{
	uint32_t before = c->rx.nxt;

	if (!c->has_file && c->shut_rd) {
		/* Data for a socket that was closed: nobody will read it (RFC 9293 3.10.4). */
		tcp_send_segment(c, c->snd_nxt, 0, TCP_RST);
		net_count(NET_CTR_TCP_RST_SENT, 1);
		tcp_drop(c, 0);
		return;
	}
	tcpbuf_put(&c->rx, t->seq, t->payload, t->len);
	if (seq_gt(t->seq, c->rx.nxt))
		c->sack_last = t->seq;	/* held beyond the gap: its block goes first */
	if (t->seq != before || c->rx.nranges) {
		c->ack_now = true;	/* RFC 5681 4.2: out of order, or filling a gap */
	} else if (++c->unacked_segs >= 2) {
		/* RFC 9293 3.8.6.3: every second full segment; but one ACK for all the segments
		 * of the card's batch (sent by tcp_batch_end), as Linux's GRO gives: under
		 * emulation each frame sent is an exit to QEMU, and a burst needs one answer. */
		c->ack_batch = true;
		tcp.acks_due = true;
	} else if (!c->delack_at) {
		c->delack_at = uptime_ms() + TCP_DELACK_MS;
	}
	if (c->rx.nxt != before)
		tcp_wake(c);
}

/* The FIN (3.10.7.4, eighth check), once every byte before it is in. */
static void fin_segment(struct tcp_conn *c)
{
	if (!c->fin_seen || c->fin_rcvd || c->rx.nxt != c->fin_seq)
		return;
	c->fin_rcvd = true;
	c->ack_now = true;
	switch (c->state) {
	case KEEL_TCP_SYN_RECEIVED:
	case KEEL_TCP_ESTABLISHED:
		tcp_set_state(c, KEEL_TCP_CLOSE_WAIT);
		break;
	case KEEL_TCP_FIN_WAIT_1:
		tcp_set_state(c, c->fin_acked ? KEEL_TCP_TIME_WAIT : KEEL_TCP_CLOSING);
		break;
	case KEEL_TCP_FIN_WAIT_2:
		tcp_set_state(c, KEEL_TCP_TIME_WAIT);
		break;
	default:
		break;
	}
}

/* RFC 9293 3.10.7.4: a segment for a synchronized connection (or SYN-RECEIVED). */
static void segment(struct tcp_conn *c, const struct ipv4_info *ip, const struct tcp_info *t)
{
	uint32_t rcv_nxt = tcp_rcv_nxt(c), wnd = c->rxring ? tcpbuf_window(&c->rx) : 0;

	if (c->state == KEEL_TCP_SYN_SENT) {
		syn_sent_segment(c, ip, t);
		return;
	}
	if (c->state == KEEL_TCP_SYN_RECEIVED && crossing_synack(c, t))
		return;
	/* First: is it in the window? If not, an ACK tells the peer where we are. */
	if (!tcp_acceptable(t->seq, seg_len(t), rcv_nxt, wnd)) {
		if (!(t->flags & TCP_RST))
			tcp_send_ack(c);
		net_count(NET_CTR_TCP_OUT_OF_WINDOW, 1);
		return;
	}
	/* Second: RST, checked as RFC 5961 3.2 has it. */
	if (t->flags & TCP_RST) {
		switch (tcp_rst_check(t->seq, rcv_nxt, wnd ? wnd : 1)) {
		case TCP_RST_RESET:
			tcp_drop(c, c->state == KEEL_TCP_SYN_RECEIVED ? -ECONNREFUSED :
				    c->state >= KEEL_TCP_CLOSING ? 0 : -ECONNRESET);
			break;
		case TCP_RST_CHALLENGE:
			tcp_send_ack(c);
			net_count(NET_CTR_TCP_CHALLENGE_ACKS, 1);
			break;
		case TCP_RST_DROP:
			break;
		}
		return;
	}
	/* Fourth: a SYN in a synchronized state gets a challenge ACK (RFC 5961 4.2). */
	if (t->flags & TCP_SYN) {
		tcp_send_ack(c);
		net_count(NET_CTR_TCP_CHALLENGE_ACKS, 1);
		return;
	}
	if (!(t->flags & TCP_ACK))
		return;
	if (!ack_segment(c, ip, t))
		return;
	/* Sixth, URG: the pointer is ignored, the bytes are ordinary data (RFC 6093). */
	if (t->len && (c->state == KEEL_TCP_ESTABLISHED || c->state == KEEL_TCP_FIN_WAIT_1 ||
		       c->state == KEEL_TCP_FIN_WAIT_2)) {
		data_segment(c, t);
		if (!c->used || c->state == KEEL_TCP_CLOSED)
			return;
	}
	if ((t->flags & TCP_FIN) && !c->fin_seen) {
		c->fin_seen = true;
		c->fin_seq = t->seq + (uint32_t)t->len;
	}
	if (c->state == KEEL_TCP_TIME_WAIT && (t->flags & TCP_FIN)) {
		c->ack_now = true;	/* the peer's FIN again: ACK it, wait 2 MSL more */
		c->close_at = uptime_ms() + TCP_TIME_WAIT_MS;
	}
	fin_segment(c);
	tcp_output(c);
}

void tcp_input(const struct ipv4_info *ip)
{
	const struct net_config *cfg = net_config();
	struct tcp_info t;
	struct tcp_conn *c;
	struct tcp_syn *s;
	int why;

	if ((why = tcp_parse(ip, &t)) != 0) {
		net_count((unsigned)why, 1);
		return;
	}
	/* Only to our own address: never broadcast (RFC 1122 4.2.3.10). */
	if (cfg->addr == 0 || ip->dst != cfg->addr || t.sport == 0 || t.dport == 0) {
		net_count(NET_CTR_TCP_BAD_SEGMENT, 1);
		return;
	}
	/* SYN with FIN or RST makes no sense in any state: dropped (not answered). */
	if ((t.flags & TCP_SYN) && (t.flags & (TCP_FIN | TCP_RST))) {
		net_count(NET_CTR_TCP_BAD_SEGMENT, 1);
		return;
	}
	lock_acquire(&tcp.lock);
	if ((c = tcp_find(ip->dst, t.dport, ip->src, t.sport)))
		segment(c, ip, &t);
	else if ((s = find_syn(ip->dst, t.dport, ip->src, t.sport)))
		syn_segment(s, ip, &t);
	else if ((c = find_listener(ip->dst, t.dport)))
		listen_segment(c, ip, &t);
	else
		tcp_send_rst_for(ip, &t);	/* 3.10.7.1: CLOSED */
	lock_release(&tcp.lock);
}

void tcp_batch_end(void)
{
	if (!tcp.acks_due)
		return;
	lock_acquire(&tcp.lock);
	tcp.acks_due = false;
	for (int i = 0; i < TCP_CONN_MAX; i++) {
		struct tcp_conn *c = &tcp.conns[i];
		if (c->used && c->ack_batch)
			tcp_send_ack(c);	/* clears ack_batch */
	}
	lock_release(&tcp.lock);
}
