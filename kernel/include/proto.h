/*
 * The serial protocol's kernel end (kernel/proto/proto.c): frames multiplexed with typed
 * text on COM1, served by a kernel thread. The wire format is uapi/keel/proto.h; the
 * specification and the design are doc/protocol.md.
 */
#ifndef KEEL_PROTO_H
#define KEEL_PROTO_H

#include <stddef.h>

#define PROTO_QUEUE		32	/* good frames between the interrupt handler and the thread */
#define PROTO_TICK_MS		5	/* the thread's poll period while a session is active */
#define PROTO_PUMP_MAX		1024	/* stream bytes written before answers are looked at */
#define PROTO_IDLE_MS		30000	/* a session without a frame for this long ends */
#define PROTO_RETRY_MS		1000	/* EXIT is sent again after this */
#define PROTO_RETRIES		20	/* resends without progress, and */
#define PROTO_STALL_MS		15000	/* this long without, before a transfer is aborted */
#define PROTO_WINDOW		32768	/* bytes the kernel accepts in flight (offered in WELCOME) */
#define PROTO_OUT_SIZE		65536	/* a running program's output not yet acknowledged */
#define PROTO_LIST_MAX		(256u << 10)	/* bytes of a LIST or STAT answer */

/*
 * Puts the protocol's receiver in front of the tty on COM1 and starts its kernel thread.
 * Call after tty_init, once processes can be started. Returns 0 or a negative errno (the
 * console then stays text only).
 */
int proto_init(void);

#endif
