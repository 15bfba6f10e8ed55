/* POSIX getopt: short options only, "ab:" style, stopping at the first operand or "--". */
#ifndef KEEL_USER_GETOPT_H
#define KEEL_USER_GETOPT_H

extern char *optarg;
extern int optind, opterr, optopt;

/*
 * Returns the next option letter of argv, '?' for an unknown one or one missing its
 * argument (after a message on stderr when opterr is set), or -1 when the options end.
 */
int getopt(int argc, char *const argv[], const char *optstring);

#endif
