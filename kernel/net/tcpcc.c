/*
 * TCP's arithmetic that needs no connection (tcp.h): the retransmission timer's estimator
 * (RFC 6298) and the congestion window (RFC 5681, RFC 6582). Pure code, run by the host
 * unit tests too.
 */
#include "lib.h"
#include "tcp.h"

void tcp_rtt_init(struct tcp_rtt *r)
{
	r->srtt8 = 0;
	r->rttvar4 = 0;
	r->rto = TCP_RTO_INIT;
	r->measured = false;
}

static uint32_t clamp_rto(uint64_t rto)
{
	return (uint32_t)MIN(MAX(rto, (uint64_t)TCP_RTO_MIN), (uint64_t)TCP_RTO_MAX);
}

void tcp_rtt_sample(struct tcp_rtt *r, uint32_t rtt)
{
	rtt = MIN(rtt, (uint32_t)TCP_RTO_MAX);
	if (!r->measured) {
		/* 2.2: SRTT = R, RTTVAR = R/2. */
		r->srtt8 = rtt * 8;
		r->rttvar4 = rtt * 2;
		r->measured = true;
	} else {
		/* 2.3: RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|, then SRTT = 7/8 SRTT + 1/8 R. */
		uint32_t srtt = r->srtt8 / 8;
		uint32_t delta = srtt > rtt ? srtt - rtt : rtt - srtt;
		r->rttvar4 = r->rttvar4 - r->rttvar4 / 4 + delta;
		r->srtt8 = r->srtt8 - r->srtt8 / 8 + rtt;
	}
	/* RTO = SRTT + max(G, 4 RTTVAR), then 2.4's floor and 2.5's ceiling. */
	r->rto = clamp_rto((uint64_t)r->srtt8 / 8 + MAX((uint32_t)TCP_CLOCK_G, r->rttvar4));
}

void tcp_rtt_backoff(struct tcp_rtt *r)
{
	r->rto = clamp_rto((uint64_t)r->rto * 2);
}

uint32_t tcp_cc_initial(uint32_t mss)
{
	if (mss > 2190)
		return 2 * mss;
	if (mss > 1095)
		return 3 * mss;
	return 4 * mss;
}

uint32_t tcp_cc_ack(uint32_t cwnd, uint32_t ssthresh, uint32_t acked, uint32_t mss)
{
	uint64_t grow;

	if (cwnd < ssthresh)
		grow = MIN(acked, mss);		/* slow start, (2) */
	else
		grow = MAX(1u, (uint64_t)mss * mss / (cwnd ? cwnd : 1));	/* (3) */
	return (uint32_t)MIN((uint64_t)cwnd + grow, (uint64_t)TCP_CWND_MAX);
}

uint32_t tcp_cc_ssthresh(uint32_t flight, uint32_t mss)
{
	return MAX(flight / 2, 2 * mss);
}

uint32_t tcp_cc_partial(uint32_t cwnd, uint32_t acked, uint32_t mss)
{
	uint32_t w = cwnd > acked ? cwnd - acked : 0;

	if (acked >= mss)
		w += mss;
	return MAX(w, mss);
}
