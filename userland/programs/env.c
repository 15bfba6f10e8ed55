/*
 * env: prints the environment, or runs a program in a changed one.
 *
 *	env [-i] [-u NAME]... [NAME=VALUE]... [COMMAND [ARG]...]
 *
 * -i (or a lone -) starts from an empty environment, -u removes NAME, and each NAME=VALUE
 * is set, in that order. Without COMMAND the result is printed, a NAME=VALUE line each;
 * with it, env becomes COMMAND (execve: same pid, same descriptors). A COMMAND without a
 * slash is /bin/COMMAND, as the shell finds it (Keel has no PATH search). The status is
 * the command's, or GNU env's: 125 when env itself fails, 126 when COMMAND cannot run,
 * 127 when it does not exist.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <keel/fs.h>

#define ENV_FAILED	125
#define ENV_CANNOT_RUN	126
#define ENV_NOT_FOUND	127

static void
usage(void)
{
	fprintf(stderr, "usage: env [-i] [-u NAME]... [NAME=VALUE]... [COMMAND [ARG]...]\n");
	exit(ENV_FAILED);
}

/* Sets "NAME=VALUE" (assignment points at it). Exits with 125 when it cannot. */
static void
assign(char *assignment)
{
	char *eq = strchr(assignment, '=');
	int r;

	*eq = '\0';
	r = setenv(assignment, eq + 1, 1);
	*eq = '=';
	if (r < 0) {
		warn("cannot set '%s'", assignment);
		exit(ENV_FAILED);
	}
}

/* Prints the environment, a line each. Returns 0, or -1 when the output failed. */
static int
print_environment(void)
{
	for (char **e = environ; e != NULL && *e != NULL; e++)
		if (printf("%s\n", *e) < 0)
			return -1;
	return 0;
}

/* Runs argv in place of env; returns only to exit with its failure status. */
static int
run(char **argv)
{
	char path[KEEL_PATH_MAX + 1];
	const char *name = argv[0];

	if (strchr(name, '/') == NULL) {
		if ((size_t)snprintf(path, sizeof(path), "/bin/%s", name) >= sizeof(path)) {
			warnx("'%s': %s", name, strerror(ENAMETOOLONG));
			return ENV_NOT_FOUND;
		}
		name = path;
	}
	execve(name, argv, environ);
	warnx("'%s': %s", argv[0], strerror(errno));
	return errno == ENOENT ? ENV_NOT_FOUND : ENV_CANNOT_RUN;
}

int
main(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "iu:")) != -1) {
		switch (c) {
		case 'i':
			clearenv();
			break;
		case 'u':
			if (unsetenv(optarg) < 0) {
				warn("cannot unset '%s'", optarg);
				return ENV_FAILED;
			}
			break;
		default:
			usage();
		}
	}
	if (optind < argc && strcmp(argv[optind], "-") == 0) {
		clearenv();
		optind++;
	}
	for (; optind < argc && strchr(argv[optind], '=') != NULL; optind++)
		assign(argv[optind]);
	if (optind == argc) {
		if (print_environment() < 0) {
			warn("write error");
			return ENV_FAILED;
		}
		return 0;
	}
	return run(argv + optind);
}
