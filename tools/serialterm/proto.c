/*
 * proto.c: serialterm's end of the serial protocol (doc/protocol.md): --auth, --put,
 * --get, --ls, --run, --stat, and the upload of interactive mode.
 *
 * While a session is active, loop.c passes every received byte through proto_filter(),
 * which takes the frames out (into a queue that the operations here read) and leaves the
 * text. The framing itself is the kernel's own code, kernel/lib/proto.c.
 *
 * A stream (a file going up or down, a listing, a program's output) is go-back-N over
 * byte offsets: the sender keeps up to the window in flight, the receiver acknowledges
 * cumulatively and asks for a resend (NAK) at a gap or a damaged frame, and the sender
 * goes back to the last acknowledged offset when nothing moves for PR_RETRY_MS. Each
 * go-back halves the frames' size; progress grows it again.
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

#include <keel/errno.h>
#include <keel/proto.h>
#include "serialterm.h"

#define PR_QUEUE	256	/* frames received and not yet looked at */
#define PR_WINDOW	16384	/* bytes we accept in flight, and send at most */
#define PR_RETRY_MS	1000	/* go back when nothing moved for this long */
#define PR_HELLO_MS	3000	/* HELLO is sent again after this (a refusal takes 1 s) */
#define PR_CHUNK_MIN	64
#define PR_RTO_MAX_MS	3000	/* the longest resend timeout */
#define PR_NAK_MS	100	/* the same NAK is not sent again sooner */
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
	loop_send(wire, proto_frame_encode(type, seq, payload, len, C.on, wire));
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

/* Reports what the kernel refused (an ERROR frame); returns ST_REFUSED. */
static int refused(const struct frame *f, const char *what)
{
	int err = f->len >= 4 ? -(int32_t)proto_get32(f->p) : 0;
	int n = f->len > 4 ? f->len - 4 : 0;

	st_warnx("%s: %s%s%.*s", C.where, what ? what : "", what ? ": " : "", n,
		 (const char *)f->p + 4);
	return run_failed(err == EINVAL && n > 8 && !memcmp(f->p + 4, "version", 7)
			  ? ST_NOPROTO : ST_REFUSED);
}

/*
 * Sends a request and waits for its answer (OK, ERROR or WELCOME with the same number),
 * sending it again every try_ms. Returns 1 with *ans, 0 when no answer came in time, or
 * a negated event.
 */
static int request(uint8_t type, const void *payload, size_t len, int64_t try_ms,
		   struct frame **ans)
{
	uint32_t seq = C.seq++;
	int64_t deadline = deadline_after(run_timeout());

	for (;;) {
		int64_t t = now_ms() + try_ms;
		int r;

		send_frame(type, seq, payload, len);
		while ((r = frame_next(ans, t < deadline ? t : deadline)) == 1)
			if (((*ans)->type == PT_OK || (*ans)->type == PT_ERROR ||
			     (*ans)->type == PT_WELCOME) && (*ans)->seq == seq)
				return 1;
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
	uint8_t b[10 + sizeof C.user + sizeof C.pass];
	size_t ul = strlen(C.user), pl = strlen(C.pass);
	struct frame *f;
	int r;

	proto_rx_init(&C.rx);
	C.qh = C.qt = 0;
	loop_filter(proto_filter);
	proto_put16(b, PROTO_PAYLOAD_MAX);
	proto_put32(b + 2, PR_WINDOW);
	proto_put32(b + 6, PROTO_CAP_PUT | PROTO_CAP_GET | PROTO_CAP_LIST | PROTO_CAP_RUN |
		    PROTO_CAP_STAT | PROTO_CAP_RESUME);
	memcpy(b + 10, C.user, ul + 1);
	memcpy(b + 11 + ul, C.pass, pl + 1);
	r = request(PT_HELLO, b, 12 + ul + pl, PR_HELLO_MS, &f);
	if (r <= 0)
		loop_filter(NULL);
	if (r == 0) {
		st_warnx("%s: no answer to HELLO: the peer does not speak the protocol", C.where);
		return run_failed(ST_NOPROTO);
	}
	if (r < 0)
		return line_failed(r, "an answer to HELLO");
	if (f->type != PT_WELCOME || f->len < 14) {
		loop_filter(NULL);
		return refused(f, NULL);
	}
	C.payload = proto_get16(f->p);
	if (C.payload < PR_CHUNK_MIN || C.payload > PROTO_PAYLOAD_MAX)
		C.payload = PROTO_PAYLOAD_MIN;
	C.window = proto_get32(f->p + 2);
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

/*
 * The sender's state. Besides go-back-N it keeps a congestion window (cwnd) as TCP does
 * (RFC 5681, in spirit): halved at every go-back, grown by a frame at every
 * acknowledgement, so a noisy line does not lose a whole window each time. A NAK for the
 * offset just gone back to is a stale one (a frame sent before) unless a round trip has
 * passed: srtt is measured from each go-back to the first progress after it.
 */
#define PR_SENT	256	/* frames remembered with their send time, for RTT samples */

struct sender {
	uint64_t base, next, high, back_at;	/* high: the most ever sent */
	uint32_t chunk, cwnd;
	int64_t moved, back_ms, srtt;
	struct { uint64_t end; int64_t ms; } sent[PR_SENT];
	unsigned nsent;
};

/*
 * The resend timeout: a few round trips (RFC 6298 in spirit: start near a second, learn
 * the round trip from frames sent once), within [50 ms, PR_RTO_MAX_MS].
 */
static int64_t sender_rto(const struct sender *s)
{
	int64_t rto = 3 * s->srtt + 20;

	return rto < 50 ? 50 : rto > PR_RTO_MAX_MS ? PR_RTO_MAX_MS : rto;
}

static void sender_back(struct sender *s, uint64_t to)
{
	s->next = to;
	s->back_at = to;
	for (unsigned i = 0; i < PR_SENT; i++)	/* Karn: no samples from resent frames */
		s->sent[i].ms = 0;
	s->back_ms = now_ms();
	s->moved = now_ms();
	s->chunk = s->chunk / 2 > PR_CHUNK_MIN ? s->chunk / 2 : PR_CHUNK_MIN;
	s->cwnd = s->cwnd / 2 > 2 * s->chunk ? s->cwnd / 2 : 2 * s->chunk;
}

/* An ACK or NAK for offset a. */
static void sender_ack(struct sender *s, uint64_t a, int is_nak)
{
	if (a > s->base && a <= s->high) {
		s->base = a;
		if (s->next < a)
			s->next = a;
		s->moved = now_ms();
		for (unsigned i = 0; i < PR_SENT; i++)
			if (s->sent[i].end == a && s->sent[i].ms) {
				s->srtt = (7 * s->srtt + (now_ms() - s->sent[i].ms)) / 8;
				s->sent[i].ms = 0;
				break;
			}
		if (s->chunk < C.payload)
			s->chunk += s->chunk / 4 + 1;
		if (s->chunk > C.payload)
			s->chunk = C.payload;
		s->cwnd += s->chunk;
		if (s->cwnd > C.window)
			s->cwnd = C.window;
	}
	if (is_nak && a == s->base && a < s->next &&
	    !(a == s->back_at && now_ms() - s->back_ms < s->srtt))
		sender_back(s, a);
}

static int send_stream(const uint8_t *data, uint64_t size, uint64_t off, int32_t *result)
{
	static struct sender s;
	int64_t start = now_ms();
	int retries = 0;

	memset(&s, 0, sizeof s);
	s.base = s.next = s.high = off;
	s.back_at = UINT64_MAX;
	s.chunk = C.payload;
	s.cwnd = C.window;
	s.moved = now_ms();
	s.srtt = 300;
	for (;;) {
		struct frame *f;
		int r;

		while (s.next < size && s.next - s.base < s.cwnd) {
			uint64_t n = size - s.next < s.chunk ? size - s.next : s.chunk;

			if (n > s.cwnd - (s.next - s.base))
				n = s.cwnd - (s.next - s.base);
			send_frame(PT_DATA, (uint32_t)s.next, data + s.next, (size_t)n);
			s.next += n;
			if (s.high < s.next)
				s.high = s.next;
			s.sent[s.nsent % PR_SENT].end = s.next;
			s.sent[s.nsent++ % PR_SENT].ms = now_ms();
		}
		progress(s.base, size, start, 0);
		r = frame_next(&f, s.moved + sender_rto(&s));
		if (r < 0)
			return line_failed(r, "the transfer");
		if (r == 0) {
			if (now_ms() - s.moved > (int64_t)(run_timeout() * 1000) + PR_RETRY_MS &&
			    ++retries > 3) {
				st_warnx("%s: the transfer timed out at byte %llu", C.where,
					 (unsigned long long)s.base);
				send_frame(PT_ABORT, 0, NULL, 0);
				return run_failed(ST_TIMEOUT);
			}
			if (size == 0)
				return -2;	/* the caller asks again */
			sender_back(&s, s.base);
			if (s.base == size) {	/* all acknowledged, DONE lost */
				uint64_t n = size < s.chunk ? size : s.chunk;

				send_frame(PT_DATA, (uint32_t)(size - n), data + size - n, (size_t)n);
			}
			continue;
		}
		switch (f->type) {
		case PT_ACK:
		case PT_NAK:
			if (f->seq > s.base)
				retries = 0;
			sender_ack(&s, f->seq, f->type == PT_NAK);
			break;
		case PT_DONE:
			progress(size, size, start, 1);
			*result = f->len >= 4 ? (int32_t)proto_get32(f->p) : -EIO;
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
	uint8_t req[16 + PROTO_PATH_MAX];
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
	proto_put32(req, mode);
	proto_put64(req + 4, size);
	proto_put32(req + 12, proto_crc32(0, data, size));
	memcpy(req + 16, dest, strlen(dest));
	do {
		r = request(PT_PUT, req, 16 + strlen(dest), PR_RETRY_MS, &f);
		if (r <= 0) {
			unslurp(data, size);
			return line_failed(r ? r : -(int)EV_TIMEOUT, "an answer to PUT");
		}
		if (f->type != PT_OK) {
			unslurp(data, size);
			return refused(f, dest);
		}
		r = send_stream(data, size, proto_get64(f->p), &result);
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

static void nak(uint64_t have, uint64_t *nak_at, int64_t *nak_ms)
{
	if (have == *nak_at && now_ms() - *nak_ms < PR_NAK_MS)
		return;
	*nak_at = have;
	*nak_ms = now_ms();
	send_frame(PT_NAK, (uint32_t)have, NULL, 0);
}

static int receive(struct sink *s)
{
	uint64_t have = 0, nak_at = UINT64_MAX;
	int64_t moved = now_ms(), nak_ms = 0, limit = (int64_t)(run_timeout() * 1000);

	while (s->size == UINT64_MAX || have < s->size) {
		struct frame *f;
		int r = frame_next(&f, now_ms() + PR_RETRY_MS);

		if (r < 0)
			return line_failed(r, "the transfer");
		if (C.bad) {
			C.bad = 0;
			nak(have, &nak_at, &nak_ms);
		}
		if (r == 0) {
			if (limit > 0 && now_ms() - moved > limit && s->size != UINT64_MAX) {
				st_warnx("%s: the transfer timed out", C.where);
				send_frame(PT_ABORT, 0, NULL, 0);
				return run_failed(ST_TIMEOUT);
			}
			send_frame(PT_ACK, (uint32_t)have, NULL, 0);	/* a lost ACK */
			continue;
		}
		if (f->type == PT_DATA && f->seq == have && f->len > 0 &&
		    (s->size == UINT64_MAX || have + f->len <= s->size)) {
			if (s->buf)
				memcpy(s->buf + have, f->p, f->len);
			else
				write_all(s->fd, f->p, f->len);
			have += f->len;
			moved = now_ms();
			send_frame(PT_ACK, (uint32_t)have, NULL, 0);
		} else if (f->type == PT_DATA && f->seq < have) {
			send_frame(PT_ACK, (uint32_t)have, NULL, 0);
		} else if (f->type == PT_DATA) {
			nak(have, &nak_at, &nak_ms);
		} else if (f->type == PT_EXIT && s->size == UINT64_MAX) {
			if (f->seq != have) {
				nak(have, &nak_at, &nak_ms);
				continue;
			}
			send_frame(PT_OK, f->seq, NULL, 0);
			s->status = f->len >= 4 ? (int)proto_get32(f->p) : 0;
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
	uint32_t crc;
	int r;

	r = request(type, path, strlen(path), PR_RETRY_MS, &f);
	if (r <= 0)
		return line_failed(r ? r : -(int)EV_TIMEOUT, "an answer");
	if (f->type != PT_OK || f->len < 16)
		return refused(f, path);
	s.size = proto_get64(f->p);
	*mode = proto_get32(f->p + 8);
	crc = proto_get32(f->p + 12);
	if (!(s.buf = malloc(s.size + 1)))
		st_err(ST_FAIL, "%s", path);
	if ((r = receive(&s)) >= 0) {
		free(s.buf);
		return r;
	}
	if (proto_crc32(0, s.buf, s.size) != crc) {
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
	perm[0] = (mode & 0170000) == 0040000 ? 'd' : (mode & 0170000) == 0120000 ? 'l' : '-';
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
	int r;

	if ((r = session(a)) >= 0)
		return r;
	r = request(PT_STAT, NULL, 0, PR_RETRY_MS, &f);
	if (r <= 0)
		return line_failed(r ? r : -(int)EV_TIMEOUT, "an answer to STAT");
	if (f->type != PT_OK || f->len < 16)
		return refused(f, NULL);
	s.size = proto_get64(f->p);
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
