/*
 * proto.c: serialterm's end of the serial protocol (doc/protocol.md): --auth, --put,
 * --get, --ls, --run, --stat, and the upload of interactive mode.
 *
 * While a session is active, loop.c passes every received byte through proto_filter(),
 * which takes the frames out (into a queue that the operations here read) and leaves the
 * text. The framing itself is the kernel's own code, kernel/lib/proto.c.
 *
 * A stream (a file going up or down, a listing, a program's output) is sent and received
 * by the same code as in the kernel (proto_sender, proto_receiver in kernel/lib/proto.c),
 * and every payload is encoded and decoded there: this file says where the bytes come
 * from and go to, and when to give up.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <keel/fs.h>
#include <keel/errno.h>
#include <keel/proto.h>
#include "serialterm.h"

#define PR_QUEUE	256	/* frames received and not yet looked at */
#define PR_WINDOW	16384	/* bytes we accept in flight, and send at most */
#define PR_RETRY_MS	1000	/* requests are sent again after this, and ACKs when idle */
#define PR_AGAIN_MS	100	/* ... or after this when a stream's data come instead */
#define PR_HELLO_MS	3000	/* HELLO is sent again after this (a refusal takes 1 s) */
#define PR_PROGRESS_MS	200	/* the progress bar is redrawn this often */

struct frame {
	uint8_t version, type;
	uint16_t len;
	uint32_t seq;
	uint8_t p[PROTO_PAYLOAD_MAX];
};

static struct {
	struct proto_rx rx;
	int on;				/* a session is active */
	char user[64], pass[160];	/* from the last --auth, to open a session again */
	int have_creds;
	uint32_t seq;			/* the next request's number */
	uint16_t payload;
	uint32_t window;
	struct frame q[PR_QUEUE];
	unsigned qh, qt;
	unsigned bad;			/* damaged frames since the last look */
	int progress;			/* draw a progress bar */
	const char *where;		/* the option, for messages */
} C;

/* Takes frames out of received bytes, in place; returns the length of the text left. */
static size_t proto_filter(uint8_t *buf, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		struct proto_msg m;
		struct frame *f;

		switch (proto_rx_byte(&C.rx, buf[i])) {
		case PROTO_RX_TEXT:
			if (buf[i] || !C.on)	/* a zero in a session only ends frames */
				buf[o++] = buf[i];
			break;
		case PROTO_RX_SOH_TEXT:
			if (o < i)	/* else the SOH came in the last read: drop it */
				buf[o++] = PROTO_SOH;
			buf[o++] = buf[i];
			break;
		case PROTO_RX_FRAME:
			if (C.qh - C.qt >= PR_QUEUE)
				break;
			proto_rx_frame(&C.rx, &m);
			f = &C.q[C.qh++ % PR_QUEUE];
			f->version = m.version;
			f->type = m.type;
			f->len = m.len;
			f->seq = m.seq;
			memcpy(f->p, m.payload, m.len);
			break;
		case PROTO_RX_BAD:
			C.bad++;
			break;
		case PROTO_RX_NONE:
			break;
		}
	}
	return o;
}

static void send_frame(uint8_t type, uint32_t seq, const void *payload, size_t len)
{
	uint8_t wire[PROTO_WIRE_MAX];

	if (getenv("ST_PROTO_DEBUG"))
		fprintf(stderr, "%lld > %02x %u %zu\n", (long long)now_ms() % 100000, type, seq, len);
	/* DATA without the lead byte, as the kernel sends it (doc/protocol.md, "Frames"). */
	loop_send(wire, proto_frame_encode(type, seq, payload, len, C.on && type != PT_DATA, wire));
}

/* Waits for the next frame. Returns 1 with *f, 0 at the deadline, or a negated event. */
static int frame_next(struct frame **f, int64_t deadline)
{
	for (;;) {
		enum event ev;

		if (C.qh != C.qt) {
			*f = &C.q[C.qt++ % PR_QUEUE];
			if (getenv("ST_PROTO_DEBUG"))
				fprintf(stderr, "%lld < %02x %u %u bad %u\n", (long long)now_ms() % 100000, (*f)->type, (*f)->seq,
					(*f)->len, C.bad);
			return 1;
		}
		ev = loop_wait(deadline);
		if (ev == EV_TIMEOUT)
			return 0;
		if (ev == EV_HANGUP || ev == EV_QEMU_EXIT || ev == EV_SIGNAL)
			return -(int)ev;
	}
}

/* Reports a failure of the line or the peer; returns serialterm's status. */
static int line_failed(int ev, const char *what)
{
	return run_failed(expect_fail(ev, C.where, what, run_timeout()));
}

/*
 * Reports what the kernel refused (an ERROR frame, or another answer where none was
 * expected); returns ST_NOPROTO when the kernel speaks another version, else ST_REFUSED.
 */
static int refused(const struct frame *f, const char *what)
{
	struct proto_error e = { .err = -EINVAL, .text = "malformed answer", .text_len = 16 };

	if (f->type == PT_ERROR)
		(void)proto_error_decode(f->p, f->len, &e);
	st_warnx("%s: %s%s%.*s", C.where, what ? what : "", what ? ": " : "", (int)e.text_len,
		 e.text);
	return run_failed(e.err == -PROTO_EVERSION || f->version != PROTO_VERSION
			  ? ST_NOPROTO : ST_REFUSED);
}

/*
 * Sends a request and waits for its answer (OK, ERROR or WELCOME with the same number),
 * sending it again every try_ms, or sooner when a stream's data show that its answer was
 * lost. Returns 1 with *ans, 0 when no answer came in time, or
 * a negated event.
 */
static int request(uint8_t type, const void *payload, size_t len, int64_t try_ms,
		   struct frame **ans)
{
	uint32_t seq = C.seq++;
	int64_t deadline = deadline_after(run_timeout());

	for (;;) {
		int64_t sent = now_ms(), t = sent + try_ms;
		int r;

		send_frame(type, seq, payload, len);
		while ((r = frame_next(ans, t < deadline ? t : deadline)) == 1) {
			if (((*ans)->type == PT_OK || (*ans)->type == PT_ERROR ||
			     (*ans)->type == PT_WELCOME) && (*ans)->seq == seq)
				return 1;
			/* A stream's data and no answer: the answer was lost, ask again now. */
			if ((*ans)->type == PT_DATA && now_ms() - sent >= PR_AGAIN_MS)
				break;
		}
		if (r < 0)
			return r;
		if (now_ms() >= deadline)
			return 0;
	}
}

/* Ends the session, so the console is text again (before --send, --expect, --exec...). */
void proto_pause(void)
{
	struct frame *f;
	uint32_t seq;

	if (!C.on)
		return;
	seq = C.seq++;
	for (int i = 0; i < 3; i++) {
		int64_t t = now_ms() + PR_RETRY_MS;
		int r;

		send_frame(PT_BYE, seq, NULL, 0);
		while ((r = frame_next(&f, t)) == 1 && !(f->type == PT_OK && f->seq == seq))
			;
		if (r != 0)
			break;
	}
	C.on = 0;
	loop_filter(NULL);
}

static int hello(void)
{
	uint8_t b[PROTO_PAYLOAD_MAX];
	struct proto_hello h = {
		.payload = PROTO_PAYLOAD_MAX, .window = PR_WINDOW, .user = C.user, .pass = C.pass,
		.caps = PROTO_CAP_PUT | PROTO_CAP_GET | PROTO_CAP_LIST | PROTO_CAP_RUN |
			PROTO_CAP_STAT | PROTO_CAP_RESUME,
	};
	struct proto_welcome w;
	struct frame *f;
	int r;

	proto_rx_init(&C.rx);
	C.qh = C.qt = 0;
	loop_filter(proto_filter);
	r = request(PT_HELLO, b, proto_hello_encode(&h, b), PR_HELLO_MS, &f);
	if (r <= 0)
		loop_filter(NULL);
	if (r == 0) {
		st_warnx("%s: no answer to HELLO: the peer does not speak the protocol", C.where);
		return run_failed(ST_NOPROTO);
	}
	if (r < 0)
		return line_failed(r, "an answer to HELLO");
	if (f->type != PT_WELCOME || proto_welcome_decode(f->p, f->len, &w) != 0) {
		loop_filter(NULL);
		return refused(f, NULL);
	}
	C.payload = w.payload;
	if (C.payload < PROTO_CHUNK_MIN || C.payload > PROTO_PAYLOAD_MAX)
		C.payload = PROTO_PAYLOAD_MIN;
	C.window = w.window;
	if (C.window > PR_WINDOW || C.window < C.payload)
		C.window = C.window < C.payload ? C.payload : PR_WINDOW;
	C.on = 1;
	return -1;
}

/* --auth USER:PASS: opens a session. */
int proto_auth(const struct action *a)
{
	const char *colon = strchr(a->text, ':');

	C.where = a->where;
	snprintf(C.user, sizeof C.user, "%.*s", (int)(colon - a->text), a->text);
	snprintf(C.pass, sizeof C.pass, "%s", colon + 1);
	C.have_creds = 1;
	if (!C.seq) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		C.seq = (uint32_t)(ts.tv_nsec ^ ts.tv_sec ^ getpid()) | 1;
	}
	proto_pause();
	return hello();
}

/* Makes sure a session is active. Returns -1, or the status to stop with. */
static int session(const struct action *a)
{
	C.where = a->where;
	if (C.on)
		return -1;
	if (!C.have_creds) {
		st_warnx("%s: no session: give --auth USER:PASS first", a->where);
		return run_failed(ST_USAGE);
	}
	return hello();
}

/* --- Progress, for interactive uploads. */

static void progress(uint64_t done, uint64_t total, int64_t start, int final)
{
	static int64_t last;
	double secs = (double)(now_ms() - start) / 1000.0, rate = secs > 0 ? done / secs : 0;
	char bar[31];
	int fill = total ? (int)(30 * done / total) : 30;

	if (!C.progress || (!final && now_ms() - last < PR_PROGRESS_MS))
		return;
	last = now_ms();
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, '.', (size_t)(30 - fill));
	bar[30] = '\0';
	fprintf(stderr, "\r[%s] %llu/%llu bytes  %.1f KiB/s  ETA %s", bar,
		(unsigned long long)done, (unsigned long long)total, rate / 1024,
		rate > 0 ? "" : "?");
	if (rate > 0) {
		long eta = (long)((double)(total - done) / rate + 0.5);

		fprintf(stderr, "%ld:%02ld", eta / 60, eta % 60);
	}
	fprintf(stderr, final ? "\r\n" : "  ");
}

/* --- Sending a stream: the data of a PUT. */

static int send_stream(const uint8_t *data, uint64_t size, uint64_t off, int32_t *result)
{
	static struct proto_sender s;
	int64_t start = now_ms(), moved = now_ms();
	int retries = 0;

	proto_sender_init(&s, off, size, C.payload, C.window, (uint64_t)now_ms());
	for (;;) {
		struct frame *f;
		uint64_t at, wake;
		size_t n;
		int r;

		while ((n = proto_sender_next(&s, (uint64_t)now_ms(), &at)) > 0)
			send_frame(PT_DATA, (uint32_t)at, data + at, n);
		progress(s.base, size, start, 0);
		wake = proto_sender_deadline(&s);
		if (wake > (uint64_t)now_ms() + PR_RETRY_MS)
			wake = (uint64_t)now_ms() + PR_RETRY_MS;
		r = frame_next(&f, (int64_t)wake);
		if (r < 0)
			return line_failed(r, "the transfer");
		if (r == 0) {
			if (now_ms() - moved > (int64_t)(run_timeout() * 1000) + PR_RETRY_MS &&
			    ++retries > 3) {
				st_warnx("%s: the transfer timed out at byte %llu", C.where,
					 (unsigned long long)s.base);
				send_frame(PT_ABORT, 0, NULL, 0);
				return run_failed(ST_TIMEOUT);
			}
			if (size == 0)
				return -2;	/* the caller asks again */
			if (s.base == size) {	/* all acknowledged, DONE lost */
				n = size < s.chunk ? (size_t)size : s.chunk;
				send_frame(PT_DATA, (uint32_t)(size - n), data + size - n, n);
			}
			proto_sender_timer(&s, (uint64_t)now_ms());
			continue;
		}
		switch (f->type) {
		case PT_ACK:
		case PT_NAK:
			if (proto_sender_ack(&s, f->type, f->seq, f->p, f->len, (uint64_t)now_ms())) {
				moved = now_ms();
				retries = 0;
			}
			break;
		case PT_DONE:
			progress(size, size, start, 1);
			if (proto_status_decode(f->p, f->len, result) != 0)
				*result = -EIO;
			return -1;
		case PT_ERROR:
			return refused(f, NULL);
		}
	}
}

/* Splits "A=B" into a and b (b NULL without "="). */
static void split_spec(const char *spec, char *a, size_t na, const char **b)
{
	const char *eq = strchr(spec, '=');

	snprintf(a, na, "%.*s", eq ? (int)(eq - spec) : (int)strlen(spec), spec);
	*b = eq ? eq + 1 : NULL;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Maps the file at path (read-only); an empty file maps to a static empty buffer. */
static uint8_t *slurp(const char *path, uint64_t *size, mode_t *mode)
{
	static uint8_t empty[1];
	int fd = open(path, O_RDONLY);
	struct stat st;
	void *p = empty;

	if (fd == -1 || fstat(fd, &st) == -1) {
		if (fd != -1)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	if (st.st_size > 0)
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	*size = (uint64_t)st.st_size;
	*mode = st.st_mode & 07777;
	return p;
}

static void unslurp(uint8_t *p, uint64_t size)
{
	if (size > 0)
		munmap(p, (size_t)size);
}

/* --put FILE[=DEST]: DEST defaults to /tmp/NAME; a DEST ending in / gets NAME added. */
int proto_put(const struct action *a)
{
	char file[4096], dest[4200];
	uint8_t req[PROTO_PAYLOAD_MAX];
	struct proto_put put;
	const char *d;
	uint64_t size;
	mode_t mode;
	uint8_t *data;
	struct frame *f;
	int32_t result = 0;
	int r;

	if ((r = session(a)) >= 0)
		return r;
	split_spec(a->text, file, sizeof file, &d);
	if (!d)
		snprintf(dest, sizeof dest, "/tmp/%s", base_name(file));
	else if (*d && d[strlen(d) - 1] == '/')
		snprintf(dest, sizeof dest, "%s%s", d, base_name(file));
	else
		snprintf(dest, sizeof dest, "%s", d);
	if (strlen(dest) > PROTO_PATH_MAX) {
		st_warnx("%s: %s: path too long", a->where, dest);
		return run_failed(ST_REFUSED);
	}
	if (!(data = slurp(file, &size, &mode))) {
		st_warn("%s: %s", a->where, file);
		return run_failed(ST_FAIL);
	}
	put = (struct proto_put){ .mode = mode, .size = size, .crc = proto_crc32(0, data, size),
				  .path = dest, .path_len = strlen(dest) };
	do {
		uint64_t from;

		r = request(PT_PUT, req, proto_put_encode(&put, req), PR_RETRY_MS, &f);
		if (r <= 0) {
			unslurp(data, size);
			return line_failed(r ? r : -(int)EV_TIMEOUT, "an answer to PUT");
		}
		if (f->type != PT_OK || proto_ok_decode(f->p, f->len, &from) != 0 || from > size) {
			unslurp(data, size);
			return refused(f, dest);
		}
		r = send_stream(data, size, from, &result);
	} while (r == -2);
	unslurp(data, size);
	if (r >= 0)
		return r;
	if (result != 0) {
		st_warnx("%s: %s: %s", a->where, dest, result == -ENOSPC ? "out of space" :
			 result == -EIO ? "checksum mismatch" : "write failed");
		return run_failed(ST_REFUSED);
	}
	return -1;
}

/* --- Receiving a stream: GET, LIST, STAT and RUN's output. */

struct sink {
	uint8_t *buf;		/* collected here, or */
	int fd;			/* written here as it comes (RUN) */
	uint64_t size;		/* known size, or UINT64_MAX until EXIT */
	int status;		/* RUN: the wait status from EXIT */
};

/* Takes the bytes the receiver has in order into the sink. */
static void sink_take(struct sink *s, struct proto_receiver *r)
{
	const uint8_t *p;
	size_t n;

	while ((n = proto_receiver_peek(r, &p)) > 0) {
		if (s->buf)
			memcpy(s->buf + r->have, p, n);
		else
			write_all(s->fd, p, n);
		proto_receiver_take(r, n);
	}
}

/* ACK or NAK: which frame it answers, and for a NAK the gaps before what is held. */
static void answer(struct proto_receiver *r, uint8_t type)
{
	uint8_t b[PROTO_ANSWER_MAX];

	send_frame(type, (uint32_t)r->have, b, proto_receiver_answer(r, type, b));
}

static int receive(struct sink *s)
{
	static struct proto_receiver r;
	int64_t moved = now_ms(), limit = (int64_t)(run_timeout() * 1000);

	proto_receiver_init(&r, 0, s->size);
	while (s->size == UINT64_MAX || r.have < s->size) {
		struct frame *f;
		uint64_t had = r.have;
		uint8_t reply;
		int rc = frame_next(&f, now_ms() + PR_RETRY_MS);

		if (rc < 0)
			return line_failed(rc, "the transfer");
		if (C.bad) {	/* a damaged frame: ask for the first byte missing */
			C.bad = 0;
			answer(&r, proto_receiver_damaged(&r));
		}
		if (rc == 0) {
			if (limit > 0 && now_ms() - moved > limit && s->size != UINT64_MAX) {
				st_warnx("%s: the transfer timed out", C.where);
				send_frame(PT_ABORT, 0, NULL, 0);
				return run_failed(ST_TIMEOUT);
			}
			send_frame(PT_ACK, (uint32_t)r.have, NULL, 0);	/* a lost ACK */
			continue;
		}
		if (f->type == PT_DATA) {
			reply = proto_receiver_data(&r, f->seq, f->p, f->len);
			sink_take(s, &r);
			if (r.have > had)
				moved = now_ms();
			answer(&r, reply);
		} else if (f->type == PT_EXIT && s->size == UINT64_MAX) {
			int32_t status;

			if (f->seq != r.have || proto_status_decode(f->p, f->len, &status) != 0) {
				answer(&r, PT_NAK);
				continue;
			}
			send_frame(PT_OK, f->seq, NULL, 0);
			s->status = status;
			return -1;
		}
	}
	return -1;
}

/* Asks for PATH with GET or LIST and collects the answer. Returns -1 or a status. */
static int fetch(uint8_t type, const char *path, uint8_t **out, uint64_t *size, uint32_t *mode)
{
	struct frame *f;
	struct sink s = { .fd = -1 };
	struct proto_stream_info si;
	int r;

	r = request(type, path, strlen(path), PR_RETRY_MS, &f);
	if (r <= 0)
		return line_failed(r ? r : -(int)EV_TIMEOUT, "an answer");
	if (f->type != PT_OK || proto_stream_info_decode(f->p, f->len, &si) != 0)
		return refused(f, path);
	s.size = si.size;
	*mode = si.mode;
	if (!(s.buf = malloc(s.size + 1)))
		st_err(ST_FAIL, "%s", path);
	if ((r = receive(&s)) >= 0) {
		free(s.buf);
		return r;
	}
	if (proto_crc32(0, s.buf, s.size) != si.crc) {
		free(s.buf);
		st_warnx("%s: %s: checksum mismatch", C.where, path);
		return run_failed(ST_FAIL);
	}
	*out = s.buf;
	*size = s.size;
	return -1;
}

/* --get PATH[=FILE]: FILE defaults to the name in the current directory; - is stdout. */
int proto_get(const struct action *a)
{
	char path[PROTO_PATH_MAX + 1], tmp[4200];
	const char *file;
	uint8_t *data;
	uint64_t size;
	uint32_t mode;
	int r, fd;

	if ((r = session(a)) >= 0)
		return r;
	split_spec(a->text, path, sizeof path, &file);
	if (!file)
		file = base_name(path);
	if ((r = fetch(PT_GET, path, &data, &size, &mode)) >= 0)
		return r;
	if (!strcmp(file, "-")) {
		write_all(STDOUT_FILENO, data, size);
		free(data);
		return -1;
	}
	snprintf(tmp, sizeof tmp, "%s.part", file);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, (mode & 0777) | 0600);
	if (fd == -1 || write(fd, data, size) != (ssize_t)size || close(fd) == -1 ||
	    rename(tmp, file) == -1) {
		st_warn("%s: %s", a->where, file);
		unlink(tmp);
		free(data);
		return run_failed(ST_FAIL);
	}
	free(data);
	return -1;
}

/* Shows one LIST line, "MODE SIZE NAME", as ls -l shows type, permissions and size. */
static void list_line(char *line)
{
	unsigned long mode;
	unsigned long long size;
	int n = 0;
	char perm[11] = "-rwxrwxrwx";

	if (sscanf(line, "%lo %llu %n", &mode, &size, &n) != 2 || !n)
		return;
	perm[0] = KEEL_S_ISDIR(mode) ? 'd' : KEEL_S_ISLNK(mode) ? 'l' : KEEL_S_ISCHR(mode) ? 'c' : '-';
	for (int b = 0; b < 9; b++)
		if (!(mode & (0400u >> b)))
			perm[1 + b] = '-';
	printf("%s %10llu %s\n", perm, size, line + n);
}

/* --ls PATH. */
int proto_ls(const struct action *a)
{
	uint8_t *data;
	uint64_t size;
	uint32_t mode;
	char *save = NULL;
	int r;

	if ((r = session(a)) >= 0)
		return r;
	if ((r = fetch(PT_LIST, a->text, &data, &size, &mode)) >= 0)
		return r;
	data[size] = '\0';
	for (char *l = strtok_r((char *)data, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		list_line(l);
	fflush(stdout);
	free(data);
	return -1;
}

/* --stat: uptime, memory and processes, as the kernel words them. */
int proto_stat(const struct action *a)
{
	struct frame *f;
	struct sink s = { .fd = -1 };
	struct proto_stream_info si;
	int r;

	if ((r = session(a)) >= 0)
		return r;
	r = request(PT_STAT, NULL, 0, PR_RETRY_MS, &f);
	if (r <= 0)
		return line_failed(r ? r : -(int)EV_TIMEOUT, "an answer to STAT");
	if (f->type != PT_OK || proto_stream_info_decode(f->p, f->len, &si) != 0)
		return refused(f, NULL);
	s.size = si.size;
	if (!(s.buf = malloc(s.size + 1)))
		st_err(ST_FAIL, "stat");
	if ((r = receive(&s)) < 0)
		write_all(STDOUT_FILENO, s.buf, s.size);
	free(s.buf);
	return r;
}

/* Splits a command line into NUL-separated words ('...', "..." and \ quote). */
static size_t split_words(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;

	for (;;) {
		int any = 0;
		char q = 0;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			return n;
		for (; *s && (q || (*s != ' ' && *s != '\t')); s++) {
			if (!q && (*s == '\'' || *s == '"')) {
				q = *s;
			} else if (q && *s == q) {
				q = 0;
			} else {
				if (*s == '\\' && q != '\'' && s[1])
					s++;
				if (n + 2 >= max)
					return 0;
				out[n++] = (uint8_t)*s;
			}
			any = 1;
		}
		if (any)
			out[n++] = '\0';
	}
}

static int run_status;

int proto_last_status(void)
{
	return run_status;
}

/* --run 'PROG ARGS': prints its output; serialterm's status becomes the program's. */
int proto_run(const struct action *a)
{
	uint8_t args[PROTO_ARGS_MAX];
	struct sink s = { .fd = STDOUT_FILENO, .size = UINT64_MAX };
	struct frame *f;
	size_t n;
	int r;

	if ((r = session(a)) >= 0)
		return r;
	if (!(n = split_words(a->text, args, sizeof args))) {
		st_warnx("%s: nothing to run", a->where);
		return run_failed(ST_USAGE);
	}
	r = request(PT_RUN, args, n, PR_RETRY_MS, &f);
	if (r <= 0)
		return line_failed(r ? r : -(int)EV_TIMEOUT, "an answer to RUN");
	if (f->type != PT_OK)
		return refused(f, (const char *)args);
	if ((r = receive(&s)) >= 0)
		return r;
	/* POSIX wait status: exit code in bits 8-15, or the signal in the low 7 bits. */
	run_status = (s.status & 0x7f) ? 128 + (s.status & 0x7f) : (s.status >> 8) & 0xff;
	return -1;
}

/* Interactive upload (escape command): progress bar, then the session ends again. */
int proto_upload(const char *spec, const char *user, const char *pass)
{
	struct action a = { .text = (char *)spec, .where = "upload" };
	int r;

	C.where = "upload";
	if (user) {
		snprintf(C.user, sizeof C.user, "%s", user);
		snprintf(C.pass, sizeof C.pass, "%s", pass);
		C.have_creds = 1;
	}
	if (!C.seq)
		C.seq = (uint32_t)getpid() << 8 | 1;
	C.progress = 1;
	r = proto_put(&a);
	C.progress = 0;
	proto_pause();
	return r;
}

int proto_have_creds(void)
{
	return C.have_creds;
}
