/*
 * HTTP/1.1 message parsing for httpd and fetch (userland/lib/http.c): pure functions over
 * bytes already received, so that the host unit test (tests/userland/test_http.c) can
 * feed them malformed input. RFC 9112 is the syntax, RFC 9110 the semantics.
 */
#ifndef KEEL_USER_HTTP_H
#define KEEL_USER_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_HEAD_MAX	8192	/* request or response line and header fields, in bytes */
#define HTTP_PATH_MAX	1024	/* a request target, or a URL's path */
#define HTTP_HOST_MAX	64	/* a URL's host as written */

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_OTHER };

/* A request head as http_parse_request understands it. */
struct http_request {
	enum http_method method;
	char method_name[16];		/* as sent, for the log; cut to fit */
	char path[HTTP_PATH_MAX];	/* percent-decoded, without the query */
	int minor;			/* HTTP/1.minor */
	int keep_alive;			/* 1: the connection may carry another request */
	int has_body;			/* Content-Length above 0, or Transfer-Encoding */
};

/*
 * Finds the end of a head (the empty line after the fields) in buf[0, len): returns the
 * head's length, terminating empty line included, or 0 while it is incomplete. A line
 * may end in CR LF or a bare LF (RFC 9112 2.2 allows taking LF alone).
 */
size_t http_head_end(const char *buf, size_t len);

/*
 * Parses a complete request head (len bytes, as http_head_end measured it) into *r.
 * Returns 0, or the status to answer with: 400 for a malformed request line or field, a
 * missing Host in HTTP/1.1, a target that is not an absolute path or that climbs with
 * "..", 414 for a target longer than HTTP_PATH_MAX, 505 for a version other than 1.x,
 * 501 for a Transfer-Encoding. A method other than GET and HEAD is not an error here: it
 * is HTTP_OTHER, for the server's 405.
 */
int http_parse_request(const char *buf, size_t len, struct http_request *r);

/*
 * The status for a head that does not fit in HTTP_HEAD_MAX bytes, by what has come:
 * 414 when the request line itself has not ended, else 431.
 */
int http_oversize_status(const char *buf, size_t len);

/* The reason phrase of a status code ("Not Found"), "Unknown" for one it does not know. */
const char *http_reason(int status);

/* The Content-Type for a file name, by its extension; application/octet-stream else. */
const char *http_content_type(const char *name);

/* A parsed http:// URL. The host must be a dotted quad: Keel has no DNS. */
struct http_url {
	char host[HTTP_HOST_MAX];	/* as written */
	uint32_t addr;			/* host byte order */
	uint16_t port;			/* 80 unless given */
	char path[HTTP_PATH_MAX];	/* "/" when the URL has none; query kept */
};

#define HTTP_URL_OK		0
#define HTTP_URL_SCHEME		1	/* not http:// */
#define HTTP_URL_NAME		2	/* a host name, not a dotted quad: no DNS */
#define HTTP_URL_PORT		3	/* not 1 to 65535 */
#define HTTP_URL_SYNTAX		4	/* empty host, bad bytes, too long */

/* Parses url into *u. Returns HTTP_URL_OK or one of the errors above. */
int http_parse_url(const char *url, struct http_url *u);

/* What fetch needs of a response head. */
struct http_response {
	int status;
	int minor;
	char reason[64];
	int64_t length;			/* Content-Length, or -1 without one */
	int chunked;			/* Transfer-Encoding ends in chunked */
	int close;			/* Connection: close, or HTTP/1.0 */
	char location[HTTP_PATH_MAX];	/* Location, for the message of a redirection */
};

/* Parses a complete response head. Returns 0, or -1 when it is malformed. */
int http_parse_response(const char *buf, size_t len, struct http_response *r);

/*
 * Reads a chunk-size line (RFC 9112 7.1: hex digits, then extensions after ';' that are
 * ignored), without its line end. Returns 0 with *size set, or -1 when it is malformed
 * or too large.
 */
int http_chunk_size(const char *line, size_t len, uint64_t *size);

/*
 * Parses a dotted quad ("10.0.2.2", four decimal numbers of 0-255, nothing else) into
 * *addr in host byte order. Returns 0, or -1.
 */
int http_parse_quad(const char *s, size_t len, uint32_t *addr);

#endif
