/*
 * The shell's builtins, one function each and one table: cd, pwd, export, exit, logout,
 * help, run, jobs and wait. Each takes its words and returns its status.
 */
#include <err.h>
#include <fcntl.h>
#include <keel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

static int
builtin_cd(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : sh.home;

	if (argc > 2) {
		warnx("cd: too many arguments");
		return 1;
	}
	if (chdir(dir) < 0) {
		warn("cd: %s", dir);
		return 1;
	}
	return 0;
}

static int
builtin_pwd(int argc, char **argv)
{
	char cwd[KEEL_PATH_MAX + 1];

	(void)argc;
	(void)argv;
	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		warn("pwd");
		return 1;
	}
	printf("%s\n", cwd);
	return 0;
}

static int
builtin_exit(int argc, char **argv)
{
	char *end;
	long n = argc > 1 ? strtol(argv[1], &end, 10) : sh.status;

	sh.done = true;
	sh.exit_status = (int)(n & 0xff);
	if (argc > 1 && (*argv[1] == '\0' || *end != '\0')) {
		warnx("exit: %s: a number is needed", argv[1]);
		sh.exit_status = SH_STATUS_SYNTAX;
	}
	return sh.exit_status;
}

static int
builtin_logout(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	sh.done = true;
	sh.exit_status = 0;
	return 0;
}

/*
 * export NAME=value... puts each into the environment the shell's programs get (spawn
 * passes environ); export alone lists the environment.
 */
static int
builtin_export(int argc, char **argv)
{
	int status = 0;

	if (argc == 1) {
		for (char **e = environ; e != NULL && *e != NULL; e++)
			printf("%s\n", *e);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (eq == NULL && var_lookup(argv[i], NULL) != NULL) {
			/* export NAME: the shell variable's value goes to the programs too. */
			if (setenv(argv[i], var_lookup(argv[i], NULL), 1) < 0) {
				warn("export: %s", argv[i]);
				status = 1;
			}
			continue;
		}
		if (eq == NULL && getenv(argv[i]) != NULL)
			continue;	/* exported already */
		if (eq == NULL || eq == argv[i]) {
			warnx("export: %s: NAME=value, or the name of a variable, is needed", argv[i]);
			status = 1;
			continue;
		}
		*eq = '\0';
		if (setenv(argv[i], eq + 1, 1) < 0) {
			warn("export: %s", argv[i]);
			status = 1;
		}
		*eq = '=';
	}
	return status;
}

static int
builtin_run(int argc, char **argv)
{
	if (argc < 2) {
		warnx("usage: run NAME [ARGUMENT...]");
		return SH_STATUS_SYNTAX;
	}
	return run_program(argv + 1);
}

static int
builtin_jobs(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	jobs_reap(false);
	return jobs_list();
}

static int
builtin_wait(int argc, char **argv)
{
	int status = 0;

	if (argc == 1)
		return jobs_wait(0);
	for (int i = 1; i < argc; i++) {
		char *end;
		long pid = strtol(argv[i], &end, 10);
		if (*argv[i] == '\0' || *end != '\0' || pid <= 0) {
			warnx("wait: %s: not a pid", argv[i]);
			return SH_STATUS_SYNTAX;
		}
		status = jobs_wait((int)pid);
	}
	return status;
}

static int builtin_help(int argc, char **argv);

static const struct builtin builtins[] = {
	{ "cd", "cd [DIR]        go to DIR, or to your home directory", builtin_cd },
	{ "pwd", "pwd             print the working directory", builtin_pwd },
	{ "export", "export [N[=V]]  give variable N (set to V) to the programs run; alone, list", builtin_export },
	{ "run", "run NAME [ARG]  run the program NAME (the same as typing NAME [ARG])", builtin_run },
	{ "jobs", "jobs            list the background jobs (started with &)", builtin_jobs },
	{ "wait", "wait [PID...]   wait for background jobs: all, or those given", builtin_wait },
	{ "help", "help            this list", builtin_help },
	{ "exit", "exit [N]        leave the shell with status N (default: $?)", builtin_exit },
	{ "logout", "logout          leave the shell and log out", builtin_logout },
};

#define NBUILTINS	(sizeof(builtins) / sizeof(builtins[0]))

const struct builtin *
builtin_find(const char *name)
{
	for (size_t i = 0; i < NBUILTINS; i++)
		if (strcmp(builtins[i].name, name) == 0)
			return &builtins[i];
	return NULL;
}

/* Lists the programs in /bin, several to a line. */
static void
list_programs(void)
{
	struct keel_dirent d;
	int fd = open(SH_BIN_DIR, O_RDONLY | O_DIRECTORY), col = 0;

	if (fd < 0) {
		warn("%s", SH_BIN_DIR);
		return;
	}
	while (readdir(fd, &d) > 0) {
		if (d.name[0] == '.')
			continue;
		printf("%s%-10s", col == 0 ? "  " : " ", d.name);
		if (++col == 6) {
			printf("\n");
			col = 0;
		}
	}
	if (col != 0)
		printf("\n");
	close(fd);
}

static int
builtin_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("Builtins:\n");
	for (size_t i = 0; i < NBUILTINS; i++)
		printf("  %s\n", builtins[i].usage);
	printf("Programs in %s (run one by typing its name):\n", SH_BIN_DIR);
	list_programs();
	printf("Pipelines a | b, redirections < > >> 2> 2>&1, lists ; && ||, jobs &,\n"
	       "variables NAME=VALUE and $NAME, $? the last status. Up and Down walk the history.\n");
	return 0;
}
