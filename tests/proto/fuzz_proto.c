/*
 * libFuzzer target for the serial protocol's shared code (kernel/lib/proto.c): any bytes
 * from the line must leave the parser in a sane state, and every frame it accepts must
 * re-encode to a frame that parses to the same fields; every payload decoder is run on
 * every frame's payload, the stream receiver takes the DATA frames and the sender the
 * ACKs and NAKs, and both must keep their invariants.
 */
#include <stdlib.h>
#include <string.h>

#include <keel/proto.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every decoder on one payload: none may read beyond it or accept what it cannot hold. */
static void decode_all(const struct proto_msg *m)
{
	struct proto_hello h;
	struct proto_welcome w;
	struct proto_stream_info si;
	struct proto_error e;
	struct proto_put put;
	const char *argv[8];
	uint64_t v;
	int32_t st;

	if (proto_hello_decode(m->payload, m->len, &h) == 0 &&
	    (h.pass + strlen(h.pass) + 1 != (const char *)m->payload + m->len))
		abort();
	(void)proto_welcome_decode(m->payload, m->len, &w);
	(void)proto_ok_decode(m->payload, m->len, &v);
	(void)proto_stream_info_decode(m->payload, m->len, &si);
	if (proto_error_decode(m->payload, m->len, &e) == 0 && (e.err >= 0 || e.text_len + 4 != m->len))
		abort();
	if (proto_put_decode(m->payload, m->len, &put) == 0 && put.path_len > PROTO_PATH_MAX)
		abort();
	(void)proto_path_check((const char *)m->payload, m->len);
	(void)proto_status_decode(m->payload, m->len, &st);
	if (proto_args_decode(m->payload, m->len, argv, 8) > 8)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct proto_receiver r;
	static struct proto_sender snd;
	static struct proto_rx rx;
	static uint8_t wire[PROTO_WIRE_MAX], out[PROTO_COBS_MAX(PROTO_WIRE_MAX)];
	struct proto_msg m, again;

	proto_rx_init(&rx);
	proto_receiver_init(&r, 0, 1 << 20);
	proto_sender_init(&snd, 0, 1 << 20, PROTO_PAYLOAD_MAX, 16384, 1000);
	for (size_t i = 0; i < size; i++) {
		uint8_t answer[PROTO_ANSWER_MAX];
		const uint8_t *p;
		uint64_t off;
		size_t got;

		if (proto_rx_byte(&rx, data[i]) != PROTO_RX_FRAME)
			continue;
		proto_rx_frame(&rx, &m);
		if (m.len > PROTO_PAYLOAD_MAX)
			abort();
		decode_all(&m);
		if (m.type == PT_DATA) {
			(void)proto_receiver_answer(&r, proto_receiver_data(&r, m.seq, m.payload,
									    m.len), answer);
			while ((got = proto_receiver_peek(&r, &p)) > 0)
				proto_receiver_take(&r, got);
			if (r.have > r.size || (r.top > r.have && r.top > r.have + PROTO_REORDER_MAX))
				abort();
		}
		/* The sender, fed whatever ACKs and NAKs come, at a clock that moves on. */
		while (proto_sender_next(&snd, 1000 + i, &off) > 0)
			if (off < snd.base || off >= snd.next)
				abort();
		(void)proto_sender_ack(&snd, m.type, m.seq, m.payload, m.len, 1000 + i);
		proto_sender_timer(&snd, 1000 + i);
		if (snd.base > snd.next || snd.chunk < PROTO_CHUNK_MIN ||
		    snd.chunk > PROTO_PAYLOAD_MAX || snd.ngaps > PROTO_GAPS)
			abort();
		size_t n = proto_frame_encode(m.type, m.seq, m.payload, m.len, 0, wire);
		long k = proto_cobs_decode(wire + 2, n - 3, out, sizeof(out));
		if (k < 0 || proto_frame_parse(out, (size_t)k, &again) != 0 ||
		    again.type != m.type || again.seq != m.seq || again.len != m.len ||
		    memcmp(again.payload, m.payload, m.len) != 0)
			abort();
	}
	/* COBS decoding alone, of arbitrary input. */
	(void)proto_cobs_decode(data, size, out, sizeof(out) < size ? sizeof(out) : size);
	return 0;
}
