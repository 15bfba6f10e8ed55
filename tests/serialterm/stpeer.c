/*
 * stpeer.c: the far end of a serial line, scripted, for serialterm's tests.
 *
 *   stpeer [-t pty|socketpair|unix|unix=PATH|tcp] [-e COMMAND]... -- PROGRAM ARGS...
 *
 * Makes a line of the given kind, runs PROGRAM with "@LINE@" in its arguments replaced by
 * the name of the line's other end (a pty path, "fd:N", "unix:PATH" or "tcp:HOST:PORT"),
 * and plays the peer: the -e commands in order, then reading and discarding until PROGRAM
 * exits. Exits with PROGRAM's status, or 125 if the peer's own script failed. SIGTERM and
 * SIGINT are passed on to PROGRAM.
 *
 * Peer commands:
 *   send TEXT       write TEXT (escapes \r \n \t \e \\ \xHH)
 *   expect TEXT     read until TEXT has been received (10 s at most)
 *   sleep MS        pause
 *   noise N         write N bytes of deterministic binary noise, every byte value included
 *   close           hang up
 *   reaccept        (unix, tcp) hang up, then accept the next connection
 *   echo            send back whatever comes, until end of file
 *   shell U P [nostatus]  play Keel's console: login, password, a tiny shell
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static struct {
	int fd;			/* the peer's end */
	int listener;		/* unix and tcp */
	pid_t child;
	int child_status;
	char sock[108];
	char *got;		/* received, not yet consumed by "expect" */
	size_t ngot;
} P = { .fd = -1, .listener = -1, .child = -1, .child_status = -1 };

static void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "stpeer: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (P.child > 0)
		kill(P.child, SIGTERM);
	if (P.sock[0])
		unlink(P.sock);
	exit(125);
}

static long ms_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int child_done(void)
{
	int st;

	if (P.child_status >= 0)
		return 1;
	if (waitpid(P.child, &st, WNOHANG) != P.child)
		return 0;
	P.child_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 1;
}

/* Reads what is there within ms; returns bytes read, 0 on timeout, -1 at end of file. */
static ssize_t peer_read(char *buf, size_t size, int ms)
{
	struct pollfd p = { .fd = P.fd, .events = POLLIN };
	ssize_t n;

	if (P.fd == -1) {
		usleep((useconds_t)ms * 1000);
		return 0;
	}
	if (poll(&p, 1, ms) <= 0)
		return 0;
	n = read(P.fd, buf, size);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	return n > 0 ? n : -1;
}

static void peer_write(const void *buf, size_t len)
{
	const char *p = buf;

	if (P.fd == -1)
		return;
	while (len > 0) {
		ssize_t n = write(P.fd, p, len);

		if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
			struct pollfd w = { .fd = P.fd, .events = POLLOUT };

			poll(&w, 1, 100);
			continue;
		}
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET || errno == EIO)) {
			close(P.fd);	/* PROGRAM is gone: what was left to say no longer matters */
			P.fd = -1;
			return;
		}
		if (n <= 0)
			fail("write: %s", strerror(errno));
		p += n;
		len -= (size_t)n;
	}
}

static size_t unescape(char *s)
{
	char *o = s;

	for (char *p = s; *p; p++) {
		if (*p != '\\' || !p[1]) {
			*o++ = *p;
			continue;
		}
		switch (*++p) {
		case 'r': *o++ = '\r'; break;
		case 'n': *o++ = '\n'; break;
		case 't': *o++ = '\t'; break;
		case 'e': *o++ = 033; break;
		case 'x': {
			char hex[3] = { p[1], p[1] ? p[2] : 0, 0 };

			*o++ = (char)strtol(hex, NULL, 16);
			p += 2;
			break;
		}
		default: *o++ = *p; break;
		}
	}
	return (size_t)(o - s);
}

static void expect(const char *text, size_t len)
{
	long until = ms_now() + 10000;
	char buf[4096];

	for (;;) {
		char *hit = memmem(P.got, P.ngot, text, len);
		ssize_t n;

		if (hit) {
			size_t used = (size_t)(hit - P.got) + len;

			memmove(P.got, P.got + used, P.ngot - used);
			P.ngot -= used;
			return;
		}
		if (ms_now() > until)
			fail("expected \"%.*s\", got %zu other bytes", (int)len, text, P.ngot);
		n = peer_read(buf, sizeof buf, 100);
		if (n < 0)
			fail("expected \"%.*s\", got end of file", (int)len, text);
		P.got = realloc(P.got, P.ngot + (size_t)n + 1);
		memcpy(P.got + P.ngot, buf, (size_t)n);
		P.ngot += (size_t)n;
	}
}

static void noise(long n)
{
	unsigned x = 12345;
	char buf[256];

	for (long done = 0; done < n;) {
		size_t k = 0;

		for (; k < sizeof buf && done < n; k++, done++) {
			x = x * 1103515245 + 12345;
			buf[k] = done < 256 ? (char)done : (char)(x >> 16);
		}
		peer_write(buf, k);
	}
}

/* Reads one line as a console would: echoing it (unless secret), CR or LF ends it. */
static int console_line(char *line, size_t size, int secret)
{
	size_t n = 0;
	char c;

	for (;;) {
		ssize_t r = peer_read(&c, 1, 100);

		if (r < 0)
			return -1;
		if (r == 0) {
			if (child_done())
				return -1;
			continue;
		}
		if (c == '\n' && n == 0)
			continue;	/* the LF of a CR LF */
		if (c == '\r' || c == '\n') {
			peer_write("\r\n", 2);
			line[n] = '\0';
			return 0;
		}
		if ((c == 0x7f || c == '\b') && n > 0) {
			n--;
			if (!secret)
				peer_write("\b \b", 3);
			continue;
		}
		if (n < size - 1)
			line[n++] = c;
		if (!secret)
			peer_write(&c, 1);
	}
}

static void say(const char *s)
{
	peer_write(s, strlen(s));
}

/* A tiny shell: echo (with $?), true, false, status N, seq N, bytes, logout. */
static int shell_run(const char *cmd, int *status, int nostatus)
{
	char out[4096];

	if (!strncmp(cmd, "echo", 4) && (cmd[4] == ' ' || !cmd[4])) {
		const char *a = cmd[4] ? cmd + 5 : "";
		size_t n = 0;

		for (; *a && n < sizeof out - 8; a++) {
			if (!nostatus && a[0] == '$' && a[1] == '?') {
				n += (size_t)snprintf(out + n, sizeof out - n, "%d", *status);
				a++;
			} else {
				out[n++] = *a;
			}
		}
		out[n] = '\0';
		say(out);
		say("\r\n");
		*status = 0;
	} else if (!strcmp(cmd, "true")) {
		*status = 0;
	} else if (!strcmp(cmd, "false")) {
		*status = 1;
	} else if (!strncmp(cmd, "status ", 7)) {
		*status = atoi(cmd + 7);
	} else if (!strncmp(cmd, "seq ", 4)) {
		for (int i = 1; i <= atoi(cmd + 4); i++) {
			snprintf(out, sizeof out, "%d\r\n", i);
			say(out);
		}
		*status = 0;
	} else if (!strcmp(cmd, "bytes")) {
		/* Every byte value, as Keel's tty sends them: LF as CR LF; then a line end. */
		size_t n = 0;

		for (int c = 0; c < 256; c++) {
			if (c == '\n')
				out[n++] = '\r';
			out[n++] = (char)c;
		}
		out[n++] = '\r';
		out[n++] = '\n';
		peer_write(out, n);
		*status = 0;
	} else if (!strcmp(cmd, "partial")) {
		say("no newline");
		*status = 0;
	} else if (!strcmp(cmd, "logout")) {
		return 1;
	} else if (cmd[0]) {
		snprintf(out, sizeof out, "sh: %s: not found\r\n", cmd);
		say(out);
		*status = 127;
	}
	return 0;
}

static void shell(const char *user, const char *pass, int nostatus)
{
	char line[1024], u[256], prompt[300];
	int status = 0;

	snprintf(prompt, sizeof prompt, "%s$ ", user);
	for (;;) {
		say("login: ");
		if (console_line(u, sizeof u, 0) < 0)
			return;
		if (!u[0])
			continue;
		say("Password: ");
		if (console_line(line, sizeof line, 1) < 0)
			return;
		if (strcmp(u, user) || strcmp(line, pass)) {
			say("Login incorrect\r\n");
			continue;
		}
		do {
			say(prompt);
			if (console_line(line, sizeof line, 0) < 0)
				return;
		} while (!shell_run(line, &status, nostatus));
	}
}

static void peer_close(void)
{
	if (P.fd != -1)
		close(P.fd);
	P.fd = -1;
}

static void accept_one(void)
{
	struct pollfd p = { .fd = P.listener, .events = POLLIN };

	if (poll(&p, 1, 10000) <= 0)
		fail("nobody connected");
	P.fd = accept(P.listener, NULL, NULL);
	if (P.fd == -1)
		fail("accept: %s", strerror(errno));
}

static void run_command(char *cmd)
{
	char *arg = cmd + strcspn(cmd, " ");
	char buf[4096];
	ssize_t n;

	if (*arg)
		*arg++ = '\0';
	if (!strcmp(cmd, "send")) {
		peer_write(arg, unescape(arg));
	} else if (!strcmp(cmd, "expect")) {
		expect(arg, unescape(arg));
	} else if (!strcmp(cmd, "sleep")) {
		usleep((useconds_t)atoi(arg) * 1000);
	} else if (!strcmp(cmd, "noise")) {
		noise(atol(arg));
	} else if (!strcmp(cmd, "close")) {
		peer_close();
	} else if (!strcmp(cmd, "reaccept")) {
		peer_close();
		accept_one();
	} else if (!strcmp(cmd, "echo")) {
		while ((n = peer_read(buf, sizeof buf, 100)) >= 0 && !(n == 0 && child_done()))
			peer_write(buf, (size_t)n);
	} else if (!strcmp(cmd, "shell")) {
		char u[256] = "", p[256] = "", flag[32] = "";

		sscanf(arg, "%255s %255s %31s", u, p, flag);
		shell(u, p, !strcmp(flag, "nostatus"));
	} else {
		fail("unknown peer command: %s", cmd);
	}
}

/* Makes the line; returns its name for @LINE@ and sets *keep to the fd PROGRAM needs. */
static char *make_line(const char *kind, int *keep)
{
	static char name[200];

	*keep = -1;
	if (!strcmp(kind, "pty")) {
		struct termios t;

		P.fd = posix_openpt(O_RDWR | O_NOCTTY);
		if (P.fd == -1 || grantpt(P.fd) || unlockpt(P.fd))
			fail("pty: %s", strerror(errno));
		snprintf(name, sizeof name, "%s", ptsname(P.fd));
		/*
		 * Raw from the start, so nothing early is echoed or cooked; and held open, so
		 * that the master does not read as hung up before PROGRAM opens its end.
		 */
		int s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
		tcgetattr(s, &t);
		cfmakeraw(&t);
		tcsetattr(s, TCSANOW, &t);
	} else if (!strcmp(kind, "socketpair")) {
		int sv[2];

		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
			fail("socketpair: %s", strerror(errno));
		P.fd = sv[0];
		*keep = sv[1];
		snprintf(name, sizeof name, "fd:%d", sv[1]);
	} else if (!strncmp(kind, "unix", 4)) {	/* "unix", or "unix=PATH" */
		struct sockaddr_un a = { .sun_family = AF_UNIX };

		if (kind[4] == '=')
			snprintf(P.sock, sizeof P.sock, "%s", kind + 5);
		else
			snprintf(P.sock, sizeof P.sock, "%s/stpeer.%ld.sock",
				 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
		snprintf(a.sun_path, sizeof a.sun_path, "%s", P.sock);
		unlink(P.sock);
		P.listener = socket(AF_UNIX, SOCK_STREAM, 0);
		if (bind(P.listener, (struct sockaddr *)&a, sizeof a) || listen(P.listener, 4))
			fail("unix socket: %s", strerror(errno));
		snprintf(name, sizeof name, "unix:%s", P.sock);
	} else if (!strcmp(kind, "tcp")) {
		struct sockaddr_in a = { .sin_family = AF_INET };
		socklen_t len = sizeof a;

		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);	/* port 0: the system picks */
		P.listener = socket(AF_INET, SOCK_STREAM, 0);
		if (bind(P.listener, (struct sockaddr *)&a, sizeof a) || listen(P.listener, 4) ||
		    getsockname(P.listener, (struct sockaddr *)&a, &len))
			fail("tcp socket: %s", strerror(errno));
		snprintf(name, sizeof name, "tcp:127.0.0.1:%d", ntohs(a.sin_port));
	} else {
		fail("unknown line kind: %s", kind);
	}
	return name;
}

static void forward(int sig)
{
	if (P.child > 0)
		kill(P.child, sig);
}

/* Replaces @LINE@ in an argument. */
static char *subst(const char *arg, const char *line)
{
	const char *at = strstr(arg, "@LINE@");
	char *out;

	if (!at)
		return (char *)arg;
	if (asprintf(&out, "%.*s%s%s", (int)(at - arg), arg, line, at + 6) == -1)
		fail("out of memory");
	return subst(out, line);
}

int main(int argc, char **argv)
{
	const char *kind = "socketpair";
	char *cmds[64], *line, buf[4096];
	int ncmds = 0, c, keep;

	while ((c = getopt(argc, argv, "+t:e:")) != -1) {
		if (c == 't')
			kind = optarg;
		else if (c == 'e' && ncmds < 64)
			cmds[ncmds++] = optarg;
		else
			fail("usage: stpeer [-t KIND] [-e COMMAND]... -- PROGRAM ARGS...");
	}
	if (optind >= argc)
		fail("no program to run");
	signal(SIGPIPE, SIG_IGN);
	line = make_line(kind, &keep);
	for (int i = optind; i < argc; i++)
		argv[i] = subst(argv[i], line);
	P.child = fork();
	if (P.child == 0) {
		if (P.fd != -1)
			close(P.fd);
		if (P.listener != -1)
			close(P.listener);
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "stpeer: %s: %s\n", argv[optind], strerror(errno));
		_exit(127);
	}
	signal(SIGTERM, forward);
	signal(SIGINT, forward);
	if (keep != -1)
		close(keep);
	if (P.listener != -1)
		accept_one();
	for (int i = 0; i < ncmds; i++)
		run_command(cmds[i]);
	while (!child_done())	/* read and discard, so that the program is never blocked */
		if (peer_read(buf, sizeof buf, 50) < 0 && P.fd != -1)
			peer_close();
	if (P.sock[0])
		unlink(P.sock);
	return P.child_status;
}
