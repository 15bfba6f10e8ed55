/*
 * The printf engine (keel/format.h) of the kernel, user space and the host tests: each
 * conversion is parsed into a struct spec, then printed as a number or as a string with
 * its padding. It calls nothing but its output function, so it can run anywhere, from an
 * interrupt handler to a panic.
 */
#include <stdbool.h>
#include <stdint.h>

#include <keel/format.h>

/*
 * int's limits, from the compiler itself: <limits.h> is not among the headers every gcc
 * provides without a C library (Debian's includes the system's).
 */
#define FMT_INT_MAX	__INT_MAX__
#define FMT_INT_MIN	(-__INT_MAX__ - 1)

enum size { SIZE_INT, SIZE_CHAR, SIZE_SHORT, SIZE_LONG, SIZE_LLONG, SIZE_SIZE, SIZE_MAX_T, SIZE_PTRDIFF };

struct spec {
	bool left, zero, plus, space, alt;	/* the flags - 0 + space # */
	int width;				/* 0: none */
	int prec;				/* -1: none */
	enum size size;
	char conv;
};

struct out {
	format_put_fn *put;
	void *ctx;
	size_t count;		/* bytes produced so far */
};

static void
emit(struct out *o, const char *s, size_t n)
{
	if (n > 0)
		o->put(o->ctx, s, n);
	o->count += n;
}

/* Emits n copies of c (nothing when n <= 0). */
static void
emit_repeat(struct out *o, char c, long long n)
{
	char chunk[16];

	for (int i = 0; i < (int)sizeof(chunk); i++)
		chunk[i] = c;
	for (; n > 0; n -= (long long)sizeof(chunk))
		emit(o, chunk, n < (long long)sizeof(chunk) ? (size_t)n : sizeof(chunk));
}

/*
 * Reads a decimal number at *fmt, moving past it, saturating at INT_MAX instead of
 * overflowing: a width of two thousand million spaces is the caller's business, undefined
 * behaviour is not.
 */
static int
parse_number(const char **fmt)
{
	int v = 0;

	while (**fmt >= '0' && **fmt <= '9') {
		int d = *(*fmt)++ - '0';

		v = v > (FMT_INT_MAX - d) / 10 ? FMT_INT_MAX : v * 10 + d;
	}
	return v;
}

/* Parses the conversion after a '%' at *fmt into *sp, taking * arguments from ap. */
static void
parse_spec(const char **fmt, struct spec *sp, va_list *ap)
{
	const char *f = *fmt;

	*sp = (struct spec){ .prec = -1 };
	for (;; f++) {
		if (*f == '-') sp->left = true;
		else if (*f == '0') sp->zero = true;
		else if (*f == '+') sp->plus = true;
		else if (*f == ' ') sp->space = true;
		else if (*f == '#') sp->alt = true;
		else break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {	/* C: a negative width is the - flag */
			sp->left = true;
			sp->width = sp->width == FMT_INT_MIN ? FMT_INT_MAX : -sp->width;
		}
		f++;
	} else {
		sp->width = parse_number(&f);
	}
	if (*f == '.') {
		f++;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0)
				sp->prec = -1;	/* C: as if there were none */
			f++;
		} else {
			sp->prec = parse_number(&f);
		}
	}
	switch (*f) {
	case 'h': sp->size = f[1] == 'h' ? SIZE_CHAR : SIZE_SHORT; f += f[1] == 'h' ? 2 : 1; break;
	case 'l': sp->size = f[1] == 'l' ? SIZE_LLONG : SIZE_LONG; f += f[1] == 'l' ? 2 : 1; break;
	case 'z': sp->size = SIZE_SIZE; f++; break;
	case 'j': sp->size = SIZE_MAX_T; f++; break;
	case 't': sp->size = SIZE_PTRDIFF; f++; break;
	default: break;
	}
	sp->conv = *f;
	*fmt = *f != '\0' ? f + 1 : f;
}

/* Takes a signed argument of the spec's size, widened. */
static intmax_t
arg_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->size) {
	case SIZE_CHAR: return (signed char)va_arg(*ap, int);
	case SIZE_SHORT: return (short)va_arg(*ap, int);
	case SIZE_LONG: return va_arg(*ap, long);
	case SIZE_LLONG: return va_arg(*ap, long long);
	case SIZE_SIZE: return va_arg(*ap, long);		/* ssize_t */
	case SIZE_MAX_T: return va_arg(*ap, intmax_t);
	case SIZE_PTRDIFF: return va_arg(*ap, long);		/* ptrdiff_t */
	default: return va_arg(*ap, int);
	}
}

static uintmax_t
arg_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->size) {
	case SIZE_CHAR: return (unsigned char)va_arg(*ap, unsigned);
	case SIZE_SHORT: return (unsigned short)va_arg(*ap, unsigned);
	case SIZE_LONG: return va_arg(*ap, unsigned long);
	case SIZE_LLONG: return va_arg(*ap, unsigned long long);
	case SIZE_SIZE: return va_arg(*ap, size_t);
	case SIZE_MAX_T: return va_arg(*ap, uintmax_t);
	case SIZE_PTRDIFF: return va_arg(*ap, unsigned long);
	default: return va_arg(*ap, unsigned);
	}
}

/*
 * Prints the magnitude v in base with the sign or prefix given, applying the precision
 * (least digits) and the width (least bytes, padded with spaces or, for the 0 flag without
 * a precision, with zeros after the prefix).
 */
static void
emit_number(struct out *o, const struct spec *sp, uintmax_t v, unsigned base,
	    const char *prefix)
{
	const char *digits = sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];		/* 2^64 in octal is 22 digits */
	int len = 0, zeros, plen = 0;
	long long pad;		/* wide enough for a width minus a precision of INT_MAX */

	while (v != 0) {
		buf[sizeof(buf) - 1 - len++] = digits[v % base];
		v /= base;
	}
	if (len == 0 && sp->prec != 0)
		buf[sizeof(buf) - 1 - len++] = '0';
	zeros = sp->prec > len ? sp->prec - len : 0;
	/* C: the # flag of %o raises the precision so that the first digit is a zero. */
	if (base == 8 && sp->alt && zeros == 0 && (len == 0 || buf[sizeof(buf) - len] != '0'))
		zeros = 1;
	while (prefix[plen] != '\0')
		plen++;
	pad = (long long)sp->width - plen - zeros - len;
	if (pad > 0 && sp->zero && !sp->left && sp->prec < 0) {
		zeros += (int)pad;	/* no precision: zeros is 0 or 1, pad below the width */
		pad = 0;
	}
	if (!sp->left)
		emit_repeat(o, ' ', pad);
	emit(o, prefix, (size_t)plen);
	emit_repeat(o, '0', zeros);
	emit(o, buf + sizeof(buf) - len, (size_t)len);
	if (sp->left)
		emit_repeat(o, ' ', pad);
}

/* Prints len bytes of s padded to the width. */
static void
emit_padded(struct out *o, const struct spec *sp, const char *s, size_t len)
{
	long long pad = (long long)sp->width - (long long)len;

	if (!sp->left)
		emit_repeat(o, ' ', pad);
	emit(o, s, len);
	if (sp->left)
		emit_repeat(o, ' ', pad);
}

static void
convert_signed(struct out *o, const struct spec *sp, va_list *ap)
{
	intmax_t v = arg_signed(sp, ap);
	uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;

	emit_number(o, sp, mag, 10, v < 0 ? "-" : sp->plus ? "+" : sp->space ? " " : "");
}

static void
convert_unsigned(struct out *o, const struct spec *sp, va_list *ap)
{
	uintmax_t v = arg_unsigned(sp, ap);
	const char *prefix = "";

	if (sp->conv == 'x' || sp->conv == 'X') {
		if (sp->alt && v != 0)
			prefix = sp->conv == 'x' ? "0x" : "0X";
		emit_number(o, sp, v, 16, prefix);
	} else {
		emit_number(o, sp, v, sp->conv == 'o' ? 8 : 10, prefix);
	}
}

static void
convert_string(struct out *o, const struct spec *sp, va_list *ap)
{
	const char *s = va_arg(*ap, const char *);
	size_t len = 0;

	if (s == NULL)
		s = "(null)";
	while ((sp->prec < 0 || len < (size_t)sp->prec) && s[len] != '\0')
		len++;
	emit_padded(o, sp, s, len);
}

/*
 * %p: "0x" and all 16 hex digits, NULL too, so that a column of addresses lines up and a
 * null pointer still reads as an address (keel/format.h). Only the width and '-' apply.
 */
static void
convert_pointer(struct out *o, const struct spec *sp, va_list *ap)
{
	uintptr_t v = (uintptr_t)va_arg(*ap, void *);
	struct spec hex = *sp;

	hex.conv = 'x';
	hex.prec = 2 * (int)sizeof(v);
	hex.zero = false;
	emit_number(o, &hex, v, 16, "0x");
}

int
format(format_put_fn *put, void *ctx, const char *fmt, va_list ap)
{
	struct out o = { put, ctx, 0 };
	struct spec sp;
	va_list args;

	va_copy(args, ap);
	while (*fmt != '\0') {
		const char *start = fmt, *pct = fmt;
		char c;

		while (*pct != '\0' && *pct != '%')
			pct++;
		emit(&o, start, (size_t)(pct - start));
		if (*pct == '\0')
			break;
		fmt = pct + 1;
		parse_spec(&fmt, &sp, &args);
		switch (sp.conv) {
		case 'd': case 'i': convert_signed(&o, &sp, &args); break;
		case 'u': case 'x': case 'X': case 'o': convert_unsigned(&o, &sp, &args); break;
		case 's': convert_string(&o, &sp, &args); break;
		case 'p': convert_pointer(&o, &sp, &args); break;
		case 'c':
			c = (char)va_arg(args, int);
			emit_padded(&o, &sp, &c, 1);
			break;
		case '%': emit(&o, "%", 1); break;
		default:	/* unknown, or the string ended inside the conversion */
			emit(&o, pct, (size_t)(fmt - pct));
			break;
		}
	}
	va_end(args);
	return o.count > FMT_INT_MAX ? FMT_INT_MAX : (int)o.count;
}

struct buffer {
	char *buf;
	size_t size, used;	/* used counts every byte, stored or not */
};

static void
buffer_put(void *ctx, const char *s, size_t n)
{
	struct buffer *b = ctx;

	for (size_t i = 0; i < n; i++, b->used++)
		if (b->used + 1 < b->size)	/* keep the last byte for the NUL */
			b->buf[b->used] = s[i];
}

int
format_buffer(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buffer b = { buf, size, 0 };
	int n = format(buffer_put, &b, fmt, ap);

	if (size > 0)
		buf[b.used < size ? b.used : size - 1] = '\0';
	return n;
}
