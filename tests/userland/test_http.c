/*
 * httpd's and fetch's parsing (userland/lib/http.c) on the host: request heads, response
 * heads, chunk sizes and URLs, malformed input first. Every input is copied into a heap
 * block of exactly its length, with no NUL after it, so that ASan catches a read past it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/tap.h"
#include "http.h"

static char *
exact(const char *s, size_t *len)
{
	char *b;

	*len = strlen(s);
	b = malloc(*len ? *len : 1);
	if (!b)
		abort();
	memcpy(b, s, *len);
	return b;
}

/* Parses a request (a head, whole) and returns the status, *r filled. */
static int
request(const char *s, struct http_request *r)
{
	size_t len;
	char *b = exact(s, &len);
	int status = http_parse_request(b, len, r);

	free(b);
	return status;
}

static int
head_end(const char *s)
{
	size_t len;
	char *b = exact(s, &len);
	size_t n = http_head_end(b, len);

	free(b);
	return (int)n;
}

static void
test_bad_requests(void)
{
	static const struct {
		const char *head, *why;
		int status;
	} bad[] = {
		{ "\r\n\r\n", "an empty request line", 400 },
		{ "GET\r\n\r\n", "a method alone", 400 },
		{ "GET /\r\n\r\n", "no version (HTTP/0.9's form)", 400 },
		{ "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", "two spaces after the method", 400 },
		{ "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", "a space after the version", 400 },
		{ " GET / HTTP/1.1\r\nHost: a\r\n\r\n", "a space before the method", 400 },
		{ "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", "a method that is no token", 400 },
		{ "GET / HTTQ/1.1\r\nHost: a\r\n\r\n", "a version that is not HTTP", 400 },
		{ "GET / HTTP/1.12\r\nHost: a\r\n\r\n", "a version too long", 400 },
		{ "GET / HTTP/2.0\r\nHost: a\r\n\r\n", "HTTP/2.0 in a 1.x request line", 505 },
		{ "GET index.html HTTP/1.1\r\nHost: a\r\n\r\n", "a relative target", 400 },
		{ "GET * HTTP/1.1\r\nHost: a\r\n\r\n", "the asterisk form", 400 },
		{ "GET /../etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n", "a target climbing with ..", 400 },
		{ "GET /a/.. HTTP/1.1\r\nHost: a\r\n\r\n", "a target ending in ..", 400 },
		{ "GET /a/%2e%2E/b HTTP/1.1\r\nHost: a\r\n\r\n", ".. written with escapes", 400 },
		{ "GET /a%00b HTTP/1.1\r\nHost: a\r\n\r\n", "an escaped NUL", 400 },
		{ "GET /a%4 HTTP/1.1\r\nHost: a\r\n\r\n", "an escape cut short", 400 },
		{ "GET /a%zz HTTP/1.1\r\nHost: a\r\n\r\n", "an escape that is not hex", 400 },
		{ "GET /a\x01 HTTP/1.1\r\nHost: a\r\n\r\n", "a control byte in the target", 400 },
		{ "GET /\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n", "a raw non-ASCII byte in the target", 400 },
		{ "GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 without Host", 400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "two Host fields", 400 },
		{ "GET / HTTP/1.1\r\nHost : a\r\n\r\n", "a space before a field's colon", 400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nno colon\r\n\r\n", "a field line without a colon", 400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\n: empty\r\n\r\n", "a field without a name", 400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", "an obsolete folded line", 400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n", "a bad Content-Length", 400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", "a negative Content-Length", 400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n",
		  "a Content-Length beyond 64 bits", 400 },
		{ "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
		  "a chunked request body", 501 },
	};
	struct http_request r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(request(bad[i].head, &r), bad[i].status, "%s: %d", bad[i].why, bad[i].status);
	request("GARBAGE\r\n\r\n", &r);
	is_str(r.method_name, "GARBAGE", "a bad request line still names its method, for the log");
	request("G\x01T\xff / HTTP/1.1\r\n\r\n", &r);
	is_str(r.method_name, "G?T?", "... with bytes a log should not hold as '?'");
	request("ABCDEFGHIJKLMNOPQRSTUVWXYZ / HTTP/1.1\r\n\r\n", &r);
	is_str(r.method_name, "ABCDEFGHIJKLMNO", "... cut to 15 bytes");
}

static void
test_oversize(void)
{
	char *target = malloc(HTTP_PATH_MAX + 64), *line = malloc(HTTP_PATH_MAX + 128);
	struct http_request r;

	memset(target, 'a', HTTP_PATH_MAX + 10);
	target[0] = '/';
	target[HTTP_PATH_MAX + 10] = '\0';
	snprintf(line, HTTP_PATH_MAX + 128, "GET %s HTTP/1.1\r\nHost: a\r\n\r\n", target);
	is_int(request(line, &r), 414, "a target longer than HTTP_PATH_MAX: 414");
	target[HTTP_PATH_MAX] = '\0';
	snprintf(line, HTTP_PATH_MAX + 128, "GET %s HTTP/1.1\r\nHost: a\r\n\r\n", target);
	is_int(request(line, &r), 414, "a target of exactly HTTP_PATH_MAX bytes leaves no room for NUL: 414");
	target[HTTP_PATH_MAX - 1] = '\0';
	snprintf(line, HTTP_PATH_MAX + 128, "GET %s HTTP/1.1\r\nHost: a\r\n\r\n", target);
	is_int(request(line, &r), 0, "a target of HTTP_PATH_MAX - 1 bytes fits");
	is_int((int)strlen(r.path), HTTP_PATH_MAX - 1, "... whole");
	is_int(http_oversize_status("GET /aaaa", 9), 414, "a full buffer without a line end: 414");
	is_int(http_oversize_status("GET / HTTP/1.1\r\nX: aaa", 22), 431, "a full buffer after the request line: 431");
	free(target);
	free(line);
}

static void
test_head_end(void)
{
	is_int(head_end(""), 0, "no bytes: no head yet");
	is_int(head_end("GET / HTTP/1.1\r\nHost: a\r\n"), 0, "fields without the empty line: not yet");
	is_int(head_end("GET / HTTP/1.1\r\nHost: a\r\n\r"), 0, "a CR without its LF: not yet");
	is_int(head_end("GET / HTTP/1.1\r\n\r\nXYZ"), 18, "the head ends after CR LF CR LF; what follows is not counted");
	is_int(head_end("GET / HTTP/1.0\n\n"), 16, "bare LF line ends");
	is_int(head_end("\r\n"), 2, "an empty line alone is a (bad) head");
}

static void
test_good_requests(void)
{
	struct http_request r;

	is_int(request("GET /index.html HTTP/1.1\r\nHost: 10.0.0.1\r\nUser-Agent: curl/8\r\n\r\n", &r),
	       0, "curl's GET parses");
	ok(r.method == HTTP_GET && strcmp(r.method_name, "GET") == 0, "... as GET");
	is_str(r.path, "/index.html", "... with its path");
	ok(r.minor == 1 && r.keep_alive && !r.has_body, "... HTTP/1.1, keep-alive by default, no body");

	is_int(request("HEAD /a%20b/c?x=1&y=../.. HTTP/1.1\r\nhOsT: a\r\n\r\n", &r), 0,
	       "HEAD with an escape and a query parses (field names in any case)");
	ok(r.method == HTTP_HEAD, "... as HEAD");
	is_str(r.path, "/a b/c", "... escapes undone, the query dropped");

	is_int(request("GET /x HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n", &r), 0,
	       "Connection: Close parses");
	ok(!r.keep_alive, "... and ends keep-alive");
	is_int(request("GET /x HTTP/1.1\r\nHost: a\r\nConnection: upgrade, close \r\n\r\n", &r), 0,
	       "Connection with a list parses");
	ok(!r.keep_alive, "... close found in the list");
	is_int(request("GET /x HTTP/1.0\r\n\r\n", &r), 0, "HTTP/1.0 needs no Host");
	ok(!r.keep_alive && r.minor == 0, "... and closes by default");
	is_int(request("GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &r), 0,
	       "HTTP/1.0 with keep-alive parses");
	ok(r.keep_alive, "... and keeps the connection");
	is_int(request("\r\nGET /x HTTP/1.1\nHost: a\n\n", &r), 0,
	       "an empty line before the request line and bare LFs are taken");
	is_int(request("DELETE /x HTTP/1.1\r\nHost: a\r\n\r\n", &r), 0, "DELETE parses");
	ok(r.method == HTTP_OTHER && strcmp(r.method_name, "DELETE") == 0, "... as another method, for 405");
	is_int(request("get /x HTTP/1.1\r\nHost: a\r\n\r\n", &r), 0, "get (lower case) parses");
	ok(r.method == HTTP_OTHER, "... but is not GET: methods are case-sensitive");
	is_int(request("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n", &r), 0,
	       "a request with a body parses");
	ok(r.has_body, "... and says it has one");
	is_int(request("GET http://10.0.0.1:8080/a/b HTTP/1.1\r\nHost: a\r\n\r\n", &r), 0,
	       "the absolute form parses");
	is_str(r.path, "/a/b", "... to its path");
	is_int(request("GET http://10.0.0.1 HTTP/1.1\r\nHost: a\r\n\r\n", &r), 0,
	       "the absolute form without a path parses");
	is_str(r.path, "/", "... to /");
	is_int(request("GET /a/..b/c.. HTTP/1.1\r\nHost: a\r\n\r\n", &r), 0,
	       "segments that merely contain .. are names");
}

static void
test_types(void)
{
	is_str(http_content_type("/www/index.html"), "text/html", "html");
	is_str(http_content_type("/a/B.HTM"), "text/html", "HTM in upper case");
	is_str(http_content_type("notes.txt"), "text/plain", "txt");
	is_str(http_content_type("/a.b/file"), "application/octet-stream", "a dot in a directory only");
	is_str(http_content_type("/big"), "application/octet-stream", "no extension");
	is_str(http_content_type("/x."), "application/octet-stream", "an empty extension");
	is_str(http_reason(404), "Not Found", "404's reason");
	is_str(http_reason(299), "Unknown", "an unknown status");
}

static void
test_quad(void)
{
	static const char *bad[] = {
		"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-4", "1..2.3", "1.2.3.4 ", " 1.2.3.4",
		"0001.2.3.4", "1.2.3.4a", "a.b.c.d", "1.2.3.",
	};
	uint32_t a = 0;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(http_parse_quad(bad[i], strlen(bad[i]), &a) == -1, "'%s' is no dotted quad", bad[i]);
	ok(http_parse_quad("192.168.76.1", 12, &a) == 0 && a == 0xc0a84c01, "192.168.76.1");
	ok(http_parse_quad("0.0.0.0", 7, &a) == 0 && a == 0, "0.0.0.0");
	ok(http_parse_quad("255.255.255.255", 15, &a) == 0 && a == 0xffffffffu, "255.255.255.255");
	ok(http_parse_quad("010.1.1.1", 9, &a) == 0 && a == 0x0a010101, "leading zeros are decimal");
}

static void
test_urls(void)
{
	static const struct {
		const char *url;
		int error;
	} bad[] = {
		{ "", HTTP_URL_SCHEME }, { "https://1.2.3.4/", HTTP_URL_SCHEME },
		{ "ftp://1.2.3.4/", HTTP_URL_SCHEME }, { "http:/1.2.3.4/", HTTP_URL_SCHEME },
		{ "1.2.3.4/x", HTTP_URL_SCHEME }, { "http://", HTTP_URL_SYNTAX },
		{ "http:///x", HTTP_URL_SYNTAX }, { "http://:80/", HTTP_URL_SYNTAX },
		{ "http://user@1.2.3.4/", HTTP_URL_SYNTAX }, { "http://1.2.3.4:/", HTTP_URL_PORT },
		{ "http://1.2.3.4:0/", HTTP_URL_PORT }, { "http://1.2.3.4:65536/", HTTP_URL_PORT },
		{ "http://1.2.3.4:8x/", HTTP_URL_PORT }, { "http://1.2.3.4/a b", HTTP_URL_SYNTAX },
		{ "http://example.com/", HTTP_URL_NAME }, { "http://localhost:8080/", HTTP_URL_NAME },
		{ "http://1.2.3.256/", HTTP_URL_NAME }, { "http://[::1]/", HTTP_URL_SYNTAX },
	};
	struct http_url u;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(http_parse_url(bad[i].url, &u), bad[i].error, "'%s' is refused (%d)",
		       bad[i].url, bad[i].error);
	is_int(http_parse_url("http://192.168.76.1:8000/dir/big?x=1#frag", &u), HTTP_URL_OK,
	       "a full URL parses");
	ok(u.addr == 0xc0a84c01 && u.port == 8000, "... its address and port");
	is_str(u.host, "192.168.76.1", "... its host as written");
	is_str(u.path, "/dir/big?x=1", "... its path with the query, without the fragment");
	is_int(http_parse_url("HTTP://10.0.2.2", &u), HTTP_URL_OK, "no path, scheme in capitals");
	ok(u.port == 80 && strcmp(u.path, "/") == 0, "... port 80, path /");
	is_int(http_parse_url("http://10.0.2.2?q", &u), HTTP_URL_OK, "a query without a path");
	is_str(u.path, "/?q", "... gets a / before it");
}

static int
response(const char *s, struct http_response *r)
{
	size_t len;
	char *b = exact(s, &len);
	int rc = http_parse_response(b, len, r);

	free(b);
	return rc;
}

static void
test_responses(void)
{
	static const char *bad[] = {
		"", "HTTP/1.1\r\n\r\n", "HTTP/1.1 20\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n",
		"HTTP/1.1 099 Low\r\n\r\n", "HTTP/1.1  200 OK\r\n\r\n", "HTTQ/1.1 200 OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
		"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
	};
	struct http_response r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(response(bad[i], &r), -1, "malformed response %zu is refused", i);
	is_int(response("HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6\r\nContent-Length: 42\r\n\r\n", &r),
	       0, "python's http.server's head parses");
	ok(r.status == 200 && r.length == 42 && !r.chunked && r.close, "... 200, length 42, closes (1.0)");
	is_str(r.reason, "OK", "... reason OK");
	is_int(response("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\nContent-Length: 5\r\n\r\n", &r),
	       0, "chunked last, with a length too");
	ok(r.chunked && r.length == -1 && !r.close, "... chunked wins; 1.1 stays open");
	is_int(response("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", &r),
	       0, "404 with a repeated equal length");
	ok(r.status == 404 && r.close && r.length == 1, "... status, close and length");
	is_int(response("HTTP/1.1 301\r\nLocation: /dir/\r\n\r\n", &r), 0, "a status line without a reason");
	ok(r.status == 301 && strcmp(r.location, "/dir/") == 0 && r.length == -1, "... and its Location");
}

static void
test_chunks(void)
{
	static const char *bad[] = { "", "x", ";ext", "-1", "1 2", "1g", "10000000000000000" };
	uint64_t n = 0;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(http_chunk_size(bad[i], strlen(bad[i]), &n) == -1, "chunk size '%s' is refused", bad[i]);
	ok(http_chunk_size("1aF", 3, &n) == 0 && n == 0x1af, "hex in both cases");
	ok(http_chunk_size("0", 1, &n) == 0 && n == 0, "the last chunk");
	ok(http_chunk_size("10 ;name=value", 14, &n) == 0 && n == 16, "an extension is skipped");
	ok(http_chunk_size("fffffffffffffff", 15, &n) == 0 && n == 0xfffffffffffffffULL, "60 bits");
}

int
main(void)
{
	test_bad_requests();
	test_oversize();
	test_head_end();
	test_good_requests();
	test_types();
	test_quad();
	test_urls();
	test_responses();
	test_chunks();
	return done_testing();
}
