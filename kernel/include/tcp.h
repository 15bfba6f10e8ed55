/*
 * TCP (RFC 9293): connections, the state machine, retransmission and congestion control,
 * and stream sockets as a kind of open file. kernel/net/tcp.c keeps the connection table,
 * sends segments and runs the timers; tcp_input.c is the event processing of RFC 9293
 * 3.10.7; tcp_user.c the user calls (3.10.1-3.10.6) that the system calls in sysnet.c
 * reach; tcpcc.c the pure arithmetic (RTO estimator, congestion window) that the host
 * unit tests run too. See doc/network.md for the limits and what is not done.
 *
 * Concurrency: one lock, tcp_lock, guards every connection. The receive path (the card's
 * interrupt handler), the timer (net_tick) and the system calls take it; it is never held
 * across a copy to or from user memory: reads and writes copy straight between user memory
 * and the rings, outside the lock, in the parts of the rings that only they touch.
 */
#ifndef KEEL_TCP_H
#define KEEL_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lock.h"
#include "netproto.h"
#include "sched.h"
#include "tcpbuf.h"

/* The limits, in one place (doc/network.md lists them). */
#define TCP_CONN_MAX		64	/* control blocks: sockets, connections, TIME_WAIT */
#define TCP_RCVBUF		65536	/* receive ring per connection (a power of two) */
#define TCP_SNDBUF		65536	/* send ring per connection (a power of two) */
/*
 * POLLOUT promises this much room in the send ring, so that a poll loop's write of up to
 * this many bytes never blocks: a third of the ring, as Linux's sk_stream_min_wspace.
 */
#define TCP_POLLOUT_ROOM	(TCP_SNDBUF / 3)
#define TCP_RCV_WSCALE		2	/* our window scale (RFC 7323 2.2): room for TCP_RCVBUF */
#define TCP_BACKLOG_MAX		16	/* established connections waiting for accept */
#define TCP_SYNQ_MAX		64	/* half-open connections (SYN received), all listeners */
#define TCP_SYNQ_PER_LISTENER	32
#define TCP_MSS_DEFAULT		536	/* RFC 9293 3.7.1: when the peer sends no MSS option */
#define TCP_MSS_OURS		(ETH_MTU - IPV4_HLEN - TCP_HLEN)
#define TCP_EPHEMERAL_FIRST	49152	/* RFC 6335 */
#define TCP_MSL_MS		2000	/* RFC 9293 3.4.2 says 2 minutes; shortened (doc) */
#define TCP_TIME_WAIT_MS	(2 * TCP_MSL_MS)
#define TCP_FIN_WAIT_2_MS	30000	/* an orphan waiting for the peer's FIN gives up */
#define TCP_DELACK_MS		40	/* RFC 9293 3.8.6.3: well under 0.5 s */
#define TCP_SYN_RETRIES		5
#define TCP_SYNACK_RETRIES	4
#define TCP_RETRIES		10	/* RFC 9293 3.8.3 R2: then the connection ends, ETIMEDOUT */
#define TCP_TICK_MS		10	/* how often tcp_tick runs */

/* RFC 6298: the retransmission timer's estimator (tcpcc.c), in milliseconds. */
#define TCP_RTO_INIT		1000	/* 2.1 */
#define TCP_RTO_MIN		200	/* 2.4 says 1 s; Linux's 200 ms, as most stacks (doc) */
#define TCP_RTO_MAX		60000	/* 2.5 */
#define TCP_CLOCK_G		TCP_TICK_MS	/* 2.2's G, the timer's granularity */

struct tcp_rtt {
	uint32_t srtt8;			/* SRTT, times 8 */
	uint32_t rttvar4;		/* RTTVAR, times 4 */
	uint32_t rto;			/* the current RTO, backed off or not */
	bool measured;			/* a first sample came */
};

/* Starts the estimator with no sample: RTO = 1 s (RFC 6298 2.1). */
void tcp_rtt_init(struct tcp_rtt *r);

/* Takes a round-trip sample of rtt ms (RFC 6298 2.2, 2.3) and sets the RTO from it. */
void tcp_rtt_sample(struct tcp_rtt *r, uint32_t rtt);

/* Doubles the RTO after a timeout (RFC 6298 5.5), up to TCP_RTO_MAX. */
void tcp_rtt_backoff(struct tcp_rtt *r);

/* RFC 5681 3.1's initial window for a sender's MSS (RFC 3390's formula). */
uint32_t tcp_cc_initial(uint32_t mss);

/*
 * RFC 5681 3.1: the congestion window after an ACK of acked new bytes outside recovery:
 * slow start below ssthresh (by at most one MSS per ACK, RFC 3465's L = 1), congestion
 * avoidance above it (about one MSS per window). Never past TCP_CWND_MAX.
 */
#define TCP_CWND_MAX		(1u << 30)
uint32_t tcp_cc_ack(uint32_t cwnd, uint32_t ssthresh, uint32_t acked, uint32_t mss);

/* RFC 5681 (4): ssthresh after a loss, from the bytes in flight: max(flight / 2, 2 MSS). */
uint32_t tcp_cc_ssthresh(uint32_t flight, uint32_t mss);

/*
 * RFC 6582 3.2 step 5, a partial ACK during NewReno recovery: the window shrinks by the
 * bytes acked and grows by one MSS when at least one MSS was acked.
 */
uint32_t tcp_cc_partial(uint32_t cwnd, uint32_t acked, uint32_t mss);

#ifdef KEEL_KERNEL_TCP			/* the stack's own view, for kernel/net/tcp*.c */

struct tcp_conn {
	bool used;
	bool has_file;			/* an open file holds it (else: an orphan, or embryo) */
	uint8_t state;			/* KEEL_TCP_* */
	int32_t pid;
	uint32_t laddr, raddr;
	uint16_t lport, rport;
	struct tcp_conn *parent;	/* the listener, until accepted */
	uint64_t born;			/* accept order */
	int err;			/* -ECONNREFUSED, -ECONNRESET, -ETIMEDOUT: reported once */
	bool nodelay, reuseaddr;
	bool shut_rd;			/* shutdown(RD) or closed: no more reading */
	uint64_t rcvtimeo;		/* 0: forever */
	uint64_t user_timeout;		/* ms data may stay unacknowledged (0: TCP_RETRIES) */
	int backlog;			/* a listener's */
	struct waitq wq;		/* readers, writers, connect and accept wait here */

	/* Send sequence variables (RFC 9293 3.3.1). */
	uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2, max_sndwnd;
	uint16_t snd_mss;
	uint8_t snd_wscale, rcv_wscale;	/* both 0 unless both sides sent the option */
	uint8_t *tx;			/* TCP_SNDBUF bytes; stream byte k is at (k) & mask */
	uint32_t tx_len;		/* bytes from snd_una (data) on, not yet acknowledged */
	bool fin_queued;		/* shutdown(WR) or close: a FIN follows the data */
	bool fin_acked;

	/* Receive (RFC 9293 3.3.1): RCV.NXT is rx.nxt, plus one past a FIN. */
	uint32_t irs;
	uint8_t *rxring;
	struct tcpbuf rx;
	bool fin_rcvd;			/* the FIN was reached in order */
	bool fin_seen;			/* a FIN came, maybe beyond a gap */
	bool sack_ok;			/* both SYNs had SACK-permitted: our ACKs carry SACK */
	uint32_t sack_last;		/* the latest segment held beyond a gap */
	uint32_t fin_seq;
	uint32_t rcv_adv;		/* the right edge of the last window advertised */

	/* Timers, absolute in ms (0: off). */
	uint64_t rexmt_at, persist_at, delack_at, close_at;
	unsigned retries;
	uint64_t stall_since;		/* when the data that timed out was sent */
	struct tcp_rtt rtt;
	uint32_t rtt_seq;		/* the segment being timed (Karn: never a retransmit) */
	uint64_t rtt_start;		/* 0: none timed */
	unsigned unacked_segs;		/* in-order segments received since the last ACK */
	bool ack_now;
	bool ack_batch;			/* an ACK at the end of the card's batch (tcp_batch_end) */

	/* Congestion control (RFC 5681, 6582). */
	uint32_t cwnd, ssthresh, recover;
	unsigned dupacks;
	bool in_recovery;
};

/* A half-open connection: a SYN came to a listener and our SYN-ACK went back (3.10.7.2). */
struct tcp_syn {
	bool used;
	struct tcp_conn *listener;
	uint32_t laddr, raddr;
	uint16_t lport, rport;
	uint32_t iss, irs;
	uint16_t mss;
	int8_t wscale;			/* the peer's; -1 none */
	bool sack_ok;			/* the peer's SYN had SACK-permitted */
	uint64_t sent_at, resend_at;
	unsigned retries;
	uint64_t stall_since;		/* when the data that timed out was sent */
};

struct tcp_state {
	struct lock lock;
	struct tcp_conn conns[TCP_CONN_MAX];
	struct tcp_syn syns[TCP_SYNQ_MAX];
	uint8_t isn_key[16];
	uint16_t next_ephemeral;
	uint64_t births;
	uint64_t next_tick;
	bool acks_due;			/* some connection has ack_batch */
};
extern struct tcp_state tcp;

/* tcp.c */
struct tcp_conn *tcp_conn_alloc(void);
int tcp_conn_buffers(struct tcp_conn *c);
void tcp_conn_free(struct tcp_conn *c);
void tcp_set_state(struct tcp_conn *c, uint8_t state);
void tcp_drop(struct tcp_conn *c, int err);
uint32_t tcp_rcv_nxt(const struct tcp_conn *c);
uint32_t tcp_rcv_window(struct tcp_conn *c);
int tcp_send_segment(struct tcp_conn *c, uint32_t seq, uint32_t len, uint8_t flags);
void tcp_send_ack(struct tcp_conn *c);
void tcp_send_rst_for(const struct ipv4_info *ip, const struct tcp_info *t);
void tcp_send_synack(const struct tcp_syn *s);
void tcp_output(struct tcp_conn *c);
void tcp_wake(struct tcp_conn *c);
uint32_t tcp_new_isn(uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport);
void tcp_established(struct tcp_conn *c);
struct tcp_conn *tcp_find(uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport);

#endif /* KEEL_KERNEL_TCP */

/* tcp.c: starts the stack (the ISN key); tcp_tick from the network's timer. */
struct ipv4_info;
void tcp_init(void);
void tcp_tick(uint64_t now_ms);
/* tcp_input.c: a segment for us, from ipv4_input. */
void tcp_input(const struct ipv4_info *ip);
/* tcp_input.c: the card's batch of frames has been read (net_batch_end): the ACKs due. */
void tcp_batch_end(void);

/* tcp_user.c: the user calls, for sysnet.c. Each returns 0 (or a count) or -errno. */
struct tcp_conn;
struct iobuf;
struct keel_sockaddr;
struct keel_sockinfo;
struct tcp_conn *tcp_open(int *err);
void tcp_close(struct tcp_conn *c);
int tcp_bind(struct tcp_conn *c, unsigned port);
int tcp_listen(struct tcp_conn *c, int backlog);
struct tcp_conn *tcp_accept(struct tcp_conn *l, struct keel_sockaddr *peer, int *err);
int tcp_connect(struct tcp_conn *c, const struct keel_sockaddr *to, int64_t timeout_ms);
long tcp_read(struct tcp_conn *c, const struct iobuf *buf, size_t len);
long tcp_write(struct tcp_conn *c, const struct iobuf *buf, size_t len);
int tcp_shutdown(struct tcp_conn *c, int how);
unsigned tcp_poll(struct tcp_conn *c);
int tcp_sockname(struct tcp_conn *c, struct keel_sockaddr *a, bool peer);
int tcp_setsockopt(struct tcp_conn *c, int opt, long value);
/* Fills *si with the index-th used connection. Returns 1, or 0 past the last. */
int tcp_info(int index, struct keel_sockinfo *si);
/* The control blocks in use: where sockinfo's list goes on with the UDP sockets. */
int tcp_count(void);

#endif
