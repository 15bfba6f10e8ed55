/*
 * What runs around main: start() is called by crt0.asm with argc, argv and envp, names
 * the program for error messages, sets environ, and exits with main's return value.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv);
__attribute__((noreturn)) void start(int argc, char **argv, char **envp);

const char *progname = "?";

void
start(int argc, char **argv, char **envp)
{
	environ = envp;
	if (argc > 0 && argv[0] != NULL) {
		const char *slash = strrchr(argv[0], '/');

		progname = slash != NULL ? slash + 1 : argv[0];
	}
	exit(main(argc, argv));
}

/* The functions atexit registered, called last first by exit (C11 7.22.4.2: at least 32). */
#define ATEXIT_MAX	32
static void (*atexit_fns[ATEXIT_MAX])(void);
static int atexit_count;

int
atexit(void (*fn)(void))
{
	if (atexit_count == ATEXIT_MAX)
		return -1;
	atexit_fns[atexit_count++] = fn;
	return 0;
}

/* Calls the atexit functions, writes out what the streams hold, and ends the program. */
void
exit(int status)
{
	while (atexit_count > 0)
		atexit_fns[--atexit_count]();
	fflush(NULL);
	_exit(status);
}

/* Ends the program as a crash would: SIGABRT does not exist, so with a status of 134. */
void
abort(void)
{
	_exit(128 + 6);
}
