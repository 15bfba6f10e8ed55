/* Line-at-a-time input over read(2), with a buffer that grows (see linereader.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linereader.h>

void
lines_init(struct line_reader *r, int fd)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
}

void
lines_free(struct line_reader *r)
{
	free(r->buf);
	r->buf = NULL;
	r->cap = r->start = r->end = 0;
}

/*
 * Reads one more chunk after what is buffered, first moving the unreturned bytes to the
 * front and, when the buffer is full of them, doubling it. Returns 0 or -1 with errno.
 */
static int
lines_fill(struct line_reader *r)
{
	ssize_t n;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == r->cap) {
		size_t cap = r->cap > 0 ? r->cap * 2 : LINEREADER_CHUNK;
		char *p = cap > r->cap ? realloc(r->buf, cap) : NULL;

		if (p == NULL) {
			errno = ENOMEM;
			return -1;
		}
		r->buf = p;
		r->cap = cap;
	}
	do
		n = read(r->fd, r->buf + r->end, r->cap - r->end);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if (n == 0)
		r->eof = 1;
	r->end += (size_t)n;
	return 0;
}

ssize_t
lines_next(struct line_reader *r, char **line)
{
	size_t scanned = 0;	/* bytes already known to hold no newline */

	for (;;) {
		size_t avail = r->end - r->start;
		char *nl = avail > scanned ?
			memchr(r->buf + r->start + scanned, '\n', avail - scanned) : NULL;

		if (nl != NULL || (r->eof && avail > 0)) {
			size_t len = nl != NULL ? (size_t)(nl + 1 - (r->buf + r->start)) : avail;

			*line = r->buf + r->start;
			r->start += len;
			return (ssize_t)len;
		}
		if (r->eof)
			return 0;
		scanned = avail;
		if (lines_fill(r) < 0)
			return -1;
	}
}

ssize_t
read_all(int fd, char **data)
{
	struct line_reader r;

	lines_init(&r, fd);
	while (!r.eof) {	/* start stays 0: every byte is kept */
		if (lines_fill(&r) < 0) {
			lines_free(&r);
			return -1;
		}
	}
	*data = r.buf;
	return (ssize_t)r.end;
}
