/*
 * sleep: waits for the sum of its operands, each a decimal number of seconds ("0.5")
 * with an optional unit as GNU sleep has them: s, m (minutes), h (hours), d (days).
 * The kernel counts milliseconds; a wait is rounded up to the next one.
 */
#include <err.h>
#include <keel.h>
#include <stdio.h>
#include <unistd.h>

#define SLEEP_MAX_SECONDS	(100ULL * 365 * 24 * 3600)	/* a century is forever enough */

__attribute__((noreturn)) static void
usage_error(void)
{
	fprintf(stderr, "Try 'sleep --help' for more information.\n");
	_exit(1);
}

/* The length of the interval s in nanoseconds. */
static unsigned long long
parse_interval(const char *s)
{
	unsigned long long sec = 0, nsec = 0, unit = 1, scale = 100000000ULL;
	const char *p = s;
	int digits = 0;

	for (; *p >= '0' && *p <= '9'; p++, digits++)
		if ((sec = sec * 10 + (unsigned long long)(*p - '0')) > SLEEP_MAX_SECONDS)
			sec = SLEEP_MAX_SECONDS;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, digits++, scale /= 10)
			nsec += (unsigned long long)(*p - '0') * scale;
	switch (*p) {
	case 'd': unit *= 24;	/* fall through */
	case 'h': unit *= 60;	/* fall through */
	case 'm': unit *= 60;	/* fall through */
	case 's': p++; break;
	}
	if (digits == 0 || *p != '\0') {
		warnx("invalid time interval '%s'", s);
		usage_error();
	}
	if (sec * unit > SLEEP_MAX_SECONDS)
		return SLEEP_MAX_SECONDS * 1000000000ULL;
	return sec * unit * 1000000000ULL + nsec * unit;
}

int
main(int argc, char **argv)
{
	unsigned long long ns = 0;

	if (argc < 2) {
		warnx("missing operand");
		usage_error();
	}
	for (int i = 1; i < argc; i++) {
		ns += parse_interval(argv[i]);
		if (ns > SLEEP_MAX_SECONDS * 1000000000ULL)
			ns = SLEEP_MAX_SECONDS * 1000000000ULL;
	}
	if (sleep_ms((ns + 999999) / 1000000) < 0)
		err(1, "sleep_ms");
	return 0;
}
