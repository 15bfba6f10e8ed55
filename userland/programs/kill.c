/*
 * kill: ends processes with a signal, SIGTERM unless -SIGNAL or -s SIGNAL names another
 * (by number or name, with or without SIG). kill -l lists the names.
 */
#include <ctype.h>
#include <err.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	int number;
} signals[] = {
	{ "INT", SIGINT }, { "ILL", SIGILL }, { "BUS", SIGBUS }, { "FPE", SIGFPE },
	{ "KILL", SIGKILL }, { "SEGV", SIGSEGV }, { "TERM", SIGTERM },
};

#define NSIGNALS	(sizeof(signals) / sizeof(signals[0]))

/* Returns the signal that s names ("9", "KILL", "SIGKILL"), or -1. */
static int
signal_number(const char *s)
{
	char *end;
	long n;

	if (isdigit((unsigned char)*s)) {
		n = strtol(s, &end, 10);
		return *end == '\0' && n > 0 && n < 128 ? (int)n : -1;
	}
	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < NSIGNALS; i++)
		if (strcmp(s, signals[i].name) == 0)
			return signals[i].number;
	return -1;
}

static void
usage(void)
{
	errx(2, "usage: kill [-SIGNAL | -s SIGNAL] PID...  or  kill -l");
}

int
main(int argc, char **argv)
{
	int sig = SIGTERM, status = 0, i = 1;

	if (argc == 2 && strcmp(argv[1], "-l") == 0) {
		for (size_t k = 0; k < NSIGNALS; k++)
			printf("%2d %s\n", signals[k].number, signals[k].name);
		return 0;
	}
	if (i < argc && strcmp(argv[i], "-s") == 0) {
		if (++i == argc)
			usage();
		sig = signal_number(argv[i++]);
	} else if (i < argc && argv[i][0] == '-') {
		sig = signal_number(argv[i++] + 1);
	}
	if (sig < 0)
		errx(2, "%s: not a signal (kill -l lists them)", argv[i - 1]);
	if (i == argc)
		usage();
	for (; i < argc; i++) {
		char *end;
		long pid = strtol(argv[i], &end, 10);

		if (*argv[i] == '\0' || *end != '\0' || pid <= 0) {
			warnx("%s: not a process id", argv[i]);
			status = 1;
		} else if (kill((int)pid, sig) < 0) {
			warn("%ld", pid);
			status = 1;
		}
	}
	return status;
}
