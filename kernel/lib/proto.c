/*
 * The serial protocol's framing (uapi/keel/proto.h): CRC-32, COBS and the frame parser.
 * Pure code, compiled into the kernel and, with KEEL_HOST_TEST, into serialterm, the host
 * unit test and the fuzz target, so both ends of the line share one implementation.
 */
#include "lib.h"
#include "path.h"
#include <keel/proto.h>

/*
 * CRC-32 as ISO-HDLC / IEEE 802.3 define it: reflected polynomial 0xedb88320, initial
 * value and final xor 0xffffffff. Four bits at a time through a 16-entry table, fast
 * enough for a serial line and small enough to check by eye.
 */
static const uint32_t crc_nibble[16] = {
	0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4, 0x4db26158,
	0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c, 0x9b64c2b0, 0x86d3d2d4,
	0xa00ae278, 0xbdbdf21c,
};

uint32_t proto_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		crc = (crc >> 4) ^ crc_nibble[crc & 15];
		crc = (crc >> 4) ^ crc_nibble[crc & 15];
	}
	return ~crc;
}

/*
 * COBS (Cheshire & Baker 1999): each block is a code byte n followed by n - 1 non-zero
 * bytes; a block with n < 255 stands for its bytes and a zero, except at the very end.
 */
size_t proto_cobs_encode(const uint8_t *in, size_t len, uint8_t *out)
{
	size_t code_at = 0, o = 1;
	uint8_t code = 1;

	for (size_t i = 0; i < len; i++) {
		if (in[i] == 0) {
			out[code_at] = code;
			code_at = o++;
			code = 1;
			continue;
		}
		out[o++] = in[i];
		if (++code == 0xff) {
			out[code_at] = code;
			code_at = o++;
			code = 1;
		}
	}
	out[code_at] = code;
	return o;
}

long proto_cobs_decode(const uint8_t *in, size_t len, uint8_t *out, size_t max)
{
	size_t i = 0, o = 0;

	while (i < len) {
		uint8_t code = in[i++];

		if (code == 0)
			return -1;
		for (unsigned j = 1; j < code; j++) {
			if (i >= len || in[i] == 0 || o >= max)
				return -1;
			out[o++] = in[i++];
		}
		if (code != 0xff && i < len) {
			if (o >= max)
				return -1;
			out[o++] = 0;
		}
	}
	return (long)o;
}

size_t proto_frame_encode(uint8_t type, uint32_t seq, const void *payload, size_t len,
			  int lead, uint8_t *out)
{
	uint8_t frame[PROTO_FRAME_MAX];
	size_t n = 0;

	if (len > PROTO_PAYLOAD_MAX)
		return 0;
	frame[PROTO_OFF_VERSION] = PROTO_VERSION;
	frame[PROTO_OFF_TYPE] = type;
	proto_put16(frame + PROTO_OFF_LEN, (uint16_t)len);
	proto_put32(frame + PROTO_OFF_SEQ, seq);
	if (len)
		memcpy(frame + PROTO_HDR_SIZE, payload, len);
	proto_put32(frame + PROTO_HDR_SIZE + len, proto_crc32(0, frame, PROTO_HDR_SIZE + len));
	if (lead)
		out[n++] = 0;
	out[n++] = PROTO_SOH;
	out[n++] = PROTO_MAGIC;
	n += proto_cobs_encode(frame, PROTO_HDR_SIZE + len + PROTO_CRC_SIZE, out + n);
	out[n++] = 0;
	return n;
}

int proto_frame_parse(const uint8_t *frame, size_t len, struct proto_msg *m)
{
	size_t plen;

	if (len < PROTO_HDR_SIZE + PROTO_CRC_SIZE || frame[PROTO_OFF_VERSION] == 0)
		return -1;
	plen = proto_get16(frame + PROTO_OFF_LEN);
	if (plen > PROTO_PAYLOAD_MAX || plen != len - PROTO_HDR_SIZE - PROTO_CRC_SIZE)
		return -1;
	if (proto_get32(frame + PROTO_HDR_SIZE + plen) !=
	    proto_crc32(0, frame, PROTO_HDR_SIZE + plen))
		return -1;
	m->version = frame[PROTO_OFF_VERSION];
	m->type = frame[PROTO_OFF_TYPE];
	m->len = (uint16_t)plen;
	m->seq = proto_get32(frame + PROTO_OFF_SEQ);
	m->payload = frame + PROTO_HDR_SIZE;
	return 0;
}

void proto_rx_init(struct proto_rx *rx)
{
	rx->state = PROTO_RX_IDLE;
	rx->len = 0;
	rx->frame_len = 0;
}

/* The end of an encoded frame: decode and check it. */
static enum proto_rx_event rx_end(struct proto_rx *rx)
{
	struct proto_msg m;
	long n = proto_cobs_decode(rx->wire, rx->len, rx->frame, sizeof(rx->frame));

	rx->state = PROTO_RX_IDLE;
	rx->len = 0;
	if (n < 0 || proto_frame_parse(rx->frame, (size_t)n, &m) != 0) {
		rx->frame_len = 0;
		return PROTO_RX_BAD;
	}
	rx->frame_len = (size_t)n;
	return PROTO_RX_FRAME;
}

enum proto_rx_event proto_rx_byte(struct proto_rx *rx, uint8_t c)
{
	switch (rx->state) {
	case PROTO_RX_IDLE:
		if (c != PROTO_SOH)
			return PROTO_RX_TEXT;
		rx->state = PROTO_RX_GOT_SOH;
		return PROTO_RX_NONE;
	case PROTO_RX_GOT_SOH:
		if (c != PROTO_MAGIC) {
			rx->state = PROTO_RX_IDLE;
			return PROTO_RX_SOH_TEXT;
		}
		rx->state = PROTO_RX_IN_FRAME;
		rx->len = 0;
		return PROTO_RX_NONE;
	case PROTO_RX_IN_FRAME:
		if (c == 0)
			return rx_end(rx);
		if (rx->len == sizeof(rx->wire)) {
			rx->state = PROTO_RX_SKIP;	/* too long: drop it up to its end */
			return PROTO_RX_BAD;
		}
		rx->wire[rx->len++] = c;
		return PROTO_RX_NONE;
	case PROTO_RX_SKIP:
		if (c == 0)
			rx->state = PROTO_RX_IDLE;
		return PROTO_RX_NONE;
	}
	return PROTO_RX_TEXT;
}

void proto_rx_frame(const struct proto_rx *rx, struct proto_msg *m)
{
	if (proto_frame_parse(rx->frame, rx->frame_len, m) != 0)
		m->type = 0;
}

/* --- Payloads. */

/* The length of a NUL-terminated string that starts at p and ends before end, or -1. */
static long str_in(const uint8_t *p, const uint8_t *end)
{
	for (const uint8_t *q = p; q < end; q++)
		if (*q == 0)
			return q - p;
	return -1;
}

size_t proto_hello_encode(const struct proto_hello *h, uint8_t *out)
{
	size_t ul = strlen(h->user), pl = strlen(h->pass);

	if (PROTO_HELLO_FIXED + ul + pl + 2 > PROTO_PAYLOAD_MAX)
		return 0;
	proto_put16(out, h->payload);
	proto_put32(out + 2, h->window);
	proto_put32(out + 6, h->caps);
	memcpy(out + PROTO_HELLO_FIXED, h->user, ul + 1);
	memcpy(out + PROTO_HELLO_FIXED + ul + 1, h->pass, pl + 1);
	return PROTO_HELLO_FIXED + ul + pl + 2;
}

int proto_hello_decode(const uint8_t *p, size_t len, struct proto_hello *h)
{
	const uint8_t *end = p + len, *user = p + PROTO_HELLO_FIXED;
	long ul, pl;

	if (len < PROTO_HELLO_FIXED + 2 || (ul = str_in(user, end)) < 0 ||
	    (pl = str_in(user + ul + 1, end)) < 0 || user + ul + 1 + pl + 1 != end)
		return -1;
	h->payload = proto_get16(p);
	h->window = proto_get32(p + 2);
	h->caps = proto_get32(p + 6);
	h->user = (const char *)user;
	h->pass = (const char *)user + ul + 1;
	return 0;
}

size_t proto_welcome_encode(const struct proto_welcome *w, uint8_t *out)
{
	proto_put16(out, w->payload);
	proto_put32(out + 2, w->window);
	proto_put32(out + 6, w->caps);
	proto_put32(out + 10, w->uid);
	return PROTO_WELCOME_SIZE;
}

int proto_welcome_decode(const uint8_t *p, size_t len, struct proto_welcome *w)
{
	if (len < PROTO_WELCOME_SIZE)
		return -1;
	w->payload = proto_get16(p);
	w->window = proto_get32(p + 2);
	w->caps = proto_get32(p + 6);
	w->uid = proto_get32(p + 10);
	return 0;
}

size_t proto_ok_encode(uint64_t value, uint8_t *out)
{
	proto_put64(out, value);
	return PROTO_OK_SIZE;
}

int proto_ok_decode(const uint8_t *p, size_t len, uint64_t *value)
{
	if (len < PROTO_OK_SIZE)
		return -1;
	*value = proto_get64(p);
	return 0;
}

size_t proto_stream_info_encode(const struct proto_stream_info *si, uint8_t *out)
{
	proto_put64(out, si->size);
	proto_put32(out + 8, si->mode);
	proto_put32(out + 12, si->crc);
	return PROTO_OK_STREAM_SIZE;
}

int proto_stream_info_decode(const uint8_t *p, size_t len, struct proto_stream_info *si)
{
	if (len < PROTO_OK_STREAM_SIZE)
		return -1;
	si->size = proto_get64(p);
	si->mode = proto_get32(p + 8);
	si->crc = proto_get32(p + 12);
	return 0;
}

size_t proto_error_encode(int32_t err, const char *text, uint8_t *out)
{
	size_t n = MIN(strlen(text), (size_t)PROTO_ERROR_TEXT_MAX);

	proto_put32(out, (uint32_t)err);
	memcpy(out + 4, text, n);
	return 4 + n;
}

int proto_error_decode(const uint8_t *p, size_t len, struct proto_error *e)
{
	if (len < 4 || (int32_t)proto_get32(p) >= 0)
		return -1;
	e->err = (int32_t)proto_get32(p);
	e->text = (const char *)p + 4;
	e->text_len = len - 4;
	return 0;
}

size_t proto_put_encode(const struct proto_put *r, uint8_t *out)
{
	if (r->path_len > PROTO_PATH_MAX)
		return 0;
	proto_put32(out, r->mode);
	proto_put64(out + 4, r->size);
	proto_put32(out + 12, r->crc);
	memcpy(out + PROTO_PUT_FIXED, r->path, r->path_len);
	return PROTO_PUT_FIXED + r->path_len;
}

int proto_put_decode(const uint8_t *p, size_t len, struct proto_put *r)
{
	if (len <= PROTO_PUT_FIXED || len > PROTO_PUT_FIXED + PROTO_PATH_MAX)
		return -1;
	r->mode = proto_get32(p);
	r->size = proto_get64(p + 4);
	r->crc = proto_get32(p + 12);
	r->path = (const char *)p + PROTO_PUT_FIXED;
	r->path_len = len - PROTO_PUT_FIXED;
	return 0;
}

size_t proto_status_encode(int32_t status, uint8_t *out)
{
	proto_put32(out, (uint32_t)status);
	return PROTO_STATUS_SIZE;
}

int proto_status_decode(const uint8_t *p, size_t len, int32_t *status)
{
	if (len < PROTO_STATUS_SIZE)
		return -1;
	*status = (int32_t)proto_get32(p);
	return 0;
}

int proto_path_check(const char *path, size_t len)
{
	return len <= PROTO_PATH_MAX && path_is_clean(path, len) ? 0 : -1;
}

int proto_args_decode(const uint8_t *p, size_t len, const char **argv, int max)
{
	int argc = 0;
	size_t i = 0;

	if (len == 0 || len > PROTO_ARGS_MAX || p[len - 1] != 0 || p[0] == 0)
		return 0;
	while (i < len) {
		if (argc == max)
			return -1;
		argv[argc++] = (const char *)p + i;
		i += strlen((const char *)p + i) + 1;
	}
	return argc;
}

/* --- The stream sender. */

#define FRAMING	20	/* wire bytes of a DATA frame besides its payload (it has no lead 0) */
#define ANSWER	25	/* wire bytes of the ACK or NAK that answers it, about */

static uint64_t isqrt(uint64_t v)
{
	uint64_t r = 0;

	for (uint64_t bit = 1ull << 62; bit; bit >>= 2) {
		if (v >= r + bit) {
			v -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
	}
	return r;
}

/* log2(x) in 16.16 fixed point, for x >= 1 (the bits of the fraction one by one). */
static uint64_t log2_q16(uint64_t x)
{
	uint64_t r = 0, y;
	int n = 63;

	while (n > 0 && !(x >> n))
		n--;
	r = (uint64_t)n << 16;
	y = n > 30 ? x >> (n - 30) : x << (30 - n);	/* x / 2^n in 2.30 fixed point */
	for (uint64_t bit = 1u << 15; bit; bit >>= 1) {
		y = y * y >> 30;
		if (y >= 2ull << 30) {
			y >>= 1;
			r |= bit;
		}
	}
	return r;
}

/*
 * The payload that carries the most per byte on the line at the error rate seen so far.
 * With p the chance that a byte is damaged and h the framing, a frame of L + h bytes gets
 * through with (1 - p)^(L + h), so L / (L + h) * (1 - p)^(L + h) is greatest where
 * L^2 + hL = h / p. p comes from the share q of frames sent once that were lost, with
 * their answers, among those whose fate is known; w bytes on average went each way:
 * (1 - p)^w = 1 - q, so p = -ln(1 - q) / w. (At the best L, 1 - q is e^(-h/L): some 5%
 * of 450-byte frames are lost at p = 0.01%, 44% of 36-byte ones at 1%.)
 *
 * Until a loss is seen, the frames grow as the line proves clean: after b bytes without
 * one, the error rate is taken as 1 in 4b (a loss would likely have come by then were it
 * higher), so the frames grow as the square root of the bytes, from PROTO_CHUNK_FIRST to
 * the largest after 200 KiB. Growing faster (to a quarter of the bytes, as before) lost
 * a frame of several KiB early on a noisy line: at 0.01% a third of 4 KiB frames are
 * lost, and 128 KiB went at 0.89 of the line rate in the simulation rather than 0.90.
 * On a clean line the smaller first frames cost some 2% of 64 KiB, 0.5% of 1 MiB.
 */
static uint32_t sender_chunk(const struct proto_sender *s)
{
	uint64_t kept = s->frames - s->lost, hazard, l;

	if (s->lost == 0 || kept > s->frames) {
		/* No loss in b bytes: p is taken as 1 / 4b, so L^2 + hL = 4hb. */
		l = (isqrt(FRAMING * FRAMING + 16 * FRAMING * s->bytes) - FRAMING) / 2;
		return (uint32_t)MIN(MAX(l, (uint64_t)PROTO_CHUNK_FIRST), (uint64_t)s->payload_max);
	}
	/* -ln(1 - q) = ln(frames / kept) = log2(frames / kept) * ln 2, in 16.16. */
	if (kept * 16 <= s->frames)
		hazard = 4ull << 16;		/* nearly all lost: taken as 1 in 16 kept */
	else
		hazard = log2_q16((s->frames << 16) / kept) - (16ull << 16);
	hazard = hazard * 45426 >> 16;
	if (hazard == 0)
		return s->payload_max;
	/* h / p = h * w / hazard = h * (bytes / frames) / hazard. */
	l = (isqrt(FRAMING * FRAMING + 4 * FRAMING * ((s->bytes << 16) / s->frames) / hazard) -
	     FRAMING) / 2;
	return (uint32_t)MAX(MIN(l, (uint64_t)s->payload_max), (uint64_t)PROTO_CHUNK_MIN);
}

/* The fate of a frame is known: the error rate and the frame size follow. */
static void sender_fate(struct proto_sender *s, struct proto_sent *f, int lost)
{
	s->frames++;
	s->lost += lost;
	s->bytes += f->to - f->from + FRAMING + ANSWER;
	if (s->frames > PROTO_LOSS_HORIZON) {	/* the error rate of recent frames */
		s->frames /= 2;
		s->lost /= 2;
		s->bytes /= 2;
	}
	s->chunk = sender_chunk(s);
	f->ms = 0;
}

static uint64_t sender_rto(const struct proto_sender *s)
{
	uint64_t rto = MAX(s->srtt + 4 * s->rttvar + 20, (uint64_t)PROTO_RTO_MIN_MS) <<
		       MIN(s->retries, 6);

	return MIN(rto, (uint64_t)PROTO_RTO_MAX_MS);
}

/*
 * A round trip measured: it is smoothed (RFC 6298), and the bytes in flight follow it.
 * Damage is not congestion, so losses leave them alone; but bytes queued on the way (a
 * socket's buffer before the UART) lengthen the round trip and every resend's wait: when
 * it grows well beyond the least seen for frames of this size, fewer go out at once (TCP
 * Vegas in spirit). The least is taken again when frames grow (they take longer on the
 * line), not when they shrink: a round trip then may have waited behind the bigger
 * frames still queued, and taken for the least it would keep the queue.
 */
static void sender_rtt(struct proto_sender *s, uint64_t rtt)
{
	uint32_t floor = MAX(4 * s->chunk, (uint32_t)PROTO_CWND_MIN);

	s->rttvar = (3 * s->rttvar + (rtt > s->srtt ? rtt - s->srtt : s->srtt - rtt)) / 4;
	s->srtt = (7 * s->srtt + rtt) / 8;
	if (rtt < s->rtt_min || s->chunk > 2 * s->rtt_min_chunk) {
		s->rtt_min = rtt;
		s->rtt_min_chunk = s->chunk;
	}
	if (rtt > 2 * s->rtt_min + 20)
		s->cwnd = MAX(s->cwnd > s->chunk ? s->cwnd - s->chunk : 0, floor);
	else
		s->cwnd = MIN(s->cwnd + s->chunk, s->window);
}

void proto_sender_init(struct proto_sender *s, uint64_t start, uint64_t end,
		       uint16_t payload_max, uint32_t window, uint64_t now)
{
	memset(s, 0, sizeof(*s));
	s->base = s->next = start;
	s->end = end;
	s->heard_ms = now;
	s->payload_max = MAX(payload_max, (uint16_t)PROTO_CHUNK_MIN);
	s->window = MAX(window, s->payload_max);
	s->chunk = sender_chunk(s);
	s->cwnd = MIN(MAX(4 * s->chunk, (uint32_t)PROTO_CWND_MIN), s->window);
	s->srtt = PROTO_RTT_INIT_MS;
	s->rttvar = PROTO_RTT_INIT_MS / 2;
	s->rtt_min = UINT64_MAX;
}

/* Remembers a frame sent, in the order sent, until an answer or the clock tells its fate. */
static void sender_track(struct proto_sender *s, uint64_t off, uint64_t n, int again,
			 uint64_t now)
{
	struct proto_sent *f = &s->sent[s->nsent % PROTO_SAMPLES];

	*f = (struct proto_sent){ .from = off, .to = off + n, .ms = now + 1, .order = s->nsent++,
				  .again = again };
}

static void sender_gap(struct proto_sender *s, uint64_t from, uint64_t to);

size_t proto_sender_next(struct proto_sender *s, uint64_t now, uint64_t *off)
{
	struct proto_gap *g = &s->gaps[0];
	uint64_t n, flight = 0, wait = s->measured ? s->srtt + 4 * s->rttvar + 50 : PROTO_RTO_MAX_MS;

	/*
	 * A resend not answered in time is taken for lost, and goes again: the answers that
	 * would tell (one to a frame sent after it) may never come when nothing new goes out.
	 * A frame sent once is not: a queue on the way may hold a second of frames, and a
	 * timeout covers the last ones.
	 */
	for (struct proto_sent *f = s->sent; f < s->sent + PROTO_SAMPLES; f++) {
		if (f->ms && f->again && now + 1 - f->ms > wait) {
			sender_fate(s, f, 1);
			sender_gap(s, f->from, f->to);
		}
		if (f->ms)
			flight += f->to - f->from;
	}
	/* As many frames on their way as can be told apart, or as many bytes as the line takes. */
	if (s->sent[s->nsent % PROTO_SAMPLES].ms || flight >= s->cwnd)
		return 0;
	/* The gaps the receiver asked for come first, in order. */
	while (s->ngaps && (g->at = MAX(g->at, s->base)) >= g->to)
		memmove(s->gaps, s->gaps + 1, --s->ngaps * sizeof(*g));
	if (s->ngaps) {
		*off = g->at;
		n = MIN((uint64_t)s->chunk, g->to - g->at);
		g->at += n;
		sender_track(s, *off, n, 1, now);
		return (size_t)n;
	}
	if (s->next >= s->end || s->next - s->base >= s->window)
		return 0;
	*off = s->next;
	n = MIN(MIN((uint64_t)s->chunk, s->end - s->next), s->window - (s->next - s->base));
	s->next += n;
	sender_track(s, *off, n, 0, now);
	return (size_t)n;
}

/*
 * Where the bytes from off on that are on their way (in a frame not answered yet) or due
 * to go (in a gap) end: off itself when byte off is neither.
 */
static uint64_t sender_covered(const struct proto_sender *s, uint64_t off)
{
	for (uint64_t was = UINT64_MAX; was != off;) {
		was = off;
		for (const struct proto_sent *f = s->sent; f < s->sent + PROTO_SAMPLES; f++)
			if (f->ms && f->from <= off && f->to > off)
				off = f->to;
		for (const struct proto_gap *g = s->gaps; g < s->gaps + s->ngaps; g++)
			if (g->at <= off && g->to > off)
				off = g->to;
	}
	return off;
}

/* The first byte after from and before to that is on its way or due to go, or to. */
static uint64_t sender_uncovered(const struct proto_sender *s, uint64_t from, uint64_t to)
{
	for (const struct proto_sent *f = s->sent; f < s->sent + PROTO_SAMPLES; f++)
		if (f->ms && f->from > from && f->from < to)
			to = f->from;
	for (const struct proto_gap *g = s->gaps; g < s->gaps + s->ngaps; g++)
		if (g->at > from && g->at < to)
			to = g->at;
	return to;
}

/*
 * The receiver lacks from to to: it goes again, before anything new, but for the bytes
 * of frames on their way still (sent after the frame the answer was for) and of gaps due
 * to go already. Only those: one frame on its way must not hold back the rest.
 */
static void sender_gap(struct proto_sender *s, uint64_t from, uint64_t to)
{
	to = MIN(to, s->next);
	while (from < to && s->ngaps < PROTO_GAPS) {
		uint64_t at = MIN(sender_covered(s, from), to), end = sender_uncovered(s, at, to);

		if (at < end)
			s->gaps[s->ngaps++] = (struct proto_gap){ .at = at, .to = end };
		from = end;
	}
}

/*
 * Every answer names the end of the frame it answers (last): the newest frame sent that
 * ends there got through, and gives a round trip; frames sent before it and not answered
 * yet were lost, as the line keeps their order (RACK, RFC 8985, in spirit). The answer
 * to a damaged frame names none: the oldest frame on its way is the likeliest. Frames
 * wholly before a got through as well.
 */
static void sender_answered(struct proto_sender *s, uint64_t a, uint64_t last, int damaged,
			    uint64_t now)
{
	struct proto_sent *hit = NULL, *oldest = NULL;

	for (struct proto_sent *f = s->sent; f < s->sent + PROTO_SAMPLES; f++) {
		if (f->ms && f->to == last && (!hit || f->order > hit->order))
			hit = f;
		if (f->ms && f->to > a && (!oldest || f->order < oldest->order))
			oldest = f;
	}
	if (damaged && oldest)		/* most likely the oldest on its way */
		sender_fate(s, oldest, 1);
	if (hit) {
		sender_rtt(s, now + 1 - hit->ms);
		s->measured = 1;
		for (struct proto_sent *f = s->sent; f < s->sent + PROTO_SAMPLES; f++)
			if (f->ms && f->order < hit->order && f->to > a)
				sender_fate(s, f, 1);
		sender_fate(s, hit, 0);
	}
	for (struct proto_sent *f = s->sent; f < s->sent + PROTO_SAMPLES; f++)
		if (f->ms && f->to <= a)
			sender_fate(s, f, 0);
}

int proto_sender_ack(struct proto_sender *s, uint8_t type, uint32_t seq, const uint8_t *p,
		     size_t len, uint64_t now)
{
	uint64_t a = seq, last = len >= 4 ? proto_get32(p) : PROTO_NO_FRAME;
	int moved = a > s->base, damaged = len >= 4 && last == PROTO_NO_FRAME;

	if ((type != PT_ACK && type != PT_NAK) || a < s->base || a > s->next)
		return 0;
	s->heard_ms = now;	/* the receiver is there: no timeout while it answers */
	sender_answered(s, a, last == PROTO_NO_FRAME ? UINT64_MAX : last, damaged, now);
	if (moved) {
		s->base = a;
		s->retries = 0;
	}
	if (a >= s->recover)
		s->recover = 0;
	if (type == PT_NAK) {
		for (size_t i = 4; i + 8 <= len; i += 8)
			sender_gap(s, MAX((uint64_t)proto_get32(p + i), a), proto_get32(p + i + 4));
		if (len < 12)		/* a NAK that names no gap: from a on */
			sender_gap(s, a, a + s->chunk);
	} else if (a < s->recover) {
		/*
		 * After a timeout the probe left after everything before it, so an ACK short
		 * of recover says the bytes from a on were lost, and nothing after them came.
		 */
		sender_gap(s, a, s->recover);
	}
	return moved;
}

uint64_t proto_sender_deadline(const struct proto_sender *s)
{
	if (s->base >= s->next)
		return UINT64_MAX;	/* nothing unacknowledged */
	return s->heard_ms + sender_rto(s);
}

void proto_sender_timer(struct proto_sender *s, uint64_t now)
{
	if (now < proto_sender_deadline(s))
		return;
	/*
	 * Nothing heard for a while: frames or their answers were lost, or the receiver was
	 * busy. The frames not answered count as lost, and the first bytes go again as a
	 * probe, in four frames, so that one loss more does not cost another timeout; the
	 * answers show what else is missing (recover). Fewer bytes go out at once.
	 */
	s->retries++;
	s->heard_ms = now;
	s->recover = s->next;
	for (struct proto_sent *f = s->sent; f < s->sent + PROTO_SAMPLES; f++)
		if (f->ms)
			sender_fate(s, f, 1);
	s->cwnd = MAX(s->cwnd / 2, MAX(4 * s->chunk, (uint32_t)PROTO_CWND_MIN));
	s->ngaps = 1;
	s->gaps[0] = (struct proto_gap){ .at = s->base, .to = MIN(s->base + 4 * s->chunk, s->next) };
}

/* --- The stream receiver. */

#define RB_MASK	(PROTO_REORDER_MAX - 1)

static int rb_got(const struct proto_receiver *r, uint64_t off)
{
	return r->got[(off & RB_MASK) / 8] >> (off & 7) & 1;
}

static void rb_set(struct proto_receiver *r, uint64_t off, int on)
{
	uint8_t bit = (uint8_t)(1u << (off & 7));

	if (on)
		r->got[(off & RB_MASK) / 8] |= bit;
	else
		r->got[(off & RB_MASK) / 8] &= (uint8_t)~bit;
}

void proto_receiver_init(struct proto_receiver *r, uint64_t start, uint64_t size)
{
	r->have = r->top = start;
	r->size = size;
	r->last = PROTO_NO_FRAME;
	memset(r->got, 0, sizeof(r->got));
}

uint8_t proto_receiver_data(struct proto_receiver *r, uint32_t seq, const uint8_t *p,
			    size_t len)
{
	uint64_t limit = MIN(r->have + PROTO_REORDER_MAX, r->size), off = seq, ready;

	r->last = (uint32_t)(seq + len);
	for (size_t i = 0; i < len; i++, off++) {
		if (off < r->have || off >= limit || rb_got(r, off))
			continue;
		r->buf[off & RB_MASK] = p[i];
		rb_set(r, off, 1);
		r->top = MAX(r->top, off + 1);
	}
	for (ready = r->have; ready < limit && rb_got(r, ready); ready++)
		;
	/* Bytes beyond a gap: the sender is asked for the first one missing. */
	return r->top > ready || (off > ready && seq < r->size) ? PT_NAK : PT_ACK;
}

size_t proto_receiver_answer(const struct proto_receiver *r, uint8_t type, uint8_t *out)
{
	size_t n = 4;
	uint64_t off = r->have;

	proto_put32(out, r->last);
	while (type == PT_NAK && off < r->top && n + 8 <= PROTO_ANSWER_MAX) {
		uint64_t from = off;

		while (off < r->top && !rb_got(r, off))
			off++;
		proto_put32(out + n, (uint32_t)from);
		proto_put32(out + n + 4, (uint32_t)off);
		n += 8;
		while (off < r->top && rb_got(r, off))
			off++;
	}
	return n;
}

uint8_t proto_receiver_damaged(struct proto_receiver *r)
{
	r->last = PROTO_NO_FRAME;
	return PT_NAK;
}

size_t proto_receiver_peek(const struct proto_receiver *r, const uint8_t **p)
{
	uint64_t off = r->have;

	*p = r->buf + (off & RB_MASK);
	while (off < r->size && rb_got(r, off) && (off == r->have || (off & RB_MASK) != 0))
		off++;
	return (size_t)(off - r->have);
}

void proto_receiver_take(struct proto_receiver *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rb_set(r, r->have + i, 0);
	r->have += n;
}
