/*
 * Running a program: spawn it, wait for it, and turn how it ended into $?, as POSIX sh
 * does: its exit status, or 128 plus the signal that killed it.
 */
#include <err.h>
#include <errno.h>
#include <keel.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "sh.h"

/* What the shell says when a command was killed by sig (nothing for ^C's SIGINT). */
static const char *
signal_message(int sig)
{
	switch (sig) {
	case SIGINT: return NULL;
	case SIGILL: return "Illegal instruction";
	case SIGBUS: return "Bus error";
	case SIGFPE: return "Floating point exception";
	case SIGKILL: return "Killed";
	case SIGSEGV: return "Segmentation fault";
	case SIGTERM: return "Terminated";
	default: return "Killed by a signal";
	}
}

/* Writes the program's path for name: name itself when it has a '/', else /bin/NAME. */
static int
command_path(const char *name, char *path, size_t size)
{
	int n;

	if (strchr(name, '/') != NULL)
		n = snprintf(path, size, "%s", name);
	else
		n = snprintf(path, size, "%s/%s", SH_BIN_DIR, name);
	return n >= 0 && (size_t)n < size ? 0 : -1;
}

static int
status_of(const char *name, int status)
{
	const char *msg;

	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	msg = signal_message(WTERMSIG(status));
	if (msg != NULL)
		fprintf(stderr, "%s: %s (signal %d)\n", name, msg, WTERMSIG(status));
	else
		fprintf(stderr, "\n");
	return SH_STATUS_SIGNAL + WTERMSIG(status);
}

int
run_program(char **argv)
{
	char path[KEEL_PATH_MAX + 1];
	int pid, status;

	if (command_path(argv[0], path, sizeof(path)) < 0) {
		warnx("%s: the name is too long", argv[0]);
		return SH_STATUS_NOT_FOUND;
	}
	pid = spawn(path, argv);
	if (pid < 0 && errno == ENOENT) {
		warnx("%s: command not found", argv[0]);
		return SH_STATUS_NOT_FOUND;
	}
	if (pid < 0) {
		warn("%s", argv[0]);
		return SH_STATUS_CANNOT_RUN;
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			warn("waiting for %s", argv[0]);
			return SH_STATUS_CANNOT_RUN;
		}
	}
	return status_of(argv[0], status);
}
