/*
 * sh: Keel's shell. It prompts "USER$ ", reads a line with editing and history, and runs
 * builtins or the programs of /bin by name; `sh -c LINE` runs one line and exits with its
 * status. See doc/userland.md.
 */
#include <err.h>
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
}

void
sh_execute(const char *line)
{
	static char words[EDIT_LINE_MAX + 64];	/* room for $? expansions */
	struct parse_result r;
	const struct builtin *b;

	if (parse_line(line, sh.status, words, sizeof(words), &r) < 0) {
		warnx("%s", r.error);
		sh.status = SH_STATUS_SYNTAX;
		return;
	}
	if (r.argc == 0)
		return;		/* a blank line keeps $? */
	b = builtin_find(r.argv[0]);
	sh.status = b != NULL ? b->run(r.argc, r.argv) : run_program(r.argv);
}

int
main(int argc, char **argv)
{
	char line[EDIT_LINE_MAX];

	shell_init();
	if (argc == 3 && strcmp(argv[1], "-c") == 0) {
		sh_execute(argv[2]);
		return sh.done ? sh.exit_status : sh.status;
	}
	if (argc != 1)
		errx(SH_STATUS_SYNTAX, "usage: sh [-c LINE]");
	while (!sh.done) {
		switch (input_line(line, sizeof(line), sh.prompt)) {
		case INPUT_LINE:
			sh_execute(line);
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
