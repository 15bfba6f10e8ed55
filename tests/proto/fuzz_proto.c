/*
 * libFuzzer target for the serial protocol's receiver (kernel/lib/proto.c): any bytes
 * from the line must leave the parser in a sane state, and every frame it accepts must
 * re-encode to a frame that parses to the same fields.
 */
#include <stdlib.h>
#include <string.h>

#include <keel/proto.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct proto_rx rx;
	static uint8_t wire[PROTO_WIRE_MAX], out[PROTO_COBS_MAX(PROTO_WIRE_MAX)];
	struct proto_msg m, again;

	proto_rx_init(&rx);
	for (size_t i = 0; i < size; i++) {
		if (proto_rx_byte(&rx, data[i]) != PROTO_RX_FRAME)
			continue;
		proto_rx_frame(&rx, &m);
		if (m.len > PROTO_PAYLOAD_MAX)
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
