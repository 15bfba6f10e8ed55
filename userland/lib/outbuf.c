/* Buffered output that ends the program on a write error (see outbuf.h). */
#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <outbuf.h>

void
out_flush(struct outbuf *o)
{
	size_t n = o->used;

	o->used = 0;
	if (n > 0 && write_all(o->fd, o->buf, n) < 0)
		err(1, "write error");
}

void
out_write(struct outbuf *o, const void *p, size_t n)
{
	const char *s = p;

	if (n >= OUTBUF_SIZE) {		/* big pieces go out as they are */
		out_flush(o);
		if (write_all(o->fd, s, n) < 0)
			err(1, "write error");
		return;
	}
	if (n > OUTBUF_SIZE - o->used)
		out_flush(o);
	memcpy(o->buf + o->used, s, n);
	o->used += n;
}

void
out_puts(struct outbuf *o, const char *s)
{
	out_write(o, s, strlen(s));
}

void
out_printf(struct outbuf *o, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		out_write(o, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}
