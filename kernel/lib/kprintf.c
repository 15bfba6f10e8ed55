/*
 * The kernel's formatted output: ksnprintf into a buffer and kprintf to the output
 * function the console driver sets, both through the shared engine of keel/format.h.
 *
 * kprintf gathers the engine's pieces in a KPRINTF_CHUNK-byte buffer on the stack and
 * hands it on each time it fills, so output of any length comes out whole, in few calls,
 * without allocating and without a large frame (kernel stacks are 16 KiB).
 */
#include <lib.h>
#include <keel/format.h>

static void (*kprintf_output)(const char *s, size_t len);

void
kprintf_set_output(void (*write)(const char *s, size_t len))
{
	kprintf_output = write;
}

int
kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return format_buffer(buf, size, fmt, ap);
}

int
ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_buffer(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* kprintf's buffer between the engine and the output function. */
struct chunk {
	void (*write)(const char *s, size_t len);
	size_t used;
	char buf[KPRINTF_CHUNK];
};

static void
chunk_flush(struct chunk *c)
{
	if (c->used > 0 && c->write != NULL)
		c->write(c->buf, c->used);
	c->used = 0;
}

static void
chunk_put(void *ctx, const char *s, size_t n)
{
	struct chunk *c = ctx;

	while (n > 0) {
		size_t k = MIN(n, sizeof(c->buf) - c->used);

		memcpy(c->buf + c->used, s, k);
		c->used += k;
		s += k;
		n -= k;
		if (c->used == sizeof(c->buf))
			chunk_flush(c);
	}
}

int
kvprintf(const char *fmt, va_list ap)
{
	struct chunk c = { .write = kprintf_output };
	int n = format(chunk_put, &c, fmt, ap);

	chunk_flush(&c);
	return n;
}

int
kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}
