/*
 * Keel's shell: reads a line (input.c, with the editor of edit.c), splits it into words
 * (parse.c) and runs a builtin (builtin.c) or a program from /bin (run.c). This header is
 * what those files share.
 */
#ifndef KEEL_SH_H
#define KEEL_SH_H

#include <stdbool.h>
#include <stddef.h>
#include <keel/fs.h>

#include <keel/passwd.h>

#define SH_BIN_DIR	"/bin"
#define SH_STATUS_SYNTAX	2	/* $? after a line that could not be parsed */
#define SH_STATUS_CANNOT_RUN	126	/* as POSIX sh: found but could not be started */
#define SH_STATUS_NOT_FOUND	127
#define SH_STATUS_SIGNAL	128	/* + the signal, for a command killed by one */

struct shell {
	int status;			/* of the last command: what $? expands to */
	bool done;			/* exit or logout ran */
	int exit_status;		/* what the shell then exits with */
	char user[PASSWD_NAME_MAX + 1];
	char home[KEEL_PATH_MAX + 1];
	char prompt[PASSWD_NAME_MAX + 3];	/* "USER$ " */
};

extern struct shell sh;

/* Runs one command line and sets sh.status. */
void sh_execute(const char *line);

/* builtin.c: the commands the shell runs itself. */
typedef int builtin_fn(int argc, char **argv);

struct builtin {
	const char *name;
	const char *usage;
	builtin_fn *run;	/* returns the status */
};

/* Returns the builtin called name, or NULL. */
const struct builtin *builtin_find(const char *name);

/* run.c: runs the program argv[0] (/bin/NAME for a plain name) and waits. Returns $?. */
int run_program(char **argv);

/* input.c: reads a line into buf (size bytes) after writing the prompt. */
enum input_result { INPUT_LINE, INPUT_EOF, INPUT_INTERRUPT };
enum input_result input_line(char *buf, size_t size, const char *prompt);

#endif
