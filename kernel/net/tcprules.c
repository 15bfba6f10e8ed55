/*
 * TCP's rules that need no connection (netproto.h): which segments a receiver accepts
 * (RFC 9293 3.10.7.4), what a RST may do (RFC 5961 3.2), and initial sequence numbers
 * (RFC 6528). Pure code, run by the host unit tests too.
 */
#include "lib.h"
#include "netproto.h"
#include <keel/sha256.h>

bool tcp_acceptable(uint32_t seq, uint32_t len, uint32_t rcv_nxt, uint32_t rcv_wnd)
{
	if (len == 0)
		return rcv_wnd == 0 ? seq == rcv_nxt : seq_in(seq, rcv_nxt, rcv_nxt + rcv_wnd);
	if (rcv_wnd == 0)
		return false;
	/* Its first or its last byte falls in the window. */
	return seq_in(seq, rcv_nxt, rcv_nxt + rcv_wnd) ||
	       seq_in(seq + len - 1, rcv_nxt, rcv_nxt + rcv_wnd);
}

enum tcp_rst_action tcp_rst_check(uint32_t seq, uint32_t rcv_nxt, uint32_t rcv_wnd)
{
	if (seq == rcv_nxt)
		return TCP_RST_RESET;
	if (rcv_wnd > 0 && seq_in(seq, rcv_nxt, rcv_nxt + rcv_wnd))
		return TCP_RST_CHALLENGE;
	return TCP_RST_DROP;
}

uint32_t tcp_isn(const uint8_t key[16], uint32_t laddr, uint16_t lport, uint32_t raddr,
		 uint16_t rport, uint64_t now_us)
{
	uint8_t in[12 + 16], digest[SHA256_DIGEST_SIZE];

	put32(in, laddr);
	put16(in + 4, lport);
	put32(in + 6, raddr);
	put16(in + 10, rport);
	memcpy(in + 12, key, 16);
	sha256(in, sizeof(in), digest);
	return (uint32_t)(now_us / 4) + get32(digest);
}
