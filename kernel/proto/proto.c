/*
 * The serial protocol's kernel end (proto.h; doc/protocol.md is the specification).
 *
 * Every byte from COM1 passes proto_irq_byte, in the interrupt handler, before the tty:
 * text goes on to the line discipline, a good frame goes into a small queue, a damaged
 * one is counted. Everything else happens in one kernel thread, "kproto": it checks
 * passwords, writes files through the VFS, starts programs and waits for them, and is the
 * only writer of the line while a session is active (the console is held meanwhile).
 * The thread sleeps on a wait queue that the interrupt handler and program output wake,
 * and polls its timers every PROTO_TICK_MS while a session is active.
 *
 * Streams (a file being put or got, a listing, a program's output) are byte streams with
 * the offset as sequence number; their sender and receiver (window, resends, timers, the
 * frame size) and every payload's layout are the shared code of kernel/lib/proto.c, which
 * serialterm runs as well: this file only says where the bytes come from and go to.
 */
#include "arch.h"
#include "console.h"
#include "file.h"
#include "heap.h"
#include "lib.h"
#include "mm.h"
#include "proc.h"
#include "proto.h"
#include "dev.h"
#include "ramfs.h"
#include "vfs.h"
#include "sched.h"
#include "serial.h"
#include "syscall.h"
#include "timer.h"
#include "tty.h"
#include <keel/passwd.h>
#include <keel/pwhash.h>
#include <keel/errno.h>
#include <keel/proto.h>

#define AUTH_FAIL_DELAY_MS 1000		/* a refused HELLO is answered this much later */
#define PART_SUFFIX	".part"		/* an upload in progress is DIR/.NAME.part */
#define CAPS (PROTO_CAP_PUT | PROTO_CAP_GET | PROTO_CAP_LIST | PROTO_CAP_RUN | \
	      PROTO_CAP_STAT | PROTO_CAP_RESUME)

enum op { OP_NONE, OP_PUT, OP_SEND, OP_RUN };

struct slot {
	uint16_t len;
	uint8_t buf[PROTO_FRAME_MAX];
};

static struct {
	/* The interrupt handler's side. */
	struct proto_rx rx;
	struct slot q[PROTO_QUEUE];
	volatile unsigned qhead, qtail;
	volatile unsigned bad;		/* damaged frames the thread has not seen */
	volatile bool session;		/* text from the line is dropped, not typed */
	struct waitq wq;		/* the thread sleeps here */
	struct waitq out_wq;		/* writers of program output wait here for room */
	bool started;

	/* The thread's side. */
	uint32_t uid;
	uint16_t payload;		/* negotiated largest payload */
	uint32_t window;		/* bytes the host accepts in flight */
	uint64_t last_rx_ms;
	bool have_req;
	uint32_t req_seq;		/* the last request answered, and its answer */
	size_t reply_len;
	uint8_t reply[PROTO_WIRE_MAX];
	uint8_t tx[PROTO_WIRE_MAX];
	uint8_t data[PROTO_PAYLOAD_MAX];
	enum op op;

	struct {			/* OP_PUT, and the result of the last one */
		char path[PROTO_PATH_MAX + 1];
		char part[PROTO_PATH_MAX + 16];
		struct vnode *node;
		uint64_t size, have;
		uint32_t crc, want_crc, mode;
		struct proto_receiver rcv;
		bool done;		/* finished: DONE is sent again for late data */
		int result;
	} put;

	struct {			/* OP_SEND and OP_RUN: the stream to the host */
		struct proto_sender snd;	/* snd.end: the bytes available so far */
		uint64_t progress_ms;		/* when the host last acknowledged bytes */
		struct vnode *node;		/* GET */
		char *text;			/* LIST, STAT */
	} tx_s;

	struct {			/* OP_RUN */
		int pid;
		bool exited;
		int status;
		uint64_t exit_ms;
		int exit_tries;
		uint8_t out[PROTO_OUT_SIZE];
	} run;
} P;

/* --- The interrupt handler's side. */

static void proto_irq_byte(uint8_t c)
{
	struct slot *s;

	switch (proto_rx_byte(&P.rx, c)) {
	case PROTO_RX_TEXT:
		if (!P.session)
			tty_input(c);
		break;
	case PROTO_RX_SOH_TEXT:
		if (!P.session) {
			tty_input(PROTO_SOH);
			tty_input(c);
		}
		break;
	case PROTO_RX_FRAME:
		if (P.qhead - P.qtail >= PROTO_QUEUE)
			break;		/* the sender will send it again */
		s = &P.q[P.qhead % PROTO_QUEUE];
		memcpy(s->buf, P.rx.frame, P.rx.frame_len);
		s->len = (uint16_t)P.rx.frame_len;
		P.qhead++;
		waitq_wake_all(&P.wq);
		break;
	case PROTO_RX_BAD:
		P.bad++;
		waitq_wake_all(&P.wq);
		break;
	case PROTO_RX_NONE:
		break;
	}
}

/* --- Sending. */

/* DATA frames go back to back without the lead byte: the last one's end closes the way (doc/protocol.md). */
static void send(uint8_t type, uint32_t seq, const void *payload, size_t len)
{
	size_t n = proto_frame_encode(type, seq, payload, len, type != PT_DATA, P.tx);

	console_raw_write(P.tx, n);
}

/* Sends the answer to request seq and keeps it, for a request that comes again. */
static void answer(uint8_t type, uint32_t seq, const void *payload, size_t len)
{
	P.reply_len = proto_frame_encode(type, seq, payload, len, 1, P.reply);
	P.req_seq = seq;
	P.have_req = true;
	console_raw_write(P.reply, P.reply_len);
}

static void answer_ok(uint32_t seq, uint64_t value)
{
	answer(PT_OK, seq, P.data, proto_ok_encode(value, P.data));
}

static void answer_error(uint32_t seq, int err, const char *msg)
{
	answer(PT_ERROR, seq, P.data, proto_error_encode(err, msg, P.data));
}

/* DONE or EXIT: the end of a stream at offset end, with a status. */
static void send_status(uint8_t type, uint64_t end, int32_t status)
{
	uint8_t b[PROTO_STATUS_SIZE];

	send(type, (uint32_t)end, b, proto_status_encode(status, b));
}

static const char *error_text(int err)
{
	switch (err) {
	case -ENOENT:	return "no such file or directory";
	case -EACCES:	return "permission denied";
	case -ENOSPC:	return "out of space";
	case -ENOMEM:	return "out of memory";
	case -EFBIG:	return "file too large";
	case -EISDIR:	return "is a directory";
	case -ENOTDIR:	return "not a directory";
	case -EINVAL:	return "invalid argument";
	case -EBUSY:	return "a transfer is in progress";
	case -ENOEXEC:	return "not an executable";
	case -EAGAIN:	return "too many processes";
	case -E2BIG:	return "argument list too long";
	case -EIO:	return "checksum mismatch";
	default:	return "failed";
	}
}

/* --- Paths and permissions, for the session's user. */

/*
 * The directory of path must exist and be writable and searchable by the session's user;
 * its stat goes to *st.
 */
static int dir_check(const char *path, struct keel_stat *st)
{
	char dir[KEEL_PATH_MAX + 1], name[KEEL_NAME_MAX + 1];
	int err;

	if ((err = path_split(path, dir, name)) != 0 || (err = vfs_stat(dir, true, P.uid, st)) != 0)
		return err;
	if (!KEEL_S_ISDIR(st->mode))
		return -ENOTDIR;
	return perm_check(st, P.uid, MAY_WRITE | MAY_EXEC);
}

/* --- HELLO: who the session is for. */

/* Reads the file at path (as the kernel) into text, PASSWD_FILE_MAX + 1 bytes, NUL-ended. */
static void read_etc(const char *path, char *text)
{
	struct vnode *n;
	long len = 0;

	if (vfs_lookup(path, true, 0, &n) == 0) {
		if (KEEL_S_ISREG(vnode_mode(n)))
			len = vnode_read_kernel(n, 0, text, PASSWD_FILE_MAX);
		vnode_put(n);
	}
	text[len > 0 ? len : 0] = '\0';
}

/* The user's uid from /etc/passwd, checked against the hash in /etc/shadow, as login does. */
static int auth(const char *user, const char *pass, uint32_t *uid)
{
	static char text[PASSWD_FILE_MAX + 1], shadow[PASSWD_FILE_MAX + 1];
	const char *hash = PWHASH_NO_USER;
	struct passwd_entry e;
	bool found, ok;

	read_etc(PASSWD_PATH, text);
	read_etc(SHADOW_PATH, shadow);
	found = passwd_find_name(text, user, &e) == 0 && shadow_find(shadow, user, &hash) == 0;
	/* An unknown user costs the same hash as a known one (as login does). */
	ok = pwhash_check(found ? hash : PWHASH_NO_USER, pass) && found;
	memset(shadow, 0, sizeof(shadow));
	if (!ok)
		return -EACCES;
	*uid = e.uid;
	return 0;
}

static void session_end(void);
static void op_abort(void);

static void do_hello(const struct proto_msg *m)
{
	char user[PASSWD_NAME_MAX + 1], pass[PWHASH_PASSWORD_MAX + 1];
	struct proto_hello h;
	struct proto_welcome w;
	uint8_t b[PROTO_WELCOME_SIZE];
	uint32_t uid;

	if (proto_hello_decode(m->payload, m->len, &h) != 0 ||
	    strlen(h.user) > PASSWD_NAME_MAX || strlen(h.pass) > PWHASH_PASSWORD_MAX) {
		answer_error(m->seq, -EINVAL, "malformed HELLO");
		return;
	}
	memcpy(user, h.user, strlen(h.user) + 1);
	memcpy(pass, h.pass, strlen(h.pass) + 1);
	if (P.session)
		session_end();
	if (auth(user, pass, &uid) != 0) {
		memset(pass, 0, sizeof(pass));
		sched_sleep_ms(AUTH_FAIL_DELAY_MS);
		answer_error(m->seq, -EACCES, "authentication refused");
		return;
	}
	memset(pass, 0, sizeof(pass));
	P.uid = uid;
	P.last_rx_ms = uptime_ms();
	proc_current()->uid = uid;
	P.payload = (uint16_t)MAX(PROTO_CHUNK_MIN, MIN(h.payload, PROTO_PAYLOAD_MAX));
	P.window = MIN(MAX(h.window, (uint32_t)P.payload), (uint32_t)PROTO_WINDOW_MAX);
	console_hold(true);
	P.session = true;
	w = (struct proto_welcome){ .payload = P.payload, .window = PROTO_WINDOW, .caps = CAPS,
				    .uid = uid };
	answer(PT_WELCOME, m->seq, b, proto_welcome_encode(&w, b));
}

/* --- PUT: a file into the ramfs, under a temporary name until it is whole. */

static void put_finish(int result)
{
	if (result == 0 && P.put.crc != P.put.want_crc)
		result = -EIO;
	if (result == 0) {
		P.put.node->ops->chmod(P.put.node, P.put.mode & KEEL_S_PERM);
		/* The session's permissions were checked when the upload started. */
		result = vfs_rename(P.put.part, P.put.path, 0);
	}
	if (result != 0)
		vfs_unlink(P.put.part, 0);
	vnode_put(P.put.node);
	P.put.node = NULL;
	P.put.done = true;
	P.put.result = result;
	P.op = OP_NONE;
	send_status(PT_DONE, P.put.size, result);
}

/* Starts an upload; a matching part file from an interrupted one is resumed. */
static int put_start(uint32_t mode, uint64_t size, uint32_t crc, const char *path)
{
	struct mem_info mi;
	struct keel_stat st, dst;
	struct vnode *n = NULL;
	char dir[KEEL_PATH_MAX + 1], name[KEEL_NAME_MAX + 1];
	int err;

	if ((err = dir_check(path, &dst)) != 0 || (err = path_split(path, dir, name)) != 0)
		return err;
	if (vfs_stat(path, true, P.uid, &st) == 0) {
		if (KEEL_S_ISDIR(st.mode))
			return -EISDIR;
		/* The upload replaces the file by a rename: the sticky rule holds for it too. */
		if ((err = perm_check(&st, P.uid, MAY_WRITE)) != 0 ||
		    (err = perm_sticky(&dst, &st, P.uid)) != 0)
			return err;
	}
	mem_info_get(&mi);
	if (size > RAMFS_FILE_MAX)
		return -EFBIG;
	if (size + size / 8 + (1 << 20) > mi.free)
		return -ENOSPC;
	ksnprintf(P.put.part, sizeof(P.put.part), "%s%s.%s%s", dir, dir[1] ? "/" : "", name,
		  PART_SUFFIX);
	if (vfs_lookup(P.put.part, false, P.uid, &n) == 0) {
		n->ops->stat(n, &st);
		if (KEEL_S_ISREG(st.mode) && st.uid == P.uid && strcmp(P.put.path, path) == 0 &&
		    P.put.size == size && P.put.want_crc == crc && P.put.have <= st.size) {
			n->ops->truncate(n, P.put.have);	/* resume: keep what was checksummed */
		} else {
			vnode_put(n);
			n = NULL;
		}
	}
	if (!n) {
		vfs_unlink(P.put.part, 0);
		if ((err = vfs_create(P.put.part, KEEL_S_IFREG | 0600, P.uid, &n)) != 0)
			return err;
		P.put.have = 0;
		P.put.crc = 0;
	}
	memcpy(P.put.path, path, strlen(path) + 1);
	P.put.node = n;
	P.put.size = size;
	P.put.want_crc = crc;
	P.put.mode = mode;
	P.put.done = false;
	proto_receiver_init(&P.put.rcv, P.put.have, size);
	P.op = OP_PUT;
	return 0;
}

/* ACK or NAK: which frame it answers, and for a NAK the gaps before what is held. */
static void put_answer(uint8_t type)
{
	uint8_t b[PROTO_ANSWER_MAX];

	send(type, (uint32_t)P.put.have, b, proto_receiver_answer(&P.put.rcv, type, b));
}

static void put_data(const struct proto_msg *m)
{
	const uint8_t *p;
	uint8_t reply;
	size_t n;
	long r;

	if (P.op != OP_PUT) {
		if (P.put.done && m->seq + m->len <= P.put.size) {
			send(PT_ACK, (uint32_t)P.put.size, NULL, 0);
			send_status(PT_DONE, P.put.size, P.put.result);
		}
		return;
	}
	/* The receiver keeps bytes beyond a gap; what is in order goes into the file. */
	reply = proto_receiver_data(&P.put.rcv, m->seq, m->payload, m->len);
	while ((n = proto_receiver_peek(&P.put.rcv, &p)) > 0) {
		struct iobuf b = { (void *)p, false };
		r = P.put.node->ops->write(P.put.node, P.put.have, &b, n);
		if (r != (long)n) {
			put_finish(r < 0 ? (int)r : -ENOSPC);
			return;
		}
		P.put.crc = proto_crc32(P.put.crc, p, n);
		P.put.have += n;
		proto_receiver_take(&P.put.rcv, n);
	}
	put_answer(reply);
	if (P.put.have == P.put.size)
		put_finish(0);
}

/* --- Streams to the host: GET, LIST, STAT and a program's output. */

static void stream_start(uint64_t end)
{
	proto_sender_init(&P.tx_s.snd, 0, end, P.payload, P.window, uptime_ms());
	P.tx_s.progress_ms = uptime_ms();
}

/* Copies stream bytes at off into buf. */
static void stream_read(uint64_t off, uint8_t *buf, size_t len)
{
	if (P.op == OP_RUN) {
		for (size_t i = 0; i < len; i++)
			buf[i] = P.run.out[(off + i) % PROTO_OUT_SIZE];
	} else if (P.tx_s.node) {
		vnode_read_kernel(P.tx_s.node, off, buf, len);
	} else {
		memcpy(buf, P.tx_s.text + off, len);
	}
}

static void stream_free(void)
{
	vnode_put(P.tx_s.node);
	kfree(P.tx_s.text);
	P.tx_s.node = NULL;
	P.tx_s.text = NULL;
}

/*
 * Sends what the sender allows, PROTO_PUMP_MAX bytes at a time: writing to the UART waits
 * for the line, and the host's answers must be taken meanwhile (a full queue drops them,
 * and the sender would take their frames for lost). Returns whether more may go now.
 * Gives the transfer up when the host stays silent.
 */
static bool stream_pump(void)
{
	uint64_t now = uptime_ms(), off;
	size_t n, sent = 0;

	proto_sender_timer(&P.tx_s.snd, now);
	if (P.tx_s.snd.retries > PROTO_RETRIES && now - P.tx_s.progress_ms > PROTO_STALL_MS) {
		op_abort();
		return false;
	}
	while (sent < PROTO_PUMP_MAX && (n = proto_sender_next(&P.tx_s.snd, now, &off)) > 0) {
		stream_read(off, P.data, n);
		send(PT_DATA, (uint32_t)off, P.data, n);
		sent += n;
	}
	return sent >= PROTO_PUMP_MAX;
}

static void stream_ack(const struct proto_msg *m)
{
	uint64_t now = uptime_ms();

	if (proto_sender_ack(&P.tx_s.snd, m->type, m->seq, m->payload, m->len, now)) {
		P.tx_s.progress_ms = now;
		if (P.op == OP_RUN)
			waitq_wake_all(&P.out_wq);
	}
	if (P.op == OP_SEND && P.tx_s.snd.base == P.tx_s.snd.end) {
		stream_free();
		P.op = OP_NONE;
	}
}

/* Answers OK with size, mode and checksum, then streams the bytes. */
static void stream_answer(uint32_t seq, uint64_t size, uint32_t mode, uint32_t crc)
{
	struct proto_stream_info si = { .size = size, .mode = mode, .crc = crc };
	uint8_t b[PROTO_OK_STREAM_SIZE];

	answer(PT_OK, seq, b, proto_stream_info_encode(&si, b));
	stream_start(size);
	P.op = size ? OP_SEND : OP_NONE;
	if (!size)
		stream_free();
}

static int do_get(uint32_t seq, const char *path)
{
	struct keel_stat st;
	struct vnode *n;
	uint32_t crc = 0;
	int err;

	if ((err = vfs_lookup(path, true, P.uid, &n)) != 0)
		return err;
	n->ops->stat(n, &st);
	err = KEEL_S_ISDIR(st.mode) ? -EISDIR : !KEEL_S_ISREG(st.mode) ? -EINVAL :
	      perm_check(&st, P.uid, MAY_READ);
	if (err) {
		vnode_put(n);
		return err;
	}
	for (uint64_t off = 0; off < st.size; off += sizeof(P.data)) {
		long r = vnode_read_kernel(n, off, P.data, sizeof(P.data));

		crc = proto_crc32(crc, P.data, r > 0 ? (size_t)r : 0);
	}
	P.tx_s.node = n;
	stream_answer(seq, st.size, st.mode, crc);
	return 0;
}

/* Appends to the text of a LIST or STAT answer. */
static void __printf(3, 4) text_add(char *buf, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf + *len, PROTO_LIST_MAX - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len = MIN(*len + (size_t)n, (size_t)PROTO_LIST_MAX - 1);
}

static int text_answer(uint32_t seq, char *text, size_t len)
{
	P.tx_s.text = text;
	stream_answer(seq, len, 0, proto_crc32(0, text, len));
	return 0;
}

/* LIST: one line per entry, "MODE SIZE NAME", the mode in octal. */
static int do_list(uint32_t seq, const char *path)
{
	struct keel_stat st;
	struct keel_dirent d;
	struct vnode *dir;
	char child[PROTO_PATH_MAX + KEEL_NAME_MAX + 2], *text;
	size_t len = 0;
	int err;

	if ((err = vfs_lookup(path, true, P.uid, &dir)) != 0)
		return err;
	dir->ops->stat(dir, &st);
	err = !KEEL_S_ISDIR(st.mode) ? -ENOTDIR : perm_check(&st, P.uid, MAY_READ);
	if (!err && !(text = kmalloc(PROTO_LIST_MAX)))
		err = -ENOMEM;
	if (err) {
		vnode_put(dir);
		return err;
	}
	for (uint64_t i = 0; dir->ops->readdir(dir, i, &d) == 1; i++) {
		ksnprintf(child, sizeof(child), "%s/%s", path[1] ? path : "", d.name);
		if (vfs_stat(child, false, P.uid, &st) != 0)
			continue;
		text_add(text, &len, "%o %lu %s\n", st.mode, st.size, d.name);
	}
	vnode_put(dir);
	return text_answer(seq, text, len);
}

/* STAT: "NAME VALUE" lines, then one line per process. */
static int do_stat(uint32_t seq)
{
	struct keel_procinfo pi;
	struct mem_info mi;
	char *text;
	size_t len = 0;
	int nproc = 0;

	if (!(text = kmalloc(PROTO_LIST_MAX)))
		return -ENOMEM;
	while (proc_info(nproc, &pi) == 1)
		nproc++;
	mem_info_get(&mi);
	text_add(text, &len, "uptime_ms %lu\nmem_total %lu\nmem_free %lu\nheap_in_use %lu\n"
		 "processes %d\n", uptime_ms(), mi.total, mi.free, mi.heap_in_use, nproc);
	for (int i = 0; proc_info(i, &pi) == 1; i++)
		text_add(text, &len, "proc %d %d %u %u %s\n", pi.pid, pi.ppid, pi.uid, pi.state,
			 pi.name);
	return text_answer(seq, text, len);
}

/* --- RUN: a program with its output streamed back. */

static const struct file_ops proto_fops;

static int do_run(uint32_t seq, const struct proto_msg *m)
{
	const char *argv[ARGV_MAX + 1];
	char path[PROTO_PATH_MAX + 8];
	struct proc *self = proc_current();
	struct file *out, *in;
	int argc = proto_args_decode(m->payload, m->len, argv, ARGV_MAX), pid;

	if (argc <= 0)
		return argc < 0 ? -E2BIG : -EINVAL;
	/* As the shell does: a name without a slash is a program of /bin. */
	if (strchr(argv[0], '/'))
		ksnprintf(path, sizeof(path), "%s", argv[0]);
	else
		ksnprintf(path, sizeof(path), "/bin/%s", argv[0]);
	if (proto_path_check(path, strlen(path)) != 0)
		return -EINVAL;
	if (!(out = file_new(&proto_fops, O_WRONLY, NULL, NULL)))
		return -ENFILE;
	if (!(in = file_new(&null_fops, O_RDONLY, NULL, NULL))) {
		file_put(out);
		return -ENFILE;
	}
	self->fds[0] = in;
	self->fds[1] = out;
	self->fds[2] = file_dup(out);
	stream_start(0);
	P.op = OP_RUN;		/* before the child runs: its first write needs it */
	P.run.exited = false;
	P.run.exit_tries = 0;
	pid = proc_spawn(path, argc, argv, NULL);
	for (int fd = 0; fd < 3; fd++) {
		file_put(self->fds[fd]);
		self->fds[fd] = NULL;
	}
	if (pid < 0) {
		P.op = OP_NONE;
		return pid;
	}
	P.run.pid = pid;
	answer_ok(seq, (uint64_t)pid);
	return 0;
}

/* Sends EXIT once the program has ended and all its output is acknowledged. */
static void run_poll(void)
{
	uint64_t now = uptime_ms();
	int st;

	if (!P.run.exited && proc_wait(P.run.pid, &st, WNOHANG) == P.run.pid) {
		P.run.exited = true;
		P.run.status = st;
		P.run.exit_ms = 0;
	}
	if (!P.run.exited || P.tx_s.snd.base != P.tx_s.snd.end ||
	    now - P.run.exit_ms < PROTO_RETRY_MS)
		return;
	if (++P.run.exit_tries > PROTO_RETRIES) {
		P.op = OP_NONE;
		return;
	}
	send_status(PT_EXIT, P.tx_s.snd.end, P.run.status);
	P.run.exit_ms = now;
}

/* Waits for room in the output buffer of a program being run. Returns the room, -EPIPE, -EINTR. */
static long proto_output_wait(void)
{
	uint64_t flags = arch_irq_save();
	long r;

	while (P.op == OP_RUN && P.tx_s.snd.end - P.tx_s.snd.base >= PROTO_OUT_SIZE)
		if (waitq_wait(&P.out_wq) != 0) {
			arch_irq_restore(flags);
			return -EINTR;
		}
	r = P.op == OP_RUN && !P.run.exited ?
	    (long)(PROTO_OUT_SIZE - (P.tx_s.snd.end - P.tx_s.snd.base)) : -EPIPE;
	arch_irq_restore(flags);
	return r;
}

/* Appends to the output of the program being run. Returns the count taken, or -EPIPE. */
static long proto_output(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t flags = arch_irq_save();
	size_t room, n;

	if (P.op != OP_RUN || P.run.exited) {
		arch_irq_restore(flags);
		return -EPIPE;
	}
	room = PROTO_OUT_SIZE - (size_t)(P.tx_s.snd.end - P.tx_s.snd.base);
	n = MIN(len, room);
	for (size_t i = 0; i < n; i++)
		P.run.out[(P.tx_s.snd.end + i) % PROTO_OUT_SIZE] = p[i];
	P.tx_s.snd.end += n;
	waitq_wake_all(&P.wq);
	arch_irq_restore(flags);
	return (long)n;
}

/* A program's standard output and error: what it writes becomes the session's stream. */
static long proto_file_write(struct file *f, const struct iobuf *buf, size_t len)
{
	uint8_t chunk[512];
	size_t done = 0;
	long r;

	(void)f;
	while (done < len) {
		/* Wait for room first: no data may wait in a buffer while the writer sleeps. */
		if ((r = proto_output_wait()) <= 0)
			return done ? (long)done : r;
		size_t n = MIN(MIN(len - done, sizeof(chunk)), (size_t)r);
		if (iobuf_get(buf, done, chunk, n) != 0)
			return done ? (long)done : -EFAULT;
		if ((r = proto_output(chunk, n)) <= 0)
			return done ? (long)done : r;
		done += (size_t)r;
		if ((size_t)r < n)
			break;
	}
	return (long)done;
}

/* Reads of the output see end of file. */
static long proto_file_read(struct file *f, const struct iobuf *buf, size_t len)
{
	(void)f, (void)buf, (void)len;
	return 0;
}

static const struct file_ops proto_fops = {
	.read = proto_file_read,
	.write = proto_file_write,
	.stat = file_stat_chardev,
};

/* --- Requests, and the end of things. */

/* Ends the operation in progress; a partial upload stays for a resume. */
static void op_abort(void)
{
	switch (P.op) {
	case OP_PUT:
		vnode_put(P.put.node);
		P.put.node = NULL;
		break;
	case OP_SEND:
		stream_free();
		break;
	case OP_RUN:
		if (!P.run.exited)
			proc_kill(P.run.pid, SIGKILL);
		break;
	case OP_NONE:
		break;
	}
	P.op = OP_NONE;
	waitq_wake_all(&P.out_wq);
}

static void session_end(void)
{
	op_abort();
	if (P.put.path[0] && !P.put.done)
		vfs_unlink(P.put.part, 0);	/* a truncated transfer leaves nothing behind */
	P.put.path[0] = '\0';
	P.put.have = 0;
	P.session = false;
	P.have_req = false;
	proc_current()->uid = 0;
	console_hold(false);
}

/* Handles PUT, GET, LIST, RUN, STAT. Returns 0 when answered, or the error to answer. */
static int do_request(const struct proto_msg *m)
{
	char path[PROTO_PATH_MAX + 1];
	struct proto_put put;
	int err;

	/* A new request means the host has all of a stream, or gave up an upload. */
	if (P.op == OP_SEND ||
	    (P.op == OP_RUN && P.run.exited && P.tx_s.snd.base == P.tx_s.snd.end))
		stream_free();
	else if (P.op == OP_PUT)
		op_abort();
	else if (P.op == OP_RUN)
		return -EBUSY;
	P.op = OP_NONE;
	switch (m->type) {
	case PT_PUT:
		if (proto_put_decode(m->payload, m->len, &put) != 0 ||
		    proto_path_check(put.path, put.path_len) != 0)
			return -EINVAL;
		memcpy(path, put.path, put.path_len);
		path[put.path_len] = '\0';
		if ((err = put_start(put.mode, put.size, put.crc, path)) != 0)
			return err;
		answer_ok(m->seq, P.put.have);
		if (P.put.have == P.put.size)
			put_finish(0);
		return 0;
	case PT_GET:
	case PT_LIST:
		if (proto_path_check((const char *)m->payload, m->len) != 0)
			return -EINVAL;
		memcpy(path, m->payload, m->len);
		path[m->len] = '\0';
		return m->type == PT_GET ? do_get(m->seq, path) : do_list(m->seq, path);
	case PT_STAT:
		return do_stat(m->seq);
	case PT_RUN:
		return do_run(m->seq, m);
	}
	return -EINVAL;
}

static void dispatch(const struct proto_msg *m)
{
	bool request = m->type == PT_HELLO || m->type == PT_BYE || (m->type >= PT_PUT &&
			m->type <= PT_STAT);
	int err;

	if (m->version != PROTO_VERSION) {
		if (request)
			answer_error(m->seq, -PROTO_EVERSION,
				     "version mismatch: this kernel speaks version 1");
		return;
	}
	if (request && P.have_req && m->seq == P.req_seq) {
		console_raw_write(P.reply, P.reply_len);	/* our answer was lost */
		return;
	}
	if (m->type == PT_HELLO) {
		do_hello(m);
		return;
	}
	if (!P.session) {
		if (request)
			answer_error(m->seq, -EACCES, "no session: HELLO first");
		return;
	}
	P.last_rx_ms = uptime_ms();
	switch (m->type) {
	case PT_BYE:
		answer_ok(m->seq, 0);
		session_end();
		return;
	case PT_ABORT:
		op_abort();
		return;
	case PT_DATA:
		put_data(m);
		return;
	case PT_ACK:
	case PT_NAK:
		if (P.op == OP_SEND || P.op == OP_RUN)
			stream_ack(m);
		return;
	case PT_OK:	/* the host has the EXIT of a RUN */
		if (P.op == OP_RUN && P.run.exited)
			P.op = OP_NONE;
		return;
	}
	if (!request)
		return;
	if ((err = do_request(m)) != 0)
		answer_error(m->seq, err, error_text(err));
}

/* --- The thread. */

static void proto_thread(void)
{
	bool more = false;

	for (;;) {
		uint64_t flags = arch_irq_save();
		unsigned bad;

		if (P.qhead == P.qtail && !P.bad && !more) {
			if (P.session)	/* woken by a frame, or by the tick for timeouts */
				waitq_wait_timeout(&P.wq, PROTO_TICK_MS);
			else
				waitq_wait(&P.wq);
		}
		bad = P.bad;
		P.bad = 0;
		arch_irq_restore(flags);
		while (P.qhead != P.qtail) {
			struct slot *s = &P.q[P.qtail % PROTO_QUEUE];
			struct proto_msg m;

			if (proto_frame_parse(s->buf, s->len, &m) == 0)
				dispatch(&m);
			P.qtail++;
		}
		if (bad && P.op == OP_PUT)	/* a damaged frame: say what is missing */
			put_answer(proto_receiver_damaged(&P.put.rcv));
		if (P.op != OP_RUN)
			while (proc_wait(-1, NULL, WNOHANG) > 0)
				;	/* a program whose RUN was aborted */
		more = false;
		if (!P.session)
			continue;
		if (P.op == OP_SEND || P.op == OP_RUN)
			more = stream_pump();
		if (P.op == OP_RUN)
			run_poll();
		if (P.op != OP_RUN && uptime_ms() - P.last_rx_ms > PROTO_IDLE_MS)
			session_end();
	}
}

int proto_init(void)
{
	int pid;

	proto_rx_init(&P.rx);
	pid = proc_start_kthread("kproto", proto_thread);
	if (pid < 0)
		return pid;
	P.started = true;
	serial_set_rx_handler(proto_irq_byte);
	return 0;
}
