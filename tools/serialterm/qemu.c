/*
 * qemu.c: --boot IMAGE, a QEMU whose COM1 is serialterm's line.
 *
 * The serial line is one end of a socketpair handed to QEMU as an open descriptor
 * ("-chardev socket,fd=N"): no socket path to race for, no TCP port to collide with when
 * tests run in parallel, and QEMU's exit shows on the line as end of file. QEMU runs in
 * its own process group so that the terminal's signals reach serialterm only, which stops
 * it on every way out: with "quit" on a monitor of its own (a second socketpair), so that
 * QEMU leaves without its "terminating on signal" message, and with SIGTERM, then
 * SIGKILL, if it has not gone after ST_QEMU_GRACE_MS. The OVMF variable
 * store of --uefi is a private copy that is unlinked before QEMU even starts; QEMU opens
 * it through /dev/fd, so nothing is left behind however serialterm ends.
 */
#define _GNU_SOURCE	/* vasprintf() */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "serialterm.h"

#define OVMF_CODE_DEFAULT "/usr/share/OVMF/OVMF_CODE_4M.fd"
#define OVMF_VARS_DEFAULT "/usr/share/OVMF/OVMF_VARS_4M.fd"
#define QEMU_MAXARGS 64

static struct {
	pid_t pid;		/* running QEMU, or 0 */
	int status;		/* its exit status once reaped, or -1 */
	int vars_fd;		/* the private OVMF variable store, or -1 */
	int mon_fd;		/* serialterm's end of QEMU's monitor, or -1 */
	char *argv[QEMU_MAXARGS];
	int argc;
} Q = { .status = -1, .vars_fd = -1, .mon_fd = -1 };

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v && *v ? v : fallback;
}

static void arg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void arg(const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (Q.argc >= QEMU_MAXARGS - 1)
		st_errx(ST_USAGE, "too many QEMU arguments");
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		st_err(ST_FAIL, "qemu");
	va_end(ap);
	Q.argv[Q.argc++] = s;
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* Whether the arguments after "--" bring their own network. */
static int extra_has_network(void)
{
	for (int i = 0; i < opt.qemu_nargs; i++) {
		const char *a = opt.qemu_args[i];

		if (a[0] == '-' && a[1] == '-')
			a++;
		if (!strcmp(a, "-nic") || !strcmp(a, "-netdev") || !strcmp(a, "-net"))
			return 1;
	}
	return 0;
}

/* Copies the OVMF variable template into an unlinked temporary file. */
static int vars_copy(void)
{
	const char *src = env_or("OVMF_VARS", OVMF_VARS_DEFAULT);
	char path[4096], buf[65536];
	int in, out;
	ssize_t n;

	snprintf(path, sizeof path, "%s/serialterm-vars.XXXXXX", env_or("TMPDIR", "/tmp"));
	if ((in = open(src, O_RDONLY | O_CLOEXEC)) == -1)
		st_err(ST_FAIL, "%s", src);
	if ((out = mkstemp(path)) == -1)
		st_err(ST_FAIL, "%s", path);
	unlink(path);
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			st_err(ST_FAIL, "copying %s", src);
	if (n < 0)
		st_err(ST_FAIL, "%s", src);
	close(in);
	return out;
}

static void build_argv(int serial_fd, int monitor_fd)
{
	const char *img = opt.boot_image;

	arg("%s", env_or("QEMU", "qemu-system-x86_64"));
	arg("-accel");
	arg("%s", env_or("QEMU_ACCEL", "tcg"));
	arg("-m");
	arg("256M");
	arg("-display");
	arg("none");
	arg("-no-reboot");
	arg("-device");
	arg("isa-debug-exit,iobase=0xf4,iosize=0x04");
	arg("-chardev");
	arg("socket,id=serial0,fd=%d", serial_fd);
	arg("-serial");
	arg("chardev:serial0");
	arg("-chardev");
	arg("socket,id=monitor0,fd=%d", monitor_fd);
	arg("-mon");
	arg("chardev=monitor0,mode=readline");
	if (has_suffix(img, ".iso")) {
		arg("-cdrom");
		arg("%s", img);
	} else {
		arg("-drive");
		arg("format=raw,file=%s", img);
	}
	if (!extra_has_network()) {	/* restrict=on: no packet leaves this machine */
		arg("-nic");
		arg("user,model=e1000,restrict=on");
	}
	if (opt.uefi) {
		Q.vars_fd = vars_copy();
		arg("-drive");
		arg("if=pflash,format=raw,unit=0,readonly=on,file=%s",
		    env_or("OVMF_CODE", OVMF_CODE_DEFAULT));
		arg("-drive");
		arg("if=pflash,format=raw,unit=1,file=/dev/fd/%d", Q.vars_fd);
	}
	for (int i = 0; i < opt.qemu_nargs; i++)
		arg("%s", opt.qemu_args[i]);
	Q.argv[Q.argc] = NULL;
}

/* In the child: becomes QEMU, or reports errno on the pipe and exits. */
static void child_exec(int report)
{
	int null = open("/dev/null", O_RDONLY);

	setpgid(0, 0);
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGTERM);	/* even if serialterm is killed outright */
#endif
	signal(SIGPIPE, SIG_DFL);
	if (null != -1)
		dup2(null, STDIN_FILENO);
	dup2(STDERR_FILENO, STDOUT_FILENO);	/* serialterm's stdout is the line's */
	execvp(Q.argv[0], Q.argv);
	(void)!write(report, &errno, sizeof errno);
	_exit(127);
}

/*
 * Starts QEMU with the image of --boot. Returns serialterm's end of the serial line.
 * Exits with ST_FAIL if QEMU cannot be started.
 */
int qemu_start(void)
{
	int sv[2], mon[2], report[2], e;
	ssize_t n;

	/* Said here, and not by QEMU after serialterm has started it: the image is missing. */
	if (access(opt.boot_image, R_OK) == -1)
		st_err(ST_FAIL, "%s", opt.boot_image);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1 ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, mon) == -1 || pipe(report) == -1)
		st_err(ST_FAIL, "socketpair");
	fcntl(sv[0], F_SETFD, FD_CLOEXEC);
	fcntl(mon[0], F_SETFD, FD_CLOEXEC);
	Q.mon_fd = mon[0];
	fcntl(report[0], F_SETFD, FD_CLOEXEC);
	fcntl(report[1], F_SETFD, FD_CLOEXEC);
	build_argv(sv[1], mon[1]);
	atexit(qemu_stop);
	Q.pid = fork();
	if (Q.pid == -1)
		st_err(ST_FAIL, "fork");
	if (Q.pid == 0)
		child_exec(report[1]);
	close(sv[1]);
	close(mon[1]);
	close(report[1]);
	while ((n = read(report[0], &e, sizeof e)) == -1 && errno == EINTR)
		;
	close(report[0]);
	if (n == sizeof e) {
		waitpid(Q.pid, NULL, 0);
		Q.pid = 0;
		errno = e;
		st_err(ST_FAIL, "cannot run %s", Q.argv[0]);
	}
	return sv[0];
}

int qemu_active(void)
{
	return Q.pid > 0;
}

/* Collects QEMU's exit status if it has exited. Returns 1 if it has. */
int qemu_reap(void)
{
	int st;

	if (Q.pid <= 0)
		return Q.status >= 0;
	if (waitpid(Q.pid, &st, WNOHANG) != Q.pid)
		return 0;
	Q.pid = 0;
	Q.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 1;
}

/* QEMU's exit status (a signal shows as 128 + its number), or -1 if it has not exited. */
int qemu_status(void)
{
	return Q.status;
}

/* Waits up to ST_QEMU_GRACE_MS for QEMU to exit. Returns 1 if it has. */
static int qemu_wait_gone(void)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < ST_QEMU_GRACE_MS / 10; i++) {
		if (qemu_reap())
			return 1;
		nanosleep(&tick, NULL);
	}
	return qemu_reap();
}

/*
 * Stops QEMU if it runs: "quit" on its monitor; SIGTERM if that did not end it in a grace
 * time (QEMU then says "terminating on signal 15"); SIGKILL after another.
 */
void qemu_stop(void)
{
	static const char quit[] = "quit\n";

	if (Q.pid > 0 && Q.mon_fd != -1) {
		signal(SIGPIPE, SIG_IGN);	/* a QEMU gone already has closed the monitor */
		if (write(Q.mon_fd, quit, sizeof quit - 1) == (ssize_t)sizeof quit - 1)
			qemu_wait_gone();
	}
	if (Q.mon_fd != -1)
		close(Q.mon_fd);
	Q.mon_fd = -1;
	if (Q.pid > 0) {
		kill(Q.pid, SIGTERM);
		qemu_wait_gone();
		if (Q.pid > 0) {
			kill(Q.pid, SIGKILL);
			waitpid(Q.pid, NULL, 0);
			Q.pid = 0;
		}
	}
	if (Q.vars_fd != -1)
		close(Q.vars_fd);
	Q.vars_fd = -1;
}
