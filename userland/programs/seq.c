/*
 * seq: prints numbers from FIRST (1) by INCREMENT (1) up to LAST, as GNU seq does:
 * with as many decimals as FIRST or INCREMENT has, -s STRING between the numbers
 * instead of a newline, -w padding them with zeros to GNU's common width. The operands
 * are decimals ("-2", "0.25", ".5"); there are no exponents, no hexadecimal and no -f.
 * The arithmetic is exact: integers scaled by a power of ten, so 0.1 steps do not drift.
 */
#include <err.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <outbuf.h>

#define SEQ_MAX_DIGITS	17	/* digits a scaled operand may have: twice that fits 64 bits */

struct operand {
	const char *text;
	long long value;	/* scaled by 10^decimals */
	int decimals;
	int width;		/* GNU's width of the operand as written, for -w */
};

static long long
power_of_ten(int n)
{
	long long p = 1;

	while (n-- > 0)
		p *= 10;
	return p;
}

__attribute__((noreturn)) static void
invalid(const char *what, const char *s)
{
	warnx("invalid %s: '%s'", what, s);
	fprintf(stderr, "Try 'seq --help' for more information.\n");
	_exit(1);
}

static void
parse(struct operand *op, const char *s)
{
	const char *p = s, *dot = NULL;
	int digits = 0;

	op->text = s;
	op->value = 0;
	op->decimals = 0;
	if (*p == '-' || *p == '+')
		p++;
	for (; *p != '\0'; p++) {
		if (*p == '.' && dot == NULL) {
			dot = p;
			continue;
		}
		if (*p < '0' || *p > '9' || ++digits > SEQ_MAX_DIGITS)
			invalid("floating point argument", s);
		op->value = op->value * 10 + (*p - '0');
		if (dot != NULL)
			op->decimals++;
	}
	if (digits == 0)
		invalid("floating point argument", s);
	if (*s == '-')
		op->value = -op->value;
	/* GNU seq: "5." is as wide as "5", ".5" and "-.5" as "0.5" and "-0.5". */
	op->width = (int)strlen(s);
	if (dot != NULL && dot[1] == '\0')
		op->width--;
	else if (dot != NULL && (dot == s || dot[-1] < '0' || dot[-1] > '9'))
		op->width++;
}

/*
 * The operand's value scaled to 10^decimals (decimals >= op->decimals). Values stay
 * below 10^SEQ_MAX_DIGITS, so that adding the increment cannot overflow.
 */
static long long
scaled(const struct operand *op, int decimals)
{
	long long factor = power_of_ten(decimals - op->decimals);

	if ((op->value < 0 ? -op->value : op->value) >= power_of_ten(SEQ_MAX_DIGITS) / factor)
		errx(1, "'%s': too many digits for this seq", op->text);
	return op->value * factor;
}

/* Appends v, scaled by 10^decimals, with that many decimals, zero-padded to width. */
static void
put_number(struct outbuf *out, long long v, int decimals, int width)
{
	unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	unsigned long long unit = (unsigned long long)power_of_ten(decimals);
	char digits[48];
	int n;

	if (decimals > 0)
		n = snprintf(digits, sizeof(digits), "%llu.%0*llu", mag / unit, decimals, mag % unit);
	else
		n = snprintf(digits, sizeof(digits), "%llu", mag);
	if (v < 0)
		out_write(out, "-", 1);
	for (int pad = width - n - (v < 0); pad > 0; pad--)
		out_write(out, "0", 1);
	out_write(out, digits, (size_t)n);
}

int
main(int argc, char **argv)
{
	struct operand first = { "1", 1, 0, 1 }, step = { "1", 1, 0, 1 }, last;
	const char *sep = "\n";
	bool equal_width = false;
	struct outbuf out = { .fd = STDOUT_FILENO };
	int c, n, decimals, scale, width = 0;
	long long x, inc, end;
	unsigned long count;

	/* Negative numbers are operands, not options: stop at "-" followed by a digit. */
	while (optind < argc && !(argv[optind][0] == '-' &&
	       ((argv[optind][1] >= '0' && argv[optind][1] <= '9') || argv[optind][1] == '.')) &&
	       (c = getopt(argc, argv, "s:w")) != -1) {
		switch (c) {
		case 's': sep = optarg; break;
		case 'w': equal_width = true; break;
		default:
			fprintf(stderr, "usage: seq [-w] [-s STRING] [FIRST [INCREMENT]] LAST\n");
			return 2;
		}
	}
	n = argc - optind;
	if (n < 1 || n > 3) {
		if (n < 1)
			warnx("missing operand");
		else
			warnx("extra operand '%s'", argv[optind + 3]);
		fprintf(stderr, "Try 'seq --help' for more information.\n");
		return 1;
	}
	parse(&last, argv[argc - 1]);
	if (n >= 2)
		parse(&first, argv[optind]);
	if (n == 3)
		parse(&step, argv[optind + 1]);
	if (step.value == 0)
		invalid("Zero increment value", step.text);

	decimals = first.decimals > step.decimals ? first.decimals : step.decimals;
	scale = decimals > last.decimals ? decimals : last.decimals;
	if (equal_width) {	/* GNU's rule, from the operands as they are written */
		int wf = first.width + (decimals - first.decimals) + (first.decimals == 0 && decimals);
		int wl = last.width + (decimals - last.decimals);

		if (last.decimals && decimals == 0)
			wl--;
		if (last.decimals == 0 && decimals)
			wl++;
		width = wf > wl ? wf : wl;
	}
	x = scaled(&first, scale);
	inc = scaled(&step, scale);
	end = scaled(&last, scale);
	for (count = 0; inc > 0 ? x <= end : x >= end; count++, x += inc) {
		if (count > 0)
			out_puts(&out, sep);
		put_number(&out, x / power_of_ten(scale - decimals), decimals, width);
	}
	if (count > 0)
		out_write(&out, "\n", 1);
	out_flush(&out);
	return 0;
}
