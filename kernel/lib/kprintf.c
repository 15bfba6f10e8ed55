/*
 * Formatted output for the kernel: ksnprintf into a buffer and kprintf to the console.
 *
 * Both run the same formatter, which hands its output a byte at a time to a small "out"
 * structure. For ksnprintf that structure is the caller's buffer; for kprintf it is a
 * 128-byte buffer on the stack that is passed to console_write() each time it fills, so
 * output of any length comes out whole without allocating and without a large frame.
 *
 * Where lib.h is silent, C99 7.19.6.1 decides: %.0d of 0 prints no digits, '0' is ignored
 * with '-' or a precision, a negative '*' width means '-'. The flags ' ' and '+', and
 * floating point, are not supported: such a conversion is copied out as it stands.
 */
#include <limits.h>
#include <lib.h>
#include <console.h>

/* Where formatted bytes go. */
struct out {
	char *buf;
	size_t cap;		/* bytes buf can hold (for ksnprintf, not counting the NUL) */
	size_t len;		/* bytes in buf now */
	size_t total;		/* bytes produced so far, including those that did not fit */
	void (*flush)(struct out *);	/* empties buf when full; NULL to drop what overflows */
};

/* One conversion specification, as parsed from the format. */
struct spec {
	bool left;		/* '-': pad on the right */
	bool zero;		/* '0': pad numbers with zeros */
	bool alt;		/* '#': 0x before a nonzero %x, 0X before a nonzero %X */
	int width;		/* the least bytes to produce; 0 for none */
	int prec;		/* -1 for none */
	enum { SZ_INT, SZ_CHAR, SZ_SHORT, SZ_LONG, SZ_LLONG, SZ_SIZE } size;
};

/* Enough for the 20 decimal digits of ULLONG_MAX. */
#define DIGITS_MAX	24

/* kprintf's buffer: small, because kernel stacks are 16 KiB. */
#define KPRINTF_CHUNK	128

static void
out_putc(struct out *o, char c)
{
	if (o->len == o->cap && o->flush != NULL)
		o->flush(o);
	if (o->len < o->cap)
		o->buf[o->len++] = c;
	o->total++;
}

static void
out_repeat(struct out *o, char c, int n)
{
	while (n-- > 0)
		out_putc(o, c);
}

static void
out_bytes(struct out *o, const char *s, size_t n)
{
	while (n-- > 0)
		out_putc(o, *s++);
}

/*
 * Reads a decimal number at *fmt, saturating instead of overflowing; a width of two
 * thousand million spaces is the caller's own business, undefined behaviour is not.
 */
static int
parse_num(const char **fmt)
{
	int n = 0;

	while (**fmt >= '0' && **fmt <= '9') {
		int d = *(*fmt)++ - '0';

		n = n > (INT_MAX - d) / 10 ? INT_MAX : n * 10 + d;
	}
	return n;
}

/*
 * Writes a number: an optional '-' or "0x" prefix, zeros up to the precision, the digits,
 * and padding up to the width.
 */
static void
emit_number(struct out *o, const struct spec *sp, unsigned long long v, bool neg,
    unsigned base, bool upper, const char *prefix)
{
	const char *xdigits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char digits[DIGITS_MAX];
	int nd = 0, nprefix = 0, zeros, pad;

	/* C99 7.19.6.1: a zero value with a precision of zero prints no digits. */
	if (v != 0 || sp->prec != 0) {
		do {
			digits[DIGITS_MAX - 1 - nd++] = xdigits[v % base];
			v /= base;
		} while (v != 0);
	}
	if (neg)
		prefix = "-";
	while (prefix != NULL && prefix[nprefix] != '\0')
		nprefix++;

	zeros = sp->prec > nd ? sp->prec - nd : 0;
	pad = sp->width - nprefix - zeros - nd;
	if (pad < 0)
		pad = 0;
	/* As in C, '0' is ignored with '-' or with a precision. */
	if (sp->zero && !sp->left && sp->prec < 0) {
		zeros += pad;
		pad = 0;
	}

	if (!sp->left)
		out_repeat(o, ' ', pad);
	out_bytes(o, prefix, (size_t)nprefix);
	out_repeat(o, '0', zeros);
	out_bytes(o, digits + DIGITS_MAX - nd, (size_t)nd);
	if (sp->left)
		out_repeat(o, ' ', pad);
}

/* Writes n bytes of s padded with spaces to the width. */
static void
emit_text(struct out *o, const struct spec *sp, const char *s, size_t n)
{
	int pad = 0;

	if (sp->width > 0 && (size_t)sp->width > n)
		pad = sp->width - (int)n;
	if (!sp->left)
		out_repeat(o, ' ', pad);
	out_bytes(o, s, n);
	if (sp->left)
		out_repeat(o, ' ', pad);
}

static long long
arg_signed(va_list *ap, int size)
{
	switch (size) {
	case SZ_CHAR:	return (signed char)va_arg(*ap, int);
	case SZ_SHORT:	return (short)va_arg(*ap, int);
	case SZ_LONG:	return va_arg(*ap, long);
	case SZ_LLONG:	return va_arg(*ap, long long);
	case SZ_SIZE:	return (long long)va_arg(*ap, size_t);	/* the signed size_t */
	default:	return va_arg(*ap, int);
	}
}

static unsigned long long
arg_unsigned(va_list *ap, int size)
{
	switch (size) {
	case SZ_CHAR:	return (unsigned char)va_arg(*ap, unsigned int);
	case SZ_SHORT:	return (unsigned short)va_arg(*ap, unsigned int);
	case SZ_LONG:	return va_arg(*ap, unsigned long);
	case SZ_LLONG:	return va_arg(*ap, unsigned long long);
	case SZ_SIZE:	return va_arg(*ap, size_t);
	default:	return va_arg(*ap, unsigned int);
	}
}

/*
 * Parses the flags, width, precision and size of the conversion after a '%', leaving *fmt
 * at the conversion character.
 */
static void
parse_spec(const char **fmt, struct spec *sp, va_list *ap)
{
	const char *f = *fmt;

	sp->left = sp->zero = sp->alt = false;
	sp->width = 0;
	sp->prec = -1;
	sp->size = SZ_INT;

	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == '#')
			sp->alt = true;
		else
			break;
	}
	if (*f == '*') {
		f++;
		sp->width = va_arg(*ap, int);
		/* C99 7.19.6.1: a negative width argument is a '-' flag and a positive width. */
		if (sp->width < 0) {
			sp->left = true;
			sp->width = sp->width == INT_MIN ? INT_MAX : -sp->width;
		}
	} else {
		sp->width = parse_num(&f);
	}
	if (*f == '.') {
		f++;
		if (*f == '*') {
			f++;
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0)
				sp->prec = -1;	/* as if no precision were given */
		} else {
			sp->prec = parse_num(&f);
		}
	}
	if (f[0] == 'h' && f[1] == 'h') {
		sp->size = SZ_CHAR;
		f += 2;
	} else if (f[0] == 'h') {
		sp->size = SZ_SHORT;
		f++;
	} else if (f[0] == 'l' && f[1] == 'l') {
		sp->size = SZ_LLONG;
		f += 2;
	} else if (f[0] == 'l') {
		sp->size = SZ_LONG;
		f++;
	} else if (f[0] == 'z') {
		sp->size = SZ_SIZE;
		f++;
	}
	*fmt = f;
}

/* Formats fmt with the arguments in ap into o; the heart of every function here. */
static void
format(struct out *o, const char *fmt, va_list ap0)
{
	struct spec sp;
	const char *start, *s;
	va_list ap;
	unsigned long long u;
	long long v;
	char c;

	/* A va_list parameter cannot portably be passed on by address; a copy can. */
	va_copy(ap, ap0);
	while (*fmt != '\0') {
		if (*fmt != '%') {
			out_putc(o, *fmt++);
			continue;
		}
		start = fmt++;
		parse_spec(&fmt, &sp, &ap);
		switch (*fmt) {
		case 'd':
		case 'i':
			v = arg_signed(&ap, sp.size);
			/* Negating as unsigned is what makes INT_MIN and LLONG_MIN come out right. */
			emit_number(o, &sp, v < 0 ? -(unsigned long long)v : (unsigned long long)v,
			    v < 0, 10, false, NULL);
			break;
		case 'u':
			emit_number(o, &sp, arg_unsigned(&ap, sp.size), false, 10, false, NULL);
			break;
		case 'x':
		case 'X':
			u = arg_unsigned(&ap, sp.size);
			/* C99 7.19.6.1: '#' prefixes only a nonzero value. */
			emit_number(o, &sp, u, false, 16, *fmt == 'X', !sp.alt || u == 0 ? NULL :
			    *fmt == 'X' ? "0X" : "0x");
			break;
		case 'p':
			sp.prec = 16;
			sp.zero = false;
			emit_number(o, &sp, (uintptr_t)va_arg(ap, void *), false, 16, false, "0x");
			break;
		case 'c':
			c = (char)va_arg(ap, int);
			emit_text(o, &sp, &c, 1);
			break;
		case 's':
			s = va_arg(ap, const char *);
			if (s == NULL)
				s = "(null)";
			/* With a precision, s need not be NUL-terminated: read no further. */
			emit_text(o, &sp, s, sp.prec >= 0 ? strnlen(s, (size_t)sp.prec) :
			    strlen(s));
			break;
		case '%':
			out_putc(o, '%');
			break;
		default:
			/* Unknown, or the format ended inside the conversion: copy it as it is. */
			if (*fmt != '\0')
				fmt++;
			out_bytes(o, start, (size_t)(fmt - start));
			continue;
		}
		fmt++;
	}
	va_end(ap);
}

/* The printf family returns an int; a longer output reports INT_MAX. */
static int
clamp_total(size_t total)
{
	return total > INT_MAX ? INT_MAX : (int)total;
}

/*
 * Formats like C99 vsnprintf into buf, writing at most size bytes including the NUL.
 * Returns the length the whole output would have had. See lib.h for the conversions.
 */
int
kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {
		.buf = buf,
		.cap = size > 0 ? size - 1 : 0,
		.flush = NULL,
	};

	format(&o, fmt, ap);
	if (size > 0)
		buf[o.len] = '\0';
	return clamp_total(o.total);
}

/* As kvsnprintf, with the arguments inline. */
int
ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void
console_flush(struct out *o)
{
	console_write(o->buf, o->len);
	o->len = 0;
}

/*
 * Formats like kvsnprintf and writes the result to the console, in pieces of at most
 * KPRINTF_CHUNK bytes. Returns the number of bytes written.
 */
int
kvprintf(const char *fmt, va_list ap)
{
	char chunk[KPRINTF_CHUNK];
	struct out o = {
		.buf = chunk,
		.cap = sizeof(chunk),
		.flush = console_flush,
	};

	format(&o, fmt, ap);
	if (o.len > 0)
		console_flush(&o);
	return clamp_total(o.total);
}

/* As kvprintf, with the arguments inline. */
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
