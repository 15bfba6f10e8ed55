/*
 * fetch: downloads http://HOST[:PORT]/PATH with one HTTP/1.1 GET (doc/network.md). HOST
 * is a dotted quad, since Keel has no DNS. The body is delimited by Content-Length, by
 * chunked transfer coding, or by the end of the connection, and goes to FILE (-o; "-"
 * for standard output; the URL's last segment by default), written as it comes. A status
 * other than 200 is an error that shows the status.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <keel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http.h"

#define FETCH_CONNECT_MS	10000
#define FETCH_READ_MS		30000	/* a read that waits longer ends the transfer */
#define FETCH_BUF		32768	/* at least HTTP_HEAD_MAX: the head is read into it */

struct reader {
	int fd;
	size_t pos, len;
	char buf[FETCH_BUF];
};

static struct {
	const char *url, *out_name;
	int out_fd;
	int quiet;
	uint64_t written;
	struct reader rd;
} fetch = { .out_fd = -1 };

static void
usage(void)
{
	fprintf(stderr, "usage: fetch [-q] URL [-o FILE]\n");
	exit(2);
}

/* Ends the program with a message; a partial output file is removed. */
static void
fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fetch: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (fetch.out_fd > 1 && fetch.out_name) {
		close(fetch.out_fd);
		unlink(fetch.out_name);
	}
	exit(1);
}

/* Reads more into the buffer, moving what is unread to its start. Returns bytes, 0 at EOF. */
static long
rd_fill(struct reader *r)
{
	long n;

	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
	}
	if (r->len == sizeof(r->buf))
		return -2;
	n = read(r->fd, r->buf + r->len, sizeof(r->buf) - r->len);
	if (n < 0)
		fail("%s: reading: %s", fetch.url, strerror(errno));
	r->len += (size_t)n;
	return n;
}

static void
out_write(const char *p, size_t n)
{
	while (n > 0) {
		long w = write(fetch.out_fd, p, n);

		if (w < 0)
			fail("%s: %s", fetch.out_name ? fetch.out_name : "standard output", strerror(errno));
		p += w;
		n -= (size_t)w;
		fetch.written += (uint64_t)w;
	}
}

/* Copies n bytes of body to the output (n < 0: until the connection ends). */
static void
copy_body(int64_t n)
{
	struct reader *r = &fetch.rd;

	while (n != 0) {
		size_t have = r->len - r->pos;

		if (have == 0) {
			r->pos = r->len = 0;
			if (rd_fill(r) == 0) {
				if (n < 0)
					return;
				fail("%s: the connection ended %lld bytes early", fetch.url, (long long)n);
			}
			continue;
		}
		if (n >= 0 && (uint64_t)have > (uint64_t)n)
			have = (size_t)n;
		out_write(r->buf + r->pos, have);
		r->pos += have;
		if (n > 0)
			n -= (int64_t)have;
	}
}

/* The next line (without its end) into the buffer; returns its start, *len its length. */
static const char *
rd_line(size_t *len)
{
	struct reader *r = &fetch.rd;
	char *nl;

	while ((nl = memchr(r->buf + r->pos, '\n', r->len - r->pos)) == NULL) {
		long n = rd_fill(r);

		if (n == 0)
			fail("%s: the connection ended inside the chunked body", fetch.url);
		if (n == -2)
			fail("%s: a chunk line too long", fetch.url);
	}
	{
		const char *start = r->buf + r->pos;
		size_t l = (size_t)(nl - start);

		r->pos += l + 1;
		*len = l > 0 && start[l - 1] == '\r' ? l - 1 : l;
		return start;
	}
}

/* RFC 9112 7.1: chunks, each a hex size line, data and CR LF; then trailers; then CR LF. */
static void
copy_chunked(void)
{
	for (;;) {
		uint64_t size;
		size_t len;
		const char *line = rd_line(&len);

		if (http_chunk_size(line, len, &size) != 0)
			fail("%s: a malformed chunk size", fetch.url);
		if (size == 0)
			break;
		if (size > INT64_MAX)
			fail("%s: a chunk too large", fetch.url);
		copy_body((int64_t)size);
		rd_line(&len);
		if (len != 0)
			fail("%s: chunk data longer than its size", fetch.url);
	}
	for (;;) {	/* the trailer section (7.1.2), ignored, up to its empty line */
		size_t len;

		rd_line(&len);
		if (len == 0)
			return;
	}
}

static int
connect_to(const struct http_url *u)
{
	struct keel_sockaddr to = { .addr = u->addr, .port = u->port };
	int fd = socket(KEEL_SOCK_TCP);

	if (fd < 0)
		fail("socket: %s", strerror(errno));
	if (connect(fd, &to, FETCH_CONNECT_MS) < 0)
		fail("%s:%u: %s", u->host, u->port, strerror(errno));
	setsockopt(fd, KEEL_SO_RCVTIMEO, FETCH_READ_MS);
	return fd;
}

static void
send_request(int fd, const struct http_url *u)
{
	char req[HTTP_PATH_MAX + 256];
	int n;
	const char *p = req;

	/* RFC 9112 3.2: Host is the URL's authority, its port only when not the default. */
	if (u->port == 80)
		n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\n", u->path, u->host);
	else
		n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s:%u\r\n", u->path,
			     u->host, u->port);
	n += snprintf(req + n, sizeof(req) - (size_t)n,
		      "User-Agent: keel-fetch/1\r\nAccept: */*\r\nConnection: close\r\n\r\n");
	while (n > 0) {
		long w = write(fd, p, (size_t)n);

		if (w < 0)
			fail("%s: sending the request: %s", fetch.url, strerror(errno));
		p += w;
		n -= (int)w;
	}
}

/* Reads the response head. Returns its length in the reader's buffer. */
static size_t
read_head(struct http_response *resp)
{
	struct reader *r = &fetch.rd;
	size_t end;

	while ((end = http_head_end(r->buf, r->len)) == 0) {
		long n = r->len >= HTTP_HEAD_MAX ? -2 : rd_fill(r);

		if (n == -2)
			fail("%s: a response head longer than %d bytes", fetch.url, HTTP_HEAD_MAX);
		if (n == 0)
			fail("%s: the connection ended before a response came", fetch.url);
	}
	if (http_parse_response(r->buf, end, resp) != 0)
		fail("%s: a malformed response", fetch.url);
	return end;
}

/* FILE for -o when none was given: the path's last segment, or index.html. */
static const char *
default_name(const struct http_url *u)
{
	static char name[HTTP_PATH_MAX];
	const char *last = strrchr(u->path, '/');

	snprintf(name, sizeof(name), "%s", last ? last + 1 : u->path);
	name[strcspn(name, "?")] = '\0';
	return name[0] ? name : "index.html";
}

static void
parse_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			fetch.out_name = argv[++i];
		else if (strcmp(argv[i], "-q") == 0)
			fetch.quiet = 1;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			printf("usage: fetch [-q] URL [-o FILE]\n");
			exit(0);
		} else if (argv[i][0] != '-' && !fetch.url)
			fetch.url = argv[i];
		else
			usage();
	}
	if (!fetch.url)
		usage();
}

int
main(int argc, char **argv)
{
	struct http_url u;
	struct http_response resp;
	uint64_t t0;
	int fd, rc;

	parse_args(argc, argv);
	switch ((rc = http_parse_url(fetch.url, &u))) {
	case HTTP_URL_OK:
		break;
	case HTTP_URL_SCHEME:
		errx(1, "%s: only http:// URLs are fetched", fetch.url);
	case HTTP_URL_NAME:
		errx(1, "%s: %s is not an IPv4 address, and Keel has no DNS to look a name up: "
		     "give a dotted quad such as 10.0.2.2", fetch.url, u.host);
	case HTTP_URL_PORT:
		errx(1, "%s: the port is not a number from 1 to 65535", fetch.url);
	default:
		errx(1, "%s: not a URL fetch understands (http://A.B.C.D[:PORT]/PATH)", fetch.url);
	}
	if (!fetch.out_name)
		fetch.out_name = default_name(&u);
	t0 = uptime_ms();
	fd = connect_to(&u);
	fetch.rd.fd = fd;
	send_request(fd, &u);
	fetch.rd.pos = read_head(&resp);
	if (resp.status != 200)
		fail("%s: %d %s%s%s", fetch.url, resp.status, resp.reason,
		     resp.location[0] ? ", to " : "", resp.location);
	if (strcmp(fetch.out_name, "-") == 0) {
		fetch.out_fd = 1;
		fetch.out_name = NULL;
	} else if ((fetch.out_fd = open(fetch.out_name, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
		err(1, "%s", fetch.out_name);
	}
	if (resp.chunked)
		copy_chunked();
	else
		copy_body(resp.length);	/* -1: until the server closes (RFC 9112 6.3, item 8) */
	close(fd);
	if (fetch.out_fd > 1 && close(fetch.out_fd) < 0)
		fail("%s: %s", fetch.out_name, strerror(errno));
	if (!fetch.quiet) {
		uint64_t ms = uptime_ms() - t0;

		fprintf(stderr, "fetch: %llu bytes in %llu.%03llu s\n",
			(unsigned long long)fetch.written, (unsigned long long)(ms / 1000),
			(unsigned long long)(ms % 1000));
	}
	return 0;
}
