/*
 * Keel's shell: reads a line (input.c, with the editor of edit.c) or a script, reads it
 * one pipeline at a time (parse.c) and runs builtins (builtin.c) and programs (run.c),
 * with variables (vars.c). This header is what those files share.
 */
#ifndef KEEL_SH_H
#define KEEL_SH_H

#include <stdbool.h>
#include <stddef.h>
#include <keel/fs.h>

#include <keel/passwd.h>

#include "parse.h"

#define SH_BIN_DIR	"/bin"
#define SH_PATH		"/bin/sh"
#define SH_STATUS_SYNTAX	2	/* $? after a line that could not be parsed */
#define SH_STATUS_CANNOT_RUN	126	/* as POSIX sh: found but could not be started */
#define SH_STATUS_NOT_FOUND	127
#define SH_STATUS_SIGNAL	128	/* + the signal, for a command killed by one */
#define JOBS_MAX		16	/* background jobs at once */
#define SCRIPT_MAX		65536	/* bytes of a script sh FILE reads */

struct shell {
	int status;			/* of the last command: what $? expands to */
	bool done;			/* exit or logout ran */
	int exit_status;		/* what the shell then exits with */
	bool interactive;		/* reading a terminal: job control, ^C ignored */
	int tty;			/* the terminal's descriptor when interactive */
	int pgid;			/* the shell's own process group */
	int last_bg;			/* $!: the last background job's last pid */
	int argc;			/* $0, $1, ... $#: the script's name and arguments */
	char **argv;
	char user[PASSWD_NAME_MAX + 1];
	char home[KEEL_PATH_MAX + 1];
	char prompt[PASSWD_NAME_MAX + 3];	/* "USER$ " */
};

extern struct shell sh;

/* Runs one command line and sets sh.status. */
void sh_execute(const char *line);

/* Runs the script in the open file fd line by line (name for messages). Returns $?. */
int sh_script(int fd, const char *name);

/* builtin.c: the commands the shell runs itself. */
typedef int builtin_fn(int argc, char **argv);

struct builtin {
	const char *name;
	const char *usage;
	builtin_fn *run;	/* returns the status */
};

/* Returns the builtin called name, or NULL. */
const struct builtin *builtin_find(const char *name);

/* run.c: runs a pipeline, in the background or waiting for it. Returns $?. */
int run_pipeline(struct pipeline *pl, bool background);

/* Runs the program argv[0] (/bin/NAME for a plain name) and waits. Returns $?. */
int run_program(char **argv);

/* Reaps background jobs that ended, saying so when report is true. */
void jobs_reap(bool report);

/* Lists the background jobs (`jobs`). Returns 0. */
int jobs_list(void);

/* Waits for the background job member pid, or for all when pid is 0. Returns its status. */
int jobs_wait(int pid);

/* vars.c: shell variables, which $NAME expands (parse.h's lookup). */
const char *var_lookup(const char *name, void *ctx);

/* Whether every word of argv is an assignment NAME=VALUE. */
bool var_assignment(int argc, char **argv);

/* Sets the variables of the assignments in argv. Returns the status. */
int var_assign(int argc, char **argv);

/* input.c: reads a line into buf (size bytes) after writing the prompt. */
enum input_result { INPUT_LINE, INPUT_EOF, INPUT_INTERRUPT, INPUT_TOO_LONG };
enum input_result input_line(char *buf, size_t size, const char *prompt);

#endif
