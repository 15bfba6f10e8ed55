/*
 * What runs around main: start() is called by crt0.asm with argc, argv and envp, names
 * the program for error messages, sets environ, and exits with main's return value.
 */
#include <err.h>
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

/* Output is never buffered (see stdio.h), so exit has nothing to do before leaving. */
void
exit(int status)
{
	_exit(status);
}

/* Ends the program as a crash would: SIGABRT does not exist, so with a status of 134. */
void
abort(void)
{
	_exit(128 + 6);
}
