/*
 * expect.c: waiting for text from the line.
 *
 * In scripted mode every byte received is kept here until an expectation consumes it, so
 * that text which arrives while serialterm is still sending is not missed. A match consumes
 * the text up to its end; the next expectation looks only at what came after. Only the last
 * ST_MATCH_MAX bytes are kept. Regular expressions are POSIX extended ones compiled with
 * REG_NEWLINE, so "^" and "$" match at line boundaries. regexec() cannot see past a NUL
 * byte, so a received NUL is kept as DEL (0x7f) for matching, and marked in a parallel
 * array so that --exec can pass the output on byte for byte (expect_write_raw).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serialterm.h"

static struct {
	char buf[ST_MATCH_MAX + 1];	/* NUL-terminated for regexec() */
	uint8_t was_nul[ST_MATCH_MAX];	/* 1 where buf has DEL for a received NUL */
	size_t len;
	int fresh;		/* bytes arrived since the last regexec() */
} E;

/* Keeps received bytes for the expectations to come. */
void expect_feed(const uint8_t *buf, size_t len)
{
	if (len > ST_MATCH_MAX) {
		buf += len - ST_MATCH_MAX;
		len = ST_MATCH_MAX;
	}
	if (E.len + len > ST_MATCH_MAX) {
		size_t drop = E.len + len - ST_MATCH_MAX;

		memmove(E.buf, E.buf + drop, E.len - drop);
		memmove(E.was_nul, E.was_nul + drop, E.len - drop);
		E.len -= drop;
	}
	for (size_t i = 0; i < len; i++) {	/* regexec() stops at NUL: make it DEL */
		E.buf[E.len + i] = buf[i] ? (char)buf[i] : 0x7f;
		E.was_nul[E.len + i] = buf[i] == 0;
	}
	E.len += len;
	E.buf[E.len] = '\0';
	E.fresh = 1;
}

/* The text received and not yet consumed. */
const char *expect_text(void)
{
	E.buf[E.len] = '\0';
	return E.buf;
}

/* Forgets the text before offset upto. */
void expect_consume(size_t upto)
{
	if (upto > E.len)
		upto = E.len;
	memmove(E.buf, E.buf + upto, E.len - upto);
	memmove(E.was_nul, E.was_nul + upto, E.len - upto);
	E.len -= upto;
	E.buf[E.len] = '\0';
}

/*
 * Writes len bytes of the kept text starting at s (a pointer into expect_text()) to fd as
 * they were received: the DELs that stand for NULs become NULs again.
 */
void expect_write_raw(int fd, const char *s, size_t len)
{
	size_t at = (size_t)(s - E.buf), done = 0;
	char out[4096];

	while (done < len) {
		size_t k = len - done < sizeof out ? len - done : sizeof out;

		for (size_t i = 0; i < k; i++)
			out[i] = E.was_nul[at + done + i] ? '\0' : s[done + i];
		write_all(fd, out, k);
		done += k;
	}
}

/*
 * Waits until the kept text matches re or the deadline passes. Returns ST_OK with m[]
 * filled in (offsets into expect_text()), or the event that ended the wait: EV_TIMEOUT,
 * EV_HANGUP, EV_QEMU_EXIT or EV_SIGNAL, negated so that it cannot be taken for ST_OK.
 */
int expect_wait(const regex_t *re, int64_t deadline, regmatch_t m[], size_t nm)
{
	E.fresh = 1;
	for (;;) {
		enum event ev;

		if (E.fresh) {
			E.fresh = 0;
			if (regexec(re, E.buf, nm, m, 0) == 0)
				return ST_OK;
		}
		ev = loop_wait(deadline);
		if (ev == EV_TIMEOUT || ev == EV_HANGUP || ev == EV_QEMU_EXIT || ev == EV_SIGNAL)
			return -(int)ev;
	}
}

static void show_recent(const char *line)
{
	char buf[160];
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)line; *p && n < sizeof buf - 5; p++)
		n += (size_t)(*p >= 0x20 && *p < 0x7f
			? snprintf(buf + n, sizeof buf - n, "%c", *p)
			: snprintf(buf + n, sizeof buf - n, "\\x%02x", *p));
	st_warnx("last received: %s", buf);
}

/*
 * Reports a wait that failed (ev is what expect_wait() returned), with the last lines
 * received, and returns the exit status: status if not -1, or the one the event implies.
 */
int expect_fail(int ev, const char *where, const char *what, double seconds)
{
	int st;

	switch (-ev) {
	case EV_TIMEOUT:
		st_warnx("%s: timed out after %g s waiting for %s", where, seconds, what);
		st = ST_TIMEOUT;
		break;
	case EV_QEMU_EXIT:
		st_warnx("%s: QEMU exited with status %d while waiting for %s", where,
			 qemu_status(), what);
		st = opt.qemu_status ? qemu_status() : ST_QEMU_GONE;
		break;
	case EV_SIGNAL:
		st_warnx("%s: interrupted while waiting for %s", where, what);
		return 128 + loop_signal();
	default:
		st_warnx("%s: %s closed while waiting for %s", where, line_name(), what);
		st = ST_HANGUP;
		break;
	}
	loop_recent(show_recent);
	return st;
}
