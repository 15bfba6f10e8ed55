/* Number conversion: strtol, strtoul and atoi, for the bases C allows (0 and 2 to 36). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

/* The value of the digit c, or 99 when c is none. */
static int
digit_value(int c)
{
	if (isdigit(c))
		return c - '0';
	if (isalpha(c))
		return tolower(c) - 'a' + 10;
	return 99;
}

/*
 * Converts the digits after optional blanks, sign and (for base 16 or 0) "0x", or "0" for
 * base 0's octal. Sets *neg, and errno to ERANGE when the magnitude passes limit, which
 * it then returns. *end gets the first byte not used, or s when there were no digits.
 */
static unsigned long
convert(const char *s, char **end, int base, unsigned long limit, int *neg)
{
	const char *p = s;
	unsigned long v = 0;
	int any = 0, over = 0, d;

	while (isspace((unsigned char)*p))
		p++;
	*neg = *p == '-';
	if (*p == '-' || *p == '+')
		p++;
	if ((base == 0 || base == 16) && p[0] == '0' && tolower(p[1]) == 'x' &&
	    digit_value((unsigned char)p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	for (; base >= 2 && base <= 36 && (d = digit_value((unsigned char)*p)) < base; p++) {
		any = 1;
		if (v > (limit - (unsigned long)d) / (unsigned long)base)
			over = 1;
		else
			v = v * (unsigned long)base + (unsigned long)d;
	}
	if (end != NULL)
		*end = (char *)(any ? p : s);
	if (over) {
		errno = ERANGE;
		return limit;
	}
	return v;
}

long
strtol(const char *s, char **end, int base)
{
	int neg;
	unsigned long limit = (unsigned long)1 << (sizeof(long) * 8 - 1);	/* |LONG_MIN| */
	unsigned long v = convert(s, end, base, limit, &neg);

	if (!neg && v == limit) {	/* LONG_MAX + 1 does not fit */
		errno = ERANGE;
		return (long)(limit - 1);
	}
	return neg ? (long)(0 - v) : (long)v;
}

unsigned long
strtoul(const char *s, char **end, int base)
{
	int neg;
	unsigned long v = convert(s, end, base, ~0UL, &neg);

	return neg ? 0 - v : v;
}

int
atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}
