/*
 * seccheck: a hostile user's moves, for tests/userland/security.test (doc/security.md).
 * Each mode does one thing a guest could try and says in one line how it ended:
 *
 *	seccheck procs		starts /bin/sleep 1000 until spawn fails, leaves them running
 *	seccheck fillfs DIR	writes 1 MiB files into DIR until a write fails
 *	seccheck hog		forks children that each grow their heap until sbrk fails,
 *				then stay (ignoring SIGHUP), until a child gets nothing
 *	seccheck hold FILE	ignores SIGHUP and, once its session's leader is gone, keeps
 *				trying to read, write and take the console; FILE says how
 *	seccheck killlogin	kills (SIGKILL) the caller's own login
 *	seccheck killuser UID	kills every process of UID (root cleaning up)
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <keel.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECCHECK_FILE_SIZE	(1 << 20)
#define SECCHECK_POLL_MS	100

static int
usage(void)
{
	errx(2, "usage: seccheck procs | fillfs DIR | hog | hold FILE | killlogin | killuser UID");
}

static int
procs(void)
{
	char *argv[] = { "sleep", "1000", NULL };
	int n = 0, pid;

	while ((pid = spawn("/bin/sleep", argv)) > 0)
		n++;
	printf("seccheck: %d sleepers started, then spawn failed: %s\n", n, strerror(errno));
	return errno == EAGAIN ? 0 : 1;
}

static int
fillfs(const char *dir)
{
	static char buf[SECCHECK_FILE_SIZE];
	char path[KEEL_PATH_MAX + 1];
	int n = 0, fd, e = 0;

	memset(buf, 'g', sizeof(buf));
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		err(1, "%s", dir);
	for (;; n++) {
		snprintf(path, sizeof(path), "%s/f%d", dir, n);
		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
			e = errno;
			break;
		}
		ssize_t w = write(fd, buf, sizeof(buf));
		/* A short write: the limit came inside the file; the next write says which. */
		if (w > 0 && w < (ssize_t)sizeof(buf))
			w = write(fd, buf, sizeof(buf) - (size_t)w);
		e = w < 0 ? errno : 0;
		close(fd);
		if (e)
			break;
	}
	printf("seccheck: %d files of 1 MiB written to %s, then: %s\n", n, dir, strerror(e));
	return 0;
}

/* A child of hog: takes heap until sbrk fails, tells how much on fd, then holds it. */
static void
hog_child(int fd)
{
	int got[2] = { 0, 0 };		/* MiB taken, then the error that stopped it */

	signal(SIGHUP, SIG_IGN);
	while (sbrk(SECCHECK_FILE_SIZE) != (void *)-1)
		got[0]++;
	got[1] = errno;
	if (write(fd, got, sizeof(got)) != (ssize_t)sizeof(got))
		_exit(1);
	close(fd);
	for (;;)
		sleep_ms(1000000);
}

static int
hog(void)
{
	int fds[2], got[2], n = 0, total = 0, e = 0;

	for (;;) {
		if (pipe(fds) < 0)
			err(1, "pipe");
		pid_t pid = fork();
		if (pid < 0) {
			e = errno;
			break;
		}
		if (pid == 0) {
			close(fds[0]);
			hog_child(fds[1]);
		}
		close(fds[1]);
		if (read(fds[0], got, sizeof(got)) != (ssize_t)sizeof(got))
			errx(1, "a child ended without saying what it took");
		close(fds[0]);
		n++;
		total += got[0];
		e = got[1];
		if (got[0] == 0)
			break;
	}
	printf("seccheck: %d processes took %d MiB, then: %s\n", n, total, strerror(e));
	return 0;
}

/* Appends one line to fd. */
static void
note(int fd, const char *what, int e)
{
	char line[160];
	int n = snprintf(line, sizeof(line), "%s: %s\n", what, e ? strerror(e) : "done");

	write(fd, line, (size_t)n);
}

/* Reports each distinct outcome of a try once. */
struct tried {
	const char *what;
	int last;
};

static void
tried(int fd, struct tried *t, int r)
{
	int e = r < 0 ? errno : 0;

	if (e != t->last || e == 0)
		note(fd, t->what, e);
	t->last = e;
}

static int
hold(const char *file)
{
	struct tried rd = { "read", -1 }, wr = { "write", -1 }, sid = { "setsid", -1 },
		     tc = { "tcsetpgrp", -1 };
	int out, tty, leader = getsid(0);
	char buf[256];

	signal(SIGHUP, SIG_IGN);
	if ((out = open(file, O_WRONLY | O_CREAT | O_APPEND, 0600)) < 0)
		err(1, "%s", file);
	if ((tty = open("/dev/tty", O_RDWR)) < 0)
		err(1, "/dev/tty");
	note(out, "holding", 0);
	/* Its own session's input is its own: wait for the session to be hung up. */
	while (kill(leader, 0) == 0)
		sleep_ms(SECCHECK_POLL_MS);
	note(out, "the session leader is gone", 0);
	for (;;) {
		ssize_t n = read(tty, buf, sizeof(buf) - 1);

		if (n > 0) {
			buf[n] = '\0';
			write(out, "read: ", 6);
			write(out, buf, (size_t)n);
			write(out, "\n", 1);
			continue;
		}
		tried(out, &rd, (int)n);
		tried(out, &wr, (int)write(tty, "login: ", 7));
		tried(out, &sid, setsid());
		tried(out, &tc, tcsetpgrp(tty, getpid()));
		sleep_ms(SECCHECK_POLL_MS);
	}
}

/* Kills (SIGKILL) the processes of uid, those called name only when name is set. Returns how many. */
static int
kill_where(const char *name, uid_t uid)
{
	struct keel_procinfo p;
	int killed = 0;

	for (int i = 0; procinfo(i, &p) == 1; i++)
		if (p.uid == uid && p.pid != getpid() && (!name || strcmp(p.name, name) == 0) &&
		    kill(p.pid, SIGKILL) == 0)
			killed++;
	return killed;
}

int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "procs") == 0)
		return procs();
	if (argc == 3 && strcmp(argv[1], "fillfs") == 0)
		return fillfs(argv[2]);
	if (argc == 2 && strcmp(argv[1], "hog") == 0)
		return hog();
	if (argc == 3 && strcmp(argv[1], "hold") == 0)
		return hold(argv[2]);
	if (argc == 2 && strcmp(argv[1], "killlogin") == 0) {
		if (kill_where("login", getuid()) == 0)
			errx(1, "no login of uid %u to kill", (unsigned)getuid());
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "killuser") == 0) {
		int n = kill_where(NULL, (uid_t)atoi(argv[2]));

		printf("seccheck: %d processes of uid %s killed\n", n, argv[2]);
		return 0;
	}
	return usage();
}
