/*
 * calc: evaluates one integer expression a line (+ - * / %, unary minus, parentheses),
 * parsing numbers by hand, and prints the value or what is wrong with the line.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

static const char *p;
static const char *error;

static long expr(void);

static void skip(void)
{
	while (*p == ' ' || *p == '\t')
		p++;
}

static long number(void)
{
	long v = 0;

	if (!isdigit((unsigned char)*p)) {
		error = "number expected";
		return 0;
	}
	while (isdigit((unsigned char)*p)) {
		int d = *p++ - '0';
		if (v > (LONG_MAX - d) / 10) {
			error = "number too large";
			return 0;
		}
		v = v * 10 + d;
	}
	return v;
}

static long factor(void)
{
	long v;

	skip();
	if (*p == '-') {
		p++;
		return -factor();
	}
	if (*p == '(') {
		p++;
		v = expr();
		skip();
		if (*p != ')') {
			if (!error)
				error = "')' expected";
			return 0;
		}
		p++;
		return v;
	}
	return number();
}

static long term(void)
{
	long v = factor();

	for (;;) {
		char op;
		long r;

		skip();
		op = *p;
		if (op != '*' && op != '/' && op != '%')
			return v;
		p++;
		r = factor();
		if (error)
			return 0;
		if (op != '*' && r == 0) {
			error = "division by zero";
			return 0;
		}
		v = op == '*' ? v * r : op == '/' ? v / r : v % r;
	}
}

static long expr(void)
{
	long v = term();

	for (;;) {
		skip();
		if (*p == '+') {
			p++;
			v += term();
		} else if (*p == '-') {
			p++;
			v -= term();
		} else {
			return v;
		}
		if (error)
			return 0;
	}
}

int main(void)
{
	char line[256];
	int n = 0;

	while (fgets(line, sizeof line, stdin) != NULL) {
		long v;

		line[strcspn(line, "\n")] = '\0';
		n++;
		p = line;
		error = NULL;
		v = expr();
		skip();
		if (!error && *p != '\0')
			error = "unexpected character";
		if (error)
			printf("%d: %s: error: %s at column %d\n", n, line, error, (int)(p - line) + 1);
		else
			printf("%d: %s = %ld\n", n, line, v);
	}
	return 0;
}
