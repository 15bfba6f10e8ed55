/*
 * term.c: the user's terminal.
 *
 * In interactive mode the terminal is put in raw mode so that every key goes to the line.
 * It must come back however serialterm ends: term_restore() is registered with atexit(),
 * signals end the poll loop instead of the program (loop.c), and the error functions here
 * restore the terminal before they print, so that the message lands on a sane screen.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "serialterm.h"

static struct {
	struct termios saved;
	int raw;		/* the terminal is in raw mode now */
	int registered;		/* term_restore() is an atexit() handler */
} T;

/* Puts standard input, a terminal, in raw mode until term_restore(). */
void term_raw(void)
{
	struct termios t;

	if (T.raw)
		return;
	if (tcgetattr(STDIN_FILENO, &T.saved) == -1)
		st_err(ST_FAIL, "standard input");
	if (!T.registered) {
		atexit(term_restore);
		T.registered = 1;
	}
	t = T.saved;
	cfmakeraw(&t);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) == -1)
		st_err(ST_FAIL, "standard input");
	T.raw = 1;
}

/* Puts the terminal back as it was; safe to call at any time, any number of times. */
void term_restore(void)
{
	if (!T.raw)
		return;
	T.raw = 0;
	/* TCSADRAIN: what was already shown stays; typed-ahead keys are not thrown away. */
	tcsetattr(STDIN_FILENO, TCSADRAIN, &T.saved);
}

int term_is_raw(void)
{
	return T.raw;
}

/* Writes all of buf to a blocking fd; gives up silently on errors (a closed stdout). */
void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

/* In raw mode the terminal does not turn "\n" into "\r\n": messages do it themselves. */
static void vmessage(const char *prefix, const char *fmt, va_list ap, const char *reason,
		     const char *suffix)
{
	char buf[1024];
	int n = 0;

	if (T.raw)
		n += snprintf(buf + n, sizeof buf - (size_t)n, "\r\n");
	n += snprintf(buf + n, sizeof buf - (size_t)n, "%s", prefix);
	if (n < (int)sizeof buf)
		n += vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
	if (reason && n < (int)sizeof buf)
		n += snprintf(buf + n, sizeof buf - (size_t)n, ": %s", reason);
	if (n < (int)sizeof buf)
		n += snprintf(buf + n, sizeof buf - (size_t)n, "%s", suffix);
	if (n > (int)sizeof buf - 3)
		n = (int)sizeof buf - 3;
	n += snprintf(buf + n, sizeof buf - (size_t)n, T.raw ? "\r\n" : "\n");
	fflush(stdout);
	write_all(STDERR_FILENO, buf, (size_t)n);
}

/* A note to the user in interactive mode, such as "[serialterm: logging to x]". */
void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("[serialterm: ", fmt, ap, NULL, "]");
	va_end(ap);
}

void st_warn(const char *fmt, ...)
{
	const char *reason = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	vmessage("serialterm: ", fmt, ap, reason, "");
	va_end(ap);
}

void st_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("serialterm: ", fmt, ap, NULL, "");
	va_end(ap);
}

/*
 * Like err(3), but restores the terminal first; atexit() handlers stop QEMU. With --exec,
 * the status of a failure is ST_EXEC_ERROR, apart from the remote command's statuses.
 */
void st_err(int status, const char *fmt, ...)
{
	const char *reason = strerror(errno);
	va_list ap;

	term_restore();
	va_start(ap, fmt);
	vmessage("serialterm: ", fmt, ap, reason, "");
	va_end(ap);
	exit(status == ST_USAGE ? status : run_failed(status));
}

void st_errx(int status, const char *fmt, ...)
{
	va_list ap;

	term_restore();
	va_start(ap, fmt);
	vmessage("serialterm: ", fmt, ap, NULL, "");
	va_end(ap);
	exit(status == ST_USAGE ? status : run_failed(status));
}
