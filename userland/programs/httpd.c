/*
 * httpd: an HTTP/1.1 server of the files under DIR (/ unless given) on PORT (80 unless
 * given), doc/network.md. GET and HEAD; a directory answers with its index.html, or else
 * with a listing; keep-alive. One process serves every client: a poll loop over the
 * listening socket and every connection, each with its own state (reading a request
 * head, or sending a response), so that a client that stops halfway holds up nobody; one
 * that says nothing for IDLE seconds is closed. Files are sent in pieces of
 * HTTPD_CHUNK bytes, never read whole. One log line a response on standard output:
 * client, method, path, status, body bytes sent.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <keel.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "http.h"

#define HTTPD_PORT	80
#define HTTPD_IDLE_S	10	/* a connection that does nothing this long is closed */
#define HTTPD_BACKLOG	16
/*
 * Bytes of a file read, and written, at a time. A write blocks until all of it is
 * queued, but poll's POLLOUT on a TCP socket promises room for more than 16 KiB
 * (doc/network.md), so a write after POLLOUT never holds the loop up.
 */
#define HTTPD_CHUNK	16384
#define HTTPD_LINGER_S	2	/* how long a closing connection's input is drained */
/* Each connection takes two descriptors while it sends a file; KEEL_FD_MAX is 64. */
#define HTTPD_CONN_MAX	28
#define HTTPD_LISTING_MAX 65536	/* a directory listing longer than this is cut */

#define MIN(a, b)	((a) < (b) ? (a) : (b))

/*
 * READ: gathering a request head; SEND: writing a response; LINGER: after a response
 * that ends the connection while the client may still be sending (an error, a body we do
 * not read): our side is shut down and what comes is read and dropped until the client's
 * end of file, so that our close does not reset the connection before the client has
 * read the answer (RFC 9112 9.6).
 */
enum conn_state { CONN_READ, CONN_SEND, CONN_LINGER };

struct conn {
	int fd;
	enum conn_state state;
	struct keel_sockaddr peer;
	uint64_t last_ms;		/* when it last made progress */
	uint32_t unacked;		/* its socket's bytes not yet acknowledged, then */
	char in[HTTP_HEAD_MAX];		/* what has come of the next request */
	size_t inlen;
	char out[HTTPD_CHUNK];		/* the head, then the body, a piece at a time */
	size_t outpos, outlen;
	int file;			/* the body's file, or -1 */
	uint64_t file_left;		/* its bytes not yet read into out */
	char *mem;			/* or a body made here (error page, listing) */
	size_t mem_len, mem_pos;
	int close_after;		/* close once this response is out */
	int http10;			/* the request was HTTP/1.0 */
	uint64_t linger_until;
	/* For the log line. */
	char method[16];
	char path[HTTP_PATH_MAX];
	int status;
	uint64_t body_sent, head_len;
};

static struct {
	const char *root;
	int listen_fd;
	int idle_ms;
	int quiet;
	struct conn *conns[HTTPD_CONN_MAX];
} httpd = { .listen_fd = -1 };

static void
usage(void)
{
	fprintf(stderr, "usage: httpd [-q] [-p PORT] [-t IDLE_SECONDS] [DIR]\n");
	exit(2);
}

static long
number(const char *s, const char *what, long min, long max)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || n < min || n > max) {
		warnx("%s is %s: not a number from %ld to %ld", what, s, min, max);
		usage();
	}
	return n;
}

static void
log_response(struct conn *c)
{
	char a[INET_ADDR_LEN];

	if (httpd.quiet || c->status == 0)
		return;
	printf("%s:%u %s %s %d %llu\n", inet_format(c->peer.addr, a), c->peer.port,
	       c->method, c->path[0] ? c->path : "-", c->status,
	       (unsigned long long)c->body_sent);
	fflush(stdout);
	c->status = 0;
}

static void
body_release(struct conn *c)
{
	if (c->file >= 0)
		close(c->file);
	c->file = -1;
	c->file_left = 0;
	free(c->mem);
	c->mem = NULL;
	c->mem_len = c->mem_pos = 0;
}

static void
conn_close(int i)
{
	struct conn *c = httpd.conns[i];

	log_response(c);
	body_release(c);
	close(c->fd);
	free(c);
	httpd.conns[i] = NULL;
}

/* Appends to the head in c->out; the head always fits (its parts are bounded). */
static void
head_add(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
head_add(struct conn *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->out + c->outlen, sizeof(c->out) - c->outlen, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->outlen += MIN((size_t)n, sizeof(c->out) - c->outlen - 1);
}

/*
 * Starts the response: the status line and the fields every response has (RFC 9110 6.6.1
 * Date, since Keel has a clock; 8.6 Content-Length, which keep-alive needs), then extra
 * (whole lines, or "").
 */
static void
respond(struct conn *c, int status, const char *type, uint64_t length, const char *extra)
{
	char date[40];
	time_t now = time(NULL);
	struct tm tm;

	c->status = status;
	c->outpos = c->outlen = 0;
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&now, &tm));
	head_add(c, "HTTP/1.1 %d %s\r\nServer: keel-httpd\r\nDate: %s\r\n", status,
		 http_reason(status), date);
	/*
	 * RFC 9112 9.3: an HTTP/1.0 client keeps the connection only when told so
	 * (RFC 2068 19.7.1's keep-alive); an HTTP/1.1 one unless told otherwise.
	 */
	head_add(c, "Content-Type: %s\r\nContent-Length: %llu\r\n%s%s\r\n", type,
		 (unsigned long long)length, extra, c->close_after ? "Connection: close\r\n" :
		 c->http10 ? "Connection: keep-alive\r\n" : "");
	c->head_len = c->outlen;
	c->state = CONN_SEND;
}

/* A response whose body is a short text made here, or its head alone for HEAD. */
static void
respond_text(struct conn *c, int status, const char *extra, int head_only)
{
	char body[128];
	int n = snprintf(body, sizeof(body), "%d %s\n", status, http_reason(status));

	respond(c, status, "text/plain", (uint64_t)n, extra);
	if (!head_only && (c->mem = malloc((size_t)n)) != NULL) {
		memcpy(c->mem, body, (size_t)n);
		c->mem_len = (size_t)n;
	} else if (!head_only) {
		c->close_after = 1;	/* the length is promised: without it, only closing is honest */
	}
}

/* Makes c->mem an HTML list of the directory at fs_path, linked relative to it. */
static int
listing(struct conn *c, const char *fs_path)
{
	struct keel_dirent d;
	int fd = open(fs_path, O_RDONLY | O_DIRECTORY);
	size_t n = 0;
	char *b;

	if (fd < 0)
		return -1;
	if ((b = malloc(HTTPD_LISTING_MAX)) == NULL) {
		close(fd);
		return -1;
	}
	n += (size_t)snprintf(b + n, HTTPD_LISTING_MAX - n,
			      "<!DOCTYPE html>\n<title>%s</title>\n<h1>%s</h1>\n<ul>\n", c->path, c->path);
	while (readdir(fd, &d) == 1 && n < HTTPD_LISTING_MAX - 512) {
		const char *slash = KEEL_S_ISDIR(d.mode) ? "/" : "";

		if (strcmp(d.name, ".") == 0 || strcmp(d.name, "..") == 0)
			continue;
		n += (size_t)snprintf(b + n, HTTPD_LISTING_MAX - n, "<li><a href=\"%s%s\">%s%s</a>\n",
				      d.name, slash, d.name, slash);
	}
	n += (size_t)snprintf(b + n, HTTPD_LISTING_MAX - n, "</ul>\n");
	close(fd);
	c->mem = b;
	c->mem_len = MIN(n, (size_t)HTTPD_LISTING_MAX - 1);
	return 0;
}

/* Answers a GET or HEAD for r->path: a file, a directory's index.html or listing, or 404. */
static void
serve_path(struct conn *c, const struct http_request *r)
{
	int head_only = r->method == HTTP_HEAD;
	char fs_path[HTTP_PATH_MAX + 128], location[HTTP_PATH_MAX + 16];
	struct keel_stat st;
	size_t rootlen = strlen(httpd.root);

	/* The root without its trailing slashes, then the path, which starts with one. */
	while (rootlen > 0 && httpd.root[rootlen - 1] == '/')
		rootlen--;
	snprintf(fs_path, sizeof(fs_path), "%.*s%s", (int)rootlen, httpd.root, r->path);
	if (stat(fs_path, &st) != 0) {
		respond_text(c, errno == EACCES ? 403 : 404, "", head_only);
		return;
	}
	if (S_ISDIR(st.mode)) {
		size_t len = strlen(fs_path);

		if (r->path[strlen(r->path) - 1] != '/') {
			/* RFC 9110 15.4.2: relative links in it need the slash. */
			snprintf(location, sizeof(location), "Location: %s/\r\n", r->path);
			respond_text(c, 301, location, head_only);
			return;
		}
		snprintf(fs_path + len, sizeof(fs_path) - len, "index.html");
		if (stat(fs_path, &st) != 0 || !S_ISREG(st.mode)) {
			fs_path[len] = '\0';
			if (listing(c, fs_path) != 0) {
				respond_text(c, 500, "", head_only);
				return;
			}
			respond(c, 200, "text/html", c->mem_len, "");
			if (head_only)
				body_release(c);
			return;
		}
	}
	if (!S_ISREG(st.mode)) {
		respond_text(c, 403, "", head_only);
		return;
	}
	if (!head_only && (c->file = open(fs_path, O_RDONLY)) < 0) {
		respond_text(c, errno == EACCES ? 403 : 404, "", head_only);
		return;
	}
	c->file_left = head_only ? 0 : st.size;
	respond(c, 200, http_content_type(fs_path), st.size, "");
}

/* Turns the head in c->in[0, end) into a response. */
static void
handle_request(struct conn *c, size_t end)
{
	struct http_request r;
	int status = http_parse_request(c->in, end, &r);

	snprintf(c->method, sizeof(c->method), "%s", r.method_name[0] ? r.method_name : "-");
	snprintf(c->path, sizeof(c->path), "%s", r.path);
	c->body_sent = 0;
	c->http10 = r.minor == 0;
	if (status != 0) {
		/* After a bad head nothing that follows can be trusted to start a request. */
		c->close_after = 1;
		respond_text(c, status, "", 0);
		return;
	}
	/* A request body is not read: closing after the answer is how to be rid of it. */
	c->close_after = !r.keep_alive || r.has_body;
	if (r.method == HTTP_OTHER)
		respond_text(c, 405, "Allow: GET, HEAD\r\n", 0);	/* RFC 9110 15.5.6 */
	else
		serve_path(c, &r);
}

/* Starts on the next request if its head has come whole; else keeps reading. */
static void
conn_next_request(struct conn *c)
{
	size_t end = http_head_end(c->in, c->inlen);

	if (end == 0) {
		if (c->inlen == sizeof(c->in)) {
			/* RFC 9112 3 and RFC 6585 5: a request line or fields too long. */
			c->method[0] = '-', c->method[1] = '\0';
			c->path[0] = '\0';
			c->body_sent = 0;
			c->close_after = 1;
			respond_text(c, http_oversize_status(c->in, c->inlen), "", 0);
		}
		return;
	}
	handle_request(c, end);
	/* Pipelined requests wait in the buffer for their turn. */
	memmove(c->in, c->in + end, c->inlen - end);
	c->inlen -= end;
}

/* POLLIN on a connection that is reading. Returns -1 when it is to be closed. */
static int
conn_read(struct conn *c)
{
	long n = read(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen);

	if (n <= 0)
		return -1;	/* the end (the client is done) or an error */
	c->inlen += (size_t)n;
	conn_next_request(c);
	return 0;
}

/*
 * Adds the body's next bytes to c->out, after what it holds (the head, when the response
 * has just begun, so that a small response goes out in one write and one segment).
 * Returns the bytes added, 0 when there is no more or no room, -1 on error.
 */
static long
body_fill(struct conn *c)
{
	size_t room;
	long n = 0;

	if (c->outpos == c->outlen)
		c->outpos = c->outlen = 0;
	room = sizeof(c->out) - c->outlen;
	if (room == 0)
		return 0;
	if (c->file >= 0 && c->file_left > 0) {
		n = read(c->file, c->out + c->outlen, (size_t)MIN(c->file_left, (uint64_t)room));
		if (n <= 0)
			return -1;	/* the file shrank: the promised length cannot be kept */
		c->file_left -= (uint64_t)n;
	} else if (c->mem_pos < c->mem_len) {
		n = (long)MIN(c->mem_len - c->mem_pos, room);
		memcpy(c->out + c->outlen, c->mem + c->mem_pos, (size_t)n);
		c->mem_pos += (size_t)n;
	}
	c->outlen += (size_t)n;
	return n;
}

/* Ends a connection whose last response is out, by lingering. Returns -1 to close it now. */
static int
conn_linger(struct conn *c)
{
	if (shutdown(c->fd, KEEL_SHUT_WR) < 0)
		return -1;
	c->state = CONN_LINGER;
	c->inlen = 0;
	c->linger_until = uptime_ms() + HTTPD_LINGER_S * 1000;
	return 0;
}

/* POLLIN on a lingering connection: input is dropped. Returns -1 at its end. */
static int
conn_drain(struct conn *c)
{
	long n = read(c->fd, c->in, sizeof(c->in));

	return n <= 0 || uptime_ms() >= c->linger_until ? -1 : 0;
}

/* POLLOUT on a connection that is sending: one write. Returns -1 to close it. */
static int
conn_write(struct conn *c)
{
	long n;

	if (c->outpos == c->outlen || c->outpos == 0) {
		if (body_fill(c) < 0)
			return -1;
		if (c->outpos == c->outlen) {
			/* The response is out. */
			log_response(c);
			body_release(c);
			if (c->close_after)
				return conn_linger(c);
			c->state = CONN_READ;
			conn_next_request(c);
			return 0;
		}
	}
	n = write(c->fd, c->out + c->outpos, c->outlen - c->outpos);
	if (n < 0)
		return -1;
	/* The head went out first; only what follows it is the body. */
	if (c->head_len > 0) {
		uint64_t h = MIN(c->head_len, (uint64_t)n);

		c->head_len -= h;
		c->body_sent += (uint64_t)n - h;
	} else {
		c->body_sent += (uint64_t)n;
	}
	c->outpos += (size_t)n;
	return 0;
}

static void
accept_one(uint64_t now)
{
	struct keel_sockaddr peer;
	struct conn *c;
	int fd, i;

	if ((fd = accept(httpd.listen_fd, &peer)) < 0) {
		warn("accept");
		return;
	}
	for (i = 0; i < HTTPD_CONN_MAX && httpd.conns[i]; i++)
		;
	if (i == HTTPD_CONN_MAX || (c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);	/* cannot happen while the loop polls only with room */
		return;
	}
	/*
	 * Responses are written whole or in large pieces: Nagle's algorithm would only hold
	 * the last small segment of each until the client's delayed ACK (RFC 1122 4.2.3.4).
	 */
	setsockopt(fd, KEEL_SO_NODELAY, 1);
	c->fd = fd;
	c->peer = peer;
	c->file = -1;
	c->state = CONN_READ;
	c->last_ms = now;
	httpd.conns[i] = c;
}

/*
 * The bytes of c's connection that the client has not acknowledged yet (sockinfo), or 0.
 * A response waits in poll until the send ring has room for a whole write, which a
 * slow reader may take longer than the idle time to make: while this number moves, the
 * client is still reading.
 */
static uint32_t
unacked(const struct conn *c)
{
	struct keel_sockaddr me;
	struct keel_sockinfo si;

	if (getsockname(c->fd, &me) < 0)
		return 0;
	for (int i = 0; sockinfo(i, &si) == 1; i++)
		if (si.type == KEEL_SOCK_TCP && si.local.port == me.port &&
		    si.remote.addr == c->peer.addr && si.remote.port == c->peer.port)
			return si.tx_queued;
	return 0;
}

/* Closes every connection that has made no progress for the idle time. */
static void
reap_idle(uint64_t now)
{
	for (int i = 0; i < HTTPD_CONN_MAX; i++) {
		struct conn *c = httpd.conns[i];
		uint32_t q;

		if (c && c->state == CONN_LINGER && now >= c->linger_until)
			conn_close(i);
		else if (c && c->state == CONN_SEND && now - c->last_ms >= (uint64_t)httpd.idle_ms &&
			 (q = unacked(c)) != c->unacked) {
			c->unacked = q;		/* the client read some: not idle */
			c->last_ms = now;
		} else if (c && now - c->last_ms >= (uint64_t)httpd.idle_ms) {
			if (c->status == 0 && c->inlen > 0) {
				/* A request that never finished coming: its line says so. */
				snprintf(c->method, sizeof(c->method), "-");
				snprintf(c->path, sizeof(c->path), "(timeout)");
				c->status = 408;
			}
			conn_close(i);
		}
	}
}

static void
serve(void)
{
	struct pollfd fds[HTTPD_CONN_MAX + 1];
	int which[HTTPD_CONN_MAX + 1];

	for (;;) {
		nfds_t n = 0;
		int room = 0, ready;
		uint64_t now;

		for (int i = 0; i < HTTPD_CONN_MAX; i++) {
			struct conn *c = httpd.conns[i];

			if (!c) {
				room = 1;
				continue;
			}
			fds[n].fd = c->fd;
			fds[n].events = c->state == CONN_SEND ? POLLOUT : POLLIN;
			fds[n].revents = 0;
			which[n++] = i;
		}
		if (room) {
			/* While full, new clients wait in the listen backlog. */
			fds[n].fd = httpd.listen_fd;
			fds[n].events = POLLIN;
			fds[n].revents = 0;
			which[n++] = -1;
		}
		ready = poll(fds, n, 1000);
		if (ready < 0 && errno != EINTR)
			err(1, "poll");
		now = uptime_ms();
		for (nfds_t k = 0; ready > 0 && k < n; k++) {
			struct conn *c;
			int rc = 0;

			if (fds[k].revents == 0)
				continue;
			if (which[k] < 0) {
				accept_one(now);
				continue;
			}
			c = httpd.conns[which[k]];
			if (fds[k].revents & POLLNVAL)
				rc = -1;
			else if (c->state == CONN_READ)
				rc = conn_read(c);	/* also at POLLHUP: the end of file says so */
			else if (c->state == CONN_LINGER)
				rc = conn_drain(c);
			else if (fds[k].revents & (POLLERR | POLLHUP))
				rc = -1;
			else
				rc = conn_write(c);
			c->last_ms = now;
			if (rc < 0)
				conn_close(which[k]);
		}
		reap_idle(now);
	}
}

int
main(int argc, char **argv)
{
	long port = HTTPD_PORT, idle = HTTPD_IDLE_S;
	struct keel_stat st;
	int opt;

	while ((opt = getopt(argc, argv, "hp:qt:")) != -1) {
		switch (opt) {
		case 'p':
			port = number(optarg, "the port", 1, 65535);
			break;
		case 't':
			idle = number(optarg, "the idle time", 1, 86400);
			break;
		case 'q':
			httpd.quiet = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind > 1)
		usage();
	httpd.root = optind < argc ? argv[optind] : "/";
	httpd.idle_ms = (int)(idle * 1000);
	if (stat(httpd.root, &st) != 0 || !S_ISDIR(st.mode))
		errx(1, "%s: %s", httpd.root, stat(httpd.root, &st) != 0 ? strerror(errno) :
		     "not a directory");
	/* A client that goes away mid-response makes write fail (EPIPE), never kills us. */
	signal(SIGPIPE, SIG_IGN);
	if ((httpd.listen_fd = socket(KEEL_SOCK_TCP)) < 0)
		err(1, "socket");
	setsockopt(httpd.listen_fd, KEEL_SO_REUSEADDR, 1);
	if (bind(httpd.listen_fd, (unsigned)port) < 0)
		err(1, "bind port %ld", port);
	if (listen(httpd.listen_fd, HTTPD_BACKLOG) < 0)
		err(1, "listen");
	printf("httpd: serving %s on port %ld\n", httpd.root, port);
	fflush(stdout);
	serve();
	return 0;
}
