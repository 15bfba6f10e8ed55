/*
 * script.c: scripted mode.
 *
 * --send, --expect, --script, --login and --exec become actions in the order they appear
 * on the command line; a --script file adds its own actions at its place in that order.
 * Everything is checked (regular expressions compiled, numbers converted, script files
 * read) before serialterm connects, so a typo is a usage error, not a failure halfway.
 *
 * The script language has one command per line; "#" starts a comment line:
 *   send TEXT                 send bytes (escapes: \r \n \t \e \a \b \\ \" \xHH)
 *   expect REGEX [else N]     wait for text; on failure exit with status N
 *   timeout SECONDS           the limit for the following waits (0: none)
 *   sleep SECONDS             wait, still receiving
 *   log FILE | log off        start or stop logging what is received
 *   exit [N]                  stop here with status N (default 0)
 *   login USER:PASS, exec CMD as --login and --exec
 *   auth USER:PASS, put FILE[=DEST], get PATH[=FILE], ls PATH, run CMD, stat
 *                             as the options of the same names (the serial protocol)
 * An argument is the rest of the line; quotes ("..." or '...') keep leading and trailing
 * spaces and allow "else" inside a regular expression.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serialterm.h"

static struct {
	double timeout;		/* the limit for waits now, in seconds */
	int status;		/* the status at the end: the last --exec's */
} R;

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/*
 * Translates backslash escapes in place and returns the new length (the text may now hold
 * NUL bytes). For a regular expression only the escapes that name bytes are translated;
 * "\." and the like are left for regcomp().
 */
size_t unescape(char *s, int for_regex)
{
	static const char from[] = "rntaeb\"'", to[] = "\r\n\t\a\033\b\"'";
	char *o = s;

	for (const char *p = s; *p; p++) {
		const char *k;

		if (*p != '\\' || !p[1]) {
			*o++ = *p;
		} else if (p[1] == 'x' && isxdigit((unsigned char)p[2])) {
			int v = hexval(p[2]);

			p += 2;
			if (isxdigit((unsigned char)p[1]))
				v = v * 16 + hexval(*++p);
			*o++ = (char)v;
		} else if ((k = strchr(from, p[1])) && !(for_regex && p[1] == 'b')) {
			*o++ = to[k - from];
			p++;
		} else if (p[1] == '\\' && !for_regex) {
			*o++ = '\\';
			p++;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return (size_t)(o - s);
}

/* Converts seconds, "1.5" or "30"; exits with a usage error naming what it was for. */
double seconds_arg(const char *s, const char *what, const char *where)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(v) || v < 0 || v > 86400 * 365)
		st_errx(ST_USAGE, "%s: %s is %s: %s", where, what, s,
			errno == ERANGE || v > 0 ? "out of range" : "invalid");
	return v;
}

static int status_arg(const char *s, const char *where)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < 0 || v > 255)
		st_errx(ST_USAGE, "%s: exit status is %s: %s", where, s,
			end == s || *end ? "invalid" : "out of range 0-255");
	return (int)v;
}

static struct action *action_new(struct actions *a, enum action_kind kind, const char *arg,
				 const char *where)
{
	struct action *act;

	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 16;
		a->v = realloc(a->v, a->cap * sizeof *a->v);
		if (!a->v)
			st_err(ST_FAIL, "actions");
	}
	act = &a->v[a->n++];
	memset(act, 0, sizeof *act);
	act->kind = kind;
	act->status = -1;
	act->text = strdup(arg ? arg : "");
	act->len = strlen(act->text);
	act->where = strdup(where);
	if (!act->text || !act->where)
		st_err(ST_FAIL, "actions");
	return act;
}

static void compile(struct action *act)
{
	char *src = strdup(act->text), msg[256];
	int e;

	if (!src)
		st_err(ST_FAIL, "regex");
	unescape(src, 1);
	e = regcomp(&act->re, src, REG_EXTENDED | REG_NEWLINE);
	free(src);
	if (e) {
		regerror(e, &act->re, msg, sizeof msg);
		st_errx(ST_USAGE, "%s: regular expression is %s: %s", act->where, act->text, msg);
	}
}

/* Appends an action with its argument as written; exits with a usage error if it is bad. */
void actions_add(struct actions *a, enum action_kind kind, const char *arg, const char *where)
{
	struct action *act = action_new(a, kind, arg, where);

	switch (kind) {
	case ACT_SEND:
		act->len = unescape(act->text, 0);
		break;
	case ACT_EXPECT:
		compile(act);
		break;
	case ACT_SLEEP:
	case ACT_TIMEOUT:
		act->seconds = seconds_arg(act->text, kind == ACT_SLEEP ? "sleep" : "timeout",
					   where);
		break;
	case ACT_EXIT:
		act->status = *act->text ? status_arg(act->text, where) : 0;
		break;
	case ACT_LOGIN:
	case ACT_AUTH:
		if (!strchr(act->text, ':'))
			st_errx(ST_USAGE, "%s: expected USER:PASS, not %s", where, act->text);
		break;
	case ACT_LOG:
	case ACT_EXEC:
	case ACT_PUT:
	case ACT_GET:
	case ACT_LS:
	case ACT_RUN:
	case ACT_STAT:
		break;
	}
}

/* Takes a quoted argument off the front of s; returns what follows it, or NULL. */
static char *unquote(char *s, char **arg)
{
	char q = *s, *p;

	for (p = s + 1; *p && *p != q; p++)
		if (*p == '\\' && p[1])
			p++;
	if (*p != q)
		return NULL;
	*p = '\0';
	*arg = s + 1;
	return p + 1;
}

static const struct {
	const char *name;
	enum action_kind kind;
} commands[] = {
	{ "send", ACT_SEND }, { "expect", ACT_EXPECT }, { "timeout", ACT_TIMEOUT },
	{ "sleep", ACT_SLEEP }, { "log", ACT_LOG }, { "exit", ACT_EXIT },
	{ "login", ACT_LOGIN }, { "exec", ACT_EXEC }, { "auth", ACT_AUTH }, { "put", ACT_PUT },
	{ "get", ACT_GET }, { "ls", ACT_LS }, { "run", ACT_RUN }, { "stat", ACT_STAT },
};

/* Parses one line of a script into an action. */
static void script_line(struct actions *a, char *s, const char *where)
{
	char *cmd, *arg, *rest = NULL, *tail;
	size_t i;

	while (isspace((unsigned char)*s))
		s++;
	if (!*s || *s == '#')
		return;
	cmd = s;
	s += strcspn(s, " \t");
	if (*s)
		*s++ = '\0';
	while (isspace((unsigned char)*s))
		s++;
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(cmd, commands[i].name))
			break;
	if (i == sizeof commands / sizeof commands[0])
		st_errx(ST_USAGE, "%s: unknown command: %s", where, cmd);
	arg = s;
	if (*s == '"' || *s == '\'') {
		if (!(rest = unquote(s, &arg)))
			st_errx(ST_USAGE, "%s: unterminated quote", where);
	} else {
		for (tail = s + strlen(s); tail > s && isspace((unsigned char)tail[-1]); tail--)
			;
		*tail = '\0';
		if (commands[i].kind == ACT_EXPECT && (tail = strstr(s, " else ")))
			rest = tail;
	}
	if (rest) {
		char st[16];

		if (sscanf(rest, " else %15s", st) == 1 && commands[i].kind == ACT_EXPECT) {
			*rest = '\0';
			actions_add(a, ACT_EXPECT, arg, where);
			a->v[a->n - 1].status = status_arg(st, where);
			return;
		}
		if (strspn(rest, " \t\r") != strlen(rest))
			st_errx(ST_USAGE, "%s: unexpected text after the argument: %s", where, rest);
	}
	if (commands[i].kind == ACT_LOG && !strcmp(arg, "off"))
		arg = NULL;
	else if (!*arg && commands[i].kind != ACT_EXIT && commands[i].kind != ACT_SEND &&
		 commands[i].kind != ACT_STAT)
		st_errx(ST_USAGE, "%s: %s needs an argument", where, cmd);
	actions_add(a, commands[i].kind, arg, where);
}

/* Reads a script file into actions; exits with a usage error at its first bad line. */
void script_load(struct actions *a, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, where[4200];
	size_t cap = 0;
	ssize_t n;
	int lineno = 0;

	if (!f)
		st_err(ST_USAGE, "%s", path);
	while ((n = getline(&line, &cap, f)) != -1) {
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		snprintf(where, sizeof where, "%s:%d", path, lineno);
		script_line(a, line, where);
	}
	free(line);
	fclose(f);
}

/* What a failed run exits with: with --exec, serialterm's own failures are 255. */
int run_failed(int status)
{
	return opt.has_exec && status != ST_OK ? ST_EXEC_ERROR : status;
}

/* Waits until the deadline while receiving. Returns -1, or the status to stop with. */
static int sleep_until(const struct action *act, int64_t deadline)
{
	for (;;) {
		enum event ev = loop_wait(deadline);

		if (ev == EV_TIMEOUT)
			return -1;
		if (ev == EV_HANGUP || ev == EV_QEMU_EXIT || ev == EV_SIGNAL)
			return run_failed(expect_fail(-(int)ev, act->where, "the sleep to end", 0));
	}
}

static int run_expect(const struct action *act)
{
	regmatch_t m[1];
	char what[300];
	int ev = expect_wait(&act->re, deadline_after(R.timeout), m, 1), st;

	if (ev == ST_OK) {
		expect_consume((size_t)m[0].rm_eo);
		return -1;
	}
	snprintf(what, sizeof what, "\"%s\"", act->text);
	st = expect_fail(ev, act->where, what, R.timeout);
	if (act->status >= 0 && (-ev == EV_TIMEOUT || -ev == EV_HANGUP))
		st = act->status;
	return run_failed(st);
}

/* Runs one action. Returns -1 to go on, or the status to stop with. */
static int action_run(const struct action *act)
{
	enum event ev;

	if (act->kind < ACT_AUTH && act->kind != ACT_TIMEOUT && act->kind != ACT_LOG)
		proto_pause();		/* the console is text again */
	switch (act->kind) {
	case ACT_SEND:
		loop_send(act->text, act->len);
		ev = loop_flush(deadline_after(R.timeout));
		return ev == EV_NONE ? -1
			: run_failed(expect_fail(-(int)ev, act->where, "the line to take the text",
						 R.timeout));
	case ACT_EXPECT:
		return run_expect(act);
	case ACT_SLEEP:
		return sleep_until(act, deadline_after(act->seconds));
	case ACT_TIMEOUT:
		R.timeout = act->seconds;
		return -1;
	case ACT_LOG:
		if (!act->len)
			log_close();
		else if (log_open(act->text) == -1)
			st_err(run_failed(ST_FAIL), "%s: %s", act->where, act->text);
		return -1;
	case ACT_EXIT:
		return act->status;
	case ACT_LOGIN:
		return exec_login(act);
	case ACT_EXEC:
		return exec_command(act);
	case ACT_AUTH:
		return proto_auth(act);
	case ACT_PUT:
		return proto_put(act);
	case ACT_GET:
		return proto_get(act);
	case ACT_LS:
		return proto_ls(act);
	case ACT_RUN:
		return proto_run(act);
	case ACT_STAT:
		return proto_stat(act);
	}
	return -1;
}

/* What --qemu-status waits for once the actions are done: QEMU's own exit. */
static int wait_qemu(void)
{
	int64_t deadline = deadline_after(R.timeout);

	while (qemu_active() && !qemu_reap()) {
		enum event ev = loop_wait(deadline);

		if (ev == EV_TIMEOUT || ev == EV_SIGNAL) {
			expect_fail(-(int)ev, "--qemu-status", "QEMU to exit", R.timeout);
			return ev == EV_SIGNAL ? 128 + loop_signal() : ST_TIMEOUT;
		}
	}
	return qemu_status() >= 0 ? qemu_status() : ST_FAIL;
}

/* Runs the actions in order. Returns serialterm's exit status. */
int actions_run(const struct actions *a)
{
	R.timeout = opt.timeout;
	loop_show(!opt.quiet && !opt.has_exec);
	loop_keep(1);
	for (size_t i = 0; i < a->n; i++) {
		int st = action_run(&a->v[i]);

		if (st >= 0) {
			proto_pause();
			return st;
		}
		if (a->v[i].kind == ACT_EXEC)
			R.status = exec_last_status();
		if (a->v[i].kind == ACT_EXEC && exec_halted() && i + 1 < a->n) {
			st_warnx("%s: the machine halted; %zu more action(s) cannot run",
				 a->v[i].where, a->n - i - 1);
			proto_pause();
			return run_failed(ST_QEMU_GONE);
		}
		if (a->v[i].kind == ACT_RUN)
			R.status = proto_last_status();
	}
	proto_pause();
	if (opt.qemu_status)
		return wait_qemu();
	return R.status;
}

/* The limit for waits now, which scripts may change. */
double run_timeout(void)
{
	return R.timeout;
}
