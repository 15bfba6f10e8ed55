/*
 * date: prints the time, from the kernel's real-time clock, in UTC (Keel has no time
 * zones), as GNU date prints it in the C locale: "Thu Mar  4 05:06:07 UTC 2021" by
 * default, or in a strftime FORMAT. -d @SECONDS prints that time instead of now.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DATE_DEFAULT_FORMAT	"%a %b %e %H:%M:%S %Z %Y"

static void
usage(void)
{
	fprintf(stderr, "usage: date [-u] [-d @SECONDS] [+FORMAT]\n");
	exit(2);
}

/* The seconds of "@SECONDS", or exits with GNU's message for anything else. */
static time_t
parse_when(const char *s)
{
	char *end;
	long long v;

	if (s[0] != '@')
		errx(1, "invalid date '%s' (only @SECONDS)", s);
	v = strtoll(s + 1, &end, 10);
	if (end == s + 1 || *end != '\0')
		errx(1, "invalid date '%s'", s);
	return (time_t)v;
}

int
main(int argc, char **argv)
{
	const char *format = DATE_DEFAULT_FORMAT;
	char out[1024];
	time_t when;
	int have_when = 0, c;
	struct tm tm;

	while ((c = getopt(argc, argv, "ud:")) != -1) {
		switch (c) {
		case 'u':	/* the only zone there is */
			break;
		case 'd':
			when = parse_when(optarg);
			have_when = 1;
			break;
		default:
			usage();
		}
	}
	if (optind < argc) {
		if (argv[optind][0] != '+' || optind + 1 < argc)
			usage();
		format = argv[optind] + 1;
	}
	if (!have_when && time(&when) == (time_t)-1)
		err(1, "cannot read the clock");
	gmtime_r(&when, &tm);
	if (strftime(out, sizeof out, format, &tm) == 0 && *format != '\0')
		errx(1, "the date does not fit in %zu bytes", sizeof out);
	puts(out);
	return 0;
}
