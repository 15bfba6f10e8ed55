/*
 * printf and friends over file descriptors. Output is gathered in a buffer on the stack
 * and written when it fills and at the end of each call, so one printf is usually one
 * write and nothing is ever left unwritten (see stdio.h).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <keel/format.h>

static FILE files[3] = { { STDIN_FILENO }, { STDOUT_FILENO }, { STDERR_FILENO } };
FILE *const stdin = &files[0];
FILE *const stdout = &files[1];
FILE *const stderr = &files[2];

#define STDIO_CHUNK	256

struct fdout {
	int fd;
	int failed;
	size_t used;
	char buf[STDIO_CHUNK];
};

static void
fdout_flush(struct fdout *o)
{
	if (o->used > 0 && write_all(o->fd, o->buf, o->used) < 0)
		o->failed = 1;
	o->used = 0;
}

static void
fdout_put(void *ctx, const char *s, size_t n)
{
	struct fdout *o = ctx;

	while (n > 0) {
		size_t room = sizeof(o->buf) - o->used, k = n < room ? n : room;

		memcpy(o->buf + o->used, s, k);
		o->used += k;
		s += k;
		n -= k;
		if (o->used == sizeof(o->buf))
			fdout_flush(o);
	}
}

int
vdprintf(int fd, const char *fmt, va_list ap)
{
	struct fdout o = { .fd = fd };
	int n = format(fdout_put, &o, fmt, ap);

	fdout_flush(&o);
	return o.failed ? -1 : n;
}

int vfprintf(FILE *f, const char *fmt, va_list ap) { return vdprintf(f->fd, fmt, ap); }
int vprintf(const char *fmt, va_list ap) { return vdprintf(STDOUT_FILENO, fmt, ap); }

int
vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return format_buffer(buf, size, fmt, ap);
}

int
printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vdprintf(STDOUT_FILENO, fmt, ap);
	va_end(ap);
	return n;
}

int
fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vdprintf(f->fd, fmt, ap);
	va_end(ap);
	return n;
}

int
dprintf(int fd, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vdprintf(fd, fmt, ap);
	va_end(ap);
	return n;
}

int
snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_buffer(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int
fputs(const char *s, FILE *f)
{
	return write_all(f->fd, s, strlen(s)) < 0 ? EOF : 0;
}

int
puts(const char *s)
{
	return printf("%s\n", s) < 0 ? EOF : 0;
}

int
fputc(int c, FILE *f)
{
	unsigned char b = (unsigned char)c;

	return write_all(f->fd, &b, 1) < 0 ? EOF : b;
}

int
putchar(int c)
{
	return fputc(c, stdout);
}
