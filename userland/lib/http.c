/*
 * HTTP/1.1 heads and URLs for httpd and fetch (http.h). Nothing here reads or writes a
 * descriptor: the callers gather bytes, these functions judge them. Every loop is bounded
 * by the length it is given; nothing relies on a terminating NUL in the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http.h"

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
hex_value(int c)
{
	if (is_digit(c))
		return c - '0';
	c = lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* RFC 9110 5.6.2: tchar, the bytes of a token (a method, a field name). */
static int
is_tchar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
	       (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Case-insensitive comparison of s[0, len) with the NUL-terminated word. */
static int
same_word(const char *s, size_t len, const char *word)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (word[i] == '\0' || lower((unsigned char)s[i]) != lower((unsigned char)word[i]))
			return 0;
	return word[i] == '\0';
}

/* Whether the comma-separated list s[0, len) has the token word (RFC 9110 5.6.1). */
static int
list_has(const char *s, size_t len, const char *word)
{
	size_t i = 0;

	while (i < len) {
		size_t a, b;

		while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == ','))
			i++;
		a = i;
		while (i < len && s[i] != ',')
			i++;
		b = i;
		while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
			b--;
		if (b > a && same_word(s + a, b - a, word))
			return 1;
	}
	return 0;
}

/* The length of the line at s (up to len), its end (LF) excluded; *next past the LF. */
static size_t
line_len(const char *s, size_t len, size_t *next)
{
	const char *nl = memchr(s, '\n', len);
	size_t n;

	if (!nl) {
		*next = len;
		return len;
	}
	n = (size_t)(nl - s);
	*next = n + 1;
	return n > 0 && s[n - 1] == '\r' ? n - 1 : n;
}

size_t
http_head_end(const char *buf, size_t len)
{
	size_t i = 0;

	/* A head ends at the first empty line; a line ends at LF (CR before it optional). */
	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t n;

		if (!nl)
			return 0;
		n = (size_t)(nl - (buf + i));
		if (n == 0 || (n == 1 && buf[i] == '\r'))
			return i + n + 1;
		i += n + 1;
	}
	return 0;
}

int
http_oversize_status(const char *buf, size_t len)
{
	return memchr(buf, '\n', len) ? 431 : 414;
}

/* Unsigned decimal of s[0, len): at most max, no sign. Returns 0, or -1. */
static int
decimal(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (!is_digit(s[i]) || v > (max - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* "HTTP/1.x" (RFC 9112 2.3) in s[0, len): sets *minor. Returns 0, -1 malformed, -2 not 1.x. */
static int
version(const char *s, size_t len, int *minor)
{
	if (len != 8 || memcmp(s, "HTTP/", 5) != 0 || !is_digit(s[5]) || s[6] != '.' ||
	    !is_digit(s[7]))
		return -1;
	if (s[5] != '1')
		return -2;
	*minor = s[7] - '0';
	return 0;
}

/*
 * Decodes an origin-form target (RFC 9112 3.2.1: absolute-path [ "?" query ]) into out,
 * percent escapes undone (RFC 3986 2.1), the query dropped. A segment that is ".." after
 * decoding is refused rather than resolved: the server never looks above its directory.
 * A decoded NUL is refused too. Returns 0, 400 or 414.
 */
static int
decode_path(const char *s, size_t len, char *out, size_t size)
{
	size_t o = 0, seg = 0;

	if (len == 0 || s[0] != '/')
		return 400;
	for (size_t i = 0; i < len && s[i] != '?' && s[i] != '#'; i++) {
		int c = (unsigned char)s[i];

		if (c <= ' ' || c >= 0x7f)
			return 400;
		if (c == '%') {
			int h, l;

			if (i + 2 >= len)
				return 400;
			h = hex_value(s[i + 1]);
			l = hex_value(s[i + 2]);
			if (h < 0 || l < 0)
				return 400;
			c = h * 16 + l;
			if (c == 0)
				return 400;
			i += 2;
		}
		if (o + 1 >= size)
			return 414;
		if (c == '/') {
			if (o - seg == 2 && out[seg] == '.' && out[seg + 1] == '.')
				return 400;
			seg = o + 1;
		}
		out[o++] = (char)c;
	}
	if (o - seg == 2 && out[seg] == '.' && out[seg + 1] == '.')
		return 400;
	out[o] = '\0';
	return 0;
}

/* The request line (RFC 9112 3): method SP request-target SP HTTP-version. */
/*
 * Splits the n-byte field line f into name and value (RFC 9112 5.1: no whitespace before
 * the colon, a token for the name; 2.2: none before a first field; the value without the
 * whitespace around it). Returns the colon, with *v and *vlen the value, or NULL.
 */
static const char *
split_field(const char *f, size_t n, const char **v, size_t *vlen)
{
	const char *colon = memchr(f, ':', n);

	if (!colon || colon == f)
		return NULL;
	for (const char *p = f; p < colon; p++)
		if (!is_tchar((unsigned char)*p))
			return NULL;
	*v = colon + 1;
	*vlen = n - (size_t)(*v - f);
	while (*vlen && (**v == ' ' || **v == '\t'))
		(*v)++, (*vlen)--;
	while (*vlen && ((*v)[*vlen - 1] == ' ' || (*v)[*vlen - 1] == '\t'))
		(*vlen)--;
	return colon;
}

static int
parse_request_line(const char *s, size_t len, struct http_request *r)
{
	const char *sp1 = memchr(s, ' ', len), *sp2, *target;
	size_t mlen, tlen;
	int v;

	/* The method as sent, even when it is bad, for the log; bytes a log should not hold as '?'. */
	mlen = sp1 ? (size_t)(sp1 - s) : len;
	if (mlen >= sizeof(r->method_name))
		mlen = sizeof(r->method_name) - 1;
	for (size_t i = 0; i < mlen; i++)
		r->method_name[i] = s[i] > ' ' && s[i] < 0x7f ? s[i] : '?';
	r->method_name[mlen] = '\0';
	if (!sp1 || sp1 == s)
		return 400;
	mlen = (size_t)(sp1 - s);
	for (size_t i = 0; i < mlen; i++)
		if (!is_tchar((unsigned char)s[i]))
			return 400;
	target = sp1 + 1;
	sp2 = memchr(target, ' ', len - (size_t)(target - s));
	if (!sp2 || sp2 == target)
		return 400;
	tlen = (size_t)(sp2 - target);
	v = version(sp2 + 1, len - (size_t)(sp2 + 1 - s), &r->minor);
	if (v == -1)
		return 400;
	if (v == -2)
		return 505;
	/* Methods are case-sensitive (RFC 9110 9.1): "get" is not GET. */
	if (sp1 - s == 3 && memcmp(s, "GET", 3) == 0)
		r->method = HTTP_GET;
	else if (sp1 - s == 4 && memcmp(s, "HEAD", 4) == 0)
		r->method = HTTP_HEAD;
	else
		r->method = HTTP_OTHER;
	/* RFC 9112 3.2.2: a server must take the absolute form too; its host is ignored. */
	if (tlen > 7 && same_word(target, 7, "http://")) {
		const char *slash = memchr(target + 7, '/', tlen - 7);

		if (!slash)
			return decode_path("/", 1, r->path, sizeof(r->path));
		tlen -= (size_t)(slash - target);
		target = slash;
	}
	if (tlen >= HTTP_PATH_MAX)
		return 414;
	return decode_path(target, tlen, r->path, sizeof(r->path));
}

int
http_parse_request(const char *buf, size_t len, struct http_request *r)
{
	size_t n, next, i = 0;
	int status, host = 0, conn_close = 0, conn_keep = 0;

	memset(r, 0, sizeof(*r));
	/* RFC 9112 2.2: empty lines before the request line are ignored. */
	while (i < len && (buf[i] == '\r' || buf[i] == '\n'))
		i++;
	n = line_len(buf + i, len - i, &next);
	if ((status = parse_request_line(buf + i, n, r)) != 0)
		return status;
	i += next;
	for (;;) {
		const char *f = buf + i, *colon, *v;
		size_t vlen;

		n = line_len(f, len - i, &next);
		if (n == 0)
			break;
		i += next;
		if (!(colon = split_field(f, n, &v, &vlen)))
			return 400;
		for (size_t k = 0; k < vlen; k++)
			if (v[k] == '\r' || v[k] == '\0')
				return 400;
		if (same_word(f, (size_t)(colon - f), "host")) {
			if (host++)
				return 400;	/* RFC 9112 3.2: more than one Host */
		} else if (same_word(f, (size_t)(colon - f), "connection")) {
			conn_close |= list_has(v, vlen, "close");
			conn_keep |= list_has(v, vlen, "keep-alive");
		} else if (same_word(f, (size_t)(colon - f), "content-length")) {
			uint64_t cl;

			if (decimal(v, vlen, UINT64_MAX, &cl) != 0)
				return 400;	/* RFC 9112 6.3, item 5 */
			if (cl > 0)
				r->has_body = 1;
		} else if (same_word(f, (size_t)(colon - f), "transfer-encoding")) {
			return 501;	/* RFC 9112 6.1: no request bodies are taken */
		}
	}
	if (r->minor >= 1 && !host)
		return 400;	/* RFC 9112 3.2 */
	/* RFC 9112 9.3: 1.1 persists unless "close"; 1.0 only with "keep-alive". */
	r->keep_alive = r->minor >= 1 ? !conn_close : conn_keep && !conn_close;
	return 0;
}

const char *
http_reason(int status)
{
	static const struct {
		int status;
		const char *reason;
	} reasons[] = {
		{ 200, "OK" }, { 301, "Moved Permanently" }, { 400, "Bad Request" },
		{ 403, "Forbidden" }, { 404, "Not Found" }, { 405, "Method Not Allowed" },
		{ 408, "Request Timeout" }, { 414, "URI Too Long" },
		{ 431, "Request Header Fields Too Large" }, { 500, "Internal Server Error" },
		{ 501, "Not Implemented" }, { 503, "Service Unavailable" },
		{ 505, "HTTP Version Not Supported" },
	};

	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].status == status)
			return reasons[i].reason;
	return "Unknown";
}

const char *
http_content_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ "html", "text/html" }, { "htm", "text/html" }, { "txt", "text/plain" },
		{ "css", "text/css" }, { "js", "text/javascript" }, { "json", "application/json" },
		{ "png", "image/png" }, { "jpg", "image/jpeg" }, { "jpeg", "image/jpeg" },
		{ "gif", "image/gif" }, { "svg", "image/svg+xml" }, { "md", "text/markdown" },
	};
	const char *slash = strrchr(name, '/'), *dot = strrchr(slash ? slash : name, '.');

	if (dot && dot[1] != '\0')
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (same_word(dot + 1, strlen(dot + 1), types[i].ext))
				return types[i].type;
	return "application/octet-stream";
}

int
http_parse_quad(const char *s, size_t len, uint32_t *addr)
{
	uint32_t a = 0;
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		size_t start = i;
		uint64_t v;

		while (i < len && is_digit(s[i]) && i - start < 4)
			i++;
		if (i - start > 3 || decimal(s + start, i - start, 255, &v) != 0)
			return -1;
		a = a << 8 | (uint32_t)v;
		if (part < 3) {
			if (i >= len || s[i] != '.')
				return -1;
			i++;
		}
	}
	if (i != len)
		return -1;
	*addr = a;
	return 0;
}

/* RFC 9110 4.2.1: http://host[:port][/path]; RFC 3986 3.2.2 for the host's bytes. */
int
http_parse_url(const char *url, struct http_url *u)
{
	const char *h, *end, *colon;
	size_t hlen, plen;
	uint64_t port = 80;

	memset(u, 0, sizeof(*u));
	if (strlen(url) < 7 || !same_word(url, 7, "http://"))
		return HTTP_URL_SCHEME;
	h = url + 7;
	end = h + strcspn(h, "/?#");
	colon = memchr(h, ':', (size_t)(end - h));
	hlen = (size_t)((colon ? colon : end) - h);
	if (hlen == 0 || hlen >= sizeof(u->host) || memchr(h, '@', (size_t)(end - h)))
		return HTTP_URL_SYNTAX;
	for (size_t i = 0; i < hlen; i++)
		if (!(is_digit(h[i]) || (lower(h[i]) >= 'a' && lower(h[i]) <= 'z') ||
		      h[i] == '.' || h[i] == '-'))
			return HTTP_URL_SYNTAX;
	memcpy(u->host, h, hlen);
	u->host[hlen] = '\0';
	if (colon && (decimal(colon + 1, (size_t)(end - colon - 1), 65535, &port) != 0 ||
		      port == 0))
		return HTTP_URL_PORT;
	u->port = (uint16_t)port;
	if (http_parse_quad(h, hlen, &u->addr) != 0)
		return HTTP_URL_NAME;
	/* The path goes out as it is written, query included; a fragment never goes. */
	plen = strcspn(end, "#");
	if (plen + 2 > sizeof(u->path))
		return HTTP_URL_SYNTAX;
	if (*end != '/')
		u->path[0] = '/';
	memcpy(u->path + (*end != '/'), end, plen);
	for (const char *p = u->path; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return HTTP_URL_SYNTAX;
	return HTTP_URL_OK;
}

/* The status line (RFC 9112 4): HTTP-version SP 3DIGIT SP [ reason-phrase ]. */
static int
parse_status_line(const char *s, size_t len, struct http_response *r)
{
	uint64_t status;
	size_t rl;

	if (len < 12 || s[8] != ' ' || version(s, 8, &r->minor) != 0 ||
	    decimal(s + 9, 3, 999, &status) != 0 || status < 100 || (len > 12 && s[12] != ' '))
		return -1;
	r->status = (int)status;
	rl = len > 13 ? len - 13 : 0;
	if (rl >= sizeof(r->reason))
		rl = sizeof(r->reason) - 1;
	memcpy(r->reason, s + 13, rl);
	r->reason[rl] = '\0';
	return 0;
}

int
http_parse_response(const char *buf, size_t len, struct http_response *r)
{
	size_t n, next, i;
	int conn_close = 0, conn_keep = 0, lengths = 0;

	memset(r, 0, sizeof(*r));
	r->length = -1;
	n = line_len(buf, len, &next);
	if (parse_status_line(buf, n, r) != 0)
		return -1;
	for (i = next; i < len; i += next) {
		const char *f = buf + i, *colon, *v;
		size_t vlen;

		n = line_len(f, len - i, &next);
		if (n == 0)
			break;
		if (!(colon = split_field(f, n, &v, &vlen)))
			return -1;
		if (same_word(f, (size_t)(colon - f), "content-length")) {
			uint64_t cl;

			/* RFC 9112 6.3, item 5: an invalid or second, different length is fatal. */
			if (decimal(v, vlen, INT64_MAX, &cl) != 0 ||
			    (lengths++ && (int64_t)cl != r->length))
				return -1;
			r->length = (int64_t)cl;
		} else if (same_word(f, (size_t)(colon - f), "transfer-encoding")) {
			/* RFC 9112 6.3, item 4: chunked must be the last coding. */
			size_t k = vlen;

			while (k > 0 && v[k - 1] != ',')
				k--;
			while (k < vlen && (v[k] == ' ' || v[k] == '\t'))
				k++;
			if (!same_word(v + k, vlen - k, "chunked"))
				return -1;
			r->chunked = 1;
		} else if (same_word(f, (size_t)(colon - f), "connection")) {
			conn_close |= list_has(v, vlen, "close");
			conn_keep |= list_has(v, vlen, "keep-alive");
		} else if (same_word(f, (size_t)(colon - f), "location")) {
			size_t l = vlen < sizeof(r->location) ? vlen : sizeof(r->location) - 1;

			memcpy(r->location, v, l);
			r->location[l] = '\0';
		}
	}
	if (r->chunked)
		r->length = -1;		/* RFC 9112 6.3, item 3: chunked wins over a length */
	r->close = r->minor >= 1 ? conn_close : !conn_keep || conn_close;
	return 0;
}

int
http_chunk_size(const char *line, size_t len, uint64_t *size)
{
	uint64_t v = 0;
	size_t i = 0;

	while (i < len && hex_value(line[i]) >= 0) {
		if (v >> 56)
			return -1;	/* beyond 2^60: no file here is that large */
		v = v * 16 + (uint64_t)hex_value(line[i]);
		i++;
	}
	if (i == 0)
		return -1;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i < len && line[i] != ';')
		return -1;
	*size = v;
	return 0;
}
