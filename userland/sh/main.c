/*
 * sh: Keel's shell. It prompts "USER$ ", reads a line with editing and history, and runs
 * it: pipelines, redirections, lists and background jobs of builtins and the programs of
 * /bin. `sh -c LINE` runs one line, `sh FILE [ARG...]` a script, and either exits with
 * the last status. See doc/userland.md.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "edit.h"
#include "parse.h"
#include "sh.h"

struct shell sh;

/* Finds who we are in /etc/passwd: the name for the prompt and the home for cd. */
static void
shell_init(void)
{
	static char text[PASSWD_FILE_MAX];
	struct passwd_entry e;
	unsigned uid = getuid();

	if (passwd_read(text, sizeof(text)) == 0 && passwd_find_uid(text, uid, &e) == 0) {
		strlcpy(sh.user, e.name, sizeof(sh.user));
		strlcpy(sh.home, e.home, sizeof(sh.home));
	} else {
		snprintf(sh.user, sizeof(sh.user), "%s", uid == 0 ? "root" : "user");
		strlcpy(sh.home, "/", sizeof(sh.home));
	}
	snprintf(sh.prompt, sizeof(sh.prompt), "%s$ ", sh.user);
	sh.pgid = getpgrp();
}

/*
 * An interactive shell leads a process group of its own, holds the terminal between
 * jobs and ignores ^C's SIGINT, which is for the job in front (its programs are spawned
 * with the default again).
 */
static void
job_control_init(void)
{
	if (tcgetpgrp(STDIN_FILENO) < 0)
		return;
	sh.interactive = true;
	sh.tty = STDIN_FILENO;
	setpgid(0, 0);
	sh.pgid = getpgrp();
	tcsetpgrp(sh.tty, sh.pgid);
	signal(SIGINT, SIG_IGN);
}

void
sh_execute(const char *line)
{
	static char words[2 * EDIT_LINE_MAX];	/* room for expansions */
	static struct pipeline pl;
	struct parse_env env = { 0, getpid(), var_lookup, NULL };
	const char *error;
	bool run = true;
	int r;

	if (parse_check(line, &error) < 0) {
		warnx("%s", error);
		sh.status = SH_STATUS_SYNTAX;
		return;
	}
	for (;;) {
		env.status = sh.status;
		if ((r = parse_pipeline(&line, &env, words, sizeof(words), &pl, &error)) <= 0)
			break;
		/* && and || run the next pipeline on the status of the last one that ran. */
		if (run)
			sh.status = run_pipeline(&pl, pl.op == OP_AMP);
		run = pl.op == OP_AND ? sh.status == 0 : pl.op == OP_OR ? sh.status != 0 : true;
		if (sh.done)
			return;
	}
	if (r < 0) {
		warnx("%s", error);
		sh.status = SH_STATUS_SYNTAX;
	}
}

int
sh_script(int fd, const char *name)
{
	static char text[SCRIPT_MAX + 1];
	size_t len = 0;
	ssize_t n;
	int lineno = 1;

	while (len < sizeof(text) - 1 &&
	       ((n = read(fd, text + len, sizeof(text) - 1 - len)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			len += (size_t)n;
	if (len == sizeof(text) - 1) {
		warnx("%s: longer than %d bytes", name, SCRIPT_MAX);
		return SH_STATUS_SYNTAX;
	}
	text[len] = '\0';
	for (char *line = text; *line != '\0' && !sh.done; lineno++) {
		char *nl = strchr(line, '\n');
		if (nl != NULL)
			*nl = '\0';
		if (strlen(line) >= EDIT_LINE_MAX) {
			warnx("%s: line %d: longer than %d bytes", name, lineno, EDIT_LINE_MAX - 1);
			sh.status = SH_STATUS_SYNTAX;
		} else {
			sh_execute(line);
		}
		jobs_reap(false);
		line = nl != NULL ? nl + 1 : line + strlen(line);
	}
	return sh.done ? sh.exit_status : sh.status;
}

static int
interactive(void)
{
	char line[EDIT_LINE_MAX];

	job_control_init();
	while (!sh.done) {
		jobs_reap(sh.interactive);
		switch (input_line(line, sizeof(line), sh.prompt)) {
		case INPUT_LINE:
			sh_execute(line);
			break;
		case INPUT_TOO_LONG:
			warnx("the line is longer than %d bytes: not run", EDIT_LINE_MAX - 1);
			sh.status = SH_STATUS_SYNTAX;
			break;
		case INPUT_INTERRUPT:
			sh.status = SH_STATUS_SIGNAL + SIGINT;	/* as after ^C in a program */
			break;
		case INPUT_EOF:
			printf("logout\n");
			return sh.status;
		}
	}
	return sh.exit_status;
}

int
main(int argc, char **argv)
{
	int fd, status;

	shell_init();
	sh.argc = 1;
	sh.argv = argv;
	if (argc >= 3 && strcmp(argv[1], "-c") == 0) {
		/* sh -c LINE [NAME [ARG...]]: $0 is NAME, as in POSIX sh. */
		if (argc > 3) {
			sh.argc = argc - 3;
			sh.argv = argv + 3;
		}
		sh_execute(argv[2]);
		return sh.done ? sh.exit_status : sh.status;
	}
	if (argc >= 2 && argv[1][0] != '-') {
		if ((fd = open(argv[1], O_RDONLY | O_CLOEXEC)) < 0) {
			warn("cannot open %s", argv[1]);
			return SH_STATUS_NOT_FOUND;
		}
		sh.argc = argc - 1;
		sh.argv = argv + 1;
		status = sh_script(fd, argv[1]);
		close(fd);
		return status;
	}
	if (argc != 1)
		errx(SH_STATUS_SYNTAX, "usage: sh [-c LINE [NAME [ARG...]] | FILE [ARG...]]");
	return interactive();
}
