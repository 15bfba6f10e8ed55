/*
 * init: the first process. It starts login on the console and starts it again whenever
 * it exits, so that logging out brings back the login prompt. `init PROGRAM` starts
 * PROGRAM instead of /bin/login. Each login leads a session of its own that owns the
 * console; when it ends, the kernel hangs the session up (SIGHUP to what is left of it)
 * before init hears of it. init refuses to run as anything but pid 1.
 *
 * First it mounts what /etc/fstab lists ("DEVICE DIR TYPE OPTIONS" a line, # comments):
 * a device that is not there (no disk attached) is passed over in silence, any other
 * failure is said on the console and boot goes on (doc/storage.md).
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <keel.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define INIT_LOGIN		"/bin/login"
#define INIT_CONSOLE		"/dev/tty"
#define INIT_RESPAWN_MIN_MS	1000	/* a login that ends sooner is restarted after a pause */
#define INIT_RETRY_MS		5000	/* after login could not be started at all */
#define INIT_FSTAB		"/etc/fstab"
#define INIT_FSTAB_MAX		4096	/* bytes of it read */

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

/* Splits the next blank-separated word off *p. Returns it, or NULL at the line's end. */
static char *
word(char **p)
{
	char *w;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	if (**p == '\0' || **p == '#')
		return NULL;
	w = *p;
	while (**p && **p != ' ' && **p != '\t')
		(*p)++;
	if (**p)
		*(*p)++ = '\0';
	return w;
}

/* Mounts every file system /etc/fstab lists whose device exists. */
static void
mounts_start(void)
{
	static char buf[INIT_FSTAB_MAX + 1];
	struct keel_stat st;
	ssize_t n;
	int fd = open(INIT_FSTAB, O_RDONLY);

	if (fd < 0)
		return;
	n = read(fd, buf, INIT_FSTAB_MAX);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (char *line = buf, *next; line; line = next) {
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		char *p = line, *dev = word(&p), *dir = word(&p), *type = word(&p), *opts = word(&p);
		if (!dev || !dir)
			continue;
		if (stat(dev, &st) < 0 && errno == ENOENT)
			continue;
		if (mount(dev, dir, type, opts && strcmp(opts, "defaults") != 0 ? opts : NULL) < 0)
			warn("%s on %s", dev, dir);
	}
}

int
main(int argc, char **argv)
{
	const char *program = argc > 1 ? argv[1] : INIT_LOGIN;

	if (getpid() != 1)
		errx(1, "must run as process 1 (it is %d): the kernel starts it", getpid());
	console_setup();
	mounts_start();
	for (;;) {
		uint64_t start = uptime_ms();

		if (run_once(program) < 0)
			sleep_ms(INIT_RETRY_MS);
		else if (uptime_ms() - start < INIT_RESPAWN_MIN_MS)
			sleep_ms(INIT_RESPAWN_MIN_MS);
		reap_orphans();
	}
}
