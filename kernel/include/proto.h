/*
 * The serial protocol's kernel end (kernel/proto/proto.c): frames multiplexed with typed
 * text on COM1, served by a kernel thread. The wire format is uapi/keel/proto.h; the
 * specification and the design are doc/protocol.md.
 */
#ifndef KEEL_PROTO_H
#define KEEL_PROTO_H

#include <stddef.h>

#define PROTO_QUEUE		8	/* good frames between the interrupt handler and the thread */
#define PROTO_TICK_MS		5	/* the thread's poll period while a session is active */
#define PROTO_IDLE_MS		30000	/* a session without a frame for this long ends */
#define PROTO_RETRY_MS		1000	/* resend from the last acknowledged offset after this */
#define PROTO_RTO_MAX_MS	3000	/* the longest resend timeout (it adapts below) */
#define PROTO_NAK_MS		100	/* the same NAK is not sent again sooner */
#define PROTO_RETRIES		20	/* resends without progress, and */
#define PROTO_STALL_MS		15000	/* this long without, before a transfer is aborted */
#define PROTO_WINDOW		32768	/* bytes the kernel accepts in flight (offered in WELCOME) */
#define PROTO_OUT_SIZE		65536	/* a running program's output not yet acknowledged */
#define PROTO_CHUNK_MIN		64	/* the smallest payload a sender falls back to */
#define PROTO_LIST_MAX		(256u << 10)	/* bytes of a LIST or STAT answer */

/*
 * Puts the protocol's receiver in front of the tty on COM1 and starts its kernel thread.
 * Call after tty_init, once processes can be started. Returns 0 or a negative errno (the
 * console then stays text only).
 */
int proto_init(void);

#endif
