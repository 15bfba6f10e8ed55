/*
 * Running what parse.c reads: lists (; & && ||), pipelines and commands with their
 * redirections, and the background jobs. A pipeline's programs are spawned one by one
 * with the shell's descriptors 0, 1 and 2 pointed where each program's must go (the pipe
 * from the one before, the pipe to the next, its redirections) and put back after each:
 * a spawned program inherits the descriptors as they are, but not those marked
 * close-on-exec, which is how the shell keeps its own copies and the pipes' other ends
 * out of the programs. Every program of a pipeline is in one process group, the
 * terminal's foreground group while the shell waits for it, so that ^C reaches all of
 * them. The status is POSIX sh's: the last command's exit status, or 128 plus the
 * signal that killed it.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <keel.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sh.h"

#define SAVED_FD_MIN	10	/* where the shell keeps its own 0, 1 and 2 meanwhile */

/* A pipeline the shell started: in the background, or the one it waits for. */
struct job {
	int id;				/* [N] in messages: its slot, from 1 */
	int pgid;			/* 0 without job control */
	int n;				/* programs started; 0 for a free slot */
	int alive;			/* of which not yet reaped */
	int pids[PARSE_PIPE_MAX];	/* negated once reaped */
	char text[64];			/* what `jobs` shows */
};

static struct job jobs[JOBS_MAX];

/* What the shell says when a command was killed by sig (nothing for ^C's SIGINT or SIGPIPE). */
static const char *
signal_message(int sig)
{
	switch (sig) {
	case SIGINT: return NULL;
	case SIGPIPE: return NULL;
	case SIGILL: return "Illegal instruction";
	case SIGBUS: return "Bus error";
	case SIGFPE: return "Floating point exception";
	case SIGKILL: return "Killed";
	case SIGSEGV: return "Segmentation fault";
	case SIGTERM: return "Terminated";
	default: return "Killed by a signal";
	}
}

/* Writes the program's path for name: name itself when it has a '/', else /bin/NAME. */
static int
command_path(const char *name, char *path, size_t size)
{
	int n;

	if (strchr(name, '/') != NULL)
		n = snprintf(path, size, "%s", name);
	else
		n = snprintf(path, size, "%s/%s", SH_BIN_DIR, name);
	return n >= 0 && (size_t)n < size ? 0 : -1;
}

static int
status_of(const char *name, int status)
{
	const char *msg;

	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	msg = signal_message(WTERMSIG(status));
	if (msg != NULL)
		fprintf(stderr, "%s: %s (signal %d)\n", name, msg, WTERMSIG(status));
	else if (WTERMSIG(status) == SIGINT)
		fprintf(stderr, "\n");
	return SH_STATUS_SIGNAL + WTERMSIG(status);
}

/* Waits for the child pid, through interruptions. Returns its status, or -1. */
static int
wait_for(int pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

/*
 * Starts the program argv[0] (/bin/NAME for a plain name) with the descriptors as they
 * are. A file that is no program is run as a script by /bin/sh, as POSIX shells do.
 * Returns its pid, or -1 after saying why, with *status the status to report.
 */
static int
start_program(char **argv, int *status)
{
	char path[KEEL_PATH_MAX + 1];
	char *script[PARSE_WORDS_MAX + 3];
	int pid, n = 0;

	if (command_path(argv[0], path, sizeof(path)) < 0) {
		warnx("%s: the name is too long", argv[0]);
		*status = SH_STATUS_NOT_FOUND;
		return -1;
	}
	pid = spawn(path, argv);
	if (pid < 0 && errno == ENOEXEC) {
		script[n++] = "sh";
		script[n++] = path;
		for (int i = 1; argv[i] != NULL; i++)
			script[n++] = argv[i];
		script[n] = NULL;
		pid = spawn(SH_PATH, script);
	}
	if (pid < 0 && errno == ENOENT) {
		warnx("%s: command not found", argv[0]);
		*status = SH_STATUS_NOT_FOUND;
	} else if (pid < 0) {
		warn("%s", argv[0]);
		*status = SH_STATUS_CANNOT_RUN;
	}
	return pid;
}

/*
 * Points the shell's descriptors where cmd's redirections say, in order. Returns 0, or
 * -1 after saying why (the command is not run then, and its status is 2).
 */
static int
redirect(const struct command *cmd)
{
	for (int i = 0; i < cmd->nredirs; i++) {
		const struct redir *r = &cmd->redirs[i];
		int fd;

		if (r->kind == REDIR_DUP) {
			if (dup2(r->from, r->fd) < 0) {
				warn("%d", r->from);
				return -1;
			}
			continue;
		}
		fd = r->kind == REDIR_IN ? open(r->path, O_RDONLY)
		     : open(r->path, O_WRONLY | O_CREAT | (r->kind == REDIR_APPEND ? O_APPEND : O_TRUNC),
			    0644);
		if (fd < 0) {
			warn("cannot %s %s", r->kind == REDIR_IN ? "open" : "create", r->path);
			return -1;
		}
		if (fd != r->fd) {
			dup2(fd, r->fd);
			close(fd);
		}
	}
	return 0;
}

/* The shell's descriptors 0-2, kept aside (close-on-exec) while a pipeline is set up. */
struct saved_fds {
	int fd[3];
};

static void
save_fds(struct saved_fds *s)
{
	for (int i = 0; i < 3; i++)
		s->fd[i] = fcntl(i, F_DUPFD_CLOEXEC, SAVED_FD_MIN);
}

static void
restore_fds(const struct saved_fds *s)
{
	for (int i = 0; i < 3; i++) {
		if (s->fd[i] >= 0)
			dup2(s->fd[i], i);
		else
			close(i);
	}
}

static void
drop_fds(struct saved_fds *s)
{
	for (int i = 0; i < 3; i++)
		if (s->fd[i] >= 0)
			close(s->fd[i]);
}

/* Joins pid to the job's group (the first member's), as the shell does for each member. */
static void
join_group(struct job *j, int pid)
{
	if (!sh.interactive)
		return;		/* without job control, the shell's group is the job's */
	if (j->pgid == 0)
		j->pgid = pid;
	setpgid(pid, j->pgid);
}

/* Hands the terminal to the group pgid (the job's, or the shell's own after it). */
static void
give_terminal(int pgid)
{
	if (sh.interactive && pgid > 0)
		tcsetpgrp(sh.tty, pgid);
}

/*
 * Runs one command of a pipeline, with descriptors 0 and 1 already pointed at its pipes:
 * applies its redirections and starts it, or runs a builtin right here. Returns the pid
 * of what it started, or 0 with *status set when nothing was started.
 */
static int
run_command(struct command *cmd, struct job *j, int *status)
{
	const struct builtin *b;
	int pid;

	if (redirect(cmd) < 0) {
		*status = SH_STATUS_SYNTAX;	/* as dash and POSIX's "redirection error" */
		return 0;
	}
	if (cmd->argc == 0) {
		*status = 0;	/* redirections alone: the files are made */
		return 0;
	}
	if (var_assignment(cmd->argc, cmd->argv)) {
		*status = var_assign(cmd->argc, cmd->argv);
		return 0;
	}
	if ((b = builtin_find(cmd->argv[0])) != NULL) {
		*status = b->run(cmd->argc, cmd->argv);
		return 0;
	}
	if ((pid = start_program(cmd->argv, status)) < 0)
		return 0;
	join_group(j, pid);
	return pid;
}

/* A short text of the pipeline for `jobs`: its first command's words. */
static void
describe(struct job *j, const struct pipeline *pl)
{
	size_t n = 0;

	j->text[0] = '\0';
	for (int i = 0; i < pl->cmd[0].argc && n + 1 < sizeof(j->text); i++)
		n += (size_t)snprintf(j->text + n, sizeof(j->text) - n, "%s%s", i ? " " : "",
				      pl->cmd[0].argv[i]);
	if (pl->n > 1 && n + 1 < sizeof(j->text))
		snprintf(j->text + n, sizeof(j->text) - n, " | ...");
}

static struct job *
job_slot(void)
{
	for (int i = 0; i < JOBS_MAX; i++)
		if (jobs[i].n == 0)
			return &jobs[i];
	return NULL;
}

int
run_pipeline(struct pipeline *pl, bool background)
{
	struct job fg, *j = background ? job_slot() : &fg;
	struct saved_fds saved;
	int pids[PARSE_PIPE_MAX] = { 0 }, status = 0, in = -1, pfd[2], last = pl->n - 1;

	if (j == NULL) {
		warnx("too many background jobs");
		return 1;
	}
	memset(j, 0, sizeof(*j));
	save_fds(&saved);
	/* Without job control of input, a background job reads nothing rather than the terminal. */
	if (background)
		in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	for (int i = 0; i <= last; i++) {
		int st = 0;

		if (i < last && pipe2(pfd, O_CLOEXEC) < 0) {
			warn("pipe");
			status = 1;
			break;
		}
		if (in >= 0)
			dup2(in, STDIN_FILENO);
		if (i < last)
			dup2(pfd[1], STDOUT_FILENO);
		pids[i] = run_command(&pl->cmd[i], j, &st);
		if (pids[i] > 0) {
			j->pids[j->n++] = pids[i];
			if (j->n == 1 && !background)
				give_terminal(j->pgid);
		}
		if (i == last)
			status = st;
		restore_fds(&saved);
		if (in >= 0)
			close(in);
		in = -1;
		if (i < last) {
			close(pfd[1]);
			in = pfd[0];
		}
	}
	if (in >= 0)
		close(in);
	drop_fds(&saved);
	if (background) {
		if (j->n > 0) {
			j->alive = j->n;
			j->id = (int)(j - jobs) + 1;
			describe(j, pl);
			if (sh.interactive)
				fprintf(stderr, "[%d] %d\n", j->id, j->pids[j->n - 1]);
			sh.last_bg = j->pids[j->n - 1];
		}
		return 0;
	}
	for (int i = 0; i <= last; i++) {
		int st;
		if (pids[i] <= 0 || (st = wait_for(pids[i])) < 0)
			continue;
		if (i == last)
			status = status_of(pl->cmd[i].argv[0], st);
		else if (WIFSIGNALED(st) && WTERMSIG(st) != SIGINT && WTERMSIG(st) != SIGPIPE)
			status_of(pl->cmd[i].argv[0], st);
	}
	give_terminal(sh.pgid);
	return status;
}

/*
 * Background processes reaped before anyone waited for them: `wait PID` still gets their
 * status, as POSIX asks of a shell for the pids it reported ($! among them).
 */
#define REAPED_MAX	16
static struct {
	int pid, status;
} reaped[REAPED_MAX];
static unsigned reaped_next;

/* The status $? shows for a process that ended with wait status st, quietly. */
static int
exit_status(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : SH_STATUS_SIGNAL + WTERMSIG(st);
}

/* Takes the remembered status of pid into *status. Returns 0, or -1 when none is kept. */
static int
reaped_take(int pid, int *status)
{
	for (int i = 0; i < REAPED_MAX; i++)
		if (reaped[i].pid == pid) {
			reaped[i].pid = 0;
			*status = reaped[i].status;
			return 0;
		}
	return -1;
}

/* Notes the end of a background job's member pid with status. Returns its job or NULL. */
static struct job *
job_member_ended(int pid, int st)
{
	reaped[reaped_next % REAPED_MAX].pid = pid;
	reaped[reaped_next++ % REAPED_MAX].status = exit_status(st);
	for (int i = 0; i < JOBS_MAX; i++)
		for (int k = 0; k < jobs[i].n; k++)
			if (jobs[i].pids[k] == pid) {
				jobs[i].pids[k] = -pid;		/* ended */
				jobs[i].alive--;
				return &jobs[i];
			}
	return NULL;
}

void
jobs_reap(bool report)
{
	int pid, status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct job *j = job_member_ended(pid, status);
		if (j != NULL && j->alive == 0) {
			if (report)
				fprintf(stderr, "[%d]  Done  %s\n", j->id, j->text);
			j->n = 0;
		}
	}
}

int
jobs_list(void)
{
	for (int i = 0; i < JOBS_MAX; i++)
		if (jobs[i].n > 0)
			printf("[%d]  Running  %s\n", jobs[i].id, jobs[i].text);
	return 0;
}

int
jobs_wait(int pid)
{
	int status = 0;

	for (int i = 0; i < JOBS_MAX; i++) {
		struct job *j = &jobs[i];
		for (int k = 0; k < j->n && j->alive > 0; k++) {
			int st;
			if (j->pids[k] <= 0 || (pid > 0 && j->pids[k] != pid))
				continue;
			if ((st = wait_for(j->pids[k])) >= 0)
				status = exit_status(st);
			j->pids[k] = -j->pids[k];
			if (--j->alive == 0)
				j->n = 0;
			if (pid > 0)
				return status;
		}
	}
	if (pid > 0 && reaped_take(pid, &status) == 0)
		return status;
	if (pid > 0) {
		warnx("wait: pid %d is not a child of this shell", pid);
		return SH_STATUS_NOT_FOUND;
	}
	return status;
}

int
run_program(char **argv)
{
	static struct pipeline one;
	struct pipeline *pl = &one;

	memset(&pl->cmd[0], 0, sizeof(pl->cmd[0]));
	pl->n = 1;
	pl->op = OP_END;
	for (int i = 0; argv[i] != NULL && i < PARSE_WORDS_MAX; i++)
		pl->cmd[0].argv[pl->cmd[0].argc++] = argv[i];
	return run_pipeline(pl, false);
}
