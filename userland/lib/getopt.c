/* getopt(3) as POSIX has it, options clustered ("-la") or one by one (see getopt.h). */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

char *optarg;
int optind = 1, opterr = 1, optopt;

static int next_char = 1;	/* where in argv[optind] the next letter is */

int
getopt(int argc, char *const argv[], const char *optstring)
{
	const char *arg, *spec;
	int c;

	optarg = NULL;
	if (optind >= argc || (arg = argv[optind])[0] != '-' || arg[1] == '\0')
		return -1;
	if (strcmp(arg, "--") == 0) {
		optind++;
		return -1;
	}
	c = (unsigned char)arg[next_char++];
	spec = c != ':' ? strchr(optstring, c) : NULL;
	if (arg[next_char] == '\0') {
		optind++;
		next_char = 1;
	}
	if (spec == NULL) {
		optopt = c;
		if (opterr)
			fprintf(stderr, "%s: unknown option -%c\n", progname, c);
		return '?';
	}
	if (spec[1] == ':') {
		if (next_char > 1) {		/* "-ovalue" */
			optarg = (char *)arg + next_char;
			optind++;
			next_char = 1;
		} else if (optind < argc) {	/* "-o value" */
			optarg = argv[optind++];
		} else {
			optopt = c;
			if (opterr)
				fprintf(stderr, "%s: option -%c needs an argument\n", progname, c);
			return '?';
		}
	}
	return c;
}
