/*
 * loop.c: the one poll loop.
 *
 * Every mode waits in loop_wait(): it polls the line, standard input (when a mode wants
 * it), and a self-pipe that turns signals into events, until something happens or a
 * deadline passes. Bytes for the line wait in a queue and are written when the line can
 * take them, so a slow line never blocks the keyboard. Bytes from the line go through one
 * pipeline before the caller hears of them: the log, the screen, the text kept for
 * expectations, and the last few hundred bytes for error messages.
 *
 * Nothing here spins: with nothing to do, poll() sleeps without a timeout, except while
 * --reconnect is waiting for the line to come back, which tries every ST_RETRY_MS.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "serialterm.h"

struct queue {
	uint8_t *buf;
	size_t head, len, cap;
};

static struct {
	int sigpipe[2];		/* written by the signal handler, read by the loop */
	int signo;		/* the last SIGINT, SIGTERM or SIGHUP */
	int input;		/* watch standard input */
	int input_eof;
	int show;		/* copy received bytes to standard output */
	int keep;		/* keep received text for expectations */
	int waiting;		/* --reconnect: the line is gone, try again at retry */
	int64_t retry;
	struct queue txq;
	uint8_t rx[ST_IOBUF];
	uint8_t in[ST_IOBUF];
	size_t inlen;
	char recent[512];	/* the last bytes received, for error messages */
	uint64_t rx_total;	/* bytes received since the start */
	size_t nrecent;
	size_t (*filter)(uint8_t *, size_t);	/* takes frames out of what is received */
} S = { .sigpipe = { -1, -1 } };

int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The deadline that is seconds from now; 0 seconds means no deadline. */
int64_t deadline_after(double seconds)
{
	if (seconds <= 0)
		return NEVER;
	return now_ms() + (int64_t)(seconds * 1000.0 + 0.5);
}

static void on_signal(int signo)
{
	int e = errno;
	unsigned char c = (unsigned char)signo;

	(void)!write(S.sigpipe[1], &c, 1);
	errno = e;
}

/* Sets up the self-pipe and the signal handlers. Call once, before anything else runs. */
void loop_init(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD };
	struct sigaction sa;

	if (pipe(S.sigpipe) == -1)
		st_err(ST_FAIL, "pipe");
	for (int i = 0; i < 2; i++) {
		fcntl(S.sigpipe[i], F_SETFD, FD_CLOEXEC);
		fcntl(S.sigpipe[i], F_SETFL, O_NONBLOCK);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;	/* poll() still returns EINTR; writes resume */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	/* A peer that hangs up shows as EPIPE from write(), not as a fatal signal. */
	signal(SIGPIPE, SIG_IGN);
}

/* Opens the line, or with --reconnect starts waiting for it. Exits if it cannot open. */
void loop_connect(void)
{
	if (line_fd() != -1 || line_open() != -1)
		return;
	if (!opt.reconnect)
		st_err(ST_FAIL, "%s", line_name());
	note("waiting for %s", line_name());
	S.waiting = 1;
	S.retry = now_ms() + ST_RETRY_MS;
}

void loop_watch_input(int on)
{
	S.input = on;
}

void loop_show(int on)
{
	S.show = on;
}

void loop_keep(int on)
{
	S.keep = on;
}

/* The bytes of the last EV_INPUT. */
const uint8_t *loop_input(size_t *len)
{
	*len = S.inlen;
	return S.in;
}

/* The signal of the last EV_SIGNAL. */
int loop_signal(void)
{
	return S.signo;
}

/*
 * While fn is set, received bytes pass through it first: it keeps what is not part of a
 * frame of the serial protocol (proto.c) in place and returns its length. NULL ends it.
 */
void loop_filter(size_t (*fn)(uint8_t *buf, size_t len))
{
	S.filter = fn;
}

/* How many bytes wait to be written to the line. */
size_t loop_queued(void)
{
	return S.txq.len;
}

/* Queues bytes for the line; the loop writes them when it can. */
void loop_send(const void *buf, size_t len)
{
	struct queue *q = &S.txq;

	if (q->head > 0 && q->head + q->len + len > q->cap) {
		memmove(q->buf, q->buf + q->head, q->len);
		q->head = 0;
	}
	if (q->len + len > q->cap) {
		size_t cap = q->cap ? q->cap : 4096;

		while (cap < q->len + len)
			cap *= 2;
		q->buf = realloc(q->buf, cap);
		if (!q->buf)
			st_err(ST_FAIL, "queue");
		q->cap = cap;
	}
	memcpy(q->buf + q->head + q->len, buf, len);
	q->len += len;
}

/* Writes what the line takes now. Returns -1 if the peer has gone. */
static int tx_write(void)
{
	struct queue *q = &S.txq;

	while (q->len > 0) {
		ssize_t n = write(line_fd(), q->buf + q->head, q->len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0)
			return -1;
		q->head += (size_t)n;
		q->len -= (size_t)n;
	}
	q->head = 0;
	return 0;
}

static void recent_add(const uint8_t *buf, size_t len)
{
	size_t keep = sizeof S.recent;

	if (len >= keep) {
		memcpy(S.recent, buf + len - keep, keep);
		S.nrecent = keep;
		return;
	}
	if (S.nrecent + len > keep) {
		size_t drop = S.nrecent + len - keep;

		memmove(S.recent, S.recent + drop, S.nrecent - drop);
		S.nrecent -= drop;
	}
	memcpy(S.recent + S.nrecent, buf, len);
	S.nrecent += len;
}

/* Calls fn for each of the last three non-empty lines received, oldest first. */
void loop_recent(void (*fn)(const char *line))
{
	char text[sizeof S.recent + 1];
	char *lines[3] = { 0 }, *p, *save = NULL;
	int n = 0;

	memcpy(text, S.recent, S.nrecent);
	text[S.nrecent] = '\0';
	for (p = strtok_r(text, "\r\n", &save); p; p = strtok_r(NULL, "\r\n", &save)) {
		if (n == 3) {
			memmove(lines, lines + 1, sizeof lines - sizeof lines[0]);
			n--;
		}
		lines[n++] = p;
	}
	for (int i = 0; i < n; i++)
		fn(lines[i]);
}

/* The line is gone: either wait for it to come back, or report EV_HANGUP. */
static int line_lost(void)
{
	line_close();
	S.txq.len = 0;
	S.txq.head = 0;
	if (qemu_active())
		return -1;
	if (!opt.reconnect)
		return -1;
	note("%s closed; waiting for it to come back", line_name());
	S.waiting = 1;
	S.retry = now_ms() + ST_RETRY_MS;
	return 0;
}

static void try_reconnect(void)
{
	if (line_open() == -1) {
		S.retry = now_ms() + ST_RETRY_MS;
		return;
	}
	S.waiting = 0;
	note("connected to %s", line_name());
}

/* Reads the line once. Returns 1 for data, 0 for nothing yet, -1 for a closed line. */
static int rx_read(size_t *got)
{
	ssize_t n = read(line_fd(), S.rx, sizeof S.rx);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0)	/* 0 is end of file; EIO is a pty whose other side closed */
		return -1;
	*got = (size_t)n;
	S.rx_total += (uint64_t)n;
	if (S.filter)
		*got = S.filter(S.rx, *got);
	log_feed(S.rx, *got);
	if (S.show)
		display_feed(S.rx, *got);
	if (S.keep)
		expect_feed(S.rx, *got);
	recent_add(S.rx, *got);
	return 1;
}

/* QEMU closes its end of the line as it exits: wait briefly to tell the two apart. */
static enum event hangup_event(void)
{
	int64_t until = now_ms() + ST_QEMU_GRACE_MS;

	while (qemu_active() && !qemu_reap() && now_ms() < until) {
		struct pollfd p = { .fd = S.sigpipe[0], .events = POLLIN };
		char drain[64];

		if (poll(&p, 1, (int)(until - now_ms())) > 0)
			(void)!read(S.sigpipe[0], drain, sizeof drain);
	}
	return qemu_active() || qemu_status() < 0 ? EV_HANGUP : EV_QEMU_EXIT;
}

/* Reads pending signals. Returns EV_SIGNAL, EV_QEMU_EXIT, or -1 for nothing to report. */
static int signals_read(void)
{
	unsigned char sig[64];
	ssize_t n = read(S.sigpipe[0], sig, sizeof sig);
	int ev = -1;

	for (ssize_t i = 0; i < n; i++) {
		if (sig[i] == SIGCHLD) {
			if (qemu_active() && qemu_reap() && ev == -1)
				ev = EV_QEMU_EXIT;
		} else {
			S.signo = sig[i];
			ev = EV_SIGNAL;
		}
	}
	return ev;
}

static int poll_timeout(int64_t deadline)
{
	int64_t until = deadline, now = now_ms();

	if (S.waiting && S.retry < until)
		until = S.retry;
	if (until == NEVER)
		return -1;
	if (until <= now)
		return 0;
	return until - now > 60000 ? 60000 : (int)(until - now);
}

/*
 * Waits until something happens or the deadline (a now_ms() time, or NEVER) passes, and
 * says what happened. Bytes for the line are written meanwhile.
 */
static enum event wait_once(int64_t deadline);

/*
 * A QEMU that ends with a failure before the machine said a word never started it (a
 * missing file, "-m 1T"): its own message is on standard error, and serialterm fails
 * with it rather than reporting an ordinary end of the session.
 */
enum event loop_wait(int64_t deadline)
{
	enum event ev = wait_once(deadline);

	if (ev == EV_QEMU_EXIT && S.rx_total == 0 && qemu_status() != 0)
		st_errx(ST_FAIL, "QEMU failed (status %d) before the machine started; "
			"its message is above", qemu_status());
	return ev;
}

static enum event wait_once(int64_t deadline)
{
	for (;;) {
		struct pollfd p[3] = { { .fd = S.sigpipe[0], .events = POLLIN },
				       { .fd = -1 }, { .fd = -1 } };
		int fd = line_fd(), n, ev, rx = 0;
		size_t got;

		if (fd != -1)
			p[1] = (struct pollfd){ .fd = fd,
				.events = POLLIN | (S.txq.len ? POLLOUT : 0) };
		if (S.input && !S.input_eof && S.txq.len < ST_TXQ_MAX)
			p[2] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		n = poll(p, 3, poll_timeout(deadline));
		if (n < 0 && errno != EINTR)
			st_err(ST_FAIL, "poll");
		/*
		 * What the line holds is read before a signal is heard: when QEMU exits, its last
		 * output and its SIGCHLD arrive together, and the output must not be lost.
		 */
		if (n > 0 && (p[1].revents & POLLIN) && (rx = rx_read(&got)) == 1)
			return EV_RX;
		if (n > 0 && (p[0].revents & POLLIN) && (ev = signals_read()) != -1)
			return ev;
		if (n > 0 && (p[1].revents & POLLOUT)) {
			if (tx_write() == -1)
				p[1].revents |= POLLHUP;
			else if (S.txq.len == 0 && !(p[1].revents & POLLIN))
				return EV_NONE;	/* loop_flush() is done */
		}
		if (n > 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))) {
			int r = rx ? rx : rx_read(&got);

			if (r == 1)
				return EV_RX;
			if (r == -1 && line_lost() == -1)
				return hangup_event();
		}
		if (n > 0 && (p[2].revents & (POLLIN | POLLHUP | POLLERR))) {
			ssize_t r = read(STDIN_FILENO, S.in, sizeof S.in);

			if (r > 0) {
				S.inlen = (size_t)r;
				return EV_INPUT;
			}
			if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
				S.input_eof = 1;
				return EV_INPUT_EOF;
			}
		}
		if (S.waiting && now_ms() >= S.retry)
			try_reconnect();
		if (deadline != NEVER && now_ms() >= deadline)
			return EV_TIMEOUT;
	}
}

/*
 * Waits until the queue for the line is empty. Returns EV_NONE, or the event that stopped
 * it: EV_TIMEOUT, EV_HANGUP, EV_QEMU_EXIT or EV_SIGNAL.
 */
enum event loop_flush(int64_t deadline)
{
	while (S.txq.len > 0 || S.waiting) {
		enum event ev = loop_wait(deadline);

		if (ev != EV_RX && ev != EV_INPUT && ev != EV_INPUT_EOF)
			return ev;
	}
	return EV_NONE;
}
