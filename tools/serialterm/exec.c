/*
 * exec.c: --login USER:PASS and --exec CMD, against Keel's console.
 *
 * Keel asks "login: " and "Password: ", then its shell prompts "USER$ ". A prompt is
 * recognised only at the very end of what was received, where a program waiting for input
 * leaves it, and nothing follows for a moment. If none comes, serialterm presses Enter,
 * and again every EXEC_NUDGE_MS: the console may be showing a prompt from before.
 *
 * A command's output is what comes between the echo of its line and the next prompt; it
 * is printed as it arrives, with CR LF turned into LF. Its status comes from a second line,
 * "echo MARK$?": the marker is unique to this run, so neither the echo of that line nor
 * the command's own output can be taken for the answer. A shell that cannot expand "$?"
 * yet leaves no number after the marker, and the status is 0.
 */
#define _GNU_SOURCE	/* memmem() */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serialterm.h"

#define EXEC_FIRST_MS 1000	/* wait this long for a prompt before pressing Enter */
#define EXEC_NUDGE_MS 3000	/* and then again this often */
#define EXEC_QUIET_MS 150	/* a prompt is one when nothing follows it this long */
#define PROMPT_ANY "[A-Za-z0-9_.-]+[$#] $"

static struct {
	regex_t prompt;		/* the shell's prompt */
	char src[512];		/* its source */
	int have_prompt;
	int at_prompt;		/* the last thing received was a prompt */
	int status;		/* of the last command */
	int halted;		/* the last command ended the machine cleanly */
	unsigned serial;	/* makes each marker unique */
} X;

int exec_last_status(void)
{
	return X.status;
}

int exec_halted(void)
{
	return X.halted;
}

static void prompt_set(const char *user)
{
	size_t n = 0;

	if (X.have_prompt)
		regfree(&X.prompt);
	if (opt.prompt) {
		snprintf(X.src, sizeof X.src, "%s", opt.prompt);
	} else if (user) {	/* "USER$ ", with the user name's own characters quoted */
		for (const char *p = user; *p && n < sizeof X.src - 8; p++) {
			if (strchr("\\^$.[]|()*+?{}", *p))
				X.src[n++] = '\\';
			X.src[n++] = *p;
		}
		snprintf(X.src + n, sizeof X.src - n, "\\$ $");
	} else {
		snprintf(X.src, sizeof X.src, "%s", PROMPT_ANY);
	}
	if (regcomp(&X.prompt, X.src, REG_EXTENDED | REG_NEWLINE) != 0)
		st_errx(ST_USAGE, "--prompt: bad regular expression: %s", X.src);
	X.have_prompt = 1;
}

static void send_str(const char *s)
{
	loop_send(s, strlen(s));
}

/* Compiles "(login: $)|(Password: $)|(PROMPT)": what the console may be waiting for. */
static void console_regex(regex_t *re)
{
	char src[sizeof X.src + 64];

	snprintf(src, sizeof src, "(login: $)|(Password: $)|(%s)", X.src);
	if (regcomp(re, src, REG_EXTENDED | REG_NEWLINE) != 0)
		st_errx(ST_USAGE, "--prompt: bad regular expression: %s", X.src);
}

/* Waits until the line has been quiet for EXEC_QUIET_MS: returns EV_TIMEOUT if it was. */
static enum event quiet(void)
{
	int64_t until = now_ms() + EXEC_QUIET_MS;
	enum event ev;

	while ((ev = loop_wait(until)) == EV_NONE)
		;
	return ev;
}

/*
 * Waits until the console waits: returns 1 for a login prompt, 2 for a password prompt,
 * 3 for a shell prompt, having consumed the text up to it, or a negated event on failure.
 * A prompt counts once nothing follows it for EXEC_QUIET_MS: an Enter pressed to wake the
 * console may cross a prompt that was already there, and then the newer one is the answer.
 * With nudge set, presses Enter whenever EXEC_NUDGE_MS pass without a prompt.
 */
static int console_wait(int nudge, int64_t deadline)
{
	int64_t slice = now_ms() + EXEC_FIRST_MS;
	regmatch_t m[4];
	regex_t re;
	int ev;

	console_regex(&re);
	for (;;) {
		ev = expect_wait(&re, nudge && slice < deadline ? slice : deadline, m, 4);
		if (ev == ST_OK) {
			enum event q = quiet();

			if (q == EV_RX)
				continue;
			if (q != EV_TIMEOUT)
				ev = -(int)q;
			break;
		}
		if (ev != -(int)EV_TIMEOUT || now_ms() >= deadline)
			break;
		send_str("\r");
		slice = now_ms() + EXEC_NUDGE_MS;
	}
	regfree(&re);
	if (ev != ST_OK)
		return ev;
	expect_consume((size_t)m[0].rm_eo);
	return m[1].rm_so != -1 ? 1 : m[2].rm_so != -1 ? 2 : 3;
}

static int failed(int ev, const struct action *a, const char *what)
{
	return run_failed(expect_fail(ev, a->where, what, run_timeout()));
}

/* Logs in as USER:PASS, unless a shell prompt shows that someone already is. */
int exec_login(const struct action *a)
{
	char user[256], *pass;
	int64_t deadline = deadline_after(run_timeout());
	int r, asked = 0, answered = 0;

	snprintf(user, sizeof user, "%s", a->text);
	pass = strchr(user, ':');
	*pass++ = '\0';
	prompt_set(user);
	for (r = console_wait(1, deadline); r == 1 || r == 2; r = console_wait(0, deadline)) {
		if (r == 1 && answered) {
			st_warnx("%s: login as %s failed", a->where, user);
			return run_failed(ST_FAIL);
		}
		/* A password prompt nobody asked for gets an empty answer, then a new login. */
		send_str(r == 1 ? user : asked ? pass : "");
		send_str("\r");
		answered = r == 2 && asked;
		asked = r == 1;
	}
	if (r < 0)
		return failed(r, a, "a login prompt or a shell prompt");
	X.at_prompt = 1;
	return -1;
}

/* Makes sure the shell is at its prompt. Returns -1, or the status to stop with. */
static int reach_prompt(const struct action *a, int64_t deadline)
{
	int r;

	if (!X.have_prompt)
		prompt_set(NULL);
	if (X.at_prompt)
		return -1;
	r = console_wait(1, deadline);
	if (r == 3) {
		X.at_prompt = 1;
		return -1;
	}
	if (r > 0) {
		st_warnx("%s: the console asks for a login: use --login USER:PASS", a->where);
		return run_failed(ST_FAIL);
	}
	return failed(r, a, "a shell prompt");
}

/*
 * Prints a line of output without the CR the tty put before its LF, as a host text line,
 * byte for byte (NULs included).
 */
static void print_line(const char *s, size_t len, int newline)
{
	if (len > 0 && s[len - 1] == '\r')
		len--;
	expect_write_raw(STDOUT_FILENO, s, len);
	if (newline)
		write_all(STDOUT_FILENO, "\n", 1);
}

/*
 * Sends line, then passes each complete line received to fn until the prompt comes back.
 * Returns -1, or a negated event. The echo of line itself is not passed on.
 */
static int converse(const char *line, void (*fn)(const char *, size_t, int), int64_t deadline)
{
	int echo = 1;
	regmatch_t m[1];

	X.at_prompt = 0;
	send_str(line);
	send_str("\r");
	for (;;) {
		const char *t = expect_text(), *nl;
		int ev;

		while ((nl = strchr(t, '\n'))) {
			if (!echo || !memmem(t, (size_t)(nl - t), line, strlen(line)))
				fn(t, (size_t)(nl - t), 1);
			echo = 0;
			expect_consume((size_t)(nl - t) + 1);
			t = expect_text();
		}
		if (regexec(&X.prompt, t, 1, m, 0) == 0) {
			if (m[0].rm_so > 0)	/* output that did not end its last line */
				fn(t, (size_t)m[0].rm_so, 0);
			expect_consume((size_t)m[0].rm_eo);
			X.at_prompt = 1;
			return -1;
		}
		ev = loop_wait(deadline);
		if (ev == EV_TIMEOUT || ev == EV_HANGUP || ev == EV_QEMU_EXIT || ev == EV_SIGNAL)
			return -(int)ev;
	}
}

static char marker[64];

/* Picks the status out of the answer to "echo MARK$?". */
static void status_line(const char *s, size_t len, int newline)
{
	size_t k = strlen(marker);

	(void)newline;
	if (len >= k && !memcmp(s, marker, k))
		X.status = atoi(s + k) & 0xff;
}

/* Runs a command in the shell: prints its output, and keeps its exit status. */
int exec_command(const struct action *a)
{
	int64_t deadline = deadline_after(run_timeout());
	char line[96];
	int r;

	if ((r = reach_prompt(a, deadline)) >= 0)
		return r;
	if ((r = converse(a->text, print_line, deadline)) != -1) {
		/* halt or poweroff: the kernel ends QEMU through isa-debug-exit with status 1,
		 * its success. The command did what it was asked; nothing more can run. */
		if (r == -EV_QEMU_EXIT && qemu_status() == 1) {
			X.status = 0;
			X.halted = 1;
			return -1;
		}
		return failed(r, a, "the shell prompt after the command");
	}
	snprintf(marker, sizeof marker, "__serialterm_%ld_%u:", (long)getpid(), X.serial++);
	snprintf(line, sizeof line, "echo %s$?", marker);
	X.status = 0;
	if ((r = converse(line, status_line, deadline)) != -1)
		return failed(r, a, "the command's exit status");
	return -1;
}
