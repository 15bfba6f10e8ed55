/*
 * init: the first process. It starts login on the console and starts it again whenever
 * it exits, so that logging out brings back the login prompt. `init PROGRAM` starts
 * PROGRAM instead of /bin/login. Each login leads a session of its own that owns the
 * console; when it ends, the kernel hangs the session up (SIGHUP to what is left of it)
 * before init hears of it. init refuses to run as anything but pid 1.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <keel.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define INIT_LOGIN		"/bin/login"
#define INIT_CONSOLE		"/dev/tty"
#define INIT_RESPAWN_MIN_MS	1000	/* a login that ends sooner is restarted after a pause */
#define INIT_RETRY_MS		5000	/* after login could not be started at all */

/* Makes sure descriptors 0, 1 and 2 are open, on the console if the kernel left them shut. */
static void
console_setup(void)
{
	struct keel_stat st;

	for (int fd = 0; fd < 3; fd++) {
		if (fstat(fd, &st) == 0 || errno != EBADF)
			continue;
		int c = open(INIT_CONSOLE, O_RDWR);

		if (c >= 0 && c != fd) {
			dup2(c, fd);
			close(c);
		}
	}
}

/* Collects processes that ended and were given to init, where the kernel does that. */
static void
reap_orphans(void)
{
	int status;

	while (waitpid(-1, &status, WNOHANG) > 0)
		;
}

/*
 * In the child: leads a new session and group (which the console's ^C reaches), takes
 * the console for it (from any session still holding it, which is hung up) and becomes
 * program.
 */
static void
session_start(const char *program)
{
	char *argv[] = { (char *)program, NULL };

	if (setsid() < 0)
		warn("setsid");
	else if (tcsetpgrp(STDIN_FILENO, getpid()) < 0)
		warn("cannot take the console");
	execve(program, argv, environ);
	warn("cannot start %s", program);
	_exit(127);
}

/* Starts program and waits for it. Returns 0, or -1 when it could not be started. */
static int
run_once(const char *program)
{
	int status, pid = fork();

	if (pid < 0) {
		warn("cannot start %s", program);
		return -1;
	}
	if (pid == 0)
		session_start(program);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			warn("waiting for %s", program);
			break;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *program = argc > 1 ? argv[1] : INIT_LOGIN;

	if (getpid() != 1)
		errx(1, "must run as process 1 (it is %d): the kernel starts it", getpid());
	console_setup();
	for (;;) {
		uint64_t start = uptime_ms();

		if (run_once(program) < 0)
			sleep_ms(INIT_RETRY_MS);
		else if (uptime_ms() - start < INIT_RESPAWN_MIN_MS)
			sleep_ms(INIT_RESPAWN_MIN_MS);
		reap_orphans();
	}
}
